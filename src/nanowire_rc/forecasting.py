"""Forecasting and sequence-to-value regression with nanowire and tanh reservoirs.

**Forecasters** (:class:`NanowireForecaster`, :class:`CoupledNanowireForecaster`,
:class:`EchoStateForecaster`) learn to predict a series ``horizon`` steps ahead from the
reservoir's state. ``fit(y)`` takes one series with time first, shape ``(n_timepoints,)`` or
``(n_timepoints, n_channels)``:

1. each channel is min–max scaled into ``input_range`` (float64; the scaling is fitted on ``y``
   and later values are clipped to the training range, so the reservoir only ever sees inputs
   for which its stability guarantee — memory factor or contraction bound — was checked);
2. the reservoir is driven by the scaled series (teacher forcing); the state after consuming
   ``y[t]`` is ``h(t)``;
3. a ridge readout (standardised features, penalty chosen among ``alphas`` by scikit-learn's
   efficient leave-one-out ``RidgeCV``) maps the features ``h(t)`` — concatenated with the
   scaled input ``u(t)`` when ``include_input`` is true — to ``y[t + horizon]`` in the
   original units; the first ``washout`` steps are left out of the fit.

``predict(y)`` returns an array shaped like ``y`` whose row ``t`` is the forecast of
``y[t + horizon]`` made after seeing ``y[: t + 1]`` (the reservoir starts from rest at
``y[0]``, so the first ``washout`` rows come from a reservoir still warming up). Values of ``y``
beyond the training range are clipped to it, so a forecast there is no extrapolation: when one
lies outside the range widened by ``divergence_margin`` times its width on each side, ``predict``
(and ``generate``'s ``warmup``) warns with a :class:`TrainingRangeWarning`, or raises
:class:`~nanowire_rc.exceptions.InvalidInputError` with ``out_of_range="raise"``.
``generate(n_steps)`` runs the closed loop (``horizon=1`` only): from the state reached at the
end of the training series (or of a ``warmup`` series), each forecast is scaled, clipped and fed
back as the next input. When a generated value leaves the training range by more than
``divergence_margin`` times its width (or is not finite), a
:class:`ClosedLoopDivergenceWarning` is issued.

**Regressors** (:class:`NanowireRegressor`, :class:`CoupledNanowireRegressor`,
:class:`EchoStateRegressor`) map whole series to values (aeon's time-series regression): the
classifiers' pooled features (``mean``, ``last``, ``windows``), standardised, then ``RidgeCV``.
"""

from __future__ import annotations

import inspect
import numbers
import re
import textwrap
import warnings

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from ._fitting import keeps_state_on_failure
from .classifiers import DEFAULT_ALPHAS, check_alphas
from .delays import check_delay_options, input_features
from .device import Device
from .exceptions import InvalidInputError, InvalidParameterError
from .kernels import reference
from .physics import NanowireParams, _as_params
from .reservoirs import (
    _COMMON_DOCS,
    _NEURON_DOCS,
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    _Reservoir,
    _reservoir_from,
)
from .series import as_batch

__all__ = [
    "FORECAST_ALPHAS",
    "REGRESSION_ALPHAS",
    "ClosedLoopDivergenceWarning",
    "CoupledNanowireForecaster",
    "CoupledNanowireRegressor",
    "EchoStateForecaster",
    "EchoStateRegressor",
    "NanowireForecaster",
    "NanowireRegressor",
    "TrainingRangeWarning",
]

#: Ridge penalties tried by leave-one-out for forecasters: 1e-8 ... 1e3, one per decade.
FORECAST_ALPHAS = tuple(float(a) for a in np.logspace(-8, 3, 12))
#: Ridge penalties for the sequence-to-value regressors: the classifiers' (1e-5 ... 1e5).
REGRESSION_ALPHAS = DEFAULT_ALPHAS

# Reservoir hyper-parameters that a forecaster sets itself (it runs one long series, does its
# own float64 scaling and reads the full state trajectory).
_FIXED = {"features": "last", "n_windows": 1, "washout": 0, "input_range": None}
# Reservoir hyper-parameters forecasters do not offer: their closed loop steps the plain NumPy
# update one input at a time, which has no device model (noise, variability) or per-neuron time
# steps, and the classifiers' representations (a time-reversed pass, an input's difference)
# would read the future or need the previous input inside the loop. Regressors offer them all.
_NOT_OFFERED = ("device", "bidirectional", "difference", "dt_spread")


#: What ``predict`` does with inputs far outside the training range (``out_of_range``).
OUT_OF_RANGE = ("warn", "raise")


class TrainingRangeWarning(UserWarning):
    """A forecaster met values beyond its training range widened by ``divergence_margin``.

    Inputs are clipped to the training range, so forecasts there are not extrapolated.

    Examples
    --------
    Values a thousand times those of the training series:

    >>> import warnings
    >>> from nanowire_rc import NanowireForecaster, TrainingRangeWarning
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(300, discard=300)
    >>> fc = NanowireForecaster(n_neurons=10, random_state=0).fit(y)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", TrainingRangeWarning)
    ...     try:
    ...         fc.predict(1000 * y)
    ...     except TrainingRangeWarning as warning:
    ...         print(str(warning)[:49])
    y has 300 value(s) outside the training range [0.
    """


class ClosedLoopDivergenceWarning(TrainingRangeWarning):
    """A closed-loop forecast left the training range by a wide margin or became non-finite.

    Examples
    --------
    A small Echo State Network trained on a short stretch of Mackey–Glass drifts away in
    closed loop:

    >>> import warnings
    >>> from nanowire_rc import ClosedLoopDivergenceWarning, EchoStateForecaster
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(300, discard=300)
    >>> fc = EchoStateForecaster(n_neurons=20, random_state=0).fit(y)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = fc.generate(300)
    >>> [w.category.__name__ for w in caught]
    ['ClosedLoopDivergenceWarning']
    """


