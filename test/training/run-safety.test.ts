// Runs lose nothing (issue #8, items 6–8), through `modelspec train` as a process on both engines:
// two runs started in the same second get two folders; SIGTERM, SIGHUP and the death of the CLI
// stop the engine like Ctrl+C (model saved, `stopped` recorded); after SIGKILL of everything,
// history.csv holds every epoch events.jsonl holds and `evaluate` says the run was killed; a
// read-only or full disk gives one line naming the path and the cause, never a stack trace,
// a truncated model file or half an event line. The disk tests mount small tmpfs file systems
// (root only) and skip where mounting is not permitted.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import type { RunEvent } from '../../training/protocol';
import { timestamp } from '../../training/run-spec';
import { mountSkip, mountTmpfs as mountTmpfsIn, unmount } from '../helpers/tmpfs';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torchSkip = (await findTorch()).probe
  ? false
  : 'no Python interpreter with torch here (apt-get install python3-torch)';

/** A small digits classifier: an epoch takes about a second on either engine. */
function modelFile(dir: string, epochs: number, batchSize: number): string {
  const file = join(dir, 'tiny.model');
  writeFileSync(
    file,
    `model tiny {
    Input(shape=(784,))
    Dense(16, activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
    metrics: ['accuracy']
}
data {
    train: digits
    test: digits(split='test')
    validation_split: 0.1
}
fit {
    epochs: ${epochs}
    batch_size: ${batchSize}
    seed: 1
}
`,
  );
  return file;
}

interface Cli {
  child: ChildProcess;
  events: RunEvent[];
  stderr: () => string;
  until: (pred: (events: RunEvent[]) => boolean) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `modelspec train … --json` in the background (its own process group, so a test can signal
 *  the CLI and its engine together, as a terminal or job scheduler does). */
function startCli(args: string[]): Cli {
  const child = spawn(process.execPath, [CLI, 'train', ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const events: RunEvent[] = [];
  let buffer = '';
  let stderr = '';
  const waiters: { pred: (e: RunEvent[]) => boolean; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const cut = buffer.lastIndexOf('\n');
    if (cut < 0) return;
    for (const line of buffer.slice(0, cut).split('\n'))
      if (line.startsWith('{')) events.push(JSON.parse(line) as RunEvent);
    buffer = buffer.slice(cut + 1);
    for (const w of waiters.splice(0)) w.pred(events) ? w.resolve() : waiters.push(w);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const until = (pred: (e: RunEvent[]) => boolean) =>
    Promise.race([
      new Promise<void>((resolve) => (pred(events) ? resolve() : waiters.push({ pred, resolve }))),
      exited.then(() => {
        if (!pred(events)) throw new Error(`the CLI exited before the awaited event:\n${stderr}`);
      }),
    ]);
  return { child, events, stderr: () => stderr, until, exited };
}

function runSync(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
}

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

/** Every line of events.jsonl, each of which must be a whole JSON event. */
function fileEvents(runDir: string): RunEvent[] {
  const text = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'events.jsonl ends with a whole line');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as RunEvent;
      } catch {
        throw new Error(`events.jsonl line ${i + 1} is not whole JSON: ${l.slice(0, 120)}`);
      }
    });
}

function historyRows(runDir: string): string[] {
  return readFileSync(join(runDir, 'history.csv'), 'utf8').trim().split('\n').slice(1);
}

function runDirOf(events: RunEvent[]): string {
  const started = ofType(events, 'started')[0];
  assert.ok(started, 'a started event');
  return started.runDir;
}

const noStackTrace = (stderr: string) =>
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$|Traceback|internal error/m, `no stack trace:\n${stderr}`);

