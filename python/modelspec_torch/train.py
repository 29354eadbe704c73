"""The training loop: Keras's fit/evaluate with the run protocol's events.

Performance rules: data stays on the device (data.py); the loop never reads a value back
to the host per batch. Loss, metrics and a "first non-finite batch" marker accumulate on
the device and are read at most every READ_INTERVAL seconds (and at each epoch end); the
first batch of a run is always reported at once so a chart appears within seconds.
"""
from __future__ import annotations

import contextlib
import copy
import math
import os
import random
import time
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from . import callbacks as callbacks_mod
from . import evaluate as evaluate_mod
from .constraints import apply_constraints, constrained_weights
from .regularizers import total_penalty, weight_penalties
from .data import DeviceSplit, build_splits
from .device import choose_device, cuda_grad_scaler
from .distributed import Forward, Placement, Replicas, synchronized_batch_norms
from .export import export_onnx, save_model
from .activations import get_activation
from .args import arg
from .losses import canonical_name, get_loss
from .metrics import Metric, make_metrics, results
from .memory_format import apply_channels_last
from .model import KerasSequential, load_adapted_weights, load_keras_weights, param_counts, trainable_parameters
from .optimizers import make_optimizer
from .protocol import EpochEvent, EvaluatedEvent, EventSink, InitialWeights, LayerWeights, RunSpec, now_iso

READ_INTERVAL = 0.25  # seconds between host reads of the running loss/metrics


class RunFailed(Exception):
    """A failure with a message meant for the user (no traceback needed)."""

    def __init__(self, message: str, epoch: Optional[int] = None, batch: Optional[int] = None):
        super().__init__(message)
        self.epoch, self.batch = epoch, batch


class StopRequest:
    """Set from a signal handler or the stdin reader; checked once per batch."""

    def __init__(self):
        self.requested = False
        self.reason = ''

    def request(self, reason: str) -> None:
        if not self.requested:
            self.reason = reason
        self.requested = True


def seed_everything(seed: Optional[int]) -> int:
    if seed is None:
        seed = int.from_bytes(os.urandom(4), 'little') & 0x7FFFFFFF
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)
    return seed


def load_initial_weights(model: KerasSequential, initial: InitialWeights) -> None:
    """spec.initialWeights: Keras-ordered tensors for all layers, or for the first
    initial['layers'] (a Pretrained model's part). Problems name the file they came from."""
    from .data import read_tensor
    source = initial.get('source') or 'initialWeights'
    try:
        arrays = [np.asarray(read_tensor(f), dtype=np.float32) for f in initial['tensors']]
        load_keras_weights(model, arrays, initial.get('layers'))
    except (OSError, ValueError) as e:
        raise RunFailed(f'cannot load the weights of {source}: {e}') from e


def build_checked_model(spec: RunSpec) -> KerasSequential:
    """The model with Keras's initial weights (or spec.initialWeights), parameter counts
    checked against the checker's."""
    model = KerasSequential(spec['model'])
    expected = spec.get('expectedParams')
    counts = param_counts(model)
    if expected and (int(expected['total']), int(expected['trainable']), int(expected['nonTrainable'])) != (
            counts['total'], counts['trainable'], counts['nonTrainable']):
        raise RunFailed(
            f"the PyTorch model has {counts['total']:,} parameters ({counts['trainable']:,} trainable, "
            f"{counts['nonTrainable']:,} non-trainable) but the checker expects {int(expected['total']):,} "
            f"({int(expected['trainable']):,} trainable, {int(expected['nonTrainable']):,} non-trainable); "
            f"this is a bug in one of them")
    for part in spec.get('layerWeights') or []:
        load_layer_weights(model, part)
    if spec.get('initialWeights'):
        load_initial_weights(model, spec['initialWeights'])
    if spec.get('adapted'):
        try:
            load_adapted_weights(model, spec['adapted'])
        except ValueError as e:
            raise RunFailed(str(e)) from e
    return model


