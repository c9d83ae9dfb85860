"""Reservoirs and classifiers: the scikit-learn contract, stability enforcement, errors, shapes."""

import inspect
import pickle
import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import check_param_validation, parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

import nanowire_rc as nw
from nanowire_rc.classifiers import CLASSIFICATION_SETTINGS, classification_reservoir
from nanowire_rc.reservoirs import _pooled_features

# Checks that do not apply to time-series estimators, with the reason.
SERIES_LENGTH = ("a fitted reservoir accepts series of any length (aeon convention), so the "
                 "number of time points is not a fixed n_features_in_")
SKIPPED = {
    "check_n_features_in": SERIES_LENGTH,
    "check_n_features_in_after_fitting": SERIES_LENGTH,
    # These two also assert that a different n_features is refused at transform/predict; the
    # rest of what they check (fit, shapes, accuracy on blobs) is in test_trains_on_blobs below.
    "check_transformer_general": SERIES_LENGTH,
    "check_classifiers_train": SERIES_LENGTH,
}
BLAS_ORDER = ("a coupled step is one float32 BLAS product for the whole batch, whose blocking "
              "depends on a case's row: reordering cases changes results by about 1 ulp")


def expected_failures(est):
    # A classifier's representation is its reservoir's.
    reservoir = est.reservoir if getattr(est, "reservoir", None) is not None else est
    if getattr(reservoir, "connectivity", None) == "dense":  # tanh dense, every coupled nanowire
        return SKIPPED | {"check_methods_sample_order_invariance": BLAS_ORDER,
                          "check_methods_subset_invariance": BLAS_ORDER}
    return SKIPPED


def _small(est):
    # The checks feed "series" of 1 to 3 time points; window means need at least n_windows, so
    # the contract is checked with the length-agnostic features (windows are tested below).
    return est.set_params(n_neurons=12, features="mean+last", random_state=0)


def _small_preset(preset, kind):
    # A preset over its classification settings, small, seeded by the classifier.
    return preset(classification_reservoir(kind, n_neurons=12, features="mean+last"),
                  random_state=0)


def _small_multiscale():
    return nw.MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=2, random_state=0)


@parametrize_with_checks(
    [_small(nw.NanowireReservoir()), _small(nw.LeakyTanhReservoir()),
     _small_preset(nw.NanowireClassifier, nw.NanowireReservoir),
     _small_preset(nw.EchoStateClassifier, nw.LeakyTanhReservoir),
     _small(nw.LeakyTanhReservoir(connectivity="dense")),
     _small(nw.NanowireReservoir(input_range=(-1.0, 1.0), method="exact")),
     _small(nw.CoupledNanowireReservoir()),
     _small_preset(nw.classifiers.CoupledNanowireClassifier, nw.CoupledNanowireReservoir),
     # The composed classifier over each kind of reservoir, seeded by the reservoir itself.
     nw.ReservoirClassifier(_small(nw.NanowireReservoir())),
     nw.ReservoirClassifier(_small(nw.LeakyTanhReservoir())),
     nw.ReservoirClassifier(_small(nw.CoupledNanowireReservoir())),
     nw.ReservoirClassifier(_small_multiscale()),
     # The flagship preset, its default reservoir made small.
     nw.NanowireClassifier(_small_multiscale()),
     nw.ReservoirClassifierCV(nw.NanowireReservoir(n_neurons=8),
                              param_grid={"reservoir__dt": [0.1, 0.3]},
                              representations=["mean", "mean+last"], random_state=0)],
    expected_failed_checks=expected_failures,
)
def test_sklearn_contract(estimator, check):
    check(estimator)


@pytest.mark.parametrize(("make", "kind"), [(nw.NanowireClassifier, nw.NanowireReservoir),
                                            (nw.EchoStateClassifier, nw.LeakyTanhReservoir)])
