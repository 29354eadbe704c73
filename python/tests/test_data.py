"""PreparedData handling: Keras's validation split, label encodings, reshaping to the input."""
import os
import tempfile
import unittest

import numpy as np
import torch

from modelspec_torch.data import build_splits, load_splits


def tensor_file(directory, name, array):
    path = os.path.join(directory, name)
    array.tofile(path)
    dtype = {np.dtype('uint8'): 'uint8', np.dtype('float32'): 'float32', np.dtype('int32'): 'int32'}[array.dtype]
    return {'path': path, 'dtype': dtype, 'shape': list(array.shape)}


class DataTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        x = np.arange(10 * 4, dtype=np.uint8).reshape(10, 2, 2)
        y = (np.arange(10) % 3).astype(np.int32)
        self.data = {'source': 'test', 'train': {'x': tensor_file(self.dir, 'x', x), 'y': tensor_file(self.dir, 'y', y)},
                     'validationSplit': 0.25, 'rescale': 0.5, 'labelEncoding': 'onehot', 'shuffle': True, 'isImage': False}

    def test_validation_split_takes_the_last_fraction(self):
        train, val, test = load_splits(self.data)
        self.assertEqual((len(train), len(val), test), (7, 3, None))  # floor(10 * 0.75) = 7 train samples
        np.testing.assert_array_equal(val.x[:, 0, 0], [28, 32, 36])

    def test_batches_are_rescaled_reshaped_and_one_hot(self):
        train, val, _, aug = build_splits(self.data, torch.device('cpu'), (4,), (3,))
        self.assertIsNone(aug)
        x, y = train.batch(torch.tensor([1, 2]))
        np.testing.assert_array_equal(x.numpy(), [[2, 2.5, 3, 3.5], [4, 4.5, 5, 5.5]])
        np.testing.assert_array_equal(y.numpy(), [[0, 1, 0], [0, 0, 1]])
        self.data['labelEncoding'] = 'index'
        train, _, _, _ = build_splits(self.data, torch.device('cpu'), (2, 2, 1), (3,))
        x, y = train.batch(torch.tensor([2]))
        self.assertEqual(tuple(x.shape), (1, 2, 2, 1))
        self.assertEqual(y.tolist(), [2])

    def test_sample_shape_that_cannot_feed_the_input_is_an_error(self):
        with self.assertRaisesRegex(ValueError, r"cannot feed the model's input \(5,\)"):
            build_splits(self.data, torch.device('cpu'), (5,), (3,))

    def test_a_truncated_tensor_file_is_an_error(self):
        self.data['train']['x']['shape'] = [11, 2, 2]
        with self.assertRaisesRegex(ValueError, 'expected 44'):
            load_splits(self.data)


if __name__ == '__main__':
    unittest.main()
