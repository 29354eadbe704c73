// Writes run events: one JSON line on stdout and the same line appended to
// <runDir>/events.jsonl at once, in one write, so a killed run loses nothing it reported and a
// full disk never leaves half a line. If the file cannot be written, the line still goes to
// stdout and the emit throws (an IoError naming the file and the cause), which ends training
// with a `failed` event; final events never throw, so that one always reaches the launcher.
import { join } from 'node:path';
import { appendLine, makeDirs } from '../../files';
import type { RunEvent } from '../../protocol';

export type Emit = (event: RunEvent) => void;

const FINAL = new Set<RunEvent['type']>(['finished', 'stopped', 'failed']);

/** stdout that stays quiet once the launcher is gone (EPIPE) rather than crashing the engine. */
function stdoutWriter(): (line: string) => void {
  let broken = false;
  process.stdout.on('error', () => {
    broken = true;
  });
  return (line) => {
    if (!broken) process.stdout.write(line);
  };
}

export function eventWriter(runDir: string, out: (line: string) => void = stdoutWriter()): Emit {
  makeDirs(runDir);
  const file = join(runDir, 'events.jsonl');
  return (event) => {
    const line =
      JSON.stringify(event, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n';
    let problem: unknown;
    try {
      appendLine(file, line);
    } catch (e) {
      problem = e;
    }
    out(line);
    if (problem && !FINAL.has(event.type)) throw problem;
  };
}

export const now = () => new Date().toISOString();
