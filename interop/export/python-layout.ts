// The layout of an exported script, as black (88 columns) lays it out, so that the scripts read
// like code a Keras or PyTorch user formats with black: `black --check --skip-string-normalization`
// leaves them unchanged (test/export/black-layout.test.ts). The exporters write each statement on
// one line; this splits the lines that are too long the way black's right-hand split and
// comma split do, and puts black's blank lines around top-level functions and classes. Quotes
// are left as `python-source.ts` writes them (the scripts use Keras's single-quote style).
//
// Only the statement shapes the exporters write are handled (calls, subscripts, collections,
// `with ...:`); a line this cannot split is left as it is, and the black test names it.

/** Black's default line length. */
export const BLACK_LINE_LENGTH = 88;
const LIMIT = BLACK_LINE_LENGTH;
const OPENING = '([{';
const CLOSING = ')]}';

/** One scan of a line's code: where each character sits (string or not) and bracket depth before it. */
interface Scan {
  /** Per character: inside a string literal (or its quotes). */
  inString: boolean[];
  /** Per character: bracket depth before it, relative to the line's start. */
  depth: number[];
  /** Index of the `#` that starts a comment, or -1. */
  comment: number;
  /** Bracket depth at the end of the code (before the comment). */
  end: number;
}

function scan(code: string): Scan {
  const inString: boolean[] = [];
  const depth: number[] = [];
  let d = 0;
  let quote = '';
  let comment = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    depth.push(d);
    if (quote) {
      inString.push(true);
      if (c === '\\') {
        inString.push(true);
        depth.push(d);
        i++;
      } else if (code.startsWith(quote, i)) {
        for (let k = 1; k < quote.length; k++) {
          inString.push(true);
          depth.push(d);
        }
        i += quote.length - 1;
        quote = '';
      }
      continue;
    }
    if (c === '#') {
      comment = i;
      break;
    }
    if (c === '"' || c === "'") {
      quote = code.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      inString.push(true);
      for (let k = 1; k < quote.length; k++) {
        inString.push(true);
        depth.push(d);
      }
      i += quote.length - 1;
      continue;
    }
    inString.push(false);
    if (OPENING.includes(c)) d++;
    else if (CLOSING.includes(c)) d--;
  }
  return { inString, depth, comment, end: d };
}

/** The code and the comment (`# ...`, without the spaces before it) of one line's text. */
function splitComment(text: string): { code: string; comment: string } {
  const s = scan(text);
  if (s.comment < 0) return { code: text.trimEnd(), comment: '' };
  return { code: text.slice(0, s.comment).trimEnd(), comment: text.slice(s.comment).trimEnd() };
}

function withComment(indent: string, code: string, comment: string): string {
  return comment ? `${indent}${code}  ${comment}` : `${indent}${code}`;
}

/** Indices of the commas at the line's own bracket depth. */
function topLevelCommas(code: string): number[] {
  const s = scan(code);
  const out: number[] = [];
  for (let i = 0; i < code.length; i++) if (code[i] === ',' && !s.inString[i] && s.depth[i] === 0) out.push(i);
  return out;
}

/** Black's magic trailing comma: a collection written with a comma before its closing bracket. */
function hasMagicTrailingComma(code: string): boolean {
  const s = scan(code);
  for (let i = 0; i < code.length; i++) {
    if (code[i] !== ',' || s.inString[i]) continue;
    const rest = code.slice(i + 1).trimStart();
    if (rest && CLOSING.includes(rest[0]!)) {
      // A one-element tuple's comma, `(3,)`, is not magic.
      const close = code.indexOf(rest[0]!, i);
      const open = matchingOpen(code, s, close);
      const isTuple = rest[0] === ')' && open >= 0 && topLevelCommas(code.slice(open + 1, close)).length === 1;
      const isSubscript = rest[0] === ']' && open > 0 && /[\w)\]]/.test(code[open - 1]!);
      if (!isTuple && !isSubscript) return true;
    }
  }
  return false;
}

function matchingOpen(code: string, s: Scan, close: number): number {
  for (let i = close - 1; i >= 0; i--) {
    if (!s.inString[i] && OPENING.includes(code[i]!) && s.depth[i] === s.depth[close]! - 1) return i;
  }
  return -1;
}

/**
 * One statement (or one element inside brackets, `inside`) laid out as black does: as it is when
 * it fits, else split at its commas (inside brackets) or at its last bracket pair.
 */
