"""Time-series classifiers: a reservoir, standardisation and a ridge readout.

The pipeline and its protocol are explained in docs/theory.md ("Model selection").

:class:`NanowireClassifier` and :class:`EchoStateClassifier` take their reservoir's
hyper-parameters flat (so a search grid reads ``{"dt": [...], "input_scaling": [...]}``) plus the
readout's ``alphas``. The readout is scikit-learn's ``RidgeClassifierCV``: the regularisation is
chosen among ``alphas`` by efficient leave-one-out cross-validation on the training features.
Each classifier's parameter table (``_parameter_constraints``) is its reservoir's plus
``alphas``, checked at ``fit``.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.linear_model import RidgeClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from threadpoolctl import ThreadpoolController

from ._fitting import keeps_state_on_failure
from .device import Device
from .exceptions import InvalidInputError, InvalidParameterError
from .physics import NanowireParams
from .reservoirs import (
    _COUPLED_DOCS,
    _NANOWIRE_DOCS,
    _TANH_DOCS,
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    _document,
    _Reservoir,
    _reservoir_from,
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
    "check_labels",
    "fit_readout",
    "fold_readout",
]

#: Ridge penalties tried by leave-one-out: 1e-5 ... 1e5, two per decade.
DEFAULT_ALPHAS = tuple(float(a) for a in np.logspace(-5, 5, 21))

#: The readout's hyper-parameters, added to the reservoir's table and descriptions. ``alphas``
#: has its type here; :func:`check_alphas` checks its values at ``fit``.
_READOUT_CONSTRAINTS = {"alphas": ["array-like"]}
_READOUT_DOCS = {"alphas": ("tuple of float", "Ridge penalties from which leave-one-out picks "
                            "one.")}
_NAMED_DEFAULTS = {"DEFAULT_ALPHAS": DEFAULT_ALPHAS}


def check_alphas(alphas) -> np.ndarray:
    """Check a grid of ridge penalties.

    Parameters
    ----------
    alphas : sequence of float
        Ridge penalties: a non-empty 1-D sequence of finite values > 0.

    Returns
    -------
    ndarray (n_alphas,)
        ``alphas`` in float64.

    Raises
    ------
    ValueError
        Saying what a valid grid is, when ``alphas`` is not one.

    Examples
    --------
    >>> from nanowire_rc.classifiers import check_alphas
    >>> check_alphas([0.1, 1, 10])
    array([ 0.1,  1. , 10. ])
    """
    try:
        values = np.asarray(alphas, dtype=np.float64)
    except (TypeError, ValueError):
        values = None
    if values is None or values.ndim != 1 or values.size == 0 or not np.all(
            np.isfinite(values) & (values > 0)):
        raise InvalidParameterError(
            f"alphas must be a non-empty sequence of finite ridge penalties > 0, "
            f"e.g. (0.1, 1.0, 10.0); got {alphas!r}")
    return values


def check_labels(y, n_cases: int, estimator: str) -> np.ndarray:
    """Check training labels against the training series.

    Parameters
    ----------
    y : array-like (n_cases,)
        Class labels.
    n_cases : int
        Number of training series.
    estimator : str
        The estimator's name, for the messages.

    Returns
    -------
    ndarray (n_cases,)
        ``y`` as a 1-D array.

    Raises
    ------
    ValueError
        If ``y`` is not a classification target (scikit-learn's message), does not hold one
        label per series, or holds a single class.

    Examples
    --------
    >>> from nanowire_rc.classifiers import check_labels
    >>> check_labels([0, 1, 1], 3, "NanowireClassifier")
    array([0, 1, 1])
    >>> check_labels([1, 1], 2, "NanowireClassifier")
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.InvalidInputError: NanowireClassifier needs samples of at least 2 ...
    """
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    if len(y) != n_cases:
        raise InvalidInputError(f"y has {len(y)} labels but X has {n_cases} series")
    if np.unique(y).size < 2:
        raise InvalidInputError(f"{estimator} needs samples of at least 2 classes; y has only one "
                                f"class: {np.unique(y)[0]!r}")
    return y


#: Rows converted to float64 at a time when applying the readout (bounded extra memory).
_BLOCK_ROWS = 1024


def fold_readout(readout) -> tuple[np.ndarray, np.ndarray]:
    """Fold a fitted ``StandardScaler`` + ridge pipeline into one affine map of raw features.

    ``((F - mean) / scale) @ coef.T + b == F @ W + c`` with ``W = (coef / scale).T`` and
    ``c = b - mean @ W``: decision values then need no standardised copy of ``F``.

    Parameters
    ----------
    readout : Pipeline
        A fitted ``StandardScaler`` followed by a fitted linear model with ``coef_`` and
        ``intercept_`` (what :func:`fit_readout` returns).

    Returns
    -------
    W : ndarray (n_features, n_scores)
        Coefficients on the raw features, in float64.
    c : ndarray (n_scores,)
        Intercepts, in float64.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.classifiers import fit_readout, fold_readout
    >>> rng = np.random.default_rng(0)
    >>> F, y = rng.random((20, 3)), np.repeat([0, 1], 10)
    >>> readout = fit_readout(F, y, alphas=(0.1, 1.0))
    >>> W, c = fold_readout(readout)
    >>> W.shape, c.shape, np.allclose(F @ W[:, 0] + c[0], readout.decision_function(F))
    ((3, 1), (1,), True)
    """
    scaler, ridge = readout
    W = (np.atleast_2d(ridge.coef_) / scaler.scale_).T
    return np.ascontiguousarray(W), np.atleast_1d(ridge.intercept_) - scaler.mean_ @ W


@cache
def _blas() -> ThreadpoolController:
    # Inspecting the loaded libraries takes ~1.5 ms; per call that adds up, so once.
    return ThreadpoolController()


def one_blas_thread():
    """Context: the BLAS libraries run on one thread.

    The readouts' algebra is small next to the kernels, and OpenBLAS's worker threads keep
    spinning for a while after a multi-threaded call: the compiled kernel that runs next then
    shares its cores with them (fitting then predicting ECG5000 at 1000 neurons: 0.46 s with
    BLAS on 2 threads, 0.41 s on one). Single-threaded algebra is also bit-identical whatever
    the machine's thread count, which the model selection relies on.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.classifiers import one_blas_thread
    >>> with one_blas_thread():
    ...     product = np.ones((2, 3)) @ np.ones((3, 2))
    >>> product.tolist()
    [[3.0, 3.0], [3.0, 3.0]]
    """
    return _blas().limit(limits=1, user_api="blas")


def apply_readout(features, W: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``features @ W + c`` in float64, converting ``_BLOCK_ROWS`` rows at a time.

    Features stay in their compute type (float32 by default); each block's float64 copy is
    small, so predicting thousands of series never holds a second full feature matrix.

    Parameters
    ----------
    features : ndarray (n_cases, n_features) or list of ndarray
        One feature matrix, or its column blocks in order (e.g. the pooled mean, last state and
        window means, as views: no concatenated copy).
    W : ndarray (n_features, n_scores)
        Coefficients, as :func:`fold_readout` returns them.
    c : ndarray (n_scores,)
        Intercepts.

    Returns
    -------
    ndarray (n_cases, n_scores)
        The scores, in float64.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.classifiers import apply_readout
    >>> F = np.arange(6, dtype=np.float32).reshape(3, 2)
    >>> W, c = np.array([[1.0], [-1.0]]), np.array([0.5])
    >>> apply_readout([F[:, :1], F[:, 1:]], W, c)[:, 0]  # the same as F @ W + c
    array([-0.5, -0.5, -0.5])
    """
    blocks = [features] if isinstance(features, np.ndarray) else list(features)
    n = blocks[0].shape[0]
    out = np.zeros((n, W.shape[1]))
    with one_blas_thread():
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
    """Standardise ``features`` and fit ``RidgeClassifierCV`` (leave-one-out over ``alphas``).

    Parameters
    ----------
    features : ndarray (n_cases, n_features)
        Training features (any float type; fitted in float64).
    y : ndarray (n_cases,)
        Class labels.
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Ridge penalties from which leave-one-out picks one (checked by :func:`check_alphas`).

    Returns
    -------
    Pipeline
        The fitted ``StandardScaler`` + ``RidgeClassifierCV``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.classifiers import fit_readout
    >>> rng = np.random.default_rng(0)
    >>> F, y = rng.random((20, 3)), np.repeat([0, 1], 10)
    >>> float(fit_readout(F, y, alphas=(0.1, 1.0))[-1].alpha_) in (0.1, 1.0)
    True
    """
    alphas = check_alphas(alphas)
    with one_blas_thread():  # see one_blas_thread
        return make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=alphas)).fit(
            features.astype(np.float64, copy=False), y)


