"""The ``nanowire-rc`` command: the paper's reproduction and each of its pieces.

    nanowire-rc reproduce [--out DIR] [--quick] [--seeds K] [--jobs J]
    nanowire-rc pulse | heatmap | select | classify | diagnose | forecast | memory-factor | info
    nanowire-rc robustness | calibrate FILE...

Every command checks that its ``--out`` directory takes files before any work, ends on a
library error with ``Error: <message>`` (exit status 1) and on Ctrl-C with one line (exit status
130; ``select`` and ``reproduce`` say where their finished work is stored), never a traceback.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import sys
import tempfile
import time
import warnings
from pathlib import Path

import click
import numpy as np

from . import __version__
from .exceptions import NanowireRCError

OUT_HELP = "Directory the results are written to (created if missing)."
# selection.MODELS' names, written out so that `nanowire-rc --help` need not import the
# estimators (tests/test_cli.py holds the two equal).
MODEL_NAMES = ("nanowire", "tanh", "nanowire-coupled")

out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                          default="results", show_default=True, help=OUT_HELP)
data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False), default=None,
    help="Look for datasets here first (default: NANOWIRE_RC_DATA, then bundled).")
fresh_option = click.option(
    "--fresh", is_flag=True,
    help="Delete OUT/results.sqlite and start over (default: resume, skipping every stored "
         "result).")
_scheduler = click.option(
    "--scheduler", default=None, metavar="tcp://HOST:PORT",
    help="Run on this Dask distributed scheduler (pip install 'nanowire-rc[dask]').")
_scheduler_timeout = click.option(
    "--scheduler-timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
    show_default=True, help="Seconds to try to reach the --scheduler before giving up.")


def scheduler_option(command):
    return _scheduler(_scheduler_timeout(command))


def _make_out(out: Path) -> Path:
    """Create the output directory and check that it takes a file, before any work is done;
    or stop with a message saying why it cannot be used."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise click.ClickException(f"cannot create the output directory {out}: "
                                   f"{err.strerror or err}. Choose another --out.") from None
    # Permission bits do not say it (root ignores them, a read-only mount does not show in
    # them): creating a file does.
    try:
        fd, probe = tempfile.mkstemp(prefix=".nanowire-rc-probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise click.ClickException(f"cannot write to the output directory {out}: "
                                   f"{err.strerror or err}. Nothing was computed; choose "
                                   "another --out.") from None
    return out


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _pulse(out: Path) -> list[Path]:
    from .experiments.pulse import pulse_responses
    from .plotting import plot_pulse_responses

    rows = pulse_responses()
    _write_csv(out / "fig1_pulse.csv", rows)
    return [out / "fig1_pulse.csv", *plot_pulse_responses(rows, out / "fig1_pulse")]


def _heatmap(out: Path) -> list[Path]:
    from .experiments.heatmap import memory_factor_heatmap
    from .plotting import plot_memory_factor_heatmap

    dts, omegas, rho = memory_factor_heatmap()
    rows = [{"dt": dt, "omega": om, "memory_factor": rho[i, j]}
            for i, dt in enumerate(dts) for j, om in enumerate(omegas)]
    _write_csv(out / "fig2_heatmap.csv", rows)
    return [out / "fig2_heatmap.csv", *plot_memory_factor_heatmap(dts, omegas, rho,
                                                                  out / "fig2_heatmap")]


def _load(name: str, split: str, data_dir: str | None):
    from .datasets import load_ucr

    try:
        return load_ucr(name, split, data_dir)
    except NanowireRCError as err:  # not found, unreadable, a name that is a path
        raise click.ClickException(str(err)) from None


