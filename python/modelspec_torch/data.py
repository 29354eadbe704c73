"""PreparedData -> batches on the training device.

Tensor files are raw little-endian row-major arrays. A split lives on the device when it
fits (uint8 images stay uint8 there: four times less memory and transfer), otherwise in
pinned host memory with non-blocking copies. Batches are index selections, so an epoch has
no per-sample Python work.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .args import arg
from .augment import Augmenter, Standardizer
from .protocol import PreparedData, TensorFile

DTYPES: Dict[str, 'np.dtype[Any]'] = {'uint8': np.dtype('u1'), 'float32': np.dtype('<f4'), 'int32': np.dtype('<i4')}


def read_tensor(tf: TensorFile) -> np.ndarray:
    """A protocol TensorFile: the whole file, or (with 'offset') a range of it such as one
    weight inside a saved model's weights.bin."""
    dtype = DTYPES.get(tf['dtype'])
    if dtype is None:
        raise ValueError(f"tensor file {tf['path']}: unsupported dtype {tf['dtype']}")
    shape = tuple(int(d) for d in tf['shape'])
    count = int(np.prod(shape))
    expected = count * dtype.itemsize
    offset = int(tf.get('offset') or 0)
    import os
    actual = os.path.getsize(tf['path'])
    if 'offset' in tf:
        if actual < offset + expected:
            raise ValueError(f"tensor file {tf['path']}: {actual} bytes, too short for {tf['dtype']} {list(shape)} "
                             f"at byte {offset}")
        return np.fromfile(tf['path'], dtype=dtype, count=count, offset=offset).reshape(shape)
    if actual != expected:
        raise ValueError(f"tensor file {tf['path']}: {actual} bytes, expected {expected} for {tf['dtype']} {list(shape)}")
    if expected > 512 * 1024 * 1024:  # large files: map instead of reading everything up front
        return np.memmap(tf['path'], dtype=dtype, mode='r', shape=shape)
    return np.fromfile(tf['path'], dtype=dtype).reshape(shape)


@dataclass
class RawSplit:
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return int(self.x.shape[0])


def load_splits(data: PreparedData) -> Tuple[RawSplit, Optional[RawSplit], Optional[RawSplit]]:
    """(train, validation, test); validationSplit takes the LAST fraction of train before any
    shuffling, exactly as Keras's fit(validation_split=...)."""
    train = RawSplit(read_tensor(data['train']['x']), read_tensor(data['train']['y']))
    if len(train) != int(train.y.shape[0]):
        raise ValueError(f'train: {len(train)} samples but {train.y.shape[0]} labels')
    validation = None
    if data.get('validation'):
        validation = RawSplit(read_tensor(data['validation']['x']), read_tensor(data['validation']['y']))
    elif float(data['validationSplit']) > 0:
        split_at = int(math.floor(len(train) * (1.0 - float(data['validationSplit']))))
        validation = RawSplit(train.x[split_at:], train.y[split_at:])
        train = RawSplit(train.x[:split_at], train.y[:split_at])
    test = None
    if data.get('test'):
        test = RawSplit(read_tensor(data['test']['x']), read_tensor(data['test']['y']))
    return train, validation, test


