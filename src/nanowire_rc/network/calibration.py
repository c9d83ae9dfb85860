"""Network-level calibration: fit a network's junction constants to a measured two-terminal trace.

This module owns :func:`fit_network` and :class:`NetworkFit`. The model is a network of
:mod:`.graphs` (by default Milano et al.'s 21 x 21 grid, source 31, ground 409) with one set of
nominal constants for every junction and one initial state ``h0``, stepped by
:func:`~.stepping.simulate` through the measured voltages; its seven unknowns are fitted by
:func:`scipy.optimize.least_squares` on the logarithms of the rates and of ``g_min``,
``g_max - g_min``, and ``h0`` in [0, 1], from several starts (docs/network.md, "Network-level
calibration"). A measured trace is read by :func:`nanowire_rc.calibration.read_trace`
(Milano et al.'s files: ``read_trace(path, 0, 2, current_column=1)``).

The search may run on a thinned trace (``fit_on``, :func:`thin_indices`): the exact update is
exact for any spacing of the stamps, only the drops held over a longer interval change, so the
thinned optimum is a good start; the fit is then polished and its R² reported on every sample.
``update="published"`` fits with the line of Milano et al.'s public code, whose dynamics depend
on the number of stamps (docs/network.md), so its constants belong to one sampling of the trace.
"""

from __future__ import annotations

import math
import time as _time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import least_squares

from .._seeding import generator
from ..exceptions import NetworkError
from ..kernels.runners import _n_threads
from ..physics import NanowireParams
from .graphs import NanowireNetwork, grid_network

__all__ = ["NAMES", "NetworkFit", "fit_network", "thin_indices"]

#: The fitted quantities, in the order of :attr:`NetworkFit.x`.
NAMES = ("kappa_p0", "kappa_d0", "eta_p", "eta_d", "g_min", "g_max", "h0")

# Search box of the log-parameters of the rates (natural log of 1/s and 1/V): wide, so that a
# start never sits on a bound; the optimiser moves freely inside. The sensitivities reach e^11
# per volt: a fast depression that only the read's millivolt drops switch off needs thousands
# per volt (network_pulse_2.txt's optimum: eta_d near 7.6e3, beyond an e^8 bound).
_LOG_BOX = {"kappa_p0": (-40.0, 10.0), "kappa_d0": (-20.0, 10.0), "eta_p": (-5.0, 11.0),
            "eta_d": (-5.0, 11.0)}


@dataclass(frozen=True, eq=False)
class NetworkFit:
    """The constants :func:`fit_network` found, and how well they explain the trace.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    params : NanowireParams
        Fitted rate constants ``kappa_p0, kappa_d0, eta_p, eta_d``.
    g_min, g_max : float
        Fitted junction conductance window, in siemens.
    h0 : float
        Fitted initial state of every junction.
    r2 : float
        Coefficient of determination of the model's conductance over every sample.
    rmse : float
        Root-mean-square error of the conductance, in siemens.
    conductance : ndarray of shape (n_samples,)
        The fitted model's network conductance at every sample.
    network : NanowireNetwork
        The network with the fitted constants and ``h0``.
    update : str
        The junction update fitted with.
    start_r2 : tuple of float
        R² each start reached on the thinned trace, in the order tried.
    n_simulations : int
        Simulations run in all.
    seconds : float
        Wall-clock time of the fit.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import NanowireParams
    >>> from nanowire_rc.network import fit_network, grid_network
    >>> truth = grid_network(4, 4, params=NanowireParams(0.01, 0.2, 8.0, 2.0),
    ...                      g_min=1e-3, g_max=3e-3)
    >>> t = np.linspace(0.0, 20.0, 41)
    >>> v = np.where(t < 10, 1.5, 0.05)
    >>> g = truth.simulate(t, v, source=0, ground=15).conductance
    >>> fit = fit_network(t, v, g, network=grid_network(4, 4), source=0, ground=15,
    ...                   n_starts=1, random_state=0)
    >>> fit.r2 > 0.999
    True
    """

    params: NanowireParams
    g_min: float
    g_max: float
    h0: float
    r2: float
    rmse: float
    conductance: np.ndarray
    network: NanowireNetwork
    update: str
    start_r2: tuple = field(default=())
    n_simulations: int = 0
    seconds: float = 0.0

    @property
    def x(self) -> dict[str, float]:
        """The seven fitted quantities by name (:data:`NAMES`)."""
        p = self.params
        return dict(zip(NAMES, (p.kappa_p0, p.kappa_d0, p.eta_p, p.eta_d, self.g_min,
                                self.g_max, self.h0), strict=True))


