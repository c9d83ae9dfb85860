"""Fig. 3: Table-3 model selection for nanowire and tanh reservoirs, resumable and distributable.

The work is cut into pieces whose results go to a :class:`~nanowire_rc.store.ResultsStore` as
each finishes: *validation chunks* (a few configurations of one (dataset, model, size, seed)
group, sized by :func:`~nanowire_rc.selection._chunk_configs`) and, once a group's configurations
are all scored, its *test* piece (refit of the best configuration, test accuracy). Re-running
the same command skips every stored piece. Pieces run here (``jobs=1``), in local worker
processes through joblib (``jobs > 1``), or on a Dask cluster through joblib's dask backend
(``scheduler="tcp://host:port"``). Every random draw is seeded from the piece's identity, so the
results do not depend on the backend, the number of workers or interruptions.

Each dataset is loaded once, fingerprinted, and those very arrays go to every piece: a file
changed while the selection runs is never read again, so nothing computed on other data is
stored (the next run then refuses the changed file, see
:meth:`~nanowire_rc.store.ResultsStore.check_datasets`). Local workers are capped at the work
left and the cores, with a warning: more would only wait, at a process each.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np
from joblib import Parallel, cpu_count, delayed, parallel_config

from .. import __version__
from .._seeding import SEEDING
from ..datasets import load_ucr, splits_fingerprint
from ..exceptions import InvalidArgumentError
from ..readout import DEFAULT_ALPHAS, EXTEND_DECADES
from ..selection import (
    PROTOCOLS,
    _chunk_configs,
    _config_key,
    best_row,
    evaluate_configs,
    refit_and_test,
)
from ..series import as_batch
from ..store import ResultsStore
from .grids import GRIDS, QUICK_GRIDS, configurations

__all__ = ["DATASETS", "N_WINDOWS", "SIZES", "plan_groups", "protocol", "run_selection",
           "summarise"]

DATASETS = ("ECG5000", "SyntheticControl")
SIZES = (100, 500, 1000)
N_WINDOWS = 8


def protocol(name: str = "kfold") -> dict:
    """What makes stored results comparable: recorded in, and checked against, the store.

    Parameters
    ----------
    name : {"kfold", "paper"}, default="kfold"
        One of :data:`~nanowire_rc.selection.PROTOCOLS` (``"paper"`` for the reproduction).

    Returns
    -------
    dict
        The library version, the protocol's description
        (:meth:`~nanowire_rc.selection.Protocol.describe`), its representations, the penalty
        grid, the windows, input range, compute type and how reservoirs are seeded (stores
        written before the seeding changed are refused rather than mixed with new results).

    Examples
    --------
    >>> from nanowire_rc.experiments.classification import protocol
    >>> described = protocol("paper")
    >>> described["selection"], described["n_windows"]
    ('stratified-validation-split', 8)
    """
    return {"library_version": __version__, **PROTOCOLS[name].describe(),
            "tie_break": "validation-mse", "representations": list(PROTOCOLS[name].representations),
            "alphas": list(DEFAULT_ALPHAS), "n_windows": N_WINDOWS, "input_range": [0.0, 1.0],
            "dtype": "float32", "seeding": SEEDING}


def _grid_id(grid: dict) -> str:
    """Canonical text of a grid (JSON, names sorted, values as lists), stored with each test
    result so that results of another grid are not mixed in.
    """
    return json.dumps({k: list(grid[k]) for k in sorted(grid)})


def plan_groups(datasets: Sequence[str], models: Sequence[str], sizes: Sequence[int],
                seeds: int) -> list[tuple[str, str, int, int]]:
    """Every (dataset, model, size, seed) group, the largest first so workers finish together.

    Parameters
    ----------
    datasets : sequence of str
        Dataset names.
    models : sequence of str
        Model names (keys of :data:`~nanowire_rc.selection.MODELS`).
    sizes : sequence of int
        Reservoir sizes.
    seeds : int
        Number of seeds per (dataset, model, size): 0 to ``seeds - 1``.

    Returns
    -------
    list of (str, str, int, int)
        The groups, by decreasing size (stable otherwise).

    Examples
    --------
    >>> from nanowire_rc.experiments.classification import plan_groups
    >>> plan_groups(["ECG5000"], ["nanowire", "tanh"], [100, 500], seeds=1)
    [('ECG5000', 'nanowire', 500, 0), ('ECG5000', 'tanh', 500, 0),
     ('ECG5000', 'nanowire', 100, 0), ('ECG5000', 'tanh', 100, 0)]
    """
    groups = [(d, m, n, s) for d in datasets for m in models for n in sizes for s in range(seeds)]
    return sorted(groups, key=lambda g: -g[2])


def _load_datasets(names: Sequence[str], data_dir: str | None, chosen) -> tuple[dict, dict]:
    """Each dataset's ``(X, y, X_test, y_test)``, loaded once, and its fingerprint.

    The pieces compute on these arrays (joblib and Dask ship each array once), never on the
    files again: the fingerprint recorded in the store is that of the data every result used.
    """
    data, prints = {}, {}
    for name in names:
        train, test = load_ucr(name, "train", data_dir), load_ucr(name, "test", data_dir)
        _check_validatable(name, train[1], chosen)
        prints[name] = splits_fingerprint(train, test)
        data[name] = (*train, *test)
    return data, prints


def _check_validatable(name: str, y: np.ndarray, chosen) -> None:
    """Refuse, before any work, training labels the protocol cannot hold series out of."""
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise InvalidArgumentError(
            f"dataset {name!r}: every training series has the same label ({classes[0]!r}); a "
            "classifier needs at least two classes.")
    try:
        chosen.splits(y)
    except ValueError:
        single = classes[counts < 2].tolist()
        raise InvalidArgumentError(
            f"dataset {name!r}: too few training series to validate on: classes {single} have "
            f"one each. Model selection ({chosen.name!r} protocol) holds training series out "
            "for validation, so it needs at least 2 per class: add series, or merge or drop "
            "those classes.") from None


def _validate_chunk(group, configs, X, y, n_jobs, protocol_name):
    """Worker: score a chunk of configurations of one group on the protocol's folds."""
    _, model, size, seed = group
    start = time.perf_counter()
    chosen = PROTOCOLS[protocol_name]
    rows = evaluate_configs(model, configs, as_batch(X), y, chosen.splits(y), size, seed,
                            N_WINDOWS, chosen.representations, n_jobs=n_jobs,
                            extend=chosen.extend)
    for row in rows:
        row.pop("alpha_at_edge")  # recomputed from the stored penalty (_edge_penalty)
    return group, rows, time.perf_counter() - start


