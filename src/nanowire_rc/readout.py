"""The ridge readout every estimator trains: penalty grids, the fit, and its application.

One policy: a readout standardises its features and picks its ridge penalty among a grid by
scikit-learn's efficient leave-one-out cross-validation (``RidgeClassifierCV`` for labels,
``RidgeCV`` for values). The grids are :data:`DEFAULT_ALPHAS` (classifiers, regressors, the model
space, the selection protocols) and :data:`FORECAST_ALPHAS` (forecasters, whose one-step targets
are nearly noise-free and want smaller penalties).
"""

from __future__ import annotations

from functools import cache
from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d
from threadpoolctl import ThreadpoolController

from .exceptions import InvalidInputError, InvalidParameterError

__all__ = [
    "DEFAULT_ALPHAS",
    "FORECAST_ALPHAS",
    "ReservoirReadout",
    "apply_readout",
    "check_alphas",
    "check_labels",
    "fit_readout",
    "fit_ridge",
    "fold_readout",
    "one_blas_thread",
]

#: Ridge penalties tried by leave-one-out: 1e-5 ... 1e5, two per decade.
DEFAULT_ALPHAS = tuple(float(a) for a in np.logspace(-5, 5, 21))
#: Ridge penalties tried by leave-one-out for forecasters: 1e-8 ... 1e3, one per decade.
FORECAST_ALPHAS = tuple(float(a) for a in np.logspace(-8, 3, 12))

#: The readout's hyper-parameter in an estimator's table and descriptions (the model space's).
#: ``alphas`` has its type here; :func:`check_alphas` checks its values at ``fit``.
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
    >>> from nanowire_rc.readout import check_alphas
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
    >>> from nanowire_rc.readout import check_labels
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
    >>> from nanowire_rc.readout import fit_readout, fold_readout
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

    Returns
    -------
    context manager
        threadpoolctl's limit, restored on exit.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.readout import one_blas_thread
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
    >>> from nanowire_rc.readout import apply_readout
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
    >>> from nanowire_rc.readout import fit_readout
    >>> rng = np.random.default_rng(0)
    >>> F, y = rng.random((20, 3)), np.repeat([0, 1], 10)
    >>> float(fit_readout(F, y, alphas=(0.1, 1.0))[-1].alpha_) in (0.1, 1.0)
    True
    """
    alphas = check_alphas(alphas)
    with one_blas_thread():  # see one_blas_thread
        return make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=alphas)).fit(
            features.astype(np.float64, copy=False), y)


def fit_ridge(features: np.ndarray, target: np.ndarray, alphas=DEFAULT_ALPHAS) -> Pipeline:
    """Standardisation + ``RidgeCV`` fitted on ``(features, target)``: the value readout.

    Parameters
    ----------
    features : ndarray (n_samples, n_features)
        Training features (float64).
    target : ndarray (n_samples,) or (n_samples, n_targets)
        Values.
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Penalties; leave-one-out picks one.

    Returns
    -------
    Pipeline
        The fitted ``StandardScaler`` + ``RidgeCV``. The leave-one-out solves go through an
        SVD (``gcv_mode="svd"``): reservoir features are long and nearly collinear, and the
        eigen route loses digits there at small penalties.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.readout import fit_ridge
    >>> F = np.random.default_rng(0).random((30, 4))
    >>> float(fit_ridge(F, F @ [1.0, 2.0, 0.0, -1.0], alphas=(1e-8,)).score(F, F @ [1, 2, 0, -1]))
    1.0
    """
    ridge = RidgeCV(alphas=check_alphas(alphas), gcv_mode="svd")
    return make_pipeline(StandardScaler(), ridge).fit(features, target)


class ReservoirReadout(BaseEstimator):
    """What an estimator made of a reservoir and this module's readout declares: the reservoir,
    the penalties, and the seed and threads it passes on to the reservoir.

    A subclass sets ``_default_reservoir`` (the reservoir used when ``reservoir`` is None) and
    fits ``self._reservoir()``, a clone with ``random_state`` and ``n_jobs`` set when given.

    Parameters
    ----------
    reservoir : estimator or None, default=None
        The reservoir, cloned at ``fit``; None: the class's default reservoir (see the class
        description). To search the default's settings with ``reservoir__<name>``, pass it
        explicitly.
    alphas : tuple of float, default=DEFAULT_ALPHAS
        Ridge penalties from which leave-one-out picks one.
    random_state : int, RandomState instance or None, default=None
        When not None, the reservoir's ``random_state`` for this fit (the reservoir's own
        setting otherwise).
    n_jobs : int or None, default=None
        When not None, the reservoir's ``n_jobs``.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> clf = nw.ReservoirClassifier(nw.NanowireReservoir(n_neurons=5), random_state=3)
    >>> clf._reservoir().get_params()["random_state"]
    3
    """

    _parameter_constraints: ClassVar[dict] = {
        "reservoir": [HasMethods(["fit_transform", "transform"]), None],
        "alphas": ["array-like"],
        "random_state": ["random_state", np.random.Generator],
        "n_jobs": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, reservoir=None, *, alphas: tuple[float, ...] = DEFAULT_ALPHAS,
                 random_state=None, n_jobs: int | None = None):
        self.reservoir = reservoir
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs

    @staticmethod
    def _default_reservoir():
        raise NotImplementedError

    def _reservoir(self):
        """A clone of the reservoir (or the default), with this estimator's seed and threads
        where it sets them."""
        reservoir = (self._default_reservoir() if self.reservoir is None
                     else clone(self.reservoir))
        own = reservoir.get_params(deep=False)
        given = {k: getattr(self, k) for k in ("random_state", "n_jobs")
                 if getattr(self, k) is not None and k in own}
        return reservoir.set_params(**given)
