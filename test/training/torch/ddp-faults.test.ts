// Faults of a data-parallel run (2 gloo processes on the CPU, through the CLI as a process) that
// do not show as a dead worker: a rank that hangs (stopped with SIGSTOP: alive, silent) ends the
// run within the launcher's hang timeout, named; a launcher killed outright still leaves the run
// folder with one final event (the CLI's `failed`, or, with the CLI killed too, rank 0's
// `stopped`); and with every process killed, `modelspec runs` says killed at once from the
// engine's pid file (engine.pid) instead of guessing by the age of events.jsonl.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunEvent } from '../../../training/protocol';
import { ensureBuilt } from '../../helpers/build';
import { alive, CLI, descendants, events, rankOf, startLongRun, withTimeout } from './ddp-helpers';
import { SKIP } from './helpers';

function runDirOf(lines: string): string {
  const started = events(lines).find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
  assert.ok(started, 'a started event');
  return started.runDir;
}

function written(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
}

function finals(evs: RunEvent[]): RunEvent[] {
  return evs.filter((e) => e.type === 'finished' || e.type === 'stopped' || e.type === 'failed');
}

function runsStatus(runDir: string): string {
  const r = spawnSync(process.execPath, [CLI, 'runs', join(runDir, '..'), '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = (JSON.parse(r.stdout) as { runs: { runDir: string; status: string }[] }).runs;
  return rows.find((row) => row.runDir === runDir)?.status ?? 'absent';
}

/** Waits until none of `pids` runs, or fails after `ms`. */
async function allEnded(pids: number[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > until) {
      const left = pids.filter(alive).map((p) => `${p} (rank ${rankOf(p)})`);
      assert.fail(`still running after ${ms / 1000} s: ${left.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('data-parallel faults beyond a dead worker (2 gloo processes)', { skip: SKIP }, () => {
  before(() => ensureBuilt());

  it('a hung rank (alive, no heartbeat) ends the run within the hang timeout, naming it and its last output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-hang-'));
    const run = await startLongRun(dir, { MODELSPEC_DDP_HANG_TIMEOUT: '5' });
    const procs = descendants(run.child.pid!);
    const rank1 = procs.find((p) => rankOf(p) === 1);
    assert.ok(rank1 !== undefined, `no process with RANK=1 among ${procs.join(', ')}`);
    const t0 = performance.now();
    process.kill(rank1, 'SIGSTOP');
    try {
      // Without the heartbeat, rank 0 would wait in its next collective for torch's 300 s timeout.
      const code = await withTimeout(run.exit, 60_000, 'ending the run after a rank hung');
      const seconds = (performance.now() - t0) / 1000;
      assert.equal(code, 1);
      const final = events(run.lines()).at(-1)!;
      assert.ok(final.type === 'failed', JSON.stringify(final));
      assert.match(
        final.message,
        /^rank 1 of 2 \(pid \d+\) stopped responding: no heartbeat for \d+ s, though its process was alive \(hung; MODELSPEC_DDP_HANG_TIMEOUT sets the limit, now 5 s\); the other ranks were stopped\. Its last output:\n.*data-parallel: 2 replicas/s,
      );
      // The launcher counts from the last heartbeat, which came up to one interval (1 s) before the stop.
      assert.ok(
        seconds >= 5 - 1,
        `ended after ${seconds.toFixed(1)} s, before the 5 s timeout less one heartbeat interval`,
      );
      console.log(`hung rank 1 ended the run after ${seconds.toFixed(1)} s (timeout 5 s)`);
      for (const p of procs) assert.ok(!alive(p), `process ${p} (rank ${rankOf(p)}) is still running`);
      assert.deepEqual(
        finals(written(runDirOf(run.lines()))).map((e) => e.type),
        ['failed'],
      );
    } finally {
      if (alive(rank1)) process.kill(rank1, 'SIGKILL');
    }
  });

  it('a launcher killed outright: the CLI records `failed`, the workers stop, and rank 0 adds no second final event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-launcher-'));
    const run = await startLongRun(dir);
    const launcher = descendants(run.child.pid!).find((p) => rankOf(p) === undefined)!;
    const workers = descendants(launcher);
    assert.equal(workers.length, 2, `two workers under the launcher ${launcher}`);
    process.kill(launcher, 'SIGKILL');
    assert.equal(await withTimeout(run.exit, 60_000, 'the CLI ending after its launcher was killed'), 1);
    await allEnded(workers, 60_000); // they see their stdin close and stop after the batch
    const runDir = runDirOf(run.lines());
    const ends = finals(written(runDir));
    assert.deepEqual(
      ends.map((e) => e.type),
      ['failed'],
    );
    assert.ok(ends[0]!.type === 'failed' && /killed by SIGKILL/.test(ends[0]!.message));
    assert.equal(runsStatus(runDir), 'failed');
  });

  it('the CLI and the launcher killed outright: rank 0 writes the run folder’s `stopped` itself, after saving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-orphan-'));
    const run = await startLongRun(dir);
    const runDir = runDirOf(run.lines());
    const launcher = descendants(run.child.pid!).find((p) => rankOf(p) === undefined)!;
    const workers = descendants(launcher);
    assert.equal(runsStatus(runDir), 'running');
    process.kill(run.child.pid!, 'SIGKILL');
    process.kill(launcher, 'SIGKILL');
    await allEnded(workers, 60_000);
    const ends = finals(written(runDir));
    assert.deepEqual(
      ends.map((e) => e.type),
      ['stopped'],
    );
    assert.ok(ends[0]!.type === 'stopped' && ends[0]!.modelPath, 'the stopped event names the saved model');
    assert.ok(readdirSync(runDir).includes('model.pt'));
    assert.equal(runsStatus(runDir), 'stopped');
  });

  it('every process killed outright: `modelspec runs` says killed at once, from the engine pid file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-all-'));
    const run = await startLongRun(dir);
    const runDir = runDirOf(run.lines());
    const procs = descendants(run.child.pid!);
    const pidFile = JSON.parse(readFileSync(join(runDir, 'engine.pid'), 'utf8')) as { pid: number; specPath: string };
    assert.ok(procs.includes(pidFile.pid), 'engine.pid names the launcher, the CLI’s child');
    assert.equal(pidFile.specPath, join(runDir, 'spec.json'));
    assert.equal(runsStatus(runDir), 'running');
    for (const p of [...procs].reverse()) process.kill(p, 'SIGKILL');
    process.kill(run.child.pid!, 'SIGKILL');
    await allEnded(procs, 30_000);
    assert.deepEqual(finals(written(runDir)), [], 'no process was left to write a final event');
    // events.jsonl changed seconds ago: by its age alone the run would count as running for 10 minutes.
    assert.equal(runsStatus(runDir), 'killed');
  });
});
