// Splits .model source text into tokens in one pass over the characters. Whitespace is dropped,
// comments are set aside, and characters that start no token become 'invalid-character' errors.
// Keywords are ordinary names: the parser decides where `model`, `compile`, `data` and `fit`
// start a block. (Hand-written rather than chevrotain's lexer: on a 10,000-layer file it ran
// about twice as fast, and it gives each token its line, column and indentation directly.)
import type { Comment, Position, SyntaxError } from './ast';

export type TokenKind =
  | 'name'
  | 'number'
  | 'string'
  /** A string whose closing quote is missing; it ends at the end of its line. */
  | 'badString'
  | '('
  | ')'
  | '['
  | ']'
  | '{'
  | '}'
  | ','
  | ':'
  | '='
  | '+'
  | '-'
  | '*'
  | '/'
  | 'eof';

/**
 * A token. Positions are kept as plain numbers (not Position objects) because a large file has
 * hundreds of thousands of tokens; startOf/endOf make Positions for the few that need them.
 * Tokens never span lines.
 */
export interface Token {
  kind: TokenKind;
  image: string;
  offset: number;
  line: number;
  /** UTF-16 column of the first character. */
  character: number;
  /** True when no other token comes before this one on its line. */
  firstOnLine: boolean;
  /** Column of the first token on this token's line (its indentation). */
  lineIndent: number;
}

export function startOf(t: Token): Position {
  return { line: t.line, character: t.character, offset: t.offset };
}

/** Exclusive end. */
export function endOf(t: Token): Position {
  return { line: t.line, character: t.character + t.image.length, offset: t.offset + t.image.length };
}

export interface LexResult {
  /** The tokens, always ending with one 'eof' token at the end of the text. */
  tokens: Token[];
  comments: Comment[];
  errors: SyntaxError[];
  /** The position just past the last character. */
  end: Position;
}

const PUNCTUATION: Record<string, TokenKind> = {
  '(': '(',
  ')': ')',
  '[': '[',
  ']': ']',
  '{': '{',
  '}': '}',
  ',': ',',
  ':': ':',
  '=': '=',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Spaces, tabs and the other blanks that are not line breaks. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}

function startsToken(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (
    isBlank(c) ||
    isLineBreak(c) ||
    isNameStart(c) ||
    isDigit(c) ||
    c === 35 /* # */ ||
    c === 39 /* ' */ ||
    c === 34 /* " */ ||
    (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) ||
    text[i] in PUNCTUATION
  );
}

/** End of a number starting at i: `12`, `1.`, `.5`, `2e-3`. */
function scanNumber(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 46 /* . */) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69 /* e E */) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  return i;
}

/** End of a string starting at i, and whether its closing quote was found before the line end. */
function scanString(text: string, i: number): { end: number; terminated: boolean } {
  const quote = text.charCodeAt(i);
  i++;
  for (;;) {
    const c = text.charCodeAt(i);
    if (i >= text.length || isLineBreak(c)) return { end: i, terminated: false };
    if (c === quote) return { end: i + 1, terminated: true };
    if (c === 92 /* \ */ && i + 1 < text.length && !isLineBreak(text.charCodeAt(i + 1))) i += 2;
    else i++;
  }
}

export function tokenize(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const errors: SyntaxError[] = [];
  let line = 0;
  let lineStart = 0;
  let previousLine = -1;
  let indent = 0;
  const at = (offset: number): Position => ({ line, character: offset - lineStart, offset });

  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (isLineBreak(c)) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (isNameStart(c)) {
      i++;
      while (isNamePart(text.charCodeAt(i))) i++;
      kind = 'name';
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      i = scanNumber(text, i);
      kind = 'number';
    } else if (c === 39 || c === 34) {
      const scanned = scanString(text, i);
      i = scanned.end;
      kind = scanned.terminated ? 'string' : 'badString';
    } else if (c === 35 /* # */) {
      while (i < text.length && !isLineBreak(text.charCodeAt(i))) i++;
      comments.push({ text: text.slice(start, i), range: { start: at(start), end: at(i) } });
      continue;
    } else if (text[i] in PUNCTUATION) {
      i++;
      kind = PUNCTUATION[text[start]];
    } else {
      // One error for a whole run of characters that start no token.
      i++;
      while (i < text.length && !startsToken(text, i)) i++;
      const bad = text.slice(start, i);
      errors.push({
        range: { start: at(start), end: at(i) },
        message: bad.length === 1 ? `Invalid character '${bad}'` : `Invalid characters '${bad}'`,
        code: 'invalid-character',
      });
      continue;
    }

    const firstOnLine = line !== previousLine;
    if (firstOnLine) indent = start - lineStart;
    previousLine = line;
    const token: Token = { kind, image: text.slice(start, i), offset: start, line, character: start - lineStart, firstOnLine, lineIndent: indent };
    if (kind === 'badString') {
      errors.push({
        range: { start: at(start), end: at(i) },
        message: `Unterminated string: add the closing ${text[start]} before the end of the line`,
        code: 'unterminated-string',
      });
    }
    tokens.push(token);
  }

  const endOfText = at(text.length);
  const firstOnLine = line !== previousLine;
  tokens.push({
    kind: 'eof',
    image: '',
    offset: endOfText.offset,
    line: endOfText.line,
    character: endOfText.character,
    firstOnLine,
    lineIndent: firstOnLine ? endOfText.character : indent,
  });
  return { tokens, comments, errors, end: endOfText };
}

/** The value of a string token: quotes removed and backslash escapes decoded as Python does. */
export function stringValue(image: string): string {
  const quote = image[0];
  let body = image.slice(1);
  if (body.endsWith(quote) && body.length > 0 && !endsWithEscape(body)) body = body.slice(0, -1);
  return body.replace(/\\(.)?/g, (_all, c: string | undefined) => {
    switch (c) {
      case undefined:
        return '\\';
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case '\\':
      case "'":
      case '"':
        return c;
      default:
        return '\\' + c;
    }
  });
}

/** True when the last character is escaped, e.g. `abc\'` (so it is not a closing quote). */
function endsWithEscape(body: string): boolean {
  let backslashes = 0;
  for (let i = body.length - 2; i >= 0 && body[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}
