"""The command line: reproduce --quick end to end, and the single-piece commands."""

import csv
import json

import matplotlib.image as mpimg
import pytest
from click.testing import CliRunner

from nanowire_rc.cli import main


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(main, ["reproduce", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_reproduce_quick_writes_every_output(quick_run):
    out, output = quick_run
    for stem in ("fig1_pulse", "fig2_heatmap", "fig3_accuracy"):
        image = mpimg.imread(out / f"{stem}.png")
        assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
        assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert "Wall time" in output and "SyntheticControl" in output


def test_reproduce_quick_csv_and_json_are_well_formed(quick_run):
    out, _ = quick_run
    pulse = read_csv(out / "fig1_pulse.csv")
    assert set(pulse[0]) == {"panel", "dt", "omega", "t", "x", "h"}
    assert {r["panel"] for r in pulse} == {"dt", "omega"}
    heat = read_csv(out / "fig2_heatmap.csv")
    assert set(heat[0]) == {"dt", "omega", "memory_factor"} and len(heat) == 100 * 101
    acc = read_csv(out / "fig3_accuracy.csv")
    assert {"dataset", "model", "n_neurons", "seed", "test_accuracy", "representation",
            "config"} <= set(acc[0])
    assert len(acc) == 2 * 2 * 2  # datasets x models x sizes, one seed
    assert all(0.5 < float(r["test_accuracy"]) <= 1 for r in acc)
    summary = json.loads((out / "fig3_summary.json").read_text())
    assert len(summary["groups"]) == 8
    val = read_csv(out / "validation.csv")
    assert {"config", "representation", "alpha", "val_accuracy"} <= set(val[0])


def test_report_names_every_figure_and_table(quick_run):
    out, _ = quick_run
    report = (out / "REPORT.md").read_text()
    for name in ("fig1_pulse.png", "fig2_heatmap.png", "fig3_accuracy.png", "| dataset |",
                 "pruned as unstable", "Wall time", "numba", "cores"):
        assert name in report


def test_memory_factor_command():
    result = CliRunner().invoke(main, ["memory-factor", "--dt", "0.1", "--omega", "1"])
    assert result.exit_code == 0 and "0.968739" in result.output and "stable" in result.output
    bad = CliRunner().invoke(main, ["memory-factor", "--dt", "-1"])
    assert bad.exit_code != 0 and "dt" in bad.output


def _accuracy(reservoir, seed=0, **params):
    """Test accuracy on SyntheticControl of the classifier `classify` builds, and its penalty."""
    import nanowire_rc as nw

    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    clf = nw.ReservoirClassifier(reservoir, random_state=seed, **params).fit(X, y)
    return clf.score(X_te, y_te), clf


def test_classify_command_with_overrides():
    from nanowire_rc import LeakyTanhReservoir, NanowireReservoir
    from nanowire_rc.classifiers import classification_reservoir

    result = CliRunner().invoke(main, ["classify", "--dataset", "SyntheticControl", "--size",
                                       "30", "--set", "features=\"mean+last\"", "--set",
                                       "dt=0.2"])
    assert result.exit_code == 0, result.output
    assert "test accuracy" in result.output and "memory factor" in result.output
    # the overrides are the reservoir's (reservoir__features, reservoir__dt) and the rest are
    # the classification settings: the same accuracy, penalty and memory factor as that
    # ReservoirClassifier
    acc, clf = _accuracy(classification_reservoir(NanowireReservoir, n_neurons=30,
                                                  features="mean+last", dt=0.2))
    assert (f"SyntheticControl NanowireReservoir(n_neurons=30) + ridge: test accuracy "
            f"{acc:.4f} (fit ") in result.output
    assert f"ridge alpha {clf.alpha_:.3g}, memory factor " \
           f"{clf.reservoir_.memory_factor_:.4f})" in result.output
    # a name of the classifier itself (alphas) and a nested name pass unchanged
    result = CliRunner().invoke(main, ["classify", "--dataset", "SyntheticControl", "--model",
                                       "tanh", "--size", "20", "--seed", "3", "--set",
                                       "alphas=[2.0]", "--set", "reservoir__leak_rate=0.5"])
    assert result.exit_code == 0, result.output
    acc, _ = _accuracy(classification_reservoir(LeakyTanhReservoir, n_neurons=20,
                                                leak_rate=0.5), seed=3, alphas=[2.0])
    assert (f"SyntheticControl LeakyTanhReservoir(n_neurons=20) + ridge: test accuracy "
            f"{acc:.4f} (fit ") in result.output
    assert "ridge alpha 2)" in result.output  # no memory factor for a tanh reservoir
    unknown = CliRunner().invoke(main, ["classify", "--dataset", "NoSuch"])
    assert unknown.exit_code == 1 and "Error: dataset 'NoSuch'" in unknown.output
    unknown = CliRunner().invoke(main, ["select", "--dataset", "NoSuch"])
    assert unknown.exit_code == 1 and "NANOWIRE_RC_DATA" in unknown.output


def test_diagnose_command(tmp_path):
    result = CliRunner().invoke(main, ["diagnose", "--size", "20", "--max-delay", "30",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / "diagnostics.csv")
    assert [r["model"] for r in rows] == ["nanowire", "tanh", "nanowire-coupled"]
    assert all(0 < float(r["memory_capacity"]) <= 30 for r in rows)
    assert mpimg.imread(tmp_path / "memory_capacity.png").ndim == 3


def test_select_command_takes_the_coupled_model(tmp_path):
    result = CliRunner().invoke(main, ["select", "--dataset", "SyntheticControl", "--model",
                                       "nanowire-coupled", "--size", "20", "--quick", "--out",
                                       str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "nanowire-coupled" in result.output
    assert (tmp_path / "results.sqlite").exists()


def test_select_protocols_store_apart_and_refuse_to_mix(tmp_path):
    """--protocol paper and the default kfold select alike on a quick grid; a store holds one
    protocol, and resuming it under the other is refused with nothing changed."""
    args = ["select", "--dataset", "SyntheticControl", "--model", "nanowire", "--size", "10",
            "--quick"]
    paper = CliRunner().invoke(main, [*args, "--protocol", "paper", "--out",
                                      str(tmp_path / "paper")])
    assert paper.exit_code == 0, paper.output
    kfold = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "kfold")])
    assert kfold.exit_code == 0, kfold.output
    import sqlite3

    def rows(name):
        with sqlite3.connect(tmp_path / name / "results.sqlite") as db:
            return db.execute("SELECT COUNT(*) FROM validation").fetchone()[0]

    before = rows("paper")
    mixed = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "paper")])
    assert mixed.exit_code != 0 and "protocol" in mixed.output
    assert rows("paper") == before


def test_cli_model_names_are_the_selection_models():
    from nanowire_rc.cli import MODEL_NAMES
    from nanowire_rc.selection import MODELS

    assert MODEL_NAMES == tuple(MODELS)


def test_every_command_has_help():
    for cmd in ("reproduce", "pulse", "heatmap", "select", "classify", "diagnose",
                "memory-factor", "info"):
        result = CliRunner().invoke(main, [cmd, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
