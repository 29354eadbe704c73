// The model as a graph for the "Show Model Graph" view: one node per layer (Keras's summary rows,
// plus the input), an edge per tensor labelled with its shape, a group per application call that
// expands to many layers (VGG16, Pretrained), the error of a broken layer on its node, and a
// training-memory estimate per layer and in total. Plain data: the webview only lays it out and
// draws it, so everything it shows is computed (and unit-tested) here.

import { blockSettings, getOptimizer } from '../catalog';
import { withDefaults } from '../catalog/bind';
import type { ArgValue, CallArg, LayerCategory, Shape } from '../catalog/types';
import { product } from '../catalog/shapes';
import type { Analysis } from '../analysis/analyze';
import type { FoldedGraph } from '../catalog/graph/layer-graph';
import type { LayerInfo } from '../analysis/model';
import { formatArgValue, formatShape } from '../analysis/format-values';
import type { CallValue } from '../syntax/ast';
import { printable } from '../printable';
import type {
  GraphEdge,
  GraphGroup,
  GraphKind,
  GraphNode,
  MemoryBytes,
  ModelGraph,
  Precision,
} from './model-graph-types';

export type {
  GraphEdge,
  GraphGroup,
  GraphKind,
  GraphNode,
  MemoryBytes,
  ModelGraph,
  Precision,
} from './model-graph-types';

export interface ModelGraphOptions {
  precision?: Precision;
}

const FLOAT32 = 4;
const FLOAT16 = 2;

const KIND: Record<LayerCategory, GraphKind> = {
  input: 'input',
  core: 'core',
  activation: 'core',
  convolution: 'conv',
  pooling: 'pooling',
  recurrent: 'recurrent',
  normalization: 'normalization',
  regularization: 'regularization',
  reshaping: 'reshaping',
  application: 'application',
  preprocessing: 'core',
};

/** Arguments not worth a place on a node: they are Keras's plumbing, not the layer's design. */
const HIDDEN_ARGS = new Set(['name', 'input_shape', 'input_dim', 'batch_size', 'dtype', 'trainable', 'weights']);
const MAX_ARGS_TEXT = 60;

