"""Counter-based Gaussian streams keyed to each series: the noise of the device kernels.

The Gaussians for a series, neuron ``j`` and step ``t`` are a pure function of ``(seed, the
series' values, j, t)``: a SplitMix64 finaliser (Steele, Lea and Flood, OOPSLA 2014) of a
per-(series, neuron) key and the step's counter (see :func:`case_seeds` for why the series'
values and not its index). Results are therefore reproducible, independent of the thread count,
of the order of work and of the other series in a batch, and need no memory beyond
O(cases x neurons). Each 64-bit draw gives two Gaussians by the Box–Muller transform, with the
logarithm and the sine/cosine written as plain arithmetic so that the compiled neuron loop
vectorises; 23 bits for the radius cap ``|z|`` at about 5.8. The NumPy functions here
(:func:`_normal_draws`, :func:`seeded_noise`) evaluate the very same formulas as the compiled
stages (``_normal_pair_factory``), vectorised, so the backends agree to rounding.
"""

from __future__ import annotations

import hashlib
import math
from functools import cache
from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic
from numpy.typing import ArrayLike

from .fastmath import FASTMATH, _int32_bits_as_float32, _int64_bits_as_float64

__all__ = ["SPLITMIX_INCREMENT", "case_seeds", "seeded_noise"]

#: SplitMix64's Weyl increment (Steele, Lea and Flood, OOPSLA 2014); with the finaliser
#: multipliers below.
SPLITMIX_INCREMENT = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_MASK = (1 << 64) - 1

_LN2 = 0.6931471805599453
_SQRT2 = 1.4142135623730951
_HALF_PI = 1.5707963267948966
# Taylor coefficients of sin and cos on [-pi/2, pi/2] (enough terms for float64).
_SIN = tuple((-1) ** k / math.factorial(2 * k + 1) for k in range(11))
_COS = tuple((-1) ** k / math.factorial(2 * k) for k in range(11))
# ln(m) = 2 atanh(s), s = (m - 1) / (m + 1): odd series 2 (s + s^3/3 + ...), |s| <= 0.1716
# (float64), and a least-squares polynomial in m - 1 on [sqrt(1/2), sqrt(2)] (float32: no
# division; error below 1e-7).
_ATANH = tuple(2.0 / (2 * k + 1) for k in range(11))


def _log_fit(degree: int = 8) -> tuple[float, ...]:
    m = np.linspace(np.sqrt(0.5), np.sqrt(2.0), 4001)
    fit = np.polynomial.Chebyshev.fit(m - 1, np.log(m), degree, domain=[m[0] - 1, m[-1] - 1])
    coef = fit.convert(kind=np.polynomial.Polynomial).coef
    return tuple(float(c) for c in coef)


_LOG32 = _log_fit()
# Terms used (sin, cos, log) per precision: truncation errors below 6e-8 (float32), 3e-16
# (float64).
_TERMS = {False: (6, 7, 9), True: (10, 11, 11)}


