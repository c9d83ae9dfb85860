"""Compiled sparse Cholesky for a fixed sparsity pattern, and the per-step Kirchhoff solve.

The pattern-dependent work is done once (:func:`symbolic`: the elimination tree and, for every
row ``k`` of the factor ``L``, its nonzero columns in the order the up-looking algorithm of
T. A. Davis, *Direct Methods for Sparse Linear Systems* (SIAM 2006), ch. 4, needs them, with
the position each entry takes in ``L``); the numeric factorisation (:func:`_factor`) then only
gathers, multiplies and scatters. :func:`run_series` simulates one series in one call that
releases the GIL (a series gives the same bits alone or in any batch); :func:`solve_batch` is
the stateless solve behind :class:`.Circuit`. Matrices are the free-node block ``A = L_FF`` in
the fill-reducing order, stored as the upper triangle in CSC (``Ap``, ``Ai``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..kernels.fastmath import FASTMATH, exp64

__all__ = ["etree", "run_series", "solve_batch", "symbolic"]

# Status codes of solve_batch (per series).
OK, NOT_POSITIVE = 0, 1


@njit(cache=True)
def etree(n, Ap, Ai):
    """Elimination tree of the upper-triangular CSC pattern (Liu's algorithm, path compression).

    Returns ``parent`` with ``parent[i] = -1`` at roots.
    """
    parent = np.full(n, -1, np.int64)
    ancestor = np.full(n, -1, np.int64)
    for k in range(n):
        for p in range(Ap[k], Ap[k + 1]):
            i = Ai[p]
            while i != -1 and i < k:
                nxt = ancestor[i]
                ancestor[i] = k
                if nxt == -1:
                    parent[i] = k
                i = nxt
    return parent


@njit(cache=True)
def _reach(k, Ap, Ai, parent, mark, stack, out):
    """Nonzero columns of row ``k`` of ``L`` in topological order, written to ``out[top:n]``;
    returns ``top``. ``mark[i] == k`` flags a visited node."""
    n = out.shape[0]
    top = n
    mark[k] = k
    for p in range(Ap[k], Ap[k + 1]):
        i = Ai[p]
        if i > k:
            continue
        length = 0
        while mark[i] != k:
            stack[length] = i
            length += 1
            mark[i] = k
            i = parent[i]
        while length > 0:  # the path goes below what is already on the output, leaf first
            top -= 1
            length -= 1
            out[top] = stack[length]
    return top


@njit(cache=True)
def symbolic(n, Ap, Ai):
    """Pattern of the Cholesky factor and the schedule of the numeric factorisation.

    Returns ``(Lp, Li, rp, ri, dest)``: ``L`` in CSC (``Lp``, ``Li``; the diagonal first in each
    column, rows increasing), and for each row ``k`` the columns ``ri[rp[k]:rp[k + 1]]`` of its
    off-diagonal entries in the order they are computed, ``dest`` their positions in ``L``.
    """
    parent = etree(n, Ap, Ai)
    mark = np.full(n, -1, np.int64)
    stack = np.empty(n, np.int64)
    out = np.empty(n, np.int64)
    colcount = np.ones(n, np.int64)
    rowcount = np.zeros(n, np.int64)
    for k in range(n):
        top = _reach(k, Ap, Ai, parent, mark, stack, out)
        rowcount[k] = n - top
        for q in range(top, n):
            colcount[out[q]] += 1
    Lp = np.zeros(n + 1, np.int64)
    rp = np.zeros(n + 1, np.int64)
    for k in range(n):
        Lp[k + 1] = Lp[k] + colcount[k]
        rp[k + 1] = rp[k] + rowcount[k]
    Li = np.empty(Lp[n], np.int64)
    ri = np.empty(rp[n], np.int64)
    dest = np.empty(rp[n], np.int64)
    fill = Lp[:n] + 1
    mark[:] = -1
    for k in range(n):
        Li[Lp[k]] = k
        top = _reach(k, Ap, Ai, parent, mark, stack, out)
        q0 = rp[k]
        for q in range(top, n):
            i = out[q]
            ri[q0] = i
            dest[q0] = fill[i]
            Li[fill[i]] = k
            fill[i] += 1
            q0 += 1
    return Lp, Li, rp, ri, dest


@njit(cache=True)
def _factor(Ap, Ai, Ax, Lp, Li, rp, ri, dest, Lx, x):
    """Numeric up-looking Cholesky ``A = L L^T`` into ``Lx``; ``x`` is a zeroed work vector
    (left zeroed). Returns False if ``A`` is not positive definite."""
    n = Ap.shape[0] - 1
    for k in range(n):
        for p in range(Ap[k], Ap[k + 1]):
            x[Ai[p]] = Ax[p]
        d = x[k]
        x[k] = 0.0
        for q in range(rp[k], rp[k + 1]):
            i = ri[q]
            lki = x[i] / Lx[Lp[i]]
            x[i] = 0.0
            for p in range(Lp[i] + 1, dest[q]):
                x[Li[p]] -= Lx[p] * lki
            d -= lki * lki
            Lx[dest[q]] = lki
        if not d > 0.0:
            for q in range(rp[k], rp[k + 1]):
                x[ri[q]] = 0.0
            return False
        Lx[Lp[k]] = np.sqrt(d)
    return True


@njit(cache=True)
def _cho_solve(Lp, Li, Lx, b):
    """Solve ``L L^T y = b`` in place."""
    n = Lp.shape[0] - 1
    for j in range(n):
        yj = b[j] / Lx[Lp[j]]
        b[j] = yj
        for p in range(Lp[j] + 1, Lp[j + 1]):
            b[Li[p]] -= Lx[p] * yj
    for j in range(n - 1, -1, -1):
        s = b[j]
        for p in range(Lp[j] + 1, Lp[j + 1]):
            s -= Lx[p] * b[Li[p]]
        b[j] = s / Lx[Lp[j]]


@njit(cache=True)
def _matvec(G, ea, eb, x, y):
    """``y = A x`` straight from the junction conductances (``A`` is the free-node block)."""
    y[:] = 0.0
    for e in range(G.shape[0]):
        a, b = ea[e], eb[e]
        if a >= 0 and b >= 0:
            t = G[e] * (x[a] - x[b])
            y[a] += t
            y[b] -= t
        elif a >= 0:
            y[a] += G[e] * x[a]
        elif b >= 0:
            y[b] += G[e] * x[b]


@njit(cache=True)
def _max_abs(v):
    m = 0.0
    for i in range(v.shape[0]):
        a = abs(v[i])
        if a > m:
            m = a
    return m


@njit(cache=True)
def _residual(G, ea, eb, Lp, Li, Lx, c, x, r, z):
    """True residual ``r = c - A x`` and preconditioned ``z = M^-1 r``; returns ``max |z|``."""
    _matvec(G, ea, eb, x, r)
    for i in range(x.shape[0]):
        r[i] = c[i] - r[i]
    z[:] = r
    _cho_solve(Lp, Li, Lx, z)
    return _max_abs(z)


@njit(cache=True)
def _pcg(G, ea, eb, Lp, Li, Lx, c, x, tol, maxit, r, z, p, q):
    """Preconditioned CG on ``A x = c`` from the warm start ``x``, preconditioned by the factor
    ``Lx`` of a nearby matrix; stops when the true ``max |M^-1 (c - A x)|`` is below ``tol``
    times ``max |x|``. Returns the iterations used, or -1 beyond ``maxit``."""
    if _residual(G, ea, eb, Lp, Li, Lx, c, x, r, z) <= tol * _max_abs(x):
        return 0
    p[:] = z
    rz = np.dot(r, z)
    for it in range(1, maxit + 1):
        _matvec(G, ea, eb, p, q)
        pq = np.dot(p, q)
        if not pq > 0.0:
            return -1
        alpha = rz / pq
        for i in range(x.shape[0]):
            x[i] += alpha * p[i]
        if _residual(G, ea, eb, Lp, Li, Lx, c, x, r, z) <= tol * _max_abs(x):
            return it
        rz_new = np.dot(r, z)
        beta = rz_new / rz
        rz = rz_new
        for i in range(x.shape[0]):
            p[i] = z[i] + beta * p[i]
    return -1


@njit(cache=True)
def _assemble(G, ea, eb, eoff, esrc, dpos, ka, kb, Ax, C, deg):
    """Values of ``A = L_FF`` (upper CSC), the source columns ``C[k] = -L_F,s_k`` and each
    source's total junction conductance ``deg``, from the junction conductances."""
    Ax[:] = 0.0
    C[:] = 0.0
    deg[:] = 0.0
    for e in range(G.shape[0]):
        g = G[e]
        a, b = ea[e], eb[e]
        if a >= 0:
            Ax[dpos[a]] += g
        if b >= 0:
            Ax[dpos[b]] += g
        if eoff[e] >= 0:
            Ax[eoff[e]] -= g
        k = esrc[e]
        if k >= 0:
            C[k, a if a >= 0 else b] += g
        if ka[e] >= 0:
            deg[ka[e]] += g
        if kb[e] >= 0:
            deg[kb[e]] += g


@njit(cache=True)
def _solve_one(G, vS, refresh, tol, maxit, maps, patterns, Lx, U, vF, cond, work):
    """One Kirchhoff solve of one series. ``maps = (ea, eb, eoff, esrc, dpos, ka, kb)``,
    ``patterns = (Ap, Ai, Lp, Li, rp, ri, dest)``, ``work = (Ax, C, deg, r, z, p, q, x)``.
    Returns ``(status, iterations, factorised)``."""
    ea, eb, eoff, esrc, dpos, ka, kb = maps
    Ap, Ai, Lp, Li, rp, ri, dest = patterns
    Ax, C, deg, r, z, p, q, x = work
    nF = Ap.shape[0] - 1
    nS = vS.shape[0]
    _assemble(G, ea, eb, eoff, esrc, dpos, ka, kb, Ax, C, deg)
    iterations = 0
    if not refresh:
        for k in range(nS):
            it = _pcg(G, ea, eb, Lp, Li, Lx, C[k], U[k], tol, maxit, r, z, p, q)
            if it < 0:
                refresh = True
                break
            iterations += it
    if refresh:
        if not _factor(Ap, Ai, Ax, Lp, Li, rp, ri, dest, Lx, x):
            return NOT_POSITIVE, iterations, True
        for k in range(nS):
            U[k, :] = C[k]
            _cho_solve(Lp, Li, Lx, U[k])
    vF[:] = 0.0
    for k in range(nS):
        for i in range(nF):
            vF[i] += U[k, i] * vS[k]
        cond[k] = deg[k] - np.dot(C[k], U[k])
    return OK, iterations, refresh


@njit(cache=True)
def _workspace(nF, nS, nnzA):
    return (np.zeros(nnzA), np.zeros((nS, nF)), np.zeros(nS), np.zeros(nF), np.zeros(nF),
            np.zeros(nF), np.zeros(nF), np.zeros(nF))


@njit(cache=True, nogil=True)
def solve_batch(G, vS, refresh, tol, maxit, maps, patterns, Lx, U, vF, cond, status,
                iterations, factorised):
    """One Kirchhoff solve per series of a batch.

    ``G`` (B, m) conductances; ``vS`` (B, nS) source voltages; ``refresh`` (B,) bool: factorise
    afresh (else PCG from the kept factor ``Lx[b]`` and warm start ``U[b]``); ``tol``,
    ``maxit``: PCG stopping rule; ``maps``: per junction, the free index of each end or -1
    (``ea``, ``eb``), the position of its off-diagonal entry or -1 (``eoff``), the source
    column of its driven end when the other end is free, else -1 (``esrc``), the diagonal
    positions (``dpos``), the source column of each end or -1 (``ka``, ``kb``); ``patterns``:
    see :func:`symbolic`. In/out: ``Lx`` (B, nnz(L)) factors, ``U`` (B, nS, nF) responses of
    the free nodes to 1 V on each source. Out: ``vF`` (B, nF) free-node voltages, ``cond``
    (B, nS) the conductance each source sees with every other electrode at 0 V, and per series
    ``status``, PCG ``iterations`` and whether it was ``factorised``.
    """
    work = _workspace(U.shape[2], U.shape[1], patterns[0][-1])
    for b in range(G.shape[0]):
        s, it, f = _solve_one(G[b], vS[b], refresh[b], tol, maxit, maps, patterns, Lx[b], U[b],
                              vF[b], cond[b], work)
        status[b] = s
        iterations[b] = it
        factorised[b] = f


@njit(cache=True, fastmath=FASTMATH)
def _update(h, dv, dt, exact, kp0, kd0, eta_p, eta_d, g_lo, g_span, G):
    """Advance every junction over ``dt`` with its drop ``dv`` held (exact update or the
    published line), and its conductance. ``k_p >= kappa_p0 > 0`` as ``dv >= 0``, so
    ``h* = k_p / S`` never divides by zero."""
    for e in range(h.shape[0]):
        k_p = kp0[e] * exp64(eta_p[e] * dv[e])
        k_d = kd0[e] * exp64(-eta_d[e] * dv[e])
        s = k_p + k_d
        decay = exp64(-dt * s)
        h_star = k_p / s
        if exact:
            h[e] = h_star + (h[e] - h_star) * decay
        else:
            h[e] = h_star * (1.0 + (k_d / k_p) * h[e] * decay)
        G[e] = g_lo[e] + g_span[e] * h[e]


@njit(cache=True, nogil=True)
def run_series(t, vS, h, exact, constants, edges, nodes_of, pcg, refactor_after, tol, maxit,
               maps, patterns, cond, volts, curr, energy, states):
    """Simulate one series; releases the GIL, so threads run series side by side.

    ``t`` (T,) time stamps; ``vS`` (T, nS) source voltages; ``h`` (m,) states, advanced in
    place to the last stamp; ``exact``: exact update, else the published line; ``constants``:
    per-junction ``(kappa_p0, kappa_d0, eta_p, eta_d, g_min, g_max - g_min)``; ``edges``:
    ``(i, j)`` node arrays; ``nodes_of``: ``(free, sources, read, electrode_of)`` with
    ``electrode_of[node]`` the electrode column or -1; ``pcg``, ``refactor_after``, ``tol``,
    ``maxit``: solver policy; ``maps``, ``patterns``: see :func:`solve_batch`. Out (zeroed by
    the caller): ``cond`` (T, nS), ``volts`` (T, n_read), ``curr`` (T, n_electrodes),
    ``energy`` (T,), ``states`` (T, m) or (T, 0) when not recorded. Returns ``(status,
    factorisations, PCG iterations)``.
    """
    kp0, kd0, eta_p, eta_d, g_lo, g_span = constants
    ei, ej = edges
    free, sources, read, electrode_of = nodes_of
    m = h.shape[0]
    nF, nS = free.shape[0], sources.shape[0]
    nodes = np.zeros(electrode_of.shape[0])
    G = np.empty(m)
    dv = np.empty(m)
    for e in range(m):
        G[e] = g_lo[e] + g_span[e] * h[e]
    Lx = np.zeros(patterns[2][-1])
    U = np.zeros((nS, nF))
    U_last = np.zeros((nS, nF))
    vF = np.zeros(nF)
    work = _workspace(nF, nS, patterns[0][-1])
    fresh = True
    n_fact = 0
    n_iter = 0
    for k in range(t.shape[0]):
        if k > 0:
            dt = t[k] - t[k - 1]
            joule = 0.0
            for e in range(m):
                d = abs(nodes[ei[e]] - nodes[ej[e]])
                dv[e] = d
                joule += G[e] * d * d
            energy[k] = dt * joule
            _update(h, dv, dt, exact, kp0, kd0, eta_p, eta_d, g_lo, g_span, G)
        if pcg and k > 1:
            # Warm start extrapolated from the last two responses (they change smoothly).
            for j in range(nS):
                for i in range(nF):
                    u = U[j, i]
                    U[j, i] = 2.0 * u - U_last[j, i]
                    U_last[j, i] = u
        elif pcg:
            U_last[:] = U
        status, its, fact = _solve_one(G, vS[k], fresh or not pcg, tol, maxit, maps, patterns,
                                       Lx, U, vF, cond[k], work)
        if status != OK:
            return status, n_fact, n_iter
        n_fact += fact
        n_iter += its
        fresh = its > refactor_after
        for i in range(nF):
            nodes[free[i]] = vF[i]
        for i in range(nS):
            nodes[sources[i]] = vS[k, i]
        for i in range(read.shape[0]):
            volts[k, i] = nodes[read[i]]
        for e in range(m):
            flow = G[e] * (nodes[ei[e]] - nodes[ej[e]])
            if electrode_of[ei[e]] >= 0:
                curr[k, electrode_of[ei[e]]] += flow
            if electrode_of[ej[e]] >= 0:
                curr[k, electrode_of[ej[e]]] -= flow
        if states.shape[1] == m:
            states[k, :] = h
    return OK, n_fact, n_iter
