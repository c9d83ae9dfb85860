"""A ReservoirPy node running the nanowire reservoirs (optional extra:
``pip install "nanowire-rc[reservoirpy]"``).

This module owns the bridge to `ReservoirPy <https://reservoirpy.readthedocs.io>`_ (0.4 Node API):
:class:`ReservoirNode` runs a :class:`~nanowire_rc.reservoirs.NanowireReservoir` (the paper's
uncoupled assembly) or a :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir` (the coupled
network) as a ReservoirPy node, so it composes with ReservoirPy's readouts and operators::

    res = NanowireReservoir(n_neurons=100, dtype="float64", n_jobs=1, random_state=0)
    model = ReservoirNode(res, data_min=0.0, data_max=1.0) >> Ridge(1e-4)

No physics lives here. A node holds the fitted reservoir as ``reservoir_`` and steps it with
:meth:`~nanowire_rc.reservoirs.NanowireReservoir.states` started from the node's current state:
the compiled kernels of :func:`~nanowire_rc.kernels.run_nanowire` /
:func:`~nanowire_rc.kernels.run_coupled_nanowire`, with the same input scaling and clipping. A
node's states are therefore the reservoir's ``states``, exactly (tests/test_reservoirpy_node.py).

Input scaling. Our reservoirs min–max scale each channel onto ``input_range`` (default [0, 1]),
with the range fitted on training data, and clip inputs to that range: this is what the stability
guarantee (memory factor or contraction bound < 1) is computed for. ReservoirPy users pass raw
inputs, so a node needs that range, given one of three ways:

1. ``ReservoirNode.from_reservoir(res)``: a reservoir fitted on your training series (or the
   ``reservoir_`` of a fitted classifier); the node scales raw inputs exactly as it does.
2. ``ReservoirNode(res, data_min=lo, data_max=hi)``: the raw range (scalars, or one value per
   channel), mapped onto the reservoir's ``input_range``; values outside it are clipped.
3. ``ReservoirNode(res)`` with neither: inputs are taken as already scaled into ``input_range``
   (still clipped to it).

States follow ReservoirPy's conventions: a node starts at its ``state`` (zeros after ``reset()``,
our reservoirs' ``h0 = 0``) and keeps the last state after a run; every series of a batch
(3-D array or list) starts from the same state. For independent series (classification), call
``reset()`` before running new data. The node's ``run`` on a batch is one compiled call for all
series; inside a ReservoirPy ``Model`` each series is one call.

Non-ideal devices (``device``) are not offered: their features are read conductances (with noise
and quantisation), not the internal states a step must resume from; nor is ``difference=True``
(a difference channel needs the previous input, which a step from the state alone does not
have). Per-neuron time steps (``dt_spread``) are.

The core library never imports this module; importing it needs ReservoirPy.
"""

from __future__ import annotations

try:
    from reservoirpy.node import Node
    from reservoirpy.type import is_array, is_multiseries
    from reservoirpy.utils.data_validation import check_node_input
except ImportError as err:  # pragma: no cover - exercised only without ReservoirPy
    raise ImportError("nanowire_rc.reservoirpy needs ReservoirPy (>= 0.4): install it with "
                      "`pip install \"nanowire-rc[reservoirpy]\"`") from err

import copy
from collections.abc import Sequence

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ._fitting import keeps_state_on_failure
from .exceptions import InvalidParameterError
from .reservoirs import CoupledNanowireReservoir, NanowireReservoir, _Reservoir

__all__ = ["ReservoirNode"]

#: Pooling that a node sets on its reservoir: it returns every state, so the reservoir's
#: pooling does not matter to it, and the cheapest lets one-step runs pass (``states`` is the
#: forward pass also when ``bidirectional`` is set).
_POOLING = {"features": "last", "n_windows": 1, "washout": 0}


def _check_runnable(reservoir) -> None:
    """Refuse what a node cannot step: another kind of reservoir, a non-ideal device, or a
    difference channel."""
    if not isinstance(reservoir, (NanowireReservoir, CoupledNanowireReservoir)):
        raise InvalidParameterError(
            f"ReservoirNode runs a NanowireReservoir or a CoupledNanowireReservoir, got "
            f"{type(reservoir).__name__}")
    device = getattr(reservoir, "device", None)
    if device is not None and not device.is_ideal:
        raise InvalidParameterError(
            "ReservoirNode does not run non-ideal devices (their states are read "
            "conductances); use a reservoir with device=None")
    if reservoir.difference:
        raise InvalidParameterError(
            "ReservoirNode does not offer difference=True (a difference channel needs the "
            "previous input); use a reservoir without it")


