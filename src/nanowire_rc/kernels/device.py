"""Kernels for non-ideal devices: per-neuron constants, DAC, state and read noise, ADC, window.

:func:`run_nanowire_device` runs an uncoupled assembly of :class:`~nanowire_rc.device.Device`
neurons over a batch and returns the same :class:`~.pooling.PooledStates` as
:func:`~nanowire_rc.kernels.run_nanowire`, whose features are now the *read conductances*
``G_n = g_min,n + (g_max,n - g_min,n) h_n`` (+ read noise, then ADC rounding). Per step and neuron:

1. ``v = W x`` (input weights), rounded to the DAC step if there is one;
2. the state update of docs/theory.md ("The neuron") with neuron ``n``'s own constants;
3. state noise ``h <- clip(h + sigma_s xi, 0, 1)`` if asked;
4. the read ``G`` with read noise (white, or Ornstein–Uhlenbeck) and ADC rounding; pooling.

:func:`run_coupled_nanowire_device` does the same for a coupled network (one BLAS product per
step, then a compiled point-wise pass); the neurons couple through their physical states ``h``.

Noise is *counter-based* (:mod:`nanowire_rc.kernels.streams`): the Gaussians for a series, neuron
``j`` and step ``t`` are a pure function of ``(seed, the series' values, j, t)``, so results are
reproducible and independent of the thread count, of the order of work and of the other series
in the batch. Each draw gives two Gaussians: the state noise and the read noise of a step (with
one noise stream on, that stream's values at two consecutive steps). The NumPy references here
evaluate the same streams as the compiled kernels, so the two backends agree to rounding.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numba
import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike

from .._docs import fill
from .._seeding import Stream, child, integer_seed, seed_sequence
from ..device import Device, DeviceConstants, device_memory_factor, quantise_voltage
from ..exceptions import InvalidParameterError
from ..physics import METHODS, NEURON, NanowireParams, _as_params, _check_dt
from ..stability import (
    _certify,
    coupled_voltage_range,
    device_contraction_terms,
    input_voltage_range,
)
from .compiled import _pool, _pool_store, _project, _update32, _update64, rates32, rates64
from .fastmath import FASTMATH, exp32, exp64
from .pooling import PooledStates
from .reference import (
    _ARRAYS,
    _COUPLED,
    _VOLTAGE_MAP,
    _Accumulator,
    _feedback,
    _pooling_doc,
    _rates,
    _voltage,
)
from .runners import (
    _DOCS,
    _NANOWIRE_HINT,
    _as_recurrent,
    _checked,
    _coupled_steps,
    _finish,
    _numba_threads,
    _outputs,
    _per_neuron,
    _prepare,
    _refuse_unstable,
    _square_slot,
    run_nanowire,
)
from .streams import (
    _MASK,
    _ONE,
    _U1,
    _draws_np,
    _keys_np,
    _mix_nb,
    _normal_pair_factory,
    _normal_pair_np,
    case_seeds,
)

__all__ = [
    "coupled_device_reference",
    "device_reference",
    "run_coupled_nanowire_device",
    "run_nanowire_device",
]


class _Options(NamedTuple):
    """Scalars of the non-ideal path (all in the compute dtype when passed to a kernel)."""

    voltage_step: float  # 0: no DAC
    state_sigma: float  # std of the additive state noise (0: none)
    read_sigma: float  # std of the read noise, in conductance units (0: none)
    ou_decay: float  # exp(-dt / tau); 0 for white read noise
    ou_gain: float  # sqrt(1 - ou_decay**2)
    adc_levels: int  # 0: no ADC
    adc_lo: float
    adc_step: float


def _options(device: Device, dt: float) -> _Options:
    tau = device.noise_correlation_time
    decay = float(np.exp(-dt / tau)) if tau > 0 else 0.0
    levels = (1 << device.adc_bits) if device.adc_bits is not None else 0
    return _Options(device.voltage_step, device.state_noise, device.read_noise * device.window,
                    decay, float(np.sqrt(1.0 - decay * decay)), levels, device.g_min,
                    device.window / (levels - 1) if levels > 1 else device.window)


#: Noise draws are taken as at most this many standard deviations (the generator's pairs of
#: 32-bit uniforms give at most about 9.4).
_MAX_DEVIATIONS = 10.0
#: Squared reads summed in float64 without overflow: up to this many terms.
_SQUARES = 1e8


def _noise_options(device: Device, dt: float, dtype, n_steps: int) -> _Options:
    """The device's :func:`_options`, after refusing noise levels whose draws or reads would
    overflow.

    Noise is drawn in the compute type as ``sigma * z`` with ``|z| <= _MAX_DEVIATIONS``. A read
    is ``G + read_sigma * z``: the pooled means sum ``n_steps`` of them in the compute type, and
    squares of reads are summed in float64 (by the standard deviation feature, and by the
    standardisation of any readout), so a read must stay below ``sqrt`` of the float64 range with
    room for ``_SQUARES`` terms. ADC quantisation bounds every read. Without this check such
    levels end in inf or NaN features, or in a ``DivergedError`` that blames the memory factor.
    """
    big = float(np.finfo(dtype).max)
    name = np.dtype(dtype).name
    if _MAX_DEVIATIONS * device.state_noise >= big:
        raise InvalidParameterError(
            f"Device state_noise = {device.state_noise:.4g} is too large for the {name} compute "
            f"type: its draws overflow. Use a state_noise below {big / _MAX_DEVIATIONS:.3g} (a "
            "state lies in [0, 1]: noise beyond 1 only saturates it)")
    if not device.read_noise:
        return _options(device, dt)
    top = max(abs(device.g_min), abs(device.g_max))
    if device.adc_bits is not None:  # quantised reads are bounded; the draws must be finite
        room, why = big, "its draws overflow the compute type"
    else:
        room = min(big / max(n_steps, 1), float(np.sqrt(np.finfo(np.float64).max / _SQUARES)))
        why = (f"sums of {n_steps} reads in {name}, or of their squares in float64, would "
               f"overflow (reads must stay below {room:.3g})")
    sigma = device.read_noise * device.window
    if top + _MAX_DEVIATIONS * sigma >= room:
        limit = max(room - top, 0.0) / _MAX_DEVIATIONS / device.window
        raise InvalidParameterError(
            f"Device read_noise = {device.read_noise:.4g} (a read-noise standard deviation of "
            f"{sigma:.4g} conductance units) is too large: {why}. Use a read_noise below "
            f"{limit:.3g}" + ("" if device.adc_bits is not None
                              else ", or adc_bits (quantised reads are bounded)"))
    return _options(device, dt)


#: Parameter descriptions the two device references share (with those of :mod:`.reference`).
_REFERENCE_DOCS = {
    "arrays": _ARRAYS, "coupled": _COUPLED, "voltage_map": _VOLTAGE_MAP,
    "device": """\
