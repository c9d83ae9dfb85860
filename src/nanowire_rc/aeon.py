"""aeon adapters for the reservoir classifiers (optional extra:
``pip install "nanowire-rc[aeon]"``).

This module owns the bridge to `aeon <https://www.aeon-toolkit.org>`_:
:class:`NanowireAeonClassifier`, :class:`EchoStateAeonClassifier`,
:class:`NanowireAeonClassifierCV` and :class:`ModelSpaceAeonClassifier` are aeon
``BaseClassifier`` subclasses, so they run in aeon's
benchmarking, pipelines and estimator checks. Each is a thin wrapper: it takes the
hyper-parameters of the wrapped scikit-learn estimator
(:class:`~nanowire_rc.classifiers.NanowireClassifier`,
:class:`~nanowire_rc.classifiers.EchoStateClassifier`,
:class:`~nanowire_rc.tuning.NanowireClassifierCV`,
:class:`~nanowire_rc.model_space.ModelSpaceClassifier`) under the same names and with the same
defaults, builds that estimator at ``fit`` and keeps it, fitted, as ``estimator_``. No model code
lives here: predictions are the wrapped estimator's, exactly, and so are the parameters'
descriptions and checks.

Two aeon conventions differ from the wrapped estimators' and are followed here:

- ``n_jobs`` defaults to 1 (aeon's rule: no multithreading unless asked for); -1 means all
  cores, and the value is resolved by aeon's ``check_n_jobs`` into ``_n_jobs`` at ``fit``
  (for the self-tuning adapter: configurations searched side by side).
- ``predict_proba`` returns one-hot rows (probability 1 for the predicted class), as aeon's own
  ridge-based classifiers (``RocketClassifier``, ``MiniRocketClassifier``) do: a ridge readout gives
  decision scores, not probabilities. The scores are ``estimator_.decision_function(X)``.

The core library never imports this module; importing it needs aeon.
"""

from __future__ import annotations

from typing import ClassVar

try:
    from aeon.classification import BaseClassifier
    from aeon.utils.validation import check_n_jobs
except ImportError as err:  # pragma: no cover - exercised only without aeon
    raise ImportError(
        "nanowire_rc.aeon needs aeon: install it with `pip install \"nanowire-rc[aeon]\"`"
    ) from err

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from ._fitting import keeps_state_on_failure
from .classifiers import (
    _READOUT_DOCS,
    DEFAULT_ALPHAS,
    EchoStateClassifier,
    NanowireClassifier,
)
from .device import Device
from .model_space import _CLASSIFIER_DOCS as _MODEL_SPACE_DOCS
from .model_space import ModelSpaceClassifier, _classifier_reservoir
from .physics import NanowireParams
from .reservoirs import (
    _NANOWIRE_DOCS,
    _TANH_DOCS,
    LeakyTanhReservoir,
    NanowireReservoir,
    _document,
)
from .selection import KFOLD_REPRESENTATIONS
from .tuning import NanowireClassifierCV, _cv_docs

__all__ = ["EchoStateAeonClassifier", "ModelSpaceAeonClassifier", "NanowireAeonClassifier",
           "NanowireAeonClassifierCV"]

_NAMED_DEFAULTS = {"DEFAULT_ALPHAS": DEFAULT_ALPHAS,
                   "KFOLD_REPRESENTATIONS": KFOLD_REPRESENTATIONS}
_N_JOBS_DOC = ("int", "Threads for the compiled kernels; -1 for all cores. aeon's default (1), "
               "not the wrapped estimator's (``None``: all cores).")


