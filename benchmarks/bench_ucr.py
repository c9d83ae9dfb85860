"""UCR archive benchmark: accuracy and cost of classifiers on any list of univariate datasets.

Datasets come from data directories (``--data-dir``, repeatable; by default the shared UCR 2018
archive next to the repository, ``../shared/data/ucr-archive``), then the sets in aeon's wheel and
the two bundled ones (benchmarks/offline_datasets.py). ``--datasets all`` (the default) is every
dataset found there: multivariate ones are skipped, with the reason printed and stored.

Every (dataset, classifier, seed) is one job, run single-threaded (BLAS, OpenMP and numba held to
one thread, estimators' ``n_jobs=1``) so that times compare; ``--jobs N`` runs N jobs at once in
separate processes. Each job's test accuracy, fit and predict seconds (or its failure, with the
message) are appended to ``OUT/results.jsonl`` as soon as it ends, so a killed run continues
where it stopped when started again with the same arguments, and gives the same table. A stored
result is run again only when the dataset's values or the classifier's parameters differ from
what it was run with (``--retry-failed`` also reruns failures).

Then ``OUT/table.md`` (printed too): per classifier the mean accuracy, mean rank, wins / ties /
losses against each anchor (MiniRocket, MultiRocket-Hydra, QUANT, 1-NN), the median and largest
per-dataset ratio of fit + predict time to MiniRocket's, the number of datasets more than 5
points below 1-NN, then accuracy per dataset; ``OUT/per_dataset.csv`` and ``OUT/cd.png`` (aeon's
critical-difference diagram). ``--table-only`` renders these again from the stored results.

Inputs, one treatment for every classifier: a missing value inside a series (``NaN``; ``?`` in
``.ts`` files) is filled by linear interpolation between its neighbours (before the first or
after the last observed value: that value). Classifiers that need equal lengths (the aeon ones,
1-NN) get unequal-length series linearly resampled to the longest training length; this
library's classifiers take them as they are. ``docs/benchmarks.md`` explains the columns.

    python benchmarks/bench_ucr.py [--datasets all | NAME ...] [--classifiers NAME ...]
        [--seeds 1] [--jobs 1] [--out results/ucr] [--data-dir DIR ...] [--table-only]

Needs the ``bench`` extra (aeon); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

if __name__ == "__main__":
    # Before numpy and numba load, and inherited by the worker processes: one thread per job.
    # (numba refuses a NUMBA_NUM_THREADS changed after it started its threads.)
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts, when imported

from bench_accuracy import resampled
from offline_datasets import AEON, BUNDLED
from offline_datasets import load as load_offline

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.datasets import list_datasets, splits_fingerprint
from nanowire_rc.exceptions import (
    DatasetNotFoundError,
    InvalidArgumentError,
    NanowireRCError,
)
from nanowire_rc.experiments.classification import SEEDING

#: The shared UCR 2018 archive: ``<repository>/../shared/data/ucr-archive``.
ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucr-archive"
RESULTS = "results.jsonl"
SKIPPED = "skipped.json"
#: Classifiers every other one is compared with, in the table's column order.
ANCHORS = ("MiniRocket", "MultiRocket-Hydra", "QUANT", "1-NN")
TIME_BASE = "MiniRocket"
FLOOR = "1-NN"
#: How far below 1-NN (accuracy points) counts as a shortfall in the table.
SHORTFALL = 0.05
# Accuracies closer than this are a tie (means over seeds carry rounding noise).
_TIE = 1e-9
#: Where a measured time comes from; a test replaces it with a clock that ticks evenly.
clock = perf_counter


@dataclass(frozen=True)
class Entry:
    """How to build one classifier of the benchmark.

    Parameters
    ----------
    make : callable
        ``make(seed)`` returns an unfitted scikit-learn-style classifier.
    equal_length : bool
        Whether it needs series of one length (unequal ones are then resampled).
    seeded : bool
        Whether its result depends on the seed; if not, only seed 0 is run.
    """

    make: Callable[[int], Any]
    equal_length: bool = False
    seeded: bool = True


def _aeon(module: str, name: str) -> Callable[..., Any]:
    """An aeon classifier class, imported when first needed (aeon is slow to import)."""
    import importlib

    return getattr(importlib.import_module(f"aeon.classification.{module}"), name)


def _one_nn(seed: int) -> Any:
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=1, algorithm="brute", metric="euclidean")


#: The classifiers by name; a new one is one line. Each is built with its defaults.
REGISTRY: dict[str, Entry] = {
    "MiniRocket": Entry(lambda seed: _aeon("convolution_based", "MiniRocketClassifier")(
        random_state=seed), equal_length=True),
    "MultiRocket-Hydra": Entry(lambda seed: _aeon(
        "convolution_based", "MultiRocketHydraClassifier")(random_state=seed), equal_length=True),
    "QUANT": Entry(lambda seed: _aeon("interval_based", "QUANTClassifier")(random_state=seed),
                   equal_length=True),
    "1-NN": Entry(_one_nn, equal_length=True, seeded=False),
    "NanowireClassifier": Entry(lambda seed: nw.NanowireClassifier(random_state=seed)),
    "ModelSpaceClassifier": Entry(lambda seed: nw.ModelSpaceClassifier(random_state=seed)),
    "NanowireClassifierCV": Entry(lambda seed: nw.NanowireClassifierCV(random_state=seed)),
    "EchoStateClassifier": Entry(lambda seed: nw.EchoStateClassifier(random_state=seed)),
    "NanowireReservoir+ridge": Entry(lambda seed: nw.ReservoirClassifier(
        classification_reservoir(nw.NanowireReservoir), random_state=seed)),
}


# ----------------------------------------------------------------------------- data


def fill_missing(series: np.ndarray) -> np.ndarray:
    """A 1-D series with its NaN filled by linear interpolation (held flat past either end).

    Parameters
    ----------
    series : ndarray of shape (n_timepoints,)
        Values, NaN where missing; at least one is not.

    Returns
    -------
    ndarray of shape (n_timepoints,)
        The series itself when nothing is missing, else a filled copy.
    """
    missing = np.isnan(series)
    if not missing.any():
        return series
    if missing.all():
        raise InvalidArgumentError("a series has no observed value: there is nothing to "
                                   "interpolate from; drop the series or the dataset")
    t = np.arange(len(series))
    return np.interp(t, t[~missing], series[~missing])  # np.interp holds the end values flat


@dataclass
class Prepared:
    """One dataset, ready for every classifier.

    ``X_train``/``X_test`` are as loaded with missing values filled: a 2-D array when the
    series share a length, else a list of 1-D arrays. ``inputs(equal_length=True)`` gives both
    splits resampled to ``length``, the longest training series.
    """

    name: str
    X_train: np.ndarray | list
    y_train: np.ndarray
    X_test: np.ndarray | list
    y_test: np.ndarray
    fingerprint: str
    n_missing: int = 0
    notes: list[str] = field(default_factory=list)
    _equal: tuple | None = None

    @property
    def length(self) -> int:
        """Length of the longest training series."""
        return max(len(x) for x in self.X_train)

    def inputs(self, equal_length: bool) -> tuple:
        """``(X_train, X_test)`` for a classifier that does or does not need equal lengths."""
        if not equal_length:
            return self.X_train, self.X_test
        if self._equal is None:
            self._equal = tuple(_equalised(X, self.length) for X in (self.X_train, self.X_test))
        return self._equal


def _equalised(X: np.ndarray | list, length: int) -> np.ndarray:
    if isinstance(X, np.ndarray) and X.shape[1] == length:
        return X
    return resampled(list(X), length)[:, 0, :]


def _univariate(X: np.ndarray | list) -> bool:
    return (X.ndim == 2) if isinstance(X, np.ndarray) else all(x.ndim == 1 for x in X)


def load_split(name: str, split: str, data_dirs: Sequence[Path]) -> tuple:
    """``(X, y)`` of one split, from the first data directory holding it, else aeon's or the
    bundled copy."""
    for d in data_dirs:
        try:
            return nw.load_ucr(name, split, d)
        except DatasetNotFoundError:
            continue
    return load_offline(name, split)


def prepare(name: str, data_dirs: Sequence[Path]) -> Prepared:
    """Load both splits of a univariate dataset and fill its missing values.

    Parameters
    ----------
    name : str
        Dataset name.
    data_dirs : sequence of Path
        Directories searched first, in order.

    Returns
    -------
    Prepared

    Raises
    ------
    InvalidArgumentError
        If the dataset is multivariate.
    """
    train, test = load_split(name, "train", data_dirs), load_split(name, "test", data_dirs)
    for X, _ in (train, test):
        if not _univariate(X):
            raise InvalidArgumentError(f"{name} is multivariate; the benchmark is univariate")
    digest = hashlib.sha256(json.dumps(splits_fingerprint(train, test), sort_keys=True)
                            .encode()).hexdigest()[:16]
    n_missing = sum(int(np.isnan(x).sum()) for X, _ in (train, test) for x in X)
    filled = []
    for X, _ in (train, test):
        if isinstance(X, np.ndarray):
            filled.append(np.array([fill_missing(x) for x in X]) if n_missing else X)
        else:
            filled.append([fill_missing(x) for x in X])
    data = Prepared(name, filled[0], np.asarray(train[1]), filled[1], np.asarray(test[1]),
                    digest, n_missing)
    lengths = [len(x) for X in filled for x in X]
    if n_missing:
        data.notes.append(f"{n_missing} missing values interpolated")
    if min(lengths) != max(lengths):
        data.notes.append(f"lengths {min(lengths)}-{max(lengths)}, resampled to "
                          f"{data.length} for equal-length classifiers")
    return data


def dataset_names(requested: Sequence[str] | None, data_dirs: Sequence[Path]) -> list[str]:
    """The names asked for; ``None`` or ``["all"]``: every dataset in the data directories, in
    aeon's wheel and bundled."""
    names = set(AEON) | set(BUNDLED)
    for d in data_dirs:
        names.update(list_datasets(d))
    if not requested or list(requested) == ["all"]:
        return sorted(names)
    unknown = [n for n in requested if n not in names]
    if unknown:
        raise InvalidArgumentError(
            f"dataset(s) {unknown} not found in {[str(d) for d in data_dirs]}, aeon's or the "
            f"bundled ones; pass the folder holding NAME/NAME_TRAIN.tsv with --data-dir")
    return list(dict.fromkeys(requested))


