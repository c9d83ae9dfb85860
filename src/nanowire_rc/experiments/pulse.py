"""Fig. 1: single-neuron responses to a rectangular input pulse, across dt and across omega."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..physics import NanowireParams, simulate

__all__ = ["DEFAULT_DTS", "DEFAULT_OMEGAS", "pulse_input", "pulse_responses"]

DEFAULT_DTS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0)
DEFAULT_OMEGAS = (0.1, 0.3, 0.5, 0.8, 1.0, 1.2)


def pulse_input(n_steps: int = 100, start: int = 30, stop: int = 40) -> np.ndarray:
    """Input 1 on steps ``start <= t < stop``, 0 elsewhere."""
    if not 0 <= start < stop <= n_steps:
        raise ValueError(f"need 0 <= start < stop <= n_steps, got {start}, {stop}, {n_steps}")
    x = np.zeros(n_steps)
    x[start:stop] = 1.0
    return x


def pulse_responses(
    dts: Sequence[float] = DEFAULT_DTS,
    omegas: Sequence[float] = DEFAULT_OMEGAS,
    omega_for_dts: float = 0.1,
    dt_for_omegas: float = 0.1,
    params: NanowireParams | None = None,
    method: str = "euler",
    n_steps: int = 100,
) -> list[dict]:
    """Rows ``{panel, dt, omega, t, x, h}``: the state over time for each curve of Fig. 1.

    Left panel (``"dt"``): several ``dt`` at ``omega = omega_for_dts``; right panel
    (``"omega"``): several ``omega`` at ``dt = dt_for_omegas``.
    """
    x = pulse_input(n_steps)
    curves = [("dt", dt, omega_for_dts) for dt in dts] + [
        ("omega", dt_for_omegas, om) for om in omegas]
    rows = []
    for panel, dt, omega in curves:
        h = simulate(x, dt, omega, params, method=method)
        rows += [{"panel": panel, "dt": dt, "omega": omega, "t": t, "x": x[t], "h": h[t]}
                 for t in range(n_steps)]
    return rows
