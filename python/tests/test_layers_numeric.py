"""Layer outputs against Keras's definitions computed in numpy on the same Keras weights."""
import unittest

import numpy as np
import torch

from modelspec_torch.model import keras_weights, load_keras_weights
from tests.helpers import conv2d_reference, model_of, randomize, run, sigmoid


class ConvTest(unittest.TestCase):
    def test_conv2d_kernel_layout_and_tf_same_padding(self):
        # 4x4 input, k=3, stride 2, 'same': TF pads 0 before and 1 after on each axis.
        x = np.random.default_rng(1).normal(size=(2, 4, 4, 3))
        m = model_of('Conv2D', {'filters': 5, 'kernel_size': [3, 3], 'strides': [2, 2], 'padding': 'same'}, (4, 4, 3))
        kernel, bias = randomize(m)
        expected = conv2d_reference(x, kernel, bias, 2, ((0, 1), (0, 1)))
        np.testing.assert_allclose(run(m, x), expected, rtol=1e-4, atol=1e-4)

    def test_same_padding_puts_the_extra_row_at_the_end(self):
        # A 2x2 kernel of ones on ones: with the padding after, only the last row/column sees it.
        m = model_of('Conv2D', {'filters': 1, 'kernel_size': 2, 'padding': 'same', 'use_bias': False}, (3, 3, 1))
        load_keras_weights(m, [np.ones((2, 2, 1, 1), np.float32)])
        y = run(m, np.ones((1, 3, 3, 1)))[0, :, :, 0]
        np.testing.assert_array_equal(y, [[4, 4, 2], [4, 4, 2], [2, 2, 1]])

    def test_pooling_same_ignores_padding(self):
        x = -np.ones((1, 3, 3, 1))
        y = run(model_of('MaxPooling2D', {'pool_size': 2, 'padding': 'same'}, (3, 3, 1)), x)
        np.testing.assert_array_equal(y, -np.ones((1, 2, 2, 1)))  # -inf padding, not 0
        x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
        y = run(model_of('AveragePooling2D', {'pool_size': 2, 'padding': 'same'}, (3, 3, 1)), x)[0, :, :, 0]
        np.testing.assert_allclose(y, [[2, 3.5], [6.5, 8]])  # corners average only real cells

    def test_causal_conv1d_sees_only_the_past(self):
        m = model_of('Conv1D', {'filters': 1, 'kernel_size': 3, 'padding': 'causal', 'use_bias': False}, (5, 1))
        load_keras_weights(m, [np.ones((3, 1, 1), np.float32)])
        y = run(m, np.arange(1, 6, dtype=np.float32).reshape(1, 5, 1))[0, :, 0]
        np.testing.assert_array_equal(y, [1, 3, 6, 9, 12])

    def test_depthwise_and_separable_match_keras_channel_order(self):
        x = np.random.default_rng(2).normal(size=(1, 5, 5, 2))
        m = model_of('DepthwiseConv2D', {'kernel_size': 3, 'depth_multiplier': 2}, (5, 5, 2))
        dw, bias = randomize(m)
        # Keras: output channel c*multiplier + k comes from input channel c with dw[..., c, k].
        full = np.zeros((3, 3, 2, 4))
        for c in range(2):
            for k in range(2):
                full[:, :, c, c * 2 + k] = dw[:, :, c, k]
        np.testing.assert_allclose(run(m, x), conv2d_reference(x, full, bias, 1, ((0, 0), (0, 0))), rtol=1e-4, atol=1e-4)
        s = model_of('SeparableConv2D', {'filters': 3, 'kernel_size': 3, 'depth_multiplier': 2}, (5, 5, 2))
        dw, pw, bias = randomize(s, seed=3)
        full = np.zeros((3, 3, 2, 4))
        for c in range(2):
            for k in range(2):
                full[:, :, c, c * 2 + k] = dw[:, :, c, k]
        depthwise = conv2d_reference(x, full, 0, 1, ((0, 0), (0, 0)))
        expected = np.tensordot(depthwise, pw[0, 0], axes=([3], [0])) + bias
        np.testing.assert_allclose(run(s, x), expected, rtol=1e-4, atol=1e-4)

    def test_conv2d_transpose_is_the_scatter_of_the_keras_kernel(self):
        x = np.random.default_rng(4).normal(size=(1, 3, 3, 2))
        m = model_of('Conv2DTranspose', {'filters': 2, 'kernel_size': 3, 'strides': 2, 'padding': 'same'}, (3, 3, 2))
        kernel, bias = randomize(m)  # (kh, kw, out, in)
        full = np.zeros((1, 7, 7, 2))
        for i in range(3):
            for j in range(3):
                full[0, i * 2:i * 2 + 3, j * 2:j * 2 + 3, :] += np.einsum('c,hwoc->hwo', x[0, i, j], kernel)
        # 'same': output 6 = 3*2; TF crops (7-6)//2 = 0 at the start.
        np.testing.assert_allclose(run(m, x), full[:, 0:6, 0:6] + bias, rtol=1e-4, atol=1e-4)

    def test_flatten_is_channels_last_order(self):
        x = np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3)
        np.testing.assert_array_equal(run(model_of('Flatten', {}, (2, 2, 3)), x), x.reshape(1, 12))


