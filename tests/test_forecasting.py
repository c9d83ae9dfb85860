"""Forecasters, regressors and forecast metrics against truths known independently.

- Metrics: hand-computed values (a constant offset, an error that crosses the threshold at a
  known step).
- Readout: a rotation ``y(t+1) = R y(t)`` is linear in the current input, so a ridge readout
  with a negligible penalty must forecast it exactly (to solver precision), one step and
  ``horizon`` steps ahead, for every reservoir; a regressor's target built as a known linear map
  of the reservoir's own pooled features must be recovered.
- Closed loop: with an oracle readout that returns the true next value, ``generate`` must
  reproduce the teacher-forced states and values exactly; with the fitted readout on the
  rotation it must continue the rotation.
"""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from nanowire_rc.device import Device
from nanowire_rc.exceptions import InvalidParameterError
from nanowire_rc.forecasting import (
    ClosedLoopDivergenceWarning,
    CoupledNanowireForecaster,
    EchoStateForecaster,
    NanowireForecaster,
    ReservoirForecaster,
    TrainingRangeWarning,
)
from nanowire_rc.generators import mackey_glass
from nanowire_rc.metrics import nrmse, prediction_error_curve, valid_prediction_time
from nanowire_rc.regression import (
    REGRESSION_ALPHAS,
    CoupledNanowireRegressor,
    EchoStateRegressor,
    NanowireRegressor,
    ReservoirRegressor,
)
from nanowire_rc.reservoirs import (
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    UnstableReservoirError,
)

TINY = (1e-10,)
OWN = set(ReservoirForecaster().get_params()) | set(ReservoirRegressor().get_params())


def built(cls, **kw):
    """``cls`` (a forecaster or regressor preset) with ``kw`` split between the estimator
    (its own parameters) and its default reservoir (the rest; ``random_state`` to both)."""
    reservoir = cls._default_reservoir().set_params(
        **{k: v for k, v in kw.items() if k not in OWN or k == "random_state"})
    return cls(reservoir, **{k: v for k, v in kw.items() if k in OWN and k != "reservoir"})


def rotation(n, omega=0.3, phase=0.2):
    t = np.arange(n)
    return np.column_stack([np.cos(omega * t + phase), np.sin(omega * t + phase)])


# Fast-forgetting configurations: the washout removes the initial transient to ~1e-12.
FORECASTERS = [
    lambda **kw: built(NanowireForecaster, n_neurons=12, dt=1.0, method="exact",
                      random_state=0, **kw),
    lambda **kw: built(CoupledNanowireForecaster, n_neurons=12, dt=0.4, coupling=0.05,
                      random_state=0, **kw),
    lambda **kw: built(EchoStateForecaster, n_neurons=12, leak_rate=1.0, spectral_radius=0.5,
                      random_state=0, **kw),
]


class TestMetrics:
    def test_nrmse_constant_offset(self):
        y = np.sin(np.arange(100) * 0.1)
        assert nrmse(y, y + 0.1) == pytest.approx(0.1 / y.std())
        assert nrmse(y, y + 0.1, normalization="range") == pytest.approx(0.1 / np.ptp(y))
        two = np.column_stack([y, 2 * y])
        raw = nrmse(two, two + np.array([0.1, 0.1]), multioutput="raw_values")
        np.testing.assert_allclose(raw, [0.1 / y.std(), 0.05 / y.std()])
        assert nrmse(two, two + 0.1) == pytest.approx(raw.mean())
        assert nrmse(y, np.full_like(y, np.nan)) == np.inf

    def test_valid_prediction_time(self):
        y = np.column_stack([np.sin(np.arange(200) * 0.1), np.cos(np.arange(200) * 0.1)])
        pred = y.copy()
        pred[37:] += 10.0
        assert valid_prediction_time(y, pred) == 37
        assert valid_prediction_time(y, pred, dt=0.02) == pytest.approx(0.74)
        assert valid_prediction_time(y, pred, dt=0.02, lyapunov_exponent=0.9056) == \
            pytest.approx(0.74 * 0.9056)
        assert valid_prediction_time(y, y) == 200
        e = prediction_error_curve(y, y + np.array([0.3, 0.4]), scale=1.0)
        np.testing.assert_allclose(e, np.sqrt((0.09 + 0.16) / 2))

    def test_metric_errors(self):
        with pytest.raises(ValueError, match="same shape"):
            nrmse(np.zeros(3), np.zeros(4))
        with pytest.raises(ValueError, match="spread"):
            nrmse(np.ones(5), np.ones(5))


