"""TensorGroup: several tensors treated as one for element-wise math.

Optimizers update every parameter with the same few operations. Written per tensor, that
is (operations x parameters) kernel launches per step, which dominates small models on a
GPU. A TensorGroup maps each operation to one torch._foreach_* call over all tensors, so
the update rules keep reading like the per-tensor formulas while launching far fewer
kernels. Only what the optimizers need is here.
"""
from __future__ import annotations

from typing import List, Sequence, Union

import torch

Operand = Union['TensorGroup', float, int]


def _arg(other: Operand):
    return other.tensors if isinstance(other, TensorGroup) else float(other)


class TensorGroup:
    def __init__(self, tensors: Sequence[torch.Tensor]):
        self.tensors: List[torch.Tensor] = list(tensors)

    @staticmethod
    def zeros_like(group: 'TensorGroup', fill: float = 0.0) -> 'TensorGroup':
        return TensorGroup([torch.full_like(t, fill) for t in group.tensors])

    # New groups
    def __add__(self, other: Operand) -> 'TensorGroup':
        return TensorGroup(torch._foreach_add(self.tensors, _arg(other)))

    def __sub__(self, other: Operand) -> 'TensorGroup':
        return TensorGroup(torch._foreach_sub(self.tensors, _arg(other)))

    def __mul__(self, other: Operand) -> 'TensorGroup':
        return TensorGroup(torch._foreach_mul(self.tensors, _arg(other)))

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> 'TensorGroup':
        return TensorGroup(torch._foreach_div(self.tensors, _arg(other)))

    def __neg__(self) -> 'TensorGroup':
        return TensorGroup(torch._foreach_neg(self.tensors))

    def sqrt(self) -> 'TensorGroup':
        return TensorGroup(torch._foreach_sqrt(self.tensors))

    def abs(self) -> 'TensorGroup':
        return TensorGroup(torch._foreach_abs(self.tensors))

    def maximum(self, other: 'TensorGroup') -> 'TensorGroup':
        return TensorGroup(torch._foreach_maximum(self.tensors, other.tensors))

    # In place
    def add_(self, other: Operand, alpha: float = 1.0) -> 'TensorGroup':
        """self += alpha * other"""
        if isinstance(other, TensorGroup):
            torch._foreach_add_(self.tensors, other.tensors, alpha=alpha)
        else:
            torch._foreach_add_(self.tensors, float(other) * alpha)
        return self

    def addcmul_(self, a: 'TensorGroup', b: 'TensorGroup', value: float = 1.0) -> 'TensorGroup':
        """self += value * a * b"""
        torch._foreach_addcmul_(self.tensors, a.tensors, b.tensors, value=value)
        return self

    def addcdiv_(self, a: 'TensorGroup', b: 'TensorGroup', value: float = 1.0) -> 'TensorGroup':
        """self += value * a / b"""
        torch._foreach_addcdiv_(self.tensors, a.tensors, b.tensors, value=value)
        return self

    def div_(self, other: Operand) -> 'TensorGroup':
        torch._foreach_div_(self.tensors, _arg(other))
        return self

    def sqrt_(self) -> 'TensorGroup':
        torch._foreach_sqrt_(self.tensors)
        return self

    def sub_(self, other: Operand) -> 'TensorGroup':
        torch._foreach_sub_(self.tensors, _arg(other))
        return self

    def mul_(self, other: Operand) -> 'TensorGroup':
        torch._foreach_mul_(self.tensors, _arg(other))
        return self

    def copy_(self, other: 'TensorGroup') -> 'TensorGroup':
        for dst, src in zip(self.tensors, other.tensors):
            dst.copy_(src)
        return self
