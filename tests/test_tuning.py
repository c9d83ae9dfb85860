"""Self-tuning classifiers: the scikit-learn contract, the search against a plain re-run,
no test data, small classes, unequal lengths, bad input."""

import numpy as np
import pytest
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import nanowire_rc as nw
from nanowire_rc.selection import kfold_splits

SERIES_LENGTH = ("a fitted reservoir accepts series of any length (aeon convention), so the "
                 "number of time points is not a fixed n_features_in_")
SKIPPED = {"check_n_features_in": SERIES_LENGTH,
           "check_n_features_in_after_fitting": SERIES_LENGTH,
           "check_classifiers_train": SERIES_LENGTH}
BLAS_ORDER = ("a coupled step is one float32 BLAS product for the whole batch, whose blocking "
              "depends on a case's row: reordering cases changes results by about 1 ulp")


def _small(est, grid):
    # The checks feed "series" of 1 to 3 time points: length-agnostic representations only.
    return est.set_params(n_neurons=8, param_grid=grid, representations=["mean", "mean+last"],
                          random_state=0)


def expected_failures(est):
    if isinstance(est, nw.CoupledNanowireClassifierCV):
        return SKIPPED | {"check_methods_sample_order_invariance": BLAS_ORDER,
                          "check_methods_subset_invariance": BLAS_ORDER}
    return SKIPPED


@parametrize_with_checks(
    [_small(nw.NanowireClassifierCV(), {"dt": [0.1, 0.3]}),
     _small(nw.EchoStateClassifierCV(), {"leak_rate": [0.3, 1.0]}),
     _small(nw.CoupledNanowireClassifierCV(), {"coupling": [0.05]})],
    expected_failed_checks=expected_failures,
)
def test_sklearn_contract(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def small():
    X, y = nw.load_ucr("SyntheticControl", "train")
    return X[::5], y[::5]


def test_search_equals_a_plain_rerun_of_each_candidate(small):
    """Each row of cv_results_ is what cross_val_score gives that candidate's pipeline
    (reservoir features, StandardScaler, RidgeClassifier at the row's penalty) on the folds;
    the best row is the highest score, and best_estimator_ is that candidate refitted."""
    X, y = small
    grid = {"dt": [0.1, 0.5], "input_scaling": [0.5]}
    clf = nw.NanowireClassifierCV(n_neurons=12, n_windows=3, param_grid=grid,
                                  representations=["mean", "windows+last"],
                                  random_state=7).fit(X, y)
    res = clf.cv_results_
    seed = np.random.RandomState(7).randint(0, 2**31 - 1)
    splits = kfold_splits(y, 5, seed=seed)
    assert clf.n_splits_ == len(splits)
    # The hyper-parameters the search keeps fixed (the classifier's defaults, not the
    # reservoir's: time-step spread, reversed pass, difference channel).
    fixed = {k: v for k, v in clf.get_params().items() if k in nw.NanowireReservoir().get_params()}
    for params, score in zip(res["params"], res["mean_test_score"], strict=True):
        reservoir = nw.NanowireReservoir(**{
            **fixed, "dt": params["dt"], "input_scaling": params["input_scaling"],
            "features": params["features"], "random_state": seed}).fit(X)
        F = reservoir.transform(X).astype(np.float64)
        pipe = make_pipeline(StandardScaler(), RidgeClassifier(alpha=params["alpha"]))
        assert score == pytest.approx(cross_val_score(pipe, F, y, cv=splits).mean(), abs=1e-12)
    best = clf.best_index_
    assert res["rank_test_score"][best] == 1
    assert res["mean_test_score"][best] == res["mean_test_score"].max() == clf.best_score_
    est = clf.best_estimator_
    assert est.dt == clf.best_params_["dt"] and est.features == clf.best_params_["features"]
    assert est.alpha_ == clf.best_params_["alpha"]
    np.testing.assert_array_equal(clf.predict(X), est.predict(X))


def test_model_space_is_scored_like_a_pooled_representation_and_refitted_as_one(small):
    """A "model" row is cross_val_score of StandardScaler + RidgeClassifier on the model-space
    features of that candidate's reservoir (principal axes fitted on the training series, as
    the reservoir's input scaling is); when it wins, best_estimator_ is a ModelSpaceClassifier
    with that reservoir and penalty."""
    X, y = small
    clf = nw.NanowireClassifierCV(n_neurons=12, param_grid={"dt": [0.1, 0.3]},
                                  representations=["mean", "model"], random_state=3).fit(X, y)
    res = clf.cv_results_
    seed = np.random.RandomState(3).randint(0, 2**31 - 1)
    splits = kfold_splits(y, 5, seed=seed)
    fixed = {k: v for k, v in clf.get_params().items() if k in nw.NanowireReservoir().get_params()}
    rows = [i for i, p in enumerate(res["params"]) if p["features"] == "model"]
    assert len(rows) == 2
    for i in rows:
        params = res["params"][i]
        reservoir = nw.NanowireReservoir(**{**fixed, "dt": params["dt"], "random_state": seed})
        F = nw.ReservoirModelSpace(reservoir).fit(X).transform(X)
        pipe = make_pipeline(StandardScaler(), RidgeClassifier(alpha=params["alpha"]))
        assert res["mean_test_score"][i] == pytest.approx(
            cross_val_score(pipe, F, y, cv=splits).mean(), abs=1e-12)
    # The model space wins here (pooled means: 0.77 and 0.85; the model space: 0.99, 0.975).
    assert clf.best_params_["features"] == "model"
    est = clf.best_estimator_
    assert isinstance(est, nw.ModelSpaceClassifier)
    assert est.model_space_.reservoir_.dt == clf.best_params_["dt"]
    assert est.alpha_ == clf.best_params_["alpha"]
    np.testing.assert_array_equal(clf.predict(X), est.predict(X))


def test_model_space_cannot_be_joined_and_needs_two_steps():
    X, y = nw.load_ucr("SyntheticControl", "train")
    with pytest.raises(ValueError, match="representation on its own"):
        nw.NanowireClassifierCV(n_neurons=5, representations=["model+mean"]).fit(X[:30], y[:30])
    short = [np.arange(n, dtype=float) for n in [1, 5, 6, 7] * 3]
    labels = np.repeat([0, 1], 6)
    with pytest.warns(UserWarning, match="model space needs 2"):
        clf = nw.NanowireClassifierCV(n_neurons=5, param_grid={"dt": [0.1]},
                                      representations=["mean", "model"],
                                      random_state=0).fit(short, labels)
    assert set(clf.cv_results_["param_features"]) == {"mean"}


def test_self_tuning_beats_chance_on_held_out_data_and_handles_unequal_multivariate():
    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    clf = nw.NanowireClassifierCV(n_neurons=30, param_grid={"dt": [0.1, 0.3]},
                                  random_state=0).fit(X[::3], y[::3])
    assert clf.score(X_te, y_te) > 0.8
    rng = np.random.default_rng(0)
    ragged = [rng.normal(size=(2, n)) + (k % 2) for k, n in enumerate(rng.integers(12, 30, 24))]
    labels = np.arange(24) % 2
    clf = nw.NanowireClassifierCV(n_neurons=10, n_windows=2, param_grid={"dt": [0.1]},
                                  random_state=0).fit(ragged, labels)
    assert clf.predict(ragged).shape == (24,)
    assert clf.score(ragged, labels) > 0.9


def test_a_list_of_grids_searches_their_union(small):
    X, y = small
    grid = [{"dt": [0.1], "input_scaling": [0.5, 0.8]}, {"dt": [0.3], "input_scaling": [0.5]}]
    # One time step for every neuron: each configuration is stable (with the default spread
    # over two decades, input_scaling=0.8 is not, and would be skipped).
    clf = nw.NanowireClassifierCV(n_neurons=8, dt_spread=0.0, param_grid=grid,
                                  representations=["mean"], random_state=0).fit(X, y)
    seen = {(p["dt"], p["input_scaling"]) for p in clf.cv_results_["params"]}
    assert seen == {(0.1, 0.5), (0.1, 0.8), (0.3, 0.5)}


def test_small_classes_and_edge_penalty_reported():
    X, y = nw.load_ucr("SyntheticControl", "train")
    keep = np.r_[np.flatnonzero(y == 1)[:2], np.flatnonzero(y == 2)[:10]]
    clf = nw.NanowireClassifierCV(n_neurons=10, param_grid={"dt": [0.1]},
                                  random_state=0).fit(X[keep], y[keep])
    assert clf.n_splits_ == 2 * 10  # two folds (a class of two), repeated
    assert isinstance(clf.alpha_at_edge_, bool)
    assert clf.cv_results_["alpha_at_edge"].dtype == bool


@pytest.mark.parametrize("bad, match", [
    ({"param_grid": {"nope": [1]}}, "does not have"),
    ({"param_grid": {"dt": []}}, "non-empty list"),
    ({"param_grid": {"dt": 0.1}}, "non-empty list"),
    ({"param_grid": []}, "list of such dicts"),
    ({"param_grid": [{"dt": [0.1]}, {"input_scaling": [0.5]}]}, "same parameters"),
    ({"param_grid": {"dt": [0.1, -1.0]}},
     r"param_grid sets \{'dt': -1.0\}: The 'dt' parameter of NanowireClassifier must be"),
    ({"param_grid": {"features": ["mean"]}}, "does not have"),
    ({"representations": "mean"}, "representations"),
    ({"representations": ["mean+median"]}, "features"),
    ({"cv": 1}, "cv"),
    ({"n_repeats": 0}, "n_repeats"),
    ({"alphas": (0.0,)}, "alphas"),
])
def test_bad_hyper_parameters_are_named(small, bad, match):
    X, y = small
    with pytest.raises(ValueError, match=match):
        nw.NanowireClassifierCV(n_neurons=5, **bad).fit(X, y)


def test_a_grid_with_no_stable_configuration_says_so(small):
    X, y = small
    with pytest.raises(ValueError, match="stability guarantee"):
        nw.NanowireClassifierCV(n_neurons=5, param_grid={"dt": [5.0], "input_scaling": [3.0]},
                                random_state=0).fit(X, y)


def test_nanowire_grid_holds_the_model_space_neuron():
    """The self-tuning grid offers the model space its own neuron (kept in step with
    model_space.DEFAULT_NEURON, which benchmarks/choose_model_space.py chose)."""
    from nanowire_rc.model_space import DEFAULT_NEURON
    from nanowire_rc.tuning import CV_GRIDS

    assert {k: [DEFAULT_NEURON[k]] for k in CV_GRIDS[nw.NanowireClassifier][-1]} == \
        CV_GRIDS[nw.NanowireClassifier][-1]
    assert nw.NanowireClassifierCV().n_neurons == DEFAULT_NEURON["n_neurons"]
    assert "model" in nw.NanowireClassifierCV().representations
