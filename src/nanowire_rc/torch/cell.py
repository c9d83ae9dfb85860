"""The coupled nanowire cell in PyTorch: a fused point-wise update and an ``nn.RNN``-like module.

The update (docs/torch.md, "The cell") after the matrix product ``a = W_in x + W h + b`` is one
autograd node, :class:`_NanowireCell` (a whole layer over time: :class:`_NanowireLayer`), with a
hand-derived backward; rates are ``k = exp(c0 + c1 z)`` with ``z`` the (scaled) voltage.
:func:`contraction_bound` is the differentiable torch twin of
:func:`nanowire_rc.stability.coupled_contraction_bound` (docs/torch.md, "Stable by
construction"). A non-ideal ``memristor`` runs each neuron as a physical device with plain
differentiable torch operations (docs/torch.md, "Physical devices in the trainable cell").
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from .._seeding import child
from ..device import Device, DeviceConstants, quantise_voltage
from ..exceptions import InvalidInputError, InvalidParameterError, UnstableReservoirError
from ..kernels.streams import SPLITMIX_INCREMENT, seeded_noise
from ..physics import METHODS, NEURON, NanowireParams

__all__ = ["VOLTAGE_MAPS", "NanowireRNN", "contraction_bound", "nanowire_cell"]

VOLTAGE_MAPS = ("sigmoid", "identity")


def _pointwise_forward(a: Tensor, h: Tensor, kp_c0: Tensor, kp_c1: Tensor, kd_c0: Tensor,
                       kd_c1: Tensor, dt: float, gamma: float, gain: float, sigmoid: bool,
                       exact: bool, out: tuple[Tensor, ...] | None = None,
                       ) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """``(h_new, z, k_p, k_d, m)``, ``m = dh_new/dh``, ``z = sigmoid(gain a)`` or ``a`` (no
    autograd); ``out``: five tensors written in place (``a`` may be overwritten too)."""
    if out is None:
        out = tuple(torch.empty_like(a) for _ in range(5))
        if sigmoid and gain != 1.0:
            a = a * gain
    elif sigmoid and gain != 1.0:
        a = a.mul_(gain)
    h_new, z, kp, kd, m = out
    if sigmoid:
        torch.sigmoid(a, out=z)
    else:
        z.copy_(a)
    torch.mul(z, kp_c1, out=kp).add_(kp_c0).exp_()
    torch.mul(z, kd_c1, out=kd).add_(kd_c0).exp_()
    if exact:
        s = kp + kd
        torch.mul(s, -dt, out=m).exp_()
        if gamma != 1.0:
            m.mul_(gamma)
            s.add_(-math.log(gamma) / dt)
        torch.lerp(kp / s, h, m, out=h_new)  # h* + (h - h*) e
    else:
        torch.add(kp, kd, out=m).mul_(-dt).add_(gamma)  # gamma - dt S
        torch.mul(m, h, out=h_new).add_(kp, alpha=dt)
    return h_new, z, kp, kd, m


def _pointwise_backward(g: Tensor, h: Tensor, z: Tensor, kp: Tensor, kd: Tensor, m: Tensor,
                        kp_c1: Tensor, kd_c1: Tensor, dt: float, gamma: float, gain: float,
                        sigmoid: bool, exact: bool, need_logk: bool, out: Tensor | None = None,
                        ) -> tuple[Tensor, Tensor | None, Tensor | None]:
    """Gradient of ``a`` (into ``out`` if given) and, if ``need_logk``, of ``log k_p`` and
    ``log k_d`` (element-wise)."""
    if exact:
        lam = -math.log(gamma) / dt
        inv = (kp + kd).add_(lam).reciprocal_()  # 1 / L
        hs = kp * inv
        one_e = (1.0 - m).mul_(inv)  # (1 - e) / L
        common = (h - hs).mul_(m).mul_(-dt)  # -dt e (h - h*)
        g_kp = (1.0 - hs).mul_(one_e).add_(common).mul_(kp).mul_(g)  # dh'/dk_p = (kd+lam)/L^2 ..
        g_kd = hs.mul_(one_e).sub_(common).mul_(kd).mul_(g).neg_()  # dh'/dk_d = -kp/L^2 ..
        grad_z = torch.addcmul(g_kp * kp_c1, g_kd, kd_c1, out=out)
    else:
        # d h'/d z = dt [(1 - h) c1_p k_p - h c1_d k_d]: a lerp between the two rate slopes
        grad_z = torch.lerp(kp * kp_c1, kd * -kd_c1, h, out=out).mul_(g).mul_(dt)
        g_kp = g_kd = None
        if need_logk:
            g_kp = (1.0 - h).mul_(kp).mul_(g).mul_(dt)
            g_kd = (h * kd).mul_(g).mul_(-dt)
    if sigmoid:
        grad_z.mul_(torch.addcmul(z, z, z, value=-1.0))
        if gain != 1.0:
            grad_z.mul_(gain)
    return grad_z, g_kp, g_kd


def _coefficient_grads(need, g_kp, g_kd, g_kpz, g_kdz):
    return (g_kp.sum() if need[0] else None, g_kpz.sum() if need[1] else None,
            g_kd.sum() if need[2] else None, g_kdz.sum() if need[3] else None)


class _NanowireCell(torch.autograd.Function):
    """One point-wise nanowire update ``h' = f(a, h)``."""

    @staticmethod
    def forward(ctx, a, h, kp_c0, kp_c1, kd_c0, kd_c1, dt, gamma, gain, sigmoid, exact):
        h_new, z, kp, kd, m = _pointwise_forward(a, h, kp_c0, kp_c1, kd_c0, kd_c1, dt, gamma,
                                                 gain, sigmoid, exact)
        ctx.save_for_backward(h, z, kp, kd, m, kp_c1, kd_c1)
        ctx.cfg = (dt, gamma, gain, sigmoid, exact)
        return h_new

    @staticmethod
    def backward(ctx, g):
        h, z, kp, kd, m, kp_c1, kd_c1 = ctx.saved_tensors
        need = ctx.needs_input_grad
        need_logk = any(need[2:6])
        grad_a, g_kp, g_kd = _pointwise_backward(g, h, z, kp, kd, m, kp_c1, kd_c1, *ctx.cfg,
                                                 need_logk)
        coeff = (None,) * 4
        if need_logk:
            coeff = _coefficient_grads(need[2:6], g_kp, g_kd, g_kp * z, g_kd * z)
        return (grad_a if need[0] else None, g * m if need[1] else None, *coeff,
                None, None, None, None, None)


