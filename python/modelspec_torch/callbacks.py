"""Keras callbacks (Keras 3 semantics): EarlyStopping, ReduceLROnPlateau, ModelCheckpoint,
CSVLogger. Epochs are 0-based here as in Keras; events add one.

A callback sees the trainer through a small interface: `get_weights()`/`set_weights()`
(Keras-ordered arrays), `learning_rate` (settable), `stop_training`, `save_to(dir)`,
`run_dir` and `sink` (for events and warnings). A callback that ends training or changes the
learning rate emits a `callback` event with the facts (no wording: the launcher words them).
"""
from __future__ import annotations

import csv
import io
import math
import os
from typing import Any, Dict, List, Optional
from .args import arg
from .protocol import CallbackEvent, CallbackSpec

from .files import append_line, disk_error, make_dirs

Logs = Dict[str, float]


def _is_max_metric(monitor: str) -> bool:
    name = monitor[4:] if monitor.startswith('val_') else monitor
    return any(part in name for part in ('acc', 'auc', 'precision', 'recall', 'top_k'))


class Callback:
    def __init__(self, args: Dict[str, Any]):
        self.args = args
        self._warned = False

    def arg(self, key: str) -> Any:
        """The Keras argument `key`: the training plan writes every one, so none has a default here."""
        return arg(self.args, key, f'callback {type(self).__name__}')

    def on_train_begin(self, trainer) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: Logs, trainer) -> None:
        pass

    def on_train_end(self, trainer) -> None:
        pass

    def monitor_value(self, monitor: str, logs: Logs, trainer) -> Optional[float]:
        value = logs.get(monitor)
        if value is None and not self._warned:
            self._warned = True
            trainer.sink.log(f"{type(self).__name__}: '{monitor}' is not available (available: "
                             f"{', '.join(sorted(logs))}); the callback does nothing", 'warning')
        return value


