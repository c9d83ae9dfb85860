"""Delay lines: the forecasters' delayed and quadratic readout features, and the delay line
before a reservoir (checked against loops, hand-made copies and a task it alone solves)."""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.delays import DelayLine, _n_input_features, input_features
from nanowire_rc.exceptions import InvalidInputError, InvalidParameterError
from nanowire_rc.forecasting import CoupledNanowireForecaster, NanowireForecaster
from nanowire_rc.generators import mackey_glass
from nanowire_rc.metrics import nrmse


def test_features_against_a_loop():
    rng = np.random.default_rng(0)
    U = rng.random((30, 2))
    F = input_features(U, True, n_delays=3, delay_step=2, quadratic=True)
    assert F.shape == (30, _n_input_features(2, True, 3, True))
    for t in range(30):
        z = []
        for k in range(4):  # lag 0, 2, 4, 6; before the start: the first value
            z += list(U[max(t - 2 * k, 0)])
        quad = [z[i] * z[j] for i in range(len(z)) for j in range(i, len(z))]
        np.testing.assert_array_equal(F[t], z + quad)
    assert input_features(U, False).shape == (30, 0)


def test_a_delayed_series_is_forecast_exactly():
    """y(t+1) = y(t-5): only a copy 5 steps back predicts it; the uncoupled reservoir's
    first-order neurons alone do not."""
    rng = np.random.default_rng(1)
    y = np.empty(600)
    y[:6] = rng.random(6)
    for t in range(6, 600):
        y[t] = y[t - 6]
    y += 1e-3 * rng.random(600)  # not exactly periodic
    reservoir = nw.NanowireReservoir(n_neurons=20, dtype="float64")
    kw = dict(washout=20, random_state=0)
    with_line = NanowireForecaster(reservoir, n_delays=5, delay_step=1, quadratic=False,
                                   **kw).fit(y[:400])
    without = NanowireForecaster(reservoir, n_delays=0, quadratic=False, **kw).fit(y[:400])
    err = np.abs(with_line.predict(y)[400:-1] - y[401:]).max()
    assert err < 5e-3
    assert np.abs(without.predict(y)[400:-1] - y[401:]).max() > 10 * err


def test_closed_loop_reads_the_same_features_as_teacher_forcing():
    y = mackey_glass(700, discard=300)
    fc = CoupledNanowireForecaster(nw.CoupledNanowireReservoir(n_neurons=30, dtype="float64"),
                                   n_delays=4, delay_step=3, quadratic=True,
                                   random_state=0).fit(y[:500])
    # generating one step from a warmup equals the teacher-forced forecast at its end
    for end in (5, 200):  # shorter and longer than the delay line
        first = fc.generate(1, warmup=y[:end])[0]
        assert first == pytest.approx(fc.predict(y[:end])[-1], rel=1e-10)
    # and a closed loop fed the truth would be teacher forcing: check two steps by hand
    gen = fc.generate(2, warmup=y[:300])
    step2 = fc.predict(np.append(y[:300], gen[0]))[-1]
    assert gen[1] == pytest.approx(step2, rel=1e-8)


