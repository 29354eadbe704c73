"""Keras 3's preprocessing and augmentation layers (keras/src/layers/preprocessing/), channels_last.

The Random* layers draw from torch's generator, which train.py seeds with fit.seed, and act only
in training mode; in eval mode (evaluation, prediction, ONNX export) they return the input.
Geometric ones map each output pixel to an input point with TF's ImageProjectiveTransformV3
rules (fill modes and bilinear/nearest sampling), as Keras's TensorFlow backend does.
UnitNormalization, a formula without weights like these, lives here too.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F

from .layers_base import KerasLayer, identity, to_channels_first, to_channels_last


def _range(factor: Any) -> Tuple[float, float]:
    """A Keras 3 factor: f is [-|f|, |f|], a pair (low, high) itself, sorted (Keras 3 sorts it)."""
    if isinstance(factor, (list, tuple)):
        low, high = sorted((float(factor[0]), float(factor[1])))
        return low, high
    return -abs(float(factor)), abs(float(factor))


def _per_sample(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """One uniform draw per sample, shape (batch,)."""
    return low + (high - low) * torch.rand(x.shape[0], device=x.device)


class Rescaling(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.scale = float(self.arg('scale'))
        self.offset = float(self.arg('offset'))

    def forward(self, x):
        return x.float() * self.scale + self.offset


class Normalization(KerasLayer):
    """(x - mean) / max(sqrt(variance), 1e-7) per kept feature; invert undoes it. Without mean and
    variance the layer has Keras's adapt weights (mean, variance, count), non-trainable."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        axis = self.arg('axis')
        axes = [] if axis is None else (list(axis) if isinstance(axis, (list, tuple)) else [axis])
        rank = len(input_shape) + 1  # with the batch axis
        kept = sorted(int(a) % rank for a in axes)
        self.broadcast = [1] + [int(input_shape[i - 1]) if i in kept else 1 for i in range(1, rank)]
        kept_shape = tuple(int(input_shape[i - 1]) for i in kept)
        self.invert = bool(self.arg('invert'))
        mean, variance = self.arg('mean'), self.arg('variance')
        if mean is None:
            self.register_buffer('mean', torch.zeros(kept_shape))
            self.register_buffer('variance', torch.ones(kept_shape))
            self.register_buffer('count', torch.zeros(()))
            self.add_weight('mean', kept_shape, self.mean, identity, identity, 'zeros', trainable=False)
            self.add_weight('variance', kept_shape, self.variance, identity, identity, 'ones', trainable=False)
            self.add_weight('count', (), self.count, identity, identity, 'zeros', trainable=False)
        else:
            self.register_buffer('mean', self._fixed(mean))
            self.register_buffer('variance', self._fixed(variance))

    def _fixed(self, value: Any) -> torch.Tensor:
        values = value if isinstance(value, (list, tuple)) else [value]
        t = torch.tensor([float(v) for v in values])
        return t.reshape(()) if t.numel() == 1 else t

    def forward(self, x):
        shape = self.broadcast if self.mean.dim() > 0 else [1]
        mean = self.mean.reshape(shape)
        std = torch.clamp(torch.sqrt(self.variance.reshape(shape)), min=1e-7)
        return x * std + mean if self.invert else (x - mean) / std


