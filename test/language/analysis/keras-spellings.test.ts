// Keras spellings the checker rejected (issue #10, "Gaps found" 1): Reshape with one -1,
// Input(dtype='int64'), padding='SAME', activation=tf.nn.relu, the leaky_relu and log_softmax
// activations, and Embedding's Keras 2 input_length. Each is checked as Keras 3 reads it: the
// shapes and counts, and the lowered Keras config the engines build from.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyze, type Analysis } from '../../../language/analysis/analyze';
import { lowerModel } from '../../../language/lowering';
import { formatModelFile } from '../../../language/services/format';

function model(layers: string): string {
  return `model m {\n${layers
    .trim()
    .split('\n')
    .map((l) => `    ${l.trim()}`)
    .join('\n')}\n}\n`;
}

function errors(a: Analysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
}

type Lowered = { class_name: string; config: Record<string, unknown> }[];

/** The lowered Keras config of each layer row, in order (an InputLayer entry left out). */
function configs(a: Analysis): Record<string, unknown>[] {
  return lowered(a)
    .filter((l) => l.class_name !== 'InputLayer')
    .map((l) => l.config);
}

function lowered(a: Analysis): Lowered {
  return (lowerModel(a.model!) as unknown as { config: { layers: Lowered } }).config.layers;
}

describe('Reshape with one -1 (Keras 3: operation_utils.compute_reshape_output_shape)', () => {
  it('infers the -1 from the sample size and keeps -1 in the lowered target_shape', () => {
    // Keras: Reshape((-1,)) on (None, 3, 4) gives (None, 12); Reshape((4, -1, 7)) on (None, 56) gives (None, 4, 2, 7).
    const a = analyze(model(`Input(shape=(3, 4))\nReshape((-1,))\nDense(2)`));
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.model!.layers[0].output, [12]);
    assert.equal(a.model!.totals!.total, 12 * 2 + 2);
    const b = analyze(model(`Input(shape=(56,))\nReshape((4, -1, 7))\nFlatten()\nDense(2)`));
    assert.deepEqual(errors(b), []);
    assert.deepEqual(b.model!.layers[0].output, [4, 2, 7]);
    assert.deepEqual(configs(b)[0].target_shape, [4, -1, 7]);
  });
  it('leaves the -1 unknown when a sample axis is unknown, as Keras does', () => {
    const a = analyze(model(`Input(shape=(None, 8))\nReshape((-1, 4))`));
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.model!.layers[0].output, [null, 4]);
  });
  it('still rejects two -1s, a size that does not divide, and other negative sizes', () => {
    assert.match(
      errors(analyze(model(`Input(shape=(12,))\nReshape((-1, -1))`))).join('\n'),
      /2 entries of -1, but only one can be inferred/,
    );
    assert.match(
      errors(analyze(model(`Input(shape=(12,))\nReshape((-1, 5))`))).join('\n'),
      /multiple of 5, but the input \(None, 12\) has 12/,
    );
    const bad = errors(analyze(model(`Input(shape=(12,))\nReshape((-2, 6))`))).join('\n');
    assert.match(bad, /target_shape must be a whole number of at least 1, or -1 for the one size to infer, got -2/);
    // input shapes take None, never -1
    assert.match(errors(analyze(model(`Input(shape=(-1,))\nDense(2)`))).join('\n'), /at least 1 or None, got -1/);
  });
});

describe("Input(dtype=...) takes Keras's integer and float dtypes", () => {
  it("accepts dtype='int64' (keras.io's text examples) and lowers it unchanged", () => {
    const a = analyze(
      model(`Input(shape=(None,), dtype='int64')\nEmbedding(1000, 16)\nGlobalAveragePooling1D()\nDense(1)`),
    );
    assert.deepEqual(errors(a), []);
    const input = lowered(a)[0];
    assert.equal(input.class_name, 'InputLayer');
    assert.deepEqual(
      { dtype: input.config.dtype, batch_input_shape: input.config.batch_input_shape },
      { dtype: 'int64', batch_input_shape: [null, null] },
    );
    assert.equal(a.model!.totals!.total, 1000 * 16 + 16 + 1);
  });
  it('still rejects a name Keras does not know', () => {
    assert.match(
      errors(analyze(model(`Input(shape=(4,), dtype='int65')\nDense(1)`))).join('\n'),
      /dtype must be one of .*'int64'.*got 'int65'/,
    );
  });
});

describe('padding and data_format in any case (Keras lowercases them: conv_utils / standardize_data_format)', () => {
  it("padding='SAME' means 'same' for convolutions and pooling, and lowers as 'same'", () => {
    const a = analyze(
      model(`Input(shape=(28, 28, 1))\nConv2D(8, 3, padding='SAME')\nMaxPooling2D(2, padding='Valid')`),
    );
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.model!.layers[0].output, [28, 28, 8]); // 'same' keeps 28; 'valid' would give 26
    assert.deepEqual(a.model!.layers[1].output, [14, 14, 8]);
    assert.equal(configs(a)[0].padding, 'same');
    assert.equal(configs(a)[1].padding, 'valid');
  });
  it("padding='Causal' on Conv1D and data_format='CHANNELS_LAST'", () => {
    const a = analyze(model(`Input(shape=(10, 2))\nConv1D(4, 3, padding='Causal', data_format='CHANNELS_LAST')`));
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.model!.layers[0].output, [10, 4]);
    assert.equal(configs(a)[0].padding, 'causal');
  });
  it('a misspelt padding is still an error with a suggestion', () => {
    assert.match(
      errors(analyze(model(`Input(shape=(28, 28, 1))\nConv2D(8, 3, padding='SMAE')`))).join('\n'),
      /padding must be one of 'valid' or 'same', got 'SMAE'/,
    );
  });
});

