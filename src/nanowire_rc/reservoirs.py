"""Reservoirs as scikit-learn transformers: series in, pooled reservoir features out.

:class:`NanowireReservoir` is the paper's uncoupled assembly of nanowire neurons,
:class:`CoupledNanowireReservoir` its coupled extension (the paper's future work) and
:class:`LeakyTanhReservoir` the leaky-integrator Echo State Network they are compared with
(diagonal, sparse or dense recurrent matrix). All fit a min–max input scaling on the training
series, draw their random weights from ``random_state``, and turn each series into pooled
features (``mean``, ``last``, ``windows``, ``std`` or a ``+``-joined combination) computed in one
pass of the compiled kernels. ``pool`` returns every pooled quantity at once, so that model
selection can compare representations without re-running the reservoir.

Each estimator declares its hyper-parameters' types and ranges once, in scikit-learn's
``_parameter_constraints`` table, checked at ``fit``; what one table entry cannot say (the
``features`` syntax, ``input_range`` as an ordered pair, ``v_min < v_max``) is checked by code at
``fit`` too. The Parameters sections of the reservoirs, classifiers and self-tuning classifiers
are written from one set of descriptions as well, each entry with its class's default.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import textwrap
import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._docs import fill
from ._fitting import keeps_state_on_failure
from ._seeding import RANDOM_STATE, Stream, child, generator, integer_seed, seed_sequence
from .device import Device, device_memory_factor, quantise_voltage
from .exceptions import (
    InvalidInputError,
    InvalidParameterError,
    StabilityWarning,
    UnstableReservoirError,
)
from .kernels import PooledStates, run_coupled_nanowire, run_leaky_tanh, run_nanowire
from .kernels.device import run_coupled_nanowire_device, run_nanowire_device
from .kernels.pooling import check_memory
from .physics import METHODS, NEURON, NanowireParams
from .series import SeriesBatch, _reverse_time, _scale_minmax, _with_difference, as_batch
from .stability import (
    _certify,
    coupled_contraction_terms,
    coupled_voltage_range,
    device_contraction_terms,
    input_voltage_range,
    memory_factor_voltage,
)

__all__ = [
    "FEATURES",
    "CoupledNanowireReservoir",
    "LeakyTanhReservoir",
    "NanowireReservoir",
    "UnstableReservoirError",
]

FEATURES = ("mean", "last", "windows", "std")
CONNECTIVITY = ("diagonal", "sparse", "dense")
VOLTAGE_MAPS = ("sigmoid", "identity")


def _parse_features(features: str) -> list[str]:
    if not isinstance(features, str):
        raise InvalidParameterError(
            f"features must be a string such as 'mean+last', got {features!r}")
    parts = features.split("+")
    if not parts or any(p not in FEATURES for p in parts) or len(set(parts)) != len(parts):
        raise InvalidParameterError(
            f"features must join distinct names from {FEATURES} with '+', e.g. 'mean+last' or "
            f"'windows+last+std'; got {features!r}"
        )
    return parts


def _feature_blocks(pooled: PooledStates, features: str) -> list[np.ndarray]:
    """The requested pooled quantities (``+``-joined from ``mean``, ``last``, ``windows``,
    ``std``) as (n_cases, k) views, in order: the columns of :func:`_pooled_features` without a
    copy.
    """
    blocks = {
        "mean": lambda: pooled.mean,
        "last": lambda: pooled.last,
        "windows": lambda: pooled.windows.reshape(pooled.windows.shape[0], -1),
        "std": lambda: pooled.std,
    }
    names = _parse_features(features)
    if "std" in names and pooled.std is None:
        raise InvalidParameterError(
            "features ask for 'std', but the states were pooled without it (run "
            "the kernel with std=True)")
    return [blocks[name]() for name in names]


def _pooled_features(pooled: PooledStates, features: str) -> np.ndarray:
    """The blocks of :func:`_feature_blocks` side by side: a reservoir's ``transform``."""
    return np.hstack(_feature_blocks(pooled, features))


# -- Hyper-parameters: constraints (checked at fit) and descriptions (the docstrings) ----------

_FINITE = Interval(Real, None, None, closed="neither")
_NONNEGATIVE = Interval(Real, 0, None, closed="left")  # finite
_POSITIVE = Interval(Real, 0, None, closed="neither")  # finite
_UNIT = Interval(Real, 0, 1, closed="right")  # (0, 1]

#: Constraints of the hyper-parameters every reservoir has, in scikit-learn's
#: ``_parameter_constraints`` form. ``features`` and ``input_range`` have their type here; their
#: content is checked by ``_Reservoir._check_values``.
_COMMON_CONSTRAINTS = {
    "n_neurons": [Interval(Integral, 1, None, closed="left")],
    "features": [str],
    "n_windows": [Interval(Integral, 1, None, closed="left")],
    "washout": [Interval(Integral, 0, None, closed="left")],
    "bidirectional": ["boolean"],
    "difference": ["boolean"],
    "input_range": ["array-like", None],
    "dtype": [StrOptions({"float32", "float64"})],
    "random_state": RANDOM_STATE,
    "n_jobs": [Integral, None],
}
#: The nanowire neurons' input gains, time steps, constants and devices (both nanowire
#: reservoirs).
_NEURON_CONSTRAINTS = {
    "input_scaling": [_FINITE],
    "input_scaling_spread": [_NONNEGATIVE],
    "dt": [_POSITIVE],
    "dt_spread": [_NONNEGATIVE],
    "params": [NanowireParams, None],
    "device": [Device, None],
}