class _ReservoirAeonClassifier(BaseClassifier):
    """Shared body of the adapters: build the wrapped estimator, fit it, predict with it.

    .. rubric:: Adding an adapter

    An adapter for another of our classifiers (as :class:`NanowireAeonClassifierCV` wraps
    :class:`~nanowire_rc.tuning.NanowireClassifierCV`) is a subclass that

    1. sets ``_estimator_class`` to the wrapped estimator class;
    2. writes ``__init__`` with the wrapped estimator's parameters (same names, same defaults,
       except ``n_jobs=1`` when it has one), stores each one unchanged and ends with
       ``super().__init__()``;
    3. returns small settings from ``_small_params`` (aeon's checks, through
       ``_get_test_params``, fit it many times);
    4. documents its parameters with the wrapped estimator's descriptions: ``{parameters}`` in
       its docstring and the ``_document`` decorator, given the wrapped estimator's
       descriptions (``n_jobs``: ``_N_JOBS_DOC``).

    ``_build_estimator`` passes on every parameter the wrapped estimator knows (so nothing is
    listed twice) and ``_fit`` / ``_predict`` / ``_predict_proba`` need no change.
    Listed in ``ADAPTERS`` of tests/test_aeon.py, it then runs aeon's estimator checks and a
    test that its parameters and defaults agree with the wrapped estimator's.
    """

    #: The wrapped nanowire_rc estimator class (a scikit-learn classifier).
    _estimator_class: type[BaseEstimator]

    _tags: ClassVar[dict] = {
        "capability:multivariate": True,
        "capability:unequal_length": True,
        "capability:multithreading": True,
        "X_inner_type": ["np-list", "numpy3D"],
        # A random recurrent (infinite impulse response) filter bank, pooled, with a ridge
        # readout: in aeon's taxonomy the nearest family is the ROCKET one ("convolution").
        "algorithm_type": "convolution",
    }

    # aeon's fit, fit_predict and fit_predict_proba begin by resetting the estimator (deleting
    # what the last fit learned) before checking anything: wrapped, unchanged otherwise, so that
    # a failed or interrupted fit puts the previous fit back. The adapters themselves do not
    # override them.
    fit = keeps_state_on_failure(BaseClassifier.fit)
    fit_predict = keeps_state_on_failure(BaseClassifier.fit_predict)
    fit_predict_proba = keeps_state_on_failure(BaseClassifier.fit_predict_proba)

    @classmethod
    def _get_test_params(cls, parameter_set: str = "default") -> dict | list[dict]:
        """Small settings for aeon's estimator checks.

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the parameter set; every name gets the same small settings.

        Returns
        -------
        params : dict or list of dict
            The adapter's ``_small_params()``, built afresh at each call.
        """
        return cls._small_params()

    def _build_estimator(self) -> BaseEstimator:
        """The wrapped estimator, unfitted, with this adapter's hyper-parameters.

        Every parameter of ``self`` that the wrapped class accepts is passed on unchanged, except
        ``n_jobs``, which becomes aeon's resolved ``_n_jobs`` (a positive thread count).
        """
        names = set(self._estimator_class._get_param_names())
        params = {k: v for k, v in self.get_params(deep=False).items() if k in names}
        if "n_jobs" in names:
            params["n_jobs"] = self._n_jobs
        return self._estimator_class(**params)

    def _fit(self, X, y):
        """Build the wrapped estimator and fit it on ``X`` (numpy3D or list of 2-D arrays)."""
        self._n_jobs = check_n_jobs(self.n_jobs)
        self.estimator_ = self._build_estimator().fit(X, y)
        return self

    def _predict(self, X) -> np.ndarray:
        """The wrapped estimator's predicted labels."""
        return self.estimator_.predict(X)

    def _predict_proba(self, X) -> np.ndarray:
        """One-hot rows in the order of ``classes_``: 1 for the predicted class, 0 elsewhere."""
        pred = self._predict(X)
        proba = np.zeros((len(pred), self.n_classes_))
        # classes_ is np.unique(y): sorted, so searchsorted finds each label's column.
        proba[np.arange(len(pred)), np.searchsorted(self.classes_, pred)] = 1.0
        return proba


@_document({**_NANOWIRE_DOCS, **_READOUT_DOCS, "n_jobs": _N_JOBS_DOC}, _NAMED_DEFAULTS)
class NanowireAeonClassifier(_ReservoirAeonClassifier):
    """:class:`~nanowire_rc.classifiers.NanowireClassifier` as an aeon classifier.

    Nanowire reservoir, standardisation and a ridge readout with leave-one-out regularisation;
    univariate, multivariate and unequal-length collections (aeon's ``numpy3D`` array
    ``(n_cases, n_channels, n_timepoints)`` or ``np-list`` of ``(n_channels, n_timepoints_i)``
    arrays).

    The parameters have the names and defaults of
    :class:`~nanowire_rc.classifiers.NanowireClassifier` and reach it unchanged, except
    ``n_jobs`` (aeon's default); :class:`~nanowire_rc.reservoirs.NanowireReservoir` gives their
    full meaning.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    estimator_ : NanowireClassifier
        The fitted wrapped estimator (its ``reservoir_``, ``readout_``, ``alpha_``,
        ``memory_factor_``...).
    classes_ : ndarray
        Class labels, sorted.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    nanowire_rc.classifiers.NanowireClassifier : The wrapped scikit-learn estimator.
    EchoStateAeonClassifier : The leaky-tanh (ESN) baseline as an aeon classifier.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.aeon import NanowireAeonClassifier
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> X_test, y_test = load_ucr("SyntheticControl", "test")
    >>> clf = NanowireAeonClassifier(n_neurons=50, random_state=0).fit(X, y)
    >>> clf.score(X_test, y_test) > 0.9
    True
    >>> clf.predict_proba(X_test[:2]).sum(axis=1)
    array([1., 1.])
    """

    _estimator_class = NanowireClassifier

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
        n_jobs: int = 1,
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
        super().__init__()

    @staticmethod
    def _small_params() -> dict | list[dict]:
        """A small reservoir with the default representation, and a small one with the
        exact update, float64 states, window means and neither difference channels nor a
        time-reversed pass."""
        return [
            {"n_neurons": 10, "n_windows": 2, "random_state": 0},
            {"n_neurons": 8, "n_windows": 2, "features": "mean+last+windows", "method": "exact",
             "dtype": "float64", "difference": False, "bidirectional": False, "dt_spread": 0.0,
             "random_state": 1},
        ]