constants : DeviceConstants
    Per-neuron constants.
options : _Options
    The scalars of the non-ideal path (DAC step, noise levels, ADC), from
    ``_options(device, dt)``.
""",
    "pooling": """\
seed : int
    Noise seed (see :func:`~nanowire_rc.kernels.streams.case_seeds`).
""" + _pooling_doc("read conductances"),
}


def _constant_arrays(constants: DeviceConstants, dtype) -> tuple:
    """``kappa_p0, kappa_d0, eta_p, eta_d, g_min`` and ``g_max - g_min``, contiguous in
    ``dtype``: what the references and the kernels step with."""
    return tuple(np.ascontiguousarray(a, dtype=dtype) for a in (
        constants.kappa_p0, constants.kappa_d0, constants.eta_p, constants.eta_d,
        constants.g_min, constants.g_max - constants.g_min))


def _reference_start(X, lengths, weights, h0, constants, options, seed, washout, n_windows,
                     store, std):
    """What both device references start from: the constants and options in the compute type,
    the stream keys, the states and reads, the accumulator and the read noise's start."""
    dtype = X.dtype.type
    n, _, n_timepoints = X.shape
    n_neurons = weights.shape[1]
    arrays = _constant_arrays(constants, dtype)
    o = _Options(*(dtype(v) if i != 5 else v for i, v in enumerate(options)))
    keys = _keys_np(case_seeds(X, lengths, seed), n_neurons)
    h = np.broadcast_to(h0, (n, n_neurons)).astype(dtype)
    g = np.zeros((n, n_neurons), dtype)
    acc = _Accumulator(lengths, n_timepoints, washout, n_windows, g, store, std)
    eps = np.zeros((n, n_neurons), dtype)
    if o.read_sigma and o.ou_decay:
        eps = o.read_sigma * _normal_pair_np(keys, 0, dtype)[1]
    return dtype, arrays, o, keys, h, g, acc, eps


def _dac(v, o, dtype):
    """Voltages rounded to the DAC step (NumPy), if there is one."""
    return np.floor(v / o.voltage_step + dtype(0.5)) * o.voltage_step if o.voltage_step else v


def _read(h, g_lo, g_span, eps, z_read, o, dtype):
    """Read conductances from states (NumPy): window, read noise (white or OU), ADC."""
    g = g_lo + g_span * h
    if o.read_sigma:
        if o.ou_decay:
            eps = o.ou_decay * eps + (o.read_sigma * o.ou_gain) * z_read
            g = g + eps
        else:
            g = g + o.read_sigma * z_read
    if o.adc_levels:
        q = np.clip(np.floor((g - o.adc_lo) / o.adc_step + dtype(0.5)), 0, o.adc_levels - 1)
        g = o.adc_lo + q * o.adc_step
    return g, eps


