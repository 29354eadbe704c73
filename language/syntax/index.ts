// The syntax layer's entry point: text in, tree and syntax errors out. Never throws.
// Lexer and parser are chevrotain's (lexer.ts, parser.ts).
import type { ParseResult } from './ast';
import { tokenize } from './lexer';
import { parseTokens } from './parser';

export * from './ast';
export { LineIndex } from './positions';

export function parse(text: string): ParseResult {
  const lexed = tokenize(text);
  const parsed = parseTokens(lexed.tokens, lexed.end);
  const file = parsed.file;
  file.comments = lexed.comments;
  const errors = [...lexed.errors, ...parsed.errors].sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file, errors };
}
