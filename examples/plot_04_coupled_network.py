"""
Coupled nanowire networks and their contraction bound
=====================================================

In the paper's reservoir the neurons do not interact. A
:class:`~nanowire_rc.reservoirs.CoupledNanowireReservoir` couples them (the paper's stated future
work): neuron ``n`` sees the voltage ``v_n = g(W_in x + sum_j W_nj h_j + b_n)``, with ``g`` a
sigmoid onto a voltage window and ``W`` a random matrix whose largest absolute row sum is
``coupling``. At ``fit`` the reservoir computes a bound on the Jacobian of its state map
(:func:`~nanowire_rc.stability.coupled_contraction_bound`): below 1, with states provably in
[0, 1], any two trajectories approach by at least that factor per step, whatever the input.
"""

# %%
# The bound grows with the coupling
# ---------------------------------
# ``stability="warn"`` fits a reservoir even without the guarantee (with a
# :class:`~nanowire_rc.exceptions.StabilityWarning`), so we can trace the bound across coupling
# strengths. The default ``stability="raise"`` refuses a configuration whose bound is >= 1.
import warnings

import matplotlib.pyplot as plt
import numpy as np

import nanowire_rc as nw
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.stability import coupled_contraction_bound, coupled_voltage_range

X_train, y_train = nw.load_ucr("SyntheticControl", "train")
X_test, y_test = nw.load_ucr("SyntheticControl", "test")

couplings = np.linspace(0.0, 0.8, 17)
bounds = {}
for connectivity in ("dense", "sparse"):
    bounds[connectivity] = []
    for coupling in couplings:
        reservoir = nw.CoupledNanowireReservoir(n_neurons=100, coupling=coupling,
                                                connectivity=connectivity, stability="warn",
                                                random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nw.StabilityWarning)
            reservoir.fit(X_train)
        bounds[connectivity].append(reservoir.contraction_bound_)

fig, ax = plt.subplots(figsize=(6, 3.5))
for connectivity, values in bounds.items():
    ax.plot(couplings, values, "o-", ms=3, label=f"{connectivity} W")
ax.axhline(1.0, color="k", lw=0.8, ls="--")
ax.set_xlabel("coupling (largest absolute row sum of W)")
ax.set_ylabel("contraction bound")
ax.legend(frameon=False)
fig.tight_layout()
first = couplings[np.argmax(np.array(bounds["dense"]) >= 1)]
print(f"dense W: the bound reaches 1 at a coupling of {first:.2f}")

try:
    nw.classifiers.CoupledNanowireClassifier(
        nw.CoupledNanowireReservoir(n_neurons=100, coupling=0.6), random_state=0,
    ).fit(X_train, y_train)
except nw.UnstableReservoirError as err:
    print(f"refused: {err}")

# %%
# Per-neuron bounds from the drawn weights
# ----------------------------------------
# The bound is a maximum over neurons. The stability module computes each neuron's voltage
# interval (inputs scaled into [0, 1], states in [0, 1]) and its row bound from the fitted
# weights; the largest is the reservoir's ``contraction_bound_``.
reservoir = nw.CoupledNanowireReservoir(n_neurons=100, coupling=0.2, random_state=0)
reservoir.fit(X_train)
v_lo, v_hi, gain_max = coupled_voltage_range(
    0.0, 1.0, reservoir.input_weights_, reservoir.recurrent_, reservoir.bias_,
    (reservoir.v_min, reservoir.v_max, reservoir.gain))
row_sums = np.abs(reservoir.recurrent_).sum(axis=1)
bound, invariant = coupled_contraction_bound(v_lo, v_hi, reservoir.dt, row_sums, gain_max,
                                             reservoir.retention)
print(f"largest row bound {bound.max():.4f} = contraction_bound_ "
      f"{reservoir.contraction_bound_:.4f}; states invariant: {bool(invariant.all())}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(bound, bins=20)
ax.set_xlabel("row bound of neuron n")
ax.set_ylabel("neurons")
fig.tight_layout()

# %%
# The echo-state gap on real data
# -------------------------------
# :meth:`~nanowire_rc.reservoirs.CoupledNanowireReservoir.echo_state_gap` runs the reservoir
# twice over the same series from two random initial states and reports the largest difference
# per step; the guarantee says it shrinks at least as fast as ``bound**t``.
gap = reservoir.echo_state_gap(X_test[:50], random_state=0)
t = np.arange(gap.size)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(gap, label="largest |h(t) - h'(t)| over 50 series")
ax.semilogy(reservoir.contraction_bound_ ** (t + 1), "--", label="contraction bound ** (t + 1)")
ax.set_xlabel("time step t")
ax.legend(frameon=False)
fig.tight_layout()

# %%
# Does coupling help classification?
# -----------------------------------
# Same size, same defaults otherwise, every coupled network certified: here the coupled
# networks classify better than the uncoupled assembly.
for coupling in (0.01, 0.1, 0.3):
    clf = nw.classifiers.CoupledNanowireClassifier(
        nw.CoupledNanowireReservoir(n_neurons=100, coupling=coupling), random_state=0)
    clf.fit(X_train, y_train)
    print(f"coupling {coupling:4.2f}: bound {clf.reservoir_.contraction_bound_:.3f}, "
          f"test accuracy {clf.score(X_test, y_test):.3f}")
uncoupled = nw.NanowireClassifier(classification_reservoir(nw.NanowireReservoir, n_neurons=100),
                                  random_state=0).fit(X_train, y_train)
print(f"uncoupled:     test accuracy {uncoupled.score(X_test, y_test):.3f}")
plt.show()
