"""Model selection: Table-3 grids, stability pruning, and features computed once per configuration.

The protocol of docs/theory.md ("Model selection"). For one (dataset, model, size, seed) *unit*:

1. every configuration of the grid whose memory factor over the scaled input range is >= 1 is
   pruned before anything is simulated (nanowire models);
2. each remaining configuration's reservoir (its min–max input scaling fitted, without labels,
   on the whole training set) runs once over the training set and pools every representation
   (mean, last, window means) in that single pass — a reservoir is never trained, so its
   features do not depend on the validation fold;
3. on a stratified validation split of the training set, a ridge readout is scored (accuracy,
   then squared error of its decision values to break accuracy ties) for every
   (representation, ridge penalty) pair through block Gram matrices: the Gram matrix of a
   concatenation of standardised feature blocks is the sum of the blocks' Gram matrices, and one
   eigendecomposition per representation gives the validation predictions for all penalties;
4. the best (configuration, representation) is refitted on the whole training set with the
   estimators' own readout (leave-one-out penalty) and scored on the test set.

Random draws are seeded from the unit's identity (model, size, seed, configuration), never from
execution order, and the readout's linear algebra runs on one BLAS thread per piece of work (a
multi-threaded BLAS sums in another order, which moves the squared errors that break accuracy
ties by ~1e-8), so stored results are bit-identical however the work is scheduled: one process,
``--jobs J`` or a Dask cluster. Parallelism comes from running pieces side by side.
"""

from __future__ import annotations

import itertools
import json
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.preprocessing import LabelBinarizer
from threadpoolctl import ThreadpoolController

from .classifiers import (
    DEFAULT_ALPHAS,
    CoupledNanowireClassifier,
    EchoStateClassifier,
    NanowireClassifier,
)
from .physics import NanowireParams
from .reservoirs import (
    CoupledNanowireReservoir,
    LeakyTanhReservoir,
    NanowireReservoir,
    pooled_features,
)
from .series import SeriesBatch, as_batch
from .stability import coupled_contraction_bound, coupled_voltage_range, memory_factor_box

__all__ = [
    "GRIDS",
    "MODELS",
    "QUICK_GRIDS",
    "REPRESENTATIONS",
    "UnitResult",
    "best_row",
    "chunk_configs",
    "config_key",
    "configurations",
    "evaluate_configs",
    "evaluate_unit",
    "refit_and_test",
    "score_representations",
    "seconds_per_config",
    "unit_seed",
    "validation_split",
]

MODELS = {
    "nanowire": (NanowireReservoir, NanowireClassifier),
    "tanh": (LeakyTanhReservoir, EchoStateClassifier),
    "nanowire-coupled": (CoupledNanowireReservoir, CoupledNanowireClassifier),
}

