"""Fig. 3: Table-3 model selection for nanowire and tanh reservoirs, resumable and distributable.

The work is cut into pieces whose results go to a :class:`~nanowire_rc.store.ResultsStore` as
each finishes: *validation chunks* (a few configurations of one (dataset, model, size, seed)
group, sized by :func:`~nanowire_rc.selection.chunk_configs`) and, once a group's configurations
are all scored, its *test* piece (refit of the best configuration, test accuracy). Re-running
the same command skips every stored piece. Pieces run here (``jobs=1``), in local worker
processes through joblib (``jobs > 1``), or on a Dask cluster through joblib's dask backend
(``scheduler="tcp://host:port"``). Every random draw is seeded from the piece's identity, so the
results do not depend on the backend, the number of workers or interruptions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np
from joblib import Parallel, delayed, parallel_config

from .. import __version__
from ..classifiers import DEFAULT_ALPHAS
from ..datasets import dataset_fingerprint, load_ucr
from ..selection import (
    GRIDS,
    QUICK_GRIDS,
    REPRESENTATIONS,
    best_row,
    chunk_configs,
    config_key,
    configurations,
    evaluate_configs,
    refit_and_test,
    validation_split,
)
from ..series import as_batch
from ..store import ResultsStore

__all__ = ["DATASETS", "N_WINDOWS", "SIZES", "grid_id", "plan_groups", "protocol",
           "run_selection", "summarise"]

DATASETS = ("ECG5000", "SyntheticControl")
SIZES = (100, 500, 1000)
N_WINDOWS = 8
VALIDATION_FRACTION = 0.3


def protocol() -> dict:
    """What makes stored results comparable: recorded in, and checked against, the store."""
    return {"library_version": __version__, "selection": "stratified-validation-split",
            "tie_break": "validation-mse",
            "validation_fraction": VALIDATION_FRACTION, "split_seed": 0,
            "representations": list(REPRESENTATIONS), "alphas": list(DEFAULT_ALPHAS),
            "n_windows": N_WINDOWS, "input_range": [0.0, 1.0], "dtype": "float32"}


def grid_id(grid: dict) -> str:
    return json.dumps({k: list(grid[k]) for k in sorted(grid)})


def plan_groups(datasets: Sequence[str], models: Sequence[str], sizes: Sequence[int],
                seeds: int) -> list[tuple[str, str, int, int]]:
    """Every (dataset, model, size, seed) group, the largest first so workers finish together."""
    groups = [(d, m, n, s) for d in datasets for m in models for n in sizes for s in range(seeds)]
    return sorted(groups, key=lambda g: -g[2])


def _training_data(dataset: str, data_dir: str | None):
    X, y = load_ucr(dataset, "train", data_dir)
    return as_batch(X), y


def _validate_chunk(group, configs, data_dir, n_jobs):
    """Worker: score a chunk of configurations of one group on the validation split."""
    dataset, model, size, seed = group
    start = time.perf_counter()
    X, y = _training_data(dataset, data_dir)
    rows = evaluate_configs(model, configs, X, y, validation_split(y, VALIDATION_FRACTION),
                            size, seed, N_WINDOWS, n_jobs=n_jobs)
    return group, rows, time.perf_counter() - start


def _test_group(group, best, data_dir, n_jobs):
    """Worker: refit a group's selected configuration and score it on the test split."""
    dataset, model, size, seed = group
    start = time.perf_counter()
    X, y = _training_data(dataset, data_dir)
    X_te, y_te = load_ucr(dataset, "test", data_dir)
    accuracy, alpha = refit_and_test(model, size, seed, best, X, y, X_te, y_te, N_WINDOWS,
                                     n_jobs=n_jobs)
    return group, accuracy, alpha, time.perf_counter() - start


@contextmanager
def _executor(jobs: int, scheduler: str | None, connect_timeout: float = 30.0):
    """Yield ``run(fn, argument tuples)`` that iterates results as they complete."""
    if scheduler is None and jobs == 1:
        yield lambda fn, tasks: (fn(*t) for t in tasks)
        return
    if scheduler is None:
        yield lambda fn, tasks: Parallel(n_jobs=jobs, return_as="generator_unordered")(
            delayed(fn)(*t) for t in tasks)
        return
    try:
        from distributed import Client
    except ImportError:
        raise ImportError("--scheduler needs Dask: pip install 'nanowire-rc[dask]'") from None
    try:
        client = Client(scheduler, timeout=f"{connect_timeout}s")
    except (OSError, TimeoutError) as err:
        raise ConnectionError(
            f"cannot reach the Dask scheduler at {scheduler} ({err}). Check the address and "
            "that the scheduler is running (dask scheduler), or drop --scheduler to run here."
        ) from None
    with client, parallel_config(backend="dask"):
        yield lambda fn, tasks: Parallel(return_as="generator_unordered")(
            delayed(fn)(*t) for t in tasks)


