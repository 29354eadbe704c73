// The run session (training/run-session.ts), in process as the extension drives it:
// a run that cannot start leaves no cache lock behind in the long-lived extension host.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import '../../scripts/build-digits.mjs'; // makes sure dist/data/digits.bin exists
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import { startRunSession } from '../../training/run-session';

const TEXT =
  "model tiny {\n    Input(shape=(28, 28, 1))\n    Flatten()\n    Dense(10, activation='softmax')\n}\ncompile { loss: 'categorical_crossentropy' }\ndata { train: digits }\n";

test('a run folder that cannot be made fails the start with its path, and the prepared data are unlocked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-session-'));
  const cacheDir = join(dir, 'cache');
  writeFileSync(join(dir, 'not-a-folder'), '');
  const { plan, blocker } = planTraining(analyze(TEXT, { baseDir: dir }), join(dir, 'm.model'));
  assert.ok(plan, blocker);
  await assert.rejects(
    startRunSession(plan, { cacheDir, runsDir: join(dir, 'not-a-folder', 'runs'), backend: 'tfjs' }),
    (e: Error) => e.message.includes(join(dir, 'not-a-folder')),
  );
  const locks = join(cacheDir, 'prepared-locks');
  assert.deepEqual(existsSync(locks) ? readdirSync(locks) : [], [], 'no lock is held for a run that never started');
});
