// Formats a .model file in one canonical, Keras-like style (see the rules in the tests):
// blocks separated by one blank line, one layer or setting per line indented one level (4 spaces
// unless the editor asks for other spaces or a tab), call arguments as Keras writes them, strings
// in single quotes, bare names quoted except data sources, and every comment kept. Files with
// syntax errors are never formatted.
import { parse, LineIndex } from '../syntax/index';
import type { Block, Comment, ModelFile, Position, Value } from '../syntax/index';

/** The editor's indentation, as LSP's FormattingOptions give it. */
export interface IndentOptions {
  tabSize: number;
  insertSpaces: boolean;
}

const DEFAULT_INDENT: IndentOptions = { tabSize: 4, insertSpaces: true };

/** One level of indentation. A tab size outside 1..16 is clamped (a client's 10⁹ must not cost memory); NaN gives 4. */
function indentText(options: IndentOptions): string {
  // Only an explicit `false` means tabs: a client that leaves it out gets the default spaces.
  if (options.insertSpaces === false) return '\t';
  const size = Number.isFinite(options.tabSize) ? Math.min(Math.max(Math.trunc(options.tabSize), 1), 16) : 4;
  return ' '.repeat(size);
}

/** The data settings whose whole value may be a bare dataset name (`train: digits`). */
const SOURCE_SETTINGS = new Set(['train', 'test', 'validation']);

/** The formatted text, or undefined when the file has syntax errors. */
export function formatModelFile(text: string, options: IndentOptions = DEFAULT_INDENT): string | undefined {
  const { file, errors } = parse(text);
  if (errors.length > 0) return undefined;
  // Keep the file's line ending style, judged by its first line break.
  const eol = /\r\n|\n|\r/.exec(text)?.[0] === '\r\n' ? '\r\n' : '\n';
  const lines = printFile(file, new SourceLines(text), indentText(options));
  return lines.length === 0 ? '' : lines.join(eol) + eol;
}

// ---- values ----

/**
 * A value as source text. `qualify`, `quoteString` and `dotted` let the Keras export print the
 * same calls as Python (module prefixes, Python's string escapes, `tf.nn.relu` as 'relu').
 */
export function printValue(
  value: Value,
  bareNames = false,
  qualify: (callee: string) => string = (c) => c,
  quoteString: (s: string) => string = quote,
  dotted: (name: string) => string = (n) => n,
): string {
  const inner = (v: Value) => printValue(v, false, qualify, quoteString, dotted);
  switch (value.kind) {
    case 'number':
      return value.text;
    case 'string':
      return quoteString(value.value);
    case 'boolean':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'name':
      // A dotted name (`tf.nn.relu`) is a Python callable, not an enum name: quoting it would change its meaning.
      if (value.name.includes('.')) return dotted(value.name);
      return bareNames ? value.name : quoteString(value.name);
    case 'tuple':
      if (value.items.length === 1) return `(${inner(value.items[0])},)`;
      return `(${value.items.map(inner).join(', ')})`;
    case 'list':
      return `[${value.items.map(inner).join(', ')}]`;
    case 'call': {
      const args = value.args.map((a) => (a.name ? `${a.name.name}=${inner(a.value)}` : inner(a.value)));
      return `${qualify(value.callee.name)}(${args.join(', ')})`;
    }
    case 'error':
      // Unreachable: files with errors are not formatted.
      throw new Error('cannot format an error value');
  }
}

/** Single quotes, or double quotes when the string holds a single quote (and no double one). */
function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s
    .replace(/[\\\n\r\t\0]/g, (c) => ESCAPES[c])
    .split(q)
    .join('\\' + q);
  return q + escaped + q;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

// ---- source lines (for blank lines and comment placement) ----

class SourceLines {
  private readonly index: LineIndex;

  constructor(private readonly text: string) {
    this.index = new LineIndex(text);
  }

  /** True when some line strictly between the two lines holds only whitespace. */
  blankBetween(afterLine: number, beforeLine: number): boolean {
    for (let line = afterLine + 1; line < beforeLine; line++) {
      if (this.lineText(line).trim() === '') return true;
    }
    return false;
  }

  /** True when the comment is the first thing on its line. */
  ownLine(comment: Comment): boolean {
    const start = comment.range.start;
    return this.text.slice(start.offset - start.character, start.offset).trim() === '';
  }

  private lineText(line: number): string {
    const starts = this.index.lineStarts;
    return this.text.slice(starts[line], line + 1 < starts.length ? starts[line + 1] : this.text.length);
  }
}

// ---- the file ----

