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
        """Rates ``(k_p, k_d)`` at voltage ``v``; with ``ratio = eta_p / eta_d`` (an
        integer) ``k_p`` is an integer power of ``exp(eta_d v)``: one ``exp`` instead of two."""
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


@njit(inline="always", fastmath=FASTMATH)
def _pool(sums, i, k, h, sq):
    """Add the states ``h`` of case ``i`` to window ``k``'s sums (none if ``k < 0``), and their
    squares to slot ``sq`` if ``sq >= 0``."""
    if k >= 0:
        for j in range(h.shape[0]):
            sums[i, k, j] += h[j]
        if sq >= 0:
            for j in range(h.shape[0]):
                sums[i, sq, j] += h[j] * h[j]


@njit(inline="always", fastmath=FASTMATH)
def _pool_store(sums, states, store, i, t, k, h, sq):
    """:func:`_pool`, then the states into ``states[i, t]`` if ``store``."""
    _pool(sums, i, k, h, sq)
    if store:
        states[i, t, :] = h


@njit(inline="always", fastmath=FASTMATH)
def _project(v, X, i, t, W):
    """``v = x_t W`` for case ``i`` at step ``t``: channel by channel, SIMD over neurons."""
    x0 = X[i, 0, t]
    for j in range(W.shape[1]):
        v[j] = W[0, j] * x0
    for c in range(1, X.shape[1]):
        xc = X[i, c, t]
        for j in range(W.shape[1]):
            v[j] += W[c, j] * xc


@cache
def nanowire_kernel(ratio: int | None, exact: bool, double: bool):
    """The compiled kernel of :func:`.run_nanowire` (its reference: :func:`.nanowire_reference`).

    Specialised on ``ratio`` (:attr:`NanowireParams.integer_ratio
    <nanowire_rc.physics.NanowireParams.integer_ratio>`, or ``None``/0: two ``exp``), ``exact``
    (exact exponential update, else Euler) and ``double`` (float64, else float32); one dispatcher
    per specialisation. ``kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, last, sums,
    states, store, sq)``, parallel over cases: fills ``last`` (n_cases, n_neurons), adds the window
    sums into ``sums`` (n_cases, n_windows, n_neurons) and, with ``sq >= 0``, the squared states
    into the extra slot ``sums[:, sq]`` (for the standard deviation); the trajectories go into
    ``states`` if ``store``. ``X`` is (n_cases, n_channels, n_timepoints), ``kidx`` from
    :func:`~.pooling._window_index`, ``W`` (n_channels, n_neurons), ``dt`` (n_neurons,); arrays and
    scalars in the compute type.
    """
    ratio, exact, double = int(ratio or 0), bool(exact), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, last, sums, states, store,
               sq):
        n = X.shape[0]
        n_neurons = W.shape[1]
        for i in prange(n):
            h = h0.copy()
            v = np.empty_like(h0)
            for t in range(lengths[i]):
                _project(v, X, i, t, W)
                for j in range(n_neurons):
                    if double:
                        h[j] = _update64(h[j], v[j], dt[j], kp0, kd0, eta_p, eta_d, ratio,
                                         exact)
                    else:
                        h[j] = _update32(h[j], v[j], dt[j], kp0, kd0, eta_p, eta_d, ratio,
                                         exact)
                _pool_store(sums, states, store, i, t, kidx[i, t], h, sq)
            last[i, :] = h

    return kernel


@cache
def leaky_tanh_diagonal_kernel(double: bool):
    """The compiled leaky-tanh reservoir with a diagonal recurrent matrix (no matrix work).

    ``kernel(X, lengths, kidx, W, w_diag, leak, bias, h0, last, sums, states, store, sq)``: as
    :func:`nanowire_kernel`, with the diagonal, the leak rates and the bias, each (n_neurons,).
    """
    double = bool(double)

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(X, lengths, kidx, W, w_diag, leak, bias, h0, last, sums, states, store, sq):
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
                _pool_store(sums, states, store, i, t, kidx[i, t], h, sq)
            last[i, :] = h

    return kernel


