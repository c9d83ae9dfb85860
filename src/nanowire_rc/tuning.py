"""Self-tuning classifiers: hyper-parameters chosen by cross-validation on the training data.

:class:`ReservoirClassifierCV` (and its presets :class:`NanowireClassifierCV`,
:class:`EchoStateClassifierCV`, :class:`CoupledNanowireClassifierCV`) search a grid of the
reservoir's hyper-parameters (``reservoir__<name>``, each configuration checked against the
reservoir's parameter table before anything runs), the pooled representation and the ridge
penalty together with the repeated stratified k-fold protocol of :mod:`.selection` (one reservoir
run per configuration, every representation and penalty scored through block Gram matrices), and
refit the best; ``fit`` sees only ``(X, y)``. The default grids: docs/theory.md ("Self-tuning
classifiers").
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
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.utils._param_validation import Interval, Options
from sklearn.utils.validation import check_is_fitted

from ._docs import preset
from ._fitting import _set_hyper_parameters, keeps_state_on_failure
from ._seeding import RANDOM_STATE, Stream, integer_seed, seed_sequence
from .exceptions import InvalidInputError, InvalidParameterError, UnstableReservoirError
from .model_space import MIN_STEPS
from .readout import DEFAULT_ALPHAS, _check_alphas, _check_labels
from .reservoirs import (
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    _Reservoir,
)
from .selection import (
    KFOLD_REPRESENTATIONS,
    MODEL_SPACE,
    _check_representation,
    _classifier_for,
    _pooled_blocks,
    _row_rank,
    kfold_splits,
    score_config,
)
from .series import as_batch

__all__ = [
    "CV_GRIDS",
    "CoupledNanowireClassifierCV",
    "EchoStateClassifierCV",
    "NanowireClassifierCV",
    "ReservoirClassifierCV",
]

#: Grid names address the reservoir's hyper-parameters as scikit-learn's nested parameters do.
PREFIX = "reservoir__"


def _configs(*rows) -> list[dict]:
    names = tuple(PREFIX + n for n in ("input_scaling", "dt", "dt_spread", "bidirectional",
                                       "difference"))
    return [{n: [v] for n, v in zip(names, row, strict=True)} for row in rows]


#: Default search grids (reservoir hyper-parameters; representation and penalty are searched
#: on top of them at no extra reservoir runs). The nanowire one is the four configurations that
#: a greedy search over 96 candidates found to cover the offline datasets' training splits best
#: for pooled representations (mean over datasets of the best 5-fold CV accuracy among the
#: chosen; test splits unseen: benchmarks/choose_defaults.py), and the model space's neuron
#: (``model_space.DEFAULT_NEURON``: benchmarks/choose_model_space.py).
CV_GRIDS = {
    NanowireReservoir: _configs(
        # input_scaling, dt, dt_spread, bidirectional, difference
        (0.5, 0.3, 1.0, True, True),
        (0.5, 0.03, 1.0, False, False),
        (0.5, 1.0, 0.0, True, False),
        (0.25, 1.0, 0.0, True, True),
        (0.03, 0.3, 1.0, True, True),
    ),
    LeakyTanhReservoir: [
        {PREFIX + "input_scaling": [scaling], PREFIX + "leak_rate": [leak],
         PREFIX + "bidirectional": [both], PREFIX + "difference": [both]}
        # input_scaling, leak_rate, bidirectional and difference (chosen like the above among
        # 24 candidates)
        for scaling, leak, both in ((1.5, 0.1, True), (1.5, 0.3, True), (1.5, 0.3, False),
                                    (0.5, 0.1, False))
    ],
    # Not chosen by a study (yet): the nanowire choices, with the coupling searched.
    CoupledNanowireReservoir: {PREFIX + "input_scaling": [0.5], PREFIX + "dt": [0.1, 0.3],
                               PREFIX + "coupling": [0.05, 0.2], PREFIX + "bidirectional": [True],
                               PREFIX + "difference": [True]},
}


def _check_grid(grid, reservoir) -> list[dict]:
    """Expand a grid (a dict of ``reservoir__name`` -> values, or a list of such dicts, as
    scikit-learn's ``ParameterGrid``) into configurations of the reservoir's hyper-parameters
    (names without the prefix) that all set the same names."""
    grids = [grid] if isinstance(grid, dict) else grid
    if not isinstance(grids, (list, tuple)) or not grids or \
            not all(isinstance(g, dict) and g for g in grids):
        raise InvalidParameterError(
            f"param_grid must be a non-empty dict of parameter name -> list of "
            f"values, or a list of such dicts; got {grid!r}")
    names = {PREFIX + n for n in reservoir._get_param_names()} - {
        PREFIX + n for n in ("features", "random_state", "n_jobs")}
    configs = []
    for g in grids:
        unknown = sorted(set(g) - names)
        if unknown:
            raise InvalidParameterError(
                f"param_grid names {unknown}, which {type(reservoir).__name__} "
                f"does not have; searchable: {sorted(names)}")
        for name, values in g.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or \
                    len(list(values)) == 0:
                raise InvalidParameterError(
                    f"param_grid[{name!r}] must be a non-empty list of values, "
                    f"got {values!r}")
        keys = sorted(g)
        configs += [dict(zip([k[len(PREFIX):] for k in keys], v, strict=True))
                    for v in itertools.product(*(g[k] for k in keys))]
    if len({tuple(sorted(c)) for c in configs}) > 1:
        raise InvalidParameterError(
            "every dict of a param_grid list must name the same parameters (give "
            "each the values it keeps fixed), so that results form one table")
    return configs


def _leave_out(reps: list[str], dropped: list[str], error: str, warning: str) -> list[str]:
    """``reps`` without ``dropped``, with a warning (from ``fit``'s caller); an error when
    nothing remains."""
    reps = [r for r in reps if r not in dropped]
    if not reps:
        raise InvalidInputError(error)
    warnings.warn(f"{warning} ({reps} remain)", UserWarning, stacklevel=3)
    return reps


class ReservoirClassifierCV(ClassifierMixin, BaseEstimator):
    """A reservoir classifier that tunes itself by k-fold cross-validation on the training data.

    Searches ``param_grid`` (the reservoir's hyper-parameters) x ``representations`` x ridge
    penalties with repeated stratified k-fold (:func:`~nanowire_rc.selection.kfold_splits`),
    then refits the best on the whole training set as a
    :class:`~nanowire_rc.classifiers.ReservoirClassifier` (or a
    :class:`~nanowire_rc.model_space.ModelSpaceClassifier` when the model space won). The
    reservoir's hyper-parameters the grid leaves out stay as ``reservoir`` sets them. The
    presets :class:`NanowireClassifierCV`, :class:`EchoStateClassifierCV` and
    :class:`CoupledNanowireClassifierCV` are this class with a default reservoir and grid.

    Parameters
    ----------
    reservoir : pooled reservoir or None
        The reservoir searched around: a ``NanowireReservoir``, ``LeakyTanhReservoir``,
        ``CoupledNanowireReservoir`` (each with a default grid) or ``NetworkReservoir`` (give
        ``param_grid``); None: the class's default. Its ``features`` are ignored
        (``representations`` are searched instead).
    param_grid : dict, list of dict or None, default=None
        ``reservoir__<name>`` -> list of values (any of the reservoir's hyper-parameters but
        ``features``, ``random_state``, ``n_jobs``), or a list of such dicts that all name
        the same parameters; ``None``: ``CV_GRIDS[type(reservoir)]``. Configurations outside
        the stability guarantee are skipped.
    representations : sequence of str, default=KFOLD_REPRESENTATIONS
        Representations compared for every configuration: pooled ones (``features`` values)
        and ``"model"``, the reservoir model space
        (:class:`~nanowire_rc.model_space.ModelSpaceClassifier` with its defaults, refitted as
        one when chosen).
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Ridge penalties; when the best lies on an edge the grid is extended past it (up to 4
        decades), and ``alpha_at_edge_`` says if it still does.
    cv : int, default=5
        Stratified folds (fewer when the smallest class is smaller).
    n_repeats : int or None, default=None
        Repetitions of the k-fold split; ``None``: enough for about 200 validation
        predictions (small training sets are repeated, large ones are not).
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Seeds the folds and every configuration's reservoir (the same seed for all, so
        configurations differ only by their hyper-parameters); None: the reservoir's own
        ``random_state`` does.
    n_jobs : int or None, default=None
        ``None``: configurations one after the other, each reservoir with its own ``n_jobs``;
        an integer: that many configurations side by side (joblib; -1: as many as cores), each
        on one core.
    verbose : int, default=0
        > 0 shows a progress bar over the configurations.

    Attributes
    ----------
    best_estimator_ : classifier
        The best configuration refitted on the whole training set with its chosen penalty.
    best_params_ : dict
        Its reservoir hyper-parameters (``reservoir__<name>``), ``features`` and ``alpha``.
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

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.ReservoirClassifierCV(nw.NanowireReservoir(n_neurons=20), cv=3,
    ...                                param_grid={"reservoir__dt": [0.1, 0.3]},
    ...                                representations=["mean", "model"], random_state=0)
    >>> sorted(clf.fit(X[::4], y[::4]).best_params_)
    ['alpha', 'features', 'reservoir__dt']
    """

    _parameter_constraints: ClassVar[dict] = {
        "reservoir": [_Reservoir, None],
        "param_grid": [dict, list, None],
        "representations": ["array-like"],
        "alphas": ["array-like"],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "n_repeats": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": RANDOM_STATE,
        "n_jobs": [Options(Integral, {-1}),
                   Interval(Integral, 1, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        reservoir: _Reservoir | None = None,
        *,
        param_grid: dict | list[dict] | None = None,
        representations: Sequence[str] = KFOLD_REPRESENTATIONS,
        alphas: Sequence[float] = DEFAULT_ALPHAS,
        cv: int = 5,
        n_repeats: int | None = None,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        _set_hyper_parameters(self, locals())

    @staticmethod
    def _default_reservoir() -> _Reservoir:
        return NanowireReservoir(n_neurons=300, input_scaling=0.5, dt=0.3, dt_spread=1.0,
                                 difference=True)

    def _base(self) -> _Reservoir:
        return (self._default_reservoir() if self.reservoir is None
                else clone(self.reservoir))

    def _configured(self, config: dict, **fixed) -> _Reservoir:
        return self._base().set_params(**config, **fixed)

    def _check(self) -> tuple[list[dict], list[str]]:
        """What the parameter table cannot say: the grid's names and values (each
        configuration is checked as the reservoir would check it), the representations'
        syntax and the penalties."""
        base = self._base()
        if self.param_grid is None and type(base) not in CV_GRIDS:
            raise InvalidParameterError(
                f"there is no default grid for {type(base).__name__}: give param_grid, e.g. "
                "{'reservoir__input_scaling': [0.5, 1.0]}")
        grid = CV_GRIDS[type(base)] if self.param_grid is None else self.param_grid
        configs = _check_grid(grid, base)
        reps = self.representations
        if isinstance(reps, str) or len(reps) == 0:
            raise InvalidParameterError(
                f"representations must be a non-empty list of feature strings "
                f"such as ['mean', 'windows+last'], got {reps!r}")
        for r in reps:
            _check_representation(r)
        _check_alphas(self.alphas)
        for config in configs:
            reservoir = self._configured(config)
            try:
                reservoir._validate_params()
                reservoir._check_values()
            except ValueError as err:
                shown = {PREFIX + k: v for k, v in config.items()}
                raise InvalidParameterError(f"param_grid sets {shown}: {err}") from None
        return configs, list(reps)

    def _score(self, config, batch, y, splits, reps, seed, n_jobs):
        reservoir = self._configured(config, random_state=seed,
                                     features=_pooled_blocks(reps),
                                     **({} if n_jobs is None else {"n_jobs": n_jobs}))
        try:
            return score_config(reservoir, batch, y, splits, reps, self.alphas, extend=True)
        except UnstableReservoirError:
            return None  # outside the stability guarantee: not a candidate

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y: ArrayLike) -> ReservoirClassifierCV:
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
            Fitted: ``best_estimator_``, ``cv_results_`` and the other attributes.

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
        >>> import nanowire_rc as nw
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = nw.tuning.CoupledNanowireClassifierCV(
        ...     nw.CoupledNanowireReservoir(n_neurons=10),
        ...     param_grid={"reservoir__dt": [0.1, 0.3]}, representations=["mean"],
        ...     random_state=0)
        >>> clf.fit(X[::6], y[::6]).cv_results_["params"][0]["reservoir__dt"]
        0.1
        """
        configs, reps = self._check()
        base = self._base()
        batch = as_batch(X)
        y = _check_labels(y, batch.n_cases, type(self).__name__)
        shortest = int(batch.lengths.min()) - base.washout
        windows = [r for r in reps if "windows" in r.split("+")]
        if windows and shortest < base.n_windows:
            reps = _leave_out(
                reps, windows, f"the shortest series has {shortest} steps after the washout, "
                f"fewer than n_windows={base.n_windows}: lower n_windows or add a representation "
                "without windows", f"the shortest training series has {shortest} steps after "
                f"the washout, fewer than n_windows={base.n_windows}: representations with "
                "windows are left out of the search")
        if MODEL_SPACE in reps and shortest < MIN_STEPS:
            reps = _leave_out(
                reps, [MODEL_SPACE], f"the shortest series has {shortest} steps after the "
                f"washout: the model space needs {MIN_STEPS} (a step and the next it predicts)",
                f"the shortest training series has {shortest} steps after the washout: the "
                f"model space needs {MIN_STEPS} and is left out of the search")
        # The search's seed, else the reservoir's own: it seeds the folds and every reservoir.
        source = base.random_state if self.random_state is None else self.random_state
        seeds = seed_sequence(source)
        seed = integer_seed(seeds, Stream.RESERVOIR, bits=31)
        splits = kfold_splits(y, self.cv, self.n_repeats,
                              seed=integer_seed(seeds, Stream.FOLDS, bits=31))
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
        self.best_params_ = {**{PREFIX + k: v for k, v in config.items()},
                             "features": best["representation"], "alpha": best["alpha"]}
        self.best_score_ = best["val_accuracy"]
        self.alpha_at_edge_ = best["alpha_at_edge"]
        self.n_splits_ = len(splits)
        reservoir = self._configured(config, random_state=seed, **(
            {} if self.n_jobs is None else {"n_jobs": self.n_jobs}))
        self.best_estimator_ = _classifier_for(reservoir, best["representation"],
                                              (best["alpha"],)).fit(batch, y)
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
        order = sorted(range(len(rows)), key=lambda i: _row_rank(rows[i]))
        rank = np.empty(len(rows), dtype=np.int32)
        rank[order] = np.arange(1, len(rows) + 1)
        results = {f"param_{PREFIX}{k}": np.array([r[k] for r in rows], dtype=object)
                   for k in configs[0]}
        results["param_features"] = np.array([r["representation"] for r in rows], dtype=object)
        results["param_alpha"] = np.array([r["alpha"] for r in rows])
        results["params"] = [{**{PREFIX + k: r[k] for k in configs[0]},
                              "features": r["representation"], "alpha": r["alpha"]}
                             for r in rows]
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
            Series to score, as for ``fit``.

        Returns
        -------
        ndarray (n_cases,) or (n_cases, n_classes)
            One score for two classes, else one per class.

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = nw.tuning.CoupledNanowireClassifierCV(nw.CoupledNanowireReservoir(n_neurons=10),
        ...                                      representations=["mean"], random_state=0,
        ...                                      param_grid={"reservoir__dt": [0.1]})
        >>> clf.fit(X[::6], y[::6]).decision_function(X[:3]).shape
        (3, 6)
        """
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.decision_function(X)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels of the refitted best classifier.

        Parameters
        ----------
        X : array (n_cases, n_timepoints), (n_cases, n_channels, n_timepoints) or list
            Series, as for ``fit``.

        Returns
        -------
        ndarray of shape (n_cases,)
            Labels, of the same type as the training labels.

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = nw.NanowireClassifierCV(nw.NanowireReservoir(n_neurons=10),
        ...                               param_grid={"reservoir__dt": [0.1]},
        ...                               representations=["mean"], random_state=0)
        >>> clf.fit(X[::6], y[::6]).predict(X[:3]).shape
        (3,)
        """
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


@preset()
class NanowireClassifierCV(ReservoirClassifierCV):
    """:class:`ReservoirClassifierCV` around a nanowire reservoir.

    A preset: it declares no hyper-parameter of its own. Its default reservoir is
    ``NanowireReservoir(n_neurons=300, input_scaling=0.5, dt=0.3, dt_spread=1.0,
    difference=True)`` and its default grid ``CV_GRIDS[NanowireReservoir]``: the four
    configurations that a greedy search over 96 candidates found to cover the offline
    datasets' training splits best, and the model space's neuron.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.NanowireClassifierCV(nw.NanowireReservoir(n_neurons=20),
    ...                               param_grid={"reservoir__dt": [0.1, 0.3]},
    ...                               random_state=0).fit(X[::4], y[::4])
    >>> clf.best_score_ > 0.5
    True
    """


@preset(LeakyTanhReservoir, n_neurons=300, input_scaling=0.5, difference=True)
class EchoStateClassifierCV(ReservoirClassifierCV):
    """:class:`ReservoirClassifierCV` around a leaky-tanh reservoir (ESN), the baseline.

    A preset: its default reservoir is ``LeakyTanhReservoir(n_neurons=300,
    input_scaling=0.5, difference=True)`` and its default grid
    ``CV_GRIDS[LeakyTanhReservoir]``.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.tuning.EchoStateClassifierCV(nw.LeakyTanhReservoir(n_neurons=20),
    ...                                param_grid={"reservoir__leak_rate": [0.3, 1.0]},
    ...                                random_state=0).fit(X[::4], y[::4])
    >>> clf.best_score_ > 0.5
    True
    """


@preset(CoupledNanowireReservoir, n_neurons=300)
class CoupledNanowireClassifierCV(ReservoirClassifierCV):
    """:class:`ReservoirClassifierCV` around a coupled nanowire reservoir.

    A preset: its default reservoir is ``CoupledNanowireReservoir(n_neurons=300)`` and its
    default grid ``CV_GRIDS[CoupledNanowireReservoir]`` (not chosen by a study: the nanowire
    choices, with the coupling searched).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> X, y = nw.load_ucr("SyntheticControl", "train")
    >>> clf = nw.tuning.CoupledNanowireClassifierCV(nw.CoupledNanowireReservoir(n_neurons=20),
    ...                                      param_grid={"reservoir__coupling": [0.05]},
    ...                                      random_state=0).fit(X[::4], y[::4])
    >>> clf.best_params_["reservoir__coupling"]
    0.05
    """
