// backend 'auto' by measurement, the parts that need no engine: the throughput cache (a hit, a
// stale entry, a changed signature), the meter that reads a rate from batch events, and the
// reason the run shows. The real probe of both engines is engine-probe.test.ts.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fastest, measuredReason } from '../../training/engines/measured-choice';
import {
  lookupThroughput,
  storeThroughput,
  throughputCachePath,
  throughputSignature,
  type SignatureParts,
} from '../../training/engines/throughput-cache';
import { ThroughputMeter } from '../../training/engines/throughput-probe';
import type { RunEvent } from '../../training/protocol';

const parts: SignatureParts = {
  model: {
    class_name: 'Sequential',
    config: { name: 'a', layers: [{ class_name: 'Dense', config: { units: 10 } }] },
  } as SignatureParts['model'],
  optimizer: 'Adam',
  loss: 'categorical_crossentropy',
  batchSize: 32,
  augment: null,
  engines: ['torch 1.13.1 cpu /usr/bin/python3', 'tfjs 4.22.0 wasm'],
  machine: 'Some CPU x2',
};

test('the signature changes with the layers, batch size, engines and machine, not with the model name or engine order', () => {
  const base = throughputSignature(parts);
  assert.equal(
    throughputSignature({ ...parts, model: { ...parts.model, config: { ...parts.model.config, name: 'b' } } }),
    base,
  );
  assert.equal(throughputSignature({ ...parts, engines: [...parts.engines].reverse() }), base);
  const changed: Partial<SignatureParts>[] = [
    { batchSize: 64 },
    { optimizer: 'SGD' },
    { engines: ['torch 2.1.0 cpu /usr/bin/python3', 'tfjs 4.22.0 wasm'] },
    { machine: 'Some CPU x4' },
    { augment: { rotation_range: 10 } },
    {
      model: {
        class_name: 'Sequential',
        config: { name: 'a', layers: [{ class_name: 'Dense', config: { units: 11 } }] },
      } as SignatureParts['model'],
    },
  ];
  for (const c of changed) assert.notEqual(throughputSignature({ ...parts, ...c }), base, JSON.stringify(c));
});

test('the cache: a miss, a hit with its age, a stale entry past the maximum age, and another signature missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-throughput-'));
  const sig = throughputSignature(parts);
  assert.equal(lookupThroughput(dir, sig).state, 'miss');
  const t0 = 1_000_000_000_000;
  const results = [
    { engine: 'torch' as const, device: 'cpu', samplesPerSec: 1946 },
    { engine: 'tfjs' as const, device: 'wasm', samplesPerSec: 401 },
  ];
  storeThroughput(join(dir, 'made'), { signature: sig, measuredAt: t0, results }); // the folder is made
  const hit = lookupThroughput(join(dir, 'made'), sig, t0 + 3_600_000, 7_200_000);
  assert.equal(hit.state, 'hit');
  assert.ok(hit.state === 'hit' && hit.ageMs === 3_600_000 && hit.entry.results[0]!.samplesPerSec === 1946);
  assert.equal(lookupThroughput(join(dir, 'made'), sig, t0 + 7_200_001, 7_200_000).state, 'stale');
  assert.equal(lookupThroughput(join(dir, 'made'), sig, t0 - 3_600_000, 7_200_000).state, 'stale', 'from the future');
  assert.equal(lookupThroughput(join(dir, 'made'), throughputSignature({ ...parts, batchSize: 64 }), t0).state, 'miss');
  // A re-measurement replaces the entry; other signatures' entries stay.
  const other = throughputSignature({ ...parts, batchSize: 64 });
  storeThroughput(join(dir, 'made'), { signature: other, measuredAt: t0 + 1, results });
  storeThroughput(join(dir, 'made'), { signature: sig, measuredAt: t0 + 2, results: results.slice(1) });
  const file = JSON.parse(readFileSync(throughputCachePath(join(dir, 'made')), 'utf8')) as {
    entries: { signature: string; results: unknown[] }[];
  };
  assert.deepEqual(
    file.entries.map((e) => [e.signature, e.results.length]),
    [
      [sig, 1],
      [other, 2],
    ],
  );
});

test('a corrupt cache file is a miss, and the next measurement rewrites it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-throughput-'));
  writeFileSync(throughputCachePath(dir), '{"entries": [tru');
  const sig = throughputSignature(parts);
  assert.equal(lookupThroughput(dir, sig).state, 'miss');
  storeThroughput(dir, { signature: sig, measuredAt: Date.now(), results: [] });
  assert.equal(lookupThroughput(dir, sig).state, 'hit');
});

test('the reason shows each engine’s numbers and the winner, and why an engine has none', () => {
  const results = [
    { engine: 'torch' as const, device: 'cpu', samplesPerSec: 1946.4 },
    { engine: 'tfjs' as const, device: 'wasm', samplesPerSec: 401.2 },
  ];
  const winner = fastest(results)!;
  assert.equal(winner.engine, 'torch');
  assert.equal(measuredReason(results, winner), 'auto: torch cpu 1,946 samples/s, tfjs wasm 401: torch');
  assert.equal(
    measuredReason(results, winner, 3 * 3600_000),
    'auto: torch cpu 1,946 samples/s, tfjs wasm 401 (measured 3 h ago): torch',
  );
  const failed = [
    { engine: 'torch' as const, device: 'cpu', problem: 'did not train two batches within 15 s' },
    { engine: 'tfjs' as const, device: 'wasm', samplesPerSec: 90 },
  ];
  assert.equal(fastest(failed)!.engine, 'tfjs');
  assert.equal(
    measuredReason(failed, fastest(failed)!),
    'auto: torch cpu not measured (did not train two batches within 15 s), tfjs wasm 90: tfjs',
  );
  assert.equal(fastest([failed[0]!]), undefined);
});

test('the meter counts samples across epochs from the first batch event on, leaving the first batch out', () => {
  const meter = new ThroughputMeter();
  const started = {
    type: 'started',
    samples: { train: 1000, validation: 0, test: 0 },
    batchSize: 100,
  } as RunEvent;
  const batch = (epoch: number, b: number, time: number) =>
    ({ type: 'batch', epoch, batch: b, batches: 10, loss: 1, metrics: {}, samplesPerSec: 0, time }) as RunEvent;
  meter.add(started);
  meter.add(batch(1, 1, 5)); // after startup: the reference point
  assert.equal(meter.samplesPerSec, undefined);
  meter.add(batch(1, 6, 5.5));
  assert.equal(meter.samplesPerSec, 1000);
  meter.add(batch(1, 10, 6)); // end of epoch 1: 1000 samples
  meter.add(batch(2, 3, 6.5)); // 1300 samples
  assert.equal(meter.seconds, 1.5);
  assert.equal(meter.samplesPerSec, 1200 / 1.5);
});