@fill(**_REFERENCE_DOCS)
def device_reference(X: np.ndarray, lengths: np.ndarray, weights: np.ndarray, h0: np.ndarray,
                     dt: float, constants: DeviceConstants, options: _Options, method: str,
                     seed: int, washout: int, n_windows: int, store: bool,
                     std: bool = False) -> PooledStates:
    """NumPy reference of the device kernel (the definition the compiled kernel must match).

    Parameters
    ----------
    {arrays}
    dt : float
        Time step.
    {device}
    method : {"euler", "exact"}
        Update rule.
    {pooling}

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import Device, NanowireParams
    >>> from nanowire_rc.kernels.device import _options, device_reference
    >>> from nanowire_rc.kernels.reference import nanowire_reference
    >>> X, lengths = np.random.default_rng(0).random((2, 1, 30)), np.array([30, 30])
    >>> W, h0, p, ideal = np.array([[0.5, 1.0]]), np.zeros(2), NanowireParams(), Device()
    >>> out = device_reference(X, lengths, W, h0, 0.1, ideal.nominal(2, p),
    ...                        _options(ideal, 0.1), "euler", 0, 0, 1, False)
    >>> plain = nanowire_reference(X, lengths, W, h0, 0.1, p, "euler", 0, 1, False)
    >>> bool(np.allclose(out.mean, plain.mean))  # an ideal device reads G = h
    True
    """
    dtype, (kp0, kd0, eta_p, eta_d, g_lo, g_span), o, keys, h, g, acc, eps = _reference_start(
        X, lengths, weights, h0, constants, options, seed, washout, n_windows, store, std)
    dt = dtype(dt)
    stash = [None, None]
    for t in range(X.shape[2]):
        k_p, k_d = _rates(_dac(X[:, :, t] @ weights, o, dtype), kp0, kd0, eta_p, eta_d)
        s = k_p + k_d
        if method == "euler":
            h_new = h + dt * (k_p - s * h)
        else:
            decay = np.exp(-dt * s)
            h_new = decay * h + (k_p / s) * (1 - decay)
        z_state, z_read = _draws_np(keys, t, o, dtype, stash)
        if o.state_sigma:
            h_new = np.clip(h_new + o.state_sigma * z_state, 0, 1)
        g_new, eps = _read(h_new, g_lo, g_span, eps, z_read, o, dtype)
        h = np.where((t < lengths)[:, None], h_new, h)
        g = acc.step(t, g, g_new.astype(dtype))
    return acc.finish(g)


