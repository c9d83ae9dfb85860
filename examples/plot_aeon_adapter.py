"""
Nanowire reservoirs in aeon
===========================

:class:`~nanowire_rc.aeon.ReservoirAeonClassifier` wraps any of the library's classifiers
(:class:`~nanowire_rc.classifiers.NanowireClassifier`,
:class:`~nanowire_rc.classifiers.EchoStateClassifier`, the self-tuning
:class:`~nanowire_rc.tuning.NanowireClassifierCV`, the reservoir model space
:class:`~nanowire_rc.model_space.ModelSpaceClassifier`, ...) as an aeon classifier: the same
predictions, and everything aeon offers its own classifiers (input checks and conversion,
unequal-length collections, ``fit_predict`` by cross-validation, its estimator checks). Here they
classify the bundled SyntheticControl data set next to two of aeon's own classifiers.

Needs the ``aeon`` extra: ``pip install "nanowire-rc[aeon]"``.
"""

# %%
# Data: SyntheticControl, bundled with nanowire-rc
# ------------------------------------------------
# 600 univariate series of length 60 in six classes (normal, cyclic, increasing and decreasing
# trend, upward and downward shift), split 300/300. aeon's collection format is
# ``(n_cases, n_channels, n_timepoints)``; a 2-D array is read as univariate.
import time

import matplotlib.pyplot as plt
import numpy as np
from aeon.classification.convolution_based import MiniRocketClassifier
from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

from nanowire_rc import (
    EchoStateClassifier,
    LeakyTanhReservoir,
    ModelSpaceClassifier,
    NanowireClassifier,
    NanowireClassifierCV,
    NanowireReservoir,
    load_ucr,
)
from nanowire_rc.aeon import ReservoirAeonClassifier
from nanowire_rc.classifiers import classification_reservoir

X_train, y_train = load_ucr("SyntheticControl", "train")
X_test, y_test = load_ucr("SyntheticControl", "test")
print(X_train.shape, X_test.shape, np.unique(y_train))

# %%
# Fit and score like any aeon classifier
# --------------------------------------
# The adapter takes the estimator to wrap (cloned at ``fit``; its settings are the adapter's
# ``estimator__...`` parameters); ``n_jobs`` follows aeon's convention (default 1 thread).
# ``estimator_`` is the fitted scikit-learn estimator, so its reservoir, readout and stability
# figures are at hand. Here: the nanowire classifier's reservoir settings, with 100 neurons.
def nanowire():
    return NanowireClassifier(classification_reservoir(NanowireReservoir, n_neurons=100),
                              random_state=0)


clf = ReservoirAeonClassifier(nanowire())
clf.fit(X_train, y_train)
print(f"ReservoirAeonClassifier(NanowireClassifier) accuracy: {clf.score(X_test, y_test):.3f}")
print(f"memory factor of the fitted reservoir: "
      f"{clf.estimator_.reservoir_.memory_factor_:.4f} (< 1)")
print(f"ridge penalty chosen by leave-one-out: {clf.estimator_.alpha_:g}")

# The predictions are exactly those of the wrapped estimator fitted directly.
ref = nanowire().fit(X_train, y_train)
assert np.array_equal(clf.predict(X_test), ref.predict(X_test))

# %%
# Unequal lengths
# ---------------
# aeon passes unequal-length collections as lists of ``(n_channels, n_timepoints_i)`` arrays;
# the reservoir runs each series to its own end. Here every series is cut to a random length
# between 30 and 60 steps.
rng = np.random.RandomState(0)
cut_train = [x[None, : rng.randint(30, 61)] for x in X_train]
cut_test = [x[None, : rng.randint(30, 61)] for x in X_test]
clf_cut = ReservoirAeonClassifier(nanowire()).fit(cut_train, y_train)
print(f"unequal lengths: {clf_cut.metadata_['unequal_length']}, "
      f"accuracy {clf_cut.score(cut_test, y_test):.3f}")

# %%
# Next to aeon's own classifiers
# ------------------------------
# The nanowire reservoir, the same tuned by cross-validation on the training data (its default
# grid of five reservoir configurations, every representation and ridge penalty), the reservoir
# model space (each series as the ridge model of its own reduced dynamics), the leaky-tanh Echo
# State Network baseline, aeon's MiniRocket and the 1-nearest-neighbour Euclidean classifier, each
# on one thread. Times are fit plus predict on this machine (the first MiniRocket or 1-NN call in
# a process also compiles its Numba code).
models = {
    "Nanowire (nanowire-rc)": ReservoirAeonClassifier(nanowire()),
    "Nanowire, tuned (nanowire-rc)": ReservoirAeonClassifier(NanowireClassifierCV(
        classification_reservoir(NanowireReservoir, n_neurons=100), random_state=0)),
    "Model space (nanowire-rc)": ReservoirAeonClassifier(ModelSpaceClassifier(random_state=0)),
    "ESN (nanowire-rc)": ReservoirAeonClassifier(EchoStateClassifier(
        classification_reservoir(LeakyTanhReservoir, n_neurons=100), random_state=0)),
    "MiniRocket (aeon)": MiniRocketClassifier(random_state=0),
    "1-NN Euclidean (aeon)": KNeighborsTimeSeriesClassifier(distance="euclidean"),
}
results = {}
for name, model in models.items():
    start = time.perf_counter()
    model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    results[name] = (accuracy, time.perf_counter() - start)
    print(f"{name:30s} accuracy {accuracy:.3f}   {results[name][1]:5.2f} s")

fig, ax = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
names = list(results)
ax.barh(names, [results[n][0] for n in names], color=["C0", "C0", "C0", "C1", "0.6", "0.6"])
for i, n in enumerate(names):
    ax.text(results[n][0] - 0.01, i, f"{results[n][0]:.3f}", va="center", ha="right",
            color="white")
ax.set_xlim(0.5, 1.0)
ax.invert_yaxis()
ax.set_xlabel("test accuracy, SyntheticControl")
plt.show()

# %%
# Probabilities
# -------------
# A ridge readout gives decision scores, not probabilities, so ``predict_proba`` returns one-hot
# rows, as aeon's own ridge-based classifiers (MiniRocket, Rocket) do. The scores themselves are
# the wrapped estimator's ``decision_function``.
print(clf.predict_proba(X_test[:3]))
print(np.round(clf.estimator_.decision_function(X_test[:3]), 2))
