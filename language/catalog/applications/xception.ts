// Xception (Chollet 2017), as keras/src/applications/xception.py builds it: depthwise separable
// convolutions in 14 blocks with residual shortcuts. Keras names most layers; the shortcut
// convolutions, their BatchNormalizations and the adds keep Keras's auto names (conv2d,
// batch_normalization, add, … in build order), so a Keras weights file loads.
// Keras's model.summary() totals: 22,910,480 with the top (22,855,952 trainable, 54,528
// non-trainable), 20,861,480 without (20,806,952 / 54,528).

import type { ArgValue, Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import { classifierTop, unnamedPooling } from './top';

const BN = { axis: -1 };

function sepConv(g: GraphBuilder, x: string, filters: number, name: string): string {
  x = g.layer('SeparableConv2D', { filters, kernel_size: 3, padding: 'same', use_bias: false, name }, x);
  return g.layer('BatchNormalization', { ...BN, name: `${name}_bn` }, x);
}

/** The 1×1 stride-2 projection shortcut of blocks 2–4 and 13 (unnamed in Keras). */
function projection(g: GraphBuilder, x: string, filters: number): string {
  const r = g.layer('Conv2D', { filters, kernel_size: 1, strides: 2, padding: 'same', use_bias: false }, x);
  return g.layer('BatchNormalization', BN, r);
}

function pool(g: GraphBuilder, x: string, name: string): string {
  return g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same', name }, x);
}

const relu = (g: GraphBuilder, x: string, name: string) => g.layer('Activation', { activation: 'relu', name }, x);

function xception(args: Record<string, ArgValue>, _input: Shape): LayerGraph {
  const g = new GraphBuilder('xception');
  let x = g.layer(
    'Conv2D',
    { filters: 32, kernel_size: 3, strides: 2, use_bias: false, name: 'block1_conv1' },
    g.input,
  );
  x = g.layer('BatchNormalization', { ...BN, name: 'block1_conv1_bn' }, x);
  x = relu(g, x, 'block1_conv1_act');
  x = g.layer('Conv2D', { filters: 64, kernel_size: 3, use_bias: false, name: 'block1_conv2' }, x);
  x = g.layer('BatchNormalization', { ...BN, name: 'block1_conv2_bn' }, x);
  x = relu(g, x, 'block1_conv2_act');

  // Block 2 starts without an activation (its input is block1_conv2_act).
  let residual = projection(g, x, 128);
  x = sepConv(g, x, 128, 'block2_sepconv1');
  x = relu(g, x, 'block2_sepconv2_act');
  x = sepConv(g, x, 128, 'block2_sepconv2');
  x = pool(g, x, 'block2_pool');
  x = g.merge('Add', [x, residual]);

  for (const [block, filters] of [
    [3, 256],
    [4, 728],
  ]) {
    residual = projection(g, x, filters);
    x = relu(g, x, `block${block}_sepconv1_act`);
    x = sepConv(g, x, filters, `block${block}_sepconv1`);
    x = relu(g, x, `block${block}_sepconv2_act`);
    x = sepConv(g, x, filters, `block${block}_sepconv2`);
    x = pool(g, x, `block${block}_pool`);
    x = g.merge('Add', [x, residual]);
  }

  // Middle flow: eight blocks of three separable convolutions with an identity shortcut.
  for (let i = 0; i < 8; i++) {
    residual = x;
    const prefix = `block${i + 5}`;
    for (let j = 1; j <= 3; j++) {
      x = relu(g, x, `${prefix}_sepconv${j}_act`);
      x = sepConv(g, x, 728, `${prefix}_sepconv${j}`);
    }
    x = g.merge('Add', [x, residual]);
  }

  residual = projection(g, x, 1024);
  x = relu(g, x, 'block13_sepconv1_act');
  x = sepConv(g, x, 728, 'block13_sepconv1');
  x = relu(g, x, 'block13_sepconv2_act');
  x = sepConv(g, x, 1024, 'block13_sepconv2');
  x = pool(g, x, 'block13_pool');
  x = g.merge('Add', [x, residual]);

  x = sepConv(g, x, 1536, 'block14_sepconv1');
  x = relu(g, x, 'block14_sepconv1_act');
  x = sepConv(g, x, 2048, 'block14_sepconv2');
  x = relu(g, x, 'block14_sepconv2_act');

  return g.build(args.include_top !== false ? classifierTop(g, x, args) : unnamedPooling(g, x, args));
}

export const XCEPTION_APPLICATIONS = [
  defineApplication({
    name: 'Xception',
    kerasName: 'xception',
    doc: 'Xception (Keras Applications, Chollet 2017): depthwise separable convolutions with residual shortcuts, as one nested layer (`xception (Functional)`). Default input 299×299, at least 71×71. Weights only from a local file.',
    defaultInput: [299, 299, 3],
    minSize: 71,
    weightsFiles: {
      top: 'xception_weights_tf_dim_ordering_tf_kernels.h5',
      notop: 'xception_weights_tf_dim_ordering_tf_kernels_notop.h5',
    },
    build: xception,
  }),
];