@njit(cache=True)
def _scratch_stride(n: int, itemsize: int, rows: int) -> int:
    """A row length >= ``n`` (a multiple of 16) that puts ``rows`` rows furthest apart modulo
    4 KiB: no 4K aliasing between the kernel's work vectors (docs/devices.md, "Performance")."""
    base = (n + 15) // 16 * 16
    best, best_gap = base, -1
    for extra in range(0, 4096 // itemsize, 16):
        stride = base + extra
        gap = 4096
        for k in range(1, rows):
            offset = (k * stride * itemsize) % 4096
            gap = min(gap, offset, 4096 - offset)
        if gap > best_gap:
            best, best_gap = stride, gap
    return best


@cache
def device_kernel(ratio: int | None, exact: bool, double: bool):
    """The compiled :func:`device_reference`, parallel over cases, specialised like
    :func:`~.compiled.nanowire_kernel` (compiled at its first call in each process: no disk cache).

    ``kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, g_lo, g_span, vstep,
    state_sigma, read_sigma, ou_decay, ou_gain, adc_levels, adc_lo, adc_step, seed, last, sums,
    states, store, sq)``: the per-neuron constants as arrays, ``seed`` the
    :func:`~nanowire_rc.kernels.streams.case_seeds` of the batch. Each non-ideal feature is
    switched at run time by its scalar (zero: off) in a loop of its own, so the checks stay
    outside the vectorised inner loops.
    """
    update = _update64 if double else _update32
    ratio, exact = int(ratio or 0), bool(exact)
    ftype = np.float64 if double else np.float32
    bits, gauss = _normal_pair_factory(double)

    @njit(parallel=True, fastmath=FASTMATH, error_model="numpy")
    def kernel(X, lengths, kidx, W, h0, dt, kp0, kd0, eta_p, eta_d, g_lo, g_span, vstep,
               state_sigma, read_sigma, ou_decay, ou_gain, adc_levels, adc_lo, adc_step, seed,
               last, sums, states, store, sq):
        n = X.shape[0]
        n_neurons = W.shape[1]
        half = ftype(0.5)
        zero = ftype(0.0)
        one = ftype(1.0)
        top = ftype(adc_levels - 1)
        ou_std = read_sigma * ou_gain
        both = state_sigma != 0 and read_sigma != 0
        single = (state_sigma != 0) != (read_sigma != 0)
        stride = _scratch_stride(n_neurons, 8 if double else 4, 6)
        # Scratch allocated once per call, one slot per chunk of cases, not once per case
        # (docs/devices.md, "Performance": per-case allocations met 4K aliasing by chance).
        n_chunks = min(n, 4 * numba.get_num_threads())
        per_key = 8 // (8 if double else 4)  # float rows of the compute type per row of keys
        slot = stride + (6 * stride + per_key - 1) // per_key
        scratch = np.zeros((n_chunks, slot), dtype=np.uint64)
        for chunk in prange(n_chunks):
            keys = scratch[chunk, :n_neurons]
            work = scratch[chunk, stride:].view(ftype)[: 6 * stride].reshape(6, stride)
            h, v, g = work[0, :n_neurons], work[1, :n_neurons], work[2, :n_neurons]
            eps, z_state, z_read = work[3, :n_neurons], work[4, :n_neurons], work[5, :n_neurons]
            for i in range(chunk, n, n_chunks):
                h[:] = h0
                eps[:] = 0
                case_key = _mix_nb(seed[i])
                for j in range(n_neurons):
                    keys[j] = _mix_nb(case_key + (np.uint64(j) + _ONE) * _U1)
                if read_sigma != 0 and ou_decay != 0:
                    for j in range(n_neurons):
                        a, b = bits(keys[j], 0)
                        eps[j] = read_sigma * gauss(a, b)[1]
                for t in range(lengths[i]):
                    _project(v, X, i, t, W)
                    if vstep != 0:
                        for j in range(n_neurons):
                            v[j] = np.floor(v[j] / vstep + half) * vstep
                    for j in range(n_neurons):
                        h[j] = update(h[j], v[j], dt, kp0[j], kd0[j], eta_p[j], eta_d[j], ratio,
                                      exact)
                    if both or (single and t % 2 == 0):
                        counter = t + 1 if both else t // 2 + 1
                        for j in range(n_neurons):
                            z_state[j], z_read[j] = bits(keys[j], counter)
                        for j in range(n_neurons):
                            z_state[j], z_read[j] = gauss(z_state[j], z_read[j])
                    # one stream: the pair's first value at even steps, its second at odd ones
                    z_now = z_read if (single and t % 2 == 1) else z_state
                    z_rd = z_now if single else z_read
                    if state_sigma != 0:
                        for j in range(n_neurons):
                            h[j] = min(max(h[j] + state_sigma * z_now[j], zero), one)
                    for j in range(n_neurons):
                        g[j] = g_lo[j] + g_span[j] * h[j]
                    if read_sigma != 0:
                        if ou_decay != 0:
                            for j in range(n_neurons):
                                eps[j] = ou_decay * eps[j] + ou_std * z_rd[j]
                                g[j] += eps[j]
                        else:
                            for j in range(n_neurons):
                                g[j] += read_sigma * z_rd[j]
                    if adc_levels != 0:
                        for j in range(n_neurons):
                            q = np.floor((g[j] - adc_lo) / adc_step + half)
                            g[j] = adc_lo + min(max(q, zero), top) * adc_step
                    _pool_store(sums, states, store, i, t, kidx[i, t], g, sq)
                last[i, :] = g

    return kernel


_HINT = _NANOWIRE_HINT + " (memory factor of some device >= 1)"


def _as_device(device) -> Device:
    device = Device() if device is None else device
    if not isinstance(device, Device):
        raise InvalidParameterError(f"device must be a Device or None, got {type(device).__name__}")
    return device


def _setup(X, lengths, input_weights, dt, device, constants, params, random_state, h0, dtype,
           washout, n_windows, backend, return_states):
    """The kernels' shared layout (:func:`~nanowire_rc.kernels.runners._prepare`: weights become
    (C, N) in ``dtype``), plus the per-neuron constants (drawn if not given) and the noise seed."""
    dt = _check_dt(dt)
    batch, W, h0, kidx, dtype = _prepare(X, lengths, input_weights, h0, dtype, washout,
                                         n_windows, backend, return_states)
    n_neurons = W.shape[1]
    # The constants come from the DEVICE child of random_state's SeedSequence; the noise key is
    # an int random_state itself (a reservoir passes its noise_seed_), else the NOISE child's.
    is_key = isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool)
    seeds = seed_sequence(random_state)
    if constants is None:
        constants = device.draw(n_neurons, _as_params(params), child(seeds, Stream.DEVICE))
    if not isinstance(constants, DeviceConstants) or constants.n_neurons != n_neurons:
        raise InvalidParameterError(f"constants must be DeviceConstants for {n_neurons} neurons")
    seed = int(random_state) & _MASK if is_key else integer_seed(seeds, Stream.NOISE)
    return dt, batch, W, constants, seed, h0, kidx, dtype


def _kernel_constants(constants: DeviceConstants, opts: _Options, dtype) -> tuple:
    """The device kernels' arguments from ``kp0`` to ``g_span``, and from ``vstep`` to
    ``adc_step``, in the compute type."""
    c = dtype
    arrays = _constant_arrays(constants, dtype)
    scalars = (c(opts.voltage_step), c(opts.state_sigma), c(opts.read_sigma), c(opts.ou_decay),
               c(opts.ou_gain), np.int64(opts.adc_levels), c(opts.adc_lo), c(opts.adc_step))
    return arrays, scalars


