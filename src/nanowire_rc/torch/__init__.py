"""Trainable coupled nanowire RNNs in PyTorch (optional extra: ``pip install nanowire-rc[torch]``).

:class:`NanowireRNN` is the coupled nanowire cell of docs/torch.md as a ``torch.nn.Module`` shaped
like ``torch.nn.RNN``; its point-wise update is one fused autograd function with a hand-derived
backward. :class:`NanowireRNNClassifier` trains it end to end (BPTT, Adam, early stopping) as a
scikit-learn classifier, keeping the cell a contraction (echo-state property) during training.
Both take a physical device, ``memristor=nw.Device(...)`` (``device=`` is the torch compute
device), and then train through the device's variability, noise and quantisation.

The core library never imports this module; importing it needs PyTorch.
"""

from __future__ import annotations

try:
    import torch  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "nanowire_rc.torch needs PyTorch: install it with `pip install nanowire-rc[torch]` "
        "(or follow https://pytorch.org for a CPU- or CUDA-specific build)"
    ) from err

from .cell import NanowireRNN, contraction_bound, nanowire_cell
from .classifier import NanowireRNNClassifier

__all__ = ["NanowireRNN", "NanowireRNNClassifier", "contraction_bound", "nanowire_cell"]
