"""Forecast metrics: normalised RMSE and valid prediction time.

Both take series with time first, shape (n_timepoints,) or (n_timepoints, n_channels).

- :func:`nrmse`: ``sqrt(mean_t (y_pred - y_true)^2) / s`` per channel, with ``s`` the standard
  deviation (default) or the range of ``y_true``; channels are averaged unless asked not to.
- :func:`valid_prediction_time`: how long a (closed-loop) forecast stays close to the truth. The
  normalised error at step ``t`` is ``e(t) = sqrt(mean_c ((y_pred[t, c] - y_true[t, c]) / s_c)^2)``
  with ``s_c`` each channel's standard deviation (of ``y_true``, or a given ``scale`` such as the
  training data's); the valid time is the number of steps before ``e`` first exceeds
  ``threshold`` (0.4 by default, as in Pathak et al., Phys. Rev. Lett. 120, 024102, 2018), times
  ``dt``, and, with ``lyapunov_exponent``, in Lyapunov times (Lorenz-63: 0.9056 per unit time).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .exceptions import InvalidInputError, InvalidParameterError

__all__ = ["nrmse", "prediction_error_curve", "valid_prediction_time"]


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(y_true, dtype=np.float64)
    b = np.asarray(y_pred, dtype=np.float64)
    if a.shape != b.shape:
        raise InvalidInputError(f"y_true and y_pred must have the same shape, got {a.shape} and "
                                f"{b.shape}")
    if a.ndim not in (1, 2) or a.shape[0] == 0:
        raise InvalidInputError(
            f"series must be (n_timepoints,) or (n_timepoints, n_channels) with at "
            f"least one time point, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InvalidInputError("y_true contains NaN or inf")
    return (a[:, None], b[:, None]) if a.ndim == 1 else (a, b)


def _scale(a: np.ndarray, scale, normalization: str = "std") -> np.ndarray:
    if scale is None:
        if normalization == "std":
            s = a.std(axis=0)
        elif normalization == "range":
            s = np.ptp(a, axis=0)
        else:
            raise InvalidParameterError(
                f"normalization must be 'std' or 'range', got {normalization!r}")
    else:
        s = np.broadcast_to(np.asarray(scale, dtype=np.float64), (a.shape[1],))
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise InvalidInputError(f"normalising scale must be finite and > 0 per channel, got {s}: a "
                                "constant y_true has no spread; pass scale= explicitly")
    return s


def nrmse(y_true: ArrayLike, y_pred: ArrayLike, *, normalization: str = "std",
          scale: ArrayLike | None = None,
          multioutput: str = "uniform_average") -> float | np.ndarray:
    """Normalised root-mean-square error per channel, averaged over channels by default.

    Parameters
    ----------
    y_true : array_like of shape (n_timepoints,) or (n_timepoints, n_channels)
        The truth (finite).
    y_pred : array_like of the same shape
        The prediction.
    normalization : {"std", "range"}, default="std"
        Divide each channel's RMSE by the standard deviation or the range of ``y_true``.
    scale : float or array (n_channels,), optional
        Use this divisor instead (e.g. the training series' standard deviation).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average over channels, or return one value per channel.

    Returns
    -------
    float, or ndarray (n_channels,) for ``"raw_values"``
        ``inf`` for channels with a non-finite prediction.

    Raises
    ------
    ValueError
        If the shapes differ or are not one of the above, ``y_true`` is not finite, a divisor
        is not positive (a constant ``y_true``), or an option is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.metrics import nrmse
    >>> y = np.sin(np.linspace(0.0, 6.0, 50))
    >>> round(nrmse(y, y + 0.1), 4)
    0.1397
    >>> round(nrmse(y, y + 0.1, normalization="range"), 4)
    0.05
    """
    a, b = _pair(y_true, y_pred)
    s = _scale(a, scale, normalization)
    with np.errstate(over="ignore", invalid="ignore"):
        per = np.sqrt(np.mean((b - a) ** 2, axis=0)) / s
    per = np.where(np.isfinite(per), per, np.inf)
    if multioutput == "raw_values":
        return per
    if multioutput != "uniform_average":
        raise InvalidParameterError(f"multioutput must be 'uniform_average' or 'raw_values', got "
                                    f"{multioutput!r}")
    return float(per.mean())


def prediction_error_curve(y_true: ArrayLike, y_pred: ArrayLike,
                           scale: ArrayLike | None = None) -> np.ndarray:
    """Normalised error ``e(t)`` of each step (``inf`` where not finite).

    ``e(t) = sqrt(mean_c ((y_pred[t, c] - y_true[t, c]) / s_c)^2)``.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_timepoints,) or (n_timepoints, n_channels)
        The truth (finite) and the forecast.
    scale : float or array_like of shape (n_channels,), optional
        Per-channel normaliser ``s_c``; default the standard deviation of ``y_true``.

    Returns
    -------
    ndarray of shape (n_timepoints,)
        The normalised error of each step.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.metrics import prediction_error_curve
    >>> y = np.array([0.0, 1.0, 0.0, -1.0])
    >>> prediction_error_curve(y, y + [0.0, 0.1, 0.2, 0.4], scale=1.0)
    array([0. , 0.1, 0.2, 0.4])
    """
    a, b = _pair(y_true, y_pred)
    s = _scale(a, scale)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.sqrt(np.mean(((b - a) / s) ** 2, axis=1))
    return np.where(np.isfinite(e), e, np.inf)


def valid_prediction_time(y_true: ArrayLike, y_pred: ArrayLike, *, threshold: float = 0.4,
                          dt: float = 1.0, lyapunov_exponent: float | None = None,
                          scale: ArrayLike | None = None) -> float:
    """Time before the normalised forecast error first exceeds ``threshold``.

    Parameters
    ----------
    y_true, y_pred : array (n_timepoints,) or (n_timepoints, n_channels)
        Truth and (closed-loop) forecast; row 0 is the first forecast step.
    threshold : float, default=0.4
        Largest normalised error ``e(t)`` still counted as valid (see
        :func:`prediction_error_curve`).
    dt : float, default=1.0
        Time between rows.
    lyapunov_exponent : float, optional
        If given, the result is in Lyapunov times (time × exponent).
    scale : float or array (n_channels,), optional
        Per-channel normaliser; default the standard deviation of ``y_true``. Passing the
        training series' standard deviation makes short test windows comparable.

    Returns
    -------
    float
        ``k * dt`` (× exponent) where ``k`` is the number of rows before the first exceedance;
        the full length if the error never exceeds ``threshold``.

    Raises
    ------
    ValueError
        If ``threshold`` or ``dt`` is not positive, or the series are not valid (see
        :func:`nrmse`).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.generators import LORENZ63_LYAPUNOV_EXPONENT
    >>> from nanowire_rc.metrics import valid_prediction_time
    >>> y = np.array([0.0, 1.0, 0.0, -1.0])
    >>> valid_prediction_time(y, y + [0.0, 0.1, 0.5, 0.9], scale=1.0, dt=0.02)
    0.04
    >>> valid_prediction_time(y, y, dt=0.02, lyapunov_exponent=LORENZ63_LYAPUNOV_EXPONENT)
    0.072448
    """
    if not threshold > 0 or not dt > 0:
        raise InvalidParameterError(f"threshold and dt must be > 0, got {threshold!r}, {dt!r}")
    e = prediction_error_curve(y_true, y_pred, scale)
    over = np.flatnonzero(e > threshold)
    steps = int(over[0]) if over.size else e.size
    t = steps * float(dt)
    return t * float(lyapunov_exponent) if lyapunov_exponent is not None else t
