"""Self-tuning classifiers: hyper-parameters chosen by cross-validation on the training data.

:class:`NanowireClassifierCV` (and :class:`EchoStateClassifierCV`,
:class:`CoupledNanowireClassifierCV`) search a compact grid of reservoir hyper-parameters, the
pooled representation and the ridge penalty together, with the repeated stratified k-fold
protocol of :mod:`.selection`: each configuration's reservoir runs once over the training
series, every representation is pooled from that pass, and every (representation, penalty)
pair is scored on every fold through block Gram matrices. The best triple is refitted on the
whole training set. Nothing is ever chosen by looking at test data: ``fit`` sees only
``(X, y)``.

The default grids were chosen by the same cross-validation on the training splits of the
offline datasets only (``benchmarks/choose_defaults.py``; docs/theory.md, "Self-tuning
classifiers").

Each self-tuning classifier's parameter table (``_parameter_constraints``) is the wrapped
classifier's, less ``features`` (searched), plus the search's own; every configuration of
``param_grid`` is checked against the wrapped classifier's table before anything runs.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from numbers import Integral
from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ._fitting import keeps_state_on_failure
from .classifiers import (
    _READOUT_DOCS,
    DEFAULT_ALPHAS,
    CoupledNanowireClassifier,
    EchoStateClassifier,
    NanowireClassifier,
    check_alphas,
    check_labels,
)
from .device import Device
from .exceptions import InvalidInputError, InvalidParameterError, UnstableReservoirError
from .model_space import MIN_STEPS
from .physics import NanowireParams
from .reservoirs import _COUPLED_DOCS, _NANOWIRE_DOCS, _TANH_DOCS, _document
from .selection import (
    KFOLD_REPRESENTATIONS,
    MODEL_SPACE,
    check_representation,
    classifier_for,
    kfold_splits,
    pooled_blocks,
    row_rank,
    score_config,
)
from .series import as_batch

__all__ = [
    "CV_GRIDS",
    "CoupledNanowireClassifierCV",
    "EchoStateClassifierCV",
    "NanowireClassifierCV",
]


def _configs(*rows) -> list[dict]:
    names = ("input_scaling", "dt", "dt_spread", "bidirectional", "difference")
    return [{n: [v] for n, v in zip(names, row, strict=True)} for row in rows]


#: Default search grids (reservoir hyper-parameters; representation and penalty are searched
#: on top of them at no extra reservoir runs). The nanowire one is the four configurations that
#: a greedy search over 96 candidates found to cover the offline datasets' training splits best
#: for pooled representations (mean over datasets of the best 5-fold CV accuracy among the
#: chosen; test splits unseen: benchmarks/choose_defaults.py), and the model space's neuron
#: (``model_space.DEFAULT_NEURON``: benchmarks/choose_model_space.py).
CV_GRIDS = {
    NanowireClassifier: _configs(
        # input_scaling, dt, dt_spread, bidirectional, difference
        (0.5, 0.3, 1.0, True, True),
        (0.5, 0.03, 1.0, False, False),
        (0.5, 1.0, 0.0, True, False),
        (0.25, 1.0, 0.0, True, True),
        (0.03, 0.3, 1.0, True, True),
    ),
    EchoStateClassifier: [
        {"input_scaling": [scaling], "leak_rate": [leak], "bidirectional": [both],
         "difference": [both]}
        # input_scaling, leak_rate, bidirectional and difference (chosen like the above among
        # 24 candidates)
        for scaling, leak, both in ((1.5, 0.1, True), (1.5, 0.3, True), (1.5, 0.3, False),
                                    (0.5, 0.1, False))
    ],
    # Not chosen by a study (yet): the nanowire choices, with the coupling searched.
    CoupledNanowireClassifier: {"input_scaling": [0.5], "dt": [0.1, 0.3],
                                "coupling": [0.05, 0.2], "bidirectional": [True],
                                "difference": [True]},
}


def _check_grid(grid, estimator_class) -> list[dict]:
    """Expand a grid (a dict of name -> values, or a list of such dicts, as scikit-learn's
    ``ParameterGrid``) into configurations that all set the same names."""
    grids = [grid] if isinstance(grid, dict) else grid
    if not isinstance(grids, (list, tuple)) or not grids or \
            not all(isinstance(g, dict) and g for g in grids):
        raise InvalidParameterError(
            f"param_grid must be a non-empty dict of parameter name -> list of "
            f"values, or a list of such dicts; got {grid!r}")
    names = set(estimator_class._get_param_names()) - {"alphas", "features", "random_state",
                                                      "n_jobs"}
    configs = []
    for g in grids:
        unknown = sorted(set(g) - names)
        if unknown:
            raise InvalidParameterError(
                f"param_grid names {unknown}, which {estimator_class.__name__} "
                f"does not have; searchable: {sorted(names)}")
        for name, values in g.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or \
                    len(list(values)) == 0:
                raise InvalidParameterError(
                    f"param_grid[{name!r}] must be a non-empty list of values, "
                    f"got {values!r}")
        keys = sorted(g)
        configs += [dict(zip(keys, v, strict=True))
                    for v in itertools.product(*(g[k] for k in keys))]
    if len({tuple(sorted(c)) for c in configs}) > 1:
        raise InvalidParameterError(
            "every dict of a param_grid list must name the same parameters (give "
            "each the values it keeps fixed), so that results form one table")
    return configs


#: The search's own hyper-parameters (the wrapped classifier's table gives the others).
#: ``param_grid`` and ``representations`` have their type here; their content is checked by
#: ``_ClassifierCV._check`` at ``fit``.
_SEARCH_CONSTRAINTS = {
    "param_grid": [dict, list, None],
    "representations": ["array-like"],
    "cv": [Interval(Integral, 2, None, closed="left")],
    "n_repeats": [Interval(Integral, 1, None, closed="left"), None],
    "verbose": ["verbose"],
}


def _search_constraints(estimator_class) -> dict:
    """The table of a self-tuning ``estimator_class``: its table but ``features``, and the
    search's."""
    table = {k: v for k, v in estimator_class._parameter_constraints.items() if k != "features"}
    return {**table, **_SEARCH_CONSTRAINTS}


