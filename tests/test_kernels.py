"""Compiled kernels against the NumPy references, the neuron simulator and pooling by hand."""

import os

import numba
import numpy as np
import pytest
import scipy.sparse as sp

import nanowire_rc as nw
from nanowire_rc.kernels import DivergedError
from nanowire_rc.kernels.fastmath import exp32, exp64, tanh32
from nanowire_rc.kernels.pooling import _window_index

FIELDS = ("last", "mean", "windows", "states")
TOL = {"float64": {"rtol": 1e-10, "atol": 1e-12}, "float32": {"rtol": 1e-5, "atol": 1e-6}}


def assert_same(a, b, dtype):
    for f in FIELDS:
        if getattr(a, f) is None and getattr(b, f) is None:
            continue
        np.testing.assert_allclose(getattr(a, f), getattr(b, f), **TOL[dtype], err_msg=f)


def ragged_batch(rng, n=23, channels=1, t_max=37):
    lengths = rng.integers(12, t_max + 1, n)
    lengths[0] = t_max
    X = rng.random((n, channels, t_max))
    return X, lengths


def nanowire_weights(rng, n_neurons, channels, lo=0.2, hi=1.1):
    return rng.dirichlet(np.ones(channels), n_neurons) * rng.uniform(lo, hi, (n_neurons, 1))


@numba.njit
def _map(f, x, out):
    for i in range(x.size):
        out[i] = f(x[i])


@pytest.mark.parametrize(("f", "ref", "dtype", "ulps"), [(exp32, np.exp, np.float32, 2),
                                                         (exp64, np.exp, np.float64, 4)])
def test_fast_exp_is_accurate(f, ref, dtype, ulps):
    x = np.linspace(-80, 80, 100_001).astype(dtype)
    out = np.empty_like(x)
    _map(f, x, out)
    truth = ref(x.astype(np.float64))
    rel = np.abs(out - truth) / truth
    assert rel.max() <= ulps * np.finfo(dtype).eps


