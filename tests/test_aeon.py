"""The aeon adapters (nanowire_rc.aeon): aeon's own estimator checks, and agreement with the
wrapped scikit-learn estimators on real data, unequal-length and multivariate input."""

from __future__ import annotations

import importlib
import inspect
import os
import sys

import numpy as np
import pytest

pytest.importorskip("aeon")

from aeon.testing.estimator_checking import parametrize_with_checks

from nanowire_rc import (
    EchoStateClassifier,
    ModelSpaceClassifier,
    NanowireClassifier,
    NanowireClassifierCV,
    NanowireReservoir,
    load_ucr,
)
from nanowire_rc.aeon import (
    EchoStateAeonClassifier,
    ModelSpaceAeonClassifier,
    NanowireAeonClassifier,
    NanowireAeonClassifierCV,
)

# Every adapter with the estimator it wraps: a new adapter is added here.
ADAPTERS = [(NanowireAeonClassifier, NanowireClassifier),
            (EchoStateAeonClassifier, EchoStateClassifier),
            (NanowireAeonClassifierCV, NanowireClassifierCV)]
# Settings that keep an adapter's fit small in the tests below (a search: a small grid).
SMALL = {NanowireAeonClassifierCV: {"param_grid": {"dt": [0.1, 0.3]},
                                    "representations": ["mean", "mean+std"], "n_repeats": 1}}


# -- aeon's estimator checks: every one runs, none is skipped ---------------------------------

@parametrize_with_checks([adapter for adapter, _ in ADAPTERS] + [ModelSpaceAeonClassifier])
def test_aeon_estimator_checks(check):
    check()


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


# -- the adapters are the wrapped estimators ---------------------------------------------------

@pytest.mark.parametrize(("adapter", "wrapped"), ADAPTERS)
def test_same_parameters_and_defaults_as_the_wrapped_estimator(adapter, wrapped):
    """One source of truth: the adapter takes the wrapped estimator's parameters, with its
    defaults, except n_jobs (aeon's convention: 1)."""
    ours = {n: p.default for n, p in inspect.signature(adapter.__init__).parameters.items()}
    theirs = {n: p.default for n, p in inspect.signature(wrapped.__init__).parameters.items()}
    assert ours.pop("n_jobs") == 1 and theirs.pop("n_jobs") is None
    assert ours == theirs


@pytest.mark.parametrize(("adapter", "wrapped"), ADAPTERS)
def test_predictions_equal_the_wrapped_estimator(adapter, wrapped, synthetic_control):
    X, y, X_test, y_test = synthetic_control
    params = {"n_neurons": 30, "n_windows": 4, "random_state": 0, **SMALL.get(adapter, {})}
    clf = adapter(**params).fit(X, y)
    ref = wrapped(**params).fit(X, y)
    np.testing.assert_array_equal(clf.predict(X_test), ref.predict(X_test))
    assert isinstance(clf.estimator_, wrapped)
    # A search's refitted best classifier, or the classifier itself.
    ours, theirs = (getattr(e, "best_estimator_", e) for e in (clf.estimator_, ref))
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    assert ours.alpha_ == theirs.alpha_
    # Measured 0.93 (nanowire), 0.93 (ESN) and 0.95 (self-tuning nanowire) on this 60/60
    # subsample; chance is 1/6.
    assert clf.score(X_test, y_test) > 0.7


def test_predict_proba_is_one_hot_on_the_prediction(synthetic_control):
    X, y, X_test, _ = synthetic_control
    clf = NanowireAeonClassifier(n_neurons=20, n_windows=4, random_state=0).fit(X, y)
    proba = clf.predict_proba(X_test)
    assert proba.shape == (len(X_test), 6)
    np.testing.assert_array_equal(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X_test))


def test_unequal_length_list_input(synthetic_control):
    X, y, X_test, _ = synthetic_control
    rng = np.random.RandomState(0)
    X_list = [s[None, : rng.randint(30, 61)] for s in X]  # (1, length) each
    X_test_list = [s[None, : rng.randint(30, 61)] for s in X_test]
    assert len({s.shape[1] for s in X_list}) > 1
    params = {"n_neurons": 20, "n_windows": 4, "random_state": 0}
    clf = NanowireAeonClassifier(**params).fit(X_list, y)
    assert clf.metadata_["unequal_length"]
    ref = NanowireClassifier(**params).fit(X_list, y)
    np.testing.assert_array_equal(clf.predict(X_test_list), ref.predict(X_test_list))
    assert clf.predict_proba(X_test_list).shape == (len(X_test_list), 6)


