"""Forecasting with nanowire and tanh reservoirs.

:class:`ReservoirForecaster` (and its presets :class:`NanowireForecaster`,
:class:`CoupledNanowireForecaster`, :class:`EchoStateForecaster`) learns to predict a series
``horizon`` steps ahead from a reservoir's state, driven by the series min–max scaled (and
clipped) into ``input_range``, with a ridge readout in the original units; ``generate`` runs the
closed loop. Values beyond the training range warn (:class:`TrainingRangeWarning`,
:class:`ClosedLoopDivergenceWarning`). The protocol: docs/forecasting.md ("Forecasters").
"""

from __future__ import annotations

import itertools
import numbers
import warnings

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._docs import preset
from ._fitting import _set_hyper_parameters, keeps_state_on_failure
from ._seeding import integer_seed, seed_sequence
from .delays import _check_delay_options, input_features
from .exceptions import InvalidInputError, InvalidParameterError
from .kernels import reference
from .metrics import nrmse, valid_prediction_time
from .physics import _as_params
from .readout import FORECAST_ALPHAS, _check_alphas, fit_ridge
from .reservoirs import CoupledNanowireReservoir, LeakyTanhReservoir, NanowireReservoir, _Reservoir

__all__ = [
    "FORECAST_ALPHAS",
    "ClosedLoopDivergenceWarning",
    "CoupledNanowireForecaster",
    "EchoStateForecaster",
    "NanowireForecaster",
    "ReservoirForecaster",
    "TrainingRangeWarning",
]


# Reservoir hyper-parameters that a forecaster sets itself (it runs one long series, does its
# own float64 scaling and reads the full state trajectory).
_FIXED = {"features": "last", "n_windows": 1, "washout": 0, "input_range": None}
# Reservoir settings forecasters do not offer, with the value they need: their closed loop steps
# the plain NumPy update one input at a time, which has no device model (noise, variability), and
# the classifiers' representations (a time-reversed pass, an input's difference) would read the
# future or need the previous input inside the loop.
_NOT_OFFERED = {"device": None, "bidirectional": False, "difference": False}


def _time_steps(res, dtype):
    """The neurons' own time steps (``dt_spread``), or the common one."""
    return res.dt if res.time_steps_ is None else res.time_steps_.astype(dtype)


def _nanowire_step(res, w, dtype):
    params, dt = _as_params(res.params), _time_steps(res, dtype)
    return lambda x, lengths, h0: reference.nanowire_reference(
        x, lengths, w, h0, dt, params, res.method, washout=0, n_windows=1, store=False)


def _coupled_step(res, w, dtype):
    rec, bias = res.recurrent_.astype(dtype), res.bias_.astype(dtype)
    params, voltage_map, dt = _as_params(res.params), res._map(), _time_steps(res, dtype)
    return lambda x, lengths, h0: reference.coupled_nanowire_reference(
        x, lengths, w, h0, bias, rec, dt, params, res.retention, voltage_map,
        washout=0, n_windows=1, store=False)


def _tanh_step(res, w, dtype):
    leak = np.full(res.n_neurons, res.leak_rate, dtype=dtype)
    bias, rec = res.bias_.astype(dtype), res.recurrent_.astype(dtype)
    return lambda x, lengths, h0: reference.leaky_tanh_reference(
        x, lengths, w, h0, leak, bias, rec, washout=0, n_windows=1, store=False)


#: One plain NumPy update per reservoir kind a forecaster can run in closed loop.
_STEPS = {NanowireReservoir: _nanowire_step, CoupledNanowireReservoir: _coupled_step,
          LeakyTanhReservoir: _tanh_step}


#: What ``predict`` does with inputs far outside the training range (``out_of_range``).
OUT_OF_RANGE = ("warn", "raise")