def _selection(out: Path, datasets, models, sizes, seeds: int, quick: bool, jobs: int,
               data_dir: str | None, fresh: bool = False, scheduler: str | None = None,
               chunk_size: int | None = None, scheduler_timeout: float = 30.0,
               protocol_name: str = "kfold") -> dict:
    """Run (or resume) the Table-3 selection into OUT/results.sqlite with a progress bar, then
    write the CSV/JSON exports and the figure; return the summary."""
    from tqdm import tqdm

    from .experiments.classification import plan_groups, protocol, run_selection, summarise
    from .plotting import plot_accuracy_bars
    from .store import ResultsStore, StoreError

    for name in dict.fromkeys(datasets):
        _load(name, "train", data_dir)  # a missing dataset is reported before any work starts
    path = out / "results.sqlite"
    try:
        store = ResultsStore(path, protocol(protocol_name), fresh=fresh)
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    bar = tqdm(desc="model selection", unit="piece", file=sys.stderr)

    def progress(kind, n):
        if kind == "total":
            bar.reset(total=n)
        else:
            bar.update(n)

    groups = plan_groups(datasets, models, sizes, seeds)
    try:
        with store, warnings.catch_warnings():
            # A warning is a line of its own above the progress bar, not a source excerpt.
            warnings.showwarning = lambda message, *_: tqdm.write(f"Warning: {message}",
                                                                  file=sys.stderr)
            rows = run_selection(groups, store, quick=quick, jobs=jobs, scheduler=scheduler,
                                 data_dir=data_dir, chunk_size=chunk_size, progress=progress,
                                 connect_timeout=scheduler_timeout,
                                 protocol_name=protocol_name)
            validation = [r for r in store.validation_rows()
                          if (r["dataset"], r["model"], r["n_neurons"], r["seed"]) in groups]
    except KeyboardInterrupt:
        bar.close()
        click.echo(f"\nInterrupted. Everything finished is stored in {path}; run the same "
                   "command again to continue.", err=True)
        sys.exit(130)
    except (NanowireRCError, ConnectionError) as err:
        bar.close()
        raise click.ClickException(str(err)) from None
    bar.close()
    summary = summarise(rows, quick=quick, protocol_name=protocol_name)
    for g in summary["groups"]:
        edges = [s["seed"] for s in g["selected"] if s["alpha_at_edge"]]
        if edges:
            click.echo(f"Note: {g['dataset']} {g['model']} {g['n_neurons']}: the ridge penalty "
                       f"of seed(s) {edges} lies on the edge of the penalty grid; a better one "
                       "may lie beyond it.", err=True)
    keep = ("dataset", "model", "n_neurons", "seed", "test_accuracy", "representation",
            "val_accuracy", "refit_alpha", "config", "memory_factor", "seconds")
    _write_csv(out / "fig3_accuracy.csv", [{k: r[k] for k in keep} for r in rows])
    _write_csv(out / "validation.csv",
               [{k: v for k, v in r.items() if k != "run_id"} for r in validation])
    (out / "fig3_summary.json").write_text(json.dumps(summary, indent=2))
    plot_accuracy_bars(summary["groups"], out / "fig3_accuracy")
    return summary


def _print_table(summary: dict) -> None:
    click.echo(f"\n{'dataset':<18}{'model':<18}{'neurons':>8}  test accuracy")
    for g in summary["groups"]:
        click.echo(f"{g['dataset']:<18}{g['model']:<18}{g['n_neurons']:>8}  "
                   f"{g['test_accuracy_mean']:.4f} ± {g['test_accuracy_std']:.4f} "
                   f"({g['n_seeds']} seed{'s' if g['n_seeds'] > 1 else ''})")


