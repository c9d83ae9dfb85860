"""The catalogue of faults in docs/errors.md: one test per row, and the rows kept in step.

Concurrency faults run real ``nanowire-rc`` processes. To interrupt one at a known point (not
whenever a polling loop happens to look), it runs through ``HOLD``: the real command, with the
store's ``add_validation`` wrapped so that after N stored pieces the process announces it
(a file) and waits for the test's go-ahead (another file). Work is then guaranteed to remain.
"""

import gzip
import importlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.cli import main
from nanowire_rc.datasets import ENV_VAR, load_ucr
from nanowire_rc.exceptions import (
    DatasetChangedError,
    DatasetFormatError,
    DatasetNotFoundError,
    DivergedError,
    NanowireRCError,
    ProtocolMismatchError,
    StabilityWarning,
    StoreError,
    StoreInUseError,
)
from nanowire_rc.experiments.classification import plan_groups, protocol, run_selection
from nanowire_rc.experiments.grids import QUICK_GRIDS, configurations
from nanowire_rc.selection import PROTOCOLS
from nanowire_rc.store import ResultsStore

ROOT = Path(__file__).resolve().parents[1]
REGISTERED: dict[str, str] = {}
TESTS: dict[str, str] = {}  # row id -> the test function that checks it


def fault(row_id: str, outcome: str):
    """Register a test as the check of catalogue row ``row_id``, whose "what you get" cell must
    name ``outcome``."""
    def register(test):
        REGISTERED[row_id] = outcome
        TESTS[row_id] = f"{test.__module__}::{test.__name__}"
        return test
    return register


def catalogue() -> dict[str, str]:
    rows = {}
    for line in (ROOT / "docs" / "errors.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", cells[0]):
            rows[cells[0]] = cells[2]
    return rows


def test_catalogue_and_tests_are_in_step():
    # The catalogue's tests live in this module and its siblings test_faults_*.py; import them
    # all so that the check holds when this file runs alone.
    for sibling in sorted(Path(__file__).parent.glob("test_faults_*.py")):
        importlib.import_module(sibling.stem)
    rows = catalogue()
    assert len(rows) >= 25
    assert set(rows) == set(REGISTERED), "a catalogue row without a test, or the reverse"
    for row_id, outcome in REGISTERED.items():
        assert outcome in rows[row_id], f"{row_id}: the docs promise {rows[row_id]!r}"


# --- model selection and its store -----------------------------------------------------------

HOLD = """
import pathlib, signal, sys, time
# A job started in the background of a non-interactive shell (as CI may run us) inherits SIGINT
# ignored, and Python then installs no KeyboardInterrupt handler: restore Ctrl-C's meaning.
signal.signal(signal.SIGINT, signal.default_int_handler)
from nanowire_rc import store
ready, go, after = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
original, stored = store.ResultsStore.add_validation, []
def add_validation(self, *args, **kwargs):
    original(self, *args, **kwargs)
    stored.append(1)
    if len(stored) == after:
        ready.write_text("stored")
        while not go.exists():
            time.sleep(0.01)
store.ResultsStore.add_validation = add_validation
from nanowire_rc.cli import main
main(sys.argv[4:], prog_name="nanowire-rc")
"""


#: Validation rows of the quick nanowire grid: stable configurations x the representations of
#: the default protocol (k-fold).
REPS = len(PROTOCOLS["kfold"].representations)
ROWS = len(configurations("nanowire", QUICK_GRIDS["nanowire"])[0]) * REPS


def select_args(out, *extra):
    return ["select", "--dataset", "SyntheticControl", "--model", "nanowire", "--size", "20",
            "--quick", "--chunk-size", "2", "--out", str(out), *extra]


def count(db, table):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


class Held:
    """A real ``nanowire-rc select`` process paused after ``after`` stored pieces."""

    def __init__(self, tmp_path, out, after):
        self.ready, self.go = tmp_path / "ready", tmp_path / "go"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(self.ready), str(self.go), str(after),
             *select_args(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 180
        while not self.ready.exists():
            if self.proc.poll() is not None or time.time() > deadline:
                raise AssertionError(f"held run ended early: {self.proc.communicate()}")
            time.sleep(0.02)

    def resume(self):
        self.go.write_text("go")
        return self.finish()

    def finish(self, timeout: float = 180):
        """The process's (stdout, stderr) once it ends; its output in the failure if it hangs."""
        try:
            return self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"held run did not end within {timeout} s; stdout:\n{out}\n"
                                 f"stderr:\n{err[-4000:]}") from None