class _ClassifierCV(ClassifierMixin, BaseEstimator):
    """Shared search: k-fold scores of every configuration x representation x penalty."""

    _estimator_class: type
    _parameter_constraints: ClassVar[dict]

    def _base_params(self) -> dict:
        # The wrapped estimator's hyper-parameters but ``features`` (searched as a
        # representation); ``alphas`` is the penalty grid.
        return {n: getattr(self, n) for n in self._estimator_class._get_param_names()
                if n != "features"}

    def _check(self) -> tuple[list[dict], list[str]]:
        """What the parameter table cannot say: the grid's names and values (each
        configuration is checked as the wrapped classifier would check it), the
        representations' syntax and the penalties."""
        grid = CV_GRIDS[self._estimator_class] if self.param_grid is None else self.param_grid
        configs = _check_grid(grid, self._estimator_class)
        reps = self.representations
        if isinstance(reps, str) or len(reps) == 0:
            raise InvalidParameterError(
                f"representations must be a non-empty list of feature strings "
                f"such as ['mean', 'windows+last'], got {reps!r}")
        for r in reps:
            check_representation(r)
        check_alphas(self.alphas)
        base = self._base_params()
        for config in configs:
            estimator = self._estimator_class(**{**base, **config})
            try:
                estimator._validate_params()
                estimator._reservoir()._check_values()
            except ValueError as err:
                raise InvalidParameterError(f"param_grid sets {config}: {err}") from None
        return configs, list(reps)

    def _score(self, config, batch, y, splits, reps, seed, n_jobs):
        params = {**self._base_params(), **config, "random_state": seed, "n_jobs": n_jobs}
        params.pop("alphas")
        params["features"] = pooled_blocks(reps)
        reservoir = self._estimator_class._reservoir_class(**params)
        try:
            return score_config(reservoir, batch, y, splits, reps, self.alphas, extend=True)
        except UnstableReservoirError:
            return None  # outside the stability guarantee: not a candidate

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike) -> _ClassifierCV:
        """Search the grid by k-fold cross-validation on ``(X, y)``, then refit the best.

        Parameters
        ----------
        X : array (n_cases, n_timepoints), (n_cases, n_channels, n_timepoints) or list
            Training series (a list of 1-D or 2-D arrays for unequal lengths).
        y : array-like (n_cases,)
            Class labels.

        Returns
        -------
        self
            The fitted classifier.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters (the parameter table, then ``param_grid``,
            ``representations`` and ``alphas``, before anything runs).
        InvalidInputError
            For invalid inputs (too short for every representation asked for).
        UnstableReservoirError
            When every configuration of the grid is outside the stability guarantee.

        Examples
        --------
        >>> from nanowire_rc import CoupledNanowireClassifierCV, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = CoupledNanowireClassifierCV(n_neurons=10, param_grid={"dt": [0.1, 0.3]},
        ...                                   representations=["mean"], random_state=0)
        >>> clf.fit(X[::6], y[::6]).cv_results_["params"][0]["dt"]
        0.1
        """
        configs, reps = self._check()
        batch = as_batch(X)
        y = check_labels(y, batch.n_cases, type(self).__name__)
        shortest = int(batch.lengths.min()) - self.washout
        if any("windows" in r.split("+") for r in reps) and shortest < self.n_windows:
            reps = [r for r in reps if "windows" not in r.split("+")]
            if not reps:
                raise InvalidInputError(
                    f"the shortest series has {shortest} steps after the washout, "
                    f"fewer than n_windows={self.n_windows}: lower n_windows or "
                    "add a representation without windows")
            warnings.warn(f"the shortest training series has {shortest} steps after the "
                          f"washout, fewer than n_windows={self.n_windows}: representations "
                          f"with windows are left out of the search ({reps} remain)",
                          UserWarning, stacklevel=2)
        if MODEL_SPACE in reps and shortest < MIN_STEPS:
            reps = [r for r in reps if r != MODEL_SPACE]
            if not reps:
                raise InvalidInputError(
                    f"the shortest series has {shortest} steps after the washout: "
                    f"the model space needs {MIN_STEPS} (a step and the next it "
                    "predicts)")
            warnings.warn(f"the shortest training series has {shortest} steps after the "
                          f"washout: the model space needs {MIN_STEPS} and is left out of the "
                          f"search ({reps} remain)", UserWarning, stacklevel=2)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        splits = kfold_splits(y, self.cv, self.n_repeats, seed=seed)
        parallel = self.n_jobs not in (None, 1)
        if parallel:
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(self._score)(c, batch, y, splits, reps, seed, 1) for c in configs)
        else:
            results = []
            for c in self._progress(configs):
                results.append(self._score(c, batch, y, splits, reps, seed, self.n_jobs))
        rows = [{**c, **row} for c, part in zip(configs, results, strict=True)
                if part is not None for row in part]
        if not rows:
            raise UnstableReservoirError(
                f"every configuration of {type(self).__name__}'s grid is outside "
                "the stability guarantee for this data: nothing to select")
        self.cv_results_ = self._results(rows, configs)
        self.best_index_ = int(np.argmin(self.cv_results_["rank_test_score"]))
        best = rows[self.best_index_]  # what selection.best_row picks: the same order
        config = {k: best[k] for k in configs[0]}
        self.best_params_ = {**config, "features": best["representation"],
                             "alpha": best["alpha"]}
        self.best_score_ = best["val_accuracy"]
        self.alpha_at_edge_ = best["alpha_at_edge"]
        self.n_splits_ = len(splits)
        params = {**self._base_params(), **config, "random_state": seed}
        params.pop("alphas")
        self.best_estimator_ = classifier_for(self._estimator_class, best["representation"],
                                              (best["alpha"],), **params).fit(batch, y)
        self.classes_ = self.best_estimator_.classes_
        return self

    def _progress(self, configs):
        if not self.verbose:
            return configs
        from tqdm import tqdm

        return tqdm(configs, desc=f"{type(self).__name__} search", unit="config")

    @staticmethod
    def _results(rows: list[dict], configs: list[dict]) -> dict:
        acc = np.array([r["val_accuracy"] for r in rows])
        mse = np.array([r["val_mse"] for r in rows])
        order = sorted(range(len(rows)), key=lambda i: row_rank(rows[i]))
        rank = np.empty(len(rows), dtype=np.int32)
        rank[order] = np.arange(1, len(rows) + 1)
        results = {f"param_{k}": np.array([r[k] for r in rows], dtype=object)
                   for k in configs[0]}
        results["param_features"] = np.array([r["representation"] for r in rows], dtype=object)
        results["param_alpha"] = np.array([r["alpha"] for r in rows])
        results["params"] = [{**{k: r[k] for k in configs[0]}, "features": r["representation"],
                              "alpha": r["alpha"]} for r in rows]
        results["mean_test_score"] = acc
        results["mean_test_mse"] = mse
        results["rank_test_score"] = rank
        results["alpha_at_edge"] = np.array([r["alpha_at_edge"] for r in rows])
        return results

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Readout scores of the refitted best classifier.

        Parameters
        ----------
        X : array or list of arrays
            Series, as for ``fit``.

        Returns
        -------
        ndarray (n_cases,) or (n_cases, n_classes)
            One score for two classes, else one per class.

        Examples
        --------
        >>> from nanowire_rc import CoupledNanowireClassifierCV, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = CoupledNanowireClassifierCV(n_neurons=10, param_grid={"dt": [0.1]},
        ...                                   representations=["mean"], random_state=0)
        >>> clf.fit(X[::6], y[::6]).decision_function(X[:3]).shape
        (3, 6)
        """
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.decision_function(X)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels, of the same type as the training labels.

        Parameters
        ----------
        X : array or list of arrays
            Series, as for ``fit``.

        Returns
        -------
        ndarray (n_cases,)
            Labels.

        Examples
        --------
        >>> from nanowire_rc import CoupledNanowireClassifierCV, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = CoupledNanowireClassifierCV(n_neurons=10, param_grid={"dt": [0.1]},
        ...                                   representations=["mean"], random_state=0)
        >>> clf.fit(X[::6], y[::6]).predict(X[:3]).shape
        (3,)
        """
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _cv_docs(estimator: str, reservoir_docs: dict) -> dict:
    """Parameter descriptions of the self-tuning version of ``estimator``."""
    return {
        **reservoir_docs, **_READOUT_DOCS,
        "param_grid": ("dict, list of dict or None", "Reservoir hyper-parameters to search, "
                       "name -> list of values (any of "
                       f":class:`~nanowire_rc.classifiers.{estimator}`'s but ``features``, "
                       "``alphas``, ``random_state``, ``n_jobs``), or a list of such dicts "
                       f"that all name the same parameters; ``None``: ``CV_GRIDS[{estimator}]``. "
                       "Configurations outside the stability guarantee are skipped."),
        "representations": ("sequence of str", "Representations compared for every "
                            "configuration: pooled ones (``features`` values) and "
                            "``\"model\"``, the reservoir model space "
                            "(:class:`~nanowire_rc.model_space.ModelSpaceClassifier` with its "
                            "defaults, refitted as one when chosen)."),
        "alphas": ("sequence of float", "Ridge penalties; when the best lies on an edge the "
                   "grid is extended past it (up to 4 decades), and ``alpha_at_edge_`` says if "
                   "it still does."),
        "cv": ("int", "Stratified folds (fewer when the smallest class is smaller)."),
        "n_repeats": ("int or None", "Repetitions of the k-fold split; ``None``: enough for "
                      "about 200 validation predictions (small training sets are repeated, "
                      "large ones are not)."),
        "random_state": ("int, RandomState instance or None", "Seeds the folds and every "
                         "configuration's reservoir (the same seed for all, so configurations "
                         "differ only by their hyper-parameters)."),
        "n_jobs": ("int or None", "``None``: configurations one after the other, each "
                   "reservoir on all cores; an integer: that many configurations side by side "
                   "(joblib), each on one core."),
        "verbose": ("int", "> 0 shows a progress bar over the configurations."),
    }


