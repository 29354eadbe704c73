"""Optimizers, losses, metrics, initializers, augmentation and PNG against Keras's formulas."""
import struct
import unittest
import zlib

import numpy as np
import torch

from modelspec_torch import initializers, losses, metrics
from modelspec_torch.augment import Augmenter, Standardizer
from modelspec_torch.callbacks import make_callbacks
from modelspec_torch.optimizers import make_optimizer
from modelspec_torch.png import encode_png
from tests.helpers import augment_args, initializer, optimizer_args


def keras_steps(name, args, grads, w0):
    """Keras 3 update rules written out in numpy (keras/src/optimizers/*.py)."""
    w = w0.astype(np.float64).copy()
    lr = args.get('learning_rate')
    s = {}
    for t, g in enumerate(grads, start=1):
        if name == 'SGD':
            m = s.get('m', 0) * args['momentum'] - lr * g
            s['m'] = m
            w = w + (m * args['momentum'] - lr * g if args['nesterov'] else m)
        elif name == 'Adam':
            b1, b2, eps = 0.9, 0.999, 1e-7
            s['m'] = s.get('m', 0) + (g - s.get('m', 0)) * (1 - b1)
            s['v'] = s.get('v', 0) + (g * g - s.get('v', 0)) * (1 - b2)
            alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            v = s['v']
            if args.get('amsgrad'):
                v = s['v_hat'] = np.maximum(s.get('v_hat', 0), s['v'])
            w = w - alpha * s['m'] / (np.sqrt(v) + eps)
        elif name == 'RMSprop':
            s['v'] = 0.9 * s.get('v', 0) + 0.1 * g * g
            increment = lr * g / np.sqrt(s['v'] + 1e-7)
            s['m'] = args['momentum'] * s.get('m', 0) + increment
            w = w - (s['m'] if args['momentum'] else increment)
        elif name == 'Adagrad':
            s['a'] = s.get('a', 0.1) + g * g
            w = w - lr * g / np.sqrt(s['a'] + 1e-7)
        elif name == 'Adadelta':
            rho, eps = 0.95, 1e-7
            s['g'] = rho * s.get('g', 0) + (1 - rho) * g * g
            d = -np.sqrt(s.get('d', 0) + eps) / np.sqrt(s['g'] + eps) * g
            s['d'] = rho * s.get('d', 0) + (1 - rho) * d * d
            w = w + lr * d
        elif name == 'Adamax':
            s['m'] = s.get('m', 0) + (g - s.get('m', 0)) * 0.1
            s['u'] = np.maximum(0.999 * s.get('u', 0), np.abs(g))
            w = w - lr / (1 - 0.9 ** t) * s['m'] / (s['u'] + 1e-7)
        elif name == 'Nadam':
            b1, b2 = 0.9, 0.999
            u_t = b1 * (1 - 0.5 * 0.96 ** t)
            u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
            s['p'] = s.get('p', 1.0) * u_t
            s['m'] = s.get('m', 0) + (g - s.get('m', 0)) * (1 - b1)
            s['v'] = s.get('v', 0) + (g * g - s.get('v', 0)) * (1 - b2)
            m_hat = u_t1 * s['m'] / (1 - s['p'] * u_t1) + (1 - u_t) * g / (1 - s['p'])
            w = w - lr * m_hat / (np.sqrt(s['v'] / (1 - b2 ** t)) + 1e-7)
    return w


class OptimizerTest(unittest.TestCase):
    def test_update_rules_match_keras(self):
        rng = np.random.default_rng(0)
        w0 = rng.normal(size=5)
        grads = [rng.normal(size=5) for _ in range(4)]
        cases = [('SGD', {'learning_rate': 0.1, 'momentum': 0.9, 'nesterov': True}),
                 ('SGD', {'learning_rate': 0.1, 'momentum': 0.5, 'nesterov': False}),
                 ('Adam', {'learning_rate': 0.01}), ('Adam', {'learning_rate': 0.01, 'amsgrad': True}),
                 ('RMSprop', {'learning_rate': 0.01}), ('RMSprop', {'learning_rate': 0.01, 'momentum': 0.5}),
                 ('Adagrad', {'learning_rate': 0.1}), ('Adadelta', {'learning_rate': 1.0}),
                 ('Adamax', {'learning_rate': 0.01}), ('Nadam', {'learning_rate': 0.01})]
        for name, args in cases:
            # Two parameters updated together (one fused group), each must follow the rule.
            p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
            q = torch.nn.Parameter(torch.tensor(w0[:2] * 2, dtype=torch.float64))
            opt = make_optimizer(name, optimizer_args(name, **args), [p, q])
            for g in grads:
                p.grad, q.grad = torch.tensor(g), torch.tensor(g[:2] * 3)
                opt.step()
            full = {'momentum': 0, 'nesterov': False, **args}
            np.testing.assert_allclose(p.detach().numpy(), keras_steps(name, full, grads, w0), rtol=1e-10, err_msg=f'{name} {args}')
            np.testing.assert_allclose(q.detach().numpy(), keras_steps(name, full, [g[:2] * 3 for g in grads], w0[:2] * 2),
                                       rtol=1e-10, err_msg=f'{name} {args} (second tensor)')

    def test_keras_defaults_and_lr_alias(self):
        p = torch.nn.Parameter(torch.zeros(1))
        self.assertEqual(make_optimizer('adadelta', optimizer_args('Adadelta'), [p]).learning_rate, 0.001)
        self.assertEqual(make_optimizer('SGD', optimizer_args('SGD'), [p]).learning_rate, 0.01)
        self.assertEqual(make_optimizer('Adam', optimizer_args('Adam', lr=0.5), [p]).learning_rate, 0.5)
        with self.assertRaisesRegex(ValueError, "unknown optimizer 'Lion'"):
            make_optimizer('Lion', {}, [p])

    def test_a_missing_argument_is_named_not_defaulted(self):
        # The RunSpec carries every argument (catalog optimizerArgs, the plan's callbacks).
        p = torch.nn.Parameter(torch.zeros(1))
        with self.assertRaisesRegex(ValueError, "optimizer Adam has no 'beta_1' argument"):
            make_optimizer('Adam', {'learning_rate': 0.01}, [p])
        with self.assertRaisesRegex(ValueError, "callback EarlyStopping has no 'patience' argument"):
            make_callbacks([{'name': 'EarlyStopping', 'args': {'monitor': 'loss'}}])