def cli(*args):
    return subprocess.run([sys.executable, "-m", "nanowire_rc.cli", *args], capture_output=True,
                          text=True, timeout=300)


@fault("store-fresh-while-running", "StoreInUseError")
@fault("store-second-run", "StoreInUseError")
@pytest.mark.parametrize("extra", [("--fresh",), ()])
def test_a_store_in_use_is_refused_and_nothing_is_lost(tmp_path, extra):
    out = tmp_path / "out"
    held = Held(tmp_path, out, after=1)
    db = out / "results.sqlite"
    before = count(db, "validation")
    second = cli(*select_args(out, *extra))
    assert second.returncode == 1
    assert "in use by another process (pid" in second.stderr and "Traceback" not in second.stderr
    assert str(held.proc.pid) in second.stderr
    assert count(db, "validation") == before > 0  # nothing deleted, nothing added
    _, err = held.resume()
    assert held.proc.returncode == 0, err
    assert count(db, "validation") == ROWS and count(db, "test") == 1
    with pytest.raises(StoreInUseError):  # one process at a time, in-process too
        with ResultsStore(db, protocol()), ResultsStore(db, protocol()):
            pass


@fault("store-interrupted", "exit 130")
def test_ctrl_c_stops_cleanly_and_keeps_finished_work(tmp_path):
    out = tmp_path / "out"
    held = Held(tmp_path, out, after=2)
    held.proc.send_signal(signal.SIGINT)
    _, err = held.finish()
    assert held.proc.returncode == 130
    assert "Interrupted" in err and "run the same command again" in err
    db = out / "results.sqlite"
    assert count(db, "validation") == 2 * 2 * REPS and count(db, "test") == 0
    con = sqlite3.connect(db)
    first = {r[0] for r in con.execute("SELECT DISTINCT run_id FROM validation")}
    con.close()
    assert cli(*select_args(out)).returncode == 0
    con = sqlite3.connect(db)
    runs = [r[0] for r in con.execute("SELECT run_id FROM validation")]
    con.close()
    assert len(runs) == ROWS and sum(r in first for r in runs) == 2 * 2 * REPS  # kept


def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path):
    killed = tmp_path / "killed"
    held = Held(tmp_path, killed, after=3)
    os.kill(held.proc.pid, signal.SIGKILL)
    held.proc.wait()
    db = killed / "results.sqlite"
    assert count(db, "validation") == 3 * 2 * REPS and count(db, "test") == 0
    assert cli(*select_args(killed)).returncode == 0  # the lock died with the process
    assert cli(*select_args(tmp_path / "whole")).returncode == 0
    fields = ("config", "representation", "alpha", "val_accuracy", "val_mse")
    with ResultsStore(db, protocol()) as a, ResultsStore(tmp_path / "whole" / "results.sqlite",
                                                         protocol()) as b:
        assert [[r[k] for k in fields] for r in a.validation_rows()] == \
               [[r[k] for k in fields] for r in b.validation_rows()]
        assert [r["test_accuracy"] for r in a.test_rows()] == \
               [r["test_accuracy"] for r in b.test_rows()]


def write_toy(directory: Path, shuffle: int | None = None) -> None:
    """A small dataset (40 + 40 SyntheticControl series) as UCR .tsv files."""
    (directory / "Toy").mkdir(parents=True, exist_ok=True)
    for split in ("train", "test"):
        X, y = load_ucr("SyntheticControl", split)
        X, y = X[::int(len(y) / 40)][:40], y[::int(len(y) / 40)][:40]
        if shuffle is not None and split == "train":
            y = np.random.default_rng(shuffle).permutation(y)
        lines = ["\t".join([str(label), *(repr(float(v)) for v in row)])
                 for label, row in zip(y, X, strict=True)]
        (directory / "Toy" / f"Toy_{split.upper()}.tsv").write_text("\n".join(lines) + "\n")