def _stored_rows(store: ResultsStore, group, keys: set[str]) -> list[dict]:
    rows = []
    for r in store.validation_rows(group):
        if r["config"] in keys:
            rows.append({**json.loads(r["config"]), "memory_factor": r["memory_factor"],
                         "representation": r["representation"], "alpha": r["alpha"],
                         "val_accuracy": r["val_accuracy"], "val_mse": r["val_mse"]})
    return rows


def run_selection(
    groups: Sequence[tuple[str, str, int, int]],
    store: ResultsStore,
    quick: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    data_dir: str | None = None,
    chunk_size: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    connect_timeout: float = 30.0,
) -> list[dict]:
    """Run whatever the store lacks for ``groups``; return their test rows.

    ``progress(kind, total)`` is called once with the number of pieces to run (``kind ==
    "total"``), then with ``"done"`` after each piece. ``chunk_size`` fixes the number of
    configurations per validation chunk (default: a few seconds of expected work each).
    ``connect_timeout`` is how long to try to reach a Dask ``scheduler`` (seconds).

    Raises
    ------
    DatasetChangedError
        When the store holds results for a dataset of the same name whose contents differ (a
        fingerprint of both splits is recorded with the first results).
    ConnectionError
        When the Dask scheduler cannot be reached.
    """
    grids = QUICK_GRIDS if quick else GRIDS
    store.check_datasets({d: dataset_fingerprint(d, data_dir) for d in {g[0] for g in groups}})
    local_jobs = None if (jobs == 1 and scheduler is None) else 1
    plan, stats, shapes = [], {}, {}
    for group in groups:
        dataset, model, size, _ = group
        kept, pruned = configurations(model, grids[model])
        stats[group] = (kept, len(kept) + len(pruned), len(pruned))
        done = store.done_configs(group)
        todo = [c for c in kept if config_key(c) not in done]
        if chunk_size:
            chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
        else:
            if dataset not in shapes:
                shapes[dataset] = _training_data(dataset, data_dir)[0].values.shape
            n_cases, _, n_timepoints = shapes[dataset]
            chunks = chunk_configs(todo, n_cases, n_timepoints, size, n_windows=N_WINDOWS)
        plan += [(group, chunk, data_dir, local_jobs) for chunk in chunks if chunk]
    pending_tests = [g for g in groups if store.test_result(g, grid_id(grids[g[1]])) is None]
    if progress:
        progress("total", len(plan) + len(pending_tests))
    with _executor(jobs, scheduler, connect_timeout) as run:
        for group, rows, seconds in run(_validate_chunk, plan):
            store.add_validation(group, rows, seconds)
            if progress:
                progress("done", 1)
        tests = []
        for group in pending_tests:
            kept = stats[group][0]
            rows = _stored_rows(store, group, {config_key(c) for c in kept})
            tests.append((group, best_row(rows), data_dir, local_jobs))
        for group, accuracy, alpha, seconds in run(_test_group, tests):
            best = next(b for g, b, *_ in tests if g == group)
            _, n_configs, n_pruned = stats[group]
            store.add_test(group, grid_id(grids[group[1]]), {
                "config": config_key(best), "representation": best["representation"],
                "val_accuracy": best["val_accuracy"], "memory_factor": best["memory_factor"],
                "refit_alpha": alpha, "test_accuracy": accuracy, "n_configs": n_configs,
                "n_pruned": n_pruned, "seconds": seconds})
            if progress:
                progress("done", 1)
    wanted = {(*g, grid_id(grids[g[1]])) for g in groups}
    return [r for r in store.test_rows()
            if (r["dataset"], r["model"], r["n_neurons"], r["seed"], r["grid"]) in wanted]


def summarise(test_rows: Sequence[dict], quick: bool = False) -> dict:
    """Accuracy mean ± std and selected hyper-parameters per (dataset, model, size)."""
    grids = QUICK_GRIDS if quick else GRIDS
    summary = {"groups": [], "grid_sizes": {}}
    for model in sorted({r["model"] for r in test_rows}):
        kept, pruned = configurations(model, grids[model])
        summary["grid_sizes"][model] = {"total": len(kept) + len(pruned), "pruned": len(pruned)}
    groups: dict[tuple, list[dict]] = {}
    for r in test_rows:
        groups.setdefault((r["dataset"], r["model"], r["n_neurons"]), []).append(r)
    for (dataset, model, size), rows in sorted(groups.items()):
        rows = sorted(rows, key=lambda r: r["seed"])
        acc = np.array([r["test_accuracy"] for r in rows])
        selected = []
        for r in rows:
            entry = {"seed": r["seed"], **json.loads(r["config"]),
                     "representation": r["representation"], "val_accuracy": r["val_accuracy"],
                     "refit_alpha": r["refit_alpha"]}
            if r["memory_factor"] is not None:
                entry["memory_factor"] = r["memory_factor"]
            selected.append(entry)
        summary["groups"].append({
            "dataset": dataset, "model": model, "n_neurons": size, "n_seeds": len(rows),
            "test_accuracy_mean": float(acc.mean()), "test_accuracy_std": float(acc.std()),
            "test_accuracies": acc.tolist(), "selected": selected,
        })
    return summary