def test_fast_tanh_is_accurate():
    x = np.linspace(-30, 30, 100_001).astype(np.float32)
    out = np.empty_like(x)
    _map(tanh32, x, out)
    np.testing.assert_allclose(out, np.tanh(x.astype(np.float64)), atol=3e-7)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("method", ["euler", "exact"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("params", [nw.NanowireParams(), nw.NanowireParams(eta_p=2.5, eta_d=0.7)])
def test_nanowire_compiled_matches_reference(dtype, method, channels, params):
    rng = np.random.default_rng(channels)
    X, lengths = ragged_batch(rng, channels=channels)
    W = nanowire_weights(rng, 40, channels)
    kw = dict(lengths=lengths, washout=3, n_windows=4, h0=0.1, dtype=dtype, return_states=True)
    fast = nw.kernels.run_nanowire(X, W, 0.2, params, method, **kw)
    ref = nw.kernels.run_nanowire(X, W, 0.2, params, method, backend="numpy", **kw)
    assert fast.last.dtype == np.dtype(dtype)
    assert_same(fast, ref, dtype)


def test_nanowire_reference_equals_single_neuron_simulator():
    rng = np.random.default_rng(5)
    X = rng.random((3, 30))
    omega = np.array([0.3, 1.0, 1.6])
    # agreement only: omega 1.6 is unstable at dt 0.15
    out = nw.kernels.run_nanowire(X, omega, 0.15, dtype="float64", return_states=True,
                                  backend="numpy", check=False)
    for i in range(3):
        np.testing.assert_allclose(out.states[i], nw.simulate(X[i], 0.15, omega), rtol=1e-13)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["none", "diagonal", "dense", "sparse"])
def test_leaky_tanh_compiled_matches_reference(dtype, kind):
    rng = np.random.default_rng(7)
    X, lengths = ragged_batch(rng, channels=2)
    n = 30
    rec = {
        "none": None,
        "diagonal": rng.uniform(-0.9, 0.9, n),
        "dense": rng.normal(0, 0.15, (n, n)),
        "sparse": sp.random(n, n, density=0.2, random_state=1, format="csr") * 0.5,
    }[kind]
    args = (X, rng.uniform(-1, 1, (n, 2)), rng.uniform(0.1, 1, n), rng.uniform(-0.2, 0.2, n), rec)
    kw = dict(lengths=lengths, washout=2, n_windows=3, h0=0.05, dtype=dtype, return_states=True)
    assert_same(nw.kernels.run_leaky_tanh(*args, **kw),
                nw.kernels.run_leaky_tanh(*args, backend="numpy", **kw), dtype)


def test_pooling_matches_a_hand_computation_from_states():
    rng = np.random.default_rng(3)
    X, lengths = ragged_batch(rng)
    washout, k = 4, 5
    out = nw.kernels.run_nanowire(X, [0.5, 1.2], 0.3, lengths=lengths, washout=washout, n_windows=k,
                          dtype="float64", return_states=True, check=False)
    for i, length in enumerate(lengths):
        s = out.states[i, :length]
        assert np.all(out.states[i, length:] == 0)
        np.testing.assert_allclose(out.last[i], s[-1], rtol=1e-14)
        np.testing.assert_allclose(out.mean[i], s[washout:].mean(axis=0), rtol=1e-12)
        idx = _window_index(lengths[i:i + 1], X.shape[2], washout, k)[0][:length]
        # K consecutive, non-empty windows covering the steps after the washout, sizes within 1.
        assert np.all(idx[:washout] == -1) and np.all(np.diff(idx[washout:]) >= 0)
        sizes = np.bincount(idx[washout:], minlength=k)
        assert len(sizes) == k and sizes.min() >= 1 and sizes.max() - sizes.min() <= 1
        for w in range(k):
            np.testing.assert_allclose(out.windows[i, w], s[idx == w].mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("sums_dtype, std", [("float32", False), ("float64", False),
                                             ("float64", True)])
def test_compiled_finishing_is_the_numpy_finishing_bit_for_bit(sums_dtype, std):
    from nanowire_rc.kernels.pooling import _finish_pooling

    rng = np.random.default_rng(11)
    lengths = np.array([40, 3, 17, 40, 9])  # the 3-step series leaves windows empty
    n_windows, n_neurons = 6, 37
    kidx = _window_index(lengths, 40, 1, n_windows)
    states = rng.random((5, 40, n_neurons)).astype(sums_dtype)
    sums = np.zeros((5, n_windows + std, n_neurons), sums_dtype)
    for i in range(5):
        for t in np.flatnonzero(kidx[i] >= 0):
            sums[i, kidx[i, t]] += states[i, t]
            if std:
                sums[i, -1] += states[i, t] ** 2
    last = states[:, -1].astype(np.float32)
    ref = _finish_pooling(last, sums.copy(), kidx, std=std)
    fast = _finish_pooling(last, sums.copy(), kidx, std=std, compiled=True)
    for name in ("mean", "windows") + (("std",) if std else ()):
        a, b = getattr(ref, name), getattr(fast, name)
        assert a.dtype == b.dtype == np.float32, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert fast.std is None if not std else fast.std.shape == (5, n_neurons)


def test_window_index_covers_the_pooled_steps_contiguously():
    idx = _window_index(np.array([10, 7]), 10, 2, 3)
    assert idx[0].tolist() == [-1, -1, 0, 0, 0, 1, 1, 1, 2, 2]
    assert idx[1].tolist() == [-1, -1, 0, 0, 1, 1, 2, -1, -1, -1]
    with pytest.raises(ValueError, match="too short"):
        _window_index(np.array([2]), 4, 2, 3)  # no step after the washout
    # Fewer steps than windows: the steps feed windows 0 and 1 of 3, window 2 stays empty
    # (filled when pooling finishes).
    assert _window_index(np.array([4]), 4, 2, 3)[0].tolist() == [-1, -1, 0, 1]


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_series_shorter_than_the_windows_repeat_their_nearest_step(backend):
    """A series with L < K pooled steps: window k is the state at pooled step floor(k L / K)
    if that window is empty (else its own steps' mean); long series are unaffected."""
    rng = np.random.default_rng(5)
    series = [rng.random(3), rng.random(30)]
    out = nw.kernels.run_nanowire(series, [0.7, 1.1], 0.2, n_windows=8, washout=1,
                                  return_states=True, dtype="float64", backend=backend)
    pooled = out.states[0, 1:3]  # the two pooled steps of the short series
    kidx = _window_index(np.array([3]), 3, 1, 8)[0, 1:]
    for k in range(8):
        own = np.flatnonzero(kidx == k)
        expected = pooled[own].mean(axis=0) if own.size else pooled[k * 2 // 8]
        np.testing.assert_allclose(out.windows[0, k], expected, rtol=1e-12)
    long = nw.kernels.run_nanowire(series[1:], [0.7, 1.1], 0.2, n_windows=8, washout=1,
                           dtype="float64", backend=backend)
    np.testing.assert_array_equal(out.windows[1], long.windows[0])


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-9), ("float32", 2e-3)])
def test_std_pooling_equals_the_standard_deviation_of_the_trajectories(backend, dtype, rtol):
    rng = np.random.default_rng(8)
    series = [rng.random(n) for n in (12, 40, 25)]
    dense = rng.uniform(-0.3, 0.3, (3, 3))
    runs = {
        "nanowire": lambda **kw: nw.kernels.run_nanowire(series, [0.5, 0.9, 1.2], 0.05, **kw),
        "tanh": lambda **kw: nw.kernels.run_leaky_tanh(series, [0.5, -0.9, 1.2], 0.3, 0.1, **kw),
        "tanh-dense": lambda **kw: nw.kernels.run_leaky_tanh(
            series, [0.5, -0.9, 1.2], 0.3, 0.1, dense, **kw),
        "coupled": lambda **kw: nw.kernels.run_coupled_nanowire(
            series, [0.3, 0.5, 0.7], np.full((3, 3), 0.02), 0.05, **kw),
    }
    for name, run in runs.items():
        out = run(washout=2, n_windows=3, std=True, return_states=True, dtype=dtype,
                  backend=backend)
        plain = run(washout=2, n_windows=3, dtype=dtype, backend=backend)
        assert plain.std is None
        # Nothing else moves (but for float32 rounding: with std the sums are float64).
        np.testing.assert_allclose(out.windows, plain.windows,
                                   rtol=2e-6 if dtype == "float32" else 1e-15)
        for i, n in enumerate((12, 40, 25)):
            truth = out.states[i, 2:n].astype(np.float64).std(axis=0)
            np.testing.assert_allclose(out.std[i], truth, rtol=rtol, atol=1e-6, err_msg=name)