class _NanowireLayer(torch.autograd.Function):
    """A whole layer over time as one node, ``H[t] = f(drive[t] + H[t-1] W^T, H[t-1])``, its
    backward the adjoint recursion; ``mask`` (T, B, 1) freezes a series' state past its end."""

    @staticmethod
    def forward(ctx, drive, h0, weight_hh, kp_c0, kp_c1, kd_c0, kd_c1, mask, dt, gamma, gain,
                sigmoid, exact):
        n_steps = drive.shape[0]
        H = torch.empty_like(drive)
        Z, KP, KD, M = (torch.empty_like(drive) for _ in range(4))
        w_t = weight_hh.t()
        h = h0
        for t in range(n_steps):
            a = torch.addmm(drive[t], h, w_t)
            _pointwise_forward(a, h, kp_c0, kp_c1, kd_c0, kd_c1, dt, gamma, gain, sigmoid, exact,
                               out=(H[t], Z[t], KP[t], KD[t], M[t]))
            if mask is not None:
                H[t] = torch.where(mask[t], H[t], h)
            h = H[t]
        ctx.save_for_backward(h0, weight_hh, H, Z, KP, KD, M, kp_c1, kd_c1, mask)
        ctx.cfg = (dt, gamma, gain, sigmoid, exact)
        return H

    @staticmethod
    def backward(ctx, gH):
        h0, weight_hh, H, Z, KP, KD, M, kp_c1, kd_c1, mask = ctx.saved_tensors
        need = ctx.needs_input_grad
        need_logk = any(need[3:7])
        n_steps = H.shape[0]
        G_a = torch.empty_like(H)
        sums = [torch.zeros_like(h0) for _ in range(4)] if need_logk else None
        g_next = torch.zeros_like(h0)
        for t in range(n_steps - 1, -1, -1):
            g = gH[t] + g_next
            h_prev = H[t - 1] if t > 0 else h0
            g_a, g_kp, g_kd = _pointwise_backward(g, h_prev, Z[t], KP[t], KD[t], M[t], kp_c1,
                                                  kd_c1, *ctx.cfg, need_logk, out=G_a[t])
            g_h = torch.addmm(g * M[t], g_a, weight_hh)
            if mask is not None:
                g_a.mul_(mask[t])
                g_h = torch.where(mask[t], g_h, g)
                if need_logk:
                    g_kp.mul_(mask[t])
                    g_kd.mul_(mask[t])
            if need_logk:
                sums[0].add_(g_kp)
                sums[1].addcmul_(g_kp, Z[t])
                sums[2].add_(g_kd)
                sums[3].addcmul_(g_kd, Z[t])
            g_next = g_h
        grad_w = None
        if need[2]:
            h_prev = torch.cat([h0.unsqueeze(0), H[:-1]]).reshape(-1, H.shape[-1])
            grad_w = G_a.reshape(-1, H.shape[-1]).t().mm(h_prev)
        coeff = (None,) * 4
        if need_logk:
            coeff = _coefficient_grads(need[3:7], sums[0], sums[2], sums[1], sums[3])
        return (G_a if need[0] else None, g_next if need[1] else None, grad_w, *coeff,
                None, None, None, None, None, None)


def _rate_coefficients(log_k: Tensor, eta: Tensor, voltage_map) -> tuple[Tensor, Tensor, Tensor,
                                                                          Tensor]:
    """``(kp_c0, kp_c1, kd_c0, kd_c1)`` with ``log k_p = kp_c0 + kp_c1 z`` (``z`` as above)."""
    log_kp0, log_kd0 = log_k[0], log_k[1]
    eta_p, eta_d = eta[0], eta[1]
    if voltage_map is None:
        return log_kp0, eta_p, log_kd0, -eta_d
    v_min, v_max, _ = voltage_map
    span = v_max - v_min
    return log_kp0 + eta_p * v_min, eta_p * span, log_kd0 - eta_d * v_min, -eta_d * span


class _RoundSTE(torch.autograd.Function):
    """Rounding exactly as the DAC (``lo is None``, :func:`nanowire_rc.device.quantise_voltage`)
    or the saturating ADC of the device kernels; straight-through gradient, zero where the ADC
    saturates."""

    @staticmethod
    def forward(ctx, x, step, lo, top):
        if lo is None:
            ctx.inside = None
            return torch.floor(x / step + 0.5) * step
        q = torch.floor((x - lo) / step + 0.5)
        inside = (q >= 0) & (q <= top)
        ctx.save_for_backward(inside)
        ctx.inside = True
        return lo + q.clamp(0, top) * step

    @staticmethod
    def backward(ctx, g):
        if ctx.inside is not None:
            (inside,) = ctx.saved_tensors
            g = g * inside
        return g, None, None, None


def _dac(v: Tensor, step: float) -> Tensor:
    """DAC rounding of the voltages (``step == 0``: unchanged); straight-through gradient."""
    return _RoundSTE.apply(v, step, None, None) if step else v


def _draws(shape: tuple[int, ...], generator: torch.Generator | None, like: Tensor,
           sampler=torch.randn) -> Tensor:
    """``sampler`` (``torch.randn`` or ``torch.rand``) draws of ``shape`` from ``generator`` (on
    its device), in ``like``'s dtype and on its device."""
    where = generator.device if generator is not None else like.device
    z = sampler(shape, generator=generator, dtype=like.dtype, device=where)
    return z.to(like.device)


def nanowire_cell(
    a: Tensor,
    h: Tensor,
    params: NanowireParams | Sequence[Tensor] | None = None,
    dt: float = NEURON.dt,
    retention: float = NEURON.retention,
    voltage_map: tuple[float, float, float] | None = (0.0, 1.0, 1.0),
    method: str = NEURON.method,
) -> Tensor:
    """One fused point-wise nanowire update ``h' = f(a, h)`` (``a`` is the pre-activation).

    Parameters
    ----------
    a, h : Tensor (..., n)
        Pre-activation ``W_in x + W h + b`` and previous state.
    params : NanowireParams or (log_kappa_p0, log_kappa_d0, eta_p, eta_d) tensors, optional
        Physical constants (tensors receive gradients).
    dt, retention : float
        Time step and retention ``gamma`` in (0, 1].
    voltage_map : (v_min, v_max, gain) or None
        Sigmoid window, or ``None`` for the identity.
    method : {"euler", "exact"}
        Update rule.

    Returns
    -------
    Tensor
        The new state, same shape as ``h``.

    Raises
    ------
    ValueError
        If ``method`` is unknown.

    Examples
    --------
    >>> import torch
    >>> from nanowire_rc.torch import nanowire_cell
    >>> a = torch.zeros(3, requires_grad=True)
    >>> h_new = nanowire_cell(a, torch.zeros(3), dt=0.1)  # voltage sigmoid(0) = 0.5
    >>> h_new.detach()
    tensor([0.0015, 0.0015, 0.0015])
    >>> h_new.sum().backward()
    >>> bool((a.grad > 0).all())  # a higher drive potentiates more
    True
    """
    _check_choice("method", method, METHODS)
    if isinstance(params, NanowireParams) or params is None:
        p = params or NanowireParams()
        log_k = torch.tensor([math.log(p.kappa_p0), math.log(p.kappa_d0)], dtype=a.dtype,
                             device=a.device)
        eta = torch.tensor([p.eta_p, p.eta_d], dtype=a.dtype, device=a.device)
    else:
        log_kp0, log_kd0, eta_p, eta_d = params
        log_k, eta = torch.stack([log_kp0, log_kd0]), torch.stack([eta_p, eta_d])
    coeffs = _rate_coefficients(log_k, eta, voltage_map)
    gain = 1.0 if voltage_map is None else float(voltage_map[2])
    return _NanowireCell.apply(a, h, *coeffs, float(dt), float(retention), gain,
                               voltage_map is not None, method == "exact")


def _total_rate(v: Tensor, kp0: Tensor, kd0: Tensor, eta_p: Tensor, eta_d: Tensor) -> Tensor:
    return kp0 * torch.exp(eta_p * v) + kd0 * torch.exp(-eta_d * v)