def load_layer_weights(model: KerasSequential, part: LayerWeights) -> None:
    """spec.layerWeights: one layer's Keras-ordered tensors (an application's weights file)."""
    from .data import read_tensor
    layer = next((l for l in model.layer_list if l.layer_name == part['layer']), None)
    if layer is None:
        raise RunFailed(f"cannot load {part['source']}: the model has no layer '{part['layer']}'")
    if len(part['tensors']) != len(layer.keras_weights):
        raise RunFailed(f"cannot load {part['source']} into '{part['layer']}': {len(part['tensors'])} tensors "
                        f"given, the layer has {len(layer.keras_weights)} weights")
    pairs = layer.inner_weights if hasattr(layer, 'inner_weights') else [(layer, w) for w in layer.keras_weights]
    for (owner, w), f in zip(pairs, part['tensors']):
        value = np.asarray(read_tensor(f), dtype=np.float32)
        if tuple(value.shape) != w.shape:
            raise RunFailed(f"cannot load {part['source']}: {owner.layer_name}/{w.name} of '{part['layer']}' "
                            f"has shape {w.shape}, the file's has {tuple(value.shape)}")
        w.set(torch.from_numpy(value))


class CompiledOrEager:
    """Calls the torch.compile'd model; if compiling fails, logs it once and continues eagerly."""

    def __init__(self, compiled, eager, sink):
        self.compiled, self.eager, self.sink = compiled, eager, sink
        self.failed = False

    def __call__(self, x):
        if not self.failed:
            try:
                return self.compiled(x)
            except Exception as e:  # noqa: BLE001 - compiler problems must not end the run
                self.failed = True
                self.sink.log(f'torch.compile failed ({type(e).__name__}: {str(e).splitlines()[0][:200]}); '
                              f'running eagerly', 'warning')
        return self.eager(x)


