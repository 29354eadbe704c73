"""A one-shot check of the engine on a CUDA machine (not part of the unit tests):

    node --import tsx test/bench/bench-models.ts /tmp/bench-models.json   # in the repository root
    cd python && MODELSPEC_TEST_CATALOG=/tmp/bench-models.json python3 -m tests.gpu_check [--quick]

The models and the catalog's defaults come from that file (the engine holds no Keras default).

Prints JSON lines: the probe; CPU-vs-CUDA first-batch loss on identical weights; short
MLP/CNN/RNN runs on CUDA with mixed precision (eager and torch.compile) with their
throughput and warnings; the runner-vs-hand-written benchmark.
"""
import json
import os
import sys
import tempfile
import time
import traceback

import torch

from modelspec_torch import bench
from modelspec_torch.device import probe
from modelspec_torch.protocol import EventSink
from modelspec_torch.train import StopRequest, Trainer, first_batch_loss
from tests.helpers import augment_args, catalog, keras_layer, optimizer_args


def out(**kw):
    line = json.dumps(kw)
    print(line, flush=True)
    if os.environ.get('OUT'):  # the device runner collects files written under $OUT
        with open(os.path.join(os.environ['OUT'], 'gpu_check.jsonl'), 'a') as f:
            f.write(line + '\n')


def spec_for(kind, tmp, n, backend, epochs=2, mixed=True):
    x, y = bench.synthetic(n)
    x.tofile(os.path.join(tmp, 'x.bin'))
    y.tofile(os.path.join(tmp, 'y.bin'))
    if kind == 'rnn':
        L = lambda c, **cfg: keras_layer(c, cfg)  # noqa: E731
        layers = [{'class_name': 'InputLayer', 'config': {'name': 'in', 'batch_shape': [None, 28, 28]}},
                  L('Bidirectional', name='bi', layer=L('LSTM', name='lstm', units=32, return_sequences=True)),
                  L('GRU', name='gru', units=32), L('BatchNormalization', name='bn'),
                  L('Dense', name='out', units=10, activation='softmax')]
        opt = {'name': 'Adam', 'args': optimizer_args('Adam')}
    else:
        model = catalog()['models'][kind]
        layers, opt = model['model']['config']['layers'], model['optimizer']
    files = lambda name, dt, s: {'path': os.path.join(tmp, name), 'dtype': dt, 'shape': s}  # noqa: E731
    return {
        'model': {'class_name': 'Sequential', 'config': {'name': kind, 'layers': layers}}, 'modelName': kind, 'sourceFile': '',
        'compile': {'loss': 'categorical_crossentropy', 'optimizer': opt, 'metrics': ['accuracy']},
        'data': {'source': 'synthetic', 'train': {'x': files('x.bin', 'uint8', [n, 28, 28]), 'y': files('y.bin', 'int32', [n])},
                 'test': {'x': files('x.bin', 'uint8', [n, 28, 28]), 'y': files('y.bin', 'int32', [n])},
                 'validationSplit': 0.1, 'rescale': 1 / 255, 'labelEncoding': 'onehot', 'shuffle': True, 'isImage': True,
                 'classes': [str(i) for i in range(10)],
                 **({'augment': augment_args(rotation_range=10, width_shift_range=0.1)} if kind == 'cnn' else {})},
        'fit': {'epochs': epochs, 'batchSize': 128, 'seed': 1, 'callbacks': [{'name': 'ReduceLROnPlateau', 'args': {**catalog()['callbacks']['ReduceLROnPlateau'], 'patience': 1}}],
                'backend': backend, 'mixedPrecision': mixed, 'devices': 1, 'nnodes': 1},
        'runDir': os.path.join(tmp, 'run'),
    }


class Capture(EventSink):
    def __init__(self):
        super().__init__(None)
        self.events = []

    def emit(self, event):
        self.events.append(event)


def train_run(kind, n, compile_, mixed=True):
    os.environ['MODELSPEC_TORCH_COMPILE'] = '1' if compile_ else '0'
    with tempfile.TemporaryDirectory() as tmp:
        spec = spec_for(kind, tmp, n, 'torch:cuda', mixed=mixed)
        sink = Capture()
        start = time.time()
        code = Trainer(spec, sink, StopRequest()).run()
        ev = sink.events
        epochs = [e for e in ev if e['type'] == 'epoch']
        out(check='train', kind=kind, compile=compile_, mixed=mixed, code=code, wall=round(time.time() - start, 2),
            batches=len([e for e in ev if e['type'] == 'batch']),
            epochSamplesPerSec=[round(e['samplesPerSec']) for e in epochs], valAcc=[e.get('valMetrics') for e in epochs],
            evaluated=[{'loss': e['loss'], **e['metrics']} for e in ev if e['type'] == 'evaluated'],
            logs=[e['message'][:300] for e in ev if e['type'] == 'log'],
            failed=[e['message'][:500] for e in ev if e['type'] == 'failed'],
            files=sorted(os.listdir(spec['runDir'])) if os.path.isdir(spec['runDir']) else [])


def main():
    out(check='probe', **probe())
    for kind in ('mlp', 'cnn', 'rnn'):
        with tempfile.TemporaryDirectory() as tmp:
            spec = spec_for(kind, tmp, 512, 'torch:cpu', mixed=False)
            cpu = first_batch_loss(spec)
            spec['fit']['backend'] = 'torch:cuda'
            gpu = first_batch_loss(spec)
            out(check='parity', kind=kind, cpu=cpu['loss'], cuda=gpu['loss'], diff=abs(cpu['loss'] - gpu['loss']))
    quick = '--quick' in sys.argv  # eager runs only (torch.compile is opt-in and slow to start)
    for kind, n, compile_ in (('mlp', 60000, False), ('mlp', 60000, True), ('cnn', 60000, False), ('cnn', 60000, True),
                              ('rnn', 20000, False)):
        if quick and compile_:
            continue
        try:
            train_run(kind, n, compile_)
        except Exception:  # noqa: BLE001
            out(check='train', kind=kind, compile=compile_, error=traceback.format_exc()[-1500:])
    try:
        train_run('mlp', 20000, False, mixed=False)
    except Exception:  # noqa: BLE001
        out(check='train', kind='mlp-fp32', error=traceback.format_exc()[-1500:])
    os.environ['MODELSPEC_TORCH_COMPILE'] = '0'
    for kind in ('mlp', 'cnn'):
        for line in bench.run(kind, 'torch:cuda', 60000, 128, catalog()['models'], rounds=2):
            out(check='bench', **line)


if __name__ == '__main__':
    sys.exit(main())
