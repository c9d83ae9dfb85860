"""Stability theory: memory factors, contraction bounds and certificates, echo-state checks.

The paper's Theorem 3.1 and its closed form over an input interval (docs/theory.md, "Memory
factor"), the coupled networks' Jacobian bounds and the weighted certificate (docs/theory.md,
"Coupled networks"): model selection prunes unstable configurations with them before
simulating anything. For ``method="exact"`` the per-step factor is ``exp(-dt S(v))`` (< 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.special import expit

from .exceptions import InvalidInputError, InvalidParameterError
from .physics import (
    NEURON,
    NanowireParams,
    _as_params,
    _check_method,
    _check_voltages,
    simulate,
    total_rate,
)

if TYPE_CHECKING:  # a type only: the bounds read a device's constants through .params(n)
    from .device import DeviceConstants

__all__ = [
    "coupled_contraction_bound",
    "coupled_contraction_terms",
    "coupled_voltage_range",
    "device_contraction_bound",
    "device_contraction_terms",
    "echo_state_gap",
    "input_voltage_range",
    "is_stable",
    "memory_factor",
    "memory_factor_box",
    "memory_factor_range",
    "memory_factor_voltage",
    "weighted_contraction_bound",
]


def _positive(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InvalidParameterError(f"{name} must be finite and > 0, got {value!r}")
    return arr


def _factor(dt: np.ndarray, s: np.ndarray, method: str) -> np.ndarray:
    if method == "euler":
        return np.abs(1.0 - dt * s)
    return np.exp(-dt * s)


def memory_factor(x: ArrayLike, dt: float, omega: ArrayLike = 1.0,
                  params: NanowireParams | None = None, method: str = NEURON.method) -> float:
    """Memory factor of a signal: ``sup_t |1 - dt S(omega x(t))|`` (max over neurons too).

    Parameters
    ----------
    x : array of shape (T,)
        The input signal.
    dt : float
        Time step.
    omega : float or array of shape (N,)
        Input scaling(s); for an array the result is the largest factor over neurons.
    params : NanowireParams, optional
        Physical constants (default: Table 2).
    method : {"euler", "exact"}
        ``exact`` returns ``sup_t exp(-dt S)``, the contraction of the exact integrator.

    Returns
    -------
    float
        The memory factor ``rho``; below 1 the echo-state property holds for this signal.

    Raises
    ------
    ValueError
        If ``x`` is empty, not one series or not finite, ``dt`` is not positive or ``method`` is
        unknown.
    VoltageOverflowError
        If ``omega * x`` holds a voltage so large that a rate would overflow float64.

    See Also
    --------
    memory_factor_range : The same bound for every signal with values in an interval.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import memory_factor
    >>> x = np.linspace(0.0, 1.0, 50)
    >>> round(memory_factor(x, dt=0.1), 5)
    0.96873
    >>> round(memory_factor(x, dt=0.1, method="exact"), 5)
    0.96922
    """
    p = _as_params(params)
    _check_method(method)
    dt = _positive("dt", dt)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise InvalidInputError(f"x must be a non-empty series of shape (T,), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InvalidInputError("x contains NaN or inf")
    v = np.multiply.outer(x, np.asarray(omega, dtype=np.float64))
    return float(np.max(_factor(dt, total_rate(v, p), method)))


def memory_factor_voltage(v_lo: ArrayLike, v_hi: ArrayLike, dt: ArrayLike,
                          params: NanowireParams | None = None,
                          method: str = NEURON.method) -> np.ndarray | float:
    """Closed-form memory factor for voltages anywhere in ``[v_lo, v_hi]`` (broadcasting).

    ``S`` is convex with minimum at ``v*``, so ``S_max = max(S(v_lo), S(v_hi))``,
    ``S_min = S(clip(v*, v_lo, v_hi))`` and ``rho = max(|1 - dt S_max|, |1 - dt S_min|)``.

    Parameters
    ----------
    v_lo, v_hi : array_like
        Ends of the voltage interval (broadcast together, ``v_lo <= v_hi``).
    dt : array_like
        Time step(s) (> 0); broadcast with the voltages.
    params : NanowireParams, optional
        Physical constants (default: Table 2).
    method : {"euler", "exact"}, default "euler"
        ``exact`` returns ``exp(-dt S_min)``, the exact integrator's contraction.

    Returns
    -------
    float or ndarray
        The memory factor, a float for scalar arguments, else of the broadcast shape.

    Raises
    ------
    ValueError
        If ``v_lo > v_hi`` somewhere, ``dt`` is not positive or ``method`` is unknown.
    VoltageOverflowError
        If a voltage is so large that a rate would overflow float64.

    Examples
    --------
    >>> from nanowire_rc.stability import memory_factor_voltage
    >>> round(memory_factor_voltage(0.0, 1.0, dt=0.1), 5)
    0.96874
    >>> memory_factor_voltage(0.0, 1.0, dt=[0.1, 0.5]).round(5)
    array([0.96874, 0.8437 ])
    """
    p = _as_params(params)
    _check_method(method)
    dt = _positive("dt", dt)
    v_lo, v_hi = np.broadcast_arrays(
        np.asarray(v_lo, dtype=np.float64), np.asarray(v_hi, dtype=np.float64)
    )
    if np.any(v_lo > v_hi):
        raise InvalidParameterError("v_lo must be <= v_hi")
    if v_lo.size:
        _check_voltages(float(v_lo.min()), float(v_hi.max()), p)
    s_max = np.maximum(total_rate(v_lo, p), total_rate(v_hi, p))
    s_min = total_rate(np.clip(p.v_star, v_lo, v_hi), p)
    if method == "exact":
        rho = np.exp(-dt * s_min)
    else:
        rho = np.maximum(np.abs(1.0 - dt * s_max), np.abs(1.0 - dt * s_min))
    return float(rho) if np.ndim(rho) == 0 else rho


def memory_factor_range(x_lo: float, x_hi: float, dt: ArrayLike, omega: ArrayLike = 1.0,
                        params: NanowireParams | None = None,
                        method: str = NEURON.method) -> np.ndarray | float:
    """Closed-form memory factor for inputs in ``[x_lo, x_hi]`` scaled by ``omega``.

    Broadcasts over ``dt`` and ``omega`` (e.g. ``dt[:, None]`` and ``omega[None, :]`` give a whole
    heatmap in one call). Example (Table 2): ``dt=0.1, omega=1, x in [0, 1]`` gives 0.96874.

    Parameters
    ----------
    x_lo, x_hi : float
        Range of the (unscaled) input, ``x_lo <= x_hi``.
    dt : array_like
        Time step(s) (> 0).
    omega : array_like, default 1.0
        Input scaling(s); broadcast with ``dt``.
    params, method : NanowireParams or None, str
        As for :func:`memory_factor_voltage`.

    Returns
    -------
    float or ndarray
        The memory factor, a float for scalar ``dt`` and ``omega``, else of their broadcast
        shape.

    Raises
    ------
    ValueError
        If ``omega`` is not finite, the input range is empty or not finite, ``dt`` is not
        positive or ``method`` is unknown.

    See Also
    --------
    is_stable : Whether that memory factor is below 1.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import memory_factor_range
    >>> round(memory_factor_range(0.0, 1.0, dt=0.1, omega=1.0), 5)
    0.96874
    >>> dts, omegas = np.array([0.1, 0.5]), np.array([0.5, 1.0, 1.5])
    >>> memory_factor_range(0.0, 1.0, dts[:, None], omegas[None, :]).round(3)
    array([[  0.968,   0.969,  31.701],
           [  0.841,   0.844, 162.507]])
    """
    omega = np.asarray(omega, dtype=np.float64)
    if not np.all(np.isfinite(omega)):
        raise InvalidParameterError("omega contains NaN or inf")
    return memory_factor_box(x_lo, x_hi, omega, omega, dt, params, method)


def memory_factor_box(x_lo: float, x_hi: float, omega_lo: ArrayLike, omega_hi: ArrayLike,
                      dt: ArrayLike, params: NanowireParams | None = None,
                      method: str = NEURON.method) -> np.ndarray | float:
    """Memory factor of an assembly whose scalings lie in ``[omega_lo, omega_hi]`` (broadcasting).

    The voltages ``omega * x`` then fill the interval spanned by the four corner products; this
    is the bound model selection prunes with before drawing any neuron (Table 3 with Table 2
    constants and inputs in [0, 1]: 140 of 490 configurations have ``rho < 1``).

    Parameters
    ----------
    x_lo, x_hi : float
        Range of the (unscaled) input, ``x_lo <= x_hi``.
    omega_lo, omega_hi : array_like
        Range of the input scalings (broadcast together, ``omega_lo <= omega_hi``).
    dt : array_like
        Time step(s) (> 0); broadcast with the scalings.
    params, method : NanowireParams or None, str
        As for :func:`memory_factor_voltage`.

    Returns
    -------
    float or ndarray
        The memory factor, as :func:`memory_factor_voltage` returns it.

    Raises
    ------
    ValueError
        If the input range or the scaling range is empty or not finite, ``dt`` is not positive
        or ``method`` is unknown.

    Examples
    --------
    Scalings drawn from 0.8 ± 0.1 (a configuration of the Table 3 grid):

    >>> from nanowire_rc.stability import memory_factor_box
    >>> round(memory_factor_box(0.0, 1.0, 0.7, 0.9, dt=0.1), 5)
    0.96874
    >>> memory_factor_box(0.0, 1.0, 0.7, 1.3, dt=0.1) < 1
    False
    """
    x_lo, x_hi = float(x_lo), float(x_hi)
    if not (np.isfinite(x_lo) and np.isfinite(x_hi)) or x_lo > x_hi:
        raise InvalidParameterError(f"need finite x_lo <= x_hi, got [{x_lo}, {x_hi}]")
    o_lo, o_hi = np.asarray(omega_lo, dtype=np.float64), np.asarray(omega_hi, dtype=np.float64)
    if np.any(o_lo > o_hi) or not (np.all(np.isfinite(o_lo)) and np.all(np.isfinite(o_hi))):
        raise InvalidParameterError("need finite omega_lo <= omega_hi")
    corners = np.stack(np.broadcast_arrays(o_lo * x_lo, o_lo * x_hi, o_hi * x_lo, o_hi * x_hi))
    return memory_factor_voltage(corners.min(axis=0), corners.max(axis=0), dt, params, method)


def is_stable(x_lo: float, x_hi: float, dt: ArrayLike, omega: ArrayLike = 1.0,
              params: NanowireParams | None = None,
              method: str = NEURON.method) -> np.ndarray | bool:
    """``memory_factor_range(...) < 1``: the echo-state guarantee holds on that input range.

    Parameters
    ----------
    x_lo, x_hi : float
        Range of the (unscaled) input, ``x_lo <= x_hi``.
    dt, omega : array_like
        Time step(s) (> 0) and input scaling(s) (default 1.0), broadcast together.
    params, method : NanowireParams or None, str
        As for :func:`memory_factor_voltage`.

    Returns
    -------
    bool or ndarray of bool
        A bool for scalar ``dt`` and ``omega``, else an array of their broadcast shape.

    Examples
    --------
    >>> from nanowire_rc import is_stable
    >>> is_stable(0.0, 1.0, dt=0.1)
    True
    >>> is_stable(0.0, 1.0, dt=[0.1, 1.0], omega=1.0)
    array([ True, False])
    """
    rho = memory_factor_range(x_lo, x_hi, dt, omega, params, method)
    return bool(rho < 1.0) if np.ndim(rho) == 0 else rho < 1.0


def echo_state_gap(x: ArrayLike, dt: float, omega: ArrayLike = 1.0,
                   params: NanowireParams | None = None, method: str = NEURON.method,
                   h0: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Empirical echo-state check: ``|h(t) - h'(t)|`` for two initial states and the same input.

    With memory factor ``rho < 1`` the gap is bounded by ``rho**(t+1) * |h0 - h0'|``; a gap that
    does not shrink reveals a lack of echo states.

    Parameters
    ----------
    x : array_like of shape (T,)
        The input series.
    dt : float
        Time step (> 0).
    omega : float or array_like of shape (N,), default 1.0
        Input scaling(s), one per neuron.
    params : NanowireParams, optional
        Physical constants (default: Table 2).
    method : {"euler", "exact"}, default "euler"
        Update rule.
    h0 : tuple of two floats, default (0.0, 1.0)
        The two initial states.

    Returns
    -------
    ndarray of shape (T,)
        The gap after each step, the largest over neurons.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.stability import echo_state_gap
    >>> gap = echo_state_gap(np.full(50, 0.5), dt=0.1)
    >>> gap[[0, 9, 49]].round(4)
    array([0.9682, 0.7238, 0.1986])
    """
    a = simulate(x, dt, omega, params, h0=h0[0], method=method)
    b = simulate(x, dt, omega, params, h0=h0[1], method=method)
    gap = np.abs(a - b)
    return gap if gap.ndim == 1 else gap.max(axis=1)