def _as_series(y: ArrayLike, name: str = "y") -> tuple[np.ndarray, bool]:
    """Validate one time-first series; return it as float64 (n_timepoints, n_channels)."""
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidInputError(f"{name} must be an array of real numbers: {err}") from err
    if arr.ndim not in (1, 2):
        raise InvalidInputError(
            f"{name} must be one series with time first, shape (n_timepoints,) or "
            f"(n_timepoints, n_channels); got shape {arr.shape}")
    if arr.shape[0] == 0 or (arr.ndim == 2 and arr.shape[1] == 0):
        raise InvalidInputError(f"{name} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        t = int(np.argwhere(~np.isfinite(arr))[0][0])
        raise InvalidInputError(f"{name} contains NaN or inf (first at time {t}); impute it first")
    return (arr[:, None], True) if arr.ndim == 1 else (arr, False)


class _Forecaster(BaseEstimator):
    """Shared logic: scaling, teacher-forced states, ridge readout, closed loop."""

    _reservoir_class: type[_Reservoir]

    # ----------------------------------------------------------------- set-up and checks
    def _reservoir(self) -> _Reservoir:
        return _reservoir_from(self, _NOT_OFFERED, **_FIXED)

    def _validate(self) -> None:
        for name, minimum in (("horizon", 1), ("washout", 0)):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or \
                    value < minimum:
                raise InvalidParameterError(
                    f"{name} must be an integer >= {minimum}, got {value!r}")
        if not isinstance(self.include_input, (bool, np.bool_)):
            raise InvalidParameterError(
                f"include_input must be True or False, got {self.include_input!r}")
        check_delay_options(*self._delay_options())
        try:
            lo, hi = (float(v) for v in self.input_range)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"input_range must be (low, high), got {self.input_range!r}") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise InvalidParameterError(f"input_range must be (low, high) with low < high, got "
                                        f"{self.input_range!r}")
        margin = self.divergence_margin
        if not isinstance(margin, numbers.Real) or not np.isfinite(margin) or margin < 0:
            raise InvalidParameterError(
                f"divergence_margin must be a finite real >= 0, got {margin!r}")
        if self._out_of_range() not in OUT_OF_RANGE:
            raise InvalidParameterError(f"out_of_range must be one of {OUT_OF_RANGE}, got "
                                        f"{self.out_of_range!r}")
        check_alphas(self.alphas)

    def _out_of_range(self) -> str:
        # forecasters saved without the setting warn, as it defaults to
        return getattr(self, "out_of_range", "warn")

    def _widened_range(self) -> tuple[np.ndarray, np.ndarray]:
        """The training range widened by ``divergence_margin`` times its width on each side:
        what ``predict`` accepts without a warning, and what ``generate`` calls diverging."""
        width = self.data_max_ - self.data_min_
        return (self.data_min_ - self.divergence_margin * width,
                self.data_max_ + self.divergence_margin * width)

    def _check_range(self, Y: np.ndarray, name: str) -> None:
        """Warn (``out_of_range="warn"``) or raise (``"raise"``) when values of ``Y`` lie
        outside :meth:`_widened_range`: they are clipped to the training range."""
        low, high = self._widened_range()
        outside = (Y < low) | (Y > high)
        if not outside.any():
            return
        t, c = (int(i) for i in np.argwhere(outside)[0])
        message = (
            f"{name} has {int(outside.sum())} value(s) outside the training range "
            f"[{self.data_min_[c]:.4g}, {self.data_max_[c]:.4g}] widened by divergence_margin = "
            f"{self.divergence_margin} of its width (first at time {t}"
            + (f", channel {c}" if Y.shape[1] > 1 else "") + f": {Y[t, c]:.4g}). The "
            "forecaster clips its inputs to the training range, so these forecasts are not "
            "extrapolations: fit on data that covers this range")
        if self._out_of_range() == "raise":
            raise InvalidInputError(message)
        warnings.warn(message + " (out_of_range='raise' makes this an error)",
                      TrainingRangeWarning, stacklevel=3)

    def _scale(self, Y: np.ndarray) -> np.ndarray:
        """Clip to the training range and map onto ``input_range``, in float64."""
        lo, hi = (float(v) for v in self.input_range)
        span = np.where(self.data_max_ > self.data_min_, self.data_max_ - self.data_min_, 1.0)
        clipped = np.clip(Y, self.data_min_, self.data_max_)
        return lo + (clipped - self.data_min_) * ((hi - lo) / span)

    def _states(self, U: np.ndarray, h0=0.0) -> np.ndarray:
        """Reservoir states (n_timepoints, n_neurons) for scaled inputs U (n_timepoints, C)."""
        S = self.reservoir_.states(np.ascontiguousarray(U.T[None]), h0=h0)[0]
        return S.astype(np.float64, copy=False)

    def _stepper(self):
        """A function ``(h, u) -> h_next``: one reservoir update with scaled input ``u`` (C,).

        Uses the kernels' plain NumPy reference (a compiled call costs more to launch than one
        step); it computes the same update as the teacher-forced run, to float tolerance.
        """
        res = self.reservoir_
        dtype = np.dtype(self.dtype).type
        lengths = np.ones(1, dtype=np.int64)
        w = np.ascontiguousarray(res.input_weights_.T, dtype=dtype)
        update = self._reference_step(res, w, dtype)

        def step(h: np.ndarray, u: np.ndarray) -> np.ndarray:
            x = np.asarray(u, dtype=dtype).reshape(1, -1, 1)
            with np.errstate(over="ignore", invalid="ignore"):
                pooled = update(x, lengths, np.asarray(h, dtype=dtype))
            return pooled.last[0].astype(np.float64)

        return step

    def _delay_options(self) -> tuple[int, int, bool]:
        # forecasters saved without the options have none
        return (getattr(self, "n_delays", 0), getattr(self, "delay_step", 1),
                getattr(self, "quadratic", False))

    def _history(self) -> int:
        """Past inputs the readout features need besides the current one."""
        n_delays, step, _ = self._delay_options()
        return n_delays * step

    def _features(self, S: np.ndarray, U: np.ndarray) -> np.ndarray:
        """Readout features of the states ``S`` and the last ``len(S)`` rows of the inputs
        ``U`` (which may hold more rows before them: the closed loop's input history)."""
        n_delays, step, quadratic = self._delay_options()
        if n_delays == 0 and not quadratic:
            return np.hstack([S, U[-S.shape[0]:]]) if self.include_input else S
        inputs = input_features(U, self.include_input, n_delays, step, quadratic)
        return np.hstack([S, inputs[-S.shape[0]:]])

    def _check_channels(self, Y: np.ndarray, name: str) -> None:
        if Y.shape[1] != self.n_channels_:
            raise InvalidInputError(
                f"{name} has {Y.shape[1]} channel(s), but {type(self).__name__} "
                f"was fitted with {self.n_channels_}")

    # ---------------------------------------------------------------------- estimator API
    @keeps_state_on_failure
    def fit(self, y: ArrayLike) -> _Forecaster:
        """Fit the scaling, draw the reservoir and train the readout by teacher forcing.

        Parameters
        ----------
        y : array (n_timepoints,) or (n_timepoints, n_channels)
            One training series, time first.

        Returns
        -------
        self
            The fitted forecaster.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters.
        InvalidInputError
            For a series that is not finite or too short for ``washout + horizon + 1`` steps.
        UnstableReservoirError
            When the reservoir has no stability guarantee over ``input_range`` (see the class).

        Examples
        --------
        >>> from nanowire_rc import NanowireForecaster
        >>> from nanowire_rc.generators import mackey_glass
        >>> y = mackey_glass(700, discard=300)
        >>> fc = NanowireForecaster(n_neurons=50, random_state=0).fit(y[:500])
        >>> fc.n_channels_, fc.coef_.shape  # 50 states + the current input
        (1, (1, 51))
        """
        self._validate()
        Y, _ = _as_series(y)
        n = Y.shape[0]
        if n - self.horizon - self.washout < 2:
            raise InvalidInputError(
                f"y has {n} time points: need more than washout + horizon + 1 = "
                f"{self.washout + self.horizon + 1} to fit a readout")
        self.n_channels_ = Y.shape[1]
        self.data_min_, self.data_max_ = Y.min(axis=0), Y.max(axis=0)
        lo, hi = (float(v) for v in self.input_range)
        box = np.empty((1, self.n_channels_, 2))
        box[..., 0], box[..., 1] = lo, hi
        # Fitting on the corners of the input box makes the reservoir's stability check cover
        # exactly the range our scaling produces (it only clips, input_range=None).
        self.reservoir_ = self._reservoir().fit(box)
        U = self._scale(Y)
        S = self._states(U)
        F = self._features(S, U)
        rows = slice(self.washout, n - self.horizon)
        target = Y[self.washout + self.horizon:]
        # gcv_mode="svd": long series and nearly collinear states; the eigen route loses
        # digits there at small penalties.
        ridge = RidgeCV(alphas=check_alphas(self.alphas), gcv_mode="svd")
        self.readout_ = make_pipeline(StandardScaler(), ridge).fit(F[rows], target)
        scaler, ridge = self.readout_
        self.alpha_ = float(ridge.alpha_)
        # The pipeline as one affine map, applied per step in the closed loop.
        self.coef_ = np.atleast_2d(ridge.coef_) / scaler.scale_  # (n_channels, n_features)
        self.intercept_ = np.atleast_1d(ridge.intercept_) - self.coef_ @ scaler.mean_
        self.last_state_ = S[-1].copy()
        self.last_input_ = U[-1].copy()
        self.input_history_ = U[-1 - self._history():].copy()
        self.n_features_readout_ = F.shape[1]
        return self

    def _readout(self, F: np.ndarray) -> np.ndarray:
        return F @ self.coef_.T + self.intercept_

    def predict(self, y: ArrayLike) -> np.ndarray:
        """Teacher-forced forecasts: row ``t`` is the forecast of ``y[t + horizon]``.

        Parameters
        ----------
        y : array (n_timepoints,) or (n_timepoints, n_channels)
            The observed series (the reservoir starts from rest at ``y[0]``).

        Returns
        -------
        ndarray, same shape as ``y``
            Row ``t`` forecasts ``y[t + horizon]`` after seeing ``y[: t + 1]``.

        Raises
        ------
        InvalidInputError
            If ``y`` is not finite or has another number of channels than the training series;
            with ``out_of_range="raise"``, also when a value lies outside the training range
            widened by ``divergence_margin`` times its width.

        Warns
        -----
        TrainingRangeWarning
            When a value lies outside the training range widened by ``divergence_margin`` times
            its width (``out_of_range="warn"``): inputs are clipped to the training range.

        Examples
        --------
        >>> from nanowire_rc import NanowireForecaster
        >>> from nanowire_rc.generators import mackey_glass
        >>> from nanowire_rc.metrics import nrmse
        >>> y = mackey_glass(700, discard=300)
        >>> fc = NanowireForecaster(n_neurons=50, random_state=0).fit(y[:500])
        >>> pred = fc.predict(y)  # pred[t] forecasts y[t + 1]
        >>> bool(nrmse(y[501:], pred[500:-1]) < 0.2)  # one-step error on unseen data
        True
        """
        check_is_fitted(self, "readout_")
        Y, flat = _as_series(y)
        self._check_channels(Y, "y")
        self._check_range(Y, "y")
        U = self._scale(Y)
        pred = self._readout(self._features(self._states(U), U))
        return pred[:, 0] if flat else pred

    def score(self, y: ArrayLike) -> float:
        """R² of the teacher-forced forecasts of ``y`` after the washout (higher is better).

        Parameters
        ----------
        y : array (n_timepoints,) or (n_timepoints, n_channels)
            The observed series (the reservoir starts from rest at ``y[0]``).

        Returns
        -------
        float
            :func:`sklearn.metrics.r2_score` of the forecasts of ``y[washout + horizon:]``.

        Raises
        ------
        InvalidInputError
            If ``y`` is too short to score after the washout, or invalid (see :meth:`predict`).

        Examples
        --------
        >>> from nanowire_rc import NanowireForecaster
        >>> from nanowire_rc.generators import mackey_glass
        >>> y = mackey_glass(700, discard=300)
        >>> fc = NanowireForecaster(n_neurons=50, random_state=0).fit(y[:500])
        >>> fc.score(y[500:]) > 0.9
        True
        """
        Y, _ = _as_series(y)
        pred = np.asarray(self.predict(Y))
        rows = slice(self.washout, Y.shape[0] - self.horizon)
        if rows.stop - rows.start < 2:
            raise InvalidInputError("y is too short to score after the washout")
        return float(r2_score(Y[self.washout + self.horizon:], pred[rows]))

    def generate(self, n_steps: int, warmup: ArrayLike | None = None,
                 return_states: bool = False):
        """Closed-loop forecast: feed each prediction back as the next input.

        Parameters
        ----------
        n_steps : int
            Number of values to generate.
        warmup : array (n_timepoints,) or (n_timepoints, n_channels), optional
            Series to run teacher-forced first (from rest); the first generated value forecasts
            the one after its end. ``None`` continues from the end of the training series.
        return_states : bool, default=False
            Also return the reservoir state from which each value was read out.

        Returns
        -------
        ndarray (n_steps,) or (n_steps, n_channels)
            Shaped like the training series (one channel: 1-D). Rows after a non-finite value
            are NaN.
        states : ndarray (n_steps, n_neurons)
            Only with ``return_states``.

        Raises
        ------
        InvalidParameterError
            If ``n_steps`` is not a positive integer or ``horizon != 1``.
        InvalidInputError
            If ``warmup`` is invalid (see :meth:`predict`).

        Warns
        -----
        ClosedLoopDivergenceWarning
            When a value leaves the training range widened by ``divergence_margin`` times its
            width on each side, or is not finite.
        TrainingRangeWarning
            When ``warmup`` has values outside that widened range (see :meth:`predict`).

        Examples
        --------
        >>> from nanowire_rc import NanowireForecaster
        >>> from nanowire_rc.generators import mackey_glass
        >>> y = mackey_glass(700, discard=300)
        >>> fc = NanowireForecaster(n_neurons=50, random_state=0).fit(y[:500])
        >>> fc.generate(5).shape  # continues from the end of the training series
        (5,)
        >>> values, states = fc.generate(5, warmup=y[500:600], return_states=True)
        >>> states.shape
        (5, 50)
        """
        check_is_fitted(self, "readout_")
        if not isinstance(n_steps, numbers.Integral) or isinstance(n_steps, bool) or n_steps < 1:
            raise InvalidParameterError(f"n_steps must be an integer >= 1, got {n_steps!r}")
        if self.horizon != 1:
            raise InvalidParameterError(
                f"generate feeds each forecast back as the next input, which needs "
                f"horizon=1; this forecaster has horizon={self.horizon}")
        keep = 1 + self._history()
        if warmup is None:
            h = self.last_state_.copy()
            inputs = getattr(self, "input_history_", self.last_input_[None]).copy()
        else:
            W, _ = _as_series(warmup, "warmup")
            self._check_channels(W, "warmup")
            self._check_range(W, "warmup")
            U = self._scale(W)
            h, inputs = self._states(U)[-1], U[-keep:]
        low, high = self._widened_range()
        out = np.full((n_steps, self.n_channels_), np.nan)
        states = np.zeros((n_steps, h.size)) if return_states else None
        warned = False
        step = self._stepper()
        for k in range(n_steps):
            if return_states:
                states[k] = h
            value = self._readout(self._features(h[None], inputs))[0]
            if not np.all(np.isfinite(value)):
                warnings.warn(f"closed-loop forecast became non-finite at step {k}; the rest is "
                              "NaN", ClosedLoopDivergenceWarning, stacklevel=2)
                break
            out[k] = value
            if not warned and (np.any(value < low) or np.any(value > high)):
                warnings.warn(
                    f"closed-loop forecast left the training range [{self.data_min_.min():.4g}, "
                    f"{self.data_max_.max():.4g}] by more than divergence_margin = "
                    f"{self.divergence_margin} of its width at step {k} (value "
                    f"{value.tolist()}): the loop is diverging; its inputs are clipped to the "
                    "training range", ClosedLoopDivergenceWarning, stacklevel=2)
                warned = True
            if k + 1 < n_steps:
                u = self._scale(value[None])[0]
                h = step(h, u)
                inputs = np.vstack([inputs, u[None]])[-keep:]
        result = out[:, 0] if self.n_channels_ == 1 else out
        return (result, states) if return_states else result


