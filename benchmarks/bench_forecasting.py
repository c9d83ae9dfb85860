"""Forecasting side by side: nanowire, coupled nanowire and tanh forecasters vs ReservoirPy's ESN.

Mackey–Glass (tau = 17, sampled every time unit) and Lorenz-63 (dt = 0.02), one run. Every model
has the same reservoir size and the same small search: ``--configs`` configurations drawn (fixed
seed) from its own grid, each fitted on the training segment and scored on the validation
segment by (a) one-step NRMSE and (b) closed-loop valid prediction time (VPT, threshold 0.4,
300 steps generated from the end of the training segment). The configuration best by (a) is
scored by one-step NRMSE on the test segment; the one best by (b) by closed-loop VPT from the
end of the validation segment (Mackey–Glass: 1000 steps, in time units; Lorenz-63: 500 steps,
in Lyapunov times). Fit time: best of 3 fits of the configuration selected by (a), with one
BLAS thread and one Numba thread for every model. Configurations that fail their stability
check at fit are skipped and redrawn (the library refuses them before simulating). ReservoirPy
gets the same [0, 1] input scaling and its own ridge penalty in the search (ours is chosen by
leave-one-out).

    python benchmarks/bench_forecasting.py [--size 200] [--configs 6] [--seed 0]

``--seeds N`` runs the fixed-setting comparison instead: Mackey–Glass (tau = 17) and Lorenz-63,
``--size`` units (500 in docs/benchmarks.md), 3,000 training steps, washout 100 for every model,
``N`` seeds (each seed draws the series' initial condition and every model's weights). Rows: the
coupled nanowire forecaster with its defaults (chosen by validation on training segments,
``benchmarks/choose_forecaster.py``; certified by the weighted certificate), the same with
stronger coupling and ``stability="warn"`` (uncertified), and ReservoirPy's ESN of the same size
(``ESN``, the best of three standard settings on a validation segment of the training series).
One-step NRMSE on the 1,000 steps after the training series (teacher forced); closed-loop valid
prediction time from the end of the training series (threshold 0.4 of the training standard
deviation; Mackey–Glass in steps, at most 1,000; Lorenz-63 in Lyapunov times, at most 500
steps = 9.1). Medians over seeds.

    python benchmarks/bench_forecasting.py --seeds 5 --size 500
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from nanowire_rc.forecasting import (
    ClosedLoopDivergenceWarning,
    CoupledNanowireForecaster,
    EchoStateForecaster,
    NanowireForecaster,
    ReservoirForecaster,
)
from nanowire_rc.generators import LORENZ63_LYAPUNOV_EXPONENT, lorenz63, mackey_glass
from nanowire_rc.metrics import nrmse, valid_prediction_time
from nanowire_rc.reservoirs import UnstableReservoirError

GRIDS = {
    "nanowire": (NanowireForecaster, {
        "method": ["euler", "exact"], "dt": [0.1, 0.25, 0.5, 1.0, 2.0],
        "input_scaling": [0.5, 0.8, 1.0], "input_scaling_spread": [0.3, 0.8],
        "include_input": [True, False]}),
    "coupled (certified)": (CoupledNanowireForecaster, {
        "coupling": [0.05, 0.1, 0.2], "dt": [0.1, 0.25, 0.4], "gain": [1.0, 2.0],
        "bias_scaling": [0.0, 1.0], "input_scaling": [0.8, 1.5],
        "include_input": [True, False]}),
    "coupled (uncertified)": (CoupledNanowireForecaster, {
        "coupling": [1.0, 2.0, 5.0], "dt": [0.25, 0.4], "gain": [2.0, 4.0],
        "bias_scaling": [0.0, 1.0], "input_scaling": [0.8, 1.5],
        "include_input": [True, False], "stability": ["warn"]}),
    "tanh ESN (ours)": (EchoStateForecaster, {
        "leak_rate": [0.1, 0.3, 0.5, 1.0], "spectral_radius": [0.8, 0.9, 0.99, 1.1],
        "input_scaling": [0.5, 1.0], "bias_scaling": [0.1, 1.0],
        "include_input": [True, False]}),
    "ReservoirPy ESN": (None, {
        "lr": [0.1, 0.3, 0.5, 1.0], "sr": [0.8, 0.9, 0.99, 1.1],
        "input_scaling": [0.5, 1.0], "ridge": [1e-8, 1e-6, 1e-4]}),
}


class ReservoirPyForecaster:
    """ReservoirPy's ``Reservoir >> Ridge`` behind the same fit / predict / generate calls."""

    def __init__(self, n_neurons, random_state, washout=100, lr=0.3, sr=0.9,
                 input_scaling=1.0, ridge=1e-6):
        self.kw = {"units": n_neurons, "lr": lr, "sr": sr, "input_scaling": input_scaling,
                   "seed": random_state}
        self.ridge, self.washout = ridge, washout

    def _scale(self, Y):
        return (np.clip(Y, self.lo, self.hi) - self.lo) / (self.hi - self.lo)

    def fit(self, y):
        from reservoirpy.nodes import Reservoir, Ridge

        Y = y if y.ndim == 2 else y[:, None]
        self.flat = y.ndim == 1
        self.lo, self.hi = Y.min(axis=0), Y.max(axis=0)
        self.reservoir = Reservoir(**self.kw)
        self.model = self.reservoir >> Ridge(ridge=self.ridge)
        self.model.fit(self._scale(Y[:-1]), Y[1:], warmup=self.washout)
        return self

    def _out(self, P):
        return P[:, 0] if self.flat else P

    def predict(self, y):
        Y = y if y.ndim == 2 else y[:, None]
        self.model.reset()
        return self._out(np.asarray(self.model.run(self._scale(Y))))

    def generate(self, n_steps, warmup):
        W = warmup if warmup.ndim == 2 else warmup[:, None]
        self.model.reset()
        value = np.asarray(self.model.run(self._scale(W)))[-1]
        out = np.empty((n_steps, W.shape[1]))
        for k in range(n_steps):
            out[k] = value
            value = np.asarray(self.model.step(self._scale(value[None])[0]))
            if not np.all(np.isfinite(value)):
                out[k + 1:] = np.nan
                break
        return self._out(out)


