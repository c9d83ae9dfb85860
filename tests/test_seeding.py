"""The one source of randomness: every random_state becomes a SeedSequence, each component a
child keyed by a fixed code (checked against NumPy's own spawn and CRC-32)."""

import zlib

import numpy as np
import pytest

from nanowire_rc._seeding import (
    Stream,
    generator,
    identity_seed,
    integer_seed,
    seed_sequence,
)


def test_a_child_is_the_sequence_spawn_gives():
    root = np.random.SeedSequence(12345)
    children = root.spawn(len(Stream))
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