@cache
def leaky_tanh_pointwise_kernel(double: bool):
    """The compiled point-wise half of a coupled leaky-tanh step (BLAS does the matrix product).

    ``kernel(H, P, t, lengths, kidx, leak, bias, sums, sq)``: for every series still running at
    step ``t``, ``H <- (1 - leak) H + leak tanh(P + bias)`` in place, ``P = x_t W_in + H W^T``
    (n_cases, n_neurons) from the caller; then ``H`` is pooled as in :func:`nanowire_kernel`.
    """
    double = bool(double)

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(H, P, t, lengths, kidx, leak, bias, sums, sq):
        n, n_neurons = H.shape
        for i in prange(n):
            if t < lengths[i]:
                for j in range(n_neurons):
                    a = leak[j]
                    z = P[i, j] + bias[j]
                    H[i, j] = (1 - a) * H[i, j] + a * (tanh64(z) if double else tanh32(z))
                _pool(sums, i, kidx[i, t], H[i], sq)

    return kernel


@cache
def coupled_nanowire_pointwise_kernel(ratio: int | None, sigmoid: bool, double: bool):
    """The compiled point-wise half of a coupled nanowire step, specialised on ``ratio`` and
    ``double`` as :func:`nanowire_kernel` and on ``sigmoid`` (the voltage map, else identity).

    ``kernel(H, A, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, retention, v_min, span,
    gain, v_lo, v_hi, sums, outside, sq)``: ``A = x W_in + H W^T`` from BLAS; for the series still
    running at step ``t``, adds the bias, maps it to a voltage (``v_min + span * sigmoid(gain *
    a)`` or ``a``), applies the retention-Euler update to ``H`` in place (``dt`` per neuron),
    pools as :func:`nanowire_kernel` and sets ``outside[i]`` when a voltage of series ``i`` left
    ``[v_lo, v_hi]`` (the range checked for overflow beforehand).
    """
    ratio, sigmoid, double = int(ratio or 0), bool(sigmoid), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(H, A, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, retention, v_min,
               span, gain, v_lo, v_hi, sums, outside, sq):
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
                    H[i, j] = (retention - dt[j] * (k_p + k_d)) * H[i, j] + dt[j] * k_p
                outside[i] |= bad
                _pool(sums, i, kidx[i, t], H[i], sq)

    return kernel


@njit(parallel=True, cache=True)
def finish_sums(sums, counts, total, mean, windows, std):
    """The arithmetic of :func:`~.pooling._finish_pooling` in one parallel pass over the cases.

    Bit for bit the NumPy version's results: window sums added in their own type in window order,
    divisions, variance ``E[h^2] - E[h]^2`` and square root in float64 before the cast (no
    fast-math: a fused multiply-add would change the variance's last bits). One pass instead of
    NumPy's dozen: the finishing had cost as much as the kernel's own stepping when predicting
    ECG5000 with 1,000 neurons and ``std``. ``sums`` (n_cases, n_windows (+ 1 with std),
    n_neurons), ``counts`` (n_cases, n_windows), ``total`` (n_cases,); ``mean``, ``windows`` and
    ``std`` (or ``std`` of shape (0, 0) for none) are written in place.
    """
    n, n_windows, n_neurons = windows.shape
    with_std = std.shape[0] > 0
    for i in prange(n):
        tot = np.float64(total[i])
        acc = sums[i, 0].copy()
        for k in range(1, n_windows):
            for j in range(n_neurons):
                acc[j] += sums[i, k, j]
        for j in range(n_neurons):
            m = np.float64(acc[j]) / tot
            mean[i, j] = m
            if with_std:
                variance = np.float64(sums[i, n_windows, j]) / tot - m * m
                std[i, j] = np.sqrt(max(variance, 0.0))
        for k in range(n_windows):
            c = np.float64(max(counts[i, k], 1))
            for j in range(n_neurons):
                windows[i, k, j] = np.float64(sums[i, k, j]) / c