_DEVICE_DOCS = dict(_DOCS, device="""\
device : Device or None, default=None
    Noise, quantisation and window settings (``None``: ``Device()``, the ideal neuron).
constants : DeviceConstants or None, default=None
    Per-neuron constants; ``None`` draws them with ``device.draw(n_neurons, params,
    random_state)`` (identical nominal constants when the device has no variability).
params : NanowireParams or None, default=None
    Nominal constants when ``constants`` is None (default: Table 2).
""", type_error="""\
TypeError
    When ``device`` is not a :class:`~nanowire_rc.device.Device` or None, ``params`` not a
    :class:`~nanowire_rc.physics.NanowireParams`, or ``washout`` or ``n_windows`` not an integer.
""")


@fill(**_DEVICE_DOCS)
def run_nanowire_device(
    X: ArrayLike, input_weights: ArrayLike, dt: float, device: Device | None = None,
    constants: DeviceConstants | None = None, params: NanowireParams | None = None,
    method: str = NEURON.method, *, random_state=None, lengths: ArrayLike | None = None,
    washout: int = 0, n_windows: int = 1, h0: ArrayLike = 0.0, dtype="float32",
    return_states: bool = False, std: bool = False, backend: str = "compiled",
    n_jobs: int | None = -1, check: bool = True, force_device_kernel: bool = False,
) -> PooledStates:
    """Run an uncoupled assembly of non-ideal devices over a batch and pool its read conductances.

    The assembly of :func:`~nanowire_rc.kernels.run_nanowire` with each neuron's own constants,
    DAC rounding of the voltages, state noise, and a noisy, ADC-quantised read of the
    conductance ``G = g_min + (g_max - g_min) h``, which is what gets pooled, trajectories and
    standard deviation included (see the module docstring).

    Parameters
    ----------
    {inputs}
    dt : float
        Time step (> 0).
    {device}
    method : {"euler", "exact"}, default="euler"
        Update rule (docs/theory.md, "The neuron").
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        An int is the noise seed itself (the noise is a pure function of the seed, the series'
        values, the neuron and the step); anything else becomes a SeedSequence whose children
        draw the constants (when drawn here) and the noise seed (docs/architecture.md,
        "Randomness").
    {batch}
    backend : {"compiled", "numpy"}, default="compiled"
        The Numba kernel (compiled at its first call in a process) or the NumPy reference; both
        draw the same noise and agree to rounding.
    {n_jobs}
    check : bool, default=True
        Refuse to run when some device's memory factor over the (quantised) voltages of this
        batch is >= 1 (:func:`~nanowire_rc.device.device_memory_factor`); ``False`` runs anyway.
    force_device_kernel : bool, default=False
        Run the device kernel even when the device is ideal (for tests and benchmarks). Without
        it, an ideal device with no per-neuron constants runs
        :func:`~nanowire_rc.kernels.run_nanowire`: bit-identical to ``device=None``.

    Returns
    -------
    PooledStates
        Pooled read conductances ``G`` (``h`` itself for ``Device()``).

    Raises
    ------
    UnstableReservoirError
        With ``check=True``, when some device's memory factor on this batch is >= 1.
    VoltageOverflowError
        When a voltage of this batch overflows a rate of some device in ``dtype``.
    DivergedError
        When states became non-finite (only possible with ``check=False``).
    ValueError
        On invalid arguments: an unknown ``method``, ``backend`` or ``dtype``, ``constants`` not
        for ``n_neurons`` neurons, shapes, a series too short for ``washout`` and ``n_windows``,
        ``dt <= 0``, or trajectories over the size limit.
    {type_error}

    See Also
    --------
    run_coupled_nanowire_device : The same devices, coupled by a recurrent matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import Device
    >>> from nanowire_rc.kernels import run_nanowire
    >>> from nanowire_rc.kernels.device import run_nanowire_device
    >>> X = np.random.default_rng(0).random((3, 40))
    >>> omega = [0.25, 0.5, 0.75]
    >>> device = Device(variability=0.1, read_noise=0.01, adc_bits=8)
    >>> pooled = run_nanowire_device(X, omega, 0.1, device, random_state=0, n_windows=2,
    ...                              backend="numpy")  # NumPy: nothing to compile here
    >>> pooled.mean.shape, pooled.windows.shape
    ((3, 3), (3, 2, 3))
    >>> again = run_nanowire_device(X[1:], omega, 0.1, device, random_state=0, n_windows=2,
    ...                             backend="numpy")
    >>> bool(np.array_equal(again.mean, pooled.mean[1:]))  # a series' noise is its own
    True
    >>> ideal = run_nanowire_device(X, omega, 0.1)  # Device(): the ideal neuron
    >>> bool(np.array_equal(ideal.mean, run_nanowire(X, omega, 0.1).mean))
    True
    """
    device = _as_device(device)
    if device.is_ideal and constants is None and not force_device_kernel:
        return run_nanowire(X, input_weights, dt, params, method, lengths=lengths,
                            washout=washout, n_windows=n_windows, h0=h0, dtype=dtype,
                            return_states=return_states, std=std, backend=backend,
                            n_jobs=n_jobs, check=check)
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {METHODS}, got {method!r}")
    dt, batch, Wt, constants, seed, h0, kidx, dtype = _setup(
        X, lengths, input_weights, dt, device, constants, params, random_state, h0, dtype,
        washout, n_windows, backend, return_states)
    v_lo, v_hi = input_voltage_range(*batch.channel_range(), Wt.T)
    v_lo, v_hi = (quantise_voltage(v, device.voltage_step) for v in (v_lo, v_hi))
    constants.check_voltages(float(v_lo.min()), float(v_hi.max()), dtype)
    if check:
        rho = device_memory_factor(v_lo, v_hi, dt, constants, method)
        worst = int(np.argmax(rho))
        if rho[worst] >= 1:
            raise _refuse_unstable(f"memory factor rho = {rho[worst]:.4g} >= 1 with dt = {dt}",
                                   worst, v_lo, v_hi,
                                   "Use a smaller dt or input weights, scale the input to [0, 1], "
                                   "or method='exact'", unit="device")
    opts = _noise_options(device, dt, dtype, batch.values.shape[2])
    if backend == "numpy":
        with np.errstate(over="ignore", invalid="ignore"):
            return _checked(device_reference(batch.values, batch.lengths, Wt, h0, dt, constants,
                                             opts, method, seed, washout, n_windows,
                                             return_states, std), _HINT)
    last, sums, states = _outputs(batch, Wt.shape[1], n_windows, dtype, return_states, std)
    arrays, scalars = _kernel_constants(constants, opts, dtype)
    kernel = device_kernel(constants.integer_ratio, method == "exact", dtype is np.float64)
    with _numba_threads(n_jobs):
        kernel(batch.values, batch.lengths, kidx, Wt, h0, dtype(dt), *arrays, *scalars,
               case_seeds(batch.values, batch.lengths, seed), last, sums, states, return_states,
               _square_slot(n_windows, std))
    return _finish(last, sums, kidx, states, return_states, _HINT, std)


