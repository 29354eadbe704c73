// Writes run events: one JSON line on stdout and the same line appended to
// <runDir>/events.jsonl at once (appendFileSync), so a killed run loses nothing it reported.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../protocol';

export type Emit = (event: RunEvent) => void;

export function eventWriter(runDir: string, out: (line: string) => void = (l) => process.stdout.write(l)): Emit {
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, 'events.jsonl');
  return (event) => {
    const line = JSON.stringify(event, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n';
    appendFileSync(file, line);
    out(line);
  };
}

export const now = () => new Date().toISOString();
