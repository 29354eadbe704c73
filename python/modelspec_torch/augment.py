"""Keras ImageDataGenerator on the device: random affine transforms per batch and
featurewise standardisation.

Keras composes rotation, shift and zoom into one matrix that maps each output pixel to the
input pixel it samples (scipy's affine_transform, bilinear, fill_mode='nearest'). The same
matrix, moved into affine_grid's normalised coordinates, goes to grid_sample with
padding_mode='border', which is 'nearest' filling.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import torch
import torch.nn.functional as F

from .args import arg

TRANSFORM_ARGS = ('rotation_range', 'width_shift_range', 'height_shift_range', 'zoom_range',
                  'horizontal_flip', 'vertical_flip')
SUPPORTED = set(TRANSFORM_ARGS) | {'featurewise_center', 'featurewise_std_normalization', 'fill_mode',
                                   'rescale', 'interpolation_order'}


OWNER = 'ImageDataGenerator'


def _number(args: Dict[str, Any], key: str) -> float:
    value = arg(args, key, OWNER)
    if isinstance(value, (list, tuple)):
        raise ValueError(f'ImageDataGenerator({key}={list(value)}): the PyTorch engine takes a single number here')
    return float(value)


class Augmenter:
    """Random Keras transforms of a channels_last image batch (B, H, W, C)."""

    def __init__(self, args: Dict[str, Any]):
        unknown = [k for k, v in args.items() if k not in SUPPORTED and v not in (0, False, None)]
        if unknown:
            raise ValueError(f"ImageDataGenerator argument(s) not supported by the PyTorch engine: {', '.join(unknown)}")
        # Every argument is in the RunSpec (the catalog has the defaults): read strictly.
        self.rotation = _number(args, 'rotation_range')
        self.width_shift = _number(args, 'width_shift_range')
        self.height_shift = _number(args, 'height_shift_range')
        zoom = arg(args, 'zoom_range', OWNER)
        self.zoom = (float(zoom[0]), float(zoom[1])) if isinstance(zoom, (list, tuple)) else (1 - zoom, 1 + zoom)
        self.hflip = bool(arg(args, 'horizontal_flip', OWNER))
        self.vflip = bool(arg(args, 'vertical_flip', OWNER))

    @property
    def active(self) -> bool:
        return bool(self.rotation or self.width_shift or self.height_shift or self.zoom != (1, 1)
                    or self.hflip or self.vflip)

    def _uniform(self, n: int, low: float, high: float, device) -> torch.Tensor:
        return torch.rand(n, device=device) * (high - low) + low

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if not self.active:
            return x
        b, h, w = x.shape[0], x.shape[1], x.shape[2]
        dev = x.device
        theta = self._uniform(b, -self.rotation, self.rotation, dev) * (math.pi / 180)
        # Shifts: a fraction of the size when < 1, else pixels (Keras's rule); (x, y) = (col, row).
        sx = self._uniform(b, -self.width_shift, self.width_shift, dev) * (w if self.width_shift < 1 else 1)
        sy = self._uniform(b, -self.height_shift, self.height_shift, dev) * (h if self.height_shift < 1 else 1)
        zx = self._uniform(b, *self.zoom, dev)  # zoom on columns
        zy = self._uniform(b, *self.zoom, dev)  # zoom on rows
        cos, sin = torch.cos(theta), torch.sin(theta)
        # Pixel space, centred: input = R @ (Z @ out + shift)
        a11, a12 = cos * zx, -sin * zy
        a21, a22 = sin * zx, cos * zy
        tx, ty = cos * sx - sin * sy, sin * sx + cos * sy
        # To normalised coordinates (align_corners=False): n = 2 * p / size per axis.
        mat = torch.stack([
            torch.stack([a11, a12 * (h / w), tx * (2 / w)], dim=-1),
            torch.stack([a21 * (w / h), a22, ty * (2 / h)], dim=-1),
        ], dim=1)
        # Keras flips the transformed image: negate the output's x (or y) coordinate.
        if self.hflip:
            mat[:, :, 0] *= torch.where(torch.rand(b, 1, device=dev) < 0.5, -1.0, 1.0)
        if self.vflip:
            mat[:, :, 1] *= torch.where(torch.rand(b, 1, device=dev) < 0.5, -1.0, 1.0)
        x_cf = x.movedim(-1, 1)
        grid = F.affine_grid(mat.to(x.dtype), list(x_cf.shape), align_corners=False)
        out = F.grid_sample(x_cf, grid, mode='bilinear', padding_mode='border', align_corners=False)
        return out.movedim(1, -1)


class Standardizer:
    """featurewise_center / featurewise_std_normalization: per-channel statistics of the
    training images (after rescale), as ImageDataGenerator.fit computes them."""

    def __init__(self, args: Dict[str, Any]):
        self.center = bool(arg(args, 'featurewise_center', OWNER))
        self.scale = bool(arg(args, 'featurewise_std_normalization', OWNER))
        self.mean: Optional[torch.Tensor] = None
        self.std: Optional[torch.Tensor] = None

    @property
    def active(self) -> bool:
        return self.center or self.scale

    def fit(self, x: torch.Tensor, rescale: float, chunk: int = 4096) -> None:
        """x: raw training images (N, ..., C) on any device; statistics in float64 by chunks."""
        c = x.shape[-1]
        total = torch.zeros(c, dtype=torch.float64)
        total_sq = torch.zeros(c, dtype=torch.float64)
        count = 0
        for start in range(0, x.shape[0], chunk):  # on the CPU: MPS has no float64
            part = x[start:start + chunk].cpu().to(torch.float64).reshape(-1, c) * rescale
            total += part.sum(0)
            total_sq += (part * part).sum(0)
            count += part.shape[0]
        mean = total / count
        self.mean = mean.float()
        self.std = (total_sq / count - mean * mean).clamp_min(0).sqrt().float()

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.center:
            assert self.mean is not None, 'Standardizer.fit() runs before the first batch'
            x = x - self.mean.to(x.device)
        if self.scale:
            assert self.std is not None, 'Standardizer.fit() runs before the first batch'
            x = x / (self.std.to(x.device) + 1e-6)
        return x
