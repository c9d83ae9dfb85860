"""End-to-end trained nanowire RNN classifier (scikit-learn estimator, PyTorch inside).

:class:`NanowireRNNClassifier` scales the series, runs a :class:`~nanowire_rc.torch.NanowireRNN`,
pools its states and reads them out linearly, all trained by back-propagation through time while
the cell is kept a contraction (docs/torch.md, "Classifier"); the training loop is
:mod:`nanowire_rc.torch.training`.
"""

from __future__ import annotations

import numbers
import time
import warnings

import numpy as np
import torch
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from .._fitting import keeps_state_on_failure
from .._seeding import Stream, integer_seed, seed_sequence
from ..device import Device
from ..exceptions import InvalidInputError, InvalidParameterError
from ..kernels.streams import case_seeds
from ..physics import METHODS, NanowireParams
from ..readout import _check_labels
from ..reservoirs import _parse_features
from ..series import SeriesBatch, _scale_minmax, _with_difference, as_batch
from .cell import VOLTAGE_MAPS, _check_choice, _check_memristor
from .training import Seeds, Trainer, TrainingData, series_tensors
from .training import _Network as _Network  # where classifiers pickled before the split find it

__all__ = ["CONSTRAINTS", "NanowireRNNClassifier"]

#: How training keeps the cell a contraction (``constraint``). A reservoir's ``stability`` is
#: another thing: what its ``fit`` does when the guarantee fails ("raise", "warn").
CONSTRAINTS = ("project", "penalty", "off")
LR_SCHEDULES = ("plateau", "cosine", "none")
NORMALIZATIONS = ("batch", "layer", "none")


