"""Keras activations by name, as torch functions with Keras 3 definitions."""
from __future__ import annotations

from typing import Callable, Dict, Optional

import torch
import torch.nn.functional as F

Activation = Callable[[torch.Tensor], torch.Tensor]


def _hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    # Keras 3: relu6(x + 3) / 6 (Keras 2 used 0.2x + 0.5; torch's hardsigmoid is Keras 3's).
    return F.hardsigmoid(x)


def _softmax(x: torch.Tensor) -> torch.Tensor:
    return torch.softmax(x, dim=-1)


def _mish(x: torch.Tensor) -> torch.Tensor:
    return x * torch.tanh(F.softplus(x))


def _softsign(x: torch.Tensor) -> torch.Tensor:
    return x / (1 + x.abs())


def _linear(x: torch.Tensor) -> torch.Tensor:
    return x


def _leaky_relu(x: torch.Tensor) -> torch.Tensor:
    # keras.activations.leaky_relu's default negative_slope is 0.2 (the LeakyReLU layer's is 0.3).
    return F.leaky_relu(x, negative_slope=0.2)


def _log_softmax(x: torch.Tensor) -> torch.Tensor:
    return torch.log_softmax(x, dim=-1)  # keras.activations.log_softmax(x, axis=-1)


ACTIVATIONS: Dict[str, Activation] = {
    'linear': _linear,
    'relu': torch.relu,
    'relu6': F.relu6,
    'sigmoid': torch.sigmoid,
    'hard_sigmoid': _hard_sigmoid,
    'softmax': _softmax,
    'softplus': F.softplus,
    'softsign': _softsign,
    'tanh': torch.tanh,
    'elu': F.elu,
    'selu': F.selu,  # same constants as Keras (alpha 1.6732632, scale 1.0507010)
    'swish': F.silu,
    'silu': F.silu,
    'gelu': F.gelu,  # exact (erf) form: Keras's default approximate=False
    'mish': _mish,
    'exponential': torch.exp,
    'leaky_relu': _leaky_relu,
    'log_softmax': _log_softmax,
}


def get_activation(name: Optional[object]) -> Activation:
    if name is None:
        return _linear
    if isinstance(name, dict):  # {"class_name": ..., "config": ...} or {"module":..., "config": "relu"}
        name = name.get('config', name.get('class_name'))
        if isinstance(name, dict):
            name = name.get('name')
    key = str(name).lower()
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation '{name}'; known: {', '.join(sorted(ACTIVATIONS))}")
    return ACTIVATIONS[key]