class TrainingRangeWarning(UserWarning):
    """A forecaster met values beyond its training range widened by ``divergence_margin``.

    Inputs are clipped to the training range, so forecasts there are not extrapolated.

    Examples
    --------
    Values a thousand times those of the training series:

    >>> import warnings
    >>> from nanowire_rc import NanowireForecaster, NanowireReservoir
    >>> from nanowire_rc.forecasting import TrainingRangeWarning
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(300, discard=300)
    >>> fc = NanowireForecaster(NanowireReservoir(n_neurons=10), random_state=0).fit(y)
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
    >>> from nanowire_rc import EchoStateForecaster, LeakyTanhReservoir
    >>> from nanowire_rc.forecasting import ClosedLoopDivergenceWarning
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(300, discard=300)
    >>> fc = EchoStateForecaster(LeakyTanhReservoir(n_neurons=20, connectivity="sparse",
    ...                                             dtype="float64"), random_state=0).fit(y)
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


class ReservoirForecaster(BaseEstimator):
    """A reservoir driven by a series, and a ridge readout of its state that forecasts it.

    The reservoir (a :class:`~nanowire_rc.reservoirs.NanowireReservoir`,
    :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir` or
    :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir`) declares its own hyper-parameters;
    the forecaster sets its pooling (``features="last"``, ``n_windows=1``, ``washout=0``,
    ``input_range=None``: it scales the series itself) and refuses the settings its closed loop
    cannot step (a ``device``, ``bidirectional``, ``difference``); per-neuron time steps
    (``dt_spread``) it steps.
    Its default reservoir is ``NanowireReservoir(dtype="float64", n_jobs=1)``: float64 states
    and one thread, the fastest for one series. The presets :class:`NanowireForecaster`,
    :class:`CoupledNanowireForecaster` and :class:`EchoStateForecaster` are this class with a
    default reservoir.

    Parameters
    ----------
    reservoir : reservoir or None, default=None
        The reservoir, cloned at ``fit``; None: the class's default (see the class
        description). Give it ``dtype="float64"`` (a reservoir's default is float32) and
        ``n_jobs=1`` (one series: the fastest) unless you mean otherwise.
    horizon : int, default=1
        Steps ahead the readout predicts (``generate`` needs 1).
    washout : int, default=100
        Initial teacher-forced steps left out of the readout's fit.
    include_input : bool, default=True
        Concatenate the scaled current input with the state as readout features.
    n_delays : int, default=12
        Also give the readout ``n_delays`` delayed copies of the scaled input, ``u(t - s)``,
        ..., ``u(t - n_delays s)`` with ``s = delay_step`` (a delay line: memory of a value seen
        exactly that long ago, which first-order neurons hold poorly).
    delay_step : int, default=2
        Steps ``s`` between consecutive delayed copies.
    quadratic : bool or "auto", default="auto"
        Also give the readout the unique quadratic monomials of the linear input features (the
        current input when ``include_input``, and the delayed copies): the nonlinear features
        of next-generation reservoir computing (Gauthier et al., Nat. Commun. 2021). ``"auto"``
        decides on the training series alone: both readouts are fitted on its first four
        fifths and the one whose closed loop stays valid longer on the last fifth (error within
        0.4 training standard deviations; ties, and ``horizon > 1``, by the teacher-forced
        error there) is refitted on the whole series (``quadratic_``, ``validation_``); the
        monomials are not tried when they would outnumber the readout's training rows (many
        channels or delays: their count grows with the square of both).
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
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        When not None, the reservoir's ``random_state`` for this fit.

    Attributes
    ----------
    reservoir_ : estimator
        The fitted reservoir (its ``memory_factor_`` or ``contraction_bound_`` over
        ``input_range``).
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
    quadratic_ : bool
        Whether the readout sees the quadratic monomials (``quadratic``, or what ``"auto"``
        chose).
    validation_ : dict or None
        With ``quadratic="auto"``: for each choice tried (False, and True unless the monomials
        would outnumber the training rows), the closed-loop valid steps and the teacher-forced
        NRMSE on the last fifth of the training series; None otherwise, or when the series is
        too short to hold a fifth out (then ``quadratic_`` is False).

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when the reservoir has no stability guarantee over ``input_range``.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.generators import mackey_glass
    >>> res = nw.NanowireReservoir(n_neurons=50, dtype="float64")
    >>> y = mackey_glass(1200, discard=300)
    >>> fc = nw.ReservoirForecaster(res, random_state=0).fit(y[:1000])
    >>> fc.predict(y[1000:]).shape
    (200,)
    >>> round(fc.reservoir_.memory_factor_, 5)
    0.96874
    """

    def __init__(
        self,
        reservoir: _Reservoir | None = None,
        *,
        horizon: int = 1,
        washout: int = 100,
        include_input: bool = True,
        n_delays: int = 12,
        delay_step: int = 2,
        quadratic: bool | str = "auto",
        input_range: tuple[float, float] = (0.0, 1.0),
        alphas: tuple[float, ...] = FORECAST_ALPHAS,
        divergence_margin: float = 0.5,
        out_of_range: str = "warn",
        random_state=None,
    ):
        _set_hyper_parameters(self, locals())

    @staticmethod
    def _default_reservoir() -> _Reservoir:
        return NanowireReservoir(dtype="float64", n_jobs=1)

    # ----------------------------------------------------------------- set-up and checks
    def _reservoir(self, random_state=None) -> _Reservoir:
        given = self._default_reservoir() if self.reservoir is None else self.reservoir
        if type(given) not in _STEPS:
            raise InvalidParameterError(
                f"a forecaster runs {sorted(c.__name__ for c in _STEPS)}, got "
                f"{type(given).__name__}")
        reservoir = clone(given)
        settings = reservoir.get_params(deep=False)
        for name, needed in _NOT_OFFERED.items():
            if name in settings and settings[name] != needed:
                raise InvalidParameterError(
                    f"a forecaster's closed loop cannot step a reservoir with {name}="
                    f"{settings[name]!r} (it needs {needed!r})")
        if random_state is not None:
            reservoir.set_params(random_state=random_state)
        return reservoir.set_params(**_FIXED)

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
        n_delays, step, quadratic = self._delay_options()
        auto = isinstance(quadratic, str) and quadratic == "auto"
        if not (auto or isinstance(quadratic, (bool, np.bool_))):
            raise InvalidParameterError(
                f"quadratic must be True, False or 'auto', got {quadratic!r}")
        _check_delay_options(n_delays, step, False if auto else quadratic)
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
        _check_alphas(self.alphas)

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
        """A function ``(h, u) -> h_next``: one reservoir update with scaled input ``u`` (C,), by
        the kernels' plain NumPy reference (a compiled call costs more to launch than one step)."""
        res = self.reservoir_
        dtype = np.dtype(res.dtype).type
        lengths = np.ones(1, dtype=np.int64)
        w = np.ascontiguousarray(res.input_weights_.T, dtype=dtype)
        update = _STEPS[type(res)](res, w, dtype)

        def step(h: np.ndarray, u: np.ndarray) -> np.ndarray:
            x = np.asarray(u, dtype=dtype).reshape(1, -1, 1)
            with np.errstate(over="ignore", invalid="ignore"):
                pooled = update(x, lengths, np.asarray(h, dtype=dtype))
            return pooled.last[0].astype(np.float64)

        return step

    def _delay_options(self) -> tuple[int, int, bool | str]:
        # forecasters saved without the options have none
        return (getattr(self, "n_delays", 0), getattr(self, "delay_step", 1),
                getattr(self, "quadratic", False))

    def _quadratic(self) -> bool:
        """Whether the fitted readout sees the quadratic monomials."""
        return getattr(self, "quadratic_", self._delay_options()[2])

    def _history(self) -> int:
        """Past inputs the readout features need besides the current one."""
        n_delays, step, _ = self._delay_options()
        return n_delays * step

    def _features(self, S: np.ndarray, U: np.ndarray, quadratic: bool) -> np.ndarray:
        """Readout features of the states ``S`` and the last ``len(S)`` rows of the inputs
        ``U`` (which may hold more rows before them: the closed loop's input history)."""
        n_delays, step, _ = self._delay_options()
        if n_delays == 0 and not quadratic:
            return np.hstack([S, U[-S.shape[0]:]]) if self.include_input else S
        inputs = input_features(U, self.include_input, n_delays, step, quadratic)
        return np.hstack([S, inputs[-S.shape[0]:]])

    def _closed_loop(self, h: np.ndarray, inputs: np.ndarray, readout, quadratic: bool):
        """Yield ``(state, value)`` of each closed-loop step from state ``h`` and the scaled
        input history ``inputs``, reading out with ``readout(features)``; each value is fed
        back as the next input."""
        step, keep = self._stepper(), 1 + self._history()
        while True:
            value = readout(self._features(h[None], inputs, quadratic))[0]
            yield h, value
            u = self._scale(value[None])[0]
            h = step(h, u)
            inputs = np.vstack([inputs, u[None]])[-keep:]

    def _fit_seed(self):
        """The reservoir seed of a ``quadratic="auto"`` fit, one that the trials and the final
        fit can share so that they draw the same reservoir; None when the reservoir's own seed
        will do. A ``RandomState`` or ``Generator`` gives the one integer it would give the
        reservoir (so ``"auto"`` draws what ``quadratic=True`` or ``False`` would), None a fresh
        integer."""
        reusable = (numbers.Integral, np.random.SeedSequence)
        given = self.random_state
        if given is None:
            reservoir = self._default_reservoir() if self.reservoir is None else self.reservoir
            given = getattr(reservoir, "random_state", None)
            if isinstance(given, reusable):
                return None
        if isinstance(given, reusable):
            return given
        if given is None:
            return integer_seed(None, bits=31)
        return int(seed_sequence(given).entropy)  # the RandomState's or Generator's one draw

    def _check_channels(self, Y: np.ndarray, name: str) -> None:
        if Y.shape[1] != self.n_channels_:
            raise InvalidInputError(
                f"{name} has {Y.shape[1]} channel(s), but {type(self).__name__} "
                f"was fitted with {self.n_channels_}")

    # ---------------------------------------------------------------------- estimator API
    @keeps_state_on_failure
    def fit(self, y: ArrayLike) -> ReservoirForecaster:
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
        >>> from nanowire_rc import NanowireForecaster, NanowireReservoir
        >>> from nanowire_rc.generators import mackey_glass
        >>> y = mackey_glass(700, discard=300)
        >>> res = NanowireReservoir(n_neurons=50, dtype="float64")
        >>> fc = NanowireForecaster(res, random_state=0).fit(y[:500])
        >>> fc.quadratic_  # "auto" kept the monomials: longer closed loop on the last fifth
        True
        >>> fc.coef_.shape  # 50 states, the input, 12 delayed copies, their 91 monomials
        (1, 154)
        """
        self._validate()
        Y, _ = _as_series(y)
        n = Y.shape[0]
        if n - self.horizon - self.washout < 2:
            raise InvalidInputError(
                f"y has {n} time points: need more than washout + horizon + 1 = "
                f"{self.washout + self.horizon + 1} to fit a readout")
        quadratic, seed = self._delay_options()[2], self.random_state
        self.validation_ = None
        if isinstance(quadratic, str):  # "auto"
            seed = self._fit_seed()
            self.validation_ = _quadratic_trials(self, Y, seed)
            quadratic = self.validation_ is not None and min(
                self.validation_, key=lambda q: (-self.validation_[q]["valid_steps"],
                                                 self.validation_[q]["nrmse"]))
        self.quadratic_ = bool(quadratic)
        self._fit_reservoir(Y, seed)
        U = self._scale(Y)
        self._fit_readout(self._states(U), U, Y, self.quadratic_)
        return self

    def _fit_reservoir(self, Y: np.ndarray, random_state) -> None:
        """Fit the scaling on the series ``Y`` and draw the reservoir (seed ``random_state``
        when not None)."""
        self.n_channels_ = Y.shape[1]
        self.data_min_, self.data_max_ = Y.min(axis=0), Y.max(axis=0)
        lo, hi = (float(v) for v in self.input_range)
        box = np.empty((1, self.n_channels_, 2))
        box[..., 0], box[..., 1] = lo, hi
        # Fitting on the corners of the input box makes the reservoir's stability check cover
        # exactly the range our scaling produces (it only clips, input_range=None).
        self.reservoir_ = self._reservoir(random_state).fit(box)

    def _fit_readout(self, S: np.ndarray, U: np.ndarray, Y: np.ndarray,
                     quadratic: bool) -> None:
        """Fit the readout on the states ``S`` of the scaled series ``U`` (the teacher-forced
        run of ``Y``), with or without the monomials, and keep where the run ended."""
        n = Y.shape[0]
        F = self._features(S, U, quadratic)
        self.readout_ = fit_ridge(F[self.washout:n - self.horizon], Y[self.washout + self.horizon:],
                                  self.alphas)
        scaler, ridge = self.readout_
        self.alpha_ = float(ridge.alpha_)
        # The pipeline as one affine map, applied per step in the closed loop.
        self.coef_ = np.atleast_2d(ridge.coef_) / scaler.scale_  # (n_channels, n_features)
        self.intercept_ = np.atleast_1d(ridge.intercept_) - self.coef_ @ scaler.mean_
        self.last_state_ = S[-1].copy()
        self.last_input_ = U[-1].copy()
        self.input_history_ = U[-1 - self._history():].copy()
        self.n_features_readout_ = F.shape[1]

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
        >>> from nanowire_rc import NanowireForecaster, NanowireReservoir
        >>> from nanowire_rc.generators import mackey_glass
        >>> from nanowire_rc.metrics import nrmse
        >>> y = mackey_glass(700, discard=300)
        >>> res = NanowireReservoir(n_neurons=50, dtype="float64")
        >>> fc = NanowireForecaster(res, random_state=0).fit(y[:500])
        >>> pred = fc.predict(y)  # pred[t] forecasts y[t + 1]
        >>> bool(nrmse(y[501:], pred[500:-1]) < 0.2)  # one-step error on unseen data
        True
        """
        check_is_fitted(self, "readout_")
        Y, flat = _as_series(y)
        self._check_channels(Y, "y")
        self._check_range(Y, "y")
        U = self._scale(Y)
        pred = self._readout(self._features(self._states(U), U, self._quadratic()))
        return pred[:, 0] if flat else pred

    def score(self, y: ArrayLike) -> float:
        """R² of the teacher-forced forecasts of ``y`` after the washout (higher is better).

        Parameters
        ----------
        y : array (n_timepoints,) or (n_timepoints, n_channels)
            The observed series, as for :meth:`predict`.

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
        >>> import nanowire_rc as nw
        >>> from nanowire_rc.generators import mackey_glass
        >>> y = mackey_glass(700, discard=300)
        >>> fc = nw.NanowireForecaster(nw.NanowireReservoir(n_neurons=50, dtype="float64"),
        ...                            horizon=5, random_state=0).fit(y[:500])
        >>> fc.score(y[500:]) > 0.9  # five steps ahead
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
        >>> from nanowire_rc import NanowireForecaster, NanowireReservoir
        >>> from nanowire_rc.generators import mackey_glass
        >>> y = mackey_glass(700, discard=300)
        >>> fc = NanowireForecaster(NanowireReservoir(n_neurons=50, dtype="float64"),
        ...                         quadratic=False, random_state=0).fit(y[:500])
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
        if warmup is None:
            h = self.last_state_.copy()
            inputs = getattr(self, "input_history_", self.last_input_[None]).copy()
        else:
            W, _ = _as_series(warmup, "warmup")
            self._check_channels(W, "warmup")
            self._check_range(W, "warmup")
            U = self._scale(W)
            h, inputs = self._states(U)[-1], U[-1 - self._history():]
        low, high = self._widened_range()
        out = np.full((n_steps, self.n_channels_), np.nan)
        states = np.zeros((n_steps, h.size)) if return_states else None
        warned = False
        loop = self._closed_loop(h, inputs, self._readout, self._quadratic())
        for k, (state, value) in zip(range(n_steps), loop, strict=False):
            if return_states:
                states[k] = state
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
        result = out[:, 0] if self.n_channels_ == 1 else out
        return (result, states) if return_states else result


def _quadratic_trials(forecaster: ReservoirForecaster, Y: np.ndarray, seed) -> dict | None:
    """``quadratic="auto"``'s scores (closed-loop valid steps, teacher-forced NRMSE on the last
    fifth of ``Y``) without and with the monomials (when they do not outnumber the training
    rows), fitted on the rest with reservoir seed ``seed``; None when ``Y`` is too short."""
    n, horizon, washout = Y.shape[0], forecaster.horizon, forecaster.washout
    n_fit = n - n // 5
    if n // 5 < 2 or n_fit - horizon - washout < 2:
        return None
    n_delays, _, _ = forecaster._delay_options()
    linear = Y.shape[1] * (int(forecaster.include_input) + n_delays)
    candidates = (False, True) if linear * (linear + 1) // 2 <= n - washout else (False,)
    truth, scale = Y[n_fit:], Y[:n_fit].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    # One reservoir and one teacher-forced run serve both trials: a state depends only on the
    # inputs before it, so the run's first rows are a fit's on the four fifths, its last rows
    # that fit's predict.
    trial = clone(forecaster)
    trial._fit_reservoir(Y[:n_fit], seed)
    U = trial._scale(Y)  # the held-out fifth clipped to the four fifths' range, as predict does
    S = trial._states(U)
    scores = {}
    for quadratic in candidates:
        trial._fit_readout(S[:n_fit], U[:n_fit], Y[:n_fit], quadratic)
        forced = trial._readout(trial._features(S, U, quadratic))[n_fit - horizon:n - horizon]
        valid = 0
        if horizon == 1:
            loop = trial._closed_loop(trial.last_state_, trial.input_history_, trial._readout,
                                      quadratic)
            free = np.empty((0, Y.shape[1]))
            # generated in chunks, and no further once a step has left the valid range
            while valid == len(free) < len(truth):
                with np.errstate(over="ignore", invalid="ignore"):
                    chunk = [v for _, v in itertools.islice(loop, min(32, len(truth) - valid))]
                free = np.vstack([free, chunk])
                valid = int(valid_prediction_time(truth[:len(free)], free, scale=scale))
        scores[quadratic] = {"valid_steps": valid,
                             "nrmse": float(nrmse(truth, forced, scale=scale))}
    return scores


@preset()
class NanowireForecaster(ReservoirForecaster):
    """:class:`ReservoirForecaster` on an uncoupled nanowire reservoir (the paper's assembly).

    A preset: its default reservoir is ``NanowireReservoir(dtype="float64", n_jobs=1)``.

    Examples
    --------
    >>> from nanowire_rc import NanowireForecaster
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(1200, discard=300)
    >>> fc = NanowireForecaster(random_state=0).fit(y[:1000])
    >>> fc.predict(y[1000:]).shape
    (200,)
    """


@preset(CoupledNanowireReservoir, coupling=0.3, connectivity="sparse", dt=0.25,
        bias_scaling=1.0, input_scaling=1.5, dtype="float64", n_jobs=1)
class CoupledNanowireForecaster(ReservoirForecaster):
    """:class:`ReservoirForecaster` on a coupled nanowire network.

    A preset: its default reservoir is ``CoupledNanowireReservoir(coupling=0.3,
    connectivity="sparse", dt=0.25, bias_scaling=1.0, input_scaling=1.5, dtype="float64",
    n_jobs=1)``, chosen with the forecasters' delay line and quadratic option by validation on
    training segments of Mackey–Glass (tau 17 and 30), Lorenz-63 and NARMA-10
    (``benchmarks/choose_forecaster.py``, docs/forecasting.md). The weighted contraction
    certificate accepts it (bound 0.98 at 500 neurons; the plain row-sum bound would not).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.generators import mackey_glass
    >>> y = mackey_glass(700, discard=300)
    >>> res = nw.CoupledNanowireReservoir(n_neurons=50, dtype="float64")
    >>> fc = nw.forecasting.CoupledNanowireForecaster(res, random_state=0).fit(y[:500])
    >>> fc.reservoir_.contraction_bound_ < 1
    True
    """


@preset(LeakyTanhReservoir, connectivity="sparse", dtype="float64", n_jobs=1)
class EchoStateForecaster(ReservoirForecaster):
    """:class:`ReservoirForecaster` on a leaky-tanh Echo State Network, the baseline.

    A preset: its default reservoir is ``LeakyTanhReservoir(connectivity="sparse",
    dtype="float64", n_jobs=1)``: a standard sparse ESN (the paper's classification baseline
    is diagonal).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> y = nw.generators.mackey_glass(700, discard=300)
    >>> esn = nw.EchoStateForecaster(random_state=0).fit(y[:500])
    >>> esn.score(y[500:]) > 0.9
    True
    """
