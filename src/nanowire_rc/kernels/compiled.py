"""Compiled (Numba) kernels: parallel over cases, SIMD over neurons, pooling while stepping.

Each case's state lives in a small per-thread buffer; the loop over neurons is the innermost one
and uses the vectorisable ``exp``/``tanh`` of :mod:`.fastmath`, so the nanowire update runs at a
few cycles per neuron-update. Kernels are specialised (and cached per process) on what changes
the generated code: float width, Euler or exact update, and the integer ratio ``eta_p / eta_d``
(for which ``k_p`` is an integer power of ``exp(eta_d v)``: one ``exp`` per update, not two).
Every kernel here has a NumPy twin in :mod:`.reference`; the tests hold them to agree.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numba import njit, prange

from .fastmath import FASTMATH, exp32, exp64, tanh32, tanh64

__all__ = [
    "coupled_nanowire_pointwise_kernel",
    "leaky_tanh_diagonal_kernel",
    "leaky_tanh_pointwise_kernel",
    "nanowire_kernel",
]


def _integer_power(r: int):
    """A compiled ``u**r`` for a fixed integer ``r``, by squaring (fully unrolled by LLVM)."""

    @njit(inline="always", fastmath=FASTMATH)
    def power(u):
        out = u * 0 + 1
        base = u
        k = r
        while k:
            if k & 1:
                out = out * base
            base = base * base
            k >>= 1
        return out

    return power


def _rate_function(ratio: int | None, double: bool):
    """Compiled ``(k_p, k_d)`` at voltage ``v``: one ``exp`` when ``eta_p / eta_d`` is an integer
    (``k_p`` from an integer power of ``exp(eta_d v)``), two otherwise."""
    fexp = exp64 if double else exp32
    power = _integer_power(ratio) if ratio else None

    @njit(inline="always", fastmath=FASTMATH)
    def rates(v, kp0, kd0, eta_p, eta_d):
        if power is not None:
            u = fexp(eta_d * v)
            return kp0 * power(u), kd0 / u
        return kp0 * fexp(eta_p * v), kd0 * fexp(-eta_d * v)

    return rates


@cache
def nanowire_kernel(ratio: int | None, exact: bool, double: bool):
    """Kernel for the uncoupled nanowire assembly (see :func:`..run_nanowire`)."""
    fexp = exp64 if double else exp32
    rates = _rate_function(ratio, double)

    @njit(inline="always", fastmath=FASTMATH)
    def update(h, v, dt, kp0, kd0, eta_p, eta_d):
        k_p, k_d = rates(v, kp0, kd0, eta_p, eta_d)
        s = k_p + k_d
        if exact:
            decay = fexp(-dt * s)
            return decay * h + (k_p / s) * (1 - decay)
        return h + dt * (k_p - s * h)

    @njit(parallel=True, fastmath=FASTMATH)
    def kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, last, sums, states, store):
        n, n_channels, _ = X.shape
        n_neurons = W.shape[1]
        for i in prange(n):
            h = h0.copy()
            v = np.empty_like(h0)
            for t in range(lengths[i]):
                x0 = X[i, 0, t]
                for j in range(n_neurons):
                    v[j] = W[0, j] * x0
                for c in range(1, n_channels):
                    xc = X[i, c, t]
                    for j in range(n_neurons):
                        v[j] += W[c, j] * xc
                for j in range(n_neurons):
                    h[j] = update(h[j], v[j], dt, kp0, kd0, eta_p, eta_d)
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += h[j]
                if store:
                    states[i, t, :] = h
            last[i, :] = h

    return kernel


@cache
def leaky_tanh_diagonal_kernel(double: bool):
    """Kernel for the leaky-tanh reservoir with a diagonal recurrent matrix (no matrix work)."""
    ftanh = tanh64 if double else tanh32

    @njit(parallel=True, fastmath=FASTMATH)
    def kernel(X, lengths, kidx, W, w_diag, leak, bias, h0, last, sums, states, store):
        n, n_channels, _ = X.shape
        n_neurons = W.shape[1]
        for i in prange(n):
            h = h0.copy()
            pre = np.empty_like(h0)
            for t in range(lengths[i]):
                x0 = X[i, 0, t]
                for j in range(n_neurons):
                    pre[j] = W[0, j] * x0 + bias[j]
                for c in range(1, n_channels):
                    xc = X[i, c, t]
                    for j in range(n_neurons):
                        pre[j] += W[c, j] * xc
                for j in range(n_neurons):
                    a = leak[j]
                    h[j] = (1 - a) * h[j] + a * ftanh(pre[j] + w_diag[j] * h[j])
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += h[j]
                if store:
                    states[i, t, :] = h
            last[i, :] = h

    return kernel


@cache
def leaky_tanh_pointwise_kernel(double: bool):
    """Point-wise half of a coupled leaky-tanh step; the matrix product is done by BLAS."""
    ftanh = tanh64 if double else tanh32

    @njit(parallel=True, fastmath=FASTMATH)
    def kernel(H, P, t, lengths, kidx, leak, bias, sums):
        n, n_neurons = H.shape
        for i in prange(n):
            if t < lengths[i]:
                for j in range(n_neurons):
                    a = leak[j]
                    H[i, j] = (1 - a) * H[i, j] + a * ftanh(P[i, j] + bias[j])
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += H[i, j]

    return kernel


@cache
def coupled_nanowire_pointwise_kernel(ratio: int | None, sigmoid: bool, double: bool):
    """Point-wise half of a coupled nanowire step (voltage map, rates, update, pooling).

    ``A`` holds ``x W_in^T + H W^T`` from BLAS; the kernel adds the bias, maps it to a voltage
    (identity, or ``v_min + span * sigmoid(gain * a)``), applies the retention-Euler update and
    flags any voltage outside ``[v_lo, v_hi]`` (the range checked for overflow beforehand).
    """
    fexp = exp64 if double else exp32
    rates = _rate_function(ratio, double)

    @njit(parallel=True, fastmath=FASTMATH)
    def kernel(H, A, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, retention, v_min,
               span, gain, v_lo, v_hi, sums, outside):
        n, n_neurons = H.shape
        for i in prange(n):
            if t < lengths[i]:
                bad = False
                for j in range(n_neurons):
                    a = A[i, j] + bias[j]
                    if sigmoid:
                        v = v_min + span / (1 + fexp(-gain * a))
                    else:
                        v = a
                    bad |= (v < v_lo) | (v > v_hi)
                    k_p, k_d = rates(v, kp0, kd0, eta_p, eta_d)
                    H[i, j] = (retention - dt * (k_p + k_d)) * H[i, j] + dt * k_p
                outside[i] |= bad
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += H[i, j]

    return kernel
