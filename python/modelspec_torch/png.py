"""A minimal PNG encoder (8-bit grayscale or RGB, no filtering) for sample thumbnails."""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(image: np.ndarray) -> bytes:
    """image: (H, W) or (H, W, 1|3) uint8."""
    img = np.asarray(image, dtype=np.uint8)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 2:
        color_type, channels = 0, 1
    elif img.ndim == 3 and img.shape[2] == 3:
        color_type, channels = 2, 3
    else:
        raise ValueError(f'cannot encode an image of shape {img.shape}')
    h, w = img.shape[:2]
    rows = img.reshape(h, w * channels)
    raw = b''.join(b'\x00' + rows[r].tobytes() for r in range(h))  # filter type 0 per row
    header = struct.pack('>IIBBBBB', w, h, 8, color_type, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', header) + _chunk(b'IDAT', zlib.compress(raw, 6)) + _chunk(b'IEND', b'')


def to_uint8_image(sample: np.ndarray) -> np.ndarray:
    """A (H, W, C) sample as uint8: kept when already uint8, else min-max scaled.
    More than 3 channels shows the first; 2 channels shows the first."""
    x = np.asarray(sample)
    if x.ndim == 2:
        x = x[:, :, None]
    if x.shape[2] not in (1, 3):
        x = x[:, :, :1]
    if x.dtype == np.uint8:
        return x
    x = x.astype(np.float32)
    lo, hi = float(x.min()), float(x.max())
    scaled = (x - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(x)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def png_base64(sample: np.ndarray) -> str:
    return base64.b64encode(encode_png(to_uint8_image(sample))).decode('ascii')
