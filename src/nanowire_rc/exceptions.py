"""Every error and warning the library raises on purpose, under one base class.

Each is also a standard exception (``ValueError``, ``FileNotFoundError``, ``RuntimeError``) so
code written against those keeps working; catch :class:`NanowireRCError` to catch any of ours.
Messages say what was wrong and what to do. The catalogue of bad inputs and faults, with what a
user gets for each, is ``docs/errors.md``.

This module imports nothing from the library: every other module may raise from it.
"""

from __future__ import annotations

__all__ = [
    "CalibrationError",
    "DatasetChangedError",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "DivergedError",
    "NanowireRCError",
    "ProtocolMismatchError",
    "StabilityWarning",
    "StoreError",
    "StoreInUseError",
    "UnstableReservoirError",
    "VoltageOverflowError",
]


class NanowireRCError(Exception):
    """Base class of the errors nanowire-rc raises on purpose."""


class VoltageOverflowError(NanowireRCError, ValueError):
    """A voltage makes a rate overflow (``exp`` beyond the floating-point range)."""


class UnstableReservoirError(NanowireRCError, ValueError):
    """No echo-state guarantee: memory factor (or coupled contraction bound) >= 1."""


class DivergedError(NanowireRCError, ValueError):
    """The states left every finite range: the reservoir is unstable for this input."""


class DatasetNotFoundError(NanowireRCError, FileNotFoundError, ValueError):
    """No files for the requested dataset in any of the places looked in."""


class DatasetFormatError(NanowireRCError, ValueError):
    """A dataset file could not be read or parsed; the message names the file (and line)."""


class StoreError(NanowireRCError, RuntimeError):
    """The results store cannot be used (corrupt, locked, unwritable); nothing was changed."""


class StoreInUseError(StoreError):
    """Another process is running a selection on this results store."""


class ProtocolMismatchError(StoreError, ValueError):
    """The store holds results of another protocol or library version."""


class DatasetChangedError(ProtocolMismatchError):
    """The store holds results for a dataset of the same name but different contents."""


class CalibrationError(NanowireRCError, ValueError):
    """A trace cannot be calibrated (bad samples, or too little information in it)."""


class StabilityWarning(UserWarning):
    """A reservoir was fitted without its stability guarantee (``stability="warn"``)."""
