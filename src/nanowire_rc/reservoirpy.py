"""ReservoirPy nodes running the nanowire reservoirs (optional extra:
``pip install "nanowire-rc[reservoirpy]"``).

This module owns the bridge to `ReservoirPy <https://reservoirpy.readthedocs.io>`_ (0.4 Node API):
:class:`NanowireNode` (the paper's uncoupled assembly) and :class:`CoupledNanowireNode` (the coupled
network) are ReservoirPy nodes, so they compose with ReservoirPy's readouts and operators::

    model = NanowireNode(n_neurons=100, data_min=0.0, data_max=1.0, random_state=0) >> Ridge(1e-4)

No physics lives here. Each node holds a fitted :class:`~nanowire_rc.reservoirs.NanowireReservoir`
(or :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`) as ``reservoir`` and steps it with
:meth:`~nanowire_rc.reservoirs.NanowireReservoir.states` started from the node's current state:
the compiled kernels of :func:`~nanowire_rc.kernels.run_nanowire` /
:func:`~nanowire_rc.kernels.run_coupled_nanowire`, with the same input scaling and clipping. A
node's states are therefore the reservoir's ``states``, exactly (tests/test_reservoirpy_node.py).

Input scaling. Our reservoirs min–max scale each channel onto ``input_range`` (default [0, 1]),
with the range fitted on training data, and clip inputs to that range: this is what the stability
guarantee (memory factor or contraction bound < 1) is computed for. ReservoirPy users pass raw
inputs, so a node needs that range, given one of three ways:

1. ``NanowireNode.from_reservoir(res)``: a reservoir fitted on your training series (or the
   ``reservoir_`` of a fitted classifier); the node scales raw inputs exactly as it does.
2. ``NanowireNode(..., data_min=lo, data_max=hi)``: the raw range (scalars, or one value per
   channel), mapped onto ``input_range``; values outside it are clipped.
3. ``NanowireNode(...)`` with neither: inputs are taken as already scaled into ``input_range``
   (still clipped to it).

States follow ReservoirPy's conventions: a node starts at its ``state`` (zeros after ``reset()``,
our reservoirs' ``h0 = 0``) and keeps the last state after a run; every series of a batch
(3-D array or list) starts from the same state. For independent series (classification), call
``reset()`` before running new data. The node's ``run`` on a batch is one compiled call for all
series; inside a ReservoirPy ``Model`` each series is one call.

Non-ideal devices (``device``) are not offered: their features are read conductances (with noise
and quantisation), not the internal states a step must resume from. Per-neuron time steps
(``dt_spread``) are.

The core library never imports this module; importing it needs ReservoirPy.
"""

from __future__ import annotations

try:
    from reservoirpy.node import Node
    from reservoirpy.type import is_array, is_multiseries
    from reservoirpy.utils.data_validation import check_node_input
except ImportError as err:  # pragma: no cover - exercised only without ReservoirPy
    raise ImportError(
        "nanowire_rc.reservoirpy needs ReservoirPy (>= 0.4): install it with "
        "`pip install \"nanowire-rc[reservoirpy]\"`"
    ) from err

import copy
import inspect
from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._fitting import keeps_state_on_failure
from .exceptions import InvalidParameterError
from .physics import NanowireParams
from .reservoirs import CoupledNanowireReservoir, NanowireReservoir, _Reservoir

__all__ = ["CoupledNanowireNode", "NanowireNode"]

#: Reservoir parameters that only shape pooled features: a node returns every state, so they
#: do not matter to it (``states`` is the forward pass also when ``bidirectional`` is set).
_POOLING_PARAMS = ("features", "n_windows", "washout", "bidirectional")


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