class _ReadoutClassifier(ClassifierMixin, BaseEstimator):
    """Shared by the classifiers with the library's ridge readout (an ``alphas`` parameter):
    fitting it on features, its scores, the predicted labels."""

    def _fit_readout(self, features, y: np.ndarray) -> None:
        self.readout_ = fit_readout(features, y, self.alphas)
        self.classes_ = self.readout_.classes_
        self.alpha_ = float(self.readout_[-1].alpha_)
        self.coef_, self.intercept_ = fold_readout(self.readout_)

    def _fit_reservoir_and_readout(self, X: ArrayLike, y: ArrayLike):
        """Fit a fresh reservoir (``self._reservoir()``) on ``X``, the readout on its features."""
        batch = as_batch(X)
        y = check_labels(y, batch.n_cases, type(self).__name__)
        check_alphas(self.alphas)  # before the reservoir runs: fail fast
        reservoir = self._reservoir()
        features = reservoir.fit_transform(batch)
        self.reservoir_ = reservoir
        self._fit_readout(features, y)
        return self

    def _scores(self, features) -> np.ndarray:
        scores = apply_readout(features, self.coef_, self.intercept_)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels, of the same type as the training labels.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels, of any length.

        Returns
        -------
        ndarray (n_cases,)
            The class with the largest score (for two classes: the sign of the score).

        Examples
        --------
        >>> from nanowire_rc import CoupledNanowireClassifier, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = CoupledNanowireClassifier(n_neurons=20, random_state=0).fit(X[::3], y[::3])
        >>> clf.predict(X[:4]).shape
        (4,)
        """
        scores = self.decision_function(X)
        # As RidgeClassifier decides: the sign for two classes, else the largest score.
        return self.classes_[(scores > 0).astype(int) if scores.ndim == 1
                             else scores.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class _ReservoirClassifier(_ReadoutClassifier):
    _reservoir_class: type[_Reservoir]
    _parameter_constraints: ClassVar[dict]

    def _reservoir(self) -> _Reservoir:
        return _reservoir_from(self)

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike) -> _ReservoirClassifier:
        """Fit the reservoir's input scaling, draw it, and train the readout on ``(X, y)``.

        A fit that raises (or is interrupted) leaves the classifier as it was before it.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series (a list of 1-D or 2-D arrays for unequal lengths).
        y : array-like (n_cases,)
            Class labels (at least two classes).

        Returns
        -------
        self
            The fitted classifier.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters (checked first: the parameter table, then
            ``features``, ``input_range`` and ``alphas``).
        InvalidInputError
            For invalid series, or labels that do not match ``X`` or hold a single class.
        MemoryLimitError
            Before anything is drawn, when the reservoir's weights and features would need more
            memory than is available.
        UnstableReservoirError
            When the drawn reservoir has no echo-state guarantee (nanowire reservoirs).

        Examples
        --------
        >>> from nanowire_rc import CoupledNanowireClassifier, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = CoupledNanowireClassifier(n_neurons=20, random_state=0).fit(X[::3], y[::3])
        >>> clf.classes_, clf.coef_.shape
        (array([1, 2, 3, 4, 5, 6]), (200, 6))
        """
        return self._fit_reservoir_and_readout(X, y)

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Readout scores.

        One affine map of the raw reservoir features (``coef_``, ``intercept_``: the
        standardisation folded into the ridge coefficients), the same scores as
        ``readout_.decision_function`` of the standardised features.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels, of any length.

        Returns
        -------
        ndarray (n_cases,) or (n_cases, n_classes)
            One score per series for two classes (> 0: the second class), else one per class.

        Examples
        --------
        >>> from nanowire_rc import CoupledNanowireClassifier, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = CoupledNanowireClassifier(n_neurons=20, random_state=0).fit(X[::3], y[::3])
        >>> clf.decision_function(X[:4]).shape
        (4, 6)
        """
        check_is_fitted(self, "coef_")
        return self._scores(feature_blocks(self.reservoir_.pool(X), self.reservoir_.features))