def _crop_to_aspect(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Keras's smart-resize crop: the largest centred window with the target's aspect ratio."""
    h, w = x.shape[1], x.shape[2]
    crop_h = min(h, (w * height) // width)
    crop_w = min(w, (h * width) // height)
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    return x[:, top:top + crop_h, left:left + crop_w, :]


def _resize(x: torch.Tensor, height: int, width: int, interpolation: str) -> torch.Tensor:
    """tf.image.resize (half-pixel centres, no antialias) on a channels_last batch."""
    y = to_channels_first(x.float())
    if interpolation == 'nearest':
        y = F.interpolate(y, size=(height, width), mode='nearest-exact')
    else:
        y = F.interpolate(y, size=(height, width), mode='bilinear', align_corners=False)
    return to_channels_last(y)


class Resizing(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.height, self.width = int(self.arg('height')), int(self.arg('width'))
        self.interpolation = str(self.arg('interpolation'))
        self.crop = bool(self.arg('crop_to_aspect_ratio'))
        if self.arg('pad_to_aspect_ratio') or self.arg('antialias'):
            raise ValueError('Resizing with pad_to_aspect_ratio=True or antialias=True is not supported')

    def forward(self, x):
        if self.crop:
            x = _crop_to_aspect(x, self.height, self.width)
        return _resize(x, self.height, self.width, self.interpolation)


class CenterCrop(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.height, self.width = int(self.arg('height')), int(self.arg('width'))

    def forward(self, x):
        h, w = x.shape[1], x.shape[2]
        if h < self.height or w < self.width:
            return _resize(_crop_to_aspect(x, self.height, self.width), self.height, self.width, 'bilinear')
        top, left = (h - self.height) // 2, (w - self.width) // 2
        return x[:, top:top + self.height, left:left + self.width, :]


class RandomFlip(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.mode = str(self.arg('mode'))

    def forward(self, x):
        if not self.training:
            return x
        # Keras 3 (random_flip.py): one draw per image, uniform <= 0.5, flips it in every
        # direction of the mode: 'horizontal_and_vertical' flips both axes together or neither.
        flip = (torch.rand(x.shape[0], device=x.device) <= 0.5).reshape(-1, 1, 1, 1)
        flipped = x
        if self.mode in ('horizontal', 'horizontal_and_vertical'):
            flipped = flipped.flip(2)
        if self.mode in ('vertical', 'horizontal_and_vertical'):
            flipped = flipped.flip(1)
        return torch.where(flip, flipped, x)


def _map_coordinate(c: torch.Tensor, size: int, mode: str) -> torch.Tensor:
    """TF's MapCoordinate (image_ops.h) for one axis: where a point outside [0, size - 1] reads from."""
    if mode == 'reflect':
        # Reflect [abcd] to [dcba|abcd|dcba]: the same point as the kernel's two branches.
        if size == 1:
            return torch.zeros_like(c)
        period = 2.0 * size
        c = torch.remainder(c, period)  # in [0, 2 size)
        c = torch.where(c >= size, period - c - 1, c)
        return c.clamp(0, size - 1)
    if mode == 'wrap':
        # The kernel's own arithmetic: it divides by size - 1 but steps by size, so points past
        # the edge land where TF puts them (not always where a modulo would).
        if size == 1:
            return torch.zeros_like(c)
        below = c + size * (torch.trunc(-c / (size - 1)) + 1)
        above = c - size * torch.trunc(c / (size - 1))
        c = torch.where(c < 0, below, torch.where(c > size - 1, above, c))
        return c.clamp(0, size - 1)
    if mode == 'nearest':
        return c.clamp(0, size - 1)
    return c  # constant: outside points read fill_value


def _round_half_away(v: torch.Tensor) -> torch.Tensor:
    """std::round, as the kernel's nearest sampling: halves away from zero (torch.round: to even)."""
    return torch.sign(v) * torch.floor(torch.abs(v) + 0.5)


def _projective(x: torch.Tensor, matrices: torch.Tensor, interpolation: str, fill_mode: str,
                fill_value: float) -> torch.Tensor:
    """Each output pixel (col, row) reads input (a0 col + a1 row + a2, b0 col + b1 row + b2)."""
    n, h, w, c = x.shape
    rows = torch.arange(h, device=x.device, dtype=x.dtype).reshape(1, h, 1)
    cols = torch.arange(w, device=x.device, dtype=x.dtype).reshape(1, 1, w)
    m = matrices.to(x.dtype).reshape(n, 6, 1, 1)
    src_x = _map_coordinate(m[:, 0] * cols + m[:, 1] * rows + m[:, 2], w, fill_mode)
    src_y = _map_coordinate(m[:, 3] * cols + m[:, 4] * rows + m[:, 5], h, fill_mode)
    flat = x.reshape(n, h * w, c)

    def read(yy: torch.Tensor, xx: torch.Tensor) -> torch.Tensor:
        inside = (yy >= 0) & (yy <= h - 1) & (xx >= 0) & (xx <= w - 1)
        index = (yy.clamp(0, h - 1) * w + xx.clamp(0, w - 1)).long().reshape(n, h * w, 1).expand(n, h * w, c)
        values = torch.gather(flat, 1, index).reshape(n, h, w, c)
        return torch.where(inside.unsqueeze(-1), values, torch.full_like(values, fill_value))

    if interpolation == 'nearest':
        return read(_round_half_away(src_y), _round_half_away(src_x))
    y0, x0 = torch.floor(src_y), torch.floor(src_x)
    wy, wx = (src_y - y0).unsqueeze(-1), (src_x - x0).unsqueeze(-1)
    top = read(y0, x0) * (1 - wx) + read(y0, x0 + 1) * wx
    bottom = read(y0 + 1, x0) * (1 - wx) + read(y0 + 1, x0 + 1) * wx
    return top * (1 - wy) + bottom * wy


class _Affine(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.fill_mode = str(self.arg('fill_mode'))
        self.interpolation = str(self.arg('interpolation'))
        self.fill_value = float(self.arg('fill_value'))

    def matrices(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x):
        if not self.training:
            return x
        return _projective(x.float(), self.matrices(x), self.interpolation, self.fill_mode, self.fill_value)


class RandomRotation(_Affine):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.low, self.high = _range(self.arg('factor'))

    def matrices(self, x):
        h, w = x.shape[1], x.shape[2]
        # Keras 3 draws the angle in degrees, factor * 360, and turns it into radians; the matrix
        # is _compute_affine_matrix's rotation about (0.5 (w - 1), 0.5 (h - 1)).
        angle = _per_sample(x, self.low * 360.0, self.high * 360.0) * (math.pi / 180.0)
        cos, sin = torch.cos(angle), torch.sin(angle)
        cx, cy = 0.5 * (w - 1), 0.5 * (h - 1)
        return torch.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos], dim=1)