def test_trains_on_blobs(make, kind):
    """What check_classifiers_train asks of a classifier, on its data: blobs as 2-step series."""
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=300, random_state=0, n_features=2, centers=3, cluster_std=0.1)
    clf = make(classification_reservoir(kind, n_neurons=12, features="mean+last"),
               random_state=0).fit(X, y)
    assert clf.predict(X).shape == (300,)
    assert clf.decision_function(X).shape == (300, 3)
    assert np.mean(clf.predict(X) == y) > 0.83


def test_input_range_none_clips_raw_values():
    X = np.random.default_rng(0).random((4, 30)) - 0.5
    res = nw.NanowireReservoir(n_neurons=5, features="last", input_range=None,
                               random_state=0).fit(X)
    np.testing.assert_array_equal(res.transform(X * 10), res.transform(np.clip(X * 10, -0.5, 0.5)))
    assert res.memory_factor_ < 1


@pytest.fixture(scope="module")
def synthetic_control():
    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    return X, y, X_te, y_te


def test_hyper_parameters_are_stored_unchanged_and_clone():
    res = nw.NanowireReservoir(dt=0.2, input_scaling=0.5)
    clf = nw.NanowireClassifier(res, alphas=(1.0, 10.0))
    assert clf.reservoir is res and clf.get_params()["alphas"] == (1.0, 10.0)
    assert clf.get_params()["reservoir__dt"] == 0.2
    assert clf.get_params()["reservoir__input_scaling"] == 0.5

    def flat(params):  # the reservoir object itself is cloned: compare its parameters instead
        return {k: v for k, v in params.items() if k != "reservoir"}

    twin = clone(clf)
    assert twin.reservoir is not res and flat(twin.get_params()) == flat(clf.get_params())
    assert twin.reservoir.get_params() == res.get_params()


def test_classifier_learns_synthetic_control(synthetic_control):
    X, y, X_te, y_te = synthetic_control
    clf = nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=100),
                                random_state=0).fit(X, y)
    assert clf.score(X_te, y_te) > 0.85  # 1-NN Euclidean, a standard baseline, gets 0.88
    assert clf.reservoir_.memory_factor_ < 1 and clf.alpha_ in clf.alphas
    esn = nw.EchoStateClassifier(classification_reservoir(nw.LeakyTanhReservoir, n_neurons=100),
                                 random_state=0).fit(X, y)
    assert esn.score(X_te, y_te) > 0.85


def test_string_labels_are_kept(synthetic_control):
    X, y, X_te, _ = synthetic_control
    names = np.array(["normal", "cyclic", "up", "down", "shift-up", "shift-down"])
    clf = nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=30),
                                random_state=0).fit(X, names[y - 1])
    pred = clf.predict(X_te[:10])
    assert pred.dtype.kind == "U" and set(pred) <= set(names)
    assert clf.decision_function(X_te[:10]).shape == (10, 6)


def test_pickle_round_trip_gives_identical_predictions(synthetic_control):
    X, y, X_te, _ = synthetic_control
    clf = nw.EchoStateClassifier(classification_reservoir(nw.LeakyTanhReservoir, n_neurons=30),
                                 random_state=1).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.decision_function(X_te), clf.decision_function(X_te))


def test_random_state_reproduces_and_varies(synthetic_control):
    X = synthetic_control[0]
    a = nw.NanowireReservoir(n_neurons=20, random_state=3).fit_transform(X)
    b = nw.NanowireReservoir(n_neurons=20, random_state=3).fit_transform(X)
    c = nw.NanowireReservoir(n_neurons=20, random_state=4).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_pipeline_and_grid_search(synthetic_control):
    X, y, X_te, y_te = synthetic_control
    small = classification_reservoir(nw.NanowireReservoir, n_neurons=20)
    pipe = make_pipeline(FunctionTransformer(lambda Z: Z * 2.0),
                         nw.NanowireClassifier(small, random_state=0))
    assert pipe.fit(X, y).score(X_te, y_te) > 0.7
    search = GridSearchCV(nw.NanowireClassifier(small, random_state=0),
                          {"reservoir__dt": [0.05, 0.1],
                           "reservoir__features": ["mean", "windows"]}, cv=3).fit(X, y)
    assert search.best_params_["reservoir__features"] == "windows"  # temporal order matters


