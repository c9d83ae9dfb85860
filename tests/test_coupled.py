"""Coupled nanowire reservoirs: kernel against reference, the contraction bound, estimators."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nanowire_rc as nw
from nanowire_rc.experiments import grids as G
from nanowire_rc.stability import coupled_contraction_bound, coupled_voltage_range

TOL = {"float64": {"rtol": 1e-10, "atol": 1e-12}, "float32": {"rtol": 1e-5, "atol": 1e-6}}


def network(rng, n, channels=2, coupling=0.3):
    W_in = rng.dirichlet(np.ones(channels), n) * rng.uniform(0.3, 1.0, (n, 1))
    W = rng.normal(0, 1, (n, n))
    W *= coupling / np.abs(W).sum(axis=1).max()
    return W_in, W, rng.uniform(-0.1, 0.1, n)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("voltage_map", [None, (-0.2, 1.1, 3.0)])
@pytest.mark.parametrize("sparse", [False, True])
def test_compiled_matches_reference(dtype, voltage_map, sparse):
    rng = np.random.default_rng(1)
    W_in, W, b = network(rng, 24)
    rec = sp.csr_matrix(W * (rng.random(W.shape) < 0.3)) if sparse else W
    X = rng.random((17, 2, 33))
    kw = dict(bias=b, retention=0.95, voltage_map=voltage_map, lengths=rng.integers(12, 34, 17),
              washout=3, n_windows=4, h0=0.2, dtype=dtype, return_states=True,
              check=False)  # agreement only, guarantee or not
    fast = nw.kernels.run_coupled_nanowire(X, W_in, rec, 0.1, **kw)
    ref = nw.kernels.run_coupled_nanowire(X, W_in, rec, 0.1, backend="numpy", **kw)
    for f in ("last", "mean", "windows", "states"):
        np.testing.assert_allclose(getattr(fast, f), getattr(ref, f), **TOL[dtype], err_msg=f)


def test_zero_coupling_is_the_uncoupled_neuron():
    rng = np.random.default_rng(2)
    X = rng.random((5, 40))
    omega = rng.uniform(0.2, 1.0, 6)
    coupled = nw.kernels.run_coupled_nanowire(X, omega, np.zeros((6, 6)), 0.2, dtype="float64",
                                      return_states=True)
    plain = nw.kernels.run_nanowire(X, omega, 0.2, dtype="float64", return_states=True)
    np.testing.assert_allclose(coupled.states, plain.states, rtol=1e-12)


def test_kernel_refuses_a_network_without_the_guarantee():
    rng = np.random.default_rng(4)
    X = rng.random((3, 20))
    W_in, W, _ = network(rng, 8, channels=1, coupling=3.0)
    with pytest.raises(nw.UnstableReservoirError, match=r"contraction bound .* >= 1"):
        nw.kernels.run_coupled_nanowire(X, W_in, W, 0.25, voltage_map=(0.0, 1.0, 4.0))
    with pytest.raises(nw.UnstableReservoirError, match=r"states may leave \[0, 1\]"):
        nw.kernels.run_coupled_nanowire(X, W_in * 3, W * 0, 0.5)  # identity map, dt S(v) > 1
    out = nw.kernels.run_coupled_nanowire(X, W_in, W, 0.25, voltage_map=(0.0, 1.0, 4.0),
                                          check=False)
    assert np.isfinite(out.last).all()


def test_voltage_range_contains_every_reachable_voltage():
    rng = np.random.default_rng(3)
    W_in, W, b = network(rng, 10, coupling=0.8)
    vm = (-0.5, 1.5, 2.0)
    v_lo, v_hi, gain = coupled_voltage_range([0, 0], [1, 1], W_in, W, b, vm)
    x, h = rng.random((5000, 2)), rng.random((5000, 10))
    a = x @ W_in.T + h @ W.T + b
    v = vm[0] + (vm[1] - vm[0]) / (1 + np.exp(-vm[2] * a))
    assert np.all(v >= v_lo - 1e-12) and np.all(v <= v_hi + 1e-12)
    slope = (vm[1] - vm[0]) * vm[2] * np.exp(-vm[2] * a) / (1 + np.exp(-vm[2] * a)) ** 2
    assert np.all(slope <= gain + 1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12), dt=st.floats(0.02, 0.4),
       coupling=st.floats(0.0, 0.6), retention=st.floats(0.8, 1.0),
       sigmoid=st.booleans(), gain=st.floats(0.5, 6.0))
def test_contraction_bound_holds_on_trajectories(seed, n, dt, coupling, retention, sigmoid,
                                                 gain):
    """Whenever the bound L < 1 (states invariant), max-norm gaps shrink at least like L^t."""
    rng = np.random.default_rng(seed)
    W_in, W, b = network(rng, n, channels=1, coupling=coupling)
    vm = (-0.3, 1.0, gain) if sigmoid else None
    v_lo, v_hi, g = coupled_voltage_range([0.0], [1.0], W_in, W, b, vm)
    bound, invariant = coupled_contraction_bound(v_lo, v_hi, dt, np.abs(W).sum(axis=1), g,
                                                 retention)
    L = bound.max()
    assume(invariant.all() and L < 1)
    X = rng.random((3, 40))
    kw = dict(bias=b, retention=retention, voltage_map=vm, dtype="float64",
              return_states=True, backend="numpy")
    h0, h1 = rng.random(n), rng.random(n)
    a = nw.kernels.run_coupled_nanowire(X, W_in, W, dt, h0=h0, **kw).states
    c = nw.kernels.run_coupled_nanowire(X, W_in, W, dt, h0=h1, **kw).states
    assert np.all((a >= 0) & (a <= 1))  # the invariance the bound relies on
    gap = np.abs(a - c).max(axis=2)  # (cases, time), max-norm over neurons
    limit = L ** np.arange(1, 41) * np.abs(h0 - h1).max()
    assert np.all(gap <= limit * (1 + 1e-9) + 1e-12)


def test_reservoir_defaults_carry_a_guarantee_and_echo_states():
    X, _ = nw.load_ucr("SyntheticControl", "train")
    res = nw.CoupledNanowireReservoir(n_neurons=50, random_state=0).fit(X)
    assert res.states_invariant_ and res.contraction_bound_ < 1
    gap = res.echo_state_gap(X[:10], random_state=0)
    assert gap[-1] < gap[0] and gap[-1] <= res.contraction_bound_ ** 60 + 1e-6


def test_unstable_coupled_reservoir_raises_or_warns_with_the_reason():
    X = np.random.default_rng(0).random((4, 30))
    with pytest.raises(nw.UnstableReservoirError, match=r"contraction bound .* >= 1"):
        nw.CoupledNanowireReservoir(coupling=2.0, gain=4.0, random_state=0).fit(X)
    with pytest.raises(nw.UnstableReservoirError, match="states may leave"):
        nw.CoupledNanowireReservoir(voltage_map="identity", input_scaling=1.5,
                                    random_state=0).fit(X)
    with pytest.warns(UserWarning, match="no echo-state guarantee"):
        res = nw.CoupledNanowireReservoir(coupling=2.0, gain=4.0, stability="warn",
                                          random_state=0).fit(X)
    assert res.contraction_bound_ >= 1 and np.isfinite(res.transform(X)).all()


def test_grid_pruning_is_a_worst_case_over_drawn_networks():
    kept, pruned = G.configurations("nanowire-coupled")
    assert len(kept) + len(pruned) == 72 and kept and pruned
    X = np.random.default_rng(0).random((6, 20))
    for c in kept[::7]:
        params = {k: v for k, v in c.items() if k != "memory_factor"}
        res = nw.CoupledNanowireReservoir(n_neurons=40, random_state=1, **params).fit(X)
        assert res.contraction_bound_ <= c["memory_factor"] + 1e-12


def test_coupled_classifier_and_selection(tmp_path):
    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    clf = nw.classifiers.CoupledNanowireClassifier(nw.CoupledNanowireReservoir(n_neurons=40),
                                       random_state=0).fit(X, y)
    assert clf.score(X_te, y_te) > 0.85 and clf.reservoir_.contraction_bound_ < 1
    unit = G._evaluate_unit("SyntheticControl", "nanowire-coupled", 20, 0, X[::3], y[::3],
                           X_te[::5], y_te[::5], grid=G.QUICK_GRIDS["nanowire-coupled"])
    assert unit.n_configs == 4 and 0.5 < unit.test_accuracy <= 1