/** Something printed on its own line(s) at some level, in source order. */
interface Entry {
  /** Where it came from: decides order and whether a blank line preceded it. */
  startOffset: number;
  startLine: number;
  endLine: number;
  isBlock: boolean;
  lines: string[];
}

function printFile(file: ModelFile, source: SourceLines, indent: string): string[] {
  const entries: Entry[] = [];
  let comments = file.comments;
  for (const block of file.blocks) {
    const inBlock = (c: Comment) =>
      (c.range.start.offset >= block.range.start.offset && c.range.start.offset < block.range.end.offset) ||
      (c.range.start.offset >= block.range.end.offset && c.range.start.line === block.range.end.line);
    entries.push({
      startOffset: block.range.start.offset,
      startLine: block.range.start.line,
      endLine: block.range.end.line,
      isBlock: true,
      lines: printBlock(block, comments.filter(inBlock), source, indent),
    });
    comments = comments.filter((c) => !inBlock(c));
  }
  for (const c of comments) entries.push(commentEntry(c, c.range.start.offset));
  entries.sort((a, b) => a.startOffset - b.startOffset);

  const out: string[] = [];
  entries.forEach((entry, i) => {
    const previous = entries[i - 1];
    // Always one blank line after a block; between other things, one where the user had any.
    if (previous && (previous.isBlock || source.blankBetween(previous.endLine, entry.startLine))) out.push('');
    out.push(...entry.lines);
  });
  return out;
}

/** `startOffset` and `line` say where the comment goes (its own place, unless it was moved). */
function commentEntry(c: Comment, startOffset: number, indent = '', line = c.range.start.line): Entry {
  return { startOffset, startLine: line, endLine: line, isBlock: false, lines: [indent + commentText(c)] };
}

function commentText(c: Comment): string {
  return c.text.trimEnd();
}

// ---- blocks ----

interface Item {
  start: Position;
  end: Position;
  text: string;
  /** Comments inside the item or trailing its last line, in source order. */
  comments: Comment[];
}

function printBlock(block: Block, comments: Comment[], source: SourceLines, indent: string): string[] {
  const items: Item[] =
    block.kind === 'model'
      ? block.layers.map((layer) => ({
          start: layer.range.start,
          end: layer.range.end,
          text: printValue(layer),
          comments: [],
        }))
      : block.settings.map((s) => {
          const bare = block.kind === 'data' && SOURCE_SETTINGS.has(s.key.name) && s.value.kind === 'name';
          return {
            start: s.range.start,
            end: s.range.end,
            text: `${s.key.name}: ${printValue(s.value, bare)}`,
            comments: [],
          };
        });

  const header = block.kind === 'model' ? `model ${block.name?.name ?? ''} {` : `${block.kind} {`;
  let headerComment: Comment | undefined;
  const closeComments: string[] = [];
  const entries: Entry[] = [];

  let after = 0; // index of the first item that starts after the current comment
  for (const c of comments) {
    const offset = c.range.start.offset;
    if (offset >= block.range.end.offset) {
      closeComments.push(commentText(c));
      continue;
    }
    while (after < items.length && items[after].start.offset < offset) after++;
    const owner = items[after - 1];
    const ownLine = source.ownLine(c);
    if (owner && (offset < owner.end.offset || (!ownLine && c.range.start.line <= owner.end.line))) {
      owner.comments.push(c);
    } else if (!owner && !ownLine && !headerComment) {
      headerComment = c;
    } else {
      entries.push(commentEntry(c, offset, indent));
    }
  }

  for (const item of items) {
    // The item becomes one line: a comment that ended it stays at its end; comments from
    // inside it move above it, in their order, so none is lost or reordered.
    const last = item.comments[item.comments.length - 1];
    const trailing = last && !source.ownLine(last) ? last : undefined;
    for (const c of item.comments) {
      if (c !== trailing) entries.push(commentEntry(c, item.start.offset - 0.5, indent, item.start.line));
    }
    entries.push({
      startOffset: item.start.offset,
      startLine: item.start.line,
      endLine: item.end.line,
      isBlock: false,
      lines: [indent + item.text + (trailing ? '  ' + commentText(trailing) : '')],
    });
  }
  entries.sort((a, b) => a.startOffset - b.startOffset);

  const out = [header + (headerComment ? '  ' + commentText(headerComment) : '')];
  entries.forEach((entry, i) => {
    const previous = entries[i - 1];
    if (previous && source.blankBetween(previous.endLine, entry.startLine)) out.push('');
    out.push(...entry.lines);
  });
  out.push('}' + closeComments.map((t) => '  ' + t).join(''));
  return out;
}
