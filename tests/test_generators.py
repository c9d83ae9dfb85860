"""Mackey–Glass, Lorenz-63 and NARMA-10 generators against independent truths.

What each test compares against:
- Mackey–Glass: the exact fixed point ``x* = (beta/gamma - 1)^(1/n) = 1``; the linear stability
  analysis of that fixed point (``x' = -a x - b x(t - tau)`` with ``a = gamma = 0.1`` and
  ``b = -beta f'(1) = 0.4``: stable for ``tau < arccos(-a/b) / sqrt(b^2 - a^2) = 4.708``, then a
  Hopf oscillation of angular frequency ``sqrt(b^2 - a^2)``); convergence of the integrator
  under step refinement; the attractor's well-known range (about [0.2, 1.4]).
- Lorenz-63: the mirror symmetry ``(x, y, z) -> (-x, -y, z)`` of the equations; the published
  largest Lyapunov exponent 0.9056 (Sprott 2003), estimated here independently from two nearby
  trajectories (Benettin's renormalisation); the attractor's mean ``z`` ≈ 23.5.
- NARMA-10: the recursion recomputed here term by term.
"""

import numpy as np
import pytest

from nanowire_rc import diagnostics
from nanowire_rc.generators import (
    LORENZ63_LYAPUNOV_EXPONENT,
    lorenz63,
    mackey_glass,
    narma10,
)


class TestMackeyGlass:
    def test_reproducible_and_seeded(self):
        np.testing.assert_array_equal(mackey_glass(200), mackey_glass(200))
        a = mackey_glass(200, history_noise=0.05, random_state=1)
        b = mackey_glass(200, history_noise=0.05, random_state=1)
        c = mackey_glass(200, history_noise=0.05, random_state=2)
        np.testing.assert_array_equal(a, b)
        assert np.abs(a - c).max() > 1e-4

    def test_starts_at_history_and_fixed_point_is_exact(self):
        assert mackey_glass(5)[0] == 1.2
        # x* = (beta / gamma - 1) ** (1 / n) = 1 for the standard constants.
        np.testing.assert_allclose(mackey_glass(300, x0=1.0), 1.0, atol=1e-14)

    def test_attractor_range(self):
        x = mackey_glass(3000, discard=500)
        assert 0.2 < x.min() < 0.5 and 1.2 < x.max() < 1.4
        assert x.shape == (3000,)

    def test_step_refinement_converges(self):
        coarse = mackey_glass(300, substeps=10)
        fine = mackey_glass(300, substeps=40)
        # Fourth-order scheme: 10 RK4 steps per unit time already agree to ~1e-8.
        np.testing.assert_allclose(coarse, fine, atol=1e-6)

    def test_discard_shifts_the_series(self):
        np.testing.assert_allclose(mackey_glass(50, discard=100), mackey_glass(150)[100:],
                                   atol=1e-15)

    def test_hopf_bifurcation_of_the_fixed_point(self):
        a, b = 0.1, 0.4
        tau_c = np.arccos(-a / b) / np.sqrt(b**2 - a**2)
        assert 4.70 < tau_c < 4.72
        below = mackey_glass(2000, tau=4.0, substeps=10)
        assert np.ptp(below[-300:]) < 1e-6  # decays onto x* = 1
        np.testing.assert_allclose(below[-1], 1.0, atol=1e-6)
        above = mackey_glass(3000, tau=4.8, substeps=10)  # just past the bifurcation
        seg = above[-1500:] - above[-1500:].mean()
        assert np.ptp(seg) > 0.02
        ups = np.flatnonzero((seg[:-1] < 0) & (seg[1:] >= 0))
        period = np.diff(ups).mean()
        np.testing.assert_allclose(period, 2 * np.pi / np.sqrt(b**2 - a**2), rtol=0.05)

    @pytest.mark.parametrize("kwargs", [{"n_steps": 0}, {"n_steps": 10, "tau": 17.05},
                                        {"n_steps": 10, "beta": -1.0},
                                        {"n_steps": 10, "substeps": 0}])
    def test_bad_arguments(self, kwargs):
        with pytest.raises(ValueError):
            mackey_glass(**kwargs)


class TestLorenz63:
    def test_shape_seed_and_symmetry(self):
        a = lorenz63(500, random_state=0)
        assert a.shape == (500, 3)
        np.testing.assert_array_equal(a, lorenz63(500, random_state=0))
        assert np.abs(a - lorenz63(500, random_state=1)).max() > 1
        x0 = np.array([1.0, -2.0, 20.0])
        b = lorenz63(300, x0=x0, discard_time=0.0)
        c = lorenz63(300, x0=x0 * [-1, -1, 1], discard_time=0.0)
        np.testing.assert_allclose(c, b * [-1, -1, 1], atol=1e-9)
        np.testing.assert_array_equal(b[0], x0)

    def test_mean_z_on_the_attractor(self):
        z = lorenz63(25000, dt=0.02, random_state=0)[:, 2]
        assert abs(z.mean() - 23.5) < 0.6

    def test_largest_lyapunov_exponent(self):
        # Benettin: follow a neighbour at distance d0, renormalise every T time units.
        d0, T, dt = 1e-8, 0.5, 0.01
        steps = round(T / dt)
        x = lorenz63(1, random_state=3)[0]
        rng = np.random.default_rng(0)
        v = rng.standard_normal(3)
        xp = x + d0 * v / np.linalg.norm(v)
        logs = []
        for _ in range(300):  # 150 time units
            a = lorenz63(steps + 1, dt=dt, substeps=1, x0=x, discard_time=0.0)[-1]
            b = lorenz63(steps + 1, dt=dt, substeps=1, x0=xp, discard_time=0.0)[-1]
            d = np.linalg.norm(b - a)
            logs.append(np.log(d / d0))
            x, xp = a, a + (b - a) * (d0 / d)
        estimate = np.mean(logs[10:]) / T
        assert abs(estimate - LORENZ63_LYAPUNOV_EXPONENT) < 0.12

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="x0"):
            lorenz63(10, x0=[1, 2])
        with pytest.raises(ValueError, match="dt"):
            lorenz63(10, dt=0)


class TestNarma10:
    def test_reuses_diagnostics(self):
        assert narma10 is diagnostics.narma10

    def test_recursion_recomputed(self):
        u, y = narma10(400, random_state=5)
        assert u.min() >= 0 and u.max() <= 0.5
        for t in range(9, 399):
            expected = (0.3 * y[t] + 0.05 * y[t] * sum(y[t - i] for i in range(10))
                        + 1.5 * u[t - 9] * u[t] + 0.1)
            assert y[t + 1] == pytest.approx(expected, rel=1e-12, abs=1e-15)
        _, y2 = narma10(400, random_state=5)
        np.testing.assert_array_equal(y, y2)
