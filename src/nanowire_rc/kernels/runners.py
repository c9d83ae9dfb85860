"""Running a batch of series through a reservoir kernel: everything around the hot loop.

Each public ``run_*`` function here takes user input and returns :class:`~.pooling.PooledStates`.
It checks the arguments and lays them out (:func:`_prepare`: a padded batch, weights as (C, N) in
the compute type, the window index of every step), refuses configurations without a stability
guarantee on this batch, then runs the plain NumPy reference (:mod:`.reference`) or a compiled
kernel (:mod:`.compiled`) on the requested number of threads (:func:`_numba_threads`), and
finally turns the window sums into means and refuses non-finite results (:func:`_finish`).

The device runners of :mod:`.device` share these helpers.

Multichannel input reaches neuron ``n`` through its row of input weights, ``v_n = sum_c W[n, c]
x_c``. The nanowire reservoirs draw those rows as ``omega_n`` times a convex combination, so each
neuron sees a scaled average of the channels and the univariate stability analysis (inputs in the
scaled range, scaling ``omega_n``) applies to it unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numba
import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from .._docs import fill
from ..exceptions import (
    DivergedError,
    InvalidParameterError,
    MemoryLimitError,
    UnstableReservoirError,
)
from ..physics import (
    NEURON,
    NanowireParams,
    VoltageOverflowError,
    _as_params,
    _check_dt,
    _check_method,
    _check_voltages,
)
from ..series import SeriesBatch, as_batch
from ..stability import (
    _certify,
    coupled_contraction_terms,
    coupled_voltage_range,
    input_voltage_range,
    memory_factor_voltage,
)
from . import compiled, reference
from .pooling import (
    PooledStates,
    _finish_pooling,
    _window_index,
    check_memory,
    zeros_touched,
)

__all__ = ["BACKENDS", "run_coupled_nanowire", "run_leaky_tanh", "run_nanowire"]

#: The ``backend`` values every runner accepts: the Numba kernels and the NumPy references.
BACKENDS = ("compiled", "numpy")
_DTYPES = {"float32": np.float32, "float64": np.float64}


def _n_threads(n_jobs: int | None, error: type[Exception] = InvalidParameterError) -> int:
    """The threads ``n_jobs`` asks for, by the library's convention (scikit-learn's): ``None``
    one, -1 all that Numba may use, ``k >= 1`` that many; anything else raises ``error``."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or (
            n_jobs < 1 and n_jobs != -1):
        raise error(f"n_jobs must be a positive integer, -1 or None, got {n_jobs!r}")
    return numba.get_num_threads() if n_jobs == -1 else int(n_jobs)