class LossTest(unittest.TestCase):
    def loss(self, name, y, p):
        return float(losses.get_loss(name)(torch.tensor(y, dtype=torch.float32), torch.tensor(p, dtype=torch.float32)).mean())

    def test_crossentropies_clip_probabilities_like_keras(self):
        self.assertAlmostEqual(self.loss('categorical_crossentropy', [[0, 1]], [[1, 0]]), -np.log(1e-7), places=4)
        self.assertAlmostEqual(self.loss('categorical_crossentropy', [[0, 1, 0]], [[0.2, 0.5, 0.3]]), -np.log(0.5), places=6)
        self.assertAlmostEqual(self.loss('sparse_categorical_crossentropy', [1], [[0.2, 0.5, 0.3]]), -np.log(0.5), places=6)
        bce = -(np.log(0.8) + np.log(0.6)) / 2
        self.assertAlmostEqual(self.loss('binary_crossentropy', [[1, 0]], [[0.8, 0.4]]), bce, places=6)

    def test_labels_line_up_with_one_sigmoid_unit(self):
        # (N,) labels against (N, 1) predictions: per-sample pairs, not an (N, N) broadcast.
        y, p = torch.tensor([1, 0]), torch.tensor([[0.8], [0.4]])
        bce = float(losses.get_loss('binary_crossentropy')(y, p).mean())
        self.assertAlmostEqual(bce, -(np.log(0.8) + np.log(0.6)) / 2, places=6)

    def test_regression_losses(self):
        y, p = [[1.0, 2.0]], [[2.0, 4.0]]
        self.assertAlmostEqual(self.loss('mse', y, p), 2.5)
        self.assertAlmostEqual(self.loss('mae', y, p), 1.5)
        self.assertAlmostEqual(self.loss('mape', y, p), 100.0)
        self.assertAlmostEqual(self.loss('huber', y, p), (0.5 + 1.5) / 2)
        self.assertAlmostEqual(self.loss('log_cosh', y, p), np.mean(np.log(np.cosh([1.0, 2.0]))), places=6)
        self.assertAlmostEqual(self.loss('hinge', [[0, 1]], [[0.5, 0.5]]), (1.5 + 0.5) / 2)  # 0 labels become -1
        self.assertAlmostEqual(self.loss('cosine_similarity', [[1, 0]], [[2, 0]]), -1.0)


class MetricTest(unittest.TestCase):
    def test_accuracy_resolves_from_the_loss(self):
        self.assertEqual(metrics.resolve_accuracy('categorical_crossentropy', 10, False), 'categorical_accuracy')
        self.assertEqual(metrics.resolve_accuracy('sparse_categorical_crossentropy', 10, True), 'sparse_categorical_accuracy')
        self.assertEqual(metrics.resolve_accuracy('binary_crossentropy', 4, False), 'binary_accuracy')
        self.assertEqual(metrics.resolve_accuracy('mse', 1, False), 'binary_accuracy')

    def test_running_metrics_accumulate_over_batches(self):
        acc = metrics.make_metric('accuracy', 'categorical_crossentropy', 3, False)
        prec = metrics.make_metric('precision', 'binary_crossentropy', 1, False)
        rec = metrics.make_metric('recall', 'binary_crossentropy', 1, False)
        acc.update(torch.tensor([[1., 0, 0]]), torch.tensor([[0.8, 0.1, 0.1]]))
        acc.update(torch.tensor([[0., 1, 0], [0, 0, 1]]), torch.tensor([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]))
        self.assertAlmostEqual(acc.result(), 2 / 3, places=6)
        y, p = torch.tensor([[1.], [1.], [0.], [0.]]), torch.tensor([[0.9], [0.2], [0.7], [0.1]])
        prec.update(y, p)
        rec.update(y, p)
        self.assertAlmostEqual(prec.result(), 0.5)
        self.assertAlmostEqual(rec.result(), 0.5)
        top = metrics.make_metric('top_k_categorical_accuracy', 'categorical_crossentropy', 6, False)
        top.update(torch.eye(6)[[5]], torch.tensor([[0.3, 0.25, 0.2, 0.1, 0.1, 0.05]]))
        self.assertEqual(top.result(), 0.0)  # the true class is 6th of 6: outside the top 5


