"""Whole-classifier cost on ECG5000: nanowire and ESN classifiers against MiniRocket, one run.

For each model: test accuracy, fit and predict seconds (medians of ``--repeats`` runs in this
process, after one untimed warm-up), and their ratio to aeon's ``MiniRocketClassifier`` measured
in the same run (skipped, with a note, when aeon is not installed: ``pip install aeon``).
Then the cold start: the first ``fit`` on SyntheticControl in a fresh process, once with an
empty Numba cache (everything compiled) and once more in a second fresh process that finds the
cache the first one filled.

    python benchmarks/bench_classifier.py [--repeats 3] [--threads 2] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

COLD = """
import time
t0 = time.perf_counter()
import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
X, y = nw.load_ucr("SyntheticControl", "train")
t1 = time.perf_counter()
nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=100),
                      random_state=0).fit(X, y)
print(t1 - t0, time.perf_counter() - t1)
"""


def models():
    import nanowire_rc as nw
    from nanowire_rc.classifiers import classification_reservoir

    def sized(cls, kind, n):  # the preset's reservoir settings, n neurons
        return lambda: cls(classification_reservoir(kind, n_neurons=n), random_state=0)

    out = {f"NanowireClassifier({n})": sized(nw.NanowireClassifier, nw.NanowireReservoir, n)
           for n in (500, 1000)}
    out |= {f"EchoStateClassifier({n})": sized(nw.EchoStateClassifier, nw.LeakyTanhReservoir, n)
            for n in (500, 1000)}
    try:
        from aeon.classification.convolution_based import MiniRocketClassifier
    except ImportError:
        print("aeon not installed: MiniRocket skipped (pip install aeon)", file=sys.stderr)
        return out
    return {"MiniRocketClassifier": lambda: MiniRocketClassifier(random_state=0), **out}


def measure(make, data, repeats: int) -> dict:
    X, y, X_te, y_te = data
    # MiniRocket takes aeon's (n_cases, n_channels, n_timepoints); ours accept it too.
    X3, X3_te = X[:, None, :], X_te[:, None, :]
    make().fit(X3, y)  # warm-up: compilation, thread pools
    fits, predicts = [], []
    for _ in range(repeats):
        clf = make()
        t0 = time.perf_counter()
        clf.fit(X3, y)
        t1 = time.perf_counter()
        pred = clf.predict(X3_te)
        predicts.append(time.perf_counter() - t1)
        fits.append(t1 - t0)
    return {"fit_s": statistics.median(fits), "predict_s": statistics.median(predicts),
            "accuracy": float((pred == y_te).mean())}


def cold_start() -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        runs = []
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", COLD], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            runs.append({"import_s": float(out[0]), "first_fit_s": float(out[1])})
    return {"empty_cache": runs[0], "warm_cache": runs[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None,
                        help="Threads for every model (Numba, BLAS); default: all cores.")
    parser.add_argument("--json", default=None, help="Also write the figures to this file.")
    args = parser.parse_args()
    if args.threads:
        import numba
        from threadpoolctl import threadpool_limits

        numba.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    from nanowire_rc import load_ucr

    data = (*load_ucr("ECG5000", "train"), *load_ucr("ECG5000", "test"))
    results = {}
    print(f"ECG5000 (500 train / 4500 test), median of {args.repeats}, {os.cpu_count()} cores")
    print(f"{'model':<28}{'accuracy':>9}{'fit s':>8}{'predict s':>11}{'total s':>9}"
          f"{'x MiniRocket':>14}")
    for name, make in models().items():
        r = measure(make, data, args.repeats)
        r["total_s"] = r["fit_s"] + r["predict_s"]
        results[name] = r
        base = results.get("MiniRocketClassifier")
        ratio = f"{r['total_s'] / base['total_s']:>14.2f}" if base else f"{'-':>14}"
        print(f"{name:<28}{r['accuracy']:>9.4f}{r['fit_s']:>8.2f}{r['predict_s']:>11.2f}"
              f"{r['total_s']:>9.2f}{ratio}")
    cold = cold_start()
    results["cold_start"] = cold
    print("\nFirst NanowireClassifier(100).fit on SyntheticControl in a fresh process:")
    for label, key in (("empty Numba cache (compiles)", "empty_cache"),
                       ("second process, cache filled", "warm_cache")):
        c = cold[key]
        print(f"  {label:<32} first fit {c['first_fit_s']:.2f} s (import {c['import_s']:.2f} s)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
