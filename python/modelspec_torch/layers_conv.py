"""Convolution, pooling and spatial reshaping layers.

Inputs and outputs are channels_last like Keras; each op views its input as channels_first
for torch (a free permute, see layers_base). Padding follows TF exactly: 'same' pads the odd
extra element at the end, which torch's symmetric padding cannot express, so asymmetric
cases pad explicitly first.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from .activations import get_activation
from .keras_layouts import conv_weight_from_keras, conv_weight_to_keras
from .layers_base import (KerasLayer, Shape, as_tuple, identity, spatial_padding, to_channels_first,
                          to_channels_last, torch_pad_arg)

CONV_FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
MAX_POOL_FN = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL_FN: Dict[int, Callable[..., torch.Tensor]] = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _check_channels_last(config):
    if config.get('data_format') not in (None, 'channels_last'):  # the lowering writes it; absent is Keras's channels_last
        raise ValueError("only data_format='channels_last' is supported (Keras's default)")


class _Padder:
    """Keras padding for one op: symmetric amounts go to torch's op, the rest to F.pad first."""

    def __init__(self, pads: Sequence[Tuple[int, int]]):
        self.symmetric = all(b == a for b, a in pads)
        self.op_padding = [b for b, _ in pads] if self.symmetric else [0 for _ in pads]
        self.pre_pad = None if self.symmetric else torch_pad_arg(pads)

    def __call__(self, x_cf: torch.Tensor, value: float = 0.0) -> torch.Tensor:
        return x_cf if self.pre_pad is None else F.pad(x_cf, self.pre_pad, value=value)


