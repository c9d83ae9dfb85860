"""Choose default hyper-parameters by cross-validation on TRAINING splits only.

For every offline classification dataset (benchmarks/offline_datasets.py) and every candidate
configuration, score each (representation, ridge penalty) by repeated stratified k-fold on the
training split (``nanowire_rc.selection.score_config``, the protocol of ``select``). Test splits
are never read. Prints, per model:

- the single configuration + representation with the best mean CV accuracy over datasets
  (the classifier's defaults), and its per-dataset CV accuracies;
- a compact search grid: greedily, the configurations that most raise the mean over datasets
  of the best CV accuracy within the chosen set (the CV classifier's default grid).

Usage: python benchmarks/choose_defaults.py [--model nanowire] [--neurons 300] [--out results/]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import time
from pathlib import Path

import numpy as np
from offline_datasets import datasets, load
from tqdm import tqdm

from nanowire_rc.exceptions import UnstableReservoirError
from nanowire_rc.reservoirs import LeakyTanhReservoir, NanowireReservoir
from nanowire_rc.selection import KFOLD_REPRESENTATIONS, MODEL_SPACE, kfold_splits, score_config
from nanowire_rc.series import as_batch

CANDIDATES = {
    "nanowire": (NanowireReservoir, {
        "input_scaling": [0.25, 0.5, 1.0], "dt": [0.03, 0.1, 0.3, 1.0],
        "dt_spread": [0.0, 1.0], "bidirectional": [False, True], "difference": [False, True]}),
    "tanh": (LeakyTanhReservoir, {
        "leak_rate": [0.1, 0.3, 1.0], "input_scaling": [0.5, 1.5],
        "bidirectional": [False, True], "difference": [False, True]}),
}


#: The 8 pooled representations (the model space has its own study: choose_model_space.py).
POOLED = tuple(r for r in KFOLD_REPRESENTATIONS if r != MODEL_SPACE)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=sorted(CANDIDATES), default="nanowire")
    ap.add_argument("--neurons", type=int, default=300)
    ap.add_argument("--dataset", action="append", help="restrict to these datasets")
    ap.add_argument("--grid-size", type=int, default=6, help="configurations in the CV grid")
    ap.add_argument("--out", type=Path, default=Path("results/choose_defaults"))
    args = ap.parse_args()
    reservoir_cls, grid = CANDIDATES[args.model]
    names = sorted(grid)
    configs = [dict(zip(names, v, strict=True))
               for v in itertools.product(*(grid[n] for n in names))]
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for dataset in datasets(args.dataset):
        X, y = load(dataset, "train")
        X, y = as_batch(X), np.asarray(y)
        splits = kfold_splits(y, seed=0)
        start = time.perf_counter()
        for config in tqdm(configs, desc=dataset, unit="config"):
            reservoir = reservoir_cls(n_neurons=args.neurons, features="mean+last+windows+std",
                                      random_state=0, **config)
            try:
                scored = score_config(reservoir, X, y, splits, POOLED, extend=True)
            except (UnstableReservoirError, ValueError) as err:
                print(f"  {dataset} {config}: skipped ({str(err)[:80]})")
                continue
            rows += [{"dataset": dataset, **config, **r} for r in scored]
        print(f"{dataset}: {len(configs)} configurations in {time.perf_counter() - start:.1f} s")
    path = args.out / f"{args.model}_{args.neurons}.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"rows: {path}")
    summarise(rows, names, args.grid_size)


def summarise(rows: list[dict], names: list[str], grid_size: int) -> None:
    sets = sorted({r["dataset"] for r in rows})
    key = lambda r: json.dumps({n: r[n] for n in names})  # noqa: E731
    table: dict[str, dict[str, float]] = {}
    for r in rows:
        # per (configuration, dataset): the best representation's CV accuracy (what a search
        # over representations gets); per (configuration+representation): that one's.
        cell = table.setdefault(key(r), {})
        cell[r["dataset"]] = max(cell.get(r["dataset"], 0.0), r["val_accuracy"])
        single = table.setdefault(key(r) + " | " + r["representation"], {})
        single[r["dataset"]] = r["val_accuracy"]
    complete = {k: v for k, v in table.items() if len(v) == len(sets)}
    singles = {k: np.mean([v[d] for d in sets]) for k, v in complete.items() if " | " in k}
    best = sorted(singles, key=singles.get, reverse=True)[:5]
    print("\nbest single configuration + representation (mean CV accuracy over datasets):")
    for k in best:
        print(f"  {singles[k]:.4f}  {k}")
    print("  per dataset:", {d: round(complete[best[0]][d], 4) for d in sets})
    configs = {k: v for k, v in complete.items() if " | " not in k}
    chosen: list[str] = []
    for _ in range(grid_size):
        def gain(k):
            return np.mean([max(configs[c][d] for c in [*chosen, k]) for d in sets])
        k = max((k for k in configs if k not in chosen), key=gain)
        chosen.append(k)
        print(f"grid of {len(chosen)}: mean best CV accuracy {gain(k):.4f}  (+ {k})")


if __name__ == "__main__":
    main()
