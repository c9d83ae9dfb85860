"""Non-ideal devices: constants per neuron, noise, quantisation, window; kernels vs references."""

import numpy as np
import pytest
from scipy import stats

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.device import (
    MILANO2021_PULSE,
    MILANO2021_RESERVOIR,
    TABLE2,
    Device,
    DeviceConstants,
    device_memory_factor,
    quantise_voltage,
)
from nanowire_rc.kernels.device import run_coupled_nanowire_device, run_nanowire_device
from nanowire_rc.kernels.streams import _normal_draws, case_seeds
from nanowire_rc.stability import device_contraction_bound, memory_factor_voltage

FIELDS = ("last", "mean", "windows", "states")
# Spread of the kappas and the window only: eta_p / eta_d stays 10, so most tests share one
# compiled kernel (tests with a spread of eta use the two-exp kernel explicitly).
FULL = Device(variability={"kappa_p0": 0.1, "kappa_d0": 0.1, "g_min": 0.1, "g_max": 0.1},
              read_noise=0.03, state_noise=0.01, noise_correlation_time=0.4, voltage_step=0.01,
              g_min=1e-4, g_max=3e-4)


def batch(seed=0, n=9, t=40, n_neurons=12):
    rng = np.random.default_rng(seed)
    X = rng.random((n, t))
    lengths = rng.integers(t // 2, t + 1, n)
    lengths[0] = t
    return X, lengths, rng.uniform(0.3, 0.8, n_neurons)


def run(X, w, device, **kw):
    kw.setdefault("random_state", 5)
    kw.setdefault("dtype", "float64")
    return run_nanowire_device(X, w, 0.1, device, return_states=True, n_windows=3, **kw)


# --- the Device description ---------------------------------------------------------------

@pytest.mark.parametrize("kwargs, field", [
    ({"read_noise": -0.1}, "read_noise"), ({"voltage_step": float("nan")}, "voltage_step"),
    ({"variability": {"kappa": 0.1}}, "variability"), ({"adc_bits": 0}, "adc_bits"),
    ({"g_min": 2.0, "g_max": 1.0}, "g_max"), ({"noise_correlation_time": -1}, "noise_corr"),
])
def test_invalid_devices_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        Device(**kwargs)


def test_device_is_frozen_hashable_and_knows_when_it_is_ideal():
    assert Device().is_ideal and not FULL.is_ideal
    assert not Device(g_max=2.0).is_ideal and not Device(adc_bits=8).is_ideal
    d = Device(variability={"eta_p": 0.1})
    assert d.spread("eta_p") == 0.1 and d.spread("kappa_d0") == 0.0
    assert hash(d) == hash(Device(variability={"eta_p": 0.1}))
    with pytest.raises(AttributeError):
        d.read_noise = 0.2


def test_presets_carry_the_published_constants():
    assert TABLE2 == nw.NanowireParams()
    assert (MILANO2021_RESERVOIR.kappa_p0, MILANO2021_RESERVOIR.kappa_d0) == (2.555e-6, 64.88)
    assert (MILANO2021_RESERVOIR.eta_p, MILANO2021_RESERVOIR.eta_d) == (34.92, 5.59)
    assert (MILANO2021_PULSE.kappa_p0, MILANO2021_PULSE.kappa_d0) == (8.42e-10, 0.0487)
    assert (MILANO2021_PULSE.eta_p, MILANO2021_PULSE.eta_d) == (0.200, 158.0)


def test_draw_laws_mean_and_physical_truncation():
    c = Device(variability=0.2).draw(40000, TABLE2, random_state=0)
    assert np.mean(c.kappa_p0) == pytest.approx(1e-4, rel=0.01)  # log-normal, mean kept
    assert np.std(np.log(c.kappa_d0)) == pytest.approx(0.2, rel=0.02)
    assert np.mean(c.eta_p) == pytest.approx(10.0, rel=0.01)
    assert np.all(np.abs(c.eta_p / 10 - 1) <= 0.6 + 1e-12)  # truncated at 3 sigma
    wide = Device(variability=0.9, g_min=0.5, g_max=1.0).draw(5000, random_state=1)
    assert np.all(wide.eta_d > 0) and np.all(wide.g_min >= 0)
    assert np.all(wide.g_max > wide.g_min)
    same = Device(variability={"eta_p": 0.1}).draw(50, random_state=2)
    assert np.all(same.kappa_p0 == 1e-4) and np.ptp(same.eta_p) > 0
    again = Device(variability={"eta_p": 0.1}).draw(50, random_state=2)
    np.testing.assert_array_equal(same.eta_p, again.eta_p)


def test_memory_factor_per_neuron_is_the_closed_form_of_each_neuron():
    c = Device(variability=0.15).draw(7, random_state=3)
    v_lo, v_hi = np.zeros(7), np.linspace(0.3, 1.0, 7)
    for method in ("euler", "exact"):
        rho = device_memory_factor(v_lo, v_hi, 0.1, c, method)
        truth = [memory_factor_voltage(v_lo[n], v_hi[n], 0.1, c.params(n), method)
                 for n in range(7)]
        np.testing.assert_allclose(rho, truth, rtol=1e-12)


# --- the generator ------------------------------------------------------------------------

def test_noise_is_standard_normal_and_the_pair_is_independent():
    seeds = np.arange(400, dtype=np.uint64) * np.uint64(2654435761)
    a, b = _normal_draws(seeds, 250, 7)
    for z in (a, b):
        assert abs(z.mean()) < 0.01 and z.std() == pytest.approx(1, abs=0.01)
        assert stats.kstest(z.ravel(), "norm").pvalue > 0.01
    assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.01
    a32, _ = _normal_draws(seeds[:40], 25, 7, np.float32)
    np.testing.assert_allclose(a32, a[:40, :25], atol=2e-6)


# --- kernels ------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_ideal_device_is_bit_identical_to_the_ideal_kernel(backend):
    X, lengths, w = batch()
    ref = nw.kernels.run_nanowire(X, w, 0.1, lengths=lengths, n_windows=3, return_states=True,
                          backend=backend)
    for device in (None, Device()):
        out = run_nanowire_device(X, w, 0.1, device, lengths=lengths, n_windows=3,
                                  return_states=True, backend=backend, random_state=1)
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(out, f), getattr(ref, f))