/** The graph of the file's model, or undefined when the file has no model block. */
export function modelGraph(analysis: Analysis, options: ModelGraphOptions = {}): ModelGraph | undefined {
  const model = analysis.model;
  if (!model) return undefined;
  const precision = options.precision ?? 'float32';
  // Where the file sets no valid batch_size, the catalog's default (Keras's 32).
  const batchSize =
    positiveInt(analysis.fit?.values.batch_size) ??
    (withDefaults({ args: blockSettings('fit') }, {}).batch_size as number);
  const optimizer = optimizerSlots(analysis.compile?.values.optimizer);
  const activationBytes = precision === 'mixed_float16' ? FLOAT16 : FLOAT32;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  const errorAt = (call: CallValue) =>
    errors.find((d) => d.range.start.offset >= call.range.start.offset && d.range.end.offset <= call.range.end.offset)
      ?.message;

  const nodes: GraphNode[] = [];
  const groups: GraphGroup[] = [];
  /** Edges inside graph applications (their layers read named layers, not the one before). */
  const links: Omit<GraphEdge, 'id'>[] = [];
  /** A node whose successor reads another node: a graph application's last-listed layer → its output layer. */
  const exitOf = new Map<string, GraphNode>();
  const firstCall = model.block.layers[0];
  const inputCall = firstCall && firstCall.callee.name === 'Input' ? firstCall : undefined;
  const input: GraphNode = {
    id: 'input',
    name: 'input',
    className: 'Input',
    kind: 'input',
    args: model.inputShape ? `shape=${formatShape(model.inputShape, false)}` : '',
    output: model.inputShape ? formatShape(model.inputShape) : undefined,
    params: 0,
    trainableParams: 0,
    memory: model.inputShape
      ? memoryOf(model.inputShape, { trainable: 0, nonTrainable: 0 }, batchSize, FLOAT32, 0)
      : undefined,
    line: (inputCall ?? model.block).range.start.line,
    endLine: (inputCall ?? model.block).range.end.line,
    error: inputCall ? errorAt(inputCall) : undefined,
  };
  nodes.push(input);

  // One entry per source call, in order: a call the catalog does not know has no LayerInfo but
  // still gets a node (drawn red with its error), so the graph follows the text.
  const byCall = new Map<CallValue, LayerInfo[]>();
  for (const layer of model.layers) {
    const list = byCall.get(layer.call);
    if (list) list.push(layer);
    else byCall.set(layer.call, [layer]);
  }
  for (const call of model.block.layers) {
    if (call === inputCall) continue;
    const layers = byCall.get(call);
    const line = call.range.start.line;
    const endLine = call.range.end.line;
    const error = errorAt(call);
    if (!layers) {
      nodes.push({
        id: `n${nodes.length}`,
        name: printable(call.callee.name),
        className: printable(call.callee.name),
        kind: 'unknown',
        args: '',
        line,
        endLine,
        error,
      });
      continue;
    }
    const folded = graphOf(layers);
    if (folded) {
      // A layer-graph application (ResNet50): its own layers in a group, with their edges, drawn
      // as one box until opened (a ResNet has hundreds of layers).
      const layer = layers[0]!;
      const groupId = `g${groups.length}`;
      const entry = exitOf.get(nodes[nodes.length - 1]!.id) ?? nodes[nodes.length - 1]!;
      const ids = new Map<string, GraphNode>();
      const members: GraphNode[] = [];
      for (const f of folded.nodes) {
        const params = f.params.trainable + f.params.nonTrainable;
        const node: GraphNode = {
          id: `n${nodes.length}`,
          name: printable(f.node.name),
          className: f.node.layer,
          kind: f.spec ? KIND[f.spec.category] : 'core',
          args: '',
          output: formatShape(f.output),
          params,
          trainableParams: f.params.trainable,
          memory: memoryOf(f.output, f.params, batchSize, activationBytes, optimizer.slots),
          line,
          endLine,
          group: groupId,
        };
        for (const input of f.node.inputs) {
          const from = input === folded.graph.input ? entry : ids.get(input);
          if (from) links.push({ from: from.id, to: node.id, label: from.output });
        }
        ids.set(f.node.name, node);
        nodes.push(node);
        members.push(node);
      }
      const known = members.every((n) => n.memory !== undefined);
      groups.push({
        id: groupId,
        label: layer.spec.name,
        kind: 'application',
        nodeIds: members.map((n) => n.id),
        line,
        endLine,
        params: layer.params ? layer.params.trainable + layer.params.nonTrainable : undefined,
        output: layer.output ? formatShape(layer.output) : undefined,
        memory: known ? sumMemory(members.map((n) => n.memory as MemoryBytes)) : undefined,
        error,
        collapsed: true,
      });
      // The next layer reads the graph's output node.
      const out = ids.get(folded.graph.output)!;
      if (out !== nodes[nodes.length - 1]) exitOf.set(nodes[nodes.length - 1]!.id, out);
      continue;
    }
    const grouped = layers.length > 1 || layers[0].expandedFrom !== undefined;
    const groupId = grouped ? `g${groups.length}` : undefined;
    // The layer an error belongs to: the first one the fold could not compute.
    const broken = error
      ? (layers.find((l) => l.input !== undefined && l.output === undefined) ?? layers[0])
      : undefined;
    const ids: string[] = [];
    for (const layer of layers) {
      const id = `n${nodes.length}`;
      ids.push(id);
      const params = layer.params ? layer.params.trainable + layer.params.nonTrainable : undefined;
      nodes.push({
        id,
        name: printable(layer.name),
        className: layer.inner ? `${layer.spec.name}(${layer.inner.spec.name})` : layer.spec.name,
        kind: KIND[layer.spec.category],
        args: argsText(layer, grouped),
        output: layer.output ? formatShape(layer.output) : undefined,
        params,
        trainableParams: layer.params?.trainable,
        memory:
          layer.output && layer.params
            ? memoryOf(layer.output, layer.params, batchSize, activationBytes, optimizer.slots)
            : undefined,
        line,
        endLine,
        group: groupId,
        error: layer === broken ? error : undefined,
      });
    }
    if (groupId) {
      const members = nodes.slice(nodes.length - ids.length);
      const known = members.every((n) => n.memory !== undefined);
      groups.push({
        id: groupId,
        label: layers[0].expandedFrom ?? layers[0].spec.name,
        kind: 'application',
        nodeIds: ids,
        line,
        endLine,
        params: members.every((n) => n.params !== undefined)
          ? members.reduce((s, n) => s + (n.params ?? 0), 0)
          : undefined,
        output: members[members.length - 1].output,
        memory: known ? sumMemory(members.map((n) => n.memory as MemoryBytes)) : undefined,
        error,
      });
    }
  }

  // Each node reads the one before it, except a graph application's nodes, which read theirs
  // (`links`); the layer after an application reads the application's output node.
  const edges: GraphEdge[] = [];
  const linked = new Set(links.map((l) => l.to));
  for (let i = 1; i < nodes.length; i++) {
    if (linked.has(nodes[i].id)) continue;
    const from = exitOf.get(nodes[i - 1].id) ?? nodes[i - 1];
    edges.push({ id: '', from: from.id, to: nodes[i].id, label: from.output });
  }
  edges.push(...links.map((l) => ({ id: '', ...l })));
  edges.sort((a, b) => Number(a.to.slice(1)) - Number(b.to.slice(1)));
  edges.forEach((e, i) => (e.id = `e${i + 1}`));
  const known = nodes.flatMap((n) => (n.memory ? [n.memory] : []));
  return {
    name: printable(model.name),
    nodes,
    edges,
    groups,
    memory: {
      batchSize,
      precision,
      optimizer: optimizer.name,
      optimizerSlots: optimizer.slots,
      total: sumMemory(known),
      complete: known.length === nodes.length,
    },
  };
}