def test_unstable_reservoir_is_refused_with_a_remedy():
    X = np.random.default_rng(0).random((5, 20))
    with pytest.raises(nw.UnstableReservoirError, match=r"rho = .*omega = .*smaller dt") as err:
        nw.NanowireReservoir(input_scaling=2.0, dt=1.0, random_state=0).fit(X)
    assert isinstance(err.value, ValueError)
    # The exact integrator is unconditionally stable.
    res = nw.NanowireReservoir(input_scaling=2.0, dt=1.0, method="exact", random_state=0).fit(X)
    assert res.memory_factor_ < 1


def test_memory_factor_matches_the_closed_form():
    X = np.random.default_rng(0).random((5, 20))
    res = nw.NanowireReservoir(n_neurons=50, random_state=0).fit(X)
    omega = res.input_weights_[:, 0]
    assert res.memory_factor_ == pytest.approx(
        max(nw.memory_factor_range(0, 1, 0.1, o) for o in omega))


def test_test_values_are_clipped_to_the_training_range():
    rng = np.random.default_rng(0)
    X = rng.random((4, 30))
    res = nw.NanowireReservoir(n_neurons=5, features="last", random_state=0).fit(X)
    wild = X * 50.0 - 10.0  # far outside; clipping keeps the neurons in their stable range
    out = res.transform(wild)
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))
    clipped = np.clip(wild, X.min(), X.max())
    np.testing.assert_array_equal(out, res.transform(clipped))


def test_multichannel_and_unequal_length_inputs():
    rng = np.random.default_rng(0)
    X3 = rng.random((6, 3, 25))
    res = nw.NanowireReservoir(n_neurons=10, features="mean+last", random_state=0).fit(X3)
    assert res.transform(X3).shape == (6, 20)
    # Each row is omega_n (drawn in 0.8 +- 0.3) times a convex combination of the 3 channels.
    W = res.input_weights_
    assert W.shape == (10, 3) and np.all(W >= 0)
    assert np.all((W.sum(axis=1) >= 0.5) & (W.sum(axis=1) <= 1.1))
    assert np.all((W > 0).sum(axis=1) >= 2)  # mixed, not one channel per neuron
    assert np.ptp(W / W.sum(axis=1, keepdims=True), axis=0).min() > 0.05  # mixtures differ
    assert res.memory_factor_ < 1
    with pytest.raises(ValueError, match="fitted with 3"):
        res.transform(rng.random((2, 2, 25)))
    ragged = [rng.random(n) for n in (20, 31, 25)]
    out = nw.LeakyTanhReservoir(n_neurons=7, features="windows", n_windows=4,
                                random_state=0).fit_transform(ragged)
    assert out.shape == (3, 28)
    y = np.array([0, 1, 0])
    clf = nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=5,
                                                         n_windows=4),
                                random_state=0).fit(ragged, y)
    assert clf.predict(ragged).shape == (3,)


def test_feature_sets_come_from_one_pass():
    X = np.random.default_rng(0).random((4, 40))
    res = nw.NanowireReservoir(n_neurons=6, features="windows+last", n_windows=5,
                               random_state=0).fit(X)
    pooled = res.pool(X)
    np.testing.assert_array_equal(res.transform(X), _pooled_features(pooled, "windows+last"))
    assert res.get_feature_names_out()[[0, -1]].tolist() == ["window0_0", "last_5"]
    assert res.n_features_out_ == 36



RAND = np.random.default_rng(0).random((3, 10))


def _nanowire(**params):
    return nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, **params))


def _echo_state(**params):
    return nw.EchoStateClassifier(classification_reservoir(nw.LeakyTanhReservoir, **params))


@pytest.mark.parametrize(
    ("est", "X", "y", "match"),
    [
        (_nanowire(), np.zeros((0, 10)), [], "empty"),
        (_nanowire(), np.array([[0.0, np.nan, 1.0]] * 2), [0, 1], "NaN"),
        (_nanowire(), np.array([[0.0, np.inf, 1.0]] * 2), [0, 1], "NaN or inf"),
        (_nanowire(), np.zeros((3, 2, 2, 2)), [0, 1, 0], "dimension"),
        (_nanowire(), RAND, [0, 1], "2 labels but X has 3"),
        (_echo_state(), RAND, [1, 1, 1], "at least 2 classes"),
        (_nanowire(features="max"), RAND, [0, 1, 0], "features"),
        (_nanowire(dt=-1.0), RAND, [0, 1, 0], "dt"),
        (_echo_state(connectivity="ring"), RAND, [0, 1, 0], "connectivity"),
        (_echo_state(leak_rate=1.5), RAND, [0, 1, 0], "leak_rate"),
        (nw.ReservoirClassifier(nw.NanowireReservoir(), alphas=(0.0, 1.0)), RAND, [0, 1, 0],
         "alphas"),
    ],
)
def test_bad_input_names_the_problem(est, X, y, match):
    with pytest.raises(ValueError, match=match):
        est.set_params(reservoir__n_neurons=4, reservoir__n_windows=2).fit(X, y)


def test_use_before_fit():
    with pytest.raises(NotFittedError):
        nw.NanowireReservoir().transform(np.zeros((2, 10)))
    with pytest.raises(NotFittedError):
        nw.EchoStateClassifier().predict(np.zeros((2, 10)))
    with pytest.raises(NotFittedError):
        nw.ReservoirClassifier(nw.NanowireReservoir()).decision_function(np.zeros((2, 10)))


@pytest.mark.parametrize("n_classes", [2, 6])
@pytest.mark.parametrize(("cls", "kind"), [(nw.NanowireClassifier, nw.NanowireReservoir),
                                           (nw.EchoStateClassifier, nw.LeakyTanhReservoir)])
def test_folded_readout_equals_the_standardised_pipeline(cls, kind, n_classes):
    """decision_function is one affine map of the raw float32 features; it must give the
    scores of StandardScaler + RidgeClassifierCV on float64 copies (issue 15)."""
    X, y = nw.load_ucr("SyntheticControl", "train")
    keep = y <= n_classes
    clf = cls(classification_reservoir(kind, n_neurons=40), random_state=0).fit(X[keep], y[keep])
    X_te, _ = nw.load_ucr("SyntheticControl", "test")
    features = clf.reservoir_.transform(X_te)
    assert features.dtype == np.float32
    reference = clf.readout_.decision_function(features.astype(np.float64))
    scores = clf.decision_function(X_te)
    assert scores.shape == reference.shape == ((300,) if n_classes == 2 else (300, 6))
    np.testing.assert_allclose(scores, reference, rtol=1e-6, atol=1e-9 * np.abs(reference).max())
    np.testing.assert_array_equal(clf.predict(X_te), clf.readout_.predict(features.astype(float)))


# Defaults that deliberately differ between a preset's default reservoir and the reservoir's
# own: chosen by 5-fold cross-validation on training splits for classification
# (CLASSIFICATION_SETTINGS; classifiers.py says how), while the reservoirs keep the paper's
# neuron.
CLASSIFIER_DEFAULTS = {
    nw.NanowireReservoir: {"n_neurons", "input_scaling", "dt", "dt_spread", "features",
                           "difference"},
    nw.LeakyTanhReservoir: {"n_neurons", "input_scaling", "features", "difference"},
    nw.CoupledNanowireReservoir: set(),
}
FAMILIES = [  # (reservoir, classifier, self-tuning classifier)
    (nw.NanowireReservoir, nw.NanowireClassifier, nw.NanowireClassifierCV),
    (nw.LeakyTanhReservoir, nw.EchoStateClassifier, nw.tuning.EchoStateClassifierCV),
    (nw.CoupledNanowireReservoir, nw.classifiers.CoupledNanowireClassifier,
     nw.tuning.CoupledNanowireClassifierCV),
]


