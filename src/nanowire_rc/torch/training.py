"""The training loop of :class:`~nanowire_rc.torch.NanowireRNNClassifier`, apart from the estimator.

The estimator validates its hyper-parameters, scales the series and draws the split and the
seeds (:class:`TrainingData`, :class:`Seeds`); a :class:`Trainer` builds the network
(``_Network``: the cell, pooling, normalisation, a linear readout) and trains it as
docs/torch.md ("Classifier") describes. Every seed is a child of the estimator's
``random_state`` SeedSequence (one per component, and under it one per initialisation), so a
fit is reproducible from ``random_state`` and switching one component on moves no other draw.
"""

from __future__ import annotations

import copy
import time
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from .._seeding import generator, integer_seed
from ..kernels.pooling import _window_index
from ..reservoirs import _parse_features
from ..series import SeriesBatch
from .cell import NanowireRNN, _draws

__all__ = ["Seeds", "Trainer", "TrainingData", "series_tensors"]


@torch.no_grad()
def _update_average(average: nn.Module, net: nn.Module, decay: float) -> None:
    """Move ``average``'s weights and float buffers (batch-norm statistics) towards ``net``'s:
    an exponential moving average with factor ``decay`` per optimiser step."""
    values = net.state_dict()
    for key, mean in average.state_dict().items():
        value = values[key]
        if mean.is_floating_point():
            mean.lerp_(value, 1.0 - decay)
        else:
            mean.copy_(value)


def _jitter(x: torch.Tensor, sigma: float, input_range: tuple[float, float],
            generator: torch.Generator | None) -> torch.Tensor:
    """``x`` plus Gaussian noise of standard deviation ``sigma`` from ``generator``, clipped to
    ``input_range``: the contraction bound holds over that range only."""
    return torch.clamp(x + sigma * _draws(x.shape, generator, x), *input_range)


class _Network(nn.Module):
    """NanowireRNN -> pooled states -> normalisation -> linear readout.

    ``pool`` holds averaging weights over time, one row per pooled quantity; with ``std`` its
    first row is the mean over the whole series, which also gives each state's standard
    deviation (kept among the features only when ``mean`` is asked for: ``keep_mean``).
    """

    def __init__(self, rnn: NanowireRNN, n_pooled: int, n_classes: int, normalization: str,
                 std: bool = False, keep_mean: bool = True, dropout: float = 0.0):
        super().__init__()
        self.rnn = rnn
        self.std, self.keep_mean, self.dropout = std, keep_mean, dropout
        n_features = n_pooled * rnn.hidden_size
        self.norm = {"batch": nn.BatchNorm1d, "layer": nn.LayerNorm,
                     "none": lambda n: nn.Identity()}[normalization](n_features)
        self.readout = nn.Linear(n_features, n_classes)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor, pool: torch.Tensor | None,
                use_last: bool, generator: torch.Generator | None = None,
                noise_seeds: np.ndarray | None = None,
                dropout_generator: torch.Generator | None = None) -> torch.Tensor:
        states, h_n = self.rnn(x, lengths=lengths, generator=generator,
                               noise_seeds=noise_seeds)  # (B, T, N)
        blocks = []
        if pool is not None:  # (B, P, T) averaging weights: one batched product
            pool = pool[:, :, : states.shape[1]]
            pooled = torch.bmm(pool, states)
            if self.std:
                squares = torch.bmm(pool[:, :1], states * states)[:, 0]
                variance = torch.clamp(squares - pooled[:, 0] ** 2, min=0.0)
                # the offset keeps the gradient of the root finite for a constant state
                deviation = torch.sqrt(variance + 1e-12)
                if not self.keep_mean:
                    pooled = pooled[:, 1:]
            blocks.append(pooled.flatten(1))
            if self.std:
                blocks.append(deviation)
        if use_last:
            if self.rnn.ideal:
                blocks.append(h_n[-1])
            else:  # the last read conductance (what is measured), not the hidden state
                rows = torch.arange(states.shape[0], device=states.device)
                blocks.append(states[rows, lengths - 1])
        features = self.norm(torch.cat(blocks, dim=1))
        if self.training and self.dropout:
            keep = _draws(features.shape, dropout_generator, features,
                          torch.rand) >= self.dropout
            features = features * keep / (1.0 - self.dropout)
        return self.readout(features)


