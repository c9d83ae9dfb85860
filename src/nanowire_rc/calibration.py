"""Calibration: fit the rate-equation constants to measured conductance traces (docs/devices.md).

A trace is a sequence of samples ``(t_k, V_k, G_k)`` with increasing, possibly non-uniform, time
stamps; the voltage ``V_k`` is held constant over ``(t_{k-1}, t_k]`` (``V_0`` is unused). Between
samples the rate equation ``dh/dt = k_p (1 - h) - k_d h`` has the exact solution

    h_k = h*_k + (h_{k-1} - h*_k) exp(-(t_k - t_{k-1}) S_k),   h*_k = k_p / (k_p + k_d) at V_k,

and the instrument sees ``G_k = g_min + (g_max - g_min) h_k``. :func:`calibrate` fits
``kappa_p0, kappa_d0, eta_p, eta_d`` (as logarithms), ``g_min``, ``g_max`` (as ``g_min`` and the
logarithm of the window) and one initial state ``h_0`` per trace by least squares with an exact
Jacobian (forward sensitivities of the recursion), from several starting points, then refines
the best fit with a robust loss (``soft_l1``, scale from the residuals' median absolute
deviation) so that a few outliers do not pull the constants. Confidence intervals come from the
Jacobian at the solution (Gauss–Newton covariance, normal quantile), mapped through the
parameterisation (so intervals of positive constants stay positive).

Identifiability: a trace at one or two voltage levels determines only the relaxation rates and
asymptotes at those levels; the four rate constants plus the window need at least three
distinct levels (for instance a potentiation staircase and a relaxation). Intervals say how well
each constant is pinned down.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numba import njit
from numpy.typing import ArrayLike
from scipy.optimize import least_squares
from scipy.special import ndtri
from sklearn.utils import check_random_state

from .exceptions import CalibrationError
from .physics import NanowireParams

__all__ = [
    "CalibrationError",
    "CalibrationResult",
    "calibrate",
    "read_trace",
    "simulate_trace",
]

PARAM_NAMES = ("kappa_p0", "kappa_d0", "eta_p", "eta_d", "g_min", "g_max")


@njit(cache=False)
def _recursion(dt, v, h0, lkp, lkd, leta_p, leta_d, jac):  # pragma: no cover - compiled
    """States ``h_k`` of one trace and, if ``jac``, their derivatives with respect to
    ``(log kp0, log kd0, log eta_p, log eta_d, h0)``."""
    n = v.shape[0]
    h = np.empty(n)
    d = np.zeros((n, 5))
    h[0] = h0
    d[0, 4] = 1.0
    eta_p = math.exp(leta_p)
    eta_d = math.exp(leta_d)
    for k in range(1, n):
        lp = lkp + eta_p * v[k]
        ld = lkd - eta_d * v[k]
        hs = 1.0 / (1.0 + math.exp(min(ld - lp, 700.0)))
        m = max(lp, ld)
        log_s = m + math.log(math.exp(lp - m) + math.exp(ld - m))
        x = dt[k] * math.exp(min(log_s, 700.0))
        e = math.exp(-x) if x < 745.0 else 0.0
        prev = h[k - 1]
        h[k] = hs + (prev - hs) * e
        if jac:
            kp_s = hs  # k_p / S
            kd_s = 1.0 - hs
            hh = hs * (1.0 - hs)
            # dS/dtheta divided by S, and dh*/dtheta, for the four log-constants
            ds = (kp_s, kd_s, kp_s * eta_p * v[k], -kd_s * eta_d * v[k])
            dh = (hh, -hh, hh * eta_p * v[k], hh * eta_d * v[k])
            for p in range(4):
                # dE/dtheta = -dt E dS = -x E (dS / S)
                d[k, p] = (e * d[k - 1, p] - (prev - hs) * x * e * ds[p]
                           + (1.0 - e) * dh[p])
            d[k, 4] = e * d[k - 1, 4]
    return h, d


def _trace_arrays(time, voltage, conductance, index: int | None = None):
    name = "" if index is None else f" (trace {index})"
    t = np.asarray(time, dtype=np.float64)
    v = np.asarray(voltage, dtype=np.float64)
    g = None if conductance is None else np.asarray(conductance, dtype=np.float64)
    arrays = [("time", t), ("voltage", v)] + ([("conductance", g)] if g is not None else [])
    for label, arr in arrays:
        if arr.ndim != 1:
            raise CalibrationError(f"{label}{name} must be one-dimensional, got shape {arr.shape}")
        if arr.shape != t.shape:
            raise CalibrationError(f"time, voltage and conductance{name} must have the same "
                                   f"length, got {t.shape[0]} and {arr.shape[0]}")
        bad = ~np.isfinite(arr)
        if bad.any():
            raise CalibrationError(f"{label}{name} contains NaN or inf (first at sample "
                                   f"{int(np.argmax(bad))}); drop or interpolate those samples")
    if t.shape[0] < 2:
        raise CalibrationError(f"a trace{name} needs at least 2 samples, got {t.shape[0]}")
    steps = np.diff(t)
    if np.any(steps <= 0):
        k = int(np.argmax(steps <= 0)) + 1
        raise CalibrationError(f"time{name} must be strictly increasing; sample {k} "
                               f"(t = {t[k]!r}) does not come after t = {t[k - 1]!r}")
    if g is not None and np.any(g < 0):
        k = int(np.argmax(g < 0))
        raise CalibrationError(f"conductance{name} is negative at sample {k} ({g[k]!r}); "
                               "conductances are >= 0 (subtract no offset, or pass |G|)")
    return t, v, g


def simulate_trace(
    time: ArrayLike,
    voltage: ArrayLike,
    params: NanowireParams,
    g_min: float = 0.0,
    g_max: float = 1.0,
    h0: float = 0.0,
) -> np.ndarray:
    """Conductance of the exact model at each time stamp of a voltage protocol.

    ``voltage[k]`` is held over ``(time[k-1], time[k]]`` and the state follows the exact solution
    of the rate equation over each interval; ``G_0 = g_min + (g_max - g_min) h0``.

    Parameters
    ----------
    time : array_like of shape (n_samples,)
        Strictly increasing time stamps (non-uniform spacing is fine).
    voltage : array_like of shape (n_samples,)
        Applied voltages; ``voltage[0]`` is unused.
    params : NanowireParams
        Rate constants of the device.
    g_min, g_max : float, default 0.0, 1.0
        Conductance window, ``0 <= g_min < g_max``.
    h0 : float, default 0.0
        Normalised state at ``time[0]``, in [0, 1].

    Returns
    -------
    ndarray of shape (n_samples,)
        The conductance ``G_k = g_min + (g_max - g_min) h_k``.

    Raises
    ------
    CalibrationError
        If the arrays are not 1-D of one length, not finite, or the time does not increase.
    TypeError
        If ``params`` is not a :class:`~nanowire_rc.physics.NanowireParams`.
    ValueError
        If ``h0`` is outside [0, 1] or the window is not ``0 <= g_min < g_max``.

    Examples
    --------
    A 1 V pulse for 20 time units, then relaxation at 0 V:

    >>> import numpy as np
    >>> from nanowire_rc import NanowireParams
    >>> from nanowire_rc.calibration import simulate_trace
    >>> t = np.array([0.0, 1.0, 2.0, 20.0, 21.0, 22.0, 40.0])
    >>> v = np.where(t <= 20, 1.0, 0.0)
    >>> simulate_trace(t, v, NanowireParams(), g_min=1e-3, g_max=5e-3).round(5)
    array([0.001  , 0.00435, 0.00466, 0.00469, 0.00324, 0.00236, 0.001  ])
    """
    t, v, _ = _trace_arrays(time, voltage, None)
    if not isinstance(params, NanowireParams):
        raise TypeError(f"params must be a NanowireParams, got {type(params).__name__}")
    if not 0 <= h0 <= 1:
        raise ValueError(f"h0 must lie in [0, 1], got {h0!r}")
    if not (0 <= g_min < g_max):
        raise ValueError(f"need 0 <= g_min < g_max, got {g_min!r}, {g_max!r}")
    dt = np.concatenate([[0.0], np.diff(t)])
    h, _ = _recursion(dt, v, float(h0), math.log(params.kappa_p0), math.log(params.kappa_d0),
                      math.log(params.eta_p), math.log(params.eta_d), False)
    return g_min + (g_max - g_min) * h


@dataclass
class CalibrationResult:
    """Fitted constants of a device and the quality of the fit, as :func:`calibrate` returns them.

    Parameters
    ----------
    params : NanowireParams
        Fitted ``kappa_p0, kappa_d0, eta_p, eta_d``.
    g_min, g_max : float
        Fitted conductance window.
    h0 : tuple of float
        Fitted initial state of each trace.
    r2 : float
        Coefficient of determination over all samples.
    rmse : float
        Root-mean-square residual (conductance units).
    intervals : dict
        ``name -> (low, high)`` approximate ``level`` confidence intervals of each constant (and
        ``h0[i]``); ``nan`` where the data do not constrain it.
    level : float
        Confidence level of the intervals.
    n_samples : int
        Number of samples fitted (all traces).
    cost : float
        Final robust cost of the optimiser.
    n_starts : int
        Starting points tried.

    Examples
    --------
    >>> from nanowire_rc import CalibrationResult, NanowireParams
    >>> result = CalibrationResult(NanowireParams(), g_min=1e-3, g_max=5e-3, h0=(0.0,),
    ...                            r2=1.0, rmse=0.0)
    >>> result.predict([0.0, 1.0, 2.0], [0.0, 1.0, 1.0]).round(5)
    array([0.001  , 0.00435, 0.00466])
    """

    params: NanowireParams
    g_min: float
    g_max: float
    h0: tuple[float, ...]
    r2: float
    rmse: float
    intervals: dict = field(default_factory=dict)
    level: float = 0.95
    n_samples: int = 0
    cost: float = float("nan")
    n_starts: int = 0

    def predict(self, time: ArrayLike, voltage: ArrayLike, h0: float | None = None) -> np.ndarray:
        """Model conductance for a voltage protocol, with the fitted constants and window.

        Parameters
        ----------
        time : array_like of shape (n_samples,)
            Strictly increasing time stamps.
        voltage : array_like of shape (n_samples,)
            Voltage held over ``(time[k-1], time[k]]``; ``voltage[0]`` is unused.
        h0 : float, optional
            Initial state; default: the first trace's fitted state.

        Returns
        -------
        ndarray of shape (n_samples,)
            The model conductance (see :func:`simulate_trace`).

        Examples
        --------
        >>> from nanowire_rc import CalibrationResult, NanowireParams
        >>> result = CalibrationResult(NanowireParams(), g_min=0.0, g_max=1.0, h0=(0.5,),
        ...                            r2=1.0, rmse=0.0)
        >>> result.predict([0.0, 1.0], [0.0, 0.0]).round(4)  # relaxes from h0 = 0.5
        array([0.5   , 0.3033])
        """
        return simulate_trace(time, voltage, self.params, self.g_min, self.g_max,
                              self.h0[0] if h0 is None else h0)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable summary.

        Returns
        -------
        dict
            The constants, window, initial states, fit quality and intervals (as lists).

        Examples
        --------
        >>> import json
        >>> from nanowire_rc import CalibrationResult, NanowireParams
        >>> result = CalibrationResult(NanowireParams(), g_min=0.0, g_max=1.0, h0=(0.5,),
        ...                            r2=1.0, rmse=0.0)
        >>> json.loads(json.dumps(result.to_dict()))["eta_p"]
        10.0
        """
        p = self.params
        return {
            "kappa_p0": p.kappa_p0, "kappa_d0": p.kappa_d0, "eta_p": p.eta_p, "eta_d": p.eta_d,
            "g_min": self.g_min, "g_max": self.g_max, "h0": list(self.h0), "r2": self.r2,
            "rmse": self.rmse, "level": self.level, "n_samples": self.n_samples,
            "intervals": {k: [float(a), float(b)] for k, (a, b) in self.intervals.items()},
        }


