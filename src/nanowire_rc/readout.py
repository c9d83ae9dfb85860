"""The ridge readout every estimator trains: penalty grids, the fit, its application, and the
block-Gram scorer of the selection protocols.

One policy: a readout standardises its features and picks its ridge penalty among a grid by
scikit-learn's efficient leave-one-out cross-validation (``RidgeClassifierCV`` for labels,
``RidgeCV`` for values). The grids are :data:`DEFAULT_ALPHAS` (classifiers, regressors, the model
space, the selection protocols) and :data:`FORECAST_ALPHAS` (forecasters, whose one-step targets
are nearly noise-free and want smaller penalties). :func:`score_representations` scores the same
standardised ridge classifier on given folds for many feature blocks and penalties at once: the
Gram matrix of a concatenation of standardised blocks is the sum of the blocks' Gram matrices, and
one eigendecomposition per fold gives the validation predictions for every penalty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import LabelBinarizer, StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval, Options
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d
from threadpoolctl import ThreadpoolController

from ._fitting import _set_hyper_parameters
from ._seeding import RANDOM_STATE
from .exceptions import InvalidInputError, InvalidParameterError

__all__ = [
    "DEFAULT_ALPHAS",
    "EXTEND_DECADES",
    "FORECAST_ALPHAS",
    "ReservoirReadout",
    "apply_readout",
    "fit_readout",
    "fit_ridge",
    "one_blas_thread",
    "score_representations",
]

#: Ridge penalties tried by leave-one-out: 1e-5 ... 1e5, two per decade.
DEFAULT_ALPHAS = tuple(float(a) for a in np.logspace(-5, 5, 21))
#: Ridge penalties tried by leave-one-out for forecasters: 1e-8 ... 1e3, one per decade.
FORECAST_ALPHAS = tuple(float(a) for a in np.logspace(-8, 3, 12))

#: The readout's hyper-parameter in an estimator's table (the model space's): ``alphas`` has
#: its type here; :func:`_check_alphas` checks its values at ``fit``.
_READOUT_CONSTRAINTS = {"alphas": ["array-like"]}


def _check_alphas(alphas) -> np.ndarray:
    """A grid of ridge penalties (non-empty, 1-D, finite, > 0) in float64, or a ``ValueError``
    saying what a valid grid is.
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


def _check_labels(y, n_cases: int, estimator: str) -> np.ndarray:
    """Training labels as a 1-D array, or a ``ValueError`` if they are not a classification
    target (scikit-learn's message), not one per series, or a single class.
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


def _fold_readout(readout) -> tuple[np.ndarray, np.ndarray]:
    """Fold a fitted ``StandardScaler`` + ridge pipeline into one affine map ``(W, c)`` of raw
    features, in float64.

    ``((F - mean) / scale) @ coef.T + b == F @ W + c`` with ``W = (coef / scale).T`` and
    ``c = b - mean @ W``: decision values then need no standardised copy of ``F``.
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
        Coefficients, as :func:`_fold_readout` returns them.
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
        Ridge penalties from which leave-one-out picks one (checked by :func:`_check_alphas`).

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
    alphas = _check_alphas(alphas)
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
    ridge = RidgeCV(alphas=_check_alphas(alphas), gcv_mode="svd")
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
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
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
        "random_state": RANDOM_STATE,
        "n_jobs": [Options(Integral, {-1}),
                   Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, reservoir=None, *, alphas: tuple[float, ...] = DEFAULT_ALPHAS,
                 random_state=None, n_jobs: int | None = None):
        _set_hyper_parameters(self, locals())

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


def _standardised_grams(F: np.ndarray, train: np.ndarray, val: np.ndarray,
                        dtype=np.float64):
    """Gram blocks of the standardised features: ``(K_train, K_val_train)``, in float64.

    Standardisation uses the training part's statistics (what ``StandardScaler`` would learn),
    in float64; ``dtype`` is the type of the products (another than float64 only in
    benchmarks/bench_reproduction.py, which measures what float32 would change).
    """
    Z_tr = F[train].astype(np.float64)  # copies, standardised in place below
    Z_val = F[val].astype(np.float64)
    mu, sd = Z_tr.mean(axis=0), Z_tr.std(axis=0)
    inv = 1.0 / np.where(sd > 0, sd, 1.0)
    for Z in (Z_tr, Z_val):
        Z -= mu
        Z *= inv
    Z_tr, Z_val = Z_tr.astype(dtype, copy=False), Z_val.astype(dtype, copy=False)
    return ((Z_tr @ Z_tr.T).astype(np.float64, copy=False),
            (Z_val @ Z_tr.T).astype(np.float64, copy=False))


class _FoldLabels:
    """One fold's labels as ±1 class codes, one column per class of its training part.

    The codes ``RidgeClassifier`` regresses on (``LabelBinarizer(neg_label=-1)``, two classes as
    a mirrored pair); a validation label the training part never saw gets -1 everywhere. Built
    once per fold and shared by every representation (through scikit-learn's binariser it cost
    more than the readout algebra on small datasets).
    """

    def __init__(self, y: np.ndarray, train: np.ndarray, val: np.ndarray):
        self.classes = np.unique(y[train])
        self.y_val = y[val]
        if len(self.classes) < 2:  # the binariser's degenerate case, kept as it decides
            lb = LabelBinarizer(neg_label=-1, pos_label=1).fit(y[train])
            self.Y, self.Y_val = (np.hstack([-c, c]) for c in
                                  (lb.transform(y[part]).astype(np.float64)
                                   for part in (train, val)))
        else:
            self.Y, self.Y_val = (np.where(y[part][:, None] == self.classes[None, :], 1.0, -1.0)
                                  for part in (train, val))
        self.y_mean = self.Y.mean(axis=0)


