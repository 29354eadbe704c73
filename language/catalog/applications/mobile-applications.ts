// The mobile-sized families (MobileNet, MobileNetV2, MobileNetV3Small/Large, EfficientNetB0–B7),
// listed here so applications/index.ts names them in one line.

import type { LayerSpec } from '../types';
import { MobileNet } from './mobilenet';
import { MobileNetV2 } from './mobilenet-v2';
import { EFFICIENTNET_APPLICATIONS } from './efficientnet';
import { MOBILENET_V3_APPLICATIONS } from './mobilenet-v3';

export const MOBILE_APPLICATIONS: readonly LayerSpec[] = [
  MobileNet,
  MobileNetV2,
  ...MOBILENET_V3_APPLICATIONS,
  ...EFFICIENTNET_APPLICATIONS,
];
