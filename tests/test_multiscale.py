"""Multi-scale nanowire reservoir: kernel against its reference and hand-computed PPV, the
memoryless limit, stability, the scikit-learn contract, pickling and unequal lengths."""

import pickle

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_estimators import SKIPPED

import nanowire_rc as nw
from nanowire_rc.kernels.multiscale import (
    KERNEL_WEIGHTS,
    N_KERNELS,
    _dilated_drive,
    multiscale_kernel,
    multiscale_reference,
)
from nanowire_rc.multiscale import MultiScaleNanowireReservoir, dilations

P = nw.NanowireParams()


def _lanes(rng, n_blocks, n_thr, method):
    shape = (n_blocks, N_KERNELS)
    gain = rng.uniform(0.01, 0.05, shape)
    offset = np.full(shape, 0.77)
    dt = rng.uniform(0.5, 3.0, shape) if method == "exact" else rng.uniform(0.01, 0.1, shape)
    return dict(gain=gain, offset=offset, v_lo=offset - 0.5, v_hi=offset + 0.5, dt=dt,
                h0=np.full(shape, 0.5), thresholds=rng.uniform(0.2, 0.8, (n_blocks, n_thr,
                                                                          N_KERNELS)))


def _compiled(X, lengths, dil, src, lanes, method, double=True):
    f = np.float64 if double else np.float32
    n, (G, Q, _) = X.shape[0], lanes["thresholds"].shape
    ppv, mean = np.zeros((n, G, Q, N_KERNELS), f), np.zeros((n, G, N_KERNELS), f)
    a = {k: np.ascontiguousarray(v, dtype=f) for k, v in lanes.items()}
    multiscale_kernel(method == "exact", double)(
        np.ascontiguousarray(X, dtype=f), lengths, dil, src, KERNEL_WEIGHTS.astype(f), a["gain"],
        a["offset"], a["v_lo"], a["v_hi"], a["dt"], a["h0"], a["thresholds"],
        f(P.kappa_p0), f(P.kappa_d0), f(P.eta_p), f(P.eta_d), ppv, mean)
    return ppv, mean


@pytest.mark.parametrize("method", ["exact", "euler"])
def test_compiled_kernel_agrees_with_the_reference(method):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 40))
    lengths = np.array([40, 25, 40, 7])
    for i, n in enumerate(lengths):
        X[i, n:] = 0.0
    dil = np.array([1, 3, 5])
    lanes = _lanes(rng, 3, 2, method)
    X = np.stack([X, np.cos(X)], axis=1)  # two representations; the blocks read both
    src = np.array([0, 1, 0])
    ppv, mean, _ = multiscale_reference(X, lengths, dil, src, *lanes.values(), P, method)
    ppv64, mean64 = _compiled(X, lengths, dil, src, lanes, method)
    np.testing.assert_allclose(ppv64, ppv, rtol=0, atol=1e-12)  # random thresholds: no ties
    np.testing.assert_allclose(mean64, mean, rtol=0, atol=1e-12)
    ppv32, mean32 = _compiled(X, lengths, dil, src, lanes, method, double=False)
    flips = np.abs(ppv32 - ppv) > 1e-6  # float32 rounding moves a state across a threshold
    assert np.abs(ppv32 - ppv).max() <= 1 / 7 + 1e-6 and flips.mean() < 0.01
    np.testing.assert_allclose(mean32, mean, atol=1e-5)


def test_dilated_drive_is_the_zero_padded_correlation():
    x = np.random.default_rng(1).standard_normal(30)
    for d in (1, 2, 3):
        z = _dilated_drive(x, 30, d)
        for k in (0, 41, 83):
            w = np.zeros(8 * d + 1)
            w[::d] = KERNEL_WEIGHTS[:, k]
            expected = np.correlate(np.pad(x, 4 * d), w, mode="valid")
            np.testing.assert_allclose(z[:, k], expected, atol=1e-12)


def test_ppv_of_a_hand_computed_case():
    # A unit impulse at t = 5 of an 11-step series, dilation 1: kernel 0 (weight 2 at taps
    # 0, 1, 2) gives the drive z(t) = w[9 - t]: 0 at t = 0, -1 at t = 1..6, 2 at t = 7..9, 0
    # at t = 10. A neuron that forgets within a step (exact update, dt S >> 1) holds the fixed
    # point of its voltage, which increases with z: against a threshold between h*(z=0) and
    # h*(z=2), 3 of 11 steps are above; between h*(z=-1) and h*(z=0), 5 of 11.
    x = np.zeros((1, 11))
    x[0, 5] = 1.0
    gain, offset = 0.1, 0.77
    h_star = nw.physics.fixed_point(offset + gain * np.array([-1.0, 0.0, 2.0]), P)
    lanes = dict(gain=np.full((1, N_KERNELS), gain), offset=np.full((1, N_KERNELS), offset),
                 v_lo=np.full((1, N_KERNELS), 0.0), v_hi=np.full((1, N_KERNELS), 2.0),
                 dt=np.full((1, N_KERNELS), 1e4), h0=np.full((1, N_KERNELS), 0.5),
                 thresholds=np.zeros((1, 2, N_KERNELS)))
    lanes["thresholds"][0, 0] = (h_star[1] + h_star[2]) / 2
    lanes["thresholds"][0, 1] = (h_star[0] + h_star[1]) / 2
    for double in (True, False):
        ppv, mean = _compiled(x[:, None], np.array([11]), np.array([1]), np.array([0]), lanes,
                              "exact", double)
        np.testing.assert_allclose(ppv[0, 0, :, 0], [3 / 11, 5 / 11], atol=1e-7)
        np.testing.assert_allclose(mean[0, 0, 0],
                                   (2 * h_star[1] + 6 * h_star[0] + 3 * h_star[2]) / 11,
                                   rtol=1e-5)