def test_equal_length_list_and_padded_array_agree():
    rng = np.random.default_rng(11)
    series = [rng.random(n) for n in (20, 33, 27)]
    from_list = nw.kernels.run_nanowire(series, [0.7, 1.1], 0.2, n_windows=2)
    padded = np.zeros((3, 33))
    for i, s in enumerate(series):
        padded[i, : len(s)] = s
    from_array = nw.kernels.run_nanowire(padded, [0.7, 1.1], 0.2, n_windows=2, lengths=[20, 33, 27])
    assert_same(from_list, from_array, "float32")


def test_results_do_not_depend_on_thread_count():
    rng = np.random.default_rng(2)
    X = rng.random((64, 50))
    W = rng.uniform(0.2, 1.4, 128)
    one = nw.kernels.run_nanowire(X, W, 0.1, n_windows=4, n_jobs=1, check=False)
    many = nw.kernels.run_nanowire(X, W, 0.1, n_windows=4, n_jobs=-1, check=False)
    for f in ("last", "mean", "windows"):
        assert np.array_equal(getattr(one, f), getattr(many, f))
    one = nw.kernels.run_leaky_tanh(X, W, 0.3, 0.0, W - 0.8, n_windows=4, n_jobs=1)
    many = nw.kernels.run_leaky_tanh(X, W, 0.3, 0.0, W - 0.8, n_windows=4, n_jobs=2)
    assert np.array_equal(one.windows, many.windows)


def test_n_jobs_follows_scikit_learns_convention():
    """None is one thread, -1 all of them, as in scikit-learn; the reservoirs default to -1."""
    import numba

    from nanowire_rc.kernels.runners import _numba_threads

    outer = numba.get_num_threads()
    with _numba_threads(None):
        assert numba.get_num_threads() == 1
    with _numba_threads(-1):
        assert numba.get_num_threads() == outer
    assert numba.get_num_threads() == outer
    for bad in (0, -2, 1.5):
        with pytest.raises(nw.exceptions.InvalidParameterError, match="n_jobs"), \
                _numba_threads(bad):
            pass
    for cls in (nw.NanowireReservoir, nw.LeakyTanhReservoir, nw.CoupledNanowireReservoir):
        assert cls().n_jobs == -1


def test_memory_stays_pooled_unless_states_requested():
    out = nw.kernels.run_nanowire(np.random.default_rng(0).random((5, 40)), [1.0] * 8, 0.1,
                                  n_windows=3)
    assert out.states is None
    assert out.windows.shape == (5, 3, 8) and out.mean.shape == (5, 8)


def test_unstable_configuration_is_refused_before_running():
    # rho = 9.5e7-style blow-ups (issue 11, defect 4) are refused up front...
    with pytest.raises(nw.UnstableReservoirError, match=r"rho = .* >= 1.*check=False"):
        nw.kernels.run_nanowire(np.random.default_rng(0).random((3, 50)), np.full(5, 1.1), 5.0)
    with pytest.raises(nw.UnstableReservoirError, match="neuron 0"):
        nw.kernels.run_nanowire(np.ones((2, 200)), [2.0], 1.0, backend="numpy")
    # ...and, when the caller opts out, divergence is still reported rather than returned.
    with pytest.raises(DivergedError, match="unstable"):
        nw.kernels.run_nanowire(np.ones((2, 200)), [2.0], 1.0, check=False)
    # The check is over the batch's own voltages: small inputs make the same weights stable.
    with pytest.raises(nw.UnstableReservoirError):
        nw.kernels.run_nanowire(np.random.default_rng(0).random((3, 50)), np.full(5, 1.1), 1.0)
    out = nw.kernels.run_nanowire(np.full((2, 50), 0.1), np.full(5, 1.1), 1.0)
    assert np.all((out.last >= 0) & (out.last <= 1))


