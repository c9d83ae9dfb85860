"""UCR / UEA time-series classification datasets: bundled copies, readers for the archive formats.

ECG5000 and SyntheticControl (the paper's two) ship inside the package. Any other dataset is read
from disk, looked up in this order: the ``data_dir`` argument, the directories listed in the
``NANOWIRE_RC_DATA`` environment variable (``os.pathsep``-separated), then the bundled copies. In a
directory ``D`` the files may be ``D/NAME/NAME_TRAIN.<ext>`` or ``D/NAME_TRAIN.<ext>``, with
``<ext>`` one of ``tsv``, ``tsv.gz`` (UCR 2018 archive) or ``ts``, ``ts.gz`` (the sktime/aeon
format of timeseriesclassification.com, univariate or multivariate, equal or unequal length,
missing values as ``?`` or ``NaN``).

Returned shapes follow aeon: ``(n_cases, n_timepoints)`` for univariate, ``(n_cases, n_channels,
n_timepoints)`` for multivariate, and a list of per-case arrays when lengths differ. Labels are
kept as written, with one type per dataset (train and test together): integers if every label is
an integer, else floats, else strings.

Faults are reported, never passed on (docs/errors.md, "Datasets"): a file that cannot be read
or parsed raises :class:`DatasetFormatError` naming the file and line, also past the size limits
(:data:`MAX_BYTES_VAR`, :data:`MAX_LINE_VAR`) that stop a gzip bomb before memory runs out; an
unreadable search directory is skipped with a warning; a dataset name that is a path raises
:class:`~nanowire_rc.exceptions.InvalidArgumentError`. Nothing here touches the network.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import warnings
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np

from .exceptions import (
    DatasetFormatError,
    DatasetNotFoundError,
    InvalidArgumentError,
    InvalidParameterError,
)

__all__ = [
    "BUNDLED",
    "ENV_VAR",
    "MAX_BYTES_VAR",
    "MAX_LINE_VAR",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "fingerprint",
    "list_datasets",
    "load_ucr",
    "read_ts",
    "read_tsv",
    "splits_fingerprint",
]

BUNDLED = ("ECG5000", "SyntheticControl")
ENV_VAR = "NANOWIRE_RC_DATA"
SPLITS = ("train", "test", "both")
_EXTENSIONS = ("tsv", "tsv.gz", "ts", "ts.gz")
_ARCHIVES = (
    "the UCR archive (https://www.cs.ucr.edu/~eamonn/time_series_data_2018/, .tsv) or "
    "timeseriesclassification.com (.ts)"
)


#: Environment variables that raise the bounds on what one dataset file may hold.
MAX_BYTES_VAR = "NANOWIRE_RC_MAX_DATASET_BYTES"
MAX_LINE_VAR = "NANOWIRE_RC_MAX_LINE_LENGTH"
# 1 GiB of text is several times the largest UCR/UEA file; 16 Mi characters per line, about ten
# times the longest series there (the parse of one line briefly needs ~50 bytes per field).
_DEFAULT_MAX_BYTES = 2**30
_DEFAULT_MAX_LINE = 2**24


def _limits() -> tuple[int, int]:
    """The bounds in force: (bytes of text per file, characters per line)."""
    limits = []
    for var, default in ((MAX_BYTES_VAR, _DEFAULT_MAX_BYTES), (MAX_LINE_VAR, _DEFAULT_MAX_LINE)):
        text = os.environ.get(var, "").strip()
        try:
            value = int(text) if text else default
        except ValueError:
            value = 0
        if value < 1:
            raise InvalidArgumentError(f"{var}={text!r}: expected a positive whole number")
        limits.append(value)
    return limits[0], limits[1]


class _Bounded(io.RawIOBase):
    """A binary stream that refuses to deliver more than ``limit`` bytes: a decompression bomb
    stops here, a buffer's worth past the bound, before its text is held anywhere."""

    def __init__(self, stream, limit: int, path: Path):
        self._stream, self._left, self._limit, self._path = stream, limit, limit, path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._stream.readinto(buffer)
        self._left -= n
        if self._left < 0:
            raise DatasetFormatError(
                f"{self._path}: more than {self._limit} bytes of text (after decompression); "
                f"refused before memory runs out. If the file is genuine, raise the bound: "
                f"{MAX_BYTES_VAR}=<bytes>.")
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()


