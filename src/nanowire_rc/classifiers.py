"""Time-series classifiers: a reservoir, standardisation and a ridge readout.

The pipeline and its protocol are explained in docs/theory.md ("Model selection").

:class:`NanowireClassifier` and :class:`EchoStateClassifier` take their reservoir's
hyper-parameters flat (so a search grid reads ``{"dt": [...], "input_scaling": [...]}``) plus the
readout's ``alphas``. The readout is scikit-learn's ``RidgeClassifierCV``: the regularisation is
chosen among ``alphas`` by efficient leave-one-out cross-validation on the training features.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import RidgeClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .device import Device
from .physics import NanowireParams
from .reservoirs import (
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    _Reservoir,
    feature_blocks,
)
from .series import as_batch

__all__ = [
    "DEFAULT_ALPHAS",
    "CoupledNanowireClassifier",
    "EchoStateClassifier",
    "NanowireClassifier",
    "apply_readout",
    "check_alphas",
    "fit_readout",
    "fold_readout",
]

#: Ridge penalties tried by leave-one-out: 1e-5 ... 1e5, two per decade.
DEFAULT_ALPHAS = tuple(float(a) for a in np.logspace(-5, 5, 21))


def check_alphas(alphas) -> np.ndarray:
    """``alphas`` as a 1-D float array, or a ValueError saying what a valid one is."""
    try:
        values = np.asarray(alphas, dtype=np.float64)
    except (TypeError, ValueError):
        values = None
    if values is None or values.ndim != 1 or values.size == 0 or not np.all(
            np.isfinite(values) & (values > 0)):
        raise ValueError(f"alphas must be a non-empty sequence of finite ridge penalties > 0, "
                         f"e.g. (0.1, 1.0, 10.0); got {alphas!r}")
    return values


#: Rows converted to float64 at a time when applying the readout (bounded extra memory).
_BLOCK_ROWS = 1024


def fold_readout(readout) -> tuple[np.ndarray, np.ndarray]:
    """Fold a fitted ``StandardScaler`` + ridge pipeline into one affine map of raw features.

    ``((F - mean) / scale) @ coef.T + b == F @ W + c`` with ``W = (coef / scale).T`` and
    ``c = b - mean @ W``: decision values then need no standardised copy of ``F``. Returns
    ``(W, c)`` in float64, ``W`` of shape (n_features, n_scores).
    """
    scaler, ridge = readout
    W = (np.atleast_2d(ridge.coef_) / scaler.scale_).T
    return np.ascontiguousarray(W), np.atleast_1d(ridge.intercept_) - scaler.mean_ @ W


def apply_readout(features, W: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``features @ W + c`` in float64, converting ``_BLOCK_ROWS`` rows at a time.

    ``features`` is one (n_cases, n_features) matrix or a list of column blocks (e.g. the
    pooled mean, last state and window means, as views: no concatenated copy). Features stay
    in their compute type (float32 by default); each block's float64 copy is small, so
    predicting thousands of series never holds a second full feature matrix.
    """
    blocks = [features] if isinstance(features, np.ndarray) else list(features)
    n = blocks[0].shape[0]
    out = np.zeros((n, W.shape[1]))
    for start in range(0, n, _BLOCK_ROWS):
        rows = slice(start, start + _BLOCK_ROWS)
        col = 0
        for block in blocks:
            width = block.shape[1]
            out[rows] += block[rows].astype(np.float64, copy=False) @ W[col:col + width]
            col += width
    out += c
    return out


def fit_readout(features: np.ndarray, y: np.ndarray, alphas=DEFAULT_ALPHAS):
    """Standardise ``features`` and fit ``RidgeClassifierCV`` (leave-one-out over ``alphas``)."""
    alphas = check_alphas(alphas)
    return make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=alphas)).fit(
        features.astype(np.float64, copy=False), y)