class _Commands(click.Group):
    """The command group: whatever a command raises on purpose ends it with ``Error: ...``
    (exit status 1), Ctrl-C with one line (exit status 130), never with a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NanowireRCError as err:
            raise click.ClickException(str(err)) from None
        except KeyboardInterrupt:
            click.echo("\nInterrupted (Ctrl-C): the command stopped before it finished.",
                       err=True)
            raise click.exceptions.Exit(130) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nanowire-rc")
def main() -> None:
    """Reservoir computing with memristive nanowire neurons."""


@main.command()
@out_option
@click.option("--quick", is_flag=True,
              help="Reduced grid, one seed, sizes 50 and 100: a smoke run of about a minute.")
@click.option("--seeds", type=click.IntRange(min=1), default=None,
              help="Reservoir seeds per (dataset, model, size). [default: 5, or 1 with --quick]")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes for model selection (1: one process, all threads).")
@data_dir_option
@fresh_option
@scheduler_option
def reproduce(out: Path, quick: bool, seeds: int | None, jobs: int, data_dir: str | None,
              fresh: bool, scheduler: str | None, scheduler_timeout: float) -> None:
    """Regenerate every result of the paper into OUT, with REPORT.md.

    Fig. 1 (pulse responses), Fig. 2 (memory-factor heatmap) and Fig. 3 (Table-3 model selection
    for nanowire and leaky-tanh reservoirs at 100, 500 and 1000 neurons on ECG5000 and
    SyntheticControl, test accuracy over several seeds). Results are stored in
    OUT/results.sqlite as they finish: Ctrl-C (or a crash) loses only the work in flight, and
    running the same command again continues where it stopped.
    """
    from .experiments.classification import DATASETS, SIZES
    from .experiments.report import _write_report

    seeds = seeds or (1 if quick else 5)
    _make_out(out)
    seconds, start = {}, time.perf_counter()
    _pulse(out)
    _heatmap(out)
    seconds["figures 1-2"] = time.perf_counter() - start
    start = time.perf_counter()
    sizes = (50, 100) if quick else SIZES
    summary = _selection(out, DATASETS, ("nanowire", "tanh"), sizes, seeds, quick, jobs,
                         data_dir, fresh, scheduler, scheduler_timeout=scheduler_timeout,
                         protocol_name="paper")
    seconds["model selection"] = time.perf_counter() - start
    seconds["total"] = sum(seconds.values())
    command = "nanowire-rc " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "nanowire-rc"
    report = _write_report(out, summary, seconds, {"quick": quick, "seeds": seeds, "jobs": jobs,
                                                  "command": command})
    _print_table(summary)
    click.echo(f"\nWall time {seconds['total']:.1f} s. Report: {report}")


@main.command()
@out_option
def pulse(out: Path) -> None:
    """Pulse responses of single neurons, the paper's first figure (CSV, PNG, PDF)."""
    _make_out(out)
    for p in _pulse(out):
        click.echo(p)


@main.command()
@out_option
def heatmap(out: Path) -> None:
    """Memory-factor map over dt and omega, the paper's second figure (CSV, PNG, PDF).

    dt ranges over [0.01, 1] and omega over [0, 2].
    """
    _make_out(out)
    for p in _heatmap(out):
        click.echo(p)


@main.command()
@click.option("--dataset", "datasets", multiple=True, required=True,
              help="Dataset name (repeatable); any name load_ucr can find.")
@click.option("--model", "models", multiple=True, type=click.Choice(MODEL_NAMES),
              default=("nanowire", "tanh"), show_default=True, help="Model (repeatable).")
@click.option("--size", "sizes", multiple=True, type=click.IntRange(min=1),
              default=(100,), show_default=True, help="Reservoir size (repeatable).")
@click.option("--seeds", type=click.IntRange(min=1), default=1, show_default=True,
              help="Reservoir seeds per (dataset, model, size).")
@click.option("--quick", is_flag=True, help="Reduced grid instead of Table 3's.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes.")
@data_dir_option
@out_option
@fresh_option
@scheduler_option
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Configurations per work piece (default: a few seconds of work each).")
@click.option("--protocol", "protocol_name", type=click.Choice(("kfold", "paper")),
              default="kfold", show_default=True,
              help="kfold: repeated stratified k-fold, penalty chosen with the configuration; "
                   "paper: the paper's single 70/30 split and leave-one-out refit.")
def select(datasets, models, sizes, seeds, quick, jobs, data_dir, out, fresh, scheduler,
           scheduler_timeout, chunk_size, protocol_name) -> None:
    """Table-3 model selection on any datasets, then test accuracy (Fig. 3 for those).

    Resumable: results are stored in OUT/results.sqlite as they finish and a re-run skips them
    (with the same --protocol: a store holds one protocol's results).
    """
    _make_out(out)
    _print_table(_selection(out, datasets, models, sizes, seeds, quick, jobs, data_dir, fresh,
                            scheduler, chunk_size, scheduler_timeout, protocol_name))


@main.command()
@click.option("--dataset", required=True, help="Dataset name (bundled or on disk).")
@click.option("--model", type=click.Choice(MODEL_NAMES), default="nanowire",
              show_default=True)
