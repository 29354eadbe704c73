// Keras's conv_utils arithmetic, each case worked by hand from
//   conv_output_length = ceil(L' / s) with L' = L (same/causal), L - k_d + 1 (valid), L + k_d - 1 (full)
//   where k_d = k + (k - 1)(d - 1) is the dilated kernel,
//   deconv_output_length as in keras/utils/conv_utils.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convOutputLength, deconvOutputLength } from '../../../language/catalog/conv-utils';

test('valid padding loses kernel - 1, then strides divide rounding up', () => {
  assert.equal(convOutputLength(28, 3, 'valid', 1), 26); // 28 - 3 + 1
  assert.equal(convOutputLength(28, 3, 'valid', 2), 13); // ceil(26 / 2)
  assert.equal(convOutputLength(27, 3, 'valid', 2), 13); // ceil(25 / 2)
  assert.equal(convOutputLength(3, 5, 'valid', 1), -1); // 3 - 5 + 1: reported by the layers
});

test('same and causal padding keep the length before striding', () => {
  assert.equal(convOutputLength(28, 3, 'same', 1), 28);
  assert.equal(convOutputLength(28, 3, 'same', 2), 14);
  assert.equal(convOutputLength(27, 3, 'same', 2), 14); // ceil(27 / 2)
  assert.equal(convOutputLength(10, 3, 'causal', 1), 10);
  assert.equal(convOutputLength(10, 3, 'causal', 3), 4); // ceil(10 / 3)
});

test('full padding gains kernel - 1', () => {
  assert.equal(convOutputLength(10, 3, 'full', 1), 12);
});

test('dilation widens the kernel to k + (k - 1)(d - 1)', () => {
  assert.equal(convOutputLength(28, 3, 'valid', 1, 2), 24); // k_d = 5: 28 - 5 + 1
  assert.equal(convOutputLength(28, 3, 'valid', 1, 3), 22); // k_d = 7
  assert.equal(convOutputLength(28, 3, 'same', 1, 2), 28);
});

test('an unknown length stays unknown', () => {
  assert.equal(convOutputLength(null, 3, 'valid', 1), null);
  assert.equal(deconvOutputLength(null, 3, 'valid', null, 2), null);
});

test('deconv_output_length without output_padding', () => {
  assert.equal(deconvOutputLength(7, 3, 'valid', null, 2), 15); // 7·2 + max(3 - 2, 0)
  assert.equal(deconvOutputLength(7, 4, 'valid', null, 2), 16); // 7·2 + 2
  assert.equal(deconvOutputLength(7, 1, 'valid', null, 2), 14); // 7·2 + max(-1, 0)
  assert.equal(deconvOutputLength(7, 3, 'same', null, 2), 14); // 7·2
  assert.equal(deconvOutputLength(7, 3, 'full', null, 2), 11); // 7·2 - (2 + 3 - 2)
  assert.equal(deconvOutputLength(5, 3, 'valid', null, 1, 2), 9); // k_d = 5: 5·1 + 4
});

test('deconv_output_length with output_padding', () => {
  assert.equal(deconvOutputLength(7, 3, 'same', 1, 2), 14); // (7-1)·2 + 3 - 2·1 + 1
  assert.equal(deconvOutputLength(7, 3, 'valid', 0, 1), 9); // (7-1)·1 + 3 - 0 + 0
  assert.equal(deconvOutputLength(7, 3, 'valid', 1, 2), 16); // 12 + 3 + 1
});
