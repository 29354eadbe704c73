"""Shared helpers: one-layer models from Keras configs, and Keras-layout reference math in numpy."""
import json
import os

import numpy as np
import torch

from modelspec_torch.model import KerasSequential, keras_weights, load_keras_weights

torch.set_num_threads(1)


def _catalog():
    """The catalog's defaults (test/helpers/keras-defaults.ts catalogDefaults), written by
    test/training/torch/python-unit.test.ts: the engine holds no Keras default, and neither do
    these tests."""
    path = os.environ.get('MODELSPEC_TEST_CATALOG')
    if not path:
        raise RuntimeError('MODELSPEC_TEST_CATALOG is not set: run these tests through '
                           'test/training/torch/python-unit.test.ts, which writes the catalog defaults')
    with open(path, encoding='utf8') as f:
        return json.load(f)


_CATALOG = None


def catalog():
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = _catalog()
    return _CATALOG


def keras_layer(layer_class, config):
    """{class_name, config}: the given Keras arguments over the catalog's defaults (and so
    for a wrapper's inner layer)."""
    config = dict(config)
    inner = config.get('layer')
    if isinstance(inner, dict) and 'class_name' in inner:
        config['layer'] = keras_layer(inner['class_name'], inner.get('config') or {})
    return {'class_name': layer_class, 'config': {**catalog()['layers'].get(layer_class, {}), **config}}


def optimizer_args(name, **given):
    """An optimizer's arguments as the RunSpec carries them: the catalog's, then `given`."""
    return {**catalog()['optimizers'][name], **given}


def augment_args(**given):
    """ImageDataGenerator's arguments as the RunSpec carries them: the catalog's, then `given`."""
    return {**catalog()['augment'], **given}


def initializer(class_name):
    """An initializer's Keras JSON with the catalog's arguments, as the lowering writes it."""
    return catalog()['initializers'][class_name]


def model_of(layer_class, config, input_shape, extra_layers=()):
    layers = [{'class_name': 'InputLayer', 'config': {'name': 'in', 'batch_shape': [None, *input_shape]}},
              keras_layer(layer_class, {'name': 'layer', **config}),
              *[keras_layer(e['class_name'], e.get('config') or {}) for e in extra_layers]]
    return KerasSequential({'class_name': 'Sequential', 'config': {'name': 'm', 'layers': layers}})


def randomize(model, seed=0):
    """Random Keras-layout weights loaded into the model; returns them."""
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(0, 0.5, w.shape).astype(np.float32) for w in keras_weights(model)]
    load_keras_weights(model, arrays)
    return arrays


def run(model, x):
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(np.asarray(x, dtype=np.float32))).numpy()


def conv2d_reference(x, kernel, bias, stride, pads):
    """Keras/TF conv: x (N,H,W,C), kernel (kh,kw,C,F), pads ((top,bottom),(left,right))."""
    x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    kh, kw = kernel.shape[:2]
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, kernel.shape[3]), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out + bias


def sigmoid(z):
    return 1 / (1 + np.exp(-z))
