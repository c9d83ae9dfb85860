"""Resumable model selection: skipping stored work, locks, foreign protocols.

Kill, interrupt, concurrency and backend faults are in test_faults.py (the catalogue)."""

import sqlite3

import pytest

from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection
from nanowire_rc.store import ProtocolMismatchError, ResultsStore, StoreError

GROUPS = plan_groups(["SyntheticControl"], ["nanowire"], [20], 1)
STABLE = ("dataset", "model", "n_neurons", "seed", "config", "representation", "alpha",
          "val_accuracy", "val_mse", "memory_factor")


def comparable(store):
    val = [tuple(r[k] for k in STABLE) for r in store.validation_rows()]
    test = [(r["config"], r["representation"], r["test_accuracy"], r["refit_alpha"])
            for r in store.test_rows()]
    return val, test


def test_resume_skips_stored_work(tmp_path):
    calls = []
    with ResultsStore(tmp_path / "r.sqlite", protocol()) as store:
        run_selection(GROUPS, store, quick=True, progress=lambda k, n: calls.append((k, n)))
        assert calls[0][0] == "total" and calls[0][1] > 1
        calls.clear()
        run_selection(GROUPS, store, quick=True, progress=lambda k, n: calls.append((k, n)))
        assert calls == [("total", 0)]


def test_locked_store_is_reported_and_loses_nothing(tmp_path):
    path = tmp_path / "results.sqlite"
    with ResultsStore(path, protocol()) as store:
        run_selection(GROUPS, store, quick=True)
        before = comparable(store)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            ResultsStore(path, protocol(), timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with ResultsStore(path, protocol()) as store:
        assert comparable(store) == before


def test_other_protocol_is_never_mixed_in(tmp_path):
    path = tmp_path / "results.sqlite"
    with ResultsStore(path, protocol()) as store:
        run_selection(GROUPS, store, quick=True)
        before = comparable(store)
    other = {**protocol(), "n_windows": 4}
    with pytest.raises(ProtocolMismatchError, match="n_windows"):
        ResultsStore(path, other)
    with pytest.raises(ProtocolMismatchError, match="library_version"):
        ResultsStore(path, {**protocol(), "library_version": "0.0.1"})
    with ResultsStore(path, protocol()) as store:
        assert comparable(store) == before
    with ResultsStore(path, other, fresh=True) as store:
        assert store.validation_rows() == []