@fault("store-dataset-changed", "DatasetChangedError")
def test_a_changed_dataset_is_refused_not_mixed_in(tmp_path):
    data = tmp_path / "data"
    write_toy(data)
    groups = plan_groups(["Toy"], ["nanowire"], [10], 1)
    path = tmp_path / "results.sqlite"
    with ResultsStore(path, protocol()) as store:
        first = run_selection(groups, store, quick=True, data_dir=str(data))
    write_toy(data, shuffle=0)
    with ResultsStore(path, protocol()) as store:
        with pytest.raises(DatasetChangedError, match=r"'Toy': its train labels changed"):
            run_selection(groups, store, quick=True, data_dir=str(data))
        assert store.test_rows() == first  # nothing mixed in
    result = CliRunner().invoke(main, ["select", "--dataset", "Toy", "--model", "nanowire",
                                       "--size", "10", "--quick", "--data-dir", str(data),
                                       "--out", str(tmp_path)])
    assert result.exit_code == 1 and "--fresh" in result.output
    assert "train labels changed" in result.output


@fault("store-other-protocol", "ProtocolMismatchError")
def test_other_protocol_is_refused(tmp_path):
    path = tmp_path / "results.sqlite"
    ResultsStore(path, protocol()).close()
    with pytest.raises(ProtocolMismatchError, match="n_windows"):
        ResultsStore(path, {**protocol(), "n_windows": 4})


@fault("store-corrupt", "StoreError")
def test_corrupt_store_is_left_alone(tmp_path):
    path = tmp_path / "results.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a readable results store"):
        ResultsStore(path, protocol())
    assert path.read_bytes() == b"this is not a database" * 100


@fault("store-bit-identical", "identical stored rows")
def test_stored_rows_are_bit_identical_across_backends(tmp_path):
    # 40 neurons: Gram blocks large enough for a multi-threaded BLAS to split them.
    groups = plan_groups(["SyntheticControl"], ["nanowire"], [40], 1)

    def rows(**kwargs):
        with ResultsStore(tmp_path / f"{len(os.listdir(tmp_path))}.sqlite", protocol()) as store:
            run_selection(groups, store, quick=True, **kwargs)
            return ([{k: v for k, v in r.items() if k not in ("seconds", "run_id")}
                     for r in store.validation_rows()],
                    [{k: v for k, v in r.items() if k not in ("seconds", "run_id")}
                     for r in store.test_rows()])

    serial = rows()
    assert rows(jobs=2, chunk_size=1) == serial
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        assert rows(scheduler=cluster.scheduler_address, chunk_size=3) == serial


@fault("out-unwritable", "Error: cannot create the output directory")
def test_unwritable_out_is_a_clean_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a directory should be")
    for args in (["pulse"], ["select", "--dataset", "SyntheticControl", "--quick"]):
        result = CliRunner().invoke(main, [*args, "--out", str(blocker / "sub")])
        assert result.exit_code == 1, result.output
        assert "Error: cannot create the output directory" in result.output


@fault("scheduler-unreachable", "Error: cannot reach the Dask scheduler")
def test_unreachable_scheduler_is_a_clean_error(tmp_path):
    pytest.importorskip("distributed")
    result = CliRunner().invoke(main, ["select", "--dataset", "SyntheticControl", "--quick",
                                       "--size", "10", "--out", str(tmp_path),
                                       "--scheduler", "tcp://127.0.0.1:9",
                                       "--scheduler-timeout", "1"])
    assert result.exit_code == 1
    assert "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    with ResultsStore(tmp_path / "results.sqlite", protocol()) as store:
        assert store.validation_rows() == []  # and the store is free again


# --- datasets --------------------------------------------------------------------------------

TSV = "1\t0.5\t0.25\t1.0\n2\t0.1\t0.2\t0.3\n"


def toy_files(tmp_path, train: bytes, name="Toy", ext="tsv", test: bytes | None = None):
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    (folder / f"{name}_TRAIN.{ext}").write_bytes(train)
    if test is not None:
        (folder / f"{name}_TEST.{ext}").write_bytes(test)
    return folder / f"{name}_TRAIN.{ext}"


@fault("data-not-found", "DatasetNotFoundError")
def test_missing_dataset(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"Nope_TRAIN\.tsv"):
        load_ucr("Nope", data_dir=tmp_path)
    result = CliRunner().invoke(main, ["classify", "--dataset", "Nope"])
    assert result.exit_code == 1 and "not found" in result.output