_FORECAST_DOC = """
    horizon : int, default=1
        Steps ahead the readout predicts (``generate`` needs 1).
    washout : int, default=100
        Initial teacher-forced steps left out of the readout's fit.
    include_input : bool, default=True
        Concatenate the scaled current input with the state as readout features.
    n_delays : int, default=0
        Also give the readout ``n_delays`` delayed copies of the scaled input, ``u(t - s)``,
        ..., ``u(t - n_delays s)`` with ``s = delay_step`` (a delay line: memory of a value seen
        exactly that long ago, which first-order neurons hold poorly).
    delay_step : int, default=1
        Steps ``s`` between consecutive delayed copies.
    quadratic : bool, default=False
        Also give the readout the unique quadratic monomials of the linear input features (the
        current input when ``include_input``, and the delayed copies): the nonlinear features
        of next-generation reservoir computing (Gauthier et al., Nat. Commun. 2021).
    input_range : (float, float), default=(0.0, 1.0)
        Min–max scaling target of every channel (fitted on the training series, in float64;
        later values clipped to the training range).
    alphas : tuple of float, default=FORECAST_ALPHAS
        Ridge penalties from which leave-one-out picks one.
    divergence_margin : float, default=0.5
        ``generate`` warns when a value leaves the training range widened by this fraction of its
        width on each side; ``predict`` when an input does (see ``out_of_range``).
    out_of_range : {"warn", "raise"}, default="warn"
        What ``predict`` (and ``generate``'s ``warmup``) does with inputs outside the training
        range widened by ``divergence_margin``: they are clipped to the training range, so the
        forecasts there are not extrapolations; warn (:class:`TrainingRangeWarning`) or raise
        :class:`~nanowire_rc.exceptions.InvalidInputError`.
    dtype : {"float64", "float32"}, default="float64"
        Reservoir compute type.
    random_state : int, RandomState instance or None, default=None
        Seeds the reservoir's weights.
    n_jobs : int or None, default=1
        Threads for the compiled kernels. They parallelise over series and a forecaster runs
        one, so one thread is fastest (no per-step thread wake-ups).

    Attributes
    ----------
    reservoir_ : estimator
        The fitted reservoir.
    readout_ : sklearn Pipeline (StandardScaler, RidgeCV)
        The fitted readout.
    coef_, intercept_ : ndarray
        The readout as one affine map of the raw features (prediction = ``F @ coef_.T +
        intercept_``).
    alpha_ : float
        The chosen ridge penalty.
    data_min_, data_max_ : ndarray (n_channels,)
        Training range of each channel.
    n_channels_ : int
        Channels of the training series.
    last_state_, last_input_ : ndarray
        State and scaled input at the end of the training series (``generate`` starts there).
    input_history_ : ndarray (1 + n_delays * delay_step, n_channels)
        The last scaled training inputs, which the delayed copies read at the start of
        ``generate``.
"""


