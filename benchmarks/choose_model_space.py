"""How ModelSpaceClassifier's defaults were chosen: cross-validation on training splits only.

Two stages, each scored by stratified k-fold cross-validation (5 folds, or the smallest
class's size when smaller; one shuffle, seed 0) on the **training split** of every offline
classification dataset (test splits are never loaded): ``--stage grid`` scores a grid of the
neuron's input scaling, time step and reversed pass (75 components, ``alpha=10``); the best mean
became the default reservoir. ``--stage ablation`` then changes one thing at a time from the
defaults (penalty, components, target, difference channel, time-step spread). A candidate
whose reservoir is refused as unstable at ``fit`` on a dataset (its random draw breaks the
echo-state guarantee) is recorded there as unstable (NaN in the CSV) and gets no mean.
NanowireClassifier's defaults (pooled states) are scored the same way for comparison. Prints one
row per dataset and the mean per candidate; writes ``OUT/model_space_<stage>.csv``. Needs the
``bench`` extra (aeon's datasets); nothing is downloaded.

    python benchmarks/choose_model_space.py [--stage grid|ablation] [--only TEXT] [--seeds 1]
                                            [--dataset NAME ...] [--out results/choose_model_space]
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np
from offline_datasets import datasets, load
from sklearn.model_selection import StratifiedKFold, cross_val_score

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.exceptions import UnstableReservoirError
from nanowire_rc.model_space import DEFAULT_NEURON

#: NanowireClassifier's neuron (its defaults, chosen by benchmarks/choose_defaults.py).
NEURON = {"n_neurons": 300, "input_scaling": 0.5, "dt": 0.3, "dt_spread": 1.0,
          "difference": True}
#: The neuron grid, with 75 components and alpha=10: input scaling x time step x reversed
#: pass (dt=1 with the exact integrator: the Euler step leaves the stability guarantee there).
GRID = {
    f"scaling={a} dt={dt}{' bidirectional' if b else ''}": (
        {"input_scaling": a, "dt": dt, "bidirectional": b,
         **({"method": "exact"} if dt == 1.0 else {})}, {"alpha": 10.0})
    for a in (0.003, 0.01, 0.03, 0.1, 0.25, 0.5) for dt in (0.1, 0.3, 1.0) for b in (False, True)
}
#: One change at a time from ModelSpaceClassifier's defaults.
ABLATIONS = {
    "defaults": None,
    "alpha=0.1": ({}, {"alpha": 0.1}),
    "alpha=1": ({}, {"alpha": 1.0}),
    "alpha=100": ({}, {"alpha": 100.0}),
    "components=30": ({}, {"n_components": 30}),
    "components=150": ({}, {"n_components": 150}),
    "target=input": ({}, {"target": "input"}),
    "no difference": ({"difference": False}, {}),
    "no dt spread": ({"dt_spread": 0.0}, {}),
}


def make(name: str, seed: int = 0):
    """A candidate's classifier (``pooled`` is NanowireClassifier with the pooled nanowire
    reservoir of its classification settings)."""
    if name == "pooled":
        return nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir),
                                     random_state=seed)
    if name == "defaults":
        return nw.ModelSpaceClassifier(random_state=seed)
    if name in ABLATIONS:
        changes, space = ABLATIONS[name]
        reservoir = nw.NanowireReservoir(**{**DEFAULT_NEURON, **changes})
        return nw.ModelSpaceClassifier(reservoir, **space, random_state=seed)
    reservoir, space = GRID[name]
    return nw.ModelSpaceClassifier(nw.NanowireReservoir(**{**NEURON, **reservoir}),
                                   **space, random_state=seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=["grid", "ablation"], default="grid")
    ap.add_argument("--only", help="only the candidates whose name contains this text")
    ap.add_argument("--dataset", action="append", help="only these datasets (repeatable)")
    ap.add_argument("--seeds", type=int, default=1,
                    help="reservoir draws per candidate (random_state 0..N-1); the score is "
                         "their mean, so that a choice does not rest on one draw")
    ap.add_argument("--out", type=Path, default=Path("results/choose_model_space"))
    args = ap.parse_args()
    if args.seeds < 1:
        ap.error("--seeds must be at least 1")
    names = ["pooled", *(GRID if args.stage == "grid" else ABLATIONS)]
    names = [n for n in names if not args.only or args.only in n]
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for dataset in datasets(args.dataset):
        X, y = load(dataset, "train")
        smallest = int(np.unique(y, return_counts=True)[1].min())
        cv = StratifiedKFold(max(2, min(5, smallest)), shuffle=True, random_state=0)
        line = f"{dataset:<24}"
        for name in names:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    score = float(np.mean([
                        cross_val_score(make(name, seed), X, y, cv=cv, error_score="raise")
                        .mean() for seed in range(args.seeds)]))
                except UnstableReservoirError:  # refused at fit: no echo-state guarantee
                    score = float("nan")
            rows.append({"dataset": dataset, "candidate": name, "cv_accuracy": score,
                         "seconds": time.perf_counter() - t0})
            line += f"  {name} {'unstable' if np.isnan(score) else f'{score:.3f}'}"
        print(line, flush=True)
    path = args.out / f"model_space_{args.stage}.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print("\nmean CV accuracy over datasets (training splits only):")
    for name in names:
        scores = np.array([r["cv_accuracy"] for r in rows if r["candidate"] == name])
        seconds = sum(r["seconds"] for r in rows if r["candidate"] == name)
        refused = int(np.isnan(scores).sum())
        mean = (f"unstable on {refused} of {scores.size} datasets" if refused
                else f"{scores.mean():.4f}")
        print(f"  {name:<36}{mean}   ({seconds:.0f} s)")
    print(f"written: {path}")


if __name__ == "__main__":
    main()
