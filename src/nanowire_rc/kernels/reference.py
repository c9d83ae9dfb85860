"""Plain NumPy references of the reservoir kernels: vectorised over cases and neurons, looping
over time.

These are the definitions the compiled kernels are tested against, written to be read: the
physics formulas of docs/theory.md ("The neuron"), no tricks (two ``exp`` per nanowire update,
``np.tanh``). They take the arrays already validated and laid out by :mod:`.runners` (series as
``(n_cases, n_channels, n_timepoints)`` in the compute type, input weights as
``(n_channels, n_neurons)``), which is also what makes them callable on their own.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._docs import fill
from ..physics import NanowireParams
from .pooling import PooledStates, _finish_pooling, _window_index

__all__ = ["coupled_nanowire_reference", "leaky_tanh_reference", "nanowire_reference"]


#: The laid-out inputs every reference takes first.
_ARRAYS = """\
X : ndarray of shape (n_cases, n_channels, n_timepoints)
    Input series in the compute type (float32 or float64), zero-padded past each length.
lengths : ndarray of int, shape (n_cases,)
    Length of each series.
weights : ndarray of shape (n_channels, n_neurons)
    Input weights ``W_in``, transposed: ``v = x_t @ weights``.
h0 : ndarray of shape (n_neurons,)
    Initial state.
"""


def _pooling_doc(what: str) -> str:
    """The pooling arguments every reference takes last, and its Returns section."""
    return f"""\
washout : int
    Initial steps left out of the pooling.
n_windows : int
    Number of equal windows for the window means.
store : bool
    Also return the full trajectories.
std : bool, default=False
    Also pool the standard deviation over the steps after the washout.

Returns
-------
PooledStates
    Pooled {what}, in the dtype of ``X``.
"""


_POOLING = _pooling_doc("states")


def _rates(v, kp0, kd0, eta_p, eta_d):
    """The rates ``(k_p, k_d)`` at the voltages ``v`` (two ``exp``)."""
    return kp0 * np.exp(eta_p * v), kd0 * np.exp(-eta_d * v)


def _feedback(recurrent, h):
    """``h W^T`` for every case: ``W`` sparse, its diagonal (1-D) or dense."""
    if sp.issparse(recurrent):
        return (recurrent @ h.T).T
    return h * recurrent if recurrent.ndim == 1 else h @ recurrent.T


class _Accumulator:
    """Window sums (and sums of squares), final states and (optionally) trajectories, filled
    step by step."""

    def __init__(self, lengths, n_timepoints, washout, n_windows, h, store, std=False):
        n, n_neurons = h.shape
        self.lengths = lengths
        self.kidx = _window_index(lengths, n_timepoints, washout, n_windows)
        # As the compiled kernels: float64 accumulators when the standard deviation is pooled
        # (E[h^2] - E[h]^2 keeps its digits), else the compute type.
        acc = np.float64 if std else h.dtype
        self.sums = np.zeros((n, n_windows, n_neurons), dtype=acc)
        self.squares = np.zeros((n, 1, n_neurons)) if std else None
        self.states = np.zeros((n, n_timepoints, n_neurons), h.dtype) if store else None

    def step(self, t: int, h: np.ndarray, h_new: np.ndarray) -> np.ndarray:
        """Keep ``h_new`` for series still running at ``t``, pool it, return the state."""
        active = t < self.lengths
        h = np.where(active[:, None], h_new, h)
        k = self.kidx[:, t]
        rows = np.flatnonzero(k >= 0)
        self.sums[rows, k[rows]] += h[rows]
        if self.squares is not None:
            self.squares[rows, 0] += h[rows] ** 2
        if self.states is not None:
            self.states[active, t] = h[active]
        return h

    def finish(self, h: np.ndarray) -> PooledStates:
        if self.squares is None:
            return _finish_pooling(h, self.sums, self.kidx, self.states)
        return _finish_pooling(h, np.concatenate([self.sums, self.squares], axis=1), self.kidx,
                              self.states, std=True)


@fill(arrays=_ARRAYS, pooling=_POOLING)
def nanowire_reference(X: np.ndarray, lengths: np.ndarray, weights: np.ndarray, h0: np.ndarray,
                       dt: float, params: NanowireParams, method: str, washout: int,
                       n_windows: int, store: bool, std: bool = False) -> PooledStates:
    """Uncoupled nanowire neurons: ``v = x_t @ weights``, then the neuron's update.

    Parameters
    ----------
    {arrays}
    dt : float or ndarray of shape (n_neurons,)
        Time step, common or per neuron (``dt_spread``).
    params : NanowireParams
        Physical constants.
    method : {"euler", "exact"}
        Update rule (docs/theory.md, "The neuron").
    {pooling}

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.reference import nanowire_reference
    >>> from nanowire_rc.physics import NanowireParams, fixed_point
    >>> X = np.full((1, 1, 400), 0.5)  # one series, one channel: a constant 0.5
    >>> out = nanowire_reference(X, np.array([400]), np.array([[1.0]]), np.zeros(1), 0.1,
    ...                          NanowireParams(), "euler", 0, 1, False)
    >>> bool(np.isclose(out.last[0, 0], fixed_point(0.5), atol=1e-4))  # converged to h*
    True
    """
    dtype = X.dtype.type
    n, _, n_timepoints = X.shape
    dt = dtype(dt)
    kp0, kd0 = dtype(params.kappa_p0), dtype(params.kappa_d0)
    eta_p, eta_d = dtype(params.eta_p), dtype(params.eta_d)
    h = np.broadcast_to(h0, (n, weights.shape[1])).astype(X.dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, h, store, std)
    for t in range(n_timepoints):
        k_p, k_d = _rates(X[:, :, t] @ weights, kp0, kd0, eta_p, eta_d)
        s = k_p + k_d
        if method == "euler":
            h_new = h + dt * (k_p - s * h)
        else:
            h_star = k_p / s
            h_new = h_star + (h - h_star) * np.exp(-dt * s)
        h = acc.step(t, h, h_new)
    return acc.finish(h)


@fill(arrays=_ARRAYS, pooling=_POOLING)
def leaky_tanh_reference(X: np.ndarray, lengths: np.ndarray, weights: np.ndarray,
                         h0: np.ndarray, leak: np.ndarray, bias: np.ndarray,
                         recurrent: np.ndarray | sp.spmatrix, washout: int, n_windows: int,
                         store: bool, std: bool = False) -> PooledStates:
    """Leaky-integrator tanh reservoir ``h <- (1 - a) h + a tanh(x W_in + W h + b)``.

    Parameters
    ----------
    {arrays}
    leak : ndarray of shape (n_neurons,)
        Leak rates ``a`` in (0, 1].
    bias : ndarray of shape (n_neurons,)
        Bias ``b``.
    recurrent : ndarray of shape (n_neurons,) or (n_neurons, n_neurons), or sparse matrix
        ``W``: its diagonal (1-D), a dense matrix or a sparse matrix.
    {pooling}

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.reference import leaky_tanh_reference
    >>> X = np.ones((1, 1, 3))
    >>> out = leaky_tanh_reference(X, np.array([3]), np.array([[1.0]]), np.zeros(1),
    ...                            np.ones(1), np.zeros(1), np.zeros(1), 0, 1, True)
    >>> bool(np.allclose(out.states[0, :, 0], np.tanh(1.0)))  # a = 1, no feedback: tanh(x)
    True
    """
    n, _, n_timepoints = X.shape
    h = np.broadcast_to(h0, (n, weights.shape[1])).astype(X.dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, h, store, std)
    for t in range(n_timepoints):
        pre = X[:, :, t] @ weights + _feedback(recurrent, h) + bias
        h = acc.step(t, h, (1 - leak) * h + leak * np.tanh(pre))
    return acc.finish(h)


#: The arguments of a coupled nanowire network, shared with the device reference.
_COUPLED = """\
bias : ndarray of shape (n_neurons,)
    Bias ``b``.