# ----------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class Task:
    """One job: a classifier on a dataset with a seed."""

    dataset: str
    classifier: str
    seed: int

    @property
    def key(self) -> tuple[str, str, int]:
        return self.dataset, self.classifier, self.seed


def params_digest(estimator: Any) -> str:
    """A short digest of an estimator's class and parameters (stable across processes); for
    this library's estimators also of how they seed their draws, so that results drawn another
    way are rerun rather than mixed in."""
    params = estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    text = f"{type(estimator).__qualname__}{sorted(params.items(), key=lambda kv: kv[0])!r}"
    if type(estimator).__module__.startswith("nanowire_rc"):
        text += SEEDING
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)  # default reprs carry memory addresses
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _single_threaded(estimator: Any) -> Any:
    if hasattr(estimator, "get_params") and "n_jobs" in estimator.get_params(deep=False):
        estimator.set_params(n_jobs=1)
    return estimator


_WARMED: set[str] = set()


def _warm_up(name: str, entry: Entry) -> None:
    """Fit and predict once on a tiny synthetic set, so that just-in-time compilation (numba)
    falls outside the first timed job of each process; its failures are left to the real job."""
    if name in _WARMED:
        return
    _WARMED.add(name)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 40))
    y = np.arange(20) % 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entry.make(0).fit(X, y).predict(X)
    except Exception:  # the timed job records any failure
        pass