@pytest.mark.parametrize("dtype, tol", [("float64", 1e-12), ("float32", 2e-6)])
def test_device_kernel_with_everything_off_computes_the_ideal_neuron(dtype, tol):
    X, lengths, w = batch(1)
    ref = nw.kernels.run_nanowire(X, w, 0.1, lengths=lengths, n_windows=3, return_states=True,
                          dtype=dtype)
    out = run(X, w, Device(), lengths=lengths, force_device_kernel=True, dtype=dtype)
    for f in FIELDS:
        np.testing.assert_allclose(getattr(out, f), getattr(ref, f), rtol=tol, atol=tol)


@pytest.mark.parametrize("device", [
    FULL,
    Device(variability=0.1, read_noise=0.05, state_noise=0.02),  # every constant spread
    Device(variability={"g_max": 0.1}, adc_bits=6, read_noise=0.01),  # one noise stream, ADC
])
def test_compiled_kernel_matches_the_numpy_reference(device):
    X, lengths, w = batch(2)
    a = run(X, w, device, lengths=lengths)
    b = run(X, w, device, lengths=lengths, backend="numpy")
    window = device.window
    if device.adc_bits is None:
        for f in FIELDS:
            np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-10,
                                       atol=1e-12 * window)
    else:  # a value on a rounding boundary may land one level apart; almost never does
        step = window / (2 ** device.adc_bits - 1)
        diff = np.abs(a.states - b.states)
        assert diff.max() <= step * 1.001 and np.mean(diff > 1e-12 * window) < 0.01


def test_float32_kernel_matches_the_float32_reference():
    X, lengths, w = batch(3)
    a = run(X, w, FULL, lengths=lengths, dtype="float32")
    b = run(X, w, FULL, lengths=lengths, dtype="float32", backend="numpy")
    for f in FIELDS:
        np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-4,
                                   atol=1e-5 * FULL.window)


def test_noise_is_reproducible_seeded_and_independent_of_threads():
    X, lengths, w = batch(4)
    a = run(X, w, FULL, lengths=lengths, n_jobs=1)
    b = run(X, w, FULL, lengths=lengths, n_jobs=2)
    c = run(X, w, FULL, lengths=lengths, random_state=6)
    np.testing.assert_array_equal(a.states, b.states)
    assert np.abs(a.states - c.states).max() > 0
    rs = np.random.RandomState(0)
    d = run(X, w, FULL, lengths=lengths, random_state=np.random.RandomState(0))
    e = run(X, w, FULL, lengths=lengths, random_state=rs)
    np.testing.assert_array_equal(d.states, e.states)


def test_noise_follows_the_series_not_its_position_in_the_batch():
    X, _, w = batch(14)
    a = run(X, w, FULL)
    order = np.random.default_rng(0).permutation(len(X))
    b = run(X[order], w, FULL)
    np.testing.assert_array_equal(a.states[order], b.states)
    # equal series get equal noise; different series (a train and a test set) do not
    s = case_seeds(np.stack([X[0], X[0], X[1]])[:, None, :], np.full(3, X.shape[1]), 5)
    assert s[0] == s[1] != s[2]