class TestReadoutRecoversLinearSystem:
    @pytest.mark.parametrize("make", FORECASTERS)
    def test_rotation_one_step_exact(self, make):
        y = rotation(900)
        fc = make(alphas=TINY, washout=300).fit(y[:600])
        pred = fc.predict(y)
        assert pred.shape == y.shape
        # Rows whose input lies inside the training range (outside it, inputs are clipped).
        inside = np.all((y >= y[:600].min(axis=0)) & (y <= y[:600].max(axis=0)), axis=1)
        rows = np.flatnonzero(inside[300:-1]) + 300
        assert rows.size > 550
        np.testing.assert_allclose(pred[rows], y[rows + 1], atol=1e-6)

    @pytest.mark.parametrize("make", FORECASTERS)
    def test_rotation_horizon(self, make):
        y = rotation(900)
        fc = make(alphas=TINY, washout=300, horizon=3).fit(y[:600])
        np.testing.assert_allclose(fc.predict(y)[300:597], y[303:600], atol=1e-6)
        with pytest.raises(ValueError, match="horizon=1"):
            fc.generate(5)

    @pytest.mark.parametrize("make", FORECASTERS)
    def test_closed_loop_continues_rotation(self, make):
        y = rotation(1000)
        fc = make(alphas=TINY, washout=300).fit(y[:700])
        gen = fc.generate(100)  # continues from the end of the training series
        np.testing.assert_allclose(gen, y[700:800], atol=1e-5)
        gen2 = fc.generate(50, warmup=y[:850])
        np.testing.assert_allclose(gen2, y[850:900], atol=1e-5)

    def test_univariate_shapes(self):
        y = np.cos(0.3 * np.arange(600))
        fc = FORECASTERS[0](alphas=TINY, washout=200, include_input=False, n_delays=0,
                            quadratic=False).fit(y[:400])
        assert fc.predict(y).shape == (600,)
        assert fc.generate(7).shape == (7,)
        assert fc.n_features_readout_ == 12
        # the default delay line adds 12 copies; "auto" keeps the monomials off here
        fc = FORECASTERS[0](alphas=TINY, washout=200, include_input=False).fit(y[:400])
        assert fc.n_features_readout_ == 24 + 300 * fc.quadratic_


class TestClosedLoopMechanics:
    @pytest.mark.parametrize("make", FORECASTERS)
    def test_oracle_readout_reproduces_teacher_forcing(self, make):
        y = mackey_glass(400, discard=200)
        fc = make(washout=50).fit(y[:300])
        start, n = 250, 100
        truth = iter(y[start:start + n])
        fc._readout = lambda F: np.array([[next(truth)]])  # exact predictions
        gen, states = fc.generate(n, warmup=y[:start], return_states=True)
        np.testing.assert_array_equal(gen, y[start:start + n])
        teacher = fc._states(fc._scale(y[:start + n, None]))
        np.testing.assert_allclose(states, teacher[start - 1:start + n - 1], atol=1e-12)

    def test_divergence_warns(self):
        y = mackey_glass(400, discard=200)
        fc = FORECASTERS[0]().fit(y)
        fc.intercept_ = fc.intercept_ + 5.0  # every forecast far above the training range
        with pytest.warns(ClosedLoopDivergenceWarning, match="training range"):
            out = fc.generate(5)
        assert np.all(np.isfinite(out))
        fc.intercept_ = fc.intercept_ + np.nan
        with pytest.warns(ClosedLoopDivergenceWarning, match="non-finite"):
            out = fc.generate(5)
        assert np.isnan(out).all()

    def test_no_warning_when_stable(self):
        y = rotation(800)
        fc = FORECASTERS[0](alphas=TINY, washout=300).fit(y)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fc.generate(50)


