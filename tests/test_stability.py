"""Memory factor: closed form against brute force, the paper's example and Table 3's pruning."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nanowire_rc as nw

params_st = st.builds(
    nw.NanowireParams,
    kappa_p0=st.floats(1e-5, 1.0),
    kappa_d0=st.floats(1e-3, 2.0),
    eta_p=st.floats(0.5, 12.0),
    eta_d=st.floats(0.2, 4.0),
)


def brute_force(x_lo, x_hi, dt, omega, params, n=2_000_001):
    v = omega * np.linspace(x_lo, x_hi, n)
    return np.max(np.abs(1 - dt * nw.physics.total_rate(v, params)))


def test_paper_example():
    assert round(nw.memory_factor_range(0.0, 1.0, 0.1, 1.0), 5) == 0.96874
    assert nw.is_stable(0.0, 1.0, 0.1, 1.0)
    assert not nw.is_stable(0.0, 1.0, 1.0, 2.0)


@settings(max_examples=60, deadline=None)
@given(params=params_st, dt=st.floats(1e-3, 1.0), omega=st.floats(-2.0, 2.0),
       lo=st.floats(-1.0, 1.0), width=st.floats(0.0, 1.5))
def test_closed_form_equals_dense_brute_force(params, dt, omega, lo, width):
    exact = nw.memory_factor_range(lo, lo + width, dt, omega, params)
    assert exact == pytest.approx(brute_force(lo, lo + width, dt, omega, params), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(params=params_st, dt=st.floats(1e-3, 1.0), omega=st.floats(0.0, 2.0),
       x=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40))
def test_signal_factor_is_bounded_by_the_range_factor(params, dt, omega, x):
    assert nw.memory_factor(x, dt, omega, params) <= nw.memory_factor_range(
        min(x), max(x), dt, omega, params) * (1 + 1e-12)


def test_heatmap_is_one_broadcast_call():
    dts, omegas = np.linspace(0.01, 1, 7), np.linspace(0, 2, 9)
    grid = nw.memory_factor_range(0, 1, dts[:, None], omegas[None, :])
    assert grid.shape == (7, 9)
    for i, dt in enumerate(dts):
        for j, om in enumerate(omegas):
            assert grid[i, j] == nw.memory_factor_range(0, 1, dt, om)


def test_signal_factor_takes_max_over_neurons():
    x = np.linspace(0, 1, 11)
    omegas = np.array([0.2, 1.0, 1.7])
    assert nw.memory_factor(x, 0.2, omegas) == max(nw.memory_factor(x, 0.2, o) for o in omegas)


def test_exact_method_factor_is_exp_of_slowest_rate():
    s_min = float(nw.physics.total_rate(nw.NanowireParams().v_star))
    assert nw.memory_factor_range(0, 1, 0.5, 1.0, method="exact") == pytest.approx(
        np.exp(-0.5 * s_min))
    assert nw.memory_factor_range(0, 1, 100.0, 2.0, method="exact") < 1


def test_table3_pruning_keeps_140_of_490():
    omega0 = np.array([0.1, 0.5, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.5, 2])
    spread = np.array([0.001, 0.01, 0.1, 0.5, 1, 1.5, 2])
    dts = np.array([0.01, 0.1, 0.15, 0.2, 0.25, 0.5, 1])
    o, d, t = np.meshgrid(omega0, spread, dts, indexing="ij")
    rho = nw.stability.memory_factor_box(0.0, 1.0, o - d, o + d, t)
    assert rho.shape == (10, 7, 7)
    assert int((rho < 1).sum()) == 140


def test_box_factor_brute_force():
    rho = nw.stability.memory_factor_box(0.0, 1.0, -0.5, 1.2, 0.3)
    omegas = np.linspace(-0.5, 1.2, 401)
    x = np.linspace(0, 1, 401)
    brute = np.max(np.abs(1 - 0.3 * nw.physics.total_rate(np.multiply.outer(omegas, x))))
    assert rho >= brute - 1e-12
    assert rho == pytest.approx(brute, rel=1e-4)


def test_echo_state_gap_shrinks_at_least_like_rho():
    rng = np.random.default_rng(0)
    x = rng.random(80)
    rho = nw.memory_factor(x, 0.2, 1.0)
    gap = nw.stability.echo_state_gap(x, 0.2, 1.0)
    assert np.all(gap <= rho ** np.arange(1, 81) * (1 + 1e-9))
    assert gap[-1] < 1e-3


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: nw.memory_factor_range(1.0, 0.0, 0.1), "x_lo <= x_hi"),
        (lambda: nw.memory_factor_range(0.0, 1.0, -0.1), "dt"),
        (lambda: nw.memory_factor_range(0.0, np.nan, 0.1), "finite"),
        (lambda: nw.memory_factor([0.0, np.nan], 0.1), "NaN"),
        (lambda: nw.memory_factor(np.zeros((2, 2)), 0.1), "shape"),
        (lambda: nw.memory_factor_range(0.0, 1.0, 0.1, 1.0, method="rk4"), "method"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
