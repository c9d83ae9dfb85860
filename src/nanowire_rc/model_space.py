"""The reservoir model space: each series represented by a linear model of its own dynamics.

Bianchi, Scardapane, Løkse and Jenssen (IEEE TNNLS 2021) represent a series by the coefficients
``[U, u]`` of a ridge model fitted to that series alone, predicting from its reservoir states
reduced to ``D`` principal components ``z(t)`` either the next reduced state
(``target="state"``: ``z(t+1) ≈ U z(t) + u``) or the next input (``target="input"``); docs/theory.md
("The reservoir model space") gives the definition and how it is computed.

:class:`ReservoirModelSpace` is the transformer (trajectories chunk by chunk, the per-series models
solved together); :func:`model_space_reference` is the plain reference, one scikit-learn
``Ridge`` per series; :class:`ModelSpaceClassifier` puts the library's ridge readout on top.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.linear_model import Ridge
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._fitting import _fits_reservoir, _set_hyper_parameters
from ._seeding import RANDOM_STATE
from .classifiers import _ReadoutClassifier
from .exceptions import InvalidInputError
from .kernels.pooling import _window_index
from .readout import (
    _READOUT_CONSTRAINTS,
    DEFAULT_ALPHAS,
    _check_alphas,
    _check_labels,
)
from .reservoirs import NanowireReservoir
from .series import SeriesBatch, _reverse_time, as_batch

__all__ = ["DEFAULT_NEURON", "MIN_STEPS", "ModelSpaceClassifier", "ReservoirModelSpace",
           "model_space_reference"]

TARGETS = ("state", "input")


def _chunks(batch: SeriesBatch, size: int):
    for start in range(0, batch.n_cases, size):
        stop = min(start + size, batch.n_cases)
        yield SeriesBatch(batch.values[start:stop], batch.lengths[start:stop])


#: Steps after the washout a series needs: one input and the step it predicts.
MIN_STEPS = 2


def _check_lengths(lengths: np.ndarray, washout: int) -> None:
    short = np.flatnonzero(lengths - washout < MIN_STEPS)
    if short.size:
        raise InvalidInputError(
            f"the model space needs at least washout + {MIN_STEPS} = {washout + MIN_STEPS} "
            f"steps per series (one input and the step it predicts); series "
            f"{short.tolist()[:10]} "
            f"{'are' if short.size > 1 else 'is'} shorter (lengths "
            f"{lengths[short].tolist()[:10]}). Leave them out"
            + (", or lower the reservoir's washout." if washout else "."))


class ReservoirModelSpace(TransformerMixin, BaseEstimator):
    """Series → coefficients of a ridge model of each series' reservoir dynamics.

    ``fit`` fits ``reservoir`` (a clone) and a principal-component basis of its states over
    the training series (after ``washout``); ``transform`` runs the reservoir on each series,
    reduces its states to ``z(t)`` and fits, for that series alone, the ridge model
    ``target(t+1) ≈ U z(t) + u`` (penalty ``alpha`` on ``U``, intercept ``u`` unpenalised,
    as scikit-learn's ``Ridge``). The output is ``[U.ravel(), u]`` per series.

    Parameters
    ----------
    reservoir : reservoir estimator or None, default=None
        Any reservoir of :mod:`nanowire_rc.reservoirs` (cloned at ``fit``); ``None`` is
        ``NanowireReservoir()``. Its ``washout`` drops the first steps of each series; with
        its ``bidirectional``, the state at each step is the forward pass's followed by the
        time-reversed pass's at the same step (what the series holds from there to its end:
        Bianchi et al.'s bidirectional reservoir). Its ``features`` are not used.
    n_components : int, default=75
        Principal components ``D`` kept (at most ``n_states``, see ``mean_``); Bianchi et
        al. use 75.
    alpha : float, default=10.0
        Ridge penalty of the per-series models, on standardised principal components
        (each component is divided by its training standard deviation).
    target : {"state", "input"}, default="state"
        What each series' model predicts: its next reduced state (``D * (D + 1)`` features)
        or its next (min–max scaled) input (``n_inputs * (D + 1)`` features).
    batch_size : int, default=256
        Series whose whole trajectories are held in memory at once.

    Attributes
    ----------
    reservoir_ : reservoir estimator
        The fitted clone of ``reservoir``.
    mean_ : ndarray (n_states,)
        Mean training state (``n_states``: the reservoir's neurons, twice with
        ``bidirectional``).
    components_ : ndarray (D, n_states)
        Principal axes of the training states, by decreasing variance (each with its largest
        entry positive, so the basis is deterministic).
    scale_ : ndarray (D,)
        Training standard deviation of each component (the reduced states are divided by it).
    explained_variance_ratio_ : ndarray (D,)
        Fraction of the training states' variance along each axis.
    n_components_ : int
        Components kept, ``D`` (``n_components``, or ``n_states`` if fewer).
    n_features_out_ : int
        Output features: ``n_targets * (n_components_ + 1)``.

    See Also
    --------
    model_space_reference : The same representation, one ``Ridge`` per series.

    References
    ----------
    F. M. Bianchi, S. Scardapane, S. Løkse and R. Jenssen, "Reservoir computing approaches for
    representation and classification of multivariate time series", IEEE Transactions on
    Neural Networks and Learning Systems 32(5), 2169–2179 (2021).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import NanowireReservoir
    >>> from nanowire_rc.model_space import ReservoirModelSpace
    >>> res = NanowireReservoir(n_neurons=20, random_state=0)
    >>> X = np.random.default_rng(0).random((6, 50))
    >>> space = ReservoirModelSpace(res, n_components=4).fit(X)
    >>> space.transform(X).shape
    (6, 20)
    """

    _parameter_constraints: ClassVar[dict] = {
        "reservoir": [None, HasMethods(["fit", "states"])],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "target": [StrOptions(set(TARGETS))],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, reservoir=None, *, n_components: int = 75, alpha: float = 10.0,
                 target: str = "state", batch_size: int = 256):
        _set_hyper_parameters(self, locals())

    def _trajectories(self, X: ArrayLike):
        """``(chunk batch, states)`` per chunk of series, states in the reservoir's dtype."""
        res = self.reservoir_
        batch = res._scale(res._batch(X))
        _check_lengths(batch.lengths, res.washout)
        for chunk in _chunks(batch, self.batch_size):
            states = res._run(chunk, return_states=True).states
            if res.bidirectional:
                back = res._run(_reverse_time(chunk), return_states=True).states
                states = np.concatenate([states, _align_backward(back, chunk.lengths)], axis=2)
            yield chunk, states

    @_fits_reservoir
    def fit(self, X: ArrayLike, y=None) -> ReservoirModelSpace:
        """Fit the reservoir and the principal axes of its states on the training series.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series, each at least ``washout + 2`` steps long.
        y : None
            Ignored.

        Returns
        -------
        self
            The fitted transformer.

        Raises
        ------
        ValueError
            For invalid hyper-parameters or series, or a series too short for one prediction.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import NanowireReservoir
        >>> from nanowire_rc.model_space import ReservoirModelSpace
        >>> X = np.random.default_rng(0).random((6, 2, 50))  # two channels
        >>> space = ReservoirModelSpace(NanowireReservoir(n_neurons=20, random_state=0),
        ...                             n_components=4, target="input").fit(X)
        >>> space.components_.shape, space.n_features_out_  # 2 targets x (4 + 1)
        ((4, 20), 10)
        """
        reservoir = NanowireReservoir() if self.reservoir is None else self.reservoir
        self.reservoir_ = clone(reservoir).fit(X)
        # Second moments accumulated chunk by chunk: the PCA of every training state without
        # holding them all (centred on the first chunk's mean: well conditioned float64 sums).
        count, total, scatter, shift = 0, 0.0, 0.0, None
        for chunk, states in self._trajectories(X):
            # Every state after washout, the last step included (it is an input of no pair but
            # a state of the series all the same).
            H = states[_state_mask(chunk.lengths, states.shape[1], self.reservoir_.washout)]
            H = H.astype(np.float64)
            if shift is None:
                shift = H.mean(axis=0)
            H = H - shift
            count += H.shape[0]
            total += H.sum(axis=0)
            scatter += H.T @ H
        mean = total / count
        cov = (scatter - count * np.outer(mean, mean)) / max(count - 1, 1)
        var, axes = np.linalg.eigh(cov)
        order = np.argsort(var)[::-1][: min(self.n_components, len(var))]
        axes = axes[:, order].T
        axes *= np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
        var = np.clip(var[order], 0, None)
        self.mean_ = shift + mean
        self.components_ = axes
        self.scale_ = np.sqrt(np.where(var > 0, var, 1.0))
        self.explained_variance_ratio_ = var / max(np.trace(cov), np.finfo(float).tiny)
        self.n_components_ = len(order)
        n_targets = self.n_components_ if self.target == "state" else self.reservoir_.n_inputs_
        self.n_features_out_ = n_targets * (self.n_components_ + 1)
        return self

    def reduce(self, states: np.ndarray) -> np.ndarray:
        """Standardised principal components of states: ``(h - mean_) @ components_.T / scale_``.

        Parameters
        ----------
        states : ndarray (..., n_states)
            Reservoir states (both passes' with ``bidirectional``).

        Returns
        -------
        ndarray (..., D)
            The reduced states ``z`` (``D = n_components_``).

        Examples
        --------
        >>> import numpy as np
        >>> import nanowire_rc as nw
        >>> from nanowire_rc.model_space import ReservoirModelSpace
        >>> X = np.sin(np.linspace(0, 30, 300)).reshape(6, 50)
        >>> space = ReservoirModelSpace(nw.NanowireReservoir(random_state=0), n_components=4).fit(X)
        >>> z = space.reduce(space.reservoir_.states(X))
        >>> z.shape, bool(abs(z.reshape(-1, 4).std(axis=0) - 1).max() < 0.01)
        ((6, 50, 4), True)
        """
        check_is_fitted(self, "components_")
        states = np.asarray(states)
        if states.dtype != np.float32:
            states = states.astype(np.float64, copy=False)
        # One product in the states' own type (float32 by default: half the memory traffic of
        # a float64 copy); the mean's projection is taken off afterwards, in float64.
        axes = self.components_ / self.scale_[:, None]
        return (states @ axes.T.astype(states.dtype)).astype(np.float64) - self.mean_ @ axes.T

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Each series' model coefficients ``[U.ravel(), u]``.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels, each at least ``washout + 2`` steps.

        Returns
        -------
        ndarray (n_cases, n_features)
            ``U`` (targets × components, row by row) then ``u``, in float64
            (``n_features = n_features_out_``).

        Raises
        ------
        ValueError
            For series of the wrong channels, or too short for one prediction.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import NanowireReservoir
        >>> from nanowire_rc.model_space import ReservoirModelSpace
        >>> rng = np.random.default_rng(0)
        >>> X = [rng.random(50), rng.random(30), rng.random(40)]  # unequal lengths
        >>> space = ReservoirModelSpace(NanowireReservoir(n_neurons=20, random_state=0),
        ...                             n_components=4).fit(X)
        >>> F = space.transform(X)  # U (4 x 4, row by row), then u (4)
        >>> F.shape
        (3, 20)
        """
        check_is_fitted(self, "components_")
        out = []
        washout = self.reservoir_.washout
        for chunk, states in self._trajectories(X):
            Z = self.reduce(states)
            Y = Z if self.target == "state" else np.moveaxis(chunk.values, 1, 2)
            mask = _state_mask(chunk.lengths - 1, states.shape[1], washout)
            out.append(_batched_ridge(Z, Y, mask, self.alpha))
        return np.concatenate(out, axis=0)


def _align_backward(states: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The time-reversed pass's states put back in the series' time: step ``t`` of series
    ``i`` gets the backward state after ``lengths[i] - t`` steps (zero past the end)."""
    if np.all(lengths == states.shape[1]):  # equal lengths: a reversed view (the caller copies)
        return states[:, ::-1]
    # Slices per series: a gather over (cases, steps, neurons) cost a fifth of transform.
    aligned = states.copy()
    for i, n in enumerate(lengths):
        aligned[i, :n] = states[i, n - 1::-1]
    return aligned


def _state_mask(lengths: np.ndarray, n_timepoints: int, washout: int) -> np.ndarray:
    """``mask[i, t]``: ``washout <= t < lengths[i]``, the steps pooling uses."""
    return _window_index(lengths, n_timepoints, washout, 1) >= 0


def _batched_ridge(Z: np.ndarray, Y: np.ndarray, mask: np.ndarray, alpha: float) -> np.ndarray:
    """Per series ``i``, the ridge fit of ``Y[i, t+1]`` on ``Z[i, t]`` over ``mask[i, t]``.

    Centred normal equations, solved for every series at once; returns ``[U.ravel(), u]``.
    """
    m = mask[:, : Z.shape[1] - 1, None].astype(np.float64)
    Zin, Yout = Z[:, :-1] * m, Y[:, 1:] * m
    n = m.sum(axis=1)  # (cases, 1)
    z_bar, y_bar = Zin.sum(axis=1) / n, Yout.sum(axis=1) / n
    ZinT = Zin.transpose(0, 2, 1)
    Czz = ZinT @ Zin - n[:, :, None] * (z_bar[:, :, None] * z_bar[:, None, :])
    Czy = ZinT @ Yout - n[:, :, None] * (z_bar[:, :, None] * y_bar[:, None, :])
    Czz[:, np.arange(Z.shape[2]), np.arange(Z.shape[2])] += alpha
    U = np.linalg.solve(Czz, Czy).transpose(0, 2, 1)  # (cases, targets, components)
    u = y_bar - (U @ z_bar[:, :, None])[:, :, 0]
    return np.concatenate([U.reshape(len(U), -1), u], axis=1)


def model_space_reference(space: ReservoirModelSpace, X: ArrayLike) -> np.ndarray:
    """The representation of a fitted :class:`ReservoirModelSpace`, one ``Ridge`` per series.

    The plain reference ``transform`` is tested against: each series' trajectory from the
    reservoir's ``states``, reduced with ``space.reduce``, and a scikit-learn ``Ridge(alpha)``
    fitted to predict the next target from the current reduced state.

    Parameters
    ----------
    space : ReservoirModelSpace
        A fitted model space.
    X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
        Series.

    Returns
    -------
    ndarray (n_cases, n_features)
        What ``space.transform(X)`` returns (``n_features = space.n_features_out_``).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import NanowireReservoir
    >>> from nanowire_rc.model_space import ReservoirModelSpace
    >>> from nanowire_rc.model_space import model_space_reference
    >>> X = np.random.default_rng(0).random((3, 30))
    >>> space = ReservoirModelSpace(NanowireReservoir(n_neurons=8, dtype="float64",
    ...                                               random_state=0), n_components=3).fit(X)
    >>> bool(np.allclose(model_space_reference(space, X), space.transform(X)))
    True
    """
    res = space.reservoir_
    batch = res._scale(res._batch(X))
    rows = []
    for i in range(batch.n_cases):
        one = SeriesBatch(batch.values[i: i + 1], batch.lengths[i: i + 1])
        L, w = int(batch.lengths[i]), res.washout
        h = res._run(one, return_states=True).states[0, :L]
        if res.bidirectional:
            back = res._run(_reverse_time(one), return_states=True).states[0, :L]
            h = np.hstack([h, back[::-1]])
        z = space.reduce(h)
        target = z if space.target == "state" else batch.values[i, :, :L].T
        model = Ridge(alpha=space.alpha).fit(z[w: L - 1], target[w + 1: L])
        rows.append(np.concatenate([model.coef_.ravel(), model.intercept_]))
    return np.array(rows)


#: ``ModelSpaceClassifier``'s reservoir when none is given: a ``NanowireReservoir`` with these
#: hyper-parameters (chosen by ``benchmarks/choose_model_space.py``; see the class's Notes).
DEFAULT_NEURON = {"n_neurons": 300, "input_scaling": 0.03, "dt": 0.3, "dt_spread": 1.0,
                  "difference": True, "bidirectional": True}


def _classifier_reservoir(reservoir):
    """``ModelSpaceClassifier``'s reservoir: a clone of ``reservoir``, or for ``None`` a
    ``NanowireReservoir`` with :data:`DEFAULT_NEURON`."""
    return NanowireReservoir(**DEFAULT_NEURON) if reservoir is None else clone(reservoir)


class ModelSpaceClassifier(_ReadoutClassifier):
    """Reservoir model space + standardisation + ridge readout (leave-one-out penalty).

    Each series becomes the coefficients of a ridge model of its own reduced reservoir
    dynamics (:class:`ReservoirModelSpace`); the readout is the classifiers' (standardisation
    and ``RidgeClassifierCV``).

    Parameters
    ----------
    reservoir : reservoir estimator or None, default=None
        Any reservoir of :mod:`nanowire_rc.reservoirs` (cloned); ``None`` is a
        ``NanowireReservoir`` with :data:`~nanowire_rc.model_space.DEFAULT_NEURON`: 300 neurons,
        ``input_scaling=0.03`` (small voltages: see Notes), ``dt=0.3`` spread over two decades
        (``dt_spread=1``), the input's difference as a second channel, and the time-reversed
        pass.
    n_components : int, default=75
        Principal components of the states kept (Bianchi et al.'s 75).
    alpha : float, default=10.0
        Ridge penalty of each series' own model.
    target : {"state", "input"}, default="state"
        What each series' model predicts: its next reduced state, or its next input.
    alphas : tuple of float, default=DEFAULT_ALPHAS
        Ridge penalties from which leave-one-out picks one.
    batch_size : int, default=256
        Series whose trajectories are held in memory at once.
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        When not None, replaces the reservoir's ``random_state`` (its weights' draw).

    Attributes
    ----------
    model_space_ : ReservoirModelSpace
        The fitted representation (its ``reservoir_`` is the fitted reservoir).
    readout_ : Pipeline
        The fitted ``StandardScaler`` + ``RidgeClassifierCV``.
    classes_ : ndarray (n_classes,)
        Class labels.
    alpha_ : float
        The readout's chosen penalty.
    coef_ : ndarray (n_features, n_scores)
        The readout as one affine map of the model-space features (standardisation folded
        in).
    intercept_ : ndarray (n_scores,)
        Its intercepts.

    See Also
    --------
    ReservoirModelSpace : The representation.
    nanowire_rc.classifiers.ReservoirClassifier : A reservoir's pooled states.

    Notes
    -----
    The defaults were chosen by stratified 5-fold cross-validation on the training splits of
    the eleven offline datasets, test splits never looked at (``python
    benchmarks/choose_model_space.py``; the grid and the scores: docs/accuracy.md, "The
    reservoir model space"). Small input scaling keeps the neurons close to their linear regime
    around the fixed point: what the model space uses is the neurons' spread of time
    constants, not their non-linearity.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.model_space import ModelSpaceClassifier
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = ModelSpaceClassifier(n_components=10, random_state=0).fit(X, y)
    >>> clf.coef_.shape
    (110, 6)
    """

    _parameter_constraints: ClassVar[dict] = {
        **ReservoirModelSpace._parameter_constraints,
        **_READOUT_CONSTRAINTS,
        "random_state": RANDOM_STATE,
    }

    def __init__(self, reservoir=None, *, n_components: int = 75, alpha: float = 10.0,
                 target: str = "state", alphas: tuple[float, ...] = DEFAULT_ALPHAS,
                 batch_size: int = 256, random_state=None):
        _set_hyper_parameters(self, locals())

    @_fits_reservoir
    def fit(self, X: ArrayLike, y: ArrayLike) -> ModelSpaceClassifier:
        """Fit the model space on ``X`` and the readout on its features.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series.
        y : array-like (n_cases,)
            Class labels (at least two classes).

        Returns
        -------
        self
            Fitted: ``model_space_``, ``readout_`` and the other attributes.

        Raises
        ------
        ValueError
            For invalid hyper-parameters, series or labels (as ``ReservoirClassifier``).

        Examples
        --------
        >>> from nanowire_rc import ModelSpaceClassifier, NanowireReservoir, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = ModelSpaceClassifier(NanowireReservoir(n_neurons=20), n_components=5,
        ...                            random_state=0).fit(X[::3], y[::3])
        >>> clf.classes_, clf.coef_.shape
        (array([1, 2, 3, 4, 5, 6]), (30, 6))
        """
        batch = as_batch(X)
        y = _check_labels(y, batch.n_cases, type(self).__name__)
        _check_alphas(self.alphas)
        reservoir = _classifier_reservoir(self.reservoir)
        if self.random_state is not None:
            reservoir.set_params(random_state=self.random_state)
        space = ReservoirModelSpace(reservoir, n_components=self.n_components,
                                    alpha=self.alpha, target=self.target,
                                    batch_size=self.batch_size)
        features = space.fit(batch).transform(batch)
        self.model_space_ = space
        self._fit_readout(features, y)
        return self

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Readout scores of the model-space features.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series to score, with the training series' channels.

        Returns
        -------
        ndarray (n_cases,) or (n_cases, n_classes)
            Scores, as ``ReservoirClassifier.decision_function`` returns them.

        Examples
        --------
        >>> from nanowire_rc import LeakyTanhReservoir, ModelSpaceClassifier, load_ucr
        >>> X, y = load_ucr("SyntheticControl", "train")
        >>> clf = ModelSpaceClassifier(LeakyTanhReservoir(n_neurons=20), target="input",
        ...                            random_state=0)
        >>> clf.fit(X[::3], y[::3]).decision_function(X[:4]).shape
        (4, 6)
        """
        check_is_fitted(self, "coef_")
        return self._scores(self.model_space_.transform(X))
