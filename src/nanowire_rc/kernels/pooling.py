"""Streaming pooling of reservoir states: which time step feeds which window, and the result type.

Every kernel accumulates, while it steps, the sum of the states over ``K`` equal time windows of
each series after its washout (:func:`_window_index`); those sums give all pooled features at once
(:func:`_finish_pooling`): the window means, the overall mean and, with the final state, ``last``.
Memory stays O(cases × K × neurons). On request, one more accumulator holds the sum of squared
states, for the standard deviation of every neuron over the pooled steps (``std``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from ..exceptions import InvalidInputError, MemoryLimitError

__all__ = ["PooledStates", "available_memory", "check_memory"]


@dataclass
class PooledStates:
    """Pooled reservoir states for a batch of series, as every ``run_*`` function returns them.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    last : ndarray of shape (n_cases, n_neurons)
        State after each series' final step.
    mean : ndarray of shape (n_cases, n_neurons)
        Mean state over each series' steps after the washout.
    windows : ndarray of shape (n_cases, n_windows, n_neurons)
        Mean state over each of ``n_windows`` equal windows after the washout.
    states : ndarray of shape (n_cases, n_timepoints, n_neurons) or None, default=None
        Full trajectories (only when requested; zero past each series' length).
    std : ndarray of shape (n_cases, n_neurons) or None, default=None
        Standard deviation of the state over each series' steps after the washout (only when
        requested).

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc.kernels import run_nanowire
    >>> pooled = run_nanowire(np.full((3, 20), 0.5), [0.5, 1.0], dt=0.1, n_windows=4)
    >>> pooled.last.shape, pooled.mean.shape, pooled.windows.shape, pooled.states
    ((3, 2), (3, 2), (3, 4, 2), None)
    """

    last: np.ndarray
    mean: np.ndarray
    windows: np.ndarray
    states: np.ndarray | None = None
    std: np.ndarray | None = None


def _window_index(
    lengths: ArrayLike, n_timepoints: int, washout: int, n_windows: int
) -> np.ndarray:
    """Table ``(n_cases, n_timepoints)`` of the window each step feeds, ``-1`` for none.

    Step ``t`` of a series of length ``L`` feeds window ``floor((t - washout) n_windows / (L -
    washout))`` if ``washout <= t < L``: ``n_windows`` consecutive windows whose sizes differ by
    at most one. Raises ``ValueError`` when a series has no step after the washout.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    pooled = lengths - washout
    if np.any(pooled < 1):
        i = int(np.argmin(pooled))
        raise InvalidInputError(
            f"series {i} has length {lengths[i]}: too short for washout={washout} (pooling "
            f"needs at least one step after the washout)"
        )
    t = np.arange(n_timepoints)[None, :] - washout  # steps after the washout
    k = (t * n_windows) // np.maximum(pooled, 1)[:, None]
    valid = (t >= 0) & (t < pooled[:, None])
    return np.where(valid, k, -1).astype(np.int32)


def _finish_pooling(
    last: np.ndarray,
    window_sums: np.ndarray,
    kidx: np.ndarray,
    states: np.ndarray | None = None,
    std: bool = False,
    compiled: bool = False,
) -> PooledStates:
    """Turn accumulated window sums into means (in place) and package them as :class:`PooledStates`.

    ``window_sums`` (n_cases, n_windows [+ 1 with ``std``: the sums of squares], n_neurons) is
    indexed by ``kidx`` (:func:`_window_index`). An empty window (a series shorter than the number
    of windows) takes the mean of the window that holds its nearest step. ``compiled`` finishes in
    one compiled pass (:func:`~.compiled.finish_sums`), bit for bit the same, leaving
    ``window_sums`` as it was.
    """
    if compiled:
        return _finish_compiled(last, window_sums, kidx, states, std)
    squares = None
    if std:
        squares, window_sums = window_sums[:, -1], window_sums[:, :-1]
    n_windows = window_sums.shape[1]
    counts, total = _window_counts(kidx, n_windows)
    mean = window_sums.sum(axis=1) / total[:, None]
    window_sums /= np.maximum(counts, 1)[:, :, None]
    _fill_empty(window_sums, counts, kidx)
    deviation = None
    if squares is not None:
        # E[h^2] - E[h]^2 cancels when the spread is small next to the mean: the kernels then
        # accumulate in float64 (relative error ~1e-16 * mean^2 / variance).
        variance = squares / total[:, None] - mean**2
        deviation = np.sqrt(np.maximum(variance, 0)).astype(last.dtype)
    return PooledStates(last=last, mean=mean.astype(last.dtype),
                        windows=window_sums.astype(last.dtype, copy=False), states=states,
                        std=deviation)