def contraction_bound(
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias: Tensor,
    x_lo: Tensor | float,
    x_hi: Tensor | float,
    dt: float,
    retention: float = NEURON.retention,
    params: NanowireParams | Sequence[Tensor] | None = None,
    voltage_map: tuple[float, float, float] | None = (0.0, 1.0, 1.0),
    method: str = NEURON.method,
    row_scale: Tensor | None = None,
    voltage_step: float = 0.0,
) -> tuple[Tensor, Tensor]:
    """Per-neuron max-norm Jacobian row bound of one coupled nanowire layer (differentiable).

    For ``method="euler"`` this is :func:`nanowire_rc.stability.coupled_contraction_bound`
    applied to the voltage interval of :func:`nanowire_rc.stability.coupled_voltage_range`
    (inputs in ``[x_lo, x_hi]``, states in [0, 1]):
    ``max(|gamma - dt S_max|, |gamma - dt S_min|) + dt max(eta_p k_p(v_hi), eta_d k_d(v_lo))
    sup g' sum_j |W_nj|``. For ``method="exact"`` the diagonal term is ``gamma exp(-dt S_min)``
    (the exact map's ``dh'/dh``) and the coupling term is the same (the exact map's ``dh'/dv`` is
    an integral over the step of ``exp(-S s)`` times ``eta_p k_p (1 - h) + eta_d k_d h``, at most
    ``dt`` times its largest value).

    The constants may be per neuron (tensors of shape (N,)): the bound is then each neuron's with
    its own constants, as :func:`nanowire_rc.stability.device_contraction_bound`. With a DAC
    (``voltage_step > 0``) both ends of the voltage interval are rounded first, as the device
    kernels do (rounding is monotone, so every applied voltage lies in the rounded interval); the
    coupling term keeps the slope of the unrounded map.

    Parameters
    ----------
    weight_ih : Tensor (N, C)
        Input weights ``W_in``.
    weight_hh : Tensor (N, N)
        Recurrent weights ``W``.
    bias : Tensor (N,)
        Bias ``b``.
    x_lo, x_hi : float or Tensor (C,)
        Range of each input channel.
    dt : float
        Time step.
    retention : float, default=1.0
        Retention ``gamma`` in (0, 1].
    params : NanowireParams or (log_kappa_p0, log_kappa_d0, eta_p, eta_d) tensors, optional
        Physical constants, as in :func:`nanowire_cell`; the tensors may be scalars or hold one
        value per neuron (N,).
    voltage_map : (v_min, v_max, gain) or None, default=(0.0, 1.0, 1.0)
        Sigmoid window, or ``None`` for the identity.
    method : {"euler", "exact"}, default="euler"
        Update rule.
    row_scale : Tensor (N,), optional
        Factors applied to the rows of ``weight_hh`` (used by the projection's bisection).
    voltage_step : float, default=0.0
        DAC step: the ends of each voltage interval are rounded to it (0: no rounding).

    Returns
    -------
    bound : Tensor (N,)
        Row bounds; ``bound.max() < 1`` with every neuron invariant makes the layer a contraction.
    invariant : Tensor (N,) of bool
        ``dt S_max <= gamma`` on the neuron's voltage interval (states stay in [0, 1]); always
        True for the exact update.

    Examples
    --------
    >>> import torch
    >>> from nanowire_rc.torch import contraction_bound
    >>> w_ih, w_hh, b = torch.ones(4, 1), torch.zeros(4, 4), torch.zeros(4)
    >>> bound, invariant = contraction_bound(w_ih, w_hh, b, 0.0, 1.0, dt=0.1)
    >>> bound  # uncoupled: the memory factor over the voltage window
    tensor([0.9687, 0.9687, 0.9687, 0.9687])
    >>> bool(invariant.all())
    True
    """
    return _contraction_bound(weight_ih, weight_hh, bias, x_lo, x_hi, dt, retention, params,
                              voltage_map, method, row_scale, voltage_step)


def _contraction_bound(weight_ih, weight_hh, bias, x_lo, x_hi, dt, retention, params,
                       voltage_map, method, row_scale, voltage_step, widen=False):
    """:func:`contraction_bound`; ``widen=True`` widens each voltage interval by half a DAC step
    instead of rounding its ends: it contains the rounded interval and moves continuously with
    the weights (what :meth:`NanowireRNN.project_` bisects on)."""
    dtype, device = weight_hh.dtype, weight_hh.device
    if isinstance(params, NanowireParams) or params is None:
        p = params or NanowireParams()
        kp0, kd0, eta_p, eta_d = (torch.tensor(c, dtype=dtype, device=device)
                                  for c in (p.kappa_p0, p.kappa_d0, p.eta_p, p.eta_d))
    else:
        log_kp0, log_kd0, eta_p, eta_d = params
        kp0, kd0 = torch.exp(log_kp0), torch.exp(log_kd0)
    x_lo = torch.as_tensor(x_lo, dtype=dtype, device=device)
    x_hi = torch.as_tensor(x_hi, dtype=dtype, device=device)
    lo, hi = weight_ih * x_lo, weight_ih * x_hi
    in_lo, in_hi = torch.minimum(lo, hi).sum(1), torch.maximum(lo, hi).sum(1)
    neg, pos = weight_hh.clamp(max=0).sum(1), weight_hh.clamp(min=0).sum(1)
    if row_scale is not None:
        neg, pos = neg * row_scale, pos * row_scale
    a_lo, a_hi = in_lo + neg + bias, in_hi + pos + bias
    if voltage_map is None:
        v_lo, v_hi, gain_max = a_lo, a_hi, torch.ones_like(a_lo)
    else:
        v_min, v_max, gain = voltage_map
        span = v_max - v_min
        v_lo = v_min + span * torch.sigmoid(gain * a_lo)
        v_hi = v_min + span * torch.sigmoid(gain * a_hi)
        s = torch.sigmoid(gain * torch.clamp(torch.zeros_like(a_lo), min=a_lo, max=a_hi))
        gain_max = span * gain * s * (1 - s)
    if widen and voltage_step:
        v_lo, v_hi = v_lo - voltage_step / 2, v_hi + voltage_step / 2
    else:
        v_lo, v_hi = _dac(v_lo, voltage_step), _dac(v_hi, voltage_step)
    s_max = torch.maximum(_total_rate(v_lo, kp0, kd0, eta_p, eta_d),
                          _total_rate(v_hi, kp0, kd0, eta_p, eta_d))
    v_star = torch.log(kd0 * eta_d / (kp0 * eta_p)) / (eta_p + eta_d)
    s_min = _total_rate(torch.clamp(v_star.expand_as(v_lo), min=v_lo, max=v_hi), kp0, kd0,
                        eta_p, eta_d)
    if method == "exact":
        diagonal = retention * torch.exp(-dt * s_min)
        invariant = torch.ones_like(s_max, dtype=torch.bool)
    else:
        diagonal = torch.maximum((retention - dt * s_max).abs(), (retention - dt * s_min).abs())
        invariant = dt * s_max <= retention
    slope = torch.maximum(eta_p * kp0 * torch.exp(eta_p * v_hi),
                          eta_d * kd0 * torch.exp(-eta_d * v_lo))
    bound = diagonal + dt * slope * gain_max * (pos - neg)
    return bound, invariant


def _check_choice(name: str, value, options: tuple) -> None:
    if value not in options:
        raise InvalidParameterError(f"{name} must be one of {options}, got {value!r}")


def _check_memristor(memristor) -> None:
    if memristor is not None and not isinstance(memristor, Device):
        raise InvalidParameterError(
            f"memristor must be a nanowire_rc.Device or None, got "
            f"{type(memristor).__name__} {memristor!r} (the torch compute device is device=)")