# The reservoir hyper-parameters the estimators here pass on, described once per reservoir class;
# ``{reservoir}`` in a class docstring becomes the entries of those in the class's ``__init__``
# (in its order, with its defaults) that the docstring does not describe otherwise.
_COMMON_PARAMS = {
    "n_neurons": ("int", "Number of neurons ``N``."),
    "features": _COMMON_DOCS["features"],
    "n_windows": ("int", "Number of equal time windows for ``windows``."),
    "washout": _COMMON_DOCS["washout"],
    "input_range": ("(float, float) or None",
                    "Min–max scaling target, fitted per channel on the training series; later "
                    "series are clipped to the training range first. ``None``: no scaling "
                    "(values still clipped)."),
    "dtype": ('{"float32", "float64"}', "Compute type of the reservoir."),
    "random_state": ("int, RandomState instance or None", "Seeds the reservoir's weights."),
    "n_jobs": ("int or None", "Threads for the compiled kernel (``None``: all cores)."),
    "alphas": ("tuple of float", "Ridge penalties from which leave-one-out picks one."),
    # regressors only (see _NOT_OFFERED)
    "bidirectional": _COMMON_DOCS["bidirectional"],
    "difference": _COMMON_DOCS["difference"],
}
# Defaults shown by name rather than by value.
_NAMED_DEFAULTS = {"FORECAST_ALPHAS": FORECAST_ALPHAS, "REGRESSION_ALPHAS": REGRESSION_ALPHAS}
_NANOWIRE_PARAMS = {
    **_COMMON_PARAMS,
    "input_scaling": ("float", "Centre ``omega0`` of the per-neuron input scalings."),
    "input_scaling_spread": ("float", "Half-width ``d_omega`` of the uniform distribution of "
                             "input scalings: ``omega_n ~ Uniform[omega0 - d_omega, omega0 + "
                             "d_omega]``."),
    "dt": ("float", "Time step."),
    "dt_spread": _NEURON_DOCS["dt_spread"],  # regressors only
    "device": _NEURON_DOCS["device"],  # regressors only
    "params": ("NanowireParams or None", "Physical constants; ``None`` means the paper's "
               "Table 2."),
    "method": ('{"euler", "exact"}', "Update rule: the paper's forward Euler, or the exact "
               "solution for piecewise-constant input."),
    "coupling": ("float", "Largest absolute row sum of ``W`` (max-norm coupling strength)."),
    "connectivity": ('{"dense", "sparse"}', "Structure of the recurrent matrix ``W``."),
    "density": ("float", "Fraction of non-zero entries of a sparse ``W``."),
    "bias_scaling": ("float", "Biases are Uniform[-bias_scaling, bias_scaling]."),
    "retention": ("float", "Retention ``gamma`` in (0, 1]: ``h <- (gamma - dt S) h + dt k_p``."),
    "voltage_map": ('{"sigmoid", "identity"}', "``v = v_min + (v_max - v_min) sigmoid(gain a)`` "
                    "(bounded voltages) or ``v = a``."),
    "v_min": ("float", "Lower end of the sigmoid map's voltage window."),
    "v_max": ("float", "Upper end of the sigmoid map's voltage window."),
    "gain": ("float", "Slope of the sigmoid map."),
    "stability": ('{"raise", "warn"}', "What ``fit`` does when the contraction guarantee fails: "
                  "raise :class:`~nanowire_rc.exceptions.UnstableReservoirError`, or warn "
                  "(:class:`~nanowire_rc.exceptions.StabilityWarning`) and fit anyway."),
}
_TANH_PARAMS = {
    **_COMMON_PARAMS,
    "leak_rate": ("float", "Leak rate ``a`` in (0, 1]: ``h <- (1 - a) h + a tanh(W_in x + W h + "
                  "b)``."),
    "input_scaling": ("float", "``d``: input weights are Uniform[-d, d] (the ``input_scaling`` "
                      "of ReservoirPy and the ESN literature)."),
    "bias_scaling": ("float", "``beta``: biases are Uniform[-beta, beta]."),
    "spectral_radius": ("float", "Spectral radius of ``W``."),
    "connectivity": ('{"diagonal", "sparse", "dense"}', "Structure of ``W``: diagonal (the "
                     "paper's uncoupled baseline), sparse or dense (standard ESN)."),
    "density": ("float", "Fraction of non-zero entries of a sparse ``W``."),
}


