"""Bundled data against SOURCES.md, the readers on fixture files the tests write, and errors."""

import gzip
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nanowire_rc.datasets import (
    ENV_VAR,
    DatasetFormatError,
    DatasetNotFoundError,
    list_datasets,
    load_ucr,
    read_ts,
    read_tsv,
)

ROOT = Path(__file__).resolve().parents[1]

# Shapes, class counts and checksums as stated in src/nanowire_rc/data/ucr/SOURCES.md.
EXPECTED = {
    ("ECG5000", "train"): ((500, 140), {1: 292, 2: 177, 3: 10, 4: 19, 5: 2},
                           "df86ac15d7e283e731db6be7865f5004b65bc639014cb8b9753c26e24a9092a1"),
    ("ECG5000", "test"): ((4500, 140), {1: 2627, 2: 1590, 3: 86, 4: 175, 5: 22},
                          "0192997dd1793880633bfb34ae3ad5129c09a8e0f210c469225451b92cdd8548"),
    ("SyntheticControl", "train"): ((300, 60), dict.fromkeys(range(1, 7), 50),
                                    "58af636cbd5592bdda45ba638629e40f17c08354aa545a61fd41b92582bdd176"),
    ("SyntheticControl", "test"): ((300, 60), dict.fromkeys(range(1, 7), 50),
                                   "cd44464b200820913f928a952af78d512ee3924f6243053d28a6d45c0aacdb76"),
}


@pytest.mark.parametrize(("name", "split"), list(EXPECTED))
def test_bundled_datasets_match_sources(name, split):
    shape, counts, sha = EXPECTED[(name, split)]
    X, y = load_ucr(name, split)
    assert X.shape == shape and X.dtype == np.float64
    assert dict(zip(*np.unique(y, return_counts=True), strict=True)) == counts
    assert np.all(np.isfinite(X))
    # UCR z-normalisation: per-row mean 0 and sample std 1.
    assert np.abs(X.mean(axis=1)).max() < 1e-7
    np.testing.assert_allclose(X.std(axis=1, ddof=1), 1, atol=1e-6)
    raw = ROOT / "src/nanowire_rc/data/ucr" / name / f"{name}_{split.upper()}.tsv.gz"
    assert hashlib.sha256(gzip.decompress(raw.read_bytes())).hexdigest() == sha


def test_both_concatenates_train_then_test():
    X, _ = load_ucr("SyntheticControl", "both")
    X_tr, _ = load_ucr("SyntheticControl", "train")
    assert X.shape == (600, 60)
    np.testing.assert_array_equal(X[:300], X_tr)


def test_returned_arrays_are_independent_copies():
    X, _ = load_ucr("SyntheticControl")
    X[:] = 0
    assert load_ucr("SyntheticControl")[0].any()


