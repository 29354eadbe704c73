"""channels_last conv weights (memory_format.py): the decision per device and model, and on the
CPU (where the layout is legal, if not chosen) that storing the kernels channels_last changes
neither the outputs, the gradients nor the Keras weights the run saves."""
import unittest

import numpy as np
import torch

from modelspec_torch.memory_format import ENV, apply_channels_last, channels_last_decision, conv2d_weights
from modelspec_torch.model import keras_weights
from tests.helpers import model_of, randomize


class ChannelsLastDecision(unittest.TestCase):
    def test_only_cuda_with_a_2d_convolution_and_not_opted_out(self):
        self.assertEqual(channels_last_decision('cuda', 2, {}),
                         (True, '2 convolution kernels stored channels_last for cuDNN'))
        self.assertEqual(channels_last_decision('cpu', 2, {}), (False, 'not on CUDA (cpu)'))
        self.assertEqual(channels_last_decision('mps', 2, {}), (False, 'not on CUDA (mps)'))
        self.assertEqual(channels_last_decision('cuda', 0, {}), (False, 'no 2-D convolution'))
        self.assertEqual(channels_last_decision('cuda', 2, {ENV: '0'}), (False, f'{ENV}=0'))

    def test_counts_4d_kernels_only(self):
        conv = model_of('Conv2D', {'filters': 4, 'kernel_size': 3}, (8, 8, 2), [{'class_name': 'Flatten'},
                        {'class_name': 'Dense', 'config': {'units': 3}}])
        self.assertEqual(len(conv2d_weights(conv)), 1)
        dense = model_of('Dense', {'units': 3}, (5,))
        self.assertEqual(len(conv2d_weights(dense)), 0)
        self.assertIsNone(apply_channels_last(dense, 'cuda'))
        conv1d = model_of('Conv1D', {'filters': 4, 'kernel_size': 3}, (8, 2))
        self.assertEqual(len(conv2d_weights(conv1d)), 0)


class ChannelsLastOnTheCpu(unittest.TestCase):
    def test_same_outputs_gradients_and_keras_weights(self):
        def build():
            m = model_of('Conv2D', {'filters': 6, 'kernel_size': 3, 'padding': 'same'}, (9, 9, 3),
                         [{'class_name': 'Conv2D', 'config': {'filters': 4, 'kernel_size': 3}},
                          {'class_name': 'Flatten'}, {'class_name': 'Dense', 'config': {'units': 2}}])
            randomize(m, seed=3)
            return m
        plain, tuned = build(), build()
        self.assertIsNone(apply_channels_last(tuned, 'cpu'), 'nothing changes on the CPU')
        # The CUDA path, exercised on the CPU (the layout is legal there too):
        note = apply_channels_last(tuned, 'cuda')
        self.assertEqual(note, 'memory format: 2 convolution kernels stored channels_last for cuDNN')
        for p in conv2d_weights(tuned):
            self.assertTrue(p.is_contiguous(memory_format=torch.channels_last))
            self.assertFalse(p.is_contiguous())
        x = torch.randn(5, 9, 9, 3, generator=torch.Generator().manual_seed(1))
        outs = []
        for m in (plain, tuned):
            y = m(x)
            y.square().sum().backward()
            outs.append((y.detach(), [p.grad.clone() for p in m.parameters()]))
        torch.testing.assert_close(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-5)
        for a, b in zip(outs[0][1], outs[1][1]):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
        for a, b in zip(keras_weights(plain), keras_weights(tuned)):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


if __name__ == '__main__':
    unittest.main()