class Conv(KerasLayer):
    """Conv1D/2D/3D with strides, dilation, groups and 'valid'/'same'/'causal' padding."""

    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        _check_channels_last(config)
        n = len(input_shape) - 1
        self.n = n
        k = as_tuple(config['kernel_size'], n)
        self.strides = as_tuple(self.arg('strides'), n)
        self.dilation = as_tuple(self.arg('dilation_rate'), n)
        self.groups = int(self.arg('groups') or 1)
        cin, filters = int(input_shape[-1]), int(config['filters'])
        self.padder = _Padder(spatial_padding(self.arg('padding'), input_shape[:-1], k,
                                              self.strides, self.dilation))
        self.weight = self.new_param(filters, cin // self.groups, *k)
        self.add_weight('kernel', (*k, cin // self.groups, filters), self.weight, conv_weight_to_keras,
                        conv_weight_from_keras, self.arg('kernel_initializer'))
        self.bias = None
        if self.arg('use_bias'):
            self.bias = self.new_param(filters)
            self.add_weight('bias', (filters,), self.bias, identity, identity, self.arg('bias_initializer'))
        self.activation = get_activation(config.get('activation'))

    def forward(self, x):
        y = CONV_FN[self.n](self.padder(to_channels_first(x)), self.weight, self.bias, self.strides,
                            self.padder.op_padding, self.dilation, self.groups)
        return self.activation(to_channels_last(y))


class DepthwiseConv2D(KerasLayer):
    """Keras depthwise kernel (k1..kN, in, multiplier); torch groups=in with out = in*multiplier,
    output channel c*multiplier + m in both. N is 2 (DepthwiseConv2D, SeparableConv2D) or 1
    (SeparableConv1D)."""

    def __init__(self, config, input_shape: Shape, depthwise_key='depthwise_initializer'):
        super().__init__(config, input_shape)
        _check_channels_last(config)
        n = len(input_shape) - 1
        self.n = n
        k = as_tuple(config['kernel_size'], n)
        self.strides = as_tuple(self.arg('strides'), n)
        self.dilation = as_tuple(self.arg('dilation_rate'), n)
        cin, dm = int(input_shape[-1]), int(self.arg('depth_multiplier'))
        self.cin = cin
        self.padder = _Padder(spatial_padding(self.arg('padding'), input_shape[:-1], k,
                                              self.strides, self.dilation))
        self.depthwise = self.new_param(cin * dm, 1, *k)
        spatial = tuple(range(2, 2 + n))
        self.add_weight(
            'depthwise_kernel', (*k, cin, dm), self.depthwise,
            lambda w: w.reshape(cin, dm, *k).permute(*spatial, 0, 1),
            lambda t: t.permute(n, n + 1, *range(n)).reshape(cin * dm, 1, *k),
            self.arg(depthwise_key))
        self.out_channels = cin * dm

    def depthwise_cf(self, x_cf, bias=None):
        return CONV_FN[self.n](self.padder(x_cf), self.depthwise, bias, self.strides, self.padder.op_padding,
                               self.dilation, self.cin)


class DepthwiseConv2DLayer(DepthwiseConv2D):
    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        self.bias = None
        if self.arg('use_bias'):
            self.bias = self.new_param(self.out_channels)
            self.add_weight('bias', (self.out_channels,), self.bias, identity, identity,
                            self.arg('bias_initializer'))
        self.activation = get_activation(config.get('activation'))

    def forward(self, x):
        return self.activation(to_channels_last(self.depthwise_cf(to_channels_first(x), self.bias)))


class SeparableConv(DepthwiseConv2D):
    """SeparableConv1D/2D: the depthwise convolution, then a pointwise (kernel 1) one."""

    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        filters, mid = int(config['filters']), self.out_channels
        ones = (1,) * self.n
        self.pointwise = self.new_param(filters, mid, *ones)
        self.add_weight('pointwise_kernel', (*ones, mid, filters), self.pointwise,
                        conv_weight_to_keras, conv_weight_from_keras, self.arg('pointwise_initializer'))
        self.bias = None
        if self.arg('use_bias'):
            self.bias = self.new_param(filters)
            self.add_weight('bias', (filters,), self.bias, identity, identity, self.arg('bias_initializer'))
        self.activation = get_activation(config.get('activation'))

    def forward(self, x):
        y = CONV_FN[self.n](self.depthwise_cf(to_channels_first(x)), self.pointwise, self.bias)
        return self.activation(to_channels_last(y))


CONV_TRANSPOSE_FN = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def deconv_output_length(size: int, kernel: int, padding: str, output_padding: Optional[int], stride: int,
                         dilation: int) -> int:
    """Keras's conv_utils.deconv_output_length (language/catalog/conv-utils.ts mirrors it)."""
    eff = (kernel - 1) * dilation + 1
    if output_padding is None:
        return size * stride + max(eff - stride, 0) if padding == 'valid' else size * stride
    pad = eff // 2 if padding == 'same' else 0
    return (size - 1) * stride + eff - 2 * pad + int(output_padding)


class ConvTranspose(KerasLayer):
    """Conv1D/2D/3DTranspose. Keras kernel (k1..kN, filters, in). torch computes the full
    transposed convolution ((in-1)*stride + dilated kernel long); TF's output (Keras's
    deconv_output_length, with output_padding) is a crop of it starting at TF's 'same' padding
    before, or zero-extended at the end where longer (output_padding, a kernel shorter than the
    stride)."""

    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        _check_channels_last(config)
        n = len(input_shape) - 1
        self.n = n
        k = as_tuple(config['kernel_size'], n)
        self.strides = as_tuple(self.arg('strides'), n)
        self.dilation = as_tuple(self.arg('dilation_rate'), n)
        output_padding = self.arg('output_padding')
        ops: List[Optional[int]] = [None] * n if output_padding is None else list(as_tuple(output_padding, n))
        cin, filters = int(input_shape[-1]), int(config['filters'])
        padding = str(self.arg('padding')).lower()
        self.crops: List[Tuple[int, int]] = []  # per axis: (start, target length)
        for size, kk, st, d, op in zip(input_shape[:-1], k, self.strides, self.dilation, ops):
            target = deconv_output_length(size, kk, padding, op, st, d)
            full = (size - 1) * st + (kk - 1) * d + 1
            start = max(full - target, 0) // 2 if padding == 'same' else 0
            self.crops.append((start, target))
        self.weight = self.new_param(cin, filters, *k)
        spatial = tuple(range(2, 2 + n))
        self.add_weight('kernel', (*k, filters, cin), self.weight, lambda w: w.permute(*spatial, 1, 0),
                        lambda t: t.permute(n + 1, n, *range(n)), self.arg('kernel_initializer'))
        self.bias = None
        if self.arg('use_bias'):
            self.bias = self.new_param(filters)
            self.add_weight('bias', (filters,), self.bias, identity, identity, self.arg('bias_initializer'))
        self.activation = get_activation(config.get('activation'))

    def forward(self, x):
        y = CONV_TRANSPOSE_FN[self.n](to_channels_first(x), self.weight, None, self.strides, 0, 0, 1, self.dilation)
        for axis, (start, target) in enumerate(self.crops, start=2):
            y = y.narrow(axis, start, min(target, y.shape[axis] - start))
            if y.shape[axis] < target:  # output_padding, or a kernel smaller than the stride: TF's output is zero there
                pad = [0, 0] * (y.dim() - axis - 1) + [0, target - y.shape[axis]]
                y = F.pad(y, pad)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, *([1] * self.n))
        return self.activation(to_channels_last(y))


class Pool(KerasLayer):
    """MaxPooling/AveragePooling 1D-3D. TF's 'same' ignores padded cells: -inf for max, and the
    average divides by the count of real cells."""

    def __init__(self, config, input_shape: Shape, kind: str):
        super().__init__(config, input_shape)
        _check_channels_last(config)
        n = len(input_shape) - 1
        self.n, self.kind = n, kind
        self.pool = as_tuple(self.arg('pool_size'), n)
        strides = self.arg('strides')  # None: the pool size, as in Keras
        self.strides = as_tuple(strides if strides is not None else self.pool, n)
        pads = spatial_padding(self.arg('padding'), input_shape[:-1], self.pool, self.strides, [1] * n)
        self.pad = None if all(p == (0, 0) for p in pads) else torch_pad_arg(pads)
        if kind == 'avg' and self.pad is not None:
            ones = F.pad(torch.ones((1, 1) + tuple(input_shape[:-1])), self.pad)
            counts = AVG_POOL_FN[n](ones, self.pool, self.strides)
            self.register_buffer('inv_count', 1.0 / counts, persistent=False)

    def forward(self, x):
        x = to_channels_first(x)
        if self.kind == 'max':
            if self.pad is not None:
                x = F.pad(x, self.pad, value=float('-inf'))
            y = MAX_POOL_FN[self.n](x, self.pool, self.strides)
        else:
            if self.pad is not None:
                y = AVG_POOL_FN[self.n](F.pad(x, self.pad), self.pool, self.strides) * self.inv_count.to(x.dtype)
            else:
                y = AVG_POOL_FN[self.n](x, self.pool, self.strides)
        return to_channels_last(y)


class GlobalPool(KerasLayer):
    def __init__(self, config, input_shape: Shape, kind: str):
        super().__init__(config, input_shape)
        self.kind = kind
        self.axes = tuple(range(1, len(input_shape)))
        self.keepdims = bool(self.arg('keepdims'))

    def forward(self, x):
        if self.kind == 'max':
            return torch.amax(x, dim=self.axes, keepdim=self.keepdims)
        return torch.mean(x, dim=self.axes, keepdim=self.keepdims)


class UpSampling(KerasLayer):
    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        self.n = len(input_shape) - 1
        self.size = as_tuple(self.arg('size'), self.n)
        # Only Keras's UpSampling2D has an interpolation argument; 1D and 3D repeat rows.
        self.interpolation = self.arg('interpolation') if self.n == 2 else 'nearest'

    def forward(self, x):
        if self.interpolation == 'bilinear':  # tf.image.resize's half-pixel centres
            y = F.interpolate(to_channels_first(x), scale_factor=self.size, mode='bilinear', align_corners=False)
            return to_channels_last(y)
        # Each row repeated s times: a broadcast copy and a reshape, the batch axis left as -1.
        # (repeat_interleave computes the same, but torch 1.13 exports it to ONNX with wrong
        # shapes once the batch axis is dynamic.)
        for axis, s in enumerate(self.size, start=1):
            if s != 1:
                dims = [d * s if i == axis else d for i, d in enumerate(x.shape) if i > 0]
                x = x.unsqueeze(axis + 1).expand(*([-1] * (axis + 1)), s, *([-1] * (len(dims) - axis)))
                x = x.reshape(-1, *dims)
        return x


def _pairs(value: Any, n: int) -> List[Tuple[int, int]]:
    """Keras's padding/cropping forms: int, one int per axis, or (before, after) per axis."""
    if isinstance(value, (int, float)):
        return [(int(value), int(value))] * n
    value = list(value)
    if n == 1 and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return [(int(value[0]), int(value[1]))]
    out = []
    for v in value:
        out.append((int(v), int(v)) if isinstance(v, (int, float)) else (int(v[0]), int(v[1])))
    return out


class ZeroPadding(KerasLayer):
    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        n = len(input_shape) - 1
        # Pads the spatial axes of the channels_last tensor: skip the channel axis in F.pad.
        self.pad = [0, 0] + torch_pad_arg(_pairs(self.arg('padding'), n))

    def forward(self, x):
        return F.pad(x, self.pad)


class Cropping(KerasLayer):
    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        n = len(input_shape) - 1
        self.crops = _pairs(self.arg('cropping'), n)

    def forward(self, x):
        for axis, (before, after) in enumerate(self.crops, start=1):
            x = x.narrow(axis, before, x.shape[axis] - before - after)
        return x


def _kind(kind, cls):
    return lambda config, shape: cls(config, shape, kind)


LAYERS = {
    'Conv1D': Conv, 'Conv2D': Conv, 'Conv3D': Conv,
    'Conv1DTranspose': ConvTranspose, 'Conv2DTranspose': ConvTranspose, 'Conv3DTranspose': ConvTranspose,
    'SeparableConv1D': SeparableConv, 'SeparableConv2D': SeparableConv,
    'DepthwiseConv2D': DepthwiseConv2DLayer,
    'UpSampling1D': UpSampling, 'UpSampling2D': UpSampling, 'UpSampling3D': UpSampling,
    'ZeroPadding1D': ZeroPadding, 'ZeroPadding2D': ZeroPadding, 'ZeroPadding3D': ZeroPadding,
    'Cropping1D': Cropping, 'Cropping2D': Cropping, 'Cropping3D': Cropping,
}
for _n in (1, 2, 3):
    LAYERS[f'MaxPooling{_n}D'] = _kind('max', Pool)
    LAYERS[f'AveragePooling{_n}D'] = _kind('avg', Pool)
    LAYERS[f'GlobalMaxPooling{_n}D'] = _kind('max', GlobalPool)
    LAYERS[f'GlobalAveragePooling{_n}D'] = _kind('avg', GlobalPool)
