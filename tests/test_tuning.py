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
from nanowire_rc._seeding import Stream, integer_seed
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.selection import kfold_splits

SERIES_LENGTH = ("a fitted reservoir accepts series of any length (aeon convention), so the "
                 "number of time points is not a fixed n_features_in_")
SKIPPED = {"check_n_features_in": SERIES_LENGTH,
           "check_n_features_in_after_fitting": SERIES_LENGTH,
           "check_classifiers_train": SERIES_LENGTH}
BLAS_ORDER = ("a coupled step is one float32 BLAS product for the whole batch, whose blocking "
              "depends on a case's row: reordering cases changes results by about 1 ulp")


def nanowire(**params):
    """The nanowire reservoir NanowireClassifierCV searches around by default (its features
    are ignored: the search compares representations), with ``params``."""
    return classification_reservoir(nw.NanowireReservoir, **params)


def _small(est, reservoir, grid):
    # The checks feed "series" of 1 to 3 time points: length-agnostic representations only.
    return est.set_params(reservoir=reservoir, param_grid=grid,
                          representations=["mean", "mean+last"], random_state=0)


def expected_failures(est):
    if isinstance(est, nw.tuning.CoupledNanowireClassifierCV):
        return SKIPPED | {"check_methods_sample_order_invariance": BLAS_ORDER,
                          "check_methods_subset_invariance": BLAS_ORDER}
    return SKIPPED


@parametrize_with_checks(
    [_small(nw.NanowireClassifierCV(), nanowire(n_neurons=8), {"reservoir__dt": [0.1, 0.3]}),
     _small(nw.tuning.EchoStateClassifierCV(), classification_reservoir(nw.LeakyTanhReservoir,
                                                                 n_neurons=8),
            {"reservoir__leak_rate": [0.3, 1.0]}),
     _small(nw.tuning.CoupledNanowireClassifierCV(), nw.CoupledNanowireReservoir(n_neurons=8),
            {"reservoir__coupling": [0.05]})],
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
    grid = {"reservoir__dt": [0.1, 0.5], "reservoir__input_scaling": [0.5]}
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=12, n_windows=3), param_grid=grid,
                                  representations=["mean", "windows+last"],
                                  random_state=7).fit(X, y)
    res = clf.cv_results_
    # the search's SeedSequence: one child seeds every reservoir, another the folds
    seed = integer_seed(7, Stream.RESERVOIR, bits=31)
    splits = kfold_splits(y, 5, seed=integer_seed(7, Stream.FOLDS, bits=31))
    assert clf.n_splits_ == len(splits)
    # The hyper-parameters the search keeps fixed: the given reservoir's (the classification
    # settings, not the reservoir's defaults: time-step spread, difference channel).
    fixed = clf.reservoir.get_params()
    assert fixed["dt_spread"] == 1.0 and fixed["difference"] is True
    for params, score in zip(res["params"], res["mean_test_score"], strict=True):
        reservoir = nw.NanowireReservoir(**{
            **fixed, "dt": params["reservoir__dt"],
            "input_scaling": params["reservoir__input_scaling"],
            "features": params["features"], "random_state": seed}).fit(X)
        F = reservoir.transform(X).astype(np.float64)
        pipe = make_pipeline(StandardScaler(), RidgeClassifier(alpha=params["alpha"]))
        assert score == pytest.approx(cross_val_score(pipe, F, y, cv=splits).mean(), abs=1e-12)
    best = clf.best_index_
    assert res["rank_test_score"][best] == 1
    assert res["mean_test_score"][best] == res["mean_test_score"].max() == clf.best_score_
    est = clf.best_estimator_
    assert isinstance(est, nw.ReservoirClassifier)
    assert est.reservoir_.dt == clf.best_params_["reservoir__dt"]
    assert est.reservoir_.input_scaling == clf.best_params_["reservoir__input_scaling"]
    assert est.reservoir_.features == clf.best_params_["features"]
    assert est.reservoir_.get_params() == {**fixed, "dt": clf.best_params_["reservoir__dt"],
                                           "features": clf.best_params_["features"],
                                           "random_state": seed}
    assert est.alpha_ == clf.best_params_["alpha"]
    np.testing.assert_array_equal(clf.predict(X), est.predict(X))


