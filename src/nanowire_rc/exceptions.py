"""Every error and warning the library raises on purpose, under one base class.

Each is also a standard exception (``ValueError``, ``FileNotFoundError``, ``RuntimeError``) so
code written against those keeps working; catch :class:`NanowireRCError` to catch any of ours.
Messages say what was wrong and what to do. The catalogue of bad inputs and faults, with what a
user gets for each, is ``docs/errors.md``.

This module imports nothing from the library: every other module may raise from it.
"""

from __future__ import annotations

from sklearn.utils._param_validation import InvalidParameterError as _SklearnParameterError

__all__ = [
    "CalibrationError",
    "DatasetChangedError",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "DivergedError",
    "InvalidArgumentError",
    "NanowireRCError",
    "NetworkError",
    "PoorFitWarning",
    "ProtocolMismatchError",
    "StabilityWarning",
    "StoreError",
    "StoreInUseError",
    "UnstableReservoirError",
    "VoltageOverflowError",
]


class NanowireRCError(Exception):
    """Base class of the errors nanowire-rc raises on purpose.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> try:
    ...     nw.load_ucr("NoSuchDataset", "train")
    ... except nw.NanowireRCError as err:
    ...     print(type(err).__name__)
    DatasetNotFoundError
    """


class VoltageOverflowError(NanowireRCError, ValueError):
    """A voltage makes a rate overflow (``exp`` beyond the floating-point range).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> nw.physics.total_rate(100.0)
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.VoltageOverflowError: voltage 100 overflows k_p = kappa_p0*exp...
    """


class UnstableReservoirError(NanowireRCError, ValueError):
    """No echo-state guarantee: memory factor (or coupled contraction bound) >= 1.

    Examples
    --------
    >>> import numpy as np
    >>> import nanowire_rc as nw
    >>> X = np.random.default_rng(0).random((4, 20))
    >>> try:
    ...     nw.NanowireReservoir(n_neurons=10, dt=1.0, random_state=0).fit(X)
    ... except nw.UnstableReservoirError as err:
    ...     print("refused:", isinstance(err, ValueError))
    refused: True
    """


class DivergedError(NanowireRCError, ValueError):
    """The states left every finite range: the reservoir is unstable for this input.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> issubclass(nw.exceptions.DivergedError, (nw.NanowireRCError, ValueError))
    True
    """


class DatasetNotFoundError(NanowireRCError, FileNotFoundError, ValueError):
    """No files for the requested dataset in any of the places looked in.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> issubclass(nw.exceptions.DatasetNotFoundError, (FileNotFoundError, ValueError))
    True
    """


class DatasetFormatError(NanowireRCError, ValueError):
    """A dataset file could not be read or parsed; the message names the file (and line).

    Examples
    --------
    >>> from nanowire_rc.datasets import read_tsv
    >>> from pathlib import Path
    >>> _ = Path("bad.tsv").write_text("1\\t0.5\\t0.25\\n2\\t0.5\\n")
    >>> read_tsv("bad.tsv")
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.DatasetFormatError: bad.tsv, line 2: 2 fields where earlier rows...
    """


class StoreError(NanowireRCError, RuntimeError):
    """The results store cannot be used (corrupt, locked, unwritable); nothing was changed.

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.store import ResultsStore
    >>> _ = Path("corrupt.sqlite").write_bytes(b"not a database" * 100)
    >>> ResultsStore("corrupt.sqlite", {"protocol": 1})
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.StoreError: ...not a readable results store...
    """


class StoreInUseError(StoreError):
    """Another process is running a selection on this results store.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> issubclass(nw.exceptions.StoreInUseError, nw.exceptions.StoreError)
    True
    """


class ProtocolMismatchError(StoreError, ValueError):
    """The store holds results of another protocol or library version.

    Examples
    --------
    >>> from nanowire_rc.store import ResultsStore
    >>> ResultsStore("protocol.sqlite", {"n_windows": 8}).close()
    >>> ResultsStore("protocol.sqlite", {"n_windows": 4})
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.ProtocolMismatchError: ...(differs in: n_windows)...
    """


