// engine.pid (training/engine-pid.ts): whether a run folder's engine still runs, told by its
// process rather than by the age of events.jsonl, and not fooled by a pid that a later process got.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineAlive, ENGINE_PID_FILE, readEnginePid, writeEnginePid } from '../../training/engine-pid';

test('a live process started with the run’s spec.json is running; once it ends, it is not', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'modelspec-pid-'));
  assert.equal(engineAlive(runDir), undefined, 'no pid file: cannot tell');
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', join(runDir, 'spec.json')]);
  await new Promise((r) => child.once('spawn', r));
  writeEnginePid(runDir, child.pid!);
  assert.equal(readEnginePid(runDir)?.pid, child.pid);
  assert.equal(engineAlive(runDir), true);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  assert.equal(engineAlive(runDir), false);
});

test('a pid that now belongs to another process (not started with this spec) is not the engine', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'modelspec-pid-'));
  writeEnginePid(runDir, process.pid); // alive, but this test runner was not started with the run's spec
  assert.equal(engineAlive(runDir), false);
});

test('another machine’s pid file, or a damaged one, cannot tell', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'modelspec-pid-'));
  writeFileSync(
    join(runDir, ENGINE_PID_FILE),
    JSON.stringify({ pid: process.pid, host: 'another-host.invalid', specPath: join(runDir, 'spec.json') }),
  );
  assert.equal(engineAlive(runDir), undefined);
  writeFileSync(join(runDir, ENGINE_PID_FILE), '{"pid": 12');
  assert.equal(engineAlive(runDir), undefined);
});