# ----------------------------------------------------------------------------------------------
# Coupled networks of devices: v = g(x W_in + W h + b), the physical state h couples the neurons.

@fill(**_REFERENCE_DOCS)
def coupled_device_reference(
    X, lengths, weights, h0, bias, recurrent, dt, constants, options, retention, voltage_map,
    seed, washout, n_windows, store, std=False,
) -> PooledStates:
    """NumPy reference of the coupled device network (pooled read conductances).

    Parameters
    ----------
    {arrays}
    {coupled}
    {device}
    {voltage_map}
    {pooling}

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import Device, NanowireParams
    >>> from nanowire_rc.kernels import device, reference
    >>> X, lengths = np.random.default_rng(0).random((2, 1, 30)), np.array([30, 20])
    >>> W_in, W = np.array([[0.25, 0.5]]), np.array([[0.0, 0.05], [0.05, 0.0]])
    >>> h0, b, p, ideal = np.zeros(2), np.zeros(2), NanowireParams(), Device()
    >>> out = device.coupled_device_reference(X, lengths, W_in, h0, b, W, 0.1,
    ...                                       ideal.nominal(2, p), device._options(ideal, 0.1),
    ...                                       1.0, None, 0, 0, 1, False)
    >>> plain = reference.coupled_nanowire_reference(X, lengths, W_in, h0, b, W, 0.1, p, 1.0,
    ...                                              None, 0, 1, False)
    >>> bool(np.allclose(out.mean, plain.mean))  # an ideal device reads G = h
    True
    """
    dtype, (kp0, kd0, eta_p, eta_d, g_lo, g_span), o, keys, h, g, acc, eps = _reference_start(
        X, lengths, weights, h0, constants, options, seed, washout, n_windows, store, std)
    dt, gamma = dtype(dt), dtype(retention)
    stash = [None, None]
    for t in range(X.shape[2]):
        a = X[:, :, t] @ weights + _feedback(recurrent, h) + bias
        k_p, k_d = _rates(_dac(_voltage(a, voltage_map, dtype), o, dtype), kp0, kd0, eta_p, eta_d)
        h_new = (gamma - dt * (k_p + k_d)) * h + dt * k_p
        z_state, z_read = _draws_np(keys, t, o, dtype, stash)
        if o.state_sigma:
            h_new = np.clip(h_new + o.state_sigma * z_state, 0, 1)
        g_new, eps_new = _read(h_new, g_lo, g_span, eps, z_read, o, dtype)
        active = (t < lengths)[:, None]
        h = np.where(active, h_new, h)
        eps = np.where(active, eps_new, eps)
        g = acc.step(t, g, g_new.astype(dtype))
    return acc.finish(g)


