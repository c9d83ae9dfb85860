"""Benchmark the trainable nanowire RNN (nanowire_rc.torch): speed against torch.nn.RNN, and
accuracy / training time of NanowireRNNClassifier on the bundled datasets.

Speed (default): forward + backward neuron-updates per second (batch x hidden x steps / time)
of ``NanowireRNN`` and ``torch.nn.RNN`` (tanh) of the same size, on the same input, measured
side by side in one run (median of ``--repeats``), on CPU and on CUDA when one is present::

    OMP_NUM_THREADS=1 python benchmarks/bench_torch.py --threads 1

Accuracy (``--train``): fit ``NanowireRNNClassifier`` (defaults, ``constraint="project"``) on the
official train split of each dataset for several seeds, report test accuracy per seed,
mean ± std, fit time and the contraction bound of each model, and draw the training history::

    python benchmarks/bench_torch.py --train --seeds 0 1 2 3 4 --figure history.png

``--param NAME=VALUE`` (repeatable) sets a classifier hyper-parameter, e.g.
``--param difference=True --param "features='mean+last+windows+std'"``.

Selection (``--cv FOLDS``): stratified ``FOLDS``-fold cross-validation on the *training* split
only (``--cv-repeats`` shuffles; the test split is never read), for any offline dataset of
``offline_datasets.py`` (aeon's need the ``bench`` extra); prints the mean accuracy, its
standard error and every fold's, so candidates are compared on the same folds and seeds::

    python benchmarks/bench_torch.py --cv 2 --cv-repeats 5 --datasets SyntheticControl \
        --threads 1 --param input_noise=0.1
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
import warnings

import numpy as np
import torch
from offline_datasets import load
from sklearn.model_selection import StratifiedKFold

from nanowire_rc.torch import NanowireRNN, NanowireRNNClassifier


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_forward_backward(module: torch.nn.Module, x: torch.Tensor, repeats: int) -> float:
    """Median seconds of one forward + backward pass (after one warm-up)."""
    device = x.device
    times = []
    for i in range(repeats + 1):
        module.zero_grad(set_to_none=True)
        _sync(device)
        start = time.perf_counter()
        out, _ = module(x)
        out.sum().backward()
        _sync(device)
        if i:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_speed(device: torch.device, sizes, n_steps: int, repeats: int) -> list[dict]:
    rows = []
    for batch, hidden in sizes:
        gen = torch.Generator().manual_seed(0)
        x = torch.rand(n_steps, batch, 1, generator=gen).to(device)
        nano = NanowireRNN(1, hidden, generator=gen).to(device)
        rnn = torch.nn.RNN(1, hidden, nonlinearity="tanh").to(device)
        t_nano = time_forward_backward(nano, x, repeats)
        t_rnn = time_forward_backward(rnn, x, repeats)
        updates = batch * hidden * n_steps
        rows.append(dict(device=device.type, batch=batch, hidden=hidden, steps=n_steps,
                         nanowire=updates / t_nano, rnn=updates / t_rnn, ratio=t_rnn / t_nano))
    return rows


def print_speed(rows: list[dict]) -> None:
    print(f"{'device':>6} {'batch':>6} {'hidden':>6} {'steps':>5} {'NanowireRNN M/s':>16} "
          f"{'nn.RNN M/s':>11} {'ratio':>6}")
    for r in rows:
        print(f"{r['device']:>6} {r['batch']:>6} {r['hidden']:>6} {r['steps']:>5} "
              f"{r['nanowire'] / 1e6:>16.1f} {r['rnn'] / 1e6:>11.1f} {r['ratio']:>6.2f}")
    print("(forward + backward neuron-updates per second, median of repeats; ratio = "
          "NanowireRNN speed / nn.RNN speed)")


def bench_training(datasets, seeds, hidden: int, figure: str | None, **options) -> None:
    histories = {}
    for name in datasets:
        X, y = load(name, "train")
        X_test, y_test = load(name, "test")
        accs, times, cpu_times, bounds = [], [], [], []
        for seed in seeds:
            clf = NanowireRNNClassifier(hidden_size=hidden, random_state=seed, **options)
            cpu = time.process_time()
            clf.fit(X, y)
            cpu = time.process_time() - cpu  # CPU seconds of this process (all its threads)
            acc = float(np.mean(clf.predict(X_test) == y_test))
            accs.append(acc)
            times.append(clf.fit_time_)
            cpu_times.append(cpu)
            bounds.append(clf.contraction_bound_)
            print(f"{name:>16} seed {seed}: test accuracy {acc:.4f}  fit {clf.fit_time_:6.1f} s "
                  f"wall, {cpu:6.1f} s CPU  epochs {clf.n_epochs_:3d} (best "
                  f"{clf.best_epoch_:3d})  contraction bound {clf.contraction_bound_:.4f}  "
                  f"invariant {clf.states_invariant_}", flush=True)
            histories.setdefault(name, clf.history_)
        print(f"{name:>16}: {np.mean(accs):.4f} ± {np.std(accs):.4f} over {len(seeds)} seeds; "
              f"fit {np.mean(times):.1f} s wall (max {np.max(times):.1f} s), "
              f"{np.mean(cpu_times):.1f} s CPU (max {np.max(cpu_times):.1f} s); largest bound "
              f"{np.max(bounds):.4f}", flush=True)
    if figure:
        plot_histories(histories, figure)
        print(f"training history of the first seed written to {figure}")


def bench_cv(datasets, folds: int, repeats: int, hidden: int, **options) -> None:
    """Stratified cross-validation on each dataset's training split: repetition ``r`` shuffles
    with seed ``100 + r`` and fold ``f`` of it trains with ``random_state=10 r + f``."""
    for name in datasets:
        X, y = load(name, "train")
        accs, times = [], []
        for rep in range(repeats):
            with warnings.catch_warnings():  # small classes: sklearn's and our split warnings
                warnings.simplefilter("ignore", UserWarning)
                splits = list(StratifiedKFold(folds, shuffle=True,
                                              random_state=100 + rep).split(X, y))
            for fold, (train, held_out) in enumerate(splits):
                clf = NanowireRNNClassifier(hidden_size=hidden, random_state=10 * rep + fold,
                                            **options)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    clf.fit(X[train], y[train])
                accs.append(float(np.mean(clf.predict(X[held_out]) == y[held_out])))
                times.append(clf.fit_time_)
        print(f"{name:>16} {folds}-fold x {repeats}: CV accuracy {np.mean(accs):.4f} ± "
              f"{np.std(accs) / np.sqrt(len(accs)):.4f} (standard error); fit median "
              f"{np.median(times):.1f} s; folds {' '.join(f'{a:.3f}' for a in accs)}",
              flush=True)


def plot_histories(histories: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for name, h in histories.items():
        epochs = np.arange(1, len(h["loss"]) + 1)
        line, = axes[0].plot(epochs, h["loss"], label=f"{name} train")
        axes[0].plot(epochs, h["val_loss"], "--", color=line.get_color(),
                     label=f"{name} validation")
        axes[1].plot(epochs, h["val_accuracy"], color=line.get_color(), label=name)
        axes[2].plot(epochs, h["bound"], color=line.get_color(), label=name)
    axes[0].set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="loss")
    axes[1].set(xlabel="epoch", ylabel="accuracy", title="validation accuracy")
    axes[2].axhline(1.0, color="k", lw=0.8, ls=":")
    lowest = min(min(h["bound"]) for h in histories.values())
    axes[2].set_ylim(min(0.9, lowest - 0.01), 1.02)
    axes[2].set(xlabel="epoch", ylabel="max row bound", title="contraction bound")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def parse_params(pairs: list[str]) -> dict:
    """``["refit=True", "features='mean+last'"]`` -> keyword arguments (literal values; a
    value that is not a Python literal is taken as a string)."""
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            raise SystemExit(f"--param wants NAME=VALUE, got {pair!r}")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    return params


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", action="store_true", help="accuracy benchmark instead")
    parser.add_argument("--cv", type=int, default=0, metavar="FOLDS",
                        help="cross-validate on the training splits instead")
    parser.add_argument("--cv-repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=140)
    parser.add_argument("--sizes", default="32x100,128x100,256x100",
                        help="comma-separated BATCHxHIDDEN")
    parser.add_argument("--datasets", nargs="+", default=["ECG5000", "SyntheticControl"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--figure", default=None, help="write the training history here")
    parser.add_argument("--progress", action="store_true", help="tqdm bar per fit")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a classifier hyper-parameter for --train (Python literal "
                             "value, e.g. --param refit=True), repeatable; for --train "
                             "and --cv")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cuda = torch.cuda.get_device_name() if torch.cuda.is_available() else "absent"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU thread(s), CUDA: {cuda}")
    if args.cv:
        bench_cv(args.datasets, args.cv, args.cv_repeats, args.hidden,
                 **parse_params(args.param))
        return 0
    if args.train:
        bench_training(args.datasets, args.seeds, args.hidden, args.figure,
                       progress_bar=args.progress, **parse_params(args.param))
        return 0
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available()
                                       else [])
    rows = []
    for device in devices:
        rows += bench_speed(device, sizes, args.steps, args.repeats)
    print_speed(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
