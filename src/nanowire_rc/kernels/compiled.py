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
        """Rates ``(k_p, k_d)`` at voltage ``v``, with one ``exp`` when ``ratio`` is set.

        Parameters
        ----------
        v : float
            Voltage.
        kp0, kd0 : float
            Rate constants ``kappa_p0``, ``kappa_d0``.
        eta_p, eta_d : float
            Voltage sensitivities.
        ratio : int
            ``eta_p / eta_d`` when that is an integer (then ``k_p`` is an integer power of
            ``exp(eta_d v)``), else 0.

        Returns
        -------
        tuple of float
            ``(kappa_p0 exp(eta_p v), kappa_d0 exp(-eta_d v))``.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.kernels.compiled import rates64
        >>> k_p, k_d = rates64(0.5, 1e-4, 0.5, 10.0, 1.0, 10)
        >>> bool(np.isclose(k_p, 1e-4 * np.exp(5.0))), bool(np.isclose(k_d, 0.5 * np.exp(-0.5)))
        (True, True)
        """
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
    """Compiled kernel of the uncoupled nanowire assembly (what :func:`.run_nanowire` runs).

    Parameters
    ----------
    ratio : int or None
        ``eta_p / eta_d`` when that is an integer (:attr:`NanowireParams.integer_ratio
        <nanowire_rc.physics.NanowireParams.integer_ratio>`: one ``exp`` per update), else
        ``None`` or 0.
    exact : bool
        Exact exponential update instead of the Euler step.
    double : bool
        Compute in float64 instead of float32.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, last, sums, states,
        store, sq)``, parallel over cases. It fills ``last`` (n_cases, n_neurons) and adds the
        window sums into ``sums`` (n_cases, n_windows, n_neurons), and the trajectories into
        ``states`` (n_cases, n_timepoints, n_neurons) if ``store``. With ``sq >= 0`` it also
        adds the squared states of every pooled step into ``sums[:, sq]`` (an extra slot
        after the windows, for the standard deviation); ``sq = -1``: none. ``X`` is (n_cases,
        n_channels, n_timepoints), ``kidx`` from :func:`~.pooling.window_index`, ``W`` (n_channels,
        n_neurons), ``dt`` each neuron's time step (n_neurons,); arrays and scalars in the
        compute type. One kernel per specialisation.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels import run_nanowire
    >>> from nanowire_rc.kernels.compiled import nanowire_kernel
    >>> from nanowire_rc.kernels.pooling import finish_pooling, window_index
    >>> from nanowire_rc.physics import NanowireParams
    >>> p = NanowireParams()
    >>> kernel = nanowire_kernel(p.integer_ratio, exact=False, double=True)
    >>> kernel is nanowire_kernel(p.integer_ratio, exact=False, double=True)
    True
    >>> X = np.random.default_rng(0).random((2, 1, 10))  # (n_cases, n_channels, n_timepoints)
    >>> lengths, W, h0 = np.array([10, 10]), np.array([[0.5, 1.0]]), np.zeros(2)
    >>> kidx = window_index(lengths, 10, washout=0, n_windows=1)
    >>> last, sums, states = np.empty((2, 2)), np.zeros((2, 1, 2)), np.zeros((2, 0, 2))
    >>> dt = np.full(2, 0.1)  # each neuron's time step
    >>> kernel(X, lengths, kidx, W, h0, dt, p.kappa_p0, p.kappa_d0, p.eta_p, p.eta_d, last,
    ...        sums, states, False, -1)
    >>> pooled = finish_pooling(last, sums, kidx)
    >>> bool(np.allclose(pooled.mean, run_nanowire(X[:, 0], [0.5, 1.0], 0.1,
    ...                                             dtype="float64").mean))
    True
    """
    ratio, exact, double = int(ratio or 0), bool(exact), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=FASTMATH, cache=True)
    def kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, last, sums, states, store,
               sq):
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
                        h[j] = _update64(h[j], v[j], dt[j], kp0, kd0, eta_p, eta_d, ratio,
                                         exact)
                    else:
                        h[j] = _update32(h[j], v[j], dt[j], kp0, kd0, eta_p, eta_d, ratio,
                                         exact)
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += h[j]
                    if sq >= 0:
                        for j in range(n_neurons):
                            sums[i, sq, j] += h[j] * h[j]
                if store:
                    states[i, t, :] = h
            last[i, :] = h

    return kernel