class RecurrentTest(unittest.TestCase):
    T, F, U = 4, 3, 5

    def x(self):
        return np.random.default_rng(5).normal(size=(2, self.T, self.F))

    def test_lstm_matches_keras_equations(self):
        for activation in ('tanh', 'relu'):  # cuDNN-style path and the step loop
            m = model_of('LSTM', {'units': self.U, 'return_sequences': True, 'activation': activation}, (self.T, self.F))
            kernel, rec, bias = randomize(m)
            act = np.tanh if activation == 'tanh' else (lambda z: np.maximum(z, 0))
            h = np.zeros((2, self.U))
            c = np.zeros((2, self.U))
            outs = []
            for t in range(self.T):
                z = self.x()[:, t] @ kernel + h @ rec + bias
                i, f, g, o = np.split(z, 4, axis=-1)  # Keras gate order i, f, c, o
                c = sigmoid(f) * c + sigmoid(i) * act(g)
                h = sigmoid(o) * act(c)
                outs.append(h)
            np.testing.assert_allclose(run(m, self.x()), np.stack(outs, 1), rtol=1e-4, atol=1e-5, err_msg=activation)

    def test_gru_reset_after_matches_keras_equations(self):
        for activation in ('tanh', 'relu'):
            m = model_of('GRU', {'units': self.U, 'activation': activation}, (self.T, self.F))
            kernel, rec, bias = randomize(m)
            act = np.tanh if activation == 'tanh' else (lambda z: np.maximum(z, 0))
            h = np.zeros((2, self.U))
            for t in range(self.T):
                xz, xr, xh = np.split(self.x()[:, t] @ kernel + bias[0], 3, axis=-1)  # Keras z, r, h
                hz, hr, hh = np.split(h @ rec + bias[1], 3, axis=-1)
                z, r = sigmoid(xz + hz), sigmoid(xr + hr)
                h = z * h + (1 - z) * act(xh + r * hh)
            np.testing.assert_allclose(run(m, self.x()), h, rtol=1e-4, atol=1e-5, err_msg=activation)

    def test_simple_rnn_and_bidirectional(self):
        m = model_of('Bidirectional', {'layer': {'class_name': 'SimpleRNN', 'config': {'units': self.U, 'return_sequences': True}}},
                     (self.T, self.F))
        kf, rf, bf, kb, rb, bb = randomize(m)
        x = self.x()

        def rnn(seq, k, r, b):
            h, out = np.zeros((2, self.U)), []
            for t in range(seq.shape[1]):
                h = np.tanh(seq[:, t] @ k + h @ r + b)
                out.append(h)
            return np.stack(out, 1)
        forward = rnn(x, kf, rf, bf)
        backward = rnn(x[:, ::-1], kb, rb, bb)[:, ::-1]  # re-aligned in time, as Keras does
        np.testing.assert_allclose(run(m, x), np.concatenate([forward, backward], -1), rtol=1e-4, atol=1e-5)

    def test_lstm_forget_bias_starts_at_one(self):
        m = model_of('LSTM', {'units': 2}, (3, 1))
        bias = keras_weights(m)[2]
        np.testing.assert_array_equal(bias, [0, 0, 1, 1, 0, 0, 0, 0])