def _test_group(group, best, X, y, X_te, y_te, n_jobs, protocol_name):
    """Worker: refit a group's selected configuration and score it on the test split."""
    _, model, size, seed = group
    start = time.perf_counter()
    accuracy, alpha = refit_and_test(model, size, seed, best, as_batch(X), y, X_te, y_te,
                                     N_WINDOWS, n_jobs=n_jobs,
                                     protocol=PROTOCOLS[protocol_name])
    return group, accuracy, alpha, time.perf_counter() - start


def _workers(jobs: int, pieces: int) -> int:
    """Local worker processes for ``pieces`` pieces of work: at most one per piece and core."""
    cores = cpu_count()  # joblib's count honours the CPU affinity and a container's quota
    used = max(1, min(jobs, pieces, cores))
    if pieces and used < jobs:
        warnings.warn(
            f"jobs={jobs} capped at {used} worker process{'es' if used > 1 else ''}: "
            f"{pieces} piece{'s' if pieces > 1 else ''} of work to run on {cores} "
            f"core{'s' if cores > 1 else ''}; more workers would only wait, at a process each.",
            UserWarning, stacklevel=3)
    return used


def _edge_penalty(alpha: float, protocol_name: str) -> bool:
    """Whether a selected ridge penalty is the smallest or largest the protocol could choose (the
    grid, extended by ``EXTEND_DECADES`` decades for ``"kfold"``): a sign that the best one may lie
    beyond it.
    """
    lo, hi = min(DEFAULT_ALPHAS), max(DEFAULT_ALPHAS)
    if PROTOCOLS[protocol_name].extend:
        lo, hi = lo / 10**EXTEND_DECADES, hi * 10**EXTEND_DECADES
    return bool(alpha <= lo * (1 + 1e-9) or alpha >= hi * (1 - 1e-9))


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
    except (ValueError, TypeError) as err:  # refused before any connection is tried
        raise InvalidArgumentError(
            f"scheduler {scheduler!r} is not a Dask scheduler address ({err}): expected "
            "tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786 (the address `dask scheduler` "
            "prints).") from None
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


