"""Figures of the forecasting experiment: forecasts against truth, drawn from its data.

Like :mod:`nanowire_rc.plotting`, every function takes plain data (what
:func:`nanowire_rc.experiments.forecasting.forecast_experiment` returns) and writes a PNG and a
PDF next to each other; nothing here computes results.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_forecasts"]


def _save(fig, path_stem: Path) -> list[Path]:
    paths = [path_stem.with_suffix(".png"), path_stem.with_suffix(".pdf")]
    for p in paths:
        fig.savefig(p, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return paths


def plot_forecasts(result: dict, path_stem: Path, channel: int = 0) -> list[Path]:
    """One row per model: one-step forecast (left) and closed loop (right) over the truth."""
    models = [r["model"] for r in result["rows"]]
    stats = {r["model"]: r for r in result["rows"]}
    truth = result["truth"][:, channel]
    dt = result["dt"]
    fig, axes = plt.subplots(len(models), 2, figsize=(12, 2.4 * len(models)), squeeze=False,
                             sharex="col")
    for i, name in enumerate(models):
        for j, kind in enumerate(("one_step", "closed_loop")):
            ax = axes[i, j]
            pred = np.asarray(result[kind][name])
            pred = pred[:, channel] if pred.ndim == 2 else pred
            t = np.arange(len(pred)) * dt
            ax.plot(t, truth[: len(pred)], color="0.3", lw=1.2, label="truth")
            ax.plot(t, pred, color="C1" if j else "C0", lw=1.0, ls="--", label="forecast")
            r = stats[name]
            title = (f"{name}: one-step NRMSE {r['one_step_nrmse']:.2e}" if j == 0 else
                     f"{name}: closed loop, valid {r['valid_time']:.3g} {r['valid_time_unit']}")
            ax.set_title(title, fontsize=9)
            if j == 1 and np.isfinite(r["valid_time"]):
                lyap = result.get("lyapunov_exponent")
                limit = r["valid_time"] / lyap if lyap else r["valid_time"]
                ax.axvline(limit, color="C3", lw=0.8, ls=":")
            if i == len(models) - 1:
                ax.set_xlabel("time")
    axes[0, 0].legend(loc="upper right", fontsize=8)
    fig.suptitle(f"{result['system']}: forecasts against truth (channel {channel})")
    fig.tight_layout()
    return _save(fig, Path(path_stem))
