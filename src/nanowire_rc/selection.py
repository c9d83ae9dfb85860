"""Model selection: protocols, folds, features computed once per configuration, ranks, refits.

The two protocols (:data:`PROTOCOLS`) and the steps of one (dataset, model, size, seed) unit are
in docs/theory.md ("Model selection"). Random draws are seeded from the unit's identity, never
from execution order, and the readout's linear algebra runs on one BLAS thread per piece of work
(a multi-threaded BLAS sums in another order, moving the squared errors that break accuracy ties
by ~1e-8), so stored results are bit-identical however the work is scheduled.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedShuffleSplit

from ._seeding import identity_seed
from .classifiers import ReservoirClassifier
from .exceptions import InvalidParameterError
from .model_space import ModelSpaceClassifier, ReservoirModelSpace
from .readout import (
    DEFAULT_ALPHAS,
    EXTEND_DECADES,
    _best_index,
    one_blas_thread,
    score_representations,
)
from .reservoirs import (
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    _parse_features,
    _pooled_features,
)
from .series import SeriesBatch

__all__ = [
    "KFOLD_REPRESENTATIONS",
    "MODELS",
    "MODEL_SPACE",
    "PROTOCOLS",
    "REPRESENTATIONS",
    "Protocol",
    "best_row",
    "evaluate_configs",
    "kfold_splits",
    "refit_and_test",
    "score_config",
    "unit_seed",
]

MODELS = {
    "nanowire": NanowireReservoir,
    "tanh": LeakyTanhReservoir,
    "nanowire-coupled": CoupledNanowireReservoir,
}

#: Representations compared on validation, all pooled from the same pass.
REPRESENTATIONS = ("mean", "mean+last", "windows", "windows+last")
#: The reservoir model space (:class:`~nanowire_rc.model_space.ReservoirModelSpace` with its
#: defaults) as a representation: scored like the pooled ones, on its own (never joined).
MODEL_SPACE = "model"
#: The k-fold protocol's: the paper's, each with the standard deviation over time added, and
#: the model space.
KFOLD_REPRESENTATIONS = (REPRESENTATIONS + tuple(f"{r}+std" for r in REPRESENTATIONS)
                         + (MODEL_SPACE,))
_BLOCKS = ("mean", "last", "windows", "std")
_ROW_FIELDS = ("memory_factor", "representation", "alpha", "val_accuracy", "val_mse",
               "alpha_at_edge", "config")


def unit_seed(*identity) -> int:
    """A 32-bit seed from a unit's identity (stable across runs, processes and platforms).

    Parameters
    ----------
    *identity : object
        What identifies the unit (model, size, seed, configuration...): values whose ``repr``
        is stable.

    Returns
    -------
    int
        The CRC-32 of the identity's ``repr``, in [0, 2**32).

    Examples
    --------
    >>> from nanowire_rc.selection import unit_seed
    >>> unit_seed("nanowire", 100, 0)
    3666761203
    """
    return identity_seed(*identity)


def _check_representation(representation: str) -> None:
    """Check a representation: pooled blocks joined with ``+``, or :data:`MODEL_SPACE` alone
    (:class:`InvalidParameterError` naming what is wrong).
    """
    if isinstance(representation, str) and MODEL_SPACE in representation.split("+"):
        if representation != MODEL_SPACE:
            raise InvalidParameterError(
                f"the model space ({MODEL_SPACE!r}) is a representation on its "
                             f"own, not a block to join with pooled ones; got "
                             f"{representation!r}")
        return
    _parse_features(representation)


def _pooled_blocks(representations: Iterable[str]) -> str:
    """The ``features`` string that pools every block the representations use, once each, in
    the order ``mean``, ``last``, ``windows``, ``std`` (``mean`` for the model space alone).
    """
    used = {b for r in representations if r != MODEL_SPACE for b in r.split("+")}
    return "+".join(b for b in _BLOCKS if b in used) or "mean"


def _reservoir(model: str, config: dict, n_neurons: int, seed: int, n_windows: int, n_jobs,
               representations: Iterable[str] = REPRESENTATIONS):
    reservoir_cls = MODELS[model]
    params = {k: v for k, v in config.items() if k not in _ROW_FIELDS}
    return reservoir_cls(n_neurons=n_neurons, features=_pooled_blocks(representations),
                         n_windows=n_windows,
                         random_state=unit_seed(model, n_neurons, seed, sorted(params.items())),
                         n_jobs=n_jobs, **params)


def score_config(reservoir, X: SeriesBatch, y: np.ndarray,
                 splits: Sequence[tuple[np.ndarray, np.ndarray]],
                 representations: Sequence[str] = REPRESENTATIONS,
                 alphas: Sequence[float] = DEFAULT_ALPHAS, extend: bool = False) -> list[dict]:
    """One reservoir's best penalty and validation scores per representation.

    The reservoir is fitted on all of ``X`` (its input scaling uses no labels) and run once;
    every representation is pooled from that pass. :data:`MODEL_SPACE` runs it once more, for
    the trajectories (its principal axes are fitted on all of ``X`` too: no labels).

    Parameters
    ----------
    reservoir : estimator
        An unfitted reservoir whose ``features`` pool every block the representations use
        (:func:`_pooled_blocks`).
    X, y : SeriesBatch, array or list of arrays, and ndarray (n_cases,)
        Training series and labels.
    splits : sequence of (train, val) index arrays
        The validation folds.
    representations : sequence of str, default=REPRESENTATIONS
        Representations to score (pooled, or :data:`MODEL_SPACE`).
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Ridge penalties.
    extend : bool, default=False
        Extend the penalty grid past an edge that holds the best (see
        :func:`~nanowire_rc.readout.score_representations`).

    Returns
    -------
    list of dict
        One row per representation: ``representation``, ``alpha``, ``val_accuracy``,
        ``val_mse`` and ``alpha_at_edge`` (the best penalty lies on the edge of the grid
        scored).

    Examples
    --------
    >>> from nanowire_rc import NanowireReservoir, load_ucr
    >>> from nanowire_rc.selection import kfold_splits, score_config
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> X, y = X[::10], y[::10]
    >>> reservoir = NanowireReservoir(n_neurons=10, features="mean+last", random_state=0)
    >>> rows = score_config(reservoir, X, y, kfold_splits(y, n_repeats=1), ["mean", "last"])
    >>> [row["representation"] for row in rows], sorted(rows[0])
    (['mean', 'last'], ['alpha', 'alpha_at_edge', 'representation', 'val_accuracy', 'val_mse'])
    """
    pooled = reservoir.fit(X).pool(X)
    blocks = {b: _pooled_features(pooled, b) for b in _BLOCKS
              if b != "std" or pooled.std is not None}
    if MODEL_SPACE in representations:
        blocks[MODEL_SPACE] = ReservoirModelSpace(reservoir).fit(X).transform(X)
    with one_blas_thread():  # bit-identical on any backend
        scores = score_representations(blocks, y, splits, representations, alphas, extend)
    rows = []
    for rep, (grid, acc, mse) in scores.items():
        i = _best_index(acc, mse)
        rows.append({"representation": rep, "alpha": float(grid[i]),
                     "val_accuracy": float(acc[i]), "val_mse": float(mse[i]),
                     "alpha_at_edge": bool(i in (0, len(grid) - 1))})
    return rows


def evaluate_configs(model: str, configs: list[dict], X: SeriesBatch, y: np.ndarray,
                     splits: Sequence[tuple[np.ndarray, np.ndarray]], n_neurons: int, seed: int,
                     n_windows: int = 8, representations: Sequence[str] = REPRESENTATIONS,
                     alphas: Sequence[float] = DEFAULT_ALPHAS, n_jobs: int | None = -1,
                     extend: bool = False) -> list[dict]:
    """Validation scores of each configuration (features computed once each).

    Parameters
    ----------
    model : {"nanowire", "tanh", "nanowire-coupled"}
        The model (a key of :data:`MODELS`).
    configs : list of dict
        Configurations (e.g. from :func:`~nanowire_rc.experiments.grids.configurations`; a
        ``memory_factor`` entry is kept in the rows and not passed to the reservoir).
    X, y, splits : SeriesBatch, ndarray, sequence
        Training series, labels and validation folds, as for :func:`score_config`.
    n_neurons : int
        Reservoir size.
    seed : int
        The unit's seed index; each reservoir's seed is :func:`unit_seed` of the model, size,
        seed and configuration.
    n_windows : int, default=8
        Windows of the ``windows`` block.
    representations, alphas : sequence, default=REPRESENTATIONS, DEFAULT_ALPHAS
        As for :func:`score_config`.
    n_jobs : int or None, default=-1
        Threads of the compiled kernels (-1: all cores; ``None``: one).
    extend : bool, default=False
        As for :func:`score_config`.

    Returns
    -------
    list of dict
        One row per (configuration, representation): the configuration's entries and
        :func:`score_config`'s.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.experiments.grids import configurations
    >>> from nanowire_rc.selection import evaluate_configs, kfold_splits
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> kept, _ = configurations("nanowire", {"dt": [0.1, 0.2]})
    >>> rows = evaluate_configs("nanowire", kept, X[::10], y[::10],
    ...                         kfold_splits(y[::10])[:1], n_neurons=10, seed=0,
    ...                         representations=["mean"])
    >>> [(row["dt"], row["representation"]) for row in rows]
    [(0.1, 'mean'), (0.2, 'mean')]
    """
    rows = []
    for config in configs:
        reservoir = _reservoir(model, config, n_neurons, seed, n_windows, n_jobs,
                               representations)
        for row in score_config(reservoir, X, y, splits, representations, alphas, extend):
            rows.append({**config, **row})
    return rows


def _validation_split(y: np.ndarray, fraction: float = 0.3, seed: int = 0):
    """Stratified (train, validation) indices of the training set, ``fraction`` of each class
    held out (fixed seed).
    """
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    return next(splitter.split(np.zeros(len(y)), y))


def kfold_splits(y: np.ndarray, n_splits: int = 5, n_repeats: int | None = None,
                 seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold splits of the training set, repeated when it is small.

    Parameters
    ----------
    y : ndarray (n_cases,)
        Training labels.
    n_splits : int, default=5
        Folds; fewer when the smallest class has fewer members (never fewer than 2), so that
        every fold can hold each class.
    n_repeats : int or None, default=None
        Repetitions with reshuffled folds; ``None``: enough for about 200 validation
        predictions in all (at most 10), e.g. 9 repeats for 24 training series, 1 for 500.
    seed : int, default=0
        Seeds the shuffling.

    Returns
    -------
    list of (train, val) index arrays
        ``n_splits x n_repeats`` folds (``n_splits`` as reduced above).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.selection import kfold_splits
    >>> len(kfold_splits(np.repeat([0, 1], 10)))  # 20 series: 5 folds, 10 repeats
    50
    >>> len(kfold_splits(np.arange(500) % 2))  # 500 series: 5 folds, once
    5
    """
    y = np.asarray(y)
    counts = np.unique(y, return_counts=True)[1]
    k = int(min(n_splits, max(2, counts.min()), len(y)))
    if n_repeats is None:
        n_repeats = int(min(10, max(1, np.ceil(200 / len(y)))))
    splitter = RepeatedStratifiedKFold(n_splits=k, n_repeats=n_repeats, random_state=seed)
    with warnings.catch_warnings():
        # A class smaller than k is then missing from some folds' training part: scored as
        # errors, which is what a model that never saw it would do.
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return list(splitter.split(np.zeros(len(y)), y))


