// Reads a table that lives in a real Python file as data: a top-level `NAME = {...}` (or
// `NAME: Type = {...}`) made of dicts, lists, strings, numbers, True, False and None, with
// comments and trailing commas as black writes them. The Python side imports the same table
// (and mypy types it), so the table is written once, in Python.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/package-root';

export type PythonValue = string | number | boolean | null | PythonValue[] | { [key: string]: PythonValue };

const MAX_TABLE_FILE = 1 << 20;

/** The literal assigned to `name` at the top level of `file` (relative to the package root). */
export function readPythonTable(file: string, name: string): PythonValue {
  const path = join(packageRoot(), file);
  const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  if (text.length > MAX_TABLE_FILE) throw new Error(`${path} is over ${MAX_TABLE_FILE} bytes`);
  const start = new RegExp(`^${name}(?:: [^=\\n]+)? = `, 'm').exec(text);
  if (!start) throw new Error(`${path} has no top-level ${name} = ...`);
  const parser = new LiteralParser(text, start.index + start[0].length, path);
  return parser.value();
}

class LiteralParser {
  constructor(
    private readonly text: string,
    private pos: number,
    private readonly path: string,
  ) {}

  private fail(what: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new Error(`${this.path}:${line}: ${what} (only dicts, lists, strings, numbers, True, False, None)`);
  }

  /** Skips spaces, newlines and comments. */
  private skip(): void {
    for (;;) {
      const m = /^(?:\s+|#[^\n]*)/.exec(this.text.slice(this.pos, this.pos + 4096));
      if (!m || m[0].length === 0) return;
      this.pos += m[0].length;
    }
  }

  private peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  value(): PythonValue {
    const c = this.peek();
    if (c === '{') return this.sequence('}', true) as { [key: string]: PythonValue };
    if (c === '[' || c === '(') return this.sequence(c === '[' ? ']' : ')', false) as PythonValue[];
    if (c === '"' || c === "'") return this.string();
    const m = /^(True|False|None|-?\d+(?:\.\d+)?(?:e-?\d+)?)/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!m) this.fail('unexpected text');
    this.pos += m[0].length;
    return m[0] === 'True' ? true : m[0] === 'False' ? false : m[0] === 'None' ? null : Number(m[0]);
  }

  private sequence(close: string, dict: boolean): PythonValue[] | { [key: string]: PythonValue } {
    this.pos++;
    const list: PythonValue[] = [];
    const map: { [key: string]: PythonValue } = Object.create(null);
    while (this.peek() !== close) {
      if (dict) {
        const key = this.value();
        if (typeof key !== 'string') this.fail('a dict key that is not a string');
        this.expect(':');
        map[key] = this.value();
      } else list.push(this.value());
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.pos++;
    return dict ? map : list;
  }

  /** A string literal; adjacent literals are joined, as Python does. */
  private string(): string {
    let out = '';
    while (this.peek() === '"' || this.peek() === "'") {
      const quote = this.text[this.pos]!;
      this.pos++;
      for (;;) {
        const c = this.text[this.pos];
        if (c === undefined || c === '\n') this.fail('an unterminated string');
        this.pos++;
        if (c === quote) break;
        if (c === '\\') {
          const e = this.text[this.pos++];
          const escapes: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };
          if (e === undefined || !Object.hasOwn(escapes, e)) this.fail('an escape other than \\n \\t \\\\ \\\' \\"');
          out += escapes[e]!;
        } else out += c;
      }
    }
    return out;
  }
}
