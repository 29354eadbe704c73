"""Keras weight constraints (keras.constraints), applied as Keras's optimizers do: to each
trainable weight that has one, right after every optimizer update, on the Keras-layout value.

The formulas are Keras 3's (epsilon is backend.epsilon() = 1e-7):
- MaxNorm: w * clip(norm, 0, max_value) / (eps + norm)
- MinMaxNorm: w * (rate * clip(norm, min_value, max_value) + (1 - rate) * norm) / (eps + norm)
- UnitNorm: w / (eps + norm)
- NonNeg: w * (w >= 0)
where norm is the L2 norm over `axis` (kept). TF.js's constraints compute the same.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

import torch

from .args import arg
from .layers_base import KerasWeight

EPSILON = 1e-7
Constraint = Callable[[torch.Tensor], torch.Tensor]

_ALIASES = {'max_norm': 'MaxNorm', 'maxnorm': 'MaxNorm', 'min_max_norm': 'MinMaxNorm', 'minmaxnorm': 'MinMaxNorm',
            'unit_norm': 'UnitNorm', 'unitnorm': 'UnitNorm', 'non_neg': 'NonNeg', 'nonneg': 'NonNeg'}


def _axes(axis: Any, ndim: int) -> List[int]:
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return [int(a) % ndim for a in axes] if ndim else []


def _norms(w: torch.Tensor, axis: Any) -> torch.Tensor:
    return torch.sqrt(torch.sum(torch.square(w), dim=_axes(axis, w.dim()), keepdim=True))


def make_constraint(spec: Any) -> Optional[Constraint]:
    """A constraint function from its Keras JSON ({class_name, config} or a name); None for None."""
    if spec is None:
        return None
    if isinstance(spec, str):
        name, config = spec, {}
    else:
        name, config = spec.get('class_name'), dict(spec.get('config') or {})
    name = _ALIASES.get(str(name).lower(), str(name))
    # The lowering writes every argument of a constraint (catalog tables/constraints.ts).
    axis = arg(config, 'axis', f'constraint {name}') if name in ('UnitNorm', 'MaxNorm', 'MinMaxNorm') else None
    if name == 'NonNeg':
        return lambda w: w * (w >= 0).to(w.dtype)
    if name == 'UnitNorm':
        return lambda w: w / (EPSILON + _norms(w, axis))
    if name == 'MaxNorm':
        max_value = float(arg(config, 'max_value', 'constraint MaxNorm'))

        def max_norm(w: torch.Tensor) -> torch.Tensor:
            norms = _norms(w, axis)
            return w * (torch.clamp(norms, 0.0, max_value) / (EPSILON + norms))
        return max_norm
    if name == 'MinMaxNorm':
        owner = 'constraint MinMaxNorm'
        lo, hi = float(arg(config, 'min_value', owner)), float(arg(config, 'max_value', owner))
        rate = float(arg(config, 'rate', owner))

        def min_max_norm(w: torch.Tensor) -> torch.Tensor:
            norms = _norms(w, axis)
            desired = rate * torch.clamp(norms, lo, hi) + (1 - rate) * norms
            return w * (desired / (EPSILON + norms))
        return min_max_norm
    raise ValueError(f"constraint '{name}' is not supported by the PyTorch engine "
                     f"(supported: MaxNorm, MinMaxNorm, NonNeg, UnitNorm)")


def constrained_weights(module: Any) -> List[Tuple[KerasWeight, Constraint]]:
    """The trainable Keras weights of a KerasSequential that carry a constraint."""
    pairs = []
    for layer in module.layer_list:
        for w in layer.keras_weights:
            fn = make_constraint(w.constraint)
            if fn is not None and w.trainable:
                pairs.append((w, fn))
    return pairs


def apply_constraints(pairs: List[Tuple[KerasWeight, Constraint]]) -> None:
    """Projects each weight onto its constraint (call after every optimizer step)."""
    with torch.no_grad():
        for w, fn in pairs:
            w.set(fn(w.get().float()))
