"""The learning-rate range test (RunSpec mode 'lr-find'), mirrored from training/lr-find.ts.

From the model's initial weights (a fresh model: nothing is saved, so they are a copy by
construction), the learning rate grows exponentially batch by batch from startLearningRate to
endLearningRate; each batch's loss is smoothed (a bias-corrected exponential moving average) and
the test stops once the smoothed loss passes divergeFactor times the best so far. One `lr_point`
event per batch, then `finished`; the launcher's side (training/lr-find.ts) picks the suggestion.
test/training/lr-find.test.ts feeds this module and the TypeScript one the same losses.
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, List, Optional, Tuple

import torch

from .args import arg
from .protocol import LrFindSettings, now_iso

if TYPE_CHECKING:
    from .train import Trainer


def learning_rate_at(settings: LrFindSettings, step: int) -> float:
    """The learning rate of step `step` (0-based): exponential from start to end."""
    a, b, steps = float(settings['startLearningRate']), float(settings['endLearningRate']), int(settings['steps'])
    return a if steps <= 1 else a * (b / a) ** (step / (steps - 1))


class RangeTestTracker:
    """The smoothed loss and the stop rule, fed one raw loss per batch."""

    def __init__(self, settings: LrFindSettings):
        self.settings = settings
        self.average = 0.0
        self.count = 0
        self.best = math.inf

    def add(self, loss: float) -> float:
        beta = float(self.settings['smoothing'])
        self.count += 1
        self.average = beta * self.average + (1 - beta) * loss
        smoothed = self.average / (1 - beta ** self.count)
        if smoothed < self.best:
            self.best = smoothed
        return smoothed

    def divergence(self, smoothed: float) -> Optional[str]:
        if not math.isfinite(smoothed):
            return 'the loss became NaN or infinite'
        factor = self.settings['divergeFactor']
        if smoothed > factor * self.best:
            return f'the smoothed loss {_fmt(smoothed)} passed {_fmt(factor)}× the best ({_fmt(self.best)})'
        return None


def _fmt(v: float) -> str:
    return f'{v:.4g}'



def simulate(settings: LrFindSettings, losses: List[float]) -> Tuple[List[dict], Optional[str]]:
    """The points and the stop reason for a given sequence of raw losses (the parity test)."""
    tracker = RangeTestTracker(settings)
    points = []
    for step, loss in enumerate(losses[:int(settings['steps'])]):
        smoothed = tracker.add(loss)
        points.append({'step': step + 1, 'learningRate': learning_rate_at(settings, step), 'loss': loss,
                       'smoothedLoss': smoothed})
        why = tracker.divergence(smoothed)
        if why:
            return points, why
    return points, None


def range_test(trainer: 'Trainer') -> int:
    """Runs the range test on a set-up trainer (model, data, optimizer as for training)."""
    settings = trainer.spec.get('lrFind')
    if settings is None:
        raise ValueError("mode 'lr-find' needs the RunSpec's lrFind settings")
    sink, split = trainer.sink, trainer.train_split
    tracker = RangeTestTracker(settings)
    steps = int(settings['steps'])
    per_epoch = max(1, trainer.steps)
    trainer.model.train()

    def new_order() -> torch.Tensor:
        if arg(trainer.spec['data'], 'shuffle', 'the data block'):
            return torch.randperm(len(split), generator=trainer.shuffle_gen).to(split.index_device())
        return torch.arange(len(split), device=split.index_device())
    order = new_order()
    reason = f'reached the end of the range ({_fmt(float(settings["endLearningRate"]))})'
    for step in range(steps):
        if trainer.stop.requested:
            reason = trainer.stop.reason or 'stop requested'
            break
        b = step % per_epoch
        if b == 0 and step > 0:  # the data cycled: a new order, as a new epoch would have
            order = new_order()
        lr = learning_rate_at(settings, step)
        trainer.learning_rate = lr
        index = order[b * trainer.batch_size:(b + 1) * trainer.batch_size]
        x, y = split.batch(index)
        if trainer.augmenter is not None:
            x = trainer.augmenter(x)
        if trainer.targets_are_inputs:  # class_mode 'input': the targets are the (augmented) inputs
            y = x.reshape(y.shape)
        _, loss = trainer._forward_loss(x, y)
        trainer._apply_gradients(loss)
        value = float(loss.detach().item())  # one read per batch: the stop rule needs it now
        smoothed = tracker.add(value)
        sink.emit({'type': 'lr_point', 'step': step + 1, 'learningRate': lr, 'loss': value, 'smoothedLoss': smoothed})
        why = tracker.divergence(smoothed)
        if why:
            reason = f'stopped at learning rate {lr:.3g}: {why}'
            break
    sink.log(f'learning-rate range test: {reason}')
    sink.emit({'type': 'finished', 'time': now_iso(), 'epochs': 0, 'seconds': time.time() - trainer.start_time,
               'modelPath': ''})
    return 0
