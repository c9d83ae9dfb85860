"""Time-series classifiers: a reservoir, standardisation and a ridge readout.

The pipeline and its protocol are explained in docs/theory.md ("Model selection").

:class:`ReservoirClassifier` takes a reservoir, which alone declares its hyper-parameters (a
search grid reads ``{"reservoir__dt": [...]}``), plus the readout's ``alphas``
(:mod:`nanowire_rc.readout`: the regularisation is chosen among ``alphas`` by efficient
leave-one-out cross-validation on the training features). :class:`NanowireClassifier`,
:class:`EchoStateClassifier` and :class:`CoupledNanowireClassifier` are presets: the same class
with a default reservoir.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ._docs import preset, with_parameters_of
from ._fitting import _fits_reservoir
from .multiscale import MultiScaleNanowireReservoir
from .readout import (
    ReservoirReadout,
    _check_alphas,
    _check_labels,
    _fold_readout,
    apply_readout,
    fit_readout,
)
from .reservoirs import (
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    _feature_blocks,
    _Reservoir,
)
from .series import as_batch

__all__ = [
    "CLASSIFICATION_SETTINGS",
    "CoupledNanowireClassifier",
    "EchoStateClassifier",
    "NanowireClassifier",
    "ReservoirClassifier",
    "classification_reservoir",
]

class _ReadoutClassifier(ClassifierMixin, BaseEstimator):
    """Shared by the classifiers with the library's ridge readout (an ``alphas`` parameter):
    fitting it on features, its scores, the predicted labels."""

    def _fit_readout(self, features, y: np.ndarray) -> None:
        self.readout_ = fit_readout(features, y, self.alphas)
        self.classes_ = self.readout_.classes_
        self.alpha_ = float(self.readout_[-1].alpha_)
        self.coef_, self.intercept_ = _fold_readout(self.readout_)

    def _fit_reservoir_and_readout(self, X: ArrayLike, y: ArrayLike):
        """Fit a fresh reservoir (``self._reservoir()``) on ``X``, the readout on its features."""
        batch = as_batch(X)
        y = _check_labels(y, batch.n_cases, type(self).__name__)
        _check_alphas(self.alphas)  # before the reservoir runs: fail fast
        reservoir = self._reservoir()
        features = reservoir.fit_transform(batch)
        self.reservoir_ = reservoir
        self._fit_readout(features, y)
        return self

    def _scores(self, features) -> np.ndarray:
        scores = apply_readout(features, self.coef_, self.intercept_)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels, of the same type as the training labels.

        Parameters
        ----------
        X : array or list of arrays
            Series, as for ``decision_function``.

        Returns
        -------
        ndarray (n_cases,)
            The class with the largest score (for two classes: the sign of the score).

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = nw.ReservoirClassifier(nw.LeakyTanhReservoir(n_neurons=20), random_state=0)
        >>> clf.fit(X[::3], y[::3] > 3).predict(X[:4]).dtype  # as the training labels
        dtype('bool')
        """
        scores = self.decision_function(X)
        # As RidgeClassifier decides: the sign for two classes, else the largest score.
        return self.classes_[(scores > 0).astype(int) if scores.ndim == 1
                             else scores.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


#: Each reservoir's settings chosen for classification: the best mean 5-fold cross-validated
#: accuracy over the training splits of eleven UCR/UEA datasets (test splits never looked at;
#: ``benchmarks/choose_defaults.py``, docs/accuracy.md). The presets' default reservoirs.
CLASSIFICATION_SETTINGS: dict[type, dict] = {
    NanowireReservoir: {"n_neurons": 300, "input_scaling": 0.5, "dt": 0.3, "dt_spread": 1.0,
                        "difference": True, "features": "mean+std"},
    LeakyTanhReservoir: {"n_neurons": 300, "input_scaling": 0.5, "difference": True,
                         "features": "mean+std"},
    CoupledNanowireReservoir: {},
}


def classification_reservoir(kind: type, **params) -> _Reservoir:
    """A ``kind`` reservoir with :data:`CLASSIFICATION_SETTINGS`, then ``params``.

    Parameters
    ----------
    kind : type
        A key of :data:`CLASSIFICATION_SETTINGS` (``NanowireReservoir``, ...).
    **params
        Hyper-parameters set over the chosen settings.

    Returns
    -------
    reservoir
        The unfitted reservoir.

    Examples
    --------
    >>> from nanowire_rc import NanowireReservoir
    >>> from nanowire_rc.classifiers import classification_reservoir
    >>> classification_reservoir(NanowireReservoir, n_neurons=50).dt
    0.3
    """
    return kind(**{**CLASSIFICATION_SETTINGS[kind], **params})


@with_parameters_of(ReservoirReadout)
class ReservoirClassifier(ReservoirReadout, _ReadoutClassifier):
    """A reservoir's features, standardised, and a ridge readout (leave-one-out penalty).

    The reservoir is any of the library's (:class:`~nanowire_rc.reservoirs.NanowireReservoir`,
    :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir`,
    :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`,
    :class:`~nanowire_rc.multiscale.MultiScaleNanowireReservoir`,
    :class:`~nanowire_rc.network.NetworkReservoir`), or a transformer that takes what they
    take (a :class:`~nanowire_rc.series.SeriesBatch` at ``fit``, series as given at
    ``transform``) and returns one row of features per series. It alone declares and documents its
    hyper-parameters; a grid addresses them as ``reservoir__dt`` (scikit-learn's nested
    parameters). Its default reservoir is ``MultiScaleNanowireReservoir()``. The presets
    :class:`NanowireClassifier`, :class:`EchoStateClassifier` and
    :class:`CoupledNanowireClassifier` are this class with a default reservoir.

    Attributes
    ----------
    reservoir_ : estimator
        The fitted reservoir.
    readout_ : Pipeline
        The fitted ``StandardScaler`` + ``RidgeClassifierCV``.
    classes_ : ndarray (n_classes,)
        Class labels.
    alpha_ : float
        The chosen ridge penalty.
    coef_ : ndarray (n_features, n_scores)
        The readout as one affine map of the raw reservoir features (standardisation folded
        in): ``decision_function`` is ``features @ coef_ + intercept_``.
    intercept_ : ndarray (n_scores,)
        Its intercepts.

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when the drawn reservoir has no echo-state guarantee (nanowire
        reservoirs).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.ReservoirClassifier(reservoir=nw.NanowireReservoir(n_neurons=50),
    ...                              random_state=0).fit(X, y)
    >>> clf.reservoir_.memory_factor_ < 1
    True
    >>> clf.set_params(reservoir__dt=0.2).get_params()["reservoir__dt"]
    0.2
    """

    _default_reservoir = staticmethod(MultiScaleNanowireReservoir)

    @_fits_reservoir
    def fit(self, X: ArrayLike, y: ArrayLike) -> ReservoirClassifier:
        """Fit the reservoir on ``X`` (its input scaling, its weights), the readout on its
        features.

        A fit that raises (or is interrupted) leaves the classifier as it was before it.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series (a list of 1-D or 2-D arrays for unequal lengths).
        y : array-like (n_cases,)
            Class labels (at least two classes).

        Returns
        -------
        self
            The fitted classifier.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters (the classifier's, then the reservoir's).
        InvalidInputError
            For invalid series, or labels that do not match ``X`` or hold a single class.
        MemoryLimitError
            Before anything is drawn, when the reservoir's weights and features would need more
            memory than is available.
        UnstableReservoirError
            When the drawn reservoir has no echo-state guarantee (nanowire reservoirs).

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> res = nw.CoupledNanowireReservoir(n_neurons=20)
        >>> clf = nw.ReservoirClassifier(res, random_state=0).fit(X[::3], y[::3])
        >>> clf.classes_, clf.coef_.shape
        (array([1, 2, 3, 4, 5, 6]), (200, 6))
        """
        return self._fit_reservoir_and_readout(X, y)

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Readout scores.

        One affine map of the raw reservoir features (``coef_``, ``intercept_``: the
        standardisation folded into the ridge coefficients), the same scores as
        ``readout_.decision_function`` of the standardised features.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series to score, with the training series' channels, of any length.

        Returns
        -------
        ndarray (n_cases,) or (n_cases, n_classes)
            One score per series for two classes (> 0: the second class), else one per class.

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = nw.ReservoirClassifier(nw.CoupledNanowireReservoir(n_neurons=20), random_state=0)
        >>> clf.fit(X[::3], y[::3]).decision_function(X[:4]).shape
        (4, 6)
        >>> clf.fit(X[::3], y[::3] > 3).decision_function(X[:4]).shape  # two classes: one score
        (4,)
        """
        check_is_fitted(self, "coef_")
        res = self.reservoir_
        # The library's pooled reservoirs hand their feature blocks over unconcatenated.
        blocks = (_feature_blocks(res.pool(X), res.features) if isinstance(res, _Reservoir)
                  else res.transform(X))
        return self._scores(blocks)


@preset()
class NanowireClassifier(ReservoirClassifier):
    """The library's accurate classifier: :class:`ReservoirClassifier` over
    ``MultiScaleNanowireReservoir()``.

    A preset: it declares no hyper-parameter of its own. Its default representation drives
    nanowire neurons with dilated views of each series and pools their states against
    thresholds drawn from the training states; on 55 UCR datasets it is level with MiniRocket
    at 1.4 times its median time (docs/accuracy_flagship.md). It reads one channel. Cheaper or
    multivariate models are a ``reservoir`` away: ``NanowireClassifier(reservoir=
    classification_reservoir(NanowireReservoir))`` is the single-reservoir model (300 neurons,
    mean and standard deviation of the states), chosen by cross-validation on eleven datasets.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> X_test, y_test = nw.load_ucr("SyntheticControl", "test")
    >>> clf = nw.NanowireClassifier(random_state=0).fit(X, y)
    >>> clf.score(X_test, y_test) > 0.95
    True
    """


@preset(classification_reservoir, LeakyTanhReservoir)
class EchoStateClassifier(ReservoirClassifier):
    """The paper's baseline: :class:`ReservoirClassifier` over a leaky-tanh reservoir (ESN).

    A preset: it declares no hyper-parameter of its own. Its default reservoir is
    ``LeakyTanhReservoir(n_neurons=300, input_scaling=0.5, difference=True,
    features="mean+std")``, chosen by the best mean 5-fold CV accuracy on the training splits
    of eleven datasets, among 24 candidates and 8 representations.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.EchoStateClassifier(nw.LeakyTanhReservoir(n_neurons=50, difference=True,
    ...                                                   features="mean+std"),
    ...                              random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    """


@preset(CoupledNanowireReservoir)
class CoupledNanowireClassifier(ReservoirClassifier):
    """:class:`ReservoirClassifier` over ``CoupledNanowireReservoir()``, with its defaults.

    A preset: it declares no hyper-parameter of its own.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.classifiers.CoupledNanowireClassifier(nw.CoupledNanowireReservoir(n_neurons=50),
    ...                                    random_state=0).fit(X, y)
    >>> clf.reservoir_.contraction_bound_ < 1
    True
    """