def test_window_maps_states_to_conductances():
    X, lengths, w = batch(5)
    h = nw.kernels.run_nanowire(X, w, 0.1, lengths=lengths, return_states=True,
                                dtype="float64").states
    g = run(X, w, Device(g_min=2e-4, g_max=7e-4), lengths=lengths).states
    mask = np.arange(X.shape[1])[None, :] < lengths[:, None]
    np.testing.assert_allclose(g[mask], (2e-4 + 5e-4 * h)[mask], rtol=1e-12)


def test_dac_step_equals_the_ideal_neuron_on_quantised_voltages():
    X, lengths, _ = batch(6)
    w = np.ones(5)  # v = x: quantising the voltage is quantising the input
    out = run(X, w, Device(voltage_step=0.05), lengths=lengths)
    ref = nw.kernels.run_nanowire(quantise_voltage(X, 0.05), w, 0.1, lengths=lengths,
                          return_states=True, dtype="float64", n_windows=3)
    np.testing.assert_allclose(out.states, ref.states, rtol=1e-12, atol=1e-15)


def test_adc_output_lies_on_its_levels_and_saturates():
    X, lengths, w = batch(7)
    d = Device(adc_bits=3, read_noise=0.3, g_min=1.0, g_max=2.0)
    g = run(X, w, d, lengths=lengths).states
    mask = np.arange(X.shape[1])[None, :] < lengths[:, None]
    levels = (g[mask] - 1.0) * 7
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-9)
    assert levels.min() >= -1e-9 and levels.max() <= 7 + 1e-9
    assert np.any(np.isclose(levels, 0)) and np.any(np.isclose(levels, 7))


def test_read_noise_has_the_ou_variance_and_correlation_and_leaves_dynamics_alone():
    rng = np.random.default_rng(8)
    X = rng.random((60, 300))
    w = np.full(40, 0.6)
    tau, sigma = 0.5, 0.05
    clean = run(X, w, Device(), force_device_kernel=True).states
    noisy = run(X, w, Device(read_noise=sigma, noise_correlation_time=tau)).states
    eps = noisy - clean
    assert eps.std() == pytest.approx(sigma, rel=0.03)
    lag1 = np.mean(eps[:, 1:] * eps[:, :-1]) / eps.var()
    assert lag1 == pytest.approx(np.exp(-0.1 / tau), abs=0.02)
    white = run(X, w, Device(read_noise=sigma)).states - clean
    assert abs(np.mean(white[:, 1:] * white[:, :-1]) / white.var()) < 0.02


def test_state_noise_keeps_states_in_the_unit_interval_and_echo_states_hold():
    X, _, w = batch(9, t=200)
    d = Device(state_noise=0.2)
    a = run(X, w, d, h0=0.0).states
    b = run(X, w, d, h0=1.0).states
    assert a.min() >= 0 and a.max() <= 1
    # same input, same noise realisation: the initial state is forgotten (memory factor < 1)
    assert np.abs(a - b)[:, -1].max() < 1e-6


def test_unstable_devices_are_refused():
    X, _, _ = batch(10)
    c = Device(variability={"eta_p": 0.1}).draw(3, random_state=0)
    hot = DeviceConstants(c.kappa_p0, c.kappa_d0, np.array([10.0, 10.0, 16.0]), c.eta_d,
                          c.g_min, c.g_max)
    with pytest.raises(nw.UnstableReservoirError, match="device 2"):
        run_nanowire_device(X, np.full(3, 1.0), 0.1, Device(variability=0.1), hot)


# --- wiring into the estimators (skipped until the reservoirs take device=) --------------------

needs_wiring = pytest.mark.skipif("device" not in nw.NanowireReservoir().get_params(),
                                  reason="reservoirs do not take device= yet")


@needs_wiring
def test_reservoir_with_ideal_device_is_bit_identical():
    X, _, _ = batch(11)
    a = nw.NanowireReservoir(n_neurons=20, random_state=0).fit_transform(X)
    b = nw.NanowireReservoir(n_neurons=20, device=Device(), random_state=0).fit_transform(X)
    np.testing.assert_array_equal(a, b)


@needs_wiring
def test_reservoir_with_a_device_is_reproducible_and_differs_from_the_ideal():
    X, _, _ = batch(12)
    res = nw.NanowireReservoir(n_neurons=20, device=FULL, random_state=0)
    a = res.fit_transform(X)
    b = nw.NanowireReservoir(n_neurons=20, device=FULL, random_state=0).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(res.transform(X), a)
    ideal = nw.NanowireReservoir(n_neurons=20, random_state=0).fit_transform(X)
    assert np.abs(a - ideal).max() > 0
    assert res.memory_factor_ < 1