def _check_arguments(input_size, hidden_size, num_layers, dt, method, voltage_map, v_min, v_max,
                     gain, retention, h0, params, input_range, memristor, memristor_seed) -> None:
    """Validate :class:`NanowireRNN`'s hyper-parameters (``InvalidParameterError``)."""
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size),
                        ("num_layers", num_layers)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise InvalidParameterError(f"{name} must be a positive integer, got {value!r}")
    _check_choice("method", method, METHODS)
    _check_choice("voltage_map", voltage_map, VOLTAGE_MAPS)
    if not (isinstance(dt, (int, float)) and math.isfinite(dt) and dt > 0):
        raise InvalidParameterError(f"dt must be a finite number > 0, got {dt!r}")
    for name, value in (("retention", retention), ("v_min", v_min), ("v_max", v_max),
                        ("gain", gain), ("h0", h0)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not math.isfinite(value):
            raise InvalidParameterError(f"{name} must be a finite real number, got {value!r}")
    if not 0 < retention <= 1:
        raise InvalidParameterError(f"retention must lie in (0, 1], got {retention!r}")
    if voltage_map == "sigmoid" and not (v_min < v_max and gain > 0):
        raise InvalidParameterError(
            f"need v_min < v_max and gain > 0, got {v_min}, {v_max}, {gain}")
    if not 0 <= h0 <= 1:
        raise InvalidParameterError(f"h0 must lie in [0, 1], got {h0!r}")
    if params is not None and not isinstance(params, NanowireParams):
        raise InvalidParameterError(f"params must be a NanowireParams or None, got {params!r}")
    try:
        ordered = len(input_range) == 2 and bool(input_range[0] <= input_range[1])
    except TypeError:
        ordered = False
    if not ordered:
        raise InvalidParameterError(f"input_range must be (low, high), got {input_range!r}")
    _check_memristor(memristor)
    if isinstance(memristor_seed, bool) or not isinstance(memristor_seed, (int, np.integer)):
        raise InvalidParameterError(
            f"memristor_seed must be an integer, got {memristor_seed!r}")
    if memristor_seed < 0:
        raise InvalidParameterError(f"memristor_seed must be >= 0, got {memristor_seed!r}")


class NanowireRNN(nn.Module):
    """Multi-layer coupled nanowire RNN, shaped like ``torch.nn.RNN``.

    Layer ``l`` maps its input sequence ``x`` to states ``h(t)`` in [0, 1]^hidden_size by the
    update in this module's docstring, with trainable ``weight_ih_l{l}`` (W_in),
    ``weight_hh_l{l}`` (W) and ``bias_l{l}`` (b); layer ``l > 0`` reads layer ``l - 1``'s states.

    Parameters
    ----------
    input_size : int
        Number of input features.
    hidden_size : int
        Number of neurons per layer.
    num_layers : int, default=1
        Number of stacked layers.
    batch_first : bool, default=False
        Input and output are (batch, time, feature) instead of (time, batch, feature).
    dt : float, default=0.1
        Time step.
    method : {"euler", "exact"}, default="euler"
        Update rule (the paper's Euler step, or the exact solution over the step).
    voltage_map : {"sigmoid", "identity"}, default="sigmoid"
        ``v = v_min + (v_max - v_min) sigmoid(gain a)`` (bounded voltages) or ``v = a``.
    v_min, v_max, gain : float, default=0.0, 1.0, 1.0
        Voltage window and slope of the sigmoid map.
    retention : float, default=1.0
        ``gamma`` in (0, 1].
    params : NanowireParams, optional
        Physical constants (default: the paper's Table 2).
    train_params : bool, default=False
        Train the constants too, through ``log kappa`` and ``log eta`` (they stay positive).
    h0 : float, default=0.0
        Initial state (in [0, 1]) when ``forward`` gets no ``hx``.
    input_range : (float, float), default=(0.0, 1.0)
        Range of the first layer's inputs, used by :meth:`contraction_bound`.
    device : torch.device or str, optional
        Factory argument for the parameters.
    dtype : torch.dtype, optional
        Factory argument for the parameters.
    generator : torch.Generator, optional
        Random source for the initial weights (reproducible initialisation).
    memristor : nanowire_rc.Device or None, default=None
        The physical device behind every neuron (docs/devices.md): device-to-device spread,
        state and read noise, DAC and ADC quantisation, conductance window. It is called
        ``memristor`` because ``device``, as in every torch API, is the torch compute device
        (above). ``None`` and ``Device()`` (everything off) run the ideal fused cell and give
        bit-identical results. See Notes.
    memristor_seed : int, default=0
        Seeds the draw of the per-neuron constants: layer ``l`` gets
        ``memristor.draw(hidden_size, params, random_state=SeedSequence(memristor_seed,
        spawn_key=(l,)))``, child ``l`` of the seed's sequence (a NumPy draw, independent of
        ``generator``). Unused when the memristor is ideal.

    Attributes
    ----------
    memristor : nanowire_rc.Device or None
        The device given.
    memristor_seed : int
        The seed given.

    Raises
    ------
    ValueError
        For bad hyper-parameters, or (Euler update, sigmoid map) a window where
        ``dt S_max > retention`` for some neuron, which would let states leave [0, 1].
    TypeError
        If ``params`` is not a :class:`~nanowire_rc.physics.NanowireParams` or None,
        ``memristor`` not a :class:`~nanowire_rc.device.Device` or None, or ``memristor_seed``
        not an integer.

    See Also
    --------
    NanowireRNNClassifier : The cell trained end to end as a scikit-learn classifier.
    nanowire_rc.kernels.device.run_coupled_nanowire_device : The same devices in a fixed
        reservoir (the reference this cell agrees with).

    Notes
    -----
    With a non-ideal ``memristor`` each layer draws its devices once, at construction, as buffers:
    ``log_kappa_spread_l{l}`` and ``log_eta_spread_l{l}`` (2, hidden_size), each neuron's
    log-ratio of ``kappa_p0, kappa_d0`` and of ``eta_p, eta_d`` to the nominal values (which train
    with ``train_params=True``), and ``g_min_l{l}``, ``g_max_l{l}`` (hidden_size,). A step is that
    of :func:`~nanowire_rc.kernels.device.run_coupled_nanowire_device`: ``v = g(a)`` rounded to
    the DAC step, each neuron's own constants, state noise ``h <- clip(h + state_noise xi, 0,
    1)``, and the read ``G = g_min,n + (g_max,n - g_min,n) h`` plus read noise (white, or
    Ornstein–Uhlenbeck with ``noise_correlation_time``, started from its stationary law; standard
    deviation ``read_noise (g_max - g_min)`` of the nominal window) rounded to ``2**adc_bits``
    levels over the nominal window, saturating. The output is the reads ``G``, ``h_n`` the
    states ``h``. The DAC and ADC pass the gradient straight through (zero where the ADC
    saturates). The noise comes from :meth:`forward`'s ``generator`` in training and evaluation
    alike (it is physics, not dropout), so a realisation depends on the batch, unless
    ``noise_seeds`` keys it to each series. :meth:`contraction_bound`, :meth:`project_` and the
    construction check use each neuron's own constants over the DAC-rounded voltage interval;
    the guarantee covers the noiseless state map (docs/torch.md, "Physical devices in the
    trainable cell").

    Examples
    --------
    >>> import torch
    >>> from nanowire_rc.torch import NanowireRNN
    >>> rnn = NanowireRNN(input_size=1, hidden_size=8, batch_first=True,
    ...                   generator=torch.Generator().manual_seed(0))
    >>> x = torch.rand(4, 30, 1)  # (batch, time, features), inputs in [0, 1]
    >>> out, h_n = rnn(x, lengths=[30, 20, 10, 5])
    >>> out.shape, h_n.shape
    (torch.Size([4, 30, 8]), torch.Size([1, 4, 8]))
    >>> bool(out[3, 5:].abs().max() == 0)  # zero past a series' end
    True
    >>> rnn.project_(target=0.99) <= 0.99  # rescale W: now a contraction
    True

    A physical device behind every neuron (``device=`` would be the torch device):

    >>> import nanowire_rc as nw
    >>> chip = nw.Device(variability=0.05, read_noise=0.01, adc_bits=8)
    >>> rnn = NanowireRNN(1, 8, batch_first=True, method="exact", memristor=chip,
    ...                   generator=torch.Generator().manual_seed(0))
    >>> out, h_n = rnn(x, generator=torch.Generator().manual_seed(1))  # out: the reads G
    >>> rnn.device_constants(0).eta_p.shape, out.shape
    ((8,), torch.Size([4, 30, 8]))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        batch_first: bool = False,
        dt: float = NEURON.dt,
        method: str = NEURON.method,
        voltage_map: str = "sigmoid",
        v_min: float = NEURON.v_min,
        v_max: float = NEURON.v_max,
        gain: float = NEURON.gain,
        retention: float = NEURON.retention,
        params: NanowireParams | None = None,
        train_params: bool = False,
        h0: float = 0.0,
        input_range: tuple[float, float] = (0.0, 1.0),
        device=None,
        dtype=None,
        generator: torch.Generator | None = None,
        memristor: Device | None = None,
        memristor_seed: int = 0,
    ):
        super().__init__()
        _check_arguments(input_size, hidden_size, num_layers, dt, method, voltage_map, v_min,
                         v_max, gain, retention, h0, params, input_range, memristor,
                         memristor_seed)
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.num_layers = int(num_layers)
        self.batch_first = bool(batch_first)
        self.dt = float(dt)
        self.method = method
        self.voltage_map = voltage_map
        self.v_min, self.v_max, self.gain = float(v_min), float(v_max), float(gain)
        self.retention = float(retention)
        self.train_params = bool(train_params)
        self.h0 = float(h0)
        self.input_range = (float(input_range[0]), float(input_range[1]))
        p = params or NanowireParams()
        _register_weights(self, p, {"device": device, "dtype": dtype})
        self.memristor = memristor
        self.memristor_seed = int(memristor_seed)
        if not self.ideal:
            _register_devices(self, p, {"device": device,
                                        "dtype": dtype or torch.get_default_dtype()})
        self.reset_parameters(generator)
        self.check_invariance()

    # ------------------------------------------------------------------ set-up and physics
    def reset_parameters(self, generator: torch.Generator | None = None,
                         input_scale: float = 2.0, bias_scale: float = 1.0,
                         recurrent_scale: float = 1.0) -> None:
        """Draw new initial weights of every layer (in place).

        ``W_in ~ U(-s, s) / sqrt(n_in)``, ``b ~ U(-bias_scale, bias_scale)`` and
        ``W ~ U(-r, r) / sqrt(hidden_size)`` (``s = input_scale``, ``r = recurrent_scale``).

        Parameters
        ----------
        generator : torch.Generator, optional
            Random source (reproducible initialisation).
        input_scale : float, default=2.0
            ``s``, range of the input weights (times ``1 / sqrt(n_in)``).
        bias_scale : float, default=1.0
            Range of the bias.
        recurrent_scale : float, default=1.0
            ``r``, range of the recurrent weights (times ``1 / sqrt(hidden_size)``).

        Examples
        --------
        >>> import torch
        >>> from nanowire_rc.torch import NanowireRNN
        >>> rnn = NanowireRNN(1, 8)
        >>> rnn.reset_parameters(torch.Generator().manual_seed(1), recurrent_scale=0.0)
        >>> float(rnn.weight_hh_l0.detach().abs().max())  # uncoupled neurons
        0.0
        """
        with torch.no_grad():
            for layer in range(self.num_layers):
                w_ih, w_hh, b = self.layer_weights(layer)
                w_ih.uniform_(-1, 1, generator=generator).mul_(input_scale
                                                                / math.sqrt(w_ih.shape[1]))
                w_hh.uniform_(-1, 1, generator=generator).mul_(recurrent_scale
                                                                / math.sqrt(self.hidden_size))
                b.uniform_(-1, 1, generator=generator).mul_(bias_scale)

    def layer_weights(self, layer: int) -> tuple[Tensor, Tensor, Tensor]:
        """``(weight_ih, weight_hh, bias)`` of ``layer``.

        Parameters
        ----------
        layer : int
            Layer index, ``0 .. num_layers - 1``.

        Returns
        -------
        weight_ih : torch.nn.Parameter
            Input weights, (hidden_size, n_in).
        weight_hh : torch.nn.Parameter
            Recurrent weights, (hidden_size, hidden_size).
        bias : torch.nn.Parameter
            Bias, (hidden_size,).

        Examples
        --------
        >>> from nanowire_rc.torch import NanowireRNN
        >>> [tuple(w.shape) for w in NanowireRNN(3, 8).layer_weights(0)]
        [(8, 3), (8, 8), (8,)]
        """
        return (getattr(self, f"weight_ih_l{layer}"), getattr(self, f"weight_hh_l{layer}"),
                getattr(self, f"bias_l{layer}"))

    @property
    def _map(self) -> tuple[float, float, float] | None:
        return None if self.voltage_map == "identity" else (self.v_min, self.v_max, self.gain)

    def _physics(self) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        eta = torch.exp(self.log_eta)
        return self.log_kappa[0], self.log_kappa[1], eta[0], eta[1]

    @property
    def ideal(self) -> bool:
        """Whether every neuron is the ideal device (``memristor`` None or ``Device()``).

        Ideal layers run the fused autograd functions; others the device path (class Notes).
        """
        memristor = getattr(self, "memristor", None)  # modules pickled before memristor= existed
        return memristor is None or memristor.is_ideal

    def _layer_physics(self, layer: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """``(log_kappa_p0, log_kappa_d0, eta_p, eta_d)`` of ``layer``: scalars when ideal, else
        one value per neuron (the nominal, possibly trained, constants times each neuron's fixed
        deviation)."""
        if self.ideal:
            return self._physics()
        log_k = self.log_kappa[:, None] + getattr(self, f"log_kappa_spread_l{layer}")
        eta = torch.exp(self.log_eta[:, None] + getattr(self, f"log_eta_spread_l{layer}"))
        return log_k[0], log_k[1], eta[0], eta[1]

    @property
    def _voltage_step(self) -> float:
        return 0.0 if self.ideal else self.memristor.voltage_step

    def _read_range(self, layer: int) -> tuple[Tensor | float, Tensor | float]:
        """Range of ``layer``'s outputs (the next layer's inputs): [0, 1] for ideal neurons, the
        ADC's window, or each neuron's noiseless ``[g_min,n, g_max,n]``."""
        if self.ideal:
            return 0.0, 1.0
        if self.memristor.adc_bits is not None:
            return self.memristor.g_min, self.memristor.g_max
        return getattr(self, f"g_min_l{layer}"), getattr(self, f"g_max_l{layer}")

    def device_constants(self, layer: int = 0) -> DeviceConstants:
        """The per-neuron constants of ``layer``'s devices as they are now (trained ones included).

        For a fixed reservoir with the same devices, pass them as ``constants=`` to
        :func:`~nanowire_rc.kernels.device.run_coupled_nanowire_device`.

        Parameters
        ----------
        layer : int, default=0
            Layer index, ``0 .. num_layers - 1``.

        Returns
        -------
        DeviceConstants
            ``kappa_p0, kappa_d0, eta_p, eta_d, g_min, g_max`` per neuron (float64); for an ideal
            memristor, the nominal constants and the window [0, 1] repeated.

        Raises
        ------
        ValueError
            If ``layer`` is out of range.

        Examples
        --------
        >>> import nanowire_rc as nw
        >>> from nanowire_rc.torch import NanowireRNN
        >>> rnn = NanowireRNN(1, 4, method="exact", memristor=nw.Device(variability=0.1))
        >>> from numpy.random import SeedSequence
        >>> drawn = nw.Device(variability=0.1).draw(4, random_state=SeedSequence(0, spawn_key=(0,)))
        >>> bool(abs(rnn.device_constants(0).eta_p - drawn.eta_p).max() < 1e-5)  # float32
        True
        """
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) \
                or not 0 <= layer < self.num_layers:
            raise InvalidParameterError(
                f"layer must be an integer in [0, {self.num_layers}), got {layer!r}")
        if self.ideal:
            return Device().nominal(self.hidden_size, self.nanowire_params)
        with torch.no_grad():
            log_kp0, log_kd0, eta_p, eta_d = self._layer_physics(layer)
            values = (torch.exp(log_kp0), torch.exp(log_kd0), eta_p, eta_d,
                      getattr(self, f"g_min_l{layer}"), getattr(self, f"g_max_l{layer}"))
            return DeviceConstants(*(v.double().cpu().numpy() for v in values))

    @property
    def nanowire_params(self) -> NanowireParams:
        """The current physical constants (trained ones included) as a :class:`NanowireParams`."""
        k = torch.exp(self.log_kappa.detach().double()).tolist()
        e = torch.exp(self.log_eta.detach().double()).tolist()
        return NanowireParams(kappa_p0=k[0], kappa_d0=k[1], eta_p=e[0], eta_d=e[1])

    def check_invariance(self) -> None:
        """Raise ``ValueError`` if the sigmoid window lets Euler states leave [0, 1].

        With the sigmoid map every voltage lies in ``[v_min, v_max]``, so ``dt S_max <= gamma``
        over that window keeps every state in [0, 1] whatever the weights. (The identity map's
        voltages depend on the weights: :meth:`contraction_bound` reports invariance per neuron.)
        With a non-ideal ``memristor`` every neuron of every layer is checked with its own
        constants, over the DAC-rounded window.

        Raises
        ------
        UnstableReservoirError
            If ``dt S_max > retention`` over the voltage window for some neuron (Euler update,
            sigmoid map).

        Examples
        --------
        >>> from nanowire_rc.torch import NanowireRNN
        >>> rnn = NanowireRNN(1, 8, dt=0.1)
        >>> rnn.check_invariance()  # fine: returns None
        >>> rnn.dt = 1.0
        >>> rnn.check_invariance()
        Traceback (most recent call last):
        ...
        nanowire_rc.exceptions.UnstableReservoirError: dt * S_max = 2.387 exceeds retention ...
        """
        if self.method != "euler" or self.voltage_map != "sigmoid":
            return
        if not self.ideal:
            self._check_device_invariance()
            return
        p = self.nanowire_params
        s_max = max(p.kappa_p0 * math.exp(p.eta_p * v) + p.kappa_d0 * math.exp(-p.eta_d * v)
                    for v in (self.v_min, self.v_max))
        if self.dt * s_max > self.retention * (1 + 1e-12):
            raise UnstableReservoirError(
                f"dt * S_max = {self.dt * s_max:.4g} exceeds retention = {self.retention}: states "
                f"could leave [0, 1] for voltages in [{self.v_min}, {self.v_max}]; use a smaller "
                "dt, a narrower voltage window or method='exact'"
            )

    def _check_device_invariance(self) -> None:
        """``check_invariance`` with each neuron's own constants, voltages DAC-rounded."""
        ends = quantise_voltage(np.array([self.v_min, self.v_max]), self.memristor.voltage_step)
        for layer in range(self.num_layers):
            c = self.device_constants(layer)
            s_max = np.maximum(*(c.kappa_p0 * np.exp(c.eta_p * v)
                                 + c.kappa_d0 * np.exp(-c.eta_d * v) for v in ends))
            n = int(np.argmax(s_max))
            if self.dt * s_max[n] > self.retention * (1 + 1e-12):
                raise UnstableReservoirError(
                    f"dt * S_max = {self.dt * s_max[n]:.4g} exceeds retention = {self.retention} "
                    f"for neuron {n} of layer {layer} (its own device constants): states could "
                    f"leave [0, 1] for voltages in [{ends[0]:g}, {ends[1]:g}]; use "
                    "method='exact', a smaller dt, a narrower voltage window or less variability "
                    "(the spread of eta_p matters most)")

    # ------------------------------------------------------------------ stability
    def contraction_bound(self, input_range: tuple[float, float] | None = None,
                          ) -> list[tuple[Tensor, Tensor]]:
        """Per layer, ``(bound, invariant)`` of :func:`contraction_bound` (differentiable).

        The first layer's inputs lie in ``input_range`` (default: the module's), later layers'
        in [0, 1] (their inputs are states). With a non-ideal ``memristor`` each neuron's bound
        uses its own constants over the DAC-rounded voltage interval (equal, for the Euler
        update, to :func:`~nanowire_rc.stability.device_contraction_bound`), and later
        layers' inputs lie in the range of the reads (class Notes).

        Parameters
        ----------
        input_range : (float, float), optional
            Range of the first layer's inputs; default the module's ``input_range``.

        Returns
        -------
        list of (Tensor, Tensor)
            Per layer, the row bounds (hidden_size,) and whether each neuron's states provably
            stay in [0, 1].

        Examples
        --------
        >>> from nanowire_rc.torch import NanowireRNN
        >>> (bound, invariant), = NanowireRNN(1, 8).contraction_bound()
        >>> bound.shape, bool(invariant.all())
        (torch.Size([8]), True)
        """
        return [contraction_bound(w_ih, w_hh, b, x_lo, x_hi, self.dt, self.retention,
                                  self._layer_physics(layer), self._map, self.method,
                                  voltage_step=self._voltage_step)
                for layer, w_ih, w_hh, b, x_lo, x_hi in self._bound_inputs(input_range)]

    def _bound_inputs(self, input_range):
        """Per layer ``(layer, w_ih, w_hh, b, x_lo, x_hi)``: weights and range of its inputs."""
        lo, hi = self.input_range if input_range is None else input_range
        for layer in range(self.num_layers):
            x_lo, x_hi = (lo, hi) if layer == 0 else self._read_range(layer - 1)
            yield (layer, *self.layer_weights(layer), x_lo, x_hi)

    def max_bound(self, input_range: tuple[float, float] | None = None) -> float:
        """Largest row bound over all layers (< 1: every layer is a contraction).

        Parameters
        ----------
        input_range : (float, float), optional
            As in :meth:`contraction_bound`.

        Returns
        -------
        float
            ``max`` of :meth:`contraction_bound` over layers and neurons.

        Examples
        --------
        >>> import torch
        >>> from nanowire_rc.torch import NanowireRNN
        >>> rnn = NanowireRNN(1, 8, generator=torch.Generator().manual_seed(0))
        >>> rnn.max_bound() > 1  # random recurrent weights: not yet a contraction
        True
        """
        with torch.no_grad():
            return max(float(b.max()) for b, _ in self.contraction_bound(input_range))

    @torch.no_grad()
    def project_(self, target: float = 0.99, input_range: tuple[float, float] | None = None,
                 n_iter: int = 40) -> float:
        """Rescale rows of each ``W`` so that every row bound is ``<= target`` (in place).

        The bound grows monotonically with a row's scale (the voltage interval widens), so each
        offending row gets the largest factor in [0, 1] that meets the target and keeps the
        neuron invariant, found by bisection. Warns if even ``W = 0`` leaves a row above the
        target (then ``W_in``, ``b`` or ``dt`` must change). The bounds are those of
        :meth:`contraction_bound`; with a DAC the bisection runs on the interval widened by half
        a step (it moves continuously), so offending rows end a little more conservative.

        Parameters
        ----------
        target : float, default=0.99
            Largest row bound allowed (> 0).
        input_range : (float, float), optional
            As in :meth:`contraction_bound`.
        n_iter : int, default=40
            Bisection steps.

        Returns
        -------
        float
            The largest row bound after the projection.

        Raises
        ------
        InvalidParameterError
            If ``target`` is not positive.

        Examples
        --------
        >>> import torch
        >>> from nanowire_rc.torch import NanowireRNN
        >>> rnn = NanowireRNN(1, 8, generator=torch.Generator().manual_seed(0))
        >>> rnn.project_(target=0.99) <= 0.99, rnn.max_bound() <= 0.99
        (True, True)
        """
        if not 0 < target:
            raise InvalidParameterError(f"target must be > 0, got {target!r}")
        worst = 0.0
        for layer, w_ih, w_hh, b, x_lo, x_hi in self._bound_inputs(input_range):
            bound, possible = _project_layer(self, layer, w_ih, w_hh, b, x_lo, x_hi, target,
                                             n_iter)
            if not bool(possible.all()):
                warnings.warn(
                    f"layer {layer}: {int((~possible).sum())} neuron(s) exceed the "
                    f"contraction target {target} even without recurrent weights; the input "
                    "weights, bias or dt put their voltages where the neuron alone is too "
                    "slow to forget", UserWarning, stacklevel=2)
            worst = max(worst, float(bound.max()))
        return worst

    # ------------------------------------------------------------------ forward
    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None,
                lengths: Tensor | Sequence[int] | None = None,
                generator: torch.Generator | None = None,
                noise_seeds: ArrayLike | None = None,
                ) -> tuple[Tensor | PackedSequence, Tensor]:
        """Run the network.

        Parameters
        ----------
        input : Tensor (T, B, C) (``batch_first``: (B, T, C)), (T, C) unbatched, or PackedSequence
            The input series (for the first layer, in ``input_range`` for the stability bound).
        hx : Tensor (num_layers, B, hidden_size), optional
            Initial states (default: ``h0`` everywhere).
        lengths : Tensor or sequence of int (B,), optional
            Valid length of each padded series; steps past it leave the state unchanged and
            give zero outputs (a PackedSequence carries its own lengths).
        generator : torch.Generator, optional
            Random source of the memristor's state and read noise (default: torch's global
            one); the noise is on in training and evaluation alike. Unused without noise.
        noise_seeds : array-like of uint64, shape (B,), optional
            One 64-bit seed per series (e.g. :func:`~nanowire_rc.kernels.streams.case_seeds` of
            its values): the noise then comes from the compiled kernels' counter-based streams
            keyed to each series (:func:`~nanowire_rc.kernels.streams.seeded_noise`; layer
            ``l`` adds ``l`` times the SplitMix64 increment to the seeds), so a series' noise
            does not depend on the batch it is in, and one layer's reads equal those of
            :func:`~nanowire_rc.kernels.device.run_coupled_nanowire_device` with the same seed.
            Replaces ``generator``; unused without noise.

        Returns
        -------
        output : Tensor (T, B, hidden_size) (``batch_first``: (B, T, hidden_size)) or
            PackedSequence
            The last layer's outputs at every step (zero past each series' length): its states,
            or with a non-ideal ``memristor`` its read conductances ``G``.
        h_n : Tensor (num_layers, B, hidden_size)
            Each layer's (physical) state after each series' last valid step.

        Raises
        ------
        ValueError
            If the input, ``lengths``, ``hx`` or ``noise_seeds`` has the wrong shape or
            ``lengths`` is out of range.

        Examples
        --------
        >>> import torch
        >>> from nanowire_rc.torch import NanowireRNN
        >>> rnn = NanowireRNN(input_size=2, hidden_size=8, num_layers=2)
        >>> out, h_n = rnn(torch.rand(30, 4, 2))  # (time, batch, features)
        >>> out.shape, h_n.shape
        (torch.Size([30, 4, 8]), torch.Size([2, 4, 8]))
        >>> out1, h1 = rnn(torch.rand(30, 2))  # one unbatched series
        >>> out1.shape, h1.shape
        (torch.Size([30, 8]), torch.Size([2, 8]))
        """
        x, hx, lengths, mask, noise_seeds, packed, unbatched = _batch(self, input, hx, lengths,
                                                                       noise_seeds)
        n_steps, batch = x.shape[:2]
        if self.ideal:
            log_kp0, log_kd0, eta_p, eta_d = self._physics()
            coeffs = _rate_coefficients(torch.stack([log_kp0, log_kd0]),
                                        torch.stack([eta_p, eta_d]), self._map)
            cfg = (self.dt, self.retention, self.gain if self._map else 1.0,
                   self._map is not None, self.method == "exact")
        h_last = []
        for layer in range(self.num_layers):
            w_ih, w_hh, b = self.layer_weights(layer)
            drive = torch.addmm(b, x.reshape(-1, x.shape[-1]), w_ih.t()).view(n_steps, batch, -1)
            if self.ideal:
                states = _NanowireLayer.apply(drive, hx[layer], w_hh, *coeffs, mask, *cfg)
                h = states[-1]  # frozen past each series' end: the state after its last step
                x = states * mask if mask is not None else states
            else:
                h, x = _device_layer(self, layer, drive, hx[layer], w_hh, mask, generator,
                                     noise_seeds)
            h_last.append(h)
        h_n = torch.stack(h_last)
        if packed:
            out = pack_padded_sequence(x, lengths.cpu(), enforce_sorted=False)
            return out, h_n
        if unbatched:
            return x.squeeze(1), h_n.squeeze(1)
        return (x.transpose(0, 1) if self.batch_first else x), h_n

    def extra_repr(self) -> str:
        """The hyper-parameters shown in the module's ``repr``.

        Returns
        -------
        str
            ``input_size, hidden_size`` and the non-weight settings.

        Examples
        --------
        >>> from nanowire_rc.torch import NanowireRNN
        >>> NanowireRNN(1, 8)
        NanowireRNN(1, 8, num_layers=1, dt=0.1, method='euler', voltage_map='sigmoid', ...)
        """
        text = (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"dt={self.dt}, method={self.method!r}, voltage_map={self.voltage_map!r}, "
                f"retention={self.retention}, batch_first={self.batch_first}")
        if getattr(self, "memristor", None) is not None:
            text += f", memristor={self.memristor!r}, memristor_seed={self.memristor_seed}"
        return text


