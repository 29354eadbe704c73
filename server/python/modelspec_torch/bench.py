"""Throughput of the runner against a hand-written PyTorch loop on the same model.

    python3 -m modelspec_torch.bench [--model mlp|cnn|both] [--samples N] [--batch 128]

Both train on the same synthetic MNIST-shaped data (uint8 28x28, 10 classes) with the
same batch size: the reference is a plain nn.Sequential (NCHW), CrossEntropyLoss on logits
and torch's own optimizer, i.e. what one would write by hand. Prints one JSON line per
model with samples/s for each and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

from .device import choose_device, configure_threads
from .protocol import EventSink
from .train import StopRequest, Trainer


def keras_mlp():
    d = lambda name, units, act, **kw: {'class_name': 'Dense', 'config': {'name': name, 'units': units, 'activation': act, **kw}}
    return [d('dense', 512, 'relu', batch_input_shape=[None, 784]), {'class_name': 'Dropout', 'config': {'name': 'dropout', 'rate': 0.2}},
            d('dense_1', 512, 'relu'), {'class_name': 'Dropout', 'config': {'name': 'dropout_1', 'rate': 0.2}},
            d('dense_2', 10, 'softmax')], ('RMSprop', {}), (784,)


def keras_cnn():
    L = lambda c, **cfg: {'class_name': c, 'config': cfg}
    return [L('Conv2D', name='conv2d', batch_input_shape=[None, 28, 28, 1], filters=32, kernel_size=[3, 3], activation='relu'),
            L('Conv2D', name='conv2d_1', filters=64, kernel_size=[3, 3], activation='relu'),
            L('MaxPooling2D', name='max_pooling2d', pool_size=[2, 2]), L('Dropout', name='dropout', rate=0.25),
            L('Flatten', name='flatten'), L('Dense', name='dense', units=128, activation='relu'),
            L('Dropout', name='dropout_1', rate=0.5), L('Dense', name='dense_1', units=10, activation='softmax')], \
        ('Adadelta', {'learning_rate': 1.0}), (28, 28, 1)


def reference_model(kind: str) -> nn.Module:
    if kind == 'mlp':
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512), nn.ReLU(),
                             nn.Dropout(0.2), nn.Linear(512, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, 10))


def synthetic(n: int):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, n).astype(np.int32)
    x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    return x, y


def bench_reference(kind: str, x: np.ndarray, y: np.ndarray, batch: int, device: torch.device) -> float:
    model = reference_model(kind).to(device)
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3) if kind == 'mlp' else torch.optim.Adadelta(model.parameters(), lr=1.0)
    shape = (-1, 784) if kind == 'mlp' else (-1, 1, 28, 28)
    xt = torch.from_numpy(x).to(device)
    yt = torch.from_numpy(y).long().to(device)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(len(x), device=device)
        for s in range(0, len(x), batch):
            idx = perm[s:s + batch]
            xb = (xt[idx].float() / 255).reshape(shape)
            loss = loss_fn(model(xb), yt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        float(loss.item())  # one sync per epoch, so the timing includes all queued work

    epoch()  # warm-up (allocator, cuDNN autotuning)
    start = time.time()
    epoch()
    return len(x) / (time.time() - start)


def bench_runner(kind: str, x: np.ndarray, y: np.ndarray, batch: int, backend: str) -> float:
    layers, (opt, args), input_shape = keras_mlp() if kind == 'mlp' else keras_cnn()
    with tempfile.TemporaryDirectory() as tmp:
        x.tofile(os.path.join(tmp, 'x.bin'))
        y.tofile(os.path.join(tmp, 'y.bin'))
        spec = {
            'model': {'class_name': 'Sequential', 'config': {'name': kind, 'layers': layers}},
            'modelName': kind, 'sourceFile': '',
            'compile': {'loss': 'categorical_crossentropy', 'optimizer': {'name': opt, 'args': args}, 'metrics': ['accuracy']},
            'data': {'source': 'synthetic', 'train': {'x': {'path': os.path.join(tmp, 'x.bin'), 'dtype': 'uint8', 'shape': list(x.shape)},
                                                      'y': {'path': os.path.join(tmp, 'y.bin'), 'dtype': 'int32', 'shape': [len(y)]}},
                     'validationSplit': 0, 'rescale': 1 / 255, 'labelEncoding': 'onehot', 'shuffle': True, 'isImage': True},
            'fit': {'epochs': 2, 'batchSize': batch, 'seed': 1, 'callbacks': [], 'backend': backend, 'mixedPrecision': True},
            'runDir': os.path.join(tmp, 'run'),
        }
        events = []

        class Capture(EventSink):
            def emit(self, event):
                events.append(event)

        trainer = Trainer(spec, Capture(None), StopRequest())
        trainer.run()
        epochs = [e for e in events if e['type'] == 'epoch']
        return epochs[-1]['samplesPerSec']  # the second epoch: after warm-up


def run(kind: str, backend: str, samples: int, batch: int, rounds: int = 2):
    """Alternates reference and runner `rounds` times and keeps each one's best, so a busy
    machine penalises both alike. Yields one result dict."""
    device, name, _ = choose_device(backend)
    x, y = synthetic(samples)
    ref, ours = 0.0, 0.0
    for _ in range(rounds):
        torch.manual_seed(0)
        ref = max(ref, bench_reference(kind, x, y, batch, device))
        ours = max(ours, bench_runner(kind, x, y, batch, backend))
    yield {'model': f'mnist_{kind}', 'device': name, 'batchSize': batch, 'samples': samples,
           'referenceSamplesPerSec': round(ref, 1), 'runnerSamplesPerSec': round(ours, 1), 'ratio': round(ours / ref, 3)}


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--model', default='both', choices=['mlp', 'cnn', 'both'])
    parser.add_argument('--samples', type=int, default=0, help='samples per epoch (default: 12800 MLP, 3200 CNN on CPU, x10 on a GPU)')
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--backend', default='torch')
    args = parser.parse_args(argv)
    configure_threads()
    device, _, _ = choose_device(args.backend)
    for kind in (['mlp', 'cnn'] if args.model == 'both' else [args.model]):
        n = args.samples or ({'mlp': 12800, 'cnn': 3200}[kind] * (10 if device.type != 'cpu' else 1))
        for result in run(kind, args.backend, n, args.batch, args.rounds):
            print(json.dumps(result))
            sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