class _ReservoirNode(Node):
    """Shared logic: build or adopt a fitted reservoir, step it from the node's state.

    Subclasses set ``_reservoir_class`` and write ``__init__`` with the reservoir's parameters
    that matter to states (not the pooling ones, ``device`` or ``difference``) plus
    ``data_min``, ``data_max``, ``input_dim`` and ``name``, then call
    ``self._setup(input_dim, name)``.
    """

    _reservoir_class: type[_Reservoir]

    def _setup(self, input_dim, name) -> None:
        self.data_min = _as_bound(self.data_min, "data_min")
        self.data_max = _as_bound(self.data_max, "data_max")
        if (self.data_min is None) != (self.data_max is None):
            raise InvalidParameterError(
                "give both data_min and data_max (the raw input range), or neither "
                "(inputs already scaled into input_range)")
        if self.data_min is None and self.input_range is None:
            raise InvalidParameterError(
                "input_range=None (no scaling) needs the range to clip inputs to: "
                "give data_min and data_max")
        self.reservoir = None
        self.output_dim = self.n_neurons
        self.input_dim = input_dim
        self.name = name

    # ------------------------------------------------------------------ construction
    @classmethod
    def _node_param_names(cls) -> list[str]:
        return [n for n in inspect.signature(cls.__init__).parameters if n != "self"]

    def _reservoir_params(self) -> dict:
        """The reservoir's parameters this node takes; the others keep the reservoir's defaults
        (no device, no difference channels; pooling set to the cheapest, ``"last"``)."""
        mine = set(self._node_param_names())
        params = {n: getattr(self, n) for n in self._reservoir_class._get_param_names()
                  if n in mine}
        return {**params, "features": "last", "n_windows": 1, "washout": 0}

    def _data_range(self, n_channels: int) -> tuple[np.ndarray, np.ndarray]:
        if self.data_min is None:
            lo, hi = self.input_range
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
                       n_jobs: int | None = 1):
        """A node running a fitted reservoir: same weights, same input scaling.

        Parameters
        ----------
        reservoir : NanowireReservoir or CoupledNanowireReservoir
            Fitted reservoir of this node's kind (e.g. the ``reservoir_`` of a fitted
            classifier). The node keeps a copy: refitting ``reservoir`` later does not change it.
        name : str, optional
            Node name.
        n_jobs : int or None, default=1
            Threads for the node's kernel calls (the reservoir's own ``n_jobs`` is not used; the
            states do not depend on it).

        Returns
        -------
        node
            An initialised node with ``input_dim = reservoir.n_channels_``, taking raw inputs
            as ``reservoir.states`` does; its states equal ``reservoir.states(X)``.

        Raises
        ------
        TypeError
            If ``reservoir`` is not a ``_reservoir_class`` instance.
        ValueError
            If it runs a non-ideal device, or uses a setting the node does not offer
            (``difference=True``).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc import CoupledNanowireReservoir
        >>> from nanowire_rc.reservoirpy import CoupledNanowireNode
        >>> X = np.random.RandomState(0).normal(size=(8, 2, 50))  # 8 series, 2 channels
        >>> res = CoupledNanowireReservoir(n_neurons=10, dtype="float64", random_state=0).fit(X)
        >>> node = CoupledNanowireNode.from_reservoir(res, name="coupled")
        >>> node.input_dim, node.output_dim
        (2, 10)
        >>> np.array_equal(node.run(np.swapaxes(X, 1, 2)), res.states(X))
        True
        """
        if not isinstance(reservoir, cls._reservoir_class):
            raise InvalidParameterError(
                f"{cls.__name__}.from_reservoir needs a fitted "
                f"{cls._reservoir_class.__name__}, got {type(reservoir).__name__}")
        check_is_fitted(reservoir, "n_channels_")
        device = getattr(reservoir, "device", None)
        if device is not None and not device.is_ideal:
            raise InvalidParameterError(
                f"{cls.__name__} does not run non-ideal devices (their states are "
                "read conductances); fit the reservoir with device=None")
        mine = set(cls._node_param_names())
        defaults = {n: p.default for n, p in
                    inspect.signature(cls._reservoir_class.__init__).parameters.items()}
        params, refused = {}, []
        for key, value in reservoir.get_params(deep=False).items():
            if key in mine:
                params[key] = value
            elif key not in _POOLING_PARAMS and key != "device" and value != defaults.get(key):
                refused.append(f"{key}={value!r}")
        if refused:
            # e.g. difference=True: a difference channel needs the previous input, which a
            # step from the state alone does not have.
            raise InvalidParameterError(
                f"{cls.__name__} does not offer {', '.join(refused)}; fit the "
                "reservoir without it")
        params["n_jobs"] = n_jobs
        node = cls(**params, data_min=reservoir.data_min_, data_max=reservoir.data_max_,
                   input_dim=reservoir.n_channels_, name=name)
        # Pooling does not touch the states; the cheapest setting lets one-step runs pass.
        node.reservoir = copy.deepcopy(reservoir).set_params(features="last", n_windows=1,
                                                             washout=0, n_jobs=n_jobs)
        node.state = {"out": np.zeros(node.output_dim)}
        node.initialized = True
        return node

    @keeps_state_on_failure
    def initialize(self, x, y=None) -> None:
        """Draw the reservoir for ``x``'s number of channels (ReservoirPy calls this once).

        The weights are those of ``_reservoir_class(**params).fit(X)`` for any training
        series ``X`` with as many channels: they depend on ``random_state`` and the number of
        channels only. The input scaling maps ``[data_min, data_max]`` onto ``input_range``.

        Parameters
        ----------
        x : array (input_dim,), (timesteps, input_dim), (series, timesteps, input_dim) or list
            Data of the node's input dimension.
        y : None
            Not used (the node is not trained).

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.reservoirpy import NanowireNode
        >>> node = NanowireNode(n_neurons=4, random_state=0)
        >>> node.initialize(np.zeros(3))  # three input channels
        >>> node.reservoir.input_weights_.shape, node.state["out"].shape
        ((4, 3), (4,))
        """
        self._set_input_dim(x)
        lo, hi = self._data_range(self.input_dim)
        # Fitting on the two-point series (lo, hi) sets the per-channel scaling to [lo, hi]; the
        # weights do not depend on the data. fit checks the stability guarantee.
        self.reservoir = self._reservoir_class(**self._reservoir_params()).fit(
            np.stack([lo, hi], axis=1)[None])
        self.state = {"out": np.zeros(self.output_dim)}
        self.initialized = True

    # ----------------------------------------------------------------------- running
    def _states(self, X, h0) -> np.ndarray:
        """Our reservoir's trajectories for X (n, input_dim, T) from ``h0``, as float64."""
        return self.reservoir.states(X, h0=h0).astype(np.float64, copy=False)

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
            Passed to ReservoirPy for a single series; a batch runs in one call on ``n_jobs``
            threads instead.

        Returns
        -------
        array (timesteps, n_neurons), array (series, timesteps, n_neurons) or list of arrays
            States after each step (float64); ``state`` becomes the last state of the last
            series, as in ReservoirPy.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.reservoirpy import NanowireNode
        >>> node = NanowireNode(n_neurons=3, random_state=0)  # inputs already in [0, 1]
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