#: The paper's Table 3.
GRIDS = {
    "nanowire": {
        "input_scaling": [0.1, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0],
        "input_scaling_spread": [0.001, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0],
        "dt": [0.01, 0.1, 0.15, 0.2, 0.25, 0.5, 1.0],
    },
    "tanh": {
        "leak_rate": [0.1, 0.3, 0.5],
        "input_scaling_spread": [0.1, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0],
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
    "tanh": {"leak_rate": [0.3], "input_scaling_spread": [0.5, 1.0], "bias_scaling": [0.1],
             "spectral_radius": [0.9]},
    "nanowire-coupled": {"input_scaling": [0.5, 1.0], "coupling": [0.01, 0.05], "dt": [0.1]},
}

#: Representations compared on validation, all pooled from the same pass.
REPRESENTATIONS = ("mean", "mean+last", "windows", "windows+last")
_BLOCKS = ("mean", "last", "windows")
_ROW_FIELDS = ("memory_factor", "representation", "alpha", "val_accuracy", "val_mse")


def configurations(
    model: str,
    grid: dict[str, Sequence] | None = None,
    input_range: tuple[float, float] = (0.0, 1.0),
    params: NanowireParams | None = None,
) -> tuple[list[dict], list[dict]]:
    """Expand a grid into configurations; return ``(kept, pruned)``.

    Nanowire configurations whose memory factor over ``input_range`` (for every scaling in
    ``[omega0 - d_omega, omega0 + d_omega]``) is >= 1 are pruned, and coupled ones whose
    contraction bound (any drawn network) is >= 1; each dict carries that ``memory_factor``.
    Tanh configurations are never pruned.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
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
        raise ValueError("grid pruning of coupled reservoirs needs the sigmoid voltage map")
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


@cache
def _blas() -> ThreadpoolController:
    # Inspecting the loaded libraries takes ~1.5 ms; per configuration that adds up, so once.
    return ThreadpoolController()


def _one_blas_thread():
    """Context: the BLAS libraries run on one thread (the selection's algebra, in any backend)."""
    return _blas().limit(limits=1, user_api="blas")


def unit_seed(*identity) -> int:
    """A 32-bit seed from a unit's identity (stable across runs, processes and platforms)."""
    return zlib.crc32(repr(identity).encode())


def _standardised_grams(F: np.ndarray, train: np.ndarray, val: np.ndarray):
    """Gram blocks of the standardised features: ``(K_train, K_val_train)``.

    Standardisation uses the training part's statistics (what ``StandardScaler`` would learn).
    """
    Z_tr = F[train].astype(np.float64)  # copies, standardised in place below
    Z_val = F[val].astype(np.float64)
    mu, sd = Z_tr.mean(axis=0), Z_tr.std(axis=0)
    inv = 1.0 / np.where(sd > 0, sd, 1.0)
    for Z in (Z_tr, Z_val):
        Z -= mu
        Z *= inv
    return Z_tr @ Z_tr.T, Z_val @ Z_tr.T


def score_representations(
    blocks: dict[str, np.ndarray],
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    representations: Iterable[str] = REPRESENTATIONS,
    alphas: Sequence[float] = DEFAULT_ALPHAS,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Validation accuracy and squared error of a standardised ridge classifier, for each
    representation and penalty.

    ``blocks`` maps block names (``mean``, ``last``, ``windows``) to feature matrices over all
    training cases. Returns ``{representation: (accuracy, mse)}``, arrays over ``alphas``: the
    classifier is the one ``StandardScaler`` + ``RidgeClassifier(alpha)`` fits on ``train``
    (dual form, same predictions); ``mse`` is the mean squared error of its decision values
    against the ±1 class codes, a continuous score that separates accuracy ties.
    """
    lb = LabelBinarizer(neg_label=-1, pos_label=1).fit(y[train])

    def codes(labels):
        Y = lb.transform(labels).astype(np.float64)
        # Two classes: one score per class (mirrored), as RidgeClassifier decides.
        return np.hstack([-Y, Y]) if Y.shape[1] == 1 else Y

    Y, Y_val = codes(y[train]), codes(y[val])
    y_mean = Y.mean(axis=0)
    classes = lb.classes_
    gram = {name: _standardised_grams(blocks[name], train, val) for name in _BLOCKS
            if any(name in r.split("+") for r in representations)}
    alphas = np.asarray(alphas, dtype=np.float64)
    scores = {}
    for rep in representations:
        K_tr = sum(gram[b][0] for b in rep.split("+"))
        K_val = sum(gram[b][1] for b in rep.split("+"))
        lam, Q = np.linalg.eigh(K_tr)
        lam = np.clip(lam, 0, None)
        QtY = Q.T @ (Y - y_mean)
        KvQ = K_val @ Q
        acc, mse = np.empty(len(alphas)), np.empty(len(alphas))
        for i, a in enumerate(alphas):
            pred = KvQ @ (QtY / (lam + a)[:, None]) + y_mean
            acc[i] = np.mean(classes[pred.argmax(axis=1)] == y[val])
            mse[i] = np.mean((pred - Y_val) ** 2)
        scores[rep] = (acc, mse)
    return scores


@dataclass
class UnitResult:
    """Everything one (dataset, model, size, seed) unit produced."""

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


def _reservoir(model: str, config: dict, n_neurons: int, seed: int, n_windows: int, n_jobs):
    reservoir_cls = MODELS[model][0]
    params = {k: v for k, v in config.items() if k not in _ROW_FIELDS}
    return reservoir_cls(n_neurons=n_neurons, features="mean+last+windows", n_windows=n_windows,
                         random_state=unit_seed(model, n_neurons, seed, sorted(params.items())),
                         n_jobs=n_jobs, **params)


def evaluate_configs(
    model: str,
    configs: list[dict],
    X: SeriesBatch,
    y: np.ndarray,
    split: tuple[np.ndarray, np.ndarray],
    n_neurons: int,
    seed: int,
    n_windows: int = 8,
    representations: Sequence[str] = REPRESENTATIONS,
    alphas: Sequence[float] = DEFAULT_ALPHAS,
    n_jobs: int | None = None,
) -> list[dict]:
    """Validation scores of each configuration (features computed once each)."""
    rows = []
    for config in configs:
        reservoir = _reservoir(model, config, n_neurons, seed, n_windows, n_jobs)
        pooled = reservoir.fit(X).pool(X)
        blocks = {b: pooled_features(pooled, b) for b in _BLOCKS}
        with _one_blas_thread():  # bit-identical on any backend
            scores = score_representations(blocks, y, *split, representations, alphas)
        for rep, (acc, mse) in scores.items():
            tied = np.flatnonzero(acc == acc.max())
            i = int(tied[np.argmin(mse[tied])])  # accuracy ties: the smaller squared error
            rows.append({**config, "representation": rep, "alpha": float(alphas[i]),
                         "val_accuracy": float(acc[i]), "val_mse": float(mse[i])})
    return rows


def validation_split(y: np.ndarray, fraction: float = 0.3, seed: int = 0):
    """Stratified train/validation split of the training set (fixed seed)."""
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    return next(splitter.split(np.zeros(len(y)), y))


def config_key(config: dict) -> str:
    """Canonical text of a configuration's hyper-parameters (sorted keys, exact floats)."""
    return json.dumps({k: config[k] for k in sorted(config) if k not in _ROW_FIELDS})


def best_row(rows: list[dict]) -> dict:
    """Highest validation accuracy; among ties the smallest validation squared error, then
    content (configuration text, representation) — never the order rows arrived in, so stored
    and in-memory results select alike."""
    def rank(row):
        rep = row["representation"]
        order = REPRESENTATIONS.index(rep) if rep in REPRESENTATIONS else len(REPRESENTATIONS)
        return (-row["val_accuracy"], row["val_mse"], config_key(row), order, rep)

    return min(rows, key=rank)


def refit_and_test(
    model: str,
    n_neurons: int,
    seed: int,
    best: dict,
    X_train,
    y_train: np.ndarray,
    X_test,
    y_test: np.ndarray,
    n_windows: int = 8,
    alphas: Sequence[float] = DEFAULT_ALPHAS,
    n_jobs: int | None = None,
):
    """Refit the selected configuration on the whole training set; return ``(accuracy, alpha)``.

    The reservoir is the one selection scored (same seed from the same identity); its readout
    picks the ridge penalty by leave-one-out on the whole training set.
    """
    params = {k: v for k, v in best.items() if k not in _ROW_FIELDS}
    clf = MODELS[model][1](
        n_neurons=n_neurons, features=best["representation"], n_windows=n_windows, alphas=alphas,
        random_state=unit_seed(model, n_neurons, seed, sorted(params.items())), n_jobs=n_jobs,
        **params)
    with _one_blas_thread():  # bit-identical on any backend
        clf.fit(X_train, y_train)
        return float(clf.score(X_test, y_test)), float(clf.alpha_)


def seconds_per_config(n_cases: int, n_timepoints: int, n_neurons: int,
                       n_windows: int = 8) -> float:
    """Rough single-core time to score one configuration: overhead + reservoir + readout.

    Calibrated on the 2-core development machine (0.03 s for SyntheticControl at 100 neurons,
    0.14 s for ECG5000 at 500): a fixed cost, about 1 G neuron-updates/s, and the block Gram
    matrices of the training part of the split (``(0.7 n)^2`` times the feature count).
    """
    n_train = 0.7 * n_cases
    features = n_neurons * (n_windows + 2)
    return 0.02 + n_cases * n_timepoints * n_neurons / 1e9 + 2 * n_train**2 * features / 1e10


def chunk_configs(configs: list[dict], n_cases: int, n_timepoints: int, n_neurons: int,
                  target_seconds: float = 3.0, n_windows: int = 8) -> list[list[dict]]:
    """Split configurations into pieces of about ``target_seconds`` of expected work each.

    Long enough that scheduling overhead stays small next to compute, short enough that an
    interruption loses little (at most one piece per worker).
    """
    per_config = seconds_per_config(n_cases, n_timepoints, n_neurons, n_windows)
    size = int(min(max(1, target_seconds // per_config), max(len(configs), 1)))
    return [configs[i:i + size] for i in range(0, len(configs), size)]


def evaluate_unit(
    dataset: str,
    model: str,
    n_neurons: int,
    seed: int,
    X_train,
    y_train: np.ndarray,
    X_test,
    y_test: np.ndarray,
    grid: dict[str, Sequence] | None = None,
    n_windows: int = 8,
    representations: Sequence[str] = REPRESENTATIONS,
    alphas: Sequence[float] = DEFAULT_ALPHAS,
    n_jobs: int | None = None,
    map_chunks=None,
) -> UnitResult:
    """Select on validation, refit on the whole training set, score on the test set.

    ``map_chunks(fn, chunks)`` may run the configuration chunks elsewhere (e.g. joblib);
    by default they run here, one after the other.
    """
    start = time.perf_counter()
    X_train = as_batch(X_train)
    kept, pruned = configurations(model, grid)
    if not kept:
        raise ValueError(f"every {model} configuration of the grid is unstable: nothing to select")
    split = validation_split(y_train)
    chunks = chunk_configs(kept, X_train.n_cases, X_train.values.shape[2], n_neurons)

    def run(configs):
        return evaluate_configs(model, configs, X_train, y_train, split, n_neurons, seed,
                                n_windows, representations, alphas, n_jobs)

    results = map_chunks(run, chunks) if map_chunks else [run(c) for c in chunks]
    rows = [r for part in results for r in part]
    best = best_row(rows)
    test_accuracy, alpha = refit_and_test(model, n_neurons, seed, best, X_train, y_train,
                                          X_test, y_test, n_windows, alphas, n_jobs)
    return UnitResult(dataset, model, n_neurons, seed, best, test_accuracy, alpha,
                      len(kept) + len(pruned), len(pruned), time.perf_counter() - start, rows)