@pytest.mark.parametrize("difference", [False, True])
def test_memoryless_neurons_give_the_ppv_of_their_drive(difference):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((5, 60)).cumsum(axis=1)
    res = MultiScaleNanowireReservoir(n_blocks=3, n_thresholds=4, dt=1e4, dtype="float64",
                                      difference=difference, random_state=0).fit(X)
    F = res.transform(X).reshape(5, 3, 4, N_KERNELS)
    # Voltage at which h* equals each threshold: h* = 1 / (1 + kd0/kp0 exp(-(eta_p+eta_d) v)).
    thr = res.thresholds_
    v_thr = (np.log(P.kappa_d0 / P.kappa_p0) + np.log(thr / (1 - thr))) / (P.eta_p + P.eta_d)
    x = (X - res.mean_) / res.scale_
    series = [x, np.diff(x, prepend=x[:, :1], axis=1)]  # the series, its first difference
    assert res.sources_.tolist() == ([0, 1, 0] if difference else [0, 0, 0])
    for g, d in enumerate(res.dilations_):
        for i in range(5):
            z = _dilated_drive(series[res.sources_[g]][i], 60, int(d))
            v = np.clip(res.gain_[g] * z + res.offset_[g], res.v_lo_[g], res.v_hi_[g])
            expected = (v[:, None, :] > v_thr[g][None]).mean(axis=0)
            assert np.mean(np.abs(F[i, g] - expected) > 1e-9) < 0.002  # rounding at a threshold
            np.testing.assert_allclose(F[i, g], expected, atol=1 / 60 + 1e-9)


def test_unstable_configuration_is_refused():
    X = np.random.default_rng(3).standard_normal((6, 30))
    with pytest.raises(nw.UnstableReservoirError, match="dt"):
        MultiScaleNanowireReservoir(n_blocks=1, method="euler", dt=1.0).fit(X)
    res = MultiScaleNanowireReservoir(n_blocks=1, method="euler", dt=0.05).fit(X)
    v_lo, v_hi = res.v_lo_[0, 0], res.v_hi_[0, 0]
    expected = nw.stability.memory_factor_voltage(v_lo, v_hi, 0.05, P, "euler")
    assert res.memory_factor_ == pytest.approx(expected) and res.memory_factor_ < 1


def test_bad_parameters_and_inputs_name_the_problem():
    X = np.random.default_rng(4).standard_normal((6, 30))
    with pytest.raises(nw.InvalidParameterError, match="dt"):
        MultiScaleNanowireReservoir(dt=(2.0, 1.0)).fit(X)
    with pytest.raises(nw.InvalidInputError, match="univariate"):
        MultiScaleNanowireReservoir().fit(np.zeros((4, 2, 30)))


def test_dilations_spread_exponentially():
    assert dilations(257, 6).tolist() == [1, 2, 4, 8, 16, 32]
    assert dilations(5, 2).tolist() == [1, 1]


def _small():
    return MultiScaleNanowireReservoir(n_blocks=1, n_thresholds=2, random_state=0)


@parametrize_with_checks([_small(), nw.ReservoirClassifier(reservoir=_small())],
                         expected_failed_checks=lambda est: SKIPPED)
def test_sklearn_contract(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def synthetic_control():
    X, y = nw.load_ucr("SyntheticControl", "train")
    return X[::2], y[::2]


def test_classifier_learns_and_pickles(synthetic_control):
    X, y = synthetic_control
    clf = nw.ReservoirClassifier(reservoir=MultiScaleNanowireReservoir(n_blocks=4),
                                 random_state=0).fit(X[::2], y[::2])
    assert np.mean(clf.predict(X[1::2]) == y[1::2]) > 0.9
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.decision_function(X), clf.decision_function(X))


def test_unequal_lengths_are_features_of_each_series_alone():
    rng = np.random.default_rng(5)
    series = [rng.standard_normal(n) for n in (40, 23, 31)]
    res = MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=3, random_state=0).fit(series)
    F = res.transform(series)
    for i, s in enumerate(series):
        np.testing.assert_array_equal(res.transform(s[None, :])[0], F[i])