def _lines(path: Path):
    """``(line number, line)`` of a text file (gzip if its name ends in ``.gz``), bounded."""
    max_bytes, max_line = _limits()
    raw = gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb", buffering=0)
    with io.TextIOWrapper(io.BufferedReader(_Bounded(raw, max_bytes, path)),
                          encoding="utf-8") as fh:
        # readline's bound keeps a line without end (all of a bomb in one line) from being
        # read whole: two more characters than the bound leave room for "\r\n".
        for lineno, line in enumerate(iter(lambda: fh.readline(max_line + 2), ""), 1):
            if len(line.rstrip("\r\n")) > max_line:
                raise DatasetFormatError(
                    f"{path}, line {lineno}: longer than {max_line} characters; refused before "
                    f"memory runs out. If the file is genuine, raise the bound: "
                    f"{MAX_LINE_VAR}=<characters>.")
            yield lineno, line


def _label_type(*raw: list[str]) -> type:
    """int if every label (of every split given) is an integer, else float, else str."""
    for kind in (int, float):
        try:
            for labels in raw:
                for r in labels:
                    kind(r)
            return kind
        except ValueError:
            continue
    return str


def _parse_labels(raw: list[str], kind: type | None = None) -> np.ndarray:
    kind = kind or _label_type(raw)
    return np.array(raw, dtype=str) if kind is str else np.array([kind(r) for r in raw])


def _pack(cases: list[np.ndarray]) -> np.ndarray | list[np.ndarray]:
    """Stack equal-length cases (C, T_i) into an array, squeezing C == 1; else keep a list."""
    univariate = all(c.shape[0] == 1 for c in cases)
    if len({c.shape[1] for c in cases}) == 1:
        X = np.stack(cases)
        return X[:, 0, :] if univariate else X
    return [c[0] if univariate else c for c in cases]


def read_tsv(path: str | os.PathLike) -> tuple[np.ndarray | list[np.ndarray], np.ndarray]:
    """Read a UCR 2018 ``.tsv`` (or ``.tsv.gz``): per line a label, then the values, tab-separated.

    Trailing ``NaN`` (the archive's padding of shorter series) is dropped; ``NaN`` inside a
    series is kept as a missing value. Every row must have the same number of fields.

    Parameters
    ----------
    path : str or path-like
        The file (gzip-compressed if its name ends in ``.gz``).

    Returns
    -------
    X : ndarray of shape (n_cases, n_timepoints), or list of ndarray
        The series: one array when they share a length, else a list of 1-D arrays.
    y : ndarray of shape (n_cases,)
        The labels: integers if every label is one, else floats, else strings.

    Raises
    ------
    DatasetFormatError
        Naming the file and line, for a row that cannot be parsed.

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.datasets import read_tsv
    >>> _ = Path("toy.tsv").write_text("1\\t0.5\\t0.25\\t0.0\\n2\\t1.0\\t0.5\\tNaN\\n")
    >>> X, y = read_tsv("toy.tsv")
    >>> X, y
    ([array([0.5 , 0.25, 0.  ]), array([1. , 0.5])], array([1, 2]))
    """
    X, labels = _tsv_cases(path)
    return X, _parse_labels(labels)


def _tsv_cases(path: str | os.PathLike) -> tuple[np.ndarray | list[np.ndarray], list[str]]:
    path = Path(path)
    cases, labels = [], []
    width = None
    for lineno, line in _lines(path):
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) == 1 and "," in fields[0]:
            fields = fields[0].split(",")  # the older UCR archive's comma-separated files
        if fields == [""]:
            continue
        if len(fields) < 2:
            raise DatasetFormatError(f"{path}, line {lineno}: expected a label and values")
        if width is not None and len(fields) != width:
            # The archive pads shorter series with NaN: every row has the same fields.
            raise DatasetFormatError(
                f"{path}, line {lineno}: {len(fields)} fields where earlier rows have "
                f"{width}; the file is truncated or corrupt (unequal lengths are padded with "
                "NaN in the UCR format)")
        width = len(fields)
        try:
            values = np.array([float(v) for v in fields[1:]])
        except ValueError as err:
            raise DatasetFormatError(f"{path}, line {lineno}: {err}") from None
        keep = len(values)
        while keep and np.isnan(values[keep - 1]):
            keep -= 1
        if keep == 0:
            raise DatasetFormatError(f"{path}, line {lineno}: the series has no values")
        labels.append(fields[0].strip())
        cases.append(values[None, :keep])
    if not cases:
        raise DatasetFormatError(f"{path}: no series in the file")
    return _pack(cases), labels