class _Problem:
    """Stacked traces and the map between the optimiser's vector and the constants.

    Vector: ``[log kp0, log kd0, log eta_p, log eta_d, g_min, log(g_max - g_min), h0_1 ...]``.
    """

    def __init__(self, traces):
        self.traces = traces
        self.n = sum(t[0].shape[0] for t in traces)
        self.g = np.concatenate([t[2] for t in traces])

    def model(self, theta, jac=False):
        lkp, lkd, lep, led, g_min, lspan = theta[:6]
        span = math.exp(lspan)
        out = np.empty(self.n)
        J = np.zeros((self.n, theta.size)) if jac else None
        start = 0
        for i, (t, v, _) in enumerate(self.traces):
            dt = np.concatenate([[0.0], np.diff(t)])
            h, d = _recursion(dt, v, float(theta[6 + i]), lkp, lkd, lep, led, jac)
            stop = start + t.shape[0]
            out[start:stop] = g_min + span * h
            if jac:
                J[start:stop, :4] = span * d[:, :4]
                J[start:stop, 4] = 1.0
                J[start:stop, 5] = span * h
                J[start:stop, 6 + i] = span * d[:, 4]
            start = stop
        return out, J


def _starts(traces, n_starts: int, rng: np.random.RandomState, scale: float) -> list[np.ndarray]:
    """Starting vectors spread over time scales and voltage sensitivities of the data."""
    t_all = np.concatenate([np.diff(t) for t, _, _ in traces])
    span_t = max(t[-1] - t[0] for t, _, _ in traces)
    v_all = np.concatenate([v[1:] for _, v, _ in traces])
    g_all = np.concatenate([g for _, _, g in traces])
    v_range = max(float(np.ptp(v_all)), float(np.abs(v_all).max()), 1e-12)
    g_lo, g_hi = float(g_all.min()), float(g_all.max())
    window = max(g_hi - g_lo, 1e-12 * max(abs(g_hi), 1.0))
    rate_lo, rate_hi = math.log(0.3 / span_t), math.log(3.0 / max(float(np.median(t_all)), 1e-300))
    starts = []
    for s in range(n_starts):
        lkd = rng.uniform(rate_lo, rate_hi)
        lkp = lkd - rng.uniform(0.0, 12.0)
        eta_p = rng.uniform(math.log(0.3 / v_range), math.log(40.0 / v_range))
        eta_d = rng.uniform(math.log(0.3 / v_range), math.log(40.0 / v_range))
        widen = 1.0 if s == 0 else rng.uniform(1.0, 3.0)
        g_min = max(g_lo - 0.05 * window * (widen - 1), 0.0)
        span = window * widen
        h0s = [min(max((g[0] - g_min) / span, 0.0), 1.0) for _, _, g in traces]
        starts.append(np.array([lkp, lkd, eta_p, eta_d, g_min / scale,
                                math.log(span / scale), *h0s]))
    return starts


