// Splits .model source text into tokens with chevrotain's Lexer. Whitespace is dropped, comments
// go to their own group, and characters that start no token become 'invalid-character' errors
// (chevrotain reports one error per run). Keywords are ordinary names: the parser decides where
// `model`, `compile`, `data`, `fit` and `tune` start a block.
//
// chevrotain's tokens are adapted into the Token below: the parser (parser.ts, also chevrotain)
// reads the same objects, and the layout facts the recovery needs (first token on its line, the
// line's indentation) are worked out here once.
import { createToken, EOF, Lexer, type IToken, type TokenType } from 'chevrotain';
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
 * A token: chevrotain's IToken (what the parser consumes) plus plain-number positions. Positions
 * are numbers rather than Position objects because a large file has hundreds of thousands of
 * tokens; startOf/endOf make Positions for the few that need them. Tokens never span lines.
 */
export interface Token extends IToken {
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

// ---- token types ----

/** Every real token (not EOF): what the parser's "skip anything" productions consume. */
export const AnyToken = createToken({ name: 'AnyToken', pattern: Lexer.NA });
/** `+` and `-`: signs and additive operators. */
export const AdditiveOperator = createToken({ name: 'AdditiveOperator', pattern: Lexer.NA });
export const MultiplicativeOperator = createToken({ name: 'MultiplicativeOperator', pattern: Lexer.NA });
/** `)` and `]`, the closers of argument lists, tuples and lists. */
export const Closer = createToken({ name: 'Closer', pattern: Lexer.NA });
/** Terminated and unterminated strings. */
export const AnyString = createToken({ name: 'AnyString', pattern: Lexer.NA });

const kindOfType: TokenKind[] = [];

function token(kind: TokenKind, name: string, pattern: RegExp, categories: TokenType[] = []): TokenType {
  const type = createToken({ name, pattern, categories: [AnyToken, ...categories] });
  kindOfType[type.tokenTypeIdx!] = kind;
  return type;
}

const Blank = createToken({ name: 'Blank', pattern: /[ \t\v\f\u00a0\ufeff]+/, group: Lexer.SKIPPED });
const LineBreak = createToken({ name: 'LineBreak', pattern: /\r\n?|\n/, group: Lexer.SKIPPED, line_breaks: true });
const CommentToken = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });

export const Name = token('name', 'Name', /[A-Za-z_][A-Za-z0-9_]*/);
/**
 * A dotted name used as a value, as pasted from Keras code: `tf.nn.relu`,
 * `keras.activations.relu`. It is a Name to the parser (value position only resolves it). Not
 * lexed before `(`, so a dotted callee such as `layers.Dense(` reads as before; the lookahead also
 * refuses to stop inside a word or before a dot, so a longer dotted name is never split.
 */
export const DottedName = token(
  'name',
  'DottedName',
  /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?![A-Za-z0-9_.]|\s*\()/,
  [Name],
);
/**
 * A dotted callee, as pasted from Keras code: `layers.Dense(`, `tf.keras.layers.Conv2D(`,
 * `model.add(`. One Name token to the parser, which splits off the module prefix (or unwraps
 * `model.add(...)`) and records it for the pasted-Keras warning and its fix.
 */