@fault("data-truncated-gz", "DatasetFormatError")
def test_truncated_gzip(tmp_path):
    path = toy_files(tmp_path, gzip.compress(TSV.encode() * 50)[:-30], ext="tsv.gz")
    with pytest.raises(DatasetFormatError, match=re.escape(str(path)) + ".*truncated"):
        load_ucr("Toy", data_dir=tmp_path)
    result = CliRunner().invoke(main, ["classify", "--dataset", "Toy", "--data-dir",
                                       str(tmp_path)])
    assert result.exit_code == 1 and "truncated" in result.output
    assert "Aborted" not in result.output


@fault("data-not-gzip", "DatasetFormatError")
def test_gz_that_is_not_gzip(tmp_path):
    path = toy_files(tmp_path, TSV.encode(), ext="tsv.gz")
    with pytest.raises(DatasetFormatError, match=re.escape(str(path)) + ".*not a gzip file"):
        load_ucr("Toy", data_dir=tmp_path)


@fault("data-not-utf8", "DatasetFormatError")
def test_latin1_and_binary(tmp_path):
    toy_files(tmp_path, "é\t1.0\t2.0\n".encode("latin-1"))
    with pytest.raises(DatasetFormatError, match="not UTF-8 text"):
        load_ucr("Toy", data_dir=tmp_path)
    toy_files(tmp_path, bytes(range(256)) * 4, name="Bin")
    with pytest.raises(DatasetFormatError, match=r"Bin_TRAIN\.tsv: cannot be read"):
        load_ucr("Bin", data_dir=tmp_path)


@fault("data-ragged-row", "DatasetFormatError")
def test_ragged_rows_are_corruption(tmp_path):
    toy_files(tmp_path, b"1\t0.5\t0.25\t1.0\n2\t0.1\t0.2\n")
    with pytest.raises(DatasetFormatError, match="line 2: 3 fields where earlier rows have 4"):
        load_ucr("Toy", data_dir=tmp_path)
    toy_files(tmp_path, b"1\t0.5\t0.25\t1.0\n2\t0.1\t0.2\tNaN\n")  # NaN padding is fine
    X, _ = load_ucr("Toy", data_dir=tmp_path)
    assert [len(x) for x in X] == [3, 2]


@fault("data-bad-value", "DatasetFormatError")
def test_non_numeric_value(tmp_path):
    toy_files(tmp_path, b"1\t0.5\tabc\n")
    with pytest.raises(DatasetFormatError, match=r"Toy_TRAIN\.tsv, line 1"):
        load_ucr("Toy", data_dir=tmp_path)


@fault("data-unreadable-dir", "UserWarning")
def test_unreadable_search_directory_is_skipped(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setenv(ENV_VAR, str(locked))
    real_access = os.access
    # Root reads any directory, so the test makes this one unreadable by fiat as well.
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == locked
                        else real_access(p, mode))
    with pytest.warns(UserWarning, match="skipping dataset directory .*locked"):
        X, _ = load_ucr("SyntheticControl")
    assert X.shape == (300, 60)
    with pytest.warns(UserWarning, match="skipping"):
        assert "ECG5000" in nw.list_datasets()


@fault("data-mixed-labels", "one label type")
def test_one_label_type_per_dataset(tmp_path):
    toy_files(tmp_path, b"1\t0.5\t0.2\n2\t0.1\t0.3\n", test=b"1\t0.5\t0.2\nx\t0.1\t0.3\n")
    y_train = load_ucr("Toy", "train", tmp_path)[1]
    y_test = load_ucr("Toy", "test", tmp_path)[1]
    assert y_train.dtype.kind == y_test.dtype.kind == "U"
    assert y_train.tolist() == ["1", "2"]


# --- estimators and kernels ------------------------------------------------------------------

def nanowire(**params):
    """NanowireClassifier's reservoir for classification, with ``params``."""
    return classification_reservoir(nw.NanowireReservoir, **params)


def tanh(**params):
    """EchoStateClassifier's reservoir for classification, with ``params``."""
    return classification_reservoir(nw.LeakyTanhReservoir, **params)


@pytest.fixture(scope="module")
def synthetic():
    return (*load_ucr("SyntheticControl", "train"), *load_ucr("SyntheticControl", "test"))


