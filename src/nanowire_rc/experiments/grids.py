"""The paper's grids (Table 3), their stability pruning, and one selection unit over them.

:data:`GRIDS` are the hyper-parameter grids of the paper's model selection (and a coupled grid of
ours); :func:`configurations` expands one and prunes, before anything is simulated, every
configuration without the stability guarantee (memory factor or contraction bound >= 1 for any
draw). :func:`_evaluate_unit` runs one (dataset, model, size, seed) unit of the protocol of
:mod:`nanowire_rc.selection` over a grid: select on validation, refit, score on the test set.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..exceptions import InvalidParameterError, UnstableReservoirError
from ..physics import NanowireParams
from ..readout import DEFAULT_ALPHAS
from ..reservoirs import CoupledNanowireReservoir
from ..selection import (
    MODELS,
    PROTOCOLS,
    Protocol,
    _chunk_configs,
    best_row,
    evaluate_configs,
    refit_and_test,
)
from ..series import as_batch
from ..stability import coupled_contraction_bound, coupled_voltage_range, memory_factor_box

__all__ = ["GRIDS", "QUICK_GRIDS", "configurations"]

#: The paper's Table 3.
GRIDS = {
    "nanowire": {
        "input_scaling": [0.1, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0],
        "input_scaling_spread": [0.001, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0],
        "dt": [0.01, 0.1, 0.15, 0.2, 0.25, 0.5, 1.0],
    },
    "tanh": {
        "leak_rate": [0.1, 0.3, 0.5],
        "input_scaling": [0.1, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0],
        "bias_scaling": [0.001, 0.1, 1.0],
        "spectral_radius": [0.8, 0.9, 0.95, 0.99],
    },
    # Not in the paper (its future work): a grid of ours, pruned by the contraction bound.
    "nanowire-coupled": {
        "input_scaling": [0.5, 1.0, 2.0],
        "input_scaling_spread": [0.1, 0.5],
        "coupling": [0.01, 0.05, 0.2],
        "gain": [1.0, 4.0],
        "dt": [0.1, 0.25],
    },
}

#: A small grid for smoke runs (``--quick``) and tests.
QUICK_GRIDS = {
    "nanowire": {"input_scaling": [0.5, 0.9], "input_scaling_spread": [0.1, 0.5],
                 "dt": [0.1, 0.25]},
    "tanh": {"leak_rate": [0.3], "input_scaling": [0.5, 1.0], "bias_scaling": [0.1],
             "spectral_radius": [0.9]},
    "nanowire-coupled": {"input_scaling": [0.5, 1.0], "coupling": [0.01, 0.05], "dt": [0.1]},
}


def configurations(model: str, grid: dict[str, Sequence] | None = None,
                   input_range: tuple[float, float] = (0.0, 1.0),
                   params: NanowireParams | None = None) -> tuple[list[dict], list[dict]]:
    """Expand a grid into configurations; return ``(kept, pruned)``.

    Nanowire configurations whose memory factor over ``input_range`` (for every scaling in
    ``[omega0 - d_omega, omega0 + d_omega]``) is >= 1 are pruned, and coupled ones whose
    contraction bound (any drawn network) is >= 1; each dict carries that ``memory_factor``.
    Tanh configurations are never pruned.

    Parameters
    ----------
    model : {"nanowire", "tanh", "nanowire-coupled"}
        The model (a key of :data:`~nanowire_rc.selection.MODELS`).
    grid : dict of str to sequence, or None, default=None
        Hyper-parameter name -> values; ``None``: the model's :data:`GRIDS` entry (the paper's
        Table 3 for ``"nanowire"`` and ``"tanh"``). Names the grid leaves out take the
        reservoir's defaults in the stability check.
    input_range : (float, float), default=(0.0, 1.0)
        The scaled input range the stability guarantee must hold over.
    params : NanowireParams or None, default=None
        Physical constants; ``None`` means the paper's Table 2.

    Returns
    -------
    kept : list of dict
        The configurations with the guarantee, in the grid's order (names sorted), each with
        its ``memory_factor`` (nanowire models).
    pruned : list of dict
        The others, alike (empty for ``"tanh"``).

    Raises
    ------
    ValueError
        If ``model`` is not one of :data:`~nanowire_rc.selection.MODELS`.

    Examples
    --------
    >>> from nanowire_rc.experiments.grids import configurations
    >>> kept, pruned = configurations("nanowire")  # the paper's Table 3: 490 configurations
    >>> len(kept), len(pruned)
    (140, 350)
    >>> sorted(kept[0])
    ['dt', 'input_scaling', 'input_scaling_spread', 'memory_factor']
    """
    if model not in MODELS:
        raise InvalidParameterError(f"model must be one of {sorted(MODELS)}, got {model!r}")
    grid = GRIDS[model] if grid is None else grid
    names = sorted(grid)
    configs = [dict(zip(names, values, strict=True))
               for values in itertools.product(*(grid[n] for n in names))]
    guarantee = {"nanowire": _uncoupled_factor, "nanowire-coupled": _coupled_factor}.get(model)
    if guarantee is None:
        return configs, []
    kept, pruned = [], []
    for c in configs:
        rho = guarantee(c, input_range, params)
        (kept if rho < 1 else pruned).append({**c, "memory_factor": rho})
    return kept, pruned


def _uncoupled_factor(c: dict, input_range, params) -> float:
    omega, spread = c.get("input_scaling", 0.8), c.get("input_scaling_spread", 0.3)
    return float(memory_factor_box(input_range[0], input_range[1], omega - spread,
                                   omega + spread, c.get("dt", 0.1), params))


def _coupled_factor(c: dict, input_range, params) -> float:
    """Contraction bound of any coupled reservoir these hyper-parameters can draw (inf if the
    states are not provably kept in [0, 1])."""
    defaults = CoupledNanowireReservoir().get_params()
    get = {**defaults, **c}.__getitem__
    if get("voltage_map") != "sigmoid":
        raise InvalidParameterError(
            "grid pruning of coupled reservoirs needs the sigmoid voltage map")
    omega_lo = get("input_scaling") - get("input_scaling_spread")
    omega_hi = get("input_scaling") + get("input_scaling_spread")
    x_lo, x_hi = input_range
    extra = get("coupling") + get("bias_scaling")  # |W h| <= coupling for h in [0, 1]
    a_lo = min(omega_lo * x_lo, omega_lo * x_hi, 0.0) - extra
    a_hi = max(omega_hi * x_lo, omega_hi * x_hi, 0.0) + extra
    v_lo, v_hi, gain_max = coupled_voltage_range(
        [a_lo], [a_hi], np.ones((1, 1)), np.zeros((1, 1)), 0.0,
        (get("v_min"), get("v_max"), get("gain")))
    bound, invariant = coupled_contraction_bound(v_lo, v_hi, get("dt"), get("coupling"),
                                                 gain_max, get("retention"), params)
    return float(bound[0]) if invariant.all() else float("inf")


@dataclass
class _UnitResult:
    """Everything one (dataset, model, size, seed) unit produced: the selected validation row
    ``best`` (configuration, ``representation``, ``alpha``, ``val_accuracy``, ``val_mse``,
    ``alpha_at_edge``, ``memory_factor``), the refitted selection's ``test_accuracy`` and
    ``refit_alpha``, the grid's size ``n_configs`` and ``n_pruned`` of it pruned as unstable,
    ``seconds`` of wall time, and every ``validation`` row.
    """

    dataset: str
    model: str
    n_neurons: int
    seed: int
    best: dict
    test_accuracy: float
    refit_alpha: float
    n_configs: int
    n_pruned: int
    seconds: float
    validation: list[dict] = field(default_factory=list)


def _evaluate_unit(dataset: str, model: str, n_neurons: int, seed: int, X_train,
                   y_train: np.ndarray, X_test, y_test: np.ndarray,
                   grid: dict[str, Sequence] | None = None, n_windows: int = 8,
                   representations: Sequence[str] | None = None,
                   alphas: Sequence[float] = DEFAULT_ALPHAS, n_jobs: int | None = -1,
                   map_chunks=None, protocol: Protocol | str = "kfold") -> _UnitResult:
    """Select on validation, refit on the whole training set, score on the test set (read once).

    ``grid=None`` is the model's :data:`GRIDS` entry, ``representations=None`` the protocol's;
    ``map_chunks(fn, chunks)`` runs the configuration chunks elsewhere (e.g. joblib) and returns
    their results in order. Raises :class:`InvalidParameterError` for an unknown model and
    :class:`UnstableReservoirError` when every configuration of the grid is unstable.
    """
    start = time.perf_counter()
    protocol = PROTOCOLS[protocol] if isinstance(protocol, str) else protocol
    representations = protocol.representations if representations is None else representations
    X_train = as_batch(X_train)
    y_train = np.asarray(y_train)
    kept, pruned = configurations(model, grid)
    if not kept:
        raise UnstableReservoirError(
            f"every {model} configuration of the grid is unstable: nothing to select")
    splits = protocol.splits(y_train)
    folds = [len(train) / len(y_train) for train, _ in splits]
    chunks = _chunk_configs(kept, X_train.n_cases, X_train.values.shape[2], n_neurons,
                           folds=folds)

    def run(configs):
        return evaluate_configs(model, configs, X_train, y_train, splits, n_neurons, seed,
                                n_windows, representations, alphas, n_jobs, protocol.extend)

    results = map_chunks(run, chunks) if map_chunks else [run(c) for c in chunks]
    rows = [r for part in results for r in part]
    best = best_row(rows)
    test_accuracy, alpha = refit_and_test(model, n_neurons, seed, best, X_train, y_train,
                                          X_test, y_test, n_windows, alphas, n_jobs, protocol)
    return _UnitResult(dataset, model, n_neurons, seed, best, test_accuracy, alpha,
                      len(kept) + len(pruned), len(pruned), time.perf_counter() - start, rows)