def _register_weights(rnn: NanowireRNN, p: NanowireParams, factory: dict) -> None:
    """The constants ``log_kappa``, ``log_eta`` (parameters or buffers) and each layer's weights
    (uninitialised)."""
    log_k = torch.tensor([math.log(p.kappa_p0), math.log(p.kappa_d0)], **factory)
    log_eta = torch.tensor([math.log(p.eta_p), math.log(p.eta_d)], **factory)
    for name, value in (("log_kappa", log_k), ("log_eta", log_eta)):
        if rnn.train_params:
            rnn.register_parameter(name, nn.Parameter(value))
        else:
            rnn.register_buffer(name, value)
    n = rnn.hidden_size
    for layer in range(rnn.num_layers):
        n_in = rnn.input_size if layer == 0 else n
        for name, shape in (("weight_ih", (n, n_in)), ("weight_hh", (n, n)), ("bias", (n,))):
            rnn.register_parameter(f"{name}_l{layer}",
                                   nn.Parameter(torch.empty(shape, **factory)))


def _register_devices(rnn: NanowireRNN, p: NanowireParams, factory: dict) -> None:
    """Each layer's devices, drawn once, as buffers: the fixed per-neuron deviations
    ``log(constant / nominal)`` and the conductance window."""
    for layer in range(rnn.num_layers):
        c = rnn.memristor.draw(rnn.hidden_size, params=p,
                               random_state=child(rnn.memristor_seed, layer))
        spread_k = np.log([c.kappa_p0 / p.kappa_p0, c.kappa_d0 / p.kappa_d0])
        spread_e = np.log([c.eta_p / p.eta_p, c.eta_d / p.eta_d])
        for name, value in (("log_kappa_spread", spread_k), ("log_eta_spread", spread_e),
                            ("g_min", c.g_min), ("g_max", c.g_max)):
            rnn.register_buffer(f"{name}_l{layer}", torch.as_tensor(value, **factory))


