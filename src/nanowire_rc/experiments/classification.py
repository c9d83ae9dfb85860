"""Fig. 3: Table-3 model selection for nanowire and tanh reservoirs, per dataset, size and seed.

Each (dataset, model, size, seed) unit is independent (:func:`~nanowire_rc.selection.evaluate_unit`)
and is written to ``units.jsonl`` and ``validation.csv`` as soon as it finishes, so an interrupted
run leaves every finished unit on disk. Units run in parallel through joblib when ``jobs > 1``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from ..datasets import load_ucr
from ..selection import GRIDS, QUICK_GRIDS, UnitResult, configurations, evaluate_unit

__all__ = ["DATASETS", "SIZES", "plan_units", "run_units", "summarise"]

DATASETS = ("ECG5000", "SyntheticControl")
SIZES = (100, 500, 1000)
VALIDATION_COLUMNS = ("dataset", "model", "n_neurons", "seed", "config", "memory_factor",
                      "representation", "alpha", "val_accuracy")


def plan_units(datasets: Sequence[str], models: Sequence[str], sizes: Sequence[int],
               seeds: int) -> list[tuple[str, str, int, int]]:
    """Every (dataset, model, size, seed), the largest first so that workers finish together."""
    units = [(d, m, n, s) for d in datasets for m in models for n in sizes for s in range(seeds)]
    return sorted(units, key=lambda u: -u[2])


def _run_one(unit, grid, data_dir, n_jobs) -> UnitResult:
    dataset, model, size, seed = unit
    X_tr, y_tr = load_ucr(dataset, "train", data_dir)
    X_te, y_te = load_ucr(dataset, "test", data_dir)
    return evaluate_unit(dataset, model, size, seed, X_tr, y_tr, X_te, y_te, grid=grid,
                         n_jobs=n_jobs)


def _config_label(row: dict) -> str:
    skip = ("memory_factor", "representation", "alpha", "val_accuracy")
    return " ".join(f"{k}={v:g}" for k, v in sorted(row.items()) if k not in skip)


def _append(out_dir: Path, result: UnitResult) -> None:
    record = asdict(result)
    rows = record.pop("validation")
    with open(out_dir / "units.jsonl", "a") as fh:
        fh.write(json.dumps(record) + "\n")
    path = out_dir / "validation.csv"
    new = not path.exists()
    with open(path, "a", newline="") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(VALIDATION_COLUMNS)
        for r in rows:
            writer.writerow([result.dataset, result.model, result.n_neurons, result.seed,
                             _config_label(r), r.get("memory_factor", ""), r["representation"],
                             r["alpha"], r["val_accuracy"]])


def run_units(
    units: Sequence[tuple[str, str, int, int]],
    out_dir: str | os.PathLike,
    quick: bool = False,
    jobs: int = 1,
    data_dir: str | None = None,
    on_done: Callable[[UnitResult], None] | None = None,
) -> list[UnitResult]:
    """Run the units, appending each result to ``out_dir`` as it finishes.

    ``jobs > 1`` runs units in that many worker processes (each kernel single-threaded);
    ``jobs == 1`` runs them here with all threads. ``on_done`` is called after each unit
    (progress bars). A ``KeyboardInterrupt`` propagates after the finished units are on disk.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    grids = QUICK_GRIDS if quick else GRIDS
    results = []

    def done(result: UnitResult) -> None:
        _append(out_dir, result)
        results.append(result)
        if on_done:
            on_done(result)

    if jobs == 1:
        for unit in units:
            done(_run_one(unit, grids[unit[1]], data_dir, None))
    else:
        parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
        for result in parallel(delayed(_run_one)(u, grids[u[1]], data_dir, 1) for u in units):
            done(result)
    return results


def summarise(results: Sequence[UnitResult], quick: bool = False) -> dict:
    """Accuracy mean ± std and selected hyper-parameters per (dataset, model, size)."""
    groups: dict[tuple, list[UnitResult]] = {}
    for r in results:
        groups.setdefault((r.dataset, r.model, r.n_neurons), []).append(r)
    grids = QUICK_GRIDS if quick else GRIDS
    summary = {"groups": [], "grid_sizes": {}}
    for model, grid in grids.items():
        kept, pruned = configurations(model, grid)
        summary["grid_sizes"][model] = {"total": len(kept) + len(pruned), "pruned": len(pruned)}
    for (dataset, model, size), rs in sorted(groups.items()):
        acc = np.array([r.test_accuracy for r in sorted(rs, key=lambda r: r.seed)])
        summary["groups"].append({
            "dataset": dataset, "model": model, "n_neurons": size, "n_seeds": len(rs),
            "test_accuracy_mean": float(acc.mean()), "test_accuracy_std": float(acc.std()),
            "test_accuracies": acc.tolist(),
            "selected": [{"seed": r.seed, **r.best, "refit_alpha": r.refit_alpha}
                         for r in sorted(rs, key=lambda r: r.seed)],
            "seconds": float(sum(r.seconds for r in rs)),
        })
    return summary