def read_ts(path: str | os.PathLike) -> tuple[np.ndarray | list[np.ndarray], np.ndarray]:
    """Read a ``.ts`` file (sktime/aeon format): ``@`` header, then ``dim1:...:label`` lines.

    Parameters
    ----------
    path : str or path-like
        The file (``.gz``: gzip-compressed).

    Returns
    -------
    X : ndarray or list of ndarray
        ``(n_cases, n_timepoints)`` for equal-length univariate series,
        ``(n_cases, n_channels, n_timepoints)`` for equal-length multivariate ones, else a list
        of per-case arrays.
    y : ndarray of shape (n_cases,)
        Class labels, typed as :func:`read_tsv` types them.

    Raises
    ------
    DatasetFormatError
        For a line that cannot be parsed (the message names the file and the line).

    Examples
    --------
    >>> from pathlib import Path
    >>> from nanowire_rc.datasets import read_ts
    >>> text = "@problemName toy\\n@classLabel true a b\\n@data\\n1,2,3:a\\n4,5,6:b\\n"
    >>> _ = Path("toy.ts").write_text(text)
    >>> X, y = read_ts("toy.ts")
    >>> X, y
    (array([[1., 2., 3.],
           [4., 5., 6.]]), array(['a', 'b'], dtype='<U1'))
    """
    X, labels = _ts_cases(path)
    return X, _parse_labels(labels)


def _ts_cases(path: str | os.PathLike) -> tuple[np.ndarray | list[np.ndarray], list[str]]:
    path = Path(path)
    header: dict[str, str] = {}
    class_labels: set[str] | None = None
    cases, labels = [], []
    in_data = False
    for lineno, line in _lines(path):
        line = line.strip()
        if not line or line.startswith(("#", "%")):  # both comment marks occur in .ts files
            continue
        where = f"{path}, line {lineno}"
        if not in_data:
            if not line.startswith("@"):
                raise DatasetFormatError(f"{where}: expected a header line starting with @")
            key, _, value = line[1:].partition(" ")
            key = key.lower()
            if key == "data":
                in_data = True
            elif key == "classlabel":
                parts = value.split()
                if parts and parts[0].lower() == "true":
                    class_labels = set(parts[1:])
            header[key] = value.strip()
            continue
        if header.get("timestamps", "false").lower() == "true":
            raise DatasetFormatError(f"{where}: time-stamped .ts data is not supported")
        *dims, label = line.split(":")
        if class_labels is None:
            dims.append(label)
            label = ""
        if not dims:
            raise DatasetFormatError(f"{where}: no values before the class label")
        try:
            rows = [np.array([np.nan if v.strip() in ("?", "NaN", "nan") else float(v)
                              for v in d.split(",")]) for d in dims]
        except ValueError as err:
            raise DatasetFormatError(f"{where}: {err}") from None
        if cases and len(rows) != cases[0].shape[0]:
            raise DatasetFormatError(
                f"{where}: {len(rows)} dimensions, but earlier cases have {cases[0].shape[0]}"
            )
        if len({len(r) for r in rows}) != 1:
            raise DatasetFormatError(f"{where}: the dimensions of one case differ in length")
        label = label.strip()
        if class_labels is not None and class_labels and label not in class_labels:
            raise DatasetFormatError(
                f"{where}: label {label!r} is not among the declared @classLabel values"
            )
        labels.append(label)
        cases.append(np.vstack(rows))
    if not in_data:
        raise DatasetFormatError(f"{path}: no @data line")
    if not cases:
        raise DatasetFormatError(f"{path}: no series after @data")
    return _pack(cases), labels


