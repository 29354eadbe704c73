// Keras layers and activations that TF.js lacks or defines differently, registered under
// Keras's class names so modelFromJSON reads them (registerClass replaces TF.js's entry).
import * as tf from '@tensorflow/tfjs-core';
import { registerActivations } from './activations';
import { KerasBatchNormalization } from './batch-norm';
import { CONV_LAYERS, KerasSeparableConv1D } from './conv';
import { KerasConvLSTM2D } from './conv-lstm';
import { CONV_TRANSPOSE_LAYERS, registerConv3DTransposeGradient } from './conv-transpose';
import { KerasGroupNormalization } from './group-norm';
import { KerasLayerNormalization } from './layer-norm';
import { patchLayerMasks } from './masking';
import { DROPOUT_LAYERS } from './dropout';
import { GRAPH_OP_LAYERS } from './graph-ops';
import { KerasGRU, KerasGRUCell } from './gru';
import { NOISE_LAYERS } from './noise';
import { PREPROCESSING_LAYERS } from './preprocessing';
import { KerasActivityRegularization } from './regularization';
import { KerasOrthogonal } from './orthogonal';
import { KerasReLU } from './relu';
import { RESHAPING_LAYERS } from './reshaping';
import { polyfillTensorMethods } from './tensor-methods';

let registered = false;

export function registerKerasLayers(): void {
  if (registered) return;
  registered = true;
  polyfillTensorMethods();
  registerActivations();
  registerConv3DTransposeGradient();
  patchLayerMasks();
  const classes: unknown[] = [
    ...RESHAPING_LAYERS,
    ...DROPOUT_LAYERS,
    ...NOISE_LAYERS,
    ...PREPROCESSING_LAYERS,
    KerasGRU,
    KerasGRUCell,
    KerasReLU,
    KerasOrthogonal,
    KerasBatchNormalization,
    KerasLayerNormalization,
    KerasGroupNormalization,
    KerasActivityRegularization,
    ...CONV_LAYERS,
    ...GRAPH_OP_LAYERS,
    ...CONV_TRANSPOSE_LAYERS,
    KerasSeparableConv1D,
    KerasConvLSTM2D,
  ];
  for (const cls of classes) {
    tf.serialization.registerClass(cls as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  }
}
