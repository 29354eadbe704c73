// The Keras Applications that are layer graphs, one module per family. Each builds its graph
// from Keras's own source (the layer names match, so Keras weights files load by name).

import type { LayerSpec } from '../types';
import { MOBILE_APPLICATIONS } from './mobile-applications';
import { MORE_APPLICATIONS } from './more-applications';
import { RESNET_APPLICATIONS } from './resnet';

export const GRAPH_APPLICATIONS: readonly LayerSpec[] = [
  ...RESNET_APPLICATIONS,
  ...MOBILE_APPLICATIONS,
  ...MORE_APPLICATIONS,
];
