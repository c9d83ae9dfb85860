"""Forecasting experiment behind ``nanowire-rc forecast``: one-step and closed-loop forecasts.

For a benchmark system (Mackey–Glass or Lorenz-63) and each chosen reservoir, fit a forecaster
on the first ``n_train`` samples, then

- **one-step**: teacher-forced forecasts of the next ``n_test`` samples (NRMSE against truth);
- **closed loop**: ``generate`` ``n_generate`` samples from the end of the training series,
  feeding each forecast back (valid prediction time, threshold 0.4; Lyapunov times for Lorenz-63).

:func:`forecast_experiment` returns plain data; :func:`_write_forecast_results` writes the table
(CSV), the forecast series (CSV) and the figures (PNG + PDF, drawn by
:mod:`nanowire_rc.plotting`).
"""

from __future__ import annotations

import csv
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..exceptions import InvalidArgumentError, InvalidParameterError, UnstableReservoirError
from ..forecasting import (
    ClosedLoopDivergenceWarning,
    CoupledNanowireForecaster,
    EchoStateForecaster,
    NanowireForecaster,
)
from ..generators import LORENZ63_LYAPUNOV_EXPONENT, lorenz63, mackey_glass
from ..metrics import nrmse, valid_prediction_time

__all__ = ["FORECAST_MODELS", "PRESETS", "SYSTEMS", "forecast_experiment"]

SYSTEMS = ("mackey-glass", "lorenz63")
FORECAST_MODELS = {
    "nanowire": NanowireForecaster,
    "nanowire-coupled": CoupledNanowireForecaster,
    "tanh": EchoStateForecaster,
}

#: Reservoir hyper-parameters per system and model (set on the forecaster's default
#: reservoir), from the searches of benchmarks/bench_forecasting.py
#: (Mackey-Glass nanowire: a wider sweep). The coupled forecaster runs its defaults, chosen by
#: validation on training segments of several systems (docs/forecasting.md), certified.
PRESETS = {
    "mackey-glass": {
        "nanowire": {"method": "exact", "dt": 2.0, "input_scaling": 0.8,
                     "input_scaling_spread": 0.8},
        "nanowire-coupled": {},
        "tanh": {"leak_rate": 1.0, "spectral_radius": 0.9, "input_scaling": 1.0},
    },
    "lorenz63": {
        "nanowire": {"method": "euler", "dt": 2.0, "input_scaling": 0.5,
                     "input_scaling_spread": 0.3},
        "nanowire-coupled": {},
        "tanh": {"leak_rate": 1.0, "spectral_radius": 0.9, "input_scaling": 1.0},
    },
}

# Time step of one sample, and the Lyapunov exponent used for the valid time (None: time units).
_TIME = {"mackey-glass": (1.0, None), "lorenz63": (0.02, LORENZ63_LYAPUNOV_EXPONENT)}


def _make_series(system: str, n_steps: int, random_state=0) -> np.ndarray:
    """The benchmark series of a system, time first: Mackey–Glass (tau 17, a transient of 500
    samples dropped, a seeded perturbation of the initial history), shape (n_steps,); Lorenz-63
    (dt 0.02, a seeded start), shape (n_steps, 3).
    """
    if system == "mackey-glass":
        return mackey_glass(n_steps, discard=500, history_noise=0.01, random_state=random_state)
    if system == "lorenz63":
        return lorenz63(n_steps, dt=0.02, random_state=random_state)
    raise InvalidParameterError(f"system must be one of {SYSTEMS}, got {system!r}")