class NanowireNode(_ReservoirNode):
    """ReservoirPy node: an uncoupled assembly of memristive nanowire neurons.

    The states are those of :class:`~nanowire_rc.reservoirs.NanowireReservoir` with the same
    hyper-parameters (``NanowireReservoir(**params).states``): neuron ``n`` has input weights
    ``omega_n`` times a random convex combination of the channels and the state update of
    docs/theory.md ("The neuron"), started from the node's state.

    Parameters
    ----------
    n_neurons : int, default=100
        Number of neurons (ReservoirPy's ``units``; the node's ``output_dim``).
    input_scaling : float, default=0.8
        Centre of the per-neuron input scalings ``omega_n``.
    input_scaling_spread : float, default=0.3
        Half-width of the uniform distribution of input scalings.
    dt : float, default=0.1
        Time step.
    dt_spread : float, default=0.0
        Heterogeneous time constants: neuron ``n`` steps by ``dt * 10**u_n``, ``u_n ~
        Uniform[-dt_spread, dt_spread]`` (see :class:`~nanowire_rc.reservoirs.NanowireReservoir`).
    params : NanowireParams or None, default=None
        Physical constants; ``None`` means the paper's Table 2.
    method : {"euler", "exact"}, default="euler"
        Update rule.
    input_range : (float, float) or None, default=(0.0, 1.0)
        What ``[data_min, data_max]`` is mapped onto; ``None``: clip to it only.
    data_min, data_max : float, sequence of float (one per channel) or None, default=None
        Raw input range (values outside are clipped). ``None`` for both: inputs are already in
        ``input_range``.
    dtype : {"float32", "float64"}, default="float64"
        Compute type (ReservoirPy works in float64; the node's outputs are always float64).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the input weights (drawn at the first call, for its number of
        channels).
    n_jobs : int or None, default=1
        Threads for the compiled kernel (``None``: all cores). One suits the one-series calls of
        ``step`` and of a ReservoirPy ``Model`` (waking threads costs more than a step); more
        help ``run`` on a batch of series. Not our reservoirs' default (``None``).
    input_dim : int, optional
        Input dimension; inferred at the first call otherwise.
    name : str, optional
        Node name.

    Attributes
    ----------
    reservoir : NanowireReservoir or None
        The fitted reservoir the node runs (``None`` until initialised); its ``input_weights_``
        are the weights and ``memory_factor_`` < 1 the echo-state guarantee.
    state : dict
        ``{"out": ndarray (n_neurons,)}``, the current state.
    input_dim, output_dim : int
        Number of input channels and of neurons.

    Raises
    ------
    ValueError
        If only one of ``data_min`` and ``data_max`` is given, or ``input_range`` is ``None``
        without them.
    UnstableReservoirError
        At initialisation, when the memory factor over ``input_range`` is >= 1.

    See Also
    --------
    CoupledNanowireNode : The coupled network as a node.
    nanowire_rc.reservoirs.NanowireReservoir : The reservoir whose states the node returns.

    Examples
    --------
    Classify SyntheticControl (6 classes) with a ridge readout trained on the last step of each
    series (ReservoirPy series are ``(timesteps, channels)``):

    >>> import numpy as np
    >>> from reservoirpy.nodes import Ridge
    >>> from nanowire_rc import load_ucr
    >>> from nanowire_rc.reservoirpy import NanowireNode
    >>> X, y = load_ucr("SyntheticControl", "train")  # (300, 60), labels 1..6
    >>> node = NanowireNode(n_neurons=100, data_min=X.min(), data_max=X.max(), random_state=0)
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

    >>> from nanowire_rc import NanowireReservoir
    >>> res = NanowireReservoir(n_neurons=20, dtype="float64", random_state=0).fit(X)
    >>> node = NanowireNode.from_reservoir(res)
    >>> np.array_equal(node.run(X[:5, :, None]), res.states(X[:5]))
    True
    """

    _reservoir_class = NanowireReservoir

    def __init__(
        self,
        n_neurons: int = 100,
        input_scaling: float = 0.8,
        input_scaling_spread: float = 0.3,
        dt: float = 0.1,
        dt_spread: float = 0.0,
        params: NanowireParams | None = None,
        method: str = "euler",
        input_range: tuple[float, float] | None = (0.0, 1.0),
        data_min=None,
        data_max=None,
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = 1,
        input_dim: int | None = None,
        name: str | None = None,
    ):
        self.n_neurons = n_neurons
        self.input_scaling = input_scaling
        self.input_scaling_spread = input_scaling_spread
        self.dt = dt
        self.dt_spread = dt_spread
        self.params = params
        self.method = method
        self.input_range = input_range
        self.data_min = data_min
        self.data_max = data_max
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs
        self._setup(input_dim, name)