def test_model_space_is_scored_like_a_pooled_representation_and_refitted_as_one(small):
    """A "model" row is cross_val_score of StandardScaler + RidgeClassifier on the model-space
    features of that candidate's reservoir (principal axes fitted on the training series, as
    the reservoir's input scaling is); when it wins, best_estimator_ is a ModelSpaceClassifier
    with that reservoir and penalty."""
    X, y = small
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=12), param_grid={"reservoir__dt": [0.1, 0.3]},
                                  representations=["mean", "model"], random_state=3).fit(X, y)
    res = clf.cv_results_
    seed = integer_seed(3, Stream.RESERVOIR, bits=31)
    splits = kfold_splits(y, 5, seed=integer_seed(3, Stream.FOLDS, bits=31))
    fixed = clf.reservoir.get_params()
    rows = [i for i, p in enumerate(res["params"]) if p["features"] == "model"]
    assert len(rows) == 2
    for i in rows:
        params = res["params"][i]
        reservoir = nw.NanowireReservoir(**{**fixed, "dt": params["reservoir__dt"],
                                            "random_state": seed})
        F = nw.model_space.ReservoirModelSpace(reservoir).fit(X).transform(X)
        pipe = make_pipeline(StandardScaler(), RidgeClassifier(alpha=params["alpha"]))
        assert res["mean_test_score"][i] == pytest.approx(
            cross_val_score(pipe, F, y, cv=splits).mean(), abs=1e-12)
    # The model space wins here (pooled means: 0.77 and 0.85; the model space: 0.99, 0.975).
    assert clf.best_params_["features"] == "model"
    est = clf.best_estimator_
    assert isinstance(est, nw.ModelSpaceClassifier)
    assert est.model_space_.reservoir_.dt == clf.best_params_["reservoir__dt"]
    assert est.alpha_ == clf.best_params_["alpha"]
    np.testing.assert_array_equal(clf.predict(X), est.predict(X))


def test_model_space_cannot_be_joined_and_needs_two_steps():
    X, y = nw.load_ucr("SyntheticControl", "train")
    with pytest.raises(ValueError, match="representation on its own"):
        nw.NanowireClassifierCV(nanowire(n_neurons=5),
                                representations=["model+mean"]).fit(X[:30], y[:30])
    short = [np.arange(n, dtype=float) for n in [1, 5, 6, 7] * 3]
    labels = np.repeat([0, 1], 6)
    with pytest.warns(UserWarning, match="model space needs 2"):
        clf = nw.NanowireClassifierCV(nanowire(n_neurons=5), param_grid={"reservoir__dt": [0.1]},
                                      representations=["mean", "model"],
                                      random_state=0).fit(short, labels)
    assert set(clf.cv_results_["param_features"]) == {"mean"}


def test_self_tuning_beats_chance_on_held_out_data_and_handles_unequal_multivariate():
    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=30),
                                  param_grid={"reservoir__dt": [0.1, 0.3]},
                                  random_state=0).fit(X[::3], y[::3])
    assert clf.score(X_te, y_te) > 0.8
    rng = np.random.default_rng(0)
    ragged = [rng.normal(size=(2, n)) + (k % 2) for k, n in enumerate(rng.integers(12, 30, 24))]
    labels = np.arange(24) % 2
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=10, n_windows=2),
                                  param_grid={"reservoir__dt": [0.1]},
                                  random_state=0).fit(ragged, labels)
    assert clf.predict(ragged).shape == (24,)
    assert clf.score(ragged, labels) > 0.9


def test_a_list_of_grids_searches_their_union(small):
    X, y = small
    grid = [{"reservoir__dt": [0.1], "reservoir__input_scaling": [0.5, 0.8]},
            {"reservoir__dt": [0.3], "reservoir__input_scaling": [0.5]}]
    # One time step for every neuron: each configuration is stable (with the default spread
    # over two decades, input_scaling=0.8 is not, and would be skipped).
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=8, dt_spread=0.0), param_grid=grid,
                                  representations=["mean"], random_state=0).fit(X, y)
    seen = {(p["reservoir__dt"], p["reservoir__input_scaling"])
            for p in clf.cv_results_["params"]}
    assert seen == {(0.1, 0.5), (0.1, 0.8), (0.3, 0.5)}


