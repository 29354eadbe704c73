// The engine as a process, started as runs start it (dist/engine-tfjs.cjs SPEC.json, through
// run-process.ts's engineCommand; not main.ts through tsx, which costs each start over a second of
// CPU): stdout carries only event lines, the same lines land in events.jsonl, and a
// {"type":"stop"} line on stdin or SIGINT ends the run within a batch with the model saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../../training/protocol';
import { engineCommand } from '../../../training/run-process';
import { ensureBuilt } from '../../helpers/build';
import { makeSpec, tempDir } from './helpers';

ensureBuilt();

/** The TF.js engine on a spec, as a run starts it. */
function startEngine(specPath: string, stdin: 'pipe' | 'ignore') {
  const { command, args, env } = engineCommand({ engine: 'tfjs', reason: 'the test' }, specPath);
  return spawn(command, args, { env, stdio: [stdin, 'pipe', 'pipe'] });
}

async function runProcess(
  how: 'stdin' | 'SIGINT',
): Promise<{ lines: string[]; events: RunEvent[]; runDir: string; code: number | null }> {
  const dir = tempDir();
  const spec = makeSpec(dir, {
    fit: {
      epochs: 50,
      batchSize: 10,
      seed: 1,
      callbacks: [],
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
    },
  });
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const child = startEngine(specPath, 'pipe');
  const lines: string[] = [];
  let buffer = '';
  let sent = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      if (!sent && (JSON.parse(line) as RunEvent).type === 'batch') {
        sent = true;
        if (how === 'stdin') child.stdin!.write('{"type":"stop"}\n');
        else child.kill('SIGINT');
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { lines, events: lines.map((l) => JSON.parse(l) as RunEvent), runDir: spec.runDir, code };
}

for (const how of ['stdin', 'SIGINT'] as const) {
  test(`a stop via ${how} ends the run in its first epoch with the model saved`, async () => {
    const { lines, events, runDir, code } = await runProcess(how);
    assert.equal(code, 0);
    const last = events[events.length - 1]!;
    assert.equal(last.type, 'stopped', lines.slice(-3).join('\n'));
    if (last.type !== 'stopped') return;
    assert.equal(last.epoch, 1);
    assert.ok(existsSync(join(runDir, 'model.json')) && existsSync(join(runDir, 'weights.bin')));
    assert.equal(events.filter((e) => e.type === 'epoch').length, 0);
    assert.equal(readFileSync(join(runDir, 'events.jsonl'), 'utf8'), lines.map((l) => l + '\n').join(''));
  });
}

test('the engine refuses devices > 1 with a failed event that points at the torch engine', async () => {
  const dir = tempDir();
  const spec = makeSpec(dir, {
    fit: {
      epochs: 1,
      batchSize: 10,
      seed: 1,
      callbacks: [],
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 2,
      nnodes: 1,
    },
  });
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const child = startEngine(specPath, 'ignore');
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const events = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
  assert.deepEqual(
    events.map((e) => e.type),
    ['failed'],
  );
  const failed = events[0]!;
  assert.ok(failed.type === 'failed');
  assert.match(failed.message, /^devices: 2 needs the torch engine .*Use backend: 'torch'/);
});
