// The model block: bind each layer call, find the input shape, then fold Keras's shape rules and
// parameter counts over the stack. A layer that cannot be computed stops the chain there, so one
// mistake gives one diagnostic, under the layer that breaks; the layers above it keep their shapes
// (a half-typed line must not blank the hints of the lines before it).

import { declaredInputShape, getLayer, layerNames, suggest } from '../catalog';
import { ShapeError, type ArgValue, type CallArg, type LayerSpec, type ParamCount, type Shape } from '../catalog/types';
import type { CallValue, ModelBlock, Range } from '../syntax/ast';
import { readSavedModel, type SavedModel } from '../data/saved-model';
import { excerpt } from '../excerpt';
import { product } from '../catalog/shapes';
import { argumentNode, bindCall, type BoundCall } from './bind';
import { diagnostic, type Diagnostic } from './diagnostics';
import { formatShape } from './format-values';
import type { ValueContext } from './values';

export interface LayerInfo {
  /** The call as written (for an expanded application, the application's call). */
  call: CallValue;
  spec: LayerSpec;
  /** Keras's name: `dense`, `dense_1`, or the name= given. */
  name: string;
  args: Record<string, ArgValue>;
  /** For Bidirectional/TimeDistributed: the wrapped layer, bound. */
  inner?: { spec: LayerSpec; args: Record<string, ArgValue> };
  input?: Shape;
  output?: Shape;
  params?: ParamCount;
  /** Set on the layers an application (VGG16) expands to. */
  expandedFrom?: string;
  /** On those layers: the application call's own arguments, bound (its weights=, include_top). */
  applicationArgs?: Record<string, ArgValue>;
}

export type InputSource =
  | { kind: 'Input'; range: Range }
  | { kind: 'input_shape' | 'input_dim'; range: Range }
  | { kind: 'data'; dataset: string; range: Range }
  | { kind: 'pretrained'; file: string; range: Range };

export interface ModelAnalysis {
  block: ModelBlock;
  name: string;
  inputShape?: Shape;
  /** Input(dtype=...) when written and not float32 ('int64' for token ids); lowering keeps it. */
  inputDtype?: string;
  inputSource?: InputSource;
  /** Layer rows as Keras's summary lists them (Input is not a row). */
  layers: LayerInfo[];
  /** Present only when every layer's count is known. */
  totals?: { total: number; trainable: number; nonTrainable: number };
  /** The last layer's output, when the whole chain computed. */
  outputShape?: Shape;
}

export interface ModelContext extends ValueContext {
  /** Folder that a Pretrained(path=...) is relative to (the .model file's). */
  baseDir?: string;
  /** Reads a Pretrained model.json; defaults to readSavedModel. */
  readSavedModel?: (path: string, baseDir: string) => SavedModel;
  /** True while the training data's read is still going ('data-slow'): its shape may yet be the input's. */
  dataPending?: boolean;
  /** The training data's sample shape, when known, to infer the input shape from. */
  dataSample?: { shape: Shape; dataset: string; range: Range };
}

