"""Accuracy against MiniRocket on every offline classification dataset, measured in one run.

Every dataset of benchmarks/offline_datasets.py (the two bundled sets and the UCR/UEA sets in
aeon's wheel; univariate, multivariate, unequal length) x {MiniRocket, NanowireClassifier,
NanowireClassifierCV, ModelSpaceClassifier, EchoStateClassifier (each with its defaults),
1-NN Euclidean} x ``--seeds`` seeds: test accuracy, fit and predict seconds. Writes
``OUT/accuracy.csv`` (one row per run), ``OUT/accuracy.md`` (per-dataset means, the mean gap to
MiniRocket, the median cost ratio on ECG5000) and ``OUT/accuracy.png`` (per-dataset accuracy
against MiniRocket's). Needs the ``bench`` extra (aeon); nothing is downloaded.

1-NN Euclidean needs equal lengths: unequal-length series are linearly resampled to the longest
training length (for it, and for MiniRocket when aeon says it cannot take unequal lengths).

    python benchmarks/bench_accuracy.py [--seeds 3] [--dataset NAME ...] [--method NAME ...]
                                        [--out results/bench_accuracy]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
from offline_datasets import datasets, load

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.series import as_batch


def resampled(X, length: int) -> np.ndarray:
    """Series linearly resampled to ``length`` points: (n_cases, n_channels, length)."""
    batch = as_batch(X)
    out = np.empty((batch.n_cases, batch.n_channels, length))
    grid = np.linspace(0, 1, length)
    for i, n in enumerate(batch.lengths):
        source = np.linspace(0, 1, n) if n > 1 else np.zeros(1)
        for c in range(batch.n_channels):
            out[i, c] = np.interp(grid, source, batch.values[i, c, :n])
    return out


class OneNN:
    """1-NN with the Euclidean distance on (resampled) series, channels concatenated."""

    def fit(self, X, y):
        from sklearn.neighbors import KNeighborsClassifier

        self.length_ = int(as_batch(X).lengths.max())
        flat = resampled(X, self.length_).reshape(len(y), -1)
        self.knn_ = KNeighborsClassifier(n_neighbors=1).fit(flat, y)
        return self

    def predict(self, X):
        flat = resampled(X, self.length_)
        return self.knn_.predict(flat.reshape(flat.shape[0], -1))


class MiniRocket:
    """aeon's MiniRocketClassifier, given equal lengths when it cannot take unequal ones."""

    def __init__(self, seed: int):
        from aeon.classification.convolution_based import MiniRocketClassifier

        self.clf = MiniRocketClassifier(random_state=seed)
        self.unequal = self.clf.get_tag("capability:unequal_length", False)

    def _prepare(self, X):
        batch = as_batch(X)
        if (batch.lengths == batch.values.shape[2]).all():
            return batch.values
        if self.unequal:
            return [batch.values[i, :, :n] for i, n in enumerate(batch.lengths)]
        return resampled(X, self.length_)

    def fit(self, X, y):
        self.length_ = int(as_batch(X).lengths.max())
        self.clf.fit(self._prepare(X), y)
        return self

    def predict(self, X):
        return self.clf.predict(self._prepare(X))


METHODS = {
    "MiniRocket": MiniRocket,
    # The pooled single reservoir (multivariate datasets included; NanowireClassifier()'s
    # multi-scale default reads one channel and is measured by bench_ucr.py).
    "NanowireClassifier": lambda seed: nw.NanowireClassifier(
        classification_reservoir(nw.NanowireReservoir), random_state=seed),
    "NanowireClassifierCV": lambda seed: nw.NanowireClassifierCV(random_state=seed),
    "ModelSpaceClassifier": lambda seed: nw.ModelSpaceClassifier(random_state=seed),
    "EchoStateClassifier": lambda seed: nw.EchoStateClassifier(random_state=seed),
    "1-NN Euclidean": lambda seed: OneNN(),
}


def run_one(method: str, seed: int, data) -> dict:
    X, y, X_te, y_te = data
    clf = METHODS[method](seed)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            clf.fit(X, y)
        t1 = time.perf_counter()
        pred = clf.predict(X_te)
    except ValueError as err:  # a method that cannot take this dataset: recorded, not hidden
        return {"accuracy": float("nan"), "fit_s": float("nan"), "predict_s": float("nan"),
                "error": str(err)[:200]}
    t2 = time.perf_counter()
    return {"accuracy": float(np.mean(np.asarray(pred) == np.asarray(y_te))),
            "fit_s": t1 - t0, "predict_s": t2 - t1, "error": ""}