def thin_indices(voltage: ArrayLike, stride: int, keep: int = 10) -> np.ndarray:
    """Samples of a trace to search on: ``keep`` after each change of voltage, then every
    ``stride``-th.

    The response moves fastest right after the voltage changes; between changes it is smooth,
    and the exact update steps over the longer intervals exactly (only the held drops differ).

    Parameters
    ----------
    voltage : array_like of shape (n_samples,)
        The applied voltage.
    stride : int
        Keep every ``stride``-th sample of each constant-voltage stretch (>= 1).
    keep : int, default=10
        Samples kept in a row at the start of each stretch.

    Returns
    -------
    ndarray of int
        Sorted sample indices, the first and the last included.

    Raises
    ------
    NetworkError
        If ``stride`` or ``keep`` is below 1.

    Examples
    --------
    >>> from nanowire_rc.network.calibration import thin_indices
    >>> thin_indices([2, 2, 2, 2, 2, 2, 0, 0, 0, 0], stride=3, keep=2).tolist()
    [0, 1, 3, 6, 7, 9]
    """
    v = np.asarray(voltage, dtype=np.float64)
    if isinstance(stride, bool) or not isinstance(stride, int) or stride < 1 \
            or isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise NetworkError(f"stride and keep must be integers >= 1, got {stride!r}, {keep!r}")
    scale = max(float(np.max(np.abs(v))), np.finfo(float).tiny)
    starts = np.r_[0, np.flatnonzero(np.abs(np.diff(v)) > 1e-3 * scale) + 1]
    ends = np.r_[starts[1:], v.size]
    parts = [np.r_[s:min(s + keep, e), s:e:stride] for s, e in zip(starts, ends, strict=True)]
    return np.unique(np.concatenate([*parts, [v.size - 1]])).astype(np.int64)


def _check_trace(t: np.ndarray, v: np.ndarray, g: np.ndarray) -> None:
    if not (t.ndim == v.ndim == g.ndim == 1 and t.size == v.size == g.size and t.size >= 2):
        raise NetworkError(f"time, voltage and conductance must be 1-D of one length >= 2, got "
                           f"shapes {t.shape}, {v.shape}, {g.shape}")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v)) and np.all(np.isfinite(g))):
        raise NetworkError("the trace contains NaN or inf")
    if not np.all(np.diff(t) > 0):
        raise NetworkError("the trace's time must be strictly increasing")
    if not np.all(g > 0):
        raise NetworkError("the trace's conductance must be > 0 everywhere")


def _unit_conductance(network: NanowireNetwork, source, ground) -> float:
    """Network conductance when every junction conducts 1 S (the graph's geometric factor)."""
    circuit = network.circuit(source, ground, solver="cholesky")
    return float(circuit.conductance(np.ones(network.n_junctions))[0])


def _decode(z: np.ndarray) -> tuple[NanowireParams, float, float, float]:
    kp, kd, ep, ed, lg, ldg, h0 = z
    g_min = math.exp(lg)
    return (NanowireParams(math.exp(kp), math.exp(kd), math.exp(ep), math.exp(ed)), g_min,
            g_min + math.exp(ldg), float(np.clip(h0, 0.0, 1.0)))


def _encode(p: NanowireParams, g_min: float, g_max: float, h0: float) -> np.ndarray:
    return np.array([math.log(p.kappa_p0), math.log(p.kappa_d0), math.log(p.eta_p),
                     math.log(p.eta_d), math.log(g_min), math.log(g_max - g_min), h0])


