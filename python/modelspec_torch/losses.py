"""Keras losses (Keras 3 definitions), reduced as Keras does: mean over the batch.

The model ends in softmax/sigmoid, so crossentropies take probabilities and clip them to
[1e-7, 1 - 1e-7] first, as Keras does for from_logits=False. All math runs in float32.
"""
from __future__ import annotations

import math
from typing import Callable, Dict

import torch
import torch.nn.functional as F

EPS = 1e-7
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (y_true, y_pred) -> per-sample loss


def _mean_last(t: torch.Tensor) -> torch.Tensor:
    return t.mean(dim=-1) if t.dim() > 1 else t


def categorical_crossentropy(y, p):
    p = p / p.sum(dim=-1, keepdim=True)
    return -(y * torch.log(p.clamp(EPS, 1 - EPS))).sum(dim=-1)


def sparse_categorical_crossentropy(y, p):
    p = p / p.sum(dim=-1, keepdim=True)
    idx = y.reshape(p.shape[:-1]).long().unsqueeze(-1)
    return -torch.log(p.clamp(EPS, 1 - EPS).gather(-1, idx).squeeze(-1))


def binary_crossentropy(y, p):
    p = p.clamp(EPS, 1 - EPS)
    return _mean_last(-(y * torch.log(p) + (1 - y) * torch.log(1 - p)))


def mean_squared_error(y, p):
    return _mean_last((y - p) ** 2)


def mean_absolute_error(y, p):
    return _mean_last((y - p).abs())


def mean_absolute_percentage_error(y, p):
    return 100.0 * _mean_last(((y - p) / y.abs().clamp_min(EPS)).abs())


def mean_squared_logarithmic_error(y, p):
    return _mean_last((torch.log(p.clamp_min(EPS) + 1) - torch.log(y.clamp_min(EPS) + 1)) ** 2)


def _signed_labels(y):
    # Keras's hinge losses turn 0/1 labels into -1/1 (decided on the device: no host sync).
    binary = ((y == 0) | (y == 1)).all()
    return torch.where(binary, 2 * y - 1, y)


def hinge(y, p):
    return _mean_last(torch.relu(1 - _signed_labels(y) * p))


def squared_hinge(y, p):
    return _mean_last(torch.relu(1 - _signed_labels(y) * p) ** 2)


def categorical_hinge(y, p):
    pos = (y * p).sum(dim=-1)
    neg = ((1 - y) * p).amax(dim=-1)
    return torch.relu(neg - pos + 1)


def kl_divergence(y, p):
    y, p = y.clamp(EPS, 1), p.clamp(EPS, 1)
    return (y * torch.log(y / p)).sum(dim=-1)


def poisson(y, p):
    return _mean_last(p - y * torch.log(p + EPS))


def cosine_similarity(y, p):
    return -(F.normalize(y, dim=-1) * F.normalize(p, dim=-1)).sum(dim=-1)


def huber(y, p, delta=1.0):
    err = (p - y).abs()
    return _mean_last(torch.where(err <= delta, 0.5 * err ** 2, delta * err - 0.5 * delta ** 2))


def log_cosh(y, p):
    x = p - y
    return _mean_last(x + F.softplus(-2 * x) - math.log(2.0))


LOSSES: Dict[str, LossFn] = {
    'categorical_crossentropy': categorical_crossentropy,
    'sparse_categorical_crossentropy': sparse_categorical_crossentropy,
    'binary_crossentropy': binary_crossentropy,
    'mean_squared_error': mean_squared_error, 'mse': mean_squared_error,
    'mean_absolute_error': mean_absolute_error, 'mae': mean_absolute_error,
    'mean_absolute_percentage_error': mean_absolute_percentage_error, 'mape': mean_absolute_percentage_error,
    'mean_squared_logarithmic_error': mean_squared_logarithmic_error, 'msle': mean_squared_logarithmic_error,
    'hinge': hinge, 'squared_hinge': squared_hinge, 'categorical_hinge': categorical_hinge,
    'kl_divergence': kl_divergence, 'kld': kl_divergence, 'kullback_leibler_divergence': kl_divergence,
    'poisson': poisson, 'cosine_similarity': cosine_similarity, 'huber': huber, 'log_cosh': log_cosh,
    'logcosh': log_cosh,
}


def get_loss(name: str) -> LossFn:
    key = name.lower()
    if key not in LOSSES:
        raise ValueError(f"unknown loss '{name}'")
    fn = LOSSES[key]
    if fn is sparse_categorical_crossentropy:
        return fn

    def aligned(y, p):
        # Targets given as (N,) for predictions (N, 1), e.g. 0/1 labels for one sigmoid unit:
        # line them up as Keras does instead of broadcasting to (N, N).
        if y.shape != p.shape and y.numel() == p.numel():
            y = y.reshape(p.shape)
        return fn(y.to(p.dtype), p)
    aligned.__name__ = fn.__name__
    return aligned


def canonical_name(name: str) -> str:
    return get_loss(name).__name__
