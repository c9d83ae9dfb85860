"""A physical nanowire network as a reservoir: series in, pooled electrode and node readings out.

This module owns :class:`NetworkReservoir`, a scikit-learn transformer with the contract of the
library's other reservoirs (:mod:`nanowire_rc.reservoirs`), so that it goes wherever a reservoir
goes: a scikit-learn ``Pipeline``, and :class:`~nanowire_rc.model_space.ReservoirModelSpace` /
``ModelSpaceClassifier(reservoir=...)``. The model (how series drive the sources, what is read,
the measured echo-state evidence behind ``ESP_TOLERANCE``) is in docs/network.md, "As a
reservoir".

Series ``i``, scaled to ``x_i(t)``, sets source ``s`` to ``v_s(t) = voltage * sum_c W_sc
x_ic(t)`` at time ``t * dt``, and the drops of that solve drive the junctions over the next step,
as in :func:`~.stepping.simulate` (exact junction update; every series of a batch on its own copy
of the junction states). The readings are pooled with the library's pooling
(:func:`~nanowire_rc.kernels.pooling._finish_pooling`).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._fitting import keeps_state_on_failure
from .._seeding import RANDOM_STATE, Stream, generator, seed_sequence
from ..device import MILANO2021_RESERVOIR
from ..exceptions import (
    InvalidParameterError,
    StabilityWarning,
    UnstableReservoirError,
)
from ..kernels.pooling import PooledStates, _finish_pooling, _window_index
from ..reservoirs import (
    _COMMON_CONSTRAINTS,
    _COMMON_PARAMETERS,
    _parse_features,
    _Reservoir,
)
from ..series import SeriesBatch
from .graphs import NanowireNetwork, grid_network
from .stepping import UPDATES, NetworkResult, simulate

__all__ = ["ESP_TOLERANCE", "READINGS", "NetworkReservoir"]

#: Quantities a network reservoir can read at each step (``read`` joins them with ``+``).
READINGS = ("voltages", "currents", "conductance")

#: Largest junction-state difference left after a training series, from opposite initial
#: states, that ``fit`` accepts as evidence of the echo-state property.
ESP_TOLERANCE = 1e-2

# Series stepped per call of ``simulate`` (bounds the (series, steps, readings) arrays).
_CHUNK = 64
# Training series run twice at ``fit`` for the echo-state gap.
_GAP_SERIES = 8


def _default_network() -> NanowireNetwork:
    """An 8 x 8 grid with random diagonals and Milano et al.'s reservoir constants."""
    return grid_network(8, 8, params=MILANO2021_RESERVOIR)


def _parse_read(read: str) -> list[str]:
    parts = read.split("+") if isinstance(read, str) else []
    if not parts or any(p not in READINGS for p in parts) or len(set(parts)) != len(parts):
        raise InvalidParameterError(
            f"read must join distinct names from {READINGS} with '+', e.g. "
            f"'voltages+conductance'; got {read!r}")
    return parts