@click.option("--size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Reservoir size.")
@click.option("--seed", type=int, default=0, show_default=True, help="Reservoir seed.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a hyper-parameter, e.g. --set dt=0.2 --set features=mean.")
@data_dir_option
def classify(dataset, model, size, seed, settings, data_dir) -> None:
    """Fit one classifier (defaults, or --set overrides) and print its test accuracy."""
    from .classifiers import ReservoirClassifier, classification_reservoir
    from .selection import MODELS

    overrides = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        try:
            overrides[name] = json.loads(value)
        except json.JSONDecodeError:
            overrides[name] = value
    clf = ReservoirClassifier(classification_reservoir(MODELS[model], n_neurons=size),
                              random_state=seed)
    own = set(clf.get_params(deep=False))  # the readout's; the rest are the reservoir's
    try:
        clf.set_params(**{k if k in own or "__" in k else f"reservoir__{k}": v
                          for k, v in overrides.items()})
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--set") from None
    X, y = _load(dataset, "train", data_dir)
    X_te, y_te = _load(dataset, "test", data_dir)
    t0 = time.perf_counter()
    try:
        clf.fit(X, y)
    except (ValueError, TypeError) as err:  # invalid or unstable hyper-parameters
        raise click.ClickException(f"cannot fit {type(clf).__name__}: {err}") from None
    t1 = time.perf_counter()
    acc = clf.score(X_te, y_te)
    t2 = time.perf_counter()
    extra = ""
    for name in ("memory_factor_", "contraction_bound_"):
        if hasattr(clf.reservoir_, name):
            extra = f", {name.strip('_').replace('_', ' ')} {getattr(clf.reservoir_, name):.4f}"
    click.echo(f"{dataset} {type(clf.reservoir_).__name__}(n_neurons={size}) + ridge: "
               f"test accuracy {acc:.4f} "
               f"(fit {t1 - t0:.2f} s, predict {t2 - t1:.2f} s, ridge alpha {clf.alpha_:.3g}"
               f"{extra})")


@main.command("memory-factor")
@click.option("--dt", type=float, required=True, help="Time step.")
@click.option("--omega", type=float, default=1.0, show_default=True, help="Input scaling.")
@click.option("--x-lo", type=float, default=0.0, show_default=True, help="Lowest input.")
@click.option("--x-hi", type=float, default=1.0, show_default=True, help="Highest input.")
def memory_factor_cmd(dt, omega, x_lo, x_hi) -> None:
    """Closed-form memory factor of a neuron (Table-2 constants) over an input range."""
    from .stability import memory_factor_range

    try:
        rho = memory_factor_range(x_lo, x_hi, dt, omega)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    verdict = "stable (echo-state property holds)" if rho < 1 else "NOT guaranteed stable"
    click.echo(f"memory factor rho = {rho:.6f}: {verdict}")


@main.command()
@click.option("--model", "models", multiple=True, type=click.Choice(MODEL_NAMES),
              default=MODEL_NAMES, show_default=True, help="Reservoir (repeatable), defaults.")
@click.option("--size", "sizes", multiple=True, type=click.IntRange(min=1), default=(100, 500),
              show_default=True, help="Reservoir size (repeatable).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seeds the reservoirs and the input series.")
@click.option("--max-delay", type=click.IntRange(min=1), default=200, show_default=True,
              help="Largest delay k counted in the memory capacity.")
@out_option
def diagnose(models, sizes, seed, max_delay, out) -> None:
    """Memory capacity and NARMA-10 error of reservoirs side by side (CSV, PNG, PDF).

    Each reservoir uses its default hyper-parameters (float64). Memory capacity: i.i.d. input
    on [-0.8, 0.8], delays 1..MAX_DELAY, 5000 steps. NARMA-10: normalised RMSE of a ridge
    readout, 5000 steps, the last 40% held out.
    """
    from .diagnostics import memory_capacity, narma10_nrmse
    from .plotting import plot_memory_capacity
    from .selection import MODELS

    _make_out(out)
    rows, curves = [], []
    click.echo(f"{'model':<18}{'neurons':>8}{'MC':>8}{'NARMA-10 NRMSE':>16}")
    for model in models:
        for size in sizes:
            reservoir = MODELS[model](n_neurons=size, dtype="float64", random_state=seed)
            mc, mc_k = memory_capacity(reservoir, max_delay=max_delay, random_state=seed)
            nrmse = narma10_nrmse(reservoir, random_state=seed)
            click.echo(f"{model:<18}{size:>8}{mc:>8.2f}{nrmse:>16.3f}")
            rows.append({"model": model, "n_neurons": size, "memory_capacity": mc,
                         "narma10_nrmse": nrmse})
            curves.append({"model": model, "n_neurons": size, "mc": mc, "mc_k": mc_k})
    _write_csv(out / "diagnostics.csv", rows)
    for p in plot_memory_capacity(curves, out / "memory_capacity"):
        click.echo(p)


