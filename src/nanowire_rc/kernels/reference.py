"""Plain NumPy references of the reservoir kernels: vectorised over cases and neurons, looping
over time.

These are the definitions the compiled kernels are tested against, written to be read: the
physics formulas of docs/theory.md ("The neuron"), no tricks (two ``exp`` per nanowire update,
``np.tanh``).
They take the arrays already validated and laid out by :mod:`nanowire_rc.kernels`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..physics import NanowireParams
from .pooling import PooledStates, finish_pooling, window_index

__all__ = ["leaky_tanh_reference", "nanowire_reference"]


class _Accumulator:
    """Window sums, final states and (optionally) trajectories, filled step by step."""

    def __init__(self, lengths, n_timepoints, washout, n_windows, h, store):
        n, n_neurons = h.shape
        self.lengths = lengths
        self.kidx = window_index(lengths, n_timepoints, washout, n_windows)
        self.sums = np.zeros((n, n_windows, n_neurons), dtype=h.dtype)
        self.states = np.zeros((n, n_timepoints, n_neurons), h.dtype) if store else None

    def step(self, t: int, h: np.ndarray, h_new: np.ndarray) -> np.ndarray:
        """Keep ``h_new`` for series still running at ``t``, pool it, return the state."""
        active = t < self.lengths
        h = np.where(active[:, None], h_new, h)
        k = self.kidx[:, t]
        rows = np.flatnonzero(k >= 0)
        self.sums[rows, k[rows]] += h[rows]
        if self.states is not None:
            self.states[active, t] = h[active]
        return h

    def finish(self, h: np.ndarray) -> PooledStates:
        return finish_pooling(h, self.sums, self.kidx, self.states)


def nanowire_reference(
    X: np.ndarray,
    lengths: np.ndarray,
    weights: np.ndarray,
    h0: np.ndarray,
    dt: float,
    params: NanowireParams,
    method: str,
    washout: int,
    n_windows: int,
    store: bool,
) -> PooledStates:
    """Uncoupled nanowire neurons: ``v = x_t @ weights`` (weights: (C, N)), then §1's update."""
    dtype = X.dtype.type
    n, _, n_timepoints = X.shape
    dt = dtype(dt)
    kp0, kd0 = dtype(params.kappa_p0), dtype(params.kappa_d0)
    eta_p, eta_d = dtype(params.eta_p), dtype(params.eta_d)
    h = np.broadcast_to(h0, (n, weights.shape[1])).astype(X.dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, h, store)
    for t in range(n_timepoints):
        v = X[:, :, t] @ weights
        k_p = kp0 * np.exp(eta_p * v)
        k_d = kd0 * np.exp(-eta_d * v)
        s = k_p + k_d
        if method == "euler":
            h_new = h + dt * (k_p - s * h)
        else:
            h_star = k_p / s
            h_new = h_star + (h - h_star) * np.exp(-dt * s)
        h = acc.step(t, h, h_new)
    return acc.finish(h)


def leaky_tanh_reference(
    X: np.ndarray,
    lengths: np.ndarray,
    weights: np.ndarray,
    h0: np.ndarray,
    leak: np.ndarray,
    bias: np.ndarray,
    recurrent: np.ndarray | sp.spmatrix,
    washout: int,
    n_windows: int,
    store: bool,
) -> PooledStates:
    """Leaky-integrator tanh reservoir ``h <- (1 - a) h + a tanh(x W_in + W h + b)``.

    ``recurrent`` is the diagonal of ``W`` (shape (N,)), a dense (N, N) array or a sparse matrix.
    """
    n, _, n_timepoints = X.shape
    h = np.broadcast_to(h0, (n, weights.shape[1])).astype(X.dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, h, store)
    for t in range(n_timepoints):
        if sp.issparse(recurrent):
            feedback = (recurrent @ h.T).T
        elif recurrent.ndim == 1:
            feedback = h * recurrent
        else:
            feedback = h @ recurrent.T
        pre = X[:, :, t] @ weights + feedback + bias
        h = acc.step(t, h, (1 - leak) * h + leak * np.tanh(pre))
    return acc.finish(h)


def coupled_nanowire_reference(
    X: np.ndarray,
    lengths: np.ndarray,
    weights: np.ndarray,
    h0: np.ndarray,
    bias: np.ndarray,
    recurrent: np.ndarray | sp.spmatrix,
    dt: float,
    params: NanowireParams,
    retention: float,
    voltage_map: tuple[float, float, float] | None,
    washout: int,
    n_windows: int,
    store: bool,
) -> PooledStates:
    """Coupled nanowire network: ``v = g(x W_in + W h + b)``, ``h <- (gamma - dt S) h + dt k_p``.

    ``voltage_map`` is ``None`` for the identity or ``(v_min, v_max, gain)`` for
    ``g(a) = v_min + (v_max - v_min) sigmoid(gain a)``.
    """
    dtype = X.dtype.type
    n, _, n_timepoints = X.shape
    dt, gamma = dtype(dt), dtype(retention)
    kp0, kd0 = dtype(params.kappa_p0), dtype(params.kappa_d0)
    eta_p, eta_d = dtype(params.eta_p), dtype(params.eta_d)
    h = np.broadcast_to(h0, (n, weights.shape[1])).astype(X.dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, h, store)
    for t in range(n_timepoints):
        feedback = (recurrent @ h.T).T if sp.issparse(recurrent) else h @ recurrent.T
        a = X[:, :, t] @ weights + feedback + bias
        if voltage_map is None:
            v = a
        else:
            v_min, v_max, gain = (dtype(c) for c in voltage_map)
            v = v_min + (v_max - v_min) / (1 + np.exp(-gain * a))
        k_p = kp0 * np.exp(eta_p * v)
        k_d = kd0 * np.exp(-eta_d * v)
        h = acc.step(t, h, (gamma - dt * (k_p + k_d)) * h + dt * k_p)
    return acc.finish(h)
