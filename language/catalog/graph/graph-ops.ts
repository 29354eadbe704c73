// The ops a layer graph uses besides catalog layers: Keras's merge layers (Add, Multiply,
// Concatenate) and the few custom layers Keras Applications define in their own modules. They
// exist only inside applications (a Sequential model has one input per layer), so they are not
// catalog layers a user writes. Each says its shape rule, its weights and its Keras config.

import { formatShape } from '../shapes';
import { ShapeError, type ArgValue, type ParamCount, type Shape } from '../types';

export interface GraphOp {
  /** Keras class name, as the Functional config writes it. */
  name: string;
  /** Keras's auto-name prefix. */
  kerasName: string;
  doc: string;
  /** Arguments Keras fills in when the source does not give them. */
  defaults: Record<string, ArgValue>;
  outputShape(inputs: readonly Shape[], args: Record<string, ArgValue>): Shape;
  params(inputs: readonly Shape[], args: Record<string, ArgValue>): ParamCount;
  /** Config keys beyond name, trainable and dtype. */
  config(args: Record<string, ArgValue>): Record<string, unknown>;
}

const NONE: ParamCount = { trainable: 0, nonTrainable: 0 };

/** Keras's elementwise merge: equal shapes (a None matches anything). */
function sameShape(op: string, inputs: readonly Shape[]): Shape {
  if (inputs.length < 2) throw new ShapeError('shape-mismatch', `${op} needs at least 2 inputs, got ${inputs.length}`);
  const [first, ...rest] = inputs;
  for (const s of rest) {
    const ok = s.length === first.length && s.every((d, i) => d === null || first[i] === null || d === first[i]);
    if (!ok) {
      throw new ShapeError(
        'shape-mismatch',
        `${op} needs inputs of one shape, got ${inputs.map(formatShape).join(' and ')}`,
      );
    }
  }
  return first.map((d, i) => d ?? rest.find((s) => s[i] !== null)?.[i] ?? null);
}

/** Multiply also broadcasts a (1, 1, C) gate over (H, W, C), as squeeze-and-excitation does. */
function broadcastShape(op: string, inputs: readonly Shape[]): Shape {
  const rank = inputs[0].length;
  if (inputs.some((s) => s.length !== rank)) {
    throw new ShapeError(
      'shape-mismatch',
      `${op} needs inputs of one rank, got ${inputs.map(formatShape).join(' and ')}`,
    );
  }
  return inputs[0].map((_, i) => {
    const sizes = inputs.map((s) => s[i]);
    const big = sizes.filter((d) => d !== 1);
    if (big.some((d) => d !== null && big.some((e) => e !== null && e !== d))) {
      throw new ShapeError('shape-mismatch', `${op} cannot broadcast ${inputs.map(formatShape).join(' and ')}`);
    }
    return big.find((d) => d !== null) ?? (big.length ? null : 1);
  });
}

export const GRAPH_OPS: readonly GraphOp[] = [
  {
    name: 'Add',
    kerasName: 'add',
    doc: 'Adds its inputs elementwise (a residual shortcut).',
    defaults: {},
    outputShape: (inputs) => sameShape('Add', inputs),
    params: () => NONE,
    config: () => ({}),
  },
  {
    name: 'Multiply',
    kerasName: 'multiply',
    doc: 'Multiplies its inputs elementwise, broadcasting size-1 axes (squeeze-and-excitation).',
    defaults: {},
    outputShape: (inputs) => broadcastShape('Multiply', inputs),
    params: () => NONE,
    config: () => ({}),
  },
  {
    name: 'Concatenate',
    kerasName: 'concatenate',
    doc: 'Concatenates its inputs along `axis` (default the channels).',
    defaults: { axis: -1 },
    outputShape(inputs, args) {
      const rank = inputs[0].length;
      const axis = (args.axis as number) < 0 ? rank + (args.axis as number) : (args.axis as number) - 1;
      if (inputs.some((s) => s.length !== rank) || axis < 0 || axis >= rank) {
        throw new ShapeError(
          'shape-mismatch',
          `Concatenate cannot join ${inputs.map(formatShape).join(' and ')} on axis ${args.axis}`,
        );
      }
      for (const s of inputs) {
        if (s.some((d, i) => i !== axis && d !== null && inputs[0][i] !== null && d !== inputs[0][i])) {
          throw new ShapeError(
            'shape-mismatch',
            `Concatenate needs equal sizes except on axis ${args.axis}, got ${inputs.map(formatShape).join(' and ')}`,
          );
        }
      }
      return inputs[0].map((d, i) =>
        i === axis ? (inputs.some((s) => s[i] === null) ? null : inputs.reduce((n, s) => n + (s[i] as number), 0)) : d,
      );
    },
    params: () => NONE,
    config: (args) => ({ axis: args.axis }),
  },
  {
    // keras/src/applications/inception_resnet_v2.py: inputs[0] + inputs[1] * scale.
    name: 'CustomScaleLayer',
    kerasName: 'custom_scale_layer',
    doc: "InceptionResNetV2's residual: the shortcut plus the branch times `scale`.",
    defaults: {},
    outputShape: (inputs) => sameShape('CustomScaleLayer', inputs),
    params: () => NONE,
    config: (args) => ({ scale: args.scale }),
  },
  {
    // keras/src/applications/convnext.py: x * gamma, gamma one trainable weight per channel.
    name: 'LayerScale',
    kerasName: 'layer_scale',
    doc: "ConvNeXt's per-channel scale (a trainable gamma, initialised to `init_values`).",
    defaults: {},
    outputShape(inputs, args) {
      if (inputs.length !== 1)
        throw new ShapeError('shape-mismatch', `LayerScale takes one input, got ${inputs.length}`);
      const channels = inputs[0][inputs[0].length - 1];
      if (channels !== args.projection_dim) {
        throw new ShapeError(
          'shape-mismatch',
          `LayerScale has ${args.projection_dim} scales but its input has ${channels} channels`,
        );
      }
      return inputs[0];
    },
    params: (_inputs, args) => ({ trainable: args.projection_dim as number, nonTrainable: 0 }),
    config: (args) => ({ init_values: args.init_values, projection_dim: args.projection_dim }),
  },
];

export function findGraphOp(name: string): GraphOp | undefined {
  return GRAPH_OPS.find((op) => op.name === name);
}
