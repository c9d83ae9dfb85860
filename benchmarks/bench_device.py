"""Throughput of the non-ideal device kernel against the ideal kernel, measured side by side.

Input as in ``bench_kernels.py``: ECG5000 (train + test, tiled to ``--cases`` series x 140
steps, min-max scaled to [0, 1]), ``--neurons`` neurons, float32, all pooled features (mean,
last, 8 window means). Input scalings are Uniform[0.5, 0.9] for every configuration, so that 10 %
variability of ``eta_p`` keeps every Euler neuron stable. The configurations run in turn within
each repeat (interleaved, so that a busy machine slows them alike); figures are medians over
``--repeats`` timed runs after one untimed warm-up (which also compiles).

    python benchmarks/bench_device.py [--repeats 5] [--cases 5000] [--neurons 1000]
                                      [--threads N] [--json F]

``measure_device(...)`` returns the rows, for ``bench_kernels.py`` to print beside its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

#: Configurations: name -> Device keywords (None: the ideal kernel, run_nanowire).
CONFIGS = {
    "ideal (run_nanowire)": None,
    "device kernel, everything off": {},
    "variability 10%": {"variability": 0.1},
    "variability 10% + read noise (white)": {"variability": 0.1, "read_noise": 0.01},
    "variability 10% + read noise (OU)": {"variability": 0.1, "read_noise": 0.01,
                                          "noise_correlation_time": 1.0},
    "variability 10% + state noise": {"variability": 0.1, "state_noise": 0.005},
    "variability 10% + read + state noise": {"variability": 0.1, "read_noise": 0.01,
                                             "state_noise": 0.005},
    "all on (+ DAC 10 mV, ADC 8 bits)": {"variability": 0.1, "read_noise": 0.01,
                                         "state_noise": 0.005, "voltage_step": 0.01,
                                         "adc_bits": 8},
}


def load_input(n_cases: int) -> np.ndarray:
    from nanowire_rc import load_ucr

    X, _ = load_ucr("ECG5000", "both")
    X = np.tile(X, (int(np.ceil(n_cases / len(X))), 1))[:n_cases]
    return ((X - X.min()) / (X.max() - X.min())).astype(np.float32)


def measure_device(n_cases: int = 5000, n_neurons: int = 1000, repeats: int = 5,
                   n_jobs: int | None = -1) -> list[dict]:
    """Median seconds and G neuron-updates/s of each configuration, and its ratio to ideal."""
    import nanowire_rc as nw
    from nanowire_rc.device import Device
    from nanowire_rc.kernels.device import run_nanowire_device

    X = load_input(n_cases)
    omega = np.random.default_rng(0).uniform(0.5, 0.9, n_neurons)
    kw = {"n_windows": 8, "dtype": "float32", "n_jobs": n_jobs}
    calls = {}
    for name, config in CONFIGS.items():
        if config is None:
            calls[name] = lambda: nw.kernels.run_nanowire(X, omega, 0.1, **kw)
            continue
        device = Device(**config)
        constants = device.draw(n_neurons, random_state=0)
        calls[name] = (lambda d=device, c=constants:
                       run_nanowire_device(X, omega, 0.1, d, c, random_state=1,
                                           force_device_kernel=True, **kw))
    for fn in calls.values():
        fn()  # warm-up: compilation, thread pool, page faults
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    updates = X.size * n_neurons
    ideal = statistics.median(times["ideal (run_nanowire)"])
    rows = []
    for name, ts in times.items():
        sec = statistics.median(ts)
        rows.append({"kernel": name, "seconds": sec, "gups": updates / sec / 1e9,
                     "ratio_to_ideal": ideal / sec})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=-1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    rows = measure_device(args.cases, args.neurons, args.repeats, args.threads)
    print(f"{'configuration':<42}{'seconds':>9}{'G upd/s':>9}{'vs ideal':>10}")
    for r in rows:
        print(f"{r['kernel']:<42}{r['seconds']:>9.3f}{r['gups']:>9.3f}"
              f"{r['ratio_to_ideal']:>9.0%}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