#: ``name -> (annotation, default)`` of the hyper-parameters every reservoir has, the end of
#: each one's ``_parameters`` (its ``__init__`` signature, in order: ``_keyword_init``).
_COMMON_PARAMETERS = {
    "features": ("str", "mean+last+windows"),
    "n_windows": ("int", 8),
    "washout": ("int", 0),
    "bidirectional": ("bool", False),
    "difference": ("bool", False),
    "input_range": ("tuple[float, float] | None", (0.0, 1.0)),
    "dtype": ("str", "float32"),
    "random_state": (None, None),
    "n_jobs": ("int | None", -1),
}


def _docs_table(text: str) -> dict[str, tuple[str, str]]:
    """``name -> (type, description)`` from numpydoc entries (``name : type`` lines, each followed
    by its indented description)."""
    table = {}
    for entry in re.split(r"\n(?=\S)", textwrap.dedent(text).strip()):
        head, *body = entry.split("\n")
        name, kind = head.split(" : ", 1)
        table[name] = (kind, " ".join(line.strip() for line in body))
    return table


# Numpydoc descriptions ``name -> (type, text)``, written as numpydoc entries; ``{parameters}``
# in a class docstring becomes one entry per ``__init__`` parameter, in order, with the class's
# default (``_document``).
_COMMON_DOCS = _docs_table("""
n_neurons : int
    Number of neurons ``N``.
features : str
    Pooled features, ``+``-joined from ``mean``, ``last``, ``windows`` (window means) and
    ``std`` (each neuron's standard deviation over time).
n_windows : int
    Number of equal time windows for ``windows``.
washout : int
    Initial steps left out of ``mean``, ``windows`` and ``std``.
bidirectional : bool
    Also run the reservoir over each series read backwards and append those pooled features
    (twice the features; the state at the end of the reversed pass summarises the series'
    beginning, which a forward pass has mostly forgotten).
difference : bool
    Append each channel's first difference as an extra input channel (scaled and mixed into the
    neurons like the others).
input_range : (float, float) or None
    Min–max scaling target, fitted per channel on the training series; later series are clipped
    to the training range first. ``None``: no scaling (values still clipped).
dtype : {"float32", "float64"}
    Compute type.
random_state : int, SeedSequence, Generator, RandomState or None
    Seeds the reservoir's random draws at ``fit``: its weights, per-neuron time steps and device
    constants, each from its own child of one SeedSequence (docs/architecture.md,
    "Randomness").
n_jobs : int or None
    Threads for the compiled kernel (-1: all cores; ``None``: one, scikit-learn's convention).
""")
_NEURON_DOCS = _docs_table("""
input_scaling : float
    Centre ``omega0`` of the per-neuron input scalings ``omega_n ~ Uniform[omega0 - d_omega,
    omega0 + d_omega]``.
input_scaling_spread : float
    Half-width ``d_omega`` of the uniform distribution of the per-neuron input scalings.
dt : float
    Time step.
dt_spread : float
    Heterogeneous time constants: neuron ``n`` steps by ``dt * 10**u_n`` with ``u_n ~
    Uniform[-dt_spread, dt_spread]`` (decades; real devices differ in speed), drawn at fit and
    checked neuron by neuron for stability. 0: every neuron steps by ``dt``.
params : NanowireParams or None
    Physical constants; ``None`` means the paper's Table 2.
device : Device or None
    Non-ideal device behind each neuron (:class:`~nanowire_rc.device.Device`): per-neuron
    constants drawn at ``fit``, noise, DAC/ADC quantisation, and read conductances as features
    (docs/devices.md). ``None`` or an ideal ``Device()``: the ideal neuron (bit-identical
    results).
""")
_NANOWIRE_DOCS = {**_COMMON_DOCS, **_NEURON_DOCS, **_docs_table("""
method : {"euler", "exact"}
    Update rule: the paper's forward Euler, or the exact solution for piecewise-constant input.
""")}
_TANH_DOCS = {**_COMMON_DOCS, **_docs_table("""
leak_rate : float
    Leak rate ``a`` in (0, 1].
input_scaling : float
    ``d``: the input weights are Uniform[-d, d] (the ``input_scaling`` of ReservoirPy and the
    ESN literature).
bias_scaling : float
    ``beta``: the biases are Uniform[-beta, beta].
spectral_radius : float
    Spectral radius of ``W``.
connectivity : {"diagonal", "sparse", "dense"}
    Structure of ``W``: diagonal (the paper's uncoupled baseline), sparse or dense (standard
    ESN).
density : float
    Fraction of non-zero entries of a sparse ``W``.
""")}
_COUPLED_DOCS = {**_COMMON_DOCS, **_NEURON_DOCS, **_docs_table("""
device : Device or None
    Non-ideal devices, as in :class:`NanowireReservoir`; the neurons couple through their
    physical states and the features are the read conductances.
coupling : float
    Largest absolute row sum of ``W`` (max-norm coupling strength).
connectivity : {"dense", "sparse"}
    Structure of ``W``.
density : float
    Fraction of non-zero entries of a sparse ``W``.
bias_scaling : float
    The biases are Uniform[-bias_scaling, bias_scaling].
retention : float
    ``gamma`` in (0, 1]: ``h <- (gamma - dt S(v)) h + dt k_p(v)``.
voltage_map : {"sigmoid", "identity"}
    The map ``g`` from pre-activation to voltage: ``v_min + (v_max - v_min) sigmoid(gain a)``
    (bounded voltages) or the identity.
v_min : float
    Lower end of the sigmoid map's voltage window.
v_max : float
    Upper end of the sigmoid map's voltage window (> ``v_min``).
gain : float
    Slope of the sigmoid map (> 0).
stability : {"raise", "warn"}
    What ``fit`` does when the contraction guarantee fails: raise
    :class:`~nanowire_rc.exceptions.UnstableReservoirError`, or warn
    (:class:`~nanowire_rc.exceptions.StabilityWarning`) and fit anyway.
""")}