@main.command()
@click.option("--system", type=click.Choice(("mackey-glass", "lorenz63")),
              default="mackey-glass", show_default=True, help="Series to forecast.")
@click.option("--model", "models", multiple=True, type=click.Choice(MODEL_NAMES),
              default=MODEL_NAMES, show_default=True,
              help="Forecaster (repeatable), with the system's preset hyper-parameters.")
@click.option("--size", type=click.IntRange(min=1), default=200, show_default=True,
              help="Reservoir size.")
@click.option("--train", "n_train", type=click.IntRange(min=10), default=2000,
              show_default=True, help="Training samples.")
@click.option("--test", "n_test", type=click.IntRange(min=1), default=500, show_default=True,
              help="Teacher-forced test samples (one-step NRMSE).")
@click.option("--generate", "n_generate", type=click.IntRange(min=1), default=500,
              show_default=True, help="Closed-loop samples (valid prediction time).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seeds the series and the reservoirs.")
@out_option
def forecast(system, models, size, n_train, n_test, n_generate, seed, out: Path) -> None:
    """Forecast Mackey-Glass or Lorenz-63: one step ahead and in closed loop (CSV, PNG, PDF).

    Each forecaster (the system's preset hyper-parameters, see
    nanowire_rc.experiments.forecasting.PRESETS) is fitted on the first TRAIN samples, then
    scored by the NRMSE of its teacher-forced one-step forecasts of the next TEST samples and
    by the valid prediction time (threshold 0.4; Lyapunov times for Lorenz-63) of GENERATE
    samples generated in closed loop from the end of the training series.
    """
    from .experiments.forecasting import _write_forecast_results, forecast_experiment

    _make_out(out)
    with warnings.catch_warnings():
        # a forecaster left out (no stability guarantee at this size) is one line, not a trace
        warnings.showwarning = lambda message, *_: click.echo(f"Warning: {message}", err=True)
        result = forecast_experiment(system, models, size, n_train, n_test, n_generate, seed)
    click.echo(f"{'model':<18}{'neurons':>8}{'one-step NRMSE':>16}{'valid time':>12}  "
               f"{'fit (s)':>8}")
    for r in result["rows"]:
        note = "  (closed loop diverged)" if r["closed_loop_diverged"] else ""
        click.echo(f"{r['model']:<18}{r['n_neurons']:>8}{r['one_step_nrmse']:>16.3e}"
                   f"{r['valid_time']:>12.2f}  {r['fit_seconds']:>8.2f}{note}")
    click.echo(f"valid time in {result['rows'][0]['valid_time_unit']}")
    for p in _write_forecast_results(result, out):
        click.echo(p)


@main.command()
@click.option("--dataset", "datasets", multiple=True,
              default=("ECG5000", "SyntheticControl"), show_default=True,
              help="Dataset name (repeatable).")
@click.option("--model", "models", multiple=True,
              type=click.Choice(("nanowire", "nanowire-exact", "nanowire-coupled")),
              default=("nanowire", "nanowire-exact", "nanowire-coupled"), show_default=True,
              help="Reservoir (repeatable); nanowire-exact is the exact integrator.")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Reservoir seeds per setting.")
@click.option("--size", type=click.IntRange(min=1), default=100, show_default=True,
              help="Reservoir size.")
@click.option("--quick", is_flag=True,
              help="One seed, 50 neurons, SyntheticControl only: a smoke run.")
