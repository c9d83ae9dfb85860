"""
A trainable nanowire RNN in PyTorch
===================================

:mod:`nanowire_rc.torch` (the optional ``torch`` extra) makes the coupled nanowire cell
trainable by back-propagation through time. :class:`~nanowire_rc.torch.cell.NanowireRNN` is
shaped like ``torch.nn.RNN``; :class:`~nanowire_rc.torch.classifier.NanowireRNNClassifier`
trains one end to end as a scikit-learn classifier while keeping the cell a contraction
(``constraint="project"`` rescales rows of the recurrent matrix after every optimiser step).
This example is skipped when PyTorch is not installed.
"""

# %%
# The cell as a module
# --------------------
# One input channel, 32 neurons. :meth:`~nanowire_rc.torch.cell.NanowireRNN.max_bound` is the
# contraction bound of the drawn weights (above 1: no guarantee yet) and
# :meth:`~nanowire_rc.torch.cell.NanowireRNN.project_` rescales rows of the recurrent matrix so
# that it falls below a target. Then a batch of 8 series of 60 steps: the states stay in [0, 1].
import matplotlib.pyplot as plt
import numpy as np
import torch

import nanowire_rc as nw
from nanowire_rc.torch import NanowireRNN, NanowireRNNClassifier

torch.set_num_threads(1)  # a network this small runs fastest on one thread
torch.manual_seed(0)
rnn = NanowireRNN(input_size=1, hidden_size=32, batch_first=True, dt=0.1,
                  generator=torch.Generator().manual_seed(0))
print(f"contraction bound of the initial weights: {rnn.max_bound():.3f}")
print(f"after projection: {rnn.project_(target=0.99):.3f}")
x = torch.rand(8, 60, 1)
out, h_n = rnn(x)
states = out.detach()
print(f"output {tuple(out.shape)}, final state {tuple(h_n.shape)}, "
      f"states in [{float(states.min()):.3f}, {float(states.max()):.3f}]")

# %%
# Gradients flow through the physics
# ----------------------------------
# The update has a hand-derived backward pass; the loss below depends on the recurrent weights
# through every step.
loss = out[:, -1].pow(2).mean()
loss.backward()
print(f"gradient norm of the recurrent weights: {float(rnn.weight_hh_l0.grad.norm()):.2e}")

# %%
# Training a classifier
# ---------------------
# SyntheticControl with a small network and a short training (the library's defaults train
# longer and reach about 0.99 test accuracy). ``history_`` records the training loss (on
# label-smoothed targets, so it levels off above zero), the validation loss and the contraction
# bound after every epoch: the projection keeps the bound at or below 0.99.
X_train, y_train = nw.load_ucr("SyntheticControl", "train")
X_test, y_test = nw.load_ucr("SyntheticControl", "test")
clf = NanowireRNNClassifier(hidden_size=16, max_epochs=10, random_state=0)
clf.fit(X_train, y_train)
print(f"{clf.n_epochs_} epochs in {clf.fit_time_:.1f} s; test accuracy "
      f"{clf.score(X_test, y_test):.3f}; contraction bound {clf.contraction_bound_:.3f}")

history = clf.history_
fig, (ax_loss, ax_bound) = plt.subplots(1, 2, figsize=(9, 3.3))
epochs = np.arange(1, len(history["loss"]) + 1)
ax_loss.plot(epochs, history["loss"], label="training")
ax_loss.plot(epochs, history["val_loss"], label="validation")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("cross-entropy")
ax_loss.legend(frameon=False)
ax_bound.plot(epochs, history["bound"])
ax_bound.axhline(1.0, color="k", ls="--", lw=0.8)
ax_bound.set_xlabel("epoch")
ax_bound.set_ylabel("contraction bound")
fig.tight_layout()
plt.show()
