"""The reservoirs' representations against plain re-computations: a time-reversed pass, the
input's first difference, per-neuron time steps, and the standard deviation over time."""

import numpy as np
import pytest

import nanowire_rc as nw
from nanowire_rc.kernels.device import run_nanowire_device


@pytest.fixture(scope="module")
def ragged():
    rng = np.random.default_rng(3)
    return [rng.random((2, n)) for n in (15, 31, 22, 9)]


RESERVOIRS = [
    lambda **kw: nw.NanowireReservoir(n_neurons=6, input_scaling=0.5, **kw),
    lambda **kw: nw.LeakyTanhReservoir(n_neurons=6, **kw),
    lambda **kw: nw.CoupledNanowireReservoir(n_neurons=6, **kw),
]


@pytest.mark.parametrize("make", RESERVOIRS)
def test_bidirectional_appends_the_pass_over_each_series_read_backwards(make, ragged):
    common = {"features": "mean+last+windows+std", "n_windows": 3, "random_state": 0,
              "dtype": "float64"}
    both = make(bidirectional=True, **common).fit(ragged)
    forward = make(**common).fit(ragged)
    backwards = [s[:, ::-1] for s in ragged]
    F = both.transform(ragged)
    assert F.shape == (4, both.n_features_out_) == (4, 2 * forward.n_features_out_)
    fwd, bwd = forward.pool(ragged), forward.pool(backwards)  # the same weights, fitted alike
    pooled = both.pool(ragged)
    for name in ("mean", "last", "std"):
        np.testing.assert_allclose(getattr(pooled, name),
                                   np.hstack([getattr(fwd, name), getattr(bwd, name)]),
                                   rtol=1e-12)
    np.testing.assert_allclose(pooled.windows, np.concatenate([fwd.windows, bwd.windows], 2),
                               rtol=1e-12)
    names = both.get_feature_names_out()
    assert len(names) == F.shape[1] and "mean_reversed0" in names


@pytest.mark.parametrize("make", RESERVOIRS)
def test_difference_is_the_same_reservoir_fed_the_differences_as_channels(make, ragged):
    with_diff = [np.vstack([s, np.diff(s, prepend=s[:, :1], axis=1)]) for s in ragged]
    a = make(difference=True, random_state=1, dtype="float64").fit(ragged)
    b = make(random_state=1, dtype="float64").fit(with_diff)
    assert a.n_channels_ == 2 and a.n_inputs_ == 4 == b.n_channels_
    np.testing.assert_array_equal(a.input_weights_, b.input_weights_)
    np.testing.assert_allclose(a.transform(ragged), b.transform(with_diff), rtol=1e-12)
    with pytest.raises(ValueError, match="fitted with 2"):
        a.transform(with_diff)


def test_dt_spread_gives_each_neuron_its_own_time_step(ragged):
    res = nw.NanowireReservoir(n_neurons=5, input_scaling=0.5, dt_spread=1.0, random_state=2,
                               dtype="float64").fit(ragged)
    factor = res.time_steps_ / res.dt
    assert res.device_constants_ is None
    assert factor.min() >= 0.1 and factor.max() <= 10 and np.ptp(np.log10(factor)) > 0.5
    states = res.states(ragged)
    scaled = res._scale(res._batch(ragged))
    for n in range(5):
        alone = nw.kernels.run_nanowire(scaled, res.input_weights_[n:n + 1], res.dt * factor[n],
                                return_states=True, dtype="float64").states[..., 0]
        np.testing.assert_allclose(states[..., n], alone, rtol=1e-12, atol=1e-15)
    # The guarantee is checked neuron by neuron, with each neuron's own step.
    rho = nw.stability.memory_factor_voltage(0.0, res.input_weights_.sum(axis=1), res.dt * factor)
    assert res.memory_factor_ == pytest.approx(float(np.max(rho)), rel=1e-9)
    zero = nw.NanowireReservoir(n_neurons=5, input_scaling=0.5, dt_spread=0.0,
                                random_state=2).fit(ragged)
    assert zero.time_steps_ is None
    # A device's constants carry the factor: the same neuron through the device kernel.
    dev = nw.NanowireReservoir(n_neurons=5, input_scaling=0.5, dt_spread=1.0, random_state=2,
                               dtype="float64",
                               device=nw.Device(read_noise=1e-6)).fit(ragged)
    np.testing.assert_allclose(dev.device_constants_.kappa_d0 / nw.NanowireParams().kappa_d0,
                               dev.time_steps_ / dev.dt, rtol=1e-6)
    with pytest.raises(nw.UnstableReservoirError, match="dt_spread"):
        nw.NanowireReservoir(n_neurons=50, input_scaling=1.5, dt=0.5, dt_spread=1.0,
                             random_state=0).fit(ragged)
    with pytest.raises(ValueError, match="dt_spread"):
        nw.NanowireReservoir(dt_spread=-1.0).fit(ragged)


def test_std_feature_is_the_standard_deviation_of_the_states(ragged):
    res = nw.NanowireReservoir(n_neurons=4, input_scaling=0.5, features="std", washout=2,
                               dtype="float64", random_state=0).fit(ragged)
    F, S = res.transform(ragged), res.states(ragged)
    for i, s in enumerate(ragged):
        np.testing.assert_allclose(F[i], S[i, 2:s.shape[1]].std(axis=0), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_device_std_equals_the_standard_deviation_of_the_reads(backend):
    X = np.random.default_rng(0).random((3, 25))
    device = nw.Device(state_noise=0.02, read_noise=0.01, adc_bits=8)
    out = run_nanowire_device(X, [0.5, 0.8], 0.1, device, random_state=0, std=True,
                              return_states=True, dtype="float64", backend=backend)
    np.testing.assert_allclose(out.std, out.states.std(axis=1), rtol=1e-9, atol=1e-12)