def _starts(n_starts: int, g_lo: float, g_hi: float, rng: np.random.Generator) -> list:
    """Starting points: one central guess, one in the fast-depression basin (docs/network.md,
    "Network-level calibration"), then random ones in a box of plausible values. ``g_lo``,
    ``g_hi``: junction conductances giving the extreme measured ones with every junction alike.
    """
    if n_starts == 0:
        return []
    out = [_encode(NanowireParams(1e-3, 0.05, 8.0, 5.0), 0.8 * g_lo, 2.0 * g_hi, 0.5)]
    if n_starts >= 2:
        out.append(_encode(NanowireParams(1e-5, 1.0, 15.0, 3e3), g_lo, 5.0 * g_hi, 0.1))
    for _ in range(n_starts - len(out)):
        out.append(np.array([
            rng.uniform(math.log(1e-8), math.log(1e-1)),  # kappa_p0
            rng.uniform(math.log(1e-3), math.log(1.0)),  # kappa_d0
            rng.uniform(math.log(1.0), math.log(30.0)),  # eta_p
            rng.uniform(math.log(0.3), math.log(100.0)),  # eta_d
            math.log(rng.uniform(0.5, 1.0) * g_lo),
            math.log(rng.uniform(1.0, 4.0) * g_hi - 0.75 * g_lo),
            rng.uniform(0.0, 1.0)]))
    return out


def _start_points(starts, n_starts: int, g_lo: float, g_hi: float,
                  rng: np.random.Generator) -> list[np.ndarray]:
    """The encoded starts: the given ones (each naming every constant), then ``n_starts``
    drawn from the box."""
    points = []
    for s in starts or []:
        missing = [n for n in NAMES if n not in s]
        if missing:
            raise NetworkError(f"a start lacks {missing}: give all of {NAMES}")
        p = NanowireParams(s["kappa_p0"], s["kappa_d0"], s["eta_p"], s["eta_d"])
        points.append(_encode(p, s["g_min"], s["g_max"], min(max(s["h0"], 0.0), 1.0)))
    points += _starts(n_starts, g_lo, g_hi, rng)
    if not points:
        raise NetworkError("nothing to start from: give starts= or n_starts >= 1")
    return points


def _problem(curve, g: np.ndarray, rows: np.ndarray, pool: ThreadPoolExecutor):
    """The scaled residual on ``rows`` and its forward-difference Jacobian, one simulation per
    column on ``pool``'s threads."""
    scale = 1.0 / max(float(np.std(g[rows])), 1e-300)

    last: dict = {}

    def fun(z):
        f = (curve(z, rows) - g[rows]) * scale
        last["z"], last["f"] = z.copy(), f
        return f

    def jac(z):
        # The optimiser asks for the Jacobian where it has just evaluated the residual.
        f0 = last["f"] if "z" in last and np.array_equal(last["z"], z) else fun(z)
        steps = 1e-4 * np.maximum(np.abs(z), 1.0)
        steps[-1] = -1e-4 if z[-1] > 0.5 else 1e-4  # stay inside [0, 1] for h0
        cols = list(pool.map(lambda k: (fun(z + np.eye(z.size)[k] * steps[k]) - f0)
                             / steps[k], range(z.size)))
        return np.stack(cols, axis=1)

    return fun, jac