describe('activation=tf.nn.relu and other pasted callables', () => {
  for (const written of ['tf.nn.relu', 'keras.activations.relu', 'tf.keras.activations.relu', 'activations.relu']) {
    it(`${written} means 'relu'`, () => {
      const a = analyze(model(`Input(shape=(8,))\nDense(4, activation=${written})\nDense(1)`));
      assert.deepEqual(
        a.diagnostics.map((d) => d.message),
        [],
      );
      assert.equal(configs(a)[0].activation, 'relu');
    });
  }
  it('an activation of another module or a misspelt one is unknown, with a fix', () => {
    const a = analyze(model(`Input(shape=(8,))\nDense(4, activation=numpy.relu)\nDense(4, activation=tf.nn.rleu)`));
    const unknown = a.diagnostics.filter((d) => d.code === 'unknown-activation');
    assert.equal(unknown.length, 2);
    assert.match(
      unknown[0].message,
      /Unknown activation 'numpy\.relu': write the activation's name as a string, e\.g\. 'relu'/,
    );
    assert.equal(a.text.slice(unknown[0].range.start.offset, unknown[0].range.end.offset), 'numpy.relu');
    assert.match(unknown[1].message, /Unknown activation 'tf\.nn\.rleu'\. Did you mean 'relu'/);
    assert.deepEqual(
      unknown[1].fixes?.map((f) => f.kind === 'replace' && f.text),
      ["'relu'"],
    );
  });
  it('a dotted name lexes as one name only in value position: a dotted callee is a call with a pasted prefix', () => {
    // Issue #10 item 4 changed this: `layers.Dense(` was one 'invalid-character' per dot; it is now
    // the Dense call (never a dotted value name), with a pasted-keras-prefix warning.
    const a = analyze(model(`Input(shape=(8,))\nlayers.Dense(4)`));
    assert.ok(!a.diagnostics.some((d) => d.code === 'invalid-character'));
    assert.deepEqual(errors(a), []);
    const layer = a.model?.block.layers[1];
    assert.ok(
      layer?.kind === 'call' && layer.callee.name === 'Dense' && layer.pasted?.prefix?.text === 'layers.',
      'layers.Dense( is not a value',
    );
    assert.ok(a.diagnostics.some((d) => d.code === 'pasted-keras-prefix'));
  });
  it('the formatter keeps a dotted name bare (quoting it would make it an unknown name)', () => {
    const formatted = formatModelFile(
      model(`Input(shape=(8,))\nDense(4, activation=tf.nn.relu)\nDense(4, activation=relu)`),
    );
    assert.ok(formatted?.includes('activation=tf.nn.relu)'), formatted);
    assert.ok(formatted?.includes("activation='relu')"), formatted);
  });
});

describe('leaky_relu and log_softmax activations (keras.activations)', () => {
  it('are accepted and lowered by name', () => {
    const a = analyze(
      model(`Input(shape=(8,))\nDense(4, activation='leaky_relu')\nDense(3, activation='log_softmax')`),
    );
    assert.deepEqual(errors(a), []);
    assert.equal(configs(a)[0].activation, 'leaky_relu');
    assert.equal(configs(a)[1].activation, 'log_softmax');
  });
});

describe("Embedding's input_length (Keras 3 pops it with a deprecation warning)", () => {
  it('gives no input shape: the model needs Input(shape=...) as in Keras 3', () => {
    const a = analyze(model(`Embedding(1000, 16, input_length=256)\nGlobalAveragePooling1D()\nDense(1)`));
    const missing = a.diagnostics.find((d) => d.code === 'missing-input-shape');
    assert.match(
      missing?.message ?? '',
      /^Add Input\(shape=\(256,\)\) as the model's first line.*: the model has no input shape \(Keras 3 ignores input_length\)/,
    );
    assert.deepEqual(
      missing?.fixes?.map((f) => f.kind === 'insert-layer' && f.text),
      ['Input(shape=(256,))'],
    );
    assert.ok(a.diagnostics.some((d) => d.code === 'deprecated-argument' && /Input\(shape=\(256,\)\)/.test(d.message)));
  });
  it('with Input, the shapes are the input shape and the argument lowers to nothing', () => {
    const a = analyze(model(`Input(shape=(10,))\nEmbedding(1000, 16, input_length=256)`));
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.model!.layers[0].output, [10, 16]);
    assert.equal('input_length' in configs(a)[0], false);
  });
});