@cache
def coupled_device_kernel(ratio: int | None, sigmoid: bool, double: bool):
    """The compiled point-wise half of a coupled device step (BLAS does the matrix product),
    specialised like :func:`~.compiled.coupled_nanowire_pointwise_kernel` (compiled at its first
    call in each process: no disk cache).

    ``kernel(H, G, EPS, A, keys, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, g_lo,
    g_span, retention, v_min, span, gain, vstep, state_sigma, read_sigma, ou_decay, ou_gain,
    adc_levels, adc_lo, adc_step, ZA, ZB, sums, sq)``: for the series still running at step
    ``t``, updates the states ``H``, the reads ``G`` and the read-noise states ``EPS`` in place
    (``ZA``, ``ZB``: scratch for the Gaussians) as :func:`coupled_device_reference` does, and
    pools ``G``.
    """
    fexp = exp64 if double else exp32
    rates = rates64 if double else rates32
    ratio = int(ratio or 0)
    ftype = np.float64 if double else np.float32
    bits, gauss = _normal_pair_factory(double)

    @njit(parallel=True, fastmath=FASTMATH, error_model="numpy")
    def kernel(H, G, EPS, A, keys, t, lengths, kidx, bias, dt, kp0, kd0, eta_p, eta_d, g_lo,
               g_span, retention, v_min, span, gain, vstep, state_sigma, read_sigma, ou_decay,
               ou_gain, adc_levels, adc_lo, adc_step, ZA, ZB, sums, sq):
        n, n_neurons = H.shape
        half, zero, one = ftype(0.5), ftype(0.0), ftype(1.0)
        top = ftype(adc_levels - 1)
        ou_std = read_sigma * ou_gain
        both = state_sigma != 0 and read_sigma != 0
        single = (state_sigma != 0) != (read_sigma != 0)
        for i in prange(n):
            if t >= lengths[i]:
                continue
            if both or (single and t % 2 == 0):
                counter = t + 1 if both else t // 2 + 1
                for j in range(n_neurons):
                    ZA[i, j], ZB[i, j] = bits(keys[i, j], counter)
                for j in range(n_neurons):
                    ZA[i, j], ZB[i, j] = gauss(ZA[i, j], ZB[i, j])
            odd = single and t % 2 == 1
            for j in range(n_neurons):
                a = A[i, j] + bias[j]
                if sigmoid:
                    v = v_min + span / (1 + fexp(-gain * a))
                else:
                    v = a
                if vstep != 0:
                    v = np.floor(v / vstep + half) * vstep
                k_p, k_d = rates(v, kp0[j], kd0[j], eta_p[j], eta_d[j], ratio)
                h = (retention - dt * (k_p + k_d)) * H[i, j] + dt * k_p
                z_s = ZB[i, j] if odd else ZA[i, j]
                z_r = z_s if single else ZB[i, j]
                if state_sigma != 0:
                    h = min(max(h + state_sigma * z_s, zero), one)
                H[i, j] = h
                gv = g_lo[j] + g_span[j] * h
                if read_sigma != 0:
                    if ou_decay != 0:
                        EPS[i, j] = ou_decay * EPS[i, j] + ou_std * z_r
                        gv += EPS[i, j]
                    else:
                        gv += read_sigma * z_r
                if adc_levels != 0:
                    q = np.floor((gv - adc_lo) / adc_step + half)
                    gv = adc_lo + min(max(q, zero), top) * adc_step
                G[i, j] = gv
            _pool(sums, i, kidx[i, t], G[i], sq)

    return kernel