class InitializerTest(unittest.TestCase):
    def test_glorot_he_orthogonal(self):
        torch.manual_seed(0)
        w = initializers.make({'class_name': 'GlorotUniform', 'config': {'seed': None}}, (300, 200))
        limit = np.sqrt(6 / 500)
        self.assertLessEqual(float(w.abs().max()), limit)
        self.assertGreater(float(w.abs().max()), 0.95 * limit)
        he = initializers.make('he_normal', (3, 3, 64, 64))  # fan_in = 3*3*64
        self.assertAlmostEqual(float(he.std()), np.sqrt(2 / 576), delta=0.002)
        self.assertLessEqual(float(he.abs().max()), 2 * np.sqrt(2 / 576) / 0.87962566103423978 + 1e-6)
        q = initializers.make(initializer('Orthogonal'), (8, 32)).reshape(8, 32)
        np.testing.assert_allclose((q @ q.T).numpy(), np.eye(8), atol=1e-5)
        self.assertTrue(torch.equal(initializers.make({'class_name': 'Constant', 'config': {'value': 3}}, (2,)), torch.tensor([3., 3.])))


class AugmentTest(unittest.TestCase):
    def test_flips_only(self):
        torch.manual_seed(0)
        x = torch.rand(32, 6, 5, 1)
        y = Augmenter(augment_args(horizontal_flip=True))(x)
        flipped = x.flip(2)
        same = [(torch.allclose(y[i], x[i], atol=1e-5), torch.allclose(y[i], flipped[i], atol=1e-5)) for i in range(32)]
        self.assertTrue(all(a or b for a, b in same))
        self.assertTrue(any(a for a, _ in same) and any(b for _, b in same))

    def test_integer_pixel_shift_moves_the_image_with_nearest_fill(self):
        aug = Augmenter(augment_args(width_shift_range=2))  # >= 1: pixels
        x = torch.arange(8, dtype=torch.float32).reshape(1, 1, 8, 1).repeat(64, 1, 1, 1)
        torch.manual_seed(1)
        y = aug(x)
        rows = y[:, 0, :, 0]
        # Each output row is the input shifted by a (fractional) amount within ±2 pixels,
        # filled with the edge value: it stays monotone and within the input's range.
        self.assertTrue(bool((rows[:, 1:] >= rows[:, :-1] - 1e-5).all()))
        self.assertTrue(bool((rows >= 0).all() and (rows <= 7).all()))
        self.assertLessEqual(float((rows - x[:, 0, :, 0]).abs().max()), 2.0 + 1e-4)
        self.assertFalse(Augmenter(augment_args(rotation_range=0)).active)

    def test_featurewise_statistics_are_per_channel(self):
        x = torch.stack([torch.full((4, 4), 10.0), torch.full((4, 4), 30.0)], dim=-1)  # channels 10 and 30
        x = torch.stack([x, x * 3])  # two images: channel means 20 and 60
        std = Standardizer(augment_args(featurewise_center=True, featurewise_std_normalization=True))
        std.fit(x, rescale=0.5)
        np.testing.assert_allclose(std.mean.numpy(), [10, 30])
        np.testing.assert_allclose(std.std.numpy(), [5, 15])
        np.testing.assert_allclose(std(x[:1] * 0.5)[0, 0, 0].numpy(), [-1, -1], rtol=1e-5)

    def test_unsupported_argument_is_named(self):
        with self.assertRaisesRegex(ValueError, 'shear_range'):
            Augmenter(augment_args(shear_range=0.2))


class PngTest(unittest.TestCase):
    def test_png_decodes_to_the_same_pixels(self):
        img = (np.arange(20).reshape(4, 5) * 12).astype(np.uint8)
        data = encode_png(img)
        self.assertEqual(data[:8], b'\x89PNG\r\n\x1a\n')
        w, h, depth, color = struct.unpack('>IIBB', data[16:26])
        self.assertEqual((w, h, depth, color), (5, 4, 8, 0))
        idat_len = struct.unpack('>I', data[33:37])[0]
        raw = zlib.decompress(data[41:41 + idat_len])
        rows = np.frombuffer(raw, np.uint8).reshape(4, 6)
        np.testing.assert_array_equal(rows[:, 0], 0)  # filter byte
        np.testing.assert_array_equal(rows[:, 1:], img)


if __name__ == '__main__':
    unittest.main()