@needs_wiring
def test_classifier_accepts_a_device():
    X, _, _ = batch(13, n=30)
    y = np.repeat([0, 1, 2], 10)
    clf = nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=10,
                                                         device=Device(read_noise=0.01)),
                                random_state=0)
    assert clf.fit(X, y).predict(X).shape == (30,)


# --- coupled networks of devices -------------------------------------------------------------

def coupled_setup(seed=15, n_neurons=10):
    rng = np.random.default_rng(seed)
    X, lengths, _ = batch(seed, t=30)
    w_in = rng.uniform(0.3, 0.8, n_neurons)
    rec = rng.uniform(-1, 1, (n_neurons, n_neurons))
    rec *= 0.05 / np.abs(rec).sum(axis=1).max()
    return X, lengths, w_in, rec, rng.uniform(-0.1, 0.1, n_neurons)


@pytest.mark.parametrize("voltage_map", [(0.0, 1.0, 1.0)])
def test_coupled_device_kernel_with_everything_off_is_the_coupled_network(voltage_map):
    X, lengths, w_in, rec, bias = coupled_setup()
    kw = dict(bias=bias, voltage_map=voltage_map, lengths=lengths, return_states=True,
              dtype="float64", n_windows=2)
    ref = nw.kernels.run_coupled_nanowire(X, w_in, rec, 0.1, **kw)
    out = run_coupled_nanowire_device(X, w_in, rec, 0.1, Device(), random_state=0, **kw)
    for f in FIELDS:
        np.testing.assert_allclose(getattr(out, f), getattr(ref, f), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("device", [FULL, Device(read_noise=0.02, voltage_step=0.02)])
def test_coupled_device_kernel_matches_its_numpy_reference(device):
    X, lengths, w_in, rec, bias = coupled_setup(16)
    kw = dict(bias=bias, voltage_map=(0.0, 1.0, 1.0), lengths=lengths, return_states=True,
              dtype="float64", n_windows=2, random_state=3)
    a = run_coupled_nanowire_device(X, w_in, rec, 0.1, device, **kw)
    b = run_coupled_nanowire_device(X, w_in, rec, 0.1, device, backend="numpy", **kw)
    for f in FIELDS:
        np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-10,
                                   atol=1e-12 * device.window)


def test_coupled_bound_per_device_is_the_stability_bound_of_each_device():
    from nanowire_rc.stability import coupled_contraction_bound

    c = Device(variability=0.1).draw(5, random_state=4)
    v_lo, v_hi = np.zeros(5), np.linspace(0.5, 1.0, 5)
    rows, gains = np.full(5, 0.1), np.full(5, 0.25)
    bound, inv = device_contraction_bound(v_lo, v_hi, 0.1, rows, gains, 1.0, c)
    for n in range(5):
        b, i = coupled_contraction_bound(v_lo[n], v_hi[n], 0.1, rows[n], gains[n], 1.0,
                                         c.params(n))
        assert bound[n] == pytest.approx(float(b), rel=1e-12) and inv[n] == bool(i)


needs_coupled_wiring = pytest.mark.skipif(
    "device" not in nw.CoupledNanowireReservoir().get_params(),
    reason="the coupled reservoir does not take device= yet")


@needs_coupled_wiring
def test_coupled_reservoir_with_devices():
    X, _, _ = batch(17)
    kw = {"n_neurons": 15, "dtype": "float64", "random_state": 0}  # kernels compiled above
    ideal = nw.CoupledNanowireReservoir(**kw).fit_transform(X)
    same = nw.CoupledNanowireReservoir(device=Device(), **kw).fit_transform(X)
    np.testing.assert_array_equal(ideal, same)
    res = nw.CoupledNanowireReservoir(device=FULL, **kw)
    a = res.fit_transform(X)
    np.testing.assert_array_equal(res.transform(X), a)
    assert np.abs(a - ideal).max() > 0 and res.contraction_bound_ < 1
    y = np.repeat([0, 1, 2], 3)
    small = nw.CoupledNanowireReservoir(device=FULL, n_neurons=15, dtype="float64")
    clf = nw.classifiers.CoupledNanowireClassifier(small, random_state=0).fit(X, y)
    assert clf.predict(X).shape == (9,)


@needs_wiring
def test_robustness_experiment_rows_and_summary():
    from nanowire_rc.experiments.robustness import robustness_rows, summarise_robustness

    levels = {"variability": (0.0,), "read_noise": (0.05,)}
    rows = robustness_rows(("SyntheticControl",), ("nanowire",), seeds=1, n_neurons=10,
                           levels=levels)
    assert [(r["factor"], r["level"], r["status"]) for r in rows] == [
        ("variability", 0.0, "ok"), ("read_noise", 0.05, "ok")]
    ideal, noisy = summarise_robustness(rows)
    assert ideal["change_vs_ideal"] == 0 and noisy["accuracy_mean"] < ideal["accuracy_mean"]
