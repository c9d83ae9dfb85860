"""Time stepping of a nanowire network driven through its electrodes, and its results.

This module owns :func:`simulate` and :class:`NetworkResult`. Over each interval
``(t_{k-1}, t_k]`` every junction's drop from the solve at ``t_{k-1}`` is held, its state
advances by the exact solution of the rate equation (or, with ``update="published"``, by the
line of Milano et al.'s public code) and the circuit (:class:`.Circuit`) is solved at ``t_k``;
a batch of voltage series steps together, one state per series. The equations, the Joule energy
and the published update are in docs/network.md ("What is simulated", "The published junction
update").
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..exceptions import NetworkError
from ..kernels.runners import _n_threads
from . import _compiled
from .circuit import _MAXIT, _TOL, Circuit

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .graphs import NanowireNetwork

__all__ = ["UPDATES", "NetworkResult", "simulate"]

#: Junction updates: the exact solution of the rate equation, or the published code's line.
UPDATES = ("exact", "published")


@dataclass(frozen=True, eq=False)
class NetworkResult:
    """What :func:`simulate` returns: the network's response to the electrode voltages.

    Shapes: ``...`` is the batch shape (absent for one series), ``T`` the number of time
    stamps; a last axis over sources (``n_sources``) is dropped when one source was given as a
    single node. Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    network : NanowireNetwork
        The network simulated.
    time : ndarray of shape (T,)
        Time stamps.
    sources, grounds, electrodes : ndarray of int
        The electrodes (``electrodes`` is sources then grounds).
    source_voltages : ndarray of shape (..., T, n_sources)
        The applied voltages.
    conductance : ndarray of shape (..., T[, n_sources])
        Network conductance in siemens after the solve at each time stamp: for one source,
        ``I_s / (v_s - v_ground)``; with several, the conductance each source sees with every
        other electrode at 0 V. Defined also at 0 V.
    node_voltages : ndarray of shape (..., T, n_read)
        Voltages of ``read_nodes`` (NaN at nodes of components no electrode touches).
    read_nodes : ndarray of int
        The nodes of ``node_voltages``.
    currents : ndarray of shape (..., T, n_electrodes)
        Current each electrode injects into the network, in amperes (they add up to zero).
    energy : ndarray of shape (..., T)
        Joule energy in joules dissipated over ``(t_{k-1}, t_k]`` (0 at the first stamp).
    total_energy : ndarray of shape (...)
        Energy of each series (``energy`` summed over time).
    states : ndarray of shape (..., T, n_junctions) or None
        Junction states at each time stamp, when ``record_states=True``.
    final_states : ndarray of shape (..., n_junctions)
        Junction states at the last time stamp.
    update : str
        The junction update used.
    solver : str
        The linear solver used.
    factorisations : int
        Numeric factorisations done (all series).
    iterations : int
        Preconditioned CG iterations done (all series; 0 with ``solver="cholesky"``).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.network import grid_network
    >>> t = np.linspace(0.0, 1.0, 11)
    >>> res = grid_network().simulate(t, np.full(11, 2.0), source=31, ground=409)
    >>> res.node_voltages.shape, res.currents.shape, res.total_energy.shape
    ((11, 441), (11, 2), ())
    """

    network: NanowireNetwork
    time: np.ndarray
    sources: np.ndarray
    grounds: np.ndarray
    electrodes: np.ndarray
    source_voltages: np.ndarray
    conductance: np.ndarray
    node_voltages: np.ndarray
    read_nodes: np.ndarray
    currents: np.ndarray
    energy: np.ndarray
    total_energy: np.ndarray
    states: np.ndarray | None
    final_states: np.ndarray
    update: str
    solver: str
    factorisations: int
    iterations: int

    @property
    def resistance(self) -> np.ndarray:
        """``1 / conductance``, in ohms."""
        return 1.0 / self.conductance

    @property
    def junction_conductances(self) -> np.ndarray:
        """Junction conductances at each time stamp, shaped like :attr:`states`.

        Raises
        ------
        NetworkError
            If the states were not recorded.
        """
        if self.states is None:
            raise NetworkError("the junction states were not recorded: simulate with "
                               "record_states=True")
        return self.network.conductances(self.states)


def _time(time: ArrayLike) -> np.ndarray:
    t = np.asarray(time, dtype=np.float64)
    if t.ndim != 1 or t.size == 0:
        raise NetworkError(f"time must be a 1-D array of time stamps, got shape {t.shape}")
    if not np.all(np.isfinite(t)):
        raise NetworkError("time contains NaN or inf")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise NetworkError("time must be strictly increasing")
    return t


def _voltages(voltages: ArrayLike, n_time: int, n_sources: int, scalar_source: bool,
              ) -> tuple[np.ndarray, bool]:
    """``(B, T, n_sources)`` voltages and whether the input had a batch axis."""
    v = np.asarray(voltages, dtype=np.float64)
    core = 1 if scalar_source else 2
    if v.ndim not in (core, core + 1):
        form = "(T,) or (n_series, T)" if scalar_source else \
            "(T, n_sources) or (n_series, T, n_sources)"
        raise NetworkError(f"voltages must have shape {form} for this source, got {v.shape}")
    batched = v.ndim == core + 1
    v = v.reshape((v.shape[0] if batched else 1), *v.shape[int(batched):])
    if scalar_source:
        v = v[..., None]
    if v.shape[1:] != (n_time, n_sources):
        raise NetworkError(f"voltages must have {n_time} time stamps and {n_sources} sources "
                           f"per series, got shape {np.asarray(voltages).shape}")
    if not np.all(np.isfinite(v)):
        raise NetworkError("voltages contain NaN or inf")
    return np.ascontiguousarray(v), batched


def simulate(network: NanowireNetwork, time: ArrayLike, voltages: ArrayLike, *,
             source: ArrayLike, ground: ArrayLike, h0: ArrayLike | None = None,
             update: str = "exact", read_nodes: ArrayLike | None = None,
             record_states: bool = False, solver: str = "auto", n_jobs: int | None = -1,
             ) -> NetworkResult:
    """Drive a network's sources with voltage series; step junctions and circuit together.

    At ``time[0]`` the circuit is solved with the initial states; then for each later stamp
    the junctions advance over the interval with the drops of the previous solve held, and the
    circuit is solved with the voltages of that stamp (see the module docstring).

    Parameters
    ----------
    network : NanowireNetwork
        The network.
    time : array_like of shape (T,)
        Strictly increasing time stamps (the unit of the rate constants: seconds for
        Milano et al.'s constants).
    voltages : array_like
        Source voltages in volts: shape ``(T,)`` or ``(n_series, T)`` when ``source`` is one
        node, ``(T, n_sources)`` or ``(n_series, T, n_sources)`` when it is a sequence. A batch
        of series steps together, each with its own junction states.
    source : int or sequence of int
        Driven nodes.
    ground : int or sequence of int
        Nodes held at 0 V.
    h0 : float or array_like of shape (n_junctions,) or (n_series, n_junctions), optional
        Initial states (default: the network's ``h0``).
    update : {"exact", "published"}, default="exact"
        Junction update: the exact solution of the rate equation, or the line of Milano et
        al.'s public code (for comparing with their published figures).
    read_nodes : array_like of int, optional
        Nodes whose voltages are kept (default: every node; pass a few for long runs of large
        networks, the array is ``n_series * T * n_read`` floats).
    record_states : bool, default=False
        Keep the junction states at every stamp.
    solver : {"auto", "cholesky", "pcg"}, default="auto"
        Linear solver (see :class:`.Circuit`).
    n_jobs : int or None, default=-1
        Threads for a batch, one series each (-1: Numba's thread count; ``None``: one).
        Results do not depend on it.

    Returns
    -------
    NetworkResult
        Conductance, node voltages, electrode currents and energy (and states on request).

    Raises
    ------
    NetworkError
        If the time stamps, voltages, electrodes, states or options are not valid.
    VoltageOverflowError
        If a junction's voltage drop makes a rate overflow.

    Examples
    --------
    A 2 V pulse, then a 10 mV read, on Milano et al.'s Fig. 2 network:

    >>> import numpy as np
    >>> from nanowire_rc.network import grid_network, simulate
    >>> t = np.arange(40) * 0.05
    >>> v = np.where(t < 1.0, 2.0, 0.01)
    >>> res = simulate(grid_network(), t, v, source=31, ground=409, update="published")
    >>> bool(res.conductance[19] > res.conductance[0])  # potentiated by the pulse
    True
    """
    if update not in UPDATES:
        raise NetworkError(f"update must be one of {UPDATES}, got {update!r}")
    t = _time(time)
    circuit = _circuit(network, source, ground, solver)
    scalar_source = np.ndim(source) == 0
    v, batched = _voltages(voltages, t.size, circuit.sources.size, scalar_source)
    B, T, m = v.shape[0], t.size, network.n_junctions
    if h0 is not None and np.ndim(h0) == 2 and np.shape(h0)[0] != B:
        raise NetworkError(f"h0 has {np.shape(h0)[0]} rows for {B} series")
    h = network.h0 if h0 is None else network.states(h0)
    h = np.array(np.broadcast_to(h, (B, m)))
    read = np.arange(network.n_nodes) if read_nodes is None else \
        network.node_index(np.asarray(read_nodes).ravel().tolist())
    # Maximum principle: every node voltage lies between the lowest and the highest electrode
    # voltage (grounds at 0 V), so no junction drop exceeds that span.
    span = max(float(v.max()), 0.0) - min(float(v.min()), 0.0)
    network.constants.check_voltages(0.0, span)
    c = network.constants
    electrode_of = np.full(network.n_nodes, -1, np.int64)
    electrode_of[circuit.electrodes] = np.arange(circuit.electrodes.size)
    cond = np.zeros((B, T, circuit.sources.size))
    volts = np.zeros((B, T, read.size))
    currents = np.zeros((B, T, circuit.electrodes.size))
    energy = np.zeros((B, T))
    states = np.zeros((B, T, m if record_states else 0))
    counts = np.zeros((B, 3), np.int64)
    ends = tuple(np.ascontiguousarray(network.edges[:, k]) for k in (0, 1))
    shared = (update == "exact",
              (c.kappa_p0, c.kappa_d0, c.eta_p, c.eta_d, c.g_min, c.g_max - c.g_min), ends,
              (circuit.free, circuit.sources, read, electrode_of),
              circuit.solver == "pcg", circuit.refactor_after, _TOL, _MAXIT, circuit._maps,
              circuit._patterns)

    def one(b: int) -> None:
        counts[b] = _compiled.run_series(t, v[b], h[b], *shared, cond[b], volts[b],
                                         currents[b], energy[b], states[b])

    # The compiled loop releases the GIL: series of a batch run on threads side by side.
    workers = min(B, _n_threads(n_jobs, NetworkError))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(B)))
    else:
        for b in range(B):
            one(b)
    if np.any(counts[:, 0] != _compiled.OK):  # pragma: no cover - conductances stay > 0
        raise NetworkError("a conductance matrix was not positive definite")
    volts[..., np.isin(read, circuit.floating)] = np.nan

    def shape(a: np.ndarray, per_source: bool = False) -> np.ndarray:
        if per_source and scalar_source:
            a = a[..., 0]
        return a if batched else a[0]

    return NetworkResult(
        network=network, time=t, sources=circuit.sources, grounds=circuit.grounds,
        electrodes=circuit.electrodes, source_voltages=shape(v), conductance=shape(cond, True),
        node_voltages=shape(volts), read_nodes=read, currents=shape(currents),
        energy=shape(energy), total_energy=shape(energy.sum(axis=1)),
        states=shape(states) if record_states else None, final_states=shape(h),
        update=update, solver=circuit.solver, factorisations=int(counts[:, 1].sum()),
        iterations=int(counts[:, 2].sum()))


def _circuit(network: NanowireNetwork, source: ArrayLike, ground: ArrayLike,
             solver: str) -> Circuit:
    """The circuit for these electrodes, built once per network and kept on it."""
    key = (tuple(np.atleast_1d(source).tolist()), tuple(np.atleast_1d(ground).tolist()), solver)
    cache = network.__dict__.setdefault("_circuits", {})
    if key not in cache:
        cache[key] = Circuit(network, source, ground, solver=solver)
    return cache[key]
