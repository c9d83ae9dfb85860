"""Fig. 2: the memory factor over a (dt, omega) grid for inputs in [0, 1], in one call."""

from __future__ import annotations

import numpy as np

from ..physics import NanowireParams
from ..stability import memory_factor_range

__all__ = ["memory_factor_heatmap"]


def memory_factor_heatmap(
    dts: np.ndarray | None = None, omegas: np.ndarray | None = None,
    x_range: tuple[float, float] = (0.0, 1.0), params: NanowireParams | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(dts, omegas, rho)`` with ``rho[i, j]`` the memory factor at ``dts[i], omegas[j]``.

    Parameters
    ----------
    dts : array_like, optional
        Time steps; default 100 values in [0.01, 1].
    omegas : array_like, optional
        Input scalings; default 101 values in [0, 2].
    x_range : tuple of two floats, default (0.0, 1.0)
        Range of the input.
    params : NanowireParams, optional
        Physical constants (default: Table 2).

    Returns
    -------
    dts : ndarray of shape (n_dt,)
        The time steps.
    omegas : ndarray of shape (n_omega,)
        The input scalings.
    rho : ndarray of shape (n_dt, n_omega)
        The closed-form memory factor (:func:`~nanowire_rc.stability.memory_factor_range`).

    Examples
    --------
    >>> from nanowire_rc.experiments.heatmap import memory_factor_heatmap
    >>> dts, omegas, rho = memory_factor_heatmap([0.1, 0.5], [0.5, 1.0, 1.5])
    >>> rho.round(3)
    array([[  0.968,   0.969,  31.701],
           [  0.841,   0.844, 162.507]])
    """
    dts = np.linspace(0.01, 1.0, 100) if dts is None else np.asarray(dts, dtype=float)
    omegas = np.linspace(0.0, 2.0, 101) if omegas is None else np.asarray(omegas, dtype=float)
    rho = memory_factor_range(x_range[0], x_range[1], dts[:, None], omegas[None, :], params)
    return dts, omegas, np.asarray(rho)
