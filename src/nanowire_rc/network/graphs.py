"""Nanowire networks as junction graphs, and generators of the published networks.

This module owns :class:`NanowireNetwork` (nodes are wires or grid points, edges memristive
junctions), its constructors and two generators: :func:`grid_network`, Milano, Miranda and
Ricciardi's grid with one random diagonal per cell (Neuromorph. Comput. Eng. 2, 014005, 2022),
and :func:`random_sticks`, wires of random length and angle in a box. The junction constants are
a :class:`~nanowire_rc.device.DeviceConstants` with one entry per junction. Circuit solves live
in :mod:`.circuit`, time stepping in :mod:`.stepping`; docs/network.md, "Networks", describes
the generators.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import connected_components

from .._seeding import Stream, child, generator, seed_sequence
from ..device import Device, DeviceConstants
from ..exceptions import NetworkError
from ..physics import NanowireParams, _as_params

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .circuit import Circuit
    from .stepping import NetworkResult

__all__ = [
    "GRID_ORDERS",
    "MILANO2021_FIG2",
    "MILANO2021_FIG2_WINDOW",
    "NanowireNetwork",
    "grid_network",
    "random_sticks",
]

#: Milano et al., Nature Materials 21, 195–202 (2022; online 2021), Fig. 2: the junction constants
#: their public code fits to a measured 2 V pulse response of a network (seconds and volts). They
#: were fitted with that code's junction update (``update="published"`` in :mod:`.stepping`).
MILANO2021_FIG2 = NanowireParams(
    kappa_p0=8.422409820914783e-10,
    kappa_d0=0.048697579017353006,
    eta_p=0.19999370301178968,
    eta_d=158.02444821482402,
)

#: The conductance window ``(g_min, g_max)`` in siemens of the same fit.
MILANO2021_FIG2_WINDOW = (0.001123825331225794, 0.0030515679724941363)

_G_MIN, _G_MAX = MILANO2021_FIG2_WINDOW

#: Orders in which :func:`grid_network` visits the cells when drawing their diagonals.
GRID_ORDERS = ("y-outer", "x-outer")


def _positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise NetworkError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _positive_real(name: str, value, strict: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value < 0 or (strict and value == 0):
        raise NetworkError(f"{name} must be a finite number {'>' if strict else '>='} 0, got "
                           f"{value!r}")
    return float(value)


def _junction_constants(
    n_junctions: int, params: NanowireParams, g_min: float, g_max: float,
    device: Device | None, random_state,
) -> DeviceConstants:
    """One set of constants per junction: nominal, or drawn by ``device``'s variability."""
    g_min, g_max = _positive_real("g_min", g_min), _positive_real("g_max", g_max)
    if g_max <= g_min:
        raise NetworkError(f"need g_min < g_max, got g_min={g_min!r}, g_max={g_max!r}")
    if device is None:
        device = Device()
    if not isinstance(device, Device):
        raise TypeError(f"device must be a nanowire_rc.Device or None, got "
                        f"{type(device).__name__}")
    other = dataclasses.replace(device, variability=0.0, g_min=0.0, g_max=1.0)
    if not other.is_ideal:
        raise NetworkError(
            "a network junction takes only the device's variability; read noise, state noise, "
            "voltage and ADC quantisation belong to a read-out chain: pass "
            "Device(variability=...) only")
    if (device.g_min, device.g_max) not in ((0.0, 1.0), (g_min, g_max)):
        raise NetworkError(
            f"the device's window ({device.g_min!r}, {device.g_max!r}) differs from g_min, "
            f"g_max ({g_min!r}, {g_max!r}): give the window as g_min= and g_max= only")
    device = dataclasses.replace(device, g_min=g_min, g_max=g_max)
    if not device.has_variability:
        return device.nominal(n_junctions, params)
    return device.draw(n_junctions, params, random_state)


def _as_points(name: str, value, n: int, shape: tuple[int, ...]) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.array(value, dtype=np.float64)
    if arr.shape != (n, *shape) or not np.all(np.isfinite(arr)):
        raise NetworkError(f"{name} must be finite and of shape {(n, *shape)}, got shape "
                           f"{arr.shape}")
    arr.setflags(write=False)
    return arr


class NanowireNetwork:
    """A network of memristive junctions: a graph whose every edge obeys the rate equation.

    Junction ``e = edges[e] = (i, j)`` has the state ``h_e`` in [0, 1], the conductance
    ``G_e = g_min,e + (g_max,e - g_min,e) h_e`` and the rates of :mod:`nanowire_rc.physics` at
    its voltage drop ``|v_i - v_j|``.

    Parameters
    ----------
    n_nodes : int
        Number of nodes; nodes are ``0 .. n_nodes - 1``.
    edges : array_like of int, shape (n_junctions, 2)
        The junctions as node pairs. Parallel junctions are allowed; a junction from a node to
        itself is not.
    params : NanowireParams, optional
        Nominal rate constants of every junction (default: :data:`MILANO2021_FIG2`).
    g_min, g_max : float, optional
        Nominal conductance window in siemens, ``0 < g_min < g_max`` (default:
        :data:`MILANO2021_FIG2_WINDOW`).
    h0 : float or array_like of shape (n_junctions,), default=0.0
        Initial junction states, in [0, 1].
    device : Device, optional
        Junction-to-junction variability: its ``variability`` spreads the constants around
        ``params`` and the window (:meth:`nanowire_rc.Device.draw`); every other setting of it
        must be off.
    random_state : int, SeedSequence, Generator, RandomState or None
        Seeds the variability draw.
    positions : array_like of shape (n_nodes, 2), optional
        Node coordinates, for maps and electrode placement.
    wires : array_like of shape (n_nodes, 2, 2), optional
        Wire segments ``[[x0, y0], [x1, y1]]`` when nodes are wires.
    junction_positions : array_like of shape (n_junctions, 2), optional
        Where each junction sits (default: the midpoint of its nodes' positions).
    node_labels : sequence, optional
        The original label of each node (kept by :meth:`from_networkx`).

    Attributes
    ----------
    constants : DeviceConstants
        Per-junction constants (``kappa_p0, kappa_d0, eta_p, eta_d, g_min, g_max``).
    n_nodes, edges, params, g_min, g_max, h0, positions, wires, junction_positions, node_labels
        The parameters (arrays read-only, ``edges`` int64, ``node_labels`` a tuple; geometry
        None when unknown).

    Raises
    ------
    NetworkError
        If the nodes, edges, window, states or geometry are not valid (the message says which).
    TypeError
        If ``params`` or ``device`` is of the wrong type.

    Examples
    --------
    >>> from nanowire_rc.network import NanowireNetwork
    >>> net = NanowireNetwork(3, [(0, 1), (1, 2)], g_min=1e-3, g_max=2e-3, h0=0.5)
    >>> net.n_nodes, net.n_junctions
    (3, 2)
    >>> net.conductances()
    array([0.0015, 0.0015])
    """

    def __init__(self, n_nodes: int, edges: ArrayLike, *, params: NanowireParams | None = None,
                 g_min: float = _G_MIN, g_max: float = _G_MAX, h0: ArrayLike = 0.0,
                 device: Device | None = None, random_state=None,
                 positions: ArrayLike | None = None, wires: ArrayLike | None = None,
                 junction_positions: ArrayLike | None = None,
                 node_labels: Sequence | None = None) -> None:
        n_nodes = _positive_int("n_nodes", n_nodes)
        e = np.asarray(edges)
        if e.size == 0:
            raise NetworkError("a network needs at least one junction; edges is empty")
        if e.ndim != 2 or e.shape[1] != 2:
            raise NetworkError(f"edges must have shape (n_junctions, 2), got {e.shape}")
        if not np.issubdtype(e.dtype, np.integer):
            raise NetworkError(f"edges must be integer node indices, got dtype {e.dtype}")
        e = e.astype(np.int64)
        if e.min() < 0 or e.max() >= n_nodes:
            raise NetworkError(f"edges name nodes outside 0 .. {n_nodes - 1}")
        loops = np.flatnonzero(e[:, 0] == e[:, 1])
        if loops.size:
            raise NetworkError(f"junction {loops[0]} joins node {e[loops[0], 0]} to itself: "
                               f"drop self-loops (they carry no current)")
        e.setflags(write=False)
        self.n_nodes = n_nodes
        self.edges = e
        self.params = MILANO2021_FIG2 if params is None else _as_params(params)
        self.constants = _junction_constants(e.shape[0], self.params, g_min, g_max, device,
                                             random_state)
        self.g_min, self.g_max = float(g_min), float(g_max)
        self.device = device
        self.h0 = self.states(h0)
        self.h0.setflags(write=False)
        self.positions = _as_points("positions", positions, n_nodes, (2,))
        self.wires = _as_points("wires", wires, n_nodes, (2, 2))
        if junction_positions is None and self.positions is not None:
            junction_positions = self.positions[e].mean(axis=1)
        self.junction_positions = _as_points("junction_positions", junction_positions,
                                             e.shape[0], (2,))
        if node_labels is not None:
            node_labels = tuple(node_labels)
            if len(node_labels) != n_nodes:
                raise NetworkError(f"node_labels has {len(node_labels)} labels for {n_nodes} "
                                   f"nodes")
        self.node_labels = node_labels

    def __repr__(self) -> str:
        return (f"NanowireNetwork(n_nodes={self.n_nodes}, n_junctions={self.n_junctions}, "
                f"params={self.params!r}, g_min={self.g_min!r}, g_max={self.g_max!r})")

    @property
    def n_junctions(self) -> int:
        """Number of junctions (edges)."""
        return self.edges.shape[0]

    @classmethod
    def from_edges(
        cls, edges: Iterable[tuple[int, int]], n_nodes: int | None = None, **kwargs: Any
    ) -> NanowireNetwork:
        """Build a network from an edge list of integer node pairs.

        Parameters
        ----------
        edges : iterable of (int, int)
            The junctions.
        n_nodes : int, optional
            Number of nodes (default: one more than the largest index in ``edges``).
        **kwargs
            Passed to :class:`NanowireNetwork`.

        Returns
        -------
        NanowireNetwork
            The network, its nodes numbered as in ``edges``.

        Raises
        ------
        NetworkError
            If ``edges`` is empty or not of integer pairs.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> NanowireNetwork.from_edges([(0, 1), (1, 2), (0, 2)]).n_nodes
        3
        """
        e = np.asarray(list(edges) if not isinstance(edges, np.ndarray) else edges)
        if e.size == 0:
            raise NetworkError("a network needs at least one junction; edges is empty")
        if e.ndim != 2 or e.shape[1] != 2 or not np.issubdtype(e.dtype, np.integer):
            raise NetworkError(f"edges must be pairs of integer node indices, got an array of "
                               f"shape {e.shape} and dtype {e.dtype}")
        if n_nodes is None:
            n_nodes = int(e.max()) + 1
        return cls(n_nodes, e, **kwargs)

    @classmethod
    def from_networkx(cls, graph: Any, **kwargs: Any) -> NanowireNetwork:
        """Build a network from a networkx graph (every edge a junction).

        Node numbering: when the labels are exactly the integers ``0 .. n - 1`` (in any order),
        node ``k`` is label ``k``; otherwise nodes are numbered in ``graph.nodes`` order and
        the labels are kept in :attr:`node_labels` (see :meth:`node_index`). Junctions follow
        ``graph.edges`` order (a multigraph's parallel edges are parallel junctions). Node
        positions are taken from the node attribute ``"pos"`` when every node has one.

        Parameters
        ----------
        graph : networkx.Graph or networkx.MultiGraph
            The network's graph (undirected).
        **kwargs
            Passed to :class:`NanowireNetwork`.

        Returns
        -------
        NanowireNetwork
            The network, with ``positions`` and ``node_labels`` as above.

        Raises
        ------
        NetworkError
            If the graph is directed, or has no edges.

        Examples
        --------
        >>> import networkx as nx
        >>> from nanowire_rc.network import NanowireNetwork
        >>> net = NanowireNetwork.from_networkx(nx.path_graph(4), g_min=1e-3, g_max=3e-3)
        >>> net.edges.tolist()
        [[0, 1], [1, 2], [2, 3]]
        """
        if getattr(graph, "is_directed", lambda: False)():
            raise NetworkError("the graph is directed: pass graph.to_undirected()")
        labels = list(graph.nodes)
        n = len(labels)
        integer = all(isinstance(k, numbers.Integral) and not isinstance(k, bool)
                      for k in labels)
        if integer and sorted(labels) == list(range(n)):
            index, kept, order = {k: k for k in labels}, None, list(range(n))
        else:
            index, kept, order = {k: i for i, k in enumerate(labels)}, labels, labels
        edges = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.int64)
        if edges.size == 0:
            raise NetworkError("the graph has no edges: a network needs at least one junction")
        if "positions" not in kwargs and all("pos" in graph.nodes[k] for k in labels):
            kwargs["positions"] = [graph.nodes[k]["pos"] for k in order]
        return cls(n, edges, node_labels=kept, **kwargs)

    def to_networkx(self) -> Any:
        """The network as a ``networkx.MultiGraph`` with node ``pos`` and edge ``h0``, ``g_min``,
        ``g_max`` attributes.

        Returns
        -------
        networkx.MultiGraph
            Nodes ``0 .. n_nodes - 1``; one edge per junction, keyed by its index.

        Examples
        --------
        >>> from nanowire_rc.network import grid_network
        >>> g = grid_network(3, 3).to_networkx()
        >>> g.number_of_nodes(), g.number_of_edges()
        (9, 16)
        """
        import networkx as nx

        g = nx.MultiGraph()
        for i in range(self.n_nodes):
            g.add_node(i) if self.positions is None else \
                g.add_node(i, pos=tuple(self.positions[i]))
        c = self.constants
        for k, (i, j) in enumerate(self.edges.tolist()):
            g.add_edge(i, j, key=k, h0=float(self.h0[k]), g_min=float(c.g_min[k]),
                       g_max=float(c.g_max[k]))
        return g

    def node_index(self, labels: Any) -> np.ndarray:
        """Node indices of original labels (networks built from a labelled graph).

        Parameters
        ----------
        labels : label or sequence of labels
            Labels as in the graph given to :meth:`from_networkx`.

        Returns
        -------
        ndarray of int
            One index per label.

        Raises
        ------
        NetworkError
            If a label is not a node (without labels: not in ``0 .. n_nodes - 1``).

        Examples
        --------
        >>> import networkx as nx
        >>> from nanowire_rc.network import NanowireNetwork
        >>> net = NanowireNetwork.from_networkx(nx.path_graph(["a", "b", "c"]))
        >>> net.node_index(["c", "a"]).tolist()
        [2, 0]
        """
        lookup = None if self.node_labels is None else \
            {k: i for i, k in enumerate(self.node_labels)}
        single = not isinstance(labels, (list, tuple, np.ndarray))
        out = []
        for k in ([labels] if single else list(labels)):
            if lookup is None:
                if isinstance(k, bool) or not isinstance(k, numbers.Integral) \
                        or not 0 <= k < self.n_nodes:
                    raise NetworkError(f"{k!r} is not a node (nodes are 0 .. "
                                       f"{self.n_nodes - 1})")
                out.append(int(k))
            elif k in lookup:
                out.append(lookup[k])
            else:
                raise NetworkError(f"{k!r} is not a node label of this network")
        return np.array(out, dtype=np.int64)

    def nearest_node(self, point: ArrayLike) -> int:
        """The node whose position is nearest to ``point`` (for placing electrodes).

        Parameters
        ----------
        point : array_like of shape (2,)
            Coordinates.

        Returns
        -------
        int
            Index of the nearest node.

        Raises
        ------
        NetworkError
            If the network has no node positions (``positions=None``).

        Examples
        --------
        >>> from nanowire_rc.network import grid_network
        >>> grid_network().nearest_node((1, 10))  # Milano et al.'s source electrode
        31
        """
        if self.positions is None:
            raise NetworkError("this network has no node positions: pass positions= when "
                               "building it")
        d = np.sum((self.positions - np.asarray(point, dtype=np.float64)) ** 2, axis=1)
        return int(np.argmin(d))

    def states(self, h: ArrayLike) -> np.ndarray:
        """Validate junction states: a scalar or one value per junction, in [0, 1].

        Parameters
        ----------
        h : float or array_like of shape (..., n_junctions)
            States.

        Returns
        -------
        ndarray of shape (..., n_junctions)
            The states as float64 (a scalar is repeated for every junction).

        Raises
        ------
        NetworkError
            If a state is outside [0, 1] or the last axis is not one per junction.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> NanowireNetwork(2, [(0, 1)]).states(0.25)
        array([0.25])
        """
        arr = np.asarray(h, dtype=np.float64)
        if arr.ndim == 0:
            arr = np.full(self.n_junctions, float(arr))
        if arr.shape[-1] != self.n_junctions:
            raise NetworkError(f"states must have one value per junction ({self.n_junctions}), "
                               f"got shape {arr.shape}")
        if not np.all((arr >= 0) & (arr <= 1)):
            raise NetworkError("junction states must lie in [0, 1] (and not be NaN)")
        return np.array(arr)

    def conductances(self, h: ArrayLike | None = None) -> np.ndarray:
        """Junction conductances ``G_e = g_min,e + (g_max,e - g_min,e) h_e``.

        Parameters
        ----------
        h : array_like of shape (..., n_junctions), optional
            States (default: :attr:`h0`).

        Returns
        -------
        ndarray of shape (..., n_junctions)
            Conductances in siemens.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> NanowireNetwork(2, [(0, 1)], g_min=1.0, g_max=3.0).conductances([0.5])
        array([2.])
        """
        h = self.h0 if h is None else self.states(h)
        c = self.constants
        return c.g_min + (c.g_max - c.g_min) * h

    def laplacian(self, h: ArrayLike | None = None) -> sp.csr_matrix:
        """The weighted graph Laplacian ``L = sum_e G_e (u_i - u_j)(u_i - u_j)^T``.

        Parameters
        ----------
        h : array_like of shape (n_junctions,), optional
            States (default: :attr:`h0`).

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_nodes, n_nodes)
            ``L v`` is the current each node injects into the network at node voltages ``v``.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> NanowireNetwork(2, [(0, 1)], g_min=1.0, g_max=3.0).laplacian().toarray()
        array([[ 1., -1.],
               [-1.,  1.]])
        """
        g = self.conductances(h)
        i, j = self.edges[:, 0], self.edges[:, 1]
        rows = np.concatenate([i, j, i, j])
        cols = np.concatenate([i, j, j, i])
        vals = np.concatenate([g, g, -g, -g])
        return sp.csr_matrix((vals, (rows, cols)), shape=(self.n_nodes, self.n_nodes))

    def components(self) -> np.ndarray:
        """Connected-component label of every node.

        Returns
        -------
        ndarray of int, shape (n_nodes,)
            Nodes with the same label are connected by junctions.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> NanowireNetwork(4, [(0, 1), (2, 3)]).components().tolist()
        [0, 0, 1, 1]
        """
        return connected_components(_adjacency(self.edges, self.n_nodes), directed=False)[1]

    def circuit(self, source: ArrayLike, ground: ArrayLike, solver: str = "auto") -> Circuit:
        """The Kirchhoff system of this network with these electrodes.

        Parameters
        ----------
        source, ground : int or sequence of int
            Driven nodes, and nodes held at 0 V.
        solver : str, default="auto"
            Linear solver (see :class:`.Circuit`).

        Returns
        -------
        Circuit
            The system, with its ordering and symbolic work done.

        Examples
        --------
        >>> from nanowire_rc.network import grid_network
        >>> net = grid_network()
        >>> c = net.circuit(source=31, ground=409)
        >>> round(float(c.conductance(net.conductances(0.0))[0]), 6)  # siemens, all h = 0
        0.000894
        """
        from .circuit import Circuit

        return Circuit(self, source, ground, solver=solver)

    def with_constants(self, params: NanowireParams | None = None, g_min: float | None = None,
                       g_max: float | None = None, h0: ArrayLike | None = None,
                       ) -> NanowireNetwork:
        """The same graph and geometry with other nominal junction constants.

        The new network shares this one's circuits (their ordering and symbolic factorisation
        depend only on the graph and the electrodes), so a calibration that tries many
        constants on one graph does the symbolic work once.

        Parameters
        ----------
        params : NanowireParams, optional
            Rate constants (default: this network's).
        g_min, g_max : float, optional
            Conductance window in siemens (default: this network's).
        h0 : float or array_like of shape (n_junctions,), optional
            Initial states (default: this network's).

        Returns
        -------
        NanowireNetwork
            The new network, every junction with the nominal constants (no variability).

        Raises
        ------
        NetworkError
            If ``g_min``, ``g_max`` or ``h0`` is not valid.

        Examples
        --------
        >>> from nanowire_rc.network import grid_network
        >>> net = grid_network(4, 4).with_constants(g_min=1.0, g_max=2.0, h0=0.5)
        >>> float(net.conductances()[0])
        1.5
        """
        new = NanowireNetwork(
            self.n_nodes, self.edges, params=self.params if params is None else params,
            g_min=self.g_min if g_min is None else g_min,
            g_max=self.g_max if g_max is None else g_max,
            h0=self.h0 if h0 is None else h0, positions=self.positions, wires=self.wires,
            junction_positions=self.junction_positions, node_labels=self.node_labels)
        new.__dict__["_circuits"] = self.__dict__.setdefault("_circuits", {})
        return new

    def simulate(
        self, time: ArrayLike, voltages: ArrayLike, *, source: ArrayLike, ground: ArrayLike,
        **kwargs: Any,
    ) -> NetworkResult:
        """Drive the electrodes with voltage series and step the network.

        Parameters
        ----------
        time, voltages, source, ground : as in :func:`~.stepping.simulate`
            The time stamps, the source voltages and the electrodes.
        **kwargs
            Passed to :func:`~.stepping.simulate`, which this calls.

        Returns
        -------
        NetworkResult
            Conductance, node voltages, electrode currents, energy (and states on request).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import grid_network
        >>> t = np.arange(5) * 0.1
        >>> res = grid_network().simulate(t, np.full(5, 0.01), source=31, ground=409)
        >>> res.conductance.shape
        (5,)
        """
        from .stepping import simulate

        return simulate(self, time, voltages, source=source, ground=ground, **kwargs)


def _adjacency(edges: np.ndarray, n: int) -> sp.csr_matrix:
    ones = np.ones(edges.shape[0], dtype=np.int8)
    return sp.csr_matrix((ones, (edges[:, 0], edges[:, 1])), shape=(n, n))


def grid_network(rows: int = 21, cols: int = 21, *, diagonals: bool = True, seed: int = 2,
                 order: str = "y-outer", **kwargs: Any) -> NanowireNetwork:
    """Milano et al.'s grid graph: a ``rows x cols`` grid with one random diagonal per cell.

    Node ``k = rows * x + y`` sits at ``(x, y)``; horizontal and vertical neighbours are joined.
    With ``diagonals``, after ``random.seed(seed)`` each cell's ``random.randint(0, 1)`` picks
    its diagonal: 0 joins ``(x, y)-(x+1, y+1)``, 1 joins ``(x+1, y)-(x, y+1)``. The default
    order is the published code's, so ``grid_network()`` is the network of Milano et al. 2021,
    Fig. 2 (source 31, ground 409); ``"x-outer"`` gives another network (docs/network.md,
    "Networks"). Python's global ``random`` state is restored afterwards.

    Parameters
    ----------
    rows, cols : int, default=21
        Grid size (>= 2 each).
    diagonals : bool, default=True
        Add one random diagonal per cell.
    seed : int, default=2
        Seed of Python's ``random`` for the diagonals.
    order : {"y-outer", "x-outer"}, default="y-outer"
        Which coordinate the outer loop of the draws runs over.
    **kwargs
        Passed to :class:`NanowireNetwork`.

    Returns
    -------
    NanowireNetwork
        The network, with node positions ``(x, y)``.

    Raises
    ------
    NetworkError
        If ``rows`` or ``cols`` is below 2, or ``order`` is unknown.

    Examples
    --------
    >>> from nanowire_rc.network import grid_network
    >>> net = grid_network()
    >>> net.n_nodes, net.n_junctions
    (441, 1240)
    """
    rows = _positive_int("rows", rows, 2)
    cols = _positive_int("cols", cols, 2)
    if order not in GRID_ORDERS:
        raise NetworkError(f"order must be one of {GRID_ORDERS}, got {order!r}")
    node = np.arange(rows * cols).reshape(cols, rows)  # node[x, y] = rows * x + y
    edges = [np.stack([node[:-1, :].ravel(), node[1:, :].ravel()], axis=1),
             np.stack([node[:, :-1].ravel(), node[:, 1:].ravel()], axis=1)]
    if diagonals:
        state = random.getstate()
        try:
            random.seed(seed)
            picks = [random.randint(0, 1) for _ in range((rows - 1) * (cols - 1))]
        finally:
            random.setstate(state)
        if order == "y-outer":
            k = np.array(picks).reshape(rows - 1, cols - 1).T  # k[x, y]: drawn y outer
        else:
            k = np.array(picks).reshape(cols - 1, rows - 1)  # k[x, y]: drawn x outer
        a = np.where(k == 0, node[:-1, :-1], node[1:, :-1])
        b = np.where(k == 0, node[1:, 1:], node[:-1, 1:])
        edges.append(np.stack([a.ravel(), b.ravel()], axis=1))
    xy = np.stack(np.meshgrid(np.arange(cols), np.arange(rows), indexing="ij"), axis=-1)
    return NanowireNetwork(rows * cols, np.concatenate(edges),
                           positions=xy.reshape(-1, 2).astype(np.float64), **kwargs)


# Half of the 3 x 3 neighbourhood of a cell: every pair of neighbouring cells is visited once.
_HALF_STENCIL = ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1))
_MAX_PAIRS = 1 << 22  # candidate pairs tested at once (memory stays ~ 100 MB)


def _cross(ax, ay, bx, by):
    return ax * by - ay * bx


def stick_crossings(wires: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of crossing segments, found with a cell list (no all-pairs work).

    Only wires in the same or neighbouring cells of a grid of side ``cell`` (at least the
    longest segment) can cross. The test is the strict orientation test: ``P`` and ``Q`` cross
    when ``Q``'s ends lie on opposite sides of ``P``'s line and the reverse.

    Parameters
    ----------
    wires : ndarray of shape (n, 2, 2)
        Segments ``[[x0, y0], [x1, y1]]``.
    cell : float
        Cell side, at least the longest segment.

    Returns
    -------
    pairs : ndarray of int64, shape (n_crossings, 2)
        Crossing wire pairs ``(i, j)``, ``i < j``, sorted.
    points : ndarray of shape (n_crossings, 2)
        Where they cross.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.network.graphs import stick_crossings
    >>> w = np.array([[[0, 0], [1, 1]], [[0, 1], [1, 0]], [[3, 3], [4, 3]]], dtype=float)
    >>> pairs, points = stick_crossings(w, cell=1.5)
    >>> pairs.tolist(), points.tolist()
    ([[0, 1]], [[0.5, 0.5]])
    """
    n = wires.shape[0]
    mid = wires.mean(axis=1)
    lo = mid.min(axis=0)
    ij = np.floor((mid - lo) / cell).astype(np.int64)
    nx_, ny_ = int(ij[:, 0].max()) + 1, int(ij[:, 1].max()) + 1
    cell_id = ij[:, 0] * ny_ + ij[:, 1]
    order = np.argsort(cell_id, kind="stable")
    counts = np.bincount(cell_id, minlength=nx_ * ny_)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sx, sy = ij[order, 0], ij[order, 1]
    pos = np.arange(n)
    p1, p2 = wires[:, 0], wires[:, 1]
    found_pairs, found_points = [], []
    for dx, dy in _HALF_STENCIL:
        jx, jy = sx + dx, sy + dy
        ok = (jx >= 0) & (jx < nx_) & (jy >= 0) & (jy < ny_)
        nb = np.where(ok, jx * ny_ + jy, 0)
        first, count = starts[nb], np.where(ok, counts[nb], 0)
        if dx == 0 and dy == 0:  # same cell: each pair once
            end = first + count
            first = pos + 1
            count = end - first
        cum = np.cumsum(count)
        # Blocks of sorted wires whose candidates fit in _MAX_PAIRS.
        cuts = np.searchsorted(cum, np.arange(_MAX_PAIRS, int(cum[-1]) + _MAX_PAIRS,
                                              _MAX_PAIRS), side="right")
        begin = 0
        for stop in np.unique(np.append(cuts, n)):
            if stop <= begin:
                continue
            cnt = count[begin:stop]
            total = int(cnt.sum())
            if total:
                a = np.repeat(pos[begin:stop], cnt)
                offset = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
                b = np.repeat(first[begin:stop], cnt) + offset
                i, j = order[a], order[b]
                keep, t = _crossing(p1[i], p2[i], p1[j], p2[j])
                i, j = i[keep], j[keep]
                found_pairs.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
                found_points.append(p1[i] + t[keep, None] * (p2[i] - p1[i]))
            begin = stop
    if not found_pairs:
        return np.empty((0, 2), np.int64), np.empty((0, 2))
    pairs, points = np.concatenate(found_pairs), np.concatenate(found_points)
    srt = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[srt], points[srt]


def _crossing(p1, p2, q1, q2):
    """Strict crossing test of segments ``p1-p2`` and ``q1-q2`` (arrays of shape (k, 2)), and
    the parameter ``t`` of the crossing point ``p1 + t (p2 - p1)``."""
    rx, ry = p2[:, 0] - p1[:, 0], p2[:, 1] - p1[:, 1]
    sx, sy = q2[:, 0] - q1[:, 0], q2[:, 1] - q1[:, 1]
    d1 = _cross(rx, ry, q1[:, 0] - p1[:, 0], q1[:, 1] - p1[:, 1])
    d2 = _cross(rx, ry, q2[:, 0] - p1[:, 0], q2[:, 1] - p1[:, 1])
    d3 = _cross(sx, sy, p1[:, 0] - q1[:, 0], p1[:, 1] - q1[:, 1])
    d4 = _cross(sx, sy, p2[:, 0] - q1[:, 0], p2[:, 1] - q1[:, 1])
    keep = (d1 * d2 < 0) & (d3 * d4 < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = d3 / (d3 - d4)
    return keep, t


def random_sticks(n_wires: int, *, box: float | tuple[float, float] | None = None,
                  length: float = 1.0, length_std: float = 0.0, largest_component: bool = True,
                  random_state=None, **kwargs: Any) -> NanowireNetwork:
    """Random-stick network: wires of random length and angle in a box, junctions where they
    cross.

    Wire centres are uniform in the box ``[0, width] x [0, height]`` (wires may stick out),
    angles uniform in ``[0, pi)``. Every wire is a node, every crossing a junction; a kept
    component's wires are renumbered in their drawing order.

    Parameters
    ----------
    n_wires : int
        Number of wires drawn (>= 2).
    box : float or (float, float), optional
        Side of the square box, or ``(width, height)``. Default: the square in which a wire
        crosses 10 others on average, ``side = sqrt(2 n_wires E[l]^2 / (10 pi))`` (Buffon).
    length : float, default=1.0
        Mean wire length (> 0).
    length_std : float, default=0.0
        Standard deviation of the lengths (gamma law; 0: all equal).
    largest_component : bool, default=True
        Keep only the largest connected component.
    random_state : int, SeedSequence, Generator, RandomState or None
        Seeds the wires (and, with ``device``, the junction variability).
    **kwargs
        Passed to :class:`NanowireNetwork`.

    Returns
    -------
    NanowireNetwork
        The network, with ``positions`` (wire centres), ``wires`` (segments) and
        ``junction_positions`` (crossing points).

    Raises
    ------
    NetworkError
        If a size or length is invalid, or no two wires cross.

    Examples
    --------
    >>> from nanowire_rc.network import random_sticks
    >>> net = random_sticks(200, random_state=0)
    >>> net.n_nodes <= 200 and net.wires.shape == (net.n_nodes, 2, 2)
    True
    """
    n_wires = _positive_int("n_wires", n_wires, 2)
    length = _positive_real("length", length)
    _positive_real("length_std", length_std, strict=False)
    if box is None:
        side = math.sqrt(2.0 * n_wires * (length**2 + length_std**2) / (10.0 * math.pi))
        width = height = side
    elif isinstance(box, numbers.Real):
        width = height = _positive_real("box", box)
    else:
        width, height = (_positive_real("box", b) for b in box)
    seeds = seed_sequence(random_state)
    rng = generator(seeds)
    centres = rng.uniform(size=(n_wires, 2)) * np.array([width, height])
    angles = rng.uniform(0.0, np.pi, size=n_wires)
    if length_std > 0:
        shape = (length / length_std) ** 2
        lengths = rng.gamma(shape, length / shape, size=n_wires)
    else:
        lengths = np.full(n_wires, length)
    half = 0.5 * lengths[:, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    wires = np.stack([centres - half, centres + half], axis=1)
    pairs, points = stick_crossings(wires, cell=float(lengths.max()))
    if pairs.shape[0] == 0:
        raise NetworkError(f"no two of the {n_wires} wires cross: use more wires, longer "
                           f"wires or a smaller box")
    keep = np.arange(n_wires)
    if largest_component:
        labels = connected_components(_adjacency(pairs, n_wires), directed=False)[1]
        # Isolated wires are components of their own; pick the largest among the crossing ones.
        sizes = np.bincount(labels)
        keep = np.flatnonzero(labels == np.argmax(sizes))
        new = np.full(n_wires, -1)
        new[keep] = np.arange(keep.size)
        inside = new[pairs[:, 0]] >= 0
        pairs, points = new[pairs[inside]], points[inside]
    kwargs.setdefault("random_state", child(seeds, Stream.DEVICE))
    return NanowireNetwork(keep.size, pairs, positions=centres[keep], wires=wires[keep],
                           junction_positions=points, **kwargs)
