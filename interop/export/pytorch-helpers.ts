// The Python helpers an exported script needs, copied from real, tested Python files: only the
// blocks the script's own code names, plus the blocks those need, and the standard-library
// imports they use. A block is the code between `# --- begin NAME (needs: A, B)` and
// `# --- end NAME` in one of HELPER_FILES; names are unique across the files.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/package-root';

/** The files blocks are copied from, in the order a script defines them. */
export const HELPER_FILES = [
  'python/modelspec_torch/keras_layouts.py', // Keras's weight layouts, shared with the PyTorch engine
  'python/modelspec_export/pytorch_weights.py', // Pretrained(...): saved weights into the modules
  'python/modelspec_export/pytorch_helpers.py', // Keras semantics as torch.nn modules, callbacks, MNIST
] as const;

interface HelperBlock {
  name: string;
  needs: string[];
  source: string;
  file: string;
}

/** A top-level import of a helper file: the line and the names it binds. */
interface HelperImport {
  line: string;
  names: string[];
}

const MAX_HELPER_FILE = 1 << 20;
const cache = new Map<string, { blocks: HelperBlock[]; imports: HelperImport[] }>();

function readHelperFile(file: string): { blocks: HelperBlock[]; imports: HelperImport[] } {
  const hit = cache.get(file);
  if (hit) return hit;
  const path = join(packageRoot(), file);
  const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  if (text.length > MAX_HELPER_FILE) throw new Error(`${path} is over ${MAX_HELPER_FILE} bytes`);
  const blocks: HelperBlock[] = [];
  const marker = /^# --- begin (\w+)(?: \(needs: ([\w, ]+)\))?\n([\s\S]*?)^# --- end \1$/gm;
  for (const m of text.matchAll(marker)) {
    const needs = m[2] ? m[2].split(',').map((s) => s.trim()) : [];
    blocks.push({ name: m[1]!, needs, source: m[3]!.trim(), file });
  }
  if (blocks.length === 0) throw new Error(`${path} has no helper blocks (# --- begin NAME ... # --- end NAME)`);
  // Single-line top-level imports; the package's own (modelspec_*) are blocks, not imports.
  const imports: HelperImport[] = [];
  for (const m of text.matchAll(/^(?:import (\w+)(?: as (\w+))?|from ([\w.]+) import ([\w, ]+))$/gm)) {
    if ((m[1] ?? m[3] ?? '').startsWith('modelspec_')) continue;
    const names = m[1] ? [m[2] ?? m[1]] : m[4]!.split(',').map((s) => s.trim());
    imports.push({ line: m[0], names });
  }
  const read = { blocks, imports };
  cache.set(file, read);
  return read;
}

/** Every helper block, in file order. */
export function helperBlocks(): HelperBlock[] {
  return HELPER_FILES.flatMap((f) => readHelperFile(f).blocks);
}

/** `name` used as code in `source`: not an attribute (`.name`) and not part of a longer name. */
function uses(source: string, name: string): boolean {
  return new RegExp(`(?<![\\w.])${name}\\b`).test(source);
}

export interface Helpers {
  /** The blocks' Python source, in file order. */
  sources: string[];
  /** The import lines they need (`import csv`, `from pathlib import Path`), numpy and torch left to the script. */
  imports: string[];
}

/** The helpers `code` calls (by name, `Name(`), or whose names `names` lists, with their dependencies. */
export function helpersFor(code: string, names: readonly string[] = []): Helpers {
  const blocks = helperBlocks();
  const wanted = new Set<string>();
  const add = (name: string): void => {
    if (wanted.has(name)) return;
    const block = blocks.find((b) => b.name === name);
    if (!block) throw new Error(`internal error: no Python helper block named ${name} in ${HELPER_FILES.join(', ')}`);
    wanted.add(name);
    for (const n of block.needs) add(n);
  };
  for (const b of blocks) if (new RegExp(`(?<![\\w.])${b.name}\\(`).test(code)) add(b.name);
  for (const n of names) add(n);
  const chosen = blocks.filter((b) => wanted.has(b.name));
  const imports = new Set<string>();
  for (const file of HELPER_FILES) {
    for (const imp of readHelperFile(file).imports) {
      if (/^(import (numpy|torch)\b|from (numpy|torch)\b)/.test(imp.line)) continue;
      if (chosen.some((b) => imp.names.some((n) => uses(b.source, n)))) imports.add(imp.line);
    }
  }
  return { sources: chosen.map((b) => b.source), imports: [...imports] };
}