@fill(**_DEVICE_DOCS)
def run_coupled_nanowire_device(
    X: ArrayLike, input_weights: ArrayLike, recurrent, dt: float, device: Device | None = None,
    constants: DeviceConstants | None = None, params: NanowireParams | None = None, *,
    bias: ArrayLike = 0.0, retention: float = NEURON.retention,
    voltage_map: tuple[float, float, float] | None = None, random_state=None,
    lengths: ArrayLike | None = None, washout: int = 0, n_windows: int = 1, h0: ArrayLike = 0.0,
    dtype="float32", return_states: bool = False, std: bool = False, backend: str = "compiled",
    n_jobs: int | None = -1, check: bool = True,
) -> PooledStates:
    """Run a coupled network of non-ideal devices over a batch; pool its read conductances.

    The network of :func:`~nanowire_rc.kernels.run_coupled_nanowire`, ``v = g(W_in x + W h +
    b)`` (DAC-rounded), with each neuron's own constants, state noise, and the read of
    :func:`run_nanowire_device`. Neurons are coupled through their physical states ``h`` (not
    through the noisy, quantised reads).

    Parameters
    ----------
    {inputs}
    recurrent : array-like of shape (n_neurons,) or (n_neurons, n_neurons), or sparse matrix
        Recurrent matrix ``W`` (a 1-D array is its diagonal).
    dt : float
        Time step (> 0).
    {device}
    {network}
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Noise seed, or the source of it (and of the constants); see
        :func:`run_nanowire_device`.
    {batch}
    backend : {"compiled", "numpy"}, default="compiled"
        BLAS plus a Numba point-wise kernel (compiled at its first call in a process), or the
        NumPy reference; both draw the same noise and agree to rounding.
    {n_jobs}
    check : bool, default=True
        Refuse a network whose contraction bound in the best weighted max-norm
        (:func:`~nanowire_rc.stability.weighted_contraction_bound` of
        :func:`~nanowire_rc.stability.device_contraction_terms`) is >= 1 or whose states are
        not provably in [0, 1]; ``False`` runs anyway.

    Returns
    -------
    PooledStates
        Pooled read conductances ``G``.

    Raises
    ------
    UnstableReservoirError
        With ``check=True``, when the guarantee does not hold for this batch.
    VoltageOverflowError
        When a voltage possible for states in [0, 1] overflows a rate of some device.
    DivergedError
        When states became non-finite (only possible with ``check=False``).
    ValueError
        On invalid arguments: ``retention`` outside (0, 1], ``constants`` not for ``n_neurons``
        neurons, shapes, a non-finite ``recurrent``, a series too short for ``washout`` and
        ``n_windows``, ``dt <= 0``, an unknown ``backend`` or ``dtype``, or trajectories over the
        size limit.
    {type_error}

    See Also
    --------
    run_nanowire_device : The same devices without coupling.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import Device
    >>> from nanowire_rc.kernels.device import run_coupled_nanowire_device
    >>> X = np.random.default_rng(0).random((3, 40))
    >>> W = 0.05 * np.eye(3)[[1, 2, 0]]  # a weak ring of three neurons
    >>> device = Device(variability=0.1, read_noise=0.01, adc_bits=8)
    >>> pooled = run_coupled_nanowire_device(X, [0.2, 0.4, 0.6], W, 0.1, device, random_state=0,
    ...                                      n_windows=2, backend="numpy")  # nothing to compile
    >>> pooled.mean.shape, pooled.windows.shape
    ((3, 3), (3, 2, 3))
    """
    device = _as_device(device)
    if not 0 < retention <= 1:
        raise InvalidParameterError(f"retention must lie in (0, 1], got {retention!r}")
    dt, batch, Wt, constants, seed, h0, kidx, dtype = _setup(
        X, lengths, input_weights, dt, device, constants, params, random_state, h0, dtype,
        washout, n_windows, backend, return_states)
    n_neurons = Wt.shape[1]
    rec = _as_recurrent(recurrent, n_neurons, dtype, full=True)
    bias = _per_neuron(bias, n_neurons, dtype)
    v_lo, v_hi, gain_max = coupled_voltage_range(*batch.channel_range(), Wt.T, rec, bias,
                                                 voltage_map)
    v_lo, v_hi = (quantise_voltage(v, device.voltage_step) for v in (v_lo, v_hi))
    constants.check_voltages(float(v_lo.min()), float(v_hi.max()), dtype)
    if check:
        diagonal, coupling_gain, invariant = device_contraction_terms(v_lo, v_hi, dt, gain_max,
                                                                      retention, constants)
        bound, _, k = _certify(diagonal, coupling_gain, rec)
        if not invariant.all() or bound >= 1:
            k = int(np.argmin(invariant)) if not invariant.all() else k
            what = ("states may leave [0, 1]" if not invariant.all()
                    else f"contraction bound {bound:.4g} >= 1")
            raise _refuse_unstable(what, k, v_lo, v_hi,
                                   "Use weaker coupling, a smaller dt or v_max, or less "
                                   "variability", unit="device")
    opts = _noise_options(device, dt, dtype, batch.values.shape[2])
    if backend == "numpy":
        with np.errstate(over="ignore", invalid="ignore"):
            return _checked(coupled_device_reference(
                batch.values, batch.lengths, Wt, h0, bias, rec, dt, constants, opts, retention,
                voltage_map, seed, washout, n_windows, return_states, std), _HINT)
    G, sums, states = _outputs(batch, n_neurons, n_windows, dtype, return_states, std)
    G[...] = 0
    H = np.broadcast_to(h0, G.shape).copy()
    EPS, ZA, ZB = np.zeros_like(H), np.zeros_like(H), np.zeros_like(H)
    keys = _keys_np(case_seeds(batch.values, batch.lengths, seed), n_neurons)
    if opts.read_sigma and opts.ou_decay:
        EPS[...] = opts.read_sigma * _normal_pair_np(keys, 0, dtype)[1]
    kernel = coupled_device_kernel(constants.integer_ratio, voltage_map is not None,
                                   dtype is np.float64)
    c = dtype
    v_min, v_max, gain = voltage_map if voltage_map is not None else (0.0, 1.0, 1.0)
    arrays, (vstep, *noise) = _kernel_constants(constants, opts, dtype)
    with _numba_threads(n_jobs):
        for t, A in _coupled_steps(batch, Wt, rec, H, states if return_states else None, G):
            kernel(H, G, EPS, A, keys, t, batch.lengths, kidx, bias, c(dt), *arrays,
                   c(retention), c(v_min), c(v_max - v_min), c(gain), vstep, *noise, ZA, ZB, sums,
                   _square_slot(n_windows, std))
    return _finish(G, sums, kidx, states, return_states, _HINT, std)
