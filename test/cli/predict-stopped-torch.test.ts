// A torch-engine run stopped with Ctrl+C (SIGINT to `modelspec train`) mid-epoch still gets its
// model.onnx, as a finished run does: `modelspec predict` runs it through ONNX Runtime with TF.js's
// probabilities on the run's model.json, and `modelspec export RUN --to onnx` writes it again.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { CLI, PredictCli, writeDigitPng } from '../helpers/predict-cli';
import { findTorch } from '../../training/engines/detect';
import { readDigits } from '../../training/data/digits';

const noTorch = (await findTorch()).probe
  ? false
  : 'no Python interpreter with torch here (apt-get install python3-torch)';

const LONG_MODEL = `model digits_long {
  Input(shape=(784,))
  Dense(32, activation='relu')
  Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }
data { train: digits }
fit { epochs: 200  batch_size: 4 }
`;

let work: string;
let cli: PredictCli;

before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-predict-stopped-'));
  cli = new PredictCli(work);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Starts `modelspec train --json`, sends Ctrl+C after the first batches, and waits for it to end. */
async function trainAndStop(): Promise<{ runDir: string; events: { type: string }[] }> {
  writeFileSync(join(work, 'long.model'), LONG_MODEL);
  const child = spawn(process.execPath, [CLI, 'train', 'long.model', '--backend', 'torch', '--out', 'runs', '--json'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MODELSPEC_CACHE: join(work, 'cache') },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('"type":"batch"')) resolve();
    });
    void exited.then(() => reject(new Error(`the CLI ended before a batch:\n${stdout}\n${stderr}`)));
  });
  child.kill('SIGINT');
  assert.equal(await exited, 0, stderr);
  const events = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; runDir?: string });
  return { runDir: events.find((e) => e.type === 'started')!.runDir!, events };
}

describe('a stopped torch-engine run', { skip: noTorch }, () => {
  it("has model.onnx, which predict runs with TF.js's probabilities, and export --to onnx writes it again", async () => {
    const { runDir, events } = await trainAndStop();
    const final = events.at(-1) as { type: string; epoch?: number };
    assert.equal(final.type, 'stopped', 'Ctrl+C stops the run');
    assert.equal(events.filter((e) => e.type === 'epoch').length, 0, 'inside the first epoch');
    const onnx = join(runDir, 'model.onnx');
    assert.ok(existsSync(onnx), 'the stopped run wrote model.onnx');
    assert.doesNotMatch(readFileSync(join(runDir, 'events.jsonl'), 'utf8'), /ONNX export skipped/);

    const digits = await readDigits('test');
    const files = Array.from({ length: 4 }, (_, n) => writeDigitPng(digits.x, n, join(work, `d${n}.png`)));
    const viaOnnx = cli.predictJson([runDir, ...files, '--top', '10']);
    const viaTfjs = cli.predictJson([runDir, ...files, '--top', '10', '--engine', 'tfjs']);
    assert.equal(viaOnnx.engine, 'onnx');
    const agree = (a: typeof viaOnnx, b: typeof viaOnnx) =>
      a.predictions.forEach((p, n) => {
        const byClass = new Map(b.predictions[n]!.top!.map((c) => [c.class, c.probability]));
        for (const c of p.top!)
          assert.ok(Math.abs(c.probability - byClass.get(c.class)!) < 1e-4, `${p.input} ${c.class}`);
      });
    agree(viaOnnx, viaTfjs);

    // `modelspec export RUN --to onnx` on the stopped run: a new file, the same predictions.
    rmSync(onnx);
    const r = cli.run(['export', runDir, '--to', 'onnx']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(statSync(onnx).size > 0);
    const again = cli.predictJson([runDir, ...files, '--top', '10']);
    assert.equal(again.engine, 'onnx');
    agree(again, viaTfjs);
  });
});