class NanowireRNNClassifier(ClassifierMixin, BaseEstimator):
    """Trainable coupled nanowire RNN classifier: BPTT, Adam, early stopping, stable by design.

    The cell's hyper-parameters are those of :class:`~nanowire_rc.torch.NanowireRNN`. Defaults
    here (``dt=0.3``, ``retention=0.9``, ``gain=3``, and below ``n_windows=8``, ``lr=3e-3``,
    ``patience=50``, the ``std`` feature, ``difference=True`` and ``label_smoothing=0.1``) were
    chosen on held-out parts of the training splits of ECG5000 and SyntheticControl, never
    their test splits (the cell's own defaults are the reservoir's). With the sigmoid window
    ``[0, 1]`` they keep ``dt S_max = 0.72 <= retention``.

    Parameters
    ----------
    hidden_size : int, default=100
        Neurons per layer.
    num_layers : int, default=1
        Stacked layers.
    dt : float, default=0.3
        Time step of the cell.
    method : {"euler", "exact"}, default="euler"
        Update rule of the cell.
    voltage_map : {"sigmoid", "identity"}, default="sigmoid"
        Map from pre-activation to voltage.
    v_min, v_max, gain : float, default=0.0, 1.0, 3.0
        Voltage window and slope of the sigmoid map.
    retention : float, default=0.9
        Retention ``gamma`` in (0, 1].
    params : NanowireParams, optional
        Physical constants (default: the paper's Table 2).
    train_params : bool, default=False
        Train the constants too.
    constraint : {"project", "penalty", "off"}, default="project"
        How training keeps the cell a contraction: ``"project"`` rescales rows of the recurrent
        matrices after every optimiser step so that the contraction bound stays
        ``<= bound_target``; ``"penalty"`` adds ``penalty * sum(relu(bound - bound_target))`` to
        the loss; ``"off"`` does neither.
    bound_target : float, default=0.99
        Target for the contraction bound (< 1).
    penalty : float, default=1.0
        Weight of the contraction penalty (``constraint="penalty"``).
    features : str, default="mean+last+windows+std"
        Pooled states the readout sees, ``+``-joined from ``mean``, ``last``, ``windows`` and
        ``std`` (each state's standard deviation over the series).
    n_windows : int, default=8
        Number of equal time windows for ``windows``.
    normalization : {"batch", "layer", "none"}, default="batch"
        Normalisation of the pooled features before the linear readout.
    input_scale, bias_scale, recurrent_scale : float, default=2.0, 1.0, 1.0
        Initial weight ranges (see :meth:`NanowireRNN.reset_parameters`).
    lr : float, default=3e-3
        Adam's learning rate.
    weight_decay : float, default=0.0
        Adam's weight decay.
    lr_schedule : {"plateau", "cosine", "none"}, default="plateau"
        Halve the rate when the validation loss stalls for ``patience // 4`` epochs, cosine
        annealing over ``max_epochs``, or constant.
    max_epochs : int, default=200
        Largest number of passes over the training data.
    batch_size : int, default=32
        Series per optimiser step.
    patience : int, default=50
        Early stopping: epochs without a better validation loss before training stops; the best
        weights are restored.
    validation_fraction : float, default=0.2
        Stratified share of the training data held out for early stopping (0: none, train for
        ``max_epochs`` and keep the last weights). Classes with a single series stay in
        training; with too few series for a split there is none (with a warning).
    n_init : int, default=1
        Training runs from different initialisations (same validation split); the one with
        the lowest validation loss is kept.
    input_range : (float, float), default=(0.0, 1.0)
        Range the series are min–max scaled to (test values clipped to the training range).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where to train (``"auto"``: CUDA when available); the fitted model lives on the CPU.
    dtype : {"float32", "float64"}, default="float32"
        Floating type of the network.
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Seeds the initial weights, the validation split and the mini-batch order (and, with a
        non-ideal ``memristor``, its devices and noise); results are identical for the same seed
        on CPU (with the same number of threads).
    progress_bar : bool, default=False
        Show a tqdm bar over epochs.
    memristor : nanowire_rc.Device or None, default=None
        The physical device behind every neuron (:class:`~nanowire_rc.torch.NanowireRNN`; not
        ``device``, the torch compute device above). ``None`` and ``Device()`` train the ideal
        cell. Otherwise one chip is drawn per fit from its own child of ``random_state``'s
        SeedSequence (so the weights and the split are the same as without it), the features
        pool the read conductances, and the noise is on in training
        and prediction alike; outside training each series' noise is keyed to its own scaled
        values and ``noise_seed_``, so its answer does not depend on its batch (docs/torch.md,
        "Physical devices in the trainable cell").
    difference : bool, default=True
        Append each channel's first difference as an extra input channel (as the reservoir
        classifiers' ``difference``); the network then has ``2 * n_channels`` inputs.
    weight_averaging : float, default=0.0
        Decay ``d`` of an exponential moving average of the weights (and batch-norm
        statistics), updated after every optimiser step: ``w_avg <- d w_avg + (1 - d) w``. The
        average is what is validated, early-stopped and returned (projected too, with
        ``constraint="project"``); ``0`` turns it off.
    refit : bool, default=False
        After early stopping, train the chosen initialisation again from its initial weights on
        all the training series (validation split included) for the best epoch's number of
        epochs, replaying the validated run's learning rates; that network is returned
        (``history_`` stays the validated run's). Ignored with ``validation_fraction=0``.
    label_smoothing : float, default=0.1
        Label smoothing of the training loss (``torch.nn.CrossEntropyLoss``'s); the validation
        loss that early stopping watches is the plain cross-entropy.
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the scaled inputs of every training
        batch (clipped to ``input_range``, where the contraction bound holds); validation and
        prediction see the series as they are. ``0`` turns it off.
    dropout : float, default=0.0
        Probability of zeroing each normalised pooled feature before the readout in training
        (the others scaled by ``1 / (1 - dropout)``); off in validation and prediction.
        Input noise and dropout draw from a generator seeded from ``random_state``.

    Attributes
    ----------
    classes_ : ndarray
    module_ : torch.nn.Module
        The trained network (on the CPU); ``module_.rnn`` is the :class:`NanowireRNN`.
    history_ : dict of lists
        Per epoch: ``loss`` (training, label-smoothed if asked), ``val_loss``,
        ``val_accuracy``, ``bound`` (largest contraction bound after the epoch), ``lr`` and
        ``time`` (seconds since the start).
    best_epoch_ : int
    init_scores_ : list of float
        Best validation loss of each of the ``n_init`` runs.
    n_epochs_ : int
    contraction_bound_ : float
        Contraction bound of the returned model over the scaled input range.
    states_invariant_ : bool
        Whether states provably stay in [0, 1] for the returned model.
    fit_time_ : float
        Seconds spent in ``fit``.
    noise_seed_ : int or None
        Seed of the memristor noise at validation and prediction, hashed with each series'
        values (None for an ideal memristor).
    n_channels_ : int
        Channels of the training series.
    n_inputs_ : int
        Inputs of the network: ``n_channels_``, doubled with ``difference``.
    data_min_, data_max_ : ndarray of shape (n_inputs,)
        Per-input range on the training data, mapped to ``input_range``.

    See Also
    --------
    nanowire_rc.classifiers.CoupledNanowireClassifier : The same cell as a fixed random reservoir.

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.torch import NanowireRNNClassifier
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> clf = NanowireRNNClassifier(hidden_size=8, max_epochs=2, random_state=0)
    >>> clf.fit(X[::10], y[::10]).n_epochs_, clf.contraction_bound_ <= 0.99
    (2, True)
    >>> clf.predict(X[:3]).shape, clf.predict_proba(X[:3]).shape
    ((3,), (3, 6))
    """

    def __init__(
        self, *, hidden_size: int = 100, num_layers: int = 1, dt: float = 0.3,
        method: str = "euler", voltage_map: str = "sigmoid", v_min: float = 0.0,
        v_max: float = 1.0, gain: float = 3.0, retention: float = 0.9,
        params: NanowireParams | None = None, train_params: bool = False,
        constraint: str = "project", bound_target: float = 0.99, penalty: float = 1.0,
        features: str = "mean+last+windows+std", n_windows: int = 8,
        normalization: str = "batch", input_scale: float = 2.0, bias_scale: float = 1.0,
        recurrent_scale: float = 1.0, lr: float = 3e-3, weight_decay: float = 0.0,
        lr_schedule: str = "plateau", max_epochs: int = 200, batch_size: int = 32,
        patience: int = 50, validation_fraction: float = 0.2, n_init: int = 1,
        input_range: tuple[float, float] = (0.0, 1.0), device: str = "cpu",
        dtype: str = "float32", random_state=None, progress_bar: bool = False,
        memristor: Device | None = None, difference: bool = True,
        weight_averaging: float = 0.0, refit: bool = False, label_smoothing: float = 0.1,
        input_noise: float = 0.0, dropout: float = 0.0,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dt = dt
        self.method = method
        self.voltage_map = voltage_map
        self.v_min = v_min
        self.v_max = v_max
        self.gain = gain
        self.retention = retention
        self.params = params
        self.train_params = train_params
        self.constraint = constraint
        self.bound_target = bound_target
        self.penalty = penalty
        self.features = features
        self.n_windows = n_windows
        self.normalization = normalization
        self.input_scale = input_scale
        self.bias_scale = bias_scale
        self.recurrent_scale = recurrent_scale
        self.lr = lr
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.n_init = n_init
        self.input_range = input_range
        self.device = device
        self.dtype = dtype
        self.random_state = random_state
        self.progress_bar = progress_bar
        self.memristor = memristor
        self.difference = difference
        self.weight_averaging = weight_averaging
        self.refit = refit
        self.label_smoothing = label_smoothing
        self.input_noise = input_noise
        self.dropout = dropout

    # ------------------------------------------------------------------ validation helpers
    def _validate(self) -> None:
        for name, minimum in (("hidden_size", 1), ("num_layers", 1), ("n_windows", 1),
                              ("max_epochs", 1), ("batch_size", 1), ("patience", 1),
                              ("n_init", 1)):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) \
                    or value < minimum:
                raise InvalidParameterError(
                    f"{name} must be an integer >= {minimum}, got {value!r}")
        for name in ("lr", "dt"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
                raise InvalidParameterError(f"{name} must be a finite number > 0, got {value!r}")
        for name, options in (("constraint", CONSTRAINTS), ("method", METHODS),
                              ("voltage_map", VOLTAGE_MAPS), ("normalization", NORMALIZATIONS),
                              ("lr_schedule", LR_SCHEDULES)):
            _check_choice(name, getattr(self, name), options)
        if self.dtype not in ("float32", "float64"):
            raise InvalidParameterError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        try:
            lo, hi = (float(v) for v in self.input_range)
            ordered = bool(np.isfinite(lo) and np.isfinite(hi) and lo < hi)
        except (TypeError, ValueError):
            ordered = False
        if not ordered:
            raise InvalidParameterError(
                f"input_range must be a pair (low, high) of finite numbers with low < high, "
                f"e.g. (0.0, 1.0); got {self.input_range!r}")
        _parse_features(self.features)
        for name in ("difference", "refit"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidParameterError(
                    f"{name} must be True or False, got {getattr(self, name)!r}")
        for name, valid, what in (
                ("bound_target", lambda v: 0 < v < 1, "a number in (0, 1)"),
                ("validation_fraction", lambda v: 0 <= v < 1, "a number in [0, 1)"),
                ("weight_averaging", lambda v: 0 <= v < 1, "a number in [0, 1)"),
                ("label_smoothing", lambda v: 0 <= v < 1, "a number in [0, 1)"),
                ("dropout", lambda v: 0 <= v < 1, "a number in [0, 1)"),
                ("input_noise", lambda v: np.isfinite(v) and v >= 0, "a finite number >= 0")):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and not isinstance(value, bool)
                    and valid(value)):
                raise InvalidParameterError(f"{name} must be {what}, got {value!r}")
        _check_memristor(self.memristor)

    def __setstate__(self, state: dict) -> None:
        # classifiers pickled before the training constraint was renamed from ``stability``
        if "stability" in state and "constraint" not in state:
            state["constraint"] = state.pop("stability")
        super().__setstate__(state)

    def _non_ideal(self) -> bool:
        return self.memristor is not None and not self.memristor.is_ideal

    def _device(self) -> torch.device:
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self.device not in ("cpu", "cuda"):
            raise InvalidParameterError(
                f"device must be 'cpu', 'cuda' or 'auto', got {self.device!r}")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise InvalidParameterError(
                "device='cuda' but PyTorch sees no CUDA device; use 'cpu' or "
                "'auto'")
        return torch.device(self.device)

    def _inputs(self, batch: SeriesBatch) -> SeriesBatch:
        """The network's input channels: the series' own, and their differences if asked."""
        if batch.n_channels != self.n_channels_:
            raise InvalidInputError(
                f"X has {batch.n_channels} channel(s), but {type(self).__name__} "
                f"was fitted with {self.n_channels_}")
        return _with_difference(batch) if getattr(self, "difference", False) else batch

    def _scale(self, batch: SeriesBatch) -> SeriesBatch:
        return _scale_minmax(self._inputs(batch), self.data_min_, self.data_max_,
                            tuple(self.input_range))

    def _noise_seeds(self, batch: SeriesBatch) -> np.ndarray | None:
        """Each scaled series' noise seed (a keyed hash of its values), None without noise."""
        seed = getattr(self, "noise_seed_", None)  # absent from models pickled before memristor=
        return None if seed is None else case_seeds(batch.values, batch.lengths, seed)

    def _check_lengths(self, batch: SeriesBatch) -> None:
        if "windows" in _parse_features(self.features) and batch.lengths.min() < self.n_windows:
            raise InvalidInputError(f"a series of length {batch.lengths.min()} is too short for "
                                    f"n_windows={self.n_windows}")

    def _n_pooled(self) -> int:
        parts = _parse_features(self.features)
        return (("mean" in parts) + ("last" in parts) + ("std" in parts)
                + (self.n_windows if "windows" in parts else 0))

    # ------------------------------------------------------------------ fit
    @keeps_state_on_failure
    def fit(self, X: ArrayLike, y: ArrayLike) -> NanowireRNNClassifier:
        """Scale the inputs, then train the network on ``(X, y)`` (see the class docstring).

        Parameters
        ----------
        X : array-like of shape (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints)
            Training series, or a list of series of unequal length.
        y : array-like of shape (n_cases,)
            Class labels (at least two classes).

        Returns
        -------
        NanowireRNNClassifier
            The fitted classifier (``self``).

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters (``memristor`` not a
            :class:`~nanowire_rc.device.Device` or None, ``device="cuda"`` without a CUDA device).
        InvalidInputError
            For mismatched ``X`` and ``y``, a single class, or series shorter than
            ``n_windows``.
        UnstableReservoirError
            For devices whose rates let states leave [0, 1] (Euler update).

        Examples
        --------
        The history holds one entry per epoch of each quantity:

        >>> import nanowire_rc as nw
        >>> from nanowire_rc.torch import NanowireRNNClassifier
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> fitted = NanowireRNNClassifier(hidden_size=8, max_epochs=2,
        ...                                random_state=0).fit(X[::10], y[::10])
        >>> sorted(fitted.history_)
        ['bound', 'loss', 'lr', 'time', 'val_accuracy', 'val_loss']
        """
        start = time.perf_counter()
        self._validate()
        batch = as_batch(X)
        y = _check_labels(y, batch.n_cases, type(self).__name__)
        classes, y_idx = np.unique(y, return_inverse=True)
        self._check_lengths(batch)
        self.classes_ = classes
        self.n_channels_ = batch.n_channels
        self.data_min_, self.data_max_ = self._inputs(batch).channel_range()
        batch = self._scale(batch)
        self.n_inputs_ = batch.n_channels
        device = self._device()
        dtype = getattr(torch, self.dtype)
        # one child of random_state's SeedSequence per component: switching a component on
        # (a non-ideal memristor, a regulariser) moves no other draw
        root = seed_sequence(self.random_state)
        train_idx, val_idx = self._split(y_idx, integer_seed(root, Stream.SPLIT, bits=31))
        memristor_seed, train_noise_seed, self.noise_seed_ = 0, None, None
        if self._non_ideal():
            memristor_seed, train_noise_seed, self.noise_seed_ = (
                integer_seed(root, stream) for stream in (Stream.DEVICE, Stream.TRAINING,
                                                          Stream.NOISE))
        regulariser_seed = (integer_seed(root, Stream.REGULARISER)
                            if self.input_noise > 0 or self.dropout > 0 else None)
        x, lengths, pool = series_tensors(batch, self.features, self.n_windows, device, dtype)
        data = TrainingData(x, lengths, pool, self._noise_seeds(batch),
                            torch.as_tensor(y_idx, dtype=torch.long, device=device),
                            train_idx, val_idx, classes.size)
        seeds = Seeds(integer_seed(root, Stream.WEIGHTS), integer_seed(root, Stream.BATCHES),
                      memristor_seed, train_noise_seed, regulariser_seed)
        trainer = Trainer(self, data, seeds, device, dtype, start)
        net, history, self.best_epoch_, self.init_scores_ = trainer.train()
        rnn = net.rnn
        net = net.cpu().eval()
        self.module_ = net
        self.history_ = history
        self.n_epochs_ = len(history["loss"])
        with torch.no_grad():
            bounds = rnn.contraction_bound()
        self.contraction_bound_ = max(float(b.max()) for b, _ in bounds)
        self.states_invariant_ = all(bool(inv.all()) for _, inv in bounds)
        self.fit_time_ = time.perf_counter() - start
        return self

    def _split(self, y_idx: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Stratified training and validation rows (``validation_fraction``); no validation
        rows, with a warning, when too few series allow none."""
        idx = np.arange(len(y_idx))
        counts = np.bincount(y_idx)
        n_val = round(self.validation_fraction * len(y_idx))
        # a class with a single series cannot be stratified: it stays in training
        split = counts[y_idx] >= 2
        n_split_classes = int(np.sum(counts >= 2))
        if n_val >= max(n_split_classes, 1) and split.sum() - n_val >= n_split_classes:
            train_idx, val_idx = train_test_split(idx[split], test_size=n_val,
                                                  stratify=y_idx[split],
                                                  random_state=seed)
            return np.concatenate([train_idx, idx[~split]]), val_idx
        if n_val:
            warnings.warn(f"{type(self).__name__}: too few series for a validation split "
                          f"of {self.validation_fraction} ({n_val} series, "
                          f"{n_split_classes} classes with two or more series); training "
                          f"for max_epochs={self.max_epochs} without early stopping",
                          UserWarning, stacklevel=3)
        return idx, idx[:0]

    # ------------------------------------------------------------------ predict
    def _logits(self, X: ArrayLike) -> torch.Tensor:
        check_is_fitted(self, "module_")
        batch = self._scale(as_batch(X))
        self._check_lengths(batch)
        dtype = next(self.module_.parameters()).dtype
        x, lengths, pool = series_tensors(batch, self.features, self.n_windows, torch.device("cpu"),
                                           dtype)
        use_last = "last" in _parse_features(self.features)
        seeds = self._noise_seeds(batch)
        out = []
        with torch.no_grad():
            for i in range(0, batch.n_cases, 1024):
                sl = slice(i, i + 1024)
                n_steps = int(lengths[sl].max())
                out.append(self.module_(x[sl, :n_steps], lengths[sl],
                                        None if pool is None else pool[sl], use_last, None,
                                        None if seeds is None else seeds[sl]))
        return torch.cat(out)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints)
            Series, or a list of series of unequal length.

        Returns
        -------
        ndarray of shape (n_cases, n_classes)
            Softmax of the logits.

        Examples
        --------
        Each row sums to one:

        >>> import nanowire_rc as nw
        >>> from nanowire_rc.torch import NanowireRNNClassifier
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> proba = NanowireRNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(
        ...     X[::10], y[::10]).predict_proba(X[:2])
        >>> proba.shape, bool(abs(proba.sum(axis=1) - 1).max() < 1e-6)
        ((2, 6), True)
        """
        return torch.softmax(self._logits(X), dim=1).double().numpy()

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Logits of the readout, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like or list of array-like
            Series shaped as for :meth:`predict_proba`.

        Returns
        -------
        ndarray of shape (n_cases, n_classes)
            The logits, whose softmax is :meth:`predict_proba` and whose largest entry names the
            class :meth:`predict` returns.

        Examples
        --------
        A logit per class; the largest picks the predicted label:

        >>> import numpy as np
        >>> import nanowire_rc as nw
        >>> from nanowire_rc.torch import NanowireRNNClassifier
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = NanowireRNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(
        ...     X[::10], y[::10])
        >>> logits = clf.decision_function(X[:4])
        >>> bool(np.array_equal(clf.classes_[logits.argmax(axis=1)], clf.predict(X[:4])))
        True
        """
        return self._logits(X).double().numpy()

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels, of the same type as the training labels.

        Parameters
        ----------
        X : array-like or list of array-like
            Series shaped as for :meth:`predict_proba`, any length.

        Returns
        -------
        ndarray of shape (n_cases,)
            The class with the largest logit.

        Examples
        --------
        Labels come back as they were given (integers here), and
        :meth:`~sklearn.base.ClassifierMixin.score` is their accuracy:

        >>> import nanowire_rc as nw
        >>> from nanowire_rc.torch import NanowireRNNClassifier
        >>> X, y = nw.load_ucr("SyntheticControl", "train")
        >>> clf = NanowireRNNClassifier(hidden_size=8, max_epochs=2, random_state=0)
        >>> labels = clf.fit(X[::10], y[::10]).predict(X[:3])
        >>> labels.dtype == y.dtype, 0.0 <= clf.score(X[1::10], y[1::10]) <= 1.0
        (True, True)
        """
        best = self._logits(X).argmax(1).numpy()
        return self.classes_[best]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags
