"""Streaming pooling of reservoir states: which time step feeds which window, and the result type.

Every kernel accumulates, while it steps, the sum of the states over ``K`` equal time windows of
each series (after its washout). Those sums give all pooled features at once: the window means,
the overall mean (their total over the pooled length) and, with the final state, ``last``. One
accumulator per update is all the pooling costs, and memory stays O(cases × K × neurons).

Window ``k`` of a series of length ``L_i`` with washout ``w`` covers the steps ``t`` with
``floor((t - w) K / (L_i - w)) = k``: ``K`` consecutive windows whose sizes differ by at most one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PooledStates", "finish_pooling", "window_index"]


@dataclass
class PooledStates:
    """Pooled reservoir states for a batch of series.

    Attributes
    ----------
    last : array (n_cases, n_neurons)
        State after each series' final step.
    mean : array (n_cases, n_neurons)
        Mean state over each series' steps after the washout.
    windows : array (n_cases, n_windows, n_neurons)
        Mean state over each of ``n_windows`` equal windows after the washout.
    states : array (n_cases, n_timepoints, n_neurons) or None
        Full trajectories (only when requested; zero past each series' length).
    """

    last: np.ndarray
    mean: np.ndarray
    windows: np.ndarray
    states: np.ndarray | None = None


def window_index(
    lengths: np.ndarray, n_timepoints: int, washout: int, n_windows: int
) -> np.ndarray:
    """Table ``(n_cases, n_timepoints)`` of the window each step feeds, ``-1`` for none."""
    lengths = np.asarray(lengths, dtype=np.int64)
    pooled = lengths - washout
    if np.any(pooled < n_windows):
        i = int(np.argmin(pooled))
        raise ValueError(
            f"series {i} has length {lengths[i]}: too short for washout={washout} and "
            f"n_windows={n_windows} (each window needs at least one step after the washout)"
        )
    t = np.arange(n_timepoints)[None, :] - washout  # steps after the washout
    k = (t * n_windows) // np.maximum(pooled, 1)[:, None]
    valid = (t >= 0) & (t < pooled[:, None])
    return np.where(valid, k, -1).astype(np.int32)


def finish_pooling(
    last: np.ndarray,
    window_sums: np.ndarray,
    kidx: np.ndarray,
    states: np.ndarray | None = None,
) -> PooledStates:
    """Turn accumulated window sums into means (in place) and package the result."""
    n_windows = window_sums.shape[1]
    counts = np.stack([(kidx == k).sum(axis=1) for k in range(n_windows)], axis=1)
    mean = window_sums.sum(axis=1) / counts.sum(axis=1)[:, None]
    window_sums /= counts[:, :, None]
    return PooledStates(last=last, mean=mean.astype(last.dtype), windows=window_sums, states=states)
