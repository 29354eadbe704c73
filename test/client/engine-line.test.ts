import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineLine } from '../../client/src/progress/engine-line';
import type { RunEvent } from '../../training/protocol';

type Started = Extract<RunEvent, { type: 'started' }>;
const started = (engine: 'torch' | 'tfjs', backend: string, device: string, reason: string): Started => ({
  type: 'started',
  time: '',
  engine,
  backend,
  device,
  reason,
  params: { total: 101770, trainable: 101770, nonTrainable: 0 },
  samples: { train: 48000, validation: 12000, test: 10000 },
  epochs: 5,
  batchSize: 128,
  stepsPerEpoch: 375,
  runDir: '/r',
  model: 'digits_mlp',
});

test('the engine choice is one line that says each thing once', () => {
  const launcher = 'auto: no GPU; PyTorch is the fastest CPU engine here';
  const e = started('torch', 'cpu', 'CPU (2 threads)', `${launcher}; auto: no GPU found, using the CPU`);
  const line = engineLine(e, launcher);
  assert.equal(
    line,
    'Engine: torch on CPU (2 threads), auto: no GPU; PyTorch is the fastest CPU engine here · 101,770 parameters · 48,000 training samples',
  );
  assert.equal(line.match(/no GPU/g)?.length, 1);
  assert.doesNotMatch(line, /\(cpu\)/);
});

test('a backend the device does not name is kept; without the launcher the engine says why', () => {
  const e = started('tfjs', 'wasm', 'CPU (2 threads, SIMD)', "backend 'tfjs' asked for TensorFlow.js");
  assert.equal(
    engineLine(e),
    "Engine: tfjs (wasm) on CPU (2 threads, SIMD), backend 'tfjs' asked for TensorFlow.js · 101,770 parameters · 48,000 training samples",
  );
});