def _search_dirs(data_dir: str | os.PathLike | None) -> list[Path]:
    """The directories to look in, in order; unreadable ones are skipped with a warning."""
    dirs = [Path(data_dir)] if data_dir is not None else []
    dirs += [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    readable = []
    for d in dirs:
        if d.exists() and not d.is_dir():
            reason = "it is a file, not a directory"
        elif d.exists() and not os.access(d, os.R_OK | os.X_OK):
            reason = "permission denied"
        else:
            readable.append(d)
            continue
        warnings.warn(f"skipping dataset directory {d}: {reason}", UserWarning, stacklevel=3)
    return readable


def _check_name(name: str) -> None:
    """Refuse a name that is not a plain name: it would be read outside the search directories."""
    if not isinstance(name, str) or not name:
        raise InvalidArgumentError(f"name must be a dataset name, got {name!r}")
    # A name is its own last path component on every platform ("C:x" is a drive on Windows).
    if "\0" in name or name in (".", "..") or any(
            flavour(name).name != name for flavour in (PurePosixPath, PureWindowsPath)):
        last = PureWindowsPath(name).name
        stem = last if last not in ("", ".", "..") else "NAME"
        raise InvalidArgumentError(
            f"dataset name {name!r} is a path, not a name: names may not contain a path "
            f"separator, a drive or '..', so that nothing is read outside the directories "
            f"searched. To read {stem}_TRAIN.tsv from a directory DIR, pass the name {stem!r} "
            f"and data_dir=DIR (--data-dir DIR on the command line) or set {ENV_VAR}=DIR.")


def _bundled_dir() -> Path:
    return Path(str(resources.files("nanowire_rc") / "data" / "ucr"))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a sub-directory without permission: not a place we can read from
        return False


def _find(name: str, split: str, dirs: list[Path]) -> Path | None:
    for d in [*dirs, _bundled_dir()]:
        for base in (d / name, d):
            for ext in _EXTENSIONS:
                candidate = base / f"{name}_{split.upper()}.{ext}"
                if _is_file(candidate):
                    return candidate
    return None


def _read(path: Path):
    """Read a dataset file: ``(X, raw labels)``; every failure becomes DatasetFormatError."""
    kind = "ts" if path.name.endswith((".ts", ".ts.gz")) else "tsv"
    try:
        stat = path.stat()  # a rewritten file is read again, and so is one under new bounds
        return _read_cached(str(path), stat.st_mtime_ns, stat.st_size, _limits())
    except DatasetFormatError:
        raise
    except UnicodeDecodeError as err:
        reason = f"not UTF-8 text (byte {err.start}: {err.reason}); is it a .{kind} file?"
    except (EOFError, zlib.error) as err:
        reason = f"the compressed data is truncated or corrupt ({err or type(err).__name__})"
    except gzip.BadGzipFile as err:
        reason = f"not a gzip file ({err}); rename it without .gz if it is plain text"
    except OSError as err:
        reason = err.strerror or str(err)
    raise DatasetFormatError(f"{path}: cannot be read: {reason}") from None


@lru_cache(maxsize=16)
def _read_cached(path: str, mtime_ns: int, size: int, limits: tuple[int, int]):
    return (_ts_cases if path.endswith((".ts", ".ts.gz")) else _tsv_cases)(path)


def _copy(X):
    return [x.copy() for x in X] if isinstance(X, list) else X.copy()


def load_ucr(
    name: str, split: str = "train", data_dir: str | os.PathLike | None = None
) -> tuple[np.ndarray | list[np.ndarray], np.ndarray]:
    """Load a UCR/UEA dataset split as ``(X, y)``.

    Parameters
    ----------
    name : str
        Dataset name as in the archive, e.g. ``"ECG5000"``.
    split : {"train", "test", "both"}
        Which official split; ``"both"`` concatenates train then test.
    data_dir : path, optional
        Directory searched first (see the module docstring for the lookup order and layout).

    Returns
    -------
    X : array (n_cases, n_timepoints), array (n_cases, n_channels, n_timepoints) or list
        The series; a list of per-case arrays when their lengths differ. A fresh copy, free to
        modify.
    y : array (n_cases,)
        The labels, of one type for both splits: integers if every label is one, else floats,
        else strings.

    Raises
    ------
    ValueError
        If ``split`` is invalid.
    InvalidArgumentError
        If ``name`` is not a plain name (a path separator, a drive, ``..``).
    DatasetNotFoundError
        If no file for the split is found; the message lists every place looked in.
    DatasetFormatError
        If the file cannot be read or parsed (naming the file and line), or holds more text
        than the bounds allow (``NANOWIRE_RC_MAX_DATASET_BYTES``,
        ``NANOWIRE_RC_MAX_LINE_LENGTH``; see the module docstring).

    Examples
    --------
    >>> from nanowire_rc import load_ucr
    >>> X, y = load_ucr("SyntheticControl", "train")
    >>> X.shape, sorted(set(y.tolist()))
    ((300, 60), [1, 2, 3, 4, 5, 6])
    """
    if split not in SPLITS:
        raise InvalidParameterError(f"split must be one of {SPLITS}, got {split!r}")
    _check_name(name)
    if split == "both":
        X_tr, y_tr = load_ucr(name, "train", data_dir)
        X_te, y_te = load_ucr(name, "test", data_dir)
        if isinstance(X_tr, list) or isinstance(X_te, list) or X_tr.shape[1:] != X_te.shape[1:]:
            return [*X_tr, *X_te], np.concatenate([y_tr, y_te])
        return np.concatenate([X_tr, X_te]), np.concatenate([y_tr, y_te])
    dirs = _search_dirs(data_dir)
    path = _find(name, split, dirs)
    if path is None:
        looked = [str(d) for d in dirs] + [f"{_bundled_dir()} (bundled: {', '.join(BUNDLED)})"]
        raise DatasetNotFoundError(
            f"dataset {name!r} ({split}) not found. Looked in: {'; '.join(looked)}. Put "
            f"{name}_TRAIN.tsv and {name}_TEST.tsv (or .ts, optionally gzipped) in DIR/{name}/ "
            f"and pass data_dir=DIR (--data-dir DIR on the command line) or set {ENV_VAR}=DIR. "
            f"Get them from {_ARCHIVES}."
        )
    X, labels = _read(path)
    # One label type for the dataset, decided on both splits (the files side by side), so train
    # and test labels always compare.
    other = path.with_name(path.name.replace(f"_{split.upper()}.",
                                             "_TEST." if split == "train" else "_TRAIN."))
    kind = _label_type(labels, _read(other)[1]) if _is_file(other) else None
    return _copy(X), _parse_labels(labels, kind)


def fingerprint(X, y) -> dict[str, str]:
    """SHA-256 digests of a dataset split's values (with shape and lengths) and labels.

    Two loads of the same data give the same digests; any change of a value, a length or a
    label changes them.

    Parameters
    ----------
    X : array_like or list of array_like
        The series, as :func:`load_ucr` returns them.
    y : array_like of shape (n_cases,)
        The labels.

    Returns
    -------
    dict
        ``{"values": hex digest, "labels": hex digest}``.

    Examples
    --------
    >>> from nanowire_rc.datasets import fingerprint
    >>> a = fingerprint([[0.0, 1.0]], [1])
    >>> a == fingerprint([[0.0, 1.0]], [1]), a == fingerprint([[0.0, 1.0]], [2])
    (True, False)
    """
    values = hashlib.sha256()
    for case in (X if isinstance(X, list) else [X]):
        arr = np.ascontiguousarray(case, dtype=np.float64)
        values.update(repr(arr.shape).encode())
        values.update(arr.tobytes())
    labels = hashlib.sha256()
    y = np.asarray(y)
    labels.update(y.dtype.kind.encode())
    labels.update("\n".join(map(str, y.tolist())).encode())
    return {"values": values.hexdigest(), "labels": labels.hexdigest()}


def splits_fingerprint(train: tuple, test: tuple) -> dict[str, str]:
    """Fingerprint of a dataset's two splits as loaded, to tell whether stored results used them.

    Fingerprinting the arrays a computation then uses (rather than loading the files again)
    ties the fingerprint to exactly the data used.

    Parameters
    ----------
    train, test : tuple
        ``(X, y)`` of each split, as :func:`load_ucr` returns them.

    Returns
    -------
    dict
        A SHA-256 hex digest per part: the values and the labels of each split.

    Examples
    --------
    >>> from nanowire_rc.datasets import load_ucr, splits_fingerprint
    >>> train, test = load_ucr("SyntheticControl", "train"), load_ucr("SyntheticControl", "test")
    >>> sorted(splits_fingerprint(train, test))
    ['test labels', 'test values', 'train labels', 'train values']
    """
    out = {}
    for split, (X, y) in (("train", train), ("test", test)):
        for part, digest in fingerprint(X, y).items():
            out[f"{split} {part}"] = digest
    return out


def list_datasets(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the datasets :func:`load_ucr` can find: bundled plus those on disk.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Directory searched first, as in :func:`load_ucr` (then ``NANOWIRE_RC_DATA``).

    Returns
    -------
    list of str
        Sorted dataset names.

    Examples
    --------
    >>> from nanowire_rc import list_datasets
    >>> list_datasets()  # the bundled ones, when NANOWIRE_RC_DATA is not set
    ['ECG5000', 'SyntheticControl']
    """
    names = set(BUNDLED)
    for d in _search_dirs(data_dir):
        if not d.is_dir():
            continue
        for path in list(d.glob("*_TRAIN.*")) + list(d.glob("*/*_TRAIN.*")):
            stem = path.name.split("_TRAIN.")[0]
            if path.name[len(stem) + len("_TRAIN."):] in _EXTENSIONS:
                names.add(stem)
    return sorted(names)
