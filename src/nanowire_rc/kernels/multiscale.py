"""Multi-scale nanowire kernel: dilated inputs, nanowire neurons, PPV pooled while stepping.

The representation of :class:`~nanowire_rc.multiscale.MultiScaleNanowireReservoir`. A series
``x`` (one channel, already standardised) is read through the 84 fixed kernels of length 9
whose weights are 2 at three of the nine taps and -1 at the other six (they sum to zero, so a
constant offset gives no drive), each at a dilation ``d`` (taps ``d`` steps apart, zero past the
series' ends):

    z_k(t) = sum_j w_kj x(t + (j - 4) d)

A *block* is one dilation with one nanowire neuron per kernel (84 lanes). Lane ``k`` of block
``g`` sees the voltage

    v(t) = clip(gain_gk z_k(t) + offset_gk, v_lo_gk, v_hi_gk)

and updates its conductance with its own time step ``dt_gk`` (Euler or exact, as in
:mod:`nanowire_rc.physics`). While stepping, each lane counts the steps at which its state
exceeds each of ``Q`` thresholds, giving the proportion of positive values (PPV) of
``h(t) - theta``, and sums its state (the mean). Nothing of size ``n_timepoints`` is kept per
neuron.

Why this is a reservoir feature and not a renamed convolution: docs/accuracy_flagship.md ("Where
the reservoir is in this").

:func:`multiscale_reference` is the plain NumPy definition; :func:`multiscale_kernel` the compiled
one (parallel over cases, SIMD over the 84 lanes); :func:`multiscale_record_kernel` runs each
block on one chosen series and keeps its states, from which the thresholds are drawn.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np
from numba import njit, prange

from ..physics import NanowireParams
from .fastmath import FASTMATH, exp32, exp64

__all__ = [
    "KERNEL_LENGTH",
    "KERNEL_WEIGHTS",
    "N_KERNELS",
    "multiscale_kernel",
    "multiscale_record_kernel",
    "multiscale_reference",
]

KERNEL_LENGTH = 9
#: Positions of the three taps of weight 2 in each kernel: every 3-subset of the 9 taps.
_TWOS = np.array(list(combinations(range(KERNEL_LENGTH), 3)), dtype=np.int64)
N_KERNELS = len(_TWOS)  # 84
#: ``(KERNEL_LENGTH, N_KERNELS)``: weight of tap ``j`` in kernel ``k`` (-1 or 2).
KERNEL_WEIGHTS = np.full((KERNEL_LENGTH, N_KERNELS), -1.0)
KERNEL_WEIGHTS[_TWOS.T, np.arange(N_KERNELS)[None, :]] = 2.0


def _dilated_drive(x: np.ndarray, length: int, dilation: int) -> np.ndarray:
    """The 84 kernels' outputs on one series at one dilation, shape (length, 84): ``z[t, k] =
    sum_j w_kj x(t + (j - 4) dilation)`` with ``x = 0`` outside ``[0, length)``.
    """
    x = np.asarray(x, dtype=np.float64)[:length]
    padded = np.zeros(length + 8 * dilation)
    padded[4 * dilation:4 * dilation + length] = x
    taps = np.stack([padded[j * dilation:j * dilation + length] for j in range(KERNEL_LENGTH)],
                    axis=1)
    return taps @ KERNEL_WEIGHTS


def multiscale_reference(
    X: np.ndarray,
    lengths: np.ndarray,
    dilations: np.ndarray,
    sources: np.ndarray,
    gain: np.ndarray,
    offset: np.ndarray,
    v_lo: np.ndarray,
    v_hi: np.ndarray,
    dt: np.ndarray,
    h0: np.ndarray,
    thresholds: np.ndarray,
    params: NanowireParams,
    method: str,
    states: bool = False,
) -> tuple[np.ndarray, np.ndarray, list | None]:
    """Plain NumPy definition of the multi-scale kernel (float64, two ``exp`` per update).

    Parameters
    ----------
    X : ndarray of shape (n_cases, n_sources, n_timepoints)
        Standardised series (and other representations of them, such as the first difference),
        zero past each length.
    lengths : ndarray of int, shape (n_cases,)
        Length of each series (>= 1).
    dilations : ndarray of int, shape (n_blocks,)
        Dilation of each block.
    sources : ndarray of int, shape (n_blocks,)
        The representation (index into ``X``'s second axis) each block reads.
    gain, offset, v_lo, v_hi, dt, h0 : ndarray of shape (n_blocks, 84)
        Per lane: ``v = clip(gain z + offset, v_lo, v_hi)``, time step, initial state.
    thresholds : ndarray of shape (n_blocks, n_thresholds, 84)
        The PPV thresholds of each lane.
    params : NanowireParams
        Physical constants.
    method : {"euler", "exact"}
        Update rule.
    states : bool, default=False
        Also return every trajectory.

    Returns
    -------
    ppv : ndarray of shape (n_cases, n_blocks, n_thresholds, 84)
        Fraction of each series' steps at which ``h > threshold``.
    mean : ndarray of shape (n_cases, n_blocks, 84)
        Mean state over each series' steps.
    trajectories : list of ndarray (n_blocks, length_i, 84), or None
        Per case, when ``states``.

    Examples
    --------
    The reservoir calls it with its fitted lanes (``backend="numpy"``):

    >>> import numpy as np
    >>> from nanowire_rc import MultiScaleNanowireReservoir
    >>> X = np.random.default_rng(0).normal(size=(3, 30))
    >>> res = MultiScaleNanowireReservoir(n_blocks=1, n_thresholds=2, random_state=0).fit(X)
    >>> bool(np.allclose(res.transform(X, backend="numpy"), res.transform(X), atol=1e-5))
    True
    """
    n, n_blocks, n_thr = X.shape[0], len(dilations), thresholds.shape[1]
    ppv = np.zeros((n, n_blocks, n_thr, N_KERNELS))
    mean = np.zeros((n, n_blocks, N_KERNELS))
    out = [] if states else None
    for i in range(n):
        length = int(lengths[i])
        traj = np.zeros((n_blocks, length, N_KERNELS)) if states else None
        for g in range(n_blocks):
            z = _dilated_drive(X[i, sources[g]], length, int(dilations[g]))
            h = np.array(h0[g], dtype=np.float64)
            for t in range(length):
                v = np.clip(gain[g] * z[t] + offset[g], v_lo[g], v_hi[g])
                k_p = params.kappa_p0 * np.exp(params.eta_p * v)
                k_d = params.kappa_d0 * np.exp(-params.eta_d * v)
                s = k_p + k_d
                if method == "exact":
                    h_star = k_p / s
                    h = h_star + (h - h_star) * np.exp(-dt[g] * s)
                else:
                    h = h + dt[g] * (k_p - s * h)
                ppv[i, g] += h[None, :] > thresholds[g]
                mean[i, g] += h
                if states:
                    traj[g, t] = h
        ppv[i] /= length
        mean[i] /= length
        if states:
            out.append(traj)
    return ppv, mean, out


# Reciprocals may be approximated ("arcp"): a division by the total rate is in every update, and
# the result differs from the exact quotient by about one ulp.
_FLAGS = FASTMATH | {"arcp"}


def _make_lanes(fexp):
    @njit(inline="always", fastmath=_FLAGS)
    def lanes(x, length, d, W, gain, offset, v_lo, v_hi, dt, h, thr, count, total, states,
              store, taps, z, kp0, kd0, eta_p, eta_d, exact):
        """Step the 84 lanes of one block over one series, counting and summing as they go."""
        n_lanes = W.shape[1]
        n_thr = thr.shape[0]
        zero = h[0] * 0
        one = zero + 1
        for t in range(length):
            for j in range(9):
                s = t + (j - 4) * d
                taps[j] = x[s] if 0 <= s < length else zero
            for k in range(n_lanes):
                z[k] = zero
            for j in range(9):
                tj = taps[j]
                for k in range(n_lanes):
                    z[k] += W[j, k] * tj
            # One loop over the lanes for voltage, update and sum (SIMD over lanes).
            for k in range(n_lanes):
                v = min(max(gain[k] * z[k] + offset[k], v_lo[k]), v_hi[k])
                # Two exp: measured faster here than one exp and an integer power.
                k_p = kp0 * fexp(eta_p * v)
                k_d = kd0 * fexp(-eta_d * v)
                s = k_p + k_d
                if exact:
                    h_star = k_p / s
                    hk = h_star + (h[k] - h_star) * fexp(-dt[k] * s)
                else:
                    hk = h[k] + dt[k] * (k_p - s * h[k])
                h[k] = hk
                total[k] += hk
            for q in range(n_thr):
                for k in range(n_lanes):
                    count[q, k] += one if h[k] > thr[q, k] else zero
            if store:
                for k in range(n_lanes):
                    states[t, k] = h[k]

    return lanes


_lanes32 = _make_lanes(exp32)
_lanes64 = _make_lanes(exp64)


@njit(inline="always")
def _work(X, n_thr, n_lanes):
    """The lanes' scratch in the compute type: drive, taps, threshold counts, state sums."""
    return (np.empty(n_lanes, dtype=X.dtype), np.empty(9, dtype=X.dtype),
            np.zeros((n_thr, n_lanes), dtype=X.dtype), np.zeros(n_lanes, dtype=X.dtype))


@cache
def multiscale_kernel(exact: bool, double: bool):
    """Compiled multi-scale kernel, parallel over cases (what :func:`multiscale_reference`
    defines).

    Parameters
    ----------
    exact : bool
        Exact exponential update instead of the Euler step.
    double : bool
        Compute in float64 instead of float32.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``kernel(X, lengths, dilations, sources, W, gain, offset, v_lo, v_hi, dt, h0,
        thresholds, kp0, kd0, eta_p, eta_d, ppv, mean)``: arrays as in
        :func:`multiscale_reference` (``W`` is :data:`KERNEL_WEIGHTS`) in the compute type;
        fills ``ppv`` and ``mean`` (compute type).

    Examples
    --------
    >>> from nanowire_rc.kernels.multiscale import multiscale_kernel
    >>> multiscale_kernel(True, False) is multiscale_kernel(True, False)
    True
    """
    exact, double = bool(exact), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=_FLAGS, cache=True)
    def kernel(X, lengths, dilations, sources, W, gain, offset, v_lo, v_hi, dt, h0, thresholds,
               kp0, kd0, eta_p, eta_d, ppv, mean):
        n = X.shape[0]
        n_blocks, n_thr, n_lanes = thresholds.shape
        for i in prange(n):
            h = np.empty(n_lanes, dtype=X.dtype)
            z, taps, count, total = _work(X, n_thr, n_lanes)
            none = np.empty((0, 0), dtype=X.dtype)
            length = lengths[i]
            for g in range(n_blocks):
                h[:] = h0[g]
                count[:] = 0
                total[:] = 0.0
                if double:
                    _lanes64(X[i, sources[g]], length, dilations[g], W, gain[g], offset[g], v_lo[g],
                             v_hi[g], dt[g], h, thresholds[g], count, total, none, False,
                             taps, z, kp0, kd0, eta_p, eta_d, exact)
                else:
                    _lanes32(X[i, sources[g]], length, dilations[g], W, gain[g], offset[g], v_lo[g],
                             v_hi[g], dt[g], h, thresholds[g], count, total, none, False,
                             taps, z, kp0, kd0, eta_p, eta_d, exact)
                for q in range(n_thr):
                    for k in range(n_lanes):
                        ppv[i, g, q, k] = count[q, k] / length
                for k in range(n_lanes):
                    mean[i, g, k] = total[k] / length

    return kernel