def _numba_threads(n: int | None) -> int | None:
    """Set numba's thread count (when numba is there and ``n`` given); return the former one."""
    if n is None:
        return None
    try:
        import numba
    except ImportError:
        return None
    former = numba.get_num_threads()
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    return former


def run_task(task: Task, entry: Entry, X_train, y_train, X_test, y_test) -> dict:
    """Fit and score one classifier on one dataset, on one thread; a failure is returned as a
    record, never raised.

    Returns
    -------
    dict
        ``status`` ("ok" or "error"), ``accuracy``, ``fit_s``, ``predict_s``, ``error``,
        ``warnings`` (up to three distinct messages).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        numba_threads = _numba_threads(1)
        _warm_up(task.classifier, entry)
        record: dict[str, Any] = {"accuracy": None, "fit_s": None, "predict_s": None,
                                  "error": "", "warnings": []}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                estimator = _single_threaded(entry.make(task.seed))
                t0 = clock()
                estimator.fit(X_train, y_train)
                t1 = clock()
                record["fit_s"] = t1 - t0
                predicted = estimator.predict(X_test)
                record["predict_s"] = clock() - t1
                record["accuracy"] = float(np.mean(np.asarray(predicted) == np.asarray(y_test)))
                record["status"] = "ok"
            except Exception as err:  # a failed fit is a result to record
                record["status"] = "error"
                record["error"] = f"{type(err).__name__}: {err}"[:500]
        messages = list(dict.fromkeys(str(w.message)[:200] for w in caught))
        record["warnings"] = messages[:3]
        _numba_threads(numba_threads)
    return record


def read_records(path: Path) -> dict[tuple[str, str, int], dict]:
    """The stored records, the latest per (dataset, classifier, seed); a line cut short by a
    killed run is skipped."""
    records: dict[tuple[str, str, int], dict] = {}
    if not path.exists():
        return records
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            records[r["dataset"], r["classifier"], int(r["seed"])] = r
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            warnings.warn(f"{path}, line {lineno}: not a complete record (a run killed while "
                          f"writing it?); skipped", UserWarning, stacklevel=2)
    return records


def _open_for_append(path: Path):
    """Open the results file for appending, cutting off a last line left unfinished."""
    if path.exists():
        text = path.read_bytes()
        if text and not text.endswith(b"\n"):
            with path.open("r+b") as fh:
                fh.truncate(text.rfind(b"\n") + 1)
    return path.open("a", encoding="utf-8")


def _job(task: Task, entry: Entry, *data) -> tuple[Task, dict]:
    return task, run_task(task, entry, *data)


def _execute(tasks: list[Task], inputs: Callable[[Task], tuple], jobs: int) -> Iterator:
    """``(task, record)`` as each job ends: in this process, or ``jobs`` worker processes."""
    if jobs == 1:
        for task in tasks:
            yield _job(task, REGISTRY[task.classifier], *inputs(task))
        return
    from joblib import Parallel, delayed

    # In the order they end, so that a finished job is stored before a long one ends.
    parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
    yield from parallel(delayed(_job)(t, REGISTRY[t.classifier], *inputs(t)) for t in tasks)


def run(names: Sequence[str], classifiers: Sequence[str], seeds: int, out: Path,
        data_dirs: Sequence[Path], jobs: int = 1, retry_failed: bool = False,
        max_records: int | None = None, progress: bool = True) -> dict[str, str]:
    """Run every job not already stored in ``out``; return the datasets skipped, with why.

    Parameters
    ----------
    names, classifiers : sequence of str
        Datasets and registry names.
    seeds : int
        Seeds 0 .. seeds-1 (seed 0 only for an unseeded classifier).
    out : Path
        Folder of ``results.jsonl``.
    data_dirs : sequence of Path
        Directories searched first for the datasets.
    jobs : int
        Jobs run at once, each in its own process when more than one.
    retry_failed : bool
        Run again the jobs stored as failed.
    max_records : int, optional
        Stop after storing this many new results (a bounded run; the next one continues).
    progress : bool
        Show a progress bar.

    Returns
    -------
    dict
        ``{dataset: reason}`` for each dataset not run.
    """
    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    path = out / RESULTS
    stored = read_records(path)
    skipped: dict[str, str] = {}
    prepared: dict[str, Prepared] = {}
    for name in tqdm(names, desc="loading", disable=not progress, leave=False):
        try:
            prepared[name] = prepare(name, data_dirs)
        except (NanowireRCError, SystemExit) as err:
            skipped[name] = str(err)
    digests = {c: params_digest(REGISTRY[c].make(0)) for c in classifiers}
    tasks = [Task(n, c, s) for n in prepared for c in classifiers
             for s in range(seeds if REGISTRY[c].seeded else 1)]

    def current(task: Task) -> bool:
        r = stored.get(task.key)
        return (r is not None and r.get("data") == prepared[task.dataset].fingerprint
                and r.get("params") == digests[task.classifier]
                and not (retry_failed and r.get("status") != "ok"))

    pending = [t for t in tasks if not current(t)]
    if max_records is not None:
        pending = pending[:max_records]

    def inputs(task: Task) -> tuple:
        data = prepared[task.dataset]
        X_train, X_test = data.inputs(REGISTRY[task.classifier].equal_length)
        return X_train, data.y_train, X_test, data.y_test

    with _open_for_append(path) as fh, tqdm(total=len(tasks), initial=len(tasks) - len(pending),
                                            desc="jobs", disable=not progress) as bar:
        for task, record in _execute(pending, inputs, jobs):
            data = prepared[task.dataset]
            record = {"dataset": task.dataset, "classifier": task.classifier, "seed": task.seed,
                      **record, "data": data.fingerprint, "params": digests[task.classifier],
                      "notes": data.notes}
            fh.write(json.dumps(record) + "\n")
            fh.flush()  # stored as it ends: a kill loses at most the jobs under way
            os.fsync(fh.fileno())
            bar.set_postfix_str(f"{task.dataset} {task.classifier}")
            bar.update()
    return skipped


# ----------------------------------------------------------------------------- table


@dataclass
class Summary:
    """The table's content: per-dataset means over seeds and what follows from them."""

    datasets: list[str]
    classifiers: list[str]
    accuracy: np.ndarray  # (n_datasets, n_classifiers), complete datasets only
    seconds: np.ndarray  # fit + predict, same shape
    rows: list[dict]
    incomplete: dict[str, list[str]]  # dataset -> classifiers without a result
    failures: dict[tuple[str, str], str]  # (dataset, classifier) -> first error message


