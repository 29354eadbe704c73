// backend 'auto' by measurement, for real: both engines present here (TensorFlow.js, and PyTorch
// through /usr/bin/python3) train the digits MLP of examples/digits.model for a moment; the
// faster one is chosen, the reason shows both numbers, the numbers are cached per model
// signature, a probe that measures nothing falls back to the fixed order saying why, and an
// aborted probe ends its engine process.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import '../../scripts/build-digits.mjs'; // makes sure dist/data/digits.bin exists
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import { releasePrepared } from '../../training/data/cache-lock';
import { chooseEngine, tfjsNativeAvailable } from '../../training/engines/detect';
import { throughputCachePath, type CachedMeasurement } from '../../training/engines/throughput-cache';
import { buildRunSpec } from '../../training/run-spec';

const EXAMPLE = resolve('examples/digits.model');

async function digitsSpec(dir: string) {
  const { plan, blocker } = planTraining(
    analyze(readFileSync(EXAMPLE, 'utf8'), { baseDir: resolve('examples') }),
    EXAMPLE,
  );
  assert.ok(plan, blocker);
  return buildRunSpec(plan, { cacheDir: join(dir, 'cache'), runsDir: join(dir, 'runs') });
}

test('auto measures torch and tfjs on the digits MLP, takes the faster, and the next choice reads the cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-probe-test-'));
  const spec = await digitsSpec(dir);
  const cacheDir = join(dir, 'cache');
  const messages: string[] = [];
  try {
    const t0 = performance.now();
    const choice = await chooseEngine('auto', '/usr/bin/python3', {
      spec,
      cacheDir,
      onProgress: (m) => messages.push(m),
    });
    const probeSeconds = (performance.now() - t0) / 1000;
    const file = JSON.parse(readFileSync(throughputCachePath(cacheDir), 'utf8')) as { entries: CachedMeasurement[] };
    assert.equal(file.entries.length, 1);
    const [torch, tfjs] = file.entries[0]!.results;
    assert.equal(torch?.engine, 'torch');
    assert.equal(tfjs?.engine, 'tfjs');
    assert.ok(torch!.samplesPerSec! > 0 && tfjs!.samplesPerSec! > 0, JSON.stringify(file.entries[0]));
    const faster = torch!.samplesPerSec! > tfjs!.samplesPerSec! ? 'torch' : 'tfjs';
    assert.equal(choice.engine, faster);
    const n = (v: number) => Math.round(v).toLocaleString('en-US');
    assert.equal(
      choice.reason,
      `auto: torch cpu ${n(torch!.samplesPerSec!)} samples/s, tfjs wasm ${n(tfjs!.samplesPerSec!)}: ${faster}`,
    );
    assert.match(messages.join('\n'), /Measuring torch \(cpu\) and tfjs \(wasm\) on this model/);
    console.log(`probe of both engines: ${probeSeconds.toFixed(1)} s; ${choice.reason}`);

    // The same model again: from the cache, no engine started, the age said.
    const t1 = performance.now();
    const again = await chooseEngine('auto', '/usr/bin/python3', {
      spec,
      cacheDir,
      onProgress: (m) => messages.push(m),
    });
    assert.equal(again.engine, faster);
    assert.match(again.reason, /\(measured (just now|\d+ min ago)\): /);
    assert.equal(messages.filter((m) => m.startsWith('Measuring')).length, 1, 'measured once');
    assert.ok(performance.now() - t1 < 5000);
  } finally {
    releasePrepared(spec.data);
  }
});

test('a probe that measures nothing falls back to the fixed order and says why; a cancelled probe rejects at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-probe-test-'));
  const spec = await digitsSpec(dir);
  try {
    const choice = await chooseEngine('auto', '/usr/bin/python3', {
      spec,
      cacheDir: join(dir, 'cache'),
      timing: { capMs: 1 },
    });
    assert.equal(choice.engine, 'torch');
    assert.match(
      choice.reason,
      /^auto: no GPU; PyTorch \S+ is the fastest CPU engine here \(measuring the engines failed: torch cpu: did not train two batches within 0\.001 s; tfjs wasm: did not train two batches within 0\.001 s\)$/,
    );

    const abort = new AbortController();
    const t0 = performance.now();
    setTimeout(() => abort.abort(), 300);
    await assert.rejects(
      chooseEngine('auto', '/usr/bin/python3', {
        spec,
        cacheDir: join(dir, 'cache2'),
        timing: { signal: abort.signal },
      }),
      (e: Error) => e.name === 'AbortError',
    );
    assert.ok(performance.now() - t0 < 3000, 'the abort ends the probe without waiting for the engine');
  } finally {
    releasePrepared(spec.data);
  }
});

test(
  'auto takes a CUDA GPU without measuring it against TensorFlow.js on WebAssembly',
  { skip: tfjsNativeAvailable() ? 'the native TensorFlow binding is installed: it is measured' : false },
  async () => {
    // An interpreter whose probe reports a CUDA GPU (this machine has none): before, auto started
    // both engines to measure them, about 15 s on a GPU machine before each new model's first run.
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-probe-test-'));
    const python = join(dir, 'python-with-gpu');
    const probe = {
      executable: python,
      torch: '2.11.0',
      cuda: true,
      cudaDevice: 'Test GPU',
      cudaCount: 1,
      mps: false,
      threads: 2,
    };
    writeFileSync(
      python,
      `#!/bin/sh\ncase "$*" in *--probe*) echo '${JSON.stringify(probe)}'; exit 0;; esac\nexit 1\n`,
      {
        mode: 0o755,
      },
    );
    const spec = await digitsSpec(dir);
    const messages: string[] = [];
    try {
      const choice = await chooseEngine('auto', python, {
        spec,
        cacheDir: join(dir, 'cache'),
        onProgress: (m) => messages.push(m),
      });
      assert.deepEqual(choice, {
        engine: 'torch',
        python,
        reason: 'auto: CUDA GPU found (Test GPU); TensorFlow.js here runs on WebAssembly: not measured',
      });
      assert.deepEqual(messages, [], 'no measurement was announced');
      assert.ok(!existsSync(throughputCachePath(join(dir, 'cache'))), 'nothing was measured');
    } finally {
      releasePrepared(spec.data);
    }
  },
);
