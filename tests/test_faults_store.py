"""Catalogue rows of the results store, the datasets and the command line (docs/errors.md).

Each test reproduces a fault with the real code path (a real ``nanowire-rc`` process where the
fault needs one) and checks what the catalogue promises: the error, and what is kept.
"""

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import test_faults
from click.testing import CliRunner
from joblib import cpu_count
from test_faults import Held, fault, write_toy

from nanowire_rc.cli import main
from nanowire_rc.datasets import MAX_BYTES_VAR, MAX_LINE_VAR, load_ucr, splits_fingerprint
from nanowire_rc.exceptions import DatasetFormatError, InvalidArgumentError, StoreError
from nanowire_rc.experiments import classification, grids
from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection
from nanowire_rc.store import ResultsStore

# --- model selection and its store -----------------------------------------------------------

FIELDS = ("config", "representation", "alpha", "val_accuracy", "val_mse")


def stored(db: Path) -> tuple[list, list, list]:
    """A store's validation rows, test rows and fingerprints, without times and run ids."""
    with ResultsStore(db, protocol()) as store:
        validation = [[r[k] for k in FIELDS] for r in store.validation_rows()]
        tests = [(r["config"], r["test_accuracy"], r["refit_alpha"]) for r in store.test_rows()]
    con = sqlite3.connect(db)
    try:
        prints = con.execute("SELECT name, fingerprint FROM datasets").fetchall()
    finally:
        con.close()
    return validation, tests, prints


@fault("store-dataset-changed-while-running", "computed on the data loaded and fingerprinted")
def test_a_dataset_changed_while_select_runs_is_never_mixed_in(tmp_path, monkeypatch):
    data, reference = tmp_path / "data", tmp_path / "reference"
    write_toy(data)
    write_toy(reference)
    out = tmp_path / "out"
    toy = ["select", "--dataset", "Toy", "--data-dir", str(data), "--model", "nanowire",
           "--size", "10", "--quick", "--chunk-size", "1"]
    # The held run of test_faults, on the toy dataset: one piece stored, the rest to come.
    monkeypatch.setattr(test_faults, "select_args", lambda o, *extra: [*toy, "--out", str(o)])
    held = Held(tmp_path, out, after=1)
    write_toy(data, shuffle=0)  # the labels shuffled under the running selection
    _, err = held.resume()
    assert held.proc.returncode == 0, err
    groups = plan_groups(["Toy"], ["nanowire"], [10], 1)
    with ResultsStore(tmp_path / "whole.sqlite", protocol()) as store:
        run_selection(groups, store, quick=True, data_dir=str(reference), chunk_size=1)
    ran, whole = stored(out / "results.sqlite"), stored(tmp_path / "whole.sqlite")
    assert len(ran[0]) > 1 and ran == whole  # every row from the data as it was at the start
    now = splits_fingerprint(*(load_ucr("Toy", split, data) for split in ("train", "test")))
    assert json.loads(ran[2][0][1])["train labels"] != now["train labels"]  # it did change


