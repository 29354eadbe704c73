// The syntax tree of a .model file. Every node carries the exact source range it was parsed from,
// so diagnostics, hovers and edits can point at the offending text. Plain data: no LSP types.

/** A zero-based position, as in LSP: line and UTF-16 character offset, plus the absolute offset. */
export interface Position {
  line: number;
  character: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

interface NodeBase {
  range: Range;
}

export interface NumberValue extends NodeBase {
  kind: 'number';
  value: number;
  /** The source text, e.g. `1./255` or `2e-3`, kept for the formatter. */
  text: string;
  /** True when the literal (or every operand) is written without a fraction or exponent. */
  isInteger: boolean;
}

export interface StringValue extends NodeBase {
  kind: 'string';
  value: string;
  quote: "'" | '"';
}

export interface BooleanValue extends NodeBase {
  kind: 'boolean';
  value: boolean;
}

export interface NoneValue extends NodeBase {
  kind: 'none';
}

/** A bare identifier used as a value: `relu`, `digits`, `mnist`. */
export interface NameValue extends NodeBase {
  kind: 'name';
  name: string;
}

export interface TupleValue extends NodeBase {
  kind: 'tuple';
  items: Value[];
}

export interface ListValue extends NodeBase {
  kind: 'list';
  items: Value[];
}

export interface CallValue extends NodeBase {
  kind: 'call';
  callee: Identifier;
  args: Argument[];
  /** Range of the parenthesised argument list, `(` to `)` inclusive (end = start when `)` is missing). */
  argsRange: Range;
  /** False when the closing parenthesis is missing (error recovery). */
  closed: boolean;
  /** Set when the call was pasted from Python Keras code: a module prefix or a `model.add(...)` around it. */
  pasted?: PastedKeras;
}

/**
 * What a pasted call carries besides the call itself (LANGUAGE.md, "Pasted Keras code"). The
 * call's callee is the bare class name; these ranges are the text the quick fix deletes.
 */
export interface PastedKeras {
  /** The module prefix with its final dot, e.g. `tf.keras.layers.` (its text is `prefix`). */
  prefix?: { text: string; range: Range };
  /** `model.add(...)`: the text before the inner call (`model.add(`) and after it (`)`). */
  wrapper?: { text: string; open: Range; close: Range };
}

/** A value that failed to parse; its range covers the skipped text. */
export interface ErrorValue extends NodeBase {
  kind: 'error';
}

export type Value =
  | NumberValue
  | StringValue
  | BooleanValue
  | NoneValue
  | NameValue
  | TupleValue
  | ListValue
  | CallValue
  | ErrorValue;

export interface Identifier extends NodeBase {
  name: string;
}

/** `value` or `name=value` inside a call. */
export interface Argument extends NodeBase {
  name?: Identifier;
  value: Value;
}

/** `name: value` inside a compile, data or fit block. */
export interface Setting extends NodeBase {
  key: Identifier;
  value: Value;
}

export interface ModelBlock extends NodeBase {
  kind: 'model';
  keyword: Range;
  name?: Identifier;
  layers: CallValue[];
  /** Range of `{ … }`; open/close braces may be missing after recovery. */
  bodyRange: Range;
}

export type SettingsBlockKind = 'compile' | 'data' | 'fit' | 'tune';

export interface SettingsBlock extends NodeBase {
  kind: SettingsBlockKind;
  keyword: Range;
  settings: Setting[];
  bodyRange: Range;
}

export type Block = ModelBlock | SettingsBlock;

export interface Comment extends NodeBase {
  text: string;
}

export interface ModelFile {
  blocks: Block[];
  comments: Comment[];
  range: Range;
}

export interface SyntaxError {
  range: Range;
  message: string;
  code: 'syntax-error' | 'unterminated-string' | 'invalid-character' | 'functional-api';
}

export interface ParseResult {
  file: ModelFile;
  errors: SyntaxError[];
}