class RandomZoom(_Affine):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.height_range = _range(self.arg('height_factor'))
        width = self.arg('width_factor')
        self.width_range = None if width is None else _range(width)

    def matrices(self, x):
        h, w = x.shape[1], x.shape[2]
        zy = 1 + _per_sample(x, *self.height_range)
        zx = zy if self.width_range is None else 1 + _per_sample(x, *self.width_range)
        zero = torch.zeros_like(zy)
        return torch.stack([zx, zero, (w - 1) / 2 * (1 - zx), zero, zy, (h - 1) / 2 * (1 - zy)], dim=1)


class RandomTranslation(_Affine):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.height_range = _range(self.arg('height_factor'))
        self.width_range = _range(self.arg('width_factor'))

    def matrices(self, x):
        h, w = x.shape[1], x.shape[2]
        dy = _per_sample(x, self.height_range[0] * h, self.height_range[1] * h)
        dx = _per_sample(x, self.width_range[0] * w, self.width_range[1] * w)
        one, zero = torch.ones_like(dx), torch.zeros_like(dx)
        return torch.stack([one, zero, -dx, zero, one, -dy], dim=1)


def _value_range(layer: KerasLayer) -> Tuple[float, float]:
    low, high = layer.arg('value_range')
    return float(low), float(high)


class RandomContrast(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        factor = self.arg('factor')
        lower, upper = (factor if isinstance(factor, (list, tuple)) else (factor, factor))
        self.low, self.high = 1 - float(lower), 1 + float(upper)
        self.value_range = _value_range(self)

    def forward(self, x):
        if not self.training:
            return x
        factor = _per_sample(x, self.low, self.high).reshape(-1, 1, 1, 1)
        mean = x.mean(dim=(1, 2), keepdim=True)
        return ((x - mean) * factor + mean).clamp(*self.value_range)


class RandomBrightness(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.low, self.high = _range(self.arg('factor'))
        self.value_range = _value_range(self)

    def forward(self, x):
        if not self.training:
            return x
        width = self.value_range[1] - self.value_range[0]
        delta = _per_sample(x, self.low * width, self.high * width).reshape(-1, 1, 1, 1)
        return (x + delta).clamp(*self.value_range)


class UnitNormalization(KerasLayer):
    """Keras's ops.normalize(x, axis, order=2, epsilon=1e-12): x * rsqrt(max(sum(x^2), 1e-24))."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        axis = self.arg('axis')
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        rank = len(input_shape) + 1
        self.axes = [int(a) % rank for a in axes]

    def forward(self, x):
        square_sum = torch.sum(x * x, dim=self.axes, keepdim=True)
        return x * torch.rsqrt(torch.clamp(square_sum, min=1e-24))


LAYERS: Dict[str, Any] = {
    'UnitNormalization': UnitNormalization,
    'Rescaling': Rescaling,
    'Normalization': Normalization,
    'Resizing': Resizing,
    'CenterCrop': CenterCrop,
    'RandomFlip': RandomFlip,
    'RandomRotation': RandomRotation,
    'RandomZoom': RandomZoom,
    'RandomTranslation': RandomTranslation,
    'RandomContrast': RandomContrast,
    'RandomBrightness': RandomBrightness,
}
