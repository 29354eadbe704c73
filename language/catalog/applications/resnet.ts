// ResNet50/101/152 (He et al. 2015) and ResNet50V2 (He et al. 2016, pre-activation),
// as keras/src/applications/resnet.py and resnet_v2.py build them (LANGUAGE.md names
// these four; ResNet101V2/152V2 would be one line each): the same layer names, so a Keras
// weights file loads by name. Keras's counts: ResNet50 25,636,712 with the top, 23,587,712 without.

import type { ArgValue, Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import { classifierTop } from './top';

const BN = { axis: 3, epsilon: 1.001e-5 };

/** residual_block_v1: 1×1, 3×3, 1×1 (×4 filters) with a projection shortcut on a block's first. */
function blockV1(g: GraphBuilder, x: string, filters: number, stride: number, convShortcut: boolean, name: string) {
  let shortcut = x;
  if (convShortcut) {
    shortcut = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1, strides: stride, name: `${name}_0_conv` }, x);
    shortcut = g.layer('BatchNormalization', { ...BN, name: `${name}_0_bn` }, shortcut);
  }
  x = g.layer('Conv2D', { filters, kernel_size: 1, strides: stride, name: `${name}_1_conv` }, x);
  x = g.layer('BatchNormalization', { ...BN, name: `${name}_1_bn` }, x);
  x = g.layer('Activation', { activation: 'relu', name: `${name}_1_relu` }, x);
  x = g.layer('Conv2D', { filters, kernel_size: 3, padding: 'same', name: `${name}_2_conv` }, x);
  x = g.layer('BatchNormalization', { ...BN, name: `${name}_2_bn` }, x);
  x = g.layer('Activation', { activation: 'relu', name: `${name}_2_relu` }, x);
  x = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1, name: `${name}_3_conv` }, x);
  x = g.layer('BatchNormalization', { ...BN, name: `${name}_3_bn` }, x);
  x = g.merge('Add', [shortcut, x], { name: `${name}_add` });
  return g.layer('Activation', { activation: 'relu', name: `${name}_out` }, x);
}

/** residual_block_v2: pre-activation; the stride sits on the block's last 3×3 (Keras's layout). */
function blockV2(g: GraphBuilder, x: string, filters: number, stride: number, convShortcut: boolean, name: string) {
  const preact = g.layer(
    'Activation',
    { activation: 'relu', name: `${name}_preact_relu` },
    g.layer('BatchNormalization', { ...BN, name: `${name}_preact_bn` }, x),
  );
  const shortcut = convShortcut
    ? g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1, strides: stride, name: `${name}_0_conv` }, preact)
    : stride > 1
      ? g.layer('MaxPooling2D', { pool_size: 1, strides: stride, name: `${name}_0_max_pooling2d` }, x)
      : x;
  x = g.layer('Conv2D', { filters, kernel_size: 1, strides: 1, use_bias: false, name: `${name}_1_conv` }, preact);
  x = g.layer('BatchNormalization', { ...BN, name: `${name}_1_bn` }, x);
  x = g.layer('Activation', { activation: 'relu', name: `${name}_1_relu` }, x);
  x = g.layer(
    'ZeroPadding2D',
    {
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: `${name}_2_pad`,
    },
    x,
  );
  x = g.layer('Conv2D', { filters, kernel_size: 3, strides: stride, use_bias: false, name: `${name}_2_conv` }, x);
  x = g.layer('BatchNormalization', { ...BN, name: `${name}_2_bn` }, x);
  x = g.layer('Activation', { activation: 'relu', name: `${name}_2_relu` }, x);
  x = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1, name: `${name}_3_conv` }, x);
  return g.merge('Add', [shortcut, x], { name: `${name}_out` });
}

/** Every ResNet has four stacks of 64, 128, 256 and 512 filters; the depth is the blocks per stack. */
const FILTERS = [64, 128, 256, 512];

function resnet(kerasName: string, blocksPerStack: readonly number[], preact: boolean) {
  return (args: Record<string, ArgValue>, _input: Shape): LayerGraph => {
    const g = new GraphBuilder(kerasName);
    let x = g.layer(
      'ZeroPadding2D',
      {
        padding: [
          [3, 3],
          [3, 3],
        ],
        name: 'conv1_pad',
      },
      g.input,
    );
    x = g.layer('Conv2D', { filters: 64, kernel_size: 7, strides: 2, name: 'conv1_conv' }, x);
    if (!preact) {
      x = g.layer('BatchNormalization', { ...BN, name: 'conv1_bn' }, x);
      x = g.layer('Activation', { activation: 'relu', name: 'conv1_relu' }, x);
    }
    x = g.layer(
      'ZeroPadding2D',
      {
        padding: [
          [1, 1],
          [1, 1],
        ],
        name: 'pool1_pad',
      },
      x,
    );
    x = g.layer('MaxPooling2D', { pool_size: 3, strides: 2, name: 'pool1_pool' }, x);
    blocksPerStack.forEach((blocks, s) => {
      const filters = FILTERS[s];
      const name = `conv${s + 2}`;
      if (preact) {
        // stack_residual_blocks_v2: the stride (2, except on the last stack: 1) is on the last block.
        const stride = s === blocksPerStack.length - 1 ? 1 : 2;
        x = blockV2(g, x, filters, 1, true, `${name}_block1`);
        for (let i = 2; i < blocks; i++) x = blockV2(g, x, filters, 1, false, `${name}_block${i}`);
        x = blockV2(g, x, filters, stride, false, `${name}_block${blocks}`);
      } else {
        x = blockV1(g, x, filters, s === 0 ? 1 : 2, true, `${name}_block1`);
        for (let i = 2; i <= blocks; i++) x = blockV1(g, x, filters, 1, false, `${name}_block${i}`);
      }
    });
    if (preact) {
      x = g.layer('BatchNormalization', { ...BN, name: 'post_bn' }, x);
      x = g.layer('Activation', { activation: 'relu', name: 'post_relu' }, x);
    }
    return g.build(classifierTop(g, x, args));
  };
}

function application(name: string, blocksPerStack: readonly number[], preact: boolean, paper: string) {
  const kerasName = name.toLowerCase();
  const depth = name.replace(/\D/g, '');
  return defineApplication({
    name,
    kerasName,
    doc: `${name} (Keras Applications, ${paper}): a ${depth}-layer residual network${preact ? ' with pre-activation blocks' : ''}, as one nested layer (\`${kerasName} (Functional)\`). Weights only from a local file.`,
    defaultInput: [224, 224, 3],
    minSize: 32,
    weightsFiles: {
      top: `${kerasName}_weights_tf_dim_ordering_tf_kernels.h5`,
      notop: `${kerasName}_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    },
    build: resnet(kerasName, blocksPerStack, preact),
  });
}

const V1 = 'He et al. 2015';
const V2 = 'He et al. 2016';
export const RESNET_APPLICATIONS = [
  application('ResNet50', [3, 4, 6, 3], false, V1),
  application('ResNet101', [3, 4, 23, 3], false, V1),
  application('ResNet152', [3, 8, 36, 3], false, V1),
  application('ResNet50V2', [3, 4, 6, 3], true, V2),
];
