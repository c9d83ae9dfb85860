"""Compiled (Numba) kernels: parallel over cases, SIMD over neurons, pooling while stepping.

Each case's state lives in a small per-thread buffer; the loop over neurons is the innermost one
and uses the vectorisable ``exp``/``tanh`` of :mod:`.fastmath`, so the nanowire update runs at a
few cycles per neuron-update. Kernels are specialised on what changes the generated code: float
width, Euler or exact update, and the integer ratio ``eta_p / eta_d`` (for which ``k_p`` is an
integer power of ``exp(eta_d v)``: one ``exp`` per update, not two).

Cold start: each specialisation is compiled once per machine, not once per process. Numba's
on-disk cache (``cache=True``) keys a function on its code and on its closure's values, so the
specialised kernels capture plain constants only (the ratio as an int, flags as bools) and call
module-level helpers; a dispatcher captured in a closure would change the key in every process
and defeat the cache. A fresh process, or a joblib/Dask worker, then loads machine code instead
of compiling it.

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


@njit(inline="always", fastmath=FASTMATH)
def _integer_power(u, r):
    """``u**r`` for a non-negative integer ``r`` by squaring; fully unrolled by LLVM when ``r``
    is a compile-time constant (as in every kernel here)."""
    out = u * 0 + 1
    base = u
    k = r
    while k:
        if k & 1:
            out = out * base
        base = base * base
        k >>= 1
    return out


def _make_rates(fexp):
    @njit(inline="always", fastmath=FASTMATH)
    def rates(v, kp0, kd0, eta_p, eta_d, ratio):
        # ratio > 0: k_p from an integer power of exp(eta_d v), one exp instead of two.
        if ratio > 0:
            u = fexp(eta_d * v)
            return kp0 * _integer_power(u, ratio), kd0 / u
        return kp0 * fexp(eta_p * v), kd0 * fexp(-eta_d * v)

    return rates


#: ``(k_p, k_d)`` at voltage ``v`` in float32 / float64 (``ratio``: 0, or ``eta_p / eta_d``).
rates32 = _make_rates(exp32)
rates64 = _make_rates(exp64)


def _make_update(fexp, rates):
    @njit(inline="always", fastmath=FASTMATH)
    def update(h, v, dt, kp0, kd0, eta_p, eta_d, ratio, exact):
        k_p, k_d = rates(v, kp0, kd0, eta_p, eta_d, ratio)
        s = k_p + k_d
        if exact:
            decay = fexp(-dt * s)
            return decay * h + (k_p / s) * (1 - decay)
        return h + dt * (k_p - s * h)

    return update


_update32 = _make_update(exp32, rates32)
_update64 = _make_update(exp64, rates64)


@cache
def nanowire_kernel(ratio: int | None, exact: bool, double: bool):
    """Kernel for the uncoupled nanowire assembly (see :func:`..run_nanowire`)."""
    ratio, exact, double = int(ratio or 0), bool(exact), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
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
                    if double:
                        h[j] = _update64(h[j], v[j], dt, kp0, kd0, eta_p, eta_d, ratio, exact)
                    else:
                        h[j] = _update32(h[j], v[j], dt, kp0, kd0, eta_p, eta_d, ratio, exact)
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
    double = bool(double)

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
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
                    z = pre[j] + w_diag[j] * h[j]
                    h[j] = (1 - a) * h[j] + a * (tanh64(z) if double else tanh32(z))
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
    double = bool(double)

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(H, P, t, lengths, kidx, leak, bias, sums):
        n, n_neurons = H.shape
        for i in prange(n):
            if t < lengths[i]:
                for j in range(n_neurons):
                    a = leak[j]
                    z = P[i, j] + bias[j]
                    H[i, j] = (1 - a) * H[i, j] + a * (tanh64(z) if double else tanh32(z))
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
    ratio, sigmoid, double = int(ratio or 0), bool(sigmoid), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(H, A, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, retention, v_min,
               span, gain, v_lo, v_hi, sums, outside):
        n, n_neurons = H.shape
        for i in prange(n):
            if t < lengths[i]:
                bad = False
                for j in range(n_neurons):
                    a = A[i, j] + bias[j]
                    if sigmoid:
                        e = exp64(-gain * a) if double else exp32(-gain * a)
                        v = v_min + span / (1 + e)
                    else:
                        v = a
                    bad |= (v < v_lo) | (v > v_hi)
                    if double:
                        k_p, k_d = rates64(v, kp0, kd0, eta_p, eta_d, ratio)
                    else:
                        k_p, k_d = rates32(v, kp0, kd0, eta_p, eta_d, ratio)
                    H[i, j] = (retention - dt * (k_p + k_d)) * H[i, j] + dt * k_p
                outside[i] |= bad
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += H[i, j]

    return kernel
