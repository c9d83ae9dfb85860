"""Time-series input shapes: turn what users pass into one padded, validated batch.

Accepted (aeon's conventions): an array ``(n_cases, n_timepoints)`` (univariate), an array
``(n_cases, n_channels, n_timepoints)``, or a list of per-case arrays ``(n_timepoints_i,)`` or
``(n_channels, n_timepoints_i)`` of unequal lengths. The result is a C-contiguous array
``(n_cases, n_channels, max_length)`` padded with zeros, plus each case's length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from .exceptions import InvalidInputError

__all__ = ["SeriesBatch", "as_batch"]


class SeriesBatch:
    """A padded batch: ``values`` (n_cases, n_channels, n_timepoints) and ``lengths`` (n_cases,).

    Usually made by :func:`as_batch`, which validates; the constructor stores what it is given.

    Parameters
    ----------
    values : ndarray of shape (n_cases, n_channels, n_timepoints)
        The series, zero-padded after each case's length.
    lengths : ndarray of shape (n_cases,)
        Length of each case (int64).

    Examples
    --------
    >>> from nanowire_rc.series import as_batch
    >>> batch = as_batch([[1.0, 2.0, 3.0], [4.0, 5.0]])
    >>> batch.values.shape, batch.lengths, batch.n_cases, batch.n_channels
    ((2, 1, 3), array([3, 2]), 2, 1)
    """

    __slots__ = ("lengths", "values")

    def __init__(self, values: np.ndarray, lengths: np.ndarray):
        self.values = values
        self.lengths = lengths

    @property
    def n_cases(self) -> int:
        """Number of series."""
        return self.values.shape[0]

    @property
    def n_channels(self) -> int:
        """Number of channels of every series."""
        return self.values.shape[1]

    def valid_mask(self) -> np.ndarray:
        """Where the series are: True inside each series, False in the padding.

        Returns
        -------
        ndarray of bool, shape (n_cases, n_timepoints)
            ``mask[i, t]`` is ``t < lengths[i]``.

        Examples
        --------
        >>> from nanowire_rc.series import as_batch
        >>> as_batch([[1.0, 2.0, 3.0], [4.0, 5.0]]).valid_mask()
        array([[ True,  True,  True],
               [ True,  True, False]])
        """
        return np.arange(self.values.shape[2])[None, :] < self.lengths[:, None]

    def channel_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-channel minimum and maximum over every case and valid time step.

        Returns
        -------
        data_min : ndarray of shape (n_channels,)
            Smallest value of each channel (padding excluded).
        data_max : ndarray of shape (n_channels,)
            Largest value of each channel (padding excluded).

        Examples
        --------
        >>> from nanowire_rc.series import as_batch
        >>> as_batch([[1.0, 2.0, 3.0], [4.0, 5.0]]).channel_range()  # the padding 0 is ignored
        (array([1.]), array([5.]))
        """
        mask = self.valid_mask()[:, None, :]
        lo = np.where(mask, self.values, np.inf).min(axis=(0, 2))
        hi = np.where(mask, self.values, -np.inf).max(axis=(0, 2))
        return lo, hi