def _reservoir_params_doc(cls) -> str:
    """Numpydoc entries of the reservoir hyper-parameters of ``cls`` not documented otherwise."""
    table = _TANH_PARAMS if cls._reservoir_class is LeakyTanhReservoir else _NANOWIRE_PARAMS
    entries = []
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if name not in table or re.search(rf"^\s*{name} :", cls.__doc__, re.MULTILINE):
            continue
        kind, text = table[name]
        default = parameter.default
        named = [key for key, value in _NAMED_DEFAULTS.items() if value is default]
        default = (named[0] if named else f'"{default}"' if isinstance(default, str)
                   else repr(default))
        entries.append(f"    {name} : {kind}, default={default}\n"
                       + textwrap.fill(text, 96, initial_indent=" " * 8,
                                       subsequent_indent=" " * 8))
    return "\n".join(entries)


def _shared_doc(cls):
    """Fill the ``{reservoir}``, ``{forecast}`` and ``{regressor}`` slots of a class docstring."""
    shared = {"{forecast}": _FORECAST_DOC.strip("\n"),
              "{regressor}": globals().get("_REGRESSOR_DOC", "").strip("\n")}
    for slot, text in shared.items():
        cls.__doc__ = cls.__doc__.replace(slot, text.lstrip())
    cls.__doc__ = cls.__doc__.replace("{reservoir}", _reservoir_params_doc(cls).lstrip())
    return cls