@dataclass(frozen=True)
class Protocol:
    """How a configuration is validated and how the selected one is refitted.

    Parameters
    ----------
    name : {"kfold", "paper"}
        ``"kfold"``: :func:`kfold_splits`, the penalty chosen with the configuration (the grid
        extended past an edge), the refit with that penalty. ``"paper"``: one stratified
        validation split of ``validation_fraction``, the refit's penalty chosen by leave-one-out
        on the whole training set (the paper's protocol).
    n_splits : int, default=5
        Folds of ``"kfold"``.
    validation_fraction : float, default=0.3
        Held-out fraction of ``"paper"``.
    split_seed : int, default=0
        Seeds the splits.

    Raises
    ------
    ValueError
        If ``name`` is neither ``"kfold"`` nor ``"paper"``.

    Examples
    --------
    >>> from nanowire_rc.selection import Protocol
    >>> protocol = Protocol("paper")
    >>> protocol.representations, protocol.extend
    (('mean', 'mean+last', 'windows', 'windows+last'), False)
    """

    name: str
    n_splits: int = 5
    validation_fraction: float = 0.3
    split_seed: int = 0

    def __post_init__(self):
        if self.name not in ("kfold", "paper"):
            raise InvalidParameterError(f"protocol must be 'kfold' or 'paper', got {self.name!r}")

    @property
    def representations(self) -> tuple[str, ...]:
        """The representations compared for every configuration."""
        return REPRESENTATIONS if self.name == "paper" else KFOLD_REPRESENTATIONS

    @property
    def extend(self) -> bool:
        """Whether a penalty on the grid's edge extends the grid."""
        return self.name == "kfold"

    def splits(self, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (train, val) folds of the training labels ``y``.

        Parameters
        ----------
        y : ndarray (n_cases,)
            Training labels.

        Returns
        -------
        list of (train, val) index arrays
            One fold for ``"paper"`` (:func:`_validation_split`), :func:`kfold_splits`'s for
            ``"kfold"``.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.selection import PROTOCOLS
        >>> y = np.repeat([0, 1], 10)
        >>> len(PROTOCOLS["paper"].splits(y)), len(PROTOCOLS["kfold"].splits(y))
        (1, 50)
        """
        if self.name == "paper":
            return [_validation_split(y, self.validation_fraction, self.split_seed)]
        return kfold_splits(y, self.n_splits, seed=self.split_seed)

    def describe(self) -> dict:
        """What makes results of this protocol comparable (recorded in a results store).

        Returns
        -------
        dict
            The selection method, its settings and how the refit's penalty is chosen.

        Examples
        --------
        >>> from nanowire_rc.selection import PROTOCOLS
        >>> PROTOCOLS["paper"].describe()["selection"]
        'stratified-validation-split'
        """
        if self.name == "paper":
            return {"selection": "stratified-validation-split",
                    "validation_fraction": self.validation_fraction,
                    "split_seed": self.split_seed, "refit_penalty": "leave-one-out"}
        return {"selection": "repeated-stratified-kfold", "n_splits": self.n_splits,
                "split_seed": self.split_seed, "refit_penalty": "selected",
                "extend_decades": EXTEND_DECADES}


#: The two protocols by name.
PROTOCOLS = {"kfold": Protocol("kfold"), "paper": Protocol("paper")}


def _config_key(config: dict) -> str:
    """Canonical text of a configuration's hyper-parameters (JSON, sorted keys, exact floats; a
    row's score fields left out).
    """
    return json.dumps({k: config[k] for k in sorted(config) if k not in _ROW_FIELDS})


def best_row(rows: list[dict]) -> dict:
    """The selected validation row.

    Highest validation accuracy; among ties the smallest validation squared error, then
    content (configuration text, representation) — never the order rows arrived in, so stored
    and in-memory results select alike.

    Parameters
    ----------
    rows : list of dict
        Validation rows, each with the configuration's entries, ``representation``,
        ``val_accuracy`` and ``val_mse``.

    Returns
    -------
    dict
        The best row.

    Examples
    --------
    >>> from nanowire_rc.selection import best_row
    >>> rows = [{"dt": 0.1, "representation": "mean", "val_accuracy": 0.9, "val_mse": 0.3},
    ...         {"dt": 0.2, "representation": "mean", "val_accuracy": 0.9, "val_mse": 0.2}]
    >>> best_row(rows)["dt"]
    0.2
    """
    return min(rows, key=_row_rank)


def _row_rank(row: dict) -> tuple:
    """Sort key of a validation row, best first (the order :func:`best_row` selects by):
    ``(-accuracy, squared error, configuration text, representation order, name)``.
    """
    rep = row["representation"]
    known = KFOLD_REPRESENTATIONS
    order = known.index(rep) if rep in known else len(known)
    return (-row["val_accuracy"], row["val_mse"], _config_key(row), order, rep)


def _classifier_for(reservoir, representation: str, alphas: Sequence[float]):
    """The unfitted classifier that a representation's validation scores stand for: a
    :class:`~nanowire_rc.classifiers.ReservoirClassifier` over a clone of the reservoir with
    ``features=representation``, or a ``ModelSpaceClassifier`` for :data:`MODEL_SPACE`.
    """
    reservoir = clone(reservoir)  # the caller's stays as it is
    if representation == MODEL_SPACE:
        return ModelSpaceClassifier(
            reservoir.set_params(features=_pooled_blocks([representation])), alphas=alphas)
    return ReservoirClassifier(reservoir.set_params(features=representation), alphas=alphas)


def refit_and_test(model: str, n_neurons: int, seed: int, best: dict, X_train, y_train: np.ndarray,
                   X_test, y_test: np.ndarray, n_windows: int = 8,
                   alphas: Sequence[float] = DEFAULT_ALPHAS, n_jobs: int | None = -1,
                   protocol: Protocol = PROTOCOLS["paper"]):
    """Refit the selected configuration on the whole training set and score it on the test set.

    The reservoir is the one selection scored (same seed from the same identity). Its readout's
    penalty is the selected one (``"kfold"``) or picked by leave-one-out among ``alphas`` on the
    whole training set (``"paper"``).

    Parameters
    ----------
    model, n_neurons, seed : str, int, int
        The unit, as for :func:`evaluate_configs`.
    best : dict
        The selected validation row (:func:`best_row`).
    X_train, y_train, X_test, y_test : array or list of arrays, ndarray
        Training and test series and labels.
    n_windows : int, default=8
        Windows of the ``windows`` block.
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Penalties leave-one-out chooses from (``"paper"``).
    n_jobs : int or None, default=-1
        As for :func:`evaluate_configs`.
    protocol : Protocol, default=PROTOCOLS["paper"]
        How the refit's penalty is chosen.

    Returns
    -------
    accuracy : float
        Test accuracy.
    alpha : float
        The refitted readout's penalty.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.selection import refit_and_test
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> X_te, y_te = load_ucr("SyntheticControl", "test")
    >>> best = {"dt": 0.1, "representation": "windows+last", "alpha": 1.0}
    >>> accuracy, alpha = refit_and_test("nanowire", 20, 0, best, X, y, X_te, y_te)
    >>> accuracy > 0.9  # the "paper" protocol: leave-one-out chose its own penalty
    True
    """
    # The reservoir's own defaults for whatever the grid leaves out: the reservoir selection
    # scored (the classifiers' defaults differ: they were chosen for classification).
    reservoir_defaults = MODELS[model]().get_params()
    params = {k: v for k, v in best.items() if k not in _ROW_FIELDS}
    given = {"n_neurons", "features", "n_windows", "random_state", "n_jobs"}
    options = {k: v for k, v in reservoir_defaults.items() if k not in params and k not in given}
    if protocol.name == "kfold":
        alphas = (best["alpha"],)
    reservoir = MODELS[model](
        n_neurons=n_neurons, n_windows=n_windows,
        random_state=unit_seed(model, n_neurons, seed, sorted(params.items())),
        n_jobs=n_jobs, **params, **options)
    clf = _classifier_for(reservoir, best["representation"], alphas)
    with one_blas_thread():  # bit-identical on any backend
        clf.fit(X_train, y_train)
        return float(clf.score(X_test, y_test)), float(clf.alpha_)


def _seconds_per_config(n_cases: int, n_timepoints: int, n_neurons: int,
                        n_windows: int = 8, folds: Sequence[float] = (0.7,)) -> float:
    """Rough single-core seconds to score one configuration: overhead + reservoir + readout.

    Calibrated on the 2-core development machine (0.03 s for SyntheticControl at 100 neurons,
    0.14 s for ECG5000 at 500, one 70/30 split): a fixed cost, about 1 G neuron-updates/s, and
    the block Gram matrices of each fold's training part (``(f n)^2`` times the feature count
    for a fold training on the fraction ``f``).
    """
    features = n_neurons * (n_windows + 2)
    gram = sum(2 * (f * n_cases) ** 2 * features / 1e10 for f in folds)
    return 0.02 + n_cases * n_timepoints * n_neurons / 1e9 + gram


def _chunk_configs(configs: list[dict], n_cases: int, n_timepoints: int, n_neurons: int,
                   target_seconds: float = 3.0, n_windows: int = 8,
                   folds: Sequence[float] = (0.7,)) -> list[list[dict]]:
    """Split configurations into pieces of about ``target_seconds`` of expected work each: long
    enough that scheduling overhead stays small next to compute, short enough that an interruption
    loses little (at most one piece per worker).
    """
    per_config = _seconds_per_config(n_cases, n_timepoints, n_neurons, n_windows, folds)
    size = int(min(max(1, target_seconds // per_config), max(len(configs), 1)))
    return [configs[i:i + size] for i in range(0, len(configs), size)]
