"""The base every layer module shares: Keras-ordered weights and TF's padding arithmetic.

Tensors between layers are channels_last, as in Keras. Each layer keeps its torch
parameters in whatever layout torch's kernels want, and describes its Keras weights with
KerasWeight records (name, Keras shape, getter and setter in the Keras layout). Weight
initialisation, parameter counting, and weight import/export all go through these records,
so the three cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from . import initializers
from .args import arg

Shape = Tuple[int, ...]  # without the batch axis


@dataclass
class KerasWeight:
    name: str
    shape: Shape
    trainable: bool
    get: Callable[[], torch.Tensor]  # returns the value in Keras layout
    set: Callable[[torch.Tensor], None]  # takes a value in Keras layout
    constraint: Any = None  # the layer config's <weight>_constraint (Keras JSON), if any
    regularizer: Any = None  # the layer config's <weight>_regularizer (Keras JSON), if any
    live: Optional[Callable[[], torch.Tensor]] = None  # the value in Keras layout, with gradients


def constraint_key(weight_name: str) -> str:
    """The config key of a weight's constraint: kernel -> kernel_constraint, recurrent_kernel ->
    recurrent_constraint, depthwise_kernel -> depthwise_constraint, gamma -> gamma_constraint."""
    if weight_name.endswith('_kernel'):
        weight_name = weight_name[:-len('_kernel')]
    return f'{weight_name}_constraint'


def regularizer_key(weight_name: str) -> str:
    """kernel -> kernel_regularizer, recurrent_kernel -> recurrent_regularizer, as constraints."""
    return constraint_key(weight_name)[:-len('_constraint')] + '_regularizer'


# The Keras classes whose layers let a mask through unchanged (Keras 3's supports_masking with
# the default compute_mask); any other layer ends it, as Keras 3 drops the mask at a layer that
# does not support masking. The TF.js engine's list (engines/tfjs/layers/masking.ts) is the same
# (test/training/masking.test.ts compares them).
MASK_PASSING = frozenset({
    'Dense', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'Dropout', 'SpatialDropout1D',
    'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'BatchNormalization', 'LayerNormalization',
    'GroupNormalization', 'UnitNormalization', 'ActivityRegularization', 'TimeDistributed',
})


class KerasLayer(nn.Module):
    """A Keras layer as a torch module. Subclasses fill self.keras_weights in Keras order."""

    has_trainable = True  # whether the layer's Keras config carries `trainable`
    class_name = ''  # the Keras class, set by build_layer
    # Whether forward takes the input's mask: forward(x, mask), mask a boolean (batch, steps) tensor.
    uses_mask = False

    def output_mask(self, x: torch.Tensor, mask: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
        """The mask of this layer's output, from its input `x` and the input's mask (None: none)."""
        return mask if mask is not None and self.class_name in MASK_PASSING else None

    def __init__(self, config: Dict[str, Any], input_shape: Shape):
        super().__init__()
        self.config = config
        self.layer_name = str(config.get('name', type(self).__name__.lower()))
        self.input_shape = tuple(input_shape)
        # Keras's InputLayer config has no trainable key (and no weights to freeze).
        self.trainable_layer = bool(self.arg('trainable')) if self.has_trainable else True
        self.keras_weights: List[KerasWeight] = []

    def activity_regularizer(self) -> Any:
        """The Keras JSON of the regularizer on this layer's output (None: none)."""
        return self.config.get('activity_regularizer')

    def arg(self, key: str, config: Optional[Dict[str, Any]] = None) -> Any:
        """The Keras argument `key` of this layer's config (or of `config`), without a default."""
        # build_layer's error adds the Keras class and the input shape.
        return arg(self.config if config is None else config, key, f"layer '{self.layer_name}'")

    # Weight helpers -----------------------------------------------------------------------

    def add_weight(self, name: str, shape: Sequence[int], param: torch.Tensor,
                   to_keras: Callable[[torch.Tensor], torch.Tensor],
                   from_keras: Callable[[torch.Tensor], torch.Tensor],
                   initializer: Any, trainable: bool = True) -> None:
        """Register one Keras weight stored in `param` and initialise it the Keras way."""
        shape = tuple(int(d) for d in shape)

        def get() -> torch.Tensor:
            return to_keras(param.detach())

        def set_(value: torch.Tensor) -> None:
            with torch.no_grad():
                param.copy_(from_keras(value.to(param.dtype)).reshape(param.shape))

        weight = KerasWeight(name, shape, trainable and self.trainable_layer, get, set_,
                             self.config.get(constraint_key(name)), self.config.get(regularizer_key(name)),
                             lambda: to_keras(param))
        self.keras_weights.append(weight)
        if initializer is not None:
            set_(initializers.make(initializer, shape))
        if isinstance(param, nn.Parameter):
            param.requires_grad_(weight.trainable)

    def add_composite_weight(self, name: str, shape: Sequence[int], get: Callable[[], torch.Tensor],
                             set_: Callable[[torch.Tensor], None], initializer: Any,
                             trainable: bool = True) -> KerasWeight:
        """A Keras weight spread over several torch tensors (e.g. GRU's two bias vectors)."""
        weight = KerasWeight(name, tuple(int(d) for d in shape), trainable and self.trainable_layer,
                             lambda: get().detach(), set_, self.config.get(constraint_key(name)),
                             self.config.get(regularizer_key(name)), get)
        self.keras_weights.append(weight)
        if initializer is not None:
            set_(initializers.make(initializer, weight.shape))
        return weight

    def new_param(self, *torch_shape: int) -> nn.Parameter:
        return nn.Parameter(torch.empty(*torch_shape))


