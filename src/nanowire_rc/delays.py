"""Delay lines: delayed copies of a reservoir's input, for its readout or as its input.

:func:`input_features` builds a forecaster's readout features from a time-first series of scaled
inputs: the current input, delayed copies ``u(t - s), ..., u(t - k s)`` (before the series'
start: its first value) and their quadratic monomials, as in next-generation reservoir
computing. :class:`DelayLine` puts the delay line in front of the reservoir instead, as a
scikit-learn transformer (docs/forecasting.md, "Memory: delay line and quadratic features").
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .exceptions import InvalidInputError, InvalidParameterError
from .series import as_batch

__all__ = ["DelayLine", "input_features"]


def _check_delay_options(n_delays: int, delay_step: int, quadratic: bool) -> None:
    """Refuse delay options that are not a count >= 0, a step >= 1 and a bool
    (:class:`InvalidParameterError` naming the option and its value).
    """
    for name, value, minimum in (("n_delays", n_delays, 0), ("delay_step", delay_step, 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
            raise InvalidParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if not isinstance(quadratic, (bool, np.bool_)):
        raise InvalidParameterError(f"quadratic must be True or False, got {quadratic!r}")


def _n_input_features(n_channels: int, include_input: bool, n_delays: int,
                      quadratic: bool) -> int:
    """Number of columns :func:`input_features` returns: ``F + F (F + 1) / 2`` with quadratic
    monomials, else ``F``, where ``F = n_channels (include_input + n_delays)``.
    """
    linear = n_channels * (int(include_input) + n_delays)
    return linear + (linear * (linear + 1) // 2 if quadratic else 0)


def input_features(U: np.ndarray, include_input: bool, n_delays: int = 0, delay_step: int = 1,
                   quadratic: bool = False) -> np.ndarray:
    """Readout features of a scaled input series: current value, delayed copies, monomials.

    Parameters
    ----------
    U : ndarray of shape (n_timepoints, n_channels)
        Scaled inputs, time first.
    include_input : bool
        Start with ``u(t)``.
    n_delays : int, default=0
        Append ``u(t - k delay_step)`` for ``k = 1 .. n_delays`` (before the series' start: its
        first value).
    delay_step : int, default=1
        Steps between consecutive copies.
    quadratic : bool, default=False
        Append the products ``z_i z_j``, ``i <= j``, of the linear features ``z`` above.

    Returns
    -------
    ndarray of shape (n_timepoints, n_features)
        Row ``t`` holds the features at time ``t``: the linear ones lag by lag (each lag's
        channels together), then the monomials in the order ``(0, 0), (0, 1), ..., (1, 1), ...``.
        Zero columns when nothing is asked for.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.delays import input_features
    >>> U = np.arange(1.0, 6.0)[:, None]
    >>> input_features(U, True, n_delays=2, delay_step=2)
    array([[1., 1., 1.],
           [2., 1., 1.],
           [3., 1., 1.],
           [4., 2., 1.],
           [5., 3., 1.]])
    >>> input_features(U[:2], True, n_delays=1, quadratic=True)  # u, u(t-1), u², u u(t-1), ...
    array([[1., 1., 1., 1., 1.],
           [2., 1., 4., 2., 1.]])
    """
    n = U.shape[0]
    blocks = [U] if include_input else []
    for k in range(1, n_delays + 1):
        lag = k * delay_step
        shifted = np.empty_like(U)
        shifted[:lag] = U[0]
        shifted[lag:] = U[:n - lag] if lag < n else shifted[lag:]
        blocks.append(shifted)
    Z = np.hstack(blocks) if blocks else np.empty((n, 0), dtype=U.dtype)
    if not quadratic:
        return Z
    i, j = np.triu_indices(Z.shape[1])
    return np.hstack([Z, Z[:, i] * Z[:, j]])


class DelayLine(TransformerMixin, BaseEstimator):
    """Append delayed copies of every channel as extra channels: a delay line before a reservoir.

    Channel ``c + k n_channels`` of the output holds ``x_c(t - k delay_step)``, ``k = 1 ..
    n_delays`` (before a series' start: its first value, within each series' own length). Series
    in aeon's shapes (see :func:`~nanowire_rc.series.as_batch`) come back in the same form: an
    array ``(n_cases, n_channels (1 + n_delays), n_timepoints)``, or a list of per-case arrays
    when the lengths differ. It learns nothing but the number of channels, so it composes with
    every estimator that takes series: ``make_pipeline(DelayLine(), ReservoirClassifier(...))``.

    Parameters
    ----------
    n_delays : int, default=8
        Delayed copies of each channel.
    delay_step : int, default=2
        Steps between consecutive copies.

    Attributes
    ----------
    n_channels_ : int
        Channels of the series seen at ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.delays import DelayLine
    >>> DelayLine(n_delays=2, delay_step=1).fit_transform(np.arange(1.0, 5.0)[None])[0]
    array([[1., 2., 3., 4.],
           [1., 1., 2., 3.],
           [1., 1., 1., 2.]])
    """

    def __init__(self, *, n_delays: int = 8, delay_step: int = 2):
        self.n_delays = n_delays
        self.delay_step = delay_step

    def fit(self, X: ArrayLike, y=None) -> DelayLine:
        """Check the options and remember the number of channels.

        Parameters
        ----------
        X : array-like or list of array-like
            Series in aeon's shapes.
        y : ignored
            Accepted for pipelines.

        Returns
        -------
        DelayLine
            This transformer, with ``n_channels_``.

        Raises
        ------
        InvalidParameterError
            For a negative count or a step below 1.

        Examples
        --------
        >>> import numpy as np
        >>> from nanowire_rc.delays import DelayLine
        >>> DelayLine().fit(np.zeros((3, 2, 50))).n_channels_
        2
        """
        _check_delay_options(self.n_delays, self.delay_step, False)
        self.n_channels_ = as_batch(X).n_channels
        return self

    def transform(self, X: ArrayLike) -> np.ndarray | list[np.ndarray]:
        """The series with their delayed copies appended as channels.

        Parameters
        ----------
        X : array-like or list of array-like
            Series in aeon's shapes, with the channels seen at ``fit``.

        Returns
        -------
        ndarray (n_cases, n_channels (1 + n_delays), n_timepoints) or list of ndarray
            A list of per-case arrays ``(n_channels (1 + n_delays), n_timepoints_i)`` when the
            cases' lengths differ.

        Raises
        ------
        InvalidInputError
            When ``X`` has another number of channels than at ``fit``.

        Examples
        --------
        >>> from nanowire_rc.delays import DelayLine
        >>> out = DelayLine(n_delays=1, delay_step=1).fit([[1.0, 2.0]]).transform(
        ...     [[1.0, 2.0, 3.0], [4.0, 5.0]])
        >>> [case.tolist() for case in out]
        [[[1.0, 2.0, 3.0], [1.0, 1.0, 2.0]], [[4.0, 5.0], [4.0, 4.0]]]
        """
        check_is_fitted(self, "n_channels_")
        batch = as_batch(X)
        if batch.n_channels != self.n_channels_:
            raise InvalidInputError(f"X has {batch.n_channels} channel(s), but the delay line was "
                                    f"fitted with {self.n_channels_}")
        # each case within its own length, channels time-last as the batch holds them
        cases = [input_features(batch.values[i, :, :length].T, True, self.n_delays,
                                self.delay_step).T for i, length in enumerate(batch.lengths)]
        if np.all(batch.lengths == batch.values.shape[2]):
            return np.stack(cases)
        return cases