_NAMED_DEFAULTS = {"DEFAULT_ALPHAS": DEFAULT_ALPHAS,
                   "KFOLD_REPRESENTATIONS": KFOLD_REPRESENTATIONS}


_CV_ATTRIBUTES = """
    Attributes
    ----------
    best_estimator_ : classifier
        The best configuration refitted on the whole training set with its chosen penalty
        (a ``ModelSpaceClassifier`` when the model space was chosen).
    best_params_ : dict
        Its reservoir hyper-parameters, ``features`` and ``alpha``.
    best_score_ : float
        Its mean cross-validated accuracy.
    best_index_ : int
        Its row in ``cv_results_``.
    cv_results_ : dict of arrays
        One entry per (configuration, representation), with its best penalty:
        ``param_<name>``, ``params``, ``mean_test_score`` (accuracy), ``mean_test_mse``
        (squared error of the decision values, the tie-break), ``rank_test_score``,
        ``alpha_at_edge``.
    alpha_at_edge_ : bool
        Whether the chosen penalty lies on the edge of the (extended) penalty grid.
    n_splits_ : int
        Validation folds used (folds x repeats).
    classes_ : ndarray
        Class labels.
"""


@_document(_cv_docs("NanowireClassifier", _NANOWIRE_DOCS), _NAMED_DEFAULTS,
           attributes=_CV_ATTRIBUTES)
