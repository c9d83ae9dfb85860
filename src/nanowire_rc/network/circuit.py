"""Kirchhoff's laws on a nanowire network with driven electrodes: the linear solve of each step.

Driven nodes ``D`` (sources at given voltages, grounds at 0 V) split off the free nodes ``F``,
whose current law reads ``L_FF v_F = -L_FD v_D`` with ``L`` the conductance-weighted Laplacian.
This module owns :class:`Circuit`, which does the work that depends only on the graph and the
electrodes once (floating islands, fill-reducing order, elimination tree, the pattern of the
Cholesky factor); each solve then runs the compiled numeric part (:mod:`._compiled`). The
solvers and the floating islands (left out of the solve, their voltages NaN) are described in
docs/network.md, "What is simulated" and "The solver, and what was measured to choose it".
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike

from ..exceptions import NetworkError
from . import _compiled

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .graphs import NanowireNetwork

__all__ = ["SOLVERS", "Circuit"]

#: Linear solvers of :class:`Circuit`: ``"cholesky"`` factorises every solve, ``"pcg"`` keeps a
#: factor as preconditioner, ``"auto"`` picks by the cost of a factorisation against an iteration.
SOLVERS = ("auto", "cholesky", "pcg")

# PCG stopping rule: every entry of the preconditioned true residual (~ the error) below
# _TOL * max |x|; well under the 1e-10 relative agreement with a dense solve that is promised.
_TOL = 1e-12
_MAXIT = 50
# "auto" uses PCG when a factorisation costs at least this many PCG iterations.
_AUTO_RATIO = 8.0


def _node_list(name: str, value: ArrayLike, n_nodes: int, allow_empty: bool) -> np.ndarray:
    items = [value] if isinstance(value, numbers.Integral) else value
    try:
        arr = np.asarray(items)
    except (TypeError, ValueError):
        arr = np.asarray([], dtype=object)
    if arr.size == 0 and allow_empty:
        return np.empty(0, np.int64)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) \
            or arr.dtype == np.bool_:
        raise NetworkError(f"{name} must be a node index or a non-empty sequence of node "
                           f"indices, got {value!r}")
    if arr.min() < 0 or arr.max() >= n_nodes:
        raise NetworkError(f"{name} names nodes outside 0 .. {n_nodes - 1}: {value!r}")
    if np.unique(arr).size != arr.size:
        raise NetworkError(f"{name} names a node twice: {value!r}")
    return arr.astype(np.int64)


class Circuit:
    """A network with fixed electrodes, ready to be solved for any junction conductances.

    Per source ``k`` it also gives the conductance ``K_kk`` the source sees at 1 V with every
    other electrode at 0 V (the diagonal of the Schur complement ``K = L_DD - L_DF L_FF^-1
    L_FD``); with one source this is the network conductance ``I_s / (v_s - v_ground)``.

    Parameters
    ----------
    network : NanowireNetwork
        The network.
    source : int or sequence of int
        Driven nodes whose voltages are given at each solve.
    ground : int or sequence of int
        Nodes held at 0 V (may be empty when a source is driven at 0 V instead).
    solver : {"auto", "cholesky", "pcg"}, default="auto"
        ``"cholesky"``: a sparse Cholesky factorisation at every solve. ``"pcg"``: conjugate
        gradients preconditioned by a factor of an earlier step, renewed after a step that
        needed more than :attr:`refactor_after` iterations. ``"auto"``: ``"pcg"`` when a
        factorisation costs at least 8 PCG iterations, else ``"cholesky"``.

    Attributes
    ----------
    network : NanowireNetwork
        The network.
    sources, grounds : ndarray of int
        The electrodes.
    electrodes : ndarray of int
        ``sources`` then ``grounds``.
    free : ndarray of int
        Free nodes, in the solver's (fill-reducing) order.
    floating : ndarray of int
        Nodes of components that touch no electrode (left out; reported as NaN).
    solver : str
        The solver in use (``"auto"`` resolved).
    factor_nnz : int
        Nonzeros of the Cholesky factor.
    factor_flops : float
        Multiply-adds of one numeric factorisation (sum of squared column counts).
    refactor_after : int
        With ``"pcg"``: a step that needed more iterations renews the factor at the next step.

    Raises
    ------
    NetworkError
        If an electrode is not a node, named twice, or both a source and a ground, or
        ``solver`` is unknown.

    Examples
    --------
    >>> from nanowire_rc.network import NanowireNetwork
    >>> net = NanowireNetwork(3, [(0, 1), (1, 2)], g_min=1.0, g_max=2.0)  # 1 S + 1 S in series
    >>> c = net.circuit(source=0, ground=2)
    >>> c.solve(net.conductances(0.0), [2.0])  # node voltages
    array([2., 1., 0.])
    >>> c.conductance(net.conductances(0.0))
    array([0.5])
    """

    def __init__(self, network: NanowireNetwork, source: ArrayLike, ground: ArrayLike,
                 solver: str = "auto") -> None:
        n = network.n_nodes
        self.network = network
        self.sources = _node_list("source", source, n, allow_empty=False)
        self.grounds = _node_list("ground", ground, n, allow_empty=True)
        both = np.intersect1d(self.sources, self.grounds)
        if both.size:
            raise NetworkError(f"node {both[0]} is both a source and a ground")
        if solver not in SOLVERS:
            raise NetworkError(f"solver must be one of {SOLVERS}, got {solver!r}")
        self.electrodes = np.concatenate([self.sources, self.grounds])
        comp = network.components()
        driven_comp = np.zeros(comp.max() + 1, bool)
        driven_comp[comp[self.electrodes]] = True
        is_driven = np.zeros(n, bool)
        is_driven[self.electrodes] = True
        self.floating = np.flatnonzero(~driven_comp[comp])
        free = np.flatnonzero(driven_comp[comp] & ~is_driven)
        edges = network.edges
        local = np.full(n, -1, np.int64)
        local[free] = np.arange(free.size)
        self.free = free[self._order(local, edges, free.size)]
        self._build(edges)
        ratio = self.factor_flops / max(self._iteration_flops, 1.0)
        if solver == "auto":
            solver = "pcg" if ratio >= _AUTO_RATIO else "cholesky"
        self.solver = solver
        # Renew the factor once the iterations of a step cost about a third of a factorisation.
        self.refactor_after = int(np.clip(round(ratio / 3), 2, 25))

    def __repr__(self) -> str:
        return (f"Circuit(n_free={self.free.size}, sources={self.sources.tolist()}, "
                f"grounds={self.grounds.tolist()}, floating={self.floating.size}, "
                f"solver={self.solver!r})")

    @staticmethod
    def _order(local: np.ndarray, edges: np.ndarray, n_free: int) -> np.ndarray:
        """Minimum-degree order of the free nodes (SuperLU's, on the pattern of ``L_FF``)."""
        if n_free <= 2:
            return np.arange(n_free)
        a, b = local[edges[:, 0]], local[edges[:, 1]]
        inner = (a >= 0) & (b >= 0)
        deg = np.bincount(a[a >= 0], minlength=n_free) + np.bincount(b[b >= 0], minlength=n_free)
        # A diagonally dominant matrix with the pattern: any SPD values give the same order.
        rows = np.concatenate([a[inner], b[inner], np.arange(n_free)])
        cols = np.concatenate([b[inner], a[inner], np.arange(n_free)])
        vals = np.concatenate([-np.ones(2 * inner.sum()), deg + 1.0])
        m = sp.csc_matrix((vals, (rows, cols)), shape=(n_free, n_free))
        lu = spla.splu(m, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                       options={"SymmetricMode": True})
        return np.argsort(lu.perm_c)

    def _build(self, edges: np.ndarray) -> None:
        """Edge maps and the patterns of ``L_FF`` (upper CSC) and of its Cholesky factor."""
        n = self.network.n_nodes
        n_free = self.free.size
        pos = np.full(n, -1, np.int64)
        pos[self.free] = np.arange(n_free)
        col = np.full(n, -1, np.int64)
        col[self.sources] = np.arange(self.sources.size)
        ea, eb = pos[edges[:, 0]], pos[edges[:, 1]]
        inner = np.flatnonzero((ea >= 0) & (eb >= 0))
        # Upper triangle: entry (min, max) per inner junction, plus the diagonal.
        r = np.concatenate([np.minimum(ea[inner], eb[inner]), np.arange(n_free)])
        c = np.concatenate([np.maximum(ea[inner], eb[inner]), np.arange(n_free)])
        key = c * max(n_free, 1) + r  # column-major order, rows increasing
        uniq, where = np.unique(key, return_inverse=True)
        Ai = uniq % max(n_free, 1)
        Ac = uniq // max(n_free, 1)
        Ap = np.zeros(n_free + 1, np.int64)
        np.add.at(Ap, Ac + 1, 1)
        Ap = np.cumsum(Ap)
        eoff = np.full(edges.shape[0], -1, np.int64)
        eoff[inner] = where[: inner.size]
        dpos = where[inner.size:].astype(np.int64)
        # The driven end's source column, for junctions with exactly one free end.
        one_free = (ea >= 0) ^ (eb >= 0)
        other = np.where(ea >= 0, edges[:, 1], edges[:, 0])
        esrc = np.where(one_free, col[other], -1)
        self._maps = tuple(np.ascontiguousarray(a, dtype=np.int64) for a in
                           (ea, eb, eoff, esrc, dpos, col[edges[:, 0]], col[edges[:, 1]]))
        Lp, Li, rp, ri, dest = _compiled.symbolic(n_free, Ap, Ai.astype(np.int64))
        self._patterns = (Ap, Ai.astype(np.int64), Lp, Li, rp, ri, dest)
        counts = np.diff(Lp).astype(np.float64)
        self.factor_nnz = int(Lp[-1])
        self.factor_flops = float(np.sum(counts**2))
        self._iteration_flops = 4.0 * self.factor_nnz + 3.0 * edges.shape[0] + 10.0 * n_free
        # Electrode rows of the signed incidence: +1 where a junction starts, -1 where it ends.
        m = edges.shape[0]
        inc = sp.csr_matrix((np.concatenate([np.ones(m), -np.ones(m)]),
                             (np.concatenate([edges[:, 0], edges[:, 1]]),
                              np.tile(np.arange(m), 2))), shape=(n, m))
        self._incidence = inc[self.electrodes]

    def _check_g(self, conductances: ArrayLike) -> np.ndarray:
        g = np.asarray(conductances, dtype=np.float64)
        if g.shape[-1:] != (self.network.n_junctions,) or not np.all(g > 0) \
                or not np.all(np.isfinite(g)):
            raise NetworkError(f"conductances must be finite, > 0 and of shape (..., "
                               f"{self.network.n_junctions}), got shape {g.shape}")
        return g

    def _source_voltages(self, voltages: ArrayLike, batch: tuple[int, ...]) -> np.ndarray:
        v = np.asarray(voltages, dtype=np.float64)
        try:
            v = np.broadcast_to(v, (*batch, self.sources.size))
        except ValueError:
            raise NetworkError(f"voltages must give one value per source ({self.sources.size}),"
                               f" got shape {v.shape}") from None
        if not np.all(np.isfinite(v)):
            raise NetworkError("source voltages contain NaN or inf")
        return v

    def _solve(self, conductances: ArrayLike, voltages: ArrayLike,
               ) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
        """Node voltages (B, n_nodes), source conductances (B, n_sources) and the batch shape;
        every series factorised afresh."""
        g = self._check_g(conductances)
        batch = g.shape[:-1]
        v = self._source_voltages(voltages, batch)
        G = np.ascontiguousarray(g.reshape(-1, g.shape[-1]))
        vS = np.ascontiguousarray(v.reshape(-1, self.sources.size))
        B, nF, nS = G.shape[0], self.free.size, self.sources.size
        vF, cond = np.empty((B, nF)), np.empty((B, nS))
        status = np.zeros(B, np.int64)
        _compiled.solve_batch(G, vS, np.ones(B, np.bool_), _TOL, _MAXIT, self._maps,
                              self._patterns, np.zeros((B, self.factor_nnz)),
                              np.zeros((B, nS, nF)), vF, cond, status, np.zeros(B, np.int64),
                              np.zeros(B, np.bool_))
        if np.any(status != _compiled.OK):  # pragma: no cover - conductances are checked > 0
            raise NetworkError("the conductance matrix is not positive definite")
        return self._node_voltages(vF, vS), cond, batch

    def _node_voltages(self, v_free: np.ndarray, v_sources: np.ndarray) -> np.ndarray:
        """Every node's voltage (B, n_nodes) from the free nodes' (in :attr:`free` order) and
        the sources'; grounds 0, floating nodes NaN."""
        out = np.zeros((v_free.shape[0], self.network.n_nodes))
        out[:, self.free] = v_free
        out[:, self.sources] = v_sources
        out[:, self.floating] = np.nan
        return out

    def solve(self, conductances: ArrayLike, voltages: ArrayLike) -> np.ndarray:
        """Node voltages for given junction conductances and source voltages.

        Parameters
        ----------
        conductances : array_like of shape (..., n_junctions)
            Junction conductances (> 0), e.g. from :meth:`NanowireNetwork.conductances`.
        voltages : array_like of shape (..., n_sources)
            Source voltages, broadcast against the batch shape of ``conductances``.

        Returns
        -------
        ndarray of shape (..., n_nodes)
            Node voltages (grounds 0 V, floating nodes NaN).

        Raises
        ------
        NetworkError
            If a conductance is not finite and > 0, a voltage is not finite, or a shape does
            not match.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> net = NanowireNetwork(3, [(0, 1), (1, 2), (0, 2)], g_min=1.0, g_max=2.0)
        >>> c = net.circuit(source=0, ground=1)
        >>> c.solve(net.conductances(0.0), [3.0])
        array([3. , 0. , 1.5])
        """
        v, _, batch = self._solve(conductances, voltages)
        return v.reshape(*batch, -1)

    def conductance(self, conductances: ArrayLike) -> np.ndarray:
        """The conductance each source sees, every other electrode at 0 V.

        Parameters
        ----------
        conductances : array_like of shape (..., n_junctions)
            Junction conductances (> 0).

        Returns
        -------
        ndarray of shape (..., n_sources)
            Conductances in siemens.

        Raises
        ------
        NetworkError
            If the conductances are not valid.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> net = NanowireNetwork(2, [(0, 1), (0, 1)], g_min=1.0, g_max=2.0)  # two in parallel
        >>> net.circuit(0, 1).conductance([1.0, 2.0])
        array([3.])
        """
        _, cond, batch = self._solve(conductances, 1.0)
        return cond.reshape(*batch, -1)

    def currents(self, conductances: ArrayLike, node_voltages: ArrayLike) -> np.ndarray:
        """Current each electrode injects into the network (sources then grounds).

        ``I_d = sum over junctions e = (d, j) of G_e (v_d - v_j)``; the currents of all
        electrodes add up to zero.

        Parameters
        ----------
        conductances : array_like of shape (..., n_junctions)
            Junction conductances.
        node_voltages : array_like of shape (..., n_nodes)
            Node voltages (NaN at floating nodes is allowed: they carry no current).

        Returns
        -------
        ndarray of shape (..., n_electrodes)
            Currents in amperes, in the order of :attr:`electrodes`.

        Examples
        --------
        >>> from nanowire_rc.network import NanowireNetwork
        >>> net = NanowireNetwork(3, [(0, 1), (1, 2)], g_min=1.0, g_max=2.0)
        >>> c = net.circuit(source=0, ground=2)
        >>> g = net.conductances(0.0)
        >>> c.currents(g, c.solve(g, [2.0]))
        array([ 1., -1.])
        """
        g = np.asarray(conductances, dtype=np.float64)
        v = np.nan_to_num(np.asarray(node_voltages, dtype=np.float64))
        i, j = self.network.edges[:, 0], self.network.edges[:, 1]
        flow = g * (v[..., i] - v[..., j])  # from i to j
        batch = flow.shape[:-1]
        out = (self._incidence @ flow.reshape(-1, flow.shape[-1]).T).T
        return out.reshape(*batch, self.electrodes.size)
