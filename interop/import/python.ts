// A reader for the small subset of Python that Keras example scripts build models with: statements
// (`name = expr`, `expr`), calls with keyword arguments, attribute chains, lists, tuples, strings,
// numbers and + - * / on numbers. Everything else (subscripts, dicts, lambdas, `for` bodies …) is
// kept as `opaque` text, never evaluated. Hostile input cannot crash or hang it: the text, the
// token count and the nesting depth are capped, and every loop consumes a token.

/** Python source larger than this is refused (Keras example scripts are a few kB). */
export const MAX_PYTHON_CHARS = 1_000_000;
const MAX_TOKENS = 200_000;
const MAX_DEPTH = 64;

export type PyExpr =
  | { k: 'num'; value: number; text: string; isInteger: boolean }
  | { k: 'str'; value: string }
  | { k: 'bool'; value: boolean }
  | { k: 'none' }
  /** A name or a dotted chain of names: `num_classes`, `keras.layers.Dense`, `tf.nn.relu`. */
  | { k: 'name'; path: string }
  | { k: 'tuple' | 'list'; items: PyExpr[] }
  | { k: 'call'; callee: PyExpr; args: PyArg[] }
  /** Anything outside the subset, as its source text (for messages). */
  | { k: 'opaque'; text: string };

export interface PyArg {
  name?: string;
  value: PyExpr;
}

export interface PyStatement {
  /** 1-based line of the statement's first token. */
  line: number;
  /** `name = …` (a single plain name; tuple targets are opaque statements). */
  target?: string;
  expr: PyExpr;
  /** Indented (inside a def, class, if, for …): not read as part of the script's top level. */
  indented: boolean;
}

type TokKind = 'name' | 'num' | 'str' | 'op' | 'newline';
interface Tok {
  kind: TokKind;
  text: string;
  line: number;
  /** Column of the first character (indentation for the first token of a line). */
  column: number;
  /** For 'str': the decoded value. */
  value?: string;
}

export class PythonReadError extends Error {}

export function readPython(source: string): PyStatement[] {
  if (source.length > MAX_PYTHON_CHARS)
    throw new PythonReadError(
      `the file has ${source.length.toLocaleString('en-US')} characters; import reads at most ${MAX_PYTHON_CHARS.toLocaleString('en-US')}`,
    );
  const toks = tokenize(source);
  const statements: PyStatement[] = [];
  let i = 0;
  while (i < toks.length) {
    // One logical line: up to a newline token (the tokenizer emits none inside brackets).
    let end = i;
    while (end < toks.length && toks[end].kind !== 'newline' && toks[end].text !== ';') end++;
    if (end > i) {
      const parser = new ExprParser(toks.slice(i, end));
      const statement = parser.statement();
      if (statement) statements.push(statement);
    }
    i = end + 1;
  }
  return statements;
}

// ---- tokens ----

