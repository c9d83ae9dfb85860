"""Calibration recovers known constants from synthetic traces of the exact model."""

import warnings

import numpy as np
import pytest

from nanowire_rc.calibration import CalibrationError, calibrate, read_trace, simulate_trace
from nanowire_rc.exceptions import PoorFitWarning
from nanowire_rc.physics import NanowireParams, simulate

TRUTH = NanowireParams(kappa_p0=1e-4, kappa_d0=0.5, eta_p=10.0, eta_d=1.0)
G_MIN, G_MAX, H0 = 1e-4, 5e-4, 0.05


def staircase(rng, n=600, t_end=120.0):
    """Non-uniform samples of a 0.5 / 0.8 / 1.1 V staircase, then relaxation at 0 V."""
    t = np.sort(np.concatenate([[0.0], rng.uniform(0, t_end, n)]))
    v = np.select([t <= 30, t <= 60, t <= 90], [0.5, 0.8, 1.1], 0.0)
    return t, v


def test_exact_solution_matches_the_exact_integrator():
    # uniform steps: the trace model is physics.simulate(method="exact") in conductance units
    x = np.r_[np.zeros(5), np.ones(20), np.zeros(30)]
    t = np.arange(x.size + 1) * 0.1
    v = np.r_[0.0, x]
    g = simulate_trace(t, v, TRUTH, g_min=G_MIN, g_max=G_MAX, h0=0.0)
    h = simulate(x, 0.1, 1.0, TRUTH, h0=0.0, method="exact")
    np.testing.assert_allclose(g[1:], G_MIN + (G_MAX - G_MIN) * h, rtol=1e-12)


def test_recovers_known_constants_without_noise():
    t, v = staircase(np.random.default_rng(0))
    g = simulate_trace(t, v, TRUTH, G_MIN, G_MAX, H0)
    fit = calibrate(t, v, g)
    for name in ("kappa_p0", "kappa_d0", "eta_p", "eta_d"):
        assert getattr(fit.params, name) == pytest.approx(getattr(TRUTH, name), rel=1e-5)
    assert fit.g_min == pytest.approx(G_MIN, rel=1e-6)
    assert fit.g_max == pytest.approx(G_MAX, rel=1e-6)
    assert fit.h0[0] == pytest.approx(H0, abs=1e-6)
    assert fit.r2 > 1 - 1e-10


def test_recovers_known_constants_with_noise_and_outliers():
    rng = np.random.default_rng(1)
    t, v = staircase(rng)
    g = simulate_trace(t, v, TRUTH, G_MIN, G_MAX, H0)
    noisy = g + 0.005 * (G_MAX - G_MIN) * rng.standard_normal(g.size)
    noisy[rng.choice(g.size, 6, replace=False)] += 0.2 * (G_MAX - G_MIN)  # spikes
    fit = calibrate(t, v, np.abs(noisy))
    tol = {"kappa_p0": 0.10, "kappa_d0": 0.03, "eta_p": 0.02, "eta_d": 0.05}
    for name, rel in tol.items():
        assert getattr(fit.params, name) == pytest.approx(getattr(TRUTH, name), rel=rel), name
        lo, hi = fit.intervals[name]
        assert lo < getattr(fit.params, name) < hi
    assert fit.g_min == pytest.approx(G_MIN, rel=0.02)
    assert fit.g_max == pytest.approx(G_MAX, rel=0.01)
    assert fit.r2 > 0.98
    # three levels and a relaxation determine everything, and the 95 % intervals hold the truth
    truth = {"kappa_p0": TRUTH.kappa_p0, "kappa_d0": TRUTH.kappa_d0, "eta_p": TRUTH.eta_p,
             "eta_d": TRUTH.eta_d, "g_min": G_MIN, "g_max": G_MAX, "h0[0]": H0}
    assert all(fit.identifiable.values()) and not fit.identifiability
    for name, value in truth.items():
        lo, hi = fit.intervals[name]
        assert lo < value < hi, (name, lo, value, hi)


def test_several_traces_share_constants_and_keep_their_own_initial_state():
    rng = np.random.default_rng(2)
    traces = [staircase(rng, n=300), staircase(rng, n=300)]
    h0s = (0.02, 0.4)
    gs = [simulate_trace(t, v, TRUTH, G_MIN, G_MAX, h)
          for (t, v), h in zip(traces, h0s, strict=True)]
    fit = calibrate([t for t, _ in traces], [v for _, v in traces], gs)
    assert fit.h0 == pytest.approx(h0s, abs=1e-5)
    assert fit.params.eta_p == pytest.approx(TRUTH.eta_p, rel=1e-4)


def test_pulse_experiment_is_fitted_with_r2_above_098():
    # potentiation by a 1 V pulse for 20 s, then relaxation at 0 V, sampled unevenly, 1 % noise
    rng = np.random.default_rng(3)
    t = np.sort(np.concatenate([[0.0], rng.uniform(0, 100, 400)]))
    v = np.where(t <= 20, 1.0, 0.0)
    device = NanowireParams(kappa_p0=2e-5, kappa_d0=0.08, eta_p=12.0, eta_d=2.0)
    g = simulate_trace(t, v, device, g_min=1e-5, g_max=1e-3, h0=0.0)
    noisy = np.abs(g + 0.01 * np.ptp(g) * rng.standard_normal(g.size))
    fit = calibrate(t, v, noisy)
    assert fit.r2 >= 0.98
    assert fit.rmse < 0.02 * np.ptp(g)
    np.testing.assert_allclose(fit.predict(t, v), g, atol=0.03 * np.ptp(g))


@pytest.mark.parametrize("change, match", [
    (lambda t, v, g: (t, np.full_like(v, 0.7), g), "voltage never changes"),
    (lambda t, v, g: (t, v, np.where(np.arange(g.size) == 5, np.nan, g)), "NaN"),
    (lambda t, v, g: (np.r_[t[:3], t[2], t[4:]], v, g), "strictly increasing"),
    (lambda t, v, g: (t, v, np.where(np.arange(g.size) == 7, -1e-6, g)), "negative"),
    (lambda t, v, g: (t, v[:-1], g), "same length"),
])
def test_bad_traces_get_clear_errors(change, match):
    t, v = staircase(np.random.default_rng(4), n=50)
    g = simulate_trace(t, v, TRUTH, G_MIN, G_MAX, H0)
    with pytest.raises(CalibrationError, match=match):
        calibrate(*change(t, v, g))


@pytest.mark.parametrize("scale_t, scale_v, scale_g", [
    (1e-9, 1.0, 1.0), (1.0, 1e3, 1.0), (1.0, 1.0, 1e-300), (1e300, 1.0, 1e300), (1.0, 1e-300, 1.0),
])
def test_finite_traces_at_any_scale_give_a_result_not_a_crash(scale_t, scale_v, scale_g):
    rng = np.random.default_rng(7)
    t = np.sort(np.r_[0.0, rng.uniform(0, 1, 60)]) * scale_t
    v = np.where(t < 0.5 * scale_t, 1.0, 0.0) * scale_v
    g = (1e-3 + 1e-4 * rng.random(t.size)) * scale_g
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoorFitWarning)
        fit = calibrate(t, v, g)
    assert np.isfinite(fit.r2) and np.isfinite(fit.rmse)
    assert all(lo <= value <= hi for (lo, hi), value in
               zip(fit.intervals.values(), fit.estimates().values(), strict=True))


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
def test_read_trace_by_name_and_position(tmp_path, suffix, sep):
    t, v = staircase(np.random.default_rng(5), n=20)
    g = simulate_trace(t, v, TRUTH, G_MIN, G_MAX, H0)
    path = tmp_path / f"trace{suffix}"
    rows = zip(v, t, g, strict=True)
    lines = [sep.join(["V", "t", "G"])] + [sep.join(repr(float(x)) for x in r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    for cols in (("t", "V", "G"), (1, 0, 2)):
        tt, vv, gg = read_trace(path, *cols)
        np.testing.assert_array_equal(tt, t)
        np.testing.assert_array_equal(vv, v)
        np.testing.assert_array_equal(gg, g)
    with pytest.raises(CalibrationError, match="no column 'time'"):
        read_trace(path)


def test_calibrate_command_writes_parameters_and_figure(tmp_path):
    from click.testing import CliRunner

    from nanowire_rc.cli import main

    if "calibrate" not in main.commands:
        pytest.skip("the calibrate command is not wired yet")
    t, v = staircase(np.random.default_rng(6), n=200)
    g = simulate_trace(t, v, TRUTH, G_MIN, G_MAX, H0)
    path = tmp_path / "trace.tsv"
    path.write_text("t\tV\tG\n" + "".join(f"{a!r}\t{b!r}\t{c!r}\n" for a, b, c in
                                          zip(t.tolist(), v.tolist(), g.tolist(), strict=True)))
    out = tmp_path / "fit"
    result = CliRunner().invoke(main, ["calibrate", str(path), "--time", "t", "--voltage", "V",
                                       "--conductance", "G", "--out", str(out)])
    assert result.exit_code == 0, result.output
    import json

    fit = json.loads((out / "calibration.json").read_text())
    assert fit["eta_p"] == pytest.approx(10.0, rel=1e-4) and fit["r2"] > 0.999
    assert all(fit["identifiable"].values())
    assert "eta_p      10" in result.output and "95 % interval" in result.output
    assert (out / "calibration.png").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("time,voltage,conductance\n0,0,1\n1,1,-2\n2,0,1\n")
    result = CliRunner().invoke(main, ["calibrate", str(bad), "--out", str(out)])
    assert result.exit_code != 0 and "negative" in result.output
