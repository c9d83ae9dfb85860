"""
Forecasting chaotic series
==========================

The forecasters of :mod:`nanowire_rc.forecasting` predict a series from the reservoir's state:
``fit(y)`` drives the reservoir with the (min–max scaled) series and fits a ridge readout from
the state at ``t`` to ``y[t + 1]``; ``predict(y)`` gives teacher-forced one-step forecasts;
``generate(n)`` runs the closed loop, feeding every forecast back as the next input. The
benchmark series come from :mod:`nanowire_rc.generators`, the scores from
:mod:`nanowire_rc.metrics`. Sizes are small here (100 neurons, 1500 training samples) so that
the example runs in seconds.
"""

# %%
# Mackey–Glass, one step ahead
# ----------------------------
# The delay equation with ``tau = 17``, sampled once per time unit. A bank of first-order
# filters (the uncoupled nanowire reservoir) holds a 17-step delay poorly; every forecaster's
# readout therefore also sees a delay line of the input (``n_delays=12``, ``delay_step=2``), and
# decides on the training series alone whether the quadratic monomials of those copies help its
# closed loop (``quadratic="auto"``). The coupled preset runs its default reservoir, chosen by
# validation on several systems and certified by the weighted contraction bound.
import warnings

import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.forecasting import ClosedLoopDivergenceWarning
from nanowire_rc.generators import LORENZ63_LYAPUNOV_EXPONENT, lorenz63, mackey_glass
from nanowire_rc.metrics import nrmse, prediction_error_curve, valid_prediction_time

# A forecaster composes a reservoir (its hyper-parameters) with a readout (its own): float64
# states, and one thread (fastest for one series).
FLOAT64_ONE_THREAD = {"dtype": "float64", "n_jobs": 1}
y = mackey_glass(2000, discard=500)
train, test = y[:1500], y[1500:]
models = {
    "nanowire (exact, dt = 2)": nw.ReservoirForecaster(
        nw.NanowireReservoir(n_neurons=100, method="exact", dt=2.0, **FLOAT64_ONE_THREAD),
        random_state=0),
    "coupled nanowire (preset)": nw.forecasting.CoupledNanowireForecaster(random_state=0),
    "tanh ESN": nw.ReservoirForecaster(
        nw.LeakyTanhReservoir(n_neurons=100, leak_rate=1.0, connectivity="sparse",
                              **FLOAT64_ONE_THREAD), random_state=0),
}
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.plot(np.arange(200), test[1:201], "k", lw=1.5, label="truth")
for name, model in models.items():
    model.fit(train)
    pred = model.predict(y)[1500:-1]  # row t forecasts y[t + 1]
    print(f"{name:26s} one-step NRMSE {nrmse(test[1:], pred):.4f}  monomials: {model.quadratic_}")
    ax.plot(np.arange(200), pred[:200], lw=1, ls="--", label=name)
ax.set_xlabel("time step after the training series")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()

# %%
# Closed loop on Lorenz-63
# ------------------------
# In closed loop a forecaster has to reproduce the dynamics on its own. The *valid prediction
# time* is how long the normalised error stays below 0.4, in Lyapunov times (one Lyapunov time
# is 1 / 0.9056 time units for Lorenz-63). ``generate`` warns
# (:class:`~nanowire_rc.forecasting.ClosedLoopDivergenceWarning`) if the loop leaves the range
# of the training data.
xyz = lorenz63(2600, dt=0.02, random_state=0)
train, test = xyz[:2000], xyz[2000:]
scale = train.std(axis=0)
forecasters = {
    "nanowire": nw.ReservoirForecaster(
        nw.NanowireReservoir(n_neurons=100, dt=2.0, input_scaling=0.5, input_scaling_spread=0.3,
                             **FLOAT64_ONE_THREAD), random_state=0),
    "tanh ESN": nw.ReservoirForecaster(
        nw.LeakyTanhReservoir(n_neurons=100, leak_rate=1.0, connectivity="sparse",
                              **FLOAT64_ONE_THREAD), random_state=0),
}
fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
t = np.arange(len(test)) * 0.02 * LORENZ63_LYAPUNOV_EXPONENT
axes[0].plot(t, test[:, 0], "k", lw=1.5, label="truth")
for name, model in forecasters.items():
    model.fit(train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ClosedLoopDivergenceWarning)
        free = model.generate(len(test))
    valid = valid_prediction_time(test, free, dt=0.02, scale=scale,
                                  lyapunov_exponent=LORENZ63_LYAPUNOV_EXPONENT)
    print(f"{name:9s} valid prediction time {valid:.2f} Lyapunov times"
          + (" (diverged)" if caught else ""))
    axes[0].plot(t, free[:, 0], lw=1, ls="--", label=name)
    axes[1].semilogy(t, prediction_error_curve(test, free, scale=scale), label=name)
axes[0].set_ylabel("x")
axes[0].legend(frameon=False, fontsize=8)
axes[1].axhline(0.4, color="k", lw=0.8, ls=":")
axes[1].set_ylabel("normalised error")
axes[1].set_xlabel("Lyapunov times")
fig.tight_layout()

# %%
# Regression: a value per series
# ------------------------------
# :class:`~nanowire_rc.regression.ReservoirRegressor` maps whole series to values with the
# classifiers' pooled features. Here it learns each SyntheticControl series' overall trend.
X, _ = nw.load_ucr("SyntheticControl", "train")
trend = X[:, -10:].mean(axis=1) - X[:, :10].mean(axis=1)
reg = nw.ReservoirRegressor(nw.NanowireReservoir(n_neurons=100), random_state=0)
reg.fit(X[:200], trend[:200])
print(f"trend regression, R^2 on 100 held-out series: {reg.score(X[200:], trend[200:]):.3f}")
plt.show()