export function analyzeModel(block: ModelBlock, ctx: ModelContext, out: Diagnostic[]): ModelAnalysis {
  const name = block.name?.name ?? 'model';
  const layers: LayerInfo[] = [];
  const counters = new Map<string, number>();
  let inputShape: Shape | undefined;
  let inputDtype: string | undefined;
  let inputSource: InputSource | undefined;
  // Index in `layers` of the first layer whose shape cannot be computed (a line that does not
  // bind, an unknown layer, a bad input); the layers before it still fold.
  let brokenAt: number | undefined;
  const breakAt = (index: number) => {
    brokenAt ??= index;
  };

  const autoName = (spec: LayerSpec, given: ArgValue | undefined, args: Record<string, ArgValue> = {}): string => {
    if (typeof given === 'string') {
      // A given name like dense_1 takes that number, so later auto-names do not repeat it.
      const m = /^(.*?)(?:_(\d+))?$/.exec(given);
      if (m) counters.set(m[1], Math.max(counters.get(m[1]) ?? 0, m[2] ? Number(m[2]) + 1 : 1));
      return given;
    }
    const base = spec.kerasNameFor?.(args) ?? spec.kerasName;
    const n = counters.get(base) ?? 0;
    counters.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  };

  block.layers.forEach((call, index) => {
    const spec = getLayer(call.callee.name);
    if (!spec) {
      reportUnknownLayer(call, out);
      // Still bind nothing; later shapes are unknown.
      breakAt(layers.length);
      return;
    }
    const bound = bindLayer(call, spec, ctx, out);

    if (spec.name === 'Input') {
      if (index !== 0) {
        out.push(
          diagnostic(
            'input-not-first',
            call.callee.range,
            `Input(...) must be the first line of the model; move it above the first layer`,
          ),
        );
        return;
      }
      const shape = bound.args.shape;
      if (Array.isArray(shape)) {
        inputShape = shape as Shape;
        inputSource = { kind: 'Input', range: call.range };
        if (typeof bound.args.dtype === 'string' && bound.args.dtype !== 'float32') inputDtype = bound.args.dtype;
      } else if (bound.ok && !bound.written.shape) {
        out.push(
          diagnostic(
            'missing-argument',
            call.callee.range,
            `Input needs 'shape', the shape of one sample without the batch axis, e.g. Input(shape=(28, 28, 1))`,
          ),
        );
      } else if (bound.written.shape) {
        breakAt(0); // the shape's own diagnostic says what is wrong; "no input shape" would repeat it
      }
      return;
    }

    if (spec.name === 'Pretrained') {
      if (layers.length > 0 || inputSource) {
        out.push(
          diagnostic(
            'input-not-first',
            call.callee.range,
            'Pretrained(...) must be the first line of the model: it brings its own input shape',
          ),
        );
        breakAt(layers.length);
        return;
      }
      const path = bound.args.path;
      if (typeof path !== 'string') {
        breakAt(0);
        return;
      }
      const saved = (ctx.readSavedModel ?? readSavedModel)(path, ctx.baseDir ?? process.cwd());
      if (!saved.ok) {
        out.push(
          diagnostic(
            saved.code,
            argumentNode(call, spec.args, 'path')?.value.range ?? call.callee.range,
            saved.message,
          ),
        );
        breakAt(0);
        return;
      }
      inputShape = saved.inputShape;
      inputSource = { kind: 'pretrained', file: saved.file, range: call.range };
      for (const part of saved.layers) {
        const partSpec = getLayer(part.layer)!;
        const args: Record<string, ArgValue> = { ...defaultsOf(partSpec), ...part.args };
        if (bound.args.trainable === false) args.trainable = false;
        layers.push({ call, spec: partSpec, name: autoName(partSpec, args.name), args, expandedFrom: 'Pretrained' });
      }
      return;
    }

    // Keras 2 style: input_shape= / input_dim= on the first layer (or an application's default input).
    if (layers.length === 0 && inputShape === undefined) {
      const declared = declaredInputShape(spec, bound.args);
      if (declared) {
        const kind = bound.written.input_dim && !bound.written.input_shape ? 'input_dim' : 'input_shape';
        inputShape = declared;
        inputSource = { kind, range: bound.written[kind]?.range ?? call.range };
      }
    }
    if (spec.expand) {
      if (!bound.ok) breakAt(layers.length);
      for (const part of spec.expand(bound.args)) {
        const partSpec = getLayer(part.layer);
        if (!partSpec) continue; // the catalog's own expansions always name catalog layers
        const args = { ...defaultsOf(partSpec), ...part.args };
        layers.push({
          call,
          spec: partSpec,
          name: autoName(partSpec, args.name),
          args,
          expandedFrom: spec.name,
          applicationArgs: bound.args,
        });
      }
      return;
    }
    const inner = innerLayer(bound.args.layer);
    if (!bound.ok) breakAt(layers.length);
    layers.push({ call, spec, name: autoName(spec, bound.args.name, bound.args), args: bound.args, inner });
  });

  if (inputShape === undefined && ctx.dataSample && layers.length > 0) {
    inputShape = ctx.dataSample.shape;
    inputSource = { kind: 'data', dataset: ctx.dataSample.dataset, range: ctx.dataSample.range };
  }

  // An input too large to count exactly (from Input, the data or a saved model) stops the chain.
  const inputTooLarge = inputShape && sizeProblem(inputShape);
  if (inputTooLarge && inputSource) {
    out.push(diagnostic('shape-too-large', inputSource.range, `The model's input: ${inputTooLarge}`));
    breakAt(0);
  }

  // Fold shapes and counts over the stack.
  let shape = inputShape;
  let previous: LayerInfo | undefined;
  let allCounted = brokenAt === undefined && shape !== undefined;
  for (const [index, layer] of layers.entries()) {
    if ((brokenAt !== undefined && index >= brokenAt) || shape === undefined) {
      allCounted = false;
      break;
    }
    layer.input = shape;
    try {
      layer.output = layer.spec.outputShape({ args: layer.args, input: shape, inner: layer.inner });
      layer.params = layer.spec.params({ args: layer.args, input: shape, inner: layer.inner });
    } catch (e) {
      // A rule that fails for another reason (a value it did not expect) leaves the shape unknown.
      if (!(e instanceof ShapeError)) {
        allCounted = false;
        break;
      }
      const related = previous?.output
        ? [{ range: previous.call.range, message: `${previous.name} outputs ${formatShape(previous.output)}` }]
        : inputSource
          ? [{ range: inputSource.range, message: `the model's input is ${formatShape(shape)}` }]
          : [];
      out.push(
        diagnostic(
          e.code,
          layer.expandedFrom ? layer.call.callee.range : layer.call.callee.range,
          layer.expandedFrom ? `${layer.name} (in ${layer.expandedFrom}): ${e.message}` : e.message,
          {
            related,
            fixes: shapeFixes(e, layer, shape),
          },
        ),
      );
      allCounted = false;
      break;
    }
    const tooLarge = sizeProblem(layer.output, layer.params);
    if (tooLarge) {
      out.push(
        diagnostic(
          'shape-too-large',
          layer.call.callee.range,
          `${layer.name}${layer.expandedFrom ? ` (in ${layer.expandedFrom})` : ''}: ${tooLarge}`,
        ),
      );
      // Never keep a shape or count that is not exact: hover and the summary would print it.
      layer.output = undefined;
      layer.params = undefined;
      allCounted = false;
      break;
    }
    shape = layer.output;
    previous = layer;
  }

  if (inputShape === undefined && layers.length > 0 && brokenAt === undefined && !ctx.dataPending) {
    const first = layers[0];
    // Keras 2's Embedding(..., input_length=n) meant Input(shape=(n,)); Keras 3 ignores it, so offer that Input.
    const length = first.call.args.find((a) => a.name?.name === 'input_length')?.value;
    const input =
      length?.kind === 'number' && Number.isSafeInteger(length.value) && length.value >= 1
        ? `Input(shape=(${length.value},))`
        : undefined;
    out.push(
      diagnostic(
        'missing-input-shape',
        first.call.callee.range,
        input
          ? `Add ${input} as the model's first line, or a training source in the data block: the model has no input shape (Keras 3 ignores input_length)`
          : `Add Input(shape=(...)) as the model's first line, or a training source in the data block: the model has no input shape (e.g. Input(shape=(28, 28, 1)) for MNIST digits)`,
        {
          fixes: [
            {
              kind: 'insert-layer',
              before: first.call.range,
              text: input ?? 'Input(shape=(28, 28, 1))',
              title: `Add ${input ?? 'Input(shape=(28, 28, 1))'} before ${first.spec.name}`,
            },
          ],
        },
      ),
    );
  }
  if (block.layers.length === 0) {
    out.push(
      diagnostic(
        'empty-model',
        block.name?.range ?? block.keyword,
        `The model '${name}' has no layers; add one per line, e.g. Dense(10, activation='softmax')`,
      ),
    );
  }

  let totals = allCounted
    ? layers.reduce(
        (t, l) => {
          const p = l.params ?? { trainable: 0, nonTrainable: 0 };
          return {
            total: t.total + p.trainable + p.nonTrainable,
            trainable: t.trainable + p.trainable,
            nonTrainable: t.nonTrainable + p.nonTrainable,
          };
        },
        { total: 0, trainable: 0, nonTrainable: 0 },
      )
    : undefined;
  if (totals && !Number.isSafeInteger(totals.total)) {
    out.push(
      diagnostic(
        'shape-too-large',
        block.name?.range ?? block.keyword,
        `The model has more than ${MAX_EXACT} parameters in all, the largest count ModelSpec can compute exactly; make its layers smaller`,
      ),
    );
    totals = undefined;
  }
  const outputShape = allCounted ? (layers.length ? layers[layers.length - 1].output : inputShape) : undefined;
  return { block, name, inputShape, ...(inputDtype ? { inputDtype } : {}), inputSource, layers, totals, outputShape };
}