let work: string;
before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-run-safety-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('two runs of one model started in the same second', () => {
  it('get folders of their own (-2 suffix on collision), each with its own events, history and model', async () => {
    const dir = mkdtempSync(join(work, 'twins-'));
    const file = modelFile(dir, 2, 64);
    const out = join(dir, 'runs');
    // Take the timestamped names of the next seconds, so both runs collide with a taken name
    // whenever they start; the folders already there must be left alone.
    const now = Date.now();
    const taken = Array.from({ length: 60 }, (_, s) => join(out, 'tiny', timestamp(new Date(now + s * 1000))));
    for (const d of taken) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'keep.txt'), 'an earlier run');
    }
    const runs = [
      startCli([file, '--backend', 'tfjs', '--out', out]),
      startCli([file, '--backend', 'tfjs', '--out', out]),
    ];
    const ends = await Promise.all(runs.map((r) => r.exited));
    ends.forEach((end, i) => assert.equal(end.code, 0, runs[i]!.stderr()));
    const [a, b] = runs.map((r) => runDirOf(r.events));
    assert.notEqual(a, b, 'two runs, two folders');
    for (const [i, runDir] of [a!, b!].entries()) {
      assert.match(runDir, /\/\d{8}-\d{6}-\d+$/, 'a taken name gets a numeric suffix');
      const events = fileEvents(runDir);
      assert.deepEqual(events, runs[i]!.events, 'the folder holds exactly the events its own CLI streamed');
      assert.equal(ofType(events, 'started').length, 1);
      assert.equal(ofType(events, 'finished').length, 1);
      assert.equal(historyRows(runDir).length, ofType(events, 'epoch').length);
      assert.ok(existsSync(join(runDir, 'model.json')) && existsSync(join(runDir, 'weights.bin')));
    }
    for (const d of taken) assert.deepEqual(readdirSync(d), ['keep.txt'], `${d} is left as it was`);
  });
});

