"""Multi-scale nanowire reservoir: dilated input channels, PPV pooling.

:class:`MultiScaleNanowireReservoir` feeds nanowire neurons with several time scales of the input
(``n_blocks`` dilations of the 84 fixed kernels of :mod:`nanowire_rc.kernels.multiscale`, one
neuron per kernel and dilation) and pools their states by the proportion of positive values
against thresholds drawn from the training states (docs/accuracy_flagship.md, "What it
computes"). :class:`~nanowire_rc.classifiers.ReservoirClassifier` puts the library's ridge
readout on top.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._fitting import keeps_state_on_failure
from ._seeding import RANDOM_STATE, generator
from .exceptions import InvalidInputError, InvalidParameterError, UnstableReservoirError
from .kernels.multiscale import (
    KERNEL_LENGTH,
    KERNEL_WEIGHTS,
    N_KERNELS,
    _dilated_drive,
    multiscale_kernel,
    multiscale_record_kernel,
    multiscale_reference,
)
from .kernels.runners import _numba_threads
from .physics import METHODS, NanowireParams, fixed_point
from .reservoirs import _reservoir_tags
from .series import SeriesBatch, as_batch
from .stability import memory_factor_voltage

__all__ = ["MultiScaleNanowireReservoir", "dilations"]

FEATURES = ("ppv", "ppv+mean")
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def dilations(length: int, n_blocks: int) -> np.ndarray:
    """Dilation of each block: ``floor(2**e)`` for ``n_blocks`` exponents ``e`` spread evenly
    over ``[0, log2((length - 1) / 8)]`` (all 1 when the series is shorter than 10 steps).

    Parameters
    ----------
    length : int
        Length of the longest training series.
    n_blocks : int
        Number of blocks (>= 1).

    Returns
    -------
    ndarray of int64, shape (n_blocks,)
        Non-decreasing dilations; small ones repeat when there are fewer distinct ones.

    Examples
    --------
    >>> from nanowire_rc.multiscale import dilations
    >>> dilations(257, 6).tolist()
    [1, 2, 4, 8, 16, 32]
    >>> dilations(8, 3).tolist()
    [1, 1, 1]
    """
    top = max(np.log2(max(length - 1, 1) / (KERNEL_LENGTH - 1)), 0.0)
    return np.floor(2.0 ** np.linspace(0.0, top, n_blocks) + 1e-9).astype(np.int64)


class MultiScaleNanowireReservoir(TransformerMixin, BaseEstimator):
    """Nanowire neurons driven through dilated kernels, pooled by proportions of positive values.

    Parameters
    ----------
    n_blocks : int, default=8
        Number of dilations (blocks of 84 neurons, one per kernel).
    n_thresholds : int, default=10
        Thresholds per neuron: PPV features per neuron.
    input_scaling : float, default=0.1
        Volts per training standard deviation of a drive channel (``omega``).
    dt : float or (float, float), default=(0.3, 30.0)
        Time step of every neuron, or the range from which each neuron's is drawn
        log-uniformly.
    method : {"euler", "exact"}, default="exact"
        Update rule (see :mod:`nanowire_rc.physics`).
    clip : float, default=5.0
        Drive channels are clipped to their training mean +- ``clip`` standard deviations.
    features : {"ppv", "ppv+mean"}, default="ppv"
        Pooled features of each neuron.
    difference : bool, default=False
        Every other block reads the first difference of the series instead of the series.
    params : NanowireParams or None, default=None
        Physical constants (None: the paper's Table 2).
    dtype : {"float32", "float64"}, default="float32"
        Compute type of the kernel.
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Seed of the draws (time steps, the series thresholds come from, quantile levels).
    n_jobs : int or None, default=None
        Threads of the kernel (-1: all cores; ``None``: one, as in scikit-learn).

    Attributes
    ----------
    dilations_ : ndarray of shape (n_blocks,)
        Dilation of each block.
    memory_factor_ : float
        Largest memory factor of any neuron over its voltage range (< 1).
    thresholds_ : ndarray of shape (n_blocks, n_thresholds, 84)
        PPV thresholds of every neuron.
    n_features_out_ : int
        Number of features per series.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.multiscale import MultiScaleNanowireReservoir
    >>> X = np.random.default_rng(0).normal(size=(6, 50))
    >>> res = MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=3, random_state=0).fit(X)
    >>> res.transform(X).shape
    (6, 504)
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_blocks": [Interval(Integral, 1, None, closed="left")],
        "n_thresholds": [Interval(Integral, 1, None, closed="left")],
        "input_scaling": [Interval(Real, 0, None, closed="neither")],
        "dt": [Interval(Real, 0, None, closed="neither"), tuple],
        "method": [StrOptions(set(METHODS))],
        "clip": [Interval(Real, 0, None, closed="neither")],
        "features": [StrOptions(set(FEATURES))],
        "difference": ["boolean"],
        "params": [NanowireParams, None],
        "dtype": [StrOptions({"float32", "float64"})],
        "random_state": RANDOM_STATE,
        "n_jobs": [Options(Integral, {-1}),
                   Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        n_blocks: int = 8,
        n_thresholds: int = 10,
        input_scaling: float = 0.1,
        dt: float | tuple[float, float] = (0.3, 30.0),
        method: str = "exact",
        clip: float = 5.0,
        features: str = "ppv",
        difference: bool = False,
        params: NanowireParams | None = None,
        dtype: str = "float32",
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_blocks = n_blocks
        self.n_thresholds = n_thresholds
        self.input_scaling = input_scaling
        self.dt = dt
        self.method = method
        self.clip = clip
        self.features = features
        self.difference = difference
        self.params = params
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ checks and inputs

    def _time_step_range(self) -> tuple[float, float]:
        dt = self.dt
        if isinstance(dt, tuple):
            ok = (len(dt) == 2 and all(isinstance(d, Real) and not isinstance(d, bool)
                                       for d in dt) and 0 < dt[0] <= dt[1] < np.inf)
            if not ok:
                raise InvalidParameterError(
                    f"dt must be a time step > 0 or a pair (low, high) with 0 < low <= high, "
                    f"got {dt!r}")
            return float(dt[0]), float(dt[1])
        return float(dt), float(dt)

    def _batch(self, X) -> SeriesBatch:
        batch = as_batch(X, dtype=np.float64)
        if batch.n_channels != 1:
            raise InvalidInputError(
                f"{type(self).__name__} takes univariate series; X has {batch.n_channels} "
                "channels: pass one channel, e.g. X[:, 0, :], or use a reservoir that takes "
                "channels, e.g. NanowireClassifier(classification_reservoir(NanowireReservoir))")
        return batch

    def _standardised(self, batch: SeriesBatch) -> tuple[np.ndarray, np.ndarray]:
        """``(n_cases, n_sources, n_timepoints)``: the series standardised with the training
        statistics (and its first difference, zero at the first step, when ``difference``),
        zero past each length, in the compute type; and the lengths."""
        mask = batch.valid_mask()
        x = np.where(mask, (batch.values[:, 0] - self.mean_) / self.scale_, 0.0)
        if self.difference:
            d = np.zeros_like(x)
            d[:, 1:] = np.where(mask[:, 1:], x[:, 1:] - x[:, :-1], 0.0)
            x = np.stack([x, d], axis=1)
        else:
            x = x[:, None, :]
        return np.ascontiguousarray(x, dtype=self.dtype), batch.lengths

    # ------------------------------------------------------------------ fit

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y=None) -> MultiScaleNanowireReservoir:
        """Fit the scaling, draw the neurons and their thresholds from the training series.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, 1, n_timepoints), or a list
            Training series (a list of 1-D arrays for unequal lengths).
        y : None
            Ignored.

        Returns
        -------
        MultiScaleNanowireReservoir
            ``self``, fitted.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters.
        InvalidInputError
            For invalid or multichannel series.
        UnstableReservoirError
            When a neuron's memory factor over its voltage range is >= 1.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import MultiScaleNanowireReservoir
        >>> X = np.random.default_rng(0).normal(size=(6, 40))
        >>> res = MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=2, random_state=0)
        >>> res.fit(X).transform(X).shape
        (6, 336)
        """
        dt_lo, dt_hi = self._time_step_range()
        params = self.params if self.params is not None else NanowireParams()
        batch = self._batch(X)
        values = batch.values[:, 0][batch.valid_mask()]
        self.mean_ = float(values.mean())
        spread = float(values.std())
        self.scale_ = spread if spread > 0 else 1.0
        x, lengths = self._standardised(batch)
        rng = generator(self.random_state)
        G, Q = self.n_blocks, self.n_thresholds
        self.dilations_ = dilations(int(lengths.max()), G)
        # With the difference, blocks alternate between the two: each gets the whole spread.
        self.sources_ = (np.arange(G) % 2 if self.difference else np.zeros(G)).astype(np.int64)
        cases = rng.integers(0, batch.n_cases, G)
        # Each block's channel statistics on the series its thresholds come from.
        mu = np.empty((G, N_KERNELS))
        sd = np.empty((G, N_KERNELS))
        for g in range(G):
            z = _dilated_drive(x[cases[g], self.sources_[g]].astype(np.float64),
                              int(lengths[cases[g]]), int(self.dilations_[g]))
            mu[g], sd[g] = z.mean(axis=0), z.std(axis=0)
        sd = np.where(sd > 1e-12, sd, 1.0)  # a channel without drive stays at v_half
        v_half = np.log(params.kappa_d0 / params.kappa_p0) / (params.eta_p + params.eta_d)
        omega = self.input_scaling
        self.gain_ = omega / sd
        self.offset_ = v_half - omega * mu / sd
        self.v_lo_ = np.full((G, N_KERNELS), v_half - omega * self.clip)
        self.v_hi_ = np.full((G, N_KERNELS), v_half + omega * self.clip)
        self.time_steps_ = np.exp(rng.uniform(np.log(dt_lo), np.log(dt_hi), (G, N_KERNELS)))
        rho = np.asarray(memory_factor_voltage(self.v_lo_, self.v_hi_, self.time_steps_,
                                               params, self.method))
        worst = np.unravel_index(int(np.argmax(rho)), rho.shape)
        self.memory_factor_ = float(rho[worst])
        if not self.memory_factor_ < 1:
            raise UnstableReservoirError(
                f"memory factor rho = {self.memory_factor_:.4g} >= 1 (block {worst[0]}, "
                f"neuron {worst[1]}: dt = {self.time_steps_[worst]:.4g}, voltages in "
                f"[{self.v_lo_[worst]:.4g}, {self.v_hi_[worst]:.4g}]): the echo-state "
                "guarantee does not hold. Use a smaller dt, input_scaling or clip, or "
                "method='exact'.")
        self.h0_ = fixed_point(self.offset_, params)
        self.params_ = params
        # Thresholds: quantiles of each neuron's states on its block's series.
        states = self._record(x, lengths, cases)
        levels = (np.arange(1, G * Q * N_KERNELS + 1) * _GOLDEN) % 1.0
        levels = levels.reshape(G, Q, N_KERNELS)
        self.thresholds_ = np.empty((G, Q, N_KERNELS))
        for g in range(G):
            ordered = np.sort(states[g, :lengths[cases[g]]], axis=0).astype(np.float64)
            pos = levels[g] * (len(ordered) - 1)
            below = np.floor(pos).astype(np.int64)
            above = np.minimum(below + 1, len(ordered) - 1)
            frac = pos - below
            lanes = np.arange(N_KERNELS)[None, :]
            self.thresholds_[g] = ((1 - frac) * ordered[below, lanes]
                                   + frac * ordered[above, lanes])
        self.n_features_out_ = G * N_KERNELS * (Q + (self.features == "ppv+mean"))
        return self

    def _arrays(self) -> dict:
        f = np.dtype(self.dtype).type
        cast = {k: np.ascontiguousarray(getattr(self, k), dtype=self.dtype)
                for k in ("gain_", "offset_", "v_lo_", "v_hi_", "time_steps_", "h0_")}
        p = self.params_
        return {**cast, "W": np.ascontiguousarray(KERNEL_WEIGHTS, dtype=self.dtype),
                "constants": (f(p.kappa_p0), f(p.kappa_d0), f(p.eta_p), f(p.eta_d))}

    def _kernel_args(self):
        return (self.method == "exact", self.dtype == "float64")

    def _record(self, x, lengths, cases) -> np.ndarray:
        a = self._arrays()
        states = np.zeros((self.n_blocks, x.shape[2], N_KERNELS), dtype=self.dtype)
        kernel = multiscale_record_kernel(*self._kernel_args())
        with _numba_threads(self.n_jobs):
            kernel(x, lengths, cases.astype(np.int64), self.dilations_, self.sources_, a["W"],
                   a["gain_"], a["offset_"], a["v_lo_"], a["v_hi_"], a["time_steps_"], a["h0_"],
                   *a["constants"], states)
        return states

    # ------------------------------------------------------------------ transform

    def transform(self, X: ArrayLike, backend: str = "compiled") -> np.ndarray:
        """Pooled features of each series.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, 1, n_timepoints), or a list
            Series of any length (>= 1).
        backend : {"compiled", "numpy"}, default="compiled"
            The compiled kernel, or the plain NumPy reference (float64; slow).

        Returns
        -------
        ndarray of shape (n_cases, ``n_features_out_``)
            PPV features, block by block (thresholds, then lanes), then the mean states when
            ``features="ppv+mean"``.

        Raises
        ------
        InvalidParameterError
            For an unknown ``backend``.
        InvalidInputError
            For invalid or multichannel series.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import MultiScaleNanowireReservoir
        >>> X = np.random.default_rng(0).normal(size=(6, 40))
        >>> res = MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=2, random_state=0).fit(X)
        >>> bool(np.allclose(res.transform(X), res.transform(X, backend="numpy")))
        True
        """
        check_is_fitted(self, "thresholds_")
        x, lengths = self._standardised(self._batch(X))
        n, G, Q = x.shape[0], self.n_blocks, self.n_thresholds
        if backend == "numpy":
            ppv, mean, _ = multiscale_reference(
                x.astype(np.float64), lengths, self.dilations_, self.sources_, self.gain_,
                self.offset_, self.v_lo_, self.v_hi_, self.time_steps_, self.h0_,
                self.thresholds_, self.params_, self.method)
        elif backend == "compiled":
            a = self._arrays()
            ppv = np.zeros((n, G, Q, N_KERNELS), dtype=self.dtype)
            mean = np.zeros((n, G, N_KERNELS), dtype=self.dtype)
            kernel = multiscale_kernel(*self._kernel_args())
            thr = np.ascontiguousarray(self.thresholds_, dtype=self.dtype)
            with _numba_threads(self.n_jobs):
                kernel(x, lengths, self.dilations_, self.sources_, a["W"], a["gain_"],
                       a["offset_"], a["v_lo_"], a["v_hi_"], a["time_steps_"], a["h0_"], thr,
                       *a["constants"], ppv, mean)
        else:
            raise InvalidParameterError(f"backend must be 'compiled' or 'numpy', got "
                                        f"{backend!r}")
        out = ppv.reshape(n, -1)
        if self.features == "ppv+mean":
            out = np.concatenate([out, mean.reshape(n, -1)], axis=1)
        return out

    def __sklearn_tags__(self):
        return _reservoir_tags(super().__sklearn_tags__())