class CoupledNanowireNode(_ReservoirNode):
    """ReservoirPy node: a coupled network of nanowire neurons with an echo-state guarantee.

    The states are those of :class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir` with the
    same hyper-parameters: ``v(t+1) = g(W_in x(t+1) + W h(t) + b)``, then
    ``h(t+1) = (gamma - dt S(v)) h(t) + dt k_p(v)`` (docs/theory.md, "Coupled networks").

    Parameters
    ----------
    n_neurons : int, default=100
        Number of neurons (the node's ``output_dim``).
    input_scaling, input_scaling_spread : float, default=0.8, 0.3
        Per-neuron input gains, as in :class:`NanowireNode`.
    coupling : float, default=0.05
        Largest absolute row sum of the recurrent matrix ``W``.
    connectivity : {"dense", "sparse"}, default="dense"
        Structure of ``W``.
    density : float, default=0.1
        Fraction of non-zero entries of a sparse ``W``.
    bias_scaling : float, default=0.0
        Biases are Uniform[-bias_scaling, bias_scaling].
    dt : float, default=0.1
        Time step.
    dt_spread : float, default=0.0
        Per-neuron time steps, as in :class:`NanowireNode`.
    retention : float, default=1.0
        ``gamma`` in (0, 1].
    voltage_map : {"sigmoid", "identity"}, default="sigmoid"
        The map ``g`` from pre-activation to voltage.
    v_min, v_max, gain : float, default=0.0, 1.0, 1.0
        The sigmoid map's voltage window and slope.
    params : NanowireParams or None, default=None
        Physical constants; ``None`` means the paper's Table 2.
    stability : {"raise", "warn"}, default="raise"
        What initialisation does when the contraction guarantee fails.
    input_range : (float, float) or None, default=(0.0, 1.0)
        What ``[data_min, data_max]`` is mapped onto, as in :class:`NanowireNode`.
    data_min, data_max : float, sequence of float (one per channel) or None, default=None
        Raw input range, as in :class:`NanowireNode`.
    dtype : {"float32", "float64"}, default="float64"
        Compute type (the node's outputs are always float64).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the weights (at the first call, for its number of channels).
    n_jobs : int or None, default=1
        Threads for the compiled kernel, as in :class:`NanowireNode`.
    input_dim : int, optional
        Input dimension; inferred at the first call otherwise.
    name : str, optional
        Node name.

    Attributes
    ----------
    reservoir : CoupledNanowireReservoir or None
        The fitted reservoir the node runs (``None`` until initialised); its
        ``contraction_bound_`` < 1 is the echo-state guarantee.
    state : dict
        ``{"out": ndarray (n_neurons,)}``, the current state.
    input_dim, output_dim : int
        Number of input channels and of neurons.

    Raises
    ------
    ValueError
        If only one of ``data_min`` and ``data_max`` is given, or ``input_range`` is ``None``
        without them.
    UnstableReservoirError
        At initialisation, when the contraction guarantee fails (``stability="raise"``).

    See Also
    --------
    NanowireNode : The uncoupled assembly as a node.
    nanowire_rc.reservoirs.CoupledNanowireReservoir : The reservoir whose states the node returns.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.reservoirpy import CoupledNanowireNode
    >>> node = CoupledNanowireNode(n_neurons=30, coupling=0.1, data_min=-1.0, data_max=1.0,
    ...                            random_state=0)
    >>> states = node.run(np.sin(np.linspace(0, 10, 200))[:, None])
    >>> states.shape, node.reservoir.contraction_bound_ < 1
    ((200, 30), True)
    """

    _reservoir_class = CoupledNanowireReservoir

    def __init__(
        self,
        n_neurons: int = 100,
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
        stability: str = "raise",
        input_range: tuple[float, float] | None = (0.0, 1.0),
        data_min=None,
        data_max=None,
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = 1,
        input_dim: int | None = None,
        name: str | None = None,
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
        self.stability = stability
        self.input_range = input_range
        self.data_min = data_min
        self.data_max = data_max
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs
        self._setup(input_dim, name)