# What every fitted reservoir holds (the end of each one's Attributes section).
_FITTED_DOCS = """\
n_channels_ : int
    Channels of the training series.
n_inputs_ : int
    Reservoir inputs ``n_inputs``: the channels, and their differences with
    ``difference``.
data_min_, data_max_ : ndarray (n_inputs,)
    Training range of each input.
n_features_out_ : int
    Number of output features.
"""


def _keyword_init(cls) -> None:
    """Give ``cls`` the ``__init__`` its ``_parameters`` declare: keyword-only, each stored
    unchanged. Compiled from source, as :mod:`dataclasses` does, so that its signature and errors
    are a hand-written one's (annotations stay strings: exec inherits our ``__future__``)."""
    params = cls._parameters
    args = ", ".join(name + ("" if annotation is None else f": {annotation}")
                     + f" = _defaults[{name!r}]" for name, (annotation, _) in params.items())
    body = "".join(f"\n    self.{name} = {name}" for name in params)
    namespace = {**vars(sys.modules[cls.__module__]),  # for typing.get_type_hints
                 "_defaults": {name: default for name, (_, default) in params.items()}}
    exec(f"def __init__(self, *, {args}):{body}", namespace)
    cls.__init__ = namespace["__init__"]
    cls.__init__.__qualname__ = f"{cls.__qualname__}.__init__"


def _default_text(value, named: dict) -> str:
    for name, constant in named.items():
        if value is constant:
            return name
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _document(docs: dict[str, tuple[str, str]], named: dict | None = None, *,
              heading: bool = False, **slots: str):
    """Class decorator: fill the docstring's ``{parameters}`` line with one numpydoc entry per
    ``__init__`` parameter (in order, with its default; ``named`` defaults show by name; after
    the section's heading with ``heading``), and each other ``{slot}`` line with its text
    (:func:`~nanowire_rc._docs.fill`)."""
    def decorate(cls):
        entries = []
        for name, parameter in inspect.signature(cls.__init__).parameters.items():
            if name == "self":
                continue
            kind, text = docs[name]
            default = _default_text(parameter.default, named or {})
            entries.append(f"{name} : {kind}, default={default}\n"
                           + textwrap.fill(text, 92, initial_indent=" " * 4,
                                           subsequent_indent=" " * 4,
                                           break_on_hyphens=False))
        heading_text = "Parameters\n----------\n" if heading else ""
        return fill(parameters=heading_text + "\n".join(entries) + "\n", **slots)(cls)
    return decorate


def _reservoir_tags(tags):
    """A reservoir's scikit-learn tags: no NaN in, ``dtype`` (not the input's) out."""
    tags.transformer_tags.preserves_dtype = []
    tags.input_tags.allow_nan = False
    return tags


# -- Drawing the weights -----------------------------------------------------------------------

def _draw_device(res, seeds: np.random.SeedSequence, v_lo, v_hi):
    """Draw a non-ideal device's constants and noise seed, then the neurons' time steps
    (``dt_spread``; for a device folded into its rate prefactors: docs/theory.md,
    "Representations"); return the voltage range after the DAC's rounding. Each has its own
    child of ``seeds``, so the weights never depend on the device."""
    res.device_constants_ = res.noise_seed_ = res.time_steps_ = None
    if res.device is not None and not res.device.is_ideal:
        res.device_constants_ = res.device.draw(res.n_neurons, res.params,
                                                child(seeds, Stream.DEVICE))
        res.noise_seed_ = integer_seed(seeds, Stream.NOISE)
        v_lo, v_hi = (quantise_voltage(v, res.device.voltage_step) for v in (v_lo, v_hi))
    if res.dt_spread > 0:
        rng = generator(seeds, Stream.TIME_STEPS)
        factor = 10.0 ** rng.uniform(-res.dt_spread, res.dt_spread, res.n_neurons)
        res.time_steps_ = res.dt * factor
        if res.device_constants_ is not None:
            c = res.device_constants_
            res.device_constants_ = dataclasses.replace(
                c, kappa_p0=c.kappa_p0 * factor, kappa_d0=c.kappa_d0 * factor)
    return v_lo, v_hi


def _time_steps(res):
    """The ideal kernels' ``dt``: the neurons' own time steps, or the common one."""
    return res.dt if res.time_steps_ is None else res.time_steps_


def _draw_input_weights(res, seeds: np.random.SeedSequence) -> np.ndarray:
    """Nanowire input weights: ``omega_n`` times a convex combination of the channels.

    Sets ``res.input_weights_`` (n_neurons, n_channels) and returns the scalings ``omega``.
    """
    rng = generator(seeds, Stream.WEIGHTS)
    lo = res.input_scaling - res.input_scaling_spread
    omega = rng.uniform(lo, lo + 2 * res.input_scaling_spread, res.n_neurons)
    n_inputs = res.n_inputs_
    mix = (rng.dirichlet(np.ones(n_inputs), res.n_neurons) if n_inputs > 1
           else np.ones((res.n_neurons, 1)))
    res.input_weights_ = omega[:, None] * mix
    return omega