@fault("fit-unstable", "UnstableReservoirError")
def test_unstable_fit(synthetic):
    X, y, _, _ = synthetic
    with pytest.raises(nw.UnstableReservoirError, match=r"memory factor rho = .* >= 1"):
        nw.NanowireClassifier(nanowire(n_neurons=5, dt=1.0, input_scaling=2.0)).fit(X, y)


@fault("kernel-unstable", "UnstableReservoirError")
def test_kernel_refuses_unstable_batches():
    xs = np.random.default_rng(0).random((4, 30))
    with pytest.raises(nw.UnstableReservoirError, match="check=False"):
        nw.kernels.run_nanowire(xs, np.full(5, 1.1), 5.0)


@fault("kernel-diverged", "DivergedError")
@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_kernel_reports_divergence_when_unchecked(backend):
    with pytest.raises(DivergedError, match="diverged to inf/nan: the configuration is unstable"):
        nw.kernels.run_nanowire(np.ones((2, 300)), [2.0], 1.0, check=False, backend=backend)


@fault("coupled-warn", "StabilityWarning")
def test_coupled_warning_fits_the_voltage_map(synthetic):
    X = synthetic[0][:20]
    with pytest.warns(StabilityWarning) as caught:
        nw.CoupledNanowireReservoir(n_neurons=5, dt=4.0, stability="warn").fit(X)
    message = str(caught[0].message)
    assert "a lower v_max" in message and "sigmoid voltage map" not in message
    with pytest.warns(StabilityWarning, match="the sigmoid voltage map"):
        nw.CoupledNanowireReservoir(n_neurons=5, dt=2.0, voltage_map="identity",
                                    stability="warn").fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nw.CoupledNanowireReservoir(n_neurons=5, random_state=0).fit(X)  # the guarantee holds


@fault("input-offset", "same accuracy")
def test_small_signal_on_large_offset_keeps_its_precision(synthetic):
    X, y, X_te, y_te = synthetic

    def offset(A):
        return A * 0.01 + 1e5

    scores = {}
    for dtype in ("float32", "float64"):
        shifted = nw.NanowireClassifier(nanowire(n_neurons=100, dtype=dtype), random_state=0)
        plain = nw.NanowireClassifier(nanowire(n_neurons=100, dtype=dtype), random_state=0)
        scores[dtype] = shifted.fit(offset(X), y).score(offset(X_te), y_te)
        assert scores[dtype] == plain.fit(X, y).score(X_te, y_te)  # the offset costs nothing
        np.testing.assert_allclose(shifted.reservoir_.transform(offset(X_te)),
                                   plain.reservoir_.transform(X_te), atol=1e-6)
    assert scores["float32"] == scores["float64"]  # before the fix: 0.913 against 0.957


@fault("input-huge-finite", "scaled in float64")
def test_huge_finite_values(synthetic):
    X, y, X_te, y_te = synthetic
    for cls, reservoir in ((nw.EchoStateClassifier, tanh), (nw.NanowireClassifier, nanowire)):
        plain = cls(reservoir(n_neurons=30), random_state=0).fit(X, y).score(X_te, y_te)
        huge = cls(reservoir(n_neurons=30), random_state=0).fit(X * 1e300, y)
        assert huge.score(X_te * 1e300, y_te) == plain
        with pytest.raises(ValueError, match=r"beyond the largest float32.*dtype='float64'"):
            cls(reservoir(n_neurons=30, input_range=None)).fit(X * 1e300, y)
    extreme = np.vstack([np.full((3, 60), 1e308), np.full((3, 60), -1e308)])
    with pytest.raises(ValueError, match="wider than float64 can represent"):
        nw.EchoStateClassifier(tanh(n_neurons=5)).fit(extreme, [0, 1, 0, 1, 0, 1])


@fault("input-nan", "NaN or inf")
def test_nan_inside_a_series(synthetic):
    X, y, _, _ = synthetic
    X = X.copy()
    X[3, 7] = np.nan
    with pytest.raises(ValueError, match=r"NaN or inf \(first at case 3, channel 0, time 7\)"):
        nw.NanowireClassifier(nanowire(n_neurons=5)).fit(X, y)


@fault("voltage-overflow", "VoltageOverflowError")
def test_voltage_overflow():
    with pytest.raises(nw.exceptions.VoltageOverflowError, match="float32"):
        nw.kernels.run_nanowire(np.ones((1, 5)), [10.0], 0.1)