@_document({**_TANH_DOCS, **_READOUT_DOCS, "n_jobs": _N_JOBS_DOC}, _NAMED_DEFAULTS)
class EchoStateAeonClassifier(_ReservoirAeonClassifier):
    """:class:`~nanowire_rc.classifiers.EchoStateClassifier` (leaky-tanh ESN) as an aeon classifier.

    The paper's baseline: leaky-integrator tanh reservoir, standardisation and a ridge readout
    with leave-one-out regularisation; univariate, multivariate and unequal-length collections.

    The parameters have the names and defaults of
    :class:`~nanowire_rc.classifiers.EchoStateClassifier` and reach it unchanged, except
    ``n_jobs`` (aeon's default); :class:`~nanowire_rc.reservoirs.LeakyTanhReservoir` gives their
    full meaning.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    estimator_ : EchoStateClassifier
        The fitted wrapped estimator.
    classes_ : ndarray
        Class labels, sorted.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    nanowire_rc.classifiers.EchoStateClassifier : The wrapped scikit-learn estimator.
    NanowireAeonClassifier : The nanowire reservoir as an aeon classifier.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.aeon import EchoStateAeonClassifier
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> X_test, y_test = load_ucr("SyntheticControl", "test")
    >>> clf = EchoStateAeonClassifier(n_neurons=50, random_state=0).fit(X, y)
    >>> clf.score(X_test, y_test) > 0.9
    True
    """

    _estimator_class = EchoStateClassifier

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
        n_jobs: int = 1,
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
        super().__init__()

    @staticmethod
    def _small_params() -> dict | list[dict]:
        """A small diagonal reservoir, and a small sparse one."""
        return [
            {"n_neurons": 10, "n_windows": 2, "random_state": 0},
            {"n_neurons": 8, "n_windows": 2, "connectivity": "sparse", "density": 0.5,
             "features": "mean+last", "random_state": 1},
        ]


@_document({**_cv_docs("NanowireClassifier", _NANOWIRE_DOCS),
            "n_jobs": ("int", "Configurations searched side by side (joblib; each reservoir on "
                       "one core); 1: one after the other, each reservoir on one thread; -1: "
                       "all cores. aeon's default (1), not the wrapped estimator's (``None``: "
                       "one after the other, each reservoir on all cores).")},
           _NAMED_DEFAULTS)
class NanowireAeonClassifierCV(_ReservoirAeonClassifier):
    """:class:`~nanowire_rc.tuning.NanowireClassifierCV` as an aeon classifier.

    The nanowire classifier that tunes itself: its reservoir hyper-parameters (``param_grid``),
    pooled representation and ridge penalty are chosen together by repeated stratified k-fold
    cross-validation on the training data, and the best is refitted on all of it. Univariate,
    multivariate and unequal-length collections, as :class:`NanowireAeonClassifier`.

    The parameters have the names and defaults of
    :class:`~nanowire_rc.tuning.NanowireClassifierCV` and reach it unchanged, except ``n_jobs``
    (aeon's default).

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    estimator_ : NanowireClassifierCV
        The fitted wrapped estimator (its ``best_estimator_``, ``best_params_``,
        ``cv_results_``...).
    classes_ : ndarray
        Class labels, sorted.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    nanowire_rc.tuning.NanowireClassifierCV : The wrapped scikit-learn estimator.
    NanowireAeonClassifier : The nanowire classifier with fixed hyper-parameters.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.aeon import NanowireAeonClassifierCV
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = NanowireAeonClassifierCV(n_neurons=20, param_grid={"dt": [0.1, 0.3]},
    ...                                representations=["mean", "mean+std"], random_state=0)
    >>> sorted(clf.fit(X[::4], y[::4]).estimator_.best_params_)
    ['alpha', 'dt', 'features']
    """

    _estimator_class = NanowireClassifierCV

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
        param_grid: dict | list | None = None,
        representations: Sequence[str] = KFOLD_REPRESENTATIONS,
        alphas: Sequence[float] = DEFAULT_ALPHAS,
        cv: int = 5,
        n_repeats: int | None = None,
        random_state=None,
        n_jobs: int = 1,
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
        super().__init__()

    @staticmethod
    def _small_params() -> dict | list[dict]:
        """A small reservoir, a grid of two time steps, two representations without window
        means (aeon's test series are short) and one repetition of three folds."""
        return {"n_neurons": 6, "param_grid": {"dt": [0.1, 0.3]},
                "representations": ["mean", "mean+last"], "cv": 3, "n_repeats": 1,
                "random_state": 0}