def test_small_classes_and_edge_penalty_reported():
    X, y = nw.load_ucr("SyntheticControl", "train")
    keep = np.r_[np.flatnonzero(y == 1)[:2], np.flatnonzero(y == 2)[:10]]
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=10), param_grid={"reservoir__dt": [0.1]},
                                  random_state=0).fit(X[keep], y[keep])
    assert clf.n_splits_ == 2 * 10  # two folds (a class of two), repeated
    assert isinstance(clf.alpha_at_edge_, bool)
    assert clf.cv_results_["alpha_at_edge"].dtype == bool


@pytest.mark.parametrize("bad, match", [
    ({"param_grid": {"reservoir__nope": [1]}}, "does not have"),
    ({"param_grid": {"nope": [1]}}, "does not have"),
    ({"param_grid": {"reservoir__dt": []}}, "non-empty list"),
    ({"param_grid": {"reservoir__dt": 0.1}}, "non-empty list"),
    ({"param_grid": []}, "list of such dicts"),
    ({"param_grid": [{"reservoir__dt": [0.1]}, {"reservoir__input_scaling": [0.5]}]},
     "same parameters"),
    ({"param_grid": {"reservoir__dt": [0.1, -1.0]}},
     r"param_grid sets \{'reservoir__dt': -1.0\}: The 'dt' parameter of NanowireReservoir "
     "must be"),
    ({"param_grid": {"reservoir__features": ["mean"]}}, "does not have"),
    ({"param_grid": {"reservoir__random_state": [0, 1]}}, "does not have"),
    ({"param_grid": {"alpha": [1.0]}}, "does not have"),
    ({"reservoir": nw.MultiScaleNanowireReservoir()}, "'reservoir' parameter"),
    ({"representations": "mean"}, "representations"),
    ({"representations": ["mean+median"]}, "features"),
    ({"cv": 1}, "cv"),
    ({"n_repeats": 0}, "n_repeats"),
    ({"alphas": (0.0,)}, "alphas"),
])
def test_bad_hyper_parameters_are_named(small, bad, match):
    X, y = small
    with pytest.raises(ValueError, match=match):
        nw.NanowireClassifierCV(**{"reservoir": nanowire(n_neurons=5), **bad}).fit(X, y)


def test_a_grid_with_no_stable_configuration_says_so(small):
    X, y = small
    with pytest.raises(ValueError, match="stability guarantee"):
        nw.NanowireClassifierCV(nanowire(n_neurons=5),
                                param_grid={"reservoir__dt": [5.0],
                                            "reservoir__input_scaling": [3.0]},
                                random_state=0).fit(X, y)


def test_a_bare_grid_name_is_refused_naming_the_nested_ones(small):
    """Grid names address the reservoir's hyper-parameters as scikit-learn's nested parameters
    do: a bare "dt" (the flat name of the classifiers before they took a reservoir) is refused
    before anything runs, with the names that can be searched."""
    X, y = small
    clf = nw.NanowireClassifierCV(nanowire(n_neurons=5), param_grid={"dt": [0.1, 0.3]},
                                  random_state=0)
    with pytest.raises(nw.InvalidParameterError,
                       match=r"param_grid names \['dt'\], which NanowireReservoir does not "
                             r"have; searchable: \[.*'reservoir__dt'") as caught:
        clf.fit(X, y)
    searchable = str(caught.value).split("searchable: ")[1]
    assert "'reservoir__input_scaling'" in searchable and "'reservoir__n_neurons'" in searchable
    for fixed in ("features", "random_state", "n_jobs"):  # set by the search, never searched
        assert f"'reservoir__{fixed}'" not in searchable
    assert not hasattr(clf, "cv_results_") and not hasattr(clf, "best_estimator_")


