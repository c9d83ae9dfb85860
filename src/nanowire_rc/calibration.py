"""Calibration: fit the rate-equation constants to measured conductance traces.

This module owns the trace model (the exact solution between samples, ``G = g_min + (g_max -
g_min) h``), the fit (bounded Levenberg-Marquardt with an exact Jacobian from several starts,
refined with a robust loss), the profile-likelihood identifiability analysis and reading traces
from CSV/TSV files; it uses only the physics layer. The model, the fit and what the intervals
mean: docs/devices.md ("Calibration to measured traces").
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numba import njit
from numpy.typing import ArrayLike
from scipy.special import ndtri
from threadpoolctl import threadpool_limits

from ._seeding import generator
from .exceptions import (
    CalibrationError,
    InvalidArgumentError,
    InvalidParameterError,
    PoorFitWarning,
)
from .physics import NanowireParams

__all__ = [
    "DEFAULT_MAX_SAMPLES",
    "MIN_R2",
    "SEARCH_FACTOR",
    "CalibrationError",
    "CalibrationResult",
    "PoorFitWarning",
    "calibrate",
    "read_trace",
    "simulate_trace",
]

PARAM_NAMES = ("kappa_p0", "kappa_d0", "eta_p", "eta_d", "g_min", "g_max")

#: Most samples :func:`calibrate` and :func:`read_trace` accept unless told otherwise: a fit
#: takes about 2 s of one core per 3,000 samples, and a file far beyond this is more often a
#: wrong file than a trace. Raise it with ``max_samples=`` (``--max-samples``).
DEFAULT_MAX_SAMPLES = 100_000

#: Below this R² :func:`calibrate` warns (:class:`~nanowire_rc.exceptions.PoorFitWarning`): the
#: model then explains little of the trace, and its constants describe noise.
MIN_R2 = 0.9

#: How far the identifiability analysis looks: a positive constant (or ``g_max``) whose profile
#: stays within the threshold out to this factor above or below its estimate is reported as
#: not identifiable.
SEARCH_FACTOR = 1e4

# Longest line read_trace accepts: a table of numbers has short lines, and csv's own field
# limit is 128 KiB; longer lines are refused before they are held in memory.
_MAX_LINE = 128 * 1024


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


@njit(cache=False)
def _rows(dt, v, h0, lkp, lkd, leta_p, leta_d, g_min, span, jac, out, J, start,
          column):  # pragma: no cover - compiled
    """Conductances of one trace into ``out[start:]`` and, if ``jac``, their derivatives into
    the same rows of ``J`` (the four log-constants, ``g_min``, the log window, and this
    trace's ``h0`` at ``column``): filled in place, without temporaries."""
    h, d = _recursion(dt, v, h0, lkp, lkd, leta_p, leta_d, jac)
    for k in range(h.shape[0]):
        out[start + k] = g_min + span * h[k]
        if jac:
            for p in range(4):
                J[start + k, p] = span * d[k, p]
            J[start + k, 4] = 1.0
            J[start + k, 5] = span * h[k]
            J[start + k, column] = span * d[k, 4]


def _is_text(value) -> bool:
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "SU" or (
            value.dtype == object and any(isinstance(x, (str, bytes)) for x in value.flat))
    return isinstance(value, (list, tuple)) and any(isinstance(x, (str, bytes)) for x in value)


def _numbers(label: str, value, name: str) -> np.ndarray:
    """``value`` as a float64 array, or a CalibrationError saying why it is not numbers."""
    if _is_text(value):
        raise CalibrationError(
            f"{label}{name} holds text ({str(value)[:40]!r}), not numbers; pass an array of "
            "floats (read a file with read_trace or np.loadtxt)")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CalibrationError(f"{label}{name} cannot be read as an array of numbers ({err}); "
                               "pass a 1-D array of floats") from None


def _trace_arrays(time, voltage, conductance, index: int | None = None):
    name = "" if index is None else f" (trace {index})"
    t = _numbers("time", time, name)
    v = _numbers("voltage", voltage, name)
    g = None if conductance is None else _numbers("conductance", conductance, name)
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


def _shape(value) -> tuple[int, ...] | None:
    """Shape of an array-like, ``None`` for a ragged sequence (several traces)."""
    if isinstance(value, (str, bytes)):
        return ()
    try:
        return np.shape(value)
    except ValueError:  # inhomogeneous: a sequence of traces of different lengths
        return None


def _split_traces(time, voltage, conductance) -> list[tuple]:
    """One ``(time, voltage, conductance)`` per trace, from one trace or sequences of them."""
    arguments = (("time", time), ("voltage", voltage), ("conductance", conductance))
    shapes = {label: _shape(value) for label, value in arguments}
    for label, value in arguments:
        if isinstance(value, (str, bytes)):
            _numbers(label, value, "")  # raises: names the text
        if shapes[label] == ():
            raise CalibrationError(f"{label} is a single number ({value!r}); pass one array "
                                   "of samples per trace")
        if shapes[label] is not None and len(shapes[label]) > 2:
            raise CalibrationError(f"{label} has shape {shapes[label]}: pass one trace as 1-D "
                                   "arrays, or several traces as lists of 1-D arrays")
    dims = {label: None if s is None else len(s) for label, s in shapes.items()}
    if all(d == 1 for d in dims.values()):
        return [(time, voltage, conductance)]
    if any(d == 1 for d in dims.values()):
        described = ", ".join(f"{label} {'a list of traces' if s is None else s}"
                              for label, s in shapes.items())
        raise CalibrationError(
            f"time, voltage and conductance must all be one trace (1-D arrays of one length) "
            f"or all sequences of traces; got {described}. For one trace pass 1-D arrays "
            "(e.g. np.ravel(time)); for several pass lists of 1-D arrays")
    counts = [len(value) for _, value in arguments]
    if len(set(counts)) != 1 or counts[0] == 0:
        raise CalibrationError(f"pass as many time, voltage and conductance arrays (one per "
                               f"trace), at least one; got {counts[0]}, {counts[1]} and "
                               f"{counts[2]}")
    return list(zip(time, voltage, conductance, strict=True))


def simulate_trace(time: ArrayLike, voltage: ArrayLike, params: NanowireParams, g_min: float = 0.0,
                   g_max: float = 1.0, h0: float = 0.0) -> np.ndarray:
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
    InvalidParameterError
        If ``params`` is not a :class:`~nanowire_rc.physics.NanowireParams`, ``h0`` is outside
        [0, 1] or the window is not ``0 <= g_min < g_max`` (also a ``TypeError`` and a
        ``ValueError``).

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
        raise InvalidParameterError(
            f"params must be a NanowireParams, got {type(params).__name__}")
    if not 0 <= h0 <= 1:
        raise InvalidParameterError(f"h0 must lie in [0, 1], got {h0!r}")
    if not (0 <= g_min < g_max):
        raise InvalidParameterError(f"need 0 <= g_min < g_max, got {g_min!r}, {g_max!r}")
    dt = np.concatenate([[0.0], np.diff(t)])
    h, _ = _recursion(dt, v, float(h0), math.log(params.kappa_p0), math.log(params.kappa_d0),
                      math.log(params.eta_p), math.log(params.eta_d), False)
    return g_min + (g_max - g_min) * h


def _fmt(x: float) -> str:
    return "inf" if x == math.inf else f"{x:.4g}"


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
        ``name -> (low, high)``: ``level`` profile-likelihood intervals of each constant (and
        ``h0[i]``). An end the data do not bound is ``0.0`` (lower end of a positive quantity)
        or ``inf``.
    level : float
        Confidence level of the intervals.
    n_samples : int
        Number of samples fitted (all traces).
    cost : float
        Final robust cost of the optimiser.
    n_starts : int
        Starting points tried.
    identifiable : dict
        ``name -> bool``: whether the data bound the quantity on both sides (see
        :func:`calibrate`); empty when no analysis was made.
    identifiability : dict
        ``name -> str``: for each quantity that is not identifiable, why (which end is
        unbounded, and what it trades off with).

    Examples
    --------
    >>> from nanowire_rc import NanowireParams
    >>> from nanowire_rc.calibration import CalibrationResult
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
    identifiable: dict = field(default_factory=dict)
    identifiability: dict = field(default_factory=dict)

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
        >>> from nanowire_rc import NanowireParams
        >>> from nanowire_rc.calibration import CalibrationResult
        >>> result = CalibrationResult(NanowireParams(), g_min=0.0, g_max=1.0, h0=(0.5,),
        ...                            r2=1.0, rmse=0.0)
        >>> result.predict([0.0, 1.0], [0.0, 0.0]).round(4)  # relaxes from h0 = 0.5
        array([0.5   , 0.3033])
        """
        return simulate_trace(time, voltage, self.params, self.g_min, self.g_max,
                              self.h0[0] if h0 is None else h0)

    def estimates(self) -> dict[str, float]:
        """Every fitted quantity by name: the four constants, the window and each ``h0[i]``.

        Returns
        -------
        dict
            ``name -> value``, in the order of :attr:`intervals`.

        Examples
        --------
        >>> from nanowire_rc import NanowireParams
        >>> from nanowire_rc.calibration import CalibrationResult
        >>> result = CalibrationResult(NanowireParams(), 0.0, 1.0, h0=(0.5, 0.2), r2=1.0,
        ...                            rmse=0.0)
        >>> result.estimates()["h0[1]"]  # one initial state per trace
        0.2
        """
        p = self.params
        values = {"kappa_p0": p.kappa_p0, "kappa_d0": p.kappa_d0, "eta_p": p.eta_p,
                  "eta_d": p.eta_d, "g_min": self.g_min, "g_max": self.g_max}
        values.update({f"h0[{i}]": h for i, h in enumerate(self.h0)})
        return values

    def summary(self) -> str:
        """The fit's quality and, per quantity, its estimate and interval or why it is not
        identifiable, as lines of text (what ``nanowire-rc calibrate`` prints).

        Returns
        -------
        str
            A table, one quantity per line.

        Examples
        --------
        >>> import math
        >>> from nanowire_rc import NanowireParams
        >>> from nanowire_rc.calibration import CalibrationResult
        >>> result = CalibrationResult(
        ...     NanowireParams(), g_min=1e-3, g_max=5e-3, h0=(0.0,), r2=0.99, rmse=1e-5,
        ...     intervals={"g_min": (9e-4, 1.1e-3), "g_max": (4e-3, math.inf)},
        ...     identifiable={"g_min": True, "g_max": False},
        ...     identifiability={"g_max": "not identifiable: no upper limit"})
        >>> print(result.summary())  # doctest: +NORMALIZE_WHITESPACE
        R² = 0.99000, RMSE = 1e-05 over 0 samples
        quantity   estimate   95 % interval
        kappa_p0   0.0001
        kappa_d0   0.5
        eta_p      10
        eta_d      1
        g_min      0.001      [0.0009, 0.0011]
        g_max      0.005      not identifiable: no upper limit
        h0[0]      0
        """
        lines = [f"R² = {self.r2:.5f}, RMSE = {self.rmse:.4g} over {self.n_samples} samples",
                 f"{'quantity':<10} {'estimate':<10} {self.level * 100:g} % interval"]
        for name, value in self.estimates().items():
            if name in self.identifiability:
                detail = self.identifiability[name]
            elif name in self.intervals:
                low, high = self.intervals[name]
                detail = f"[{_fmt(low)}, {_fmt(high)}]"
            else:
                detail = ""
            lines.append(f"{name:<10} {value:<10.4g} {detail}".rstrip())
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable summary.

        Returns
        -------
        dict
            The constants, window, initial states, fit quality, intervals (as lists; an
            unbounded end is ``None``) and identifiability.

        Examples
        --------
        >>> import json
        >>> from nanowire_rc import NanowireParams
        >>> from nanowire_rc.calibration import CalibrationResult
        >>> result = CalibrationResult(NanowireParams(), g_min=0.0, g_max=1.0, h0=(0.5,),
        ...                            r2=1.0, rmse=0.0)
        >>> json.loads(json.dumps(result.to_dict()))["eta_p"]
        10.0
        """
        p = self.params

        def end(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "kappa_p0": p.kappa_p0, "kappa_d0": p.kappa_d0, "eta_p": p.eta_p, "eta_d": p.eta_d,
            "g_min": self.g_min, "g_max": self.g_max, "h0": list(self.h0), "r2": self.r2,
            "rmse": self.rmse, "level": self.level, "n_samples": self.n_samples,
            "intervals": {k: [end(a), end(b)] for k, (a, b) in self.intervals.items()},
            "identifiable": dict(self.identifiable),
            "identifiability": dict(self.identifiability),
        }


class _Problem:
    """Stacked traces and the map between the optimiser's vector and the constants.

    Vector: ``[log kp0, log kd0, log eta_p, log eta_d, g_min, log(g_max - g_min), h0_1 ...]``,
    conductances in units of the data's range.
    """

    def __init__(self, traces):
        self.traces = traces
        self.dts = [np.concatenate([[0.0], np.diff(t)]) for t, _, _ in traces]
        self.n = sum(t[0].shape[0] for t in traces)
        self.g = np.concatenate([t[2] for t in traces])

    def model(self, theta, jac=False):
        lkp, lkd, lep, led, g_min, lspan = (float(x) for x in theta[:6])
        span = math.exp(lspan)
        out = np.empty(self.n)
        # one trace fills every column; with several, each leaves the others' h0 at zero
        J = (np.zeros if len(self.traces) > 1 else np.empty)((self.n, theta.size if jac else 0))
        start = 0
        for i, ((_, v, _), dt) in enumerate(zip(self.traces, self.dts, strict=True)):
            _rows(dt, v, float(theta[6 + i]), lkp, lkd, lep, led, g_min, span, jac, out, J,
                  start, 6 + i)
            start += v.shape[0]
        return out, (J if jac else None)


class _Fitter:
    """Least squares on a :class:`_Problem` with some entries of the vector held fixed."""

    def __init__(self, problem: _Problem, lower: np.ndarray, upper: np.ndarray):
        self.problem, self.lower, self.upper = problem, lower, upper
        self.loss, self.f_scale = "linear", 1.0

    def solve(self, theta, fixed=(), g_max: float | None = None, max_iter: int = 400,
              atol: float = 0.0):
        """Minimise over the entries of ``theta`` not in ``fixed``, starting from ``theta``.

        With ``g_max`` (in the data's units) the window's upper end is held there: ``g_min``
        follows the free window width. The fit stops when a step lowers the cost by less than
        ``atol`` or a relative 1e-8. Returns the cost and the full vector.
        """
        theta = np.array(theta, dtype=np.float64)
        held = set(fixed) | ({4} if g_max is not None else set())
        free = np.array([i for i in range(theta.size) if i not in held])
        lower, upper = self.lower[free].copy(), self.upper[free].copy()
        if g_max is not None:  # g_min = g_max - span >= 0
            upper[np.flatnonzero(free == 5)[0]] = min(self.upper[5], math.log(g_max))

        def full(x):
            th = theta.copy()
            th[free] = x
            if g_max is not None:
                th[4] = max(g_max - math.exp(th[5]), 0.0)
            return th

        def fun_jac(x):
            th = full(x)
            out, J = self.problem.model(th, jac=True)
            if g_max is not None:  # g_min moves against the width
                J[:, 5] -= math.exp(th[5])
            return out - self.problem.g, J[:, free]

        cost, x = _levenberg_marquardt(fun_jac, theta[free], lower, upper, self.loss,
                                       self.f_scale, max_iter, atol)
        return cost, full(x)


# Robust losses as functions of z = (residual / f_scale)^2: rho(z) and rho'(z) (the weights of
# the reweighted Gauss-Newton step); the cost is f_scale^2 / 2 * sum(rho(z)).
_LOSSES = {
    "linear": (lambda z: z, np.ones_like),
    "soft_l1": (lambda z: 2.0 * (np.sqrt(1.0 + z) - 1.0), lambda z: 1.0 / np.sqrt(1.0 + z)),
    "huber": (lambda z: np.where(z <= 1.0, z, 2.0 * np.sqrt(z) - 1.0),
              lambda z: 1.0 / np.sqrt(np.maximum(z, 1.0))),
    "cauchy": (np.log1p, lambda z: 1.0 / (1.0 + z)),
    "arctan": (np.arctan, lambda z: 1.0 / (1.0 + z * z)),
}


def _levenberg_marquardt(fun_jac, x0, lower, upper, loss: str, f_scale: float, max_iter: int,
                         atol: float = 0.0, ftol: float = 1e-8) -> tuple[float, np.ndarray]:
    """Minimise ``f_scale^2 / 2 * sum(rho((r(x) / f_scale)^2))`` within ``[lower, upper]``.

    Levenberg-Marquardt with Marquardt's diagonal scaling on the reweighted normal equations
    (a handful of parameters, thousands of residuals: forming ``J^T W J`` is cheaper than the
    general-purpose solvers' factorisations of ``J``); a variable at a bound that the gradient
    pushes outwards is held there, the others step and are projected onto the box. Stops when
    a step lowers the cost by less than ``atol`` or ``ftol`` of it, or no damping finds a lower
    cost.
    Returns the cost and the minimiser.
    """
    rho, weight = _LOSSES[loss]

    def evaluate(x):
        r, J = fun_jac(x)
        z = (r / f_scale) ** 2
        return 0.5 * f_scale ** 2 * float(np.sum(rho(z))), r, J, z

    x = np.clip(np.asarray(x0, dtype=np.float64), lower, upper)
    cost, r, J, z = evaluate(x)
    if not np.isfinite(cost):
        return math.inf, x
    damping, growth = 1e-3, 2.0
    for _ in range(max_iter):
        w = weight(z)
        gradient = J.T @ (w * r)
        held = ((x <= lower) & (gradient > 0)) | ((x >= upper) & (gradient < 0))
        free = ~held
        if not free.any():
            break
        Jw = J[:, free] * np.sqrt(w)[:, None]
        A = Jw.T @ Jw
        g = gradient[free]
        scaling = np.diag(A).copy()
        scaling = np.maximum(scaling, 1e-12 * max(float(scaling.max()), 1e-300))
        for _ in range(40):
            try:
                step = np.linalg.solve(A + damping * np.diag(scaling), -g)
            except np.linalg.LinAlgError:  # pragma: no cover - singular even when damped
                damping *= 10.0
                continue
            trial = x.copy()
            trial[free] += step
            trial = np.clip(trial, lower, upper)
            new = evaluate(trial)
            predicted = -(g @ step + 0.5 * step @ A @ step)
            if new[0] < cost and predicted > 0:
                # Nielsen's update: damp less the better the quadratic model predicted
                gain = min((cost - new[0]) / predicted, 2.0)  # beyond 1: damp a third
                damping *= max(1.0 / 3.0, 1.0 - (2.0 * gain - 1.0) ** 3)
                growth = 2.0
                break
            damping *= growth
            growth *= 2.0
        else:
            break
        decrease = cost - new[0]
        x, (cost, r, J, z) = trial, new
        if decrease <= max(ftol * cost, atol):
            break
    return cost, x


def _starts(traces, n_starts: int, rng: np.random.Generator, scale: float) -> list[np.ndarray]:
    """Starting vectors spread over time scales and voltage sensitivities of the data."""
    t_all = np.concatenate([np.diff(t) for t, _, _ in traces])
    span_t = max(t[-1] - t[0] for t, _, _ in traces)
    v_all = np.concatenate([v[1:] for _, v, _ in traces])
    g_all = np.concatenate([g for _, _, g in traces])
    v_range = max(float(np.ptp(v_all)), float(np.abs(v_all).max()), 1e-300)
    g_lo, g_hi = float(g_all.min()), float(g_all.max())
    window = max(g_hi - g_lo, 1e-12 * max(abs(g_hi), 1.0))
    # logarithms first: time steps and voltages may be at any finite scale
    rate_lo = math.log(0.3) - math.log(span_t)
    rate_hi = math.log(3.0) - math.log(max(float(np.median(t_all)), 5e-324))
    eta_lo, eta_hi = math.log(0.3) - math.log(v_range), math.log(40.0) - math.log(v_range)
    starts = []
    for s in range(n_starts):
        lkd = rng.uniform(rate_lo, rate_hi)
        lkp = lkd - rng.uniform(0.0, 12.0)
        eta_p = rng.uniform(eta_lo, eta_hi)
        eta_d = rng.uniform(eta_lo, eta_hi)
        widen = 1.0 if s == 0 else rng.uniform(1.0, 3.0)
        g_min = max(g_lo - 0.05 * window * (widen - 1), 0.0)
        span = window * widen
        h0s = [min(max((g[0] - g_min) / span, 0.0), 1.0) for _, _, g in traces]
        starts.append(np.array([lkp, lkd, eta_p, eta_d, g_min / scale,
                                math.log(span / scale), *h0s]))
    return starts


def _best_fit(fitter: _Fitter, starts: list[np.ndarray], loss: str) -> tuple[float, np.ndarray]:
    """Least squares from every start, the best refined with the robust ``loss`` (its scale:
    the residuals' MAD); leaves ``fitter`` on the loss of the returned cost."""
    best = None
    for x0 in starts:
        x0 = np.clip(x0, fitter.lower + 1e-12, fitter.upper - 1e-12)
        cost, theta = fitter.solve(x0)
        if np.isfinite(cost) and (best is None or cost < best[0]):
            best = (cost, theta)
    if best is None:  # pragma: no cover - every start gave a non-finite cost
        raise CalibrationError("no starting point gave a finite fit; check the units of time")
    cost, theta = best
    if loss != "linear":
        resid = fitter.problem.model(theta)[0] - fitter.problem.g
        mad = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
        if mad > 0:
            fitter.loss, fitter.f_scale = loss, mad
            cost, theta = fitter.solve(theta)
    return cost, theta


def _check_options(n_starts, loss, level, min_r2, max_samples) -> None:
    if loss not in ("soft_l1", "huber", "cauchy", "linear", "arctan"):
        raise InvalidArgumentError(f"unknown loss {loss!r}; use 'soft_l1', 'huber', 'cauchy', "
                                   "'arctan' or 'linear'")
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise InvalidArgumentError(f"level must lie in (0, 1), got {level!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, (int, np.integer)) or n_starts < 1:
        raise InvalidArgumentError(f"n_starts must be a positive integer, got {n_starts!r}")
    if isinstance(min_r2, bool) or not isinstance(min_r2, (int, float)) or not min_r2 <= 1:
        raise InvalidArgumentError(f"min_r2 must be a number <= 1, got {min_r2!r}")
    _check_max_samples(max_samples)


def _check_max_samples(max_samples) -> None:
    if max_samples is not None and (isinstance(max_samples, bool) or not isinstance(
            max_samples, (int, np.integer)) or max_samples < 1):
        raise InvalidArgumentError(
            f"max_samples must be a positive integer or None, got {max_samples!r}")


def _too_many(n: int | None, max_samples: int, where: str) -> CalibrationError:
    count = "" if n is None else f" ({n})"
    larger = "a larger max_samples" if n is None else f"max_samples={n}"
    return CalibrationError(
        f"{where} has more than max_samples={max_samples} samples{count}; a fit's time grows "
        "with the number of samples (about 2 s per 3,000). If this is the trace "
        f"you mean, pass {larger} (nanowire-rc calibrate --max-samples); else decimate it, "
        "or check that it is the right file")


def calibrate(time: ArrayLike | Sequence[ArrayLike], voltage: ArrayLike | Sequence[ArrayLike],
              conductance: ArrayLike | Sequence[ArrayLike], *, n_starts: int = 12,
              loss: str = "soft_l1", level: float = 0.95, random_state=0, min_r2: float = MIN_R2,
              max_samples: int | None = DEFAULT_MAX_SAMPLES) -> CalibrationResult:
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
    loss : {"soft_l1", "huber", "cauchy", "arctan", "linear"}, default="soft_l1"
        Loss of the final refinement (``linear``: plain least squares).
    level : float, default=0.95
        Confidence level of the intervals.
    random_state : int, SeedSequence, Generator, RandomState or None, default=0
        Seeds the starting points.
    min_r2 : float, default=MIN_R2 (0.9)
        Warn (:class:`~nanowire_rc.exceptions.PoorFitWarning`) when the fit's R² is below this.
    max_samples : int or None, default=DEFAULT_MAX_SAMPLES (100,000)
        Refuse more samples (all traces together) than this; ``None``: no limit.

    Returns
    -------
    CalibrationResult
        The fitted constants, window and initial states, the fit's quality, the intervals and
        which quantities the data identify.

    Raises
    ------
    CalibrationError
        For text or non-numeric input, shapes that are neither one trace nor a list of traces,
        NaN/inf samples, non-increasing time, negative conductance, mismatched lengths, a
        constant voltage (the rates cannot be identified), a constant conductance, fewer
        samples than parameters, or more than ``max_samples``.
    InvalidArgumentError
        If ``loss``, ``level``, ``n_starts``, ``min_r2`` or ``max_samples`` is invalid (also a
        ``ValueError``).

    Warns
    -----
    PoorFitWarning
        If R² is below ``min_r2``.

    Notes
    -----
    Intervals are profile-likelihood intervals, ``2 (cost - cost_min) <= chi2_1(level)
    sigma^2`` with ``sigma^2`` the fit's residual variance. What *identifiable* and *not
    identifiable* mean (the search stops at :data:`SEARCH_FACTOR` times the estimate), and an
    unbounded end's ``0.0`` or ``inf`` in :attr:`CalibrationResult.intervals`: docs/devices.md
    ("Calibration to measured traces").

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
    >>> fit.r2 > 0.999, all(fit.identifiable.values())
    (True, True)
    """
    _check_options(n_starts, loss, level, min_r2, max_samples)
    split = _split_traces(time, voltage, conductance)
    n_total = sum(int(np.size(t)) for t, _, _ in split)
    if max_samples is not None and n_total > max_samples:
        raise _too_many(n_total, max_samples, "the trace" if len(split) == 1 else "the traces")
    traces = [_trace_arrays(t, v, g, i if len(split) > 1 else None)
              for i, (t, v, g) in enumerate(split)]
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
    rng = generator(random_state)
    scale = float(np.ptp(g_all))  # residuals and g parameters in units of the data's range
    problem = _Problem([(t, v, g / scale) for t, v, g in traces])
    # Bounds keep every constant representable (logarithms within +-690) and exp(eta * v)
    # within the float range at the data's largest voltage; the window stays within a factor
    # 1e6 of the data's range.
    log_vmax = math.log(float(np.abs(v_all).max()))
    eta_hi = min(math.log(700.0) - log_vmax, 690.0)
    eta_lo = min(math.log(1e-6) - log_vmax, eta_hi - 1.0)
    lower = np.r_[-690.0, -690.0, eta_lo, eta_lo, 0.0, math.log(1e-6), np.zeros(len(traces))]
    upper = np.r_[690.0, 690.0, eta_hi, eta_hi, np.inf, math.log(1e6), np.ones(len(traces))]
    fitter = _Fitter(problem, lower, upper)

    # The algebra is on matrices of a few columns: BLAS threads only add overhead (and keep
    # spinning afterwards); one thread also makes the result the same on every machine.
    with threadpool_limits(limits=1, user_api="blas"):
        cost, theta = _best_fit(fitter, _starts(traces, n_starts, rng, scale), loss)
        for attempt in range(3):
            profiles = _Profiles(fitter, theta, cost, level, float(g_all.max()) / scale)
            better = profiles.run(look_for_better=attempt < 2)
            if better is None:
                break
            cost, theta = fitter.solve(better)  # a profile found a lower cost: start from there
        result = _result(theta, cost, problem, profiles, scale, level, n_starts)
    if result.r2 < min_r2:
        warnings.warn(PoorFitWarning(
            f"the calibrated model explains little of the trace: R² = {result.r2:.3g} is below "
            f"min_r2 = {min_r2:g}, so its constants and intervals describe noise. Check the "
            "columns and units, and that the voltage drives the conductance"), stacklevel=2)
    return result


@dataclass
class _Side:
    """Where one side of a profile ends: ``found`` (the cost crossed the threshold there),
    ``bound`` (a physical bound, still under the threshold) or ``limit`` (the search range ran
    out under the threshold); ``theta`` is the farthest vector under the threshold."""

    psi: float
    kind: str
    theta: np.ndarray


class _Profiles:
    """Profile-likelihood intervals and identifiability of every reported quantity.

    Each quantity has a profile coordinate ``psi``: the vector's entry for the log-constants,
    ``g_min`` and ``h0``, and ``log g_max`` for the window's upper end (all conductances in the
    data's units).
    """

    def __init__(self, fitter: _Fitter, theta: np.ndarray, cost: float, level: float,
                 g_top: float):
        self.fitter, self.theta, self.cost = fitter, theta, cost
        problem = fitter.problem
        n, k = problem.n, theta.size
        # residual variance from the optimiser's cost (robust losses: cost ~ SSR / 2 for
        # inliers); a floor keeps an exact fit's thresholds above rounding noise
        sigma2 = max(2.0 * cost / (n - k), 1e-18)
        zq = float(ndtri(0.5 + level / 2))
        self.threshold = zq * zq * sigma2
        # refits stop once a step gains less than this: far below what moves an interval end
        self.tolerance = 1e-3 * self.threshold
        # Wald standard errors, only to size the profiles' first steps
        _, J = problem.model(theta, jac=True)
        self.jacobian = J
        _, s, vt = np.linalg.svd(J, full_matrices=False)
        inv = 1.0 / np.maximum(s, 1e-10 * s[0]) ** 2 if s[0] > 0 else np.ones_like(s)
        cov = sigma2 * (vt.T * inv) @ vt
        g_max = theta[4] + math.exp(theta[5])
        grad = np.zeros(k)
        grad[4], grad[5] = 1.0 / g_max, math.exp(theta[5]) / g_max
        se = np.sqrt(np.maximum(np.diag(cov), 0.0))
        log_span = math.log(SEARCH_FACTOR)
        # name -> (index or "g_max", psi_hat, (low end, its kind), (high end, its kind), step)
        self.specs = {}
        for i, name in enumerate(PARAM_NAMES[:4]):
            self.specs[name] = (i, theta[i], (max(theta[i] - log_span, fitter.lower[i]), "limit"),
                                (min(theta[i] + log_span, fitter.upper[i]), "limit"), zq * se[i])
        self.specs["g_min"] = (4, theta[4], (0.0, "bound"), (max(g_top, theta[4]), "limit"),
                               zq * se[4])
        psi = math.log(g_max)
        # the window's width has a bound of its own (fitter.upper[5]): the search stops there
        self.specs["g_max"] = ("g_max", psi, (psi - log_span, "limit"),
                               (max(psi, min(psi + log_span, fitter.upper[5])), "limit"),
                               zq * math.sqrt(max(float(grad @ cov @ grad), 0.0)))
        for j in range(k - 6):
            self.specs[f"h0[{j}]"] = (6 + j, theta[6 + j], (0.0, "bound"), (1.0, "bound"),
                                      zq * se[6 + j])
        self.sides: dict[str, tuple[_Side, _Side]] = {}
        # fits under the threshold met so far in any profile, with their rise
        self.pool: list[tuple[np.ndarray, float]] = []

    def refit(self, name: str, psi: float, warm: np.ndarray) -> tuple[float, np.ndarray]:
        """Lowest cost with ``name`` held at ``psi``, refitting the rest from ``warm``."""
        index = self.specs[name][0]
        if index == "g_max":
            cost, theta = self.fitter.solve(warm, g_max=math.exp(psi), max_iter=100,
                                            atol=self.tolerance)
        else:
            start = warm.copy()
            start[index] = psi
            cost, theta = self.fitter.solve(start, fixed=(index,), max_iter=100,
                                            atol=self.tolerance)
        return cost, theta

    def run(self, look_for_better: bool = True) -> np.ndarray | None:
        """Profile every quantity; a vector with a lower cost than the fit's if one turned up
        (and ``look_for_better``), else ``None``."""
        for name, (_, psi_hat, low, high, step) in self.specs.items():
            sides = []
            for end, kind in (low, high):
                side = self._side(name, (psi_hat, 0.0, self.theta), end, kind, step,
                                  look_for_better)
                if side.kind == "better":
                    return side.theta
                sides.append(side)
            self.sides[name] = (sides[0], sides[1])
        # A fit under the threshold met in another profile, beyond an end found here, shows
        # that the refits lost the valley on the way: walk on from it (twice at most); an end
        # is never inside a fit known to be under the threshold.
        for _ in range(2):
            walked = False
            for name, (_, _, low, high, step) in self.specs.items():
                sides = list(self.sides[name])
                for j, (end, kind) in enumerate((low, high)):
                    origin = self._beyond(name, sides[j], j)
                    if sides[j].kind != "found" or origin is None:
                        continue
                    sides[j] = self._side(name, origin, end, kind, step, look_for_better)
                    if sides[j].kind == "better":
                        return sides[j].theta
                    walked = True
                self.sides[name] = (sides[0], sides[1])
            if not walked:
                break
        for name in self.specs:
            sides = list(self.sides[name])
            for j in range(2):
                origin = self._beyond(name, sides[j], j)
                if sides[j].kind == "found" and origin is not None:
                    sides[j] = _Side(origin[0], "found", origin[2])
            self.sides[name] = (sides[0], sides[1])
        return None

    def _beyond(self, name, side: _Side, j: int):
        """The fit under the threshold farthest beyond ``side`` (``j``: 0 below, 1 above) in
        ``name``'s coordinate, as ``(psi, rise, theta)``, or ``None``."""
        direction = 1.0 if j else -1.0
        best = None
        for theta, rise in self.pool:
            gap = direction * (self._coordinate(name, theta) - side.psi)
            if gap > 1e-9 * max(1.0, abs(side.psi)) and (best is None or gap > best[0]):
                best = (gap, theta, rise)
        return None if best is None else (self._coordinate(name, best[1]), best[2], best[1])

    def _side(self, name, origin, end, end_kind, step, look_for_better) -> _Side:
        """Walk from ``origin`` (``(psi, rise, theta)``, the estimate or a fit under the
        threshold) towards ``end`` in growing steps until the cost rises above the threshold,
        then place the crossing by interpolation in sqrt(cost increase).

        Each refit starts where the valley's direction points (the fit's tangent first, then
        the secant through the last two points), so that a curved valley of equally good fits
        is followed rather than lost; a rise above the threshold is confirmed from the last
        point under it.
        """
        psi_0, _, theta_0 = origin
        distance = abs(end - psi_0)
        if distance == 0.0:
            return _Side(end, end_kind, theta_0)
        direction = math.copysign(1.0, end - psi_0)
        step = min(max(step, 1e-9 * distance), distance / 8)
        previous, inside = None, origin
        while True:
            at_end = step >= distance
            psi = end if at_end else psi_0 + direction * step
            cost, theta = self.refit(name, psi, self._predict(name, psi, inside, previous))
            if 2.0 * (cost - self.cost) > self.threshold:
                cost, theta = self._confirm(name, psi, cost, theta, inside[2])
            rise = 2.0 * (cost - self.cost)
            if look_for_better and rise < -0.5 * self.threshold:
                return _Side(psi, "better", theta)
            if rise > self.threshold:
                return _Side(self._crossing(name, inside, (psi, rise)), "found", inside[2])
            self.pool.append((theta, rise))
            previous, inside = inside, (psi, rise, theta)
            if at_end:
                return _Side(end, end_kind, theta)
            # the next step aims past where a quadratic profile would cross the threshold
            growth = 1.2 * math.sqrt(self.threshold / max(rise, 1e-12 * self.threshold))
            step *= min(max(growth, 1.5), 4.0)

    def _coordinate(self, name, theta) -> float:
        index = self.specs[name][0]
        if index == "g_max":
            return math.log(theta[4] + math.exp(theta[5]))
        return float(theta[index])

    def _confirm(self, name, psi, cost, theta, warm):
        """A rise above the threshold, checked by refits from the last point under it, from
        the good fit (of any profile) closest to ``psi``, and from the last point with both
        rate constants ten times larger: a valley the first refit missed is found from there.

        The last start is there because of the model's own degeneracy: where the samples are
        far apart next to the relaxation times, faster rates fit as well, but the gradient
        towards them vanishes and a local refit does not move.
        """
        faster = warm.copy()
        faster[:2] += math.log(10.0)
        candidates = [warm, faster]
        if self.pool:
            gaps = [abs(self._coordinate(name, th) - psi) for th, _ in self.pool]
            candidates.append(self.pool[int(np.argmin(gaps))][0])
        for start in candidates:
            retry_cost, retry = self.refit(name, psi, start)
            if retry_cost < cost:
                cost, theta = retry_cost, retry
        return cost, theta

    def _predict(self, name, psi, inside, previous) -> np.ndarray:
        """Starting vector for the refit at ``psi``: along the secant through the last two
        points under the threshold, or along the fit's tangent from the estimate."""
        psi_b, _, theta_b = inside
        if previous is None:
            slope = self._tangent(name)
        else:
            psi_a, _, theta_a = previous
            slope = (theta_b - theta_a) / (psi_b - psi_a)
        start = theta_b + slope * (psi - psi_b)
        return np.clip(start, self.fitter.lower, self.fitter.upper)

    def _tangent(self, name) -> np.ndarray:
        """How the other entries of the best fit move per unit of ``psi`` (linearised)."""
        index = self.specs[name][0]
        J = self.jacobian.copy()
        k = J.shape[1]
        slope = np.zeros(k)
        if index == "g_max":  # g_min = g_max - span: hold the span, move g_max
            J[:, 5] -= math.exp(self.theta[5])
            free = [i for i in range(k) if i != 4]
            along = np.full(J.shape[0], math.exp(self.specs[name][1]))
        else:
            free = [i for i in range(k) if i != index]
            along = J[:, index]
            slope[index] = 1.0
        slope[free] = -np.linalg.lstsq(J[:, free], along, rcond=None)[0]
        return slope

    def _crossing(self, name, inside, outside) -> float:
        """Where the profile crosses the threshold between a point under it and one above.

        Regula falsi on ``sqrt(rise) - sqrt(threshold)`` (exact for a quadratic profile), in
        its Illinois form so that a profile that stays flat and then rises steeply (a
        positivity wall) does not pin the estimate to the flat side; it stops when the rise
        is within 20 % of the threshold or the bracket is a thousandth wide.
        """
        (p0, r0, warm), (p1, r1) = inside, outside
        target = math.sqrt(self.threshold)
        f0, f1 = math.sqrt(max(r0, 0.0)) - target, math.sqrt(r1) - target
        last = 0
        for _ in range(8):
            psi = p1 - f1 * (p1 - p0) / (f1 - f0)
            if abs(p1 - p0) <= 1e-3 * max(1.0, abs(p0)) or f1 < 0.1 * target:
                return psi
            cost, theta = self.refit(name, psi, warm)
            f = math.sqrt(max(2.0 * (cost - self.cost), 0.0)) - target
            if f > 0:
                p1, f1 = psi, f
                f0 = f0 / 2 if last == 1 else f0
                last = 1
            else:
                p0, f0, warm = psi, f, theta
                f1 = f1 / 2 if last == -1 else f1
                last = -1
            if abs(f) < 0.1 * target:
                break
        return p1 - f1 * (p1 - p0) / (f1 - f0)

    def trade_offs(self, name: str, theta: np.ndarray) -> list[str]:
        """Quantities that moved markedly (a factor 2, or a tenth of the data's range or of
        [0, 1]) between the fit and ``theta``, the far end of a flat profile."""
        moved = []
        for other, (index, *_) in self.specs.items():
            if other == name:
                continue
            if index == "g_max":
                delta, tol = (math.log(theta[4] + math.exp(theta[5]))
                              - math.log(self.theta[4] + math.exp(self.theta[5]))), math.log(2)
            else:
                delta = theta[index] - self.theta[index]
                tol = math.log(2) if index < 4 else 0.1
            if abs(delta) > tol:
                moved.append(other)
        return moved


def _describe(name: str, low: float, high: float, sides: tuple[_Side, _Side],
              moved: list[str]) -> str:
    """Why a quantity is not identifiable, in words."""
    lower, upper = sides
    if lower.kind == "bound" and upper.kind == "bound":
        text = "not identifiable: every value in [0, 1] fits as well"
    else:
        parts = [f">= {_fmt(low)}" if lower.kind != "limit" else "no lower limit",
                 f"<= {_fmt(high)}" if upper.kind != "limit" else "no upper limit"]
        text = f"not identifiable: {', '.join(parts)}"
        if name == "g_min" and upper.kind == "limit":
            text = f"not identifiable: >= {_fmt(low)}, no upper limit below the largest sample"
    if moved:
        text += f"; trades off with {', '.join(moved)}"
    return text


def _result(theta, cost: float, problem: _Problem, profiles: _Profiles, scale: float,
            level: float, n_starts: int) -> CalibrationResult:
    # in the data's units of range, where squares neither under- nor overflow
    resid = problem.model(theta)[0] - problem.g
    rmse = float(np.sqrt(np.mean(resid ** 2))) * scale
    r2 = float(1.0 - np.sum(resid ** 2) / np.sum((problem.g - problem.g.mean()) ** 2))
    intervals, identifiable, reasons = {}, {}, {}
    for name, sides in profiles.sides.items():
        index = profiles.specs[name][0]
        ends = []
        for side, unbounded in zip(sides, (0.0, math.inf), strict=True):
            if side.kind == "limit":
                ends.append(unbounded)
            elif index == "g_max":
                ends.append(math.exp(side.psi) * scale)
            elif index == 4:
                ends.append(float(side.psi) * scale)
            elif index < 4:
                ends.append(math.exp(side.psi))
            else:
                ends.append(min(max(float(side.psi), 0.0), 1.0))
        intervals[name] = (ends[0], ends[1])
        kinds = {side.kind for side in sides}
        identifiable[name] = "limit" not in kinds and "found" in kinds
        if not identifiable[name]:
            far = sides[1] if sides[1].kind != "found" else sides[0]
            reasons[name] = _describe(name, ends[0], ends[1], sides,
                                      profiles.trade_offs(name, far.theta))
    g_min = float(theta[4] * scale)
    span = float(math.exp(theta[5]) * scale)
    params = NanowireParams(*(math.exp(theta[i]) for i in range(4)))
    return CalibrationResult(params=params, g_min=g_min, g_max=g_min + span,
                             h0=tuple(float(x) for x in theta[6:]), r2=r2, rmse=rmse,
                             intervals=intervals, level=level, n_samples=int(problem.n),
                             cost=float(cost), n_starts=n_starts, identifiable=identifiable,
                             identifiability=reasons)


def _text_lines(path: Path):
    """Decoded lines of a text file (a UTF-8 byte-order mark is dropped), with CalibrationErrors
    for binary content, other encodings and over-long lines."""
    try:
        fh = open(path, "rb")
    except OSError as err:
        raise CalibrationError(f"{path}: cannot be read: {err.strerror or err}") from None
    with fh:
        number = 0
        while True:
            raw = fh.readline(_MAX_LINE + 1)
            if not raw:
                return
            number += 1
            if len(raw) > _MAX_LINE:
                raise CalibrationError(
                    f"{path}, line {number}: longer than {_MAX_LINE // 1024} KiB; a trace has "
                    "short lines of numbers: is this the right file?")
            if b"\0" in raw:
                raise CalibrationError(
                    f"{path}, line {number}: cannot be read: binary data (NUL bytes), not "
                    "CSV/TSV text; export the trace as text (UTF-16 text: save it as UTF-8)")
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise CalibrationError(
                    f"{path}, line {number}: cannot be read: not UTF-8 text (byte "
                    f"0x{raw[err.start]:02x} at column {err.start + 1}); save the file as "
                    "UTF-8 (Latin-1 'µ' or '°' in a header is a common cause)") from None


def read_trace(
    path: str | Path, time_column: str | int = "time", voltage_column: str | int = "voltage",
    conductance_column: str | int = "conductance", delimiter: str | None = None, *,
    current_column: str | int | None = None, max_samples: int | None = DEFAULT_MAX_SAMPLES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a trace from a CSV/TSV file with a header row (or columns given by position).

    Parameters
    ----------
    path : str or Path
        The file: UTF-8 text (a byte-order mark is accepted).
    time_column, voltage_column, conductance_column : str or int
        Column names in the header row, or positions (0-based). With positions only, a first
        row that is not numeric is taken as a header and skipped.
    delimiter : str, optional
        Field separator; default: a tab for ``.tsv``/``.txt``/``.tab`` files, else a comma.
    current_column : str or int, optional
        Read the current from this column instead of a conductance, and return
        ``current / voltage`` as the conductance (``conductance_column`` is then unused).
    max_samples : int or None, default=DEFAULT_MAX_SAMPLES (100,000)
        Refuse a file with more data rows than this (it is not read further); ``None``: no
        limit.

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
        If the file cannot be opened, is binary, is not UTF-8, has a line over 128 KiB, is
        empty, has more than ``max_samples`` rows, lacks a named column, has a value that is
        not a number (the message names the line), or, with ``current_column``, a zero voltage.
    InvalidArgumentError
        If ``max_samples`` is not a positive integer or ``None`` (also a ``ValueError``).

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.calibration import read_trace
    >>> _ = Path("trace.csv").write_text("time,voltage,conductance\\n0,0,1e-3\\n1,1,2e-3\\n")
    >>> read_trace("trace.csv")
    (array([0., 1.]), array([0., 1.]), array([0.001, 0.002]))

    A measured file with time, current and voltage columns and no header:

    >>> _ = Path("iv.txt").write_text("0.0\\t2e-3\\t1.0\\n0.1\\t3e-3\\t1.0\\n0.2\\t1e-5\\t0.01\\n")
    >>> read_trace("iv.txt", 0, 2, current_column=1)[2]
    array([0.002, 0.003, 0.001])
    """
    path = Path(path)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".txt", ".tab") else ","
    _check_max_samples(max_samples)
    rows = []
    try:
        reader = csv.reader(_text_lines(path), delimiter=delimiter)
        for row in reader:
            if row and any(c.strip() for c in row):
                rows.append((reader.line_num, row))
            if max_samples is not None and len(rows) > max_samples + 1:
                break  # more rows than allowed even with a header: read no further
    except csv.Error as err:
        hint = " (an unclosed quote, or not a trace?)" if "field limit" in str(err) else ""
        raise CalibrationError(
            f"{path}, line {reader.line_num}: cannot be read: {err}{hint}") from None
    if not rows:
        raise CalibrationError(f"{path} is empty")
    wanted = (time_column, voltage_column,
              conductance_column if current_column is None else current_column)
    labels = ("time", "voltage", "conductance" if current_column is None else "current")
    if all(isinstance(c, int) for c in wanted):
        try:
            [float(x) for x in rows[0][1]]
            body = rows
        except ValueError:
            body = rows[1:]
        index = list(wanted)
    else:
        header = [h.strip() for h in rows[0][1]]
        body = rows[1:]
        index = []
        for c in wanted:
            if isinstance(c, int):
                index.append(c)
            elif c in header:
                index.append(header.index(c))
            else:
                raise CalibrationError(f"{path} has no column {c!r}; its columns are {header}")
    if max_samples is not None and len(body) > max_samples:
        raise _too_many(None, max_samples, str(path))
    out = np.empty((len(body), 3))
    for r, (line, row) in enumerate(body):
        for j, c in enumerate(index):
            try:
                out[r, j] = float(row[c])
            except (ValueError, IndexError):
                raise CalibrationError(
                    f"{path}, line {line}: cannot read a number in column {wanted[j]!r} "
                    f"({labels[j]}) from {row!r}") from None
    if current_column is not None:
        zero = out[:, 1] == 0
        if zero.any():
            line = body[int(np.argmax(zero))][0]
            raise CalibrationError(
                f"{path}, line {line}: the voltage is 0, where conductance = current / voltage "
                "is undefined; drop those samples or give a conductance column")
        out[:, 2] = out[:, 2] / out[:, 1]
    return out[:, 0], out[:, 1], out[:, 2]
