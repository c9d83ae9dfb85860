"""The library's one source of randomness: a :class:`numpy.random.SeedSequence` per fit.

Every ``random_state`` (an int, None, a ``SeedSequence``, or a NumPy ``RandomState`` or
``Generator`` from which one seed is drawn) becomes one ``SeedSequence``. In an estimator with
several random components (input weights, recurrent weights, biases, device constants, time
steps, noise keys, folds, split, batch order...) each takes its own child of it, keyed by a fixed
:class:`Stream` code rather than by the order of ``spawn`` calls, so adding a component never
moves another component's draws; a function with one random component draws from the sequence
itself. The kernels' counter-based noise streams (:mod:`nanowire_rc.kernels.streams`) are keyed
by an integer from the ``NOISE`` child. :func:`identity_seed` turns a unit's identity into the
integer seed its ``SeedSequence`` starts from, so a selection draws the same reservoirs however
its work is scheduled.
"""

from __future__ import annotations

import zlib
from enum import IntEnum
from numbers import Integral

import numpy as np

__all__ = ["RANDOM_STATE", "SEEDING", "Stream", "child", "generator", "identity_seed",
           "integer_seed", "seed_sequence"]

#: The scikit-learn parameter constraint of every ``random_state`` that :func:`seed_sequence`
#: reads.
RANDOM_STATE = ["random_state", np.random.Generator, np.random.SeedSequence]

#: The name of this way of turning seeds into draws, recorded with stored results so that results
#: drawn another way are refused or rerun rather than mixed with them.
SEEDING = "seed-sequence-children"


class Stream(IntEnum):
    """A component's fixed child index under a fit's ``SeedSequence``.

    ``NODES`` and ``WEIGHTS`` are the first two children, which ``spawn(2)`` also gives.
    """

    NODES = 0
    WEIGHTS = 1
    BIAS = 2
    RECURRENT = 3
    DEVICE = 4
    TIME_STEPS = 5
    NOISE = 6
    FOLDS = 7
    # 8 is unused. A code is never renumbered: that would move every draw of its component.
    SPLIT = 9
    TRAINING = 10
    RESERVOIR = 11
    REGULARISER = 12
    BATCHES = 13


def seed_sequence(random_state) -> np.random.SeedSequence:
    """A fresh ``SeedSequence`` for ``random_state``.

    A ``SeedSequence`` is copied, not spawned from (spawning counts its children, so a second fit
    would draw other ones); a ``RandomState`` or ``Generator`` gives one integer draw in
    [0, 2**31 - 1), as scikit-learn's estimators draw sub-seeds; an int or None seeds it directly.
    """
    if isinstance(random_state, np.random.SeedSequence):
        return np.random.SeedSequence(random_state.entropy, spawn_key=random_state.spawn_key,
                                      pool_size=random_state.pool_size)
    if isinstance(random_state, np.random.RandomState):
        random_state = int(random_state.randint(2**31 - 1))
    elif isinstance(random_state, np.random.Generator):
        random_state = int(random_state.integers(2**31 - 1))
    elif random_state is not None and not isinstance(random_state, Integral):
        raise TypeError(f"random_state must be an int, None, a SeedSequence, a RandomState or a "
                        f"Generator, got {type(random_state).__name__}")
    return np.random.SeedSequence(None if random_state is None else int(random_state))


def child(random_state, stream: int | None) -> np.random.SeedSequence:
    """Child ``stream`` of ``random_state``'s sequence (the sequence itself when None)."""
    root = seed_sequence(random_state)
    if stream is None:
        return root
    # The same SeedSequence that root.spawn(stream + 1)[stream] gives, without counting spawns.
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, int(stream)),
                                  pool_size=root.pool_size)


def generator(random_state, stream: int | None = None) -> np.random.Generator:
    """The ``Generator`` of one component: child ``stream`` of ``random_state``'s sequence (the
    sequence itself when ``stream`` is None)."""
    return np.random.default_rng(child(random_state, stream))


def integer_seed(random_state, stream: int | None = None, bits: int = 62) -> int:
    """A non-negative ``bits``-bit integer from one component's child sequence: the key of a
    counter-based stream, or the seed of a library that takes integers (PyTorch)."""
    word = int(child(random_state, stream).generate_state(1, np.uint64)[0])
    return word >> (64 - bits)


def identity_seed(*identity) -> int:
    """A 32-bit seed from a unit's identity (stable across runs, processes and platforms): the
    CRC-32 of the identity's ``repr``."""
    return zlib.crc32(repr(identity).encode())