function layoutCode(indent: string, code: string, comment: string, inside: boolean): string[] {
  const line = withComment(indent, code, comment);
  if (line.length <= LIMIT && !hasMagicTrailingComma(code)) return [line];
  // A comment that does not fit beside its code goes on its own line above it (black keeps
  // comments where they are; on the closing bracket of a split call it would read poorly).
  if (comment) return [`${indent}${comment}`, ...layoutCode(indent, code, '', inside)];
  const commas = topLevelCommas(code);
  const trailing = commas.length > 0 && commas[commas.length - 1] === code.length - 1;
  const inner = trailing ? commas.slice(0, -1) : commas;
  if (inside && inner.length > 0) {
    // Black's delimiter split: one element per line, each with its comma.
    const items: string[] = [];
    let start = 0;
    for (const c of [...inner, code.length]) {
      const item = code.slice(start, c).trim();
      if (item) items.push(item.endsWith(',') ? item : `${item},`);
      start = c + 1;
    }
    return items.flatMap((item, i) => layoutCode(indent, item, i === items.length - 1 ? comment : '', true));
  }
  // Black's right-hand split: head up to the last opening bracket, the body indented, the tail.
  // The last bracket pair whose head fits, as black tries omitting trailers (`f(...)[0]`) in turn.
  const s = scan(code);
  const pairs: [number, number][] = [];
  for (let i = code.length - 1; i >= 0; i--) {
    if (s.inString[i] || !CLOSING.includes(code[i]!) || s.depth[i] !== 1) continue;
    const o = matchingOpen(code, s, i);
    if (o >= 0 && code.slice(o + 1, i).trim()) pairs.push([o, i]);
  }
  const fits = pairs.find(([o]) => indent.length + o + 1 <= LIMIT);
  const [open, close] = fits ?? pairs[0] ?? [-1, -1];
  if (open < 0) return [line];
  const body = code.slice(open + 1, close).trim();
  const head = code.slice(0, open + 1);
  const tail = code.slice(close);
  const bodyIndent = `${indent}    `;
  const bodyLine = `${bodyIndent}${body}`;
  let bodyLines: string[];
  if (bodyLine.length <= LIMIT && !hasMagicTrailingComma(body)) bodyLines = [bodyLine];
  else if (topLevelCommas(body).length > 0)
    bodyLines = layoutCode(bodyIndent, body.endsWith(',') ? body : `${body},`, '', true);
  else bodyLines = layoutCode(bodyIndent, body, '', true);
  return [...layoutCode(indent, head, '', inside), ...bodyLines, withComment(indent, tail, comment)];
}

const TOP_LEVEL_DEFINITION = /^(def |class |async def |@)/;
const IMPORT = /^(import |from \S+ import )/;

/** The whole script with black's line splits and blank lines. */
export function blackLayout(script: string): string {
  const lines = script.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let depth = 0; // bracket depth at the start of the line
  let inDocstring = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (inDocstring) {
      out.push(line);
      if (line.includes('"""')) inDocstring = false;
      continue;
    }
    const trimmed = line.trimStart();
    if (depth === 0 && trimmed.startsWith('"""') && (trimmed.length === 3 || !trimmed.slice(3).includes('"""'))) {
      inDocstring = true;
      out.push(line);
      continue;
    }
    const indent = line.slice(0, line.length - trimmed.length);
    const { code, comment } = splitComment(trimmed);
    const split = code ? layoutCode(indent, code, comment, depth > 0) : [line];
    out.push(...split);
    depth += code ? scan(code).end : 0;
  }
  return blankLines(out).join('\n');
}

/**
 * Black's blank lines: two before and after a top-level function or class (and before the
 * comments just above it), at most two at the top level and one inside a block.
 */
function blankLines(lines: string[]): string[] {
  const out: string[] = [];
  let afterDefinition = false; // the previous code line is inside a top-level def/class
  const pushBlanks = (n: number) => {
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    if (out.length > 0) for (let k = 0; k < n; k++) out.push('');
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      let blanks = 0;
      while (blanks < out.length && out[out.length - 1 - blanks] === '') blanks++;
      const next = lines.slice(i + 1).find((l) => l !== '');
      const nested = next !== undefined && /^\s/.test(next);
      if (blanks < (nested ? 1 : 2)) out.push('');
      continue;
    }
    const topLevel = !/^\s/.test(line);
    // Black: a blank line after the imports, before the code at their indentation.
    const previous = out[out.length - 1];
    const indentOf = (l: string) => l.length - l.trimStart().length;
    if (
      previous &&
      IMPORT.test(previous.trimStart()) &&
      !IMPORT.test(line.trimStart()) &&
      indentOf(previous) === indentOf(line)
    )
      out.push('');
    if (topLevel && (TOP_LEVEL_DEFINITION.test(line) || (line.startsWith('#') && definitionFollows(lines, i)))) {
      if (!commentsAbove(out)) pushBlanks(2);
      afterDefinition = true;
      out.push(line);
      continue;
    }
    if (topLevel && afterDefinition && !/^[)\]}]/.test(line)) {
      pushBlanks(2);
      afterDefinition = false;
    }
    out.push(line);
  }
  return out;
}

/** Whether the comment block starting at line `i` sits right above a top-level def or class. */
function definitionFollows(lines: string[], i: number): boolean {
  let j = i;
  while (j < lines.length && lines[j]!.startsWith('#')) j++;
  return j < lines.length && TOP_LEVEL_DEFINITION.test(lines[j]!);
}

/** Whether the last line written is a top-level comment (the comment block above a definition). */
function commentsAbove(out: string[]): boolean {
  return out.length > 0 && out[out.length - 1]!.startsWith('#');
}
