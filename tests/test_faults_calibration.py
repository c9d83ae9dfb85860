"""Catalogue rows of calibration (docs/errors.md): measured traces, identifiability, poor fits,
the sample limit, unreadable files and unusable arrays.

The measured traces are the two published network traces in ``shared/data/device`` beside the
clone (see its SOURCES.md); their tests skip, saying so, where that folder is absent.
"""

import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_faults import fault

import nanowire_rc as nw
from nanowire_rc.calibration import DEFAULT_MAX_SAMPLES, read_trace, simulate_trace
from nanowire_rc.cli import main
from nanowire_rc.exceptions import PoorFitWarning

DEVICE_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "device"
needs_traces = pytest.mark.skipif(
    not (DEVICE_DATA / "network_pulse_2.txt").exists(),
    reason=f"the measured network traces are not at {DEVICE_DATA}")


def measured(name: str):
    """Time, voltage and conductance (current / voltage) of a published trace."""
    t, current, v = np.loadtxt(DEVICE_DATA / name).T
    return t, v, current / v


@needs_traces
@fault("calibrate-measured-trace", "not identifiable")
def test_measured_trace_is_calibrated_fast_and_says_what_it_cannot_determine():
    # Failed before: math.exp(theta + zq * se) raised a raw OverflowError on this trace.
    t, v, g = measured("network_pulse_2.txt")
    assert t.size == 3000
    simulate_trace([0.0, 1.0], [0.0, 1.0], nw.NanowireParams())  # compile outside the clock
    start = time.process_time()
    fit = nw.calibrate(t, v, g)
    seconds = time.process_time() - start
    assert seconds <= 5.0, f"{seconds:.1f} s of CPU for 3,000 samples"
    assert fit.r2 > 0.95
    assert set(fit.identifiable) == {*fit.estimates()} == {*fit.intervals}
    for name, value in fit.estimates().items():
        low, high = fit.intervals[name]
        assert low <= value <= high, name
        if fit.identifiable[name]:
            assert np.isfinite(high) and name not in fit.identifiability
        else:
            assert fit.identifiability[name].startswith("not identifiable")
    # one pulse and one read level cannot fix all four rate constants
    assert not all(fit.identifiable.values())
    assert fit.identifiable["g_min"] and fit.identifiable["h0[0]"]
    assert "not identifiable" in fit.summary()


@fault("calibrate-unidentifiable", "identifiable[name]")
def test_a_quantity_the_data_cannot_determine_is_reported_not_identifiable():
    # Sampled only every 1000 time units, the trace shows the equilibria h*(v) at six levels
    # and never a relaxation: rates ten or a thousand times faster fit as well, so the rate
    # constants have no upper limit (only their ratio is determined); the window is fixed.
    t = np.arange(0.0, 60_000.0, 1000.0)
    v = np.tile(np.linspace(0.0, 1.2, 6), 10)
    truth = nw.NanowireParams()
    g = simulate_trace(t, v, truth, 1e-4, 5e-4, 0.0)
    g = g + np.random.default_rng(2).normal(0.0, 2e-6, g.size)
    fit = nw.calibrate(t, v, g)
    for name in ("kappa_p0", "kappa_d0"):
        assert not fit.identifiable[name]
        assert fit.intervals[name][1] == np.inf
        assert "no upper limit" in fit.identifiability[name]
    assert "kappa_d0" in fit.identifiability["kappa_p0"]  # what it trades off with
    for name, true in (("g_min", 1e-4), ("g_max", 5e-4)):
        low, high = fit.intervals[name]
        assert fit.identifiable[name] and low < true < high


@fault("calibrate-two-levels", "finite intervals")
def test_the_readme_two_level_example_gets_finite_intervals_where_the_data_decide():
    # README's example (1 V for 20 s, then relaxation): every interval was NaN.
    t = np.sort(np.random.default_rng(0).uniform(0, 60, 400))
    v = np.where(t <= 20, 1.0, 0.0)
    g = simulate_trace(t, v, nw.NanowireParams(), g_min=1e-3, g_max=5e-3)
    g = g + np.random.default_rng(1).normal(0, 4e-5, t.size)
    fit = nw.calibrate(t, v, g)
    assert fit.r2 > 0.98
    assert not any(np.isnan(end) for ends in fit.intervals.values() for end in ends)
    for name in ("kappa_d0", "g_min", "g_max", "h0[0]"):
        assert fit.identifiable[name] and np.all(np.isfinite(fit.intervals[name])), name
    low, high = fit.intervals["kappa_d0"]
    assert low < 0.5 < high
    # with two levels, k_p at 0 V is invisible next to k_d: no lower limit
    assert not fit.identifiable["kappa_p0"] and fit.intervals["kappa_p0"][0] == 0.0