@cache
def leaky_tanh_diagonal_kernel(double: bool):
    """Compiled kernel of the leaky-tanh reservoir with a diagonal recurrent matrix.

    No matrix work: each neuron feeds back only to itself.

    Parameters
    ----------
    double : bool
        Compute in float64 instead of float32.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``kernel(X, lengths, kidx, W, w_diag, leak, bias, h0, last, sums, states, store, sq)``,
        parallel over cases; arguments and outputs as for :func:`nanowire_kernel`, with the
        diagonal ``w_diag``, the leak rates and the bias, each (n_neurons,).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.compiled import leaky_tanh_diagonal_kernel
    >>> from nanowire_rc.kernels.pooling import window_index
    >>> kernel = leaky_tanh_diagonal_kernel(double=True)
    >>> X, lengths = np.ones((1, 1, 3)), np.array([3])
    >>> kidx = window_index(lengths, 3, washout=0, n_windows=1)
    >>> W, w_diag, leak, bias, h0 = (np.ones((1, 1)), np.zeros(1), np.ones(1), np.zeros(1),
    ...                              np.zeros(1))
    >>> last, sums, states = np.empty((1, 1)), np.zeros((1, 1, 1)), np.zeros((1, 0, 1))
    >>> kernel(X, lengths, kidx, W, w_diag, leak, bias, h0, last, sums, states, False, -1)
    >>> bool(np.isclose(last[0, 0], np.tanh(1.0)))  # a = 1, no feedback: tanh(x)
    True
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
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += h[j]
                    if sq >= 0:
                        for j in range(n_neurons):
                            sums[i, sq, j] += h[j] * h[j]
                if store:
                    states[i, t, :] = h
            last[i, :] = h

    return kernel


@cache
def leaky_tanh_pointwise_kernel(double: bool):
    """Compiled point-wise half of a coupled leaky-tanh step (BLAS does the matrix product).

    Parameters
    ----------
    double : bool
        Compute in float64 instead of float32.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``kernel(H, P, t, lengths, kidx, leak, bias, sums, sq)``, parallel over cases: for every
        series still running at step ``t``, ``H <- (1 - leak) H + leak tanh(P + bias)`` in place,
        with ``P = x_t W_in + H W^T`` (n_cases, n_neurons) computed by the caller; then ``H`` is
        added to the window sums ``sums`` (and its square to ``sums[:, sq]`` if ``sq >= 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.compiled import leaky_tanh_pointwise_kernel
    >>> from nanowire_rc.kernels.pooling import window_index
    >>> kernel = leaky_tanh_pointwise_kernel(double=True)
    >>> H, P = np.zeros((1, 2)), np.array([[0.5, -0.5]])
    >>> lengths = np.array([1])
    >>> kidx, sums = window_index(lengths, 1, 0, 1), np.zeros((1, 1, 2))
    >>> kernel(H, P, 0, lengths, kidx, np.full(2, 0.5), np.zeros(2), sums, -1)
    >>> bool(np.allclose(H, 0.5 * np.tanh(P))), bool(np.allclose(sums[:, 0], H))
    (True, True)
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
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += H[i, j]
                    if sq >= 0:
                        for j in range(n_neurons):
                            sums[i, sq, j] += H[i, j] * H[i, j]

    return kernel


@cache
def coupled_nanowire_pointwise_kernel(ratio: int | None, sigmoid: bool, double: bool):
    """Compiled point-wise half of a coupled nanowire step (voltage map, rates, update, pooling).

    ``A`` holds ``x W_in^T + H W^T`` from BLAS; the kernel adds the bias, maps it to a voltage
    (identity, or ``v_min + span * sigmoid(gain * a)``), applies the retention-Euler update and
    flags any voltage outside ``[v_lo, v_hi]`` (the range checked for overflow beforehand).

    Parameters
    ----------
    ratio : int or None
        ``eta_p / eta_d`` when that is an integer (one ``exp`` per update), else ``None`` or 0.
    sigmoid : bool
        Sigmoid voltage map instead of the identity.
    double : bool
        Compute in float64 instead of float32.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``kernel(H, A, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, retention, v_min,
        span, gain, v_lo, v_hi, sums, outside, sq)`` (``dt``: each neuron's time step, an
        array), parallel over cases: updates the states
        ``H`` (n_cases, n_neurons) of the series still running at step ``t`` in place, adds them
        to the window sums ``sums`` (their squares to ``sums[:, sq]`` if ``sq >= 0``) and sets
        ``outside[i]`` when a voltage of series ``i`` left ``[v_lo, v_hi]``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.compiled import coupled_nanowire_pointwise_kernel
    >>> from nanowire_rc.kernels.pooling import window_index
    >>> from nanowire_rc.physics import NanowireParams, step
    >>> p = NanowireParams()
    >>> kernel = coupled_nanowire_pointwise_kernel(p.integer_ratio, sigmoid=False, double=True)
    >>> H, A = np.full((1, 2), 0.2), np.array([[0.3, 0.6]])  # A: this step's x W_in + H W^T
    >>> lengths, outside = np.array([1]), np.zeros(1, dtype=bool)
    >>> kidx, sums = window_index(lengths, 1, 0, 1), np.zeros((1, 1, 2))
    >>> dt = np.full(2, 0.1)  # each neuron's time step
    >>> kernel(H, A, 0, lengths, kidx, np.zeros(2), dt, p.kappa_p0, p.kappa_d0, p.eta_p,
    ...        p.eta_d, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, sums, outside, -1)
    >>> bool(np.allclose(H, step(0.2, A, 0.1, p))), bool(outside[0])  # the Euler neuron
    (True, False)
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
                k = kidx[i, t]
                if k >= 0:
                    for j in range(n_neurons):
                        sums[i, k, j] += H[i, j]
                    if sq >= 0:
                        for j in range(n_neurons):
                            sums[i, sq, j] += H[i, j] * H[i, j]

    return kernel


@njit(parallel=True, cache=True)
def finish_sums(sums, counts, total, mean, windows, std):
    """The arithmetic of :func:`~.pooling.finish_pooling`, in one parallel pass over the cases.

    Written to give the NumPy version's results bit for bit: the window sums are added in their
    own type in window order, and the divisions, the variance ``E[h^2] - E[h]^2`` and the square
    root run in float64 before the cast to the output type (no fast-math here: a fused
    multiply-add would change the variance's last bits). One pass instead of NumPy's dozen over
    arrays of cases x windows x neurons: the finishing had cost as much as the kernel's own
    stepping when predicting ECG5000 with 1,000 neurons and ``std``.

    Parameters
    ----------
    sums : ndarray of shape (n_cases, n_windows (+ 1), n_neurons)
        Window sums, then (when ``std`` has rows) the sums of squares.
    counts : ndarray of int, shape (n_cases, n_windows)
        Steps per window.
    total : ndarray of int, shape (n_cases,)
        Pooled steps per case.
    mean, windows, std : ndarray
        Outputs, written in place: ``(n_cases, n_neurons)``, ``(n_cases, n_windows,
        n_neurons)`` and ``(n_cases, n_neurons)``, or ``std`` of shape ``(0, 0)`` for none.
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
