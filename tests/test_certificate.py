"""The weighted max-norm certificate of coupled reservoirs: the Perron root of the Jacobian's
entrywise bound, checked against eigenvalues and against the empirical echo-state gap."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nanowire_rc as nw
from nanowire_rc.stability import (
    coupled_contraction_bound,
    coupled_contraction_terms,
    coupled_voltage_range,
    weighted_contraction_bound,
)


def perron_root(a, c, W):
    """Independent truth: the largest eigenvalue modulus of M = diag(a) + diag(c) |W|."""
    M = np.diag(a) + c[:, None] * np.abs(W)
    return float(np.abs(np.linalg.eigvals(M)).max())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), density=st.floats(0.05, 1.0),
       spread=st.floats(0.0, 3.0))
def test_bound_is_the_perron_root_and_never_above_the_row_sums(seed, n, density, spread):
    rng = np.random.default_rng(seed)
    a, c = rng.uniform(0.0, 0.99, n), rng.uniform(0.0, 0.5, n)
    W = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < density)
    W *= 10.0 ** rng.uniform(-spread, 0, (n, 1))  # heterogeneous rows
    bound, d = weighted_contraction_bound(a, c, W)
    rho, row_sums = perron_root(a, c, W), float((a + c * np.abs(W).sum(axis=1)).max())
    assert rho * (1 - 1e-12) <= bound <= row_sums
    assert d.shape == (n,) and d.min() > 0 and d.max() == 1
    # the bound is the Collatz-Wielandt value of the scaling returned
    M = np.diag(a) + c[:, None] * np.abs(W)
    assert bound == pytest.approx((M @ d / d).max(), rel=1e-12)
    if np.all(np.abs(W) + np.eye(n) > 0):  # irreducible: the infimum is attained
        assert bound == pytest.approx(rho, rel=1e-7)


def test_equal_row_sums_give_the_row_sum_bound():
    rng = np.random.default_rng(0)
    n = 8
    row = rng.uniform(-1, 1, n)
    W = np.stack([np.roll(row, k) for k in range(n)])  # circulant: every |row| sums the same
    a, c = np.full(n, 0.9), np.full(n, 0.02)
    bound, d = weighted_contraction_bound(a, c, W)
    expected = 0.9 + 0.02 * np.abs(row).sum()
    assert bound == pytest.approx(expected, rel=1e-14)
    assert perron_root(a, c, W) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_array_equal(d, np.ones(n))
    # unequal sums: strictly below the row-sum bound
    a[0] = 0.5
    assert weighted_contraction_bound(a, c, W)[0] < (a + c * np.abs(W).sum(axis=1)).max()


def test_sparse_matrices_give_the_dense_bound():
    rng = np.random.default_rng(1)
    import scipy.sparse as sp
    W = sp.random(40, 40, density=0.1, random_state=2, format="csr")
    a, c = rng.uniform(0.5, 0.95, 40), rng.uniform(0.0, 0.3, 40)
    dense, _ = weighted_contraction_bound(a, c, W.toarray())
    sparse, _ = weighted_contraction_bound(a, c, W)
    assert sparse == pytest.approx(dense, rel=1e-12)


@pytest.mark.parametrize("args, match", [
    (([0.5, 0.5], [0.1], np.eye(2)), "shape"),
    (([0.5, -0.5], [0.1, 0.1], np.eye(2)), ">= 0"),
    (([0.5], [np.nan], np.eye(1)), "finite"),
])
def test_bad_terms_are_refused(args, match):
    with pytest.raises(nw.NanowireRCError, match=match):
        weighted_contraction_bound(*args)


def test_terms_rebuild_the_row_sum_bound_bit_for_bit():
    rng = np.random.default_rng(4)
    v_lo, v_hi = rng.uniform(-0.5, 0.3, 20), rng.uniform(0.4, 1.0, 20)
    rows, gains = rng.uniform(0, 1, 20), rng.uniform(0.1, 1, 20)
    a, c, inv = coupled_contraction_terms(v_lo, v_hi, 0.1, gains, 0.95)
    bound, inv2 = coupled_contraction_bound(v_lo, v_hi, 0.1, rows, gains, 0.95)
    np.testing.assert_array_equal(a + c * rows, bound)
    np.testing.assert_array_equal(inv, inv2)


def _heterogeneous_network(rng, n, coupling):
    """Input weights, a recurrent matrix whose rows differ by up to 30x, and biases."""
    W_in = rng.uniform(0.2, 1.2, (n, 1))
    W = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < 0.4)
    W *= 10.0 ** rng.uniform(-1.5, 0, (n, 1))
    rows = np.abs(W).sum(axis=1)
    W *= coupling / max(rows.max(), 1e-12)
    return W_in, W, rng.uniform(-0.5, 0.5, n)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12), dt=st.floats(0.05, 0.4),
       coupling=st.floats(0.0, 3.0), retention=st.floats(0.85, 1.0), gain=st.floats(0.5, 6.0))
def test_weighted_gap_contracts_step_by_step_as_the_bound_says(seed, n, dt, coupling,
                                                               retention, gain):
    """For every certified network, ||D^-1 (h - h')||_inf shrinks by the bound at each step."""
    rng = np.random.default_rng(seed)
    W_in, W, b = _heterogeneous_network(rng, n, coupling)
    vm = (-0.3, 1.0, gain)
    v_lo, v_hi, g = coupled_voltage_range([0.0], [1.0], W_in, W, b, vm)
    a, c, invariant = coupled_contraction_terms(v_lo, v_hi, dt, g, retention)
    L, d = weighted_contraction_bound(a, c, W)
    assume(invariant.all() and L < 1)
    X = rng.random((3, 40))
    kw = dict(bias=b, retention=retention, voltage_map=vm, dtype="float64",
              return_states=True, backend="numpy")
    h0, h1 = rng.random(n), rng.random(n)
    s0 = nw.kernels.run_coupled_nanowire(X, W_in, W, dt, h0=h0, **kw).states
    s1 = nw.kernels.run_coupled_nanowire(X, W_in, W, dt, h0=h1, **kw).states
    gap = np.abs(s0 - s1) / d  # weighted gap per neuron
    gap = np.concatenate([np.broadcast_to(np.abs(h0 - h1) / d, (3, 1, n)), gap], axis=1)
    gap = gap.max(axis=2)  # (cases, 41): the weighted max-norm, from the initial states on
    assert np.all(gap[:, 1:] <= L * gap[:, :-1] * (1 + 1e-9) + 1e-13)


def test_networks_beyond_the_row_sum_bound_are_now_certified():
    X = np.random.default_rng(0).random((4, 60))
    kw = dict(n_neurons=60, coupling=0.7, connectivity="sparse", random_state=0)
    res = nw.CoupledNanowireReservoir(**kw).fit(X)  # stability="raise": no error
    assert res.row_sum_bound_ >= 1 > res.contraction_bound_
    # the kernel's own check agrees
    nw.kernels.run_coupled_nanowire(res._scale(res._batch(X)).values, res.input_weights_,
                            res.recurrent_, res.dt, voltage_map=res._map())
    # and the empirical gap in the certificate's norm closes at the certified rate
    s0 = res.states(X, h0=np.zeros(60))
    s1 = res.states(X, h0=np.ones(60))
    gap = (np.abs(s0 - s1) / res.contraction_scaling_).max(axis=(0, 2))
    start = (1 / res.contraction_scaling_).max()
    limit = start * res.contraction_bound_ ** np.arange(1, 61)
    assert np.all(gap <= limit * (1 + 1e-5) + 1e-6)  # float32 states


def test_too_strong_coupling_is_still_refused():
    X = np.random.default_rng(0).random((4, 30))
    with pytest.raises(nw.UnstableReservoirError, match=r"contraction bound .* >= 1"):
        nw.CoupledNanowireReservoir(n_neurons=30, coupling=2.0, gain=4.0, random_state=0).fit(X)


def test_weights_that_are_not_finite_are_refused():
    # a NaN bound would pass every `bound >= 1` check of its callers
    W = np.array([[0.0, np.nan], [0.5, 0.0]])
    with pytest.raises(ValueError, match="recurrent contains NaN or inf"):
        weighted_contraction_bound(np.array([0.5, 0.5]), np.array([0.1, 0.1]), W)