class TestScalingAndStability:
    def test_inputs_clipped_to_training_range(self):
        y = mackey_glass(500, discard=200)
        fc = built(NanowireForecaster, n_neurons=10, random_state=0).fit(y)
        lo, hi = y.min(), y.max()
        wild = y.copy()
        wild[100:110] = hi + 5
        wild[200:210] = lo - 5
        clipped = np.clip(wild, lo, hi)
        with pytest.warns(TrainingRangeWarning, match="20 value"):  # said, not silent
            wild_forecasts = fc.predict(wild)
        np.testing.assert_allclose(wild_forecasts, fc.predict(clipped))
        assert fc._scale(y[:, None]).min() == 0.0 and fc._scale(y[:, None]).max() == 1.0
        assert fc.reservoir_.memory_factor_ < 1

    def test_unstable_raises(self):
        y = mackey_glass(300)
        with pytest.raises(UnstableReservoirError):
            built(NanowireForecaster, n_neurons=5, dt=2.0, random_state=0).fit(y)
        with pytest.raises(UnstableReservoirError):
            built(CoupledNanowireForecaster, n_neurons=5, coupling=50.0, gain=5.0,
                  connectivity="dense", random_state=0).fit(y)

    def test_coupled_bound_reported(self):
        fc = FORECASTERS[1]().fit(mackey_glass(300))
        assert 0 < fc.reservoir_.contraction_bound_ < 1

    @pytest.mark.parametrize("bad, match", [
        (np.zeros((3, 4, 5)), "time first"),
        (np.array([1.0, np.nan, 2.0] * 100), "NaN"),
        (np.arange(50.0), "time points"),
    ])
    def test_bad_series(self, bad, match):
        with pytest.raises(ValueError, match=match):
            built(NanowireForecaster, n_neurons=5).fit(bad)

    @pytest.mark.parametrize("param, value", [("horizon", 0), ("washout", -1),
                                              ("include_input", "yes"),
                                              ("input_range", (1.0, 0.0)), ("alphas", (-1.0,)),
                                              ("divergence_margin", -0.1)])
    def test_bad_hyper_parameters(self, param, value):
        with pytest.raises(ValueError, match=param):
            built(NanowireForecaster, n_neurons=5, **{param: value}).fit(mackey_glass(300))

    def test_channel_mismatch_and_clone(self):
        fc = built(NanowireForecaster, n_neurons=5, random_state=0).fit(rotation(300))
        with pytest.raises(ValueError, match="channel"):
            fc.predict(np.zeros(50))
        twin = clone(fc).fit(rotation(300))
        np.testing.assert_array_equal(twin.predict(rotation(300)), fc.predict(rotation(300)))
        assert fc.get_params()["washout"] == 100
        assert fc.get_params()["reservoir__n_neurons"] == 5

    @pytest.mark.parametrize("setting", [{"device": Device(variability=0.1)},
                                         {"bidirectional": True}, {"difference": True}])
    def test_closed_loop_refuses_what_it_cannot_step(self, setting):
        reservoir = NanowireReservoir(n_neurons=5, **setting)
        with pytest.raises(InvalidParameterError, match=next(iter(setting))):
            ReservoirForecaster(reservoir).fit(mackey_glass(300))

    @pytest.mark.parametrize("spread", [
        NanowireReservoir(n_neurons=20, dt_spread=1.0, method="exact", dtype="float64"),
        CoupledNanowireReservoir(n_neurons=20, dt_spread=1.0, dtype="float64")])
    def test_time_scale_spread_steps_in_closed_loop_as_in_teacher_forcing(self, spread):
        """Per-neuron time steps (dt_spread): one generated step from a warmup equals the
        teacher-forced (compiled) forecast at its end, and the spread changes the forecasts."""
        y = mackey_glass(600, discard=300)
        fc = ReservoirForecaster(spread, random_state=0).fit(y[:400])
        assert fc.reservoir_.time_steps_.std() > 0
        for end in (150, 400):
            assert fc.generate(1, warmup=y[:end])[0] == pytest.approx(
                fc.predict(y[:end])[-1], rel=1e-10)
        plain = ReservoirForecaster(clone(spread).set_params(dt_spread=0.0),
                                    random_state=0).fit(y[:400])
        assert not np.allclose(plain.predict(y), fc.predict(y))

    def test_refuses_what_is_not_a_reservoir(self):
        with pytest.raises(InvalidParameterError, match="str"):
            NanowireForecaster("abc").fit(mackey_glass(300))

    def test_refuses_a_reservoir_without_a_closed_loop_step(self):
        from nanowire_rc import MultiScaleNanowireReservoir

        with pytest.raises(InvalidParameterError, match="MultiScaleNanowireReservoir"):
            ReservoirForecaster(MultiScaleNanowireReservoir()).fit(mackey_glass(300))

    def test_presets_are_the_composed_forecaster(self):
        """Each preset is ReservoirForecaster with a default reservoir (float64 states, one
        thread): same forecasts as the composed form, and no parameter of its own."""
        y = mackey_glass(500, discard=200)
        for cls, kind, extra in ((NanowireForecaster, NanowireReservoir, {}),
                                 (CoupledNanowireForecaster, CoupledNanowireReservoir,
                                  {"coupling": 0.3, "connectivity": "sparse", "dt": 0.25,
                                   "bias_scaling": 1.0, "input_scaling": 1.5}),
                                 (EchoStateForecaster, LeakyTanhReservoir,
                                  {"connectivity": "sparse"})):
            assert inspect.signature(cls.__init__) == inspect.signature(
                ReservoirForecaster.__init__)
            composed = ReservoirForecaster(kind(dtype="float64", n_jobs=1, **extra),
                                           random_state=0).fit(y)
            preset = cls(random_state=0).fit(y)
            np.testing.assert_array_equal(preset.predict(y), composed.predict(y))