def _random_matrix(rng: np.random.Generator, n: int, connectivity: str, density: float):
    """Dense or sparse (``density``) n x n matrix with entries Uniform[-1, 1], unscaled."""
    if connectivity == "dense":
        return rng.uniform(-1, 1, (n, n))
    return sp.random(n, n, density=density, random_state=rng, format="csr",
                     data_rvs=lambda k: rng.uniform(-1, 1, k))


class _Reservoir(TransformerMixin, BaseEstimator):
    """Shared fit/transform logic: input validation and scaling, pooling, feature assembly."""

    _parameter_constraints: ClassVar[dict]
    _parameters: ClassVar[dict]  # name -> (annotation, default), in signature order

    def __init_subclass__(cls, **kwargs):
        if "_parameters" in vars(cls):
            _keyword_init(cls)
        super().__init_subclass__(**kwargs)

    @property
    def _n_pool_windows(self) -> int:
        # Series shorter than n_windows are fine unless window means are asked for.
        return self.n_windows if "windows" in _parse_features(self.features) else 1

    def _check_values(self) -> None:
        """What the parameter table cannot say: the ``features`` syntax, ``input_range`` as an
        ordered pair of finite reals (subclasses add their own)."""
        _parse_features(self.features)
        if self.input_range is not None:
            bad = InvalidParameterError(
                f"input_range must be None or a pair (low, high) of finite reals "
                f"with low < high, got {self.input_range!r}")
            try:
                lo, hi = self.input_range
                ok = bool(np.isfinite(lo) and np.isfinite(hi) and lo < hi)
            except (TypeError, ValueError):
                raise bad from None
            if not ok:
                raise bad

    def _batch(self, X) -> SeriesBatch:
        """``X`` validated, in float64 (casting before scaling would lose a small signal on a
        large offset), with the first differences appended when ``difference`` is set."""
        batch = as_batch(X, dtype=np.float64)
        if batch.n_channels != self.n_channels_:
            raise InvalidInputError(
                f"X has {batch.n_channels} channel(s), but {type(self).__name__} was fitted "
                f"with {self.n_channels_}"
            )
        return _with_difference(batch) if self.difference else batch

    def _fit_scaling(self, X) -> SeriesBatch:
        raw = as_batch(X, dtype=np.float64)
        batch = _with_difference(raw) if self.difference else raw
        self.n_channels_, self.n_inputs_ = raw.n_channels, batch.n_channels
        self.data_min_, self.data_max_ = batch.channel_range()
        return self._scale(batch)

    def _scale(self, batch: SeriesBatch) -> SeriesBatch:
        return _scale_minmax(batch, self.data_min_, self.data_max_, self.input_range,
                            dtype=self.dtype)

    def _scaled_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-input range the reservoir will see after scaling and clipping."""
        if self.input_range is None:
            return self.data_min_, self.data_max_
        lo, hi = self.input_range
        return np.full(self.n_inputs_, float(lo)), np.full(self.n_inputs_, float(hi))

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y=None) -> _Reservoir:
        """Fit the input scaling on ``X`` and draw the reservoir's weights.

        The hyper-parameters are checked first (``_parameter_constraints``, then the
        ``features`` syntax and ``input_range``); the stability guarantee is checked once the
        weights are drawn. A fit that raises (or is interrupted) leaves the reservoir as it was
        before it.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series (a list of 1-D or 2-D arrays for unequal lengths). Only their range
            is used: the min–max scaling is fitted on it.
        y : None
            Ignored (scikit-learn's transformer convention).

        Returns
        -------
        self
            The fitted reservoir.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters (a ``ValueError``; outside the parameter table: with
            scikit-learn's message, which names the parameter).
        InvalidInputError
            For invalid series (a ``ValueError``).
        MemoryLimitError
            Before drawing, when the weights would need more memory than is available.
        UnstableReservoirError
            When the drawn reservoir has no echo-state guarantee over the scaled input range
            (nanowire reservoirs; see the class).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 30))
        >>> res = CoupledNanowireReservoir(n_neurons=6, random_state=0).fit(X)
        >>> res.input_weights_.shape, res.n_features_out_
        ((6, 1), 60)
        """
        self._check_values()
        self._fit_scaling(X)
        self._check_memory(self.n_inputs_)
        self._draw(seed_sequence(self.random_state))
        self.n_features_out_ = self._n_features()
        return self

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X: ArrayLike, y=None) -> np.ndarray:
        """Fit on ``X``, then return its pooled features; the memory both need is checked
        first.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series.
        y : None
            Ignored.

        Returns
        -------
        ndarray (n_cases, n_features)
            ``fit(X).transform(X)``.

        Raises
        ------
        MemoryLimitError
            Before anything is drawn, when the weights and the features of ``X`` would need more
            memory than is available.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import NanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 30))
        >>> NanowireReservoir(n_neurons=6, features="mean", random_state=0).fit_transform(X).shape
        (4, 6)
        """
        self._check_values()
        batch = as_batch(X, dtype=np.float64)
        self._check_memory(batch.n_channels * (2 if self.difference else 1), batch.n_cases)
        return self.fit(batch).transform(batch)

    @property
    def _n_units(self) -> int:
        """Pooled units (neurons, a network's readings) per direction."""
        return self.n_neurons

    def _n_features(self) -> int:
        n_blocks = sum(self.n_windows if f == "windows" else 1
                       for f in _parse_features(self.features))
        return n_blocks * self._n_units * (2 if self.bidirectional else 1)

    def _check_memory(self, n_inputs: int, n_cases: int = 0) -> None:
        """Refuse, before drawing, a reservoir whose weights (and the pooled features of
        ``n_cases`` series) would not fit in memory. Counted: per-neuron vectors and temporaries,
        the recurrent matrix with its copies, and per series the accumulators and features."""
        n = float(self.n_neurons)
        need = 8 * n * (n_inputs + 16)
        connectivity = getattr(self, "connectivity", "diagonal")
        if connectivity == "dense":
            need += 8 * n * n * 4
        elif connectivity == "sparse":
            need += 12 * self.density * n * n * 3
        if n_cases:
            item = np.dtype(self.dtype).itemsize
            k, std = self._n_pool_windows, "std" in _parse_features(self.features)
            per_pass = n_cases * n * (item + (k + std) * (8 if std else item)
                                      + (k + 1 + std) * item)
            need += (3 if self.bidirectional else 1) * per_pass  # both passes, then joined
            need += n_cases * self._n_features() * item
        what = f"{type(self).__name__} with n_neurons={self.n_neurons}"
        check_memory(need, what + (f" on {n_cases} series (its weights and their features)"
                                   if n_cases else " (its weights)"),
                     "use fewer neurons" + (", or fewer series at a time" if n_cases else ""))

    def pool(self, X: ArrayLike) -> PooledStates:
        """Run the reservoir on ``X`` and return every pooled quantity (one pass per direction).

        ``windows`` holds ``n_windows`` windows when ``features`` uses them, else one. With
        ``bidirectional``, each quantity holds the forward pass's ``n_neurons`` columns followed
        by those of the same reservoir run over the time-reversed series.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels, of any length.

        Returns
        -------
        PooledStates
            ``last``, ``mean``, ``windows`` and (when ``features`` asks for it) ``std``.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 30))
        >>> res = CoupledNanowireReservoir(n_neurons=6, n_windows=3, random_state=0).fit(X)
        >>> res.pool(X).windows.shape
        (4, 3, 6)
        """
        check_is_fitted(self, "n_channels_")
        batch = self._scale(self._batch(X))
        forward = self._run(batch)
        if not self.bidirectional:
            return forward
        backward = self._run(_reverse_time(batch))
        return PooledStates(
            last=np.concatenate([forward.last, backward.last], axis=1),
            mean=np.concatenate([forward.mean, backward.mean], axis=1),
            windows=np.concatenate([forward.windows, backward.windows], axis=2),
            std=None if forward.std is None else np.concatenate([forward.std, backward.std],
                                                                axis=1))

    def states(self, X: ArrayLike, h0: ArrayLike = 0.0) -> np.ndarray:
        """Full state trajectories (small inputs only).

        ``states[i, t]`` is the state after consuming ``X[i, ..., t]`` (zero past a series' end):
        the forward pass only, also when ``bidirectional`` is set.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels.
        h0 : float or array-like (n_neurons,), default=0.0
            Initial state of every series.

        Returns
        -------
        ndarray (n_cases, n_timepoints, n_neurons)
            The states, in ``dtype``.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 30))
        >>> CoupledNanowireReservoir(n_neurons=6, random_state=0).fit(X).states(X[:2]).shape
        (2, 30, 6)
        """
        check_is_fitted(self, "n_channels_")
        return self._run(self._scale(self._batch(X)), h0=h0, return_states=True).states

    def echo_state_gap(self, X: ArrayLike, random_state=None) -> np.ndarray:
        """Empirical echo-state check on your data: the largest ``|h(t) - h'(t)|`` per step.

        Both runs see the same series ``X`` from two initial states drawn uniformly in [0, 1]
        (per neuron). A gap that shrinks towards 0 is what the echo-state property predicts;
        one that does not means the reservoir's state depends on where it started.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels.
        random_state : int, SeedSequence, Generator, RandomState or None, default=None
            Seeds the two initial states.

        Returns
        -------
        ndarray (n_timepoints,)
            The largest gap over series and neurons at each step.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 200))
        >>> res = CoupledNanowireReservoir(n_neurons=6, random_state=0)
        >>> gap = res.fit(X).echo_state_gap(X, random_state=0)
        >>> bool(gap[-1] < 0.1 * gap[0])
        True
        """
        rng = generator(random_state)
        a = self.states(X, h0=rng.uniform(0, 1, self.n_neurons))
        b = self.states(X, h0=rng.uniform(0, 1, self.n_neurons))
        return np.abs(a - b).max(axis=(0, 2))

    def _kernel_options(self, h0=0.0, return_states=False) -> dict:
        return {"washout": self.washout, "n_windows": self._n_pool_windows, "h0": h0,
                "dtype": self.dtype, "return_states": return_states, "n_jobs": self.n_jobs,
                "std": "std" in _parse_features(self.features)}

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Pooled reservoir features of each series.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series, as for :meth:`pool`.

        Returns
        -------
        ndarray (n_cases, n_features)
            The pooled quantities of ``features``, side by side, in ``dtype``
            (``n_features = n_features_out_``).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 30))
        >>> res = CoupledNanowireReservoir(n_neurons=6, features="mean+std", random_state=0)
        >>> res.fit(X).transform(X).shape
        (4, 12)
        """
        return _pooled_features(self.pool(X), self.features)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output features, as ``transform`` orders them.

        Parameters
        ----------
        input_features : None
            Ignored: the features are named after the quantity pooled and the neuron
            (``mean_3``, ``window0_3``, ``reversed`` neurons for the backward pass).

        Returns
        -------
        ndarray of str (n_features,)
            The names (``n_features = n_features_out_``).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> X = np.random.default_rng(0).random((4, 30))
        >>> res = CoupledNanowireReservoir(n_neurons=1, features="mean+last",
        ...                                bidirectional=True, random_state=0).fit(X)
        >>> res.get_feature_names_out().tolist()
        ['mean_0', 'mean_reversed0', 'last_0', 'last_reversed0']
        """
        check_is_fitted(self, "n_channels_")
        units = [str(n) for n in range(self.n_neurons)]
        if self.bidirectional:
            units += [f"reversed{n}" for n in range(self.n_neurons)]
        return self._feature_names(units)

    def _feature_names(self, units: list[str]) -> np.ndarray:
        """The names of ``features`` over the pooled ``units`` (both directions), in order."""
        names = []
        for f in _parse_features(self.features):
            if f == "windows":
                names += [f"window{k}_{u}" for k in range(self.n_windows) for u in units]
            else:
                names += [f"{f}_{u}" for u in units]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        return _reservoir_tags(super().__sklearn_tags__())