def _window_counts(kidx: np.ndarray, n_windows: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps per window ``(n_cases, n_windows)`` and pooled steps per case ``(n_cases,)``."""
    counts = np.stack([(kidx == k).sum(axis=1) for k in range(n_windows)], axis=1)
    return counts, counts.sum(axis=1)


def _fill_empty(windows: np.ndarray, counts: np.ndarray, kidx: np.ndarray) -> None:
    """Fewer steps than windows: window k takes the window of step floor(k L / K) (in place)."""
    n_windows = windows.shape[1]
    for i in np.flatnonzero((counts == 0).any(axis=1)):
        steps = np.flatnonzero(kidx[i] >= 0)
        for k in np.flatnonzero(counts[i] == 0):
            windows[i, k] = windows[i, kidx[i, steps[k * len(steps) // n_windows]]]


#: Memory needs below this many bytes are not checked against the available memory.
SMALL_BYTES = 64 * 1024**2


def available_memory() -> int | None:
    """Bytes of memory a new allocation can take: the system's available memory (Linux's
    ``MemAvailable``, elsewhere the free physical pages), lowered to what is left under the
    process's cgroup limit when there is one; ``None`` when neither can be read.

    Returns
    -------
    int or None
        The bytes available, or ``None``.

    Examples
    --------
    >>> from nanowire_rc.kernels.pooling import available_memory
    >>> available = available_memory()
    >>> available is None or available > 0
    True
    """
    available = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, OSError, ValueError):
            return None
    try:  # a container's limit (cgroup v2) is often far below the host's memory
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text())
            available = min(available, max(int(limit) - used, 0))
    except (OSError, ValueError):
        pass
    return available


def check_memory(nbytes: float, what: str, advice: str) -> None:
    """Refuse, before allocating, work that needs more memory than is available.

    Parameters
    ----------
    nbytes : float
        The memory the work needs (an estimate of its largest arrays).
    what : str
        The work, as the message's subject (e.g. "the pooled states of 300 series").
    advice : str
        What to do instead.

    Raises
    ------
    MemoryLimitError
        When ``nbytes`` exceeds :func:`available_memory` (never when that is unknown). Needs
        under ``SMALL_BYTES`` are not checked: reading the available memory costs about as much
        as a small kernel call.

    Examples
    --------
    >>> import nanowire_rc as nw
    >>> from nanowire_rc.kernels.pooling import check_memory
    >>> check_memory(1024, "a small array", "none needed")  # fits: nothing happens
    >>> try:
    ...     check_memory(2.0**80, "a huge array", "ask for less")
    ... except nw.exceptions.MemoryLimitError as err:
    ...     print(str(err)[:36])
    a huge array would need 1.126e+15 Gi
    """
    if nbytes < SMALL_BYTES:
        return
    available = available_memory()
    if available is not None and nbytes > available:
        raise MemoryLimitError(
            f"{what} would need {nbytes / 1024**3:.4g} GiB of memory, more than the "
            f"{available / 1024**3:.3g} GiB available: {advice}")


def zeros_touched(shape, dtype) -> np.ndarray:
    """Zeros whose memory pages are touched here, in the calling thread.

    ``np.zeros`` maps pages lazily, and the compiled kernels then fault them in from several
    threads at once, which this machine serialises badly: finishing the pooled sums of 4,500
    series took 50 ms with fresh ``np.zeros`` outputs and 3 ms with these (plus 2 ms to fill).
    """
    out = np.empty(shape, dtype)
    out.fill(0)
    return out


def _finish_compiled(last, window_sums, kidx, states, std) -> PooledStates:
    from .compiled import finish_sums  # compiled code stays out of the NumPy reference's import

    n_windows = window_sums.shape[1] - (1 if std else 0)
    counts, total = _window_counts(kidx, n_windows)
    n, n_neurons = last.shape
    mean = zeros_touched((n, n_neurons), last.dtype)
    windows = zeros_touched((n, n_windows, n_neurons), last.dtype)
    deviation = zeros_touched((n, n_neurons) if std else (0, 0), last.dtype)
    finish_sums(window_sums, counts, total, mean, windows, deviation)
    _fill_empty(windows, counts, kidx)
    return PooledStates(last=last, mean=mean, windows=windows, states=states,
                        std=deviation if std else None)
