"""The aeon adapter (nanowire_rc.aeon.ReservoirAeonClassifier): aeon's own estimator checks, and
agreement with the wrapped scikit-learn estimators on real data, unequal-length and multivariate
input, and aeon's n_jobs convention."""

from __future__ import annotations

import importlib
import inspect
import os
import sys

import numpy as np
import pytest

pytest.importorskip("aeon")

from aeon.testing.estimator_checking import parametrize_with_checks
from sklearn.base import clone

from nanowire_rc import (
    EchoStateClassifier,
    LeakyTanhReservoir,
    ModelSpaceClassifier,
    MultiScaleNanowireReservoir,
    NanowireClassifier,
    NanowireClassifierCV,
    NanowireReservoir,
    ReservoirClassifier,
    load_ucr,
)
from nanowire_rc.aeon import ReservoirAeonClassifier
from nanowire_rc.classifiers import classification_reservoir

# -- aeon's estimator checks: every one runs, none is skipped, for each of the adapter's
# -- _get_test_params settings (one per kind of wrapped estimator) ----------------------------

@parametrize_with_checks([ReservoirAeonClassifier])
def test_aeon_estimator_checks(check):
    check()


def test_the_test_params_cover_every_kind_of_wrapped_estimator():
    """aeon's checks above run on each setting: every kind of wrapped estimator is among them,
    each small, and each is built afresh (the checks fit them many times)."""
    params = ReservoirAeonClassifier._get_test_params()
    kinds = {type(p["estimator"]) for p in params}
    assert {NanowireClassifier, NanowireClassifierCV, ModelSpaceClassifier} <= kinds
    again = ReservoirAeonClassifier._get_test_params()
    assert all(a["estimator"] is not b["estimator"] for a, b in zip(params, again, strict=True))


# -- data -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_control():
    """10 training and 10 test series per class of SyntheticControl (6 classes, length 60)."""
    X, y = load_ucr("SyntheticControl", "train")
    X_test, y_test = load_ucr("SyntheticControl", "test")

    def pick(labels):
        return np.concatenate([np.flatnonzero(labels == c)[:10] for c in np.unique(labels)])

    tr, te = pick(y), pick(y_test)
    return X[tr], y[tr], X_test[te], y_test[te]


# Small wrapped estimators of each kind, built afresh. The classifiers' reservoirs are the
# presets' defaults (classification_reservoir), smaller; the search gets a small grid.
WRAPPED = {
    "nanowire": lambda: NanowireClassifier(
        classification_reservoir(NanowireReservoir, n_neurons=30, n_windows=4), random_state=0),
    "echo-state": lambda: EchoStateClassifier(
        classification_reservoir(LeakyTanhReservoir, n_neurons=30, n_windows=4),
        random_state=0),
    "multiscale": lambda: ReservoirClassifier(
        MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=4), random_state=0),
    "nanowire-cv": lambda: NanowireClassifierCV(
        classification_reservoir(NanowireReservoir, n_neurons=30, n_windows=4),
        param_grid={"reservoir__dt": [0.1, 0.3]}, representations=["mean", "mean+std"],
        n_repeats=1, random_state=0),
    "model-space": lambda: ModelSpaceClassifier(NanowireReservoir(n_neurons=30),
                                                n_components=10, random_state=0),
}
# Test accuracy measured on the 60/60 subsample (chance is 1/6).
MEASURED = {"nanowire": 0.93, "echo-state": 0.93, "multiscale": 1.0, "nanowire-cv": 0.93,
            "model-space": 0.80}


def _fitted(estimator):
    """The classifier that predicts: a search's refitted best, or the estimator itself."""
    return getattr(estimator, "best_estimator_", estimator)


# -- the adapter is the wrapped estimator ------------------------------------------------------

def test_parameters_are_the_estimator_and_aeons_n_jobs():
    params = inspect.signature(ReservoirAeonClassifier.__init__).parameters
    assert {n: p.default for n, p in params.items() if n != "self"} == {
        "estimator": None, "n_jobs": 1}


