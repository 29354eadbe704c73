// A hand-written recursive-descent parser over the tokens of lexer.ts, so that recovery and
// messages fit the language: every error names what was expected in plain words, partial input
// (`Conv2D(32, `, `Dense(`, `activation=`) still yields nodes, and one mistake never hides the
// rest of the file. Grammar: LANGUAGE.md, "Syntax".
//
// Recovery rules, in short:
//  - `}`, the end of the file, and `model|compile|data|fit {` end whatever is open.
//  - Inside brackets, a missing `,` is reported and parsing goes on; a missing closer is reported
//    as a zero-width error at the end of the previous token.
//  - When a bracket is never closed (found by matching brackets up front), a line that starts
//    at or left of the opening line's indentation and looks like a layer (`Dense(`) or a setting
//    (`loss:`) ends it, so the following layers still parse. Closed brackets ignore layout.
//  - A line that cannot start a layer or setting is skipped with one error.
import type {
  Argument,
  Block,
  CallValue,
  ErrorValue,
  Identifier,
  ModelBlock,
  ModelFile,
  NumberValue,
  Position,
  Range,
  Setting,
  SettingsBlock,
  SettingsBlockKind,
  SyntaxError,
  Value,
} from './ast';
import { endOf, startOf, stringValue, type Token, type TokenKind } from './lexer';

const BLOCK_KEYWORDS = new Set(['model', 'compile', 'data', 'fit']);
const VALUE_START = new Set<TokenKind>(['number', 'string', 'badString', 'name', '(', '[', '-', '+']);

/** Deeper nesting than this is reported instead of parsed, so deep input cannot overflow the stack. */
const MAX_DEPTH = 64;

export class Parser {
  private index = 0;
  private depth = 0;
  readonly errors: SyntaxError[] = [];
  /** For each `(` or `[`, the index of its closing token, or -1 when it is never closed. */
  private readonly closerOf: Int32Array;

  constructor(private readonly tokens: Token[]) {
    this.closerOf = matchBrackets(tokens);
  }

