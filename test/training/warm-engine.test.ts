// Warm engines (training/warm-engine.ts) through the run session, as the editor drives it: a run
// with keepWarm leaves a loaded engine behind; the next run of the same engine is taken by it
// (session.warm), gets the same results from the same seed (its own state), and reaches its
// first point sooner; a warm engine that died is not used (the run starts cold and trains).
// Prints the time from the start of the session to the first batch event, cold and warm.
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import '../../scripts/build-digits.mjs'; // makes sure dist/data/digits.bin exists
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import type { RunEvent } from '../../training/protocol';
import { startRunSession, type RunSession } from '../../training/run-session';
import { disposeWarmEngines, warmEnginePid, warmEngineReady } from '../../training/warm-engine';
import { ensureBuilt } from '../helpers/build';
import { SKIP as NO_TORCH } from './torch/helpers';

const TEXT = `model tiny {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(32, activation='relu')
    Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy', optimizer: Adam(), metrics: ['accuracy'] }
data { train: digits, validation_split: 0.1 }
fit { epochs: 1, batch_size: 64, seed: 7 }
`;

async function timedRun(
  dir: string,
  backend: string,
): Promise<{ session: RunSession; firstPointMs: number; first: Extract<RunEvent, { type: 'batch' }> }> {
  const { plan, blocker } = planTraining(analyze(TEXT, { baseDir: dir }), join(dir, 'tiny.model'));
  assert.ok(plan, blocker);
  const t0 = performance.now();
  const session = await startRunSession(plan, {
    backend,
    python: '/usr/bin/python3',
    cacheDir: join(dir, 'cache'),
    runsDir: join(dir, 'runs'),
    keepWarm: true,
  });
  const first = await new Promise<Extract<RunEvent, { type: 'batch' }>>((resolve, reject) => {
    const seen = session.events.find((e) => e.type === 'batch');
    if (seen && seen.type === 'batch') return resolve(seen);
    const off = session.subscribe((e) => {
      if (e.type === 'batch') {
        off();
        resolve(e);
      }
    });
    void session.done.then((e) => reject(new Error(`the run ended before a batch: ${JSON.stringify(e)}`)));
  });
  const firstPointMs = performance.now() - t0;
  const final = await session.done;
  assert.equal(final.type, 'finished', JSON.stringify(final));
  return { session, firstPointMs, first };
}

describe('warm engines: the next run is taken by an engine already loaded', () => {
  // A warm engine does not keep a process alive (warm-engine.ts); this test waits on one.
  const keepAlive = setInterval(() => undefined, 1000);
  after(() => {
    clearInterval(keepAlive);
    disposeWarmEngines();
  });
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-warm-'));
  ensureBuilt();

  for (const engine of ['tfjs', 'torch'] as const) {
    it(
      `${engine}: cold, then warm (same results from the same seed), then cold again after the warm engine died`,
      {
        skip: engine === 'torch' ? NO_TORCH : false,
      },
      async () => {
        const choice = engine === 'torch' ? { engine, python: '/usr/bin/python3', reason: '' } : { engine, reason: '' };
        const cold = await timedRun(dir, engine);
        assert.equal(cold.session.warm, false, 'the first run starts its engine');
        // keepWarm started the next engine once the run ended; wait until it is loaded, as a user reading the curves would.
        assert.equal(await warmEngineReady(choice), true, 'a warm engine is loaded after the run');
        const warm = await timedRun(dir, engine);
        assert.equal(warm.session.warm, true, 'the second run is taken by the warm engine');
        assert.equal(
          warm.first.loss,
          cold.first.loss,
          'same seed, same first batch: the warm run starts from fresh state',
        );

        // A warm engine that died is passed over: the run starts cold and still trains.
        assert.equal(await warmEngineReady(choice), true);
        const pid = warmEnginePid(choice)!;
        process.kill(pid, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        const fallback = await timedRun(dir, engine);
        assert.equal(fallback.session.warm, false, 'a dead warm engine is not used');
        assert.equal(fallback.first.loss, cold.first.loss);
        // Taken at once, while it is still loading (the editor's next Train can come that soon):
        // the run waits for it rather than losing its spec.
        const early = await timedRun(dir, engine);
        assert.equal(early.session.warm, true, 'a warm engine still loading is taken');
        assert.equal(early.first.loss, cold.first.loss);
        // The first cold run also prepared the data; the fallback run is cold with the data prepared.
        const ms = (t: number) => `${Math.round(t)} ms`;
        console.log(
          `${engine}: session start → first point: cold ${ms(fallback.firstPointMs)} (first run, preparing data: ` +
            `${ms(cold.firstPointMs)}), warm ${ms(warm.firstPointMs)}; warm/cold ${(warm.firstPointMs / fallback.firstPointMs).toFixed(2)}`,
        );
      },
    );
  }
});