def coupled_contraction_bound(
    v_lo: ArrayLike, v_hi: ArrayLike, dt: float, row_abs_sum: ArrayLike, gain_max: ArrayLike,
    retention: float = NEURON.retention, params: NanowireParams | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-neuron bound on the Jacobian row sums of a coupled nanowire network, and invariance.

    ``bound[n] = a_n + c_n sum_j |W_nj|`` (:func:`coupled_contraction_terms`; the derivation is
    in docs/theory.md, "Coupled networks"). ``invariant[n]``: ``0 < gamma <= 1`` and
    ``dt S <= gamma`` on the interval, which keeps ``h_n`` in [0, 1] (the bound's premise).
    Where every neuron is invariant, ``max(bound) < 1`` makes the state map a contraction in the
    max-norm, whatever the input (echo-state property).

    Parameters
    ----------
    v_lo, v_hi : array_like of shape (N,)
        Per-neuron voltage interval (see :func:`coupled_voltage_range`).
    dt : float or array_like of shape (N,)
        Time step (> 0), or each neuron's own.
    row_abs_sum : array_like of shape (N,)
        ``sum_j |W_nj|``, the absolute row sums of the recurrent matrix.
    gain_max : array_like of shape (N,)
        Upper bound on the slope ``g'`` of the voltage map over the interval.
    retention : float, default 1.0
        Retention factor ``gamma`` in (0, 1].
    params : NanowireParams, optional
        Physical constants (default: Table 2).

    Returns
    -------
    bound : ndarray of shape (N,)
        The bound on each Jacobian row sum.
    invariant : ndarray of bool, shape (N,)
        Whether ``[0, 1]`` is invariant for that neuron (the bound's premise).

    Raises
    ------
    ValueError
        As :func:`coupled_contraction_terms` (it computes both terms).

    Examples
    --------
    >>> from nanowire_rc.stability import coupled_contraction_bound
    >>> bound, invariant = coupled_contraction_bound(
    ...     [0.0, 0.2], [0.8, 0.8], dt=0.05, row_abs_sum=[0.5, 0.2], gain_max=1.0,
    ...     retention=0.9)
    >>> bound.round(4), invariant
    (array([0.9589, 0.9142]), array([ True,  True]))
    """
    diagonal, coupling_gain, invariant = coupled_contraction_terms(v_lo, v_hi, dt, gain_max,
                                                                   retention, params)
    return diagonal + coupling_gain * np.asarray(row_abs_sum, float), invariant


def coupled_contraction_terms(
    v_lo: ArrayLike, v_hi: ArrayLike, dt: ArrayLike, gain_max: ArrayLike,
    retention: float = NEURON.retention, params: NanowireParams | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two terms of each Jacobian row bound of a coupled network, and invariance.

    Row ``n`` of the Jacobian is bounded entrywise by ``M_nj = a_n delta_nj + c_n |W_nj|``:
    ``a_n`` bounds ``|gamma - dt S(v_n)|`` over the voltage interval and ``c_n = dt sup|k_p' -
    S' h| sup g'`` the coupling through ``W`` (docs/theory.md, "A tighter certificate").

    Parameters
    ----------
    v_lo, v_hi, dt, gain_max : array_like
        Voltage interval, time step(s) and slope bound of each neuron, as for
        :func:`coupled_contraction_bound`.
    retention : float, default 1.0
        ``gamma`` in (0, 1].
    params : NanowireParams, optional
        Physical constants (default: Table 2).

    Returns
    -------
    diagonal : ndarray of shape (N,)
        ``a_n``.
    coupling_gain : ndarray of shape (N,)
        ``c_n``.
    invariant : ndarray of bool, shape (N,)
        Whether ``[0, 1]`` is invariant for that neuron (the premise of both bounds).

    Raises
    ------
    ValueError
        If ``v_lo > v_hi`` somewhere, ``dt`` is not positive or ``retention`` is outside (0, 1].
    VoltageOverflowError
        If a voltage is so large that a rate would overflow float64.

    Examples
    --------
    >>> from nanowire_rc.stability import coupled_contraction_terms
    >>> a, c, invariant = coupled_contraction_terms([0.0, 0.2], [0.8, 0.8], dt=0.05,
    ...                                             gain_max=1.0, retention=0.9)
    >>> a.round(4), c.round(4), invariant
    (array([0.8844, 0.8844]), array([0.149, 0.149]), array([ True,  True]))
    """
    p = _as_params(params)
    v_lo, v_hi = np.broadcast_arrays(np.asarray(v_lo, float), np.asarray(v_hi, float))
    if np.any(v_lo > v_hi):
        raise InvalidParameterError("v_lo must be <= v_hi")
    dt = _positive("dt", dt)  # a scalar, or one time step per neuron
    if not 0 < retention <= 1:
        raise InvalidParameterError(f"retention must lie in (0, 1], got {retention!r}")
    _check_voltages(float(v_lo.min()), float(v_hi.max()), p)
    s_max = np.maximum(total_rate(v_lo, p), total_rate(v_hi, p))
    s_min = total_rate(np.clip(p.v_star, v_lo, v_hi), p)
    diagonal = np.maximum(np.abs(retention - dt * s_max), np.abs(retention - dt * s_min))
    k_p_hi = p.kappa_p0 * np.exp(p.eta_p * v_hi)
    k_d_lo = p.kappa_d0 * np.exp(-p.eta_d * v_lo)
    slope = np.maximum(p.eta_p * k_p_hi, p.eta_d * k_d_lo)
    # the same operations, in the same order, as the row bound has always been computed with
    coupling_gain = dt * slope * np.asarray(gain_max, float)
    return diagonal, coupling_gain, dt * s_max <= retention


#: Largest network whose Perron vector is refined by dense LU solves; beyond it, by power
#: iteration with sparse products (any positive vector still gives a valid bound).
_DENSE_PERRON = 4096


def device_contraction_bound(v_lo: ArrayLike, v_hi: ArrayLike, dt: float, row_abs_sum: ArrayLike,
                             gain_max: ArrayLike, retention: float,
                             constants: DeviceConstants) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~nanowire_rc.stability.coupled_contraction_bound` with each neuron's own constants.

    Parameters
    ----------
    v_lo, v_hi, dt, row_abs_sum, gain_max, retention : array-like or float
        As for :func:`coupled_contraction_bound` (``retention`` has no default here).
    constants : DeviceConstants
        Per-neuron constants.

    Returns
    -------
    bound : ndarray of shape (n_neurons,)
        As :func:`coupled_contraction_bound` returns it, with each neuron's constants.
    invariant : ndarray of bool, shape (n_neurons,)
        Whether each neuron's state provably stays in [0, 1] (the bound's premise).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import Device, NanowireParams
    >>> from nanowire_rc.stability import coupled_contraction_bound, device_contraction_bound
    >>> p = NanowireParams()
    >>> args = (np.zeros(2), np.full(2, 0.8), 0.1, np.full(2, 0.05), np.ones(2), 1.0)
    >>> bound, invariant = device_contraction_bound(*args, Device().nominal(2, p))
    >>> same, _ = coupled_contraction_bound(*args, p)  # identical neurons: the same bound
    >>> bool(np.allclose(bound, same)), invariant.tolist()
    (True, [True, True])
    """
    diagonal, coupling_gain, invariant = device_contraction_terms(v_lo, v_hi, dt, gain_max,
                                                                  retention, constants)
    return diagonal + coupling_gain * np.asarray(row_abs_sum, float), invariant


def device_contraction_terms(
    v_lo: ArrayLike, v_hi: ArrayLike, dt: float, gain_max: ArrayLike, retention: float,
    constants: DeviceConstants,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~nanowire_rc.stability.coupled_contraction_terms` with each neuron's own constants.

    Parameters
    ----------
    v_lo, v_hi, dt, gain_max, retention : array-like or float
        As for :func:`device_contraction_bound`.
    constants : DeviceConstants
        Each neuron's constants.

    Returns
    -------
    diagonal : ndarray of shape (n_neurons,)
        As :func:`coupled_contraction_terms` returns it, with each neuron's constants.
    coupling_gain : ndarray of shape (n_neurons,)
        Likewise.
    invariant : ndarray of bool, shape (n_neurons,)
        Likewise.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import Device, NanowireParams
    >>> from nanowire_rc.stability import device_contraction_terms
    >>> a, c, _ = device_contraction_terms(np.zeros(2), np.full(2, 0.8), 0.1, np.ones(2), 1.0,
    ...                                    Device().nominal(2, NanowireParams()))
    >>> a.round(4), c.round(4)
    (array([0.9687, 0.9687]), array([0.2981, 0.2981]))
    """
    v_lo, v_hi, gains = np.broadcast_arrays(
        np.asarray(v_lo, float), np.asarray(v_hi, float), np.asarray(gain_max, float))
    diagonal, coupling_gain = np.empty(v_lo.shape), np.empty(v_lo.shape)
    invariant = np.empty(v_lo.shape, dtype=bool)
    for n in range(v_lo.shape[0]):
        a, c, inv = coupled_contraction_terms(v_lo[n], v_hi[n], dt, gains[n], retention,
                                              constants.params(n))
        diagonal[n], coupling_gain[n], invariant[n] = float(a), float(c), bool(inv)
    return diagonal, coupling_gain, invariant


def _collatz_wielandt(M, d: np.ndarray) -> tuple[float, np.ndarray]:
    """``max_n (M d)_n / d_n`` (>= the Perron root for every positive ``d``) and the ratios."""
    ratios = np.asarray(M @ d).ravel() / d
    return float(ratios.max()), ratios


def weighted_contraction_bound(diagonal: ArrayLike, coupling_gain: ArrayLike, recurrent,
                               rtol: float = 1e-9, max_iter: int = 60) -> tuple[float, np.ndarray]:
    """Contraction bound in the best weighted max-norm: the Perron root of ``M``, and ``D``.

    With ``M = diag(a) + diag(c) |W|`` (:func:`coupled_contraction_terms`), the state map is
    Lipschitz in ``||D^-1 x||_inf`` with constant ``max_n (M d)_n / d_n`` for any positive
    ``d``; the infimum is ``rho(M)`` (docs/theory.md, "A tighter certificate"). ``d`` is refined
    by shifted inverse iteration from ``d = 1``; the bound returned is the Collatz–Wielandt value
    of the final ``d``: above ``rho(M)`` however inexact the iteration, never above the row-sum
    bound, and equal to ``rho(M)`` to ``rtol`` once converged.

    Parameters
    ----------
    diagonal : array_like of shape (N,)
        ``a_n >= 0``.
    coupling_gain : array_like of shape (N,)
        ``c_n >= 0``.
    recurrent : ndarray or scipy.sparse matrix of shape (N, N)
        The recurrent weights ``W`` (only ``|W|`` matters).
    rtol : float, default 1e-9
        Stop when the upper and lower Collatz–Wielandt values agree to this relative tolerance.
    max_iter : int, default 60
        Most refinement steps.

    Returns
    -------
    bound : float
        ``max_n (M d)_n / d_n`` for the returned ``d``: ``>= rho(M)``, ``<=`` the row-sum bound.
    scaling : ndarray of shape (N,)
        The positive weights ``d`` (largest 1); a row-sum-equal ``M`` keeps ``d = 1``.

    Raises
    ------
    ValueError
        If the shapes disagree, ``a`` or ``c`` is negative or not finite, or ``W`` is not
        finite.

    Examples
    --------
    Two neurons, the slow one (``a = 0.95``) weakly driven, the fast one strongly:

    >>> import numpy as np
    >>> from nanowire_rc.stability import weighted_contraction_bound
    >>> W = np.array([[0.0, 0.1], [1.0, 0.0]])
    >>> a, c = np.array([0.95, 0.5]), np.array([0.3, 0.3])
    >>> float((a + c * np.abs(W).sum(axis=1)).max())  # the row-sum bound
    0.98
    >>> bound, d = weighted_contraction_bound(a, c, W)  # rho(M) = 0.96918...
    >>> round(bound, 4), d.round(3)
    (0.9692, array([1.   , 0.639]))
    """
    a = np.asarray(diagonal, dtype=np.float64).ravel()
    c = np.asarray(coupling_gain, dtype=np.float64).ravel()
    n = a.size
    A = abs(recurrent) if sp.issparse(recurrent) else np.abs(np.asarray(recurrent, float))
    if c.size != n or A.shape != (n, n):
        raise InvalidParameterError(
            f"need diagonal and coupling_gain of shape (N,) and recurrent of shape (N, N), got "
            f"{a.shape}, {c.shape} and {A.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(c))) or a.min() < 0 or c.min() < 0:
        raise InvalidParameterError("diagonal and coupling_gain must be finite and >= 0")
    if not np.all(np.isfinite(A.data if sp.issparse(A) else A)):
        # a NaN bound would pass every `bound >= 1` test downstream
        raise InvalidParameterError("recurrent contains NaN or inf: the bound needs finite "
                                    "weights")
    dense = n <= _DENSE_PERRON
    if dense:
        M = (A.toarray() if sp.issparse(A) else A) * c[:, None]
        M[np.diag_indices(n)] += a
    else:
        M = sp.diags(c) @ A.tocsr() + sp.diags(a)
    d = np.ones(n)
    best, ratios = _collatz_wielandt(M, d)
    best_d, stalled = d, 0
    for _ in range(max_iter):
        if best - ratios.min() <= rtol * best or best == 0 or stalled == 3:
            break
        if dense:
            # shift just above the current upper bound: sI - M is then a nonsingular M-matrix
            shift = best * (1 + 1e-12) + 1e-300
            try:
                d = np.linalg.solve(shift * np.eye(n) - M, d)
            except np.linalg.LinAlgError:
                break
        else:
            d = np.asarray(M @ d).ravel() + d  # power iteration on I + M (same Perron vector)
        if not (np.all(np.isfinite(d)) and d.max() > 0):
            break
        # Any positive d gives a valid bound: the floor keeps the ratios finite where a
        # reducible M (a neuron nothing drives) lets entries underflow.
        d = np.maximum(d / d.max(), 1e-12)
        value, ratios = _collatz_wielandt(M, d)
        stalled = 0 if value < best * (1 - rtol) else stalled + 1
        if value < best:
            best, best_d = value, d
    return best, best_d


def input_voltage_range(x_lo: ArrayLike, x_hi: ArrayLike,
                        input_weights: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Per-neuron range of ``sum_c W_in[n, c] x_c`` for inputs ``x_c`` in ``[x_lo[c], x_hi[c]]``.

    The range is the sum over channels of the smaller and of the larger corner product.

    Parameters
    ----------
    x_lo, x_hi : array_like of shape (C,) or scalar
        Per-channel input range.
    input_weights : array_like of shape (N, C)
        Input weights ``W_in``.

    Returns
    -------
    v_lo : ndarray of shape (N,)
        Smallest input voltage of each neuron.
    v_hi : ndarray of shape (N,)
        Largest input voltage of each neuron.

    Examples
    --------
    >>> from nanowire_rc.stability import input_voltage_range
    >>> input_voltage_range(0.0, 1.0, [[0.5], [-1.0]])
    (array([ 0., -1.]), array([0.5, 0. ]))
    """
    W_in = np.atleast_2d(np.asarray(input_weights, float))
    a, b = W_in * np.asarray(x_lo, float), W_in * np.asarray(x_hi, float)
    return np.minimum(a, b).sum(axis=1), np.maximum(a, b).sum(axis=1)


def coupled_voltage_range(
    x_lo: ArrayLike, x_hi: ArrayLike, input_weights: np.ndarray, recurrent,
    bias: ArrayLike = 0.0, voltage_map: tuple[float, float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-neuron voltage interval and ``sup g'`` of a coupled network with states in [0, 1].

    ``a_n = sum_c W_in[n, c] x_c + sum_j W[n, j] h_j + b_n`` over inputs ``x_c`` in
    ``[x_lo[c], x_hi[c]]`` and ``h`` in ``[0, 1]^N`` spans an interval (the corner sums); the
    voltage ``g(a_n)`` spans its image.

    Parameters
    ----------
    x_lo, x_hi, input_weights : array_like
        Input range and weights, as for :func:`input_voltage_range`.
    recurrent : ndarray or scipy.sparse matrix of shape (N, N)
        Recurrent weights ``W``.
    bias : array_like of shape (N,) or scalar, default 0.0
        Bias ``b``.
    voltage_map : tuple of three floats, optional
        ``None`` (identity) or ``(v_min, v_max, gain)`` for
        ``g(a) = v_min + (v_max - v_min) sigmoid(gain a)``.

    Returns
    -------
    v_lo : ndarray of shape (N,)
        Smallest voltage of each neuron.
    v_hi : ndarray of shape (N,)
        Largest voltage of each neuron.
    gain_max : ndarray of shape (N,)
        ``sup g'`` over the neuron's interval of ``a`` (1 for the identity).

    Raises
    ------
    ValueError
        If ``voltage_map`` does not have ``v_min < v_max`` and ``gain > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.stability import coupled_voltage_range
    >>> W = np.array([[0.0, 0.3], [-0.2, 0.0]])
    >>> coupled_voltage_range(0.0, 1.0, [[0.5], [1.0]], W)
    (array([ 0. , -0.2]), array([0.8, 1. ]), array([1., 1.]))
    """
    in_lo, in_hi = input_voltage_range(x_lo, x_hi, input_weights)
    W = recurrent.toarray() if sp.issparse(recurrent) else np.asarray(recurrent, float)
    bias = np.broadcast_to(np.asarray(bias, float), in_lo.shape)
    a_lo = in_lo + np.minimum(W, 0).sum(axis=1) + bias
    a_hi = in_hi + np.maximum(W, 0).sum(axis=1) + bias
    if voltage_map is None:
        return a_lo, a_hi, np.ones_like(a_lo)
    v_min, v_max, gain = voltage_map
    if not (v_min < v_max and gain > 0):
        raise InvalidParameterError(
            f"voltage_map needs v_min < v_max and gain > 0, got {voltage_map!r}")

    def g(a):
        return v_min + (v_max - v_min) * expit(gain * a)

    nearest = np.clip(0.0, a_lo, a_hi)  # sigmoid' peaks at 0
    s = expit(gain * nearest)
    return g(a_lo), g(a_hi), (v_max - v_min) * gain * s * (1 - s)


def _certify(diagonal: np.ndarray, coupling_gain: np.ndarray, recurrent
             ) -> tuple[float, np.ndarray, int]:
    """The weighted bound, its scaling, and the neuron whose weighted row attains it."""
    bound, d = weighted_contraction_bound(diagonal, coupling_gain, recurrent)
    W = abs(recurrent) if sp.issparse(recurrent) else np.abs(np.asarray(recurrent, float))
    rows = diagonal + coupling_gain * (np.asarray(W @ d).ravel() / d)
    return bound, d, int(np.argmax(rows))