def fit_network(time: ArrayLike, voltage: ArrayLike, conductance: ArrayLike, *,
                network: NanowireNetwork | None = None, source: int = 31, ground: int = 409,
                update: str = "exact", n_starts: int = 4, starts: list | None = None,
                fit_on: ArrayLike | None = None, max_nfev: int = 100, polish_nfev: int = 20,
                n_jobs: int = 2, random_state=0,
                ) -> NetworkFit:
    """Fit a network's junction constants and initial state to a two-terminal trace.

    See the module docstring for the model and the method.

    Parameters
    ----------
    time, voltage, conductance : array_like of shape (n_samples,)
        The trace: strictly increasing time stamps (seconds), the voltage applied over each
        interval ending at a stamp (volts) and the measured network conductance (siemens).
    network : NanowireNetwork, optional
        The graph (its constants are replaced; default: :func:`.grid_network`, Milano et al.'s
        Fig. 2 network).
    source, ground : int, default=31, 409
        The two terminals (Milano et al.'s).
    update : {"exact", "published"}, default="exact"
        Junction update of the model (see :func:`~.stepping.simulate`).
    n_starts : int, default=4
        Starts of the search (one central guess, one with a fast depression switched off by
        millivolts, then random ones from ``random_state``).
    starts : list of dict, optional
        Starting points given as dicts of the :data:`NAMES` (all seven), tried before the
        generated ones.
    fit_on : array_like of int, optional
        Indices of the samples the multi-start search uses (default: every sample); the best
        start is then polished on every sample with at most ``polish_nfev`` evaluations.
    max_nfev : int, default=100
        Evaluations of the residual per start (the Jacobian's columns not counted).
    polish_nfev : int, default=20
        Evaluations of the polish on every sample (0: none).
    n_jobs : int or None, default=2
        Threads running the simulations of one Jacobian side by side (-1: as many as Numba
        uses; ``None``: one).
    random_state : int, SeedSequence, Generator, RandomState or None, default=0
        Seeds the random starts (through :class:`numpy.random.SeedSequence`).

    Returns
    -------
    NetworkFit
        The fitted constants, R² and RMSE over every sample, the model's curve.

    Raises
    ------
    NetworkError
        If the trace is not valid (shapes, NaN, time not increasing, conductance not
        positive), a start lacks a quantity, or ``update`` or ``n_starts`` is not valid.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc import NanowireParams
    >>> from nanowire_rc.network import fit_network, grid_network
    >>> t = np.linspace(0.0, 20.0, 41)
    >>> v = np.where(t < 10, 1.5, 0.05)
    >>> net = grid_network(4, 4, params=NanowireParams(0.01, 0.2, 8.0, 2.0))
    >>> g = net.simulate(t, v, source=0, ground=15, h0=0.3).conductance
    >>> fit = fit_network(t, v, g, network=grid_network(4, 4), source=0, ground=15,
    ...                   n_starts=2, polish_nfev=0, random_state=0)
    >>> fit.r2 > 0.999, len(fit.start_r2)
    (True, 2)
    """
    clock = _time.perf_counter()
    t = np.asarray(time, dtype=np.float64)
    v = np.asarray(voltage, dtype=np.float64)
    g = np.asarray(conductance, dtype=np.float64)
    _check_trace(t, v, g)
    if update not in ("exact", "published"):
        raise NetworkError(f"update must be 'exact' or 'published', got {update!r}")
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 0:
        raise NetworkError(f"n_starts must be an integer >= 0, got {n_starts!r}")
    base = grid_network() if network is None else network
    c = _unit_conductance(base, source, ground)
    g_lo, g_hi = float(g.min()) / c, float(g.max()) / c
    points = _start_points(starts, n_starts, g_lo, g_hi, generator(random_state))
    idx = np.arange(t.size) if fit_on is None else np.unique(np.asarray(fit_on, dtype=int))
    counter = [0]
    pool = ThreadPoolExecutor(_n_threads(n_jobs, NetworkError))

    def curve(z: np.ndarray, rows: np.ndarray) -> np.ndarray:
        params, g_min, g_max, h0 = _decode(z)
        net = base.with_constants(params, g_min, g_max, h0)
        counter[0] += 1
        try:
            return net.simulate(t[rows], v[rows], source=source, ground=ground,
                                update=update, read_nodes=[], solver="cholesky").conductance
        except (FloatingPointError, ValueError):
            return np.full(rows.size, 1e3)  # overflowing rates: a far-off residual

    lo = np.array([*(b[0] for b in _LOG_BOX.values()), -np.inf, -np.inf, 0.0])
    hi = np.array([*(b[1] for b in _LOG_BOX.values()), np.inf, np.inf, 1.0])
    try:
        fun, jac = _problem(curve, g, idx, pool)
        best, start_r2 = None, []
        for z0 in points:
            z0 = np.clip(z0, lo + 1e-9, hi - 1e-9)
            sol = least_squares(fun, z0, jac=jac, bounds=(lo, hi), x_scale="jac",
                                max_nfev=max_nfev)
            start_r2.append(1.0 - 2.0 * sol.cost / idx.size)
            if best is None or sol.cost < best.cost:
                best = sol
        z = best.x
        if polish_nfev and idx.size < t.size:
            fun, jac = _problem(curve, g, np.arange(t.size), pool)
            z = least_squares(fun, z, jac=jac, bounds=(lo, hi), x_scale="jac",
                              max_nfev=polish_nfev).x
    finally:
        pool.shutdown()
    params, g_min, g_max, h0 = _decode(z)
    model = curve(z, np.arange(t.size))
    resid = model - g
    r2 = 1.0 - float(np.sum(resid**2)) / float(np.sum((g - g.mean()) ** 2))
    return NetworkFit(params=params, g_min=g_min, g_max=g_max, h0=h0, r2=r2,
                      rmse=float(np.sqrt(np.mean(resid**2))), conductance=model,
                      network=base.with_constants(params, g_min, g_max, h0), update=update,
                      start_r2=tuple(start_r2), n_simulations=counter[0],
                      seconds=_time.perf_counter() - clock)