SERIES_LENGTH = ("a fitted reservoir accepts series of any length (aeon convention), so the "
                 "number of time points is not a fixed n_features_in_")
REGRESSOR_SKIPS = {
    "check_n_features_in": SERIES_LENGTH,
    "check_n_features_in_after_fitting": SERIES_LENGTH,
    # Also asserts R² > 0.5 on 10-point "series" of unrelated features with 12 neurons; fitting
    # is covered by test_recovers_linear_map_of_features.
    "check_regressors_train": SERIES_LENGTH,
}
BLAS_ORDER = ("a coupled step is one BLAS product for the whole batch, whose blocking depends on "
              "a case's row: reordering cases changes results by about 1 ulp")


def _regressor_skips(est):
    if getattr(est.reservoir, "connectivity", None) == "dense":
        return REGRESSOR_SKIPS | {"check_methods_sample_order_invariance": BLAS_ORDER,
                                  "check_methods_subset_invariance": BLAS_ORDER}
    return REGRESSOR_SKIPS


@parametrize_with_checks(
    [built(cls, n_neurons=12, features="mean+last", random_state=0)
     for cls in (NanowireRegressor, EchoStateRegressor, CoupledNanowireRegressor)],
    expected_failed_checks=_regressor_skips,
)
def test_regressor_sklearn_contract(estimator, check):
    check(estimator)