@fault("bad-alphas", "alphas must be a non-empty sequence")
@pytest.mark.parametrize(("alphas", "match"), [
    ((), "alphas must be a non-empty sequence"),
    ((0.0, 1.0), "alphas must be a non-empty sequence"),
    ((1.0, np.inf), "alphas must be a non-empty sequence"),
    ([[1.0]], "alphas must be a non-empty sequence"),
    # Not a sequence at all: the parameter table refuses it before its values are looked at.
    ("abc", "The 'alphas' parameter of NanowireClassifier must be an array-like"),
])
def test_bad_alphas(synthetic, alphas, match):
    X, y, _, _ = synthetic
    with pytest.raises(ValueError, match=match):
        nw.NanowireClassifier(nanowire(n_neurons=5), alphas=alphas).fit(X, y)


@fault("model-space-short", "the model space needs at least washout + 2")
def test_model_space_short_series(synthetic):
    X, y, _, _ = synthetic
    short = [*list(X[::100]), X[5][:2]]
    labels = np.append(y[::100], y[5])
    with pytest.raises(ValueError, match=r"the model space needs at least washout \+ 2 = 3 "
                                         r"steps per series .*series \[3\] is shorter"):
        nw.ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=4, washout=1)).fit(short, labels)


@fault("model-space-joined", "the model space ('model') is a representation on its own")
def test_model_space_joined(synthetic):
    X, y, _, _ = synthetic
    with pytest.raises(ValueError, match=r"the model space \('model'\) is a representation"):
        nw.NanowireClassifierCV(nanowire(n_neurons=4),
                                representations=["mean", "model+mean"]).fit(X, y)


@fault("bad-input-range", "input_range must be None or a pair")
@pytest.mark.parametrize(("input_range", "match"), [
    # Not a sequence at all: the parameter table refuses it before its values are looked at.
    (5, "The 'input_range' parameter of NanowireReservoir must be an array-like or None"),
    ((1.0,), "input_range must be None or a pair"),
    ((1.0, 0.0), "input_range must be None or a pair"),
    (("a", "b"), "input_range must be None or a pair"),
    ((0, np.nan), "input_range must be None or a pair"),
])
def test_bad_input_range(synthetic, input_range, match):
    X, y, _, _ = synthetic
    with pytest.raises(ValueError, match=match):
        nw.NanowireClassifier(nanowire(n_neurons=5, input_range=input_range)).fit(X, y)


@fault("calibrate-bad-trace", "CalibrationError")
def test_bad_calibration_traces():
    t = np.linspace(0.0, 10.0, 40)
    v = np.where(t < 5, 1.0, 0.0)
    g = 1e-3 + 1e-3 * t / 10
    for args, match in [((t, np.full_like(v, 0.7), g), "voltage never changes"),
                        ((t[::-1], v, g), "strictly increasing"),
                        ((t, v, np.where(t > 8, -1.0, g)), "negative"),
                        ((t, v, np.where(t > 8, np.nan, g)), "NaN")]:
        with pytest.raises(nw.calibration.CalibrationError, match=match):
            nw.calibrate(*args)


@fault("cli-bad-setting", "Error: cannot fit ReservoirClassifier")
def test_bad_cli_setting():
    result = CliRunner().invoke(main, ["classify", "--dataset", "SyntheticControl", "--size",
                                       "5", "--set", "dt=0"])
    assert result.exit_code == 1
    assert ("Error: cannot fit ReservoirClassifier: The 'dt' parameter of NanowireReservoir "
            "must be a float in the range (0.0, inf). Got 0 instead.") in result.output


def test_every_public_error_shares_the_base_class():
    for error in (nw.UnstableReservoirError, nw.exceptions.VoltageOverflowError, DivergedError,
                  nw.calibration.CalibrationError,
                  DatasetFormatError, DatasetNotFoundError, StoreError, StoreInUseError,
                  ProtocolMismatchError, DatasetChangedError, nw.exceptions.NetworkError):
        assert issubclass(error, NanowireRCError)
        assert getattr(nw.exceptions, error.__name__) is error
    assert issubclass(DatasetNotFoundError, FileNotFoundError)
    assert issubclass(StabilityWarning, UserWarning) and nw.StabilityWarning is StabilityWarning