def _device_noise(m: Device, layer: int, drive: Tensor, generator: torch.Generator | None,
                  noise_seeds: np.ndarray | None, ou: bool):
    """``(z_start, z_state, z_read)`` standard normal draws (None where off): from the kernels'
    streams keyed to each series given ``noise_seeds``, else from ``generator``."""
    n_steps, batch, n = drive.shape
    read = bool(m.read_noise * m.window)
    if noise_seeds is not None:
        seeds = noise_seeds + np.uint64(layer * SPLITMIX_INCREMENT % 2**64)
        dtype = np.float64 if drive.dtype == torch.float64 else np.float32
        return tuple(None if z is None else torch.as_tensor(z, device=drive.device)
                     for z in seeded_noise(seeds, n, n_steps, bool(m.state_noise), read, dtype))
    z_state = _draws((n_steps, batch, n), generator, drive) if m.state_noise else None
    z_read = _draws((n_steps, batch, n), generator, drive) if read else None
    z_start = _draws((batch, n), generator, drive) if read and ou else None
    return z_start, z_state, z_read


def _device_layer(rnn: NanowireRNN, layer: int, drive: Tensor, h: Tensor, w_hh: Tensor,
                  mask: Tensor | None, generator: torch.Generator | None,
                  noise_seeds: np.ndarray | None = None) -> tuple[Tensor, Tensor]:
    """One layer of non-ideal devices over time (plain autograd): ``(h_n, reads)``.

    The step of :func:`~nanowire_rc.kernels.device.coupled_device_reference`, in its order
    (class Notes); ``mask`` (T, B, 1) freezes a series' state and read-noise state past its
    length and zeroes its reads there.
    """
    m = rnn.memristor
    log_kp0, log_kd0, eta_p, eta_d = rnn._layer_physics(layer)
    kp0, kd0 = torch.exp(log_kp0), torch.exp(log_kd0)
    g_lo = getattr(rnn, f"g_min_l{layer}")
    g_span = getattr(rnn, f"g_max_l{layer}") - g_lo
    dt, gamma = rnn.dt, rnn.retention
    read_sigma = m.read_noise * m.window
    tau = m.noise_correlation_time
    ou_decay = math.exp(-dt / tau) if tau > 0 else 0.0
    ou_std = read_sigma * math.sqrt(1.0 - ou_decay * ou_decay)
    z_start, z_state, z_read = _device_noise(m, layer, drive, generator, noise_seeds,
                                             bool(ou_decay))
    eps = None  # Ornstein–Uhlenbeck read noise, started from its stationary law
    if read_sigma and ou_decay:
        eps = read_sigma * z_start
    top = None if m.adc_bits is None else (1 << m.adc_bits) - 1
    leak = -math.log(gamma) / dt
    w_t = w_hh.t()
    reads = []
    for t in range(drive.shape[0]):
        a = torch.addmm(drive[t], h, w_t)
        if rnn._map is None:
            v = a
        else:
            v = rnn.v_min + (rnn.v_max - rnn.v_min) * torch.sigmoid(rnn.gain * a)
        v = _dac(v, m.voltage_step)
        k_p = kp0 * torch.exp(eta_p * v)
        k_d = kd0 * torch.exp(-eta_d * v)
        if rnn.method == "exact":
            h_star = k_p / (k_p + k_d + leak)
            h_new = h_star + (h - h_star) * (gamma * torch.exp(-dt * (k_p + k_d)))
        else:
            h_new = (gamma - dt * (k_p + k_d)) * h + dt * k_p
        if z_state is not None:
            h_new = torch.clamp(h_new + m.state_noise * z_state[t], 0.0, 1.0)
        g = g_lo + g_span * h_new
        eps_new = eps
        if eps is not None:
            eps_new = ou_decay * eps + ou_std * z_read[t]
            g = g + eps_new
        elif z_read is not None:
            g = g + read_sigma * z_read[t]
        if top is not None:
            g = _RoundSTE.apply(g, m.window / top, m.g_min, top)
        if mask is not None:
            h_new = torch.where(mask[t], h_new, h)
            if eps is not None:
                eps_new = torch.where(mask[t], eps_new, eps)
            g = g * mask[t]
        h, eps = h_new, eps_new
        reads.append(g)
    return h, torch.stack(reads)


