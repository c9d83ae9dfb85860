"""
Real devices: presets, variability, noise and calibration
=========================================================

Every neuron of the ideal model is identical, noiseless and read with infinite precision; a
physical nanowire memristor is not. :class:`~nanowire_rc.device.Device` describes how it
departs from the ideal neuron (device-to-device spread of every constant, read and state noise,
DAC and ADC quantisation, the conductance window); every nanowire reservoir and classifier
takes it as ``device=``. :func:`~nanowire_rc.calibration.calibrate` fits the model's constants to
measured conductance traces. See also the "Real devices" page of this documentation.
"""

# %%
# Presets of the physical constants
# ---------------------------------
# :data:`~nanowire_rc.device.TABLE2` holds the paper's constants (the defaults);
# :data:`~nanowire_rc.device.MILANO2021_RESERVOIR` and :data:`~nanowire_rc.device.MILANO2021_PULSE`
# those of Milano et al. (Nature Materials, 2022) for their reservoir experiments and for a fit
# to a measured pulse response. Their equilibrium states ``h*(v)`` switch at very different
# voltages.
import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.calibration import simulate_trace
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.device import PRESETS

v = np.linspace(-0.5, 2.0, 300)
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for name, params in PRESETS.items():
    print(f"{name:22s} {params}")
    ax.plot(v, nw.physics.fixed_point(v, params), label=name)
ax.set_xlabel("voltage v")
ax.set_ylabel("fixed point h*(v)")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()

# %%
# Device-to-device variability and the memory factor
# --------------------------------------------------
# ``variability`` spreads every constant across neurons (log-normal rates, normal
# sensitivities); :meth:`~nanowire_rc.device.Device.draw` draws one set per neuron and
# :func:`~nanowire_rc.device.device_memory_factor` gives each neuron's memory factor. A spread
# of ``eta_p`` pushes some neurons towards instability first, and a reservoir refuses a draw
# whose worst neuron has ``rho >= 1`` (with the Euler update; the exact integrator, the
# physical device's own dynamics, always contracts).
device = nw.Device(variability=0.1)
constants = device.draw(500, random_state=0)
rho = nw.device.device_memory_factor(0.0, 1.0, dt=0.1, constants=constants)
print(f"ideal neuron: rho = {nw.memory_factor_range(0, 1, 0.1):.4f}; 500 devices with 10 % "
      f"spread: rho from {rho.min():.4f} to {rho.max():.4f}, {np.sum(rho >= 1)} of them >= 1")
exact = nw.device.device_memory_factor(0.0, 1.0, dt=0.1, constants=constants, method="exact")
print(f"the exact integrator contracts on every device: largest rho {exact.max():.4f}")

fig, (ax_eta, ax_rho) = plt.subplots(1, 2, figsize=(9, 3.2))
ax_eta.hist(constants.eta_p, bins=30)
ax_eta.set_xlabel("eta_p of each device")
ax_rho.hist(rho, bins=30)
ax_rho.axvline(1.0, color="k", ls="--", lw=0.8)
ax_rho.set_xlabel("memory factor of each device (dt = 0.1)")
fig.tight_layout()

# %%
# What noise costs a classifier
# -----------------------------
# Read noise (relative to the conductance window) acts on the features only and leaves the
# stability guarantee intact; it still costs accuracy. ``Device()`` with everything off is the
# ideal neuron, bit for bit.
X_train, y_train = nw.load_ucr("SyntheticControl", "train")
X_test, y_test = nw.load_ucr("SyntheticControl", "test")
levels = (0.0, 0.003, 0.01, 0.03)
accuracy = []
for level in levels:
    reservoir = classification_reservoir(nw.NanowireReservoir, n_neurons=100, method="exact",
                                         device=nw.Device(read_noise=level, adc_bits=8))
    clf = nw.NanowireClassifier(reservoir, random_state=0)
    accuracy.append(clf.fit(X_train, y_train).score(X_test, y_test))
    print(f"read noise {level:5.3f}, 8-bit ADC: test accuracy {accuracy[-1]:.3f}")

fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(levels, accuracy, "o-")
ax.set_xlabel("read noise (fraction of the conductance window)")
ax.set_ylabel("test accuracy")
fig.tight_layout()

# %%
# Calibrating the model to a measured trace
# -----------------------------------------
# A synthetic "measurement": a staircase of 0.5, 0.8 and 1.1 V, then relaxation at 0 V, sampled
# at random times, in siemens, with 1 % read noise. :func:`~nanowire_rc.calibration.calibrate`
# fits the four rate constants, the conductance window and the initial state (exact solution
# between samples, robust least squares) and gives confidence intervals.
rng = np.random.default_rng(1)
t = np.sort(np.r_[0.0, rng.uniform(0, 120, 400)])
volts = np.select([t <= 30, t <= 60, t <= 90], [0.5, 0.8, 1.1], 0.0)
truth = nw.NanowireParams()
g = simulate_trace(t, volts, truth, g_min=1e-4, g_max=5e-4, h0=0.05)
g_measured = g + 0.01 * 4e-4 * rng.standard_normal(g.size)

fit = nw.calibrate(t, volts, g_measured)
print(f"R^2 = {fit.r2:.5f}")
for name in ("kappa_p0", "kappa_d0", "eta_p", "eta_d"):
    low, high = fit.intervals[name]
    print(f"{name:9s} true {getattr(truth, name):8.3g}  fitted {getattr(fit.params, name):8.3g}"
          f"  95 % interval [{low:.3g}, {high:.3g}]")

fig, (ax, av) = plt.subplots(2, 1, figsize=(7, 4.2), sharex=True,
                             gridspec_kw={"height_ratios": [3, 1]})
ax.plot(t, g_measured * 1e6, ".", ms=3, color="0.5", label="measured")
ax.plot(t, fit.predict(t, volts) * 1e6, color="tab:orange", label="calibrated model")
ax.set_ylabel("conductance (uS)")
ax.legend(frameon=False)
av.step(t, volts, where="pre")
av.set_ylabel("voltage")
av.set_xlabel("time")
fig.tight_layout()
plt.show()
