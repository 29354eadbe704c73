// DenseNet121/169/201 (Huang et al. 2017), as keras/src/applications/densenet.py builds them:
// the same layer names (the two stem paddings unnamed, as Keras leaves them), so a Keras weights
// file loads. Each dense block concatenates 32 new channels per conv block; each transition
// halves the channels (int(x.shape[3] * 0.5)) and the size.
// Keras's model.summary() totals (with the top / trainable / non-trainable; without the top):
//   DenseNet121  8,062,504 / 7,978,856 / 83,648;    7,037,504 (6,953,856 / 83,648)
//   DenseNet169 14,307,880 / 14,149,480 / 158,400; 12,642,880
//   DenseNet201 20,242,984 / 20,013,928 / 229,056; 18,321,984

import type { ArgValue, Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import type { LayerGraph } from '../graph/layer-graph';
import { shapedGraphBuilder, type ShapedGraphBuilder } from '../graph/shaped-builder';
import { classifierTop } from './top';

const BN = { axis: 3, epsilon: 1.001e-5 };
const GROWTH_RATE = 32;

/** conv_block: BN-ReLU-1×1 (4 × growth) then BN-ReLU-3×3 (growth), concatenated to its input. */
function convBlock(g: ShapedGraphBuilder, x: string, name: string): string {
  let x1 = g.layer('BatchNormalization', { ...BN, name: `${name}_0_bn` }, x);
  x1 = g.layer('Activation', { activation: 'relu', name: `${name}_0_relu` }, x1);
  x1 = g.layer('Conv2D', { filters: 4 * GROWTH_RATE, kernel_size: 1, use_bias: false, name: `${name}_1_conv` }, x1);
  x1 = g.layer('BatchNormalization', { ...BN, name: `${name}_1_bn` }, x1);
  x1 = g.layer('Activation', { activation: 'relu', name: `${name}_1_relu` }, x1);
  x1 = g.layer(
    'Conv2D',
    { filters: GROWTH_RATE, kernel_size: 3, padding: 'same', use_bias: false, name: `${name}_2_conv` },
    x1,
  );
  return g.merge('Concatenate', [x, x1], { axis: 3, name: `${name}_concat` });
}

function denseBlock(g: ShapedGraphBuilder, x: string, blocks: number, name: string): string {
  for (let i = 0; i < blocks; i++) x = convBlock(g, x, `${name}_block${i + 1}`);
  return x;
}

/** transition_block: BN-ReLU, a 1×1 convolution to int(channels × reduction), 2×2 average pooling. */
function transitionBlock(g: ShapedGraphBuilder, x: string, reduction: number, name: string): string {
  x = g.layer('BatchNormalization', { ...BN, name: `${name}_bn` }, x);
  x = g.layer('Activation', { activation: 'relu', name: `${name}_relu` }, x);
  const filters = Math.trunc(g.channels(x) * reduction);
  x = g.layer('Conv2D', { filters, kernel_size: 1, use_bias: false, name: `${name}_conv` }, x);
  return g.layer('AveragePooling2D', { pool_size: 2, strides: 2, name: `${name}_pool` }, x);
}

function densenet(kerasName: string, blocks: readonly number[]) {
  return (args: Record<string, ArgValue>, input: Shape): LayerGraph => {
    const g = shapedGraphBuilder(kerasName, input);
    let x = g.layer(
      'ZeroPadding2D',
      {
        padding: [
          [3, 3],
          [3, 3],
        ],
      },
      g.input,
    );
    x = g.layer('Conv2D', { filters: 64, kernel_size: 7, strides: 2, use_bias: false, name: 'conv1_conv' }, x);
    x = g.layer('BatchNormalization', { ...BN, name: 'conv1_bn' }, x);
    x = g.layer('Activation', { activation: 'relu', name: 'conv1_relu' }, x);
    x = g.layer(
      'ZeroPadding2D',
      {
        padding: [
          [1, 1],
          [1, 1],
        ],
      },
      x,
    );
    x = g.layer('MaxPooling2D', { pool_size: 3, strides: 2, name: 'pool1' }, x);
    blocks.forEach((n, i) => {
      x = denseBlock(g, x, n, `conv${i + 2}`);
      if (i < blocks.length - 1) x = transitionBlock(g, x, 0.5, `pool${i + 2}`);
    });
    x = g.layer('BatchNormalization', { ...BN, name: 'bn' }, x);
    x = g.layer('Activation', { activation: 'relu', name: 'relu' }, x);
    // With the top avg_pool + predictions; without, pooling named avg_pool / max_pool.
    return g.build(classifierTop(g, x, args));
  };
}

function application(name: string, blocks: readonly number[]) {
  const kerasName = name.toLowerCase();
  const depth = name.replace(/\D/g, '');
  return defineApplication({
    name,
    kerasName,
    doc: `${name} (Keras Applications, Huang et al. 2017): a ${depth}-layer densely connected network (dense blocks of ${blocks.join(', ')} conv blocks), as one nested layer (\`${kerasName} (Functional)\`). Weights only from a local file.`,
    defaultInput: [224, 224, 3],
    minSize: 32,
    weightsFiles: {
      top: `${kerasName}_weights_tf_dim_ordering_tf_kernels.h5`,
      notop: `${kerasName}_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    },
    build: densenet(kerasName, blocks),
  });
}

export const DENSENET_APPLICATIONS = [
  application('DenseNet121', [6, 12, 24, 16]),
  application('DenseNet169', [6, 12, 32, 32]),
  application('DenseNet201', [6, 12, 48, 32]),
];
