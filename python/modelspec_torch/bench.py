"""Throughput of the runner against a hand-written PyTorch loop on the same model.

    python3 -m modelspec_torch.bench --models FILE [--model mlp|cnn|both] [--samples N] [--batch 128] [--rounds 7]

FILE holds the runner's models (Keras's mnist_mlp and mnist_cnn, lowered from the examples by
the catalog, with their optimizers): `npm run bench:train` writes it, or
`node --import tsx test/bench/bench-models.ts FILE`. The engine holds no Keras default, so the
bench takes its configs from there rather than writing them by hand.

Both train on the same synthetic MNIST-shaped data (uint8 28x28, 10 classes) with the
same batch size: the reference is a plain nn.Sequential (NCHW), CrossEntropyLoss on logits
and torch's own optimizer, i.e. what one would write by hand. Both are set up once in this
process and their epochs interleave (see run()), so a shared machine's load falls on both.
Prints one JSON line per model: each one's median samples/s and the median of the
per-round ratios (bestRatio: best epoch against best epoch).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Dict, List, cast

import numpy as np
import torch
from torch import nn

from .device import choose_device, configure_allocator, configure_threads, cuda_grad_scaler
from .protocol import EventSink, RunSpec
from .train import StopRequest, Trainer


def load_models(path: str) -> Dict[str, Any]:
    """{'mlp': {'model', 'optimizer'}, 'cnn': ...} from the file test/bench/bench-models.ts writes."""
    try:
        with open(path, encoding='utf8') as f:
            return cast(Dict[str, Any], json.load(f)['models'])
    except (OSError, ValueError, KeyError) as e:
        raise SystemExit(f'{path}: cannot read the bench models ({e}); write them with '
                         '`node --import tsx test/bench/bench-models.ts FILE`')


INPUTS = {'mlp': (28, 28), 'cnn': (28, 28), 'cifar': (32, 32, 3)}  # the stored samples' shape (uint8)
TITLES = {'mlp': 'mnist_mlp', 'cnn': 'mnist_cnn', 'cifar': 'cifar_cnn'}


def reference_model(kind: str) -> nn.Module:
    if kind == 'cifar':
        conv = lambda i, o: [nn.Conv2d(i, o, 3, padding=1), nn.ReLU()]
        return nn.Sequential(*conv(3, 64), *conv(64, 64), nn.MaxPool2d(2), *conv(64, 128), *conv(128, 128), nn.MaxPool2d(2),
                             *conv(128, 256), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4096, 256), nn.ReLU(), nn.Linear(256, 10))
    if kind == 'mlp':
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512), nn.ReLU(),
                             nn.Dropout(0.2), nn.Linear(512, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, 10))


def synthetic(n: int, shape=(28, 28)):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, n).astype(np.int32)
    x = rng.integers(0, 256, (n,) + tuple(shape), dtype=np.uint8)
    return x, y


class Reference:
    """The hand-written loop: nn.Sequential (NCHW), CrossEntropyLoss on logits, torch.optim."""

    def __init__(self, kind: str, x: np.ndarray, y: np.ndarray, batch: int, device: torch.device, tuned: bool = False):
        self.model = reference_model(kind).to(device)
        self.opt = (torch.optim.RMSprop(self.model.parameters(), lr=1e-3) if kind == 'mlp'
                    else torch.optim.Adam(self.model.parameters(), lr=1e-3) if kind == 'cifar'
                    else torch.optim.Adadelta(self.model.parameters(), lr=1.0))
        self.shape = (-1, 784) if kind == 'mlp' else (-1, 1, 28, 28)
        self.nhwc = kind == 'cifar'  # stored as Keras's images are: (n, 32, 32, 3)
        # The best hand-tuned loop on a GPU: AMP (bfloat16, or float16 with a scaler), channels_last,
        # torch.compile where the installed torch has it.
        self.autocast: Any = None
        self.scaler: Any = None
        # channels_last is a layout of images (4-D tensors): not the MLP's flat batches.
        self.channels_last = tuned and device.type == 'cuda' and kind != 'mlp'
        if tuned and device.type == 'cuda':
            bf16 = torch.cuda.is_bf16_supported()
            self.autocast = torch.bfloat16 if bf16 else torch.float16
            self.scaler = None if bf16 else cuda_grad_scaler()
            if self.channels_last:
                self.model = self.model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # torch's stub lacks memory_format
            if hasattr(torch, 'compile'):
                self.model = torch.compile(self.model)
        self.xt = torch.from_numpy(x).to(device)
        self.yt = torch.from_numpy(y).long().to(device)
        self.loss_fn = nn.CrossEntropyLoss()
        self.batch, self.device, self.n = batch, device, len(x)

    def epoch(self) -> float:
        """One epoch; returns samples/s."""
        model, opt, loss_fn, xt, yt, batch, shape = self.model, self.opt, self.loss_fn, self.xt, self.yt, self.batch, self.shape
        start = time.time()
        perm = torch.randperm(self.n, device=self.device)
        for s in range(0, self.n, batch):
            idx = perm[s:s + batch]
            xb = (xt[idx].float() / 255)
            xb = xb.permute(0, 3, 1, 2) if self.nhwc else xb.reshape(shape)
            if self.channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            if self.autocast is not None:
                with torch.autocast('cuda', dtype=self.autocast):
                    loss = loss_fn(model(xb), yt[idx])
            else:
                loss = loss_fn(model(xb), yt[idx])
            opt.zero_grad(set_to_none=True)
            if self.scaler is not None:
                self.scaler.scale(loss).backward()
                self.scaler.step(opt)
                self.scaler.update()
            else:
                loss.backward()
                opt.step()
        float(loss.item())  # one sync per epoch, so the timing includes all queued work
        return self.n / (time.time() - start)


class Runner:
    """The engine's Trainer on the same data, set up once; epoch() runs Trainer.train_epoch,
    the loop a run uses, and returns the samples/s its epoch event would report."""

    def __init__(self, kind: str, x: np.ndarray, y: np.ndarray, batch: int, backend: str, models: Dict[str, Any]):
        model, optimizer = models[kind]['model'], models[kind]['optimizer']
        with tempfile.TemporaryDirectory() as tmp:
            x.tofile(os.path.join(tmp, 'x.bin'))
            y.tofile(os.path.join(tmp, 'y.bin'))
            spec = {
                'model': model, 'modelName': kind, 'sourceFile': '',
                'compile': {'loss': 'categorical_crossentropy', 'optimizer': optimizer, 'metrics': ['accuracy']},
                'data': {'source': 'synthetic', 'train': {'x': {'path': os.path.join(tmp, 'x.bin'), 'dtype': 'uint8', 'shape': list(x.shape)},
                                                          'y': {'path': os.path.join(tmp, 'y.bin'), 'dtype': 'int32', 'shape': [len(y)]}},
                         'validationSplit': 0, 'rescale': 1 / 255, 'labelEncoding': 'onehot', 'shuffle': True, 'isImage': True},
                'fit': {'epochs': 1000, 'batchSize': batch, 'seed': 1, 'callbacks': [], 'backend': backend, 'mixedPrecision': True, 'devices': 1, 'nnodes': 1},
                'runDir': os.path.join(tmp, 'run'),
            }
            self.events: List[Dict[str, Any]] = []
            events = self.events

            class Capture(EventSink):
                def emit(self, event):
                    events.append(event)

            # A partial RunSpec: no expectedParams, so the parameter counts are not checked.
            self.trainer = Trainer(cast(RunSpec, spec), Capture(None), StopRequest())
            self.trainer.setup()  # reads the data files: the folder can go afterwards
        self.epochs = 0

    def epoch(self) -> float:
        self.trainer.train_epoch(self.epochs)
        self.epochs += 1
        self.events.clear()
        return self.trainer.epoch_samples / max(self.trainer.epoch_seconds, 1e-9)


def run(kind: str, backend: str, samples: int, batch: int, models: Dict[str, Any], rounds: int = 7):
    """Sets up both loops once, warms each up with one epoch, then times `rounds` epochs of
    each, interleaved (reference then runner, then the other way round), so a machine that
    is busy for a while slows both alike. Reports each one's median epoch and the median of
    the per-round ratios (each pair ran back to back: on a shared machine this is far
    steadier than best against best, which is kept as bestRatio). Yields one result dict."""
    device, name, _ = choose_device(backend)
    x, y = synthetic(samples, INPUTS[kind])
    torch.manual_seed(0)
    ref, ours = Reference(kind, x, y, batch, device), Runner(kind, x, y, batch, backend, models)
    tuned = Reference(kind, x, y, batch, device, tuned=True) if device.type == 'cuda' else None
    ref.epoch()  # warm-up (allocator, cuDNN autotuning)
    ours.epoch()
    refs, runs = [], []
    for r in range(rounds):
        if r % 2 == 0:
            refs.append(ref.epoch())
            runs.append(ours.epoch())
        else:
            runs.append(ours.epoch())
            refs.append(ref.epoch())
    best_hand: Dict[str, Any] = {}
    if tuned is not None:
        tuned.epoch()  # warm-up: compilation, cuDNN autotuning
        best_hand = {'tunedSamplesPerSec': round(statistics.median(tuned.epoch() for _ in range(rounds)), 1)}
    yield {'model': TITLES[kind], 'device': name, 'batchSize': batch, 'samples': samples, **best_hand,
           'referenceSamplesPerSec': round(statistics.median(refs), 1),
           'runnerSamplesPerSec': round(statistics.median(runs), 1),
           'ratio': round(statistics.median(o / r for o, r in zip(runs, refs)), 3),
           'bestRatio': round(max(runs) / max(refs), 3), 'rounds': rounds}


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--models', required=True, help='the models file test/bench/bench-models.ts writes')
    parser.add_argument('--model', default='both', choices=['mlp', 'cnn', 'cifar', 'both', 'all'],
                        help="both: mlp and cnn; all: also cifar (a larger CNN on 32x32x3 at batch 256, for GPUs)")
    parser.add_argument('--samples', type=int, default=0, help='samples per epoch (default: 12800 MLP, 3200 CNN on CPU, x10 on a GPU)')
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--rounds', type=int, default=7, help='timed epochs of each, interleaved')
    parser.add_argument('--backend', default='torch')
    args = parser.parse_args(argv)
    configure_threads()
    configure_allocator()  # as the engine's process does; the reference shares the process
    device, _, _ = choose_device(args.backend)
    models = load_models(args.models)
    kinds = {'both': ['mlp', 'cnn'], 'all': ['mlp', 'cnn', 'cifar']}.get(args.model, [args.model])
    for kind in kinds:
        n = args.samples or ({'mlp': 12800, 'cnn': 3200, 'cifar': 1024}[kind] * (10 if device.type != 'cpu' else 1))
        batch = 256 if kind == 'cifar' and args.batch == 128 else args.batch
        for result in run(kind, args.backend, n, batch, models, args.rounds):
            print(json.dumps(result))
            sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
