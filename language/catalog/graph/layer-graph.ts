// Layer graphs: the Keras Applications that are not plain stacks (ResNet's shortcuts, DenseNet's
// concatenations, the squeeze-and-excitation products of MobileNetV3 and EfficientNet) are one
// nested layer of the Sequential model, as Keras prints `resnet50 (Functional)`. Each is written
// once, as data: a graph of catalog layers and merge ops (graph-ops.ts), built by an application's
// `build` from its arguments. This module folds shapes and parameter counts over such a graph with
// the catalog's own rules, and lowers it to Keras's Functional config, which both engines build.

import { withDefaults } from '../bind';
import { findLayer } from '../layers/registry';
import { formatShape } from '../shapes';
import {
  ShapeError,
  type ArgValue,
  type KerasLayerConfig,
  type LayerSpec,
  type ParamCount,
  type Shape,
} from '../types';
import { findGraphOp, type GraphOp } from './graph-ops';
import { kerasLayerOrder } from './keras-order';

/** One node: a catalog layer or a merge op applied to earlier nodes. */
export interface GraphNode {
  /** Keras's layer name inside the application (`conv2_block1_1_conv`), unique in the graph. */
  name: string;
  /** A catalog layer (`Conv2D`) or a graph op (`Add`, `Concatenate`, …: graph-ops.ts). */
  layer: string;
  /** The arguments as written in Keras's source; catalog defaults fill the rest. */
  args: Record<string, ArgValue>;
  /** The nodes it reads, by name; the graph's input node is `graph.input`. */
  inputs: readonly string[];
}

export interface LayerGraph {
  /** Keras's model name (`resnet50`). */
  name: string;
  /** The input node's name (Keras 3 names it `input_layer`). */
  input: string;
  /** In topological order: each node reads only the input or nodes before it. */
  nodes: readonly GraphNode[];
  /** The node whose output is the application's output. */
  output: string;
}

/** A node with its arguments completed and its shapes and counts computed. */
export interface FoldedNode {
  node: GraphNode;
  /** A catalog layer's spec; undefined for a graph op. */
  spec?: LayerSpec;
  op?: GraphOp;
  /** Arguments with the catalog's defaults applied (and trainable=False when the graph is frozen). */
  args: Record<string, ArgValue>;
  inputs: Shape[];
  output: Shape;
  params: ParamCount;
}

export interface FoldedGraph {
  graph: LayerGraph;
  inputShape: Shape;
  nodes: FoldedNode[];
  output: Shape;
  params: ParamCount;
}

/**
 * Shapes and counts of every node. `trainable: false` freezes every node (base_model.trainable =
 * False), which moves all weights to non-trainable as Keras counts them. A shape error names the
 * node (`conv1_conv: …`) so the message under the application call says where inside it broke.
 */
export function foldGraph(graph: LayerGraph, input: Shape, trainable = true): FoldedGraph {
  const shapes = new Map<string, Shape>([[graph.input, input]]);
  const nodes: FoldedNode[] = [];
  const total: ParamCount = { trainable: 0, nonTrainable: 0 };
  for (const node of graph.nodes) {
    if (shapes.has(node.name)) throw new Error(`${graph.name}: node name ${node.name} is used twice`);
    const inputs = node.inputs.map((name) => {
      const s = shapes.get(name);
      if (!s) throw new Error(`${graph.name}: ${node.name} reads ${name}, which is not an earlier node`);
      return s;
    });
    const op = findGraphOp(node.layer);
    const spec = op ? undefined : findLayer(node.layer);
    if (!op && !spec)
      throw new Error(`${graph.name}: ${node.name} is a ${node.layer}, which is neither a layer nor a graph op`);
    const args = spec ? withDefaults(spec, node.args) : { ...op!.defaults, ...node.args };
    if (!trainable) args.trainable = false;
    let output: Shape;
    let params: ParamCount;
    try {
      if (op) {
        output = op.outputShape(inputs, args);
        const p = op.params(inputs, args);
        params = args.trainable === false ? { trainable: 0, nonTrainable: p.trainable + p.nonTrainable } : p;
      } else {
        if (inputs.length !== 1) throw new Error(`${graph.name}: ${node.name} (${node.layer}) takes one input`);
        const ctx = { args, input: inputs[0] };
        output = spec!.outputShape(ctx);
        params = spec!.params(ctx);
      }
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(e.code, `${node.name}: ${e.message}`);
      throw e;
    }
    total.trainable += params.trainable;
    total.nonTrainable += params.nonTrainable;
    shapes.set(node.name, output);
    nodes.push({ node, spec, op, args, inputs, output, params });
  }
  const output = shapes.get(graph.output);
  if (!output) throw new Error(`${graph.name}: the output ${graph.output} is not a node`);
  return { graph, inputShape: input, nodes, output, params: total };
}