_OWN = set(ReservoirForecaster().get_params())


def forecaster(cls, **settings):
    """A forecaster preset with ``settings`` split between it (its own parameters) and its
    default reservoir (the rest)."""
    reservoir = cls._default_reservoir().set_params(
        **{k: v for k, v in settings.items() if k not in _OWN})
    return cls(reservoir, **{k: v for k, v in settings.items() if k in _OWN})


def make(name, config, size, seed):
    cls = GRIDS[name][0]
    if cls is None:
        return ReservoirPyForecaster(size, seed, **config)
    return forecaster(cls, n_neurons=size, random_state=seed, **config)


def draw_configs(grid, rng):
    keys = list(grid)
    every = list(itertools.product(*(grid[k] for k in keys)))
    order = rng.permutation(len(every))
    for i in order:
        yield dict(zip(keys, every[i], strict=True))


def vpt(truth, pred, scale, dt, lyap):
    return valid_prediction_time(truth, pred, dt=dt, scale=scale, lyapunov_exponent=lyap)


def run_task(task, y, n_train, n_val, n_test, n_gen, dt, lyap, size, n_configs, seed):
    train, trval = y[:n_train], y[:n_train + n_val]
    val_seg = y[n_train:n_train + n_val]
    test_start = n_train + n_val
    scale = train.std(axis=0)
    rows = []
    for name, (_, grid) in GRIDS.items():
        rng = np.random.RandomState(seed)
        scored = []
        for config in draw_configs(grid, rng):
            if len(scored) == n_configs:
                break
            model = make(name, config, size, seed)
            start = time.perf_counter()
            try:
                model.fit(train)
            except UnstableReservoirError:
                continue
            fit_s = time.perf_counter() - start
            # one-step on validation: run over train + val, score the val rows
            pred = model.predict(trval)[n_train - 1:-1]
            one = nrmse(val_seg, pred, scale=scale)
            gen = model.generate(min(n_gen, n_val, 300), warmup=train)
            v = vpt(val_seg[:len(gen)], gen, scale, dt, lyap)
            scored.append((one, v, config, model, fit_s))
        best_one = min(scored, key=lambda r: r[0])
        best_vpt = max(scored, key=lambda r: (r[1], -r[0]))
        full = y[:test_start + n_test]
        pred = best_one[3].predict(full)[test_start - 1:-1]
        test_one = nrmse(y[test_start:test_start + n_test], pred, scale=scale)
        gen = best_vpt[3].generate(n_gen, warmup=trval)
        test_vpt = vpt(y[test_start:test_start + n_gen], gen, scale, dt, lyap)
        # Fit time of the selected configuration: best of 3 fresh fits (the machine is shared).
        fit_s = []
        for _ in range(3):
            start = time.perf_counter()
            make(name, best_one[2], size, seed).fit(train)
            fit_s.append(time.perf_counter() - start)
        best_one = (*best_one[:4], min(fit_s))
        extra = ""
        m = best_one[3]
        res = getattr(m, "reservoir_", None)
        if hasattr(res, "contraction_bound_"):
            U = m._scale(train.reshape(len(train), -1))
            gap = res.echo_state_gap(U.T[None], random_state=0)
            extra = f"bound {res.contraction_bound_:.3g}, ES gap {gap[-1]:.1e}"
        elif hasattr(res, "memory_factor_"):
            extra = f"rho {res.memory_factor_:.3g}"
        rows.append({"task": task, "model": name, "one_step": test_one, "vpt": test_vpt,
                     "val_one": best_one[0], "val_vpt": best_vpt[1], "fit_s": best_one[4],
                     "config": best_one[2], "vpt_config": best_vpt[2], "extra": extra,
                     "tried": len(scored)})
        print(f"  {task:<13}{name:<23} one-step {test_one:9.2e}   VPT {test_vpt:6.2f}   "
              f"fit {best_one[4]:5.2f} s  {extra}", flush=True)
    return rows


