"""Trainable coupled nanowire RNNs in PyTorch (optional extra: ``pip install nanowire-rc[torch]``).

:class:`NanowireRNN` is the coupled nanowire cell as a ``torch.nn.Module`` shaped like
``torch.nn.RNN``, with a fused, hand-derived backward; :class:`NanowireRNNClassifier` trains it end
to end as a scikit-learn classifier, keeping it a contraction. Both take a physical device,
``memristor=nw.Device(...)`` (docs/torch.md). The core library never imports this module;
importing it needs PyTorch.
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