class EarlyStopping(Callback):
    def __init__(self, args):
        super().__init__(args)
        self.monitor = self.arg('monitor')
        self.patience = int(self.arg('patience'))
        self.baseline = args.get('baseline')
        self.restore_best_weights = bool(self.arg('restore_best_weights'))
        self.start_from_epoch = int(self.arg('start_from_epoch'))
        mode = self.arg('mode')
        self.maximize = mode == 'max' or (mode == 'auto' and _is_max_metric(self.monitor)
                                          and not self.monitor.endswith('loss'))
        self.min_delta = abs(float(self.arg('min_delta')))

    def _improved(self, value: float, reference: Optional[float]) -> bool:
        if reference is None:
            return True
        if self.maximize:
            return value - self.min_delta > reference
        return value + self.min_delta < reference

    def on_train_begin(self, trainer):
        self.wait = 0
        self.best: Optional[float] = None
        self.best_weights = None
        self.best_epoch = 0
        self.stopped_epoch = 0

    def on_epoch_end(self, epoch, logs, trainer):
        current = self.monitor_value(self.monitor, logs, trainer)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = trainer.get_weights()
        self.wait += 1
        if self._improved(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = trainer.get_weights()
            if self.baseline is None or self._improved(current, float(self.baseline)):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            trainer.stop_training = True
            restore = self.restore_best_weights and self.best_weights is not None
            if restore:
                trainer.set_weights(self.best_weights)
            # Facts only: training/callback-events.ts words them for both engines.
            event: CallbackEvent = {'type': 'callback', 'callback': 'EarlyStopping', 'action': 'stopTraining',
                                    'epoch': epoch + 1, 'monitor': self.monitor, 'wait': self.wait}
            if self.best is not None:
                event['best'] = float(self.best)
                event['bestEpoch'] = self.best_epoch + 1
            if restore:
                event['restoredEpoch'] = self.best_epoch + 1
            trainer.sink.emit(event)


class ReduceLROnPlateau(Callback):
    def __init__(self, args):
        super().__init__(args)
        self.monitor = self.arg('monitor')
        self.factor = float(self.arg('factor'))
        if self.factor >= 1.0:
            raise ValueError('ReduceLROnPlateau does not support a factor >= 1.0')
        self.patience = int(self.arg('patience'))
        self.min_delta = float(self.arg('min_delta'))
        self.cooldown = int(self.arg('cooldown'))
        self.min_lr = float(self.arg('min_lr'))
        mode = self.arg('mode')
        # Keras: auto means min unless 'acc' is in the monitor's name.
        self.maximize = mode == 'max' or (mode == 'auto' and 'acc' in self.monitor)

    def on_train_begin(self, trainer):
        self.best = -math.inf if self.maximize else math.inf
        self.wait = 0
        self.cooldown_counter = 0

    def _better(self, current, best):
        return current > best + self.min_delta if self.maximize else current < best - self.min_delta

    def on_epoch_end(self, epoch, logs, trainer):
        logs['learning_rate'] = trainer.learning_rate  # Keras 3 adds it, so later callbacks (CSVLogger) see it
        current = self.monitor_value(self.monitor, logs, trainer)
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._better(current, self.best):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = trainer.learning_rate
                if old > self.min_lr * (1 + 1e-7):
                    new = max(old * self.factor, self.min_lr)
                    trainer.learning_rate = new
                    trainer.sink.emit({'type': 'callback', 'callback': 'ReduceLROnPlateau',
                                       'action': 'reduceLearningRate', 'epoch': epoch + 1, 'monitor': self.monitor,
                                       'wait': self.wait, 'oldLearningRate': float(old), 'newLearningRate': float(new)})
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class ModelCheckpoint(Callback):
    """save_best_only: <runDir>/best/ holds the best model so far; otherwise every epoch is
    saved to <runDir>/checkpoints/epoch-NNN/. Each save emits a `checkpoint` event."""

    def __init__(self, args):
        super().__init__(args)
        self.monitor = self.arg('monitor')
        self.save_best_only = bool(self.arg('save_best_only'))
        mode = self.arg('mode')
        self.maximize = mode == 'max' or (mode == 'auto' and ('acc' in self.monitor or self.monitor.startswith('fmeasure')))
        threshold = args.get('initial_value_threshold')
        self.best = float(threshold) if threshold is not None else (-math.inf if self.maximize else math.inf)

    def on_epoch_end(self, epoch, logs, trainer):
        if not self.save_best_only:
            path = os.path.join(trainer.run_dir, 'checkpoints', f'epoch-{epoch + 1:03d}')
            trainer.save_to(path)
            value = logs.get(self.monitor)
            trainer.sink.emit({'type': 'checkpoint', 'epoch': epoch + 1, 'path': path, 'monitor': self.monitor,
                               'value': value, 'best': False})
            return
        current = self.monitor_value(self.monitor, logs, trainer)
        if current is None:
            return
        improved = current > self.best if self.maximize else current < self.best
        if improved:
            self.best = current
            path = os.path.join(trainer.run_dir, 'best')
            trainer.save_to(path)
            trainer.sink.emit({'type': 'checkpoint', 'epoch': epoch + 1, 'path': path, 'monitor': self.monitor,
                               'value': current, 'best': True})


class CSVLogger(Callback):
    """Keras's columns: epoch (0-based), then the log keys sorted."""

    def __init__(self, args):
        super().__init__(args)
        self.filename = str(self.arg('filename'))
        self.separator = str(self.arg('separator'))
        self.append = bool(self.arg('append'))
        self.keys: Optional[List[str]] = None

    def on_train_begin(self, trainer):
        path = self.filename if os.path.isabs(self.filename) else os.path.join(trainer.run_dir, self.filename)
        make_dirs(os.path.dirname(path) or '.')
        self.path = path
        exists = self.append and os.path.exists(path) and os.path.getsize(path) > 0
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if self.append else os.O_TRUNC)
        try:
            self.fd = os.open(path, flags, 0o644)
        except OSError as e:
            raise disk_error(e, path) from e
        self.write_header = not exists

    def on_epoch_end(self, epoch, logs, trainer):
        if self.keys is None:
            self.keys = sorted(logs)
        rows = io.StringIO()
        writer = csv.writer(rows, delimiter=self.separator, lineterminator='\n')
        if self.write_header:
            writer.writerow(['epoch'] + self.keys)
            self.write_header = False
        writer.writerow([epoch] + [logs.get(k, 'NA') for k in self.keys])
        # Whole lines or nothing, and a full disk names the file (files.append_line).
        append_line(self.fd, self.path, rows.getvalue().encode('utf-8'))

    def on_train_end(self, trainer):
        try:
            os.close(self.fd)
        except OSError:
            pass


CALLBACKS = {'EarlyStopping': EarlyStopping, 'ReduceLROnPlateau': ReduceLROnPlateau,
             'ModelCheckpoint': ModelCheckpoint, 'CSVLogger': CSVLogger}


def make_callbacks(specs: List[CallbackSpec]) -> List[Callback]:
    out = []
    for spec in specs or []:
        cls = CALLBACKS.get(spec['name'])
        if cls is None:
            raise ValueError(f"callback '{spec['name']}' is not supported (supported: {', '.join(CALLBACKS)})")
        out.append(cls(dict(spec.get('args') or {})))
    return out