def _attributes(reservoir: str) -> str:
    """The Attributes section the classifiers share (``{attributes}`` in their docstrings)."""
    return f"""
    Attributes
    ----------
    reservoir_ : {reservoir}
        The fitted reservoir.
    readout_ : Pipeline
        The fitted ``StandardScaler`` + ``RidgeClassifierCV``.
    classes_ : ndarray (n_classes,)
        Class labels.
    alpha_ : float
        The chosen ridge penalty.
    coef_ : ndarray (n_features, n_scores)
        The readout as one affine map of the raw reservoir features (standardisation folded
        in): ``decision_function`` is ``features @ coef_ + intercept_``.
    intercept_ : ndarray (n_scores,)
        Its intercepts."""


@_document({**_NANOWIRE_DOCS, **_READOUT_DOCS}, _NAMED_DEFAULTS,
           attributes=_attributes("NanowireReservoir"))
class NanowireClassifier(_ReservoirClassifier):
    """Nanowire reservoir + standardisation + ridge readout with leave-one-out regularisation.

    The reservoir is a :class:`~nanowire_rc.reservoirs.NanowireReservoir` with this
    classifier's hyper-parameters. Its defaults differ from the reservoir's (the paper's
    neuron): 300 neurons, ``input_scaling=0.5``, ``dt=0.3`` spread over two decades
    (``dt_spread=1``), the input's difference as a second channel, and ``features="mean+std"``:
    the configuration with the best mean 5-fold cross-validated accuracy over the training
    splits of eleven UCR/UEA datasets, among 96 candidates and 8 representations (test splits
    never looked at; ``benchmarks/choose_defaults.py``, docs/accuracy.md). The time-reversed
    pass (``bidirectional``) stays off: it doubles the cost and added 0.03 points there.

    Parameters
    ----------
    {parameters}

    {attributes}
    memory_factor_ : float
        The fitted reservoir's memory factor (< 1).

    Raises
    ------
    UnstableReservoirError
        At ``fit``, when the reservoir's memory factor is >= 1.

    See Also
    --------
    nanowire_rc.tuning.NanowireClassifierCV : Tunes these hyper-parameters by cross-validation.

    Examples
    --------
    >>> from nanowire_rc import NanowireClassifier, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = NanowireClassifier(n_neurons=50, random_state=0).fit(X, y)
    >>> clf.memory_factor_ < 1
    True
    """

    _reservoir_class = NanowireReservoir
    _parameter_constraints: ClassVar[dict] = {**NanowireReservoir._parameter_constraints,
                                              **_READOUT_CONSTRAINTS}

    def __init__(
        self,
        n_neurons: int = 300,
        input_scaling: float = 0.5,
        input_scaling_spread: float = 0.3,
        dt: float = 0.3,
        dt_spread: float = 1.0,
        params: NanowireParams | None = None,
        method: str = "euler",
        device: Device | None = None,
        features: str = "mean+std",
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = True,
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
        self.dt_spread = dt_spread
        self.params = params
        self.method = method
        self.device = device
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
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


@_document({**_TANH_DOCS, **_READOUT_DOCS}, _NAMED_DEFAULTS,
           attributes=_attributes("LeakyTanhReservoir"))
class EchoStateClassifier(_ReservoirClassifier):
    """Leaky-tanh reservoir (ESN) + standardisation + ridge readout, the paper's baseline.

    The reservoir is a :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir` with this
    classifier's hyper-parameters. Its defaults differ from the reservoir's: 300 neurons,
    ``input_scaling=0.5``, the input's difference as a second channel and
    ``features="mean+std"``, chosen like :class:`NanowireClassifier`'s (best mean 5-fold CV
    accuracy on the training splits of eleven datasets, among 24 candidates and 8
    representations).

    Parameters
    ----------
    {parameters}

    {attributes}

    See Also
    --------
    nanowire_rc.tuning.EchoStateClassifierCV : Tunes these hyper-parameters by cross-validation.

    Examples
    --------
    >>> from nanowire_rc import EchoStateClassifier, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = EchoStateClassifier(n_neurons=50, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    """

    _reservoir_class = LeakyTanhReservoir
    _parameter_constraints: ClassVar[dict] = {**LeakyTanhReservoir._parameter_constraints,
                                              **_READOUT_CONSTRAINTS}

    def __init__(
        self,
        n_neurons: int = 300,
        leak_rate: float = 0.3,
        input_scaling: float = 0.5,
        bias_scaling: float = 0.1,
        spectral_radius: float = 0.9,
        connectivity: str = "diagonal",
        density: float = 0.1,
        features: str = "mean+std",
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = True,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        alphas: tuple[float, ...] = DEFAULT_ALPHAS,
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_neurons = n_neurons
        self.leak_rate = leak_rate
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.spectral_radius = spectral_radius
        self.connectivity = connectivity
        self.density = density
        self.features = features
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs


@_document({**_COUPLED_DOCS, **_READOUT_DOCS}, _NAMED_DEFAULTS,
           attributes=_attributes("CoupledNanowireReservoir"))
class CoupledNanowireClassifier(_ReservoirClassifier):
    """Coupled nanowire reservoir + standardisation + ridge readout.

    The reservoir is a :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir` with this
    classifier's hyper-parameters, and its defaults.

    Parameters
    ----------
    {parameters}

    {attributes}
    contraction_bound_ : float
        The fitted reservoir's contraction bound (< 1 guarantees echo states).

    Raises
    ------
    UnstableReservoirError
        At ``fit`` with ``stability="raise"``, when the contraction guarantee fails.

    See Also
    --------
    nanowire_rc.tuning.CoupledNanowireClassifierCV : Tunes these hyper-parameters by
        cross-validation.

    Examples
    --------
    >>> from nanowire_rc import CoupledNanowireClassifier, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = CoupledNanowireClassifier(n_neurons=50, random_state=0).fit(X, y)
    >>> clf.contraction_bound_ < 1
    True
    """

    _reservoir_class = CoupledNanowireReservoir
    _parameter_constraints: ClassVar[dict] = {
        **CoupledNanowireReservoir._parameter_constraints, **_READOUT_CONSTRAINTS}

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
        dt_spread: float = 0.0,
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
        bidirectional: bool = False,
        difference: bool = False,
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
        self.dt_spread = dt_spread
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
        self.bidirectional = bidirectional
        self.difference = difference
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
