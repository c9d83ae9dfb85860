"""Standard reservoir diagnostics for any reservoir: memory capacity and NARMA-10.

Both drive a reservoir with one long series and fit a linear readout on its state trajectory
(:meth:`~nanowire_rc.reservoirs._Reservoir.states`), training on the first part of the series
and scoring on the rest. Any object with ``fit(X)`` and ``states(X)`` works, so a test can pass a
reservoir whose answer is known (a delay line, a linear unit).

- **Memory capacity** (Jaeger 2001): input ``u(t)`` i.i.d. uniform on [-0.8, 0.8]; for each delay
  ``k = 1 .. max_delay`` a ridge readout reconstructs ``u(t - k)`` from the state at ``t`` (after
  consuming ``u(t)``); ``MC_k`` is the squared correlation on the held-out part and
  ``MC = sum_k MC_k`` (at most the number of neurons for a linear reservoir).
- **NARMA-10**: ``y(t+1) = 0.3 y(t) + 0.05 y(t) sum_{i=0..9} y(t-i) + 1.5 u(t-9) u(t) + 0.1``
  with ``u(t)`` uniform on [0, 0.5]; the readout predicts ``y(t+1)`` from the state at ``t``;
  reported as the normalised RMSE ``sqrt(mean((y_hat - y)^2)) / std(y)`` on the held-out part.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._seeding import generator
from .exceptions import IntegrationDivergedError, InvalidParameterError

__all__ = ["memory_capacity", "narma10", "narma10_nrmse"]

_ALPHAS = np.logspace(-8, 2, 11)


def _trajectory(reservoir, u: np.ndarray) -> np.ndarray:
    """Fit a copy of the reservoir on the series and return its states, shape (T, N)."""
    model = clone(reservoir, safe=False).fit(u[None, :])
    return np.asarray(model.states(u[None, :])[0], dtype=np.float64)


def memory_capacity(
    reservoir,
    n_steps: int = 5000,
    max_delay: int = 200,
    washout: int = 200,
    train_fraction: float = 0.6,
    alpha: float = 1e-6,
    random_state=0,
) -> tuple[float, np.ndarray]:
    """Linear short-term memory capacity ``MC = sum_k MC_k`` (Jaeger 2001).

    The readout is a ridge regression with penalty ``alpha`` on standardised states, one
    output per delay, fitted on the first ``train_fraction`` of the usable steps.

    Parameters
    ----------
    reservoir : estimator
        Any object with ``fit(X)`` and ``states(X)`` (e.g. a
        :class:`~nanowire_rc.NanowireReservoir`); a clone is fitted, the object is untouched.
    n_steps : int, default 5000
        Length of the i.i.d. uniform input on [-0.8, 0.8].
    max_delay : int, default 200
        Largest delay ``k`` reconstructed.
    washout : int, default 200
        First steps left out (the reservoir forgets its initial state).
    train_fraction : float, default 0.6
        Fraction of the usable steps the readout is fitted on; the rest scores it.
    alpha : float, default 1e-6
        Ridge penalty.
    random_state : int, SeedSequence, Generator, RandomState or None, default 0
        Seeds the input.

    Returns
    -------
    mc : float
        The memory capacity.
    mc_k : ndarray of shape (max_delay,)
        ``MC_k``, the squared correlation of the reconstruction of ``u(t - k)``, for
        ``k = 1 .. max_delay``.

    Raises
    ------
    ValueError
        If ``max_delay < 1`` or ``n_steps`` is not well above ``washout + max_delay``.

    Examples
    --------
    >>> from nanowire_rc import NanowireReservoir
    >>> from nanowire_rc.diagnostics import memory_capacity
    >>> mc, mc_k = memory_capacity(NanowireReservoir(n_neurons=20, random_state=0),
    ...                            n_steps=600, max_delay=10, washout=50)
    >>> mc_k.shape, bool(0 < mc <= 20)
    ((10,), True)
    """
    if max_delay < 1 or n_steps <= washout + max_delay + 10:
        raise InvalidParameterError(
            "need max_delay >= 1 and n_steps well above washout + max_delay")
    rng = generator(random_state)
    u = rng.uniform(-0.8, 0.8, n_steps)
    states = _trajectory(reservoir, u)
    t = np.arange(washout + max_delay, n_steps)
    targets = np.stack([u[t - k] for k in range(1, max_delay + 1)], axis=1)
    X = states[t]
    split = int(train_fraction * len(t))
    readout = make_pipeline(StandardScaler(), Ridge(alpha=alpha)).fit(X[:split], targets[:split])
    pred = readout.predict(X[split:])
    truth = targets[split:]
    pred_c, truth_c = pred - pred.mean(axis=0), truth - truth.mean(axis=0)
    denom = (pred_c**2).sum(axis=0) * (truth_c**2).sum(axis=0)
    mc_k = np.where(denom > 0, (pred_c * truth_c).sum(axis=0) ** 2 / np.where(denom > 0, denom, 1),
                    0.0)
    return float(mc_k.sum()), mc_k


def narma10(n_steps: int, random_state=0) -> tuple[np.ndarray, np.ndarray]:
    """Input ``u`` and NARMA-10 output ``y`` (``y[t+1]`` from the recursion above).

    Parameters
    ----------
    n_steps : int
        Length of the series.
    random_state : int, SeedSequence, Generator, RandomState or None, default 0
        Seeds the input.

    Returns
    -------
    u : ndarray of shape (n_steps,)
        Input, i.i.d. uniform on [0, 0.5].
    y : ndarray of shape (n_steps,)
        NARMA-10 output (zero for the first 10 steps).

    Raises
    ------
    FloatingPointError
        If the recursion diverges (rare; another ``random_state`` avoids it).

    Examples
    --------
    >>> from nanowire_rc.generators import narma10
    >>> u, y = narma10(200)
    >>> u.shape, y[9:12].round(3)
    ((200,), array([0.   , 0.323, 0.285]))
    """
    rng = generator(random_state)
    u = rng.uniform(0, 0.5, n_steps)
    y = np.zeros(n_steps)
    for t in range(9, n_steps - 1):
        y[t + 1] = (0.3 * y[t] + 0.05 * y[t] * y[t - 9:t + 1].sum()
                    + 1.5 * u[t - 9] * u[t] + 0.1)
    if not np.all(np.isfinite(y)):
        raise IntegrationDivergedError("this NARMA-10 sequence diverged; use another random_state")
    return u, y


def narma10_nrmse(
    reservoir,
    n_steps: int = 5000,
    washout: int = 200,
    train_fraction: float = 0.6,
    random_state=0,
) -> float:
    """Normalised RMSE of a ridge readout (penalty by leave-one-out) on NARMA-10.

    Parameters
    ----------
    reservoir : estimator
        Any object with ``fit(X)`` and ``states(X)``; a clone is fitted.
    n_steps : int, default 5000
        Length of the NARMA-10 series.
    washout : int, default 200
        First steps left out.
    train_fraction : float, default 0.6
        Fraction of the usable steps the readout is fitted on; the rest scores it.
    random_state : int, SeedSequence, Generator, RandomState or None, default 0
        Seeds the input.

    Returns
    -------
    float
        ``sqrt(mean((y_hat - y)^2)) / std(y)`` on the held-out part (1 is no better than
        predicting the mean).

    Examples
    --------
    >>> from nanowire_rc import NanowireReservoir
    >>> from nanowire_rc.diagnostics import narma10_nrmse
    >>> error = narma10_nrmse(NanowireReservoir(n_neurons=20, random_state=0), n_steps=600,
    ...                       washout=50)
    >>> bool(0 < error < 2)
    True
    """
    u, y = narma10(n_steps, random_state)
    states = _trajectory(reservoir, u)
    X, target = states[washout:-1], y[washout + 1:]
    split = int(train_fraction * len(target))
    readout = make_pipeline(StandardScaler(), RidgeCV(alphas=_ALPHAS)).fit(X[:split],
                                                                          target[:split])
    err = readout.predict(X[split:]) - target[split:]
    return float(np.sqrt(np.mean(err**2)) / np.std(target[split:]))