@contextlib.contextmanager
def _numba_threads(n_jobs: int | None) -> Iterator[None]:
    """Run the enclosed kernels on the threads ``n_jobs`` asks for (:func:`_n_threads`)."""
    count = _n_threads(n_jobs)
    before = numba.get_num_threads()
    numba.set_num_threads(min(count, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def _dtype(dtype) -> type:
    key = np.dtype(dtype).name
    if key not in _DTYPES:
        raise InvalidParameterError(f"dtype must be float32 or float64, got {dtype!r}")
    return _DTYPES[key]


def _prepare(X, lengths, weights, h0, dtype, washout, n_windows, backend, return_states=False):
    """Validate and lay out the shared inputs; weights become (C, N) in ``dtype``."""
    # The size limit is a setting of the package (nanowire_rc.kernels.MAX_STATES_BYTES), read at
    # each call so that a change there takes effect.
    from . import MAX_STATES_BYTES

    if backend not in BACKENDS:
        raise InvalidParameterError(f"backend must be one of {BACKENDS}, got {backend!r}")
    dtype = _dtype(dtype)
    batch = as_batch(X, dtype=dtype, lengths=lengths)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim == 1:
        weights = weights[:, None]
    if weights.ndim != 2 or weights.shape[1] != batch.n_channels or weights.shape[0] == 0:
        raise InvalidParameterError(
            f"input weights must have shape (n_neurons,) or (n_neurons, n_channels="
            f"{batch.n_channels}), got {np.shape(weights)}"
        )
    if not np.all(np.isfinite(weights)):
        raise InvalidParameterError("input weights contain NaN or inf")
    n_neurons = weights.shape[0]
    h0 = np.broadcast_to(np.asarray(h0, dtype=dtype), (n_neurons,)).copy()
    for name, value in (("washout", washout), ("n_windows", n_windows)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    if washout < 0 or n_windows < 1:
        raise InvalidParameterError(
            f"need washout >= 0 and n_windows >= 1, got {washout}, {n_windows}")
    kidx = _window_index(batch.lengths, batch.values.shape[2], int(washout), int(n_windows))
    size = batch.n_cases * batch.values.shape[2] * n_neurons * np.dtype(dtype).itemsize
    if return_states and size > MAX_STATES_BYTES:
        raise MemoryLimitError(
            f"full trajectories would need {size / 1024**3:.1f} GiB (limit "
            f"{MAX_STATES_BYTES / 1024**3:.0f} GiB): use the pooled features, or ask for the "
            "states of fewer series at a time"
        )
    return batch, np.ascontiguousarray(weights.T, dtype=dtype), h0, kidx, dtype


def _outputs(batch: SeriesBatch, n_neurons: int, n_windows: int, dtype, store: bool,
             std: bool = False):
    """Output buffers; with ``std``, ``sums`` has one more slot (index ``n_windows``) for the
    sums of squared states (:func:`_square_slot`). With ``std`` the sums are float64 whatever
    the compute type: the standard deviation's ``E[h^2] - E[h]^2`` loses every digit in
    float32 when the spread is small next to the mean. Without it they stay in the compute type
    (a float64 accumulator costs the Euler kernel about 10 %)."""
    n, _, n_timepoints = batch.values.shape
    item = np.dtype(dtype).itemsize
    # these buffers, then the finished means (_finish_pooling)
    need = n * n_neurons * (item + (n_windows + bool(std)) * (8 if std else item)
                            + n_timepoints * store * item + (n_windows + 1 + bool(std)) * item)
    check_memory(need, f"the reservoir states of {n} series x {n_neurons} neurons",
                 "use fewer neurons, or run fewer series at a time")
    last = zeros_touched((n, n_neurons), dtype)
    sums = zeros_touched((n, n_windows + bool(std), n_neurons), np.float64 if std else dtype)
    states = zeros_touched((n, n_timepoints if store else 0, n_neurons), dtype)
    return last, sums, states


def _refuse_unstable(what: str, worst: int, v_lo, v_hi, fix: str,
                     unit: str = "neuron") -> UnstableReservoirError:
    return UnstableReservoirError(
        f"{what} ({unit} {worst}, voltages in [{v_lo[worst]:.4g}, {v_hi[worst]:.4g}] on this "
        f"batch): the states may diverge. {fix}, or pass check=False to run anyway."
    )


#: Parameter descriptions the ``run_*`` functions here and in :mod:`.device` share.
_INPUTS = """\
X : array-like of shape (n_cases, n_timepoints) or (n_cases, n_channels, n_timepoints), or list
    Input series, already scaled (the voltages are ``input_weights @ x``; a list may hold series
    of unequal length).
input_weights : array-like of shape (n_neurons,) or (n_neurons, n_channels)
    Input weights ``W_in``: one per neuron for univariate input (the input scaling
    ``omega_n``), else one row per neuron.
"""
_NETWORK = """\
bias : float or array-like of shape (n_neurons,), default=0.0
    Bias ``b``.
retention : float, default=1.0
    State retention ``gamma`` in (0, 1].
voltage_map : tuple of float (v_min, v_max, gain), optional
    ``None`` for ``g`` the identity, else a sigmoid onto ``[v_min, v_max]``,
    ``g(a) = v_min + (v_max - v_min) sigmoid(gain a)``.
"""
_BATCH = """\
lengths : array-like of shape (n_cases,), optional
    Length of each series in a padded batch (a list of unequal series sets this itself).
washout : int, default=0
    Initial steps left out of ``mean`` and ``windows``.
n_windows : int, default=1
    Number of equal windows for the window means.
h0 : float or array-like of shape (n_neurons,), default=0.0
    Initial state ``h``.
dtype : {"float32", "float64"}, default="float32"
    Compute type (float32 is about twice as fast).
return_states : bool, default=False
    Also return the full trajectories (memory O(cases × time × neurons), at most
    ``nanowire_rc.kernels.MAX_STATES_BYTES``: small inputs only).
std : bool, default=False
    Also pool each neuron's standard deviation over the steps after the washout
    (``PooledStates.std``), from one more accumulator of squared states while stepping.
"""
_N_JOBS = """\
n_jobs : int or None, default=-1
    Threads for the compiled kernels (-1: all cores; ``None``: one).
"""
_POOLED = """\
Returns
-------
PooledStates
    Last state, mean state and window means of every series (and trajectories if asked).
"""
_DOCS = {"inputs": _INPUTS, "network": _NETWORK, "batch": _BATCH, "n_jobs": _N_JOBS,
         "pooled": _POOLED}


@fill(**_DOCS)
def run_nanowire(
    X: ArrayLike, input_weights: ArrayLike, dt: float, params: NanowireParams | None = None,
    method: str = NEURON.method, *, lengths: ArrayLike | None = None, washout: int = 0,
    n_windows: int = 1, h0: ArrayLike = 0.0, dtype="float32", return_states: bool = False,
    std: bool = False, backend: str = "compiled", n_jobs: int | None = -1, check: bool = True,
) -> PooledStates:
    """Run an uncoupled nanowire assembly over a batch of series and pool its states.

    Every neuron ``n`` sees the voltage ``v_n = sum_c W[n, c] x_c(t)`` and updates its state by
    the rule of docs/theory.md ("The neuron"); the states are pooled while stepping.

    Parameters
    ----------
    {inputs}
    dt : float or array-like of shape (n_neurons,)
        Time step (> 0), or each neuron's own (heterogeneous time constants).
    params : NanowireParams, optional
        Physical constants (default: the paper's Table 2).
    method : {"euler", "exact"}, default="euler"
        Update rule (docs/theory.md, "The neuron").
    {batch}
    backend : {"compiled", "numpy"}, default="compiled"
        The Numba kernel (parallel over series) or the plain NumPy reference.
    {n_jobs}
    check : bool, default=True
        Refuse to run when the memory factor over the voltages this batch produces is >= 1
        (what the estimators enforce at ``fit``); ``False`` runs anyway.

    {pooled}

    Raises
    ------
    UnstableReservoirError
        With ``check=True``, when some neuron's memory factor on this batch is >= 1.
    VoltageOverflowError
        When a voltage of this batch overflows a rate in ``dtype``.
    DivergedError
        When states became non-finite (only possible with ``check=False``).
    ValueError
        On invalid arguments: shapes, a series too short for ``washout`` and ``n_windows``, an
        unknown ``method``, ``backend`` or ``dtype``, ``dt <= 0``, or trajectories over the size
        limit.
    TypeError
        When ``params`` is not a :class:`~nanowire_rc.physics.NanowireParams`, or ``washout`` or
        ``n_windows`` is not an integer.

    See Also
    --------
    run_coupled_nanowire : The same neurons coupled by a recurrent matrix.
    nanowire_rc.kernels.device.run_nanowire_device : The same assembly of non-ideal devices.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels import run_nanowire
    >>> X = np.random.default_rng(0).random((2, 50))  # two series, already in [0, 1]
    >>> omega = [0.25, 0.5, 0.75, 1.0]  # input scaling of four neurons
    >>> pooled = run_nanowire(X, omega, dt=0.1, washout=10, n_windows=3)
    >>> pooled.mean.shape, pooled.windows.shape
    ((2, 4), (2, 3, 4))
    >>> ref = run_nanowire(X, omega, dt=0.1, washout=10, n_windows=3, backend="numpy")
    >>> bool(np.allclose(pooled.mean, ref.mean, atol=1e-5))
    True
    """
    p = _as_params(params)
    _check_method(method)
    batch, W, h0, kidx, dtype = _prepare(X, lengths, input_weights, h0, dtype, washout,
                                         n_windows, backend, return_states)
    dt = _time_steps(dt, W.shape[1])
    v_lo, v_hi = input_voltage_range(*batch.channel_range(), W.T)
    _check_voltages(float(v_lo.min()), float(v_hi.max()), p, dtype)
    if check:
        rho = np.atleast_1d(memory_factor_voltage(v_lo, v_hi, dt, p, method))
        worst = int(np.argmax(rho))
        if rho[worst] >= 1:
            raise _refuse_unstable(f"memory factor rho = {rho[worst]:.4g} >= 1 with dt = "
                                   f"{dt[worst]:.4g}", worst, v_lo, v_hi,
                                   "Use a smaller dt or input weights, scale the input to [0, 1] "
                                   "(the estimators do), or method='exact'")
    if backend == "numpy":
        with np.errstate(over="ignore", invalid="ignore"):
            return _checked(reference.nanowire_reference(
                batch.values, batch.lengths, W, h0, dt, p, method, washout, n_windows,
                return_states, std), _NANOWIRE_HINT)
    last, sums, states = _outputs(batch, W.shape[1], n_windows, dtype, return_states, std)
    kernel = compiled.nanowire_kernel(p.integer_ratio, method == "exact", dtype is np.float64)
    c = dtype
    with _numba_threads(n_jobs):
        kernel(batch.values, batch.lengths, kidx, W, h0, dt.astype(c), c(p.kappa_p0), c(p.kappa_d0),
               c(p.eta_p), c(p.eta_d), last, sums, states, return_states,
               _square_slot(n_windows, std))
    return _finish(last, sums, kidx, states, return_states, _NANOWIRE_HINT, std)


_NANOWIRE_HINT = ("the configuration is unstable for this input (memory factor >= 1); use a "
                  "smaller dt or input scaling, scale the input to [0, 1], or method='exact'")
_TANH_HINT = ("the inputs or weights are too large for the compute type; scale the input (the "
              "estimators map it to [0, 1]), use smaller weights, or dtype='float64'")
_COUPLED_HINT = ("the network is unstable for this input (contraction bound >= 1); use weaker "
                 "coupling, a smaller dt, or the sigmoid voltage map")


def _checked(pooled: PooledStates, hint: str) -> PooledStates:
    # Unstable updates grow without bound; say so rather than hand back inf/nan features.
    # Checking the pooled outputs is cheap and catches any step.
    if not (np.isfinite(pooled.last).all() and np.isfinite(pooled.windows).all()):
        raise DivergedError(f"reservoir states diverged to inf/nan: {hint}")
    return pooled


def _time_steps(dt, n_neurons: int) -> np.ndarray:
    """``dt`` checked and spread to one time step per neuron (float64)."""
    if np.ndim(dt) == 0:
        return np.full(n_neurons, _check_dt(dt))
    steps = np.asarray(dt)
    if steps.shape != (n_neurons,) or not np.issubdtype(steps.dtype, np.number) or \
            np.iscomplexobj(steps):
        raise InvalidParameterError(
            f"dt must be a real scalar or one per neuron, shape ({n_neurons},); "
            f"got shape {steps.shape}")
    steps = steps.astype(np.float64)
    if not np.all(np.isfinite(steps) & (steps > 0)):
        raise InvalidParameterError("every time step in dt must be finite and > 0")
    return steps


def _square_slot(n_windows: int, std: bool) -> np.int64:
    """The kernels' ``sq`` argument: the slot of ``sums`` for squared states, or -1."""
    return np.int64(n_windows if std else -1)


def _finish(last, sums, kidx, states, store, hint: str, std: bool = False) -> PooledStates:
    return _checked(_finish_pooling(last, sums, kidx, states if store else None, std=std,
                                   compiled=True), hint)


def _as_recurrent(recurrent, n_neurons: int, dtype, full: bool = False):
    """The recurrent matrix checked, in ``dtype``; a diagonal stays 1-D unless ``full``."""
    if recurrent is None:
        recurrent = np.zeros(n_neurons, dtype)
    elif sp.issparse(recurrent):
        if recurrent.shape != (n_neurons, n_neurons):
            raise InvalidParameterError(f"recurrent matrix must be ({n_neurons}, {n_neurons}), got "
                                        f"{recurrent.shape}")
        return sp.csr_matrix(recurrent, dtype=dtype)
    recurrent = np.asarray(recurrent, dtype=dtype)
    if recurrent.shape not in ((n_neurons,), (n_neurons, n_neurons)):
        raise InvalidParameterError(
            f"recurrent must be the diagonal ({n_neurons},) or a ({n_neurons}, "
            f"{n_neurons}) matrix, got {recurrent.shape}")
    if not np.all(np.isfinite(recurrent)):
        raise InvalidParameterError("recurrent matrix contains NaN or inf")
    return np.diag(recurrent) if full and recurrent.ndim == 1 else recurrent


def _per_neuron(value, n_neurons: int, dtype) -> np.ndarray:
    """A scalar or one value per neuron, as a fresh (n_neurons,) array in ``dtype``."""
    return np.broadcast_to(np.asarray(value, dtype=dtype), (n_neurons,)).copy()


def _coupled_steps(batch: SeriesBatch, W: np.ndarray, rec, H: np.ndarray, states=None,
                   read=None):
    """Yield ``(t, A)`` with ``A = H W_rec^T + x_t W_in`` for each step of a coupled reservoir.

    One matrix product per step for the whole batch (BLAS, or sparse), written into one reused
    buffer; the caller's compiled point-wise pass then updates ``H`` in place before the next
    step is computed. With ``states``, the step's ``read`` (default ``H``) is stored there.
    """
    A = np.empty_like(H)
    rec_t = rec.T.tocsr() if sp.issparse(rec) else np.ascontiguousarray(rec.T)
    read = H if read is None else read
    for t in range(batch.values.shape[2]):
        if sp.issparse(rec_t):
            A[...] = H @ rec_t
        else:
            np.matmul(H, rec_t, out=A)
        A += batch.values[:, :, t] @ W
        yield t, A
        if states is not None:
            states[:, t] = np.where((t < batch.lengths)[:, None], read, 0)


@fill(**_DOCS)
def run_leaky_tanh(
    X: ArrayLike, input_weights: ArrayLike, leak_rate: ArrayLike, bias: ArrayLike = 0.0,
    recurrent: ArrayLike | sp.spmatrix | None = None, *, lengths: ArrayLike | None = None,
    washout: int = 0, n_windows: int = 1, h0: ArrayLike = 0.0, dtype="float32",
    return_states: bool = False, std: bool = False, backend: str = "compiled",
    n_jobs: int | None = -1,
) -> PooledStates:
    """Run a leaky-integrator tanh reservoir over a batch and pool its states.

    ``h(t+1) = (1 - a) h(t) + a tanh(W_in x(t+1) + W h(t) + b)`` (Jaeger et al. 2007). A diagonal
    ``W`` runs in one compiled kernel; otherwise each step is one matrix product for the whole
    batch (BLAS, or sparse), then a compiled point-wise pass.

    Parameters
    ----------
    {inputs}
    leak_rate : float or array-like of shape (n_neurons,)
        Leak rate ``a`` in (0, 1].
    bias : float or array-like of shape (n_neurons,), default=0.0
        Bias ``b``.
    recurrent : None, array-like of shape (n_neurons,) or (n_neurons, n_neurons), or sparse matrix
        Recurrent matrix ``W``: ``None`` for none, a 1-D array for a diagonal matrix (no matrix
        work), else the full matrix, dense or sparse.
    {batch}
    backend : {"compiled", "numpy"}, default="compiled"
        Numba kernels or the plain NumPy reference.
    {n_jobs}

    {pooled}

    Raises
    ------
    DivergedError
        When states became non-finite (inputs or weights too large for ``dtype``).
    ValueError
        On invalid arguments: shapes, ``leak_rate`` outside (0, 1], non-finite ``bias`` or
        ``recurrent``, a series too short for ``washout`` and ``n_windows``, an unknown
        ``backend`` or ``dtype``, or trajectories over the size limit.
    TypeError
        When ``washout`` or ``n_windows`` is not an integer.

    See Also
    --------
    run_nanowire : Uncoupled nanowire neurons, with the same pooling.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels import run_leaky_tanh
    >>> X = np.random.default_rng(0).random((2, 30))
    >>> W = 0.4 * np.eye(3)[[1, 2, 0]]  # a ring of three neurons
    >>> pooled = run_leaky_tanh(X, [0.5, -0.5, 1.0], leak_rate=0.3, recurrent=W, n_windows=2)
    >>> pooled.last.shape, pooled.windows.shape
    ((2, 3), (2, 2, 3))
    >>> bool(np.all(np.abs(pooled.mean) < 1))  # tanh states stay in (-1, 1)
    True
    """
    batch, W, h0, kidx, dtype = _prepare(X, lengths, input_weights, h0, dtype, washout,
                                         n_windows, backend, return_states)
    n_neurons = W.shape[1]
    leak = _per_neuron(leak_rate, n_neurons, dtype)
    if not np.all((leak > 0) & (leak <= 1)):
        raise InvalidParameterError("leak_rate must lie in (0, 1]")
    bias = _per_neuron(bias, n_neurons, dtype)
    if not np.all(np.isfinite(bias)):
        raise InvalidParameterError("bias contains NaN or inf")
    rec = _as_recurrent(recurrent, n_neurons, dtype)
    if backend == "numpy":
        return _checked(reference.leaky_tanh_reference(
            batch.values, batch.lengths, W, h0, leak, bias, rec, washout, n_windows,
            return_states, std), _TANH_HINT)
    last, sums, states = _outputs(batch, n_neurons, n_windows, dtype, return_states, std)
    sq = _square_slot(n_windows, std)
    double = dtype is np.float64
    with _numba_threads(n_jobs):
        if not sp.issparse(rec) and rec.ndim == 1:
            compiled.leaky_tanh_diagonal_kernel(double)(batch.values, batch.lengths, kidx, W, rec,
                                                        leak, bias, h0, last, sums, states,
                                                        return_states, sq)
            return _finish(last, sums, kidx, states, return_states, _TANH_HINT, std)
        pointwise = compiled.leaky_tanh_pointwise_kernel(double)
        H = np.broadcast_to(h0, last.shape).copy()
        for t, P in _coupled_steps(batch, W, rec, H, states if return_states else None):
            pointwise(H, P, t, batch.lengths, kidx, leak, bias, sums, sq)
    return _finish(H, sums, kidx, states, return_states, _TANH_HINT, std)


@fill(**_DOCS)
def run_coupled_nanowire(
    X: ArrayLike, input_weights: ArrayLike, recurrent: ArrayLike | sp.spmatrix, dt: float,
    params: NanowireParams | None = None, *, bias: ArrayLike = 0.0,
    retention: float = NEURON.retention, voltage_map: tuple[float, float, float] | None = None,
    lengths: ArrayLike | None = None, washout: int = 0, n_windows: int = 1, h0: ArrayLike = 0.0,
    dtype="float32", return_states: bool = False, std: bool = False, backend: str = "compiled",
    n_jobs: int | None = -1, check: bool = True,
) -> PooledStates:
    """Run a coupled nanowire network over a batch and pool its states.

    ``v(t+1) = g(W_in x(t+1) + W h(t) + b)``, then ``h(t+1) = (gamma - dt S(v)) h(t) + dt k_p(v)``
    per neuron (``gamma = retention``; 1 is the paper's Euler neuron). One matrix product per
    step for the whole batch (BLAS or sparse), then a compiled point-wise pass.

    Parameters
    ----------
    {inputs}
    recurrent : array-like of shape (n_neurons,) or (n_neurons, n_neurons), or sparse matrix
        Recurrent matrix ``W`` (a 1-D array is its diagonal).
    dt : float or array-like of shape (n_neurons,)
        Time step (> 0), or each neuron's own (heterogeneous time constants).
    params : NanowireParams, optional
        Physical constants (default: the paper's Table 2).
    {network}
    {batch}
    backend : {"compiled", "numpy"}, default="compiled"
        Numba kernels or the plain NumPy reference.
    {n_jobs}
    check : bool, default=True
        Refuse a network without the echo-state guarantee on this batch (contraction bound of
        :func:`~nanowire_rc.stability.weighted_contraction_bound` >= 1, or states not provably in
        [0, 1]), as the estimators do at ``fit``; ``False`` runs anyway.

    {pooled}

    Raises
    ------
    UnstableReservoirError
        With ``check=True``, when the guarantee does not hold for this batch.
    VoltageOverflowError
        If a voltage possible for states in [0, 1] overflows a rate, or (identity map) a state
        left [0, 1] and drove a voltage outside that checked range.
    DivergedError
        When states became non-finite (only possible with ``check=False``).
    ValueError
        On invalid arguments: shapes, ``retention`` outside (0, 1], a non-finite ``recurrent``, a
        series too short for ``washout`` and ``n_windows``, ``dt <= 0``, an unknown ``backend``
        or ``dtype``, or trajectories over the size limit.
    TypeError
        When ``params`` is not a :class:`~nanowire_rc.physics.NanowireParams`, or ``washout`` or
        ``n_windows`` is not an integer.

    See Also
    --------
    run_nanowire : The same neurons without coupling.
    nanowire_rc.stability.weighted_contraction_bound : The bound ``check`` tests.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels import run_coupled_nanowire
    >>> X = np.random.default_rng(0).random((2, 40))
    >>> W = 0.05 * np.eye(3)[[1, 2, 0]]  # a weak ring of three neurons
    >>> pooled = run_coupled_nanowire(X, [0.25, 0.5, 0.75], W, dt=0.1, n_windows=2)
    >>> pooled.mean.shape, pooled.windows.shape
    ((2, 3), (2, 2, 3))
    >>> bool(np.all((pooled.last >= 0) & (pooled.last <= 1)))
    True
    >>> run_coupled_nanowire(X, [0.25, 0.5, 0.75], 4 * W, dt=0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.UnstableReservoirError: contraction bound ... >= 1 ...
    """
    p = _as_params(params)
    if not 0 < retention <= 1:
        raise InvalidParameterError(f"retention must lie in (0, 1], got {retention!r}")
    batch, W, h0, kidx, dtype = _prepare(X, lengths, input_weights, h0, dtype, washout,
                                         n_windows, backend, return_states)
    n_neurons = W.shape[1]
    dt = _time_steps(dt, n_neurons)
    rec = _as_recurrent(recurrent, n_neurons, dtype, full=True)
    bias = _per_neuron(bias, n_neurons, dtype)
    x_lo, x_hi = batch.channel_range()
    v_lo, v_hi, gain_max = coupled_voltage_range(x_lo, x_hi, W.T, rec, bias, voltage_map)
    v_range = (float(v_lo.min()), float(v_hi.max()))
    _check_voltages(*v_range, p, dtype)
    if check:
        diagonal, coupling_gain, invariant = coupled_contraction_terms(v_lo, v_hi, dt, gain_max,
                                                                       retention, p)
        if not invariant.all():
            n = int(np.argmin(invariant))
            raise _refuse_unstable(f"states may leave [0, 1] (dt * S(v) > retention = "
                                   f"{retention})", n, v_lo, v_hi,
                                   "Use a smaller dt or the sigmoid voltage map with a lower v_max")
        bound, _, n = _certify(diagonal, coupling_gain, rec)
        if bound >= 1:
            raise _refuse_unstable(f"contraction bound {bound:.4g} >= 1", n, v_lo, v_hi,
                                   "Use weaker coupling, a lower gain or v_max, or another dt")
    if backend == "numpy":
        with np.errstate(over="ignore", invalid="ignore"):
            return _checked(reference.coupled_nanowire_reference(
                batch.values, batch.lengths, W, h0, bias, rec, dt, p, retention, voltage_map,
                washout, n_windows, return_states, std), _COUPLED_HINT)
    last, sums, states = _outputs(batch, n_neurons, n_windows, dtype, return_states, std)
    kernel = compiled.coupled_nanowire_pointwise_kernel(p.integer_ratio, voltage_map is not None,
                                                        dtype is np.float64)
    c = dtype
    v_min, v_max, gain = voltage_map if voltage_map is not None else (0.0, 1.0, 1.0)
    H = np.broadcast_to(h0, last.shape).copy()
    outside = np.zeros(batch.n_cases, dtype=np.bool_)
    with _numba_threads(n_jobs):
        for t, A in _coupled_steps(batch, W, rec, H, states if return_states else None):
            kernel(H, A, t, batch.lengths, kidx, bias, dt.astype(c), c(p.kappa_p0), c(p.kappa_d0),
                   c(p.eta_p), c(p.eta_d), c(retention), c(v_min), c(v_max - v_min), c(gain),
                   c(v_range[0]), c(v_range[1]), sums, outside, _square_slot(n_windows, std))
    if outside.any():
        raise VoltageOverflowError(
            f"a state left [0, 1] and drove a voltage outside [{v_range[0]:.4g}, "
            f"{v_range[1]:.4g}], the range checked for overflow: the network is unstable for "
            "this input; use weaker coupling, a smaller dt, or a sigmoid voltage map"
        )
    return _finish(H, sums, kidx, states, return_states, _COUPLED_HINT, std)
