// The syntax layer's entry point: text in, tree and syntax errors out. Never throws.
import type { ParseResult } from './ast';
import { tokenize } from './lexer';
import { Parser } from './parser';

export * from './ast';
export { LineIndex } from './positions';

export function parse(text: string): ParseResult {
  const lexed = tokenize(text);
  const parser = new Parser(lexed.tokens);
  const file = parser.parseFile(lexed.end);
  file.comments = lexed.comments;
  const errors = [...lexed.errors, ...parser.errors].sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file, errors };
}