#: The coupled forecaster's defaults, coupled beyond any certificate.
UNCERTIFIED = {"coupling": 2.0, "gain": 2.0, "stability": "warn"}
#: ReservoirPy's ESN: the best of three standard settings on the same validation.
ESN = {"lr": 1.0, "sr": 0.9, "input_scaling": 1.0, "ridge": 1e-8}


def run_seeds(n_seeds: int, size: int) -> list[dict]:
    """The fixed-setting comparison of ``--seeds`` (see the module docstring)."""
    n_train, n_test = 3000, 1000
    rows = []
    for seed in range(n_seeds):
        systems = (
            ("Mackey-Glass", mackey_glass(n_train + n_test, discard=500, history_noise=0.05,
                                          random_state=seed), 1.0, None, 1000),
            ("Lorenz-63", lorenz63(n_train + n_test, dt=0.02, random_state=seed), 0.02,
             LORENZ63_LYAPUNOV_EXPONENT, 500),
        )
        for task, y, dt, lyap, n_gen in systems:
            train, test = y[:n_train], y[n_train:]
            scale = train.std(axis=0)
            models = {
                "coupled nanowire, defaults (certified)": forecaster(
                    CoupledNanowireForecaster, n_neurons=size, random_state=seed),
                "coupled nanowire, uncertified": forecaster(
                    CoupledNanowireForecaster, n_neurons=size, random_state=seed,
                    **UNCERTIFIED),
                "ReservoirPy ESN": ReservoirPyForecaster(size, seed, washout=100, **ESN),
            }
            for name, model in models.items():
                start = time.perf_counter()
                model.fit(train)
                fit_s = time.perf_counter() - start
                one = nrmse(test, model.predict(y)[n_train - 1:-1], scale=scale)
                gen = model.generate(n_gen, warmup=train)
                v = vpt(test[:n_gen], gen, scale, dt, lyap)
                bound = getattr(getattr(model, "reservoir_", None), "contraction_bound_",
                                np.nan)
                rows.append({"task": task, "model": name, "seed": seed, "one_step": one,
                             "vpt": v, "fit_s": fit_s, "bound": bound})
                print(f"  seed {seed} {task:<13}{name:<31} one-step {one:9.2e}   VPT "
                      f"{v:7.2f}   fit {fit_s:5.2f} s   bound {bound:.3f}", flush=True)
    return rows


