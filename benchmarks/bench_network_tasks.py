"""Memory capacity and one-step Mackey–Glass forecasting: network reservoirs beside the neurons.

Every reservoir gives a state (reading) vector per step of about 64 numbers:

- ``network grid``: Milano et al.'s grid graph, 10 x 10 with random diagonals (100 nodes, 261
  junctions), their reservoir constants (``MILANO2021_RESERVOIR``), 4 input electrodes and 1
  ground drawn at random, read: the voltages of 60 nodes and the conductance each source sees
  (64 readings), 2 V per unit input, 10 ms per sample, exact junction update;
- ``network sticks``: a random-stick network of 150 wires (largest component), the same
  settings;
- ``NanowireReservoir`` and ``CoupledNanowireReservoir`` with 64 neurons and their defaults.

Memory capacity: :func:`nanowire_rc.diagnostics.memory_capacity` (i.i.d. input, delays 1..60,
ridge readout on the states). Mackey–Glass: the chaotic series (tau = 17,
:func:`nanowire_rc.generators.mackey_glass`), 3,000 samples after a discarded transient; the
states at ``t`` and the input ``u(t)`` predict ``u(t + 1)`` through a standardised ridge
(penalty by generalised cross-validation); trained on samples 100..2,000, NRMSE (RMSE / std of
the target) on the last 1,000. Energy per prediction: the network's Joule energy over the
series divided by its number of samples (``NetworkReservoir.energy``). Time: the states of the
whole series, after a warm-up call.

    python benchmarks/bench_network_tasks.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def reservoirs(quick: bool) -> dict:
    from nanowire_rc import CoupledNanowireReservoir, NanowireReservoir
    from nanowire_rc.device import MILANO2021_RESERVOIR
    from nanowire_rc.network import NetworkReservoir, grid_network, random_sticks

    n_read = 20 if quick else 60
    settings = {"n_read": n_read, "n_sources": 4, "voltage": 2.0, "dt": 0.01,
                "stability": "off", "random_state": 0}
    grid = grid_network(10, 10, params=MILANO2021_RESERVOIR)
    sticks = random_sticks(150, random_state=1, params=MILANO2021_RESERVOIR)
    n = n_read + 4
    return {
        f"network grid ({grid.n_nodes} nodes)": NetworkReservoir(network=grid, **settings),
        f"network sticks ({sticks.n_nodes} wires)": NetworkReservoir(network=sticks,
                                                                     **settings),
        f"NanowireReservoir ({n})": NanowireReservoir(n_neurons=n, random_state=0),
        f"CoupledNanowireReservoir ({n})": CoupledNanowireReservoir(n_neurons=n,
                                                                    random_state=0),
    }


def mackey_glass_nrmse(res, u: np.ndarray, train: slice, test: slice) -> tuple[float, float]:
    """One-step NRMSE of a ridge readout on the states and the input; seconds for the states."""
    model = res.fit(u[None])
    model.states(u[None, :50])  # warm-up (compilation, caches)
    start = time.perf_counter()
    S = np.asarray(model.states(u[None])[0], dtype=np.float64)
    seconds = time.perf_counter() - start
    F = np.hstack([S, u[:, None]])[:-1]
    y = u[1:]
    readout = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-9, 1, 11)))
    readout.fit(F[train], y[train])
    err = readout.predict(F[test]) - y[test]
    return float(np.sqrt(np.mean(err**2)) / np.std(y[test])), seconds


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small smoke run")
    args = ap.parse_args(argv)
    from nanowire_rc.diagnostics import memory_capacity
    from nanowire_rc.generators import mackey_glass

    n = 600 if args.quick else 3000
    u = mackey_glass(n, discard=500)
    train, test = slice(100, int(n * 2 / 3)), slice(int(n * 2 / 3), n - 1)
    print(f"cores: {os.cpu_count()}; Mackey-Glass: {n} samples, test on the last "
          f"{test.stop - test.start}")
    print(f"{'reservoir':34s} {'MC':>6s} {'MG NRMSE':>9s} {'states/s':>9s} "
          f"{'energy/prediction':>18s}")
    for name, res in reservoirs(args.quick).items():
        mc, _ = memory_capacity(res, n_steps=800 if args.quick else 3000,
                                max_delay=20 if args.quick else 60, washout=100)
        nrmse, seconds = mackey_glass_nrmse(res, u, train, test)
        energy = "—"
        if hasattr(res, "energy"):
            per = float(res.energy(u[None])[0]) / u.size
            energy = f"{per * 1e6:.3g} µJ"
        print(f"{name:34s} {mc:6.2f} {nrmse:9.4f} {u.size / seconds:9.0f} {energy:>18s}")


if __name__ == "__main__":
    main()