@intrinsic
def _float32_bits(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return types.int32(types.float32), codegen


@intrinsic
def _float64_bits(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


# ----------------------------------------------------------------------------------------------
# The generator: 23 bits of a draw make u1 = (a + 1/2) 2^-23 in (0, 1) (exact in float32), 24
# bits the angle.

def _mix_np(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def case_seeds(values: np.ndarray, lengths: np.ndarray, seed: int) -> np.ndarray:
    """One 64-bit noise seed per case, from ``seed`` and the case's own values.

    Keying the noise on the content of each series (its valid samples, as stored in the batch)
    rather than on its position makes the features of a series independent of the batch it comes
    in, deterministic, and different for different series: a training series and a test series
    at the same index never share a noise realisation (with a per-index key, a readout could learn
    the noise pattern of index ``i`` and find it again in the test set).

    Parameters
    ----------
    values : ndarray of shape (n_cases, n_channels, n_timepoints)
        The batch's series, as stored (the compute type matters: the bytes are hashed).
    lengths : ndarray of int, shape (n_cases,)
        Length of each series; padding past it is not hashed.
    seed : int
        Noise seed of the run (taken mod 2**64).

    Returns
    -------
    ndarray of uint64, shape (n_cases,)
        A keyed BLAKE2b hash of each series' valid samples.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.streams import case_seeds
    >>> X = np.random.default_rng(0).random((3, 1, 10))
    >>> seeds = case_seeds(X, np.array([10, 10, 10]), seed=7)
    >>> seeds.dtype, seeds.shape
    (dtype('uint64'), (3,))
    >>> bool(case_seeds(X[1:2], np.array([10]), seed=7)[0] == seeds[1])  # not the batch's
    True
    """
    out = np.empty(values.shape[0], dtype=np.uint64)
    salt = (seed & _MASK).to_bytes(8, "little")
    for i in range(values.shape[0]):
        data = np.ascontiguousarray(values[i, :, : lengths[i]]).tobytes()
        digest = hashlib.blake2b(data, digest_size=8, key=salt).digest()
        out[i] = int.from_bytes(digest, "little")
    return out


def _keys_np(case_seed: np.ndarray, n_neurons: int) -> np.ndarray:
    """Per-(case, neuron) stream keys, shape (len(case_seed), n_neurons)."""
    case_key = _mix_np(np.asarray(case_seed, dtype=np.uint64)[:, None])
    j = np.arange(n_neurons, dtype=np.uint64)[None, :]
    return _mix_np(case_key + (j + np.uint64(1)) * np.uint64(_M1))


def _poly_np(x, coefs, dtype):
    p = np.full_like(x, dtype(coefs[-1]))
    for c in coefs[-2::-1]:
        p = p * x + dtype(c)
    return p


def _normal_pair_np(keys: np.ndarray, counter: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The two Gaussians of draw ``counter`` for each key.

    The NumPy twin of the kernels' two stages, ``bits`` then ``gauss``
    (:func:`_normal_pair_factory`).
    """
    u = _mix_np(keys + np.uint64(((counter + 1) * SPLITMIX_INCREMENT) & _MASK))
    a = (u >> np.uint64(41)).astype(np.int64).astype(dtype)
    b = ((u >> np.uint64(17)) & np.uint64(0xFFFFFF)).astype(np.int64).astype(dtype)
    u1 = (a + dtype(0.5)) * dtype(2.0 ** -23)
    if dtype is np.float32:
        bits = u1.view(np.int32)
        e = ((bits >> 23) & 0xFF) - 127
        m = ((bits & 0x7FFFFF) | 0x3F800000).view(np.float32)
    else:
        bits = u1.view(np.int64)
        e = ((bits >> 52) & 0x7FF) - 1023
        m = ((bits & 0xFFFFFFFFFFFFF) | 0x3FF0000000000000).view(np.float64)
    big = m > dtype(_SQRT2)
    m = np.where(big, m * dtype(0.5), m)
    e = (e + big).astype(dtype)
    s = (m - dtype(1)) / (m + dtype(1)) if dtype is np.float64 else None
    n_sin, n_cos, n_log = _TERMS[dtype is np.float64]
    if dtype is np.float64:
        log_u1 = e * dtype(_LN2) + s * _poly_np(s * s, _ATANH[:n_log], dtype)
    else:
        log_u1 = e * dtype(_LN2) + _poly_np(m - dtype(1), _LOG32, dtype)
    r = np.sqrt(dtype(-2) * log_u1)
    phi = (b * dtype(2.0 ** -23) - dtype(1)) * dtype(_HALF_PI)  # half the angle
    phi2 = phi * phi
    s1 = phi * _poly_np(phi2, _SIN[:n_sin], dtype)
    c1 = _poly_np(phi2, _COS[:n_cos], dtype)
    return r * ((c1 - s1) * (c1 + s1)), r * (dtype(2) * s1 * c1)


def _normal_draws(case_seed: ArrayLike, n_neurons: int, counter: int,
                  dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """The Gaussian pair ``(z_first, z_second)`` the kernels draw at one counter, each
    (n_cases, n_neurons) (for tests).

    Step ``t`` uses counter ``t + 1``: the first of the pair is the state noise, the second the
    read noise; counter 0's second value starts the Ornstein–Uhlenbeck read noise. (With only one
    noise stream on, that stream takes both values of a pair at two consecutive steps.)
    """
    dtype = np.dtype(dtype).type
    return _normal_pair_np(_keys_np(np.asarray(case_seed, dtype=np.uint64), n_neurons), counter,
                           dtype)


_G = np.uint64(SPLITMIX_INCREMENT)
_U1 = np.uint64(_M1)
_U2 = np.uint64(_M2)
_ONE = np.uint64(1)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_S41, _S17, _MASK24 = np.uint64(41), np.uint64(17), np.uint64(0xFFFFFF)


@njit(inline="always")
def _mix_nb(z):
    z = (z ^ (z >> _S30)) * _U1
    z = (z ^ (z >> _S27)) * _U2
    return z ^ (z >> _S31)


@cache
def _horner(n: int):
    """A compiled Horner evaluation of an ``n``-coefficient tuple, unrolled in the source."""
    body = f"c[{n - 1}]"
    for k in range(n - 2, -1, -1):
        body = f"({body}) * x + c[{k}]"
    namespace = {}
    exec(f"def horner(x, c):\n    return {body}\n", namespace)
    return njit(inline="always", fastmath=FASTMATH, error_model="numpy")(namespace["horner"])


_I23, _I52 = np.int32(23), np.int64(52)
_EXP32, _MANT32, _ONE32, _BIAS32 = (np.int32(0xFF), np.int32(0x7FFFFF), np.int32(0x3F800000),
                                    np.int32(127))
_EXP64, _MANT64, _ONE64, _BIAS64 = (np.int64(0x7FF), np.int64(0xFFFFFFFFFFFFF),
                                    np.int64(0x3FF0000000000000), np.int64(1023))


def _normal_pair_factory(double: bool):
    """``(bits, gauss)``: the two stages of one Gaussian pair, compiled inline.

    ``bits(key, counter)`` hashes and returns the two uniform integers as floats; ``gauss(a, b)``
    turns them into the pair. The kernels call them in two separate loops over neurons, so that
    the transform vectorises at its own width (docs/devices.md, "Performance").
    """
    f = np.float64 if double else np.float32
    n_sin, n_cos, n_log = _TERMS[double]
    sin_c = tuple(f(c) for c in _SIN[:n_sin])
    cos_c = tuple(f(c) for c in _COS[:n_cos])
    log_c = tuple(f(c) for c in (_ATANH[:n_log] if double else _LOG32))
    psin, pcos, logp = _horner(n_sin), _horner(n_cos), _horner(n_log)
    half, one, two, sqrt2, ln2 = f(0.5), f(1.0), f(2.0), f(_SQRT2), f(_LN2)
    half_pi, s23 = f(_HALF_PI), f(2.0 ** -23)
    bias = f(_BIAS64 if double else _BIAS32)

    @njit(inline="always", fastmath=FASTMATH, error_model="numpy")
    def log_unit(u1):
        # the exponent is converted before the bias is taken off so that it stays in the
        # float's lane width (an integer subtraction widened it to 64 bits); same values
        if double:
            bits = _float64_bits(u1)
            ef = f((bits >> _I52) & _EXP64) - bias
            m = _int64_bits_as_float64((bits & _MANT64) | _ONE64)
        else:
            bits = _float32_bits(u1)
            ef = f((bits >> _I23) & _EXP32) - bias
            m = _int32_bits_as_float32((bits & _MANT32) | _ONE32)
        big = m > sqrt2
        m = m * half if big else m
        ef = ef + one if big else ef
        if double:
            s = (m - one) / (m + one)
            return ef * ln2 + s * logp(s * s, log_c)
        return ef * ln2 + logp(m - one, log_c)

    @njit(inline="always", fastmath=FASTMATH, error_model="numpy")
    def bits(key, counter):
        u = _mix_nb(key + (np.uint64(counter) + _ONE) * _G)
        return f(np.int32(u >> _S41)), f(np.int32((u >> _S17) & _MASK24))

    @njit(inline="always", fastmath=FASTMATH, error_model="numpy")
    def gauss(a, b):
        r = np.sqrt(-two * log_unit((a + half) * s23))
        phi = (b * s23 - one) * half_pi  # half the angle, in [-pi/2, pi/2)
        phi2 = phi * phi
        s1 = phi * psin(phi2, sin_c)
        c1 = pcos(phi2, cos_c)
        return r * ((c1 - s1) * (c1 + s1)), r * (two * s1 * c1)

    return bits, gauss


def _draws_np(keys, t, o, dtype, stash):
    """``(z_state, z_read)`` at step ``t`` (one stream: both values of a pair, in turn)."""
    if o.state_sigma and o.read_sigma:
        return _normal_pair_np(keys, t + 1, dtype)
    if o.state_sigma or o.read_sigma:
        if t % 2 == 0:
            stash[:] = _normal_pair_np(keys, t // 2 + 1, dtype)
        return stash[t % 2], stash[t % 2]
    return None, None


class _Streams(NamedTuple):
    """Which noise streams are on (the two fields of the options that ``_draws_np`` reads)."""

    state_sigma: bool
    read_sigma: bool


def seeded_noise(case_seed: ArrayLike, n_neurons: int, n_steps: int, state: bool, read: bool,
                 dtype=np.float64) -> tuple[np.ndarray | None, np.ndarray | None,
                                            np.ndarray | None]:
    """Every Gaussian the kernels draw for a batch: the same streams, for other simulators.

    The draws of :func:`~nanowire_rc.kernels.device.device_reference` and
    :func:`~nanowire_rc.kernels.device.coupled_device_reference` (and the
    compiled kernels), as whole arrays: with both noise streams, step ``t`` takes the pair at
    counter ``t + 1`` (state, read); with one stream, that stream takes both values of a pair in
    turn; the Ornstein–Uhlenbeck read noise starts from counter 0's second value. The
    trainable cell (:class:`nanowire_rc.torch.NanowireRNN`) uses it to key its noise to each
    series, as the kernels do.

    Parameters
    ----------
    case_seed : array-like of uint64, shape (n_cases,)
        The cases' seeds, as for :func:`_normal_draws`.
    n_neurons : int
        Streams per case.
    n_steps : int
        Number of steps.
    state, read : bool
        Whether the state noise and the read noise are on.
    dtype : {np.float64, np.float32}, default=np.float64
        The transform's precision, as for :func:`_normal_draws`.

    Returns
    -------
    z_start : ndarray (n_cases, n_neurons) or None
        The read noise's start (None without read noise).
    z_state, z_read : ndarray (n_steps, n_cases, n_neurons) or None
        The standard Gaussians of each step (None for a stream that is off).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels.streams import seeded_noise
    >>> seeds = np.array([11, 12], dtype=np.uint64)
    >>> z0, z_state, z_read = seeded_noise(seeds, 3, n_steps=4, state=True, read=True)
    >>> z0.shape, z_state.shape
    ((2, 3), (4, 2, 3))
    >>> again = seeded_noise(seeds[1:], 3, n_steps=4, state=True, read=True)[1]
    >>> bool(np.array_equal(again[:, 0], z_state[:, 1]))  # a case's draws are its own
    True
    """
    dtype = np.dtype(dtype).type
    keys = _keys_np(np.asarray(case_seed, dtype=np.uint64), n_neurons)
    z_start = _normal_pair_np(keys, 0, dtype)[1] if read else None
    streams = _Streams(state, read)
    stash = np.empty((2, len(keys), n_neurons), dtype)
    z_state = np.empty((n_steps, len(keys), n_neurons), dtype) if state else None
    z_read = np.empty((n_steps, len(keys), n_neurons), dtype) if read else None
    for t in range(n_steps):
        zs, zr = _draws_np(keys, t, streams, dtype, stash)
        if state:
            z_state[t] = zs
        if read:
            z_read[t] = zr
    return z_start, z_state, z_read