class NormalizationTest(unittest.TestCase):
    def test_batchnorm_moving_statistics_use_keras_momentum(self):
        m = model_of('BatchNormalization', {'momentum': 0.9}, (3,))
        x = torch.tensor(np.random.default_rng(6).normal(2.0, 1.0, size=(64, 3)), dtype=torch.float32)
        m.train()
        m(x)
        gamma, beta, mean, var = keras_weights(m)
        np.testing.assert_allclose(mean, 0.1 * x.numpy().mean(0), rtol=1e-5)
        m.eval()
        y = m(x).detach().numpy()
        np.testing.assert_allclose(y, (x.numpy() - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)


class WeightsTest(unittest.TestCase):
    def test_keras_weight_round_trip_for_every_weighted_layer(self):
        cases = [
            ('Dense', {'units': 4}, (3,)), ('Conv2D', {'filters': 2, 'kernel_size': 3, 'groups': 1}, (5, 5, 2)),
            ('Conv1D', {'filters': 2, 'kernel_size': 2}, (5, 3)), ('Conv3D', {'filters': 2, 'kernel_size': 2}, (3, 3, 3, 2)),
            ('Conv2DTranspose', {'filters': 3, 'kernel_size': 2}, (3, 3, 2)),
            ('SeparableConv2D', {'filters': 3, 'kernel_size': 2, 'depth_multiplier': 2}, (4, 4, 2)),
            ('DepthwiseConv2D', {'kernel_size': 2, 'depth_multiplier': 3}, (4, 4, 2)),
            ('Embedding', {'input_dim': 7, 'output_dim': 3}, (4,)), ('PReLU', {}, (3, 2)),
            ('BatchNormalization', {}, (4, 3)), ('LayerNormalization', {}, (5,)),
            ('SimpleRNN', {'units': 3}, (4, 2)), ('LSTM', {'units': 3}, (4, 2)), ('GRU', {'units': 3}, (4, 2)),
            ('Bidirectional', {'layer': {'class_name': 'GRU', 'config': {'units': 2}}}, (4, 2)),
            ('TimeDistributed', {'layer': {'class_name': 'Dense', 'config': {'units': 2}}}, (4, 3)),
        ]
        for cls, cfg, shape in cases:
            m = model_of(cls, cfg, shape)
            arrays = randomize(m, seed=7)
            back = keras_weights(m)
            self.assertEqual([a.shape for a in back], [a.shape for a in arrays], cls)
            for a, b in zip(arrays, back):
                np.testing.assert_array_equal(a, b, err_msg=cls)

    def test_wrong_weight_count_or_shape_is_an_error(self):
        m = model_of('Dense', {'units': 2}, (3,))
        with self.assertRaisesRegex(ValueError, 'expected 2 weight arrays'):
            load_keras_weights(m, [np.zeros((3, 2))])
        with self.assertRaisesRegex(ValueError, r'layer/kernel: expected shape \(3, 2\)'):
            load_keras_weights(m, [np.zeros((4, 2)), np.zeros(2)])


if __name__ == '__main__':
    unittest.main()


class DropoutNoiseShapeTest(unittest.TestCase):
    def test_noise_shape_shares_one_mask_value_per_sample(self):
        # EfficientNet's drop-connect: Dropout(rate, noise_shape=(None, 1, 1, 1)) keeps or drops a
        # whole sample, scaling the kept ones by 1 / (1 - rate), in training only.
        m = model_of('Dropout', {'rate': 0.5, 'noise_shape': [None, 1, 1, 1]}, (3, 3, 2))
        m.train()
        torch.manual_seed(0)
        x = torch.ones(64, 3, 3, 2)
        y = m(x).detach().numpy()
        per_sample = y.reshape(64, -1)
        self.assertTrue(np.all((per_sample == 0).all(axis=1) | (per_sample == 2).all(axis=1)), per_sample)
        kept = (per_sample[:, 0] == 2).sum()
        self.assertTrue(10 < kept < 54, kept)  # both outcomes happen
        m.eval()
        np.testing.assert_array_equal(m(x).detach().numpy(), x.numpy())
