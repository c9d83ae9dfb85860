"""
Nanowire nodes in ReservoirPy
=============================

:mod:`nanowire_rc.reservoirpy` makes the nanowire reservoirs ReservoirPy nodes:
:class:`~nanowire_rc.reservoirpy.ReservoirNode` runs a
:class:`~nanowire_rc.reservoirs.NanowireReservoir` (the uncoupled assembly) or a
:class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir`. It steps our compiled kernels, so
its states are the reservoir's exactly, and it composes with ReservoirPy's readouts and
operators: ``ReservoirNode(reservoir) >> Ridge(...)``.

Here a ReservoirPy model classifies SyntheticControl from the last state of each series.

Needs the ``reservoirpy`` extra: ``pip install "nanowire-rc[reservoirpy]"``.
"""

# %%
# Data and input scaling
# ----------------------
# ReservoirPy series are ``(timesteps, channels)``: a batch of univariate series is
# ``(n_series, timesteps, 1)``. Our reservoirs map each channel's training range onto [0, 1]
# (the range their echo-state guarantee is computed for) and clip what falls outside; a node
# gets that range as ``data_min`` / ``data_max`` and takes raw inputs.
import matplotlib.pyplot as plt
import numpy as np
from reservoirpy.nodes import Input, Ridge

from nanowire_rc import NanowireClassifier, NanowireReservoir, load_ucr
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.reservoirpy import ReservoirNode

X_train, y_train = load_ucr("SyntheticControl", "train")
X_test, y_test = load_ucr("SyntheticControl", "test")
classes, T = np.unique(y_train), X_train.shape[1]
lo, hi = X_train.min(), X_train.max()

node = ReservoirNode(NanowireReservoir(n_neurons=100, dtype="float64", n_jobs=1, random_state=0),
                     data_min=lo, data_max=hi)

# %%
# The node's states
# -----------------
# One series of three classes, and three neurons with small, medium and large input scalings
# ``omega_n``. The states respond to high inputs (the potentiation rate grows as
# ``exp(eta_p omega x)``) and relax with a memory of a few tens of steps.
examples = {name: np.flatnonzero(y_train == c)[0]
            for name, c in (("cyclic", 2), ("increasing trend", 3), ("upward shift", 5))}
states = node.run(X_train[list(examples.values()), :, None])  # (3, 60, 100)
omega = node.reservoir_.input_weights_[:, 0]
neurons = [int(np.argmin(omega)), int(np.argsort(omega)[50]), int(np.argmax(omega))]

fig, axes = plt.subplots(2, 3, figsize=(8, 4), sharex=True, sharey="row", layout="constrained")
for k, (name, i) in enumerate(examples.items()):
    axes[0, k].plot(X_train[i], color="0.3")
    axes[0, k].set_title(name)
    for n in neurons:
        axes[1, k].plot(states[k, :, n], label=f"$\\omega$ = {omega[n]:.2f}")
    axes[1, k].set_xlabel("time step")
axes[0, 0].set_ylabel("input")
axes[1, 0].set_ylabel("state $h$")
axes[1, 2].legend(fontsize="small")
plt.show()

# %%
# The same states as the reservoir
# --------------------------------
# Given the same reservoir settings and ``random_state``, the node draws the reservoir's
# weights; built from a fitted reservoir (``from_reservoir``), it runs that reservoir. Either
# way its states are
# :meth:`NanowireReservoir.states <nanowire_rc.reservoirs.NanowireReservoir.states>`.
res = NanowireReservoir(n_neurons=100, dtype="float64", random_state=0).fit(X_train)
node.reset()
assert np.array_equal(node.run(X_train[:20, :, None]), res.states(X_train[:20]))
assert np.array_equal(ReservoirNode.from_reservoir(res).run(X_test[:20, :, None]),
                      res.states(X_test[:20]))


# %%
# A ReservoirPy classifier
# ------------------------
# The ridge readout learns one-hot class targets from the state at the last step only
# (``warmup = T - 1`` leaves out the earlier steps); a test series gets the class with the
# largest output at its last step. ``reset()`` before running the test series starts each one
# from ``h = 0``, as in training.
def last_step_accuracy(model):
    targets = np.repeat((y_train[:, None] == classes)[:, None, :].astype(float), T, axis=1)
    model.fit(X_train[:, :, None], targets, warmup=T - 1)
    model.reset()
    scores = np.asarray(model.run(X_test[:, :, None]))[:, -1]
    return np.mean(classes[scores.argmax(axis=1)] == y_test)


node.reset()
print(f"ReservoirNode >> Ridge: accuracy {last_step_accuracy(node >> Ridge(ridge=1e-7)):.3f}")

# %%
# Three time scales
# -----------------
# The last state of one assembly remembers mostly the last few tens of steps. Three assemblies
# with time steps 0.03, 0.3 and 3 (exact update, stable for any step) remember the whole
# series at different resolutions; ReservoirPy feeds one input to all three and concatenates
# their states for the readout.
bank = [ReservoirNode(NanowireReservoir(n_neurons=100, dt=dt, method="exact", dtype="float64",
                                       n_jobs=1, random_state=k), data_min=lo, data_max=hi)
        for k, dt in enumerate((0.03, 0.3, 3.0))]
accuracy = last_step_accuracy(Input() >> bank >> Ridge(ridge=1e-5))
print(f"Input >> [3 nanowire nodes] >> Ridge: accuracy {accuracy:.3f}")

# %%
# For reference, :class:`~nanowire_rc.classifiers.NanowireClassifier` pools the whole
# trajectory (each neuron's mean and standard deviation over time) and standardises the
# features before its ridge readout:
clf = NanowireClassifier(classification_reservoir(NanowireReservoir, n_neurons=100),
                         random_state=0).fit(X_train, y_train)
print(f"NanowireClassifier (pooled states): accuracy {clf.score(X_test, y_test):.3f}")
