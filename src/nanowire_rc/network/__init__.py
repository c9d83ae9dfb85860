"""Physical nanowire networks: junction graphs, Kirchhoff solves and exact time stepping.

A self-organising Ag nanowire network is a graph whose every edge is a memristive junction
obeying the rate equation of :mod:`nanowire_rc.physics`; its response between electrodes
emerges from Kirchhoff's laws (Milano et al., Nature Materials 2021; Miranda, Milano and
Ricciardi, IEEE TNANO 2020). The pieces:

- :mod:`.graphs`: :class:`NanowireNetwork` (constructors from an edge list or a networkx graph)
  and the generators :func:`grid_network` (Milano et al.'s grid with random diagonals) and
  :func:`random_sticks`;
- :mod:`.circuit`: :class:`Circuit`, the Kirchhoff solve with driven electrodes, its ordering
  and symbolic factorisation done once;
- :mod:`.stepping`: :func:`simulate` and :class:`NetworkResult`;
- :mod:`.reservoir`: :class:`NetworkReservoir`, a network as a scikit-learn reservoir;
- :mod:`.calibration`: :func:`fit_network`, the junction constants fitted to a measured
  two-terminal trace;
- :mod:`.plots`: conductance and voltage maps, their animation (matplotlib, imported on use).

The equations, the solver measurements and the published-update note are in docs/network.md.

Examples
--------
>>> import numpy as np
>>> from nanowire_rc.network import grid_network
>>> net = grid_network()  # Milano et al. 2021, Fig. 2: 441 nodes, 1,240 junctions
>>> t = np.arange(100) * 0.05
>>> res = net.simulate(t, np.where(t < 2.5, 2.0, 0.01), source=31, ground=409)
>>> res.conductance.shape, res.energy.shape
((100,), (100,))
"""

from .calibration import NetworkFit, fit_network
from .circuit import SOLVERS, Circuit
from .graphs import (
    GRID_ORDERS,
    MILANO2021_FIG2,
    MILANO2021_FIG2_WINDOW,
    NanowireNetwork,
    grid_network,
    random_sticks,
)
from .reservoir import NetworkReservoir
from .stepping import UPDATES, NetworkResult, simulate

__all__ = [
    "GRID_ORDERS",
    "MILANO2021_FIG2",
    "MILANO2021_FIG2_WINDOW",
    "SOLVERS",
    "UPDATES",
    "Circuit",
    "NanowireNetwork",
    "NetworkFit",
    "NetworkReservoir",
    "NetworkResult",
    "fit_network",
    "grid_network",
    "random_sticks",
    "simulate",
]