  parseFile(end: Position): ModelFile {
    const blocks: Block[] = [];
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (t.kind === 'name' && BLOCK_KEYWORDS.has(t.image)) blocks.push(this.parseBlock());
      else this.skipTopLevel();
    }
    return { blocks, comments: [], range: { start: { line: 0, character: 0, offset: 0 }, end } };
  }

  // ---- blocks ----

  private parseBlock(): Block {
    const keyword = this.next();
    const kind = keyword.image as 'model' | SettingsBlockKind;
    let name: Identifier | undefined;
    if (kind === 'model') {
      const t = this.peek();
      if (t.kind === 'name' && !this.isBlockStart(this.index)) name = identifier(this.next());
      else this.missing("Expected a model name after 'model', e.g. model digits_cnn {");
    }

    const open = this.peek().kind === '{' ? this.next() : undefined;
    if (!open) {
      const after = name ? `'model ${name.name}'` : `'${kind}'`;
      this.missing(`Expected '{' after ${after} to start the block`);
    }
    const bodyStart = open ? startOf(open) : this.previousEnd();

    const layers: CallValue[] = [];
    const settings: Setting[] = [];
    const close =
      kind === 'model'
        ? this.parseBody(kind, open, 'a layer', 'a layer call such as Dense(10)', () => {
            if (this.peek().kind !== 'name' || !this.startsLayer()) return false;
            layers.push(this.parseLayer());
            return true;
          })
        : this.parseBody(kind, open, 'a setting', "a setting such as 'epochs: 12'", () => {
            if (this.peek().kind !== 'name' || this.peek(1).kind === '(') return false;
            settings.push(this.parseSetting());
            return true;
          });

    const end = close ? endOf(close) : this.previousEnd();
    const range = { start: startOf(keyword), end };
    const bodyRange = { start: bodyStart, end };
    const keywordRange = { start: startOf(keyword), end: endOf(keyword) };
    if (kind === 'model') {
      const block: ModelBlock = { kind, keyword: keywordRange, layers, bodyRange, range };
      if (name) block.name = name;
      return block;
    }
    const block: SettingsBlock = { kind, keyword: keywordRange, settings, bodyRange, range };
    return block;
  }

  /**
   * Parses a block body up to its `}` (returned, or undefined when missing). `parseItem` parses
   * one layer or setting and returns true, or returns false when none starts here; then the
   * rest of the line is skipped with an error. Items may be separated by commas.
   */
  private parseBody(kind: string, open: Token | undefined, item: string, example: string, parseItem: () => boolean): Token | undefined {
    let afterItem = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') return this.next();
      if (t.kind === 'eof' || this.isBlockStart(this.index)) {
        if (open) this.missing(`Expected '}' to close the ${kind} block opened at line ${open.line + 1}`);
        return undefined;
      }
      if (t.kind === ',') {
        if (!afterItem) this.error(t, `Expected ${item} before ','`);
        this.next();
        afterItem = false;
      } else if (parseItem()) {
        afterItem = true;
      } else {
        this.skipLine(`Expected ${example}, found ${describe(t)}`);
        afterItem = false;
      }
    }
  }

  /** `Name(`, or a bare name alone on its line (a layer still being typed). */
  private startsLayer(): boolean {
    const next = this.peek(1);
    return next.kind === '(' || next.firstOnLine || next.kind === ',' || next.kind === '}' || next.kind === 'eof';
  }

  /** A layer is a call; a bare name (a layer still being typed) becomes an unclosed call. */
  private parseLayer(): CallValue {
    const nameToken = this.next();
    if (this.peek().kind === '(') return this.parseCall(nameToken);
    this.error(nameToken, `Expected '(' after '${nameToken.image}': layers are written as calls, e.g. ${nameToken.image}()`);
    const callee = identifier(nameToken);
    return {
      kind: 'call',
      callee,
      args: [],
      argsRange: { start: endOf(nameToken), end: endOf(nameToken) },
      closed: false,
      range: callee.range,
    };
  }

  private parseSetting(): Setting {
    const key = identifier(this.next());
    let value: Value;
    if (this.peek().kind === ':') {
      this.next();
      value = this.parseValueOrMissing(`Expected a value after '${key.name}:'`);
    } else if (this.canStartValue(this.index) && !this.peek().firstOnLine) {
      this.missing(`Expected ':' after '${key.name}'`);
      value = this.parseValue();
    } else {
      this.missing(`Expected ':' after '${key.name}', e.g. ${key.name}: value`);
      value = errorValue(key.range.end, key.range.end);
    }
    return { key, value, range: { start: key.range.start, end: value.range.end } };
  }

  /** `model|compile|data|fit` followed by `{` (or `model NAME {`) always starts a new block. */
  private isBlockStart(i: number): boolean {
    const t = this.tokens[i];
    if (t.kind !== 'name' || !BLOCK_KEYWORDS.has(t.image)) return false;
    const next = this.tokens[i + 1];
    if (next.kind === '{') return true;
    return t.image === 'model' && next.kind === 'name' && this.tokens[i + 2]?.kind === '{';
  }

  // ---- values ----

  private canStartValue(i: number): boolean {
    const t = this.tokens[i];
    if (!VALUE_START.has(t.kind)) return false;
    if (t.kind !== 'name') return true;
    // `loss:` and `units=` introduce something new; they are never values themselves.
    const next = this.tokens[i + 1].kind;
    return next !== ':' && next !== '=' && !this.isBlockStart(i);
  }

  /** Parses a value, or reports `message` and returns an ErrorValue when none is there. */
  private parseValueOrMissing(message: string): Value {
    if (this.canStartValue(this.index)) return this.parseValue();
    const t = this.peek();
    const endsSomething = t.kind === 'eof' || t.kind === ',' || t.kind === ')' || t.kind === ']' || t.kind === '}';
    if (endsSomething || t.firstOnLine || VALUE_START.has(t.kind)) {
      this.missing(message);
      const at = this.previousEnd();
      return errorValue(at, at);
    }
    // Stray punctuation such as `=` or `:` where the value should be: it becomes the error value.
    this.error(t, `${message}, found ${describe(t)}`);
    this.next();
    return errorValue(startOf(t), endOf(t));
  }

  private parseValue(): Value {
    if (this.depth >= MAX_DEPTH) return this.skipTooDeep();
    this.depth++;
    const value = this.parseValueInside();
    this.depth--;
    return value;
  }

  /** Reports a value nested too deeply and skips it, brackets and all. */
  private skipTooDeep(): Value {
    const first = this.peek();
    this.error(first, `Values nested more than ${MAX_DEPTH} deep are not supported`);
    const closer = this.closerOf[this.index];
    if (first.kind !== '(' && first.kind !== '[') {
      this.next();
    } else if (closer >= 0) {
      this.index = closer;
      this.next();
    } else {
      while (!this.endsEverything(this.index)) this.next();
    }
    return errorValue(startOf(first), this.previousEnd());
  }

  private parseValueInside(): Value {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
      case '-':
      case '+':
      case '(':
        return this.parseAdditive();
      case 'string':
      case 'badString':
        this.next();
        return { kind: 'string', value: stringValue(t.image), quote: t.image[0] === '"' ? '"' : "'", range: rangeOf(t) };
      case '[':
        return this.parseList();
      default:
        return this.parseNameValue();
    }
  }

  private parseNameValue(): Value {
    const t = this.next();
    const range = rangeOf(t);
    switch (t.image) {
      case 'True':
      case 'true':
        return { kind: 'boolean', value: true, range };
      case 'False':
      case 'false':
        return { kind: 'boolean', value: false, range };
      case 'None':
        return { kind: 'none', range };
    }
    if (this.peek().kind === '(') return this.parseCall(t);
    return { kind: 'name', name: t.image, range };
  }

  private parseCall(nameToken: Token): CallValue {
    const callee = identifier(nameToken);
    const openIndex = this.index;
    const open = this.next();
    const args: Argument[] = [];
    const { close } = this.parseItems(openIndex, ')', `the call to ${callee.name}`, 'arguments', args, () => this.parseArgument());
    const end = close ? endOf(close) : this.previousEnd();
    return {
      kind: 'call',
      callee,
      args,
      argsRange: { start: startOf(open), end },
      closed: close !== undefined,
      range: { start: callee.range.start, end },
    };
  }

  private parseArgument(): Argument {
    if (this.peek().kind === 'name' && this.peek(1).kind === '=') {
      const name = identifier(this.next());
      this.next();
      const value = this.parseValueOrMissing(`Expected a value after '${name.name}='`);
      return { name, value, range: { start: name.range.start, end: value.range.end } };
    }
    const value = this.parseValue();
    return { value, range: value.range };
  }

  private parseList(): Value {
    const openIndex = this.index;
    const open = this.next();
    const items: Value[] = [];
    const { close } = this.parseItems(openIndex, ']', 'the list', 'items', items, () => this.parseValue());
    return { kind: 'list', items, range: { start: startOf(open), end: close ? endOf(close) : this.previousEnd() } };
  }

  /** `()` is an empty tuple, `(3,)` and `(3, 3)` are tuples, `(3)` is just 3. */
  private parseParenthesised(): Value {
    const openIndex = this.index;
    const open = this.next();
    const items: Value[] = [];
    if (this.canStartValue(this.index)) {
      items.push(this.parseValue());
      if (this.peek().kind === ')') return parenthesised(items[0], open, this.next());
    }
    const { close, sawComma } = this.parseItems(openIndex, ')', "the '('", 'items', items, () => this.parseValue());
    if (!sawComma && items.length === 1 && !close) return items[0];
    return { kind: 'tuple', items, range: { start: startOf(open), end: close ? endOf(close) : this.previousEnd() } };
  }

  /**
   * Parses `item, item, …` up to `closer`; the opening bracket is already consumed. `items` may
   * already hold a first item. Returns the closing token, or undefined when it is missing.
   */
  private parseItems<T>(
    openIndex: number,
    closer: ')' | ']',
    what: string,
    noun: string,
    items: T[],
    parseItem: () => T,
  ): { close?: Token; sawComma: boolean } {
    const open = this.tokens[openIndex];
    const unclosed = this.closerOf[openIndex] === -1;
    let needComma = items.length > 0;
    let sawComma = false;
    const canStartItem = () =>
      this.canStartValue(this.index) ||
      (noun === 'arguments' && this.peek().kind === 'name' && this.peek(1).kind === '=');

    for (;;) {
      const t = this.peek();
      if (t.kind === closer) return { close: this.next(), sawComma };
      if (this.endsEverything(this.index)) break;
      if (t.kind === ')' || t.kind === ']') break;
      if (unclosed && this.startsOuterItem(t, open)) break;
      if (needComma) {
        if (t.kind === ',') {
          this.next();
          needComma = false;
          sawComma = true;
        } else if (canStartItem()) {
          this.missing(`Expected ',' between ${noun}`);
          needComma = false;
        } else {
          this.error(t, `Expected ',' or '${closer}', found ${describe(t)}`);
          this.next();
        }
      } else if (canStartItem()) {
        items.push(parseItem());
        needComma = true;
      } else {
        this.error(t, `Expected a value, found ${describe(t)}`);
        this.next();
      }
    }
    this.missing(`Expected '${closer}' to close ${what} opened at line ${open.line + 1}`);
    return { sawComma };
  }

  /** `}`, the end of the file or a new block: nothing inside brackets goes past these. */
  private endsEverything(i: number): boolean {
    const kind = this.tokens[i].kind;
    return kind === 'eof' || kind === '}' || this.isBlockStart(i);
  }

  /** A line starting at or left of the opener's line that reads `Name(` or `name:`. */
  private startsOuterItem(t: Token, open: Token): boolean {
    if (!t.firstOnLine || t.kind !== 'name' || t.character > open.lineIndent) return false;
    const next = this.peek(1).kind;
    return next === '(' || next === ':';
  }

  // ---- numeric expressions ----

  private parseAdditive(): Value {
    let left = this.parseMultiplicative();
    while (this.peek().kind === '+' || this.peek().kind === '-') {
      const op = this.next();
      left = arithmetic(left, op, this.parseMultiplicative(), this.errors);
    }
    return left;
  }

  private parseMultiplicative(): Value {
    let left = this.parseUnary();
    while (this.peek().kind === '*' || this.peek().kind === '/') {
      const op = this.next();
      left = arithmetic(left, op, this.parseUnary(), this.errors);
    }
    return left;
  }

  /** Signs are collected in a loop, not by recursion, so `- - - … 1` cannot overflow the stack. */
  private parseUnary(): Value {
    const signs: Token[] = [];
    while (this.peek().kind === '-' || this.peek().kind === '+') signs.push(this.next());
    let value = this.parsePrimary();
    for (let i = signs.length - 1; i >= 0; i--) {
      const sign = signs[i];
      const range = { start: startOf(sign), end: value.range.end };
      if (value.kind === 'error') return errorValue(range.start, range.end);
      if (value.kind !== 'number') {
        this.error(sign, `'${sign.image}' needs a number after it`);
        return errorValue(range.start, range.end);
      }
      value = {
        kind: 'number',
        value: sign.kind === '-' ? -value.value : value.value,
        text: sign.image + value.text,
        isInteger: value.isInteger,
        range,
      };
    }
    return value;
  }

  private parsePrimary(): Value {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { kind: 'number', value: Number(t.image), text: t.image, isInteger: /^\d+$/.test(t.image), range: rangeOf(t) };
    }
    if (t.kind === '(') return this.parseParenthesised();
    const previous = this.tokens[this.index - 1];
    this.missing(`Expected a number after '${previous.image}'`);
    const at = this.previousEnd();
    return errorValue(at, at);
  }

  // ---- skipping ----

  /** Skips an unknown word at the top level, up to the next block keyword. */
  private skipTopLevel(): void {
    const first = this.peek();
    this.error(first, `Expected a block ('model', 'compile', 'data' or 'fit'), found ${describe(first)}`);
    this.next();
    let depth = first.kind === '{' ? 1 : 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || this.isBlockStart(this.index)) return;
      if (depth <= 0 && t.kind === 'name' && BLOCK_KEYWORDS.has(t.image) && t.firstOnLine) return;
      if (t.kind === '{') depth++;
      if (t.kind === '}') depth--;
      this.next();
    }
  }

  /** Skips the rest of the current line (at least one token) inside a block. */
  private skipLine(message: string): void {
    const first = this.next();
    this.error(first, message);
    while (!this.endsEverything(this.index) && !this.peek().firstOnLine) this.next();
  }

  // ---- tokens and errors ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.tokens[this.index];
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  /** End of the last consumed token: where a missing token would go. */
  private previousEnd(): Position {
    return this.index > 0 ? endOf(this.tokens[this.index - 1]) : startOf(this.tokens[0]);
  }

  private error(at: Token, message: string): void {
    this.errors.push({ range: rangeOf(at), message, code: 'syntax-error' });
  }

  private missing(message: string): void {
    const at = this.previousEnd();
    this.errors.push({ range: { start: at, end: at }, message, code: 'syntax-error' });
  }
}

