"""Keras metrics as running, on-device accumulators.

update() only queues device work; result() is the one place that reads a value back to the
host, so the training loop decides how often it synchronises.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

import torch

from . import losses


class Metric:
    def __init__(self, name: str):
        self.name = name
        self.total: Optional[torch.Tensor] = None
        self.count: Optional[torch.Tensor] = None

    def reset(self) -> None:
        self.total = None
        self.count = None

    def _add(self, total: torch.Tensor, count) -> None:
        """total: a device tensor (integer sums stay integers: exact counts); count: a
        Python number (kept on the host: no kernel per batch) or a device tensor."""
        total = total.detach()
        if total.is_floating_point():
            total = total.float()
        if self.total is None:
            self.total = total.clone()
            self.count = count.detach().float().clone() if isinstance(count, torch.Tensor) else count
        else:
            self.total += total
            self.count += count

    def update(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
        raise NotImplementedError

    def result(self) -> float:
        if self.total is None:
            return float('nan')
        assert self.count is not None  # set together with total in _add
        count = float(self.count.item()) if isinstance(self.count, torch.Tensor) else float(self.count)
        return float(self.total.item()) / max(count, 1e-12)


class MeanOf(Metric):
    """Mean over samples of a per-sample function (accuracies, mse, mae...)."""

    def __init__(self, name: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]):
        super().__init__(name)
        self.fn = fn

    def update(self, y_true, y_pred):
        values = self.fn(y_true, y_pred)  # bool for the arg-max accuracies: summed as an exact count
        self._add((values.float() if values.is_floating_point() else values).sum(), values.numel())


class Precision(Metric):
    """Keras Precision/Recall with threshold 0.5, counted over every output element."""

    def __init__(self, name: str, recall: bool = False):
        super().__init__(name)
        self.recall = recall

    def update(self, y_true, y_pred):
        predicted = y_pred.float() > 0.5
        actual = y_true.reshape(y_pred.shape).float() > 0.5
        tp = (predicted & actual).sum().float()
        other = (actual & ~predicted) if self.recall else (predicted & ~actual)
        # total = tp, count = tp + fp (or tp + fn): result() is then tp / (tp + fp)
        self._add(tp, tp + other.sum().float())

    def result(self) -> float:
        if self.total is None:
            return 0.0
        assert self.count is not None  # set together with total in _add
        return float((self.total / self.count.clamp_min(1e-12)).item()) if self.count.item() > 0 else 0.0


def binary_accuracy(y, p):
    return ((p > 0.5).float() == y.reshape(p.shape).float()).float().mean(dim=-1)


# The arg-max accuracies return bool per sample (1 = correct): their sums are counts, with
# no float conversion kernel per batch.
def categorical_accuracy(y, p):
    return p.argmax(dim=-1) == y.argmax(dim=-1)


def sparse_categorical_accuracy(y, p):
    return p.argmax(dim=-1) == y.reshape(p.shape[:-1]).long()


def top_k_categorical_accuracy(y, p, k=5):
    top = p.topk(min(k, p.shape[-1]), dim=-1).indices
    return (top == y.argmax(dim=-1, keepdim=True)).any(dim=-1)


def sparse_top_k_categorical_accuracy(y, p, k=5):
    top = p.topk(min(k, p.shape[-1]), dim=-1).indices
    return (top == y.reshape(p.shape[:-1]).long().unsqueeze(-1)).any(dim=-1)


ACCURACIES: Dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    'binary_accuracy': binary_accuracy,
    'categorical_accuracy': categorical_accuracy,
    'sparse_categorical_accuracy': sparse_categorical_accuracy,
    'top_k_categorical_accuracy': top_k_categorical_accuracy,
    'sparse_top_k_categorical_accuracy': sparse_top_k_categorical_accuracy,
}


def resolve_accuracy(loss_name: str, output_units: int, sparse_labels: bool) -> str:
    """Which accuracy 'accuracy' means, as Keras decides it from the loss (then the shapes)."""
    loss_name = losses.canonical_name(loss_name)
    if loss_name == 'binary_crossentropy' or output_units == 1:
        return 'binary_accuracy'
    if loss_name == 'sparse_categorical_crossentropy' or sparse_labels:
        return 'sparse_categorical_accuracy'
    return 'categorical_accuracy'


def make_metric(name: str, loss_name: str, output_units: int, sparse_labels: bool) -> Metric:
    key = name.lower()
    if key in ('accuracy', 'acc'):
        return MeanOf(name, ACCURACIES[resolve_accuracy(loss_name, output_units, sparse_labels)])
    if key in ACCURACIES:
        return MeanOf(name, ACCURACIES[key])
    if key == 'precision':
        return Precision(name)
    if key == 'recall':
        return Precision(name, recall=True)
    if key in losses.LOSSES:
        return MeanOf(name, losses.get_loss(key))
    raise ValueError(f"unknown metric '{name}'")


def make_metrics(names: List[str], loss_name: str, output_units: int, sparse_labels: bool) -> List[Metric]:
    return [make_metric(n, loss_name, output_units, sparse_labels) for n in names]


def results(loss: Metric, metrics: List[Metric]) -> Dict[str, float]:
    out = {'loss': loss.result()}
    for m in metrics:
        out[m.name] = m.result()
    return out
