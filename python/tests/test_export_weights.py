"""The PyTorch export's saved-weight loaders (modelspec_export/pytorch_weights.py) against the
engine: the same Keras-layout weights give the same outputs in the engine's layer and in the
plain torch.nn module the exported script builds, because both read them through
modelspec_torch/keras_layouts.py. And the export's table (pytorch_layers.py) is well formed."""
import string
import unittest

import numpy as np
import torch
from torch import nn

from modelspec_export import pytorch_helpers as h
from modelspec_export import pytorch_layers, pytorch_weights as w
from modelspec_torch import keras_layouts
from tests.helpers import model_of, randomize, run


def saved(engine_model, arrays):
    """The engine layer's weights by Keras name, as load_saved_weights returns one layer."""
    names = [weight.name for weight in engine_model.layer_list[-1].keras_weights]
    return dict(zip(names, arrays))


def torch_out(module, x):
    module.eval()
    with torch.no_grad():
        return module(torch.from_numpy(np.asarray(x, dtype=np.float32))).numpy()


class SavedWeightLoadersTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(0)

    def check(self, engine, module, loader, x):
        arrays = randomize(engine)
        loader(module, saved(engine, arrays))
        np.testing.assert_allclose(torch_out(module, x), run(engine, x), rtol=1e-4, atol=1e-5)

    def test_dense(self):
        engine = model_of('Dense', {'units': 5}, (3,))
        module = nn.Linear(3, 5)
        self.check(engine, module, w.load_dense, self.rng.normal(size=(4, 3)))

    def test_conv1d_and_conv2d(self):
        engine = model_of('Conv1D', {'filters': 4, 'kernel_size': 3}, (9, 2))
        conv1 = nn.Conv1d(2, 4, 3)
        self.check(engine, h.ChannelsFirst(conv1), lambda m, ws: w.load_conv(conv1, ws),
                   self.rng.normal(size=(2, 9, 2)))
        engine = model_of('Conv2D', {'filters': 4, 'kernel_size': (3, 2)}, (6, 5, 3))
        conv2 = nn.Conv2d(3, 4, (3, 2))
        self.check(engine, h.ChannelsFirst(conv2), lambda m, ws: w.load_conv(conv2, ws),
                   self.rng.normal(size=(2, 6, 5, 3)))

    def test_batch_and_layer_normalization(self):
        engine = model_of('BatchNormalization', {}, (4,))
        bn = nn.BatchNorm1d(4, eps=engine.layer_list[-1].arg('epsilon'))
        self.check(engine, bn, w.load_normalization, self.rng.normal(size=(3, 4)) + 2)
        engine = model_of('LayerNormalization', {}, (4,))
        ln = nn.LayerNorm(4, eps=engine.layer_list[-1].arg('epsilon'))
        self.check(engine, ln, w.load_normalization, self.rng.normal(size=(3, 4)))

    def test_recurrent_layers_with_and_without_bias(self):
        x = self.rng.normal(size=(2, 5, 3))
        for kind, cls in (('SimpleRNN', nn.RNN), ('LSTM', nn.LSTM), ('GRU', nn.GRU)):
            for use_bias in (True, False):
                with self.subTest(kind=kind, use_bias=use_bias):
                    engine = model_of(kind, {'units': 4, 'return_sequences': True, 'use_bias': use_bias}, (5, 3))
                    rnn = cls(3, 4, batch_first=True, bias=use_bias)
                    self.check(engine, h.Recurrent(rnn, return_sequences=True),
                               lambda m, ws, rnn=rnn: w.load_recurrent(rnn, ws), x)

    def test_a_weight_of_the_wrong_shape_is_refused_with_both_shapes(self):
        with self.assertRaisesRegex(ValueError, r'\(3, 5\) does not fit \(5, 2\)'):
            w.load_dense(nn.Linear(2, 5), {'kernel': np.zeros((5, 3), np.float32)})

    def test_layouts_round_trip(self):
        for n in (1, 2, 3):
            kernel = torch.randn(*range(2, n + 2), 3, 4)
            weight = keras_layouts.conv_weight_from_keras(kernel)
            self.assertEqual(tuple(weight.shape), (4, 3, *range(2, n + 2)))
            self.assertTrue(torch.equal(keras_layouts.conv_weight_to_keras(weight), kernel))
        for kind, gates in (('SimpleRNN', 1), ('LSTM', 4), ('GRU', 3)):
            kernel = torch.randn(5, gates * 2)
            back = keras_layouts.recurrent_weight_to_keras(keras_layouts.recurrent_weight_from_keras(kernel, kind), kind)
            self.assertTrue(torch.equal(back, kernel))


class ExportTableTest(unittest.TestCase):
    """The templates parse as Python with every placeholder filled, and name only helpers that exist."""

    def fill(self, template):
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
        return template.format(**{f: '1' for f in fields})

    def test_every_template_is_a_python_expression(self):
        import ast
        templates = [t for entry in pytorch_layers.LAYERS.values()
                     for k, t in entry.items() if isinstance(t, str) and k != 'weights']
        templates += [t for t in pytorch_layers.ACTIVATIONS.values() if t]
        templates += list(pytorch_layers.LOSSES.values()) + list(pytorch_layers.OPTIMIZERS.values())
        for t in templates:
            with self.subTest(template=t):
                # Placeholders inside a name (nn.BatchNorm{norm_dims}d) become part of it.
                tree = ast.parse(self.fill(t.replace(':tuple|', '_or_').replace(':', '_')), mode='eval')
                for node in ast.walk(tree):
                    if isinstance(node, ast.Name) and node.id not in ('nn', 'torch', 'model', 'p', 'y', 'float'):
                        self.assertTrue(hasattr(h, node.id), f'{t}: no helper named {node.id}')

    def test_every_saved_weight_loader_exists_and_its_layer_is_in_the_table(self):
        for layer, loader in w.SAVED_WEIGHT_LOADERS.items():
            self.assertIn(layer, pytorch_layers.LAYERS)
            self.assertTrue(callable(getattr(w, loader)), loader)


if __name__ == '__main__':
    unittest.main()