def seeds_table(rows: list[dict]) -> None:
    print("| task | model | one-step NRMSE (median) | × ESN | closed-loop VPT (median) | "
          "VPT per seed | bound | fit (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for task in dict.fromkeys(r["task"] for r in rows):
        ref = np.median([r["one_step"] for r in rows
                         if r["task"] == task and r["model"] == "ReservoirPy ESN"])
        for name in dict.fromkeys(r["model"] for r in rows):
            sel = [r for r in rows if r["task"] == task and r["model"] == name]
            one = float(np.median([r["one_step"] for r in sel]))
            v = float(np.median([r["vpt"] for r in sel]))
            per = ", ".join(f"{r['vpt']:.3g}" for r in sel)
            bound = max(r["bound"] for r in sel)
            print(f"| {task} | {name} | {one:.2e} | {one / ref:.2f} | {v:.3g} | {per} | "
                  f"{bound:.3f} | {np.median([r['fit_s'] for r in sel]):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--configs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=0,
                        help="run the fixed-setting comparison over this many seeds")
    args = parser.parse_args()
    import reservoirpy

    if args.seeds:
        warnings.simplefilter("ignore")  # divergence and stability warnings of some rows
        start = time.perf_counter()
        with threadpool_limits(1):
            rows = run_seeds(args.seeds, args.size)
        print(f"\nreservoirpy {reservoirpy.__version__}, {args.size} units, {args.seeds} seeds; "
              f"total {time.perf_counter() - start:.0f} s\n")
        seeds_table(rows)
        return

    warnings.simplefilter("ignore", ClosedLoopDivergenceWarning)
    warnings.simplefilter("ignore", UserWarning)  # uncertified coupled configurations
    # compile every kernel once so that fit times exclude Numba compilation
    warm = mackey_glass(300)
    for cls in (NanowireForecaster, CoupledNanowireForecaster, EchoStateForecaster):
        for kw in ({}, {"method": "exact"}) if cls is NanowireForecaster else ({},):
            forecaster(cls, n_neurons=20, washout=10, **kw).fit(warm).generate(2)
    start = time.perf_counter()
    rows = []
    # One BLAS thread for every model: on a shared 2-core machine a multithreaded SVD or matrix
    # product can run 10x slower than a single-threaded one, which would swamp the fit times.
    with threadpool_limits(1):
        mg = mackey_glass(4000, discard=500)
        rows += run_task("Mackey-Glass", mg, 2000, 500, 1000, 1000, 1.0, None, args.size,
                         args.configs, args.seed)
        lz = lorenz63(7000, dt=0.02, random_state=args.seed)
        rows += run_task("Lorenz-63", lz, 4000, 1000, 1000, 500, 0.02,
                         LORENZ63_LYAPUNOV_EXPONENT, args.size, args.configs, args.seed)
    total = time.perf_counter() - start
    print(f"\nreservoirpy {reservoirpy.__version__}, {args.size} units each, {args.configs} "
          f"configurations per model, seed {args.seed}; total {total:.0f} s")
    print("One-step: test NRMSE (per-channel RMSE / training std). VPT: closed-loop valid "
          "prediction time, threshold 0.4 (Mackey-Glass: time units; Lorenz-63: Lyapunov "
          "times).\n")
    print("| task | model | one-step NRMSE | × ReservoirPy | closed-loop VPT | fit (s) | "
          "selected (one-step) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ref = next(x for x in rows if x["task"] == r["task"] and x["model"] == "ReservoirPy ESN")
        ratio = r["one_step"] / ref["one_step"]
        print(f"| {r['task']} | {r['model']} | {r['one_step']:.2e} | {ratio:.2f} | "
              f"{r['vpt']:.2f} | {r['fit_s']:.2f} | {r['config']} {r['extra']} |")


if __name__ == "__main__":
    main()
