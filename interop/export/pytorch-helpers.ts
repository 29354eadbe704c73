// The Python helpers an exported PyTorch script needs, copied from
// python/modelspec_export/pytorch_helpers.py (one real, tested Python file): only the
// blocks the script's own code names, plus the blocks those need.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/package-root';

interface HelperBlock {
  name: string;
  needs: string[];
  source: string;
}

let cached: HelperBlock[] | undefined;

/** The helper blocks in file order (the order the script defines them in). */
export function helperBlocks(): HelperBlock[] {
  if (cached) return cached;
  const path = join(packageRoot(), 'python', 'modelspec_export', 'pytorch_helpers.py');
  const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  const blocks: HelperBlock[] = [];
  const marker = /^# --- begin (\w+)(?: \(needs: ([\w, ]+)\))?\n([\s\S]*?)^# --- end \1$/gm;
  for (const m of text.matchAll(marker)) {
    blocks.push({ name: m[1], needs: m[2] ? m[2].split(',').map((s) => s.trim()) : [], source: m[3].trim() });
  }
  if (blocks.length === 0) throw new Error(`${path} has no helper blocks (# --- begin NAME ... # --- end NAME)`);
  return (cached = blocks);
}

/** The helpers `code` calls (by name, as `Name(`), with their dependencies, as Python source. */
export function helpersFor(code: string): string[] {
  const blocks = helperBlocks();
  const wanted = new Set<string>();
  const add = (name: string): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const n of blocks.find((b) => b.name === name)?.needs ?? []) add(n);
  };
  for (const b of blocks) if (new RegExp(`(?<![\\w.])${b.name}\\(`).test(code)) add(b.name);
  return blocks.filter((b) => wanted.has(b.name)).map((b) => b.source);
}