@_shared_doc
class NanowireForecaster(_Forecaster):
    """Forecaster on an uncoupled nanowire reservoir (the paper's assembly).

    The reservoir is a :class:`~nanowire_rc.reservoirs.NanowireReservoir`.

    Parameters
    ----------
    {reservoir}
    {forecast}
    memory_factor_ : float
        The reservoir's memory factor over ``input_range`` (< 1).

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when the memory factor over ``input_range`` is >= 1.

    Examples
    --------
    >>> from nanowire_rc import NanowireForecaster
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(1200, discard=300)
    >>> fc = NanowireForecaster(n_neurons=50, random_state=0).fit(y[:1000])
    >>> fc.predict(y[1000:]).shape
    (200,)
    >>> round(fc.memory_factor_, 5)
    0.96874
    """

    _reservoir_class = NanowireReservoir

    @staticmethod
    def _reference_step(res, w, dtype):
        params = _as_params(res.params)
        return lambda x, lengths, h0: reference.nanowire_reference(
            x, lengths, w, h0, res.dt, params, res.method, washout=0, n_windows=1, store=False)

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        dt: float = 0.1,
        params: NanowireParams | None = None,
        method: str = "euler",
        horizon: int = 1,
        washout: int = 100,
        include_input: bool = True,
        n_delays: int = 0,
        delay_step: int = 1,
        quadratic: bool = False,
        input_range: tuple[float, float] = (0.0, 1.0),
        alphas: tuple[float, ...] = FORECAST_ALPHAS,
        divergence_margin: float = 0.5,
        out_of_range: str = "warn",
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = 1,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.dt = dt
        self.params = params
        self.method = method
        self.horizon = horizon
        self.washout = washout
        self.include_input = include_input
        self.n_delays = n_delays
        self.delay_step = delay_step
        self.quadratic = quadratic
        self.input_range = input_range
        self.alphas = alphas
        self.divergence_margin = divergence_margin
        self.out_of_range = out_of_range
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def memory_factor_(self) -> float:
        """The fitted reservoir's memory factor over the scaled input range (< 1)."""
        check_is_fitted(self, "reservoir_")
        return self.reservoir_.memory_factor_