def forecast_experiment(system: str = "mackey-glass",
                        models: Sequence[str] = tuple(FORECAST_MODELS), n_neurons: int = 200,
                        n_train: int = 2000, n_test: int = 500, n_generate: int = 500,
                        random_state: int = 0) -> dict:
    """Fit each model on one series and forecast one step ahead and in closed loop.

    Parameters
    ----------
    system : {"mackey-glass", "lorenz63"}
        The benchmark system (:func:`_make_series`).
    models : sequence of {"nanowire", "nanowire-coupled", "tanh"}
        The forecasters, each with its ``PRESETS`` hyper-parameters.
    n_neurons : int
        Reservoir size of every model.
    n_train, n_test, n_generate : int
        Training samples; teacher-forced test samples; closed-loop samples.
    random_state : int
        Seeds the series and the reservoirs.

    Returns
    -------
    dict
        ``rows``: one dict per model (``model, n_neurons, one_step_nrmse, valid_time,
        valid_time_unit, fit_seconds, alpha``); ``truth``: the test series
        (max(n_test, n_generate), n_channels); ``one_step`` and ``closed_loop``: per model,
        arrays of n_test and n_generate rows; ``system``, ``dt``, ``lyapunov_exponent``.

    Raises
    ------
    ValueError
        If a model is unknown or a length is below 1.
    InvalidArgumentError
        If ``n_train`` is too short for a model's washout and horizon; before any work.
    UnstableReservoirError
        If no model has its stability guarantee at this size (one that lacks it is left out,
        with a warning, and the others run).

    Examples
    --------
    >>> from nanowire_rc.experiments.forecasting import forecast_experiment
    >>> result = forecast_experiment("mackey-glass", models=("nanowire",), n_neurons=20,
    ...                              n_train=300, n_test=50, n_generate=50)
    >>> row = result["rows"][0]
    >>> row["model"], bool(row["one_step_nrmse"] < 0.5), result["closed_loop"]["nanowire"].shape
    ('nanowire', True, (50, 1))
    """
    unknown = [m for m in models if m not in FORECAST_MODELS]
    if unknown or not models:
        raise InvalidParameterError(
            f"models must be among {tuple(FORECAST_MODELS)}, got {list(models)}")
    for name, value in (("n_train", n_train), ("n_test", n_test), ("n_generate", n_generate)):
        if int(value) < 1:
            raise InvalidParameterError(f"{name} must be >= 1, got {value}")
    forecasters = {}
    for name in models:
        cls = FORECAST_MODELS[name]
        reservoir = cls._default_reservoir().set_params(n_neurons=n_neurons,
                                                        **PRESETS[system][name])
        forecasters[name] = cls(reservoir, random_state=random_state)
    # A readout is fitted on what follows the washout, and needs two samples there at least.
    need = max(f.washout + f.horizon + 2 for f in forecasters.values())
    if n_train < need:
        raise InvalidArgumentError(
            f"n_train={n_train} training samples are too few: the forecasters drop a washout "
            f"of {max(f.washout for f in forecasters.values())} samples and fit their readout "
            f"on what follows, so they need at least washout + horizon + 2 = {need} (--train "
            f"{need} or more on the command line).")
    n_after = max(n_test, n_generate)
    y = _make_series(system, n_train + n_after, random_state)
    Y = y if y.ndim == 2 else y[:, None]
    train, truth = Y[:n_train], Y[n_train:]
    scale = train.std(axis=0)
    dt, lyap = _TIME[system]
    rows, one_step, closed = [], {}, {}
    for name, model in forecasters.items():
        start = time.perf_counter()
        try:
            model.fit(train)
        except UnstableReservoirError as err:  # e.g. the coupled defaults on very few neurons
            warnings.warn(f"{name} is left out: {err}", UserWarning, stacklevel=2)
            continue
        fit_seconds = time.perf_counter() - start
        pred = model.predict(Y[: n_train + n_test])[n_train - 1:-1]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ClosedLoopDivergenceWarning)
            gen = model.generate(n_generate).reshape(n_generate, -1)
        diverged = any(issubclass(w.category, ClosedLoopDivergenceWarning) for w in caught)
        one_step[name], closed[name] = pred, gen
        rows.append({
            "model": name, "n_neurons": n_neurons,
            "one_step_nrmse": nrmse(truth[:n_test], pred, scale=scale),
            "valid_time": valid_prediction_time(truth[:n_generate], gen, dt=dt, scale=scale,
                                                lyapunov_exponent=lyap),
            "valid_time_unit": "Lyapunov times" if lyap else "time units",
            "closed_loop_diverged": diverged,
            "fit_seconds": fit_seconds, "alpha": model.alpha_,
        })
    if not rows:
        raise UnstableReservoirError(
            f"no forecaster has its stability guarantee at n_neurons={n_neurons}: use more "
            "neurons")
    return {"system": system, "dt": dt, "lyapunov_exponent": lyap, "rows": rows, "truth": truth,
            "one_step": one_step, "closed_loop": closed}


def _write_forecast_results(result: dict, out: Path) -> list[Path]:
    """Write ``forecast_<system>.csv`` (table), ``forecast_<system>_series.csv`` and the figures
    (PNG and PDF) of a :func:`forecast_experiment` result into ``out``; return their paths.
    """
    from ..plotting import plot_forecasts

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"forecast_{result['system'].replace('-', '_')}"
    table = out / f"{stem}.csv"
    with open(table, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(result["rows"][0]))
        writer.writeheader()
        writer.writerows(result["rows"])
    series = out / f"{stem}_series.csv"
    truth = result["truth"]
    n_ch = truth.shape[1]
    header = ["t"] + [f"truth_{c}" for c in range(n_ch)]
    cols = [np.arange(len(truth)) * result["dt"]] + [truth[:, c] for c in range(n_ch)]
    for kind in ("one_step", "closed_loop"):
        for name, arr in result[kind].items():
            arr = arr if arr.ndim == 2 else arr[:, None]
            padded = np.full((len(truth), n_ch), np.nan)
            padded[: len(arr)] = arr
            header += [f"{name}_{kind}_{c}" for c in range(n_ch)]
            cols += [padded[:, c] for c in range(n_ch)]
    np.savetxt(series, np.column_stack(cols), delimiter=",", header=",".join(header),
               comments="")
    return [table, series, *plot_forecasts(result, out / stem)]
