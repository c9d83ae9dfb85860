"""benchmarks/bench_ucr.py: a killed run resumes to the same table, NaN-padded and gappy datasets
are read and equalised as documented, and the table's figures match a hand-computed example."""

import gzip
import importlib.util
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    # benchmarks/ is not a package: load the script as a module of its own
    spec = importlib.util.spec_from_file_location("bench_ucr",
                                                  ROOT / "benchmarks" / "bench_ucr.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while defined
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def write_tsv_gz(path: Path, rows: list[tuple[int, list[float]]]) -> None:
    """A UCR 2018 .tsv.gz: rows padded with NaN to the longest, as the archive pads them."""
    width = max(len(values) for _, values in rows)
    lines = ["\t".join([str(label)] + [repr(float(v)) for v in values]
                       + ["NaN"] * (width - len(values))) for label, values in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")


def write_dataset(root: Path, name: str, train: list, test: list) -> None:
    write_tsv_gz(root / name / f"{name}_TRAIN.tsv.gz", train)
    write_tsv_gz(root / name / f"{name}_TEST.tsv.gz", test)


def toy_rows(rng, n: int, unequal: bool) -> list[tuple[int, list[float]]]:
    """Two classes (sine, square wave) with noise; some lengths shortened, a few values missing."""
    rows = []
    for i in range(n):
        label = i % 2
        length = int(rng.integers(14, 25)) if unequal else 24
        t = np.arange(length) / 4.0
        values = np.sin(t) if label == 0 else np.sign(np.sin(t))
        values = values + 0.3 * rng.standard_normal(length)
        if unequal and i % 3 == 0:
            values[length // 2] = np.nan
        rows.append((label + 1, list(values)))
    return rows


@pytest.mark.filterwarnings("ignore:critical-difference diagram not drawn")
def test_a_killed_run_resumes_and_gives_the_uninterrupted_table(bench, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    data = tmp_path / "data"
    write_dataset(data, "ToyEqual", toy_rows(rng, 12, False), toy_rows(rng, 12, False))
    write_dataset(data, "ToyPadded", toy_rows(rng, 12, True), toy_rows(rng, 12, True))
    monkeypatch.setitem(bench.REGISTRY, "tiny-nanowire", bench.Entry(
        lambda seed: nw.NanowireClassifier(
            classification_reservoir(nw.NanowireReservoir, n_neurons=8), random_state=seed)))
    ticks = itertools.count()  # every job then takes 1 s to fit and 1 s to predict
    monkeypatch.setattr(bench, "clock", lambda: float(next(ticks)))
    run_task, calls = bench.run_task, []

    def counted(task, *args):
        calls.append(task.key)
        return run_task(task, *args)

    monkeypatch.setattr(bench, "run_task", counted)

    def main(out: Path) -> None:
        bench.main(["--datasets", "ToyEqual", "ToyPadded", "--classifiers", "1-NN",
                    "tiny-nanowire", "--seeds", "2", "--data-dir", str(data), "--no-progress",
                    "--out", str(out)])

    main(tmp_path / "whole")
    assert len(calls) == 6  # 2 datasets x (1-NN once, unseeded + 2 seeds)

    calls.clear()

    def killed(task, *args):
        if len(calls) == 3:
            raise KeyboardInterrupt  # as Ctrl-C or a kill arriving during the fourth job
        return counted(task, *args)

    monkeypatch.setattr(bench, "run_task", killed)
    with pytest.raises(KeyboardInterrupt):
        main(tmp_path / "resumed")
    results = tmp_path / "resumed" / bench.RESULTS
    assert len(results.read_text().splitlines()) == 3
    with results.open("a") as fh:  # and a kill while a record was being written
        fh.write('{"dataset": "ToyPadded", "classifier": "1-N')
    monkeypatch.setattr(bench, "run_task", counted)
    calls.clear()
    with pytest.warns(UserWarning, match="not a complete record"):
        main(tmp_path / "resumed")
    assert len(calls) == 3  # only the jobs not stored ran
    table = (tmp_path / "whole" / "table.md").read_text()
    assert "2 datasets with a result from every classifier" in table
    assert (tmp_path / "resumed" / "table.md").read_text() == table
    assert ((tmp_path / "resumed" / "per_dataset.csv").read_text()
            == (tmp_path / "whole" / "per_dataset.csv").read_text())

    calls.clear()  # a further run finds everything stored and runs nothing
    main(tmp_path / "resumed")
    assert calls == []
    assert len(results.read_text().splitlines()) == 6


def test_a_failed_fit_is_recorded_with_its_message(bench):
    class Broken:
        def fit(self, X, y):
            raise RuntimeError("no convergence")

    entry = bench.Entry(lambda seed: Broken())
    record = bench.run_task(bench.Task("Toy", "broken", 0), entry,
                            np.zeros((4, 5)), np.array([0, 1, 0, 1]), np.zeros((2, 5)),
                            np.array([0, 1]))
    assert record["status"] == "error"
    assert record["error"] == "RuntimeError: no convergence"
    assert record["accuracy"] is None


def test_padding_is_dropped_missing_values_interpolated_and_lengths_equalised(bench, tmp_path):
    nan = float("nan")
    train = [(1, [nan, 1.0, nan, 3.0, 4.0, 5.0]),  # leading and inner missing values
             (2, [0.0, 2.0, 4.0]),  # NaN-padded to 6 in the file
             (1, [6.0, 5.0, 4.0, 3.0, 2.0, 1.0])]
    test = [(2, [1.0, 2.0, 3.0, 4.0]), (1, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])]
    write_dataset(tmp_path, "Gappy", train, test)
    data = bench.prepare("Gappy", [tmp_path])
    assert [len(x) for x in data.X_train] == [6, 3, 6]
    np.testing.assert_array_equal(data.X_train[0], [1, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(data.X_train[1], [0, 2, 4])
    assert data.n_missing == 2  # the padding is not counted as missing
    assert data.length == 6
    X_train, X_test = data.inputs(equal_length=True)
    # [0, 2, 4] stretched over 6 points is 4 t at t = 0, 0.2, ..., 1
    np.testing.assert_allclose(X_train[1], [0, 0.8, 1.6, 2.4, 3.2, 4.0])
    np.testing.assert_array_equal(X_train[2], train[2][1])
    assert X_test.shape == (2, 6)
    np.testing.assert_allclose(X_test[0], 1 + 3 * np.linspace(0, 1, 6))
    np.testing.assert_allclose(X_test[1], 7 * np.linspace(0, 1, 6))  # longer: compressed
    _, native_test = data.inputs(equal_length=False)
    assert [len(x) for x in native_test] == [4, 8]


def test_an_equal_length_dataset_with_gaps_stays_an_array(bench, tmp_path):
    nan = float("nan")
    rows = [(1, [1.0, nan, nan, 4.0]), (2, [2.0, 2.0, 2.0, 2.0])]
    write_dataset(tmp_path, "Dodgy", rows, rows)
    data = bench.prepare("Dodgy", [tmp_path])
    assert isinstance(data.X_train, np.ndarray)
    np.testing.assert_array_equal(data.X_train[0], [1, 2, 3, 4])
    assert data.inputs(equal_length=True)[0] is data.X_train


def test_a_multivariate_dataset_is_refused(bench, tmp_path):
    text = "@problemName m\n@classLabel true a b\n@data\n1,2,3:4,5,6:a\n1,2,3:6,5,4:b\n"
    for split in ("TRAIN", "TEST"):
        (tmp_path / f"Multi_{split}.ts").write_text(text)
    with pytest.raises(nw.NanowireRCError, match="multivariate"):
        bench.prepare("Multi", [tmp_path])


def record(dataset, classifier, accuracy, seconds, seed=0, status="ok"):
    return {"dataset": dataset, "classifier": classifier, "seed": seed, "status": status,
            "accuracy": accuracy, "fit_s": seconds / 4, "predict_s": 3 * seconds / 4,
            "error": "boom" if status != "ok" else ""}


def test_ranks_wins_and_time_ratios_match_a_hand_computed_example(bench):
    records = [
        record("D1", "MiniRocket", 0.90, 2.0), record("D1", "1-NN", 0.80, 0.2),
        record("D1", "X", 0.90, 6.0),
        record("D2", "MiniRocket", 0.70, 4.0), record("D2", "1-NN", 0.75, 0.4),
        record("D2", "X", 0.60, 4.0),
        record("D3", "MiniRocket", 0.50, 1.0), record("D3", "1-NN", 0.40, 0.3),
        record("D3", "X", 0.70, 1.5, seed=0), record("D3", "X", 0.90, 2.5, seed=1),
        record("D4", "MiniRocket", 0.5, 1.0), record("D4", "1-NN", 0.5, 1.0),
        record("D4", "X", None, 0.0, status="error"),
    ]
    s = bench.summarise(records, ["MiniRocket", "1-NN", "X"])
    assert s.datasets == ["D1", "D2", "D3"]  # D4 is left out: X failed there
    assert s.incomplete == {"D4": ["X"]}
    rows = {r["classifier"]: r for r in s.rows}
    # ranks per dataset: D1 MR 1.5, X 1.5, 1-NN 3; D2 1-NN 1, MR 2, X 3; D3 X 1, MR 2, 1-NN 3
    assert rows["MiniRocket"]["mean rank"] == pytest.approx(5.5 / 3)
    assert rows["X"]["mean rank"] == pytest.approx(5.5 / 3)
    assert rows["1-NN"]["mean rank"] == pytest.approx(7 / 3)
    assert rows["X"]["mean accuracy"] == pytest.approx((0.9 + 0.6 + 0.8) / 3)
    assert rows["X"]["vs MiniRocket"] == (1, 1, 1)
    assert rows["X"]["vs 1-NN"] == (2, 0, 1)
    assert rows["MiniRocket"]["vs 1-NN"] == (2, 0, 1)
    assert rows["1-NN"]["vs MiniRocket"] == (1, 0, 2)
    assert rows["MiniRocket"]["vs MiniRocket"] is None
    # time ratios to MiniRocket per dataset: X 3, 1, 2 (mean of 1.5 s and 2.5 s); 1-NN .1 .1 .3
    assert (rows["X"]["time median"], rows["X"]["time max"]) == pytest.approx((2.0, 3.0))
    assert (rows["1-NN"]["time median"], rows["1-NN"]["time max"]) == pytest.approx((0.1, 0.3))
    # more than 5 points below 1-NN: X on D2 (15 points); MiniRocket's 5 points on D2 is not
    assert rows["X"]["below 1-NN"] == 1
    assert rows["MiniRocket"]["below 1-NN"] == 0
    assert rows["X"]["failed"] == 1
    assert [r["classifier"] for r in s.rows] == ["MiniRocket", "X", "1-NN"]
    table = bench.render(s, {"Multi": "multivariate"})
    assert "| X | 0.7667 | 1.83 | 1/1/1 | 2/0/1 | 2.00 | 3.00 | 1 | 1 |" in table
    assert "- D4: X" in table and "- Multi: multivariate" in table