@cache
def multiscale_record_kernel(exact: bool, double: bool):
    """Compiled run of each block on one chosen series, keeping its states (for thresholds).

    Parameters
    ----------
    exact, double
        As :func:`multiscale_kernel`.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``kernel(X, lengths, cases, dilations, sources, W, gain, offset, v_lo, v_hi, dt, h0,
        kp0, kd0, eta_p, eta_d, states)``: block ``g`` runs on series ``cases[g]`` and writes its
        trajectory into ``states[g, :lengths[cases[g]]]`` (``states``: (n_blocks,
        n_timepoints, 84)), parallel over blocks.

    Examples
    --------
    >>> from nanowire_rc.kernels import multiscale
    >>> record = multiscale.multiscale_record_kernel(True, False)  # one per specialisation
    >>> pooling = multiscale.multiscale_kernel(True, False)
    >>> record is multiscale.multiscale_record_kernel(True, False), record is pooling
    (True, False)
    """
    exact, double = bool(exact), bool(double)  # cache-key constants

    @njit(parallel=True, fastmath=_FLAGS, cache=True)
    def kernel(X, lengths, cases, dilations, sources, W, gain, offset, v_lo, v_hi, dt, h0,
               kp0, kd0, eta_p, eta_d, states):
        n_blocks, _, n_lanes = states.shape
        for g in prange(n_blocks):
            i = cases[g]
            h = h0[g].copy()
            z, taps, count, total = _work(X, 0, n_lanes)
            thr = np.empty((0, n_lanes), dtype=X.dtype)
            if double:
                _lanes64(X[i, sources[g]], lengths[i], dilations[g], W, gain[g], offset[g], v_lo[g],
                         v_hi[g], dt[g], h, thr, count, total, states[g], True, taps, z, kp0,
                         kd0, eta_p, eta_d, exact)
            else:
                _lanes32(X[i, sources[g]], lengths[i], dilations[g], W, gain[g], offset[g], v_lo[g],
                         v_hi[g], dt[g], h, thr, count, total, states[g], True, taps, z, kp0,
                         kd0, eta_p, eta_d, exact)

    return kernel