def _from_list(X: Sequence, dtype) -> tuple[np.ndarray, np.ndarray]:
    cases = []
    for i, case in enumerate(X):
        arr = np.asarray(case, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise InvalidInputError(
                f"case {i} has shape {arr.shape}; each case must be (n_timepoints,) or "
                "(n_channels, n_timepoints)"
            )
        cases.append(arr)
    channels = {c.shape[0] for c in cases}
    if len(channels) > 1:
        raise InvalidInputError(f"cases have different numbers of channels: {sorted(channels)}")
    lengths = np.array([c.shape[1] for c in cases], dtype=np.int64)
    values = np.zeros((len(cases), channels.pop(), lengths.max()), dtype=dtype)
    for i, c in enumerate(cases):
        values[i, :, : c.shape[1]] = c
    return values, lengths


def as_batch(X: ArrayLike | Sequence, dtype=np.float64, name: str = "X",
             lengths: ArrayLike | None = None) -> SeriesBatch:
    """Validate ``X`` and return it as a :class:`SeriesBatch` of ``dtype``.

    Parameters
    ----------
    X : array-like or sequence of array-like
        ``(n_cases, n_timepoints)``, ``(n_cases, n_channels, n_timepoints)``, a list of
        per-case arrays ``(n_timepoints_i,)`` or ``(n_channels, n_timepoints_i)``, or a
        :class:`SeriesBatch` (then only cast).
    dtype : numpy dtype, default float64
        Type of the returned values.
    name : str, default "X"
        Name used in error messages.
    lengths : array-like of int, optional
        Each case's length inside a padded array; whatever lies past it (zeros, NaN) is
        ignored and zeroed.

    Returns
    -------
    SeriesBatch
        The values, C-contiguous and zero-padded, and the lengths. The caller's array is never
        modified.

    Raises
    ------
    ValueError
        For empty input, a wrong number of dimensions, an empty series, complex values, bad
        ``lengths``, or NaN / inf inside a series.
    TypeError
        For sparse or non-numeric input.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.series import as_batch
    >>> as_batch(np.zeros((5, 2, 40))).values.shape  # (n_cases, n_channels, n_timepoints)
    (5, 2, 40)
    >>> batch = as_batch([[1.0, 2.0, 3.0], [4.0, 5.0]])  # unequal lengths
    >>> batch.values[:, 0], batch.lengths
    (array([[1., 2., 3.],
           [4., 5., 0.]]), array([3, 2]))
    """
    if isinstance(X, SeriesBatch):
        return SeriesBatch(np.ascontiguousarray(X.values, dtype=dtype), X.lengths)
    if sp.issparse(X):
        raise InvalidInputError(
            f"{name} is a sparse matrix: sparse input is not supported; pass a dense "
            "array of series (X.toarray())")
    if isinstance(X, (list, tuple)) and len(X) and not np.isscalar(X[0]):
        ragged = len({np.shape(c) for c in X}) > 1
    else:
        ragged = False
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise InvalidInputError(f"{name} is empty: need at least one series")
    try:
        if ragged:
            values, inferred = _from_list(X, dtype)
        else:
            values = np.asarray(X)
            if values.dtype == object:
                values, inferred = _from_list(list(values), dtype)
            else:
                if np.iscomplexobj(values):
                    raise InvalidInputError(
                        f"{name}: Complex data not supported; real-valued series are "
                        "required")
                values = values.astype(dtype, copy=False)
                if values.ndim == 2:
                    values = values[:, None, :]
                elif values.ndim != 3:
                    raise InvalidInputError(
                        f"{name} must have shape (n_cases, n_timepoints) or (n_cases, n_channels, "
                        f"n_timepoints), got an array with {values.ndim} dimension(s) "
                        f"{values.shape}" + (
                            ". Reshape your data: for a single series use X.reshape(1, -1)"
                            if values.ndim == 1 else ""
                        )
                    )
                inferred = np.full(values.shape[0], values.shape[2], dtype=np.int64)
    except (TypeError, ValueError) as err:
        if isinstance(err, ValueError) and "could not convert" not in str(err):
            raise
        raise InvalidInputError(f"{name} must contain real numbers: {err}") from err
    if values.shape[0] == 0:
        raise InvalidInputError(f"{name} is empty: need at least one series")
    if values.shape[1] == 0 or values.shape[2] == 0 or np.any(inferred == 0):
        raise InvalidInputError(
            f"{name} contains an empty series (no channels or no time points): 0 feature(s) "
            f"(shape={np.shape(X) if not ragged else values.shape}) while a minimum of 1 is "
            "required."
        )
    if lengths is None:
        lengths = inferred
    else:
        given = np.asarray(lengths)
        if given.shape != (values.shape[0],) or not np.issubdtype(given.dtype, np.integer):
            raise InvalidInputError(f"lengths must be {values.shape[0]} integers, got {lengths!r}")
        if np.any(given < 1) or np.any(given > inferred):
            raise InvalidInputError(f"lengths must lie in [1, {values.shape[2]}]")
        lengths = given.astype(np.int64)
    values = np.ascontiguousarray(values)
    batch = SeriesBatch(values, lengths)
    finite = np.isfinite(values)
    if not finite.all():
        bad = ~finite & batch.valid_mask()[:, None, :]
        if bad.any():
            i, c, t = np.argwhere(bad)[0]
            raise InvalidInputError(
                f"{name} contains NaN or inf (first at case {i}, channel {c}, time {t}); "
                "impute or drop missing values first"
            )
        if isinstance(X, np.ndarray) and np.shares_memory(values, X):
            values = batch.values = values.copy()  # never modify the caller's array
        values[~finite] = 0.0  # what is left non-finite is padding
    return batch


def _scale_minmax(batch: SeriesBatch, data_min: np.ndarray, data_max: np.ndarray,
                  feature_range: tuple[float, float] | None = (0.0, 1.0),
                  dtype=None) -> SeriesBatch:
    """Clip each channel to its training range, map it linearly onto ``feature_range``, and cast.

    Clipping keeps unseen series inside the range that a reservoir's stability guarantee was
    computed for; ``feature_range=None`` clips only; a constant channel maps to the lower end. The
    arithmetic is float64 whatever ``dtype`` (default: the batch's), so a small signal on a large
    offset keeps its precision. Raises :class:`InvalidInputError` if a channel's range is too
    wide or too narrow (subnormal) to scale, or a value does not fit ``dtype``.
    """
    dtype = np.dtype(batch.values.dtype if dtype is None else dtype)
    lo = np.asarray(data_min, dtype=np.float64)[None, :, None]
    hi = np.asarray(data_max, dtype=np.float64)[None, :, None]
    values = np.clip(batch.values.astype(np.float64, copy=False), lo, hi)
    if feature_range is not None:
        a, b = feature_range
        with np.errstate(over="ignore"):
            span = hi - lo
        if not np.all(np.isfinite(span)):
            c = int(np.argmin(np.isfinite(span).ravel()))
            raise InvalidInputError(
                f"channel {c} spans [{lo.ravel()[c]:.4g}, {hi.ravel()[c]:.4g}], a range wider "
                "than float64 can represent: rescale the data (e.g. divide by its largest value)"
            )
        span = np.where(hi > lo, span, 1.0)
        narrow = span < np.finfo(np.float64).tiny
        if np.any(narrow):
            # (b - a) / span overflows: every value would come out NaN or inf
            c = int(np.argmax(narrow.ravel()))
            raise InvalidInputError(
                f"channel {c} spans [{lo.ravel()[c]:.4g}, {hi.ravel()[c]:.4g}], a range of "
                f"width {span.ravel()[c]:.4g}: subnormal, below the smallest normal float64 "
                f"({np.finfo(np.float64).tiny:.4g}), too narrow to scale. Rescale the data "
                "(e.g. multiply it by 1e300), or keep it unscaled (input_range=None)")
        values = a + (values - lo) * ((b - a) / span)
    with np.errstate(over="ignore"):
        out = values.astype(dtype)
    if not np.all(np.isfinite(out)):
        worst = float(np.abs(values).max())
        raise InvalidInputError(
            f"the scaled input reaches {worst:.4g}, beyond the largest {dtype.name} "
            f"({np.finfo(dtype).max:.4g}): use "
            + ("dtype='float64', or " if dtype != np.float64 else "") + "min-max scaling "
            "(input_range=(0, 1))"
        )
    out[~batch.valid_mask()[:, None, :].repeat(out.shape[1], axis=1)] = 0.0
    return SeriesBatch(np.ascontiguousarray(out), batch.lengths)


def _with_difference(batch: SeriesBatch) -> SeriesBatch:
    """The batch with each channel's first difference appended: channel ``c + n_channels`` holds
    ``x_c(t) - x_c(t - 1)``, zero at ``t = 0`` and in the padding (it sees how fast a series
    moves, which pooled states of the level alone blur).
    """
    values = batch.values
    diff = np.zeros_like(values)
    diff[:, :, 1:] = values[:, :, 1:] - values[:, :, :-1]
    diff[~batch.valid_mask()[:, None, :].repeat(values.shape[1], axis=1)] = 0.0
    return SeriesBatch(np.ascontiguousarray(np.concatenate([values, diff], axis=1)),
                       batch.lengths)


def _reverse_time(batch: SeriesBatch) -> SeriesBatch:
    """Each series read backwards within its own length (the padding stays at the end)."""
    n_timepoints = batch.values.shape[2]
    t = np.arange(n_timepoints)[None, :]
    source = np.where(t < batch.lengths[:, None], batch.lengths[:, None] - 1 - t, t)
    values = np.take_along_axis(batch.values, source[:, None, :], axis=2)
    values[~batch.valid_mask()[:, None, :].repeat(values.shape[1], axis=1)] = 0.0
    return SeriesBatch(np.ascontiguousarray(values), batch.lengths)
