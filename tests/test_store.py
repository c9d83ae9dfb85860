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


def test_store_of_another_schema_is_refused_before_any_write(tmp_path):
    # A store as an older library wrote it: its protocol in `meta`, a validation table without
    # the columns this one needs, and no `datasets` table.
    path = tmp_path / "results.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('protocol', '{}')")
    con.execute("CREATE TABLE validation (dataset TEXT, val_accuracy REAL)")
    con.commit()
    con.close()
    original = path.read_bytes()
    with pytest.raises(ProtocolMismatchError, match=r"another library version .*validation"):
        ResultsStore(path, protocol())
    assert path.read_bytes() == original  # no tables added, no journal switch
    with ResultsStore(path, protocol(), fresh=True) as store:  # ours to start over
        assert store.validation_rows() == []


def test_empty_database_of_another_application_is_refused(tmp_path):
    path = tmp_path / "results.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 1234")
    con.close()
    original = path.read_bytes()
    with pytest.raises(StoreError, match="marked with another application's id"):
        ResultsStore(path, protocol())
    assert path.read_bytes() == original
