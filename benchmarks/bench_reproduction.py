"""Where the reproduction's time goes, and the least it could take on this machine.

``nanowire-rc reproduce`` scores every configuration of the paper's Table 3 (140 kept nanowire
and 360 tanh configurations) for 2 datasets x 3 sizes x 5 seeds on one 70/30 validation split.
This script scores ``--configs`` configurations of each (dataset, model, size), spread over the
grid, for seed 0, one thread, and splits the time by phase (profiled):

- *reservoir*: fitting the input scaling, running the compiled kernel and pooling (its rate in
  neuron-updates per second is printed: the bare kernel runs at about 2 G/s, bench_kernels.py);
- *Grams*: standardised Gram blocks (``readout._standardised_grams``);
- *eigh*: one eigendecomposition per representation (``readout._FoldSolver``);
- *scores*: validation predictions for the 21 penalties;
- *other*: the rest (Python, label codes, block slicing).

Each phase is extrapolated to the whole protocol (configurations x 5 seeds) in core-seconds and
in wall seconds on 2 cores. Then a *floor*: the Gram blocks' floating-point operations at the
double-precision matrix-product rate measured here, plus the measured reservoir and eigh time,
with nothing else: no implementation that keeps float64 Grams and these eigendecompositions
can beat it.

``--float32`` scores one whole (dataset, model, size, seed) group twice, with the library's
float64 Gram blocks and with float32 ones, and counts the rows whose selected penalty or
validation accuracy moved, and whether the selected configuration did.

    OMP_NUM_THREADS=1 python benchmarks/bench_reproduction.py [--configs 12] [--float32]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import time

import numpy as np

from nanowire_rc import readout, selection
from nanowire_rc.datasets import load_ucr
from nanowire_rc.experiments import grids
from nanowire_rc.experiments.classification import DATASETS, N_WINDOWS, SIZES
from nanowire_rc.readout import one_blas_thread
from nanowire_rc.series import as_batch

MODELS = ("nanowire", "tanh")
SEEDS = 5
PHASES = ("reservoir", "Grams", "eigh", "scores", "other")
#: Profiled functions whose cumulative time is each phase's.
_PROFILED = {"reservoir": [cls.fit for cls in selection.MODELS.values()]
                          + [cls.pool for cls in selection.MODELS.values()],
             "Grams": [readout._standardised_grams],
             "eigh": [readout._FoldSolver.__init__],
             "scores": [readout._FoldSolver.scores]}


def _data(dataset: str):
    X, y = load_ucr(dataset, "train")
    return as_batch(X), y, selection.PROTOCOLS["paper"].splits(y)


def _phase_seconds(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats
    seconds = dict.fromkeys(PHASES, 0.0)
    for phase, functions in _PROFILED.items():
        codes = {(f.__code__.co_filename, f.__code__.co_firstlineno, f.__code__.co_name)
                 for f in functions}  # inherited methods appear once
        seconds[phase] = sum(stats[c][3] for c in codes if c in stats)
    return seconds


def profile_phases(n_configs: int) -> list[dict]:
    """Per (dataset, model, size): seconds per configuration by phase, and the grid's size."""
    rows = []
    for dataset in DATASETS:
        X, y, splits = _data(dataset)
        for model in MODELS:
            kept, _ = grids.configurations(model)
            sample = [kept[i] for i in np.linspace(0, len(kept) - 1, n_configs).astype(int)]
            for size in SIZES:
                selection.evaluate_configs(model, sample[:1], X, y, splits, size, 0, N_WINDOWS,
                                           n_jobs=1)  # compiled, caches warm
                profile = cProfile.Profile()
                start = time.perf_counter()
                profile.enable()
                selection.evaluate_configs(model, sample, X, y, splits, size, 0, N_WINDOWS,
                                           n_jobs=1)
                profile.disable()
                total = time.perf_counter() - start
                phases = _phase_seconds(profile)
                phases["other"] = total - sum(phases.values())
                train, val = splits[0]
                rows.append({"dataset": dataset, "model": model, "size": size,
                             "n_configs": len(kept), "updates": int(X.lengths.sum()) * size,
                             "gram_flops": gram_flops(len(train), len(val), size),
                             **{p: s / n_configs for p, s in phases.items()}})
    return rows


def gemm_rate(n_rows: int = 350, n_features: int = 8000, repeats: int = 7) -> float:
    """Double-precision FLOP/s of a one-thread Gram product ``Z @ Z.T`` of these shapes."""
    Z = np.random.default_rng(0).normal(size=(n_rows, n_features))
    times = []
    with one_blas_thread():
        for _ in range(repeats):
            start = time.perf_counter()
            Z @ Z.T
            times.append(time.perf_counter() - start)
    return n_rows**2 * n_features / float(np.median(times))  # syrk: n^2 d multiply-adds x 2 / 2