def _batch(rnn: NanowireRNN, input, hx, lengths, noise_seeds):
    """:meth:`NanowireRNN.forward`'s arguments checked and brought to (T, B, C):
    ``(x, hx, lengths, mask, noise_seeds, packed, unbatched)``; ``mask`` (T, B, 1) marks the
    valid steps (None when every series is whole)."""
    packed = isinstance(input, PackedSequence)
    if packed:  # padded in the original batch order
        x, lengths = pad_packed_sequence(input, batch_first=False)
    else:
        x = input
        if x.dim() not in (2, 3):
            raise InvalidInputError(f"input must be 2-D (unbatched) or 3-D, got shape "
                                    f"{tuple(x.shape)}")
    unbatched = not packed and x.dim() == 2
    if unbatched:
        x = x.unsqueeze(1)
    elif rnn.batch_first and not packed:
        x = x.transpose(0, 1)
    n_steps, batch, n_in = x.shape
    if n_in != rnn.input_size:
        raise InvalidInputError(
            f"input has {n_in} features, expected input_size={rnn.input_size}")
    mask = None
    if lengths is not None:
        lengths = torch.as_tensor(lengths, device=x.device).reshape(-1)
        if lengths.shape[0] != batch:
            raise InvalidInputError(
                f"lengths has {lengths.shape[0]} entries for a batch of {batch}")
        if bool((lengths < 1).any()) or bool((lengths > n_steps).any()):
            raise InvalidInputError(f"lengths must lie in [1, {n_steps}]")
        n_steps = int(lengths.max())
        x = x[:n_steps]
        if bool((lengths < n_steps).any()):
            steps = torch.arange(n_steps, device=x.device)
            mask = (steps[:, None] < lengths[None, :]).unsqueeze(-1)  # (T, B, 1)
    if hx is None:
        hx = torch.full((rnn.num_layers, batch, rnn.hidden_size), rnn.h0, dtype=x.dtype,
                        device=x.device)
    elif unbatched and hx.dim() == 2:
        hx = hx.unsqueeze(1)
    if hx.shape != (rnn.num_layers, batch, rnn.hidden_size):
        raise InvalidInputError(
            f"hx must have shape {(rnn.num_layers, batch, rnn.hidden_size)}, "
            f"got {tuple(hx.shape)}")
    if noise_seeds is not None:
        noise_seeds = np.asarray(noise_seeds, dtype=np.uint64).reshape(-1)
        if noise_seeds.shape[0] != batch:
            raise InvalidInputError(
                f"noise_seeds has {noise_seeds.shape[0]} entries for a batch "
                f"of {batch}")
    return x, hx, lengths, mask, noise_seeds, packed, unbatched