@pytest.mark.parametrize("kind", list(WRAPPED))
def test_predictions_equal_the_wrapped_estimator(kind, synthetic_control):
    X, y, X_test, y_test = synthetic_control
    given = WRAPPED[kind]()
    before = given.get_params(deep=True)
    clf = ReservoirAeonClassifier(given).fit(X, y)
    assert clf.estimator is given and given.get_params(deep=True) == before  # not changed
    assert not hasattr(given, "classes_")  # cloned: the caller's estimator is not fitted
    ref = WRAPPED[kind]().fit(X, y)
    assert type(clf.estimator_) is type(ref)
    np.testing.assert_array_equal(clf.predict(X_test), ref.predict(X_test))
    np.testing.assert_array_equal(clf.classes_, ref.classes_)
    ours, theirs = _fitted(clf.estimator_), _fitted(ref)
    assert type(ours) is type(theirs)
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    assert ours.alpha_ == theirs.alpha_
    if kind == "nanowire-cv":
        assert clf.estimator_.best_params_ == ref.best_params_
    score = clf.score(X_test, y_test)
    assert score == ref.score(X_test, y_test)
    assert score > MEASURED[kind] - 0.1


def test_default_estimator_is_nanowire_classifier(synthetic_control):
    """``estimator=None``: the library's default classifier, ``NanowireClassifier()``, as it
    is (whatever its default reservoir), on aeon's thread count."""
    X, y, X_test, _ = synthetic_control
    clf = ReservoirAeonClassifier().fit(X[::2], y[::2])
    assert clf.estimator is None
    assert type(clf.estimator_) is NanowireClassifier
    assert clf.estimator_.get_params(deep=True) == {
        **NanowireClassifier().get_params(deep=True), "n_jobs": 1}
    assert clf.predict(X_test).shape == (len(X_test),)


def test_nested_parameters_reach_the_reservoir():
    """aeon's get_params / set_params address the wrapped estimator's settings, nested."""
    clf = ReservoirAeonClassifier(NanowireClassifier(NanowireReservoir(n_neurons=10)))
    assert clf.get_params()["estimator__reservoir__n_neurons"] == 10
    clf.set_params(estimator__reservoir__dt=0.2, estimator__random_state=3)
    assert clf.estimator.reservoir.dt == 0.2 and clf.estimator.random_state == 3


# -- aeon's conventions -----------------------------------------------------------------------

def test_predict_proba_is_one_hot_on_the_prediction(synthetic_control):
    X, y, X_test, _ = synthetic_control
    clf = ReservoirAeonClassifier(WRAPPED["nanowire"]()).fit(X, y)
    proba = clf.predict_proba(X_test)
    assert proba.shape == (len(X_test), 6)
    assert set(np.unique(proba)) == {0.0, 1.0}
    np.testing.assert_array_equal(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X_test))


def test_predict_proba_two_string_classes(synthetic_control):
    """Two classes (a single decision score per series) and string labels: the columns follow
    ``classes_``."""
    X, y, X_test, y_test = synthetic_control
    names = np.array(["", "normal", "cyclic", "increasing", "decreasing", "up", "down"])
    train, test = np.isin(y, [2, 5]), np.isin(y_test, [2, 5])
    clf = ReservoirAeonClassifier(WRAPPED["nanowire"]()).fit(X[train], names[y[train]])
    np.testing.assert_array_equal(clf.classes_, ["cyclic", "up"])
    pred = clf.predict(X_test[test])
    proba = clf.predict_proba(X_test[test])
    assert proba.shape == (test.sum(), 2)
    np.testing.assert_array_equal(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)
    assert (pred == names[y_test[test]]).mean() > 0.9