@pytest.mark.parametrize("reservoir, classifier, tuned", FAMILIES)
def test_default_reservoirs_share_their_defaults(reservoir, classifier, tuned):
    """Every hyper-parameter of a family's classification settings and its self-tuning
    classifier's default reservoir has one default, but the documented ones. (The nanowire
    preset's default is the multi-scale flagship: its single-reservoir model is
    ``classification_reservoir(NanowireReservoir)``.)"""
    single = classification_reservoir(reservoir)
    if classifier is not nw.NanowireClassifier:
        assert classifier._default_reservoir().get_params() == single.get_params()
    assert type(tuned._default_reservoir()) is reservoir
    r, c, t = (res.get_params() for res in (reservoir(), single, tuned._default_reservoir()))
    differ = {name for name in r if r[name] != c[name]}
    assert differ == CLASSIFIER_DEFAULTS[reservoir] == set(CLASSIFICATION_SETTINGS[reservoir])
    # The self-tuning classifier's fixed values are the classifier's (it searches the
    # representation: its reservoir's features are ignored).
    shared = set(c) - {"n_neurons", "features"}
    assert {name: t[name] for name in shared} == {name: c[name] for name in shared}


@pytest.mark.parametrize("estimator", [est for family in FAMILIES for est in family[1:]] + [
    nw.ReservoirClassifier, nw.ReservoirClassifierCV])
def test_parameter_table_covers_and_guards_every_hyper_parameter(estimator):
    """One declarative table per estimator (``_parameter_constraints``): it names exactly the
    constructor's parameters, and ``fit`` refuses a value of the wrong type or range with
    scikit-learn's message before doing anything else (scikit-learn's own check)."""
    check_param_validation(estimator.__name__, estimator())


@pytest.mark.parametrize("estimator", [family[0] for family in FAMILIES]
                         + [nw.MultiScaleNanowireReservoir])
def test_reservoir_parameter_table_covers_and_guards_every_hyper_parameter(estimator):
    """The reservoirs alone declare the representation's hyper-parameters: the same check."""
    check_param_validation(estimator.__name__, estimator())


def test_parameter_errors_name_the_parameter_and_the_estimator():
    X, y = RAND, [0, 1, 0]
    with pytest.raises(ValueError, match=re.escape(
            "The 'leak_rate' parameter of LeakyTanhReservoir must be a float in the range "
            "(0.0, 1.0]. Got 2 instead.")):
        nw.LeakyTanhReservoir(leak_rate=2).fit(X)
    # A reservoir's hyper-parameter is named with the reservoir, the classifier's with it.
    with pytest.raises(ValueError, match="'n_neurons' parameter of NanowireReservoir"):
        nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=0)).fit(
            X, y)
    with pytest.raises(ValueError, match="'n_jobs' parameter of NanowireClassifier"):
        nw.NanowireClassifier(nw.NanowireReservoir(n_neurons=4), n_jobs=0).fit(X, y)
    with pytest.raises(ValueError, match="'reservoir' parameter of ReservoirClassifier"):
        nw.ReservoirClassifier("nanowire").fit(X, y)
    # What a table entry cannot say is checked at fit too, before the reservoir runs.
    with pytest.raises(ValueError, match="v_min < v_max"):
        nw.classifiers.CoupledNanowireClassifier(
            nw.CoupledNanowireReservoir(n_neurons=4, v_min=1.0, v_max=0.5)).fit(X, y)
    # With the identity map the window is unused: no error about it. (Whether the drawn network
    # is provably stable varies with the draw, 160 of 200 seeds are not: warnings aside.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nw.StabilityWarning)
        res = nw.CoupledNanowireReservoir(n_neurons=4, v_min=1.0, v_max=0.5,
                                          voltage_map="identity", stability="warn",
                                          random_state=0).fit(X)
    assert np.isfinite(res.contraction_bound_)


def test_tanh_input_scaling_bounds_the_input_weights():
    """The ESN's ``input_scaling`` is ReservoirPy's: input weights are Uniform[-d, d]."""
    X = np.random.default_rng(0).random((3, 10, 20))
    res = nw.LeakyTanhReservoir(n_neurons=200, input_scaling=0.25, random_state=0).fit(X)
    w = res.input_weights_
    assert w.shape == (200, 10) and np.abs(w).max() <= 0.25 and np.abs(w).max() > 0.24


# --- the composed classifier: a reservoir + the ridge readout; presets are default reservoirs

def nanowire_classification_reservoir():
    return nw.NanowireReservoir(n_neurons=300, input_scaling=0.5, dt=0.3, dt_spread=1.0,
                                difference=True, features="mean+std")


def tanh_classification_reservoir():
    return nw.LeakyTanhReservoir(n_neurons=300, input_scaling=0.5, difference=True,
                                 features="mean+std")


PRESET_DEFAULTS = [  # (classifier, its documented default reservoir, written out)
    (nw.NanowireClassifier, nw.MultiScaleNanowireReservoir),
    (nw.EchoStateClassifier, tanh_classification_reservoir),
    (nw.classifiers.CoupledNanowireClassifier, nw.CoupledNanowireReservoir),
    (nw.ReservoirClassifier, nw.MultiScaleNanowireReservoir),
]


@pytest.mark.parametrize(("preset", "default"), PRESET_DEFAULTS)
def test_a_preset_is_the_composed_classifier_over_its_default_reservoir(
        preset, default, synthetic_control):
    """The defaults themselves, as a user gets them: ``preset(random_state=0)`` is
    ``ReservoirClassifier(<the documented reservoir>, random_state=0)``, to the bit."""
    X, y, X_te, _ = synthetic_control
    a = preset(random_state=0).fit(X[::3], y[::3])
    b = nw.ReservoirClassifier(reservoir=default(), random_state=0).fit(X[::3], y[::3])
    assert type(a.reservoir_) is type(b.reservoir_)
    assert a.reservoir_.get_params() == b.reservoir_.get_params()
    np.testing.assert_array_equal(a.decision_function(X_te[::3]), b.decision_function(X_te[::3]))
    np.testing.assert_array_equal(a.predict(X_te), b.predict(X_te))
    assert a.alpha_ == b.alpha_


@pytest.mark.parametrize("preset", [nw.NanowireClassifier, nw.EchoStateClassifier,
                                    nw.classifiers.CoupledNanowireClassifier])
def test_a_preset_given_a_reservoir_is_the_composed_classifier(preset, synthetic_control):
    """``reservoir`` replaces the preset's default: nothing else of the preset remains."""
    X, y, X_te, _ = synthetic_control
    small = nw.CoupledNanowireReservoir(n_neurons=20, features="mean+std")
    a = preset(small, alphas=(0.1, 1.0, 10.0), random_state=0).fit(X[::3], y[::3])
    b = nw.ReservoirClassifier(small, alphas=(0.1, 1.0, 10.0), random_state=0).fit(X[::3],
                                                                                  y[::3])
    np.testing.assert_array_equal(a.decision_function(X_te), b.decision_function(X_te))
    np.testing.assert_array_equal(a.predict(X_te), b.predict(X_te))


def test_a_reservoir_classifier_uses_its_reservoirs_own_seed(synthetic_control):
    X, y, X_te, y_te = synthetic_control
    reservoir = nw.NanowireReservoir(random_state=0)
    clf = nw.ReservoirClassifier(reservoir=reservoir).fit(X, y)
    pred = clf.predict(X_te)
    assert pred.shape == (300,) and set(pred) <= set(y) and clf.score(X_te, y_te) > 0.8
    # The reservoir is cloned at fit: the given one stays unfitted and unchanged.
    assert clf.reservoir is reservoir and clf.reservoir_ is not reservoir
    assert clf.reservoir_.random_state == 0 and clf.reservoir_.memory_factor_ < 1
    with pytest.raises(NotFittedError):
        check_is_fitted(reservoir)
    # Its seed is the reservoir's when the classifier gives none: the same as the classifier's.
    seeded = nw.ReservoirClassifier(nw.NanowireReservoir(), random_state=0).fit(X, y)
    np.testing.assert_array_equal(seeded.decision_function(X_te), clf.decision_function(X_te))
    # The classifier's seed, when given, wins over the reservoir's.
    other = nw.ReservoirClassifier(nw.NanowireReservoir(random_state=0), random_state=1).fit(X, y)
    assert other.reservoir_.random_state == 1
    assert not np.array_equal(other.decision_function(X_te), clf.decision_function(X_te))


def test_nested_parameters_clone_and_pickle(synthetic_control):
    X, y, X_te, _ = synthetic_control
    clf = nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=30),
                                alphas=(0.1, 1.0, 10.0), random_state=0)
    params = clf.get_params()
    assert params["reservoir__n_neurons"] == 30 and params["reservoir__dt"] == 0.3
    assert params["alphas"] == (0.1, 1.0, 10.0) and params["random_state"] == 0
    assert clf.set_params(reservoir__dt=0.2, alphas=(1.0, 10.0)) is clf
    assert clf.reservoir.dt == 0.2 and clf.get_params()["reservoir__dt"] == 0.2
    assert clf.alphas == (1.0, 10.0)
    with pytest.raises(ValueError, match="Invalid parameter 'dt'"):
        clf.set_params(dt=0.1)  # the reservoir's hyper-parameters are nested, not flat
    twin = clone(clf)
    assert twin.reservoir is not clf.reservoir
    assert twin.reservoir.get_params() == clf.reservoir.get_params()
    clf.fit(X[::3], y[::3])
    assert clf.reservoir_.dt == 0.2 and clf.alpha_ in (1.0, 10.0)
    twin.fit(X[::3], y[::3])
    np.testing.assert_array_equal(twin.decision_function(X_te), clf.decision_function(X_te))
    np.testing.assert_array_equal(twin.predict(X_te), clf.predict(X_te))
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.decision_function(X_te), clf.decision_function(X_te))
    np.testing.assert_array_equal(again.predict(X_te), clf.predict(X_te))
    # And the nested value is what was fitted: dt = 0.3 gives other scores.
    other = clone(clf).set_params(reservoir__dt=0.3).fit(X[::3], y[::3])
    assert not np.array_equal(other.decision_function(X_te), clf.decision_function(X_te))


@pytest.mark.parametrize(("preset", "base"), [
    (nw.NanowireClassifier, nw.ReservoirClassifier),
    (nw.EchoStateClassifier, nw.ReservoirClassifier),
    (nw.classifiers.CoupledNanowireClassifier, nw.ReservoirClassifier),
    (nw.NanowireClassifierCV, nw.ReservoirClassifierCV),
    (nw.tuning.EchoStateClassifierCV, nw.ReservoirClassifierCV),
    (nw.tuning.CoupledNanowireClassifierCV, nw.ReservoirClassifierCV),
])
def test_presets_declare_no_hyper_parameter_of_their_own(preset, base):
    assert issubclass(preset, base)
    assert "__init__" not in vars(preset) and "_parameter_constraints" not in vars(preset)
    assert inspect.signature(preset) == inspect.signature(base)
    assert preset().get_params() == base().get_params()
