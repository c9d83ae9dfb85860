"""The memristive nanowire neuron: physical constants, rates, fixed point and the state update.

This module owns the model of docs/theory.md ("The neuron") for one neuron (or many uncoupled ones,
by NumPy broadcasting): ``dh/dt = k_p(V) (1 - h) - k_d(V) h``, discretised by forward Euler
(``method="euler"``, the paper's) or solved exactly for an input held over the step
(``method="exact"``). Everything downstream is checked against the plain formulas written here.

Every public function here checks its voltages and raises :class:`VoltageOverflowError` (a
``ValueError`` naming the voltage and a smaller input scaling) where ``exp(eta_p v)`` or
``exp(-eta_d v)`` would overflow, instead of returning non-finite numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from .exceptions import InvalidInputError, InvalidParameterError, VoltageOverflowError

__all__ = [
    "METHODS",
    "NEURON",
    "NanowireParams",
    "NeuronDefaults",
    "VoltageOverflowError",
    "fixed_point",
    "rates",
    "simulate",
    "step",
    "total_rate",
]

METHODS = ("euler", "exact")

# exp(709.78) is the largest finite float64; stay a little below it.
_LOG_MAX = {np.dtype(np.float64): 709.0, np.dtype(np.float32): 88.0}


@dataclass(frozen=True)
class NeuronDefaults:
    """The nanowire neuron's hyper-parameter defaults, in one table.

    Every reservoir, kernel, bound and cell that takes one of these takes its default from
    :data:`NEURON`; estimators whose defaults were chosen for a task (the multi-scale reservoir,
    the trainable classifier) say so where they differ.

    Parameters
    ----------
    dt : float, default=0.1
        Time step of the update.
    method : {"euler", "exact"}, default="euler"
        Update rule (docs/theory.md, "The neuron").
    input_scaling, input_scaling_spread : float, default=0.8, 0.3
        Each neuron's input scale ``omega_n`` is drawn from ``[input_scaling -
        input_scaling_spread, input_scaling + input_scaling_spread]``.
    retention : float, default=1.0
        State retention ``gamma`` of a coupled neuron, in (0, 1].
    v_min, v_max, gain : float, default=0.0, 1.0, 1.0
        The sigmoid voltage map of a coupled neuron: ``v = v_min + (v_max - v_min)
        sigmoid(gain a)``.

    Examples
    --------
    >>> from nanowire_rc.physics import NEURON
    >>> NEURON.dt, NEURON.method, NEURON.input_scaling
    (0.1, 'euler', 0.8)
    """

    dt: float = 0.1
    method: str = "euler"
    input_scaling: float = 0.8
    input_scaling_spread: float = 0.3
    retention: float = 1.0
    v_min: float = 0.0
    v_max: float = 1.0
    gain: float = 1.0


#: The neuron's defaults (:class:`NeuronDefaults`).
NEURON = NeuronDefaults()


@dataclass(frozen=True)
class NanowireParams:
    """Physical constants of the nanowire memristor (defaults: the paper's Table 2).

    Parameters
    ----------
    kappa_p0, kappa_d0 : float
        Potentiation and depression rates at zero voltage (> 0).
    eta_p, eta_d : float
        Voltage sensitivities of potentiation and depression (> 0).

    Raises
    ------
    TypeError
        If a constant is not a real number.
    ValueError
        If a constant is not finite and positive.

    Examples
    --------
    >>> from nanowire_rc import NanowireParams
    >>> p = NanowireParams()
    >>> p
    NanowireParams(kappa_p0=0.0001, kappa_d0=0.5, eta_p=10.0, eta_d=1.0)
    >>> round(p.v_star, 4)  # where the total rate S(v) is smallest
    0.565
    >>> NanowireParams(eta_p=12.0).integer_ratio
    12
    """

    kappa_p0: float = 1e-4
    kappa_d0: float = 0.5
    eta_p: float = 10.0
    eta_d: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise InvalidParameterError(
                    f"NanowireParams.{f.name} must be a real number, got {value!r}")
            if not math.isfinite(value) or value <= 0:
                raise InvalidParameterError(
                    f"NanowireParams.{f.name} must be finite and > 0, got {value!r}"
                )
            object.__setattr__(self, f.name, float(value))

    @property
    def v_star(self) -> float:
        """Voltage at which the total rate ``S(v) = k_p + k_d`` is smallest (S is convex)."""
        return math.log(self.kappa_d0 * self.eta_d / (self.kappa_p0 * self.eta_p)) / (
            self.eta_p + self.eta_d
        )

    @property
    def integer_ratio(self) -> int | None:
        """``eta_p / eta_d`` when it is a small positive integer, else ``None``.

        The compiled kernels then get ``k_p`` from ``k_d``'s exponential by integer powers,
        one ``exp`` per update instead of two.
        """
        r = self.eta_p / self.eta_d
        n = round(r)
        return int(n) if 1 <= n <= 64 and abs(r - n) <= 1e-12 * r else None


def _as_params(params: NanowireParams | None) -> NanowireParams:
    if params is None:
        return NanowireParams()
    if not isinstance(params, NanowireParams):
        raise InvalidParameterError(f"params must be a NanowireParams, got {type(params).__name__}")
    return params


def _check_voltages(v_lo: float, v_hi: float, params: NanowireParams | None = None,
                    dtype=np.float64) -> None:
    """Raise :class:`VoltageOverflowError` if a voltage in ``[v_lo, v_hi]`` is not finite or
    overflows a rate (``exp(eta_p v_hi)`` or ``exp(-eta_d v_lo)``) in ``dtype``; the message names
    the voltage and what to change.
    """
    p = _as_params(params)
    limit = _LOG_MAX[np.dtype(dtype)]
    for v in (v_lo, v_hi):
        if not math.isfinite(v):
            raise VoltageOverflowError(f"voltage {v!r} is not finite")
    if p.eta_p * v_hi > limit:
        raise VoltageOverflowError(
            f"voltage {v_hi:.6g} overflows k_p = kappa_p0*exp(eta_p*v) in {np.dtype(dtype)} "
            f"(eta_p*v = {p.eta_p * v_hi:.6g} > {limit:g}); use a smaller input scaling (omega) "
            f"or scale the input to a smaller range"
        )
    if -p.eta_d * v_lo > limit:
        raise VoltageOverflowError(
            f"voltage {v_lo:.6g} overflows k_d = kappa_d0*exp(-eta_d*v) in {np.dtype(dtype)} "
            f"(-eta_d*v = {-p.eta_d * v_lo:.6g} > {limit:g}); use a smaller input scaling "
            f"(omega) or scale the input to a smaller range"
        )


def _voltages(v: ArrayLike, params: NanowireParams) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.size:
        if not np.all(np.isfinite(v)):
            raise InvalidInputError("voltages contain NaN or inf")
        _check_voltages(float(v.min()), float(v.max()), params)
    return v


def rates(v: ArrayLike, params: NanowireParams | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Potentiation and depression rates ``(k_p(v), k_d(v))``, element-wise over ``v``.

    ``k_p = kappa_p0 exp(eta_p v)`` and ``k_d = kappa_d0 exp(-eta_d v)``.

    Parameters
    ----------
    v : array_like
        Voltages (any shape).
    params : NanowireParams, optional
        Physical constants (default: Table 2).

    Returns
    -------
    k_p : ndarray
        Potentiation rates, shaped like ``v``.
    k_d : ndarray
        Depression rates, shaped like ``v``.

    Raises
    ------
    ValueError
        If ``v`` contains NaN or inf.
    VoltageOverflowError
        If a voltage is so large that a rate would overflow float64.

    Examples
    --------
    >>> from nanowire_rc.physics import rates
    >>> k_p, k_d = rates([0.0, 1.0])
    >>> k_d.round(4)
    array([0.5   , 0.1839])
    >>> bool(k_p[1] > k_d[1])  # potentiation dominates at 1 V
    True
    """
    p = _as_params(params)
    v = _voltages(v, p)
    return p.kappa_p0 * np.exp(p.eta_p * v), p.kappa_d0 * np.exp(-p.eta_d * v)


def total_rate(v: ArrayLike, params: NanowireParams | None = None) -> np.ndarray:
    """``S(v) = k_p(v) + k_d(v)``: the decay rate of the state towards its fixed point.

    Parameters
    ----------
    v, params : array_like, NanowireParams or None
        As for :func:`rates`.

    Returns
    -------
    ndarray
        ``S(v)``, shaped like ``v``. It is convex in ``v``, smallest at ``params.v_star``.

    Raises
    ------
    ValueError
        As :func:`rates`.

    Examples
    --------
    >>> from nanowire_rc.physics import total_rate
    >>> total_rate([0.0, 1.0]).round(4)  # dt = 0.1: |1 - 0.1 S| <= 0.96874 on [0, 1]
    array([0.5001, 2.3866])
    """
    k_p, k_d = rates(v, params)
    return k_p + k_d


def fixed_point(v: ArrayLike, params: NanowireParams | None = None) -> np.ndarray:
    """Equilibrium state ``h* = k_p / (k_p + k_d)`` for a constant voltage ``v``.

    Written as a logistic function of ``v`` so that it never divides overflowing rates:
    ``h* = sigmoid((eta_p + eta_d) v - ln(kappa_d0 / kappa_p0))``.

    Parameters
    ----------
    v : array_like
        Constant voltages (any shape).
    params : NanowireParams, optional
        Physical constants (default: Table 2).

    Returns
    -------
    ndarray
        The fixed point ``h*`` in (0, 1), shaped like ``v``.

    Raises
    ------
    ValueError
        If ``v`` is not finite or overflows a rate (as for :func:`rates`).

    Examples
    --------
    >>> from nanowire_rc.physics import fixed_point
    >>> fixed_point([0.0, 0.5, 1.0]).round(4)
    array([2.000e-04, 4.670e-02, 9.229e-01])
    """
    p = _as_params(params)
    v = _voltages(v, p)
    return expit((p.eta_p + p.eta_d) * v - math.log(p.kappa_d0 / p.kappa_p0))


def _check_dt(dt: float) -> float:
    if isinstance(dt, bool) or not np.isscalar(dt) or not np.isreal(dt):
        raise InvalidParameterError(f"dt must be a real scalar, got {dt!r}")
    dt = float(dt)
    if not math.isfinite(dt) or dt <= 0:
        raise InvalidParameterError(f"dt must be finite and > 0, got {dt!r}")
    return dt


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {METHODS}, got {method!r}")
    return method


def step(h: ArrayLike, v: ArrayLike, dt: float, params: NanowireParams | None = None,
         method: str = NEURON.method) -> np.ndarray:
    """One update of the state ``h`` under voltage ``v`` (broadcast together).

    ``euler``: ``h + dt (k_p - S h)`` (the paper's neuron). ``exact``: ``h* + (h - h*) exp(-dt S)``,
    the ODE's solution for ``v`` held constant over the step.

    Parameters
    ----------
    h : array_like
        States before the step, in [0, 1].
    v : array_like
        Voltages applied during the step; broadcast with ``h``.
    dt : float
        Time step (> 0).
    params : NanowireParams, optional
        Physical constants (default: Table 2).
    method : {"euler", "exact"}, default "euler"
        Update rule.

    Returns
    -------
    ndarray
        States after the step, of the broadcast shape of ``h`` and ``v``.

    Raises
    ------
    TypeError
        If ``dt`` is not a real scalar.
    ValueError
        If ``dt`` is not finite and positive, ``method`` is unknown or ``v`` is not finite.
    VoltageOverflowError
        If a voltage is so large that a rate would overflow float64.

    Examples
    --------
    >>> from nanowire_rc.physics import step
    >>> round(float(step(0.0, 1.0, dt=0.1)), 4)
    0.2203
    >>> round(float(step(0.0, 1.0, dt=0.1, method="exact")), 4)
    0.196
    """
    p = _as_params(params)
    dt = _check_dt(dt)
    _check_method(method)
    return _update(np.asarray(h, dtype=np.float64), *_coefficients(v, dt, p, method))


def _coefficients(v: ArrayLike, dt: float, p: NanowireParams,
                  method: str) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` of the affine update ``h -> a h + b`` for voltages ``v``."""
    k_p, k_d = rates(v, p)
    s = k_p + k_d
    if method == "euler":
        return 1.0 - dt * s, dt * k_p
    decay = np.exp(-dt * s)
    return decay, fixed_point(v, p) * (1.0 - decay)


def _update(h: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * h + b


def simulate(x: ArrayLike, dt: float, omega: ArrayLike = 1.0, params: NanowireParams | None = None,
             h0: ArrayLike = 0.0, method: str = NEURON.method) -> np.ndarray:
    """Drive uncoupled neurons with one input series and return the state trajectory.

    Parameters
    ----------
    x : array of shape (T,)
        Input series. Neuron ``n`` receives voltage ``v_n(t) = omega_n * x[t]``.
    dt : float
        Time step (> 0).
    omega : float or array of shape (N,)
        Input scaling, one per neuron.
    params : NanowireParams, optional
        Physical constants (default: Table 2).
    h0 : float or array of shape (N,)
        State before ``x[0]`` is consumed.
    method : {"euler", "exact"}
        Update rule (see :func:`step`).

    Returns
    -------
    ndarray
        The states, of shape (T,) for a scalar ``omega`` and (T, N) for an array ``omega``:
        ``h[t]`` is the state after consuming ``x[t]``.

    Raises
    ------
    TypeError
        If ``dt`` is not a real scalar.
    ValueError
        If ``x`` is not one finite series, ``omega`` or ``h0`` is not finite or of the wrong
        shape, or ``dt`` or ``method`` is invalid.
    VoltageOverflowError
        If ``omega * x`` holds a voltage so large that a rate would overflow float64.

    Examples
    --------
    A pulse of ten steps, then relaxation:

    >>> import numpy as np
    >>> from nanowire_rc import simulate
    >>> x = np.zeros(60)
    >>> x[10:20] = 1.0
    >>> h = simulate(x, dt=0.1)
    >>> round(float(h[19]), 4), round(float(h[-1]), 4)  # end of the pulse, 40 steps later
    (0.8625, 0.111)
    >>> simulate(x, dt=0.1, omega=[0.5, 1.0]).shape  # two neurons
    (60, 2)
    """
    p = _as_params(params)
    dt = _check_dt(dt)
    _check_method(method)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise InvalidInputError(f"x must be one series of shape (T,), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InvalidInputError("x contains NaN or inf")
    omega = np.asarray(omega, dtype=np.float64)
    if omega.ndim > 1:
        raise InvalidParameterError(
            f"omega must be a scalar or of shape (N,), got shape {omega.shape}")
    if not np.all(np.isfinite(omega)):
        raise InvalidParameterError("omega contains NaN or inf")
    h = np.broadcast_to(np.asarray(h0, dtype=np.float64), omega.shape).copy()
    if not np.all(np.isfinite(h)):
        raise InvalidParameterError("h0 contains NaN or inf")
    a, b = _coefficients(np.multiply.outer(x, omega), dt, p, method)  # (T,) or (T, N)
    out = np.empty(a.shape)
    for t in range(x.shape[0]):
        h = _update(h, a[t], b[t])
        out[t] = h
    return out