def test_voltage_overflow_is_reported_before_running():
    with pytest.raises(nw.exceptions.VoltageOverflowError, match="float32"):
        nw.kernels.run_nanowire(np.ones((1, 5)), [10.0], 0.1)
    # no overflow:
    nw.kernels.run_nanowire(np.ones((1, 5)), [10.0], 1e-9, dtype="float64", check=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": np.zeros((0, 5))}, ValueError, "empty"),
        ({"X": np.zeros(5)}, ValueError, "dimension"),
        ({"X": np.zeros((2, 2, 2, 2))}, ValueError, "dimension"),
        ({"X": np.array([[0.0, np.nan]])}, ValueError, "NaN"),
        ({"X": [["a", "b"]]}, TypeError, "real numbers"),
        ({"input_weights": np.ones((3, 2))}, ValueError, "n_channels=1"),
        ({"dt": 0.0}, ValueError, "dt"),
        ({"method": "rk4"}, ValueError, "method"),
        ({"dtype": "float16"}, ValueError, "float32 or float64"),
        ({"backend": "cuda"}, ValueError, "backend"),
        ({"washout": 8}, ValueError, "too short"),
        ({"lengths": [9]}, ValueError, "lengths"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"X": np.zeros((1, 8)), "input_weights": [1.0, 0.5], "dt": 0.1} | kwargs
    with pytest.raises(error, match=match):
        nw.kernels.run_nanowire(**args)


def test_padding_may_hold_nan():
    X = np.full((2, 6), np.nan)
    X[0, :6] = 0.5
    X[1, :3] = 0.25
    out = nw.kernels.run_nanowire(X, [1.0], 0.1, lengths=[6, 3])
    assert np.all(np.isfinite(out.mean))


def test_callers_padding_is_left_untouched():
    X = np.full((2, 6), np.nan)
    X[:, :3] = 0.5
    nw.kernels.run_nanowire(X, [1.0], 0.1, lengths=[3, 3], dtype="float64")
    assert np.isnan(X[:, 3:]).all()


def test_oversized_trajectories_are_refused_before_allocating(monkeypatch):
    import nanowire_rc.kernels as kernels

    monkeypatch.setattr(kernels, "MAX_STATES_BYTES", 1000)
    X = np.zeros((10, 20))
    with pytest.raises(ValueError, match="pooled features"):
        nw.kernels.run_nanowire(X, [1.0] * 5, 0.1, return_states=True)
    assert nw.kernels.run_nanowire(X, [1.0] * 5, 0.1).states is None  # pooling is unaffected


def test_compiled_kernels_are_cached_on_disk(tmp_path):
    """A second fresh process loads the machine code the first one compiled (issue 15)."""
    import subprocess
    import sys

    script = ("import numpy as np, nanowire_rc as nw; "
              "nw.kernels.run_nanowire(np.random.default_rng(0).random((3, 20)), [0.5, 0.9], 0.1); "
              "nw.kernels.run_leaky_tanh(np.ones((2, 5)), [0.5], 0.3)")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "NUMBA_DEBUG_CACHE": "1"}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=True)
    assert first.stdout.count("data saved to") >= 2
    assert second.stdout.count("data loaded from") >= 2
    assert "data saved to" not in second.stdout  # nothing compiled again


def test_coupled_references_read_a_1d_recurrent_as_its_diagonal():
    from nanowire_rc.kernels import device, reference

    rng = np.random.default_rng(3)
    X, lengths = rng.random((3, 1, 25)), np.array([25, 20, 9])
    W_in, h0, b = np.array([[0.4, 0.8, 1.2]]), np.zeros(3), np.full(3, 0.1)
    diag, p = np.array([0.3, -0.2, 0.1]), nw.NanowireParams()
    plain = [reference.coupled_nanowire_reference(X, lengths, W_in, h0, b, W, 0.1, p, 1.0, None,
                                                  0, 2, True) for W in (diag, np.diag(diag))]
    np.testing.assert_array_equal(plain[0].states, plain[1].states)
    chip = nw.Device(variability=0.1, state_noise=0.01)
    constants, options = chip.draw(3, p, random_state=0), device._options(chip, 0.1)
    noisy = [device.coupled_device_reference(X, lengths, W_in, h0, b, W, 0.1, constants, options,
                                             1.0, None, 7, 0, 2, True)
             for W in (diag, np.diag(diag))]
    np.testing.assert_array_equal(noisy[0].states, noisy[1].states)
    assert not np.array_equal(noisy[0].states, plain[0].states)  # the device is really used