describe('signals to `modelspec train`', () => {
  /** Signals once the first epoch is recorded; checks the run stopped, saved and kept its epochs. */
  async function stopsAndSaves(
    engine: string,
    signal: NodeJS.Signals,
    target: 'cli' | 'group',
    modelName: string,
    reason: RegExp,
  ) {
    const dir = mkdtempSync(join(work, `${engine}-${signal}-`));
    const run = startCli([
      modelFile(dir, 200, engine === 'torch' ? 64 : 16),
      '--backend',
      engine,
      '--out',
      join(dir, 'runs'),
    ]);
    await run.until((e) => ofType(e, 'epoch').length >= 1);
    process.kill(target === 'cli' ? run.child.pid! : -run.child.pid!, signal);
    const end = await run.exited;
    assert.equal(end.code, 0, run.stderr());
    const runDir = runDirOf(run.events);
    const events = fileEvents(runDir);
    const last = events[events.length - 1]!;
    assert.equal(last.type, 'stopped', 'events.jsonl ends with a stopped event');
    assert.ok(last.type === 'stopped');
    assert.match(last.reason, reason);
    assert.ok(last.epoch < 200, 'stopped long before the end');
    assert.ok(existsSync(join(runDir, modelName)), `${modelName} saved`);
    assert.ok(
      existsSync(join(runDir, 'model.json')) && existsSync(join(runDir, 'weights.bin')),
      'the TF.js model saved',
    );
    assert.equal(historyRows(runDir).length, ofType(events, 'epoch').length, 'history.csv holds every recorded epoch');
    assert.ok(historyRows(runDir).length >= 1);
    assert.match(readFileSync(join(runDir, 'summary.txt'), 'utf8'), /Stopped at epoch/);
  }

  it('SIGTERM to the CLI stops the TF.js engine after the batch; it saves and records `stopped`', () =>
    stopsAndSaves('tfjs', 'SIGTERM', 'cli', 'model.json', /SIGTERM/));
  it('SIGHUP to the CLI and its engine (a closing terminal) stops the TF.js engine the same way', () =>
    stopsAndSaves('tfjs', 'SIGHUP', 'group', 'model.json', /SIGHUP/));
  it(
    'SIGTERM to the CLI and its engine (`timeout`, a job scheduler) stops the PyTorch engine the same way',
    { skip: torchSkip },
    () => stopsAndSaves('torch', 'SIGTERM', 'group', 'model.pt', /SIGTERM/),
  );
  it('SIGHUP to the CLI stops the PyTorch engine the same way', { skip: torchSkip }, () =>
    stopsAndSaves('torch', 'SIGHUP', 'cli', 'model.pt', /SIGHUP/),
  );

  for (const engine of ['tfjs', 'torch']) {
    it(
      `the ${engine} engine stops and saves when the CLI is killed (its stdin closes)`,
      { skip: engine === 'torch' ? torchSkip : false },
      async () => {
        const dir = mkdtempSync(join(work, `${engine}-orphan-`));
        const run = startCli([
          modelFile(dir, 200, engine === 'torch' ? 64 : 16),
          '--backend',
          engine,
          '--out',
          join(dir, 'runs'),
        ]);
        await run.until((e) => ofType(e, 'epoch').length >= 1);
        const runDir = runDirOf(run.events);
        process.kill(run.child.pid!, 'SIGKILL');
        await run.exited;
        // The engine is left alone: it notices, finishes the batch, saves and records `stopped`.
        const deadline = Date.now() + 60_000;
        let events = fileEvents(runDir);
        while (events[events.length - 1]?.type !== 'stopped' && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          events = fileEvents(runDir);
        }
        const last = events[events.length - 1]!;
        assert.ok(last.type === 'stopped', `the engine recorded stopped, not ${last.type}`);
        assert.match(last.reason, /process that started the run ended/);
        assert.ok(existsSync(join(runDir, 'model.json')) && existsSync(join(runDir, 'weights.bin')));
      },
    );
  }

  it('after SIGKILL of the CLI and its engine, history.csv holds every epoch of events.jsonl and `evaluate` says the run was killed', async () => {
    const dir = mkdtempSync(join(work, 'killed-'));
    const run = startCli([modelFile(dir, 200, 16), '--backend', 'tfjs', '--out', join(dir, 'runs')]);
    // Mid-epoch, well away from the next epoch event.
    await run.until(
      (e) =>
        ofType(e, 'epoch').length >= 2 && ofType(e, 'batch').some((b) => b.epoch === 3 && b.batch >= b.batches / 4),
    );
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;
    const runDir = runDirOf(run.events);
    const events = fileEvents(runDir);
    assert.ok(
      !events.some((e) => e.type === 'finished' || e.type === 'stopped' || e.type === 'failed'),
      'no final event after SIGKILL',
    );
    const epochs = ofType(events, 'epoch');
    assert.ok(epochs.length >= 2);
    assert.equal(historyRows(runDir).length, epochs.length, 'history.csv holds every epoch events.jsonl holds');
    const r = runSync(['evaluate', runDir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the run was killed before it saved a model: its events\.jsonl has no final event/);
    assert.match(r.stderr, new RegExp(`records ${epochs.length} of 200 epochs`));
    noStackTrace(r.stderr);
  });

  it('`evaluate` of a killed run rebuilds a missing or stale history.csv from events.jsonl', async () => {
    const dir = mkdtempSync(join(work, 'killed-stale-'));
    const run = startCli([modelFile(dir, 200, 16), '--backend', 'tfjs', '--out', join(dir, 'runs')]);
    await run.until((e) => ofType(e, 'epoch').length >= 2);
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;
    const runDir = runDirOf(run.events);
    // As if the launcher died before it saw the last epochs: history.csv lags or is gone.
    rmSync(join(runDir, 'history.csv'));
    runSync(['evaluate', runDir]);
    assert.equal(historyRows(runDir).length, ofType(fileEvents(runDir), 'epoch').length);
  });
});

const mountTmpfs = (size: string, readOnly = false) => mountTmpfsIn(work, size, readOnly);

describe('read-only and full disks', () => {
  it(
    'a read-only --out names the folder and says it is read-only (not ENOENT), in one line',
    { skip: mountSkip },
    () => {
      const mnt = mountTmpfs('64k', true)!;
      try {
        const dir = mkdtempSync(join(work, 'ro-'));
        const r = runSync(['train', modelFile(dir, 1, 64), '--backend', 'tfjs', '--out', join(mnt, 'runs')]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, new RegExp(`cannot create ${join(mnt, 'runs')}: ${mnt} is on a read-only file system`));
        assert.doesNotMatch(r.stderr, /ENOENT/);
        noStackTrace(r.stderr);
      } finally {
        unmount(mnt);
      }
    },
  );

  it(
    'a run folder made read-only mid-run ends the run with the path and cause, no stack trace',
    { skip: mountSkip },
    async () => {
      const mnt = mountTmpfs('4m')!;
      try {
        const dir = mkdtempSync(join(work, 'ro-mid-'));
        const run = startCli([modelFile(dir, 200, 16), '--backend', 'tfjs', '--out', mnt]);
        await run.until((e) => ofType(e, 'epoch').length >= 1);
        // A remount fails (EBUSY) while a file is open for writing: the engine opens events.jsonl
        // only for each line, so a retry finds a moment between lines.
        for (let i = 0; ; i++) {
          if (spawnSync('mount', ['-o', 'remount,ro', mnt]).status === 0) break;
          assert.ok(i < 50, 'could not remount the run folder read-only');
          await new Promise((r) => setTimeout(r, 20));
        }
        const end = await run.exited;
        assert.equal(end.code, 1);
        const failed = ofType(run.events, 'failed')[0];
        assert.ok(failed, `a failed event:\n${run.stderr()}`);
        assert.match(failed.message, /cannot write .*(events\.jsonl|history\.csv).*is on a read-only file system/);
        noStackTrace(run.stderr());
        const runDir = runDirOf(run.events);
        fileEvents(runDir); // whole lines only
        assert.equal(historyRows(runDir).length, ofType(fileEvents(runDir), 'epoch').length);
      } finally {
        unmount(mnt);
      }
    },
  );

  for (const engine of ['tfjs', 'torch']) {
    it(
      `${engine}: a disk too full for the model says how much space is left; no truncated model file, no abort`,
      { skip: mountSkip || (engine === 'torch' ? torchSkip : false) },
      () => {
        // Room for spec.json and the events, not for the 51 KB weights.
        const mnt = mountTmpfs('48k')!;
        try {
          const dir = mkdtempSync(join(work, `full-${engine}-`));
          const r = runSync(['train', modelFile(dir, 1, 64), '--backend', engine, '--out', mnt]);
          assert.equal(r.status, 1, r.stderr);
          noStackTrace(r.stderr);
          assert.doesNotMatch(r.stderr, /SIGABRT|core dumped|killed by/);
          // The run's outcome (Failed: …) is printed once, on stderr with the run folder.
          assert.match(
            r.stderr,
            new RegExp(
              `^Failed: cannot write ${mnt}/tiny/[^ ]+/(weights\\.bin|model\\.pt|model\\.json): no space left on ${mnt}/tiny/[^ :]+: [\\d,]+ bytes free`,
              'm',
            ),
          );
          const runDir = readdirSync(join(mnt, 'tiny')).map((d) => join(mnt, 'tiny', d))[0]!;
          const events = fileEvents(runDir);
          assert.ok(events.some((e) => e.type === 'epoch'));
          const files = readdirSync(runDir);
          assert.deepEqual(
            files.filter((f) => f.endsWith('.tmp')),
            [],
            'no temporary files left behind',
          );
          // weights.bin (and model.json) are either absent or whole: 12,730 float32 weights.
          if (files.includes('weights.bin'))
            assert.equal(readFileSync(join(runDir, 'weights.bin')).byteLength, 12_730 * 4);
          assert.ok(!files.includes('model.json') || files.includes('weights.bin'));
          if (files.includes('history.csv'))
            assert.equal(historyRows(runDir).length, ofType(events, 'epoch').length, 'history.csv whole');
        } finally {
          unmount(mnt);
        }
      },
    );

    it(
      `${engine}: a disk that fills while events are written leaves only whole lines in events.jsonl`,
      { skip: mountSkip || (engine === 'torch' ? torchSkip : false) },
      async () => {
        // Four pages: spec.json takes two (it keeps the model's summary table), engine.pid one,
        // events.jsonl fills the fourth within the first epoch.
        const mnt = mountTmpfs('16k')!;
        try {
          const dir = mkdtempSync(join(work, `full-events-${engine}-`));
          const run = startCli([modelFile(dir, 20, 16), '--backend', engine, '--out', mnt]);
          const end = await run.exited;
          assert.equal(end.code, 1);
          noStackTrace(run.stderr());
          const failed = ofType(run.events, 'failed')[0];
          assert.ok(failed, `a failed event:\n${run.stderr()}`);
          assert.match(
            failed.message,
            new RegExp(
              `cannot write ${mnt}/tiny/[^ ]+/events\\.jsonl: no space left on ${mnt}/tiny/[^ :]+: [\\d,]+ bytes free`,
            ),
          );
          const events = fileEvents(runDirOf(run.events)); // throws on a torn line
          assert.ok(events.length >= 1);
        } finally {
          unmount(mnt);
        }
      },
    );
  }
});
