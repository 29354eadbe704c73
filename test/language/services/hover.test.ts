import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../../language/services/hover';
import { analyzed, DIGITS_CNN, positionOf } from './helpers';

function hoverAt(text: string, needle: string, occurrence = 0, delta = 1) {
  return hover(analyzed(text), positionOf(text, needle, occurrence, delta));
}

test('a layer shows its signature, doc, Keras name, shapes and parameter counts', () => {
  const h = hoverAt(DIGITS_CNN, 'Conv2D', 1);
  assert.ok(h);
  assert.match(h.contents, /```python\nConv2D\(filters, kernel_size, /);
  assert.match(h.contents, /Keras name: `conv2d_1`/);
  assert.match(h.contents, /Input: `\(None, 26, 26, 32\)`/);
  assert.match(h.contents, /Output: `\(None, 24, 24, 64\)`/);
  assert.match(h.contents, /Parameters: 18,496 \(18,496 trainable, 0 non-trainable\)/);
  assert.equal(DIGITS_CNN.slice(h.range.start.offset, h.range.end.offset), 'Conv2D');
});

test('the first layer says where the input shape came from when it came from the data', () => {
  const text = `model m {\n  Flatten()\n  Dense(10, activation='softmax')\n}\ndata {\n  train: mnist\n}\n`;
  const h = hoverAt(text, 'Flatten');
  assert.match(h?.contents ?? '', /inferred from mnist/);
  assert.match(h?.contents ?? '', /Output: `\(None, 784\)`/);
});

test('the model name shows the totals first, then one compact table row per layer', () => {
  const h = hoverAt(DIGITS_CNN, 'digits_cnn');
  assert.ok(h);
  assert.match(h.contents, /\*\*model digits_cnn\*\*/);
  const lines = h.contents.split('\n');
  // Totals before the table, on one line, so a short hover box shows them without scrolling.
  const totals = lines.findIndex((l) =>
    l.startsWith('Total params: 1,199,882 (4.58 MB) · Trainable: 1,199,882 (4.58 MB) · Non-trainable: 0 (0.00 B)'),
  );
  const header = lines.indexOf('| Layer (type) | Output Shape | Param # |');
  assert.ok(totals >= 0 && header > totals, h.contents);
  assert.ok(lines.includes('| dense\\_1 (Dense) | (None, 10) | 1,290 |'), h.contents);
  // One row per layer, no padded rich-table rows or code block that would wrap in a narrow box.
  assert.equal(lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Layer') && !l.startsWith('| :')).length, 8);
  assert.ok(!h.contents.includes('```') && !h.contents.includes('│'));
  assert.ok(
    lines.every((l) => l.length <= 100),
    'no line long enough to wrap',
  );
});

test('a layer name cannot break the hover table', () => {
  const h = hoverAt(`model m {\n  Input(shape=(4,))\n  Dense(2, name='a|b*c')\n}\n`, 'm {');
  assert.ok(h);
  assert.ok(h.contents.includes('| a\\|b\\*c (Dense) | (None, 2) | 10 |'), h.contents);
});

test('an argument name shows its doc, type and default', () => {
  const h = hoverAt(DIGITS_CNN, 'kernel_size');
  assert.ok(h);
  assert.match(h.contents, /\*\*kernel_size\*\* \(argument of Conv2D\)/);
  assert.match(h.contents, /Type: `int or tuple of 2 ints`/);
  const lr = hoverAt(DIGITS_CNN, 'learning_rate');
  assert.match(lr?.contents ?? '', /Default: `0\.001`/);
  assert.match(lr?.contents ?? '', /Keras 2 spelling: `lr`/);
  const key = hoverAt(DIGITS_CNN, 'batch_size');
  assert.match(key?.contents ?? '', /\*\*batch_size\*\* \(fit setting\)/);
  assert.match(key?.contents ?? '', /Default: `32`/);
});

test('a pasted activation=tf.nn.relu shows the activation it means', () => {
  const text = `model m {\n  Input(shape=(4,))\n  Dense(2, activation=tf.nn.relu)\n}\n`;
  const h = hoverAt(text, 'tf.nn.relu', 0, 7);
  assert.match(h?.contents ?? '', /\*\*relu\*\* \(activation\)\n\nRectified linear unit/);
  assert.equal(text.slice(h!.range.start.offset, h!.range.end.offset), 'tf.nn.relu');
});

test('values show what they mean: activations, losses, optimizers, metrics, callbacks', () => {
  assert.match(hoverAt(DIGITS_CNN, "'relu'")?.contents ?? '', /\*\*relu\*\* \(activation\)\n\nRectified linear unit/);
  assert.match(
    hoverAt(DIGITS_CNN, "'categorical_crossentropy'")?.contents ?? '',
    /\*\*categorical_crossentropy\*\* \(loss\)/,
  );
  assert.match(hoverAt(DIGITS_CNN, 'Adadelta')?.contents ?? '', /```python\nAdadelta\(learning_rate=0\.001/);
  assert.match(hoverAt(DIGITS_CNN, "'accuracy'")?.contents ?? '', /\*\*accuracy\*\* \(metric\)/);
  assert.match(hoverAt(DIGITS_CNN, 'EarlyStopping')?.contents ?? '', /Stops training/);
  const mse = `model m {\n  Input(shape=(2,))\n  Dense(1)\n}\ncompile {\n  loss: mse\n}\n`;
  assert.match(
    hoverAt(mse, 'mse', 0, 1)?.contents ?? '',
    /\*\*mean_squared_error\*\* \(loss\)[\s\S]*Also written: 'mse'/,
  );
});

test('a dataset shows its description: shape, classes, samples', () => {
  const h = hoverAt(DIGITS_CNN, 'mnist', 0, 1);
  assert.ok(h);
  assert.match(h.contents, /\*\*mnist\*\* \(dataset\)/);
  assert.match(h.contents, /28/);
  assert.match(h.contents, /10 classes|Classes: 10/);
  const test2 = `model m {\n  Input(shape=(28, 28, 1))\n}\ndata {\n  test: fashion_mnist(split='test')\n}\n`;
  const f = hoverAt(test2, 'fashion_mnist');
  assert.match(f?.contents ?? '', /Fashion-MNIST/);
});

test('whitespace, comments and bogus positions give no hover and never throw', () => {
  const analysis = analyzed(DIGITS_CNN);
  assert.equal(hover(analysis, { line: 11, character: 0 }), undefined);
  assert.equal(hover(analysis, { line: 500, character: 3 }), undefined);
  assert.equal(hover(analysis, { line: -1, character: -5 }), undefined);
});

test("a layer-graph application's hover lists its own summary: every layer, what it reads, Keras's totals", () => {
  const text = 'model m {\n  ResNet50(include_top=False, input_shape=(64, 64, 3))\n  GlobalAveragePooling2D()\n}\n';
  const h = hoverAt(text, 'ResNet50');
  assert.ok(h);
  assert.match(h.contents, /Keras name: `resnet50`/);
  assert.match(h.contents, /Parameters: 23,587,712 \(23,534,592 trainable, 53,120 non-trainable\)/);
  assert.match(
    h.contents,
    /\*\*Model "resnet50"\*\* \(174 layers\) · Total params: 23,587,712 · Trainable: 23,534,592/,
  );
  const lines = h.contents.split('\n');
  assert.ok(lines.includes('| conv1\\_conv (Conv2D) | (None, 32, 32, 64) | 9,472 | conv1\\_pad |'), h.contents);
  assert.ok(
    lines.includes(
      '| conv2\\_block1\\_add (Add) | (None, 16, 16, 256) | 0 | conv2\\_block1\\_0\\_bn, conv2\\_block1\\_3\\_bn |',
    ),
    h.contents,
  );
  assert.ok(lines.includes('| conv5\\_block3\\_out (Activation) | (None, 2, 2, 2048) | 0 | conv5\\_block3\\_add |'));
});

test('an application whose input is too small has no summary in its hover (the checker says why)', () => {
  const text = 'model m {\n  ResNet50(include_top=False, input_shape=(16, 16, 3))\n}\n';
  const h = hoverAt(text, 'ResNet50');
  assert.ok(h);
  assert.doesNotMatch(h.contents, /Connected to/);
});