class Trainer:
    def __init__(self, spec: RunSpec, sink: EventSink, stop: StopRequest, placement: Optional[Placement] = None):
        self.spec = spec
        self.replicas = Replicas(placement)  # one process unless torchrun, srun or the launcher started several
        self.sink = sink
        self.stop = stop
        self.run_dir = spec['runDir']
        self.fit = spec['fit']
        self.stop_training = False
        self.stop_reason = ''
        self.start_time = time.time()
        self.current_epoch: Optional[int] = None  # 1-based, for a failure's event

    # The interface callbacks use ---------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate = value

    def get_weights(self):
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def set_weights(self, state) -> None:
        self.model.load_state_dict(state)

    def save_to(self, directory: str) -> str:
        return save_model(self.model, directory)

    # Setup -------------------------------------------------------------------------------

    def setup(self) -> None:
        spec = self.spec
        self.device, self.device_name, self.reason = choose_device(str(self.fit['backend']))
        self.device = self.replicas.start(self.device)
        # Every rank needs the same seed (same initial weights, same shuffled order): rank 0's.
        seed = self.fit.get('seed')
        if self.replicas.active and seed is None:
            seed = self.replicas.broadcast_int(int.from_bytes(os.urandom(4), 'little') & 0x7FFFFFFF)
        self.seed = seed_everything(seed)
        # Why this engine was chosen (by the launcher), then why this device (here).
        if self.fit.get('engineReason'):
            self.reason = f"{self.fit['engineReason']}; {self.reason}"
        self.model = build_checked_model(spec).to(self.device)
        self.memory_format_note = apply_channels_last(self.model, self.device.type)
        self.net: Optional[torch.nn.Module] = None  # the DistributedDataParallel forward
        if self.replicas.active:
            self.net = self.replicas.wrap(Forward(self.model))
            torch.manual_seed(self.seed + self.replicas.rank)  # each replica its own dropout masks
        data = spec['data']
        self.train_split, self.val_split, self.test_split, self.augmenter = build_splits(
            data, self.device, self.model.input_shape, self.model.output_shape)
        self.targets_are_inputs = data.get('classMode') == 'input'
        compile_ = spec['compile']
        self.loss_name = compile_['loss']
        self.loss_fn = get_loss(self.loss_name)
        units = int(self.model.output_shape[-1])
        sparse = data.get('labelEncoding') == 'index'
        self.metric_names = list(compile_['metrics'])
        self.make_metrics = lambda: make_metrics(self.metric_names, self.loss_name, units, sparse)
        self.fused_loss = self._fused_softmax_crossentropy()
        opt = compile_['optimizer']
        self.optimizer = make_optimizer(opt['name'], dict(opt.get('args') or {}), trainable_parameters(self.model))
        self.constrained = constrained_weights(self.model)  # applied after each step, as Keras does
        self.penalties = weight_penalties(self.model)  # added to the loss, as Keras adds model.losses
        self.callbacks = callbacks_mod.make_callbacks(self.fit['callbacks'])
        if not self.replicas.is_main:  # files are written by rank 0 only
            self.callbacks = [cb for cb in self.callbacks if not isinstance(cb, (callbacks_mod.ModelCheckpoint, callbacks_mod.CSVLogger))]
        self.batch_size = int(self.fit['batchSize'])
        self.epochs = int(self.fit['epochs'])
        self.steps = math.ceil(len(self.train_split) / self.batch_size)
        self._setup_precision()
        self.forward = self._maybe_compile()
        # Shuffling draws from its own seeded generator, so the order does not depend on
        # how many random numbers dropout or augmentation used.
        self.shuffle_gen = torch.Generator().manual_seed(self.seed)

    def _setup_precision(self) -> None:
        """Keras's dtype policies: 'mixed_float16' (float16 autocast with a loss scaler, CUDA),
        'mixed_bfloat16' (bfloat16 autocast on a GPU that has it, or the CPU), 'float32'. With
        no policy named, CUDA runs mixed (bfloat16 where supported) and other devices float32."""
        self.autocast_dtype = None
        self.scaler = None
        policy = self.fit.get('precisionPolicy')
        cuda = self.device.type == 'cuda'
        if policy == 'mixed_float16':
            if not cuda:
                raise RunFailed(f"mixed_precision 'mixed_float16' needs a CUDA GPU (this run is on {self.device_name}); "
                                f"use 'mixed_bfloat16' on the CPU, or 'float32'")
            self._float16_with_scaler()
        elif policy == 'mixed_bfloat16':
            if cuda and not torch.cuda.is_bf16_supported():
                raise RunFailed(f"mixed_precision 'mixed_bfloat16' needs a GPU with bfloat16 ({self.device_name} has none); "
                                f"use 'mixed_float16' there")
            if self.device.type not in ('cuda', 'cpu'):
                raise RunFailed(f"mixed_precision 'mixed_bfloat16' runs on CUDA GPUs and the CPU, not on {self.device_name}; use 'float32'")
            self.autocast_dtype = torch.bfloat16
        elif cuda and policy is None and self.fit['mixedPrecision']:
            if torch.cuda.is_bf16_supported():
                self.autocast_dtype = torch.bfloat16  # no loss scaling needed
            else:
                self._float16_with_scaler()
        if cuda and self.autocast_dtype is not None:
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        if cuda:
            torch.backends.cudnn.benchmark = True

    def _float16_with_scaler(self) -> None:
        self.autocast_dtype = torch.float16
        self.scaler = cuda_grad_scaler()

    def _autocast(self):
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.autocast_dtype)

    def _maybe_compile(self):
        """torch.compile is opt-in (MODELSPEC_TORCH_COMPILE=1): on an H100 with torch 2.11 it
        was slower than eager for mnist_mlp, mnist_cnn and a small RNN (compile time, and
        recompiles for the last partial batch and for evaluation), so by default it does
        not pay for the models this engine trains."""
        if os.environ.get('MODELSPEC_TORCH_COMPILE') != '1' or not hasattr(torch, 'compile'):
            return self.model
        try:
            return CompiledOrEager(torch.compile(self.model), self.model, self.sink)
        except Exception as e:  # noqa: BLE001
            self.sink.log(f'torch.compile unavailable ({e}); running eagerly', 'warning')
            return self.model

    # Events ------------------------------------------------------------------------------

    def emit_started(self) -> None:
        counts = param_counts(self.model)
        self.sink.emit({
            'type': 'started', 'time': now_iso(), 'engine': 'torch', 'backend': self.device.type,
            'device': self.device_name, 'reason': self.reason, 'params': counts,
            'samples': {'train': len(self.train_split), 'validation': len(self.val_split) if self.val_split else 0,
                        'test': len(self.test_split) if self.test_split else 0},
            'epochs': self.epochs, 'batchSize': self.batch_size, 'stepsPerEpoch': self.steps,
            'runDir': self.run_dir, 'model': self.spec.get('modelName', ''),
            'worldSize': self.replicas.world_size,
            'nodes': self.replicas.placement.nnodes if self.replicas.placement else 1,
            'devices': [self.device_name] * (self.replicas.placement.local_world_size if self.replicas.placement else 1),
        })
        if self.replicas.active:
            p = self.replicas.placement
            assert p is not None
            per_replica = self.batch_size / p.world_size
            self.sink.log(f'data-parallel: {p.world_size} replicas on {p.nnodes} machine{"s" if p.nnodes != 1 else ""} '
                          f'({p.launcher}, {"NCCL" if self.device.type == "cuda" else "gloo"}); the global batch of '
                          f'{self.batch_size} is split into about {per_replica:g} samples per replica')
            synced = synchronized_batch_norms(self.model)
            if synced:
                self.sink.log(f'{", ".join(synced)}: batch statistics over the global batch (synchronized=True)')
        if self.memory_format_note:
            self.sink.log(self.memory_format_note)
        if self.autocast_dtype is not None:
            self.sink.log(f'mixed precision: {str(self.autocast_dtype).replace("torch.", "")} autocast on {self.device.type.upper()}'
                          + (' with a loss scaler' if self.scaler is not None else ''))
        if self.fit.get('seed') is None:
            self.sink.log(f'random seed {self.seed} (set seed: {self.seed} in the fit block to repeat this run)')

    # The loop ----------------------------------------------------------------------------

    def _fused_softmax_crossentropy(self):
        """Keras on TensorFlow computes a crossentropy that follows a softmax from the logits,
        in one fused kernel (numerically safer, and fewer kernels than softmax, clip and log).
        Training does the same when the model ends in Dense(..., activation='softmax') and the
        metrics only compare arg-maxes, which logits give as probabilities do."""
        loss = canonical_name(self.loss_name)
        if loss not in ('categorical_crossentropy', 'sparse_categorical_crossentropy'):
            return None
        if any(m not in ('accuracy', 'acc', 'categorical_accuracy', 'sparse_categorical_accuracy') for m in self.metric_names):
            return None
        last = self.model.layer_list[-1]
        if len(self.model.layer_list) - 1 in self.model.activity:
            return None  # its activity penalty needs the softmax output
        if last.class_name != 'Dense' or getattr(last, 'activation', None) is not get_activation('softmax'):
            return None
        if loss == 'sparse_categorical_crossentropy':
            return lambda y, z: torch.nn.functional.cross_entropy(z, y.reshape(z.shape[:-1]).long(), reduction='none')
        return lambda y, z: -(y * torch.log_softmax(z, dim=-1)).sum(dim=-1)

    def _apply_gradients(self, loss: torch.Tensor) -> None:
        """One optimizer step from a batch's loss (through the loss scaler under mixed_float16),
        then the weight constraints, as Keras applies them after each step. Also the lr finder's step."""
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        if self.constrained:
            apply_constraints(self.constrained)

    def _forward_loss(self, x, y):
        # Training steps of a data-parallel run go through DDP (gradients averaged over the
        # replicas); evaluation runs the plain model on each rank, with no collectives.
        net = self.net if (self.net is not None and self.model.training) else None
        if self.fused_loss is not None and self.model.training:
            with self._autocast():
                z = net(x, True) if net is not None else self.model.forward_logits(x)
            z = z.float()  # the arg-max metrics read logits as they would probabilities
            return z, self._regularized(self.fused_loss(y, z).mean())
        with self._autocast():
            p = net(x) if net is not None else self.forward(x)
        p = p.float()  # losses and metrics in float32, as Keras's mixed precision does
        return p, self._regularized(self.loss_fn(y, p).mean())

    def _regularized(self, loss: torch.Tensor) -> torch.Tensor:
        """The loss plus the weight penalties and this batch's activity penalties, as Keras adds
        model.losses."""
        if self.penalties:
            loss = loss + total_penalty(self.penalties)
        if self.model.activity_penalty is not None:
            loss = loss + self.model.activity_penalty
        return loss

    def train_epoch(self, epoch: int) -> Optional[Dict[str, float]]:
        """One epoch; returns the train logs, or None when a stop was requested."""
        self.model.train()
        split = self.train_split
        if arg(self.spec['data'], 'shuffle', 'the data block'):
            order = torch.randperm(len(split), generator=self.shuffle_gen).to(split.index_device())
        else:
            order = torch.arange(len(split), device=split.index_device())
        metrics = self.make_metrics()
        # Each batch's mean loss stays on the device; reads weight them by batch size (as
        # Keras's loss tracker does) and find the first non-finite one.
        batch_losses = torch.zeros(self.steps, device=self.device)
        epoch_start = time.time()
        last_read = 0.0
        seen = 0
        for b in range(self.steps):
            due = (epoch == 0 and b == 0) or time.time() - last_read >= READ_INTERVAL
            # Replicas agree on stopping (after the same batch) and on reporting (rank 0's clock).
            stop_now, read_now = self.replicas.agree([self.stop.requested, due and self.replicas.is_main])
            if stop_now:
                if not self.stop.requested:
                    self.stop.request('stopped on another replica')
                return None
            index = order[b * self.batch_size:(b + 1) * self.batch_size]
            global_n = int(index.numel())
            index, share = self.replicas.shard(index)
            empty = index.numel() == 0
            if empty:  # fewer samples than replicas: a zero-weighted sample keeps DDP's hooks in step
                index = order[:1]
            x, y = split.batch(index)
            if self.augmenter is not None:
                x = self.augmenter(x)
            if self.targets_are_inputs:  # class_mode 'input': the targets are the (augmented) inputs
                y = x.reshape(y.shape)
            p, loss = self._forward_loss(x, y)
            if self.replicas.active:
                loss = loss * share
                if empty:
                    p, y = p[:0], y[:0]
            self._apply_gradients(loss)
            seen += global_n
            # A replica's weighted loss over the number of replicas sums to the global mean.
            batch_losses[b] = loss.detach() / self.replicas.world_size if self.replicas.active else loss.detach()
            with torch.no_grad():
                for m in metrics:
                    m.update(y, p.detach())
            now = time.time()
            if read_now if self.replicas.active else due:
                last_read = now
                logs = {'loss': self._mean_loss(batch_losses, b + 1, seen, epoch)}
                logs.update(self._metric_results(metrics))
                self.sink.emit({'type': 'batch', 'epoch': epoch + 1, 'batch': b + 1, 'batches': self.steps,
                                'loss': logs.pop('loss'), 'metrics': logs,
                                'samplesPerSec': seen / max(now - epoch_start, 1e-9),
                                'time': now - self.start_time})
        logs = {'loss': self._mean_loss(batch_losses, self.steps, seen, epoch)}
        logs.update(self._metric_results(metrics))
        self.epoch_seconds = time.time() - epoch_start
        self.epoch_samples = seen
        return logs

    def _mean_loss(self, batch_losses: torch.Tensor, batches: int, seen: int, epoch: int) -> float:
        """The batch-size-weighted mean of the first `batches` losses; fails on NaN/Inf."""
        losses = self.replicas.sum_(batch_losses[:batches])
        last_size = seen - (batches - 1) * self.batch_size
        total = float((losses[:-1].sum() * self.batch_size + losses[-1] * last_size).item())
        if not math.isfinite(total):
            bad = int(torch.nonzero(~torch.isfinite(losses))[0, 0].item()) + 1
            raise RunFailed(
                f'the loss became NaN or infinite at epoch {epoch + 1}, batch {bad}; training diverged. '
                f'Try a lower learning rate (now {self.learning_rate:g}), or check the data for NaN/huge values.',
                epoch=epoch + 1, batch=bad)
        return total / seen

    def _metric_results(self, metrics: List[Metric]) -> Dict[str, float]:
        """The metrics' values; in a data-parallel run, over the samples of every replica."""
        if not self.replicas.active:
            return {m.name: m.result() for m in metrics}
        out = {}
        for m in metrics:
            merged = copy.copy(m)
            if m.total is not None:
                merged.total = self.replicas.sum_(m.total.double())
                count = m.count if isinstance(m.count, torch.Tensor) else torch.tensor(float(m.count or 0))
                merged.count = self.replicas.sum_(count.double().to(m.total.device))
            out[m.name] = merged.result()
        return out

    @torch.no_grad()
    def evaluate_split(self, split: DeviceSplit, collect: bool = False):
        """Keras's evaluate: loss and metrics over the split; optionally the predictions."""
        self.model.eval()
        loss_tracker, metrics = Metric('loss'), self.make_metrics()
        preds, trues = [], []
        for x, y in split.batches(self.batch_size):
            p, loss = self._forward_loss(x, y)
            loss_tracker._add(loss * x.shape[0], x.shape[0])
            for m in metrics:
                m.update(y, p)
            if collect:
                preds.append(p)
                trues.append(y)
        self.model.train()
        logs = results(loss_tracker, metrics)
        if collect:
            return logs, torch.cat(preds), torch.cat(trues)
        return logs

    def run(self) -> int:
        self.setup()
        self.emit_started()
        if self.spec.get('mode') == 'evaluate':
            return self.evaluate_only()
        if self.spec.get('mode') == 'lr-find':
            from .lr_find import range_test
            return range_test(self)
        for cb in self.callbacks:
            cb.on_train_begin(self)
        epochs_done = 0
        try:
            for epoch in range(self.epochs):
                self.current_epoch = epoch + 1
                train_logs = self.train_epoch(epoch)
                if train_logs is None:
                    return self._stopped(epoch + 1)
                val_logs = self.evaluate_split(self.val_split) if self.val_split is not None else None
                self._emit_epoch(epoch, train_logs, val_logs)
                logs = dict(train_logs)
                if val_logs:
                    logs.update({f'val_{k}': v for k, v in val_logs.items()})
                for cb in self.callbacks:
                    cb.on_epoch_end(epoch, logs, self)
                epochs_done = epoch + 1
                if self.stop_training:
                    if self.stop_reason:  # callbacks.py's own say why in a `callback` event
                        self.sink.log(self.stop_reason)
                    break
                if self.stop.requested:
                    return self._stopped(epoch + 1)
        finally:
            for cb in self.callbacks:
                cb.on_train_end(self)
        if not self.replicas.is_main:  # rank 0 evaluates and saves
            self.sink.emit({'type': 'finished', 'time': now_iso(), 'epochs': epochs_done,
                            'seconds': time.time() - self.start_time, 'modelPath': ''})
            return 0
        if self.test_split is not None:
            self._evaluate_test()
        model_path = self._save_final()
        self.sink.emit({'type': 'finished', 'time': now_iso(), 'epochs': epochs_done,
                        'seconds': time.time() - self.start_time, 'modelPath': model_path})
        return 0

    def evaluate_only(self) -> int:
        """`modelspec evaluate`: the loaded weights on the test split, nothing trained or saved."""
        if self.test_split is None:
            raise RunFailed('there is no test data to evaluate on; add test: to the data block')
        self._evaluate_test()
        self.sink.emit({'type': 'finished', 'time': now_iso(), 'epochs': 0,
                        'seconds': time.time() - self.start_time, 'modelPath': ''})
        return 0

    def _emit_epoch(self, epoch: int, train_logs: Dict[str, float], val_logs: Optional[Dict[str, float]]) -> None:
        train_logs = dict(train_logs)
        event: EpochEvent = {'type': 'epoch', 'epoch': epoch + 1, 'epochs': self.epochs,
                              'loss': train_logs.pop('loss'), 'metrics': train_logs,
                              'learningRate': self.learning_rate, 'seconds': self.epoch_seconds,
                              'samplesPerSec': self.epoch_samples / max(self.epoch_seconds, 1e-9)}
        if val_logs is not None:
            val_logs = dict(val_logs)
            event['valLoss'] = val_logs.pop('loss')
            event['valMetrics'] = dict(val_logs)  # same keys as 'metrics'; readers add the val_ prefix
        self.sink.emit(event)

    def _stopped(self, epoch: int) -> int:
        # A stopped run keeps what it learned in every format a finished one has (model.onnx
        # included): stopping early is how many runs end, and predict prefers ONNX Runtime.
        model_path = self._save_final() if self.replicas.is_main else ''
        self.sink.emit({'type': 'stopped', 'time': now_iso(), 'reason': self.stop.reason or 'stop requested',
                        'epoch': epoch, 'modelPath': model_path})
        return 0

    def _save_final(self) -> str:
        path = save_model(self.model, self.run_dir)
        problem = export_onnx(self.model, os.path.join(self.run_dir, 'model.onnx'))
        if problem:
            self.sink.log(f'ONNX export skipped: {problem}', 'warning')
        return path

    def _evaluate_test(self) -> None:
        """The test split's `evaluated` event for the run's task (data.task; absent: loss and metrics only)."""
        logs, preds, trues = self.evaluate_split(self.test_split, collect=True)
        event: EvaluatedEvent = {'type': 'evaluated', 'loss': logs.pop('loss'), 'metrics': logs}
        data = self.spec['data']
        task = data.get('task')
        if task is not None:
            event['task'] = task
        units = int(self.model.output_shape[-1])
        split = self.test_split
        image_of = None
        if data.get('isImage') or data.get('imageShape'):
            # The input as the model sees it (rescaled), drawn as an image even when the model
            # reads it flattened (imageShape).
            shape = tuple(data['imageShape']) if data.get('imageShape') else tuple(split.input_shape)
            if len(shape) >= 2:
                image_of = lambda i: split.prepare_x(split.x[i:i + 1]).reshape(shape).float().cpu().numpy()  # noqa: E731
        if task in ('binary', 'multiclass') and preds.dim() == 2:
            classes = data.get('classes')
            n = max(units, 2)
            true_idx = evaluate_mod.true_class_indices(trues, data.get('labelEncoding', 'raw')).cpu().numpy()
            pred_idx, conf = evaluate_mod.predicted_class_indices(preds)
            pred_idx, conf = pred_idx.cpu().numpy(), conf.float().cpu().numpy()
            true_idx = np.clip(true_idx, 0, n - 1)
            event['confusionMatrix'] = evaluate_mod.confusion_matrix(true_idx, pred_idx, n)
            if classes:
                event['classes'] = list(classes)
            event['samples'] = evaluate_mod.pick_samples(true_idx, pred_idx, conf, classes, image_of)
        elif task in ('multilabel', 'regression', 'image-to-image'):
            count = int(preds.shape[0])
            p = preds.double().cpu().numpy().reshape(count, -1)
            y = trues.double().cpu().numpy().reshape(count, -1)
            out_shape = tuple(int(d) for d in self.model.output_shape)
            if task == 'multilabel':
                event['multiLabel'] = evaluate_mod.multilabel_report(y, p, data.get('classes'))
            elif task == 'regression':
                event['regression'] = evaluate_mod.regression_report(y, p)
            elif len(out_shape) == 3:
                input_of = image_of
                if input_of is None and len(split.input_shape) == 3:  # images from npy: (H, W, C) inputs
                    input_of = lambda i: split.prepare_x(split.x[i:i + 1])[0].float().cpu().numpy()  # noqa: E731
                event['images'] = evaluate_mod.image_report(y.reshape((count,) + out_shape),
                                                            p.reshape((count,) + out_shape), input_of)
        self.sink.emit(event)


def first_batch_loss(spec: RunSpec) -> Dict[str, Any]:
    """The loss and metrics of the first training batch (file order, inference mode, no
    update): for comparing engines on identical weights."""
    sink = EventSink(None)
    trainer = Trainer(spec, sink, StopRequest())
    trainer.setup()
    trainer.model.eval()
    x, y = next(trainer.train_split.batches(trainer.batch_size))
    with torch.no_grad():
        p, loss = trainer._forward_loss(x, y)
        metrics = trainer.make_metrics()
        for m in metrics:
            m.update(y, p)
    return {'loss': float(loss.item()), 'metrics': {m.name: m.result() for m in metrics},
            'batchSize': int(x.shape[0]), 'loss_name': canonical_name(trainer.loss_name)}