def test_unequal_length_list_input(synthetic_control):
    X, y, X_test, _ = synthetic_control
    rng = np.random.RandomState(0)
    X_list = [s[None, : rng.randint(30, 61)] for s in X]  # (1, length) each
    X_test_list = [s[None, : rng.randint(30, 61)] for s in X_test]
    assert len({s.shape[1] for s in X_list}) > 1
    clf = ReservoirAeonClassifier(WRAPPED["nanowire"]()).fit(X_list, y)
    assert clf.metadata_["unequal_length"]
    ref = WRAPPED["nanowire"]().fit(X_list, y)
    np.testing.assert_array_equal(clf.predict(X_test_list), ref.predict(X_test_list))
    assert clf.predict_proba(X_test_list).shape == (len(X_test_list), 6)


def test_multivariate(synthetic_control):
    X, y, X_test, _ = synthetic_control
    def both(data):  # two channels: each series and its running mean
        return np.stack([data, np.cumsum(data, axis=1) / np.arange(1, data.shape[1] + 1)],
                        axis=1)

    X2, X2_test = both(X), both(X_test)
    clf = ReservoirAeonClassifier(WRAPPED["echo-state"]()).fit(X2, y)
    assert clf.metadata_["n_channels"] == 2
    # Two channels and, with difference=True, their first differences.
    assert clf.estimator_.reservoir_.input_weights_.shape == (30, 4)
    ref = WRAPPED["echo-state"]().fit(X2, y)
    np.testing.assert_array_equal(clf.predict(X2_test), ref.predict(X2_test))
    with pytest.raises(ValueError, match="channels"):
        clf.predict(X_test[:, None, :])


# -- n_jobs follows aeon: 1 by default, -1 resolved, set on the estimator's copy ---------------

def _threads(clf):
    """The thread count the adapter's fitted estimator was given, and its reservoir's."""
    est = clf.estimator_
    if isinstance(est, ModelSpaceClassifier):  # its threads are its reservoir's
        return est.reservoir.n_jobs, est.model_space_.reservoir_.n_jobs
    return est.n_jobs, _fitted(est).reservoir_.n_jobs


@pytest.mark.parametrize("kind", ["nanowire", "nanowire-cv", "model-space"])
def test_n_jobs_follows_aeon(kind, synthetic_control):
    X, y, _, _ = synthetic_control
    X, y = X[::2], y[::2]
    given = WRAPPED[kind]()
    if isinstance(given, ModelSpaceClassifier):
        given.reservoir.set_params(n_jobs=2)
    else:
        given.set_params(n_jobs=2)
    before = given.get_params(deep=True)
    clf = ReservoirAeonClassifier(given).fit(X, y)
    assert clf._n_jobs == 1 and _threads(clf) == (1, 1)  # aeon's default, not the estimator's
    clf = ReservoirAeonClassifier(given, n_jobs=-1).fit(X, y)
    assert clf._n_jobs == os.cpu_count() and _threads(clf) == (os.cpu_count(),) * 2
    assert given.get_params(deep=True) == before  # the caller's estimator is not changed
    ours = ReservoirAeonClassifier(clone(given), n_jobs=3).fit(X, y)
    assert ours._n_jobs == 3 and _threads(ours) == (3, 3)


def test_n_jobs_reaches_the_model_space_default_neuron(synthetic_control):
    X, y, _, _ = synthetic_control
    clf = ReservoirAeonClassifier(ModelSpaceClassifier(n_components=5, random_state=0),
                                  n_jobs=-1).fit(X[::2], y[::2])
    assert clf.estimator.reservoir is None  # the caller's estimator is not changed
    reservoir = clf.estimator_.model_space_.reservoir_
    assert isinstance(reservoir, NanowireReservoir)
    assert reservoir.n_neurons == 300 and reservoir.input_scaling == 0.03
    assert reservoir.n_jobs == os.cpu_count()


def test_import_error_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "aeon" or m.startswith("aeon.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if aeon were not installed
    monkeypatch.delitem(sys.modules, "nanowire_rc.aeon")
    with pytest.raises(ImportError, match=r'pip install "nanowire-rc\[aeon\]"'):
        importlib.import_module("nanowire_rc.aeon")
