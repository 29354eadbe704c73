// Stopping a run: a stop line on stdin or SIGINT ends it within one batch and keeps the model;
// SIGKILL leaves events.jsonl with complete lines only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { RunSpec } from '../../../training/protocol';
import { SKIP, mlpSpec, ofType, parseLines, startRun, tempDir, watchRun, writeSpec } from './helpers';

/** A long run: one-sample batches, many of them. */
function longSpec(dir: string): RunSpec {
  const spec = mlpSpec(dir, { n: 5000 });
  spec.fit.batchSize = 1;
  spec.fit.epochs = 50;
  return spec;
}

async function stopsWithinABatch(send: (child: ChildProcess) => void, reason: RegExp) {
  const dir = tempDir();
  const spec = longSpec(dir);
  const child = startRun(writeSpec(dir, spec));
  const run = watchRun(child);
  await run.until((e) => ofType(e, 'batch').length >= 2);
  const sentAt = Date.now();
  send(child);
  const { code } = await run.exited;
  const elapsed = Date.now() - sentAt;
  assert.equal(code, 0);
  const stopped = ofType(run.events, 'stopped')[0]!;
  assert.ok(stopped, 'a stopped event');
  assert.match(stopped.reason, reason);
  assert.equal(stopped.epoch, 1, 'stopped inside the first epoch, not at its end');
  assert.equal(ofType(run.events, 'epoch').length, 0);
  // An epoch takes over a minute here; saving the model (model.pt, model.json and, as for a
  // finished run, model.onnx: torch.onnx loads in a few seconds on a busy machine) takes well under that.
  assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  assert.ok(existsSync(join(spec.runDir, 'model.onnx')), 'a stopped run has model.onnx too');
  assert.equal(stopped.modelPath, join(spec.runDir, 'model.pt'));
  assert.ok(existsSync(stopped.modelPath!));
  assert.deepEqual(parseLines(readFileSync(join(spec.runDir, 'events.jsonl'), 'utf8')), run.events);
}

test('a {"type":"stop"} line on stdin stops within one batch and saves the model', { skip: SKIP }, async () => {
  await stopsWithinABatch((child) => child.stdin!.write('{"type":"stop"}\n'), /stopped by the user/);
});

test('SIGINT stops within one batch and saves the model', { skip: SKIP }, async () => {
  await stopsWithinABatch((child) => child.kill('SIGINT'), /SIGINT/);
});

test('kill -9 mid-run leaves events.jsonl with complete JSON lines', { skip: SKIP }, async () => {
  const dir = tempDir();
  const spec = longSpec(dir);
  const child = startRun(writeSpec(dir, spec));
  const run = watchRun(child);
  await run.until((e) => ofType(e, 'batch').length >= 3);
  child.kill('SIGKILL');
  await run.exited;
  const text = readFileSync(join(spec.runDir, 'events.jsonl'), 'utf8');
  assert.ok(text.endsWith('\n'));
  const events = parseLines(text);
  assert.equal(events[0]!.type, 'started');
  const batches = ofType(events, 'batch');
  assert.ok(batches.length >= 3);
  // Thousands of batches a second, but batch events are throttled (the first comes at once).
  assert.equal(batches[0]!.batch, 1);
  for (let i = 2; i < batches.length; i++)
    assert.ok(batches[i]!.time - batches[i - 1]!.time >= 0.2, 'at most ~4 events/s');
});