/** A call's layer-graph application folded (ResNet50), when it is one and its input is known. */
function graphOf(layers: readonly LayerInfo[]): FoldedGraph | undefined {
  const layer = layers.length === 1 ? layers[0] : undefined;
  if (!layer?.spec.graph || !layer.input || !layer.output) return undefined;
  try {
    return layer.spec.graph({ args: withDefaults(layer.spec, layer.args), input: layer.input });
  } catch {
    return undefined; // the checker reports the error on the call
  }
}

/** One layer's training memory: its weights, their gradients and optimizer slots, and its output for a batch. */
export function memoryOf(
  output: Shape,
  params: { trainable: number; nonTrainable: number },
  batchSize: number,
  activationBytes: number,
  slots: number,
): MemoryBytes | undefined {
  const elements = product(output);
  if (elements === null) return undefined; // a None dimension (variable length): no size to estimate
  const parameters = (params.trainable + params.nonTrainable) * FLOAT32;
  const gradients = params.trainable * FLOAT32;
  const optimizer = params.trainable * slots * FLOAT32;
  const activations = batchSize * elements * activationBytes;
  return { parameters, gradients, optimizer, activations, total: parameters + gradients + optimizer + activations };
}

function sumMemory(parts: readonly MemoryBytes[]): MemoryBytes {
  const sum: MemoryBytes = { parameters: 0, gradients: 0, optimizer: 0, activations: 0, total: 0 };
  for (const p of parts) {
    sum.parameters += p.parameters;
    sum.gradients += p.gradients;
    sum.optimizer += p.optimizer;
    sum.activations += p.activations;
    sum.total += p.total;
  }
  return sum;
}

/** The file's optimizer (the compile block's, else the catalog's default) and its slots per weight. */
export function optimizerSlots(value: ArgValue | undefined): { name: string; slots: number } {
  const given = value ?? (withDefaults({ args: blockSettings('compile') }, {}).optimizer as ArgValue);
  const call: CallArg | undefined =
    typeof given === 'object' && given !== null && !Array.isArray(given) ? given : undefined;
  const written = typeof given === 'string' ? given : (call?.call ?? '');
  const entry = getOptimizer(written);
  // An optimizer the catalog does not know: counted like Adam (two slots), the common case.
  if (!entry?.slots) return { name: entry?.className ?? written, slots: 2 };
  return { name: entry.className, slots: entry.slots(withDefaults(entry, call?.args ?? {})) };
}

/**
 * The arguments a node shows: those written in the call, as written (positional ones without a
 * name), with their checked values; for the layers of an expanded application, which have no
 * call of their own, the catalog arguments that define them (filters, kernel size, units).
 */
function argsText(layer: LayerInfo, expanded: boolean): string {
  const parts: string[] = [];
  const show = (key: string, named: boolean) => {
    const v = layer.args[key];
    if (v === undefined || HIDDEN_ARGS.has(key)) return;
    const text = typeof v === 'object' && v !== null && !Array.isArray(v) ? v.call : formatArgValue(v);
    parts.push(named ? `${key}=${text}` : text);
  };
  if (expanded) for (const key of DEFINING_ARGS) show(key, true);
  else
    layer.call.args.forEach((a, i) =>
      a.name ? show(a.name.name, true) : layer.spec.args[i] && show(layer.spec.args[i].name, false),
    );
  const text = printable(parts.join(', '));
  return text.length > MAX_ARGS_TEXT ? `${text.slice(0, MAX_ARGS_TEXT - 1)}…` : text;
}

const DEFINING_ARGS = ['filters', 'units', 'kernel_size', 'pool_size', 'strides', 'activation'];

function positiveInt(v: ArgValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? v : undefined;
}