@_document(_NANOWIRE_DOCS, heading=True, fitted=_FITTED_DOCS)
class NanowireReservoir(_Reservoir):
    """Uncoupled assembly of memristive nanowire neurons (the paper's reservoir).

    Neuron ``n`` has input scaling ``omega_n ~ Uniform[input_scaling - input_scaling_spread,
    input_scaling + input_scaling_spread]`` and the state update of docs/theory.md ("The
    neuron"). Multichannel input reaches it as ``omega_n`` times a random convex combination of
    the channels (Dirichlet(1) weights), so each neuron's voltage stays within ``omega_n`` times
    the scaled input range and the univariate stability theory applies to it.

    {parameters}

    Attributes
    ----------
    input_weights_ : ndarray (n_neurons, n_inputs)
        Per-neuron input weights (``omega_n`` for univariate input).
    memory_factor_ : float
        Memory factor over the scaled input range (max over neurons, each with its own device
        constants and DAC-rounded voltages); < 1 is enforced at fit.
    time_steps_ : ndarray (n_neurons,) or None
        Each neuron's time step, drawn at fit when ``dt_spread > 0`` (else ``None``: all
        ``dt``).
    device_constants_ : DeviceConstants or None
        Per-neuron constants drawn at fit (``None`` for the ideal neuron); with ``dt_spread``,
        a device's rate prefactors carry its neuron's time-step factor.
    noise_seed_ : int or None
        Seed of the device noise, fixed at fit so that ``transform`` is deterministic.
    {fitted}

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when ``memory_factor_ >= 1``.

    See Also
    --------
    CoupledNanowireReservoir : The neurons coupled through a recurrent matrix.
    nanowire_rc.classifiers.NanowireClassifier : This reservoir with a ridge readout.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import NanowireReservoir
    >>> X = np.random.default_rng(0).random((5, 40))  # 5 series of 40 steps
    >>> res = NanowireReservoir(n_neurons=10, features="mean+last", random_state=0).fit(X)
    >>> res.transform(X).shape, res.memory_factor_ < 1
    ((5, 20), True)
    """

    _parameter_constraints: ClassVar[dict] = {
        **_COMMON_CONSTRAINTS, **_NEURON_CONSTRAINTS,
        "method": [StrOptions(set(METHODS))],
    }

    _parameters: ClassVar[dict] = {
        "n_neurons": ("int", 100),
        "input_scaling": ("float", NEURON.input_scaling),
        "input_scaling_spread": ("float", NEURON.input_scaling_spread),
        "dt": ("float", NEURON.dt),
        "dt_spread": ("float", 0.0),
        "params": ("NanowireParams | None", None),
        "method": ("str", NEURON.method),
        "device": ("Device | None", None),
        **_COMMON_PARAMETERS,
    }

    def _draw(self, seeds: np.random.SeedSequence) -> None:
        omega = _draw_input_weights(self, seeds)
        # Each neuron's voltage range over the scaled input box, then the closed-form factor.
        x_lo, x_hi = self._scaled_range()
        v_lo, v_hi = input_voltage_range(x_lo, x_hi, self.input_weights_)
        v_lo, v_hi = _draw_device(self, seeds, v_lo, v_hi)
        if self.device_constants_ is not None:
            rho = device_memory_factor(v_lo, v_hi, self.dt, self.device_constants_,
                                       self.method)
        else:
            rho = np.asarray(memory_factor_voltage(v_lo, v_hi, _time_steps(self), self.params,
                                                   self.method))
        worst = int(np.argmax(rho))
        self.memory_factor_ = float(rho[worst])
        if self.memory_factor_ >= 1:
            raise UnstableReservoirError(
                f"memory factor rho = {self.memory_factor_:.4g} >= 1 (neuron {worst}, omega = "
                f"{omega[worst]:.4g}, voltages in [{v_lo[worst]:.4g}, {v_hi[worst]:.4g}], "
                f"dt = {np.broadcast_to(_time_steps(self), rho.shape)[worst]:.4g}): the "
                f"echo-state guarantee does not hold. Use a smaller dt or input_scaling / "
                f"input_scaling_spread, or method='exact'"
                + ("; a smaller dt_spread also helps (it gives some neurons longer steps)"
                   if self.time_steps_ is not None else "")
                + (" (device variability spreads the rate constants: less variability also "
                   "helps)." if self.device is not None and not self.device.is_ideal else ".")
            )

    def _run(self, batch: SeriesBatch, **options) -> PooledStates:
        # fit enforced memory_factor_ < 1 over the range the inputs are clipped to.
        if self.device_constants_ is not None:
            return run_nanowire_device(batch, self.input_weights_, self.dt, self.device,
                                       self.device_constants_, self.params, self.method,
                                       random_state=self.noise_seed_, check=False,
                                       **self._kernel_options(**options))
        return run_nanowire(batch, self.input_weights_, _time_steps(self), self.params,
                            self.method, check=False, **self._kernel_options(**options))