def series_tensors(batch: SeriesBatch, features: str, n_windows: int, device: torch.device,
                   dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Inputs (B, T, C), lengths and the pooling weights (B, P, T) of a scaled batch.

    The pooling weights average the states over each series (``mean``, also the first row when
    ``std`` is pooled) and over its ``n_windows`` windows (``windows``); None when neither.
    """
    parts = _parse_features(features)
    x = torch.as_tensor(np.ascontiguousarray(batch.values.transpose(0, 2, 1)), dtype=dtype)
    lengths = torch.as_tensor(batch.lengths)
    n_steps = batch.values.shape[2]
    rows = []
    if "mean" in parts or "std" in parts:  # first: the network's std uses it
        rows.append((np.arange(n_steps)[None, :] < batch.lengths[:, None])
                    / batch.lengths[:, None])
    if "windows" in parts:
        kidx = _window_index(batch.lengths, n_steps, 0, n_windows)
        for k in range(n_windows):
            hit = kidx == k
            rows.append(hit / hit.sum(axis=1, keepdims=True))
    pool = (torch.as_tensor(np.stack(rows, axis=1), dtype=dtype) if rows else None)
    return x.to(device), lengths.to(device), None if pool is None else pool.to(device)


class TrainingData(NamedTuple):
    """The scaled training set as tensors, and its split."""

    x: torch.Tensor  # (B, T, C) inputs
    lengths: torch.Tensor  # (B,)
    pool: torch.Tensor | None  # (B, P, T) averaging weights
    noise_seeds: np.ndarray | None  # each series' noise seed (non-ideal devices)
    y: torch.Tensor  # (B,) class indices
    train_idx: np.ndarray
    val_idx: np.ndarray
    n_classes: int


class Seeds(NamedTuple):
    """Seeds drawn by the estimator: the initial weights', the batch orders', the devices', the
    training noise's, the regularisers' (None: off)."""

    weights: int
    batches: int
    memristor: int
    train_noise: int | None
    regulariser: int | None


class Trainer:
    """Trains the network of ``estimator`` (its hyper-parameters, read only) on ``data``.

    Parameters
    ----------
    estimator : NanowireRNNClassifier
        Whose settings (cell, features, optimiser, schedule, constraint, regularisers) are used.
    data : TrainingData
        Tensors and split.
    seeds : Seeds
        Seeds of the weights, batch orders, devices, and noise and regulariser generators.
    device : torch.device
        Where to train.
    dtype : torch.dtype
        Parameter and state type.
    start : float
        ``time.perf_counter()`` at the start of the fit (the history's times count from it).
    """

    def __init__(self, estimator, data: TrainingData, seeds: Seeds, device: torch.device,
                 dtype: torch.dtype, start: float):
        self.est, self.data, self.seeds = estimator, data, seeds
        self.rng = generator(seeds.batches)
        self.device, self.dtype, self.start = device, dtype, start
        self.use_last = "last" in _parse_features(estimator.features)
        self.loss_fn = nn.CrossEntropyLoss()
        self.train_loss_fn = nn.CrossEntropyLoss(
            label_smoothing=float(estimator.label_smoothing))

    def _noise(self, seed: int | None, run: int) -> torch.Generator | None:
        """A generator seeded by child ``run`` of ``seed`` (one per training run); None when
        off."""
        return (None if seed is None
                else torch.Generator(device=self.device).manual_seed(integer_seed(seed, run)))

    def build(self, generator: torch.Generator) -> _Network:
        """A fresh network, its weights drawn from ``generator`` (and projected)."""
        est = self.est
        rnn = NanowireRNN(
            est.n_inputs_, est.hidden_size, est.num_layers, batch_first=True, dt=est.dt,
            method=est.method, voltage_map=est.voltage_map, v_min=est.v_min, v_max=est.v_max,
            gain=est.gain, retention=est.retention, params=est.params,
            train_params=est.train_params, input_range=tuple(est.input_range), dtype=self.dtype,
            memristor=est.memristor, memristor_seed=self.seeds.memristor)
        rnn.reset_parameters(generator, est.input_scale, est.bias_scale, est.recurrent_scale)
        parts = _parse_features(est.features)
        net = _Network(rnn, est._n_pooled(), self.data.n_classes, est.normalization,
                       std="std" in parts, keep_mean="mean" in parts,
                       dropout=float(est.dropout)).to(self.dtype)
        with torch.no_grad():  # the readout's initial weights from the same generator
            bound = 1.0 / np.sqrt(net.readout.in_features)
            net.readout.weight.uniform_(-bound, bound, generator=generator)
            net.readout.bias.uniform_(-bound, bound, generator=generator)
        net = net.to(self.device)
        if est.constraint == "project":
            rnn.project_(est.bound_target)
        return net

    def run(self, net: _Network, rows: np.ndarray, generator: torch.Generator | None,
            regulariser: torch.Generator | None = None) -> torch.Tensor:
        """Logits of ``rows``: noise from ``generator``, or without one each series' own (the
        same at every evaluation); input noise and dropout from ``regulariser`` (training)."""
        d = self.data
        sel = torch.as_tensor(rows, device=self.device)
        n_steps = int(d.lengths[sel].max())
        x = d.x[sel, :n_steps]
        if regulariser is not None and self.est.input_noise:
            x = _jitter(x, self.est.input_noise, tuple(self.est.input_range), regulariser)
        pool = None if d.pool is None else d.pool[sel]
        seeds = None if generator is not None or d.noise_seeds is None else d.noise_seeds[rows]
        return net(x, d.lengths[sel], pool, self.use_last, generator, seeds, regulariser)

    def evaluate(self, net: _Network, rows: np.ndarray) -> tuple[float, float]:
        """Loss and accuracy of ``net`` on ``rows``, in evaluation mode."""
        net.eval()
        with torch.no_grad():
            logits = torch.cat([self.run(net, rows[i:i + 512], None)
                                for i in range(0, len(rows), 512)])
            target = self.data.y[torch.as_tensor(rows, device=self.device)]
            loss = float(self.loss_fn(logits, target))
            acc = float((logits.argmax(1) == target).double().mean())
        return loss, acc

    def train_epoch(self, net: _Network, optimizer: torch.optim.Optimizer,
                    average: _Network | None, rows_pool: np.ndarray,
                    train_noise: torch.Generator | None,
                    regulariser: torch.Generator | None) -> float:
        """One pass over ``rows_pool`` in a random order; the mean training loss."""
        est, rnn = self.est, net.rnn
        net.train()
        order = rows_pool[self.rng.permutation(len(rows_pool))]
        total, seen = 0.0, 0
        for i in range(0, len(order), est.batch_size):
            rows = order[i:i + est.batch_size]
            if len(rows) < 2 and len(order) > 1 and est.normalization == "batch":
                continue  # batch norm needs two samples
            loss = self.train_loss_fn(self.run(net, rows, train_noise, regulariser),
                                      self.data.y[torch.as_tensor(rows, device=self.device)])
            total += float(loss.detach()) * len(rows)
            seen += len(rows)
            if est.constraint == "penalty":
                excess = torch.cat([torch.relu(b - est.bound_target)
                                    for b, _ in rnn.contraction_bound()])
                loss = loss + est.penalty * excess.sum()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if est.constraint == "project":
                rnn.project_(est.bound_target)
            if average is not None:
                _update_average(average, net, est.weight_averaging)
        if average is not None and est.constraint == "project":
            # a mean of projected weights need not meet the bound: project it too
            average.rnn.project_(est.bound_target)
        return total / max(seen, 1)

    def _optimizer(self, net: _Network) -> torch.optim.Optimizer:
        return torch.optim.Adam(net.parameters(), lr=self.est.lr,
                                weight_decay=self.est.weight_decay)

    def _scheduler(self, optimizer: torch.optim.Optimizer):
        if self.est.lr_schedule == "plateau":
            return torch.optim.lr_scheduler.ReduceLROnPlateau(
                optimizer, factor=0.5, patience=max(1, self.est.patience // 4))
        if self.est.lr_schedule == "cosine":
            return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, self.est.max_epochs)
        return None

    def _epochs(self, n_epochs: int, desc: str):
        """``range(n_epochs)``, behind a tqdm bar when asked for."""
        if not self.est.progress_bar:
            return range(n_epochs)
        from tqdm.auto import tqdm
        return tqdm(range(n_epochs), desc=f"{type(self.est).__name__} ({desc})", unit="epoch")

    def train_once(self, init: int, generator: torch.Generator):
        """One training run from a fresh initialisation: returns the best validation loss
        (training loss without validation), the network, its history, the best epoch and (for
        ``refit``) the network as initialised."""
        est, val_idx = self.est, self.data.val_idx
        net = self.build(generator)
        initial = copy.deepcopy(net) if est.refit else None
        average = copy.deepcopy(net) if est.weight_averaging else None
        optimizer = self._optimizer(net)
        scheduler = self._scheduler(optimizer)
        train_noise = self._noise(self.seeds.train_noise, init)
        regulariser = self._noise(self.seeds.regulariser, init)
        scored = net if average is None else average  # what is validated and returned
        history = {k: [] for k in ("loss", "val_loss", "val_accuracy", "bound", "lr", "time")}
        best = (np.inf, -1, copy.deepcopy(scored.state_dict()))
        epochs = self._epochs(est.max_epochs, f"init {init + 1}")
        since_best = 0
        for epoch in epochs:
            history["lr"].append(optimizer.param_groups[0]["lr"])
            history["loss"].append(self.train_epoch(net, optimizer, average,
                                                    self.data.train_idx, train_noise,
                                                    regulariser))
            if len(val_idx):
                val_loss, val_acc = self.evaluate(scored, val_idx)
            else:
                val_loss, val_acc = history["loss"][-1], float("nan")
            history["val_loss"].append(val_loss)
            history["val_accuracy"].append(val_acc)
            history["bound"].append(scored.rnn.max_bound())
            history["time"].append(time.perf_counter() - self.start)
            if est.progress_bar:
                epochs.set_postfix(loss=f"{history['loss'][-1]:.3f}", val_acc=f"{val_acc:.3f}",
                                   bound=f"{history['bound'][-1]:.3f}")
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(val_loss)
            elif scheduler is not None:
                scheduler.step()
            if not len(val_idx):
                continue
            if val_loss < best[0]:
                best = (val_loss, epoch, copy.deepcopy(scored.state_dict()))
                since_best = 0
            else:
                since_best += 1
                if since_best >= est.patience:
                    break
        if len(val_idx):
            scored.load_state_dict(best[2])
            best_epoch, score = best[1], best[0]
        else:
            best_epoch, score = len(history["loss"]) - 1, history["loss"][-1]
        if est.progress_bar:
            epochs.close()
        return score, scored, history, best_epoch, initial

    def refit(self, net: _Network, history: dict, best_epoch: int, init: int) -> _Network:
        """Train ``net`` (the chosen run as initialised) on every training series for the
        validated number of epochs, replaying the validated run's learning rates."""
        est = self.est
        average = copy.deepcopy(net) if est.weight_averaging else None
        optimizer = self._optimizer(net)
        train_noise = self._noise(self.seeds.train_noise, est.n_init + init)
        regulariser = self._noise(self.seeds.regulariser, est.n_init + init)
        every = np.arange(len(self.data.y))
        for epoch in self._epochs(best_epoch + 1, "refit"):
            for group in optimizer.param_groups:
                group["lr"] = history["lr"][epoch]
            self.train_epoch(net, optimizer, average, every, train_noise, regulariser)
        return net if average is None else average

    def train(self) -> tuple[_Network, dict, int, list[float]]:
        """Every initialisation (each its own child of the weights' seed), the best by
        validation loss, refitted if asked.

        Returns
        -------
        net : _Network
            The trained network.
        history : dict of list
            Per epoch of the chosen run: loss, val_loss, val_accuracy, bound, lr, time.
        best_epoch : int
            Its best epoch.
        init_scores : list of float
            Each initialisation's best validation loss.
        """
        runs = []
        for init in range(self.est.n_init):
            weights = torch.Generator().manual_seed(integer_seed(self.seeds.weights, init))
            runs.append(self.train_once(init, weights))
        chosen = min(range(self.est.n_init), key=lambda i: runs[i][0])
        _, net, history, best_epoch, initial = runs[chosen]
        if self.est.refit and len(self.data.val_idx):
            net = self.refit(initial, history, best_epoch, chosen)
        return net, history, best_epoch, [r[0] for r in runs]
