"""Reservoir kernel throughput against the machine's exp ceiling, measured side by side in one run.

Input: ECG5000 (train + test = 5000 series x 140 steps, min-max scaled to [0, 1]), N = 1000
neurons, float32, all pooled features (mean, last, 8 window means) computed while stepping. Each
kernel runs in its own child process so that its peak resident memory is its own; figures are
medians over ``--repeats`` timed runs after one untimed warm-up (which also compiles).

    python benchmarks/bench_kernels.py [--repeats 3] [--cases 5000] [--neurons 1000] [--json F]

The exp ceiling is NumPy's float32 ``exp`` throughput on one core (a cache-resident array, the
best case), times the cores, divided by the exponentials a nanowire update needs in the model
(2: ``k_p`` and ``k_d``); the 1-exp line is the same ceiling for the integer-ratio trick.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

KERNELS = ("numpy-reference", "nanowire-euler", "nanowire-exact", "tanh-diagonal", "tanh-dense",
           "nanowire-coupled", "reservoirpy-esn")


def load_input(n_cases: int) -> np.ndarray:
    from nanowire_rc import load_ucr

    X, _ = load_ucr("ECG5000", "both")
    X = np.tile(X, (int(np.ceil(n_cases / len(X))), 1))[:n_cases]
    return ((X - X.min()) / (X.max() - X.min())).astype(np.float32)


def time_call(fn, repeats: int) -> float:
    fn()  # warm-up: compilation, thread pool, page faults
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def exp_rate_per_core() -> float:
    x = np.random.default_rng(0).random(1 << 16, dtype=np.float32)
    out = np.empty_like(x)

    def run():
        for _ in range(200):
            np.exp(x, out=out)

    return 200 * x.size / time_call(run, 5)


def measure(kernel: str, n_cases: int, n_neurons: int, repeats: int) -> dict:
    """Run one kernel in this process; return its throughput and peak RSS."""
    import nanowire_rc as nw

    X = load_input(n_cases)
    rng = np.random.default_rng(0)
    omega = rng.uniform(0.5, 1.1, n_neurons)  # stable at dt = 0.1 (rho = 0.969)
    kw = dict(n_windows=8, dtype="float32")
    updates = X.size * n_neurons
    calls = {
        "numpy-reference": lambda: nw.kernels.run_nanowire(X, omega, 0.1, backend="numpy", **kw),
        "nanowire-euler": lambda: nw.kernels.run_nanowire(X, omega, 0.1, **kw),
        "nanowire-exact": lambda: nw.kernels.run_nanowire(X, omega, 0.1, method="exact", **kw),
        "tanh-diagonal": lambda: nw.kernels.run_leaky_tanh(X, rng.uniform(-1, 1, n_neurons), 0.3,
                                                   rng.uniform(-0.1, 0.1, n_neurons),
                                                   rng.uniform(-0.9, 0.9, n_neurons), **kw),
    }
    if kernel == "tanh-dense":
        res = nw.LeakyTanhReservoir(n_neurons=n_neurons, connectivity="dense",
                                    random_state=0).fit(X[:2])
        calls[kernel] = lambda: nw.kernels.run_leaky_tanh(X, res.input_weights_, 0.3, res.bias_,
                                                  res.recurrent_, **kw)
    if kernel == "nanowire-coupled":
        res = nw.CoupledNanowireReservoir(n_neurons=n_neurons, random_state=0).fit(X[:2])
        calls[kernel] = lambda: nw.kernels.run_coupled_nanowire(
            X, res.input_weights_, res.recurrent_, res.dt, bias=res.bias_,
            voltage_map=(res.v_min, res.v_max, res.gain), **kw)
    if kernel == "reservoirpy-esn":
        return measure_reservoirpy(X, n_neurons, repeats)
    seconds = time_call(calls[kernel], repeats)
    return {"kernel": kernel, "updates": updates, "seconds": seconds, "rate": updates / seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_reservoirpy(X: np.ndarray, n_neurons: int, repeats: int) -> dict:
    try:
        import reservoirpy
        from reservoirpy.nodes import Reservoir
    except ImportError:
        return {"kernel": "reservoirpy-esn", "skipped": "reservoirpy is not installed"}
    # Its loop is per sequence and per step: time a subset and report the per-update rate.
    subset = X[:100, :, None].astype(np.float64)
    node = Reservoir(n_neurons, lr=0.3, sr=0.9, seed=0)
    node.run(subset[0])

    def run():
        for series in subset:
            node.reset()
            node.run(series)

    seconds = time_call(run, repeats)
    updates = subset.shape[0] * subset.shape[1] * n_neurons
    return {"kernel": "reservoirpy-esn", "updates": updates, "seconds": seconds,
            "rate": updates / seconds, "version": reservoirpy.__version__,
            "note": f"{subset.shape[0]} of {len(X)} series, float64, its default ESN",
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--one", choices=KERNELS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.cases, args.neurons, args.repeats)))
        return

    import numba

    cores = os.cpu_count() or 1
    exp_rate = exp_rate_per_core()
    ceiling = {2: exp_rate * cores / 2, 1: exp_rate * cores}
    rows = []
    for kernel in KERNELS:
        out = subprocess.run(
            [sys.executable, __file__, "--one", kernel, "--repeats", str(args.repeats),
             "--cases", str(args.cases), "--neurons", str(args.neurons)],
            check=True, capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  measured {kernel}", file=sys.stderr)

    reference = next(r["rate"] for r in rows if r["kernel"] == "numpy-reference")
    print(f"\nInput: {args.cases} series x 140 steps (ECG5000), N = {args.neurons}, float32, "
          f"{cores} cores, numba {numba.__version__} ({numba.config.NUMBA_NUM_THREADS} threads), "
          f"numpy {np.__version__}; median of {args.repeats}")
    print(f"NumPy float32 exp: {exp_rate / 1e9:.2f} G/s per core")
    print(f"exp ceiling, 2 exp/update (model): {ceiling[2] / 1e9:.2f} G updates/s")
    print(f"exp ceiling, 1 exp/update (integer ratio): {ceiling[1] / 1e9:.2f} G updates/s\n")
    header = (f"{'kernel':<18}{'G updates/s':>12}{'seconds':>10}{'x NumPy ref':>13}"
              f"{'% ceil(2)':>11}{'% ceil(1)':>11}{'peak RSS MB':>13}")
    print(header)
    print("-" * len(header))
    for r in rows:
        if "skipped" in r:
            print(f"{r['kernel']:<18}  skipped: {r['skipped']}")
            continue
        print(f"{r['kernel']:<18}{r['rate'] / 1e9:>12.3f}{r['seconds']:>10.3f}"
              f"{r['rate'] / reference:>13.2f}{100 * r['rate'] / ceiling[2]:>10.0f}%"
              f"{100 * r['rate'] / ceiling[1]:>10.0f}%{r['peak_rss_mb']:>13.0f}")
        if "note" in r:
            print(f"{'':<18}  ({r['note']}, reservoirpy {r['version']})")
    # Non-ideal devices: each configuration against the ideal kernel, side by side.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_device import measure_device

    device_rows = measure_device(args.cases, args.neurons, args.repeats)
    print(f"\n{'device configuration':<44}{'G updates/s':>12}{'x ideal':>9}")
    for r in device_rows:
        print(f"{r['kernel']:<44}{r['gups']:>12.3f}{r['ratio_to_ideal']:>9.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"exp_rate_per_core": exp_rate, "ceiling": ceiling, "cores": cores,
                       "rows": rows, "device_rows": device_rows}, fh, indent=2)


if __name__ == "__main__":
    main()