def run_selection(groups: Sequence[tuple[str, str, int, int]], store: ResultsStore,
                  quick: bool = False, jobs: int = 1, scheduler: str | None = None,
                  data_dir: str | None = None, chunk_size: int | None = None,
                  progress: Callable[[str, int], None] | None = None, connect_timeout: float = 30.0,
                  protocol_name: str = "kfold") -> list[dict]:
    """Run whatever the store lacks for ``groups``; return their test rows.

    Parameters
    ----------
    groups : sequence of (str, str, int, int)
        (dataset, model, size, seed) groups, e.g. from :func:`plan_groups`.
    store : ResultsStore
        Where pieces are stored as they finish, and found on a rerun.
    quick : bool, default=False
        Use :data:`~nanowire_rc.experiments.grids.QUICK_GRIDS` instead of the paper's grids.
    jobs : int, default=1
        Local worker processes (joblib); 1 runs here.
    scheduler : str or None, default=None
        Address of a Dask scheduler to run the pieces on (``"tcp://host:port"``).
    data_dir : str or None, default=None
        Where datasets that are not bundled are looked for.
    chunk_size : int or None, default=None
        Configurations per validation chunk; ``None``: a few seconds of expected work each.
    progress : callable or None, default=None
        ``progress(kind, count)``: called once with ``"total"`` and the number of pieces to
        run, then with ``"done"`` and 1 after each piece.
    connect_timeout : float, default=30.0
        How long to try to reach a Dask ``scheduler`` (seconds).
    protocol_name : {"kfold", "paper"}, default="kfold"
        The selection protocol (:data:`~nanowire_rc.selection.PROTOCOLS`); it must be the one
        the store was opened with (see :func:`protocol`).

    Returns
    -------
    list of dict
        The stored test row of each group (:meth:`~nanowire_rc.store.ResultsStore.test_rows`).

    Raises
    ------
    DatasetChangedError
        When the store holds results for a dataset of the same name whose contents differ (a
        fingerprint of both splits is recorded with the first results). Each dataset is read
        once, at the start: a file changed while the selection runs is not read again.
    InvalidArgumentError
        When a dataset has too few training series per class to validate on, or
        ``scheduler`` is not an address; before any work.
    ConnectionError
        When the Dask scheduler cannot be reached.

    Warns
    -----
    UserWarning
        When ``jobs`` is more than the pieces of work left or the cores: it is capped.

    Examples
    --------
    >>> from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection
    >>> from nanowire_rc.store import ResultsStore
    >>> groups = plan_groups(["SyntheticControl"], ["tanh"], [10], seeds=1)
    >>> with ResultsStore("results.sqlite", protocol()) as store:
    ...     rows = run_selection(groups, store, quick=True)
    >>> [(row["model"], row["n_configs"]) for row in rows], rows[0]["test_accuracy"] > 0.9
    ([('tanh', 2)], True)
    """
    grids = QUICK_GRIDS if quick else GRIDS
    chosen = PROTOCOLS[protocol_name]
    data, prints = _load_datasets(list(dict.fromkeys(g[0] for g in groups)), data_dir, chosen)
    store.check_datasets(prints)
    plan, stats, shapes = [], {}, {}
    for group in groups:
        dataset, model, size, _ = group
        kept, pruned = configurations(model, grids[model])
        stats[group] = (kept, len(kept) + len(pruned), len(pruned))
        done = store.done_configs(group)
        todo = [c for c in kept if _config_key(c) not in done]
        if chunk_size:
            chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
        else:
            if dataset not in shapes:
                X, y = data[dataset][:2]
                folds = [len(train) / len(y) for train, _ in chosen.splits(y)]
                shapes[dataset] = (as_batch(X).values.shape, folds)
            (n_cases, _, n_timepoints), folds = shapes[dataset]
            chunks = _chunk_configs(todo, n_cases, n_timepoints, size, n_windows=N_WINDOWS,
                                   folds=folds)
        plan += [(group, chunk) for chunk in chunks if chunk]
    pending_tests = [g for g in groups if store.test_result(g, _grid_id(grids[g[1]])) is None]
    if scheduler is None:
        jobs = _workers(jobs, max(len(plan), len(pending_tests)))
    local_jobs = -1 if (jobs == 1 and scheduler is None) else 1
    plan = [(group, chunk, *data[group[0]][:2], local_jobs, protocol_name)
            for group, chunk in plan]
    if progress:
        progress("total", len(plan) + len(pending_tests))
    with _executor(jobs, scheduler, connect_timeout) as run:
        for group, rows, seconds in run(_validate_chunk, plan):
            store.add_validation(group, [{**r, "config": _config_key(r)} for r in rows], seconds)
            if progress:
                progress("done", 1)
        tests = []
        for group in pending_tests:
            kept = stats[group][0]
            rows = _stored_rows(store, group, {_config_key(c) for c in kept})
            tests.append((group, best_row(rows), *data[group[0]], local_jobs, protocol_name))
        for group, accuracy, alpha, seconds in run(_test_group, tests):
            best = next(b for g, b, *_ in tests if g == group)
            _, n_configs, n_pruned = stats[group]
            store.add_test(group, _grid_id(grids[group[1]]), {
                "config": _config_key(best), "representation": best["representation"],
                "val_accuracy": best["val_accuracy"], "memory_factor": best["memory_factor"],
                "refit_alpha": alpha, "test_accuracy": accuracy, "n_configs": n_configs,
                "n_pruned": n_pruned, "seconds": seconds})
            if progress:
                progress("done", 1)
    wanted = {(*g, _grid_id(grids[g[1]])) for g in groups}
    return [r for r in store.test_rows()
            if (r["dataset"], r["model"], r["n_neurons"], r["seed"], r["grid"]) in wanted]


