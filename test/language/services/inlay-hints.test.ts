import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlayHints } from '../../../language/services/inlay-hints';
import { analyzed, DIGITS_CNN } from './helpers';

test('every layer of the digits CNN gets its output shape, and its parameter count when it has any', () => {
  const hints = inlayHints(analyzed(DIGITS_CNN));
  assert.deepEqual(
    hints.map((h) => h.label),
    [
      '(None, 28, 28, 1)',
      '(None, 26, 26, 32) · 320',
      '(None, 24, 24, 64) · 18,496',
      '(None, 12, 12, 64)',
      '(None, 12, 12, 64)',
      '(None, 9216)',
      '(None, 128) · 1,179,776',
      '(None, 128)',
      '(None, 10) · 1,290',
      // After the model's closing brace: the whole model's count, as Keras's "Total params".
      '1,199,882 params (4.58 MB)',
    ],
  );
  assert.deepEqual(hints[hints.length - 1].position, { line: 10, character: 1 });
  assert.match(
    hints[hints.length - 1].tooltip ?? '',
    /digits_cnn: 1,199,882 parameters in all; 1,199,882 trainable, 0 non-trainable/,
  );
  // Each hint sits at the end of its call.
  const lines = DIGITS_CNN.split('\n');
  for (const h of hints) assert.equal(h.position.character, lines[h.position.line].length);
  assert.equal(hints[1].position.line, 2);
  assert.match(hints[1].tooltip ?? '', /conv2d \(Conv2D\).*320 trainable, 0 non-trainable/);
  assert.ok(hints.every((h) => h.paddingLeft));
});

test('only hints inside the requested range are returned', () => {
  const hints = inlayHints(analyzed(DIGITS_CNN), {
    start: { line: 3, character: 0 },
    end: { line: 4, character: 100 },
  });
  assert.deepEqual(
    hints.map((h) => h.label),
    ['(None, 24, 24, 64) · 18,496', '(None, 12, 12, 64)'],
  );
});

test('an application gets one hint: the output of its last layer and the sum of its parameters', () => {
  const hints = inlayHints(analyzed(`model m {\n  VGG16(include_top=False, input_shape=(224, 224, 3))\n}\n`));
  assert.deepEqual(
    hints.map((h) => h.label),
    ['(None, 7, 7, 512) · 14,714,688', '14,714,688 params (56.13 MB)'],
  );
});

test('with the input shape from the data, hints start at the first layer; a broken chain keeps only the hints above the break', () => {
  const hints = inlayHints(
    analyzed(`model m {\n  Flatten()\n  Dense(0)\n  Dense(10)\n}\ndata {\n  train: digits\n}\n`),
  );
  assert.deepEqual(
    hints.map((h) => h.label),
    ['(None, 784)'],
  );
  const ok = inlayHints(analyzed(`model m {\n  Flatten()\n  Dense(10)\n}\ndata {\n  train: digits\n}\n`));
  assert.deepEqual(
    ok.map((h) => h.label),
    ['(None, 784)', '(None, 10) · 7,850', '7,850 params (30.66 KB)'],
  );
});

test('a half-typed line keeps the hints of the layers above it', () => {
  for (const half of ['Dense(', 'Conv2D(32, kernel_size=(3,', 'Den']) {
    const text = `model m {\n  Input(shape=(28, 28, 1))\n  Conv2D(8, 3)\n  ${half}\n  Flatten()\n  Dense(10)\n}\n`;
    const hints = inlayHints(analyzed(text));
    assert.deepEqual(
      hints.map((h) => `${h.position.line}: ${h.label}`),
      ['1: (None, 28, 28, 1)', '2: (None, 26, 26, 8) · 80'],
      `with ${JSON.stringify(half)} on line 3`,
    );
  }
});

test('the total parameter count needs the closing brace and every layer counted', () => {
  // No `}` yet (typing): no total to hang after it.
  const open = inlayHints(analyzed(`model m {\n  Input(shape=(4,))\n  Dense(2)\n`));
  assert.deepEqual(
    open.map((h) => h.label),
    ['(None, 4)', '(None, 2) · 10'],
  );
  // A layer that does not compute: the total would be wrong, so there is none.
  const broken = inlayHints(analyzed(`model m {\n  Input(shape=(4,))\n  Dense(2)\n  Dense(units='x')\n}\n`));
  assert.ok(!broken.some((h) => /params/.test(String(h.label))), broken.map((h) => h.label).join(', '));
  // Non-trainable weights count in the total and are named apart in the tooltip.
  const bn = inlayHints(analyzed(`model m {\n  Input(shape=(4,))\n  BatchNormalization()\n}\n`));
  const total = bn[bn.length - 1];
  assert.equal(total.label, '16 params (64.00 B)');
  assert.match(total.tooltip ?? '', /8 trainable, 8 non-trainable/);
});
