"""Keras's non-gradient weight updates: BatchNormalization's moving statistics (biased batch
variance, as Keras and TF.js use) and weight constraints applied after each optimizer step."""
import unittest

import numpy as np
import torch

from modelspec_torch.constraints import apply_constraints, constrained_weights, make_constraint
from modelspec_torch.model import keras_weights

from .helpers import model_of


class BatchNormMovingStatsTest(unittest.TestCase):
    def check(self, shape, config):
        m = model_of('BatchNormalization', config, shape[1:])
        x = np.random.default_rng(3).normal(1.5, 2.0, size=shape).astype(np.float32)
        momentum = float(config.get('momentum', 0.99))
        m.train()
        m(torch.from_numpy(x))
        m(torch.from_numpy(x))  # twice: the update must use the moving value, not its initial one
        _, _, mean, var = keras_weights(m)
        axes = tuple(range(x.ndim - 1))
        batch_mean = x.astype(np.float64).mean(axes)
        batch_var = x.astype(np.float64).var(axes)  # biased (ddof=0), as Keras
        want_mean, want_var = np.zeros_like(batch_mean), np.ones_like(batch_var)
        for _ in range(2):
            want_mean = want_mean * momentum + batch_mean * (1 - momentum)
            want_var = want_var * momentum + batch_var * (1 - momentum)
        np.testing.assert_allclose(mean, want_mean, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(var, want_var, rtol=1e-5, atol=1e-7)
        # torch's own update (unbiased variance) would differ by far more than the tolerance
        unbiased = np.ones_like(batch_var)
        for _ in range(2):
            unbiased = unbiased * momentum + x.astype(np.float64).var(axes, ddof=1) * (1 - momentum)
        self.assertGreater(np.abs(unbiased - want_var).max(), 1e-4)

    def test_dense_input_uses_biased_variance(self):
        self.check((8, 3), {})  # Keras defaults: momentum 0.99, epsilon 1e-3

    def test_image_input_uses_biased_variance(self):
        self.check((2, 3, 3, 4), {'momentum': 0.9})

    def test_inference_leaves_moving_stats_alone(self):
        m = model_of('BatchNormalization', {}, (3,))
        m.eval()
        m(torch.ones(4, 3))
        _, _, mean, var = keras_weights(m)
        np.testing.assert_array_equal(mean, np.zeros(3))
        np.testing.assert_array_equal(var, np.ones(3))


EPS = 1e-7


class ConstraintsTest(unittest.TestCase):
    w = np.random.default_rng(4).normal(0, 2.0, size=(5, 3)).astype(np.float32)

    def apply(self, spec):
        return make_constraint(spec)(torch.from_numpy(self.w)).numpy()

    def test_formulas_match_keras(self):
        norms0 = np.sqrt((self.w.astype(np.float64) ** 2).sum(0, keepdims=True))
        np.testing.assert_allclose(self.apply({'class_name': 'NonNeg', 'config': {}}), self.w * (self.w >= 0))
        np.testing.assert_allclose(self.apply({'class_name': 'MaxNorm', 'config': {'max_value': 1.5, 'axis': 0}}),
                                   self.w * np.clip(norms0, 0, 1.5) / (EPS + norms0), rtol=1e-5)
        np.testing.assert_allclose(self.apply({'class_name': 'UnitNorm', 'config': {'axis': 0}}),
                                   self.w / (EPS + norms0), rtol=1e-5)
        desired = 0.5 * np.clip(norms0, 1.0, 2.0) + 0.5 * norms0
        np.testing.assert_allclose(
            self.apply({'class_name': 'MinMaxNorm', 'config': {'min_value': 1.0, 'max_value': 2.0, 'rate': 0.5, 'axis': 0}}),
            self.w * desired / (EPS + norms0), rtol=1e-5)
        norms1 = np.sqrt((self.w.astype(np.float64) ** 2).sum(1, keepdims=True))
        np.testing.assert_allclose(self.apply({'class_name': 'MaxNorm', 'config': {'max_value': 1.0, 'axis': 1}}),
                                   self.w * np.clip(norms1, 0, 1.0) / (EPS + norms1), rtol=1e-5)
        self.assertIsNone(make_constraint(None))
        with self.assertRaisesRegex(ValueError, "constraint 'Foo' is not supported"):
            make_constraint({'class_name': 'Foo', 'config': {}})

    def test_weights_pick_up_their_layers_constraints(self):
        m = model_of('Dense', {'units': 3, 'kernel_constraint': {'class_name': 'NonNeg', 'config': {}},
                               'bias_constraint': {'class_name': 'MaxNorm', 'config': {'max_value': 0.5, 'axis': 0}}}, (4,))
        pairs = constrained_weights(m)
        self.assertEqual([w.name for w, _ in pairs], ['kernel', 'bias'])
        conv = model_of('SeparableConv2D', {'filters': 2, 'kernel_size': 2,
                                            'depthwise_constraint': {'class_name': 'NonNeg', 'config': {}}}, (3, 3, 2))
        self.assertEqual([w.name for w, _ in constrained_weights(conv)], ['depthwise_kernel'])
        rnn = model_of('Bidirectional', {'layer': {'class_name': 'GRU', 'config': {
            'units': 2, 'recurrent_constraint': {'class_name': 'UnitNorm', 'config': {'axis': 0}}}}}, (4, 2))
        self.assertEqual([w.name for w, _ in constrained_weights(rnn)], ['recurrent_kernel', 'recurrent_kernel'])

    def test_applied_after_an_optimizer_step(self):
        m = model_of('Dense', {'units': 3, 'kernel_constraint': {'class_name': 'NonNeg', 'config': {}},
                               'bias_constraint': {'class_name': 'MaxNorm', 'config': {'max_value': 0.5, 'axis': 0}}}, (4,))
        pairs = constrained_weights(m)
        opt = torch.optim.SGD([p for p in m.parameters() if p.requires_grad], lr=10.0)
        m.train()
        loss = m(torch.ones(2, 4)).sum()  # pushes every weight down by 20 per step
        loss.backward()
        opt.step()
        kernel, bias = keras_weights(m)
        self.assertLess(kernel.min(), 0)
        apply_constraints(pairs)
        kernel, bias = keras_weights(m)
        self.assertGreaterEqual(kernel.min(), 0)
        self.assertLessEqual(np.linalg.norm(bias), 0.5 + 1e-5)
        self.assertAlmostEqual(float(np.linalg.norm(bias)), 0.5, places=5)


if __name__ == '__main__':
    unittest.main()