@fault("calibrate-poor-fit", "PoorFitWarning")
def test_pure_noise_fits_with_a_warning():
    # Failed before: R² 0.014 on pure noise, and no warning.
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(0, 100, 400))
    v = np.where(t < 50, 1.0, 0.0)
    g = 1e-3 + 1e-5 * rng.random(t.size)  # no response to the voltage at all
    with pytest.warns(PoorFitWarning, match=r"R² = .* is below min_r2 = 0.9"):
        fit = nw.calibrate(t, v, g)
    assert fit.r2 < 0.9
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoorFitWarning)
        nw.calibrate(t, v, g, min_r2=-np.inf)  # the threshold is the caller's


@fault("calibrate-too-many-samples", "more than max_samples")
def test_a_file_beyond_the_sample_limit_is_refused_before_it_is_read(tmp_path):
    # Failed before: 50 MB of numeric garbage ran for 398 s and exited 0.
    rng = np.random.default_rng(4)
    rows = DEFAULT_MAX_SAMPLES + 20_000
    garbage = np.c_[np.arange(rows) * 0.01, rng.random(rows), rng.random(rows)]
    path = tmp_path / "garbage.tsv"
    np.savetxt(path, garbage, delimiter="\t", header="time\tvoltage\tconductance", comments="")
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["calibrate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"has more than max_samples={DEFAULT_MAX_SAMPLES} samples" in result.output
    assert "--max-samples" in result.output
    assert time.perf_counter() - start < 10  # refused after reading the first rows
    with pytest.raises(nw.calibration.CalibrationError, match="more than max_samples=100 samples"):
        nw.calibrate(garbage[:101, 0], garbage[:101, 1], garbage[:101, 2], max_samples=100)
    # the command's default is the library's (written out so that --help stays quick)
    option = next(p for p in main.commands["calibrate"].params if p.name == "max_samples")
    assert option.default == DEFAULT_MAX_SAMPLES


@fault("calibrate-unreadable-file", "cannot be read")
def test_files_that_are_not_utf8_text_get_an_error_naming_the_problem(tmp_path):
    # Failed before: raw UnicodeDecodeError, _csv.Error and "line contains NUL" tracebacks.
    cases = {
        "latin1.csv": ("time (µs),voltage,conductance\n0,0,1\n".encode("latin-1"),
                       "line 1: cannot be read: not UTF-8 text (byte 0xb5"),
        "binary.csv": (bytes(range(256)) * 4, "line 1: cannot be read: binary data"),
        "quote.csv": (b'time,voltage,conductance\n0,0,"' + b"1\n" * 70_000 + b'"\n',
                      "cannot be read: field larger than field limit"),
        "line.csv": (b"time,voltage,conductance\n0,0," + b"1" * 200_000 + b"\n",
                     "line 2: longer than 128 KiB"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = CliRunner().invoke(main, ["calibrate", str(path), "--out", str(tmp_path / "o")])
        assert result.exit_code == 1, name
        assert f"Error: {path}, " in result.output and message in result.output, result.output
        assert "Traceback" not in result.output
    # a UTF-8 byte-order mark (spreadsheet exports) is simply read past
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbftime,voltage,conductance\n0,0,1e-3\n1,1,2e-3\n")
    np.testing.assert_array_equal(read_trace(bom)[2], [1e-3, 2e-3])


@fault("calibrate-bad-arrays", "CalibrationError")
def test_arrays_that_are_not_one_trace_get_an_error_naming_the_argument():
    # Failed before: strings gave a raw ValueError; a 2-D time a message about the voltage.
    t = np.linspace(0.0, 10.0, 40)
    v = np.where(t < 5, 1.0, 0.0)
    g = 1e-3 + 1e-4 * v
    for args, match in [
        (("0 1 2", "0 1 1", "1 2 3"), r"time holds text \('0 1 2'\)"),
        ((t.astype(str), v, g), "time holds text"),
        ((t, list(map(str, v)), g), "voltage holds text"),
        ((t[:, None], v, g), r"got time \(40, 1\), voltage \(40,\), conductance \(40,\)"),
        ((np.c_[t, t], v, g), r"time \(40, 2\)"),
        ((2.0, v, g), "time is a single number"),
        ((np.zeros((2, 2, 2)), v, g), r"time has shape \(2, 2, 2\)"),
    ]:
        with pytest.raises(nw.calibration.CalibrationError, match=match):
            nw.calibrate(*args)


@needs_traces
def test_measured_files_are_read_with_a_current_column_and_refused_past_the_limit(tmp_path):
    # the published files hold time, current and voltage, tab-separated, no header
    path = DEVICE_DATA / "network_pulse_1.txt"
    t, v, g = read_trace(path, 0, 2, current_column=1)
    np.testing.assert_array_equal(np.c_[t, v, g], np.c_[measured("network_pulse_1.txt")])
    result = CliRunner().invoke(main, ["calibrate", str(path), "--time", "0", "--voltage", "2",
                                       "--current", "1", "--max-samples", "2999",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 1 and "more than max_samples=2999 samples" in result.output
