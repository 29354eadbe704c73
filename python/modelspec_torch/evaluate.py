"""Evaluation on a split: loss and metrics, and the report of the run's task: for classes a
confusion matrix and a few sample predictions (mistakes first) with PNG thumbnails for image
data; per-label scores (multi-label), errors and (true, predicted) pairs (regression), or
input/target/output image triples (image to image). The same rules and bounds as the TF.js
engine's training/engines/tfjs/task-report.ts (test/training/evaluation-parity.test.ts)."""
from __future__ import annotations

import base64
import math
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch

from .png import encode_png, png_base64
from .protocol import (EVALUATION_LIMITS, ImageReport, ImageTriple, LabelScore, MultiLabelReport,
                       PredictionSample, PreparedData, RegressionReport)

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


def spread_positions(n: int, limit: int) -> List[int]:
    """`limit` positions evenly spread over 0..n-1 (all when n <= limit): floor(i*n/limit)."""
    if n <= limit:
        return list(range(n))
    return [(i * n) // limit for i in range(limit)]


def multilabel_report(y: np.ndarray, p: np.ndarray, names: Optional[List[str]]) -> MultiLabelReport:
    """y, p: (n, k). Per-label precision/recall/F1/support at 0.5 (a label never predicted has
    precision 0, sklearn's zero_division=0) and the share of samples with every label right."""
    threshold = 0.5
    truth, said = y > threshold, p > threshold
    k = int(y.shape[1])
    tp = (truth & said).sum(axis=0)
    fp = (~truth & said).sum(axis=0)
    fn = (truth & ~said).sum(axis=0)
    support = truth.sum(axis=0)
    labels: List[LabelScore] = []
    for j in range(min(k, EVALUATION_LIMITS['labels'])):
        precision = float(tp[j] / (tp[j] + fp[j])) if tp[j] + fp[j] > 0 else 0.0
        recall = float(tp[j] / (tp[j] + fn[j])) if tp[j] + fn[j] > 0 else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        name = str(names[j]) if names and len(names) == k else f'label_{j}'
        labels.append({'name': name, 'precision': precision, 'recall': recall, 'f1': f1,
                       'support': int(support[j])})
    exact = float((truth == said).all(axis=1).mean()) if y.shape[0] else 0.0
    return {'threshold': threshold, 'exactMatch': exact, 'labelCount': k, 'labels': labels}


def regression_report(y: np.ndarray, p: np.ndarray) -> RegressionReport:
    """y, p: (n, k) float64. MAE and RMSE over every value, R² averaged over the outputs, and
    (true, predicted) pairs of the first output at evenly spread samples."""
    n, k = int(y.shape[0]), int(y.shape[1])
    err = p - y
    sse = (err * err).sum(axis=0)
    sst = ((y - y.mean(axis=0)) ** 2).sum(axis=0) if n else np.zeros(k)
    # Constant targets: sklearn's force_finite rule (1 when predicted exactly, else 0).
    r2 = np.where(sst > 1e-12, 1 - sse / np.where(sst > 1e-12, sst, 1), np.where(sse == 0, 1.0, 0.0))
    chosen = spread_positions(n, EVALUATION_LIMITS['points'])
    return {'mae': float(np.abs(err).mean()) if n else 0.0, 'rmse': float(np.sqrt((err * err).mean())) if n else 0.0,
            'r2': float(r2.mean()), 'outputs': k, 'output': 0, 'count': n,
            'trueValues': [float(y[i, 0]) for i in chosen], 'predicted': [float(p[i, 0]) for i in chosen]}


def image_png(values: np.ndarray, lo: float, peak: float) -> str:
    """(H, W, C) values → a small PNG base64: every step-th pixel (the longest side at most
    EVALUATION_LIMITS['imageSide']), 1 or 3 channels (else the first), [lo, lo + peak] → 0..255."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 2:
        x = x[:, :, None]
    step = -(-max(x.shape[0], x.shape[1]) // EVALUATION_LIMITS['imageSide'])
    x = x[::step, ::step]
    if x.shape[2] not in (1, 3):
        x = x[:, :, :1]
    scale = 255.0 / peak if peak > 0 else 0.0
    pixels = np.clip(np.floor((x - lo) * scale + 0.5), 0, 255).astype(np.uint8)
    return base64.b64encode(encode_png(pixels)).decode('ascii')


def own_range_png(values: np.ndarray) -> str:
    lo, hi = float(values.min()), float(values.max())
    return image_png(values, lo, hi - lo)


def image_report(y: np.ndarray, p: np.ndarray, input_of: Optional[Callable[[int], np.ndarray]]) -> ImageReport:
    """y, p: (n, H, W, C). Reconstruction MSE, PSNR (against 1 for targets in [0, 1], else the
    targets' span) and evenly spread input/target/output triples."""
    n = int(y.shape[0])
    err = (p - y).reshape(n, -1)
    per_sample = (err * err).mean(axis=1) if n else np.zeros(0)
    mse = float(per_sample.mean()) if n else 0.0
    t_lo, t_hi = (float(y.min()), float(y.max())) if n else (0.0, 1.0)
    unit = t_lo >= 0 and t_hi <= 1
    lo = 0.0 if unit else t_lo
    peak = 1.0 if unit else ((t_hi - t_lo) or 1.0)
    triples: List[ImageTriple] = []
    for i in spread_positions(n, EVALUATION_LIMITS['images']):
        triple: ImageTriple = {'index': i, 'target': image_png(y[i], lo, peak), 'output': image_png(p[i], lo, peak),
                               'mse': float(per_sample[i])}
        if input_of is not None:
            triple['input'] = own_range_png(input_of(i))
        triples.append(triple)
    report: ImageReport = {'mse': mse, 'peak': peak, 'triples': triples}
    if mse > 0:
        report['psnr'] = 10 * math.log10(peak * peak / mse)
    return report
