// The one way values reach a generated Python script. File names, layer names, string arguments,
// data paths and the names in a saved model.json are the user's (or a downloaded file's), and a
// quote, a newline or a `"""` in them must stay text, never become code: every such value goes
// through one of these functions, never straight into a template literal.

import type { ArgValue } from '../../language/catalog/types';
import { escapeUnprintable, printable, replaceUnprintable } from '../../language/printable';

/**
 * A Python string literal, `'relu'`: backslashes and quotes escaped, and every control, format or
 * line-separator character as a JSON-style escape (`\n`, `\u2028`), so the literal is one line
 * that Python reads back as exactly `s`.
 */
export function pythonString(s: string): string {
  return `'${escapeBody(s, "'")}'`;
}

/** A docstring, one source line per entry in `lines`, whose text reads back exactly. */
export function pythonDocstring(lines: readonly string[]): string[] {
  // `"` escaped too, so no `"""` inside and none glued to the closing quotes.
  const body = lines.map((l) => escapeBody(l, '"'));
  body[0] = `"""${body[0] ?? ''}`;
  body.push('"""');
  return body;
}

function escapeBody(s: string, quote: "'" | '"'): string {
  const escaped = s.replace(/\\/g, '\\\\').replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return replaceUnprintable(escaped, escapeUnprintable);
}

/**
 * Text for a `#` comment (the caller writes the `#`): one line with nothing unprintable. Python
 * ends a comment at `\r` as well as `\n`; escaping every control character covers both.
 */
export function pythonComment(text: string): string {
  return printable(text);
}

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** A name written as code (a class, an argument name): an ASCII Python identifier, or an error. */
export function pythonIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || KEYWORDS.has(name)) {
    throw new Error(`${pythonString(name)} cannot be written as a Python name`);
  }
  return name;
}

/** A number as Python reads it; infinities and NaN as float(...). Anything else is an error. */
export function pythonNumber(v: unknown): string {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${printable(JSON.stringify(v) ?? String(v))}`);
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "-float('inf')";
  return String(v);
}

/** A value as a Python literal: 'relu', (3, 3), None, True, Adam(learning_rate=0.01). */
export function pythonLiteral(v: ArgValue | undefined): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pythonNumber(v);
  if (typeof v === 'string') return pythonString(v);
  if (Array.isArray(v)) {
    const items = v.map(pythonLiteral);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  const args = Object.entries(v.args).map(([k, a]) => `${pythonIdentifier(k)}=${pythonLiteral(a)}`);
  return `${pythonIdentifier(v.call)}(${args.join(', ')})`;
}

export function pythonList(v: readonly ArgValue[]): string {
  return `[${v.map(pythonLiteral).join(', ')}]`;
}
