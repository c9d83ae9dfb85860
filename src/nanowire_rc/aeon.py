"""aeon adapter for the library's classifiers (optional extra: ``pip install "nanowire-rc[aeon]"``).

This module owns the bridge to `aeon <https://www.aeon-toolkit.org>`_:
:class:`ReservoirAeonClassifier` is an aeon ``BaseClassifier`` that takes one of this library's
classifiers (:class:`~nanowire_rc.classifiers.NanowireClassifier` by default, or any
:class:`~nanowire_rc.classifiers.ReservoirClassifier`,
:class:`~nanowire_rc.tuning.ReservoirClassifierCV` or
:class:`~nanowire_rc.model_space.ModelSpaceClassifier`), so it runs in aeon's benchmarking,
pipelines and estimator checks. It clones the estimator at ``fit`` and keeps it, fitted, as
``estimator_``. No model code lives here: predictions are the wrapped estimator's, exactly.

Two aeon conventions differ from the wrapped estimators' and are followed here:

- ``n_jobs`` defaults to 1 (aeon's rule: no multithreading unless asked for); -1 means all
  cores, and the value is resolved by aeon's ``check_n_jobs`` into ``_n_jobs`` at ``fit`` and
  given to the estimator (or, for the model space, its reservoir).
- ``predict_proba`` returns one-hot rows (probability 1 for the predicted class), as aeon's own
  ridge-based classifiers (``RocketClassifier``, ``MiniRocketClassifier``) do: a ridge readout
  gives decision scores, not probabilities. The scores are ``estimator_.decision_function(X)``.

The core library never imports this module; importing it needs aeon.
"""

from __future__ import annotations

from typing import ClassVar

try:
    from aeon.classification import BaseClassifier
    from aeon.utils.validation import check_n_jobs
except ImportError as err:  # pragma: no cover - exercised only without aeon
    raise ImportError(
        "nanowire_rc.aeon needs aeon: install it with `pip install \"nanowire-rc[aeon]\"`"
    ) from err

import numpy as np
from sklearn.base import BaseEstimator, clone

from ._fitting import keeps_state_on_failure
from .classifiers import NanowireClassifier
from .model_space import ModelSpaceClassifier, _classifier_reservoir
from .multiscale import MultiScaleNanowireReservoir
from .reservoirs import LeakyTanhReservoir, NanowireReservoir
from .tuning import NanowireClassifierCV

__all__ = ["ReservoirAeonClassifier"]


class _StateKeepingClassifier(BaseClassifier):
    """aeon's ``BaseClassifier`` whose fits (which reset the estimator before checking anything)
    put the previous fit back when they fail; on a base class because aeon's checks require an
    estimator to override ``_fit``, not ``fit``."""

    fit = keeps_state_on_failure(BaseClassifier.fit)
    fit_predict = keeps_state_on_failure(BaseClassifier.fit_predict)
    fit_predict_proba = keeps_state_on_failure(BaseClassifier.fit_predict_proba)


def _takes_channels(estimator: BaseEstimator) -> bool:
    """Whether the estimator's reservoir takes multivariate series (the multi-scale one reads
    one channel)."""
    reservoir = getattr(estimator, "reservoir", None)
    if reservoir is None and hasattr(estimator, "_default_reservoir"):
        reservoir = estimator._default_reservoir()
    return not isinstance(reservoir, MultiScaleNanowireReservoir)


