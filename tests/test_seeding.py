"""The one source of randomness: every random_state becomes a SeedSequence, each component a
child keyed by a fixed code (checked against NumPy's own spawn and CRC-32)."""

import zlib

import numpy as np
import pytest

import nanowire_rc as nw
from nanowire_rc._seeding import (
    Stream,
    generator,
    identity_seed,
    integer_seed,
    seed_sequence,
)


def test_a_child_is_the_sequence_spawn_gives():
    root = np.random.SeedSequence(12345)
    children = root.spawn(max(Stream) + 1)
    for stream in Stream:
        expected = np.random.default_rng(children[stream]).random(4)
        assert np.array_equal(generator(12345, stream).random(4), expected)


def test_the_root_is_the_int_seeded_sequence():
    assert np.array_equal(generator(7).random(3), np.random.default_rng(7).random(3))


def test_a_callers_seed_sequence_is_copied_not_spawned_from():
    given = np.random.SeedSequence(3)
    first = generator(given, Stream.WEIGHTS).random(5)
    again = generator(given, Stream.WEIGHTS).random(5)
    assert np.array_equal(first, again)
    assert given.n_children_spawned == 0
    nested = given.spawn(1)[0]
    assert np.array_equal(generator(nested).random(2), np.random.default_rng(nested).random(2))


@pytest.mark.parametrize("make, draw", [
    (np.random.RandomState, lambda rng: int(rng.randint(2**31 - 1))),
    (np.random.default_rng, lambda rng: int(rng.integers(2**31 - 1))),
])
def test_a_numpy_generator_gives_one_seed_and_advances(make, draw):
    rng, twin = make(5), make(5)
    sequence = seed_sequence(rng)
    assert sequence.entropy == draw(twin)
    assert draw(rng) == draw(twin)  # exactly one draw was taken


def test_components_draw_independently():
    a = generator(0, Stream.BIAS).random(1000)
    b = generator(0, Stream.RECURRENT).random(1000)
    assert not np.array_equal(a, b)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.15


@pytest.mark.parametrize("bits", [31, 62, 64])
def test_integer_seeds_have_the_asked_bits(bits):
    seeds = [integer_seed(s, Stream.NOISE, bits=bits) for s in range(200)]
    assert all(0 <= s < 2**bits for s in seeds)
    assert max(seeds) >= 2 ** (bits - 2)  # the top bits are used
    assert integer_seed(0, Stream.NOISE, bits=bits) == seeds[0]


def test_identity_seed_is_the_crc32_of_the_identity():
    assert identity_seed("nanowire", 100, 0) == zlib.crc32(repr(("nanowire", 100, 0)).encode())
    assert identity_seed("nanowire", 100, 0) == 3666761203


@pytest.mark.parametrize("bad", [1.5, "0", [0]])
def test_other_types_are_refused(bad):
    with pytest.raises(TypeError, match="random_state must be"):
        seed_sequence(bad)


def test_switching_a_component_on_moves_no_other_draw():
    """Each component has its own child: a time-step spread or a device leaves the weights as
    they were, and a tanh reservoir's input weights and biases do not depend on its recurrent
    matrix's connectivity."""
    X = np.random.default_rng(0).random((4, 30))
    plain = nw.NanowireReservoir(n_neurons=8, random_state=5).fit(X)
    for changed in (dict(dt_spread=1.0), dict(device=nw.Device(variability=0.1))):
        other = nw.NanowireReservoir(n_neurons=8, random_state=5, **changed).fit(X)
        np.testing.assert_array_equal(other.input_weights_, plain.input_weights_)
    spread = nw.NanowireReservoir(n_neurons=8, random_state=5, dt_spread=1.0).fit(X)
    both = nw.NanowireReservoir(n_neurons=8, random_state=5, dt_spread=1.0,
                                device=nw.Device(variability=0.1)).fit(X)
    # the device's rate prefactors are scaled by the same per-neuron factors as the time steps
    np.testing.assert_array_equal(both.time_steps_, spread.time_steps_)
    tanh = [nw.LeakyTanhReservoir(n_neurons=8, connectivity=c, random_state=5).fit(X)
            for c in ("diagonal", "dense")]
    np.testing.assert_array_equal(tanh[0].input_weights_, tanh[1].input_weights_)
    np.testing.assert_array_equal(tanh[0].bias_, tanh[1].bias_)


def test_a_reservoir_draws_the_same_from_every_kind_of_random_state():
    """An int, a SeedSequence of it, and a RandomState/Generator whose one draw is that int
    give the same reservoir."""
    X = np.random.default_rng(0).random((4, 30))
    seed = int(np.random.RandomState(9).randint(2**31 - 1))
    sources = [seed, np.random.SeedSequence(seed), np.random.RandomState(9)]
    weights = [nw.NanowireReservoir(n_neurons=6, random_state=s).fit(X).input_weights_
               for s in sources]
    for w in weights[1:]:
        np.testing.assert_array_equal(w, weights[0])
    drawn = int(np.random.default_rng(9).integers(2**31 - 1))
    np.testing.assert_array_equal(
        nw.NanowireReservoir(n_neurons=6, random_state=np.random.default_rng(9)).fit(X)
        .input_weights_,
        nw.NanowireReservoir(n_neurons=6, random_state=drawn).fit(X).input_weights_)


def test_a_network_reservoir_takes_one_draw_from_a_random_state():
    """Its node and weight draws are two children of one sequence: a RandomState gives the
    reservoir its one integer draw gives."""
    from nanowire_rc.network import NetworkReservoir

    X = np.random.default_rng(0).random((2, 30))
    seed = int(np.random.RandomState(4).randint(2**31 - 1))
    a = NetworkReservoir(n_read=4, random_state=np.random.RandomState(4)).fit(X)
    b = NetworkReservoir(n_read=4, random_state=seed).fit(X)
    np.testing.assert_array_equal(a.read_nodes_, b.read_nodes_)
    np.testing.assert_array_equal(a.input_weights_, b.input_weights_)


def test_device_runner_draws_the_same_constants_from_an_int_or_its_sequence():
    """The constants come from the DEVICE child either way; the noise key differs by design (an
    int is the key itself), and this device has no noise, so the features agree."""
    from nanowire_rc.kernels.device import run_nanowire_device

    X = np.random.default_rng(0).random((2, 30))
    device = nw.Device(variability=0.1)
    runs = [run_nanowire_device(X, np.full(3, 0.5), 0.1, device, random_state=s, n_windows=1,
                                backend="numpy")
            for s in (5, np.random.SeedSequence(5))]
    np.testing.assert_array_equal(runs[0].mean, runs[1].mean)
    drawn = device.draw(3, random_state=np.random.SeedSequence(5, spawn_key=(Stream.DEVICE,)))
    other = run_nanowire_device(X, np.full(3, 0.5), 0.1, device, constants=drawn,
                                random_state=5, n_windows=1, backend="numpy")
    np.testing.assert_array_equal(other.mean, runs[0].mean)
