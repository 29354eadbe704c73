// Sample predictions carry their images whenever the data source holds images, whatever shape
// the model reads: Keras's mnist_mlp (examples/digits.model) reads the digits as Input(shape=(784,)),
// and the panel still shows each sample as a 28×28 picture. `modelspec train` as a process, each engine.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { findTorch } from '../../training/engines/detect';
import type { RunEvent } from '../../training/protocol';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torch = (await findTorch()).probe;

function shortDigits(dir: string): string {
  const text = readFileSync('examples/digits.model', 'utf8');
  assert.match(text, /Input\(shape=\(784,\)\)/, 'the example reads the digits flattened');
  const file = join(dir, 'digits.model');
  writeFileSync(file, text.replace(/epochs:\s*\d+/, 'epochs: 1').replace(/Dense\(512/g, 'Dense(32'));
  return file;
}

function samplesOf(engine: string): NonNullable<Extract<RunEvent, { type: 'evaluated' }>['samples']> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), `modelspec-samples-${engine}-`));
  // A fresh cache: the prepared digits are written by this version.
  const r = spawnSync(
    process.execPath,
    [CLI, 'train', shortDigits(dir), '--backend', engine, '--out', join(dir, 'runs'), '--json'],
    {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, MODELSPEC_CACHE: join(dir, 'cache') },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
  const evaluated = events.find((e) => e.type === 'evaluated');
  assert.ok(evaluated?.type === 'evaluated' && evaluated.samples?.length, 'sample predictions');
  return evaluated.samples;
}

function checkImages(samples: ReturnType<typeof samplesOf>): void {
  for (const s of samples) {
    assert.ok(s.image, `sample ${s.index} has an image`);
    const png = PNG.sync.read(Buffer.from(s.image, 'base64'));
    assert.deepEqual([png.width, png.height], [28, 28], `sample ${s.index} is a 28×28 digit`);
  }
}

describe('sample predictions of a model that reads images flattened', () => {
  it('TensorFlow.js draws each sample as its 28×28 image', { timeout: 300_000 }, () => checkImages(samplesOf('tfjs')));
  it(
    'PyTorch draws each sample as its 28×28 image',
    { skip: torch ? false : 'no Python interpreter with torch here', timeout: 300_000 },
    () => checkImages(samplesOf('torch')),
  );
});