def _as_bound(value, name: str):
    """``None``, a float, or a tuple of floats (one per channel): hashable and printable."""
    if value is None:
        return None
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim > 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise InvalidParameterError(
            f"{name} must be a finite real or a 1-D sequence of finite reals (one "
            f"per input channel), got {value!r}")
    return float(arr) if arr.ndim == 0 else tuple(float(v) for v in arr)


class ReservoirNode(Node):
    """ReservoirPy node: a nanowire reservoir's states, stepped from the node's state.

    The states are those of the reservoir (``reservoir.states``): for a
    :class:`~nanowire_rc.reservoirs.NanowireReservoir`, neuron ``n`` has input weights
    ``omega_n`` times a random convex combination of the channels and the state update of
    docs/theory.md ("The neuron"); for a
    :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`, ``v(t+1) = g(W_in x(t+1) + W
    h(t) + b)``, then ``h(t+1) = (gamma - dt S(v)) h(t) + dt k_p(v)``. The reservoir declares
    every hyper-parameter; its ``random_state`` seeds the weights (drawn at the first call, for
    its number of channels) and its ``input_range`` is what ``[data_min, data_max]`` is mapped
    onto.

    Parameters
    ----------
    reservoir : NanowireReservoir, CoupledNanowireReservoir or None, default=None
        The reservoir's settings (cloned at initialisation); None:
        ``NanowireReservoir(dtype="float64", n_jobs=1)``. ``n_jobs=1`` suits the one-series
        calls of ``step`` and of a ReservoirPy ``Model`` (waking threads costs more than a
        step); more threads help ``run`` on a batch of series. ReservoirPy works in float64;
        the node's outputs are always float64.
    data_min, data_max : float, sequence of float (one per channel) or None, default=None
        Raw input range (values outside are clipped). ``None`` for both: inputs are already in
        the reservoir's ``input_range``.
    input_dim : int, optional
        Input dimension; inferred at the first call otherwise.
    name : str, optional
        Node name.

    Attributes
    ----------
    reservoir_ : NanowireReservoir, CoupledNanowireReservoir or None
        The fitted reservoir the node runs (``None`` until initialised); its
        ``memory_factor_`` or ``contraction_bound_`` < 1 is the echo-state guarantee.
    state : dict
        ``{"out": ndarray (n_neurons,)}``, the current state.
    input_dim, output_dim : int
        Number of input channels and of neurons.

    Raises
    ------
    ValueError
        If only one of ``data_min`` and ``data_max`` is given, ``input_range`` is ``None``
        without them, or the reservoir has a non-ideal device or ``difference=True``.
    UnstableReservoirError
        At initialisation, when the reservoir has no echo-state guarantee.

    Examples
    --------
    Classify SyntheticControl (6 classes) with a ridge readout trained on the last step of each
    series (ReservoirPy series are ``(timesteps, channels)``):

    >>> import numpy as np
    >>> from reservoirpy.nodes import Ridge
    >>> from nanowire_rc import NanowireReservoir, load_ucr
    >>> from nanowire_rc.reservoirpy import ReservoirNode
    >>> X, y = load_ucr("SyntheticControl", "train")  # (300, 60), labels 1..6
    >>> res = NanowireReservoir(n_neurons=100, dtype="float64", n_jobs=1, random_state=0)
    >>> node = ReservoirNode(res, data_min=X.min(), data_max=X.max())
    >>> model = node >> Ridge(ridge=1e-7)
    >>> Y = np.repeat(np.eye(6)[y - 1][:, None], X.shape[1], axis=1)  # one-hot at every step
    >>> _ = model.fit(X[:, :, None], Y, warmup=X.shape[1] - 1)  # train on the last step only
    >>> _ = model.reset()  # independent series: start from h = 0
    >>> X_test, y_test = load_ucr("SyntheticControl", "test")
    >>> scores = np.asarray(model.run(X_test[:, :, None]))[:, -1]
    >>> float(np.mean(scores.argmax(axis=1) + 1 == y_test)) > 0.65
    True

    Built from a fitted reservoir, the node takes the raw series the reservoir takes and returns
    its states:

    >>> fitted = NanowireReservoir(n_neurons=20, dtype="float64", random_state=0).fit(X)
    >>> node = ReservoirNode.from_reservoir(fitted)
    >>> np.array_equal(node.run(X[:5, :, None]), fitted.states(X[:5]))
    True

    A coupled network:

    >>> from nanowire_rc import CoupledNanowireReservoir
    >>> res = CoupledNanowireReservoir(n_neurons=30, coupling=0.1, dtype="float64",
    ...                                random_state=0)
    >>> node = ReservoirNode(res, data_min=-1.0, data_max=1.0)
    >>> states = node.run(np.sin(np.linspace(0, 10, 200))[:, None])
    >>> states.shape, node.reservoir_.contraction_bound_ < 1
    ((200, 30), True)
    """

    def __init__(self, reservoir: _Reservoir | None = None, *, data_min=None, data_max=None,
                 input_dim: int | None = None, name: str | None = None):
        self.reservoir = (NanowireReservoir(dtype="float64", n_jobs=1) if reservoir is None
                          else reservoir)
        _check_runnable(self.reservoir)
        self.data_min = _as_bound(data_min, "data_min")
        self.data_max = _as_bound(data_max, "data_max")
        if (self.data_min is None) != (self.data_max is None):
            raise InvalidParameterError(
                "give both data_min and data_max (the raw input range), or neither "
                "(inputs already scaled into input_range)")
        if self.data_min is None and self.reservoir.input_range is None:
            raise InvalidParameterError(
                "input_range=None (no scaling) needs the range to clip inputs to: "
                "give data_min and data_max")
        self.reservoir_ = None
        self.output_dim = self.reservoir.n_neurons
        self.input_dim = input_dim
        self.name = name

    def _data_range(self, n_channels: int) -> tuple[np.ndarray, np.ndarray]:
        if self.data_min is None:
            lo, hi = self.reservoir.input_range
        else:
            lo, hi = self.data_min, self.data_max
        lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), (n_channels,))
        hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), (n_channels,))
        if np.any(lo > hi):
            raise InvalidParameterError(
                f"need data_min <= data_max for every channel, got {self.data_min} "
                f"and {self.data_max}")
        return lo, hi

    @classmethod
    def from_reservoir(cls, reservoir: _Reservoir, name: str | None = None,
                       n_jobs: int | None = 1) -> ReservoirNode:
        """A node running a fitted reservoir: same weights, same input scaling.

        Parameters
        ----------
        reservoir : NanowireReservoir or CoupledNanowireReservoir
            Fitted reservoir (e.g. the ``reservoir_`` of a fitted classifier). The node keeps a
            copy: refitting ``reservoir`` later does not change it.
        name : str, optional
            Node name.
        n_jobs : int or None, default=1
            Threads for the node's kernel calls (the states do not depend on it).

        Returns
        -------
        ReservoirNode
            An initialised node with ``input_dim = reservoir.n_channels_``, taking raw inputs
            as ``reservoir.states`` does; its states equal ``reservoir.states(X)``.

        Raises
        ------
        ValueError
            If ``reservoir`` is of another kind, runs a non-ideal device, or has
            ``difference=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> from nanowire_rc.reservoirpy import ReservoirNode
        >>> X = np.random.RandomState(0).normal(size=(8, 2, 50))  # 8 series, 2 channels
        >>> res = CoupledNanowireReservoir(n_neurons=10, dtype="float64", random_state=0).fit(X)
        >>> node = ReservoirNode.from_reservoir(res, name="coupled")
        >>> node.input_dim, node.output_dim
        (2, 10)
        >>> np.array_equal(node.run(np.swapaxes(X, 1, 2)), res.states(X))
        True
        """
        _check_runnable(reservoir)
        check_is_fitted(reservoir, "n_channels_")
        settings = clone(reservoir).set_params(n_jobs=n_jobs, **_POOLING)
        node = cls(settings, data_min=reservoir.data_min_, data_max=reservoir.data_max_,
                   input_dim=reservoir.n_channels_, name=name)
        node.reservoir_ = copy.deepcopy(reservoir).set_params(n_jobs=n_jobs, **_POOLING)
        node.state = {"out": np.zeros(node.output_dim)}
        node.initialized = True
        return node

    @keeps_state_on_failure
    def initialize(self, x, y=None) -> None:
        """Draw the reservoir for ``x``'s number of channels (ReservoirPy calls this once).

        The weights are those of ``clone(reservoir).fit(X)`` for any training series ``X``
        with as many channels: they depend on ``random_state`` and the number of channels
        only. The input scaling maps ``[data_min, data_max]`` onto ``input_range``.

        Parameters
        ----------
        x : array (input_dim,), (timesteps, input_dim), (series, timesteps, input_dim) or list
            Data of the node's input dimension.
        y : None
            Not used (the node is not trained).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import NanowireReservoir
        >>> from nanowire_rc.reservoirpy import ReservoirNode
        >>> node = ReservoirNode(NanowireReservoir(n_neurons=4, random_state=0))
        >>> node.initialize(np.zeros(3))  # three input channels
        >>> node.reservoir_.input_weights_.shape, node.state["out"].shape
        ((4, 3), (4,))
        """
        self._set_input_dim(x)
        lo, hi = self._data_range(self.input_dim)
        # Fitting on the two-point series (lo, hi) sets the per-channel scaling to [lo, hi]; the
        # weights do not depend on the data. fit checks the stability guarantee.
        self.reservoir_ = clone(self.reservoir).set_params(**_POOLING).fit(
            np.stack([lo, hi], axis=1)[None])
        self.state = {"out": np.zeros(self.output_dim)}
        self.initialized = True

    # ----------------------------------------------------------------------- running
    def _states(self, X, h0) -> np.ndarray:
        """Our reservoir's trajectories for X (n, input_dim, T) from ``h0``, as float64."""
        return self.reservoir_.states(X, h0=h0).astype(np.float64, copy=False)

    def _step(self, state: dict, x: np.ndarray) -> dict:
        S = self._states(np.asarray(x, dtype=np.float64)[None, :, None], state["out"])
        return {"out": S[0, -1]}

    def _run(self, state: dict, x: np.ndarray) -> tuple[dict, np.ndarray]:
        S = self._states(np.ascontiguousarray(np.asarray(x, dtype=np.float64).T[None]),
                         state["out"])[0]
        return {"out": S[-1].copy()}, S

    def run(self, x=None, iters: int | None = None, workers: int = 1):
        """Run the node on one series, or on a batch of series in one compiled call.

        Parameters
        ----------
        x : array (timesteps, input_dim), array (series, timesteps, input_dim) or list of arrays
            Raw input series (see the module docstring for the scaling). Every series of a
            batch starts from the node's current ``state``.
        iters : int, optional
            ReservoirPy's input-free mode; not meaningful here (the nanowire needs an input).
        workers : int, default=1
            Passed to ReservoirPy for a single series; a batch runs in one call on the
            reservoir's ``n_jobs`` threads instead.

        Returns
        -------
        array (timesteps, n_neurons), array (series, timesteps, n_neurons) or list of arrays
            States after each step (float64); ``state`` becomes the last state of the last
            series, as in ReservoirPy.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import NanowireReservoir
        >>> from nanowire_rc.reservoirpy import ReservoirNode
        >>> node = ReservoirNode(NanowireReservoir(n_neurons=3, random_state=0))  # in [0, 1]
        >>> batch = [np.full((5, 1), 0.9), np.full((8, 1), 0.1)]  # unequal lengths
        >>> [s.shape for s in node.run(batch)]
        [(5, 3), (8, 3)]
        >>> bool(np.all(node.run(np.full((1, 1), 0.9)) > 0))
        True
        """
        if x is None or not is_multiseries(x):
            return super().run(x, iters=iters, workers=workers)
        check_node_input(x, expected_dim=self.input_dim)
        if not self.initialized:
            self.initialize(x)
        if is_array(x):
            X = np.ascontiguousarray(np.swapaxes(np.asarray(x, dtype=np.float64), 1, 2))
            out = self._states(X, self.state["out"])
            last = out[-1, -1]
        else:
            series: Sequence = [np.asarray(s, dtype=np.float64).T for s in x]
            S = self._states(series, self.state["out"])
            out = [S[i, : s.shape[1]] for i, s in enumerate(series)]
            last = out[-1][-1]
        self.state = {"out": np.array(last, dtype=np.float64)}
        return out
