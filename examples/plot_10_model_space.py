"""
The reservoir model space: a series as the model of its own dynamics
=====================================================================

Pooled states say *where* a reservoir's states went over a series; the reservoir model space
(Bianchi et al., IEEE TNNLS 2021) says *how they moved*. For each series,
:class:`~nanowire_rc.model_space.ReservoirModelSpace` reduces the nanowire states to their
principal components ``z(t)`` and fits, for that series alone, the ridge model
``z(t+1) ≈ U z(t) + u``; the coefficients ``[U, u]`` are the series' representation, and
:class:`~nanowire_rc.model_space.ModelSpaceClassifier` puts a ridge readout on them.
"""

# %%
# Pooled states against the model space
# -------------------------------------
# Two classifiers of 100 nanowire neurons each, both with their own defaults scaled down:
# ``NanowireClassifier`` pools each neuron's mean and standard deviation over time;
# ``ModelSpaceClassifier`` keeps the neurons close to their linear regime (small input
# scaling), runs each series both ways and fits each series' dynamics. On SyntheticControl both
# are near the top; the model space's gains are on shape-defined datasets (ArrowHead, ACSF1,
# OSULeaf: docs/accuracy.md).
import time

import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir

X_train, y_train = nw.load_ucr("SyntheticControl", "train")
X_test, y_test = nw.load_ucr("SyntheticControl", "test")

neuron = {**nw.model_space.DEFAULT_NEURON, "n_neurons": 100}
pooled = classification_reservoir(nw.NanowireReservoir, n_neurons=100)
for name, clf in (("pooled mean + std", nw.NanowireClassifier(pooled, random_state=0)),
                  ("model space", nw.ModelSpaceClassifier(nw.NanowireReservoir(**neuron),
                                                          n_components=20, random_state=0))):
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    print(f"{name:18s} test accuracy {clf.score(X_test, y_test):.3f} "
          f"({time.perf_counter() - start:.2f} s)")

# %%
# What each class's dynamics look like
# ------------------------------------
# The mean of ``U`` over each class's training series (the first 8 components): the classes
# move their reduced states differently, and that is what the readout separates.
space = clf.model_space_
F = space.transform(X_train)
D = space.n_components_
U = F[:, : D * D].reshape(-1, D, D)
names = ["normal", "cyclic", "increasing", "decreasing", "upward shift", "downward shift"]
fig, axes = plt.subplots(1, 6, figsize=(12, 2.4), sharey=True)
for ax, label, title in zip(axes, np.unique(y_train), names, strict=True):
    image = ax.imshow(U[y_train == label].mean(axis=0)[:8, :8], cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(image, ax=axes, shrink=0.8, label="mean U entry")

# %%
# How much of the states the components keep
# -------------------------------------------
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(np.arange(1, D + 1), np.cumsum(space.explained_variance_ratio_), "o-", ms=3)
ax.set_xlabel("principal components kept")
ax.set_ylabel("fraction of state variance")
ax.set_ylim(0, 1.02)
fig.tight_layout()
plt.show()