const OPS = ['**=', '//=', '->', '**', '//', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', ':='];

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (kind: TokKind, text: string, start: number, value?: string) => {
    if (toks.length >= MAX_TOKENS)
      throw new PythonReadError(
        `the file has more than ${MAX_TOKENS.toLocaleString('en-US')} tokens; import reads model scripts, not data`,
      );
    toks.push({ kind, text, line, column: start - lineStart, value });
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n' || c === '\r') {
      if (depth === 0 && toks.length > 0 && toks[toks.length - 1].kind !== 'newline') push('newline', '', i);
      if (c === '\r' && src[i + 1] === '\n') i++;
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '\\' && (src[i + 1] === '\n' || src[i + 1] === '\r')) {
      // An explicit line continuation.
      i += src[i + 1] === '\r' && src[i + 2] === '\n' ? 3 : 2;
      line++;
      lineStart = i;
      continue;
    }
    const start = i;
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
    if (str && (str[1] === '' || /^[A-Za-z]+$/.test(str[1]))) {
      const prefix = str[1].toLowerCase();
      const quote = str[2];
      i += str[0].length;
      let value = '';
      let closed = false;
      while (i < src.length) {
        const ch = src[i];
        if (src.startsWith(quote, i)) {
          i += quote.length;
          closed = true;
          break;
        }
        if (quote.length === 1 && (ch === '\n' || ch === '\r')) break;
        if (ch === '\n') {
          line++;
          lineStart = i + 1;
        }
        if (ch === '\\' && !prefix.includes('r') && i + 1 < src.length) {
          const next = src[i + 1];
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === '\n' ? '' : next;
          if (next === '\n') {
            line++;
            lineStart = i + 2;
          }
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      if (!closed) throw new PythonReadError(`line ${line}: a string is not closed`);
      // f-strings hold expressions: never read as plain text.
      push(
        prefix.includes('f') ? 'op' : 'str',
        prefix.includes('f') ? 'f-string' : src.slice(start, i),
        start,
        prefix.includes('f') ? undefined : value,
      );
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
    if (name) {
      let end = i + name[0].length;
      while (end < src.length && /[A-Za-z0-9_]/.test(src[end])) end++;
      push('name', src.slice(i, end), start);
      i = end;
      continue;
    }
    const num = /^(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)j?/.exec(
      src.slice(i, i + 64),
    );
    if (num && num[0] !== '.') {
      push('num', num[0], start);
      i += num[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
    if ('([{'.includes(op)) depth++;
    else if (')]}'.includes(op)) depth = Math.max(0, depth - 1);
    push('op', op, start);
    i += op.length;
  }
  return toks;
}

// ---- expressions ----

class ExprParser {
  private i = 0;
  private depth = 0;

  constructor(private readonly toks: Tok[]) {}

  statement(): PyStatement | undefined {
    const first = this.toks[0];
    const indented = first.column > 0;
    if (
      first.kind === 'name' &&
      [
        'import',
        'from',
        'def',
        'class',
        'if',
        'elif',
        'else',
        'for',
        'while',
        'with',
        'try',
        'except',
        'finally',
        'return',
        'print',
        'assert',
        'del',
        'pass',
        'raise',
        '@',
      ].includes(first.text)
    ) {
      return undefined;
    }
    let target: string | undefined;
    // The assignment's `=` is the first one outside brackets (keyword arguments are inside).
    let depth = 0;
    const eq = this.toks.findIndex((t) => {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
      return depth === 0 && t.text === '=';
    });
    if (eq === 1 && first.kind === 'name') {
      target = first.text;
      this.i = 2;
    } else if (eq > 0) {
      // `(x, y), (a, b) = …`, `a.b = …`, `x[0] = …`: read the value, no target.
      this.i = eq + 1;
    }
    const expr = this.expr();
    if (this.i < this.toks.length) return { line: first.line, target, expr: this.opaqueFrom(0), indented };
    return { line: first.line, target, expr, indented };
  }

  private peek(ahead = 0): Tok | undefined {
    return this.toks[this.i + ahead];
  }

  private opaqueFrom(startIndex: number): PyExpr {
    const text = this.toks
      .slice(startIndex)
      .map((t) => t.text)
      .join(' ');
    this.i = this.toks.length;
    return { k: 'opaque', text: text.length > 80 ? `${text.slice(0, 77)}...` : text };
  }

  /** Skips a bracketed group starting at `[`/`(`/`{` (the current token); returns its text. */
  private skipGroup(): string {
    const start = this.i;
    let depth = 0;
    while (this.i < this.toks.length) {
      const t = this.toks[this.i++].text;
      if (t === '(' || t === '[' || t === '{') depth++;
      else if (t === ')' || t === ']' || t === '}') {
        depth--;
        if (depth <= 0) break;
      }
    }
    return this.toks
      .slice(start, this.i)
      .map((t) => t.text)
      .join('');
  }

  expr(): PyExpr {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return this.opaqueFrom(this.i);
    }
    try {
      let left = this.term();
      while (this.peek()?.text === '+' || this.peek()?.text === '-') {
        const op = this.toks[this.i++].text;
        left = arithmetic(left, op, this.term());
      }
      // Conditional expressions, comparisons, `for` in comprehensions…: outside the subset.
      const next = this.peek();
      if (
        next &&
        !(
          next.text === ',' ||
          next.text === ')' ||
          next.text === ']' ||
          next.text === '}' ||
          next.text === ':' ||
          next.text === '='
        )
      ) {
        const start = this.i;
        while (this.i < this.toks.length && ![',', ')', ']', '}'].includes(this.toks[this.i].text)) {
          if (['(', '[', '{'].includes(this.toks[this.i].text)) this.skipGroup();
          else this.i++;
        }
        return {
          k: 'opaque',
          text: `${describe(left)} ${this.toks
            .slice(start, this.i)
            .map((t) => t.text)
            .join(' ')}`,
        };
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private term(): PyExpr {
    let left = this.unary();
    while (this.peek()?.text === '*' || this.peek()?.text === '/') {
      const op = this.toks[this.i++].text;
      left = arithmetic(left, op, this.unary());
    }
    return left;
  }

  private unary(): PyExpr {
    if (this.peek()?.text === '-' || this.peek()?.text === '+') {
      const sign = this.toks[this.i++].text;
      const value = this.unary();
      if (value.k === 'num' && sign === '-') return { ...value, value: -value.value, text: `-${value.text}` };
      return value.k === 'num' ? value : { k: 'opaque', text: `${sign}${describe(value)}` };
    }
    return this.postfix();
  }

  private postfix(): PyExpr {
    let value = this.primary();
    for (;;) {
      const t = this.peek();
      if (t?.text === '.' && this.peek(1)?.kind === 'name') {
        const attr = this.toks[this.i + 1].text;
        this.i += 2;
        value =
          value.k === 'name'
            ? { k: 'name', path: `${value.path}.${attr}` }
            : { k: 'opaque', text: `${describe(value)}.${attr}` };
      } else if (t?.text === '(') {
        this.i++;
        const args = this.items(')', true) as PyArg[];
        value = { k: 'call', callee: value, args };
      } else if (t?.text === '[') {
        value = { k: 'opaque', text: `${describe(value)}${this.skipGroup()}` };
      } else return value;
    }
  }

  private primary(): PyExpr {
    const t = this.peek();
    if (!t) return { k: 'opaque', text: '' };
    if (t.kind === 'num') {
      this.i++;
      const text = t.text.replace(/_/g, '');
      const value = Number(text);
      if (!Number.isFinite(value)) return { k: 'opaque', text: t.text };
      return { k: 'num', value, text, isInteger: /^\d+$/.test(text) };
    }
    if (t.kind === 'str') {
      // Adjacent literals concatenate, as in Python.
      let value = '';
      while (this.peek()?.kind === 'str') value += this.toks[this.i++].value ?? '';
      return { k: 'str', value };
    }
    if (t.kind === 'name') {
      this.i++;
      if (t.text === 'True' || t.text === 'False') return { k: 'bool', value: t.text === 'True' };
      if (t.text === 'None') return { k: 'none' };
      if (t.text === 'lambda') return this.opaqueFrom(this.i - 1);
      return { k: 'name', path: t.text };
    }
    if (t.text === '[') {
      this.i++;
      return { k: 'list', items: this.items(']', false) as PyExpr[] };
    }
    if (t.text === '(') {
      this.i++;
      const items = this.items(')', false, true);
      if (items === 'single') return this.lastSingle!;
      return { k: 'tuple', items: items as PyExpr[] };
    }
    if (t.text === '{') return { k: 'opaque', text: this.skipGroup() };
    this.i++;
    return { k: 'opaque', text: t.text };
  }

  private lastSingle?: PyExpr;

  /** Items up to `closer` (consumed). With `parenthesised`, `(x)` without a comma is 'single'. */
  private items(closer: string, args: boolean, parenthesised = false): (PyExpr | PyArg)[] | 'single' {
    const items: (PyExpr | PyArg)[] = [];
    let comma = false;
    while (this.i < this.toks.length && this.peek()!.text !== closer) {
      const before = this.i;
      if (args && this.peek()!.kind === 'name' && this.peek(1)?.text === '=') {
        const name = this.toks[this.i].text;
        this.i += 2;
        items.push({ name, value: this.expr() });
      } else if (args && (this.peek()!.text === '*' || this.peek()!.text === '**')) {
        this.i++;
        items.push({ value: { k: 'opaque', text: `*${describe(this.expr())}` } });
      } else {
        const value = this.expr();
        items.push(args ? { value } : value);
      }
      if (this.peek()?.text === ',') {
        this.i++;
        comma = true;
      } else if (this.peek()?.text !== closer && this.i < this.toks.length) {
        // Something outside the subset inside the brackets: skip to the closer.
        items.push(
          args ? { value: { k: 'opaque', text: this.peek()!.text } } : { k: 'opaque', text: this.peek()!.text },
        );
        while (this.i < this.toks.length && this.peek()!.text !== closer) {
          if (['(', '[', '{'].includes(this.peek()!.text)) this.skipGroup();
          else this.i++;
        }
      }
      if (this.i === before) this.i++;
    }
    this.i++;
    if (parenthesised && !comma && items.length === 1) {
      this.lastSingle = items[0] as PyExpr;
      return 'single';
    }
    return items;
  }
}

function arithmetic(left: PyExpr, op: string, right: PyExpr): PyExpr {
  if (left.k !== 'num' || right.k !== 'num') return { k: 'opaque', text: `${describe(left)} ${op} ${describe(right)}` };
  const value =
    op === '+'
      ? left.value + right.value
      : op === '-'
        ? left.value - right.value
        : op === '*'
          ? left.value * right.value
          : left.value / right.value;
  return {
    k: 'num',
    value,
    text: `${left.text}${op}${right.text}`,
    isInteger: left.isInteger && right.isInteger && op !== '/',
  };
}

/** Short source-like text of an expression, for messages. */
export function describe(e: PyExpr): string {
  switch (e.k) {
    case 'num':
      return e.text;
    case 'str':
      return JSON.stringify(e.value.length > 40 ? `${e.value.slice(0, 37)}...` : e.value);
    case 'bool':
      return e.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'name':
      return e.path;
    case 'tuple':
      return `(${e.items.map(describe).join(', ')}${e.items.length === 1 ? ',' : ''})`;
    case 'list':
      return `[${e.items.map(describe).join(', ')}]`;
    case 'call':
      return `${describe(e.callee)}(${e.args.map((a) => (a.name ? `${a.name}=${describe(a.value)}` : describe(a.value))).join(', ')})`;
    case 'opaque':
      return e.text;
  }
}
