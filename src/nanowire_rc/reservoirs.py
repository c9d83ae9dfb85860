"""Reservoirs as scikit-learn transformers: series in, pooled reservoir features out.

:class:`NanowireReservoir` is the paper's uncoupled assembly of nanowire neurons,
:class:`CoupledNanowireReservoir` its coupled extension (the paper's future work) and
:class:`LeakyTanhReservoir` the leaky-integrator Echo State Network they are compared with
(diagonal, sparse or dense recurrent matrix). All fit a min–max input scaling on the training
series, draw their random weights from ``random_state``, and turn each series into pooled
features (``mean``, ``last``, ``windows`` or a ``+``-joined combination) computed in one pass of
the compiled kernels. ``pool`` returns every pooled quantity at once, so that model selection can
compare representations without re-running the reservoir.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .device import Device, device_memory_factor, quantise_voltage
from .exceptions import StabilityWarning, UnstableReservoirError
from .kernels import PooledStates, run_coupled_nanowire, run_leaky_tanh, run_nanowire
from .kernels.device import (
    device_contraction_bound,
    run_coupled_nanowire_device,
    run_nanowire_device,
)
from .physics import METHODS, NanowireParams
from .series import SeriesBatch, as_batch, scale_minmax
from .stability import (
    coupled_contraction_bound,
    coupled_voltage_range,
    input_voltage_range,
    memory_factor_voltage,
)

__all__ = [
    "FEATURES",
    "CoupledNanowireReservoir",
    "LeakyTanhReservoir",
    "NanowireReservoir",
    "UnstableReservoirError",
    "feature_blocks",
    "pooled_features",
]

FEATURES = ("mean", "last", "windows")


def _parse_features(features: str) -> list[str]:
    if not isinstance(features, str):
        raise TypeError(f"features must be a string such as 'mean+last', got {features!r}")
    parts = features.split("+")
    if not parts or any(p not in FEATURES for p in parts) or len(set(parts)) != len(parts):
        raise ValueError(
            f"features must join distinct names from {FEATURES} with '+', e.g. 'mean+last' or "
            f"'windows+last'; got {features!r}"
        )
    return parts


def feature_blocks(pooled: PooledStates, features: str) -> list[np.ndarray]:
    """The requested pooled quantities as 2-D views, in order: the columns of
    :func:`pooled_features` without copying them."""
    blocks = {
        "mean": lambda: pooled.mean,
        "last": lambda: pooled.last,
        "windows": lambda: pooled.windows.reshape(pooled.windows.shape[0], -1),
    }
    return [blocks[name]() for name in _parse_features(features)]


def pooled_features(pooled: PooledStates, features: str) -> np.ndarray:
    """Concatenate the requested pooled quantities into a (n_cases, n_features) matrix."""
    return np.hstack(feature_blocks(pooled, features))


def _check_int(name: str, value, minimum: int) -> None:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_real(name: str, value, minimum: float = -np.inf, strict: bool = False) -> None:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or value < minimum or (strict and value == minimum):
        bound = ">" if strict else ">="
        raise ValueError(f"{name} must be a finite real {bound} {minimum}, got {value!r}")


def _check_params(params) -> None:
    if params is not None and not isinstance(params, NanowireParams):
        raise TypeError(f"params must be a NanowireParams or None, got {params!r}")


def _check_device(device) -> None:
    if device is not None and not isinstance(device, Device):
        raise TypeError(f"device must be a Device or None, got {device!r}")


def _draw_device(res, rng: np.random.RandomState, v_lo, v_hi):
    """Draw a non-ideal device's per-neuron constants and noise seed (``None`` for an ideal one)
    and return the voltage range after the DAC's rounding.

    Called after the weights are drawn, so the weights never depend on the device.
    """
    res.device_constants_ = res.noise_seed_ = None
    if res.device is None or res.device.is_ideal:
        return v_lo, v_hi
    res.device_constants_ = res.device.draw(res.n_neurons, res.params, rng)
    res.noise_seed_ = int(rng.randint(0, 2**62, dtype=np.int64))
    return tuple(quantise_voltage(v, res.device.voltage_step) for v in (v_lo, v_hi))


def _draw_input_weights(res, rng: np.random.RandomState) -> np.ndarray:
    """Nanowire input weights: ``omega_n`` times a convex combination of the channels.

    Sets ``res.input_weights_`` (n_neurons, n_channels) and returns the scalings ``omega``.
    """
    _check_real("input_scaling", res.input_scaling)
    _check_real("input_scaling_spread", res.input_scaling_spread, 0.0)
    lo = res.input_scaling - res.input_scaling_spread
    omega = rng.uniform(lo, lo + 2 * res.input_scaling_spread, res.n_neurons)
    mix = (rng.dirichlet(np.ones(res.n_channels_), res.n_neurons) if res.n_channels_ > 1
           else np.ones((res.n_neurons, 1)))
    res.input_weights_ = omega[:, None] * mix
    return omega


def _random_matrix(rng: np.random.RandomState, n: int, connectivity: str, density: float):
    """Dense or sparse (``density``) n x n matrix with entries Uniform[-1, 1], unscaled."""
    if connectivity not in ("sparse", "dense"):
        raise ValueError(f"connectivity must be 'sparse' or 'dense', got {connectivity!r}")
    _check_real("density", density, 0.0, strict=True)
    if density > 1:
        raise ValueError(f"density must lie in (0, 1], got {density!r}")
    if connectivity == "dense":
        return rng.uniform(-1, 1, (n, n))
    return sp.random(n, n, density=density, random_state=rng, format="csr",
                     data_rvs=lambda k: rng.uniform(-1, 1, k))


class _Reservoir(TransformerMixin, BaseEstimator):
    """Shared fit/transform logic: input validation and scaling, pooling, feature assembly."""

    @property
    def _n_pool_windows(self) -> int:
        # Series shorter than n_windows are fine unless window means are asked for.
        return self.n_windows if "windows" in _parse_features(self.features) else 1

    def _validate_common(self) -> None:
        _check_int("n_neurons", self.n_neurons, 1)
        _check_int("n_windows", self.n_windows, 1)
        _check_int("washout", self.washout, 0)
        _parse_features(self.features)
        if self.input_range is not None:
            bad = ValueError(f"input_range must be None or a pair (low, high) of finite reals "
                             f"with low < high, got {self.input_range!r}")
            try:
                lo, hi = self.input_range
                ok = bool(np.isfinite(lo) and np.isfinite(hi) and lo < hi)
            except (TypeError, ValueError):
                raise bad from None
            if not ok:
                raise bad
        if np.dtype(self.dtype).name not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")

    def _batch(self, X) -> SeriesBatch:
        # float64 until scaled: casting first would lose a small signal on a large offset.
        return as_batch(X, dtype=np.float64)

    def _fit_scaling(self, batch: SeriesBatch) -> SeriesBatch:
        self.n_channels_ = batch.n_channels
        self.data_min_, self.data_max_ = batch.channel_range()
        return self._scale(batch)

    def _scale(self, batch: SeriesBatch) -> SeriesBatch:
        if batch.n_channels != self.n_channels_:
            raise ValueError(
                f"X has {batch.n_channels} channel(s), but {type(self).__name__} was fitted "
                f"with {self.n_channels_}"
            )
        return scale_minmax(batch, self.data_min_, self.data_max_, self.input_range,
                            dtype=self.dtype)

    def _scaled_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-channel range of the inputs the reservoir will see after scaling and clipping."""
        if self.input_range is None:
            return self.data_min_, self.data_max_
        lo, hi = self.input_range
        return np.full(self.n_channels_, float(lo)), np.full(self.n_channels_, float(hi))

    def fit(self, X: ArrayLike, y=None) -> _Reservoir:
        """Fit the input scaling on ``X`` and draw the reservoir's weights."""
        self._validate_common()
        batch = self._batch(X)
        self._fit_scaling(batch)
        self._draw(check_random_state(self.random_state))
        n_blocks = sum(self.n_windows if f == "windows" else 1
                       for f in _parse_features(self.features))
        self.n_features_out_ = n_blocks * self.n_neurons
        return self

    def pool(self, X: ArrayLike) -> PooledStates:
        """Run the reservoir on ``X`` and return every pooled quantity (one pass).

        ``windows`` holds ``n_windows`` windows when ``features`` uses them, else one.
        """
        check_is_fitted(self, "n_channels_")
        return self._run(self._scale(self._batch(X)))

    def states(self, X: ArrayLike, h0: ArrayLike = 0.0) -> np.ndarray:
        """Full state trajectories, shape (n_cases, n_timepoints, n_neurons): small inputs only.

        ``states[i, t]`` is the state after consuming ``X[i, ..., t]`` (zero past a series' end).
        """
        check_is_fitted(self, "n_channels_")
        return self._run(self._scale(self._batch(X)), h0=h0, return_states=True).states

    def echo_state_gap(self, X: ArrayLike, random_state=None) -> np.ndarray:
        """Empirical echo-state check on your data: the largest ``|h(t) - h'(t)|`` per step.

        Both runs see the same series ``X`` from two initial states drawn uniformly in [0, 1]
        (per neuron). A gap that shrinks towards 0 is what the echo-state property predicts;
        one that does not means the reservoir's state depends on where it started.
        """
        rng = check_random_state(random_state)
        a = self.states(X, h0=rng.uniform(0, 1, self.n_neurons))
        b = self.states(X, h0=rng.uniform(0, 1, self.n_neurons))
        return np.abs(a - b).max(axis=(0, 2))

    def _kernel_options(self, h0=0.0, return_states=False) -> dict:
        return {"washout": self.washout, "n_windows": self._n_pool_windows, "h0": h0,
                "dtype": self.dtype, "return_states": return_states, "n_jobs": self.n_jobs}

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Pooled reservoir features, shape (n_cases, n_features_out_)."""
        return pooled_features(self.pool(X), self.features)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "n_channels_")
        names = []
        for f in _parse_features(self.features):
            if f == "windows":
                names += [f"window{k}_{n}" for k in range(self.n_windows)
                          for n in range(self.n_neurons)]
            else:
                names += [f"{f}_{n}" for n in range(self.n_neurons)]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # output dtype is the ``dtype`` parameter
        tags.input_tags.allow_nan = False
        return tags


class NanowireReservoir(_Reservoir):
    """Uncoupled assembly of memristive nanowire neurons (the paper's reservoir).

    Neuron ``n`` has input scaling ``omega_n ~ Uniform[input_scaling - input_scaling_spread,
    input_scaling + input_scaling_spread]`` and the state update of docs/theory.md ("The
    neuron"). Multichannel input reaches it as ``omega_n`` times a random convex combination of
    the channels (Dirichlet(1) weights), so each neuron's voltage stays within ``omega_n`` times
    the scaled input range and the univariate stability theory applies to it.

    Parameters
    ----------
    n_neurons : int, default=100
        Number of neurons ``N``.
    input_scaling : float, default=0.8
        Centre ``omega0`` of the per-neuron input scalings.
    input_scaling_spread : float, default=0.3
        Half-width ``d_omega`` of the uniform distribution of input scalings.
    dt : float, default=0.1
        Time step.
    params : NanowireParams or None, default=None
        Physical constants; ``None`` means the paper's Table 2.
    method : {"euler", "exact"}, default="euler"
        Update rule: the paper's forward Euler, or the exact solution for piecewise-constant input.
    device : Device or None, default=None
        Non-ideal device behind each neuron (:class:`~nanowire_rc.device.Device`): per-neuron
        constants drawn at ``fit``, noise, DAC/ADC quantisation, and read conductances as
        features (docs/devices.md). ``None`` or an ideal ``Device()``: the ideal neuron
        (bit-identical results).
    features : str, default="mean+last+windows"
        Pooled features, ``+``-joined from ``mean``, ``last``, ``windows``.
    n_windows : int, default=8
        Number of equal time windows for ``windows``.
    washout : int, default=0
        Initial steps left out of ``mean`` and ``windows``.
    input_range : (float, float) or None, default=(0.0, 1.0)
        Min–max scaling target, fitted per channel on the training series; later series are
        clipped to the training range first. ``None``: no scaling (values still clipped).
    dtype : {"float32", "float64"}, default="float32"
        Compute type.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of input scalings (then of the device constants and noise seed).
    n_jobs : int or None, default=None
        Threads for the compiled kernel (``None``: all cores).

    Attributes
    ----------
    input_weights_ : ndarray (n_neurons, n_channels)
        Per-neuron input weights (``omega_n`` for univariate input).
    memory_factor_ : float
        Memory factor over the scaled input range (max over neurons, each with its own device
        constants and DAC-rounded voltages); < 1 is enforced at fit.
    device_constants_ : DeviceConstants or None
        Per-neuron constants drawn at fit (``None`` for the ideal neuron).
    noise_seed_ : int or None
        Seed of the device noise, fixed at fit so that ``transform`` is deterministic.
    n_channels_, data_min_, data_max_, n_features_out_
        Channels seen at fit, per-channel training range, output width.

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when ``memory_factor_ >= 1``.
    """

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        dt: float = 0.1,
        params: NanowireParams | None = None,
        method: str = "euler",
        device: Device | None = None,
        features: str = "mean+last+windows",
        n_windows: int = 8,
        washout: int = 0,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.dt = dt
        self.params = params
        self.method = method
        self.device = device
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.input_range = input_range
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _draw(self, rng: np.random.RandomState) -> None:
        _check_real("dt", self.dt, 0.0, strict=True)
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        _check_params(self.params)
        _check_device(self.device)
        omega = _draw_input_weights(self, rng)
        # Each neuron's voltage range over the scaled input box, then the closed-form factor.
        x_lo, x_hi = self._scaled_range()
        v_lo, v_hi = input_voltage_range(x_lo, x_hi, self.input_weights_)
        v_lo, v_hi = _draw_device(self, rng, v_lo, v_hi)
        if self.device_constants_ is not None:
            rho = device_memory_factor(v_lo, v_hi, self.dt, self.device_constants_,
                                       self.method)
        else:
            rho = np.asarray(memory_factor_voltage(v_lo, v_hi, self.dt, self.params,
                                                   self.method))
        worst = int(np.argmax(rho))
        self.memory_factor_ = float(rho[worst])
        if self.memory_factor_ >= 1:
            raise UnstableReservoirError(
                f"memory factor rho = {self.memory_factor_:.4g} >= 1 (neuron {worst}, omega = "
                f"{omega[worst]:.4g}, voltages in [{v_lo[worst]:.4g}, {v_hi[worst]:.4g}], "
                f"dt = {self.dt}): the echo-state guarantee does not hold. Use a smaller dt or "
                f"input_scaling / input_scaling_spread, or method='exact'"
                + (" (device variability spreads the rate constants: less variability also "
                   "helps)." if self.device_constants_ is not None else ".")
            )

    def _run(self, batch: SeriesBatch, **options) -> PooledStates:
        # fit enforced memory_factor_ < 1 over the range the inputs are clipped to.
        if self.device_constants_ is not None:
            return run_nanowire_device(batch, self.input_weights_, self.dt, self.device,
                                       self.device_constants_, self.params, self.method,
                                       random_state=self.noise_seed_, check=False,
                                       **self._kernel_options(**options))
        return run_nanowire(batch, self.input_weights_, self.dt, self.params, self.method,
                            check=False, **self._kernel_options(**options))


CONNECTIVITY = ("diagonal", "sparse", "dense")


class LeakyTanhReservoir(_Reservoir):
    """Leaky-integrator tanh reservoir (Echo State Network), the paper's baseline.

    ``h(t+1) = (1 - a) h(t) + a tanh(W_in x(t+1) + W h(t) + b)``, with ``W_in ~ Uniform[-d, d]``,
    ``b ~ Uniform[-beta, beta]`` and ``W`` diagonal (the paper's uncoupled baseline: entries
    Uniform[-1, 1] rescaled so that max |W_nn| is the spectral radius), sparse or dense (standard
    ESN: random entries rescaled to the spectral radius).

    Parameters
    ----------
    n_neurons : int, default=100
    leak_rate : float, default=0.3
        ``a`` in (0, 1].
    input_scaling_spread : float, default=1.0
        ``d``: input weights are Uniform[-d, d].
    bias_scaling : float, default=0.1
        ``beta``: biases are Uniform[-beta, beta].
    spectral_radius : float, default=0.9
        Spectral radius of ``W``.
    connectivity : {"diagonal", "sparse", "dense"}, default="diagonal"
    density : float, default=0.1
        Fraction of non-zero entries of a sparse ``W``.
    features, n_windows, washout, input_range, dtype, random_state, n_jobs
        As in :class:`NanowireReservoir`.

    Attributes
    ----------
    input_weights_ : ndarray (n_neurons, n_channels)
    bias_ : ndarray (n_neurons,)
    recurrent_ : ndarray (n_neurons,) (diagonal), ndarray (n_neurons, n_neurons) or sparse matrix
    """

    def __init__(
        self,
        n_neurons: int = 100,
        leak_rate: float = 0.3,
        input_scaling_spread: float = 1.0,
        bias_scaling: float = 0.1,
        spectral_radius: float = 0.9,
        connectivity: str = "diagonal",
        density: float = 0.1,
        features: str = "mean+last+windows",
        n_windows: int = 8,
        washout: int = 0,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.leak_rate = leak_rate
        self.input_scaling_spread = input_scaling_spread
        self.bias_scaling = bias_scaling
        self.spectral_radius = spectral_radius
        self.connectivity = connectivity
        self.density = density
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.input_range = input_range
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _draw(self, rng: np.random.RandomState) -> None:
        _check_real("leak_rate", self.leak_rate, 0.0, strict=True)
        if self.leak_rate > 1:
            raise ValueError(f"leak_rate must lie in (0, 1], got {self.leak_rate!r}")
        _check_real("input_scaling_spread", self.input_scaling_spread, 0.0)
        _check_real("bias_scaling", self.bias_scaling, 0.0)
        _check_real("spectral_radius", self.spectral_radius, 0.0)
        if self.connectivity not in CONNECTIVITY:
            raise ValueError(f"connectivity must be one of {CONNECTIVITY}, got "
                             f"{self.connectivity!r}")
        n, d = self.n_neurons, self.input_scaling_spread
        self.input_weights_ = rng.uniform(-d, d, (n, self.n_channels_))
        self.bias_ = rng.uniform(-self.bias_scaling, self.bias_scaling, n)
        if self.connectivity == "diagonal":
            w = rng.uniform(-1, 1, n)
            self.recurrent_ = w * (self.spectral_radius / max(np.abs(w).max(), 1e-300))
            return
        W = _random_matrix(rng, n, self.connectivity, self.density)
        if self.connectivity == "dense":
            radius = np.abs(np.linalg.eigvals(W)).max()
        else:
            radius = self._sparse_radius(W, rng)
        self.recurrent_ = W * (self.spectral_radius / radius) if radius > 0 else W

    @staticmethod
    def _sparse_radius(W: sp.csr_matrix, rng: np.random.RandomState) -> float:
        if W.shape[0] <= 64 or W.nnz == 0:
            return float(np.abs(np.linalg.eigvals(W.toarray())).max()) if W.nnz else 0.0
        v0 = rng.uniform(-1, 1, W.shape[0])
        return float(np.abs(spla.eigs(W, k=1, which="LM", v0=v0,
                                      return_eigenvectors=False)).max())

    def _run(self, batch: SeriesBatch, **options) -> PooledStates:
        return run_leaky_tanh(batch, self.input_weights_, self.leak_rate, self.bias_,
                              self.recurrent_, **self._kernel_options(**options))


VOLTAGE_MAPS = ("sigmoid", "identity")


class CoupledNanowireReservoir(_Reservoir):
    """Coupled network of nanowire neurons (the paper's future work) with a stability guarantee.

    Neuron ``n`` receives ``v_n(t+1) = g(W_in[n] x(t+1) + sum_j W[n, j] h_j(t) + b_n)`` and
    updates ``h_n(t+1) = (gamma - dt S(v_n)) h_n(t) + dt k_p(v_n)`` (``gamma = retention``;
    1 is the paper's Euler neuron). ``g`` is ``v_min + (v_max - v_min) sigmoid(gain a)``
    (default; bounds every voltage, so the rates stay finite) or the identity. ``W`` is a random
    dense or sparse matrix scaled so that its largest absolute row sum is ``coupling``: with the
    bounded map this fixes the Jacobian bound of
    :func:`~nanowire_rc.stability.coupled_contraction_bound` from the hyper-parameters alone.

    Parameters
    ----------
    n_neurons : int, default=100
    input_scaling, input_scaling_spread : float, default=0.8, 0.3
        Per-neuron input gains ``omega_n``, as in :class:`NanowireReservoir`.
    coupling : float, default=0.05
        Largest absolute row sum of ``W`` (max-norm coupling strength).
    connectivity : {"dense", "sparse"}, default="dense"
    density : float, default=0.1
        Fraction of non-zero entries of a sparse ``W``.
    bias_scaling : float, default=0.0
        Biases are Uniform[-bias_scaling, bias_scaling].
    dt : float, default=0.1
    retention : float, default=1.0
        ``gamma`` in (0, 1].
    voltage_map : {"sigmoid", "identity"}, default="sigmoid"
    v_min, v_max, gain : float, default=0.0, 1.0, 1.0
        The sigmoid map's voltage window and slope.
    params : NanowireParams or None, default=None
    device : Device or None, default=None
        Non-ideal devices, as in :class:`NanowireReservoir`; the neurons couple through their
        physical states and the features are the read conductances.
    stability : {"raise", "warn"}, default="raise"
        What ``fit`` does when the contraction guarantee fails.
    features, n_windows, washout, input_range, dtype, random_state, n_jobs
        As in :class:`NanowireReservoir`.

    Attributes
    ----------
    input_weights_, recurrent_, bias_
        Drawn weights (``recurrent_`` dense array or CSR matrix).
    contraction_bound_ : float
        Max-norm Lipschitz bound of the state map over the scaled input range (< 1: the
        echo-state property holds, trajectories approach by at least this factor per step).
    states_invariant_ : bool
        Whether states provably stay in [0, 1] (the bound's premise).
    device_constants_, noise_seed_
        As in :class:`NanowireReservoir`; the contraction bound then uses each neuron's own
        constants and the DAC-rounded voltages.
    """

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        coupling: float = 0.05,
        connectivity: str = "dense",
        density: float = 0.1,
        bias_scaling: float = 0.0,
        dt: float = 0.1,
        retention: float = 1.0,
        voltage_map: str = "sigmoid",
        v_min: float = 0.0,
        v_max: float = 1.0,
        gain: float = 1.0,
        params: NanowireParams | None = None,
        device: Device | None = None,
        stability: str = "raise",
        features: str = "mean+last+windows",
        n_windows: int = 8,
        washout: int = 0,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.coupling = coupling
        self.connectivity = connectivity
        self.density = density
        self.bias_scaling = bias_scaling
        self.dt = dt
        self.retention = retention
        self.voltage_map = voltage_map
        self.v_min = v_min
        self.v_max = v_max
        self.gain = gain
        self.params = params
        self.device = device
        self.stability = stability
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.input_range = input_range
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _map(self) -> tuple[float, float, float] | None:
        if self.voltage_map not in VOLTAGE_MAPS:
            raise ValueError(f"voltage_map must be one of {VOLTAGE_MAPS}, got "
                             f"{self.voltage_map!r}")
        if self.voltage_map == "identity":
            return None
        if not self.v_min < self.v_max or not self.gain > 0:
            raise ValueError(f"need v_min < v_max and gain > 0, got {self.v_min}, {self.v_max}, "
                             f"{self.gain}")
        return (float(self.v_min), float(self.v_max), float(self.gain))

    def _draw(self, rng: np.random.RandomState) -> None:
        _check_real("dt", self.dt, 0.0, strict=True)
        _check_real("coupling", self.coupling, 0.0)
        _check_real("bias_scaling", self.bias_scaling, 0.0)
        _check_real("retention", self.retention, 0.0, strict=True)
        if self.retention > 1:
            raise ValueError(f"retention must lie in (0, 1], got {self.retention!r}")
        if self.stability not in ("raise", "warn"):
            raise ValueError(f"stability must be 'raise' or 'warn', got {self.stability!r}")
        _check_params(self.params)
        _check_device(self.device)
        voltage_map = self._map()
        _draw_input_weights(self, rng)
        W = _random_matrix(rng, self.n_neurons, self.connectivity, self.density)
        rows = np.asarray(abs(W).sum(axis=1)).ravel()
        self.recurrent_ = W * (self.coupling / rows.max()) if rows.max() > 0 else W
        self.bias_ = rng.uniform(-self.bias_scaling, self.bias_scaling, self.n_neurons)
        x_lo, x_hi = self._scaled_range()
        v_lo, v_hi, gain_max = coupled_voltage_range(x_lo, x_hi, self.input_weights_,
                                                     self.recurrent_, self.bias_, voltage_map)
        row_sums = np.asarray(abs(self.recurrent_).sum(axis=1)).ravel()
        v_lo, v_hi = _draw_device(self, rng, v_lo, v_hi)
        if self.device_constants_ is not None:
            bound, invariant = device_contraction_bound(v_lo, v_hi, self.dt, row_sums, gain_max,
                                                        self.retention, self.device_constants_)
        else:
            bound, invariant = coupled_contraction_bound(v_lo, v_hi, self.dt, row_sums,
                                                         gain_max, self.retention, self.params)
        worst = int(np.argmax(bound))
        self.contraction_bound_ = float(bound[worst])
        self.states_invariant_ = bool(invariant.all())
        if self.states_invariant_ and self.contraction_bound_ < 1:
            return
        if not self.states_invariant_:
            n = int(np.argmin(invariant))
            fix = ("a lower v_max" if self.voltage_map == "sigmoid"
                   else "the sigmoid voltage map (it bounds every voltage)")
            reason = (f"states may leave [0, 1]: dt * S(v) exceeds retention = {self.retention} "
                      f"for voltages up to {v_hi[n]:.4g} (neuron {n}); use a smaller dt or "
                      f"{fix}")
        else:
            reason = (f"contraction bound {self.contraction_bound_:.4g} >= 1 (neuron {worst}, "
                      f"voltages in [{v_lo[worst]:.4g}, {v_hi[worst]:.4g}]); use weaker "
                      "coupling, a lower gain or v_max, or a different dt")
        message = f"no echo-state guarantee for this coupled reservoir: {reason}."
        if self.stability == "raise":
            raise UnstableReservoirError(message + " Pass stability='warn' to fit anyway.")
        warnings.warn(message, StabilityWarning, stacklevel=3)

    def _run(self, batch: SeriesBatch, **options) -> PooledStates:
        # fit enforced the guarantee (or was told not to, stability="warn"); the inputs are
        # clipped to the range it was computed for.
        if self.device_constants_ is not None:
            return run_coupled_nanowire_device(
                batch, self.input_weights_, self.recurrent_, self.dt, self.device,
                self.device_constants_, self.params, bias=self.bias_, retention=self.retention,
                voltage_map=self._map(), random_state=self.noise_seed_, check=False,
                **self._kernel_options(**options))
        return run_coupled_nanowire(batch, self.input_weights_, self.recurrent_, self.dt,
                                    self.params, bias=self.bias_, retention=self.retention,
                                    voltage_map=self._map(), check=False,
                                    **self._kernel_options(**options))
