"""Benchmark series for forecasting: Mackey–Glass, Lorenz-63 and NARMA-10, all seeded.

- :func:`mackey_glass` integrates the delay equation
  ``dx/dt = beta x(t - tau) / (1 + x(t - tau)^n) - gamma x(t)`` (Mackey & Glass 1977; chaotic
  for the usual ``tau = 17, beta = 0.2, gamma = 0.1, n = 10``) with a classical fourth-order
  Runge–Kutta step of ``sample_step / substeps`` time units, the delayed term read from the
  stored history (cubic Hermite interpolation at the half steps, so the scheme keeps fourth
  order), and samples it every ``sample_step`` time units.
- :func:`lorenz63` integrates ``x' = sigma (y - x), y' = x (rho - z) - y, z' = x y - beta z``
  (Lorenz 1963; ``sigma = 10, rho = 28, beta = 8/3``) with RK4, after a transient that puts the
  state on the attractor. Its largest Lyapunov exponent is about
  :data:`LORENZ63_LYAPUNOV_EXPONENT` ``= 0.9056`` per time unit (Sprott, *Chaos and Time-Series
  Analysis*, 2003), the unit of the valid prediction time in Lyapunov times.
- :func:`narma10` is :func:`nanowire_rc.diagnostics.narma10` (input ``u`` uniform on [0, 0.5] and
  the NARMA-10 output), re-exported here so that every generator lives in one place.

Every generator returns float64 arrays with time first.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._seeding import generator
from .diagnostics import narma10
from .exceptions import IntegrationDivergedError, InvalidParameterError

__all__ = [
    "LORENZ63_LYAPUNOV_EXPONENT",
    "lorenz63",
    "mackey_glass",
    "narma10",
]

#: Largest Lyapunov exponent of Lorenz-63 at sigma=10, rho=28, beta=8/3 (per time unit).
LORENZ63_LYAPUNOV_EXPONENT = 0.9056


def _check_count(name: str, value, minimum: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_positive(name: str, value) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or value <= 0:
        raise InvalidParameterError(f"{name} must be a finite real > 0, got {value!r}")
    return float(value)


def mackey_glass(n_steps: int, tau: float = 17.0, beta: float = 0.2, gamma: float = 0.1,
                 n: float = 10.0, x0: float = 1.2, sample_step: float = 1.0, substeps: int = 10,
                 discard: int = 0, history_noise: float = 0.0, random_state=None) -> np.ndarray:
    """Mackey–Glass series sampled every ``sample_step`` time units, shape (n_steps,).

    Parameters
    ----------
    n_steps : int
        Number of samples returned.
    tau, beta, gamma, n : float, default=17, 0.2, 0.1, 10
        Delay and constants of the equation (the chaotic benchmark setting by default).
    x0 : float, default=1.2
        Constant initial history ``x(t) = x0`` for ``t`` in ``[-tau, 0]``.
    sample_step : float, default=1.0
        Time between returned samples.
    substeps : int, default=10
        RK4 steps per sample; ``tau`` must be a whole number of RK4 steps
        (``tau * substeps / sample_step`` an integer).
    discard : int, default=0
        Samples integrated and dropped first (a transient), so output sample 0 is at time
        ``discard * sample_step``.
    history_noise : float, default=0.0
        Half-width of i.i.d. uniform perturbations added to the initial history at every RK4
        grid point, drawn from ``random_state``; 0 gives the deterministic constant history.
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Seeds ``history_noise``.

    Returns
    -------
    ndarray (n_steps,)
        ``x(k * sample_step)`` for ``k = discard .. discard + n_steps - 1``.

    Raises
    ------
    ValueError
        If a count or constant is out of range, or ``tau`` is not a whole number of RK4 steps.

    Examples
    --------
    >>> from nanowire_rc.generators import mackey_glass
    >>> x = mackey_glass(500, discard=300)
    >>> bool(0.2 < x.min() and x.max() < 1.4)
    True
    """
    n_steps = _check_count("n_steps", n_steps, 1)
    substeps = _check_count("substeps", substeps, 1)
    discard = _check_count("discard", discard, 0)
    tau = _check_positive("tau", tau)
    for name, value in (("beta", beta), ("gamma", gamma), ("n", n), ("sample_step", sample_step)):
        _check_positive(name, value)
    if not np.isfinite(x0) or not np.isfinite(history_noise) or history_noise < 0:
        raise InvalidParameterError(f"x0 must be finite and history_noise >= 0, got {x0!r}, "
                                    f"{history_noise!r}")
    h = sample_step / substeps
    lag = tau / h
    m = round(lag)
    if m < 1 or abs(lag - m) > 1e-9 * max(1.0, lag):
        raise InvalidParameterError(
            f"tau = {tau} must be a whole number (>= 1) of RK4 steps sample_step / substeps = "
            f"{h:g}; choose substeps so that tau * substeps / sample_step is an integer")
    rng = generator(random_state)
    total = (discard + n_steps - 1) * substeps + 1
    # Grid values x[k] at time (k - m) h; the first m + 1 entries are the initial history.
    x = [float(x0)] * (m + 1)
    if history_noise > 0:
        x = list(x0 + rng.uniform(-history_noise, history_noise, m + 1))
    beta, gamma, n = float(beta), float(gamma), float(n)

    def rate(value: float, delayed: float) -> float:
        return beta * delayed / (1.0 + delayed**n) - gamma * value

    # Derivatives on the grid (for Hermite interpolation of the delayed term); the history is
    # constant (or noise), and its slope is taken as 0.
    dx = [0.0] * (m + 1)
    half = 0.5 * h
    for k in range(m, m + total - 1):
        j = k - m  # the delayed interval is [j, j + 1] on the grid
        d0, d1 = x[j], x[j + 1]
        # dx[m] is the slope just after t = 0; the history's own slope (0) applies before it.
        s1 = 0.0 if j + 1 == m else dx[j + 1]
        mid = 0.5 * (d0 + d1) + h * (dx[j] - s1) / 8.0
        xk = x[k]
        k1 = rate(xk, d0)
        k2 = rate(xk + half * k1, mid)
        k3 = rate(xk + half * k2, mid)
        k4 = rate(xk + h * k3, d1)
        x_new = xk + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
        x.append(x_new)
        dx.append(rate(x_new, x[k + 1 - m]))
        if k == m:
            dx[m] = k1  # slope at t = 0 from the equation itself
    grid = np.asarray(x[m:], dtype=np.float64)
    return grid[discard * substeps::substeps][:n_steps].copy()


def _lorenz_rate(s: tuple[float, float, float], sigma: float, rho: float, beta: float):
    x, y, z = s
    return (sigma * (y - x), x * (rho - z) - y, x * y - beta * z)


def lorenz63(n_steps: int, dt: float = 0.02, substeps: int = 2, sigma: float = 10.0,
             rho: float = 28.0, beta: float = 8.0 / 3.0, x0=None, discard_time: float = 20.0,
             random_state=None) -> np.ndarray:
    """Lorenz-63 trajectory sampled every ``dt`` time units, shape (n_steps, 3).

    Parameters
    ----------
    n_steps : int
        Number of samples returned.
    dt : float, default=0.02
        Time between samples.
    substeps : int, default=2
        RK4 steps per sample (the default integrates with step 0.01).
    sigma, rho, beta : float, default=10, 28, 8/3
        The classical chaotic constants.
    x0 : array-like (3,) or None, default=None
        Initial state. ``None`` draws ``(1, 1, 25) + N(0, 1)`` per component from
        ``random_state``.
    discard_time : float, default=20.0
        Time integrated and dropped before the first sample (0 to start at ``x0``).
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Seeds the initial state when ``x0`` is ``None``.

    Returns
    -------
    ndarray (n_steps, 3)
        Rows ``(x, y, z)`` at times ``discard_time + k dt``.

    Raises
    ------
    ValueError
        If a count or constant is out of range or ``x0`` is not 3 finite numbers.
    FloatingPointError
        If the integration diverges (``dt`` too large).

    Examples
    --------
    >>> from nanowire_rc.generators import lorenz63
    >>> xyz = lorenz63(5, x0=(1.0, 1.0, 25.0), discard_time=0.0)
    >>> xyz[0], xyz.shape
    (array([ 1.,  1., 25.]), (5, 3))
    """
    n_steps = _check_count("n_steps", n_steps, 1)
    substeps = _check_count("substeps", substeps, 1)
    dt = _check_positive("dt", dt)
    if not np.isfinite(discard_time) or discard_time < 0:
        raise InvalidParameterError(
            f"discard_time must be a finite real >= 0, got {discard_time!r}")
    if x0 is None:
        rng = generator(random_state)
        start = np.array([1.0, 1.0, 25.0]) + rng.standard_normal(3)
    else:
        start = np.asarray(x0, dtype=np.float64)
        if start.shape != (3,) or not np.all(np.isfinite(start)):
            raise InvalidParameterError(f"x0 must be 3 finite numbers, got {x0!r}")
    h = dt / substeps
    n_discard = round(discard_time / h)
    state = tuple(float(v) for v in start)
    consts = (float(sigma), float(rho), float(beta))

    def rk4(s):
        a = _lorenz_rate(s, *consts)
        b = _lorenz_rate(tuple(si + 0.5 * h * ai for si, ai in zip(s, a, strict=True)), *consts)
        c = _lorenz_rate(tuple(si + 0.5 * h * bi for si, bi in zip(s, b, strict=True)), *consts)
        d = _lorenz_rate(tuple(si + h * ci for si, ci in zip(s, c, strict=True)), *consts)
        return tuple(si + h * (ai + 2 * bi + 2 * ci + di) / 6.0
                     for si, ai, bi, ci, di in zip(s, a, b, c, d, strict=True))

    for _ in range(n_discard):
        state = rk4(state)
    out = np.empty((n_steps, 3))
    out[0] = state
    for k in range(1, n_steps):
        for _ in range(substeps):
            state = rk4(state)
        out[k] = state
    if not np.all(np.isfinite(out)):
        raise IntegrationDivergedError("the Lorenz-63 integration diverged; use a smaller dt")
    return out