def identity(t: torch.Tensor) -> torch.Tensor:
    return t


# channels_last <-> channels_first. movedim returns views: on a contiguous channels_last
# tensor the channels_first view is exactly torch's channels_last memory format, which
# cuDNN and oneDNN run natively, so these permutes cost no copies. Dimensions are given as
# non-negative numbers: torch 1.13's ONNX exporter writes a negative one into Transpose's perm,
# which ONNX forbids (ONNX Runtime refuses such a model).
def to_channels_first(x: torch.Tensor) -> torch.Tensor:
    return x.movedim(x.dim() - 1, 1)


def to_channels_last(x: torch.Tensor) -> torch.Tensor:
    return x.movedim(1, x.dim() - 1)


def as_tuple(value: Any, n: int) -> Tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and n > 1:
            return tuple(int(value[0]) for _ in range(n))
        return tuple(int(v) for v in value)
    return tuple(int(value) for _ in range(n))


def conv_output_size(size: int, kernel: int, stride: int, dilation: int, padding: str) -> int:
    """Keras/TF output length along one axis."""
    effective = (kernel - 1) * dilation + 1
    if padding == 'same':
        return -(-size // stride)
    if padding == 'causal':
        return -(-size // stride)  # left-padded by (k-1)*d, then 'valid'
    return (size - effective) // stride + 1


def tf_same_padding(size: int, kernel: int, stride: int, dilation: int = 1) -> Tuple[int, int]:
    """TF's 'same' padding along one axis: (before, after); the extra one goes at the end."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def spatial_padding(padding: str, sizes: Sequence[int], kernels: Sequence[int],
                    strides: Sequence[int], dilations: Sequence[int]) -> List[Tuple[int, int]]:
    """Per spatial axis (before, after) padding for Keras's 'valid', 'same' or 'causal'."""
    padding = padding.lower()
    if padding == 'valid':
        return [(0, 0) for _ in sizes]
    if padding == 'same':
        return [tf_same_padding(s, k, st, d) for s, k, st, d in zip(sizes, kernels, strides, dilations)]
    if padding == 'causal':
        return [((k - 1) * d, 0) for k, d in zip(kernels, dilations)]
    raise ValueError(f"unknown padding '{padding}' (expected 'valid', 'same' or 'causal')")


def torch_pad_arg(pads: Sequence[Tuple[int, int]]) -> List[int]:
    """F.pad wants the last axis first: (w_before, w_after, h_before, h_after, ...)."""
    flat: List[int] = []
    for before, after in reversed(list(pads)):
        flat += [before, after]
    return flat
