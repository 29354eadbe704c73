// The model graph's plain data (what services/model-graph.ts computes and the graph webview
// draws). No imports: the webview's type-check and bundle include this file alone.

/** The colour family of a node. Activation layers count as core, as in Keras's core layers. */
export type GraphKind =
  | 'input'
  | 'core'
  | 'conv'
  | 'pooling'
  | 'recurrent'
  | 'normalization'
  | 'regularization'
  | 'reshaping'
  | 'application'
  | 'unknown';

/** Where training keeps values: the weights' own dtype, and the activations'. */
export type Precision = 'float32' | 'mixed_float16';

/** Bytes one training step keeps in memory, split by what holds them. */
export interface MemoryBytes {
  /** The weights (float32 in both precisions: Keras's mixed_float16 keeps float32 variables). */
  parameters: number;
  /** One gradient per trainable weight. */
  gradients: number;
  /** The optimizer's slots per trainable weight (Adam: m and v, 2×). */
  optimizer: number;
  /** The outputs kept for the backward pass, for one batch (float16 under mixed precision). */
  activations: number;
  total: number;
}

export interface GraphNode {
  id: string;
  /** Keras's layer name (`conv2d_1`), or `input`. */
  name: string;
  /** The class: `Conv2D`, `Bidirectional(LSTM)`, `Input`; for an unknown layer, what was written. */
  className: string;
  kind: GraphKind;
  /** The arguments worth seeing on the node: `32, kernel_size=(3, 3), activation='relu'`. */
  args: string;
  /** `(None, 26, 26, 32)`, or undefined where the shape is not known. */
  output?: string;
  params?: number;
  trainableParams?: number;
  /** Undefined where the shape or count is not known (a broken layer, the layers after it). */
  memory?: MemoryBytes;
  /** Zero-based source lines of the call the node comes from (an application's nodes share its call). */
  line: number;
  endLine: number;
  /** The group (application) the node belongs to. */
  group?: string;
  /** The first error on this layer, as the Problems panel shows it. */
  error?: string;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  /** The tensor's shape, `(None, 12, 12, 64)`; undefined when not known. */
  label?: string;
}

export interface GraphGroup {
  id: string;
  /** The application's class: `VGG16`, `Pretrained`. */
  label: string;
  kind: 'application';
  nodeIds: string[];
  line: number;
  endLine: number;
  params?: number;
  /** The last layer's output: what a collapsed group shows. */
  output?: string;
  memory?: MemoryBytes;
  error?: string;
  /** Drawn as one box until opened: a layer-graph application (ResNet50's hundreds of layers). */
  collapsed?: boolean;
}

export interface ModelGraph {
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  memory: {
    batchSize: number;
    precision: Precision;
    /** The optimizer's class (`Adam`) and how many values it keeps per trainable weight. */
    optimizer: string;
    optimizerSlots: number;
    /** Sum over the nodes; `complete` is false when some layer's numbers are unknown (then the sum covers the known ones). */
    total: MemoryBytes;
    complete: boolean;
  };
}