/**
 * Keras's Functional config (`model.to_json()`, Keras 2 layout as TensorFlow.js reads it): an
 * InputLayer, then each node with its `inbound_nodes`. Both engines build the nested application
 * from this, so it is the one description of the architecture they share.
 */
export function functionalConfig(folded: FoldedGraph, name: string, trainable: boolean): KerasLayerConfig {
  const { graph } = folded;
  const inbound = (names: readonly string[]) => [names.map((n) => [n, 0, 0, {}])];
  const layers: unknown[] = [
    {
      class_name: 'InputLayer',
      config: {
        batch_input_shape: [null, ...folded.inputShape],
        dtype: 'float32',
        sparse: false,
        ragged: false,
        name: graph.input,
      },
      name: graph.input,
      inbound_nodes: [],
    },
  ];
  // Keras's layer order (keras-order.ts), so the config, TF.js and the torch engine list the
  // weights as Keras's get_weights() does.
  const ordered = kerasLayerOrder(
    folded.nodes.map((f) => ({ name: f.node.name, inputs: f.node.inputs, f })),
    graph.output,
  ).map((o) => o.f);
  for (const f of ordered) {
    const lowered: KerasLayerConfig = f.op
      ? {
          class_name: f.op.name,
          config: {
            name: f.node.name,
            trainable: f.args.trainable !== false,
            dtype: 'float32',
            ...f.op.config(f.args),
          },
        }
      : f.spec!.toKeras({ args: f.args, input: f.inputs[0] }, f.node.name);
    layers.push({ ...lowered, name: f.node.name, inbound_nodes: inbound(f.node.inputs) });
  }
  return {
    class_name: 'Functional',
    config: {
      name,
      trainable,
      layers,
      input_layers: [[graph.input, 0, 0]],
      output_layers: [[graph.output, 0, 0]],
    },
  };
}

/** `conv1_conv (Conv2D)  (None, 112, 112, 64)  9,472`: the application's own summary, for hover. */
export function graphSummaryRows(
  folded: FoldedGraph,
): { name: string; layer: string; output: string; params: number; inputs: readonly string[] }[] {
  return folded.nodes.map((f) => ({
    name: f.node.name,
    layer: f.node.layer,
    output: formatShape(f.output),
    params: f.params.trainable + f.params.nonTrainable,
    inputs: f.node.inputs,
  }));
}

/**
 * Writing a graph the way Keras's application sources read: `x = builder.layer('Conv2D', {...}, x)`.
 * Node names must be unique; `name` in args is the node's name (Keras's `name=`), else an auto name.
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly input = 'input_layer',
  ) {}

  /** A catalog layer on one input; returns the node's name for the next call. */
  layer(layer: string, args: Record<string, ArgValue>, input: string): string {
    return this.push(layer, args, [input]);
  }

  /** A graph op (Add, Concatenate, Multiply, …) on several inputs. */
  merge(op: string, inputs: readonly string[], args: Record<string, ArgValue> = {}): string {
    return this.push(op, args, inputs);
  }

  build(output: string): LayerGraph {
    return { name: this.name, input: this.input, nodes: this.nodes, output };
  }

  private push(layer: string, args: Record<string, ArgValue>, inputs: readonly string[]): string {
    const { name: given, ...rest } = args;
    const name = typeof given === 'string' ? given : this.autoName(layer);
    this.nodes.push({ name, layer, args: rest, inputs });
    return name;
  }

  /** Keras's auto names inside a fresh model: `add`, `add_1`, … per class. */
  private autoName(layer: string): string {
    const base = findGraphOp(layer)?.kerasName ?? findLayer(layer)?.kerasName ?? layer.toLowerCase();
    const n = this.counts.get(base) ?? 0;
    this.counts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }
}