@_document(_TANH_DOCS, heading=True, fitted=_FITTED_DOCS)
class LeakyTanhReservoir(_Reservoir):
    """Leaky-integrator tanh reservoir (Echo State Network), the paper's baseline.

    ``h(t+1) = (1 - a) h(t) + a tanh(W_in x(t+1) + W h(t) + b)``, with ``W_in ~ Uniform[-d, d]``
    (``d = input_scaling``), ``b ~ Uniform[-beta, beta]`` and ``W`` diagonal (the paper's
    uncoupled baseline: entries Uniform[-1, 1] rescaled so that ``max |W_nn|`` is the spectral
    radius), sparse or dense (standard ESN: random entries rescaled to the spectral radius).

    {parameters}

    Attributes
    ----------
    input_weights_ : ndarray (n_neurons, n_inputs)
        Input weights ``W_in``.
    bias_ : ndarray (n_neurons,)
        Biases ``b``.
    recurrent_ : ndarray or sparse matrix
        ``W``: its diagonal (n_neurons,) for ``connectivity="diagonal"``, else an (n_neurons,
        n_neurons) array (dense) or CSR matrix (sparse).
    {fitted}

    See Also
    --------
    NanowireReservoir, CoupledNanowireReservoir : The nanowire reservoirs it is compared with.
    nanowire_rc.classifiers.EchoStateClassifier : This reservoir with a ridge readout.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import LeakyTanhReservoir
    >>> X = np.random.default_rng(0).random((5, 2, 40))  # 5 series of 2 channels
    >>> res = LeakyTanhReservoir(n_neurons=10, connectivity="sparse", density=0.5,
    ...                          features="mean+last", random_state=0).fit(X)
    >>> res.transform(X).shape, res.input_weights_.shape
    ((5, 20), (10, 2))
    """

    _parameter_constraints: ClassVar[dict] = {
        **_COMMON_CONSTRAINTS,
        "leak_rate": [_UNIT],
        "input_scaling": [_NONNEGATIVE],
        "bias_scaling": [_NONNEGATIVE],
        "spectral_radius": [_NONNEGATIVE],
        "connectivity": [StrOptions(set(CONNECTIVITY))],
        "density": [_UNIT],
    }

    _parameters: ClassVar[dict] = {
        "n_neurons": ("int", 100),
        "leak_rate": ("float", 0.3),
        "input_scaling": ("float", 1.0),
        "bias_scaling": ("float", 0.1),
        "spectral_radius": ("float", 0.9),
        "connectivity": ("str", "diagonal"),
        "density": ("float", 0.1),
        **_COMMON_PARAMETERS,
    }

    def _draw(self, seeds: np.random.SeedSequence) -> None:
        n, d = self.n_neurons, self.input_scaling
        self.input_weights_ = generator(seeds, Stream.WEIGHTS).uniform(-d, d, (n, self.n_inputs_))
        self.bias_ = generator(seeds, Stream.BIAS).uniform(-self.bias_scaling, self.bias_scaling, n)
        rng = generator(seeds, Stream.RECURRENT)
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
    def _sparse_radius(W: sp.csr_matrix, rng: np.random.Generator) -> float:
        if W.shape[0] <= 64 or W.nnz == 0:
            return float(np.abs(np.linalg.eigvals(W.toarray())).max()) if W.nnz else 0.0
        v0 = rng.uniform(-1, 1, W.shape[0])
        return float(np.abs(spla.eigs(W, k=1, which="LM", v0=v0,
                                      return_eigenvectors=False)).max())

    def _run(self, batch: SeriesBatch, **options) -> PooledStates:
        return run_leaky_tanh(batch, self.input_weights_, self.leak_rate, self.bias_,
                              self.recurrent_, **self._kernel_options(**options))


