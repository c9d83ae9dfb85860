"""Figures of the experiments (the paper's three, robustness, calibration, forecasting).

Every function takes plain data (what the experiment modules return or the CSV files hold) and
writes a PNG and a PDF next to each other; nothing here computes results.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted
import matplotlib.pyplot as plt
import numpy as np

from ._docs import fill

__all__ = [
    "plot_accuracy_bars",
    "plot_calibration",
    "plot_forecasts",
    "plot_memory_capacity",
    "plot_memory_factor_heatmap",
    "plot_pulse_responses",
    "plot_robustness",
]


_SAVED = """\
path_stem : Path
    Output path without suffix.

Returns
-------
list of Path
    The PNG and the PDF written, ``path_stem`` with suffixes ``.png`` and ``.pdf``.
"""


def _legend_below(fig, ax, ncol: int, y: float, **kwargs) -> None:
    """One figure legend, centred below the panels, with ``ax``'s entries."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False,
               bbox_to_anchor=(0.5, y), **kwargs)


def _save(fig, path_stem: Path) -> list[Path]:
    paths = [path_stem.with_suffix(".png"), path_stem.with_suffix(".pdf")]
    for p in paths:
        fig.savefig(p, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return paths


def plot_pulse_responses(rows: Sequence[dict], path_stem: Path) -> list[Path]:
    """Fig. 1: state over time for each dt (left) and each omega (right), pulse shaded.

    Parameters
    ----------
    rows : sequence of dict
        :func:`~nanowire_rc.experiments.pulse.pulse_responses`'s rows.
    {saved}

    Examples
    --------
    >>> from nanowire_rc.experiments.pulse import pulse_responses
    >>> from nanowire_rc.plotting import plot_pulse_responses
    >>> from pathlib import Path
    >>> paths = plot_pulse_responses(pulse_responses(dts=(0.1, 0.5), omegas=(0.5, 1.0)),
    ...                              Path("fig1_pulse"))
    >>> [p.name for p in paths]
    ['fig1_pulse.png', 'fig1_pulse.pdf']
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=False)
    for ax, panel, key, fixed in ((axes[0], "dt", "dt", "omega"),
                                  (axes[1], "omega", "omega", "dt")):
        sel = [r for r in rows if r["panel"] == panel]
        values = sorted({r[key] for r in sel})
        cmap = plt.get_cmap("viridis")
        for i, v in enumerate(values):
            curve = [r for r in sel if r[key] == v]
            ax.plot([r["t"] for r in curve], [r["h"] for r in curve],
                    color=cmap(i / max(len(values) - 1, 1)), label=f"{key} = {v:g}")
        on = [r["t"] for r in sel if r["x"] > 0 and r[key] == values[0]]
        ax.axvspan(min(on) - 0.5, max(on) + 0.5, color="0.9", zorder=0, label="input = 1")
        ax.set(xlabel="time step t", ylabel="state h(t)",
               title=f"varying {key} ({fixed} = {sel[0][fixed]:g})")
        ax.legend(fontsize=7, frameon=False)
    fig.suptitle("Nanowire neuron: response to an input pulse")
    return _save(fig, path_stem)


def plot_memory_factor_heatmap(dts: np.ndarray, omegas: np.ndarray, rho: np.ndarray,
                               path_stem: Path) -> list[Path]:
    """Fig. 2: memory factor over (omega, dt), with the rho = 1 stability boundary.

    Parameters
    ----------
    dts : ndarray of shape (n_dt,)
        Time steps (vertical axis).
    omegas : ndarray of shape (n_omega,)
        Input scalings (horizontal axis).
    rho : ndarray of shape (n_dt, n_omega)
        Memory factor; shown clipped at 2.
    {saved}

    Examples
    --------
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from nanowire_rc.experiments.heatmap import memory_factor_heatmap
    >>> from nanowire_rc.plotting import plot_memory_factor_heatmap
    >>> grid = memory_factor_heatmap(np.linspace(0.01, 1, 20), np.linspace(0, 2, 21))
    >>> [p.name for p in plot_memory_factor_heatmap(*grid, Path("fig2_heatmap"))]
    ['fig2_heatmap.png', 'fig2_heatmap.pdf']
    """
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    shown = np.clip(rho, 0, 2)
    mesh = ax.pcolormesh(omegas, dts, shown, shading="auto", cmap="magma", vmin=0, vmax=2)
    fig.colorbar(mesh, ax=ax, label="memory factor rho (clipped at 2)")
    contour = ax.contour(omegas, dts, rho, levels=[1.0], colors="cyan", linewidths=1.5)
    ax.clabel(contour, fmt={1.0: "rho = 1"}, fontsize=8)
    ax.set(xlabel="input scaling omega", ylabel="time step dt",
           title="Memory factor for inputs in [0, 1] (stable where rho < 1)")
    return _save(fig, path_stem)


def plot_accuracy_bars(groups: Sequence[dict], path_stem: Path) -> list[Path]:
    """Fig. 3: test accuracy (mean ± std over seeds) vs size, nanowire vs tanh, per dataset.

    Parameters
    ----------
    groups : sequence of dict
        The ``"groups"`` of :func:`~nanowire_rc.experiments.classification.summarise`: each
        with ``dataset, model, n_neurons, test_accuracy_mean, test_accuracy_std``.
    {saved}

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.plotting import plot_accuracy_bars
    >>> groups = [{"dataset": "ECG5000", "model": m, "n_neurons": 100,
    ...            "test_accuracy_mean": acc, "test_accuracy_std": 0.001}
    ...           for m, acc in [("nanowire", 0.936), ("tanh", 0.933)]]
    >>> [p.name for p in plot_accuracy_bars(groups, Path("fig3_accuracy"))]
    ['fig3_accuracy.png', 'fig3_accuracy.pdf']
    """
    datasets = sorted({g["dataset"] for g in groups})
    models = sorted({g["model"] for g in groups})
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.5 * len(datasets), 4), squeeze=False)
    width = 0.8 / max(len(models), 1)
    colours = {"nanowire": "tab:blue", "tanh": "tab:orange"}  # as in the paper
    for ax, dataset in zip(axes[0], datasets, strict=True):
        sizes = sorted({g["n_neurons"] for g in groups if g["dataset"] == dataset})
        for i, model in enumerate(models):
            found = {g["n_neurons"]: g for g in groups
                     if g["dataset"] == dataset and g["model"] == model}
            x = np.arange(len(sizes)) + (i - (len(models) - 1) / 2) * width
            mean = [found[s]["test_accuracy_mean"] if s in found else np.nan for s in sizes]
            std = [found[s]["test_accuracy_std"] if s in found else 0 for s in sizes]
            ax.bar(x, mean, width, yerr=std, capsize=3, label=model,
                   color=colours.get(model, None))
            for xi, m in zip(x, mean, strict=True):
                if np.isfinite(m):
                    ax.text(xi, m + 0.005, f"{m:.3f}", ha="center", va="bottom", fontsize=7)
        finite = [g["test_accuracy_mean"] for g in groups if g["dataset"] == dataset]
        ax.set_ylim(max(0.0, min(finite) - 0.1), 1.0)
        ax.set_xticks(np.arange(len(sizes)), [str(s) for s in sizes])
        ax.set(xlabel="reservoir size (neurons)", ylabel="test accuracy", title=dataset)
    _legend_below(fig, axes[0][0], len(models), -0.06)
    fig.suptitle("Test accuracy after Table-3 model selection (mean ± std over seeds)")
    return _save(fig, path_stem)


def plot_memory_capacity(curves: Sequence[dict], path_stem: Path) -> list[Path]:
    """Memory-capacity profiles ``MC_k`` against delay ``k``, one line per reservoir.

    Parameters
    ----------
    curves : sequence of dict
        One per reservoir: ``model`` (str), ``n_neurons`` (int), ``mc`` (float) and ``mc_k``
        (array), as :func:`~nanowire_rc.diagnostics.memory_capacity` computes them.
    {saved}

    Examples
    --------
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from nanowire_rc.plotting import plot_memory_capacity
    >>> mc_k = 0.9 ** np.arange(1, 51)
    >>> curves = [{"model": "nanowire", "n_neurons": 100, "mc": mc_k.sum(), "mc_k": mc_k}]
    >>> [p.name for p in plot_memory_capacity(curves, Path("memory"))]
    ['memory.png', 'memory.pdf']
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    for c in curves:
        k = np.arange(1, len(c["mc_k"]) + 1)
        ax.plot(k, c["mc_k"], label=f"{c['model']}, N={c['n_neurons']} (MC = {c['mc']:.2f})")
    ax.set(xscale="log", xlabel="delay k", ylabel="MC_k (squared correlation)", ylim=(0, 1.02),
           title="Linear memory capacity profile")
    ax.legend(fontsize=8, frameon=False)
    return _save(fig, path_stem)


def plot_robustness(summary: Sequence[dict], path_stem: Path) -> list[Path]:
    """Test accuracy (mean ± std over seeds) against each device factor, per dataset and model.

    The ideal device's accuracy is the dashed line, refused (unstable) levels are crosses.

    Parameters
    ----------
    summary : sequence of dict
        What :func:`~nanowire_rc.experiments.robustness.summarise_robustness` returns.
    {saved}

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.experiments.robustness import summarise_robustness
    >>> from nanowire_rc.plotting import plot_robustness
    >>> rows = [{"dataset": "D", "model": "nanowire", "factor": "variability", "level": lv,
    ...          "seed": 0, "test_accuracy": acc, "status": "ok"}
    ...         for lv, acc in [(0.0, 0.9), (0.1, 0.95)]]
    >>> [p.name for p in plot_robustness(summarise_robustness(rows), Path("robustness"))]
    ['robustness.png', 'robustness.pdf']
    """
    datasets = sorted({r["dataset"] for r in summary})
    factors = list(dict.fromkeys(r["factor"] for r in summary))
    models = list(dict.fromkeys(r["model"] for r in summary))
    fig, axes = plt.subplots(len(datasets), len(factors), squeeze=False,
                             figsize=(3.0 * len(factors), 2.8 * len(datasets)))
    colours = dict(zip(models, ("tab:orange", "tab:red", "tab:green", "tab:blue"), strict=False))
    for i, dataset in enumerate(datasets):
        for j, factor in enumerate(factors):
            ax = axes[i][j]
            for model in models:
                rs = [r for r in summary if r["dataset"] == dataset and r["factor"] == factor
                      and r["model"] == model]
                if not rs:
                    continue
                x = np.arange(len(rs))
                mean = np.array([r["accuracy_mean"] for r in rs], dtype=float)
                std = np.array([r["accuracy_std"] for r in rs], dtype=float)
                ax.errorbar(x, mean, yerr=std, marker="o", ms=3, capsize=2, label=model,
                            color=colours.get(model))
                bad = [k for k, r in enumerate(rs) if r["n_unstable"]]
                ax.plot(bad, [ax.get_ylim()[0]] * len(bad), "x", color=colours.get(model))
                ideal = [r["accuracy_mean"] - r["change_vs_ideal"] for r in rs]
                if np.isfinite(ideal[0]):
                    ax.axhline(ideal[0], ls="--", lw=0.8, color=colours.get(model))
                ax.set_xticks(x, [str(r["level"]) for r in rs], fontsize=7)
            ax.set_xlabel(factor.replace("_", " "), fontsize=8)
            if j == 0:
                ax.set_ylabel(f"{dataset}\ntest accuracy", fontsize=8)
            ax.tick_params(labelsize=7)
    _legend_below(fig, axes[0][0], len(models), -0.04, fontsize=8)
    fig.suptitle("Robustness to device non-idealities (dashed: ideal device; x: refused, "
                 "memory factor >= 1)", fontsize=9)
    fig.tight_layout()
    return _save(fig, path_stem)


def plot_calibration(traces: Sequence[tuple], predictions: Sequence[np.ndarray], r2: float,
                     path_stem: Path) -> list[Path]:
    """Measured conductance (dots) and the calibrated model (line) over time, voltage below.

    Parameters
    ----------
    traces : sequence of tuple
        ``(time, voltage, conductance)`` arrays per trace.
    predictions : sequence of ndarray
        The model's conductance at the same time stamps, per trace.
    r2 : float
        Coefficient of determination of the fit, shown in the title.
    {saved}

    Examples
    --------
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from nanowire_rc import NanowireParams
    >>> from nanowire_rc.calibration import simulate_trace
    >>> from nanowire_rc.plotting import plot_calibration
    >>> t = np.linspace(0.0, 60.0, 61)
    >>> v = np.where(t <= 20, 1.0, 0.0)
    >>> g = simulate_trace(t, v, NanowireParams())
    >>> [p.name for p in plot_calibration([(t, v, g)], [g], 1.0, Path("calibration"))]
    ['calibration.png', 'calibration.pdf']
    """
    fig, (ax, av) = plt.subplots(2, 1, figsize=(7, 4.6), sharex=True,
                                 gridspec_kw={"height_ratios": [3, 1]})
    for k, ((t, v, g), p) in enumerate(zip(traces, predictions, strict=True)):
        ax.plot(t, g, ".", ms=3, color="0.5", label="data" if k == 0 else None)
        ax.plot(t, p, "-", lw=1.4, color="tab:orange", label="fit" if k == 0 else None)
        av.step(t, v, where="pre", lw=1, color="tab:blue")
    ax.set_ylabel("conductance")
    ax.set_title(f"Calibration of the rate equation (R² = {r2:.4f})")
    ax.legend(frameon=False, fontsize=8)
    av.set_ylabel("voltage")
    av.set_xlabel("time")
    return _save(fig, path_stem)


def plot_forecasts(result: dict, path_stem: Path, channel: int = 0) -> list[Path]:
    """One row per model: one-step forecast (left) and closed loop (right) over the truth.

    Parameters
    ----------
    result : dict
        :func:`~nanowire_rc.experiments.forecasting.forecast_experiment`'s output.
    path_stem : Path
        Output path without suffix.
    channel : int, default 0
        Channel drawn (Lorenz-63 has three).

    Returns
    -------
    list of Path
        The PNG and the PDF written, ``path_stem`` with suffixes ``.png`` and ``.pdf``.

    Examples
    --------
    >>> from nanowire_rc.experiments.forecasting import forecast_experiment
    >>> from nanowire_rc.plotting import plot_forecasts
    >>> result = forecast_experiment("lorenz63", models=("tanh",), n_neurons=20, n_train=300,
    ...                              n_test=50, n_generate=50)
    >>> [p.name for p in plot_forecasts(result, "lorenz", channel=2)]
    ['lorenz.png', 'lorenz.pdf']
    """
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


# path_stem and Returns read alike in every figure but plot_forecasts (whose channel comes after)
for _plot in (plot_accuracy_bars, plot_calibration, plot_memory_capacity,
              plot_memory_factor_heatmap, plot_pulse_responses, plot_robustness):
    fill(saved=_SAVED)(_plot)
del _plot