class TestRegressors:
    @pytest.mark.parametrize("cls", [NanowireRegressor, EchoStateRegressor,
                                     CoupledNanowireRegressor])
    def test_recovers_linear_map_of_features(self, cls):
        rng = np.random.default_rng(0)
        X = rng.uniform(-1, 1, (160, 30)).cumsum(axis=1)
        kw = {"n_neurons": 8, "features": "mean+last", "dtype": "float64", "random_state": 0}
        reservoir = built(cls, **kw).reservoir.fit(X[:120])
        w = rng.standard_normal(16)
        y = reservoir.transform(X) @ w + 3.0
        reg = built(cls, alphas=TINY, **kw).fit(X[:120], y[:120])
        np.testing.assert_allclose(reg.predict(X[120:]), y[120:], rtol=1e-6, atol=1e-6)
        assert reg.score(X[120:], y[120:]) > 0.999999

    def test_multi_output_and_errors(self):
        rng = np.random.default_rng(1)
        X = rng.standard_normal((40, 20))
        Y = np.column_stack([X.mean(axis=1), X[:, -1]])
        reg = built(NanowireRegressor, n_neurons=10, dtype="float64", random_state=0).fit(X, Y)
        assert reg.predict(X).shape == (40, 2)
        assert reg.reservoir_.memory_factor_ < 1
        with pytest.raises(ValueError, match="n_cases"):
            built(NanowireRegressor, n_neurons=5).fit(X, Y[:10])


    @pytest.mark.parametrize(("cls", "extra"), [
        (NanowireRegressor, {"dt_spread": 0.5, "device": Device(variability=0.1,
                                                                  read_noise=0.01)}),
        (CoupledNanowireRegressor, {"dt_spread": 0.3, "device": Device(variability=0.1,
                                                                         state_noise=0.01)}),
        (EchoStateRegressor, {})])
    def test_reservoir_options_reach_the_reservoir(self, cls, extra):
        """The classifiers' options (a time-reversed pass, the difference channel, per-neuron
        time steps, a device model): the regressor is the reservoir's features of those
        options + StandardScaler + RidgeCV, written out here."""
        from sklearn.linear_model import RidgeCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        rng = np.random.default_rng(2)
        X = rng.uniform(-1, 1, (90, 25)).cumsum(axis=1)
        y = X[:, :5].mean(axis=1) - X[:, -5:].mean(axis=1)
        kw = {"n_neurons": 10, "features": "mean+last", "bidirectional": True,
              "difference": True, "random_state": 0, **extra}
        reg = built(cls, **kw).fit(X[:60], y[:60])
        reservoir = built(cls, **kw).reservoir
        reference = make_pipeline(StandardScaler(), RidgeCV(alphas=REGRESSION_ALPHAS,
                                                            gcv_mode="svd"))
        reference.fit(reservoir.fit_transform(X[:60]).astype(np.float64), y[:60])
        expected = reference.predict(reservoir.transform(X[60:]).astype(np.float64))
        np.testing.assert_allclose(reg.predict(X[60:]), expected, rtol=1e-12, atol=1e-12)
        # both passes, each on the series and its difference: 2 x 2 blocks of 10 neurons
        assert reg.reservoir_.transform(X[:2]).shape == (2, 40)
        if "device" in extra:
            assert not reg.reservoir_.device.is_ideal

    def test_presets_are_the_composed_regressor(self):
        """A preset declares nothing of its own: its default reservoir is the reservoir
        class's defaults, and it predicts as the composed form."""
        rng = np.random.default_rng(3)
        X = rng.uniform(-1, 1, (50, 20)).cumsum(axis=1)
        y = X[:, -3:].mean(axis=1)
        for cls, kind in ((NanowireRegressor, NanowireReservoir),
                          (EchoStateRegressor, LeakyTanhReservoir),
                          (CoupledNanowireRegressor, CoupledNanowireReservoir)):
            assert inspect.signature(cls.__init__) == inspect.signature(
                ReservoirRegressor.__init__)
            assert cls._default_reservoir().get_params() == kind().get_params()
            small = kind(n_neurons=8)
            np.testing.assert_array_equal(
                cls(small, random_state=0).fit(X, y).predict(X),
                ReservoirRegressor(small, random_state=0).fit(X, y).predict(X))


class TestExperiment:
    @pytest.mark.parametrize("system", ["mackey-glass", "lorenz63"])
    def test_forecast_experiment_writes_table_and_plots(self, system, tmp_path):
        from nanowire_rc.experiments.forecasting import (
            _write_forecast_results,
            forecast_experiment,
        )

        # 20 neurons: the coupled defaults are certified from there up (docs/forecasting.md)
        result = forecast_experiment(system, n_neurons=20, n_train=400, n_test=60,
                                     n_generate=40, random_state=0)
        assert [r["model"] for r in result["rows"]] == ["nanowire", "nanowire-coupled", "tanh"]
        channels = 1 if system == "mackey-glass" else 3
        assert result["truth"].shape == (60, channels)
        for r in result["rows"]:
            assert r["one_step_nrmse"] < 0.5 and r["valid_time"] >= 0
        paths = _write_forecast_results(result, tmp_path)
        assert {p.suffix for p in paths} == {".csv", ".png", ".pdf"}
        assert all(p.stat().st_size > 0 for p in paths)
        header = paths[1].read_text().splitlines()[0]
        assert header.startswith("t,truth_0") and "tanh_closed_loop_0" in header

    def test_unknown_model(self):
        from nanowire_rc.experiments.forecasting import forecast_experiment

        with pytest.raises(ValueError, match="models"):
            forecast_experiment(models=["lstm"])


def test_forecast_command(tmp_path):
    from click.testing import CliRunner

    from nanowire_rc.cli import main

    result = CliRunner().invoke(main, ["forecast", "--model", "nanowire", "--size", "10",
                                       "--train", "300", "--test", "40", "--generate", "30",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "one-step NRMSE" in result.output
    assert (tmp_path / "forecast_mackey_glass.csv").exists()
    assert (tmp_path / "forecast_mackey_glass.png").exists()