def calibrate(
    time: ArrayLike | Sequence[ArrayLike],
    voltage: ArrayLike | Sequence[ArrayLike],
    conductance: ArrayLike | Sequence[ArrayLike],
    *,
    n_starts: int = 12,
    loss: str = "soft_l1",
    level: float = 0.95,
    random_state=0,
) -> CalibrationResult:
    """Fit the device constants to one or several measured conductance traces.

    Parameters
    ----------
    time, voltage, conductance : array (n_samples,) or sequence of such arrays
        One trace, or one array per trace (all traces share the constants and the window; each
        has its own initial state). ``voltage[k]`` is the voltage applied over
        ``(time[k-1], time[k]]``; ``voltage[0]`` is unused. Time stamps must increase strictly
        and may be non-uniform; conductances must be >= 0.
    n_starts : int, default=12
        Starting points for the (non-convex) least-squares problem; the best is kept.
    loss : {"soft_l1", "huber", "cauchy", "linear"}, default="soft_l1"
        Loss of the final refinement (``linear``: plain least squares).
    level : float, default=0.95
        Confidence level of the intervals.
    random_state : int, RandomState instance or None, default=0
        Seeds the starting points.

    Returns
    -------
    CalibrationResult
        The fitted constants, window and initial states, the fit's quality and confidence
        intervals.

    Raises
    ------
    CalibrationError
        For NaN/inf samples, non-increasing time, negative conductance, mismatched lengths, a
        constant voltage (the rates cannot be identified), a constant conductance, or fewer
        samples than parameters.
    ValueError
        If ``loss``, ``level`` or ``n_starts`` is invalid.

    Examples
    --------
    A synthetic trace of the model (staircase of 0.5, 0.8 and 1.1 V, then relaxation at 0 V,
    sampled at random times), and its constants recovered:

    >>> import numpy as np
    >>> from nanowire_rc import NanowireParams, calibrate
    >>> from nanowire_rc.calibration import simulate_trace
    >>> t = np.sort(np.r_[0.0, np.random.default_rng(0).uniform(0, 120, 300)])
    >>> v = np.select([t <= 30, t <= 60, t <= 90], [0.5, 0.8, 1.1], 0.0)
    >>> g = simulate_trace(t, v, NanowireParams(), g_min=1e-4, g_max=5e-4)
    >>> fit = calibrate(t, v, g)
    >>> round(fit.params.eta_p, 3), round(fit.params.kappa_d0, 3), round(fit.g_max, 6)
    (10.0, 0.5, 0.0005)
    >>> fit.r2 > 0.999
    True
    """
    if (isinstance(time, np.ndarray) and time.ndim == 1) or (
            not isinstance(time, np.ndarray) and len(time) and np.isscalar(time[0])):
        time, voltage, conductance = [time], [voltage], [conductance]
    if not (len(time) == len(voltage) == len(conductance)) or len(time) == 0:
        raise CalibrationError("pass as many time, voltage and conductance arrays (one per "
                               "trace), at least one")
    traces = [_trace_arrays(t, v, g, i if len(time) > 1 else None)
              for i, (t, v, g) in enumerate(zip(time, voltage, conductance, strict=True))]
    v_all = np.concatenate([v[1:] for _, v, _ in traces])
    if np.ptp(v_all) == 0:
        raise CalibrationError(
            "the voltage never changes: a trace at one voltage shows one relaxation rate and "
            "one asymptote, which cannot identify the rate constants; use a protocol with at "
            "least three voltage levels (e.g. potentiation pulses and relaxation at 0 V)")
    g_all = np.concatenate([g for _, _, g in traces])
    if np.ptp(g_all) == 0:
        raise CalibrationError("the conductance never changes: nothing to fit")
    n_params = 6 + len(traces)
    if g_all.size <= n_params:
        raise CalibrationError(f"{g_all.size} samples for {n_params} parameters: need more")
    if loss not in ("soft_l1", "huber", "cauchy", "linear", "arctan"):
        raise ValueError(f"unknown loss {loss!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise ValueError(f"n_starts must be a positive integer, got {n_starts!r}")
    rng = check_random_state(random_state)
    scale = float(np.ptp(g_all))  # residuals and g parameters in units of the data's range
    problem = _Problem([(t, v, g / scale) for t, v, g in traces])
    target = problem.g
    lower = np.r_[-np.inf * np.ones(4), 0.0, -np.inf, np.zeros(len(traces))]
    upper = np.r_[np.inf * np.ones(4), np.inf, np.inf, np.ones(len(traces))]

    def fun(theta):
        return problem.model(theta)[0] - target

    def jac(theta):
        return problem.model(theta, jac=True)[1]

    best = None
    for x0 in _starts(traces, n_starts, rng, scale):
        x0 = np.clip(x0, lower + 1e-12, upper - 1e-12)
        try:
            fit = least_squares(fun, x0, jac=jac, bounds=(lower, upper), method="trf",
                                x_scale="jac", max_nfev=400)
        except (ValueError, FloatingPointError):  # pragma: no cover - pathological start
            continue
        if np.isfinite(fit.cost) and (best is None or fit.cost < best.cost):
            best = fit
    if best is None:  # pragma: no cover
        raise CalibrationError("no starting point converged; check the units of time")
    if loss != "linear":
        mad = 1.4826 * float(np.median(np.abs(best.fun - np.median(best.fun))))
        if mad > 0:
            robust = least_squares(fun, best.x, jac=jac, bounds=(lower, upper), method="trf",
                                   x_scale="jac", loss=loss, f_scale=mad, max_nfev=400)
            if np.all(np.isfinite(robust.x)):
                best = robust
    return _result(best, problem, traces, scale, level, n_starts)


def _result(fit, problem: _Problem, traces, scale: float, level: float,
            n_starts: int) -> CalibrationResult:
    theta = fit.x
    pred, J = problem.model(theta, jac=True)
    resid = (pred - problem.g) * scale
    g = problem.g * scale
    rmse = float(np.sqrt(np.mean(resid ** 2)))
    r2 = float(1.0 - np.sum(resid ** 2) / np.sum((g - g.mean()) ** 2))
    n, k = J.shape
    sigma2 = float(np.sum((resid / scale) ** 2)) / max(n - k, 1)
    with np.errstate(all="ignore"):
        _, s, vt = np.linalg.svd(J, full_matrices=False)
        keep = s > s[0] * 1e-10
        inv = np.where(keep, 1.0 / np.where(keep, s, 1.0) ** 2, np.inf)
        var = sigma2 * np.sum((vt.T ** 2) * inv[None, :], axis=1)
        var = np.where(np.isfinite(var), var, np.nan)
    zq = float(ndtri(0.5 + level / 2))
    se = np.sqrt(var)
    names = ["kappa_p0", "kappa_d0", "eta_p", "eta_d"]
    intervals = {}
    for i, name in enumerate(names):
        intervals[name] = (math.exp(theta[i] - zq * se[i]), math.exp(theta[i] + zq * se[i])) \
            if np.isfinite(se[i]) else (math.nan, math.nan)
    g_min = float(theta[4] * scale)
    span = float(math.exp(theta[5]) * scale)
    intervals["g_min"] = (max(g_min - zq * se[4] * scale, 0.0), g_min + zq * se[4] * scale)
    # g_max = g_min + span: first-order variance from the covariance of (g_min, log span)
    with np.errstate(all="ignore"):
        cov = sigma2 * (vt.T * inv[None, :]) @ vt
    grad = np.zeros(theta.size)
    grad[4], grad[5] = scale, span
    var_gmax = float(grad @ cov @ grad) if np.all(np.isfinite(cov[4:6, 4:6])) else math.nan
    sd = math.sqrt(var_gmax) if var_gmax >= 0 else math.nan
    intervals["g_max"] = (g_min + span - zq * sd, g_min + span + zq * sd)
    h0 = tuple(float(x) for x in theta[6:])
    for i, h in enumerate(h0):
        e = zq * se[6 + i]
        intervals[f"h0[{i}]"] = (max(h - e, 0.0), min(h + e, 1.0))
    try:
        params = NanowireParams(*(math.exp(theta[i]) for i in range(4)))
    except ValueError as err:  # a rate constant under- or overflowed: the data do not fix it
        raise CalibrationError(
            f"the fit drove a rate constant out of range ({err}): this protocol does not "
            "determine it. Use a protocol that dwells at several voltages long enough for the "
            "conductance to move at each (e.g. steps, pulses of different heights), or more "
            "samples during the transitions") from None
    return CalibrationResult(params=params, g_min=g_min, g_max=g_min + span, h0=h0, r2=r2,
                             rmse=rmse, intervals=intervals, level=level,
                             n_samples=int(problem.n), cost=float(fit.cost), n_starts=n_starts)


def read_trace(
    path: str | Path,
    time_column: str | int = "time",
    voltage_column: str | int = "voltage",
    conductance_column: str | int = "conductance",
    delimiter: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a trace from a CSV/TSV file with a header row (or columns given by position).

    Parameters
    ----------
    path : str or Path
        The file.
    time_column, voltage_column, conductance_column : str or int
        Column names in the header row, or positions (0-based). With positions only, a first
        row that is not numeric is taken as a header and skipped.
    delimiter : str, optional
        Field separator; default: a tab for ``.tsv``/``.txt``/``.tab`` files, else a comma.

    Returns
    -------
    time : ndarray
        The time stamps, as floats.
    voltage : ndarray
        The applied voltages, as floats.
    conductance : ndarray
        The measured conductances, as floats.

    Raises
    ------
    CalibrationError
        If the file is empty, a named column is missing, or a value cannot be read as a number
        (the message names the line).

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.calibration import read_trace
    >>> _ = Path("trace.csv").write_text("time,voltage,conductance\\n0,0,1e-3\\n1,1,2e-3\\n")
    >>> read_trace("trace.csv")
    (array([0., 1.]), array([0., 1.]), array([0.001, 0.002]))
    """
    path = Path(path)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".txt", ".tab") else ","
    with open(path, newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter=delimiter) if r and any(c.strip() for c in r)]
    if not rows:
        raise CalibrationError(f"{path} is empty")
    columns = (time_column, voltage_column, conductance_column)
    if all(isinstance(c, int) for c in columns):
        header, body, first = None, rows, 1
        try:
            [float(x) for x in rows[0]]
        except ValueError:
            body, first = rows[1:], 2
        index = list(columns)
    else:
        header = [h.strip() for h in rows[0]]
        body, first = rows[1:], 2
        index = []
        for c in columns:
            if isinstance(c, int):
                index.append(c)
            elif c in header:
                index.append(header.index(c))
            else:
                raise CalibrationError(f"{path} has no column {c!r}; its columns are {header}")
    out = np.empty((len(body), 3))
    for r, row in enumerate(body):
        for j, c in enumerate(index):
            try:
                out[r, j] = float(row[c])
            except (ValueError, IndexError):
                raise CalibrationError(
                    f"{path}, line {r + first}: cannot read a number in column "
                    f"{columns[j]!r} from {row!r}") from None
    return out[:, 0], out[:, 1], out[:, 2]
