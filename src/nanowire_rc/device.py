"""Real devices: variability, noise, quantisation and the conductance window.

A physical nanowire memristor (Milano et al., *Nature Materials* 21, 195–202, 2022 [online
2021], and the public code of that paper) differs from the ideal model by device-to-device
spread, read and state noise, DAC and ADC quantisation and a conductance window: each a keyword
of :class:`Device`, with the laws in docs/devices.md ("The device model"). The normal law of the
sensitivities and bounds follows Milano et al.'s code; its truncation only matters for spreads
above ~30 %. ``Device()`` has everything off (``G = h``): a reservoir given it takes the ideal
path, bit-identical to ``device=None``.

This module also holds presets of the physical constants with their sources (:data:`TABLE2`,
:data:`MILANO2021_RESERVOIR`, :data:`MILANO2021_PULSE`) and the closed-form memory factor of an
assembly of non-identical neurons (:func:`device_memory_factor`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import truncnorm

from ._seeding import generator
from .exceptions import InvalidParameterError
from .physics import METHODS, NEURON, NanowireParams, _as_params, _check_voltages

__all__ = [
    "CONSTANTS",
    "MILANO2021_PULSE",
    "MILANO2021_RESERVOIR",
    "PRESETS",
    "TABLE2",
    "Device",
    "DeviceConstants",
    "device_memory_factor",
    "quantise_voltage",
]

#: The per-neuron constants that ``variability`` may spread.
CONSTANTS = ("kappa_p0", "kappa_d0", "eta_p", "eta_d", "g_min", "g_max")
_LOG_NORMAL = ("kappa_p0", "kappa_d0")
_TRUNCATE_SIGMAS = 3.0
_FLOOR = 0.01  # smallest allowed fraction of the nominal value for eta and g_min draws

#: The reference paper's Table 2 (the model's defaults): ``kappa_p0 = 1e-4, kappa_d0 = 0.5,
#: eta_p = 10, eta_d = 1`` (time in units of the step, voltage in volts).
TABLE2 = NanowireParams(kappa_p0=1e-4, kappa_d0=0.5, eta_p=10.0, eta_d=1.0)

#: Milano et al., "In materia reservoir computing with a fully memristive architecture based on
#: self-organizing nanowire networks", Nature Materials 21, 195–202 (2022; online 2021), constants
#: of its public simulation code for the reservoir experiments: ``kappa_p0 = 2.555e-6 s^-1,
#: kappa_d0 = 64.88 s^-1, eta_p = 34.92 V^-1, eta_d = 5.59 V^-1``.
MILANO2021_RESERVOIR = NanowireParams(kappa_p0=2.555e-6, kappa_d0=64.88, eta_p=34.92, eta_d=5.59)

#: Same paper and code, the fit to a measured 2 V pulse response: ``kappa_p0 = 8.42e-10 s^-1,
#: kappa_d0 = 0.0487 s^-1, eta_p = 0.200 V^-1, eta_d = 158.0 V^-1``.
MILANO2021_PULSE = NanowireParams(kappa_p0=8.42e-10, kappa_d0=0.0487, eta_p=0.200, eta_d=158.0)

#: The presets by name (used by the command line and the robustness experiment).
PRESETS = {"table2": TABLE2, "milano2021-reservoir": MILANO2021_RESERVOIR,
           "milano2021-pulse": MILANO2021_PULSE}


def _real(name: str, value, minimum: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"Device.{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        bound = ">" if strict else ">="
        raise InvalidParameterError(
            f"Device.{name} must be finite and {bound} {minimum:g}, got {value!r}")
    return value


@dataclass(frozen=True, eq=True)
class Device:
    """Non-ideal behaviour of the physical device behind each neuron.

    Parameters
    ----------
    variability : float or mapping, default=0.0
        Relative device-to-device spread: one value for every constant in :data:`CONSTANTS`, or a
        mapping from some of those names to their spread (the others get 0). The laws:
        docs/devices.md.
    read_noise : float, default=0.0
        Standard deviation of the read noise, relative to the nominal window ``g_max - g_min``.
    state_noise : float, default=0.0
        Standard deviation of a white Gaussian added to the normalised state ``h`` per step
        (then clipped to [0, 1]).
    noise_correlation_time : float, default=0.0
        Correlation time ``tau`` of the read noise (Ornstein–Uhlenbeck); 0 means white.
    voltage_step : float, default=0.0
        DAC step in volts (0: no voltage quantisation).
    adc_bits : int or None, default=None
        ADC resolution over ``[g_min, g_max]`` (``None``: no conductance quantisation).
    g_min, g_max : float, default=0.0, 1.0
        Nominal conductance window (any unit, e.g. siemens); ``0 <= g_min < g_max``.

    Raises
    ------
    TypeError
        If a setting is not a real number (``adc_bits``: an integer or None).
    ValueError
        If a setting is negative or not finite, ``variability`` names an unknown constant,
        ``g_max <= g_min`` or ``adc_bits`` is outside [1, 24].

    See Also
    --------
    nanowire_rc.calibrate : Fit the constants and the window to measured traces.

    Examples
    --------
    >>> from nanowire_rc import Device
    >>> Device().is_ideal
    True
    >>> Device(variability={"eta_p": 0.1}, read_noise=0.01, voltage_step=0.01).spread("eta_p")
    0.1
    >>> Device(g_min=1e-5, g_max=1e-3).window
    0.00099
    """

    variability: float | Mapping[str, float] = 0.0
    read_noise: float = 0.0
    state_noise: float = 0.0
    noise_correlation_time: float = 0.0
    voltage_step: float = 0.0
    adc_bits: int | None = None
    g_min: float = 0.0
    g_max: float = 1.0

    def __post_init__(self) -> None:
        var = self.variability
        if isinstance(var, Mapping):
            unknown = set(var) - set(CONSTANTS)
            if unknown:
                raise InvalidParameterError(
                    f"Device.variability has unknown constants {sorted(unknown)}; "
                    f"use names from {CONSTANTS}")
            var = tuple((k, _real(f"variability[{k!r}]", var[k])) for k in CONSTANTS if k in var)
            object.__setattr__(self, "variability", dict(var))
        else:
            object.__setattr__(self, "variability", _real("variability", var))
        for name in ("read_noise", "state_noise", "noise_correlation_time", "voltage_step",
                     "g_min"):
            object.__setattr__(self, name, _real(name, getattr(self, name)))
        object.__setattr__(self, "g_max", _real("g_max", self.g_max, self.g_min, strict=True))
        bits = self.adc_bits
        if bits is not None:
            if isinstance(bits, bool) or not isinstance(bits, numbers.Integral):
                raise InvalidParameterError(
                    f"Device.adc_bits must be an integer or None, got {bits!r}")
            if not 1 <= bits <= 24:
                raise InvalidParameterError(f"Device.adc_bits must lie in [1, 24], got {bits!r}")
            object.__setattr__(self, "adc_bits", int(bits))

    def __hash__(self) -> int:
        items = []
        for f in fields(self):
            value = getattr(self, f.name)
            items.append(tuple(sorted(value.items())) if isinstance(value, dict) else value)
        return hash(tuple(items))

    def spread(self, name: str) -> float:
        """Relative spread of constant ``name`` (one of :data:`CONSTANTS`).

        Parameters
        ----------
        name : str
            One of :data:`CONSTANTS`.

        Returns
        -------
        float
            The relative standard deviation of that constant across devices.

        Raises
        ------
        ValueError
            If ``name`` is not in :data:`CONSTANTS`.

        Examples
        --------
        >>> from nanowire_rc import Device
        >>> Device(variability=0.05).spread("kappa_p0")
        0.05
        >>> Device(variability={"g_max": 0.1}).spread("eta_d")
        0.0
        """
        if name not in CONSTANTS:
            raise InvalidParameterError(f"unknown constant {name!r}; use one of {CONSTANTS}")
        if isinstance(self.variability, dict):
            return float(self.variability.get(name, 0.0))
        return float(self.variability)

    @property
    def has_variability(self) -> bool:
        """Whether any constant differs between neurons."""
        return any(self.spread(c) > 0 for c in CONSTANTS)

    @property
    def is_ideal(self) -> bool:
        """True when the device behaves exactly like the ideal neuron (everything off)."""
        return not (self.has_variability or self.read_noise or self.state_noise
                    or self.voltage_step or self.adc_bits is not None
                    or self.g_min != 0.0 or self.g_max != 1.0)

    @property
    def window(self) -> float:
        """Nominal conductance window ``g_max - g_min``."""
        return self.g_max - self.g_min

    def draw(self, n_neurons: int, params: NanowireParams | None = None,
             random_state=None) -> DeviceConstants:
        """Draw the per-neuron constants of ``n_neurons`` devices (nominal values: ``params``).

        Parameters
        ----------
        n_neurons : int
            Number of devices.
        params : NanowireParams, optional
            Nominal rate constants (default: Table 2).
        random_state : int, SeedSequence, Generator, RandomState or None
            Seeds the draw. Constants without spread consume no random numbers.

        Returns
        -------
        DeviceConstants
            One value of every constant per device.

        Raises
        ------
        ValueError
            If ``n_neurons`` is not a positive integer.

        Examples
        --------
        >>> from nanowire_rc import Device
        >>> constants = Device(variability=0.05).draw(4, random_state=0)
        >>> constants.eta_p.round(3)
        array([10.055, 10.753, 10.448,  8.677])
        >>> constants.n_neurons
        4
        """
        p = _as_params(params)
        if isinstance(n_neurons, bool) or not isinstance(n_neurons, numbers.Integral) \
                or n_neurons < 1:
            raise InvalidParameterError(f"n_neurons must be a positive integer, got {n_neurons!r}")
        rng = generator(random_state)
        nominal = {"kappa_p0": p.kappa_p0, "kappa_d0": p.kappa_d0, "eta_p": p.eta_p,
                   "eta_d": p.eta_d, "g_min": self.g_min, "g_max": self.g_max}
        out = {}
        for name in ("kappa_p0", "kappa_d0"):
            s = self.spread(name)
            value = np.full(n_neurons, nominal[name])
            if s > 0:
                value = value * np.exp(s * rng.standard_normal(n_neurons) - s * s / 2)
            out[name] = value
        for name in ("eta_p", "eta_d", "g_min"):
            out[name] = _truncated(rng, nominal[name], self.spread(name), n_neurons)
        g_max = _truncated(rng, self.g_max, self.spread("g_max"), n_neurons)
        for _ in range(1000):
            bad = g_max <= out["g_min"]
            if not bad.any():
                break
            g_max[bad] = _truncated(rng, self.g_max, self.spread("g_max"), int(bad.sum()))
        else:  # pragma: no cover - needs absurd spreads
            raise InvalidParameterError(
                "could not draw g_max > g_min for every neuron: reduce the spread "
                "of g_min / g_max or widen the nominal window")
        out["g_max"] = g_max
        return DeviceConstants(**out)

    def nominal(self, n_neurons: int, params: NanowireParams | None = None) -> DeviceConstants:
        """Constants of ``n_neurons`` identical devices (no spread).

        Parameters
        ----------
        n_neurons : int
            Number of devices.
        params : NanowireParams, optional
            Rate constants (default: Table 2).

        Returns
        -------
        DeviceConstants
            The nominal constants, and this device's window, repeated ``n_neurons`` times.

        Examples
        --------
        >>> from nanowire_rc import Device
        >>> constants = Device(g_min=1e-5, g_max=1e-3).nominal(3)
        >>> constants.eta_p, constants.g_max
        (array([10., 10., 10.]), array([0.001, 0.001, 0.001]))
        """
        p = _as_params(params)
        full = lambda v: np.full(n_neurons, float(v))  # noqa: E731
        return DeviceConstants(full(p.kappa_p0), full(p.kappa_d0), full(p.eta_p), full(p.eta_d),
                               full(self.g_min), full(self.g_max))


def _truncated(rng: np.random.Generator, nominal: float, s: float, n: int) -> np.ndarray:
    """``nominal * (1 + s xi)``, ``xi`` standard normal truncated to ``[-3, 3]`` and to keep the
    value at least 1 % of ``nominal``."""
    if s == 0 or nominal == 0:
        return np.full(n, float(nominal))
    lo = max(-_TRUNCATE_SIGMAS, (_FLOOR - 1.0) / s)
    xi = truncnorm.rvs(lo, _TRUNCATE_SIGMAS, size=n, random_state=rng)
    return nominal * (1.0 + s * np.asarray(xi, dtype=np.float64))


@dataclass(frozen=True, eq=False)
class DeviceConstants:
    """Per-neuron constants of an assembly of devices, each an array of shape (n_neurons,).

    Usually made by :meth:`Device.draw` or :meth:`Device.nominal`; the arrays are stored as
    contiguous float64.

    Parameters
    ----------
    kappa_p0, kappa_d0, eta_p, eta_d : array_like of shape (n_neurons,)
        Rate constants (all > 0).
    g_min, g_max : array_like of shape (n_neurons,)
        Conductance bounds (``0 <= g_min < g_max``).

    Raises
    ------
    ValueError
        If the arrays are not 1-D of one common length, not finite, or not physical.

    Examples
    --------
    >>> from nanowire_rc.device import DeviceConstants
    >>> c = DeviceConstants([1e-4, 2e-4], [0.5, 0.5], [10.0, 10.0], [1.0, 1.0],
    ...                     [0.0, 0.0], [1.0, 1.0])
    >>> c.n_neurons, c.integer_ratio
    (2, 10)
    >>> c.params(1)
    NanowireParams(kappa_p0=0.0002, kappa_d0=0.5, eta_p=10.0, eta_d=1.0)
    """

    kappa_p0: np.ndarray
    kappa_d0: np.ndarray
    eta_p: np.ndarray
    eta_d: np.ndarray
    g_min: np.ndarray
    g_max: np.ndarray

    def __post_init__(self) -> None:
        shape = None
        for f in fields(self):
            value = np.ascontiguousarray(getattr(self, f.name), dtype=np.float64)
            if value.ndim != 1 or (shape is not None and value.shape != shape):
                raise InvalidParameterError(
                    f"DeviceConstants.{f.name} must be 1-D with one value per "
                    f"neuron, got shape {value.shape}")
            shape = value.shape
            if not np.all(np.isfinite(value)):
                raise InvalidParameterError(f"DeviceConstants.{f.name} contains NaN or inf")
            object.__setattr__(self, f.name, value)
        for name in ("kappa_p0", "kappa_d0", "eta_p", "eta_d"):
            if np.any(getattr(self, name) <= 0):
                raise InvalidParameterError(f"DeviceConstants.{name} must be > 0 for every neuron")
        if np.any(self.g_min < 0) or np.any(self.g_max <= self.g_min):
            raise InvalidParameterError("DeviceConstants need 0 <= g_min < g_max for every neuron")

    @property
    def n_neurons(self) -> int:
        """Number of devices."""
        return self.kappa_p0.shape[0]

    @property
    def integer_ratio(self) -> int | None:
        """The common ``eta_p / eta_d`` of every neuron when it is a small integer, else None."""
        ratio = self.eta_p / self.eta_d
        n = round(float(ratio[0]))
        if 1 <= n <= 64 and np.all(np.abs(ratio - n) <= 1e-12 * n):
            return int(n)
        return None

    def params(self, n: int) -> NanowireParams:
        """The rate constants of neuron ``n`` as a :class:`NanowireParams`.

        Parameters
        ----------
        n : int
            Index of the neuron.

        Returns
        -------
        NanowireParams
            Its ``kappa_p0, kappa_d0, eta_p, eta_d``.

        Examples
        --------
        >>> from nanowire_rc import Device
        >>> Device().nominal(2).params(0)
        NanowireParams(kappa_p0=0.0001, kappa_d0=0.5, eta_p=10.0, eta_d=1.0)
        """
        return NanowireParams(float(self.kappa_p0[n]), float(self.kappa_d0[n]),
                              float(self.eta_p[n]), float(self.eta_d[n]))

    def check_voltages(self, v_lo: float, v_hi: float, dtype=np.float64) -> None:
        """Raise :class:`~nanowire_rc.exceptions.VoltageOverflowError` if a neuron's rates overflow.

        The check uses the largest constants of the assembly, so it covers every neuron.

        Parameters
        ----------
        v_lo, v_hi : float
            Smallest and largest voltage the rates will be evaluated at.
        dtype : numpy dtype, default float64
            The floating type the rates will be computed in.

        Raises
        ------
        VoltageOverflowError
            If a voltage in ``[v_lo, v_hi]`` makes a neuron's rate overflow ``dtype``.

        Examples
        --------
        >>> from nanowire_rc import Device
        >>> Device().nominal(2).check_voltages(0.0, 1.0)  # fine: returns None
        """
        worst = NanowireParams(float(self.kappa_p0.max()), float(self.kappa_d0.max()),
                               float(self.eta_p.max()), float(self.eta_d.max()))
        _check_voltages(v_lo, v_hi, worst, dtype)


def quantise_voltage(v: ArrayLike, step: float) -> np.ndarray:
    """DAC rounding ``step * floor(v / step + 1/2)`` (``step == 0``: unchanged).

    Parameters
    ----------
    v : array_like
        Voltages.
    step : float
        DAC step in volts (0: no quantisation).

    Returns
    -------
    ndarray
        The voltages rounded to the nearest multiple of ``step`` (halves round up).

    Examples
    --------
    >>> from nanowire_rc.device import quantise_voltage
    >>> quantise_voltage([0.123, 0.456, -0.004], 0.01)
    array([0.12, 0.46, 0.  ])
    """
    v = np.asarray(v)
    if step == 0:
        return v
    return np.floor(v / step + 0.5) * step


def device_memory_factor(v_lo: ArrayLike, v_hi: ArrayLike, dt: float, constants: DeviceConstants,
                         method: str = NEURON.method) -> np.ndarray:
    """Closed-form memory factor of each neuron with its own constants.

    Neuron ``n`` sees voltages in ``[v_lo[n], v_hi[n]]``; ``rho_n`` is the closed form of
    docs/theory.md ("Memory factor") with its constants, and the assembly's factor is
    ``max_n rho_n``. With a DAC, pass the quantised interval (:func:`quantise_voltage` of both
    ends: rounding is monotone). What the guarantee covers with noise: docs/devices.md
    ("Stability").

    Parameters
    ----------
    v_lo, v_hi : array_like of shape (n_neurons,) or scalar
        Voltage interval of each neuron (broadcast together, ``v_lo <= v_hi``).
    dt : float
        Time step (> 0).
    constants : DeviceConstants
        The neurons' constants (e.g. from :meth:`Device.draw`).
    method : {"euler", "exact"}, default "euler"
        Update rule (``exact``: ``exp(-dt S_n,min)``).

    Returns
    -------
    ndarray of shape (n_neurons,)
        ``rho_n`` for every neuron; the assembly is stable when the largest is below 1.

    Raises
    ------
    ValueError
        If ``method`` is unknown, ``dt`` is not positive or ``v_lo > v_hi`` somewhere.
    VoltageOverflowError
        If a voltage is so large that a neuron's rate would overflow float64.

    Examples
    --------
    >>> from nanowire_rc import Device
    >>> from nanowire_rc.device import device_memory_factor
    >>> constants = Device(variability=0.05).draw(4, random_state=0)
    >>> device_memory_factor(0.0, 1.0, dt=0.1, constants=constants).round(4)
    array([0.9702, 0.9656, 0.9665, 0.969 ])
    """
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {METHODS}, got {method!r}")
    dt = float(dt)
    if not (math.isfinite(dt) and dt > 0):
        raise InvalidParameterError(f"dt must be finite and > 0, got {dt!r}")
    c = constants
    v_lo, v_hi = np.broadcast_arrays(np.asarray(v_lo, dtype=np.float64),
                                     np.asarray(v_hi, dtype=np.float64))
    if np.any(v_lo > v_hi):
        raise InvalidParameterError("v_lo must be <= v_hi")
    c.check_voltages(float(v_lo.min()), float(v_hi.max()))

    def s(v):
        return c.kappa_p0 * np.exp(c.eta_p * v) + c.kappa_d0 * np.exp(-c.eta_d * v)

    v_star = np.log(c.kappa_d0 * c.eta_d / (c.kappa_p0 * c.eta_p)) / (c.eta_p + c.eta_d)
    s_min = s(np.clip(v_star, v_lo, v_hi))
    if method == "exact":
        return np.exp(-dt * s_min)
    s_max = np.maximum(s(v_lo), s(v_hi))
    return np.maximum(np.abs(1.0 - dt * s_max), np.abs(1.0 - dt * s_min))
