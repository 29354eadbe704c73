// Xception, InceptionV3, InceptionResNetV2, DenseNet121/169/201, NASNetMobile and ConvNeXtTiny, in the
// order keras.io's applications table lists them; applications/index.ts adds them to the catalog.

import type { LayerSpec } from '../types';
import { CONVNEXT_APPLICATIONS } from './convnext';
import { DENSENET_APPLICATIONS } from './densenet';
import { INCEPTION_RESNET_V2_APPLICATIONS } from './inception-resnet-v2';
import { INCEPTION_V3_APPLICATIONS } from './inception-v3';
import { NASNET_APPLICATIONS } from './nasnet';
import { XCEPTION_APPLICATIONS } from './xception';

export const MORE_APPLICATIONS: readonly LayerSpec[] = [
  ...XCEPTION_APPLICATIONS,
  ...INCEPTION_V3_APPLICATIONS,
  ...INCEPTION_RESNET_V2_APPLICATIONS,
  ...DENSENET_APPLICATIONS,
  ...NASNET_APPLICATIONS,
  ...CONVNEXT_APPLICATIONS,
];
