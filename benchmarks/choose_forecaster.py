"""Choose the forecasters' defaults by validation on TRAINING segments only.

Every system gives a 3,000-step training series per seed (the series ``bench_forecasting.py
--seeds`` trains on: the same generators and seeds); each candidate is fitted on its first
2,400 steps and scored on its last 600: one-step NRMSE (over the training standard deviation)
and closed-loop valid prediction time (VPT, error above 0.4 training standard deviations, in
steps, at most 600) from the end of the 2,400 steps. Test segments are never generated here.
Systems: Mackey–Glass tau = 17 and tau = 30, Lorenz-63 (dt 0.02), and NARMA-10 as a two-channel
series ``(u, y)`` whose ``y`` channel is scored one step ahead (its input ``u`` is i.i.d., so
no closed loop is defined; its VPT column is left empty). Candidates: the coupled nanowire
forecaster's reservoir (``RESERVOIR``) with delay lines and the quadratic option; the rows
print as they finish, and a table of medians over seeds closes the run.

    python benchmarks/choose_forecaster.py [--seeds 3] [--size 500]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from nanowire_rc.diagnostics import narma10
from nanowire_rc.forecasting import CoupledNanowireForecaster
from nanowire_rc.generators import lorenz63, mackey_glass
from nanowire_rc.metrics import nrmse, valid_prediction_time
from nanowire_rc.reservoirs import CoupledNanowireReservoir

#: The coupled reservoir every candidate uses (certified by the weighted bound, 0.976).
RESERVOIR = {"coupling": 0.3, "connectivity": "sparse", "dt": 0.25, "bias_scaling": 1.0,
             "input_scaling": 1.5}
CANDIDATES = {
    f"{n_delays} delays x {step}, quadratic={quadratic}": {
        "n_delays": n_delays, "delay_step": step, "quadratic": quadratic}
    for n_delays, step in ((0, 1), (8, 2), (12, 2)) for quadratic in (False, True, "auto")}


def systems(seed: int, n: int):
    """(name, training series, channel scored one step ahead or None, closed loop defined)."""
    u, y = narma10(n, random_state=seed)
    return (
        ("Mackey-Glass 17", mackey_glass(n, discard=500, history_noise=0.05, random_state=seed),
         None, True),
        ("Mackey-Glass 30", mackey_glass(n, tau=30.0, discard=500, history_noise=0.05,
                                         random_state=seed), None, True),
        ("Lorenz-63", lorenz63(n, dt=0.02, random_state=seed), None, True),
        ("NARMA-10", np.column_stack([u, y]), 1, False),
    )


def score(settings: dict, size: int, seed: int, y: np.ndarray, channel, loop: bool,
          n_fit: int) -> tuple[float, float, str]:
    reservoir = CoupledNanowireReservoir(n_neurons=size, dtype="float64", n_jobs=1,
                                         **RESERVOIR)
    fc = CoupledNanowireForecaster(reservoir, random_state=seed, **settings).fit(y[:n_fit])
    truth, scale = y[n_fit:], y[:n_fit].std(axis=0)
    pred = fc.predict(y)[n_fit - 1:-1]
    if channel is not None:
        one = nrmse(truth[:, channel], pred[:, channel], scale=scale[channel])
    else:
        one = nrmse(truth, pred, scale=scale)
    vpt = (valid_prediction_time(truth, fc.generate(len(truth)), scale=scale) if loop
           else np.nan)
    return one, vpt, str(fc.quadratic_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--size", type=int, default=500)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # divergence warnings of failing candidates
    rows, start = [], time.perf_counter()
    with threadpool_limits(1):
        for seed in range(args.seeds):
            for task, y, channel, loop in systems(seed, 3000):
                for name, settings in CANDIDATES.items():
                    one, vpt, chose = score(settings, args.size, seed, y, channel, loop, 2400)
                    rows.append((task, name, one, vpt))
                    print(f"seed {seed} {task:<16}{name:<36} one-step {one:.2e}  VPT "
                          f"{vpt:5.0f}  quadratic_={chose}", flush=True)
    print(f"\n{args.size} units, {args.seeds} seeds, {time.perf_counter() - start:.0f} s\n")
    tasks = list(dict.fromkeys(r[0] for r in rows))
    print("| candidate | " + " | ".join(f"{t} one-step | {t} VPT" for t in tasks) + " |")
    print("|---|" + "---|---|" * len(tasks))
    for name in CANDIDATES:
        cells = []
        for task in tasks:
            sel = [r for r in rows if r[0] == task and r[1] == name]
            cells.append(f"{np.median([r[2] for r in sel]):.2e}")
            vpts = [r[3] for r in sel]
            cells.append("—" if np.isnan(vpts).all() else f"{np.median(vpts):.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
