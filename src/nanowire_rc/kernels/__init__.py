"""Batched reservoir kernels with streaming pooling: the project's hot loops.

:func:`run_nanowire` runs an uncoupled nanowire assembly, :func:`run_coupled_nanowire` a coupled
nanowire network and :func:`run_leaky_tanh` a leaky-tanh reservoir (diagonal, dense or sparse
recurrent matrix) over a whole batch of series in one call, returning :class:`PooledStates` (last
state, mean state, window means; trajectories on request). :func:`run_nanowire_device` and
:func:`run_coupled_nanowire_device` do the same for non-ideal devices. ``backend="compiled"``
(Numba, parallel over cases) is the default; ``backend="numpy"`` runs the plain reference that
defines what the compiled kernels must compute.

Which module holds what:

:mod:`.runners`
    The ``run_*`` functions of the ideal reservoirs: argument checks and layout, stability checks,
    thread control, and the call of a reference or a compiled kernel; shared by :mod:`.device`.
:mod:`.pooling`
    Streaming pooling: which step feeds which window (:func:`_window_index`), the result type
    :class:`PooledStates` and :func:`_finish_pooling`.
:mod:`.reference`
    Plain NumPy references of the kernels, written to be read.
:mod:`.compiled`
    The Numba kernels, specialised and cached on disk.
:mod:`.fastmath`
    Vectorisable ``exp`` and ``tanh`` for the compiled kernels.
:mod:`.device`
    Non-ideal devices: per-neuron constants, noise, DAC, ADC and window; their reference and
    kernels.

This module holds re-exports only, and one setting: :data:`MAX_STATES_BYTES`.
"""

from __future__ import annotations

from ..exceptions import DivergedError, UnstableReservoirError
from .device import run_coupled_nanowire_device, run_nanowire_device
from .pooling import PooledStates
from .runners import BACKENDS, run_coupled_nanowire, run_leaky_tanh, run_nanowire

__all__ = [
    "BACKENDS",
    "MAX_STATES_BYTES",
    "DivergedError",
    "PooledStates",
    "UnstableReservoirError",
    "run_coupled_nanowire",
    "run_coupled_nanowire_device",
    "run_leaky_tanh",
    "run_nanowire",
    "run_nanowire_device",
]

#: Largest trajectory array ``return_states=True`` may allocate (bytes). Every runner reads it
#: from here at each call, so setting ``nanowire_rc.kernels.MAX_STATES_BYTES`` changes the limit.
MAX_STATES_BYTES = 2 * 1024**3