class _ReservoirClassifier(ClassifierMixin, BaseEstimator):
    _reservoir_class: type[_Reservoir]

    def _reservoir(self) -> _Reservoir:
        names = self._reservoir_class._get_param_names()
        return self._reservoir_class(**{n: getattr(self, n) for n in names})

    def fit(self, X: ArrayLike, y: ArrayLike) -> _ReservoirClassifier:
        """Fit the reservoir's input scaling, draw it, and train the readout on ``(X, y)``."""
        batch = as_batch(X)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if len(y) != batch.n_cases:
            raise ValueError(f"y has {len(y)} labels but X has {batch.n_cases} series")
        if np.unique(y).size < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; y has "
                             f"only one class: {np.unique(y)[0]!r}")
        check_alphas(self.alphas)  # before the reservoir runs: fail fast
        reservoir = self._reservoir()
        features = reservoir.fit_transform(batch)
        self.reservoir_ = reservoir
        self.readout_ = fit_readout(features, y, self.alphas)
        self.classes_ = self.readout_.classes_
        self.alpha_ = float(self.readout_[-1].alpha_)
        self.coef_, self.intercept_ = fold_readout(self.readout_)
        return self

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Readout scores, shape (n_cases,) for two classes, else (n_cases, n_classes).

        One affine map of the raw reservoir features (``coef_``, ``intercept_``: the
        standardisation folded into the ridge coefficients), the same scores as
        ``readout_.decision_function`` of the standardised features.
        """
        check_is_fitted(self, "coef_")
        blocks = feature_blocks(self.reservoir_.pool(X), self.reservoir_.features)
        scores = apply_readout(blocks, self.coef_, self.intercept_)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels, of the same type as the training labels."""
        scores = self.decision_function(X)
        # As RidgeClassifier decides: the sign for two classes, else the largest score.
        return self.classes_[(scores > 0).astype(int) if scores.ndim == 1
                             else scores.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class NanowireClassifier(_ReservoirClassifier):
    """Nanowire reservoir + standardisation + ridge readout with leave-one-out regularisation.

    Parameters
    ----------
    n_neurons, input_scaling, input_scaling_spread, dt, params, method, device, features, n_windows,
    washout, input_range, dtype, random_state, n_jobs
        The reservoir's; see :class:`~nanowire_rc.reservoirs.NanowireReservoir`.
    alphas : tuple of float, default=DEFAULT_ALPHAS
        Ridge penalties from which leave-one-out picks one.

    Attributes
    ----------
    reservoir_ : NanowireReservoir
    readout_ : sklearn Pipeline (StandardScaler, RidgeClassifierCV)
    classes_ : ndarray
    alpha_ : float
        The chosen ridge penalty.
    coef_ : ndarray (n_features, n_scores), intercept_ : ndarray (n_scores,)
        The readout as one affine map of the raw reservoir features (standardisation folded
        in): ``decision_function`` is ``features @ coef_ + intercept_``.

    Examples
    --------
    >>> from nanowire_rc import NanowireClassifier, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = NanowireClassifier(n_neurons=50, random_state=0).fit(X, y)
    >>> clf.memory_factor_ < 1
    True
    """

    _reservoir_class = NanowireReservoir

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
        alphas: tuple[float, ...] = DEFAULT_ALPHAS,
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
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def memory_factor_(self) -> float:
        """The fitted reservoir's memory factor (< 1)."""
        check_is_fitted(self, "reservoir_")
        return self.reservoir_.memory_factor_


class EchoStateClassifier(_ReservoirClassifier):
    """Leaky-tanh reservoir (ESN) + standardisation + ridge readout, the paper's baseline.

    Parameters
    ----------
    n_neurons, leak_rate, input_scaling_spread, bias_scaling, spectral_radius, connectivity,
    density, features, n_windows, washout, input_range, dtype, random_state, n_jobs
        The reservoir's; see :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir`.
    alphas : tuple of float, default=DEFAULT_ALPHAS
        Ridge penalties from which leave-one-out picks one.
    """

    _reservoir_class = LeakyTanhReservoir

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
        alphas: tuple[float, ...] = DEFAULT_ALPHAS,
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
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs


class CoupledNanowireClassifier(_ReservoirClassifier):
    """Coupled nanowire reservoir + standardisation + ridge readout.

    Parameters
    ----------
    n_neurons, input_scaling, input_scaling_spread, coupling, connectivity, density,
    bias_scaling, dt, retention, voltage_map, v_min, v_max, gain, params, device, stability,
    features, n_windows, washout, input_range, dtype, random_state, n_jobs
        The reservoir's; see :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`.
    alphas : tuple of float, default=DEFAULT_ALPHAS
        Ridge penalties from which leave-one-out picks one.
    """

    _reservoir_class = CoupledNanowireReservoir

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
        alphas: tuple[float, ...] = DEFAULT_ALPHAS,
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
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def contraction_bound_(self) -> float:
        """The fitted reservoir's contraction bound (< 1 guarantees echo states)."""
        check_is_fitted(self, "reservoir_")
        return self.reservoir_.contraction_bound_
