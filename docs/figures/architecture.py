"""The layers of nanowire-rc and how data flows through them (docs/architecture.md)."""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# Layers from upstream (bottom) to downstream (top): name, modules, what flows out of it.
LAYERS = [
    ("physics", "physics · device · stability · calibration", "the neuron's update, its bounds"),
    ("kernels", "kernels/ (compiled loops + NumPy twins) · network/stepping",
     "states, pooled while stepping"),
    ("reservoirs", "reservoirs · multiscale · network/reservoir",
     "features of each series"),
    ("readout", "readout", "ridge weights, one penalty policy"),
    ("estimators", "classifiers · regression · forecasting · model_space · torch/",
     "fit / predict / generate"),
    ("selection", "selection · tuning (self-tuning classifiers)", "protocol scores, ranks, refits"),
    ("experiments", "experiments/", "tables and figures"),
    ("CLI", "cli (nanowire-rc)", ""),
]
ADAPTERS = "aeon · reservoirpy"  # leaves: they take an estimator or a reservoir
SUPPORT = "series · datasets · store · exceptions · plotting · metrics · generators"

fig, ax = plt.subplots(figsize=(9.5, 7.2))
ax.set_xlim(0, 10)
ax.set_ylim(-0.6, len(LAYERS) + 0.2)
ax.axis("off")
colours = plt.get_cmap("Blues")
for i, (name, modules, flow) in enumerate(LAYERS):
    ax.add_patch(FancyBboxPatch((0.2, i + 0.12), 6.6, 0.7, boxstyle="round,pad=0.02",
                                facecolor=colours(0.25 + 0.07 * i), edgecolor="0.3"))
    ax.text(0.4, i + 0.58, name, weight="bold", fontsize=11, va="center")
    ax.text(0.4, i + 0.3, modules, fontsize=8.5, va="center", family="monospace")
    if i + 1 < len(LAYERS):
        ax.add_patch(FancyArrowPatch((3.5, i + 0.82), (3.5, i + 1.12), arrowstyle="-|>",
                                     mutation_scale=14, color="0.2"))
        ax.text(3.65, i + 0.97, flow, fontsize=8, style="italic", va="center", color="0.25")
# Adapters: leaves beside the estimators, taking an estimator or a reservoir.
top = [n for n, *_ in LAYERS].index("estimators")
ax.add_patch(FancyBboxPatch((7.4, top + 0.12), 2.4, 0.7, boxstyle="round,pad=0.02",
                            facecolor="#f6e3c4", edgecolor="0.3"))
ax.text(7.55, top + 0.58, "adapters", weight="bold", fontsize=11, va="center")
ax.text(7.55, top + 0.3, ADAPTERS, fontsize=8.5, va="center", family="monospace")
ax.add_patch(FancyArrowPatch((6.85, top + 0.47), (7.38, top + 0.47), arrowstyle="-|>",
                             mutation_scale=14, color="0.2"))
ax.add_patch(FancyArrowPatch((6.85, 2.47), (7.6, top + 0.1), arrowstyle="-|>",
                             connectionstyle="arc3,rad=0.25", mutation_scale=14, color="0.5"))
# Support modules: used by every layer, knowing none of them.
ax.add_patch(FancyBboxPatch((0.2, -0.5), 9.6, 0.42, boxstyle="round,pad=0.02",
                            facecolor="0.93", edgecolor="0.5"))
ax.text(0.4, -0.29, "support:  " + SUPPORT, fontsize=8.5, va="center", family="monospace")
ax.text(7.4, 1.3, "series in: (n_cases, n_channels,\nn_timepoints), or a list for\nunequal "
        "lengths", fontsize=8, va="center", color="0.25")
ax.add_patch(FancyArrowPatch((7.4, 1.5), (6.85, 2.3), arrowstyle="-|>", mutation_scale=14,
                             color="0.4"))
fig.tight_layout()