def summarise(test_rows: Sequence[dict], quick: bool = False,
              protocol_name: str = "kfold") -> dict:
    """Accuracy mean ± std and selected hyper-parameters per (dataset, model, size).

    Parameters
    ----------
    test_rows : sequence of dict
        Stored test rows (what :func:`run_selection` returns).
    quick : bool, default=False
        Whether they come from the quick grids (for the grid sizes reported).
    protocol_name : {"kfold", "paper"}, default="kfold"
        The protocol that selected them (for ``alpha_at_edge``).

    Returns
    -------
    dict
        ``groups``: per (dataset, model, size), the test accuracy's mean, standard deviation
        and values over seeds and each seed's selection (configuration, ``representation``,
        ``val_accuracy``, ``refit_alpha``, ``alpha_at_edge`` (see :func:`_edge_penalty`) and,
        for nanowire models, ``memory_factor``); ``grid_sizes``: per model, the grid's
        ``total`` and ``pruned`` configurations.

    Examples
    --------
    >>> from nanowire_rc.experiments.classification import summarise
    >>> rows = [{"dataset": "SyntheticControl", "model": "tanh", "n_neurons": 10, "seed": s,
    ...          "test_accuracy": acc, "config": '{"leak_rate": 0.3}', "representation": "mean",
    ...          "val_accuracy": 0.9, "refit_alpha": 1.0, "memory_factor": None}
    ...         for s, acc in ((0, 0.9), (1, 0.8))]
    >>> group = summarise(rows, quick=True)["groups"][0]
    >>> round(group["test_accuracy_mean"], 3), group["selected"][1]["leak_rate"]
    (0.85, 0.3)
    """
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
                     "refit_alpha": r["refit_alpha"],
                     "alpha_at_edge": _edge_penalty(r["refit_alpha"], protocol_name)}
            if r["memory_factor"] is not None:
                entry["memory_factor"] = r["memory_factor"]
            selected.append(entry)
        summary["groups"].append({
            "dataset": dataset, "model": model, "n_neurons": size, "n_seeds": len(rows),
            "test_accuracy_mean": float(acc.mean()), "test_accuracy_std": float(acc.std()),
            "test_accuracies": acc.tolist(), "selected": selected,
        })
    return summary
