"""Delay-line and quadratic readout features of the forecasters."""

import warnings

import numpy as np
import pytest

import nanowire_rc as nw
from nanowire_rc.delays import input_features, n_input_features
from nanowire_rc.forecasting import CoupledNanowireForecaster, NanowireForecaster
from nanowire_rc.generators import mackey_glass


def test_features_against_a_loop():
    rng = np.random.default_rng(0)
    U = rng.random((30, 2))
    F = input_features(U, True, n_delays=3, delay_step=2, quadratic=True)
    assert F.shape == (30, n_input_features(2, True, 3, True))
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
    with_line = NanowireForecaster(reservoir, n_delays=5, **kw).fit(y[:400])
    without = NanowireForecaster(reservoir, **kw).fit(y[:400])
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


def test_default_off_is_bit_identical_to_no_delays():
    y = mackey_glass(500, discard=300)
    reservoir = nw.CoupledNanowireReservoir(n_neurons=20, dtype="float64")
    a = CoupledNanowireForecaster(reservoir, random_state=0).fit(y[:400])
    b = CoupledNanowireForecaster(reservoir, random_state=0, n_delays=0, delay_step=7,
                                  quadratic=False).fit(y[:400])
    np.testing.assert_array_equal(a.predict(y), b.predict(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(a.generate(50), b.generate(50))


@pytest.mark.parametrize("kw, match", [
    ({"n_delays": -1}, "n_delays"), ({"delay_step": 0}, "delay_step"),
    ({"quadratic": "yes"}, "quadratic"), ({"n_delays": 2.5}, "n_delays"),
])
def test_bad_delay_options_are_refused(kw, match):
    with pytest.raises(nw.InvalidParameterError, match=match):
        NanowireForecaster(nw.NanowireReservoir(n_neurons=5), **kw).fit(
            np.random.default_rng(0).random(300))
