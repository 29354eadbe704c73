"""Keras initializers, generating tensors in Keras's weight layout (so fans match Keras).

Accepts a name ('glorot_uniform') or Keras's serialised form
({"class_name": "GlorotUniform", "config": {"seed": null}}). Randomness comes from torch's
global generator, seeded once per run, so runs with a seed are reproducible.
"""
from __future__ import annotations

import math
import re
from typing import Any, Dict, Sequence, Tuple

import torch

from .args import arg


def _fans(shape: Sequence[int]) -> Tuple[float, float]:
    """Keras's compute_fans: the last two axes are (in, out); others are the receptive field."""
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


def _variance_scaling(shape, scale, mode, distribution) -> torch.Tensor:
    fan_in, fan_out = _fans(shape)
    n = {'fan_in': fan_in, 'fan_out': fan_out, 'fan_avg': (fan_in + fan_out) / 2}[mode]
    scale = scale / max(1.0, n)
    t = torch.empty(tuple(shape))
    if distribution in ('truncated_normal', 'normal'):
        # Keras: stddev of a normal truncated at 2 sigma, corrected to keep the variance.
        std = math.sqrt(scale) / 0.87962566103423978
        return _truncated_normal(t, 0.0, std)
    if distribution == 'untruncated_normal':
        return t.normal_(0.0, math.sqrt(scale))
    limit = math.sqrt(3.0 * scale)
    return t.uniform_(-limit, limit)


def _truncated_normal(t: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    torch.nn.init.trunc_normal_(t, mean=mean, std=std, a=mean - 2 * std, b=mean + 2 * std)
    return t


def _orthogonal(shape, gain=1.0) -> torch.Tensor:
    rows = 1
    for d in shape[:-1]:
        rows *= d
    flat = torch.empty(rows, shape[-1])
    torch.nn.init.orthogonal_(flat, gain=gain)
    return flat.reshape(tuple(shape))


def _snake(name: str) -> str:
    return re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()


def make(identifier: Any, shape: Sequence[int]) -> torch.Tensor:
    """A float32 tensor of `shape` (Keras layout) drawn from the Keras initializer."""
    if isinstance(identifier, dict):
        name = _snake(str(identifier.get('class_name', '')))
        cfg: Dict[str, Any] = identifier.get('config') or {}
    else:
        name, cfg = _snake(str(identifier)), {}
    shape = tuple(int(d) for d in shape)
    scale_presets = {
        'glorot_uniform': (1.0, 'fan_avg', 'uniform'),
        'glorot_normal': (1.0, 'fan_avg', 'truncated_normal'),
        'he_uniform': (2.0, 'fan_in', 'uniform'),
        'he_normal': (2.0, 'fan_in', 'truncated_normal'),
        'lecun_uniform': (1.0, 'fan_in', 'uniform'),
        'lecun_normal': (1.0, 'fan_in', 'truncated_normal'),
    }
    if name in scale_presets:
        scale, mode, dist = scale_presets[name]
        return _variance_scaling(shape, scale, mode, dist)
    # Initializers with arguments: the lowering writes every one ({class_name, config}), so a
    # bare name ('orthogonal') or a config without them is an error, not a Keras default here.
    owner = f'initializer {identifier.get("class_name") if isinstance(identifier, dict) else identifier}'
    if name == 'variance_scaling':
        return _variance_scaling(shape, arg(cfg, 'scale', owner), arg(cfg, 'mode', owner),
                                 arg(cfg, 'distribution', owner))
    if name in ('zeros', 'zero'):
        return torch.zeros(shape)
    if name in ('ones', 'one'):
        return torch.ones(shape)
    if name == 'constant':
        return torch.full(shape, float(arg(cfg, 'value', owner)))
    if name == 'orthogonal':
        return _orthogonal(shape, arg(cfg, 'gain', owner))
    if name in ('random_normal', 'normal'):
        return torch.empty(shape).normal_(arg(cfg, 'mean', owner), arg(cfg, 'stddev', owner))
    if name in ('random_uniform', 'uniform'):
        return torch.empty(shape).uniform_(arg(cfg, 'minval', owner), arg(cfg, 'maxval', owner))
    if name == 'truncated_normal':
        return _truncated_normal(torch.empty(shape), arg(cfg, 'mean', owner), arg(cfg, 'stddev', owner))
    if name == 'identity':
        return torch.eye(shape[0], shape[1]) * arg(cfg, 'gain', owner)
    raise ValueError(f"unknown initializer '{identifier}'")