@_document({**_MODEL_SPACE_DOCS,
            "reservoir": ("reservoir estimator or None", "Any reservoir of "
                          ":mod:`nanowire_rc.reservoirs`; ``None`` is the wrapped estimator's "
                          "default neuron (a ``NanowireReservoir`` with "
                          ":data:`~nanowire_rc.model_space.DEFAULT_NEURON`). Its ``n_jobs`` is "
                          "replaced by this adapter's (the caller's reservoir is cloned)."),
            "n_jobs": ("int", "Threads of the reservoir's compiled kernels; -1 for all cores. "
                       "aeon's default (1); the wrapped estimator has no ``n_jobs``, its "
                       "reservoir has.")}, _NAMED_DEFAULTS)
class ModelSpaceAeonClassifier(_ReservoirAeonClassifier):
    """:class:`~nanowire_rc.model_space.ModelSpaceClassifier` as an aeon classifier.

    The reservoir model space: each series becomes the coefficients of a ridge model of its
    own reduced reservoir dynamics, classified by the library's ridge readout (the most
    accurate classifier of this library on the offline UCR/UEA datasets: docs/accuracy.md).
    Univariate, multivariate and unequal-length collections, as :class:`NanowireAeonClassifier`.

    The parameters have the names and defaults of
    :class:`~nanowire_rc.model_space.ModelSpaceClassifier` and reach it unchanged; ``n_jobs``,
    which the wrapped estimator does not have (its reservoir does), is added with aeon's
    default and sets the reservoir's threads.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    estimator_ : ModelSpaceClassifier
        The fitted wrapped estimator (its ``model_space_``, ``readout_``, ``alpha_``...).
    classes_ : ndarray
        Class labels, sorted.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    nanowire_rc.model_space.ModelSpaceClassifier : The wrapped scikit-learn estimator.
    NanowireAeonClassifier : The same kind of neuron with pooled states.

    Examples
    --------
    >>> from nanowire_rc import NanowireReservoir, load_ucr
    >>> from nanowire_rc.aeon import ModelSpaceAeonClassifier
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = ModelSpaceAeonClassifier(NanowireReservoir(n_neurons=20), n_components=5,
    ...                                random_state=0).fit(X[::3], y[::3])
    >>> clf.estimator_.coef_.shape, clf.predict(X[:4]).shape
    ((30, 6), (4,))
    """

    _estimator_class = ModelSpaceClassifier

    def __init__(self, reservoir=None, n_components: int = 75, alpha: float = 10.0,
                 target: str = "state", alphas: tuple[float, ...] = DEFAULT_ALPHAS,
                 batch_size: int = 256, random_state=None, n_jobs: int = 1):
        self.reservoir = reservoir
        self.n_components = n_components
        self.alpha = alpha
        self.target = target
        self.alphas = alphas
        self.batch_size = batch_size
        self.random_state = random_state
        self.n_jobs = n_jobs
        super().__init__()

    def _build_estimator(self) -> BaseEstimator:
        """The wrapped estimator with this adapter's parameters, its reservoir on aeon's
        resolved ``_n_jobs`` threads (the caller's reservoir is cloned, never changed)."""
        estimator = super()._build_estimator()
        reservoir = _classifier_reservoir(self.reservoir)
        if "n_jobs" in reservoir.get_params():  # any estimator with fit and states is accepted
            reservoir.set_params(n_jobs=self._n_jobs)
        return estimator.set_params(reservoir=reservoir)

    @staticmethod
    def _small_params() -> dict | list[dict]:
        """A small nanowire reservoir with three components, and a small tanh one whose
        series' models predict the next input."""
        return [
            {"reservoir": NanowireReservoir(n_neurons=8), "n_components": 3, "random_state": 0},
            {"reservoir": LeakyTanhReservoir(n_neurons=6), "n_components": 2, "target": "input",
             "random_state": 1},
        ]