def test_default_grid_gives_nested_best_params_and_a_refitted_classifier(small):
    """The default grid around a small explicit reservoir: best_params_ and every row of
    cv_results_ name the reservoir's hyper-parameters reservoir__<name>, then the
    representation and the penalty; best_estimator_ is a ReservoirClassifier (a
    ModelSpaceClassifier when the model space wins) over the given reservoir with them."""
    from nanowire_rc.tuning import CV_GRIDS

    X, y = small
    reservoir = nw.NanowireReservoir(n_neurons=10, n_windows=4)
    clf = nw.NanowireClassifierCV(reservoir, random_state=0).fit(X, y)
    grid_names = set(CV_GRIDS[nw.NanowireReservoir][0])
    assert grid_names == {f"reservoir__{n}" for n in (
        "input_scaling", "dt", "dt_spread", "bidirectional", "difference")}
    assert set(clf.best_params_) == grid_names | {"features", "alpha"}
    assert all(set(p) == set(clf.best_params_) for p in clf.cv_results_["params"])
    assert {f"param_{n}" for n in set(clf.best_params_)} <= set(clf.cv_results_)
    assert clf.cv_results_["params"][clf.best_index_] == clf.best_params_
    assert set(clf.cv_results_["param_features"]) == set(nw.NanowireClassifierCV().representations)
    est = clf.best_estimator_
    expected = (nw.ModelSpaceClassifier if clf.best_params_["features"] == "model"
                else nw.ReservoirClassifier)
    assert type(est) is expected
    refitted = est.get_params()
    for name in grid_names:
        assert refitted[name] == clf.best_params_[name]
    assert refitted["reservoir__n_neurons"] == 10 and refitted["reservoir__n_windows"] == 4
    assert tuple(refitted["alphas"]) == (clf.best_params_["alpha"],)
    assert est.alpha_ == clf.best_params_["alpha"]
    assert reservoir.get_params() == nw.NanowireReservoir(n_neurons=10, n_windows=4).get_params()
    np.testing.assert_array_equal(clf.predict(X), est.predict(X))


def test_nanowire_grid_holds_the_model_space_neuron(small):
    """The self-tuning grid offers the model space its own neuron (kept in step with
    model_space.DEFAULT_NEURON, which benchmarks/choose_model_space.py chose), and the
    preset's default reservoir has the neuron's size."""
    from nanowire_rc.model_space import DEFAULT_NEURON
    from nanowire_rc.tuning import CV_GRIDS

    assert set(CV_GRIDS) == {nw.NanowireReservoir, nw.LeakyTanhReservoir,
                             nw.CoupledNanowireReservoir}
    neuron = CV_GRIDS[nw.NanowireReservoir][-1]
    assert {k: [DEFAULT_NEURON[k.removeprefix("reservoir__")]] for k in neuron} == neuron
    assert "model" in nw.NanowireClassifierCV().representations
    # The default reservoir (this test is about it): seen through the refitted best.
    X, y = small
    clf = nw.NanowireClassifierCV(param_grid={"reservoir__dt": [0.3]}, representations=["mean"],
                                  cv=2, n_repeats=1, random_state=0).fit(X[::2], y[::2])
    assert clf.reservoir is None
    used = clf.best_estimator_.reservoir.get_params()
    assert used["n_neurons"] == DEFAULT_NEURON["n_neurons"] == 300
    default = nw.NanowireReservoir(n_neurons=300, input_scaling=0.5, dt=0.3, dt_spread=1.0,
                                   difference=True).get_params()
    assert {k: v for k, v in used.items() if k not in ("features", "random_state")} == \
        {k: v for k, v in default.items() if k not in ("features", "random_state")}


def test_a_reservoir_without_a_default_grid_needs_param_grid():
    from nanowire_rc.network import NetworkReservoir

    X, y = nw.load_ucr("SyntheticControl", "train")
    with pytest.raises(nw.InvalidParameterError, match="param_grid"):
        nw.ReservoirClassifierCV(NetworkReservoir(n_read=4)).fit(X[::10], y[::10])


def test_the_reservoirs_own_seed_seeds_the_search_when_the_search_has_none():
    X, y = nw.load_ucr("SyntheticControl", "train")
    kw = dict(param_grid={"reservoir__dt": [0.1]}, representations=["mean"], cv=2, n_repeats=1)
    fits = [nw.ReservoirClassifierCV(nw.NanowireReservoir(n_neurons=5, random_state=0),
                                     **kw).fit(X[::6], y[::6]) for _ in range(2)]
    w0, w1 = (f.best_estimator_.reservoir_.input_weights_ for f in fits)
    np.testing.assert_array_equal(w0, w1)
    other = nw.ReservoirClassifierCV(nw.NanowireReservoir(n_neurons=5, random_state=1),
                                     **kw).fit(X[::6], y[::6])
    assert not np.array_equal(other.best_estimator_.reservoir_.input_weights_, w0)


def test_classifier_for_leaves_the_callers_reservoir_alone():
    from nanowire_rc.selection import _classifier_for

    reservoir = nw.NanowireReservoir(n_neurons=4)
    clf = _classifier_for(reservoir, "mean", (1.0,))
    assert reservoir.features == nw.NanowireReservoir().features
    assert clf.reservoir is not reservoir and clf.reservoir.features == "mean"