recurrent : ndarray of shape (n_neurons, n_neurons) or (n_neurons,), or sparse matrix
    Recurrent matrix ``W`` (acting on the states ``h``); a 1-D array is its diagonal.
dt : float
    Time step.
"""
_VOLTAGE_MAP = """\
retention : float
    State retention ``gamma`` in (0, 1].
voltage_map : tuple of float (v_min, v_max, gain) or None
    ``None`` for ``g`` the identity, else ``g(a) = v_min + (v_max - v_min) sigmoid(gain a)``.
"""


def _voltage(a, voltage_map, dtype):
    """The voltage ``g(a)`` of a coupled network (identity, or the sigmoid map)."""
    if voltage_map is None:
        return a
    v_min, v_max, gain = (dtype(c) for c in voltage_map)
    return v_min + (v_max - v_min) / (1 + np.exp(-gain * a))


@fill(arrays=_ARRAYS, coupled=_COUPLED, voltage_map=_VOLTAGE_MAP, pooling=_POOLING)
def coupled_nanowire_reference(X: np.ndarray, lengths: np.ndarray, weights: np.ndarray,
                               h0: np.ndarray, bias: np.ndarray,
                               recurrent: np.ndarray | sp.spmatrix, dt: float,
                               params: NanowireParams, retention: float,
                               voltage_map: tuple[float, float, float] | None, washout: int,
                               n_windows: int, store: bool, std: bool = False) -> PooledStates:
    """Coupled nanowire network: ``v = g(x W_in + W h + b)``, ``h <- (gamma - dt S) h + dt k_p``.

    Parameters
    ----------
    {arrays}
    {coupled}
    params : NanowireParams
        Physical constants.
    {voltage_map}
    {pooling}

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.reference import (coupled_nanowire_reference,
    ...                                             nanowire_reference)
    >>> from nanowire_rc.physics import NanowireParams
    >>> X = np.random.default_rng(0).random((2, 1, 30))
    >>> W_in, lengths, h0 = np.array([[0.5, 1.0]]), np.array([30, 30]), np.zeros(2)
    >>> p = NanowireParams()
    >>> coupled = coupled_nanowire_reference(X, lengths, W_in, h0, np.zeros(2), np.zeros((2, 2)),
    ...                                      0.1, p, 1.0, None, 0, 1, False)
    >>> plain = nanowire_reference(X, lengths, W_in, h0, 0.1, p, "euler", 0, 1, False)
    >>> bool(np.allclose(coupled.mean, plain.mean))  # no coupling: the uncoupled assembly
    True
    """
    dtype = X.dtype.type
    n, _, n_timepoints = X.shape
    dt, gamma = dtype(dt), dtype(retention)
    kp0, kd0 = dtype(params.kappa_p0), dtype(params.kappa_d0)
    eta_p, eta_d = dtype(params.eta_p), dtype(params.eta_d)
    h = np.broadcast_to(h0, (n, weights.shape[1])).astype(X.dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, h, store, std)
    for t in range(n_timepoints):
        v = _voltage(X[:, :, t] @ weights + _feedback(recurrent, h) + bias, voltage_map, dtype)
        k_p, k_d = _rates(v, kp0, kd0, eta_p, eta_d)
        h = acc.step(t, h, (gamma - dt * (k_p + k_d)) * h + dt * k_p)
    return acc.finish(h)
