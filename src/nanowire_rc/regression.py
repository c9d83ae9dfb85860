"""Series-to-value regression: a reservoir's pooled features, standardised, then ``RidgeCV``.

:class:`ReservoirRegressor` (and its presets :class:`NanowireRegressor`,
:class:`CoupledNanowireRegressor`, :class:`EchoStateRegressor`) map whole series to values
(aeon's time-series regression) with the features the classifiers use.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ._docs import preset, with_parameters_of
from ._fitting import _fits_reservoir
from .exceptions import InvalidInputError
from .readout import DEFAULT_ALPHAS, ReservoirReadout, _check_alphas, fit_ridge
from .reservoirs import CoupledNanowireReservoir, LeakyTanhReservoir, NanowireReservoir
from .series import as_batch

__all__ = ["REGRESSION_ALPHAS", "CoupledNanowireRegressor", "EchoStateRegressor",
           "NanowireRegressor", "ReservoirRegressor"]

#: Ridge penalties for the regressors: the classifiers' (1e-5 ... 1e5).
REGRESSION_ALPHAS = DEFAULT_ALPHAS


@with_parameters_of(ReservoirReadout)
class ReservoirRegressor(RegressorMixin, ReservoirReadout):
    """A reservoir's pooled features, standardised, and a ridge readout (leave-one-out penalty).

    Its default reservoir is ``NanowireReservoir()``; the presets :class:`NanowireRegressor`,
    :class:`EchoStateRegressor` and :class:`CoupledNanowireRegressor` choose theirs.

    Attributes
    ----------
    reservoir_ : estimator
        The fitted reservoir.
    readout_ : sklearn Pipeline (StandardScaler, RidgeCV)
        The fitted readout (standardised pooled features).
    alpha_ : float
        The chosen ridge penalty.

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when the reservoir has no stability guarantee (nanowire reservoirs).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.regression import ReservoirRegressor
    >>> X, _ = nw.load_ucr("SyntheticControl", "train")
    >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)  # a value per series
    >>> reg = ReservoirRegressor(nw.NanowireReservoir(n_neurons=50), random_state=0)
    >>> reg.fit(X[:200], trend[:200]).score(X[200:], trend[200:]) > 0.9
    True
    """

    _default_reservoir = staticmethod(NanowireReservoir)

    @_fits_reservoir
    def fit(self, X: ArrayLike, y: ArrayLike) -> ReservoirRegressor:
        """Fit the reservoir on ``X`` and the readout on its features.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series (a list for unequal lengths).
        y : array (n_cases,) or (n_cases, n_targets)
            Target values (finite).

        Returns
        -------
        self
            The fitted regressor.

        Raises
        ------
        InvalidInputError
            If ``y`` is missing, not finite or does not match ``X`` (or ``X`` is invalid).
        InvalidParameterError
            For invalid hyper-parameters.
        UnstableReservoirError
            When the reservoir has no stability guarantee (nanowire reservoirs).

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> from nanowire_rc.regression import NanowireRegressor
        >>> X, _ = nw.load_ucr("SyntheticControl", "train")
        >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)
        >>> reg = NanowireRegressor(nw.NanowireReservoir(n_neurons=50), random_state=0)
        >>> reg.fit(X[:200], trend[:200]).score(X[200:], trend[200:]) > 0.9
        True
        """
        if y is None:
            raise InvalidInputError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None")
        batch = as_batch(X)
        target = np.asarray(y, dtype=np.float64)
        if target.ndim not in (1, 2) or target.shape[0] != batch.n_cases:
            raise InvalidInputError(f"y must be (n_cases,) or (n_cases, n_targets) with n_cases = "
                                    f"{batch.n_cases}, got shape {target.shape}")
        if not np.all(np.isfinite(target)):
            raise InvalidInputError("y contains NaN or inf")
        alphas = _check_alphas(self.alphas)
        reservoir = self._reservoir()
        features = reservoir.fit_transform(batch).astype(np.float64, copy=False)
        self.reservoir_ = reservoir
        self.readout_ = fit_ridge(features, target, alphas)
        self.alpha_ = float(self.readout_[-1].alpha_)
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted values, one per series.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training data's channels.

        Returns
        -------
        ndarray
            Of shape (n_cases,) or (n_cases, n_targets), as the training targets.

        Examples
        --------
        >>> import numpy as np
        >>> import nanowire_rc as nw
        >>> from nanowire_rc.regression import EchoStateRegressor
        >>> X, _ = nw.load_ucr("SyntheticControl", "train")
        >>> Y = np.stack([X[:, -10:].mean(axis=1), X[:, -1]], axis=1)  # two targets
        >>> reg = EchoStateRegressor(nw.LeakyTanhReservoir(n_neurons=50), random_state=0)
        >>> reg.fit(X[:200], Y[:200]).predict(X[200:203]).shape
        (3, 2)
        """
        check_is_fitted(self, "readout_")
        features = self.reservoir_.transform(X).astype(np.float64, copy=False)
        return self.readout_.predict(features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.multi_output = True
        return tags


@preset()
class NanowireRegressor(ReservoirRegressor):
    """:class:`ReservoirRegressor` over ``NanowireReservoir()``, the paper's uncoupled assembly.

    A preset: it declares no hyper-parameter of its own.

    Examples
    --------
    Predict the last value of each series from the series (a toy target):

    >>> import nanowire_rc as nw
    >>> from nanowire_rc.regression import NanowireRegressor
    >>> X, _ = nw.load_ucr("SyntheticControl", "train")
    >>> NanowireRegressor(random_state=0).fit(X[:100], X[:100, -1]).predict(X[100:102]).shape
    (2,)
    """


@preset(LeakyTanhReservoir)
class EchoStateRegressor(ReservoirRegressor):
    """:class:`ReservoirRegressor` over ``LeakyTanhReservoir()``: the leaky-tanh Echo State
    Network baseline.

    A preset: it declares no hyper-parameter of its own.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, _ = nw.load_ucr("SyntheticControl", "train")
    >>> esn = nw.regression.EchoStateRegressor(random_state=0).fit(X[:100], X[:100, -1])
    >>> esn.predict(X[100:102]).shape
    (2,)
    """


@preset(CoupledNanowireReservoir)
class CoupledNanowireRegressor(ReservoirRegressor):
    """:class:`ReservoirRegressor` over ``CoupledNanowireReservoir()``, whose ``fit`` refuses a
    draw without the contraction certificate.

    A preset: it declares no hyper-parameter of its own.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.regression import CoupledNanowireRegressor
    >>> X, _ = nw.load_ucr("SyntheticControl", "train")
    >>> reg = CoupledNanowireRegressor(random_state=0).fit(X[:100], X[:100, -1])
    >>> reg.reservoir_.contraction_bound_ < 1
    True
    """
