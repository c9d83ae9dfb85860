"""Delay-line and polynomial readout features of a reservoir's input (next-generation RC).

A bank of first-order filters holds a value seen many steps ago poorly; a delay line holds it
exactly. Next to the reservoir's state, a readout may see the scaled input's delayed copies
``u(t - s), u(t - 2 s), ..., u(t - k s)`` (``k = n_delays``, ``s = delay_step``) and the unique
quadratic monomials of the linear input features (the current input, when the readout sees it,
and the delayed copies), as in next-generation reservoir computing (Gauthier, Bollt, Griffith
and Barbosa, Nat. Commun. 12, 5564, 2021; their constant term is the readout's intercept). This
module builds those features for every estimator that offers them, from a time-first series of
scaled inputs; before the series' start the input is taken to have been its first value (the
state also starts at rest there).
"""

from __future__ import annotations

import numbers

import numpy as np

from .exceptions import InvalidParameterError

__all__ = ["check_delay_options", "input_features", "n_input_features"]


def check_delay_options(n_delays: int, delay_step: int, quadratic: bool) -> None:
    """Refuse delay options that are not a count >= 0, a step >= 1 and a bool.

    Parameters
    ----------
    n_delays : int
        Number of delayed copies of the input.
    delay_step : int
        Steps between consecutive copies.
    quadratic : bool
        Whether quadratic monomials are added.

    Raises
    ------
    InvalidParameterError
        Naming the option and the value it got.

    Examples
    --------
    >>> from nanowire_rc.delays import check_delay_options
    >>> check_delay_options(4, 2, True)
    >>> check_delay_options(-1, 1, False)
    Traceback (most recent call last):
    ...
    nanowire_rc.exceptions.InvalidParameterError: n_delays must be an integer >= 0, got -1
    """
    for name, value, minimum in (("n_delays", n_delays, 0), ("delay_step", delay_step, 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
            raise InvalidParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if not isinstance(quadratic, (bool, np.bool_)):
        raise InvalidParameterError(f"quadratic must be True or False, got {quadratic!r}")


def n_input_features(n_channels: int, include_input: bool, n_delays: int,
                     quadratic: bool) -> int:
    """Number of columns :func:`input_features` returns.

    Parameters
    ----------
    n_channels : int
        Channels of the input.
    include_input : bool
        Whether the current input is a feature.
    n_delays : int
        Delayed copies.
    quadratic : bool
        Whether quadratic monomials are added.

    Returns
    -------
    int
        ``F + F (F + 1) / 2`` with quadratic monomials, else ``F``, where ``F = n_channels
        (include_input + n_delays)``.

    Examples
    --------
    >>> from nanowire_rc.delays import n_input_features
    >>> n_input_features(1, True, 3, True)  # 4 linear + 10 quadratic
    14
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