class DeviceSplit:
    """One split, ready to cut into (x, y) batches on `device`, with Keras's preprocessing."""

    def __init__(self, raw: RawSplit, device: torch.device, input_shape, output_shape, data: PreparedData,
                 keep_on_device: bool, standardizer: Optional[Standardizer] = None):
        per_sample = int(np.prod(raw.x.shape[1:]))
        if per_sample != int(np.prod(input_shape)):
            raise ValueError(f"samples of {data.get('source', 'the data')} have shape {tuple(raw.x.shape[1:])} "
                             f"({per_sample} values), which cannot feed the model's input {tuple(input_shape)}")
        self.device = device
        self.input_shape = tuple(input_shape)
        self.output_shape = tuple(output_shape)
        self.rescale = float(arg(data, 'rescale', 'the data block'))
        self.encoding = data.get('labelEncoding', 'raw')
        self.num_classes = int(output_shape[-1])
        self.standardizer = standardizer
        x = torch.from_numpy(np.ascontiguousarray(raw.x))
        y = torch.from_numpy(np.ascontiguousarray(raw.y))
        if keep_on_device:
            x, y = x.to(device), y.to(device)
        elif device.type == 'cuda':
            x, y = x.pin_memory(), y.pin_memory()
        self.x, self.y = x, y
        self.n = int(x.shape[0])
        # Labels encoded once up front when they live on the device (one-hot of a whole split
        # is small), so a batch is a single gather.
        self.y_encoded = None
        if keep_on_device and self.n * self.num_classes * 4 < 256 * 1024 * 1024:
            self.y_encoded = self.prepare_y(y)

    def __len__(self) -> int:
        return self.n

    def batch(self, index: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """index: sample indices on the storage device of x."""
        if self.y_encoded is not None:
            return self.prepare_x(self.x.index_select(0, index)), self.y_encoded.index_select(0, index)
        xb, yb = self.x.index_select(0, index), self.y.index_select(0, index)
        if xb.device.type == 'cpu' and self.device.type != 'cpu':
            if self.device.type == 'cuda':  # gathered rows are pageable: pin them so the copy is async
                xb, yb = xb.pin_memory(), yb.pin_memory()
            xb, yb = xb.to(self.device, non_blocking=True), yb.to(self.device, non_blocking=True)
        return self.prepare_x(xb), self.prepare_y(yb)

    def prepare_x(self, xb: torch.Tensor) -> torch.Tensor:
        # uint8/int32/float32 times a Python float is float32, the same values as float()
        # then the product: one kernel and one batch-sized buffer instead of two.
        xb = xb * self.rescale if self.rescale != 1.0 else xb.float()
        xb = xb.reshape((xb.shape[0],) + self.input_shape)
        if self.standardizer is not None and self.standardizer.active:
            xb = self.standardizer(xb)
        return xb

    def prepare_y(self, yb: torch.Tensor) -> torch.Tensor:
        if self.encoding == 'onehot':
            return F.one_hot(yb.reshape(-1).long(), self.num_classes).float()
        if self.encoding == 'index':
            return yb.reshape(-1).long()
        yb = yb.float()
        if int(np.prod(yb.shape[1:])) == int(np.prod(self.output_shape)):
            yb = yb.reshape((yb.shape[0],) + self.output_shape)
        return yb

    def index_device(self) -> torch.device:
        return self.x.device

    def batches(self, batch_size: int, order: Optional[torch.Tensor] = None):
        """Yields (x, y) batches in `order` (a permutation) or in file order."""
        dev = self.index_device()
        if order is None:
            order = torch.arange(self.n, device=dev)
        for start in range(0, self.n, batch_size):
            yield self.batch(order[start:start + batch_size])


def fits_on_device(device: torch.device, nbytes: int) -> bool:
    if device.type == 'cuda':
        free, _ = torch.cuda.mem_get_info(device)
        return nbytes < 0.3 * free
    return True  # CPU: it is already in memory; MPS: unified memory


def build_splits(data: PreparedData, device: torch.device, input_shape, output_shape):
    """(train, validation|None, test|None, augmenter|None) as DeviceSplits."""
    train, validation, test = load_splits(data)
    total = sum(s.x.nbytes + s.y.nbytes for s in (train, validation, test) if s is not None)
    on_device = fits_on_device(device, total)
    augment = data.get('augment')
    standardizer = Standardizer(augment) if augment is not None else None
    splits = [DeviceSplit(s, device, input_shape, output_shape, data, on_device, standardizer) if s is not None else None
              for s in (train, validation, test)]
    if standardizer is not None and standardizer.active:
        # Statistics from the training images, applied to every split so that validation and
        # test see the inputs the model was trained on.
        fitted = splits[0]
        assert fitted is not None  # train always exists
        standardizer.fit(fitted.x.reshape((len(fitted),) + tuple(input_shape)), fitted.rescale)
    augmenter = Augmenter(augment) if augment else None
    if augmenter is not None and not augmenter.active:
        augmenter = None
    if augmenter is not None and len(input_shape) != 3:
        raise ValueError(f'augment needs image inputs (height, width, channels); the model input is {tuple(input_shape)}')
    return splits[0], splits[1], splits[2], augmenter