def write_markdown(rows: list[dict], methods: list[str], path: Path) -> str:
    sets = sorted({r["dataset"] for r in rows})
    mean = {(d, m): statistics.mean(r["accuracy"] for r in rows
                                    if r["dataset"] == d and r["method"] == m)
            for d in sets for m in methods}
    lines = ["| dataset | " + " | ".join(methods) + " |",
             "|---|" + "---:|" * len(methods)]
    for d in sets:
        lines.append(f"| {d} | " + " | ".join(f"{mean[d, m]:.3f}" for m in methods) + " |")
    avg = {m: statistics.mean(mean[d, m] for d in sets) for m in methods}
    lines.append("| **mean** | " + " | ".join(f"**{avg[m]:.3f}**" for m in methods) + " |")
    text = "\n".join(lines) + "\n"
    if "MiniRocket" in methods:
        text += "\nMean gap to MiniRocket (accuracy points x 100): " + ", ".join(
            f"{m} {100 * (avg[m] - avg['MiniRocket']):+.1f}" for m in methods
            if m != "MiniRocket") + "\n"
        ecg = [r for r in rows if r["dataset"] == "ECG5000"]
        if ecg:
            cost = {m: statistics.median(r["fit_s"] + r["predict_s"] for r in ecg
                                         if r["method"] == m) for m in methods}
            text += "\nECG5000 fit + predict, median seconds (ratio to MiniRocket): " + ", ".join(
                f"{m} {cost[m]:.2f} s ({cost[m] / cost['MiniRocket']:.2f}x)" for m in methods
            ) + "\n"
    if "1-NN Euclidean" in methods:
        worst = {m: min((mean[d, m] - mean[d, "1-NN Euclidean"], d) for d in sets)
                 for m in methods if m != "1-NN Euclidean"}
        text += "\nLargest shortfall below 1-NN Euclidean: " + ", ".join(
            f"{m} {100 * gap:+.1f} ({d})" for m, (gap, d) in worst.items()) + "\n"
    path.write_text(text)
    return text


def plot(rows: list[dict], methods: list[str], path: Path) -> None:
    import matplotlib.pyplot as plt

    sets = sorted({r["dataset"] for r in rows})

    def mean(d, m):
        return statistics.mean(r["accuracy"] for r in rows
                               if r["dataset"] == d and r["method"] == m)

    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, zorder=0)
    for m, marker in zip([m for m in methods if m != "MiniRocket"], "osD^v", strict=False):
        ax.scatter([mean(d, "MiniRocket") for d in sets], [mean(d, m) for d in sets],
                   marker=marker, label=m, alpha=0.8)
    lo = min(min(mean(d, m) for m in methods) for d in sets)
    ax.set(xlim=(lo - 0.03, 1.01), ylim=(lo - 0.03, 1.01), aspect="equal",
           xlabel="MiniRocket test accuracy", ylabel="test accuracy",
           title="Per dataset (above the diagonal: better than MiniRocket)")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--dataset", action="append", help="only these datasets (repeatable)")
    ap.add_argument("--method", action="append", choices=list(METHODS),
                    help="only these methods (repeatable)")
    ap.add_argument("--out", type=Path, default=Path("results/bench_accuracy"))
    args = ap.parse_args()
    methods = args.method or list(METHODS)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for dataset in datasets(args.dataset):
        X, y = load(dataset, "train")
        X_te, y_te = load(dataset, "test")
        data = (X, np.asarray(y), X_te, np.asarray(y_te))
        for method in methods:
            for seed in range(args.seeds):
                r = run_one(method, seed, data)
                rows.append({"dataset": dataset, "method": method, "seed": seed, **r})
                print(f"{dataset:<22}{method:<22}seed {seed}  acc {r['accuracy']:.4f}  "
                      f"fit {r['fit_s']:7.2f} s  predict {r['predict_s']:6.2f} s  {r['error']}",
                      flush=True)
    with (args.out / "accuracy.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print()
    print(write_markdown(rows, methods, args.out / "accuracy.md"))
    if "MiniRocket" in methods:  # the plot is each method against MiniRocket
        plot(rows, methods, args.out / "accuracy.png")
    print(f"written: {args.out}/accuracy.csv, accuracy.md"
          + (", accuracy.png" if "MiniRocket" in methods else ""))


if __name__ == "__main__":
    main()