def test_multivariate(synthetic_control):
    X, y, X_test, _ = synthetic_control
    def both(data):  # two channels: each series and its running mean
        return np.stack([data, np.cumsum(data, axis=1) / np.arange(1, data.shape[1] + 1)],
                        axis=1)

    X2, X2_test = both(X), both(X_test)
    params = {"n_neurons": 20, "n_windows": 4, "random_state": 0}
    clf = EchoStateAeonClassifier(**params).fit(X2, y)
    assert clf.metadata_["n_channels"] == 2
    # Two channels and, with the default difference=True, their first differences.
    assert clf.estimator_.reservoir_.input_weights_.shape == (20, 4)
    ref = EchoStateClassifier(**params).fit(X2, y)
    np.testing.assert_array_equal(clf.predict(X2_test), ref.predict(X2_test))
    with pytest.raises(ValueError, match="channels"):
        clf.predict(X_test[:, None, :])


def test_n_jobs_follows_aeon(synthetic_control):
    X, y, _, _ = synthetic_control
    clf = NanowireAeonClassifier(n_neurons=10, n_windows=2, random_state=0).fit(X, y)
    assert clf._n_jobs == 1 and clf.estimator_.n_jobs == 1
    clf = NanowireAeonClassifier(n_neurons=10, n_windows=2, n_jobs=-1, random_state=0).fit(X, y)
    assert clf._n_jobs == os.cpu_count() and clf.estimator_.n_jobs == os.cpu_count()


def test_import_error_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "aeon" or m.startswith("aeon.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if aeon were not installed
    monkeypatch.delitem(sys.modules, "nanowire_rc.aeon")
    with pytest.raises(ImportError, match=r'pip install "nanowire-rc\[aeon\]"'):
        importlib.import_module("nanowire_rc.aeon")


# -- the model-space adapter (its wrapped estimator takes a reservoir, not n_neurons) ---------

def test_model_space_adapter_parameters_are_the_wrapped_ones_and_n_jobs():
    ours = {n: p.default for n, p in
            inspect.signature(ModelSpaceAeonClassifier.__init__).parameters.items()}
    theirs = {n: p.default for n, p in
              inspect.signature(ModelSpaceClassifier.__init__).parameters.items()}
    assert ours.pop("n_jobs") == 1
    assert ours == theirs


def test_model_space_adapter_predicts_as_the_wrapped_estimator(synthetic_control):
    X, y, X_test, y_test = synthetic_control
    reservoir = NanowireReservoir(n_neurons=30, n_jobs=2)
    clf = ModelSpaceAeonClassifier(reservoir, n_components=10, random_state=0).fit(X, y)
    assert reservoir.n_jobs == 2  # the caller's reservoir is cloned, not changed
    assert clf.estimator_.model_space_.reservoir_.n_jobs == 1  # aeon's default
    ref = ModelSpaceClassifier(NanowireReservoir(n_neurons=30, n_jobs=1), n_components=10,
                               random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.predict(X_test), ref.predict(X_test))
    np.testing.assert_array_equal(clf.estimator_.coef_, ref.coef_)
    assert clf.estimator_.alpha_ == ref.alpha_
    proba = clf.predict_proba(X_test)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X_test))
    # Measured 0.80 on this 60/60 subsample (30 neurons, 10 components); chance is 1/6.
    assert clf.score(X_test, y_test) > 0.7


def test_model_space_adapter_default_neuron_and_threads(synthetic_control):
    X, y, _, _ = synthetic_control
    clf = ModelSpaceAeonClassifier(n_components=5, n_jobs=-1, random_state=0).fit(X[::2], y[::2])
    reservoir = clf.estimator_.model_space_.reservoir_
    assert isinstance(reservoir, NanowireReservoir)
    assert reservoir.n_neurons == 300 and reservoir.input_scaling == 0.03
    assert reservoir.n_jobs == os.cpu_count()
