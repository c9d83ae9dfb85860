"""
When is the neuron stable? The memory factor
============================================

Two copies of the neuron driven by the same input, started from different states, differ after
one step by the factor ``|1 - dt S(omega x)|``. If the largest such factor, the *memory
factor* ``rho``, is below 1, they converge whatever the input: the reservoir forgets its initial
state and has the echo-state property (the paper's Theorem 3.1). Because ``S`` is convex,
``rho`` over a whole input range has a closed form (:mod:`nanowire_rc.stability`), so model
selection can discard unstable configurations before simulating anything.
"""

# %%
# The memory factor over (input scaling, time step)
# -------------------------------------------------
# :func:`~nanowire_rc.experiments.heatmap.memory_factor_heatmap` evaluates the closed form
# (:func:`~nanowire_rc.stability.memory_factor_range`) on a grid in one broadcast call, for
# inputs in [0, 1]. The neuron is stable below the ``rho = 1`` line: a larger time step needs a
# smaller input scaling, because potentiation grows exponentially with the voltage.
import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.experiments.grids import configurations
from nanowire_rc.experiments.heatmap import memory_factor_heatmap

dts, omegas, rho = memory_factor_heatmap(np.linspace(0.01, 1.0, 100), np.linspace(0, 2, 101))

fig, ax = plt.subplots(figsize=(6.5, 4.5))
mesh = ax.pcolormesh(omegas, dts, np.clip(rho, 0, 2), cmap="magma", vmin=0, vmax=2,
                     shading="auto")
fig.colorbar(mesh, ax=ax, label="memory factor rho (clipped at 2)")
ax.contour(omegas, dts, rho, levels=[1.0], colors="cyan")
ax.set_xlabel("input scaling omega")
ax.set_ylabel("time step dt")
ax.set_title("Stable where rho < 1 (cyan line: rho = 1)")
print(f"rho(dt=0.1, omega=1) = {nw.memory_factor_range(0.0, 1.0, dt=0.1, omega=1.0):.5f}")

# %%
# The closed form is exact
# ------------------------
# For a given signal, :func:`~nanowire_rc.stability.memory_factor` takes the supremum over its
# samples; over every signal with values in [0, 1] that supremum is the closed form.
x = np.random.default_rng(0).random(10_000)
print(f"sup over a random signal: {nw.memory_factor(x, dt=0.1, omega=1.0):.5f}")

# %%
# Contraction in practice
# -----------------------
# :func:`~nanowire_rc.stability.echo_state_gap` runs two copies from ``h = 0`` and ``h = 1``.
# Under a constant input ``x = 1`` the factor is the same at every step, so the gap follows
# ``rho**(t + 1)`` exactly: it shrinks for ``dt = 0.1`` and ``0.5`` and grows for ``dt = 0.9``
# (``|1 - 0.9 S(1 V)| = 1.15``), where the Euler neuron has no echo states and its state leaves
# [0, 1]. The exact integrator (``method="exact"``) contracts for every ``dt``.
x = np.ones(60)
fig, ax = plt.subplots(figsize=(7, 3.5))
for dt in (0.1, 0.5, 0.9):
    gap = nw.stability.echo_state_gap(x, dt=dt, omega=1.0)
    factor = nw.memory_factor(x, dt=dt, omega=1.0)
    ax.semilogy(gap, label=f"dt = {dt}: rho = {factor:.3f}")
gap = nw.stability.echo_state_gap(x, dt=0.9, omega=1.0, method="exact")
ax.semilogy(gap, "k--", label="dt = 0.9, exact integrator")
ax.set_xlabel("time step t")
ax.set_ylabel("|h(t) - h'(t)|")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()

# %%
# A spread of input scalings, and pruning the paper's grid
# --------------------------------------------------------
# A reservoir draws each neuron's scaling from ``[omega0 - d_omega, omega0 + d_omega]``; its
# worst case is :func:`~nanowire_rc.stability.memory_factor_box`. The paper's Table 3 grid has
# 490 configurations ``(omega0, d_omega, dt)``; with Table 2 constants 140 are stable, and
# :func:`~nanowire_rc.experiments.grids.configurations` prunes the rest before any simulation.
box = nw.stability.memory_factor_box
print(f"omega in [0.7, 0.9], dt = 0.1: rho = {box(0, 1, 0.7, 0.9, 0.1):.4f}")
print(f"omega in [0.7, 1.3], dt = 0.1: rho = {box(0, 1, 0.7, 1.3, 0.1):.4f}")
kept, pruned = configurations("nanowire")
print(f"Table 3: {len(kept)} stable configurations kept, {len(pruned)} pruned")

fig, ax = plt.subplots(figsize=(6, 3.5))
for group, marker, label in ((kept, "o", "kept (rho < 1)"), (pruned, "x", "pruned")):
    ax.scatter([c["input_scaling"] + c["input_scaling_spread"] for c in group],
               [c["dt"] for c in group], marker=marker, s=14, label=label)
ax.set_xlabel("largest input scaling omega0 + d_omega")
ax.set_ylabel("time step dt")
ax.set_yscale("log")
ax.legend(frameon=False)
fig.tight_layout()
plt.show()
