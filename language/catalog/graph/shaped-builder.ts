// A GraphBuilder that knows each node's output shape as it is added. Some Keras Applications
// read the shape of a tensor while building (DenseNet's transition keeps half of
// `x.shape[3]` channels, InceptionResNetV2's residual projects back to `x.shape[3]`, NASNet
// adjusts the previous cell's output when `p.shape[-2] != ip.shape[-2]` and pads with
// imagenet_utils.correct_pad): this builder answers those questions with the catalog's own shape
// rules, one node at a time (folding the partial graph at each question would be quadratic).

import { withDefaults } from '../bind';
import { findLayer } from '../layers/registry';
import { ShapeError, type ArgValue, type Shape } from '../types';
import { findGraphOp } from './graph-ops';
import { GraphBuilder } from './layer-graph';

/** A GraphBuilder that also answers the shape of any node added so far. */
export interface ShapedGraphBuilder extends GraphBuilder {
  /** The output shape of a node already added (without the batch axis). */
  shape(name: string): Shape;
  /** The channel count (last axis) of a node, as Keras reads `x.shape[-1]`. */
  channels(name: string): number;
}

type ShapedBuilderClass = new (name: string, inputShape: Shape, input?: string) => ShapedGraphBuilder;
let shapedBuilderClass: ShapedBuilderClass | undefined;

/**
 * A new ShapedGraphBuilder. The class is made on first use, not when this module loads: the
 * catalog's modules import each other in a cycle (layer-graph.ts reads the layer registry, which
 * lists the applications, which import this module), and a class that `extends GraphBuilder` at
 * load time would find GraphBuilder not yet defined whenever layer-graph.ts is imported first.
 */
export function shapedGraphBuilder(name: string, inputShape: Shape, input = 'input_layer'): ShapedGraphBuilder {
  shapedBuilderClass ??= defineShapedBuilder();
  return new shapedBuilderClass(name, inputShape, input);
}

function defineShapedBuilder(): ShapedBuilderClass {
  return class extends GraphBuilder implements ShapedGraphBuilder {
    private readonly shapes = new Map<string, Shape>();

    constructor(name: string, inputShape: Shape, input = 'input_layer') {
      super(name, input);
      this.shapes.set(input, inputShape);
    }

    override layer(layer: string, args: Record<string, ArgValue>, input: string): string {
      return this.track(super.layer(layer, args, input));
    }

    override merge(op: string, inputs: readonly string[], args: Record<string, ArgValue> = {}): string {
      return this.track(super.merge(op, inputs, args));
    }

    shape(name: string): Shape {
      const s = this.shapes.get(name);
      if (!s) throw new Error(`${this.name}: no node ${name} yet`);
      return s;
    }

    channels(name: string): number {
      const c = this.shape(name).at(-1);
      if (c === null || c === undefined) throw new Error(`${this.name}: ${name} has no known channel count`);
      return c;
    }

    private track(name: string): string {
      const node = this.nodes[this.nodes.length - 1];
      const inputs = node.inputs.map((i) => this.shape(i));
      try {
        const op = findGraphOp(node.layer);
        if (op) {
          this.shapes.set(name, op.outputShape(inputs, { ...op.defaults, ...node.args }));
        } else {
          const spec = findLayer(node.layer);
          if (!spec) {
            throw new Error(`${this.name}: ${name} is a ${node.layer}, which is neither a layer nor a graph op`);
          }
          this.shapes.set(name, spec.outputShape({ args: withDefaults(spec, node.args), input: inputs[0] }));
        }
      } catch (e) {
        // The same message foldGraph would give: the node that broke, then why.
        if (e instanceof ShapeError) throw new ShapeError(e.code, `${name}: ${e.message}`);
        throw e;
      }
      return name;
    }
  };
}

/**
 * imagenet_utils.correct_pad: the ZeroPadding2D before a stride-2 'valid' convolution, one less
 * at the top and left when that side is even (so the result matches TF's 'same'). An unknown
 * size pads as an even one, as Keras does.
 */
export function correctPad(shape: Shape, kernel: number): [number, number][] {
  const adjust = (d: number | null) => (d === null ? 1 : 1 - (d % 2));
  const correct = Math.floor(kernel / 2);
  return [
    [correct - adjust(shape[0]), correct],
    [correct - adjust(shape[0] === null ? null : shape[1]), correct],
  ];
}