@_document(_COUPLED_DOCS, heading=True, fitted=_FITTED_DOCS)
class CoupledNanowireReservoir(_Reservoir):
    """Coupled network of nanowire neurons (the paper's future work) with a stability guarantee.

    Neuron ``n`` receives ``v_n(t+1) = g(W_in[n] x(t+1) + sum_j W[n, j] h_j(t) + b_n)`` and
    updates ``h_n(t+1) = (gamma - dt S(v_n)) h_n(t) + dt k_p(v_n)`` (``gamma = retention``;
    1 is the paper's Euler neuron). ``g`` is ``v_min + (v_max - v_min) sigmoid(gain a)``
    (default; bounds every voltage, so the rates stay finite) or the identity. ``W`` is a random
    dense or sparse matrix scaled so that its largest absolute row sum is ``coupling``: with the
    bounded map this fixes the Jacobian bound of
    :func:`~nanowire_rc.stability.coupled_contraction_bound` from the hyper-parameters alone.
    The input weights and time steps are drawn as in :class:`NanowireReservoir`.

    {parameters}

    Attributes
    ----------
    input_weights_ : ndarray (n_neurons, n_inputs)
        Per-neuron input weights ``W_in``.
    recurrent_ : ndarray or sparse matrix (n_neurons, n_neurons)
        ``W`` (dense array or CSR matrix).
    bias_ : ndarray (n_neurons,)
        Biases ``b``.
    contraction_bound_ : float
        Lipschitz bound of the state map over the scaled input range in the weighted max-norm
        ``max_n |x_n| / d_n`` with ``d = contraction_scaling_``: the Perron root of the
        Jacobian's entrywise bound (:func:`~nanowire_rc.stability.weighted_contraction_bound`).
        Below 1 the echo-state property holds: in that norm, trajectories approach by at least
        this factor per step.
    contraction_scaling_ : ndarray (n_neurons,)
        The weights ``d`` of that norm (largest 1).
    row_sum_bound_ : float
        The plain max-norm bound (largest Jacobian row-sum bound), never below
        ``contraction_bound_``.
    states_invariant_ : bool
        Whether states provably stay in [0, 1] (the bound's premise).
    time_steps_ : ndarray (n_neurons,) or None
        Each neuron's time step (``dt_spread > 0``), else ``None``.
    device_constants_ : DeviceConstants or None
        As in :class:`NanowireReservoir`; the contraction bound then uses each neuron's own
        constants and the DAC-rounded voltages.
    noise_seed_ : int or None
        Seed of the device noise.
    {fitted}

    Raises
    ------
    UnstableReservoirError
        At ``fit`` with ``stability="raise"``, when the contraction bound is >= 1 or the states
        are not provably in [0, 1].

    See Also
    --------
    NanowireReservoir : The same neurons, uncoupled.
    nanowire_rc.classifiers.CoupledNanowireClassifier : This reservoir with a ridge readout.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import CoupledNanowireReservoir
    >>> X = np.random.default_rng(0).random((5, 40))
    >>> res = CoupledNanowireReservoir(n_neurons=10, coupling=0.1, features="mean",
    ...                                random_state=0).fit(X)
    >>> res.transform(X).shape, res.contraction_bound_ < 1
    ((5, 10), True)
    """

    _parameter_constraints: ClassVar[dict] = {
        **_COMMON_CONSTRAINTS, **_NEURON_CONSTRAINTS,
        "coupling": [_NONNEGATIVE],
        "connectivity": [StrOptions({"dense", "sparse"})],
        "density": [_UNIT],
        "bias_scaling": [_NONNEGATIVE],
        "retention": [_UNIT],
        "voltage_map": [StrOptions(set(VOLTAGE_MAPS))],
        "v_min": [_FINITE],
        "v_max": [_FINITE],
        "gain": [_POSITIVE],
        "stability": [StrOptions({"raise", "warn"})],
    }

    _parameters: ClassVar[dict] = {
        "n_neurons": ("int", 100),
        "input_scaling": ("float", NEURON.input_scaling),
        "input_scaling_spread": ("float", NEURON.input_scaling_spread),
        "coupling": ("float", 0.05),
        "connectivity": ("str", "dense"),
        "density": ("float", 0.1),
        "bias_scaling": ("float", 0.0),
        "dt": ("float", NEURON.dt),
        "dt_spread": ("float", 0.0),
        "retention": ("float", NEURON.retention),
        "voltage_map": ("str", "sigmoid"),
        "v_min": ("float", NEURON.v_min),
        "v_max": ("float", NEURON.v_max),
        "gain": ("float", NEURON.gain),
        "params": ("NanowireParams | None", None),
        "device": ("Device | None", None),
        "stability": ("str", "raise"),
        **_COMMON_PARAMETERS,
    }

    def _check_values(self) -> None:
        super()._check_values()
        if self.voltage_map == "sigmoid" and not self.v_min < self.v_max:
            raise InvalidParameterError(f"the sigmoid voltage map needs v_min < v_max, got v_min="
                                        f"{self.v_min!r}, v_max={self.v_max!r}")

    def _map(self) -> tuple[float, float, float] | None:
        if self.voltage_map == "identity":
            return None
        return (float(self.v_min), float(self.v_max), float(self.gain))

    def _draw(self, seeds: np.random.SeedSequence) -> None:
        voltage_map = self._map()
        _draw_input_weights(self, seeds)
        W = _random_matrix(generator(seeds, Stream.RECURRENT), self.n_neurons, self.connectivity,
                           self.density)
        rows = np.asarray(abs(W).sum(axis=1)).ravel()
        self.recurrent_ = W * (self.coupling / rows.max()) if rows.max() > 0 else W
        self.bias_ = generator(seeds, Stream.BIAS).uniform(-self.bias_scaling, self.bias_scaling,
                                                           self.n_neurons)
        x_lo, x_hi = self._scaled_range()
        v_lo, v_hi, gain_max = coupled_voltage_range(x_lo, x_hi, self.input_weights_,
                                                     self.recurrent_, self.bias_, voltage_map)
        row_sums = np.asarray(abs(self.recurrent_).sum(axis=1)).ravel()
        v_lo, v_hi = _draw_device(self, seeds, v_lo, v_hi)
        if self.device_constants_ is not None:
            diagonal, coupling_gain, invariant = device_contraction_terms(
                v_lo, v_hi, self.dt, gain_max, self.retention, self.device_constants_)
        else:
            diagonal, coupling_gain, invariant = coupled_contraction_terms(
                v_lo, v_hi, _time_steps(self), gain_max, self.retention, self.params)
        self.row_sum_bound_ = float((diagonal + coupling_gain * row_sums).max())
        # The certificate: the Perron root of the Jacobian's entrywise bound (never above the
        # row-sum bound, so every network that bound accepts stays accepted).
        self.contraction_bound_, self.contraction_scaling_, worst = _certify(
            diagonal, coupling_gain, self.recurrent_)
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
        return run_coupled_nanowire(batch, self.input_weights_, self.recurrent_,
                                    _time_steps(self), self.params, bias=self.bias_,
                                    retention=self.retention, voltage_map=self._map(), check=False,
                                    **self._kernel_options(**options))
