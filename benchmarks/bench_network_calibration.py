"""Network-level calibration of Milano et al.'s Fig. 2 grid to the two measured traces.

For each trace of ``shared/data/device`` (``network_pulse_1.txt``: 2 V then a 10 mV read;
``network_pulse_2.txt``: 3 V then 10 mV; 3,000 samples each):

(a) the paper's own constants with the junction update of the published code
    (``update="published"``) on the sampling their fit used (``file_sel.py`` of their code:
    every 15th sample; for trace 1 the pulse's samples thinned by 5 more; every junction at the
    fitted admittance g0 for the first solve): R² of the conductance against the measurement;
(b) a fit with the exact update (:func:`nanowire_rc.network.fit_network`: ``--starts`` starts
    on a thinned trace, then a polish on all 3,000 samples): R² over all samples, the time,
    and the fitted constants beside the paper's.

    python benchmarks/bench_network_calibration.py [--starts 4] [--stride 10] [--polish 30]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "device"

#: The paper's fits (their file_sel.py; SOURCES.md): kp0, kd0, eta_p, eta_d, g0, g_min, g_max.
PAPER = {1: (5.266845411489327e-3, 102.4538696300204, 0.06665843701293933, 79.91922227381272,
             0.0020230656429231033, 0.0013655460276781153, 0.005124529803901193),
         2: (3.933e-8, 7.5e-3, 38.0, 0.03, 8.988e-4, 1.097e-3, 14e-3)}


def r2(model, data):
    return 1.0 - np.sum((model - data) ** 2) / np.sum((data - data.mean()) ** 2)


def published(k: int) -> tuple[float, int]:
    from nanowire_rc import NanowireParams
    from nanowire_rc.network import grid_network

    data = np.loadtxt(DATA / f"network_pulse_{k}.txt")[0:-1:15]
    if k == 1:
        keep = [i for i in range(len(data)) if (data[i, 2] > 0.9 and i % 5 == 0)
                or data[i, 2] <= 0.9]
        data = data[keep]
    t, current, v = data.T
    kp, kd, ep, ed, g0, g_min, g_max = PAPER[k]
    net = grid_network(params=NanowireParams(kp, kd, ep, ed), g_min=g_min, g_max=g_max)
    g = net.simulate(t, v, source=31, ground=409, update="published").conductance
    g[0] *= g0 / g_min  # uniform junctions: the first solve's voltages do not depend on g0
    return r2(g, current / v), t.size


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--starts", type=int, default=4)
    ap.add_argument("--stride", type=int, default=10)
    ap.add_argument("--nfev", type=int, default=60)
    ap.add_argument("--polish", type=int, default=30)
    ap.add_argument("--traces", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    from nanowire_rc.calibration import read_trace
    from nanowire_rc.network import fit_network
    from nanowire_rc.network.calibration import NAMES, thin_indices

    print(f"cores: {os.cpu_count()}; grid 21 x 21 (Fig. 2), source 31, ground 409")
    for k in args.traces:
        score, n = published(k)
        print(f"trace {k}: (a) published update, paper's constants, their sampling ({n} "
              f"samples): R² = {score:.4f}")
        t, v, g = read_trace(DATA / f"network_pulse_{k}.txt", 0, 2, current_column=1)
        thin = thin_indices(v, args.stride)
        fit = fit_network(t, v, g, fit_on=thin, n_starts=args.starts, max_nfev=args.nfev,
                          polish_nfev=args.polish)
        print(f"trace {k}: (b) exact update: R² = {fit.r2:.4f} over {t.size} samples, RMSE "
              f"{fit.rmse:.3g} S; {fit.seconds:.0f} s, {fit.n_simulations} simulations "
              f"({args.starts} starts on {thin.size} samples, R² there: "
              f"{', '.join(f'{s:.4f}' for s in fit.start_r2)}; polish on all)")
        paper = dict(zip(("kappa_p0", "kappa_d0", "eta_p", "eta_d", "g0", "g_min", "g_max"),
                         PAPER[k], strict=True))
        for name in NAMES:
            other = paper.get(name, paper["g0"] if name == "h0" else None)
            note = " (paper: g0, an admittance, for the first solve only)" if name == "h0" \
                else ""
            print(f"    {name:9s} fitted {fit.x[name]:11.4g}   paper {other:11.4g}{note}")


if __name__ == "__main__":
    main()
