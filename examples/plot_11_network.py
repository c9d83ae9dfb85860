"""
A physical nanowire network: a pulse, a read, and the maps of its junctions
===========================================================================

The neuron of this library is one junction of a self-organising Ag nanowire network.
:mod:`nanowire_rc.network` simulates the whole network: every junction obeys the rate equation,
Kirchhoff's laws give the node voltages. Here is Milano et al.'s Fig. 2 network (Nature
Materials 2021: a 21 x 21 grid with one random diagonal per cell, 441 nodes, 1,240 junctions)
driven by a 2 V pulse and then read at 10 mV, with their fitted constants and the junction
update of their published code (``update="published"``, the compatibility option: their
constants belong to it; docs/network.md).
"""

# %%
# The network conductance between the electrodes
# ----------------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np

from nanowire_rc.network import grid_network
from nanowire_rc.network.plots import plot_conductance, plot_maps

net = grid_network()  # Milano et al.'s Fig. 2 network and constants
t = np.arange(300) * 0.05  # 15 s in steps of 50 ms
v = np.where(t < 7.5, 2.0, 0.01)  # a 2 V pulse, then a 10 mV read
start = time.perf_counter()
res = net.simulate(t, v, source=31, ground=409, update="published", record_states=True)
print(f"{t.size} steps in {time.perf_counter() - start:.3f} s; Joule energy "
      f"{res.total_energy * 1e3:.2f} mJ")
plot_conductance(res)
plt.title("2 V pulse, then a 10 mV read")
plt.tight_layout()

# %%
# Where the network conducts
# --------------------------
# Junction conductances at the start, during the pulse and after the read has let them relax:
# a conducting path grows between the source (red) and the ground (black), where the voltage
# drops are largest, and fades when the pulse ends.
plot_maps(res, [0.0, 2.0, 7.45, 14.95])

# %%
# The potentials that drive it
# ----------------------------
# Node voltages during the pulse: the drop concentrates where the junctions are still
# insulating.
plot_maps(res, [0.05, 2.0, 7.45], quantity="voltage")
plt.show()
