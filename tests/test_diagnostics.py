"""Memory capacity and NARMA-10 on reservoirs whose answers are known."""

import numpy as np
import pytest

import nanowire_rc as nw
from nanowire_rc.diagnostics import memory_capacity, narma10, narma10_nrmse


class DelayLine:
    """Unit i holds the input of i + 1 steps ago: perfect memory of delays 1..n_units."""

    def __init__(self, n_units):
        self.n_units = n_units

    def fit(self, X):
        return self

    def states(self, X):
        u = np.asarray(X, float)[0]
        out = np.zeros((len(u), self.n_units))
        for i in range(self.n_units):
            out[i + 1:, i] = u[: len(u) - i - 1]
        return out[None]


class LinearUnit:
    """One linear neuron h(t) = a h(t-1) + u(t-1): MC_k = a^(2(k-1)) (1 - a^2), MC = 1."""

    def __init__(self, a):
        self.a = a

    def fit(self, X):
        return self

    def states(self, X):
        u = np.asarray(X, float)[0]
        h = np.zeros(len(u))
        for t in range(1, len(u)):
            h[t] = self.a * h[t - 1] + u[t - 1]
        return h[None, :, None]


class NarmaOracle:
    """States from which y(t+1) is exactly linear: y(t), y(t) * sum, u(t-9) u(t)."""

    def fit(self, X):
        return self

    def states(self, X):
        u = np.asarray(X, float)[0]
        y = np.zeros(len(u))
        feats = np.zeros((len(u), 3))
        for t in range(9, len(u) - 1):
            feats[t] = y[t], y[t] * y[t - 9:t + 1].sum(), u[t - 9] * u[t]
            y[t + 1] = 0.3 * feats[t, 0] + 0.05 * feats[t, 1] + 1.5 * feats[t, 2] + 0.1
        return feats[None]


def test_delay_line_memory_capacity_equals_its_units():
    mc, mc_k = memory_capacity(DelayLine(12), max_delay=30, n_steps=4000)
    assert mc == pytest.approx(12, abs=0.1)
    np.testing.assert_allclose(mc_k[:12], 1, atol=1e-6)
    assert mc_k[12:].max() < 0.01


@pytest.mark.parametrize("a", [0.5, 0.8])
def test_linear_unit_matches_the_closed_form(a):
    mc, mc_k = memory_capacity(LinearUnit(a), max_delay=40, n_steps=20000)
    expected = a ** (2 * np.arange(40)) * (1 - a**2)
    np.testing.assert_allclose(mc_k[:6], expected[:6], atol=0.02)
    assert mc == pytest.approx(1.0, abs=0.03)


def test_narma_pipeline_is_aligned():
    assert narma10_nrmse(NarmaOracle(), n_steps=2000) < 1e-4
    u, y = narma10(3000)
    assert u.min() >= 0 and u.max() <= 0.5 and np.all(np.isfinite(y)) and y.max() < 1.5


def test_real_reservoirs_have_sensible_diagnostics():
    res = nw.LeakyTanhReservoir(n_neurons=50, random_state=0, dtype="float64")
    mc, _ = memory_capacity(res, max_delay=60, n_steps=3000)
    assert 1 < mc <= 50
    nrmse = narma10_nrmse(nw.NanowireReservoir(n_neurons=30, random_state=0), n_steps=2000)
    assert 0 < nrmse < 1.0  # better than predicting the mean


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_delay"):
        memory_capacity(DelayLine(2), max_delay=0)
