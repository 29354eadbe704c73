"""Keras weight regularizers (kernel_regularizer=L2(0.01), ...): their penalties are added to the
loss, in training and in evaluation, as Keras adds model.losses (trainable weights only).

Keras 3: L1(l1=0.01) is l1 * sum(|w|), L2(l2=0.01) is l2 * sum(w**2), L1L2(l1=0.0, l2=0.0) both.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional

import torch

from .args import arg

Penalty = Callable[[], torch.Tensor]

# The factors each regularizer has (a factor it lacks is zero); the values come from the config,
# which the lowering writes in full (the catalog holds the defaults).
_FACTORS = {'L1': ('l1',), 'L2': ('l2',), 'L1L2': ('l1', 'l2')}
_ALIASES = {**{n.lower(): n for n in _FACTORS}, 'l1_l2': 'L1L2'}


def make_regularizer(spec: Any) -> Optional[Callable[[torch.Tensor], torch.Tensor]]:
    """A penalty function from the Keras JSON ({class_name, config} or a name); None for None."""
    if spec is None:
        return None
    name, config = (spec, {}) if isinstance(spec, str) else (spec.get('class_name'), dict(spec.get('config') or {}))
    name = _ALIASES.get(str(name).lower(), str(name))
    if name not in _FACTORS:
        raise ValueError(f"regularizer '{name}' is not supported by the PyTorch engine (supported: L1, L2, L1L2)")
    owner = f'regularizer {name}'
    l1 = float(arg(config, 'l1', owner)) if 'l1' in _FACTORS[name] else 0.0
    l2 = float(arg(config, 'l2', owner)) if 'l2' in _FACTORS[name] else 0.0

    def penalty(w: torch.Tensor) -> torch.Tensor:
        total = w.new_zeros(())
        if l1:
            total = total + l1 * w.abs().sum()
        if l2:
            total = total + l2 * w.square().sum()
        return total
    return penalty


def weight_penalties(module: Any) -> List[Penalty]:
    """One thunk per trainable weight that has a regularizer, each giving its penalty now."""
    penalties: List[Penalty] = []
    for layer in module.layer_list:
        for w in layer.keras_weights:
            fn = make_regularizer(w.regularizer)
            if fn is not None and w.trainable and w.live is not None:
                penalties.append(_penalty(fn, w))
    return penalties


def _penalty(fn: Callable[[torch.Tensor], torch.Tensor], w: Any) -> Penalty:
    # A closure per weight (not a lambda with default arguments, which mypy cannot type).
    return lambda: fn(w.live().float())


def total_penalty(penalties: List[Penalty]) -> torch.Tensor:
    return torch.stack([p() for p in penalties]).sum()
