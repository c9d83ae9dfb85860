"""
A long model selection on Dask, resumable
=========================================

``nanowire-rc select`` runs the paper's model-selection protocol: every configuration of a
hyper-parameter grid (stable ones only) is scored on validation folds of the training data, the
best is refitted and tested. :func:`~nanowire_rc.experiments.classification.run_selection`
cuts that work into pieces of a few seconds and commits each finished piece to a
:class:`~nanowire_rc.store.ResultsStore` (SQLite), so an interrupted run continues where it
stopped. The pieces run here, in local processes, or on a Dask cluster; every random draw is
seeded from the piece's identity, so the stored results are identical whatever the backend.

Here: the reduced ("quick") grid, one small reservoir size, SyntheticControl, on a local Dask
cluster of two workers. Needs the ``dask`` extra (``pip install "nanowire-rc[dask]"``); the
example is skipped without it.
"""

# %%
# Plan and run on a local Dask cluster
# ------------------------------------
# A *group* is one (dataset, model, size, seed). ``progress`` is called with the number of
# pieces to run, then once per finished piece. The cluster's workers are threads of this
# process (``processes=False``), so that the script also runs as it is; on a real cluster, start
# ``dask scheduler`` and ``dask worker`` processes and pass the scheduler's address, as here
# (``nanowire-rc select --scheduler tcp://HOST:8786`` on the command line). A script that starts
# worker *processes* itself needs an ``if __name__ == "__main__":`` guard.
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
from distributed import LocalCluster

from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection, summarise
from nanowire_rc.store import ResultsStore

groups = plan_groups(["SyntheticControl"], ["nanowire", "tanh"], [20], seeds=1)
print("groups:", groups)
out = Path(tempfile.mkdtemp()) / "results.sqlite"


def progress(kind, count):
    if kind == "total":
        print(f"{count} pieces to run")


with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                  dashboard_address=None) as cluster:
    start = time.perf_counter()
    with ResultsStore(out, protocol()) as store:
        rows = run_selection(groups, store, quick=True, scheduler=cluster.scheduler_address,
                             progress=progress)
    print(f"selection on Dask: {time.perf_counter() - start:.1f} s")

for group in summarise(rows, quick=True)["groups"]:
    best = group["selected"][0]
    print(f"{group['model']:8s} {group['n_neurons']} neurons: test accuracy "
          f"{group['test_accuracy_mean']:.3f}, selected "
          + ", ".join(f"{k}={best[k]:g}" for k in sorted(best)
                      if k in ("input_scaling", "input_scaling_spread", "dt", "leak_rate")))

# %%
# Resume: nothing is computed twice
# ---------------------------------
# Running the same selection on the same store finds every piece stored (zero pieces to run)
# and returns the same rows. After Ctrl-C, a crash or ``kill -9`` it would run only what is
# missing.
with ResultsStore(out, protocol()) as store:
    again = run_selection(groups, store, quick=True, progress=progress)
print("same test rows:", again == rows)

# %%
# The backend does not change the results
# ---------------------------------------
# The same selection in this process, into a fresh store: the stored validation scores agree
# bit for bit with the Dask run's.
def stored(path):
    with ResultsStore(path, protocol()) as store:
        return [{k: v for k, v in r.items() if k not in ("seconds", "run_id")}
                for r in store.validation_rows()]


local = out.with_name("local.sqlite")
with ResultsStore(local, protocol()) as store:
    run_selection(groups, store, quick=True)
print("identical validation rows:", stored(local) == stored(out))

# %%
# What the store holds
# --------------------
# One row per (configuration, representation) with its validation accuracy: the whole grid,
# not just the winner.
with ResultsStore(out, protocol()) as store:
    validation = store.validation_rows()
fig, ax = plt.subplots(figsize=(7, 3.5))
for model, marker in (("nanowire", "o"), ("tanh", "s")):
    scores = [r["val_accuracy"] for r in validation if r["model"] == model]
    ax.plot(sorted(scores), marker, ms=4, label=model)
ax.set_xlabel("configuration and representation (sorted)")
ax.set_ylabel("validation accuracy")
ax.legend(frameon=False)
fig.tight_layout()
plt.show()