def write(path: Path, text: str, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


TS_UNIVARIATE = """# a comment
@problemName Toy
@timeStamps false
@missing true
@univariate true
@equalLength true
@seriesLength 4
@classLabel true walk run
@data
1.0,2.0,3.0,4.0:walk
0.5,?,1.5,NaN:run
"""

TS_MULTIVARIATE_UNEQUAL = """@problemName Toy2
@univariate false
@dimensions 2
@equalLength false
@classLabel true 1 2
@data
1,2,3:4,5,6:1
7,8:9,10:2
"""


def test_ts_univariate_with_missing_values_and_string_labels(tmp_path):
    X, y = read_ts(write(tmp_path / "a.ts", TS_UNIVARIATE))
    assert X.shape == (2, 4)
    np.testing.assert_array_equal(X[0], [1, 2, 3, 4])
    assert np.isnan(X[1, 1]) and np.isnan(X[1, 3]) and X[1, 2] == 1.5
    assert y.tolist() == ["walk", "run"]


def test_ts_multivariate_unequal_length(tmp_path):
    X, y = read_ts(write(tmp_path / "b.ts.gz", TS_MULTIVARIATE_UNEQUAL, gz=True))
    assert isinstance(X, list) and [x.shape for x in X] == [(2, 3), (2, 2)]
    np.testing.assert_array_equal(X[1], [[7, 8], [9, 10]])
    assert y.tolist() == [1, 2] and y.dtype.kind == "i"


def test_ts_multivariate_equal_length_is_3d(tmp_path):
    text = TS_MULTIVARIATE_UNEQUAL.replace("7,8:9,10:2", "7,8,0:9,10,0:2")
    X, _ = read_ts(write(tmp_path / "c.ts", text))
    assert X.shape == (2, 2, 3)


def test_tsv_round_trip_unequal_length_and_labels(tmp_path):
    rng = np.random.default_rng(0)
    series = [rng.normal(size=n) for n in (5, 5, 3)]
    labels = ["-1", "1", "1"]
    lines = []
    for lab, s in zip(labels, series, strict=True):
        padded = list(s) + [np.nan] * (5 - len(s))
        lines.append("\t".join([lab, *(repr(float(v)) for v in padded)]))
    X, y = read_tsv(write(tmp_path / "d.tsv", "\n".join(lines) + "\n"))
    assert isinstance(X, list) and [len(x) for x in X] == [5, 5, 3]
    for got, want in zip(X, series, strict=True):
        np.testing.assert_array_equal(got, want)
    assert y.tolist() == [-1, 1, 1]


def test_tsv_keeps_string_labels_and_inner_missing_values(tmp_path):
    X, y = read_tsv(write(tmp_path / "e.tsv.gz", "cat\t1\tNaN\t3\ndog\t4\t5\t6\n", gz=True))
    assert X.shape == (2, 3) and np.isnan(X[0, 1])
    assert y.tolist() == ["cat", "dog"]


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("bad.tsv", "1\t0.5\t0.7\n2\t0.1\tabc\n", r"bad\.tsv, line 2"),
        ("bad.ts", "@classLabel true 1 2\n@data\n1,2,x:1\n", r"bad\.ts, line 3"),
        ("bad2.ts", "@classLabel true 1 2\n@data\n1,2:3\n", "not among the declared"),
        ("bad3.ts", "@data\n1,2:3,4\n1,2\n", "dimensions"),
        ("bad4.ts", "1,2,3\n", "header"),
        ("empty.tsv", "", "no series"),
    ],
)
def test_corrupt_files_name_file_and_line(tmp_path, name, text, match):
    reader = read_ts if ".ts" in name and not name.endswith(".tsv") else read_tsv
    with pytest.raises(DatasetFormatError, match=match):
        reader(write(tmp_path / name, text))


def test_lookup_order_and_listing(tmp_path, monkeypatch):
    write(tmp_path / "env" / "Toy" / "Toy_TRAIN.ts", TS_UNIVARIATE)
    write(tmp_path / "env" / "Toy" / "Toy_TEST.ts", TS_UNIVARIATE)
    write(tmp_path / "arg" / "Toy_TRAIN.tsv", "7\t1\t2\n")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert load_ucr("Toy")[1].tolist() == ["walk", "run"]  # from the environment variable
    assert load_ucr("Toy", data_dir=tmp_path / "arg")[1].tolist() == [7]  # argument wins
    assert "Toy" in list_datasets()
    assert set(list_datasets()) >= {"ECG5000", "SyntheticControl"}
    # A file on disk shadows the bundled copy.
    write(tmp_path / "arg" / "ECG5000_TRAIN.tsv", "3\t1\t2\n")
    assert load_ucr("ECG5000", data_dir=tmp_path / "arg")[0].shape == (1, 2)


def test_unknown_name_says_where_it_looked_and_what_to_do(tmp_path):
    with pytest.raises(DatasetNotFoundError) as err:
        load_ucr("NoSuchSet", data_dir=tmp_path)
    msg = str(err.value)
    assert str(tmp_path) in msg and "NoSuchSet_TRAIN.tsv" in msg and ENV_VAR in msg
    assert "bundled" in msg and "ucr.edu" in msg
    assert isinstance(err.value, ValueError)


def test_bad_split():
    with pytest.raises(ValueError, match="split"):
        load_ucr("ECG5000", "validation")


def test_installed_wheel_carries_and_loads_the_data(tmp_path):
    """Build the wheel, install it alone into a directory and load the data from there."""
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("nanowire_rc-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "nanowire_rc/data/ucr/ECG5000/ECG5000_TEST.tsv.gz" in names
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(tmp_path / "site"), str(wheel)], check=True, capture_output=True)
    code = ("import nanowire_rc, nanowire_rc.datasets as d; "
            f"assert nanowire_rc.__file__.startswith({str(tmp_path / 'site')!r}); "
            "X, y = d.load_ucr('ECG5000', 'test'); print(X.shape, len(set(y)))")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), ENV_VAR: ""}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True)
    assert out.stdout.strip() == "(4500, 140) 5"
