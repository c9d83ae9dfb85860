"""Reservoir model space: the batched per-series ridge models against one scikit-learn Ridge
per series, the principal axes against scikit-learn's PCA, the classifier's contract."""

import pickle

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.utils.estimator_checks import parametrize_with_checks

import nanowire_rc as nw
from nanowire_rc.model_space import (
    DEFAULT_NEURON,
    ModelSpaceClassifier,
    ReservoirModelSpace,
    model_space_reference,
)

SERIES_LENGTH = ("a fitted reservoir accepts series of any length (aeon convention), so the "
                 "number of time points is not a fixed n_features_in_")
ONE_STEP = ("the checks' one-column X is a series of one step, which has no next step to "
            "predict: the model space refuses it with a ValueError that says so")


def _unequal(seed=0, channels=2, n=9):
    rng = np.random.default_rng(seed)
    return [rng.random((channels, int(L))) for L in rng.integers(8, 40, n)]


@pytest.mark.parametrize("target", ["state", "input"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reservoir", [
    lambda dt: nw.NanowireReservoir(n_neurons=12, washout=2, difference=True, dtype=dt,
                                    random_state=0),
    lambda dt: nw.LeakyTanhReservoir(n_neurons=10, connectivity="dense", dtype=dt,
                                     random_state=1),
    lambda dt: nw.CoupledNanowireReservoir(n_neurons=10, washout=1, dtype=dt, random_state=2),
    lambda dt: nw.NanowireReservoir(n_neurons=7, washout=1, bidirectional=True, dtype=dt,
                                    random_state=3),
], ids=["nanowire", "tanh", "coupled", "bidirectional"])
def test_transform_is_one_ridge_per_series(reservoir, dtype, target):
    X = _unequal()
    space = ReservoirModelSpace(reservoir(dtype), n_components=5, alpha=0.5, target=target,
                                batch_size=4).fit(X)
    F = space.transform(X)
    n_targets = 5 if target == "state" else space.reservoir_.n_inputs_
    assert F.shape == (len(X), n_targets * 6) == (len(X), space.n_features_out_)
    # float32 states (and the coupled reservoir's float32 steps) are BLAS products: one series
    # alone and a chunk of them round differently (blocking), by about an ulp of the states,
    # which the per-series solve amplifies; float64 checks the algebra.
    tol = {"float64": dict(rtol=0, atol=1e-9), "float32": dict(rtol=1e-3, atol=1e-4)}[dtype]
    np.testing.assert_allclose(F, model_space_reference(space, X), **tol)


def test_bidirectional_equal_lengths_is_one_ridge_per_series():
    """Equal lengths take the reversed-view path of the backward alignment."""
    X = np.random.default_rng(4).random((6, 2, 25))
    space = ReservoirModelSpace(nw.NanowireReservoir(n_neurons=8, washout=2, bidirectional=True,
                                                     dtype="float64", random_state=0),
                                n_components=5, alpha=0.5, batch_size=4).fit(X)
    np.testing.assert_allclose(space.transform(X), model_space_reference(space, X),
                               rtol=0, atol=1e-9)