@data_dir_option
@out_option
def robustness(datasets, models, seeds, size, quick, data_dir, out) -> None:
    """Test accuracy against device variability, read/state noise, DAC step and ADC bits.

    One factor at a time moves away from the ideal neuron (the defaults of every other
    hyper-parameter, official splits). Writes robustness.csv (every run),
    robustness_summary.csv (mean ± std, change from the ideal device, refused seeds) and
    robustness.png/.pdf.
    """
    from tqdm import tqdm

    from .experiments.robustness import robustness_rows, summarise_robustness
    from .plotting import plot_robustness

    if quick:
        datasets, seeds, size = ("SyntheticControl",), 1, 50
    for name in dict.fromkeys(datasets):
        _load(name, "train", data_dir)
    _make_out(out)
    bar = tqdm(desc="robustness", unit="fit", file=sys.stderr)

    def progress(done, total):
        bar.total = total
        bar.update(done - bar.n)

    rows = robustness_rows(datasets, models, seeds, size, data_dir=data_dir, progress=progress)
    bar.close()
    summary = summarise_robustness(rows)
    _write_csv(out / "robustness.csv", rows)
    _write_csv(out / "robustness_summary.csv", summary)
    paths = plot_robustness(summary, out / "robustness")
    click.echo(f"\n{'dataset':<18}{'model':<18}{'factor':<14}{'level':>7}  accuracy")
    for r in summary:
        acc = (f"{r['accuracy_mean']:.4f} ± {r['accuracy_std']:.4f}" if r["n_ok"]
               else "unstable" if r["n_unstable"] else "unsupported")
        click.echo(f"{r['dataset']:<18}{r['model']:<18}{r['factor']:<14}{r['level']!s:>7}  "
                   f"{acc}")
    for p in [out / "robustness.csv", out / "robustness_summary.csv", *paths]:
        click.echo(p)


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time", "time_col", default="time", show_default=True,
              help="Column of the time stamps (name, or 0-based index).")
@click.option("--voltage", "voltage_col", default="voltage", show_default=True,
              help="Column of the applied voltage (held over the interval ending at the sample).")
@click.option("--conductance", "conductance_col", default="conductance", show_default=True,
              help="Column of the measured conductance.")
@click.option("--delimiter", default=None,
              help="Field separator (default: tab for .tsv/.txt, comma otherwise).")
@click.option("--starts", type=click.IntRange(min=1), default=12, show_default=True,
              help="Starting points of the least-squares fit.")
@click.option("--current", "current_col", default=None,
              help="Column of the current; the conductance is then current / voltage "
                   "(instead of --conductance).")
# calibration.DEFAULT_MAX_SAMPLES, written out so that --help need not import the fit
# (tests/test_faults_calibration.py holds the two equal)
@click.option("--max-samples", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Refuse files with more samples than this (a fit's time grows with them).")
@out_option
def calibrate(files, time_col, voltage_col, conductance_col, delimiter, starts, current_col,
              max_samples, out) -> None:
    """Fit kappa_p0, kappa_d0, eta_p, eta_d, g_min, g_max and h0 to measured traces.

    Each FILE is one trace (UTF-8 CSV/TSV with a header row, or columns by position);
    several files share the constants. Prints each quantity's interval or why it is not
    identifiable, and writes calibration.json (constants, intervals, identifiability, R²,
    RMSE) and calibration.png/.pdf.
    """
    import warnings

    from .calibration import CalibrationError, PoorFitWarning, read_trace
    from .calibration import calibrate as fit_traces
    from .plotting import plot_calibration

    def column(c):
        return int(c) if c.isdigit() else c

    _make_out(out)
    try:
        traces = [read_trace(f, column(time_col), column(voltage_col), column(conductance_col),
                             delimiter, max_samples=max_samples,
                             current_column=None if current_col is None else column(current_col))
                  for f in files]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PoorFitWarning)
            result = fit_traces([t for t, _, _ in traces], [v for _, v, _ in traces],
                                [g for _, _, g in traces], n_starts=starts,
                                max_samples=max_samples)
    except CalibrationError as err:
        raise click.ClickException(str(err)) from None
    for warning in caught:
        click.echo(f"Warning: {warning.message}", err=True)
    summary = {"files": [str(f) for f in files], **result.to_dict()}
    (out / "calibration.json").write_text(json.dumps(summary, indent=2))
    predictions = [result.predict(t, v, h0)
                   for (t, v, _), h0 in zip(traces, result.h0, strict=True)]
    paths = plot_calibration(traces, predictions, result.r2, out / "calibration")
    click.echo(result.summary())
    for path in [out / "calibration.json", *paths]:
        click.echo(path)


@main.command()
def info() -> None:
    """Version, bundled datasets and where the library looks for others."""
    from .datasets import ENV_VAR, list_datasets

    click.echo(f"nanowire-rc {__version__}")
    click.echo(f"datasets found: {', '.join(list_datasets())}")
    click.echo(f"other datasets: put NAME_TRAIN/NAME_TEST .tsv or .ts files under $"
               f"{ENV_VAR}/NAME/ or pass --data-dir")
    click.echo(f"numpy {np.__version__}")


if __name__ == "__main__":
    main()