def mean_ranks(accuracy: np.ndarray) -> np.ndarray:
    """Mean rank of each column over the rows: 1 is the most accurate, ties share the mean of
    their ranks."""
    from scipy.stats import rankdata

    return rankdata(-np.round(accuracy / _TIE) * _TIE, axis=1, method="average").mean(axis=0)


def wins_ties_losses(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """Datasets where ``a`` is more accurate than ``b``, equal, less."""
    diff = a - b
    return (int((diff > _TIE).sum()), int((abs(diff) <= _TIE).sum()),
            int((diff < -_TIE).sum()))


def summarise(records: Iterable[dict], classifiers: Sequence[str],
              datasets: Sequence[str] | None = None) -> Summary:
    """Aggregate stored records into the table's figures.

    A classifier's accuracy on a dataset is its mean over the seeds run; a dataset enters the
    comparison only when every classifier has a result there and none failed (the others are
    listed). Ranks, wins / ties / losses and time ratios are over those datasets.

    Parameters
    ----------
    records : iterable of dict
        Stored results.
    classifiers : sequence of str
        The table's classifiers, in order.
    datasets : sequence of str, optional
        Only these datasets (default: every one in the records).

    Returns
    -------
    Summary
    """
    acc: dict[tuple[str, str], list[float]] = {}
    sec: dict[tuple[str, str], list[float]] = {}
    failures: dict[tuple[str, str], str] = {}
    for r in records:
        key = (r["dataset"], r["classifier"])
        if r["classifier"] not in classifiers or (datasets is not None
                                                  and r["dataset"] not in datasets):
            continue
        if r["status"] != "ok":
            failures.setdefault(key, r.get("error", ""))
            continue
        acc.setdefault(key, []).append(r["accuracy"])
        sec.setdefault(key, []).append(r["fit_s"] + r["predict_s"])
    seen = sorted({d for d, _ in acc} | {d for d, _ in failures})
    incomplete = {d: [c for c in classifiers if (d, c) not in acc or (d, c) in failures]
                  for d in seen}
    incomplete = {d: cs for d, cs in incomplete.items() if cs}
    complete = [d for d in seen if d not in incomplete]
    shape = (len(complete), len(classifiers))
    A, S = np.zeros(shape), np.zeros(shape)
    for i, d in enumerate(complete):
        for j, c in enumerate(classifiers):
            A[i, j], S[i, j] = np.mean(acc[d, c]), np.mean(sec[d, c])
    ranks = mean_ranks(A) if complete else np.full(len(classifiers), np.nan)
    rows = []
    for j, c in enumerate(classifiers):
        row: dict[str, Any] = {"classifier": c, "mean accuracy": A[:, j].mean() if complete
                               else np.nan, "mean rank": ranks[j]}
        for anchor in ANCHORS:
            if anchor in classifiers:
                row[f"vs {anchor}"] = (None if anchor == c else
                                       wins_ties_losses(A[:, j], A[:, classifiers.index(anchor)]))
        if TIME_BASE in classifiers and complete:
            ratio = S[:, j] / S[:, classifiers.index(TIME_BASE)]
            row["time median"], row["time max"] = float(np.median(ratio)), float(ratio.max())
        if FLOOR in classifiers and c != FLOOR:
            gap = A[:, classifiers.index(FLOOR)] - A[:, j]
            row["below 1-NN"] = int((gap > SHORTFALL + _TIE).sum())
        row["failed"] = sum(1 for d, k in failures if k == c)
        rows.append(row)
    rows.sort(key=lambda r: (r["mean rank"], r["classifier"]))
    return Summary(complete, list(classifiers), A, S, rows, incomplete, failures)


def render(summary: Summary, skipped: dict[str, str] | None = None) -> str:
    """The markdown table (and the per-dataset accuracies, lists of what was left out)."""
    s = summary
    anchors = [a for a in ANCHORS if a in s.classifiers]
    timed = TIME_BASE in s.classifiers
    floor = FLOOR in s.classifiers
    head = ["classifier", "mean accuracy", "mean rank"] + [f"W/T/L vs {a}" for a in anchors]
    if timed:
        head += ["time / MiniRocket, median", "time / MiniRocket, max"]
    if floor:
        head += ["> 5 points below 1-NN"]
    head += ["failed"]
    lines = [f"{len(s.datasets)} datasets with a result from every classifier.", "",
             "| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for r in s.rows:
        cells = [r["classifier"], f"{r['mean accuracy']:.4f}", f"{r['mean rank']:.2f}"]
        for a in anchors:
            w = r[f"vs {a}"]
            cells.append("—" if w is None else "/".join(map(str, w)))
        if timed:
            cells += ([f"{r['time median']:.2f}", f"{r['time max']:.2f}"]
                      if "time median" in r else ["", ""])
        if floor:
            cells.append(str(r["below 1-NN"]) if "below 1-NN" in r else "—")
        cells.append(str(r["failed"]))
        lines.append("| " + " | ".join(cells) + " |")
    if s.failures:
        lines += ["", "Failed (dataset, classifier: first error):", ""]
        lines += [f"- {d}, {c}: {msg[:160]}" for (d, c), msg in sorted(s.failures.items())]
    if s.incomplete:
        lines += ["", "Left out of the comparison (no result, or a failure, from):", ""]
        lines += [f"- {d}: {', '.join(cs)}" for d, cs in sorted(s.incomplete.items())]
    if skipped:
        lines += ["", "Skipped datasets:", ""]
        lines += [f"- {d}: {why}" for d, why in sorted(skipped.items())]
    return "\n".join(lines) + "\n"


def render_per_dataset(summary: Summary) -> str:
    """Markdown table of accuracy per dataset (means over seeds)."""
    s = summary
    lines = ["| dataset | " + " | ".join(s.classifiers) + " |",
             "|---|" + "---:|" * len(s.classifiers)]
    for i, d in enumerate(s.datasets):
        best = s.accuracy[i].max()
        cells = [f"**{a:.4f}**" if a >= best - _TIE else f"{a:.4f}" for a in s.accuracy[i]]
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_outputs(summary: Summary, out: Path, skipped: dict[str, str]) -> str:
    """Write ``table.md``, ``per_dataset.csv`` and ``cd.png`` (where it can be drawn); return
    the summary table."""
    table = render(summary, skipped)
    (out / "table.md").write_text(table + "\n## Accuracy per dataset\n\n"
                                  + render_per_dataset(summary))
    with (out / "per_dataset.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["dataset"] + [f"{c} accuracy" for c in summary.classifiers]
                        + [f"{c} seconds" for c in summary.classifiers])
        for i, d in enumerate(summary.datasets):
            writer.writerow([d, *summary.accuracy[i], *summary.seconds[i]])
    (out / "cd.png").unlink(missing_ok=True)  # never leave a diagram of other results
    drawn = plot_cd(summary, out / "cd.png")
    return table + f"\nwritten: {out}/table.md, per_dataset.csv{', cd.png' if drawn else ''}\n"


def plot_cd(summary: Summary, path: Path) -> bool:
    """aeon's critical-difference diagram of the complete datasets; False (with a warning)
    where it cannot be drawn (its Friedman test needs three classifiers, and datasets)."""
    if len(summary.classifiers) < 3 or len(summary.datasets) < 2:
        warnings.warn("critical-difference diagram not drawn: it needs three classifiers and "
                      "two datasets with results", UserWarning, stacklevel=2)
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from aeon.visualisation import plot_critical_difference

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test statistics warn on very few datasets
        fig, _ = plot_critical_difference(summary.accuracy, list(summary.classifiers))
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return True


# ----------------------------------------------------------------------------- command line


def _ordered(names: Iterable[str]) -> list[str]:
    """Registry order first, then any other name alphabetically."""
    names = set(names)
    return [c for c in REGISTRY if c in names] + sorted(names - set(REGISTRY))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run what is missing, then write and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", metavar="NAME",
                    help='dataset names, or "all" (default): every dataset found')
    ap.add_argument("--classifiers", nargs="+", metavar="NAME",
                    help=f"registry names (default: all): {', '.join(REGISTRY)}")
    ap.add_argument("--seeds", type=int, help="seeds 0..N-1 per classifier (default 1; "
                    "with --table-only: every seed stored)")
    ap.add_argument("--jobs", type=int, default=1, help="jobs at once, one process each")
    ap.add_argument("--out", type=Path, default=Path("results/ucr"))
    ap.add_argument("--data-dir", type=Path, action="append", dest="data_dirs",
                    help=f"a directory of datasets, searched first (repeatable; default "
                         f"{ARCHIVE})")
    ap.add_argument("--table-only", action="store_true",
                    help="only render the table from the stored results")
    ap.add_argument("--retry-failed", action="store_true", help="rerun jobs stored as failed")
    ap.add_argument("--max-records", type=int, metavar="K",
                    help="stop after K new results (the next run continues)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    try:
        return _main(args)
    except NanowireRCError as err:
        raise SystemExit(f"bench_ucr: {err}") from None


def _main(args: argparse.Namespace) -> int:
    if (args.seeds is not None and args.seeds < 1) or args.jobs < 1:
        raise InvalidArgumentError("--seeds and --jobs must be at least 1")
    unknown = sorted(set(args.classifiers or []) - set(REGISTRY))
    if unknown and not args.table_only:
        raise InvalidArgumentError(f"unknown classifier(s) {unknown}; registered: "
                                   f"{list(REGISTRY)}")
    skipped_path = args.out / SKIPPED
    skipped = json.loads(skipped_path.read_text()) if skipped_path.exists() else {}
    if args.table_only:
        records = read_records(args.out / RESULTS)
        if not records:
            raise InvalidArgumentError(f"no stored results in {args.out / RESULTS}; run the "
                                       "benchmark first")
        classifiers = args.classifiers or _ordered(c for _, c, _ in records)
        datasets = None if args.datasets in (None, ["all"]) else args.datasets
        seeds = args.seeds
    else:
        data_dirs = args.data_dirs or [ARCHIVE]
        for d in data_dirs:
            if not d.is_dir():
                warnings.warn(f"data directory {d} not found; using aeon's and the bundled "
                              "datasets", UserWarning, stacklevel=2)
        data_dirs = [d for d in data_dirs if d.is_dir()]
        datasets = dataset_names(args.datasets, data_dirs)
        classifiers = args.classifiers or list(REGISTRY)
        seeds = args.seeds or 1
        new = run(datasets, classifiers, seeds, args.out, data_dirs, args.jobs,
                  args.retry_failed, args.max_records, progress=not args.no_progress)
        skipped = {d: why for d, why in {**skipped, **new}.items() if d in datasets}
        skipped_path.write_text(json.dumps(skipped, indent=1, sort_keys=True))
        if skipped:
            print("skipped: " + "; ".join(f"{d} ({why})" for d, why in sorted(skipped.items())))
        records = read_records(args.out / RESULTS)
    chosen = [r for r in records.values() if seeds is None or r["seed"] < seeds]
    summary = summarise(chosen, classifiers, datasets)
    print(write_outputs(summary, args.out, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