const MAX_EXACT = `${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} (2^53 − 1)`;

/**
 * Why a shape or a parameter count cannot be worked with exactly (a dimension, the element count
 * or the parameter count beyond 2^53 − 1), or undefined. Past that, numbers round and print as
 * 1e+308 or Infinity, so the checker stops there with an error instead.
 */
function sizeProblem(shape: Shape | undefined, params?: ParamCount): string | undefined {
  if (shape) {
    if (!shape.every((d) => d === null || Number.isSafeInteger(d)))
      return `a dimension of its output is more than ${MAX_EXACT}, the largest size ModelSpec can compute exactly; use smaller sizes`;
    const n = product(shape);
    if (n !== null && !Number.isSafeInteger(n)) {
      return `${formatShape(shape)} holds more than ${MAX_EXACT} values per sample, the largest count ModelSpec can compute exactly; use smaller sizes`;
    }
  }
  if (params && !Number.isSafeInteger(params.trainable + params.nonTrainable)) {
    return `it has more than ${MAX_EXACT} parameters, the largest count ModelSpec can compute exactly; make it smaller`;
  }
  return undefined;
}

function bindLayer(call: CallValue, spec: LayerSpec, ctx: ValueContext, out: Diagnostic[]): BoundCall {
  return bindCall(call, spec.name, spec.args, ctx, out);
}

