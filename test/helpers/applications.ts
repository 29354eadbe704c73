// Reading a layer-graph application (language/catalog/graph/) the way Keras's model.summary() and
// len(model.weights) report it, for the application tests.
import { getLayer, withDefaults, type ArgValue, type Shape } from '../../language/catalog';
import type { FoldedGraph } from '../../language/catalog/graph/layer-graph';

/** Bound arguments, the folded graph, and the totals Keras prints. */
export function application(name: string, args: Record<string, ArgValue>, input: Shape) {
  const spec = getLayer(name);
  if (!spec?.graph) throw new Error(`${name} is not a layer-graph application`);
  const bound = withDefaults(spec, args);
  const ctx = { args: bound, input };
  const p = spec.params(ctx);
  const graph = spec.graph(ctx);
  return {
    spec,
    args: bound,
    graph,
    output: spec.outputShape(ctx),
    total: p.trainable + p.nonTrainable,
    trainable: p.trainable,
    nonTrainable: p.nonTrainable,
  };
}

/**
 * Keras's weight variables (len(model.weights), len(model.trainable_weights)): a kernel and a
 * bias per convolution and Dense, gamma, beta, moving mean and variance per BatchNormalization,
 * mean, variance and count per unadapted Normalization. Compared with Keras's printed numbers,
 * this checks the graph has Keras's layers, not only Keras's total.
 */
export function weightVariables(graph: FoldedGraph): { all: number; trainable: number } {
  let all = 0;
  let trainable = 0;
  for (const n of graph.nodes) {
    const a = n.args;
    switch (n.node.layer) {
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'Dense': {
        const k = a.use_bias === false ? 1 : 2;
        all += k;
        trainable += k;
        break;
      }
      case 'BatchNormalization': {
        const learned = (a.center === false ? 0 : 1) + (a.scale === false ? 0 : 1);
        all += learned + 2;
        trainable += learned;
        break;
      }
      case 'Normalization':
        if (a.mean === null || a.mean === undefined) all += 3;
        break;
    }
  }
  return { all, trainable };
}

/** The node names of one layer class, in order. */
export function nodesOf(graph: FoldedGraph, layer: string): string[] {
  return graph.nodes.filter((n) => n.node.layer === layer).map((n) => n.node.name);
}

/** A node by name (throws if absent, so a renamed layer fails the test with its name). */
export function node(graph: FoldedGraph, name: string) {
  const found = graph.nodes.find((n) => n.node.name === name);
  if (!found) throw new Error(`no node ${name} in ${graph.graph.name}`);
  return found;
}
