"""Cross-validation on training splits for the multi-scale nanowire classifier's design.

Every configuration (and aeon's MiniRocket, as the yardstick) is scored by stratified 3-fold
cross-validation of each development dataset's official TRAIN split; test splits are never
read. Each (dataset, configuration) result is appended to ``OUT`` as one JSON line (mean fold
accuracy, seconds), and a stored one is not run again.

    python benchmarks/choose_multiscale.py --configs NAME ... [--datasets NAME ...]
        [--out results/multiscale_cv.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path
from time import perf_counter

if __name__ == "__main__":
    # One thread for numpy and numba (set before they load): times compare with bench_ucr's.
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ucr import ARCHIVE, REGISTRY, fill_missing, load_split

from nanowire_rc.classifiers import ReservoirClassifier
from nanowire_rc.multiscale import MultiScaleNanowireReservoir

#: Development subset: shape-defined sets with few training series, long and short series,
#: many classes, unequal lengths, missing values.
DATASETS = ["Adiac", "ArrowHead", "BME", "CricketX", "DistalPhalanxTW", "DodgerLoopDay",
            "Fish", "GunPoint", "Ham", "Meat", "MedicalImages", "OliveOil", "OSULeaf",
            "PowerCons", "ShakeGestureWiimoteZ", "SmoothSubspace", "SyntheticControl", "UMD",
            "Worms"]


def _ms(shift=0, **kw):
    return lambda seed: ReservoirClassifier(MultiScaleNanowireReservoir(**kw),
                                            random_state=seed + shift)


CONFIGS = {
    "MiniRocket": lambda seed: REGISTRY["MiniRocket"].make(seed),
    "memoryless-12x10": _ms(n_blocks=12, dt=1e3),
    "12x10": _ms(n_blocks=12),
    "euler": _ms(n_blocks=12, method="euler", dt=(0.005, 0.05)),
    "memory-short": _ms(n_blocks=12, dt=(0.5, 5.0)),
    "memory-long": _ms(n_blocks=12, dt=(0.05, 2.0)),
    "ppv+mean": _ms(n_blocks=12, features="ppv+mean"),
    "memoryless-24x5": _ms(dt=1e3, n_blocks=24, n_thresholds=5),
    "wide-dt": _ms(n_blocks=12, dt=(0.3, 1e3)),
    "dt0.1-30": _ms(n_blocks=12, dt=(0.1, 30.0)),
    "24x5": _ms(n_blocks=24, n_thresholds=5),
    "8x15": _ms(n_blocks=8, n_thresholds=15),
    "6x10": _ms(n_blocks=6),
    "6x15": _ms(n_blocks=6, n_thresholds=15),
    "6x20": _ms(n_blocks=6, n_thresholds=20),
    "8x10": _ms(),
    "12x10-seed1": _ms(shift=1, n_blocks=12),
    "6x15-seed1": _ms(shift=1, n_blocks=6, n_thresholds=15),
    "8x10-diff": _ms(difference=True),
    "10x10": _ms(n_blocks=10),
    "8x10-clip3": _ms(clip=3.0),
    "8x10-omega0.2": _ms(input_scaling=0.2),
    "12x10-diff": _ms(n_blocks=12, difference=True),
    "omega0.05": _ms(n_blocks=12, input_scaling=0.05),
    "omega0.2": _ms(n_blocks=12, input_scaling=0.2),
}


def train_split(name: str):
    X, y = load_split(name, "train", [ARCHIVE])
    X = [fill_missing(np.asarray(x, dtype=float)) for x in X]
    lengths = {len(x) for x in X}
    return (np.array(X) if len(lengths) == 1 else X), np.asarray(y)


def _equal(X):
    if isinstance(X, np.ndarray):
        return X
    from bench_accuracy import resampled

    return resampled(list(X), max(len(x) for x in X))[:, 0, :]


def cv_score(make, X, y, equal_length: bool) -> tuple[float, float]:
    counts = np.unique(y, return_counts=True)[1]
    if counts.min() >= 3:
        folds = StratifiedKFold(3, shuffle=True, random_state=0).split(np.zeros(len(y)), y)
    else:
        folds = KFold(3, shuffle=True, random_state=0).split(np.zeros(len(y)))
    Xa = _equal(X) if equal_length else X
    accs, t0 = [], perf_counter()
    for train, test in folds:
        pick = (lambda idx: Xa[idx]) if isinstance(Xa, np.ndarray) else (
            lambda idx: [Xa[i] for i in idx])
        if len(np.unique(y[train])) < 2:
            continue
        clf = make(0)
        if hasattr(clf, "n_jobs"):
            clf.set_params(n_jobs=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(pick(train), y[train])
            accs.append(float(np.mean(clf.predict(pick(test)) == y[test])))
    return float(np.mean(accs)), perf_counter() - t0


def table(path: Path) -> str:
    """Mean CV accuracy of each configuration over the datasets every one has, its gap to
    MiniRocket, wins/losses against it, the worst dataset gap and the summed seconds."""
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    configs = list(dict.fromkeys(r["config"] for r in rows))
    acc = {(r["dataset"], r["config"]): r["cv"] for r in rows}
    sec = {(r["dataset"], r["config"]): r["seconds"] for r in rows}
    names = sorted({r["dataset"] for r in rows})
    common = [d for d in names if all((d, c) in acc for c in configs)]
    base = np.array([acc[d, "MiniRocket"] for d in common])
    lines = [f"{len(common)} datasets", "", "| configuration | mean CV accuracy | vs MiniRocket "
             "| W/L vs MiniRocket | worst gap | seconds |", "|---|---:|---:|---:|---:|---:|"]
    for c in configs:
        a = np.array([acc[d, c] for d in common])
        gap = a - base
        lines.append(f"| {c} | {a.mean():.4f} | {100 * gap.mean():+.2f} | "
                     f"{(gap > 1e-9).sum()}/{(gap < -1e-9).sum()} | {100 * gap.min():+.1f} "
                     f"({common[int(np.argmin(gap))]}) | {sum(sec[d, c] for d in common):.0f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS))
    ap.add_argument("--datasets", nargs="+", default=DATASETS)
    ap.add_argument("--out", type=Path, default=Path("results/multiscale_cv.jsonl"))
    ap.add_argument("--table", action="store_true", help="only print the table of stored results")
    args = ap.parse_args()
    if args.table:
        print(table(args.out))
        return
    done = set()
    if args.out.exists():
        for line in args.out.read_text().splitlines():
            r = json.loads(line)
            done.add((r["dataset"], r["config"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name in args.datasets:
        X, y = train_split(name)
        for config in args.configs:
            if (name, config) in done:
                continue
            acc, sec = cv_score(CONFIGS[config], X, y, config == "MiniRocket")
            with args.out.open("a") as fh:
                fh.write(json.dumps({"dataset": name, "config": config, "cv": acc,
                                     "seconds": sec}) + "\n")
            print(f"{name:24s} {config:18s} {acc:.4f} {sec:7.2f}s", flush=True)


if __name__ == "__main__":
    main()
