// Results of the editor features, as plain data. They mirror LSP's shapes closely enough that
// the server's adapter is a field-by-field copy, but carry no dependency on LSP or VS Code.

import type { Range } from '../syntax/ast';

/** A position in the document as editors send it: zero-based line and UTF-16 character. */
export interface LineCharacter {
  line: number;
  character: number;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export type CompletionKind =
  | 'layer'
  | 'argument'
  | 'value'
  | 'keyword'
  | 'setting'
  | 'dataset'
  | 'function'
  | 'snippet';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** Short text after the label: `(units, activation=None)` or `default 'valid'`. */
  detail?: string;
  /** Markdown; may be left out and filled in by resolveCompletion. */
  documentation?: string;
  /** Text to insert; a snippet with $1 placeholders when `snippet` is true. */
  insertText?: string;
  snippet?: boolean;
  /** For a snippet: what to insert instead for a client without snippet support (`Dense(`). */
  plainText?: string;
  /** The text the entry replaces (the word being typed). */
  replace?: Range;
  sortText?: string;
  filterText?: string;
  /** Preselect this entry (e.g. the class count for units). */
  preselect?: boolean;
  /** Re-open completion after inserting (e.g. after `activation=`). */
  retrigger?: boolean;
  /** What resolveCompletion needs to add documentation lazily. */
  data?: { kind: CompletionKind; name: string; owner?: string };
}

/** What the editor can do with completion entries (decided once from the client's capabilities). */
export interface CompletionOptions {
  /** Snippets with placeholders; otherwise each snippet entry inserts its `plainText`. */
  snippets: boolean;
  /** The editor re-opens suggestions after an entry marked `retrigger` (a VS Code command). */
  retrigger: boolean;
}

export interface HoverResult {
  /** Markdown. */
  contents: string;
  range: Range;
}

export interface InlayHintEntry {
  position: LineCharacter;
  label: string;
  tooltip?: string;
  paddingLeft?: boolean;
}

export interface SignatureParameter {
  /** [start, end) offsets into the signature label. */
  label: [number, number];
  documentation: string;
}

export interface SignatureResult {
  label: string;
  documentation: string;
  parameters: SignatureParameter[];
  activeParameter: number;
}

export interface CodeActionEntry {
  title: string;
  kind: 'quickfix' | 'refactor' | 'source';
  edits: TextEdit[];
  /** The diagnostic the action fixes, identified by code and range. */
  diagnostic?: { code: string; range: Range };
  isPreferred?: boolean;
}

export type SymbolKind = 'model' | 'layer' | 'block' | 'setting';

export interface SymbolEntry {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: SymbolEntry[];
}

export const SEMANTIC_TOKEN_TYPES = [
  'keyword',
  'class',
  'function',
  'parameter',
  'property',
  'string',
  'number',
  'enumMember',
  'variable',
  'comment',
] as const;
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];

export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'deprecated', 'defaultLibrary'] as const;
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}
