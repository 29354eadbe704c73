"""Evaluation on a split: loss and metrics, and for classification a confusion matrix and
a few sample predictions (mistakes first) with PNG thumbnails for image data."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch

from .png import png_base64
from .protocol import PredictionSample, PreparedData

MAX_SAMPLES = 16


def class_name(classes: Optional[List[str]], index: int) -> str:
    if classes and 0 <= index < len(classes):
        return str(classes[index])
    return str(index)


def is_classification(data: PreparedData, output_units: int) -> bool:
    return data.get('labelEncoding') in ('onehot', 'index') or (bool(data.get('classes')) and output_units > 1)


def confusion_matrix(true_idx: np.ndarray, pred_idx: np.ndarray, n: int) -> List[List[int]]:
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (true_idx, pred_idx), 1)
    return m.tolist()


def pick_samples(true_idx: np.ndarray, pred_idx: np.ndarray, confidence: np.ndarray,
                 classes: Optional[List[str]], image_of: Optional[Callable[[int], np.ndarray]]) -> List[PredictionSample]:
    """Mistakes first (most confident mistakes first), then correct ones, up to 16.
    image_of(i) gives sample i as stored (H, W, C) for a thumbnail, when the data are images."""
    wrong = np.nonzero(true_idx != pred_idx)[0]
    wrong = wrong[np.argsort(-confidence[wrong], kind='stable')]
    right = np.nonzero(true_idx == pred_idx)[0]
    chosen = list(wrong[:MAX_SAMPLES]) + list(right[:max(0, MAX_SAMPLES - len(wrong))])
    samples: List[PredictionSample] = []
    for i in chosen:
        entry: PredictionSample = {'index': int(i), 'label': class_name(classes, int(true_idx[i])),
                                   'predicted': class_name(classes, int(pred_idx[i])),
                                   'confidence': float(confidence[i])}
        if image_of is not None:
            image = image_of(int(i))
            if image.ndim in (2, 3):
                entry['image'] = png_base64(image)
        samples.append(entry)
    return samples


def true_class_indices(y: torch.Tensor, encoding: str) -> torch.Tensor:
    if encoding == 'onehot' or (y.dim() > 1 and y.shape[-1] > 1):
        return y.argmax(dim=-1)
    return y.reshape(-1).round().long()


def predicted_class_indices(p: torch.Tensor):
    """(index, confidence): argmax for several units, threshold 0.5 for one sigmoid unit."""
    if p.shape[-1] == 1:
        q = p.reshape(-1)
        idx = (q > 0.5).long()
        return idx, torch.where(idx == 1, q, 1 - q)
    conf, idx = p.max(dim=-1)
    return idx, conf
