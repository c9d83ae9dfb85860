"""
One neuron: rates, fixed point and the response to a pulse
==========================================================

A nanowire memristor's normalised conductance ``h`` rises under a voltage (potentiation, rate
``k_p``) and relaxes back when it goes (depression, rate ``k_d``):
``dh/dt = k_p(V) (1 - h) - k_d(V) h``. The neuron of :mod:`nanowire_rc.physics` is its
discretisation with time step ``dt`` and input ``V = omega x``. This example looks at the two
rates, the equilibrium they set, and the neuron's answer to a rectangular input pulse (the
paper's Fig. 1).
"""

# %%
# Rates and fixed point
# ---------------------
# With the paper's constants (Table 2) potentiation is negligible at 0 V and takes over above
# about 0.6 V. The total rate ``S = k_p + k_d`` sets how fast the state moves; it is smallest at
# ``v_star``. Under a constant voltage the state settles at ``h* = k_p / S``.
import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.experiments.pulse import pulse_input, pulse_responses

params = nw.NanowireParams()  # Table 2: kappa_p0 = 1e-4, kappa_d0 = 0.5, eta_p = 10, eta_d = 1
v = np.linspace(0.0, 1.2, 200)
k_p, k_d = nw.physics.rates(v, params)

fig, (ax_rates, ax_fixed) = plt.subplots(1, 2, figsize=(9, 3.5))
ax_rates.semilogy(v, k_p, label="k_p (potentiation)")
ax_rates.semilogy(v, k_d, label="k_d (depression)")
ax_rates.semilogy(v, nw.physics.total_rate(v, params), "k--", label="S = k_p + k_d")
ax_rates.axvline(params.v_star, color="0.6", lw=0.8)
ax_rates.set_xlabel("voltage v")
ax_rates.set_ylabel("rate (per time unit)")
ax_rates.legend(frameon=False)
ax_fixed.plot(v, nw.physics.fixed_point(v, params))
ax_fixed.set_xlabel("voltage v")
ax_fixed.set_ylabel("fixed point h*")
fig.tight_layout()
print(f"S is smallest at v* = {params.v_star:.3f} V")

# %%
# The response to a pulse
# -----------------------
# :func:`~nanowire_rc.physics.simulate` drives neurons with one input series; an array of input
# scalings gives one neuron per scaling. The input is 1 for ten steps and 0 otherwise
# (:func:`~nanowire_rc.experiments.pulse.pulse_input`). A larger scaling potentiates faster and
# further; after the pulse every neuron relaxes at the same depression rate.
x = pulse_input(100, start=30, stop=40)
omegas = np.array([0.3, 0.6, 0.9, 1.2])
h = nw.simulate(x, dt=0.1, omega=omegas, params=params)  # shape (100, 4)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.axvspan(29.5, 39.5, color="0.92", label="input = 1")
for i, omega in enumerate(omegas):
    ax.plot(h[:, i], label=f"omega = {omega:g}")
ax.set_xlabel("time step t")
ax.set_ylabel("state h(t)")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()

# %%
# Euler or exact?
# ---------------
# The paper's neuron is the forward-Euler step ``h + dt (k_p - S h)``; ``method="exact"`` solves
# the equation exactly for an input held over the step. For a small ``dt`` they agree; for a
# large one the Euler step overshoots where ``dt S > 1`` (here ``0.6 * S(1 V) = 1.43``: the state
# leaves [0, 1] and oscillates) while the exact one stays in [0, 1] for any ``dt``.
# :func:`~nanowire_rc.experiments.pulse.pulse_responses` computes the paper's Fig. 1 curves.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
for ax, dt in zip(axes, (0.1, 0.6), strict=True):
    for method in ("euler", "exact"):
        ax.plot(nw.simulate(x, dt, omega=1.0, method=method), label=method)
    ax.set_title(f"omega = 1, dt = {dt}")
    ax.set_xlabel("time step t")
    ax.legend(frameon=False)
axes[0].set_ylabel("state h(t)")
fig.tight_layout()

rows = pulse_responses(dts=(0.05, 0.1, 0.5), omegas=(0.5, 1.0))
print(f"{len(rows)} rows (panel, dt, omega, t, x, h) for the Fig. 1 curves")
plt.show()