class _FoldSolver:
    """One fold's dual ridge solution for every penalty, from one eigendecomposition."""

    def __init__(self, K_tr, K_val, labels: _FoldLabels):
        self.Y_val, self.y_val, self.classes = labels.Y_val, labels.y_val, labels.classes
        self.y_mean = labels.y_mean
        lam, Q = np.linalg.eigh(K_tr)
        self.lam = np.clip(lam, 0, None)
        self.QtY = Q.T @ (labels.Y - self.y_mean)
        self.KvQ = K_val @ Q

    def scores(self, alphas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        acc, mse = np.empty(len(alphas)), np.empty(len(alphas))
        for i, a in enumerate(alphas):
            pred = self.KvQ @ (self.QtY / (self.lam + a)[:, None]) + self.y_mean
            acc[i] = np.mean(self.classes[pred.argmax(axis=1)] == self.y_val)
            mse[i] = np.mean((pred - self.Y_val) ** 2)
        return acc, mse


def _best_index(acc: np.ndarray, mse: np.ndarray) -> int:
    """Highest accuracy; among ties the smallest squared error, then the first."""
    tied = np.flatnonzero(acc == acc.max())
    return int(tied[np.argmin(mse[tied])])


#: How far a penalty grid is extended when its best value sits on an edge: up to this many
#: decades beyond each end, two values per decade.
EXTEND_DECADES = 4


def score_representations(
    blocks: dict[str, np.ndarray],
    y: np.ndarray,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    representations: Iterable[str],
    alphas: Sequence[float] = DEFAULT_ALPHAS,
    extend: bool = False,
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Validation accuracy and squared error of a standardised ridge classifier for each
    representation and penalty, averaged over the folds ``splits``.

    Parameters
    ----------
    blocks : dict of str to ndarray
        Block names (``mean``, ``last``, ``windows``) to feature matrices over all training
        cases.
    y : ndarray (n_cases,)
        Labels.
    splits : sequence of (train, val) index arrays
        The folds; per fold, the classifier is the one ``StandardScaler`` +
        ``RidgeClassifier(alpha)`` fits on ``train`` (dual form, same predictions).
    representations : iterable of str
        ``+``-joined block names to score (the selection's are
        :data:`~nanowire_rc.selection.REPRESENTATIONS`).
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Ridge penalties, increasing.
    extend : bool, default=False
        When a representation's best penalty lies on an edge of ``alphas``, score further
        penalties beyond that edge (two per decade, up to :data:`EXTEND_DECADES` decades) until
        the best lies inside.

    Returns
    -------
    dict
        ``{representation: (alphas, accuracy, mse)}``, arrays over the penalties scored for it
        (``alphas`` grows when extended). ``accuracy`` and ``mse`` are means over the folds:
        accuracy as ``cross_val_score`` averages it, ``mse`` the mean squared error of the
        decision values against the ±1 class codes, a continuous score that separates
        accuracy ties.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from nanowire_rc.readout import score_representations
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 10)
    >>> blocks = {"mean": rng.normal(size=(20, 3)) + 2 * y[:, None],
    ...           "last": rng.normal(size=(20, 3))}
    >>> splits = list(StratifiedKFold(5).split(y, y))
    >>> scores = score_representations(blocks, y, splits, ["mean", "mean+last"],
    ...                                alphas=[0.1, 1.0, 10.0])
    >>> alphas, accuracy, mse = scores["mean"]
    >>> alphas.tolist(), accuracy.shape, bool(accuracy.max() > 0.8)
    ([0.1, 1.0, 10.0], (3,), True)
    """
    alphas = np.sort(np.asarray(alphas, dtype=np.float64))
    used = {b for r in representations for b in r.split("+")}
    folds = []
    for train, val in splits:
        gram = {b: _standardised_grams(blocks[b], train, val) for b in sorted(used)}
        folds.append((_FoldLabels(y, train, val), gram))
    step = np.sqrt(10.0)
    scores = {}
    for rep in representations:
        solvers = [_FoldSolver(sum(gram[b][0] for b in rep.split("+")),
                               sum(gram[b][1] for b in rep.split("+")), labels)
                   for labels, gram in folds]

        def mean_scores(values, solvers=solvers):
            per_fold = [s.scores(values) for s in solvers]
            return (np.mean([a for a, _ in per_fold], axis=0),
                    np.mean([m for _, m in per_fold], axis=0))

        grid = alphas
        acc, mse = mean_scores(grid)
        if extend:
            lowest, highest = alphas[0] / 10**EXTEND_DECADES, alphas[-1] * 10**EXTEND_DECADES
            while True:
                i = _best_index(acc, mse)
                if i == 0 and grid[0] / step >= lowest * (1 - 1e-9):
                    more = grid[0] / step ** np.arange(4, 0, -1)
                    a, m = mean_scores(more)
                    grid, acc, mse = (np.concatenate([more, grid]), np.concatenate([a, acc]),
                                      np.concatenate([m, mse]))
                elif i == len(grid) - 1 and grid[-1] * step <= highest * (1 + 1e-9):
                    more = grid[-1] * step ** np.arange(1, 5)
                    a, m = mean_scores(more)
                    grid, acc, mse = (np.concatenate([grid, more]), np.concatenate([acc, a]),
                                      np.concatenate([mse, m]))
                else:
                    break
        scores[rep] = (grid, acc, mse)
    return scores