class NetworkReservoir(_Reservoir):
    """A nanowire network driven through electrodes, read at nodes and electrodes, pooled.

    See the module docstring and docs/network.md for the model. Hyper-parameters are
    keyword-only and stored as given; what is random (electrodes and read nodes when not given,
    the input weights) is drawn at ``fit`` from ``random_state`` through
    :class:`numpy.random.SeedSequence`.

    Parameters
    ----------
    network : NanowireNetwork or None, default=None
        The network (``None``: an 8 x 8 :func:`.grid_network` with
        :data:`~nanowire_rc.device.MILANO2021_RESERVOIR` constants, seconds and volts).
    sources : sequence of int or None, default=None
        Input electrodes (``None``: ``n_sources`` nodes drawn at fit).
    grounds : sequence of int or None, default=None
        Electrodes held at 0 V (``None``: one node drawn at fit).
    n_sources : int, default=4
        Input electrodes drawn when ``sources`` is ``None``.
    read_nodes : sequence of int or None, default=None
        Nodes whose voltages are read (``None``: ``n_read`` non-electrode nodes drawn at fit).
    n_read : int, default=32
        Nodes drawn when ``read_nodes`` is ``None`` (at most the non-electrode nodes).
    read : str, default="voltages+conductance"
        Readings per step, ``+``-joined from ``voltages`` (of ``read_nodes``), ``currents``
        (each electrode's) and ``conductance`` (what each source sees, every other electrode
        at 0 V: a function of the junction states only).
    input_weights : array_like of shape (n_sources, n_inputs) or None, default=None
        ``W``; ``None``: drawn at fit, entries Uniform[-1, 1], each row scaled to absolute
        sum 1.
    voltage : float, default=2.0
        Volts per unit of ``W x``.
    dt : float, default=0.01
        Seconds between consecutive samples of a series.
    update : {"exact", "published"}, default="exact"
        Junction update (:func:`~.stepping.simulate`).
    h0 : float, default=0.0
        Initial state of every junction, for each series.
    stability : {"warn", "raise", "off"}, default="warn"
        What ``fit`` does when the measured echo-state gap exceeds :data:`ESP_TOLERANCE`
        (``"off"``: it is not measured).
    features : str, default="mean+last+windows"
        Pooled features, ``+``-joined from ``mean``, ``last``, ``windows`` and ``std``.
    n_windows : int, default=8
        Number of equal time windows for ``windows``.
    washout : int, default=0
        Initial steps left out of ``mean``, ``windows`` and ``std``.
    bidirectional : bool, default=False
        Also run each series read backwards and append its pooled features.
    difference : bool, default=False
        Append each channel's first difference as an extra input channel.
    input_range : (float, float) or None, default=(0.0, 1.0)
        Min–max scaling target, fitted per channel on the training series (later series are
        clipped to the training range first); ``None``: clipping only.
    dtype : {"float32", "float64"}, default="float64"
        Type of the features (the network is always stepped in float64).
    random_state : int, SeedSequence, Generator, RandomState or None, default=None
        Seeds the draws at ``fit``.
    n_jobs : int or None, default=-1
        Threads stepping the series of a batch side by side (-1: Numba's count; ``None``:
        one, as in scikit-learn).

    Attributes
    ----------
    network_ : NanowireNetwork
        The network used.
    sources_, grounds_, read_nodes_ : ndarray of int
        The electrodes and read nodes used.
    input_weights_ : ndarray of shape (n_sources, n_inputs)
        ``W``.
    n_outputs_ : int
        Readings per step (the "neurons" of the pooled features).
    echo_state_gap_ : float or None
        Largest junction-state difference at the end of the checked training series, from
        all-0 and all-1 initial states (``None`` with ``stability="off"``).
    n_channels_, n_inputs_ : int
        Channels of the training series, and inputs (with their differences).
    data_min_, data_max_ : ndarray of shape (n_inputs,)
        Training range of each input.
    n_features_out_ : int
        Number of output features.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.network import NetworkReservoir
    >>> X = np.random.default_rng(0).random((3, 40))
    >>> res = NetworkReservoir(n_read=5, features="mean+last", random_state=0).fit(X)
    >>> res.transform(X).shape  # (5 node voltages + 4 source conductances) x 2
    (3, 18)
    >>> res.echo_state_gap_ < 0.01
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **{k: v for k, v in _COMMON_CONSTRAINTS.items() if k not in ("n_neurons",
                                                                      "random_state")},
        "network": [NanowireNetwork, None],
        "sources": ["array-like", None],
        "grounds": ["array-like", None],
        "n_sources": [Interval(Integral, 1, None, closed="left")],
        "read_nodes": ["array-like", None],
        "n_read": [Interval(Integral, 0, None, closed="left")],
        "read": [str],
        "input_weights": ["array-like", None],
        "voltage": [Interval(Real, 0, None, closed="neither")],
        "dt": [Interval(Real, 0, None, closed="neither")],
        "update": [StrOptions(set(UPDATES))],
        "h0": [Interval(Real, 0, 1, closed="both")],
        "stability": [StrOptions({"warn", "raise", "off"})],
        "random_state": RANDOM_STATE,
    }

    _parameters: ClassVar[dict] = {
        "network": ("NanowireNetwork | None", None),
        "sources": ("ArrayLike | None", None),
        "grounds": ("ArrayLike | None", None),
        "n_sources": ("int", 4),
        "read_nodes": ("ArrayLike | None", None),
        "n_read": ("int", 32),
        "read": ("str", "voltages+conductance"),
        "input_weights": ("ArrayLike | None", None),
        "voltage": ("float", 2.0),
        "dt": ("float", 0.01),
        "update": ("str", "exact"),
        "h0": ("float", 0.0),
        "stability": ("str", "warn"),
        **_COMMON_PARAMETERS,
        "dtype": ("str", "float64"),
    }

    # -- fitting ------------------------------------------------------------------------------

    def _check_values(self) -> None:
        super()._check_values()
        _parse_read(self.read)

    def _check_memory(self, n_inputs: int, n_cases: int = 0) -> None:
        # What fit draws is small (electrodes, weights); the readings are stepped in chunks of
        # _CHUNK series, so memory does not grow with the number of series.
        return None

    def _nodes(self, name: str, value, n_nodes: int) -> np.ndarray:
        arr = np.atleast_1d(np.asarray(value))
        if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) \
                or arr.min() < 0 or arr.max() >= n_nodes or np.unique(arr).size != arr.size:
            raise InvalidParameterError(
                f"{name} must be distinct node indices in 0 .. {n_nodes - 1}, got {value!r}")
        return arr.astype(np.int64)

    @keeps_state_on_failure
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: ArrayLike, y=None) -> NetworkReservoir:
        """Fit the input scaling on ``X``, draw what is random, measure the echo-state gap.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Training series (a list of 1-D or 2-D arrays for unequal lengths).
        y : None
            Ignored.

        Returns
        -------
        NetworkReservoir
            ``self``, fitted.

        Raises
        ------
        InvalidParameterError
            For invalid hyper-parameters (electrodes that are not distinct nodes, a source
            that is also a ground, input weights of the wrong shape).
        InvalidInputError
            For invalid series.
        UnstableReservoirError
            With ``stability="raise"``, when the echo-state gap exceeds
            :data:`ESP_TOLERANCE`.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import NetworkReservoir
        >>> X = np.random.default_rng(0).random((4, 40))
        >>> res = NetworkReservoir(n_read=8, random_state=0).fit(X)
        >>> res.sources_.size, res.read_nodes_.size, res.n_outputs_
        (4, 8, 12)
        """
        self._check_values()
        batch = self._fit_scaling(X)
        net = _default_network() if self.network is None else self.network
        seeds = seed_sequence(self.random_state)  # once: a RandomState gives one draw per fit
        rng_nodes, rng_weights = (generator(seeds, stream)
                                  for stream in (Stream.NODES, Stream.WEIGHTS))
        n = net.n_nodes
        order = rng_nodes.permutation(n)  # one draw serves every node choice, in this order
        sources = (order[:self.n_sources] if self.sources is None
                   else self._nodes("sources", self.sources, n))
        rest = order[~np.isin(order, sources)]
        grounds = (rest[:1] if self.grounds is None
                   else self._nodes("grounds", self.grounds, n))
        if np.intersect1d(sources, grounds).size:
            raise InvalidParameterError(f"a node is both a source and a ground: sources "
                                        f"{sources.tolist()}, grounds {grounds.tolist()}")
        free = rest[~np.isin(rest, grounds)]
        read_nodes = (np.sort(free[:self.n_read]) if self.read_nodes is None
                      else self._nodes("read_nodes", self.read_nodes, n))
        if self.input_weights is None:
            w = rng_weights.uniform(-1.0, 1.0, (sources.size, self.n_inputs_))
            w /= np.abs(w).sum(axis=1, keepdims=True)
        else:
            w = np.array(self.input_weights, dtype=np.float64)
            if w.shape != (sources.size, self.n_inputs_) or not np.all(np.isfinite(w)):
                raise InvalidParameterError(
                    f"input_weights must be finite of shape (n_sources, n_inputs) = "
                    f"{(sources.size, self.n_inputs_)}, got shape {w.shape}")
        self.network_, self.sources_, self.grounds_ = net, sources, grounds
        self.read_nodes_, self.input_weights_ = read_nodes, w
        parts = _parse_read(self.read)
        self.n_outputs_ = (read_nodes.size * ("voltages" in parts)
                           + (sources.size + grounds.size) * ("currents" in parts)
                           + sources.size * ("conductance" in parts))
        if self.n_outputs_ == 0:
            raise InvalidParameterError("the reservoir reads nothing: give read_nodes or "
                                        "n_read > 0, or read currents or conductance")
        self.n_features_out_ = self._n_features()
        self.echo_state_gap_ = None
        if self.stability != "off":
            self._check_gap(batch)
        return self

    def _check_gap(self, batch: SeriesBatch) -> None:
        """Run up to ``_GAP_SERIES`` training series from all-0 and all-1 junction states."""
        k = min(batch.n_cases, _GAP_SERIES)
        head = SeriesBatch(batch.values[:k], batch.lengths[:k])
        finals = [self._simulate(head, h0=h, final=True) for h in (0.0, 1.0)]
        self.echo_state_gap_ = float(np.max(np.abs(finals[0] - finals[1])))
        if self.echo_state_gap_ <= ESP_TOLERANCE:
            return
        message = (f"no empirical echo-state evidence for this network reservoir: junction "
                   f"states started at 0 and at 1 still differ by {self.echo_state_gap_:.3g} "
                   f"(> {ESP_TOLERANCE}) at the end of the training series; use longer "
                   f"series, a washout, a larger dt or voltage, or faster junction constants")
        if self.stability == "raise":
            raise UnstableReservoirError(message + ". Pass stability='warn' to fit anyway.")
        warnings.warn(message, StabilityWarning, stacklevel=3)

    @property
    def _n_units(self) -> int:
        return self.n_outputs_

    # -- running ------------------------------------------------------------------------------

    def _voltages(self, batch: SeriesBatch) -> np.ndarray:
        """Source voltages ``(n_cases, n_timepoints, n_sources)`` of a scaled batch."""
        x = np.asarray(batch.values, dtype=np.float64)
        return self.voltage * np.einsum("bct,sc->bts", x, self.input_weights_)

    def _result(self, batch: SeriesBatch, h0) -> NetworkResult:
        t = np.arange(batch.values.shape[2]) * float(self.dt)
        return simulate(self.network_, t, self._voltages(batch), source=self.sources_,
                        ground=self.grounds_, h0=h0, update=self.update,
                        read_nodes=self.read_nodes_, n_jobs=self.n_jobs)

    def readings(self, result: NetworkResult) -> np.ndarray:
        """The reservoir's readings at each step of a batched :func:`~.stepping.simulate` result.

        Parameters
        ----------
        result : NetworkResult
            A batched result of this reservoir's network, electrodes and read nodes.

        Returns
        -------
        ndarray of shape (n_series, n_timepoints, n_outputs)
            ``read``'s quantities side by side, in float64: node voltages (V), electrode
            currents (A), source conductances (S).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import NetworkReservoir, simulate
        >>> X = np.random.default_rng(0).random((2, 40))
        >>> res = NetworkReservoir(n_read=3, random_state=0).fit(X)
        >>> out = simulate(res.network_, np.arange(10) * res.dt,
        ...                np.zeros((2, 10, 4)), source=res.sources_, ground=res.grounds_,
        ...                read_nodes=res.read_nodes_)
        >>> res.readings(out).shape
        (2, 10, 7)
        """
        blocks = {"voltages": result.node_voltages, "currents": result.currents,
                  "conductance": result.conductance}
        return np.concatenate([blocks[p] for p in _parse_read(self.read)], axis=2)

    def _simulate(self, batch: SeriesBatch, h0=None, final: bool = False) -> np.ndarray:
        """Readings ``(n_cases, n_timepoints, n_outputs)``, zero past each series' end; or,
        with ``final``, the junction states after each series' last step."""
        h0 = self.h0 if h0 is None else h0
        n_time = batch.values.shape[2]
        out = (np.zeros((batch.n_cases, self.network_.n_junctions)) if final
               else np.zeros((batch.n_cases, n_time, self.n_outputs_)))
        for lo in range(0, batch.n_cases, _CHUNK):
            rows = np.arange(lo, min(lo + _CHUNK, batch.n_cases))
            if not final:
                # The padding after a shorter series drives it on at 0 V, but nothing read
                # before its end depends on what comes after: one padded batch serves all.
                h = h0[rows] if np.ndim(h0) == 2 else h0
                res = self._result(SeriesBatch(batch.values[rows], batch.lengths[rows]), h)
                R = self.readings(res)
                R[np.arange(n_time)[None, :] >= batch.lengths[rows, None]] = 0.0
                out[rows] = R
                continue
            # Final states: series of one length step together, so that the padding does not
            # move a series' junctions after its end.
            for length in np.unique(batch.lengths[rows]):
                sub = rows[batch.lengths[rows] == length]
                h = h0[sub] if np.ndim(h0) == 2 else h0
                res = self._result(SeriesBatch(batch.values[sub][:, :, :length],
                                               batch.lengths[sub]), h)
                out[sub] = res.final_states
        return out

    def _run(self, batch: SeriesBatch, h0=None, return_states: bool = False) -> PooledStates:
        R = self._simulate(batch, h0)
        n_cases, n_time, _ = R.shape
        k = self._n_pool_windows
        kidx = _window_index(batch.lengths, n_time, self.washout, k)
        std = "std" in _parse_features(self.features)
        sums = np.zeros((n_cases, k + (1 if std else 0), self.n_outputs_))
        for w in range(k):
            sums[:, w] = np.einsum("bt,bto->bo", (kidx == w).astype(np.float64), R)
        if std:
            sums[:, k] = np.einsum("bt,bto->bo", (kidx >= 0).astype(np.float64), R**2)
        last = R[np.arange(n_cases), batch.lengths - 1]
        dtype = np.dtype(self.dtype)
        pooled = _finish_pooling(last.astype(dtype), sums, kidx, std=std)
        if return_states:
            pooled.states = R.astype(dtype)
        return pooled

    def states(self, X: ArrayLike, h0: ArrayLike | None = None) -> np.ndarray:
        """The readings at every step (small inputs only).

        ``states[i, t]`` is the reading after the solve at sample ``t`` of series ``i`` (zero
        past a series' end); the forward pass only, also when ``bidirectional`` is set.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels.
        h0 : float or array_like of shape (n_junctions,) or (n_cases, n_junctions), optional
            Initial junction states (default: ``h0``).

        Returns
        -------
        ndarray of shape (n_cases, n_timepoints, n_outputs)
            The readings, in ``dtype``.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import NetworkReservoir
        >>> X = np.random.default_rng(0).random((2, 40))
        >>> NetworkReservoir(n_read=6, random_state=0).fit(X).states(X).shape
        (2, 40, 10)
        """
        return super().states(X, h0)

    def echo_state_gap(self, X: ArrayLike, random_state=None) -> np.ndarray:
        """Empirical echo-state check on your data: the largest reading difference per step.

        Both runs see the series ``X`` from two initial junction states drawn uniformly in
        [0, 1] (per junction). A gap that shrinks towards 0 is what the echo-state property
        predicts.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels.
        random_state : int, SeedSequence, Generator, RandomState or None, default=None
            Seeds the two initial junction states.

        Returns
        -------
        ndarray of shape (n_timepoints,)
            The largest gap over series and readings at each step, relative to the largest
            reading of the first run.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import NetworkReservoir
        >>> X = np.random.default_rng(0).random((2, 200))
        >>> res = NetworkReservoir(n_read=6, random_state=0)
        >>> gap = res.fit(X).echo_state_gap(X, random_state=0)
        >>> bool(gap[-1] < 0.1 * gap[0])
        True
        """
        check_is_fitted(self, "n_channels_")
        rng = generator(random_state)
        m = self.network_.n_junctions
        a = self.states(X, h0=rng.uniform(0, 1, m))
        b = self.states(X, h0=rng.uniform(0, 1, m))
        scale = max(float(np.abs(a).max()), np.finfo(float).tiny)
        return np.abs(a - b).max(axis=(0, 2)) / scale

    def energy(self, X: ArrayLike) -> np.ndarray:
        """Joule energy the network dissipates on each series, in joules.

        Parameters
        ----------
        X : array (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or a list
            Series with the training series' channels.

        Returns
        -------
        ndarray of shape (n_cases,)
            ``sum_t sum_e G_e dV_e^2 dt`` over each series (:attr:`.NetworkResult.energy`).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import NetworkReservoir
        >>> X = np.random.default_rng(0).random((2, 40))
        >>> energy = NetworkReservoir(n_read=4, random_state=0).fit(X).energy(X)
        >>> bool(np.all(energy > 0))
        True
        """
        check_is_fitted(self, "n_channels_")
        batch = self._scale(self._batch(X))
        out = np.zeros(batch.n_cases)
        for i in range(batch.n_cases):
            one = SeriesBatch(batch.values[i:i + 1, :, :batch.lengths[i]], batch.lengths[i:i + 1])
            out[i] = float(self._result(one, self.h0).total_energy[0])
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output features, as ``transform`` orders them.

        Parameters
        ----------
        input_features : None
            Ignored: features are named after the quantity pooled and the reading
            (``mean_v12``: node 12's voltage, ``last_i3``: electrode 3's current, ``mean_g5``:
            the conductance source 5 sees; ``reversed`` for the backward pass).

        Returns
        -------
        ndarray of str (n_features,)
            The names.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.network import NetworkReservoir
        >>> X = np.random.default_rng(0).random((2, 40))
        >>> res = NetworkReservoir(read_nodes=[5], sources=[0], grounds=[63], read="voltages",
        ...                        features="mean+last", random_state=0).fit(X)
        >>> res.get_feature_names_out().tolist()
        ['mean_v5', 'last_v5']
        """
        check_is_fitted(self, "n_channels_")
        blocks = {"voltages": [f"v{k}" for k in self.read_nodes_],
                  "currents": [f"i{k}" for k in np.r_[self.sources_, self.grounds_]],
                  "conductance": [f"g{k}" for k in self.sources_]}
        units = [u for p in _parse_read(self.read) for u in blocks[p]]
        if self.bidirectional:
            units += [f"reversed_{u}" for u in units]
        return self._feature_names(units)

