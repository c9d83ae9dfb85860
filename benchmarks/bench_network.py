"""Speed of nanowire_rc.network against per-step dense and sparse solves, measured side by side.

(a) Milano et al.'s Fig. 2 network (21 x 21 grid with random diagonals, 441 nodes, 1,240
    junctions; their fitted constants; a 2 V pulse then a 10 mV read, 50 ms steps, their
    published junction update so that the network really changes): seconds per step of
    ``simulate`` against a NumPy loop that solves the same network densely at every step with
    ``np.linalg.inv`` (as the published code does, there inside Python loops over networkx), and
    against the 0.72 s per step measured for the published code.
(b) A random-stick network of 10^4 wires (about 10^4 nodes and 5 x 10^4 junctions; Milano et
    al.'s reservoir constants, exact update, a 0-2 V sine, 1 ms steps): steps per second of
    ``simulate`` (the "auto" solver, and a Cholesky factorisation at every step) against a loop
    that calls ``scipy.sparse.linalg.spsolve`` at every step, and the generator's time.
``--solvers`` adds one solve of each network by each candidate solver (SuperLU, banded
Cholesky after reverse Cuthill-McKee, PyAMG if installed, Jacobi CG, ours).

Each figure is the median of ``--repeats`` timed runs after an untimed warm-up (which also
loads or compiles the kernels); the baselines run the same junction update in NumPy and are
timed over fewer steps (they are slow). ``--quick`` is a small smoke run (seconds).

    python benchmarks/bench_network.py [--quick] [--solvers] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from threadpoolctl import threadpool_limits

PUBLISHED_SECONDS_PER_STEP = 0.72  # Milano et al.'s code on its Fig. 2 network (issue text)


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def numpy_update(h, dv, dt, c, update):
    """The junction update in NumPy (baselines)."""
    k_p = c.kappa_p0 * np.exp(c.eta_p * dv)
    k_d = c.kappa_d0 * np.exp(-c.eta_d * dv)
    s = k_p + k_d
    decay = np.exp(-dt * s)
    h_star = k_p / s
    if update == "exact":
        return h_star + (h - h_star) * decay
    return h_star * (1.0 + (k_d / k_p) * h * decay)


def baseline(net, t, v, src, gnd, update, solve):
    """Step the network with ``solve(G, free) -> v_free`` at every step; returns conductances."""
    c = net.constants
    i, j = net.edges[:, 0], net.edges[:, 1]
    free = np.setdiff1d(np.arange(net.n_nodes), [src, gnd])
    at_src = (i == src) | (j == src)
    sign = np.where(i[at_src] == src, 1.0, -1.0)
    h = np.array(net.h0)
    nodes = np.zeros(net.n_nodes)
    out = []
    for k in range(t.size):
        if k:
            dv = np.abs(nodes[i] - nodes[j])
            h = numpy_update(h, dv, t[k] - t[k - 1], c, update)
        G = c.g_min + (c.g_max - c.g_min) * h
        nodes = np.zeros(net.n_nodes)
        nodes[src] = v[k]
        nodes[free] = solve(G, v[k])
        out.append(np.sum(G[at_src] * sign * (nodes[i[at_src]] - nodes[j[at_src]])) / v[k])
    return np.array(out)


def dense_solver(net, src, gnd):
    """Per-step dense solve: the Laplacian assembled densely, inverted, multiplied."""
    n = net.n_nodes
    i, j = net.edges[:, 0], net.edges[:, 1]
    flat = np.concatenate([i * n + i, j * n + j, i * n + j, j * n + i])
    free = np.setdiff1d(np.arange(n), [src, gnd])

    def solve(G, v_src):
        L = np.bincount(flat, np.concatenate([G, G, -G, -G]), minlength=n * n).reshape(n, n)
        return np.linalg.inv(L[np.ix_(free, free)]) @ (-L[free, src] * v_src)

    return solve


def sparse_solver(net, src, gnd):
    """Per-step ``spsolve``: the free block's values refreshed through a fixed index map."""
    n = net.n_nodes
    i, j = net.edges[:, 0], net.edges[:, 1]
    m = i.size
    free = np.setdiff1d(np.arange(n), [src, gnd])
    rows = np.concatenate([i, j, i, j])
    cols = np.concatenate([i, j, j, i])
    sign = np.concatenate([np.ones(2 * m), -np.ones(2 * m)])
    edge = np.tile(np.arange(m), 4)
    # L = P @ G with P (n*n x m) sparse; keep the free block's rows and the source column.
    P = sp.csr_matrix((sign, (rows * n + cols, edge)), shape=(n * n, m))
    pos = np.full(n, -1)
    pos[free] = np.arange(free.size)
    lff = sp.csc_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))[free][:, free]
    lff.sort_indices()
    r, cc = lff.nonzero()
    keys = free[r] * n + free[cc]
    order = np.lexsort((r, cc))  # CSC data order
    P_ff = P[keys[order]]
    P_fs = P[free * n + src]
    template = lff.copy()

    def solve(G, v_src):
        template.data = P_ff @ G
        return spla.spsolve(template, -(P_fs @ G) * v_src)

    return solve


def part_a(quick: bool, repeats: int) -> None:
    from nanowire_rc.network import grid_network

    net = grid_network()
    steps, dense_steps = (40, 10) if quick else (400, 40)
    t = np.arange(steps) * 0.05
    v = np.where(t < t[steps // 2], 2.0, 0.01)
    run = lambda: net.simulate(t, v, source=31, ground=409, update="published",  # noqa: E731
                               read_nodes=[])
    res = run()
    ours = median_time(run, repeats) / steps
    solve = dense_solver(net, 31, 409)
    td, vd = t[:dense_steps], v[:dense_steps]
    dense, blas = float("inf"), None
    for threads in (1, None):  # the faster of one BLAS thread and all of them
        with threadpool_limits(threads, user_api="blas"):
            seconds = median_time(lambda: baseline(net, td, vd, 31, 409, "published", solve),
                                  max(1, repeats // 2)) / dense_steps
        if seconds < dense:
            dense, blas = seconds, threads or "all"
    check = baseline(net, td, vd, 31, 409, "published", solve)
    agree = np.max(np.abs(check - res.conductance[:dense_steps]) / check)
    print(f"(a) Milano et al. Fig. 2 network: {net.n_nodes} nodes, {net.n_junctions} junctions, "
          f"{steps} steps of 50 ms, published update ({res.factorisations} factorisations)")
    print(f"    simulate:                      {ours * 1e6:10.1f} us per step")
    print(f"    dense per-step inverse (NumPy): {dense * 1e6:10.1f} us per step  "
          f"-> simulate is {dense / ours:,.0f}x faster (BLAS threads: {blas})")
    print(f"    published code (measured):     {PUBLISHED_SECONDS_PER_STEP * 1e6:10.1f} us per "
          f"step  -> simulate is {PUBLISHED_SECONDS_PER_STEP / ours:,.0f}x faster")
    print(f"    conductance, simulate vs dense loop: max relative difference {agree:.1e}")


def sticks(n_wires: int):
    from nanowire_rc.device import MILANO2021_RESERVOIR
    from nanowire_rc.network import random_sticks

    net = random_sticks(n_wires, random_state=0, params=MILANO2021_RESERVOIR)
    side = float(np.sqrt(2.0 * n_wires / (10.0 * np.pi)))
    src = net.nearest_node((0.0, side / 2))
    gnd = net.nearest_node((side, side / 2))
    return net, src, gnd


def part_b(quick: bool, repeats: int) -> None:
    from nanowire_rc.network import random_sticks

    n_wires = 1000 if quick else 10_000
    gen = median_time(lambda: random_sticks(n_wires, random_state=0), repeats)
    net, src, gnd = sticks(n_wires)
    steps, sparse_steps = (50, 5) if quick else (300, 10)
    dt = 1e-3
    t = np.arange(steps) * dt
    v = 1.0 + np.sin(2 * np.pi * t / (50 * dt))
    print(f"(b) random sticks: {n_wires} wires -> {net.n_nodes} nodes, {net.n_junctions} "
          f"junctions (largest component); generator {gen * 1e3:.0f} ms")
    print(f"    {steps} steps of 1 ms, 0-2 V sine, Milano et al.'s reservoir constants, exact "
          f"update")
    rates = {}
    for solver in ("auto", "cholesky"):
        def run(solver=solver):
            return net.simulate(t, v, source=src, ground=gnd, solver=solver, read_nodes=[])
        res = run()
        rates[solver] = steps / median_time(run, repeats)
        print(f"    simulate, solver={solver!r:10} ({res.solver}): {rates[solver]:8.1f} steps/s "
              f"({res.factorisations} factorisations, {res.iterations} PCG iterations)")
    solve = sparse_solver(net, src, gnd)
    ts, vs = t[:sparse_steps], v[:sparse_steps]
    sparse = sparse_steps / median_time(
        lambda: baseline(net, ts, vs, src, gnd, "exact", solve), max(1, repeats // 2))
    print(f"    spsolve per step (SciPy):       {sparse:8.1f} steps/s")
    for solver, rate in rates.items():
        print(f"    -> simulate ({solver}) is {rate / sparse:.1f}x the spsolve loop")


def compare_solvers(name: str, net, src: int, gnd: int, repeats: int) -> None:
    """One solve of the free-node block at random states by each candidate solver."""
    from scipy.linalg import cho_solve_banded, cholesky_banded
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    h = np.random.default_rng(0).uniform(size=net.n_junctions)
    L = net.laplacian(h).tocsc()
    free = np.setdiff1d(np.arange(net.n_nodes), [src, gnd])
    A = L[free][:, free].tocsc()
    b = -L[free][:, [src]].toarray().ravel()
    ref = spla.spsolve(A, b)
    print(f"    {name}: {A.shape[0]} free nodes, {A.nnz} nonzeros")

    def show(label, fn, x=None):
        x = fn() if x is None else x  # also the warm-up
        ms = median_time(fn, repeats) * 1e3
        err = np.max(np.abs(x - ref)) / np.max(np.abs(ref))
        print(f"      {label:44s} {ms:9.3f} ms   {err:.0e}")

    show("spsolve (SuperLU, COLAMD)", lambda: spla.spsolve(A, b))
    show("splu MMD(A'+A), symmetric mode + solve",
         lambda: spla.splu(A, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True}).solve(b))
    perm = reverse_cuthill_mckee(A.tocsr(), symmetric_mode=True)
    Ar = A[perm][:, perm].tocsr()
    rr, cc = Ar.nonzero()
    bw = int(np.max(np.abs(rr - cc)))
    if bw <= 120:
        upper = sp.triu(Ar).tocoo()

        def banded():
            ab = np.zeros((bw + 1, Ar.shape[0]))
            ab[bw + upper.row - upper.col, upper.col] = upper.data
            y = cho_solve_banded((cholesky_banded(ab), False), b[perm])
            x = np.empty_like(y)
            x[perm] = y
            return x

        show(f"cholesky_banded after RCM (bandwidth {bw})", banded)
    else:
        print(f"      cholesky_banded after RCM: bandwidth {bw}, n b^2 = "
              f"{A.shape[0] * bw**2:.1e} flops per factorisation: not run")
    try:
        import pyamg
    except ImportError:
        print("      PyAMG: not installed")
    else:
        ml = pyamg.smoothed_aggregation_solver(A.tocsr(), symmetry="symmetric")
        show("PyAMG setup (smoothed aggregation)",
             lambda: pyamg.smoothed_aggregation_solver(A.tocsr(), symmetry="symmetric"), x=ref)
        show("PyAMG CG to 1e-12 (setup reused)", lambda: ml.solve(b, tol=1e-12, accel="cg"))
    d = A.diagonal()
    count = [0]

    def jacobi():
        count[0] = 0
        return spla.cg(A, b, rtol=1e-12, M=spla.LinearOperator(A.shape, lambda r: r / d),
                       callback=lambda _: count.__setitem__(0, count[0] + 1))[0]

    x = jacobi()
    show(f"Jacobi CG to 1e-12 ({count[0]} iterations)", jacobi, x=x)
    circuit = net.circuit(src, gnd, solver="cholesky")
    G = net.conductances(h)
    show("ours: Cholesky, symbolic work reused", lambda: circuit.solve(G, [1.0])[free])
    print(f"      (ours: factor {circuit.factor_nnz} nonzeros, "
          f"{circuit.factor_flops:.2e} multiply-adds)")


def part_solvers(quick: bool, repeats: int) -> None:
    from nanowire_rc.network import grid_network

    print("(c) one solve of the free-node block, candidate solvers (median ms; error vs "
          "spsolve)")
    compare_solvers("Fig. 2 grid", grid_network(), 31, 409, repeats)
    compare_solvers("random sticks", *sticks(1000 if quick else 10_000), repeats)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small smoke run")
    ap.add_argument("--solvers", action="store_true", help="also compare candidate solvers")
    ap.add_argument("--repeats", type=int, default=None, help="timed runs per figure")
    args = ap.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    import numba

    print(f"cores: {os.cpu_count()}, Numba threads: {numba.get_num_threads()}, "
          f"repeats: {repeats}")
    part_a(args.quick, repeats)
    part_b(args.quick, repeats)
    if args.solvers:
        part_solvers(args.quick, repeats)


if __name__ == "__main__":
    main()