def gram_flops(n_train: int, n_val: int, size: int) -> float:
    """Floating-point operations of one configuration's Gram blocks (``K_train`` as a
    symmetric product, ``K_val`` as a general one) under the paper protocol."""
    n_features = size * (2 + N_WINDOWS)  # mean, last and the windows
    return n_features * (n_train**2 + 2 * n_val * n_train)


def float32_effect(dataset: str, model: str, size: int) -> None:
    X, y, splits = _data(dataset)
    kept, _ = grids.configurations(model)
    library = readout._standardised_grams
    runs = {}
    try:
        for name, grams in (("float64", library),
                            ("float32", functools.partial(library, dtype=np.float32))):
            readout._standardised_grams = grams
            runs[name] = selection.evaluate_configs(model, kept, X, y, splits, size, 0,
                                                    N_WINDOWS, n_jobs=1)
    finally:
        readout._standardised_grams = library
    rows64, rows32 = runs["float64"], runs["float32"]
    moved = {k: sum(a[k] != b[k] for a, b in zip(rows64, rows32, strict=True))
             for k in ("alpha", "val_accuracy")}
    best64, best32 = selection.best_row(rows64), selection.best_row(rows32)
    key = [k for k in best64 if k not in ("val_mse", "memory_factor")]
    print(f"\nfloat32 Gram blocks, {dataset} / {model} / {size} neurons / seed 0, "
          f"{len(rows64)} rows (their speed is not the point: this variant is not optimised)")
    print(f"  rows whose selected penalty moved: {moved['alpha']}, "
          f"validation accuracy moved: {moved['val_accuracy']}; "
          f"penalties <= 1 among the float64 rows: {sum(r['alpha'] <= 1 for r in rows64)}")
    for name, best in (("float64", best64), ("float32", best32)):
        print(f"  selected ({name}): "
              + ", ".join(f"{k}={best[k]:.4g}" if isinstance(best[k], float)
                          else f"{k}={best[k]}" for k in key))
    print("  same selection" if all(best64[k] == best32[k] for k in key)
          else "  the selection changed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=12,
                        help="configurations profiled per (dataset, model, size)")
    parser.add_argument("--float32", action="store_true",
                        help="also compare float32 Gram blocks on one whole group")
    parser.add_argument("--group", nargs=3, default=["SyntheticControl", "nanowire", "100"],
                        metavar=("DATASET", "MODEL", "SIZE"), help="the --float32 group")
    args = parser.parse_args()

    rows = profile_phases(args.configs)
    total = dict.fromkeys(PHASES, 0.0)
    print(f"Paper protocol, {args.configs} configurations per row, seed 0, one thread; "
          f"ms per configuration by phase, core-s extrapolated to all configurations x {SEEDS} "
          "seeds")
    print(f"{'dataset':17s}{'model':9s}{'size':>5s} " + "".join(f"{p:>10s}" for p in PHASES)
          + f"{'total':>9s}{'core-s':>9s}{'Gupd/s':>8s}")
    rate = gemm_rate()
    floor_grams = 0.0
    for r in rows:
        n = r["n_configs"] * SEEDS
        for p in PHASES:
            total[p] += r[p] * n
        floor_grams += r["gram_flops"] / rate * n
        ms = sum(r[p] for p in PHASES)
        print(f"{r['dataset']:17s}{r['model']:9s}{r['size']:5d} "
              + "".join(f"{r[p] * 1e3:10.1f}" for p in PHASES) + f"{ms * 1e3:9.1f}{ms * n:9.0f}"
              + f"{r['updates'] / r['reservoir'] / 1e9:8.2f}")
    core = sum(total.values())
    print("\nwhole protocol, core-s by phase: " + ", ".join(
        f"{p} {total[p]:.0f} ({total[p] / core:.0%})" for p in PHASES)
        + f"; total {core:.0f} core-s = {core / 2:.0f} s on 2 cores (no parallel loss)")
    floor = floor_grams + total["reservoir"] + total["eigh"]
    print(f"floor: Gram blocks at the measured float64 product rate ({rate / 1e9:.0f} GFLOP/s, "
          f"one thread) {floor_grams:.0f} core-s + reservoir {total['reservoir']:.0f} + eigh "
          f"{total['eigh']:.0f} = {floor:.0f} core-s = {floor / 2:.0f} s on 2 cores "
          f"(goal 240 s; Grams + reservoir alone: {(floor_grams + total['reservoir']) / 2:.0f} s)")
    if args.float32:
        dataset, model, size = args.group
        float32_effect(dataset, model, int(size))


if __name__ == "__main__":
    main()
