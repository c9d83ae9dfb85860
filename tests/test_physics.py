"""The neuron model against closed forms, the ODE solver and its own definitions."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

import nanowire_rc as nw
from nanowire_rc.physics import VoltageOverflowError

TABLE2 = nw.NanowireParams()

params_st = st.builds(
    nw.NanowireParams,
    kappa_p0=st.floats(1e-5, 1.0),
    kappa_d0=st.floats(1e-3, 2.0),
    eta_p=st.floats(0.5, 12.0),
    eta_d=st.floats(0.2, 4.0),
)


def test_table2_defaults():
    assert (TABLE2.kappa_p0, TABLE2.kappa_d0, TABLE2.eta_p, TABLE2.eta_d) == (1e-4, 0.5, 10, 1)
    assert TABLE2.integer_ratio == 10
    assert nw.NanowireParams(eta_p=2.5).integer_ratio is None
    assert TABLE2.v_star == pytest.approx(math.log(500) / 11)
    with pytest.raises(AttributeError):
        TABLE2.eta_p = 3.0  # frozen


@pytest.mark.parametrize("field", ["kappa_p0", "kappa_d0", "eta_p", "eta_d"])
@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_params_reject_bad_values_naming_the_field(field, bad):
    with pytest.raises(ValueError, match=field):
        nw.NanowireParams(**{field: bad})


def test_params_reject_non_numbers():
    with pytest.raises(TypeError, match="eta_d"):
        nw.NanowireParams(eta_d="1")


def test_rates_fixed_point_and_total_rate_closed_forms():
    v = np.linspace(-2, 2, 41)
    k_p, k_d = nw.physics.rates(v)
    np.testing.assert_allclose(k_p, 1e-4 * np.exp(10 * v), rtol=1e-15)
    np.testing.assert_allclose(k_d, 0.5 * np.exp(-v), rtol=1e-15)
    np.testing.assert_allclose(nw.physics.total_rate(v), k_p + k_d, rtol=1e-15)
    h_star = nw.physics.fixed_point(v)
    np.testing.assert_allclose(h_star, k_p / (k_p + k_d), rtol=1e-12)
    assert np.all((h_star > 0) & (h_star < 1))


def test_step_matches_the_update_equations():
    h, v, dt = 0.3, 0.7, 0.2
    k_p, k_d = (float(r) for r in nw.physics.rates(v))
    s = k_p + k_d
    assert nw.physics.step(h, v, dt) == pytest.approx(h + dt * (k_p - s * h), rel=1e-14)
    h_star = k_p / s
    exact = h_star + (h - h_star) * math.exp(-dt * s)
    assert nw.physics.step(h, v, dt, method="exact") == pytest.approx(exact, rel=1e-14)


def test_simulate_shapes_and_indexing():
    x = np.array([0.0, 1.0, 0.5, 0.2])
    h = nw.simulate(x, 0.1, omega=0.8, h0=0.25)
    assert h.shape == (4,)
    assert h[0] == pytest.approx(nw.physics.step(0.25, 0.8 * x[0], 0.1))
    assert h[1] == pytest.approx(nw.physics.step(h[0], 0.8 * x[1], 0.1))
    omegas = np.array([0.1, 0.8, 1.5])
    H = nw.simulate(x, 0.1, omega=omegas, h0=0.25)
    assert H.shape == (4, 3)
    np.testing.assert_allclose(H[:, 1], h, rtol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [0.0, np.nan]}, "NaN or inf"),
        ({"x": [0.0, np.inf]}, "NaN or inf"),
        ({"x": np.zeros((2, 3))}, "shape"),
        ({"dt": 0.0}, "dt"),
        ({"dt": -0.1}, "dt"),
        ({"dt": np.nan}, "dt"),
        ({"method": "rk4"}, "method"),
        ({"omega": np.ones((2, 2))}, "omega"),
    ],
)
def test_simulate_rejects_bad_input(kwargs, match):
    args = {"x": [0.0, 1.0], "dt": 0.1} | kwargs
    with pytest.raises(ValueError, match=match):
        nw.simulate(**args)


def test_overflow_raises_with_the_voltage_and_a_remedy():
    with pytest.raises(VoltageOverflowError, match=r"voltage 100 .*smaller input scaling"):
        nw.simulate([0.0, 1.0], 0.1, omega=100.0)
    with pytest.raises(VoltageOverflowError, match="k_d"):
        nw.physics.rates(-800.0)
    assert issubclass(VoltageOverflowError, ValueError)


@settings(max_examples=150, deadline=None)
@given(
    params=params_st,
    dt=st.floats(1e-3, 2.0),
    omega=st.floats(0.0, 2.0),
    x=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60),
    h0=st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
)
def test_theorem_3_1_contraction(params, dt, omega, x, h0):
    """When rho < 1, trajectories from different h0 shrink apart by at least rho per step."""
    rho = nw.memory_factor(x, dt, omega, params)
    assume(rho < 1)
    a = nw.simulate(x, dt, omega, params, h0=h0[0])
    b = nw.simulate(x, dt, omega, params, h0=h0[1])
    bound = rho ** np.arange(1, len(x) + 1) * abs(h0[0] - h0[1])
    assert np.all(np.abs(a - b) <= bound * (1 + 1e-9) + 1e-12)


@settings(max_examples=100, deadline=None)
@given(params=params_st, dt=st.floats(1e-3, 2.0), omega=st.floats(0.0, 2.0),
       x=st.floats(0.0, 1.0), h0=st.floats(0.0, 1.0))
def test_constant_input_converges_to_the_fixed_point(params, dt, omega, x, h0):
    rho = nw.memory_factor([x], dt, omega, params)
    assume(rho < 0.995)
    n_steps = (math.ceil(math.log(1e-11) / math.log(max(rho, 1e-300)))) + 1
    h = nw.simulate(np.full(n_steps, x), dt, omega, params, h0=h0)
    assert h[-1] == pytest.approx(float(nw.physics.fixed_point(omega * x, params)), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(params=params_st, dt=st.floats(1e-3, 2.0), omega=st.floats(-2.0, 2.0),
       x=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50), h0=st.floats(0.0, 1.0))
def test_euler_stays_in_unit_interval_when_dt_s_at_most_one(params, dt, omega, x, h0):
    s = nw.physics.total_rate(omega * np.asarray(x), params)
    assume(np.all(dt * s <= 1))
    h = nw.simulate(x, dt, omega, params, h0=h0)
    assert np.all((h >= 0) & (h <= 1))


@settings(max_examples=100, deadline=None)
@given(params=params_st, dt=st.floats(1e-3, 50.0), omega=st.floats(-3.0, 3.0),
       x=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50), h0=st.floats(0.0, 1.0))
def test_exact_method_always_stays_in_unit_interval(params, dt, omega, x, h0):
    h = nw.simulate(x, dt, omega, params, h0=h0, method="exact")
    assert np.all((h >= 0) & (h <= 1))


@pytest.mark.parametrize("seed", range(4))
def test_exact_method_matches_ode_solver(seed):
    rng = np.random.default_rng(seed)
    x = rng.random(25)
    dt, omega = rng.uniform(0.05, 1.0), rng.uniform(0.1, 1.3)
    h = nw.simulate(x, dt, omega, h0=0.2, method="exact")
    p = TABLE2
    state, expected = 0.2, []
    for xt in x:
        v = omega * xt
        k_p, k_d = p.kappa_p0 * np.exp(p.eta_p * v), p.kappa_d0 * np.exp(-p.eta_d * v)
        sol = solve_ivp(lambda _t, y, k_p=k_p, k_d=k_d: k_p * (1 - y) - k_d * y, (0, dt),
                        [state], method="DOP853", rtol=1e-12, atol=1e-14)
        state = sol.y[0, -1]
        expected.append(state)
    np.testing.assert_allclose(h, expected, atol=1e-6)