@_shared_doc
class CoupledNanowireForecaster(_Forecaster):
    """Forecaster on a coupled nanowire network.

    The reservoir is a :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`.

    Parameters
    ----------
    {reservoir}
    {forecast}
    contraction_bound_ : float
        The reservoir's contraction bound over ``input_range`` (< 1: echo states guaranteed).

    Raises
    ------
    UnstableReservoirError
        At ``fit`` with ``stability="raise"``, when the contraction bound is >= 1 or the states
        are not provably in [0, 1].

    Examples
    --------
    >>> from nanowire_rc import CoupledNanowireForecaster
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(700, discard=300)
    >>> fc = CoupledNanowireForecaster(n_neurons=50, random_state=0).fit(y[:500])
    >>> fc.contraction_bound_ < 1, fc.score(y[500:]) > 0.9
    (True, True)
    """

    _reservoir_class = CoupledNanowireReservoir

    @staticmethod
    def _reference_step(res, w, dtype):
        rec, bias = res.recurrent_.astype(dtype), res.bias_.astype(dtype)
        params, voltage_map = _as_params(res.params), res._map()
        return lambda x, lengths, h0: reference.coupled_nanowire_reference(
            x, lengths, w, h0, bias, rec, res.dt, params, res.retention, voltage_map,
            washout=0, n_windows=1, store=False)

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        coupling: float = 0.05,
        connectivity: str = "dense",
        density: float = 0.1,
        bias_scaling: float = 0.0,
        dt: float = 0.1,
        retention: float = 1.0,
        voltage_map: str = "sigmoid",
        v_min: float = 0.0,
        v_max: float = 1.0,
        gain: float = 1.0,
        params: NanowireParams | None = None,
        stability: str = "raise",
        horizon: int = 1,
        washout: int = 100,
        include_input: bool = True,
        n_delays: int = 0,
        delay_step: int = 1,
        quadratic: bool = False,
        input_range: tuple[float, float] = (0.0, 1.0),
        alphas: tuple[float, ...] = FORECAST_ALPHAS,
        divergence_margin: float = 0.5,
        out_of_range: str = "warn",
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = 1,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.coupling = coupling
        self.connectivity = connectivity
        self.density = density
        self.bias_scaling = bias_scaling
        self.dt = dt
        self.retention = retention
        self.voltage_map = voltage_map
        self.v_min = v_min
        self.v_max = v_max
        self.gain = gain
        self.params = params
        self.stability = stability
        self.horizon = horizon
        self.washout = washout
        self.include_input = include_input
        self.n_delays = n_delays
        self.delay_step = delay_step
        self.quadratic = quadratic
        self.input_range = input_range
        self.alphas = alphas
        self.divergence_margin = divergence_margin
        self.out_of_range = out_of_range
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def contraction_bound_(self) -> float:
        """The fitted reservoir's contraction bound (< 1 guarantees echo states)."""
        check_is_fitted(self, "reservoir_")
        return self.reservoir_.contraction_bound_


@_shared_doc
class EchoStateForecaster(_Forecaster):
    """Forecaster on a leaky-tanh reservoir (Echo State Network).

    Unlike :class:`~nanowire_rc.classifiers.EchoStateClassifier` (the paper's diagonal
    baseline), the default is the standard coupled ESN: a sparse recurrent matrix.

    The reservoir is a :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir`.

    Parameters
    ----------
    {reservoir}
    {forecast}

    Examples
    --------
    >>> from nanowire_rc import EchoStateForecaster
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(700, discard=300)
    >>> fc = EchoStateForecaster(n_neurons=50, random_state=0).fit(y[:500])
    >>> fc.score(y[500:]) > 0.9
    True
    """

    _reservoir_class = LeakyTanhReservoir

    @staticmethod
    def _reference_step(res, w, dtype):
        leak = np.full(res.n_neurons, res.leak_rate, dtype=dtype)
        bias, rec = res.bias_.astype(dtype), res.recurrent_.astype(dtype)
        return lambda x, lengths, h0: reference.leaky_tanh_reference(
            x, lengths, w, h0, leak, bias, rec, washout=0, n_windows=1, store=False)

    def __init__(
        self,
        n_neurons: int = 100,
        leak_rate: float = 0.3,
        input_scaling: float = 1.0,
        bias_scaling: float = 0.1,
        spectral_radius: float = 0.9,
        connectivity: str = "sparse",
        density: float = 0.1,
        horizon: int = 1,
        washout: int = 100,
        include_input: bool = True,
        n_delays: int = 0,
        delay_step: int = 1,
        quadratic: bool = False,
        input_range: tuple[float, float] = (0.0, 1.0),
        alphas: tuple[float, ...] = FORECAST_ALPHAS,
        divergence_margin: float = 0.5,
        out_of_range: str = "warn",
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = 1,
    ):
        self.n_neurons = n_neurons
        self.leak_rate = leak_rate
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.spectral_radius = spectral_radius
        self.connectivity = connectivity
        self.density = density
        self.horizon = horizon
        self.washout = washout
        self.include_input = include_input
        self.n_delays = n_delays
        self.delay_step = delay_step
        self.quadratic = quadratic
        self.input_range = input_range
        self.alphas = alphas
        self.divergence_margin = divergence_margin
        self.out_of_range = out_of_range
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs


# ------------------------------------------------------------------------------ regressors
class _ReservoirRegressor(RegressorMixin, BaseEstimator):
    """Pooled reservoir features + standardisation + RidgeCV, for series-to-value regression."""

    _reservoir_class: type[_Reservoir]

    def _reservoir(self) -> _Reservoir:
        return _reservoir_from(self)

    @keeps_state_on_failure
    def fit(self, X: ArrayLike, y: ArrayLike) -> _ReservoirRegressor:
        """Fit the reservoir's input scaling, draw it, and train the readout on ``(X, y)``.

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
        >>> from nanowire_rc import NanowireRegressor, load_ucr
        >>> X, _ = load_ucr("SyntheticControl", "train")
        >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)
        >>> reg = NanowireRegressor(n_neurons=50, random_state=0).fit(X[:200], trend[:200])
        >>> reg.score(X[200:], trend[200:]) > 0.9
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
        reservoir = self._reservoir()
        features = reservoir.fit_transform(batch).astype(np.float64, copy=False)
        self.reservoir_ = reservoir
        ridge = RidgeCV(alphas=check_alphas(self.alphas), gcv_mode="svd")
        self.readout_ = make_pipeline(StandardScaler(), ridge).fit(features, target)
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
        >>> from nanowire_rc import EchoStateRegressor, load_ucr
        >>> X, _ = load_ucr("SyntheticControl", "train")
        >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)
        >>> reg = EchoStateRegressor(n_neurons=50, random_state=0).fit(X[:200], trend[:200])
        >>> reg.predict(X[200:203]).shape
        (3,)
        """
        check_is_fitted(self, "readout_")
        features = self.reservoir_.transform(X).astype(np.float64, copy=False)
        return self.readout_.predict(features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.multi_output = True
        return tags


_REGRESSOR_DOC = """
    Attributes
    ----------
    reservoir_ : estimator
        The fitted reservoir.
    readout_ : sklearn Pipeline (StandardScaler, RidgeCV)
        The fitted readout (standardised pooled features).
    alpha_ : float
        The chosen ridge penalty.
"""


@_shared_doc
class NanowireRegressor(_ReservoirRegressor):
    """Series-to-value regression: nanowire reservoir, pooled features, ridge readout.

    The reservoir is a :class:`~nanowire_rc.reservoirs.NanowireReservoir`.

    Parameters
    ----------
    {reservoir}

    {regressor}
    memory_factor_ : float
        The reservoir's memory factor (< 1).

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when the memory factor over ``input_range`` is >= 1.

    Examples
    --------
    >>> from nanowire_rc import NanowireRegressor, load_ucr
    >>> X, _ = load_ucr("SyntheticControl", "train")
    >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)  # a value per series
    >>> reg = NanowireRegressor(n_neurons=50, random_state=0).fit(X[:200], trend[:200])
    >>> reg.score(X[200:], trend[200:]) > 0.9
    True
    """

    _reservoir_class = NanowireReservoir

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        dt: float = 0.1,
        dt_spread: float = 0.0,
        params: NanowireParams | None = None,
        method: str = "euler",
        device: Device | None = None,
        features: str = "mean+last+windows",
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = False,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        alphas: tuple[float, ...] = REGRESSION_ALPHAS,
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.dt = dt
        self.dt_spread = dt_spread
        self.params = params
        self.method = method
        self.device = device
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def memory_factor_(self) -> float:
        """The fitted reservoir's memory factor (< 1)."""
        check_is_fitted(self, "reservoir_")
        return self.reservoir_.memory_factor_


@_shared_doc
class EchoStateRegressor(_ReservoirRegressor):
    """Series-to-value regression: leaky-tanh reservoir, pooled features, ridge readout.

    The reservoir is a :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir`.

    Parameters
    ----------
    {reservoir}

    {regressor}

    Examples
    --------
    >>> from nanowire_rc import EchoStateRegressor, load_ucr
    >>> X, _ = load_ucr("SyntheticControl", "train")
    >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)
    >>> reg = EchoStateRegressor(n_neurons=50, random_state=0).fit(X[:200], trend[:200])
    >>> reg.score(X[200:], trend[200:]) > 0.9
    True
    """

    _reservoir_class = LeakyTanhReservoir

    def __init__(
        self,
        n_neurons: int = 100,
        leak_rate: float = 0.3,
        input_scaling: float = 1.0,
        bias_scaling: float = 0.1,
        spectral_radius: float = 0.9,
        connectivity: str = "diagonal",
        density: float = 0.1,
        features: str = "mean+last+windows",
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = False,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        alphas: tuple[float, ...] = REGRESSION_ALPHAS,
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.leak_rate = leak_rate
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.spectral_radius = spectral_radius
        self.connectivity = connectivity
        self.density = density
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs


@_shared_doc
class CoupledNanowireRegressor(_ReservoirRegressor):
    """Series-to-value regression: coupled nanowire reservoir, pooled features, ridge readout.

    The reservoir is a :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`.

    Parameters
    ----------
    {reservoir}

    {regressor}
    contraction_bound_ : float
        The reservoir's contraction bound (< 1: echo states guaranteed).

    Raises
    ------
    UnstableReservoirError
        At ``fit`` with ``stability="raise"``, when the contraction guarantee fails.

    Examples
    --------
    >>> from nanowire_rc import CoupledNanowireRegressor, load_ucr
    >>> X, _ = load_ucr("SyntheticControl", "train")
    >>> trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)
    >>> reg = CoupledNanowireRegressor(n_neurons=50, random_state=0).fit(X[:200], trend[:200])
    >>> reg.contraction_bound_ < 1, reg.score(X[200:], trend[200:]) > 0.9
    (True, True)
    """

    _reservoir_class = CoupledNanowireReservoir

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        coupling: float = 0.05,
        connectivity: str = "dense",
        density: float = 0.1,
        bias_scaling: float = 0.0,
        dt: float = 0.1,
        dt_spread: float = 0.0,
        retention: float = 1.0,
        voltage_map: str = "sigmoid",
        v_min: float = 0.0,
        v_max: float = 1.0,
        gain: float = 1.0,
        params: NanowireParams | None = None,
        device: Device | None = None,
        stability: str = "raise",
        features: str = "mean+last+windows",
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = False,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        alphas: tuple[float, ...] = REGRESSION_ALPHAS,
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.coupling = coupling
        self.connectivity = connectivity
        self.density = density
        self.bias_scaling = bias_scaling
        self.dt = dt
        self.dt_spread = dt_spread
        self.retention = retention
        self.voltage_map = voltage_map
        self.v_min = v_min
        self.v_max = v_max
        self.gain = gain
        self.params = params
        self.device = device
        self.stability = stability
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def contraction_bound_(self) -> float:
        """The fitted reservoir's contraction bound (< 1 guarantees echo states)."""
        check_is_fitted(self, "reservoir_")
        return self.reservoir_.contraction_bound_