class ReservoirAeonClassifier(_StateKeepingClassifier):
    """One of this library's classifiers as an aeon classifier.

    Univariate and unequal-length collections (aeon's ``numpy3D`` array ``(n_cases,
    n_channels, n_timepoints)`` or ``np-list`` of ``(n_channels, n_timepoints_i)`` arrays),
    and multivariate ones when the wrapped estimator's reservoir takes channels (every
    reservoir but the multi-scale one, which reads one channel: the tag
    ``capability:multivariate`` says which).

    Parameters
    ----------
    estimator : classifier or None, default=None
        The wrapped scikit-learn classifier, cloned at ``fit`` (None:
        ``NanowireClassifier()``, the library's accurate classifier). Its settings are
        addressed as ``estimator__<name>`` (``estimator__reservoir__dt``, ...).
    n_jobs : int, default=1
        Threads for the compiled kernels; -1 for all cores. aeon's default (1), not the
        wrapped reservoir's (-1: all cores).

    Attributes
    ----------
    estimator_ : classifier
        The fitted wrapped estimator (its ``reservoir_``, ``readout_``, ``alpha_``...).
    classes_ : ndarray
        Class labels, sorted.
    n_classes_ : int
        Number of classes.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.aeon import ReservoirAeonClassifier
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> X_test, y_test = nw.load_ucr("SyntheticControl", "test")
    >>> wrapped = nw.NanowireClassifier(nw.NanowireReservoir(n_neurons=50), random_state=0)
    >>> clf = ReservoirAeonClassifier(wrapped).fit(X, y)
    >>> clf.score(X_test, y_test) > 0.9
    True
    >>> clf.predict_proba(X_test[:2]).sum(axis=1)
    array([1., 1.])
    """

    _tags: ClassVar[dict] = {
        "capability:multivariate": True,
        "capability:unequal_length": True,
        "capability:multithreading": True,
        "X_inner_type": ["np-list", "numpy3D"],
        # A random recurrent (infinite impulse response) filter bank, pooled, with a ridge
        # readout: in aeon's taxonomy the nearest family is the ROCKET one ("convolution").
        "algorithm_type": "convolution",
    }

    def __init__(self, estimator: BaseEstimator | None = None, n_jobs: int = 1):
        self.estimator = estimator
        self.n_jobs = n_jobs
        super().__init__()
        wrapped = NanowireClassifier() if estimator is None else estimator
        self.set_tags(**{"capability:multivariate": _takes_channels(wrapped)})

    @classmethod
    def _get_test_params(cls, parameter_set: str = "default") -> dict | list[dict]:
        """Small settings for aeon's estimator checks: one per kind of wrapped estimator.

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the parameter set; every name gets the same small settings.

        Returns
        -------
        params : list of dict
            Built afresh at each call.
        """
        return [
            {"estimator": NanowireClassifier(NanowireReservoir(n_neurons=10, n_windows=2),
                                             random_state=0)},
            {"estimator": NanowireClassifier(NanowireReservoir(
                n_neurons=8, n_windows=2, method="exact", dtype="float64"), random_state=1)},
            {"estimator": NanowireClassifier(MultiScaleNanowireReservoir(
                n_blocks=2, n_thresholds=2), random_state=0)},
            {"estimator": NanowireClassifierCV(
                NanowireReservoir(n_neurons=6), param_grid={"reservoir__dt": [0.1, 0.3]},
                representations=["mean", "mean+last"], cv=3, n_repeats=1, random_state=0)},
            {"estimator": ModelSpaceClassifier(NanowireReservoir(n_neurons=8), n_components=3,
                                               random_state=0)},
            {"estimator": ModelSpaceClassifier(LeakyTanhReservoir(n_neurons=6),
                                               n_components=2, target="input",
                                               random_state=1)},
        ]

    def _build_estimator(self) -> BaseEstimator:
        """The wrapped estimator, unfitted, on aeon's resolved ``_n_jobs`` threads (the
        caller's estimator is cloned, never changed)."""
        estimator = NanowireClassifier() if self.estimator is None else clone(self.estimator)
        if "n_jobs" in estimator.get_params(deep=False):
            return estimator.set_params(n_jobs=self._n_jobs)
        if isinstance(estimator, ModelSpaceClassifier):  # threads are its reservoir's
            reservoir = _classifier_reservoir(estimator.reservoir)
            if "n_jobs" in reservoir.get_params():
                reservoir.set_params(n_jobs=self._n_jobs)
            estimator.set_params(reservoir=reservoir)
        return estimator

    def _fit(self, X, y):
        """Build the wrapped estimator and fit it on ``X`` (numpy3D or list of 2-D arrays)."""
        self._n_jobs = check_n_jobs(self.n_jobs)
        self.estimator_ = self._build_estimator().fit(X, y)
        return self

    def _predict(self, X) -> np.ndarray:
        """The wrapped estimator's predicted labels."""
        return self.estimator_.predict(X)

    def _predict_proba(self, X) -> np.ndarray:
        """One-hot rows in the order of ``classes_``: 1 for the predicted class, 0 elsewhere."""
        pred = self._predict(X)
        proba = np.zeros((len(pred), self.n_classes_))
        # classes_ is np.unique(y): sorted, so searchsorted finds each label's column.
        proba[np.arange(len(pred)), np.searchsorted(self.classes_, pred)] = 1.0
        return proba