def _project_layer(rnn: NanowireRNN, layer: int, w_ih: Tensor, w_hh: Tensor, b: Tensor,
                   x_lo, x_hi, target: float, n_iter: int) -> tuple[Tensor, Tensor]:
    """:meth:`NanowireRNN.project_` for one layer (rescales ``w_hh`` in place): the row bounds
    after it, and which rows can meet the target at all."""
    physics = rnn._layer_physics(layer)

    def ok(scale, goal, widen=False):
        bound, inv = _contraction_bound(w_ih, w_hh, b, x_lo, x_hi, rnn.dt, rnn.retention, physics,
                                        rnn._map, rnn.method, scale, rnn._voltage_step, widen)
        return (bound <= goal) & inv, bound

    ones = torch.ones(rnn.hidden_size, dtype=w_hh.dtype, device=w_hh.device)
    good, bound = ok(ones, target)
    if bool(good.all()):
        return bound, good
    # aim a little below the target: rounding in the rescaled sums must not cross it
    goal = target * (1 - 8 * torch.finfo(w_hh.dtype).eps)
    possible, _ = ok(torch.zeros_like(ones), goal)
    lo_s, hi_s = torch.zeros_like(ones), ones.clone()
    for _ in range(n_iter):
        mid = 0.5 * (lo_s + hi_s)
        fine, _ = ok(mid, goal, widen=True)  # continuous in the scale (DAC)
        lo_s = torch.where(fine, mid, lo_s)
        hi_s = torch.where(fine, hi_s, mid)
    w_hh.mul_(torch.where(good, ones, lo_s)[:, None])
    _, bound = ok(ones, target)
    return bound, possible
