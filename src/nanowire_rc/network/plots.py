"""Pictures of a simulated nanowire network: conductance and voltage maps, their animation.

This module owns the figures of the network papers (Milano et al., Nature Materials 2021,
Fig. 2): the network conductance over time (:func:`plot_conductance`), junction conductances or
node voltages drawn on the graph at one time (:func:`conductance_map`, :func:`voltage_map`),
panels of either (:func:`plot_maps`) and their animation (:func:`animate`); see docs/network.md,
"Pictures". Everything reads a :class:`.NetworkResult` of a network with node positions.
matplotlib is imported when a function is called, so the rest of :mod:`nanowire_rc.network`
does not need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import NetworkError
from .stepping import NetworkResult

__all__ = ["animate", "conductance_map", "plot_conductance", "plot_maps", "voltage_map"]

QUANTITIES = ("conductance", "voltage")
_LABELS = {"conductance": "junction conductance (S)", "voltage": "node voltage (V)"}


def _one(result: NetworkResult, series: int | None) -> tuple[np.ndarray | None, np.ndarray,
                                                               np.ndarray]:
    """``(states, node_voltages, conductance)`` of one series of ``result``."""
    batched = result.energy.ndim == 2
    if batched and series is None:
        raise NetworkError("the result holds a batch of series: pass series= to pick one")
    pick = (lambda a: a[series]) if batched else (lambda a: a)
    states = None if result.states is None else pick(result.states)
    return states, pick(result.node_voltages), pick(result.conductance)


def _index(result: NetworkResult, at: float) -> int:
    """The time stamp nearest to ``at`` seconds."""
    return int(np.argmin(np.abs(result.time - at)))


def _positions(result: NetworkResult) -> np.ndarray:
    pos = result.network.positions
    if pos is None:
        raise NetworkError("this network has no node positions to draw it with: build it with "
                           "positions= (the generators set them)")
    return pos


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 4.0))
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _electrodes(ax, result: NetworkResult, pos: np.ndarray) -> None:
    for nodes, colour, label in ((result.sources, "tab:red", "source"),
                                 (result.grounds, "black", "ground")):
        if nodes.size:
            ax.scatter(pos[nodes, 0], pos[nodes, 1], s=60, marker="s", c=colour, zorder=4,
                       label=label)


def _finish_map(ax, art, result: NetworkResult, pos: np.ndarray, at: float, colorbar: bool,
                label: str):
    ax.autoscale_view()
    _electrodes(ax, result, pos)
    ax.set_title(f"t = {result.time[_index(result, at)]:.3g} s")
    if colorbar:
        ax.figure.colorbar(art, ax=ax, label=label, shrink=0.8)
    return ax


def _drawer(quantity: str):
    """The map function that draws ``quantity``."""
    if quantity not in QUANTITIES:
        raise NetworkError(f"quantity must be one of {QUANTITIES}, got {quantity!r}")
    return conductance_map if quantity == "conductance" else voltage_map


def conductance_map(result: NetworkResult, at: float, *, series: int | None = None,
                    ax: Any = None, vmin: float | None = None, vmax: float | None = None,
                    cmap: str = "viridis", colorbar: bool = True) -> Any:
    """Junction conductances drawn on the network at one time.

    Grids are drawn as their edges coloured by the junction conductance; random-stick networks
    as their wires in grey with each junction a dot coloured by its conductance.

    Parameters
    ----------
    result : NetworkResult
        A result of :func:`~.stepping.simulate` with ``record_states=True``.
    at : float
        Time in seconds (the nearest stamp is drawn).
    series : int, optional
        Which series of a batched result.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    vmin, vmax : float, optional
        Colour scale limits in siemens (default: the network's ``g_min`` and ``g_max``).
    cmap : str, default="viridis"
        Colour map.
    colorbar : bool, default=True
        Add a colour bar.

    Returns
    -------
    matplotlib Axes
        The axes drawn on; its first collection holds the junctions' colours.

    Raises
    ------
    NetworkError
        If the states were not recorded, the network has no positions, or a batched result
        is given without ``series``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.network import grid_network, plots
    >>> t = np.arange(20) * 0.05
    >>> res = grid_network(5, 5).simulate(t, np.full(20, 2.0), source=0, ground=24,
    ...                                   update="published", record_states=True)
    >>> ax = plots.conductance_map(res, at=0.5)
    >>> len(ax.collections[0].get_array()) == res.network.n_junctions
    True
    """
    from matplotlib.collections import LineCollection

    states, _, _ = _one(result, series)
    if states is None:
        raise NetworkError("conductance maps need the junction states: simulate with "
                           "record_states=True")
    pos = _positions(result)
    net = result.network
    G = net.conductances(states[_index(result, at)])
    vmin = float(np.min(net.constants.g_min)) if vmin is None else vmin
    vmax = float(np.max(net.constants.g_max)) if vmax is None else vmax
    ax = _axes(ax)
    if net.wires is not None:
        xy = net.junction_positions if net.junction_positions is not None \
            else pos[net.edges].mean(axis=1)
        art = ax.scatter(xy[:, 0], xy[:, 1], c=G, s=12, cmap=cmap, vmin=vmin, vmax=vmax,
                         zorder=3)
        ax.add_collection(LineCollection(net.wires, colors="0.8", linewidths=0.6, zorder=1))
    else:
        art = LineCollection(pos[net.edges], array=G, cmap=cmap, linewidths=2.0, zorder=2)
        art.set_clim(vmin, vmax)
        ax.add_collection(art)
    return _finish_map(ax, art, result, pos, at, colorbar, _LABELS["conductance"])


def voltage_map(result: NetworkResult, at: float, *, series: int | None = None, ax: Any = None,
                vmin: float | None = None, vmax: float | None = None, cmap: str = "plasma",
                colorbar: bool = True) -> Any:
    """Node voltages drawn on the network at one time (the nodes of ``read_nodes``).

    Parameters
    ----------
    result, at, series, ax : as in :func:`conductance_map`
        Here ``result`` need not hold the junction states.
    vmin, vmax : float, optional
        Colour scale limits in volts (default: the electrode voltages' range over the run).
    cmap : str, default="plasma"
        Colour map.
    colorbar : bool, default=True
        As in :func:`conductance_map`.

    Returns
    -------
    matplotlib Axes
        The axes; the colours of its first collection are the node voltages.

    Raises
    ------
    NetworkError
        If the network has no positions, or a batched result is given without ``series``.

    Examples
    --------
    >>> from nanowire_rc.network import grid_network, plots
    >>> res = grid_network(5, 5).simulate([0.0, 0.1], [1.0, 1.0], source=0, ground=24)
    >>> ax = plots.voltage_map(res, at=0.1)
    >>> len(ax.collections[0].get_array())
    25
    """
    from matplotlib.collections import LineCollection

    _, volts, _ = _one(result, series)
    pos = _positions(result)
    net = result.network
    v = volts[_index(result, at)]
    span = np.concatenate([np.ravel(result.source_voltages), [0.0]])
    vmin = float(span.min()) if vmin is None else vmin
    vmax = float(span.max()) if vmax is None else vmax
    ax = _axes(ax)
    nodes = result.read_nodes
    art = ax.scatter(pos[nodes, 0], pos[nodes, 1], c=v, s=25, cmap=cmap, vmin=vmin, vmax=vmax,
                     zorder=3)
    segments = net.wires if net.wires is not None else pos[net.edges]
    ax.add_collection(LineCollection(segments, colors="0.85", linewidths=0.6, zorder=1))
    return _finish_map(ax, art, result, pos, at, colorbar, _LABELS["voltage"])


def plot_conductance(result: NetworkResult, *, series: int | None = None, ax: Any = None,
                     measured: Sequence[float] | None = None) -> Any:
    """Network conductance between the electrodes over time, with the applied voltage.

    Parameters
    ----------
    result : NetworkResult
        A result of :func:`~.stepping.simulate` (one source).
    series, ax : as in :func:`conductance_map`
        Which series of a batched result; where to draw.
    measured : sequence of float, optional
        A measured conductance at the same stamps, drawn for comparison.

    Returns
    -------
    matplotlib Axes
        The conductance axes (the voltage is on a twin axis).

    Raises
    ------
    NetworkError
        If a batched result is given without ``series``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.network import grid_network, plots
    >>> t = np.arange(20) * 0.05
    >>> res = grid_network(5, 5).simulate(t, np.full(20, 2.0), source=0, ground=24)
    >>> plots.plot_conductance(res).get_ylabel()
    'network conductance (S)'
    """
    import matplotlib.pyplot as plt

    _, _, g = _one(result, series)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.2))
    g = np.asarray(g)
    if measured is not None:
        ax.plot(result.time, measured, ".", color="0.5", ms=3, label="measured")
    ax.plot(result.time, g if g.ndim == 1 else g[:, 0], color="tab:blue", label="simulated")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("network conductance (S)")
    twin = ax.twinx()
    sv = result.source_voltages if result.energy.ndim == 1 else result.source_voltages[series]
    twin.plot(result.time, sv[:, 0], color="tab:red", lw=0.8, alpha=0.6)
    twin.set_ylabel("source voltage (V)", color="tab:red")
    if measured is not None:
        ax.legend(loc="best")
    return ax


def plot_maps(result: NetworkResult, times: Sequence[float], *, quantity: str = "conductance",
              series: int | None = None) -> Any:
    """Panels of conductance or voltage maps at several times, on one colour scale.

    Parameters
    ----------
    result : NetworkResult
        A result of :func:`~.stepping.simulate` (``record_states=True`` for conductance maps).
    times : sequence of float
        Times in seconds, one panel each.
    quantity : {"conductance", "voltage"}, default="conductance"
        What to draw.
    series : int, optional
        Which series of a batched result.

    Returns
    -------
    matplotlib Figure
        The figure.

    Raises
    ------
    NetworkError
        If ``quantity`` is unknown or ``times`` empty (and as the maps).

    Examples
    --------
    >>> from nanowire_rc.network import grid_network, plots
    >>> res = grid_network(5, 5).simulate([0.0, 0.5, 1.0], [2.0] * 3, source=0, ground=24)
    >>> len(plots.plot_maps(res, [0.0, 0.5, 1.0], quantity="voltage").axes)  # and a colour bar
    4
    """
    import matplotlib.pyplot as plt

    draw = _drawer(quantity)
    if len(times) == 0:
        raise NetworkError("times is empty: give at least one time to draw")
    fig, axes = plt.subplots(1, len(times), figsize=(3.4 * len(times) + 0.8, 3.6),
                             squeeze=False)
    for ax, at in zip(axes[0], times, strict=True):
        draw(result, at, series=series, ax=ax, colorbar=False)
    art = axes[0, -1].collections[0]
    fig.colorbar(art, ax=list(axes[0]), label=_LABELS[quantity], shrink=0.8)
    return fig


def animate(result: NetworkResult, path: str | PathLike, *, quantity: str = "conductance",
            series: int | None = None, frames: int = 40, fps: int = 10) -> Path:
    """Save an animation of the conductance or voltage map over the run (GIF or MP4).

    Parameters
    ----------
    result : NetworkResult
        As in :func:`plot_maps`.
    path : str or path-like
        Output file: ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH).
    quantity, series : as in :func:`plot_maps`
        What to draw; which series of a batched result.
    frames : int, default=40
        Frames, at time stamps spread evenly over the run (at most one per stamp).
    fps : int, default=10
        Frames per second.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    NetworkError
        If the suffix is not ``.gif`` or ``.mp4``, ffmpeg is missing for MP4, or
        ``quantity`` is unknown (and as the maps).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from nanowire_rc.network import grid_network, plots
    >>> t = np.arange(10) * 0.05
    >>> res = grid_network(4, 4).simulate(t, np.full(10, 2.0), source=0, ground=15,
    ...                                   update="published", record_states=True)
    >>> out = plots.animate(res, os.path.join(tempfile.mkdtemp(), "net.gif"), frames=3)
    >>> out.suffix, out.stat().st_size > 0
    ('.gif', True)
    """
    import matplotlib.pyplot as plt
    from matplotlib import animation

    path = Path(path)
    draw = _drawer(quantity)
    suffix = path.suffix.lower()
    if suffix == ".gif":
        writer = animation.PillowWriter(fps=fps)
    elif suffix == ".mp4":
        if not animation.writers.is_available("ffmpeg"):
            raise NetworkError("MP4 needs ffmpeg on the PATH: install it, or save a .gif")
        writer = animation.FFMpegWriter(fps=fps)
    else:
        raise NetworkError(f"the animation is saved as .gif or .mp4, got {path.name!r}")
    stamps = np.unique(np.linspace(0, result.time.size - 1, max(1, int(frames))).astype(int))
    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    draw(result, result.time[stamps[0]], series=series, ax=ax, colorbar=True)

    def frame(k: int):
        ax.clear()
        draw(result, result.time[stamps[k]], series=series, ax=ax, colorbar=False)
        return ax.collections

    anim = animation.FuncAnimation(fig, frame, frames=stamps.size, blit=False)
    anim.save(str(path), writer=writer)
    plt.close(fig)
    return path