class DatasetChangedError(ProtocolMismatchError):
    """The store holds results for a dataset of the same name but different contents.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.store import ResultsStore
    >>> with ResultsStore("datasets.sqlite", {"n_windows": 8}) as store:
    ...     store.check_datasets({"MyData": {"train values": "a1", "train labels": "b2"}})
    >>> with ResultsStore("datasets.sqlite", {"n_windows": 8}) as store:
    ...     try:
    ...         store.check_datasets({"MyData": {"train values": "a1", "train labels": "c3"}})
    ...     except nw.exceptions.DatasetChangedError as err:
    ...         print("train labels" in str(err))
    True
    """


class CalibrationError(NanowireRCError, ValueError):
    """A trace cannot be calibrated (bad samples, or too little information in it).

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> nw.calibrate([0.0, 1.0, 1.0], [0.0, 1.0, 1.0], [0.1, 0.2, 0.3])
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.CalibrationError: time must be strictly increasing;...
    """


class StabilityWarning(UserWarning):
    """A reservoir was fitted without its stability guarantee (``stability="warn"``).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import nanowire_rc as nw
    >>> X = np.random.default_rng(0).random((4, 20))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = nw.CoupledNanowireReservoir(n_neurons=10, coupling=5.0, stability="warn",
    ...                                     random_state=0).fit(X)
    >>> any(issubclass(w.category, nw.StabilityWarning) for w in caught)
    True
    """


class NetworkError(NanowireRCError, ValueError):
    """A nanowire network, its electrodes or its drive cannot be simulated as given.

    Examples
    --------
    >>> from nanowire_rc.network import NanowireNetwork
    >>> NanowireNetwork.from_edges([(0, 1), (1, 1)])
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.NetworkError: junction 1 joins node 1 to itself...
    """



class InvalidArgumentError(NanowireRCError, ValueError):
    """An argument the operation cannot work with: a dataset name that is a path, a series too
    short for the model, too few series per class to validate, a malformed address, a limit
    that is not a positive number.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> nw.load_ucr("../elsewhere/Secret")
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.InvalidArgumentError: dataset name '../elsewhere/Secret' is a path...
    """


class InvalidParameterError(InvalidArgumentError, _SklearnParameterError):
    """A hyper-parameter or setting has an invalid type or value; the message names it.

    An :class:`InvalidArgumentError`, and also scikit-learn's ``InvalidParameterError``, hence
    both a ``ValueError`` and a ``TypeError`` (as scikit-learn's is): code catching either keeps
    working. The parameter tables of the estimators raise it with scikit-learn's message.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> nw.Device(read_noise=-1.0)
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.InvalidParameterError: Device.read_noise must be finite and >= 0...
    """


class InvalidInputError(InvalidArgumentError, TypeError):
    """Data passed in is unusable: NaN or inf, a wrong shape or channel count, too few points.

    An :class:`InvalidArgumentError`, both a ``ValueError`` and a ``TypeError`` (values of the
    wrong kind, such as strings or a sparse matrix, were a ``TypeError``), so code catching
    either keeps working.

    Examples
    --------
    >>> import numpy as np
    >>> import nanowire_rc as nw
    >>> nw.NanowireForecaster().fit([1.0, np.nan, 2.0])
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.InvalidInputError: y contains NaN or inf...
    """


class MemoryLimitError(NanowireRCError, ValueError, MemoryError):
    """A computation would need more memory than there is; refused before allocating it.

    Examples
    --------
    >>> import numpy as np
    >>> import nanowire_rc as nw
    >>> nw.NanowireReservoir(n_neurons=10**12).fit(np.zeros((2, 10)))
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.MemoryLimitError: NanowireReservoir with n_neurons=1000000000000...
    """


class IntegrationDivergedError(DivergedError, FloatingPointError):
    """A simulated series (``generators``, ``diagnostics``) left every finite range.

    Also a ``FloatingPointError``, what these simulations raised before.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.exceptions import DivergedError, IntegrationDivergedError
    >>> issubclass(IntegrationDivergedError, (DivergedError, FloatingPointError))
    True
    """


class PoorFitWarning(UserWarning):
    """A calibration explains too little of the trace (R² below the threshold asked for).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import nanowire_rc as nw
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(200.0)
    >>> v = np.where(t < 100, 1.0, 0.0)
    >>> g = 1e-3 + 1e-5 * rng.random(200)  # noise: no response to the voltage
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = nw.calibrate(t, v, g)
    >>> any(issubclass(w.category, nw.exceptions.PoorFitWarning) for w in caught)
    True
    """
