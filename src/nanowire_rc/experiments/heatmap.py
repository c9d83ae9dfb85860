"""Fig. 2: the memory factor over a (dt, omega) grid for inputs in [0, 1], in one call."""

from __future__ import annotations

import numpy as np

from ..physics import NanowireParams
from ..stability import memory_factor_range

__all__ = ["memory_factor_heatmap"]


def memory_factor_heatmap(
    dts: np.ndarray | None = None,
    omegas: np.ndarray | None = None,
    x_range: tuple[float, float] = (0.0, 1.0),
    params: NanowireParams | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(dts, omegas, rho)`` with ``rho[i, j]`` the memory factor at ``dts[i], omegas[j]``.

    Defaults: 100 values of ``dt`` in [0.01, 1] and 101 of ``omega`` in [0, 2].
    """
    dts = np.linspace(0.01, 1.0, 100) if dts is None else np.asarray(dts, dtype=float)
    omegas = np.linspace(0.0, 2.0, 101) if omegas is None else np.asarray(omegas, dtype=float)
    rho = memory_factor_range(x_range[0], x_range[1], dts[:, None], omegas[None, :], params)
    return dts, omegas, np.asarray(rho)