export const DottedCallee = token(
  'name',
  'DottedCallee',
  /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?=\s*\()/,
  [Name],
);
/** `12`, `1.`, `.5`, `2e-3` (an `e` without digits after it is not part of the number). */
export const NumberToken = token('number', 'Number', /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/);
/** A backslash escapes the next character on the same line. */
export const StringToken = token('string', 'String', /'(?:[^'\\\r\n]|\\[^\r\n])*'|"(?:[^"\\\r\n]|\\[^\r\n])*"/, [
  AnyString,
]);
/** A string whose closing quote is missing runs to the end of its line. */
export const BadString = token('badString', 'BadString', /'(?:[^'\\\r\n]|\\[^\r\n]?)*|"(?:[^"\\\r\n]|\\[^\r\n]?)*/, [
  AnyString,
]);
export const LParen = token('(', 'LParen', /\(/);
export const RParen = token(')', 'RParen', /\)/, [Closer]);
export const LBracket = token('[', 'LBracket', /\[/);
export const RBracket = token(']', 'RBracket', /]/, [Closer]);
export const LBrace = token('{', 'LBrace', /{/);
export const RBrace = token('}', 'RBrace', /}/);
export const Comma = token(',', 'Comma', /,/);
export const Colon = token(':', 'Colon', /:/);
export const Equals = token('=', 'Equals', /=/);
export const Plus = token('+', 'Plus', /\+/, [AdditiveOperator]);
export const Minus = token('-', 'Minus', /-/, [AdditiveOperator]);
export const Star = token('*', 'Star', /\*/, [MultiplicativeOperator]);
export const Slash = token('/', 'Slash', /\//, [MultiplicativeOperator]);

/** Every token type the parser knows, categories included. */
export const allTokenTypes: TokenType[] = [
  Blank,
  LineBreak,
  CommentToken,
  DottedName,
  DottedCallee,
  Name,
  NumberToken,
  StringToken,
  BadString,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  AnyToken,
  AdditiveOperator,
  MultiplicativeOperator,
  Closer,
  AnyString,
];

const lexer = new Lexer(allTokenTypes.slice(0, 22), {
  positionTracking: 'onlyStart',
  ensureOptimizations: true,
  skipValidations: true,
  // Lexing errors get our own messages below; chevrotain's text is never shown.
  errorMessageProvider: {
    buildUnexpectedCharactersMessage: () => '',
    buildUnableToPopLexerModeMessage: () => '',
  },
});

// ---- tokenize ----

export function tokenize(text: string): LexResult {
  const lexed = lexer.tokenize(text);
  const tokens: Token[] = new Array(lexed.tokens.length + 1);
  const errors: SyntaxError[] = [];

  let previousLine = -1;
  let indent = 0;
  for (let i = 0; i < lexed.tokens.length; i++) {
    const t = lexed.tokens[i];
    const line = t.startLine! - 1;
    const character = t.startColumn! - 1;
    const firstOnLine = line !== previousLine;
    if (firstOnLine) indent = character;
    previousLine = line;
    const kind = kindOfType[t.tokenTypeIdx];
    tokens[i] = {
      kind,
      image: t.image,
      offset: t.startOffset,
      line,
      character,
      firstOnLine,
      lineIndent: indent,
      startOffset: t.startOffset,
      tokenType: t.tokenType,
      tokenTypeIdx: t.tokenTypeIdx,
    };
    if (kind === 'badString') {
      errors.push({
        range: {
          start: { line, character, offset: t.startOffset },
          end: { line, character: character + t.image.length, offset: t.startOffset + t.image.length },
        },
        message: `Unterminated string: add the closing ${t.image[0]} before the end of the line`,
        code: 'unterminated-string',
      });
    }
  }

  const comments: Comment[] = [];
  for (const c of lexed.groups.comments ?? []) {
    const line = c.startLine! - 1;
    const character = c.startColumn! - 1;
    comments.push({
      text: c.image,
      range: {
        start: { line, character, offset: c.startOffset },
        end: { line, character: character + c.image.length, offset: c.startOffset + c.image.length },
      },
    });
  }

  for (const e of lexed.errors) {
    const line = e.line! - 1;
    const character = e.column! - 1;
    const bad = text.slice(e.offset, e.offset + e.length);
    errors.push({
      range: {
        start: { line, character, offset: e.offset },
        end: { line, character: character + e.length, offset: e.offset + e.length },
      },
      message: bad.length === 1 ? `Invalid character '${bad}'` : `Invalid characters '${bad}'`,
      code: 'invalid-character',
    });
  }
  if (errors.length > 1) errors.sort((a, b) => a.range.start.offset - b.range.start.offset);

  const end = endOfText(text, tokens, lexed.tokens.length, comments, errors);
  const firstOnLine = end.line !== previousLine;
  tokens[lexed.tokens.length] = {
    kind: 'eof',
    image: '',
    offset: end.offset,
    line: end.line,
    character: end.character,
    firstOnLine,
    lineIndent: firstOnLine ? end.character : indent,
    startOffset: end.offset,
    tokenType: EOF,
    tokenTypeIdx: EOF.tokenTypeIdx!,
  };
  return { tokens, comments, errors, end };
}

/**
 * The position just past the last character: counted on from the end of whatever chevrotain
 * reported last (a token, comment or error, none of which spans lines), over the blanks after it.
 */
function endOfText(text: string, tokens: Token[], count: number, comments: Comment[], errors: SyntaxError[]): Position {
  let line = 0;
  let lineStart = 0;
  let from = 0;
  const consider = (start: Position, endOffset: number) => {
    if (endOffset > from || (endOffset === from && start.line > line)) {
      line = start.line;
      lineStart = start.offset - start.character;
      from = endOffset;
    }
  };
  if (count > 0) {
    const t = tokens[count - 1];
    consider(startOf(t), t.offset + t.image.length);
  }
  if (comments.length > 0) {
    const c = comments[comments.length - 1].range;
    consider(c.start, c.end.offset);
  }
  for (const e of errors) consider(e.range.start, e.range.end.offset);
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
    } else if (c === 10 /* \n */) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: text.length - lineStart, offset: text.length };
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