def test_principal_axes_are_scikit_learns_pca_of_the_training_states():
    X = _unequal(seed=3)
    space = ReservoirModelSpace(nw.NanowireReservoir(n_neurons=15, washout=3, dtype="float64",
                                                     random_state=0),
                                n_components=4, batch_size=2).fit(X)
    res = space.reservoir_
    # Every state after washout, series by series, from the public trajectory method.
    H = np.concatenate([res.states([x])[0, 3: x.shape[1]] for x in X])
    pca = PCA(n_components=4).fit(H)
    signs = np.sign(np.sum(pca.components_ * space.components_, axis=1))
    np.testing.assert_allclose(space.components_, signs[:, None] * pca.components_, atol=1e-10)
    np.testing.assert_allclose(space.mean_, pca.mean_, atol=1e-12)
    np.testing.assert_allclose(space.explained_variance_ratio_, pca.explained_variance_ratio_,
                               rtol=1e-10)
    np.testing.assert_allclose(space.scale_, np.sqrt(pca.explained_variance_), rtol=1e-10)
    z = space.reduce(H)  # standardised components: unit variance, zero mean
    np.testing.assert_allclose(z.std(axis=0, ddof=1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-10)


def test_negligible_penalty_gives_each_series_least_squares():
    # With a negligible penalty each series' model is the ordinary least squares of z(t+1) on
    # [z(t), 1], here from NumPy's lstsq on that series' own trajectory.
    X = _unequal(seed=5, channels=1, n=3)
    space = ReservoirModelSpace(nw.NanowireReservoir(n_neurons=6, dtype="float64",
                                                     random_state=0),
                                n_components=3, alpha=1e-12).fit(X)
    F = space.transform(X)
    for x, row in zip(X, F, strict=True):
        z = space.reduce(space.reservoir_.states([x])[0])
        design = np.hstack([z[:-1], np.ones((len(z) - 1, 1))])
        coef = np.linalg.lstsq(design, z[1:], rcond=None)[0]  # rows: U.T then u
        np.testing.assert_allclose(row[:9].reshape(3, 3), coef[:3].T, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(row[9:], coef[3], rtol=1e-6, atol=1e-8)


def test_chunking_does_not_change_the_representation():
    X = _unequal(seed=1)
    make = lambda b: ReservoirModelSpace(  # noqa: E731
        nw.NanowireReservoir(n_neurons=10, dtype="float64", random_state=0), n_components=4,
        batch_size=b)
    np.testing.assert_allclose(make(2).fit(X).transform(X), make(100).fit(X).transform(X),
                               rtol=1e-10, atol=1e-12)


def test_too_short_series_are_named():
    X = [np.ones(10), np.ones(3), np.ones(10)]
    space = ReservoirModelSpace(nw.NanowireReservoir(n_neurons=4, washout=2, random_state=0))
    with pytest.raises(ValueError, match=r"washout \+ 2 = 4 steps.*series \[1\]"):
        space.fit(X)


def test_more_components_than_neurons_keeps_them_all():
    X = _unequal(seed=2)
    space = ReservoirModelSpace(nw.NanowireReservoir(n_neurons=3, random_state=0),
                                n_components=75).fit(X)
    assert space.n_components_ == 3
    assert space.transform(X).shape == (len(X), 3 * 4)
    assert np.isclose(space.explained_variance_ratio_.sum(), 1.0)


@parametrize_with_checks(
    [ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=8), n_components=3, random_state=0)],
    expected_failed_checks=lambda est: {"check_n_features_in": SERIES_LENGTH,
                                        "check_n_features_in_after_fitting": SERIES_LENGTH,
                                        "check_classifiers_train": SERIES_LENGTH,
                                        "check_fit2d_1feature": ONE_STEP},
)
def test_sklearn_contract(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def synthetic_control():
    return nw.load_ucr("SyntheticControl", "train"), nw.load_ucr("SyntheticControl", "test")


def test_classifier_learns_synthetic_control(synthetic_control):
    (X, y), (Xt, yt) = synthetic_control
    clf = ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=50, input_scaling=0.5,
                                                    difference=True),
                               n_components=20, random_state=0).fit(X, y)
    # 1-NN Euclidean gets 0.88 on this split; pooled nanowire states about 0.96.
    assert clf.score(Xt, yt) > 0.95
    assert clf.model_space_.reservoir_.memory_factor_ < 1


def test_classifier_random_state_pickling_and_default_neuron(synthetic_control):
    (X, y), (Xt, _) = synthetic_control
    X, y = X[::4], y[::4]
    a = ModelSpaceClassifier(n_components=5, random_state=3).fit(X, y)
    b = ModelSpaceClassifier(n_components=5, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.decision_function(Xt), b.decision_function(Xt))
    c = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(a.decision_function(Xt), c.decision_function(Xt))
    res = a.model_space_.reservoir_
    assert {k: res.get_params()[k] for k in DEFAULT_NEURON} == DEFAULT_NEURON
    assert (res.n_neurons, res.input_scaling, res.bidirectional) == (300, 0.03, True)
    assert res.random_state == 3
    other = ModelSpaceClassifier(n_components=5, random_state=4).fit(X, y)
    assert not np.array_equal(a.coef_, other.coef_)


def test_classifier_scores_are_its_readout_of_the_features(synthetic_control):
    (X, y), (Xt, _) = synthetic_control
    clf = ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=10), n_components=4,
                               random_state=0).fit(X[::3], y[::3])
    features = clf.model_space_.transform(Xt)
    np.testing.assert_allclose(clf.decision_function(Xt),
                               clf.readout_.decision_function(features), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("bad, match", [
    ({"n_components": 0}, "n_components"),
    ({"alpha": -1.0}, "alpha"),
    ({"target": "output"}, "target"),
    ({"alphas": (0.0,)}, "alphas must be"),
])
def test_bad_hyper_parameters_name_themselves(bad, match, synthetic_control):
    (X, y), _ = synthetic_control
    with pytest.raises(ValueError, match=match):
        ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=4), **bad).fit(X[::25], y[::25])


def test_bad_labels_are_refused(synthetic_control):
    (X, y), _ = synthetic_control
    with pytest.raises(ValueError, match="at least 2 classes"):
        ModelSpaceClassifier(n_components=3).fit(X[:5], np.zeros(5))
    with pytest.raises(ValueError, match="labels but X has"):
        ModelSpaceClassifier(n_components=3).fit(X[:5], y[:4])