/** Binds a nested layer call (Bidirectional(LSTM(64))) for the value checker. */
export function bindNestedLayer(call: CallValue, ctx: ValueContext, out: Diagnostic[]): CallArg | undefined {
  const spec = getLayer(call.callee.name);
  if (!spec) {
    reportUnknownLayer(call, out);
    return undefined;
  }
  const bound = bindLayer(call, spec, ctx, out);
  return bound.ok ? { call: spec.name, args: bound.args } : undefined;
}

function innerLayer(value: ArgValue | undefined): LayerInfo['inner'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const spec = getLayer(value.call);
  return spec ? { spec, args: value.args } : undefined;
}

function defaultsOf(spec: LayerSpec): Record<string, ArgValue> {
  const args: Record<string, ArgValue> = {};
  for (const a of spec.args) if (a.default !== undefined) args[a.name] = a.default;
  return args;
}

function reportUnknownLayer(call: CallValue, out: Diagnostic[]): void {
  const name = call.callee.name;
  const guesses = suggest(name, layerNames());
  out.push(
    diagnostic(
      'unknown-layer',
      call.callee.range,
      `Unknown layer '${excerpt(name)}'` +
        (guesses.length ? `. Did you mean ${guesses.map((g) => `'${g}'`).join(' or ')}?` : ''),
      {
        fixes: guesses.slice(0, 3).map((g) => ({
          kind: 'replace' as const,
          range: call.callee.range,
          text: g,
          title: `Change '${excerpt(name)}' to '${g}'`,
        })),
      },
    ),
  );
}

/** Quick fixes for shape errors that have one obvious repair. */
function shapeFixes(e: ShapeError, layer: LayerInfo, input: Shape) {
  if (e.setArg) {
    const { name, value } = e.setArg;
    // Written by name, or in its positional slot (GroupNormalization(3)).
    const positional = layer.call.args.filter((a) => !a.name);
    const written =
      layer.call.args.find((a) => a.name?.name === name) ??
      positional[layer.spec.args.findIndex((a) => a.name === name)];
    const title = `Set ${name}=${value} on ${layer.spec.name}`;
    return [
      written
        ? { kind: 'replace' as const, range: written.value.range, text: value, title }
        : {
            kind: 'replace' as const,
            range: endOfArgs(layer.call),
            text: `${layer.call.args.length ? ', ' : ''}${name}=${value}`,
            title,
          },
    ];
  }
  if (e.code === 'shape-rank' && input.length > 1 && layer.spec.inputRanks?.every((r) => r < input.length)) {
    return [
      {
        kind: 'insert-layer' as const,
        before: layer.call.range,
        text: 'Flatten()',
        title: `Insert Flatten() before ${layer.spec.name}`,
      },
    ];
  }
  if (e.code === 'shape-nonpositive' && 'padding' in layer.args && layer.args.padding === 'valid') {
    const written = layer.call.args.find((a) => a.name?.name === 'padding');
    if (written)
      return [
        {
          kind: 'replace' as const,
          range: written.value.range,
          text: "'same'",
          title: `Use padding='same' on ${layer.spec.name}`,
        },
      ];
    return [
      {
        kind: 'replace' as const,
        range: endOfArgs(layer.call),
        text: ", padding='same'",
        title: `Add padding='same' to ${layer.spec.name}`,
      },
    ];
  }
  return [];
}

/** A zero-width range just before the call's closing parenthesis. */
export function endOfArgs(call: CallValue): Range {
  const end = call.closed
    ? { ...call.argsRange.end, character: call.argsRange.end.character - 1, offset: call.argsRange.end.offset - 1 }
    : call.argsRange.end;
  return { start: end, end };
}