function rangeOf(t: Token): Range {
  return { start: startOf(t), end: endOf(t) };
}

function identifier(t: Token): Identifier {
  return { name: t.image, range: rangeOf(t) };
}

function errorValue(start: Position, end: Position): ErrorValue {
  return { kind: 'error', range: { start, end } };
}

/** `(3)` keeps its parentheses in the source text; `('relu')` is just the string. */
function parenthesised(inner: Value, open: Token, close: Token): Value {
  if (inner.kind !== 'number') return inner;
  const number: NumberValue = {
    kind: 'number',
    value: inner.value,
    text: `(${inner.text})`,
    isInteger: inner.isInteger,
    range: { start: startOf(open), end: endOf(close) },
  };
  return number;
}

function arithmetic(left: Value, op: Token, right: Value, errors: SyntaxError[]): Value {
  const range = { start: left.range.start, end: right.range.end };
  if (left.kind === 'error' || right.kind === 'error') return errorValue(range.start, range.end);
  if (left.kind !== 'number' || right.kind !== 'number') {
    errors.push({ range: rangeOf(op), message: `'${op.image}' needs numbers on both sides`, code: 'syntax-error' });
    return errorValue(range.start, range.end);
  }
  let value: number;
  switch (op.kind) {
    case '+':
      value = left.value + right.value;
      break;
    case '-':
      value = left.value - right.value;
      break;
    case '*':
      value = left.value * right.value;
      break;
    default:
      value = left.value / right.value;
  }
  return {
    kind: 'number',
    value,
    text: left.text + op.image + right.text,
    isInteger: left.isInteger && right.isInteger && op.kind !== '/',
    range,
  };
}

/** How a token reads in an error message. */
function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'number':
      return `the number ${t.image}`;
    case 'string':
    case 'badString':
      return `the string ${t.image}`;
    default:
      return `'${t.image}'`;
  }
}

/** Pairs each `(` and `[` with its closer. `}` and new blocks close nothing and end every pair. */
function matchBrackets(tokens: Token[]): Int32Array {
  const closerOf = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const kind = tokens[i].kind;
    if (kind === '(' || kind === '[') {
      open.push(i);
    } else if (kind === ')' || kind === ']') {
      const top = open[open.length - 1];
      if (top !== undefined && tokens[top].kind === (kind === ')' ? '(' : '[')) closerOf[open.pop()!] = i;
    } else if (kind === '}' || kind === '{' || (kind === 'name' && tokens[i + 1]?.kind === '{')) {
      open.length = 0;
    }
  }
  return closerOf;
}