class NanowireClassifierCV(_ClassifierCV):
    """Nanowire classifier that tunes itself by k-fold cross-validation on the training data.

    Searches ``param_grid`` x ``representations`` x ridge penalties with repeated stratified
    k-fold (:func:`~nanowire_rc.selection.kfold_splits`), then refits the best on the whole
    training set. Accepts what :class:`~nanowire_rc.classifiers.NanowireClassifier` accepts
    (multivariate, unequal length). The reservoir hyper-parameters are those of
    :class:`~nanowire_rc.reservoirs.NanowireReservoir`, with
    :class:`~nanowire_rc.classifiers.NanowireClassifier`'s defaults; they stay fixed unless
    ``param_grid`` searches them.

    Parameters
    ----------
    {parameters}

    {attributes}

    Examples
    --------
    >>> from nanowire_rc import NanowireClassifierCV, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = NanowireClassifierCV(n_neurons=20, param_grid={"dt": [0.1, 0.3]},
    ...                            random_state=0).fit(X[::4], y[::4])
    >>> sorted(clf.best_params_)
    ['alpha', 'dt', 'features']
    """

    _estimator_class = NanowireClassifier
    _parameter_constraints: ClassVar[dict] = _search_constraints(NanowireClassifier)

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
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = True,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        param_grid: dict | None = None,
        representations: Sequence[str] = KFOLD_REPRESENTATIONS,
        alphas: Sequence[float] = DEFAULT_ALPHAS,
        cv: int = 5,
        n_repeats: int | None = None,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.dt = dt
        self.dt_spread = dt_spread
        self.params = params
        self.method = method
        self.device = device
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.param_grid = param_grid
        self.representations = representations
        self.alphas = alphas
        self.cv = cv
        self.n_repeats = n_repeats
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose


@_document(_cv_docs("EchoStateClassifier", _TANH_DOCS), _NAMED_DEFAULTS,
           attributes=_CV_ATTRIBUTES)
class EchoStateClassifierCV(_ClassifierCV):
    """Leaky-tanh ESN classifier that tunes itself by k-fold cross-validation on the training data.

    The baseline of :class:`NanowireClassifierCV`, searched alike. The reservoir
    hyper-parameters are those of :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir`, with
    :class:`~nanowire_rc.classifiers.EchoStateClassifier`'s defaults; they stay fixed unless
    ``param_grid`` searches them.

    Parameters
    ----------
    {parameters}

    {attributes}

    Examples
    --------
    >>> from nanowire_rc import EchoStateClassifierCV, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = EchoStateClassifierCV(n_neurons=20, param_grid={"leak_rate": [0.3, 1.0]},
    ...                             random_state=0).fit(X[::4], y[::4])
    >>> clf.best_score_ > 0.5
    True
    """

    _estimator_class = EchoStateClassifier
    _parameter_constraints: ClassVar[dict] = _search_constraints(EchoStateClassifier)

    def __init__(
        self,
        n_neurons: int = 300,
        leak_rate: float = 0.3,
        input_scaling: float = 0.5,
        bias_scaling: float = 0.1,
        spectral_radius: float = 0.9,
        connectivity: str = "diagonal",
        density: float = 0.1,
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = True,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        param_grid: dict | None = None,
        representations: Sequence[str] = KFOLD_REPRESENTATIONS,
        alphas: Sequence[float] = DEFAULT_ALPHAS,
        cv: int = 5,
        n_repeats: int | None = None,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.n_neurons = n_neurons
        self.leak_rate = leak_rate
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.spectral_radius = spectral_radius
        self.connectivity = connectivity
        self.density = density
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.param_grid = param_grid
        self.representations = representations
        self.alphas = alphas
        self.cv = cv
        self.n_repeats = n_repeats
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose


@_document(_cv_docs("CoupledNanowireClassifier", _COUPLED_DOCS), _NAMED_DEFAULTS,
           attributes=_CV_ATTRIBUTES)
class CoupledNanowireClassifierCV(_ClassifierCV):
    """Coupled nanowire classifier that tunes itself by k-fold cross-validation.

    Searched on the training data as :class:`NanowireClassifierCV` is. The reservoir
    hyper-parameters are those of :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`, with
    :class:`~nanowire_rc.classifiers.CoupledNanowireClassifier`'s defaults but 300 neurons;
    they stay fixed unless ``param_grid`` searches them.

    Parameters
    ----------
    {parameters}

    {attributes}

    Examples
    --------
    >>> from nanowire_rc import CoupledNanowireClassifierCV, load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = CoupledNanowireClassifierCV(n_neurons=20, param_grid={"coupling": [0.05]},
    ...                                   random_state=0).fit(X[::4], y[::4])
    >>> clf.best_params_["coupling"]
    0.05
    """

    _estimator_class = CoupledNanowireClassifier
    _parameter_constraints: ClassVar[dict] = _search_constraints(CoupledNanowireClassifier)

    def __init__(
        self,
        n_neurons: int = 300,
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
        n_windows: int = 8,
        washout: int = 0,
        bidirectional: bool = False,
        difference: bool = False,
        input_range: tuple[float, float] | None = (0.0, 1.0),
        dtype: str = "float32",
        param_grid: dict | None = None,
        representations: Sequence[str] = KFOLD_REPRESENTATIONS,
        alphas: Sequence[float] = DEFAULT_ALPHAS,
        cv: int = 5,
        n_repeats: int | None = None,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
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
        self.n_windows = n_windows
        self.washout = washout
        self.bidirectional = bidirectional
        self.difference = difference
        self.input_range = input_range
        self.dtype = dtype
        self.param_grid = param_grid
        self.representations = representations
        self.alphas = alphas
        self.cv = cv
        self.n_repeats = n_repeats
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose
