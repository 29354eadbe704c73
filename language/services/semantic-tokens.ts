// Semantic highlighting from the syntax tree: what each word is (a layer class, an argument name,
// a setting key, an enum-like bare name…), beyond what the TextMate grammar can tell.

import type { Analysis } from '../analysis/analyze';
import { blockSettings, type ArgType } from '../catalog';
import type { Range, Value } from '../syntax';
import { resolveCallable } from './callables';
import {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  type SemanticToken,
  type SemanticTokenModifier,
  type SemanticTokenType,
} from './types';

export function semanticTokens(analysis: Analysis): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  const add = (range: Range, type: SemanticTokenType, modifiers: SemanticTokenModifier[] = []) => {
    const length = range.end.offset - range.start.offset;
    if (length <= 0 || range.start.line !== range.end.line) return;
    tokens.push({ line: range.start.line, character: range.start.character, length, type, modifiers });
  };

  const value = (node: Value, expected: ArgType | undefined, inModelBody = false): void => {
    switch (node.kind) {
      case 'number':
        return add(node.range, 'number');
      case 'string':
        return add(node.range, 'string');
      case 'boolean':
      case 'none':
        return add(node.range, 'keyword');
      case 'name':
        return add(node.range, 'enumMember');
      case 'tuple':
      case 'list':
        for (const item of node.items) value(item, itemType(expected));
        return;
      case 'call': {
        const callable = resolveCallable(node.callee.name, expected, inModelBody);
        if (callable?.kind === 'layer') add(node.callee.range, 'class', ['defaultLibrary']);
        else add(node.callee.range, inModelBody ? 'class' : 'function', callable ? ['defaultLibrary'] : []);
        const positional = callable?.args.filter((a) => !a.keywordOnly) ?? [];
        let index = 0;
        for (const arg of node.args) {
          let param = arg.name ? undefined : positional[index++];
          if (arg.name) {
            const name = arg.name.name;
            param = callable?.args.find((a) => a.name === name);
            const alias = param ? undefined : callable?.args.find((a) => a.deprecatedAliases?.includes(name));
            add(arg.name.range, 'parameter', alias ? ['deprecated'] : []);
            param ??= alias;
          }
          value(arg.value, param?.type);
        }
        return;
      }
      case 'error':
        return;
    }
  };

  for (const block of analysis.parse.file.blocks) {
    add(block.keyword, 'keyword');
    if (block.kind === 'model') {
      if (block.name) add(block.name.range, 'class', ['declaration']);
      for (const layer of block.layers) value(layer, undefined, true);
    } else {
      const specs = blockSettings(block.kind);
      for (const setting of block.settings) {
        const spec = specs.find((s) => s.name === setting.key.name || s.deprecatedAliases?.includes(setting.key.name));
        add(setting.key.range, 'property', spec && spec.name !== setting.key.name ? ['deprecated'] : []);
        value(setting.value, spec?.type);
      }
    }
  }
  for (const comment of analysis.parse.file.comments) add(comment.range, 'comment');
  tokens.sort((a, b) => a.line - b.line || a.character - b.character);
  return tokens;
}

function itemType(type: ArgType | undefined): ArgType | undefined {
  if (!type) return undefined;
  if (type.kind === 'list') return type.of;
  if (type.kind === 'union') return type.of.map(itemType).find((t) => t !== undefined);
  return type;
}

/** LSP's relative encoding: five integers per token, each position relative to the previous token. */
export function encodeSemanticTokens(tokens: readonly SemanticToken[]): number[] {
  const sorted = [...tokens].sort((a, b) => a.line - b.line || a.character - b.character);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const t of sorted) {
    const deltaLine = t.line - line;
    const deltaStart = deltaLine === 0 ? t.character - character : t.character;
    let modifiers = 0;
    for (const m of t.modifiers) modifiers |= 1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m);
    data.push(deltaLine, deltaStart, t.length, SEMANTIC_TOKEN_TYPES.indexOf(t.type), modifiers);
    line = t.line;
    character = t.character;
  }
  return data;
}
