"""Fig. 1: single-neuron responses to a rectangular input pulse, across dt and across omega."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..exceptions import InvalidParameterError
from ..physics import NEURON, NanowireParams, simulate

__all__ = ["DEFAULT_DTS", "DEFAULT_OMEGAS", "pulse_input", "pulse_responses"]

DEFAULT_DTS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0)
DEFAULT_OMEGAS = (0.1, 0.3, 0.5, 0.8, 1.0, 1.2)


def pulse_input(n_steps: int = 100, start: int = 30, stop: int = 40) -> np.ndarray:
    """Input 1 on steps ``start <= t < stop``, 0 elsewhere.

    Parameters
    ----------
    n_steps : int, default 100
        Length of the series.
    start, stop : int, default 30, 40
        The pulse covers steps ``start .. stop - 1``.

    Returns
    -------
    ndarray of shape (n_steps,)
        The rectangular pulse.

    Raises
    ------
    ValueError
        Unless ``0 <= start < stop <= n_steps``.

    Examples
    --------
    >>> from nanowire_rc.experiments.pulse import pulse_input
    >>> pulse_input(10, start=3, stop=5)
    array([0., 0., 0., 1., 1., 0., 0., 0., 0., 0.])
    """
    if not 0 <= start < stop <= n_steps:
        raise InvalidParameterError(
            f"need 0 <= start < stop <= n_steps, got {start}, {stop}, {n_steps}")
    x = np.zeros(n_steps)
    x[start:stop] = 1.0
    return x


def pulse_responses(dts: Sequence[float] = DEFAULT_DTS, omegas: Sequence[float] = DEFAULT_OMEGAS,
                    omega_for_dts: float = 0.1, dt_for_omegas: float = 0.1,
                    params: NanowireParams | None = None, method: str = NEURON.method,
                    n_steps: int = 100) -> list[dict]:
    """Rows ``{panel, dt, omega, t, x, h}``: the state over time for each curve of Fig. 1.

    Left panel (``"dt"``): several ``dt`` at ``omega = omega_for_dts``; right panel
    (``"omega"``): several ``omega`` at ``dt = dt_for_omegas``. The input is
    :func:`pulse_input` (1 on steps 30 to 39).

    Parameters
    ----------
    dts : sequence of float, default DEFAULT_DTS
        Time steps of the left panel.
    omegas : sequence of float, default DEFAULT_OMEGAS
        Input scalings of the right panel.
    omega_for_dts : float, default 0.1
        Input scaling of the left panel.
    dt_for_omegas : float, default 0.1
        Time step of the right panel.
    params : NanowireParams, optional
        Physical constants (default: Table 2).
    method : {"euler", "exact"}, default "euler"
        Update rule.
    n_steps : int, default 100
        Length of each curve (at least 40).

    Returns
    -------
    list of dict
        One row per curve and time step: ``panel, dt, omega, t, x, h`` (what
        :func:`~nanowire_rc.plotting.plot_pulse_responses` draws).

    Examples
    --------
    >>> from nanowire_rc.experiments.pulse import pulse_responses
    >>> rows = pulse_responses(dts=(0.1,), omegas=(1.0,))
    >>> len(rows)  # two curves of 100 steps
    200
    >>> row = rows[100 + 39]  # right panel, last step of the pulse
    >>> row["panel"], row["omega"], round(float(row["h"]), 4)
    ('omega', 1.0, 0.8625)
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
