"""
Diagnostics: memory capacity and NARMA-10
=========================================

Two standard tests of a reservoir, for any object with ``fit(X)`` and ``states(X)``
(:mod:`nanowire_rc.diagnostics`):

- **memory capacity** (Jaeger 2001): drive the reservoir with i.i.d. noise and, for each delay
  ``k``, ask a linear readout to recall the input of ``k`` steps ago; ``MC_k`` is the squared
  correlation of the recall on held-out steps and ``MC = sum_k MC_k``;
- **NARMA-10**: predict a nonlinear auto-regressive series that depends on the last ten inputs;
  the score is the normalised RMSE (1 is no better than predicting the mean).

The nanowire neuron is a first-order filter of its input, so an assembly of them remembers
only the last few steps, coupled or not; a leaky-tanh network with a sparse recurrent matrix
remembers much longer, and does better on NARMA-10. The numbers below use small reservoirs and
short series, so that the example runs in seconds.
"""

# %%
# Memory capacity profiles
# ------------------------
import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.diagnostics import memory_capacity, narma10, narma10_nrmse

reservoirs = {
    "nanowire": nw.NanowireReservoir(n_neurons=50, random_state=0),
    "coupled nanowire": nw.CoupledNanowireReservoir(n_neurons=50, coupling=0.3, random_state=0),
    "leaky tanh, sparse W": nw.LeakyTanhReservoir(n_neurons=50, connectivity="sparse",
                                                  random_state=0),
}

fig, ax = plt.subplots(figsize=(7, 3.8))
for name, reservoir in reservoirs.items():
    mc, mc_k = memory_capacity(reservoir, n_steps=2000, max_delay=40, washout=100)
    ax.plot(np.arange(1, mc_k.size + 1), mc_k, label=f"{name} (MC = {mc:.2f})")
    print(f"{name:22s} memory capacity {mc:.2f}")
ax.set_xlabel("delay k")
ax.set_ylabel("MC_k")
ax.set_ylim(0, 1.02)
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()

# %%
# NARMA-10
# --------
# :func:`~nanowire_rc.diagnostics.narma10` generates the input and the target;
# :func:`~nanowire_rc.diagnostics.narma10_nrmse` fits a ridge readout on the first 60 % of the
# steps and scores the rest.
u, y = narma10(300)
fig, ax = plt.subplots(figsize=(7, 2.8))
ax.plot(u, lw=0.8, label="input u")
ax.plot(y, lw=0.8, label="NARMA-10 output y")
ax.set_xlabel("time step")
ax.legend(frameon=False)
fig.tight_layout()

for name, reservoir in reservoirs.items():
    print(f"{name:22s} NARMA-10 NRMSE {narma10_nrmse(reservoir, n_steps=2000, washout=100):.3f}")
plt.show()
