// The latest learning-rate range test of a model: <runsRoot>/<model>/lr-find-<time>/lr-find.json
// (written by training/lr-find-session.ts). The optimizer's quick fix offers its suggestion.
// No `vscode` import: unit-tested in test/client/.

import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { LR_FIND_FOLDER_PREFIX, type LrSuggestion } from '../../training/lr-find';

export interface LatestLrFind {
  folder: string;
  suggestion: LrSuggestion;
  engine?: string;
}

/** lr-find.json holds a few hundred points: more than this is not one. */
const MAX_BYTES = 4 * 1024 * 1024;

/** The newest range test of `model` under `root` that ended with a suggestion, if any. */
export function latestLrFind(root: string, model: string): LatestLrFind | undefined {
  let names: string[];
  try {
    names = readdirSync(join(root, model)).filter((n) => n.startsWith(LR_FIND_FOLDER_PREFIX));
  } catch {
    return undefined;
  }
  // Folder names hold the time (lr-find-20261203-201709, "-2" on a same-second collision).
  names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const name of names) {
    const folder = join(root, model, name);
    const saved = readResult(join(folder, 'lr-find.json'));
    if (saved) return { folder, ...saved };
  }
  return undefined;
}

function readResult(file: string): Omit<LatestLrFind, 'folder'> | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
    const bytes = Buffer.alloc(stat.size);
    let off = 0;
    while (off < bytes.length) {
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break;
      off += n;
    }
    const json = JSON.parse(bytes.subarray(0, off).toString('utf8')) as { suggestion?: unknown; engine?: unknown };
    const s = json.suggestion as Partial<LrSuggestion> | null | undefined;
    if (!s || typeof s.suggested !== 'number' || !(s.suggested > 0) || !Number.isFinite(s.suggested)) return undefined;
    if (s.rule !== 'steepest' && s.rule !== 'minimum/10') return undefined;
    return { suggestion: s as LrSuggestion, engine: typeof json.engine === 'string' ? json.engine : undefined };
  } catch {
    return undefined; // missing, unreadable or not JSON: not a result
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