def test_no_delay_line_ignores_the_step():
    y = mackey_glass(500, discard=300)
    reservoir = nw.CoupledNanowireReservoir(n_neurons=20, dtype="float64")
    a = CoupledNanowireForecaster(reservoir, random_state=0, n_delays=0,
                                  quadratic=False).fit(y[:400])
    b = CoupledNanowireForecaster(reservoir, random_state=0, n_delays=0, delay_step=7,
                                  quadratic=False).fit(y[:400])
    np.testing.assert_array_equal(a.predict(y), b.predict(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(a.generate(50), b.generate(50))


def test_auto_refits_the_choice_its_held_out_fifth_prefers():
    """quadratic="auto" equals the explicit choice bit for bit, and chooses what a hand-made
    split of the training series (first four fifths fitted, last fifth run in closed loop)
    prefers."""
    y = mackey_glass(700, discard=300)
    reservoir = nw.CoupledNanowireReservoir(n_neurons=30, dtype="float64")
    auto = CoupledNanowireForecaster(reservoir, random_state=0).fit(y[:500])
    assert auto.validation_ is not None and set(auto.validation_) == {False, True}
    explicit = CoupledNanowireForecaster(reservoir, quadratic=auto.quadratic_,
                                         random_state=0).fit(y[:500])
    np.testing.assert_array_equal(auto.predict(y), explicit.predict(y))
    np.testing.assert_array_equal(auto.generate(30), explicit.generate(30))
    scale = y[:400].std()
    for quadratic, record in auto.validation_.items():
        part = CoupledNanowireForecaster(reservoir, quadratic=quadratic,
                                         random_state=0).fit(y[:400])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen = part.generate(100)
        error = np.abs(gen - y[400:500]) / scale
        valid = int(np.argmax(~(error <= 0.4))) if np.any(~(error <= 0.4)) else 100
        assert record["valid_steps"] == valid
        forced = part.predict(y[:500])[399:-1]
        assert record["nrmse"] == pytest.approx(nrmse(y[400:500], forced, scale=scale),
                                                rel=1e-9)
    best = max(auto.validation_, key=lambda q: (auto.validation_[q]["valid_steps"],
                                                -auto.validation_[q]["nrmse"]))
    assert auto.quadratic_ == best


def test_auto_beyond_one_step_decides_by_the_teacher_forced_error():
    y = mackey_glass(800, discard=300)
    fc = NanowireForecaster(nw.NanowireReservoir(n_neurons=20, dtype="float64"), horizon=3,
                            random_state=0).fit(y[:600])
    assert {r["valid_steps"] for r in fc.validation_.values()} == {0}  # no closed loop
    assert fc.quadratic_ == min(fc.validation_, key=lambda q: fc.validation_[q]["nrmse"])


def test_auto_trials_and_fit_draw_one_reservoir_whatever_the_seed():
    """A seed that is not an integer becomes one integer, used by the trial fits and the final
    fit alike: the same forecasts as that integer given directly."""
    y = mackey_glass(600, discard=300)
    reservoir = nw.NanowireReservoir(n_neurons=15, dtype="float64")
    seed = np.random.RandomState(3).randint(2**31 - 1)  # the one draw quadratic=True would take
    drawn = NanowireForecaster(reservoir, random_state=np.random.RandomState(3)).fit(y)
    given = NanowireForecaster(reservoir, random_state=int(seed)).fit(y)
    np.testing.assert_array_equal(drawn.predict(y), given.predict(y))
    assert drawn.validation_ == given.validation_


def test_auto_with_a_reservoir_seed_sequence_is_reproducible():
    """A SeedSequence is reusable (each fit copies it): "auto" keeps the reservoir's own seed,
    and two fits agree."""
    y = mackey_glass(500, discard=300)
    reservoir = nw.NanowireReservoir(n_neurons=10, dtype="float64",
                                     random_state=np.random.SeedSequence(3))
    fits = [NanowireForecaster(reservoir).fit(y) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].predict(y), fits[1].predict(y))
    assert fits[0]._fit_seed() is None


def test_auto_leaves_out_monomials_that_would_outnumber_the_rows():
    Y = np.random.default_rng(0).random((400, 6))  # 6 x 13 linear features: 3081 monomials
    fc = NanowireForecaster(nw.NanowireReservoir(n_neurons=10, dtype="float64"),
                            random_state=0).fit(Y)
    assert set(fc.validation_) == {False} and fc.quadratic_ is False


def test_auto_fits_a_series_whose_last_fifth_leaves_the_range_of_the_rest():
    """The trial fits see the held-out fifth beyond their range; with out_of_range="raise" the
    forecaster still fits (the trials only warn), and refuses such values only at predict."""
    y = np.linspace(0.0, 1.0, 300) ** 4
    fc = NanowireForecaster(nw.NanowireReservoir(n_neurons=10, dtype="float64"),
                            out_of_range="raise", random_state=0).fit(y)
    assert set(fc.validation_) == {False, True}
    with pytest.raises(InvalidInputError, match="training range"):
        fc.predict(3 * y)


def test_auto_without_room_to_hold_out_keeps_the_linear_features():
    y = mackey_glass(110, discard=300)
    fc = NanowireForecaster(nw.NanowireReservoir(n_neurons=10, dtype="float64"),
                            random_state=0).fit(y)  # 100 washout steps leave no fifth to fit
    assert fc.validation_ is None and fc.quadratic_ is False


@pytest.mark.parametrize("kw, match", [
    ({"n_delays": -1}, "n_delays"), ({"delay_step": 0}, "delay_step"),
    ({"quadratic": "yes"}, "quadratic"), ({"quadratic": "AUTO"}, "quadratic"),
    ({"n_delays": 2.5}, "n_delays"),
])
def test_bad_delay_options_are_refused(kw, match):
    with pytest.raises(nw.InvalidParameterError, match=match):
        NanowireForecaster(nw.NanowireReservoir(n_neurons=5), **kw).fit(
            np.random.default_rng(0).random(300))


# --------------------------------------------------------------- a delay line before a reservoir
def test_delay_line_against_a_loop():
    X = np.random.default_rng(0).random((3, 2, 20))
    out = DelayLine(n_delays=3, delay_step=2).fit_transform(X)
    assert out.shape == (3, 8, 20)
    for i, c, k, t in itertools.product(range(3), range(2), range(4), range(20)):
        assert out[i, c + 2 * k, t] == X[i, c, max(t - 2 * k, 0)]


def test_delay_line_keeps_each_case_within_its_length():
    cases = [np.arange(1.0, 8.0), np.arange(10.0, 14.0)]
    line = DelayLine(n_delays=2, delay_step=3).fit(cases)
    out = line.transform(cases)
    assert isinstance(out, list) and [o.shape for o in out] == [(3, 7), (3, 4)]
    for case, got in zip(cases, out, strict=True):
        np.testing.assert_array_equal(got, line.transform(case[None])[0])


def test_delay_line_tells_echo_lags_apart_where_the_reservoir_alone_cannot():
    """Classes differ only in the lag of an echo, 20 or 16 steps: the pooled states of
    first-order neurons blur it (chance), the delayed copies as channels resolve it. The
    pipeline equals the classifier fitted on the copies made by hand."""
    rng = np.random.default_rng(0)

    def echoes(n):
        e, y = rng.standard_normal((n, 150)), rng.integers(0, 2, n)
        late = np.where(y[:, None] == 1, e[:, :-20], e[:, 4:-16])
        return (e[:, 20:] + late) / np.sqrt(2), y

    (X, y), (X_test, y_test) = echoes(200), echoes(200)
    reservoir = classification_reservoir(nw.NanowireReservoir, n_neurons=50, random_state=0)
    plain = nw.ReservoirClassifier(reservoir).fit(X, y).score(X_test, y_test)
    piped = make_pipeline(DelayLine(n_delays=10, delay_step=2), nw.ReservoirClassifier(reservoir))
    assert plain < 0.65 < 0.95 < piped.fit(X, y).score(X_test, y_test)
    by_hand = np.stack([np.concatenate([x[None]] + [np.concatenate([np.full(2 * k, x[0]),
                                                                     x[:-2 * k]])[None]
                                                    for k in range(1, 11)]) for x in X])
    direct = nw.ReservoirClassifier(reservoir).fit(by_hand, y)
    np.testing.assert_array_equal(piped.decision_function(X),
                                  direct.decision_function(by_hand))


def test_delay_line_in_a_grid_search_and_its_errors():
    X = np.random.default_rng(1).random((12, 40))
    y = X[:, -5]
    reservoir = nw.NanowireReservoir(n_neurons=8, features="last", random_state=0)
    search = GridSearchCV(make_pipeline(DelayLine(), nw.ReservoirRegressor(reservoir)),
                          {"delayline__n_delays": [0, 2]}, cv=2).fit(X, y)
    assert search.best_params_["delayline__n_delays"] in (0, 2)
    line = clone(DelayLine(n_delays=1)).fit(X)
    with pytest.raises(InvalidInputError, match="fitted with 1"):
        line.transform(np.zeros((2, 3, 40)))
    with pytest.raises(InvalidParameterError, match="delay_step"):
        DelayLine(delay_step=0).fit(X)
