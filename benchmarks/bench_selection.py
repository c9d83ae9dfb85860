"""Wall time of one model selection with 1 and 2 local workers and on a local Dask cluster.

The same grid each time (Table 3, both models, SyntheticControl, 100 neurons, one seed, into a
fresh store); the script checks that all three runs stored identical results.

    python benchmarks/bench_selection.py [--dataset SyntheticControl] [--size 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection
from nanowire_rc.store import ResultsStore


def timed(groups, path, **kw):
    with ResultsStore(path, protocol(), fresh=True) as store:
        start = time.perf_counter()
        rows = run_selection(groups, store, **kw)
        seconds = time.perf_counter() - start
        val = [(r["config"], r["representation"], r["val_accuracy"])
               for r in store.validation_rows()]
    return seconds, val, [r["test_accuracy"] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="SyntheticControl")
    parser.add_argument("--size", type=int, default=100)
    args = parser.parse_args()
    groups = plan_groups([args.dataset], ["nanowire", "tanh"], [args.size], 1)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        timed(groups, tmp / "warm.sqlite")  # compile the kernels in this process first
        results = {"1 process": timed(groups, tmp / "one.sqlite", jobs=1),
                   "2 local workers (joblib/loky)": timed(groups, tmp / "two.sqlite", jobs=2)}
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            results["local Dask cluster, 2 workers"] = timed(
                groups, tmp / "dask.sqlite", scheduler=cluster.scheduler_address)
    reference = next(iter(results.values()))
    print(f"\n{args.dataset}, Table-3 grid (140 nanowire + 360 tanh configurations), "
          f"{args.size} neurons, 1 seed")
    for name, (seconds, val, test) in results.items():
        same = val == reference[1] and test == reference[2]
        print(f"{name:<34}{seconds:8.1f} s   identical results: {same}")


if __name__ == "__main__":
    main()