def foreign_database(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    con.executemany("INSERT INTO invoices (amount) VALUES (?)", [(x,) for x in range(100)])
    con.commit()
    con.close()
    return path.read_bytes()


@fault("store-foreign", "StoreError")
def test_another_applications_database_is_refused_before_any_write(tmp_path):
    path = tmp_path / "results.sqlite"
    original = foreign_database(path)
    for fresh in (False, True):
        with pytest.raises(StoreError, match=r"SQLite database of another application.*"
                                             r"invoices.*left as it is"):
            ResultsStore(path, protocol(), fresh=fresh)
    assert path.read_bytes() == original  # no journal switch, no new tables
    assert not Path(f"{path}-wal").exists()
    result = CliRunner().invoke(main, ["select", "--dataset", "SyntheticControl", "--quick",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 1 and "Error: " in result.output
    assert "another application" in result.output and path.read_bytes() == original


def test_a_lone_meta_table_of_another_application_is_refused_before_any_write(tmp_path):
    # the same columns as a store's `meta`, but no protocol: not a store, not even half made
    path = tmp_path / "results.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('owner', 'another application')")
    con.commit()
    con.close()
    original = path.read_bytes()
    for fresh in (False, True):
        with pytest.raises(StoreError, match=r"without a store's protocol.*left as it is"):
            ResultsStore(path, protocol(), fresh=fresh)
    assert path.read_bytes() == original and not Path(f"{path}-wal").exists()


def damage_last_page(path: Path) -> bytes:
    """Overwrite the store's last page (validation rows) with garbage; return the bytes."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[-page:] = bytes([0x5A]) * page
    path.write_bytes(bytes(data))
    return bytes(data)


@fault("store-damaged-page", "StoreError")
def test_a_damaged_page_is_a_store_error(tmp_path):
    path = tmp_path / "results.sqlite"
    group = ("Toy", "nanowire", 10, 0)
    rows = [{"config": f'{{"i": {i}}}', "representation": "mean", "alpha": 1.0,
             "val_accuracy": 0.5, "val_mse": 0.1} for i in range(300)]
    with ResultsStore(path, protocol()) as store:
        store.add_validation(group, rows, seconds=1.0)
    intact = path.read_bytes()
    damaged = damage_last_page(path)
    with pytest.raises(StoreError, match="not a readable results store"):
        ResultsStore(path, protocol())
    assert path.read_bytes() == damaged  # refused before any write
    path.write_bytes(intact)
    with ResultsStore(path, protocol()) as store:  # damaged while in use
        damage_last_page(path)
        with pytest.raises(StoreError, match="cannot be read any more"):
            store.validation_rows()


def one_per_class(directory: Path) -> None:
    X, y = load_ucr("SyntheticControl", "train")
    first = [int(np.flatnonzero(y == c)[0]) for c in np.unique(y)]
    (directory / "One").mkdir(parents=True)
    for split, rows in (("TRAIN", first), ("TEST", range(0, 300, 10))):
        (directory / "One" / f"One_{split}.tsv").write_text("".join(
            "\t".join([str(y[i]), *map(repr, X[i].tolist())]) + "\n" for i in rows))


@fault("select-one-per-class", "InvalidArgumentError")
def test_one_series_per_class_is_refused_before_any_work(tmp_path):
    one_per_class(tmp_path / "data")
    groups = plan_groups(["One"], ["nanowire"], [10], 1)
    for name in ("kfold", "paper"):
        with ResultsStore(tmp_path / f"{name}.sqlite", protocol(name)) as store:
            with pytest.raises(InvalidArgumentError, match=r"classes \[1, 2, 3, 4, 5, 6\] have "
                                                           "one each.*at least 2 per class"):
                run_selection(groups, store, quick=True, data_dir=str(tmp_path / "data"),
                              protocol_name=name)
            assert store.validation_rows() == []
    result = CliRunner().invoke(main, ["select", "--dataset", "One", "--data-dir",
                                       str(tmp_path / "data"), "--quick", "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1 and "Error: dataset 'One': too few" in result.output


@fault("scheduler-malformed", "Error: scheduler 'nonsense' is not a Dask scheduler address")
def test_malformed_scheduler_address_is_a_clean_error(tmp_path):
    pytest.importorskip("distributed")
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["select", "--dataset", "SyntheticControl", "--quick",
                                       "--size", "10", "--out", str(tmp_path),
                                       "--scheduler", "nonsense"])
    assert result.exit_code == 1, result.output
    assert ("Error: scheduler 'nonsense' is not a Dask scheduler address (missing port "
            "number") in result.output and "tcp://HOST:PORT" in result.output
    assert time.perf_counter() - start < 20  # at once, not after the connection timeout
    with ResultsStore(tmp_path / "results.sqlite", protocol()) as store:
        assert store.validation_rows() == []


@fault("select-jobs-capped", "capped at the work left and the cores")
def test_jobs_beyond_the_work_and_the_cores_are_capped(tmp_path, monkeypatch):
    started = []

    class Spy(classification.Parallel):
        def __init__(self, n_jobs=None, **kwargs):
            started.append(n_jobs)
            if n_jobs > cpu_count():  # a process per job, for nothing
                raise AssertionError(f"{n_jobs} worker processes started")
            super().__init__(n_jobs=n_jobs, **kwargs)

    monkeypatch.setattr(classification, "Parallel", Spy)
    groups = plan_groups(["SyntheticControl"], ["nanowire"], [10], 1)
    pieces = len(grids.configurations("nanowire",
                                               grids.QUICK_GRIDS["nanowire"])[0])
    used = min(pieces, cpu_count())
    with ResultsStore(tmp_path / "results.sqlite", protocol()) as store:
        with pytest.warns(UserWarning, match=f"jobs=1000 capped at {used} worker"):
            run_selection(groups, store, quick=True, jobs=1000, chunk_size=1)
        rows = [[r[k] for k in FIELDS] for r in store.validation_rows()]
    assert started == ([used, used] if used > 1 else [])  # validation pieces, then the test
    with ResultsStore(tmp_path / "serial.sqlite", protocol()) as store:
        run_selection(groups, store, quick=True)
        assert [[r[k] for k in FIELDS] for r in store.validation_rows()] == rows
    result = CliRunner().invoke(main, ["select", "--dataset", "SyntheticControl", "--quick",
                                       "--size", "10", "--model", "nanowire", "--jobs", "1000",
                                       "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "Warning: jobs=1000 capped at 1 worker process" in result.output


# --- datasets --------------------------------------------------------------------------------

def bomb(tmp_path: Path, name: str, text: bytes, copies: int) -> Path:
    """``name``'s train file: ``text`` repeated, gzipped (a few kB that inflate far more)."""
    (tmp_path / name).mkdir()
    path = tmp_path / name / f"{name}_TRAIN.tsv.gz"
    with gzip.open(path, "wb") as fh:
        for _ in range(copies // 1000):
            fh.write(text * 1000)
    return path


@fault("data-too-large", "DatasetFormatError")
def test_gzip_bomb_is_refused_before_memory_runs_out(tmp_path, monkeypatch):
    lines = bomb(tmp_path, "Lines", b"1\t0.0\t0.0\t0.0\n", 100_000)  # 1.4 MB of text
    wide = bomb(tmp_path, "Wide", b"0.0\t", 500_000)  # one line of 2 MB
    assert lines.stat().st_size < 100_000 and wide.stat().st_size < 100_000
    monkeypatch.setenv(MAX_BYTES_VAR, "1000000")
    with pytest.raises(DatasetFormatError, match=f"Lines_TRAIN.tsv.gz: more than 1000000 bytes "
                                                 f"of text .*{MAX_BYTES_VAR}"):
        load_ucr("Lines", data_dir=tmp_path)
    monkeypatch.setenv(MAX_LINE_VAR, "100000")
    monkeypatch.setenv(MAX_BYTES_VAR, "100000000")
    with pytest.raises(DatasetFormatError, match=f"Wide_TRAIN.tsv.gz, line 1: longer than "
                                                 f"100000 characters.*{MAX_LINE_VAR}"):
        load_ucr("Wide", data_dir=tmp_path)
    result = CliRunner().invoke(main, ["classify", "--dataset", "Wide", "--data-dir",
                                       str(tmp_path)])
    assert result.exit_code == 1 and "longer than 100000 characters" in result.output
    X, _ = load_ucr("Lines", data_dir=tmp_path)  # a genuine file under a raised bound
    assert X.shape == (100_000, 3)
    monkeypatch.setenv(MAX_BYTES_VAR, "many")
    with pytest.raises(InvalidArgumentError, match="expected a positive whole number"):
        load_ucr("Lines", data_dir=tmp_path)


@fault("data-name-is-path", "InvalidArgumentError")
def test_dataset_names_never_escape_the_data_directory(tmp_path):
    data, outside = tmp_path / "data", tmp_path / "outside"
    data.mkdir()
    outside.mkdir()
    for split in ("TRAIN", "TEST"):
        (outside / f"secret_{split}.tsv").write_text("1\t0.5\t0.25\n2\t0.1\t0.2\n")
    for name in ("../outside/secret", str(outside / "secret"), "..\\outside\\secret", ".."):
        with pytest.raises(InvalidArgumentError, match="is a path, not a name"):
            load_ucr(name, data_dir=data)
    result = CliRunner().invoke(main, ["select", "--dataset", "../outside/secret",
                                       "--data-dir", str(data), "--quick",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Error: dataset name '../outside/secret' is a path, not a name" in result.output
    assert "pass the name 'secret'" in result.output
    assert not (tmp_path / "out" / "results.sqlite").exists()


@fault("data-dir-is-file", "it is a file, not a directory")
def test_data_dir_that_is_a_file_is_named_as_such(tmp_path):
    afile = tmp_path / "datasets.tsv"
    afile.write_text("1\t0.5\n")
    with pytest.warns(UserWarning, match="datasets.tsv: it is a file, not a directory") as caught:
        X, _ = load_ucr("SyntheticControl", data_dir=afile)
    assert X.shape == (300, 60)  # the search goes on
    assert not any("permission denied" in str(w.message) for w in caught)


# --- the command line ------------------------------------------------------------------------

def trace_file(tmp_path: Path) -> Path:
    path = tmp_path / "trace.csv"
    t = np.linspace(0.0, 10.0, 40)
    path.write_text("time,voltage,conductance\n" + "".join(
        f"{a},{float(a < 5)},{1e-3 + 1e-4 * a}\n" for a in t))
    return path


#: Every command, with the function its work starts with (patched to see whether it runs).
COMMANDS = {
    "reproduce": (["reproduce", "--quick"], "nanowire_rc.experiments.pulse.pulse_responses"),
    "pulse": (["pulse"], "nanowire_rc.experiments.pulse.pulse_responses"),
    "heatmap": (["heatmap"], "nanowire_rc.experiments.heatmap.memory_factor_heatmap"),
    "select": (["select", "--dataset", "SyntheticControl", "--quick"],
               "nanowire_rc.experiments.classification.run_selection"),
    "diagnose": (["diagnose"], "nanowire_rc.diagnostics.memory_capacity"),
    "forecast": (["forecast"], "nanowire_rc.experiments.forecasting.forecast_experiment"),
    "robustness": (["robustness", "--quick"],
                   "nanowire_rc.experiments.robustness.robustness_rows"),
    "calibrate": (["calibrate", "TRACE"], "nanowire_rc.calibration.calibrate"),
    "classify": (["classify", "--dataset", "SyntheticControl"],
                 "nanowire_rc.datasets.load_ucr"),
    "memory-factor": (["memory-factor", "--dt", "0.1"],
                      "nanowire_rc.stability.memory_factor_range"),
    "info": (["info"], "nanowire_rc.datasets.list_datasets"),
}
WITH_OUT = [c for c in COMMANDS if c not in ("classify", "memory-factor", "info")]


def invoke(command: str, tmp_path: Path, monkeypatch, out: Path | None, effect) -> tuple:
    """Run ``command`` in-process with its work replaced by ``effect``; (result, work calls)."""
    args, target = COMMANDS[command]
    calls = []

    def work(*_, **__):
        calls.append(1)
        raise effect

    monkeypatch.setattr(target, work)
    args = [str(trace_file(tmp_path)) if a == "TRACE" else a for a in args]
    return CliRunner().invoke(main, [*args, *(["--out", str(out)] if out else [])]), calls


def unwritable_directory(tmp_path: Path) -> Path:
    """An existing directory in which creating a file fails, for root too (root ignores
    permission bits: a kernel file system then, which takes no new files from anyone)."""
    if os.geteuid() != 0:
        locked = tmp_path / "read-only"
        locked.mkdir()
        locked.chmod(0o555)
        return locked
    for candidate in (Path("/sys"), Path("/proc")):
        if not candidate.is_dir():
            continue
        try:
            fd, probe = tempfile.mkstemp(dir=candidate)
        except OSError:
            return candidate
        os.close(fd)
        os.unlink(probe)
    pytest.skip("no directory that refuses a new file")


@fault("out-not-writable", "Error: cannot write to the output directory")
@pytest.mark.parametrize("command", WITH_OUT)
def test_unwritable_out_is_refused_before_the_work(tmp_path, monkeypatch, command):
    result, calls = invoke(command, tmp_path, monkeypatch, unwritable_directory(tmp_path),
                           AssertionError("the work started"))
    assert result.exit_code == 1, result.output
    assert "Error: cannot write to the output directory" in result.output
    assert calls == [] and "Traceback" not in result.output


@fault("cli-interrupted", "exit 130")
@pytest.mark.parametrize("command", list(COMMANDS))
def test_ctrl_c_in_every_command_exits_130(tmp_path, monkeypatch, command):
    out = tmp_path / "out" if command in WITH_OUT else None
    result, calls = invoke(command, tmp_path, monkeypatch, out, KeyboardInterrupt())
    assert calls == [1]
    assert result.exit_code == 130, result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
    said = [line for line in result.output.splitlines() if "Interrupted" in line]
    assert len(said) == 1 and said[0].startswith("Interrupted")  # one line, a progress bar aside


#: A real ``nanowire-rc``, Ctrl-C restored (a background job may inherit SIGINT ignored).
INTERRUPTIBLE = ("import signal, sys\n"
                 "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
                 "from nanowire_rc.cli import main\n"
                 "main(sys.argv[1:], prog_name='nanowire-rc')\n")


def test_ctrl_c_in_a_real_command_process(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", INTERRUPTIBLE, "diagnose", "--model", "nanowire",
         "--size", "3000", "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("model")  # the table's head: the work begins
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.strip() == "Interrupted (Ctrl-C): the command stopped before it finished."


@fault("forecast-uncertified-size", "nanowire-coupled is left out")
def test_forecast_leaves_out_a_forecaster_without_its_guarantee(tmp_path):
    result = CliRunner().invoke(main, ["forecast", "--size", "8", "--train", "300", "--test",
                                       "40", "--generate", "40", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "nanowire-coupled is left out: no echo-state guarantee" in result.output
    table = (tmp_path / "forecast_mackey_glass.csv").read_text()
    assert "nanowire," in table and "tanh," in table and "nanowire-coupled" not in table


@fault("forecast-too-short", "Error: n_train=10 training samples are too few")
def test_forecast_with_too_short_a_training_series(monkeypatch, tmp_path):
    monkeypatch.setattr("nanowire_rc.experiments.forecasting._make_series",
                        lambda *a, **k: pytest.fail("the series was generated"))
    result = CliRunner().invoke(main, ["forecast", "--train", "10", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert ("Error: n_train=10 training samples are too few: the forecasters drop a washout "
            "of 100 samples") in result.output and "--train 103 or more" in result.output
