"""Resumable, distributable model selection: kill and resume, Dask, broken or foreign stores."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection
from nanowire_rc.store import ProtocolMismatchError, ResultsStore, StoreError

GROUPS = plan_groups(["SyntheticControl"], ["nanowire"], [20], 1)
STABLE = ("dataset", "model", "n_neurons", "seed", "config", "representation", "alpha",
          "val_accuracy", "memory_factor")


def comparable(store):
    val = [tuple(r[k] for k in STABLE) for r in store.validation_rows()]
    test = [(r["config"], r["representation"], r["test_accuracy"], r["refit_alpha"])
            for r in store.test_rows()]
    return val, test


def select_command(out):
    return [sys.executable, "-m", "nanowire_rc.cli", "select", "--dataset", "SyntheticControl",
            "--model", "nanowire", "--size", "30", "--out", str(out), "--chunk-size", "2"]


def count(path, table):
    """Rows in ``table``; 0 while the running process has not created it yet."""
    db = sqlite3.connect(path, timeout=30)
    try:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path):
    killed = tmp_path / "killed"
    proc = subprocess.Popen(select_command(killed), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    db = killed / "results.sqlite"
    deadline = time.time() + 120
    while time.time() < deadline:
        if db.exists() and count(db, "validation") >= 3 * 2 * 4:  # three chunks stored
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored_before = count(db, "validation")
    assert 0 < stored_before < 140 * 4 and count(db, "test") == 0, "killed part-way"
    with sqlite3.connect(db) as con:
        first_run = {r[0] for r in con.execute("SELECT DISTINCT run_id FROM validation")}
    subprocess.run(select_command(killed), check=True, capture_output=True)
    subprocess.run(select_command(tmp_path / "whole"), check=True, capture_output=True)
    with ResultsStore(db, protocol()) as a, ResultsStore(tmp_path / "whole" / "results.sqlite",
                                                         protocol()) as b:
        assert comparable(a) == comparable(b)
        runs = [r["run_id"] for r in a.validation_rows()]
    assert len(runs) == 140 * 4
    # Nothing finished before the kill was computed again: those rows keep the first run's id.
    assert sum(r in first_run for r in runs) == stored_before


def test_local_dask_cluster_gives_the_serial_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    with ResultsStore(tmp_path / "serial.sqlite", protocol()) as store:
        run_selection(GROUPS, store, quick=True)
        serial = comparable(store)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        with ResultsStore(tmp_path / "dask.sqlite", protocol()) as store:
            run_selection(GROUPS, store, quick=True, scheduler=cluster.scheduler_address,
                          chunk_size=1)
            assert comparable(store) == serial
    with ResultsStore(tmp_path / "loky.sqlite", protocol()) as store:
        run_selection(GROUPS, store, quick=True, jobs=2, chunk_size=1)
        assert comparable(store) == serial


def test_resume_skips_stored_work(tmp_path):
    calls = []
    with ResultsStore(tmp_path / "r.sqlite", protocol()) as store:
        run_selection(GROUPS, store, quick=True, progress=lambda k, n: calls.append((k, n)))
        assert calls[0][0] == "total" and calls[0][1] > 1
        calls.clear()
        run_selection(GROUPS, store, quick=True, progress=lambda k, n: calls.append((k, n)))
        assert calls == [("total", 0)]


def test_corrupt_store_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "results.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a readable results store"):
        ResultsStore(path, protocol())
    assert path.read_bytes() == before


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


def test_ctrl_c_stops_cleanly_and_keeps_finished_work(tmp_path):
    command = [sys.executable, "-m", "nanowire_rc.cli", "select", "--dataset",
               "SyntheticControl", "--model", "tanh", "--size", "30", "--out", str(tmp_path),
               "--chunk-size", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    db = tmp_path / "results.sqlite"
    deadline = time.time() + 120
    while time.time() < deadline and not (db.exists() and count(db, "validation") >= 8):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Interrupted" in err and "run the same command again" in err
    stored = count(db, "validation")
    assert 0 < stored < 360 * 4 and count(db, "test") == 0
