// TensorBoard event files in run folders, read by an independent reader: TensorBoard's own
// event.proto / summary.proto (test/fixtures/tensorboard/proto) compiled by protoc here, and a
// Python script that checks every record's CRC32C with its own CRC and parses every Event.
// Every value must equal history.csv (float32, as tf.summary.scalar stores it) and events.jsonl.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { compileTensorBoardProtos } from '../helpers/tensorboard-protos';
import { findTorch } from '../../training/engines/detect';
import type { RunEvent, RunSpec } from '../../training/protocol';
import { maskedCrc32c, tfRecord } from '../../training/tensorboard';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const PYTHON = '/usr/bin/python3';
const READER = join(process.cwd(), 'test', 'fixtures', 'tensorboard', 'read_events.py');

/** Why the independent reader cannot run here, or undefined when it can. */
function readerMissing(): string | undefined {
  if (spawnSync('protoc', ['--version']).status !== 0) return 'no protoc here (apt-get install protobuf-compiler)';
  if (spawnSync(PYTHON, ['-c', 'import google.protobuf']).status !== 0)
    return `no protobuf module for ${PYTHON} (apt-get install python3-protobuf)`;
  return undefined;
}
const noReader = readerMissing();
const torchProbe = (await findTorch()).probe;

interface TbValue {
  tag: string;
  plugin: string;
  value?: number;
  string?: string;
  kind?: string;
  hparams?: Record<string, number | string | boolean>;
  status?: string;
}
interface TbRecord {
  wall_time: number;
  step: number;
  file_version?: string;
  values?: TbValue[];
}
type TbFolders = Partial<Record<'train' | 'validation' | 'hparams', { file: string; records: TbRecord[] }>>;

function readTensorBoard(gen: string, runDir: string): TbFolders {
  const r = spawnSync(PYTHON, [READER, gen, runDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `the independent reader failed: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as TbFolders;
}

/** step → value of each scalar tag in one folder. */
function scalars(records: TbRecord[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const rec of records) {
    for (const v of rec.values ?? []) {
      if (v.plugin !== 'scalars' || v.value === undefined) continue;
      if (!out.has(v.tag)) out.set(v.tag, new Map());
      const series = out.get(v.tag)!;
      assert.ok(!series.has(rec.step), `${v.tag} is written twice at step ${rec.step}`);
      series.set(rec.step, v.value);
    }
  }
  return out;
}

function readHistory(runDir: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = readFileSync(join(runDir, 'history.csv'), 'utf8').trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

function runEvents(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.endsWith('}')) // a line the engine is writing right now is skipped
    .map((l) => JSON.parse(l) as RunEvent);
}

const EVENT_FILE = /^events\.out\.tfevents\.\d{10}\.[^/]+\.\d+\.\d+\.v2$/;

/** Every epoch value of history.csv, every batch event and the hyperparameters, as TensorBoard reads them. */
function checkAgainstRun(tb: TbFolders, runDir: string, finished: boolean) {
  for (const folder of ['train', 'validation', 'hparams'] as const) {
    const f = tb[folder];
    assert.ok(f, `logs/${folder === 'hparams' ? '' : folder} holds an event file`);
    assert.match(f.file, EVENT_FILE, 'named as TensorFlow names them');
    assert.equal(f.records[0].file_version, 'brain.Event:2', 'the first record is the file version');
  }
  const train = scalars(tb.train!.records);
  const validation = scalars(tb.validation!.records);
  const history = readHistory(runDir);
  assert.ok(history.rows.length >= 1);
  let epochValues = 0;
  for (const row of history.rows) {
    const epoch = row[0];
    history.header.forEach((column, i) => {
      if (i === 0) return;
      const [series, tag] = column.startsWith('val_')
        ? [validation, `epoch_${column.slice(4)}`]
        : [train, `epoch_${column}`];
      const got = series.get(tag)?.get(epoch);
      assert.equal(got, Math.fround(row[i]), `${tag} at epoch ${epoch}: history.csv says ${row[i]}`);
      epochValues++;
    });
  }
  const written = [...train, ...validation]
    .filter(([tag]) => tag.startsWith('epoch_'))
    .reduce((n, [, s]) => n + s.size, 0);
  assert.equal(written, epochValues, 'no epoch scalar that history.csv does not have');

  const events = runEvents(runDir);
  const started = events.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started')!;
  const batches = events.filter((e): e is Extract<RunEvent, { type: 'batch' }> => e.type === 'batch');
  assert.ok(batches.length > 0);
  for (const b of batches) {
    const step = (b.epoch - 1) * b.batches + b.batch;
    assert.equal(train.get('batch_loss')?.get(step), Math.fround(b.loss), `batch_loss at step ${step}`);
    for (const [k, v] of Object.entries(b.metrics))
      assert.equal(train.get(`batch_${k}`)?.get(step), Math.fround(v), `batch_${k} at step ${step}`);
  }
  assert.equal(train.get('batch_loss')?.size, batches.length);
  for (const e of events) {
    if (e.type !== 'epoch' || e.valLoss === undefined) continue;
    assert.equal(
      validation.get('evaluation_loss_vs_iterations')?.get(e.epoch * started.stepsPerEpoch),
      Math.fround(e.valLoss),
    );
  }

  const graph = tb.train!.records.flatMap((r) => r.values ?? []).find((v) => v.tag === 'keras');
  assert.equal(
    (JSON.parse(graph?.string ?? '{}') as { class_name?: string }).class_name,
    'Sequential',
    'the Keras model JSON for the graph dashboard',
  );

  const spec = JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as RunSpec;
  const hp = tb.hparams!.records.flatMap((r) => r.values ?? []);
  const startInfo = hp.find((v) => v.kind === 'session_start_info');
  assert.equal(startInfo?.tag, '_hparams_/session_start_info');
  assert.equal(startInfo?.hparams?.optimizer, spec.compile.optimizer.name);
  assert.equal(startInfo?.hparams?.learning_rate, spec.compile.optimizer.args.learning_rate);
  assert.equal(startInfo?.hparams?.batch_size, spec.fit.batchSize);
  assert.equal(startInfo?.hparams?.epochs, spec.fit.epochs);
  assert.equal(startInfo?.hparams?.['dense.units'], 512);
  const endInfo = hp.find((v) => v.kind === 'session_end_info');
  if (finished) assert.equal(endInfo?.status, 'STATUS_SUCCESS');
}

function trainDigits(engine: string): string {
  const out = mkdtempSync(join(tmpdir(), `modelspec-tb-${engine}-`));
  const r = spawnSync(
    process.execPath,
    [CLI, 'train', 'examples/digits.model', '--backend', engine, '--epochs', '2', '--out', out, '--json'],
    { encoding: 'utf8', timeout: 600_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const started = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent)
    .find((e) => e.type === 'started');
  assert.ok(started?.type === 'started');
  return started.runDir;
}

describe('TFRecord framing', () => {
  // A bitwise CRC-32C (Castagnoli, reflected 0x82F63B78), independent of the crc-32 package.
  const crc32c = (bytes: Uint8Array) => {
    let crc = 0xffffffff;
    for (const b of bytes) {
      crc ^= b;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  };
  const unmask = (m: number) => {
    const rot = (m - 0xa282ead8) >>> 0;
    return ((rot >>> 17) | (rot << 15)) >>> 0;
  };

  it('masks the standard CRC-32C check value of "123456789" (0xE3069283) as TensorFlow does', () => {
    const data = Buffer.from('123456789');
    assert.equal(crc32c(data), 0xe3069283);
    assert.equal(unmask(maskedCrc32c(data)), 0xe3069283);
    assert.equal(maskedCrc32c(data), 0xc78ab0e5, '((crc >> 15 | crc << 17) + 0xa282ead8) mod 2^32');
    assert.equal(unmask(maskedCrc32c(new Uint8Array(32))), 0x8a9136aa, 'RFC 3720 B.4: 32 bytes of zeros');
  });

  it('frames a record as uint64 length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = Buffer.from('123456789');
    const rec = Buffer.from(tfRecord(data));
    assert.equal(rec.length, 8 + 4 + 9 + 4);
    assert.equal(rec.readBigUInt64LE(0), 9n);
    assert.equal(unmask(rec.readUInt32LE(8)), crc32c(rec.subarray(0, 8)));
    assert.deepEqual(rec.subarray(12, 21), data);
    assert.equal(rec.readUInt32LE(21), 0xc78ab0e5);
  });
});

describe(
  'TensorBoard event files of `modelspec train`, read with TensorBoard’s protos',
  { skip: noReader ?? false },
  () => {
    let gen = '';
    before(() => {
      ensureBuilt();
      gen = compileTensorBoardProtos();
    });

    it('a TensorFlow.js run (digits, 2 epochs): every value equals history.csv and events.jsonl', () => {
      const runDir = trainDigits('tfjs');
      checkAgainstRun(readTensorBoard(gen, runDir), runDir, true);
    });

    it(
      'a PyTorch run (digits, 2 epochs): every value equals history.csv and events.jsonl',
      { skip: torchProbe ? false : 'no Python interpreter with torch here (apt-get install python3-torch)' },
      () => {
        const runDir = trainDigits('torch');
        checkAgainstRun(readTensorBoard(gen, runDir), runDir, true);
      },
    );

    it('a run whose launcher is killed after the first epoch leaves readable files with the epochs it recorded', async () => {
      const out = mkdtempSync(join(tmpdir(), 'modelspec-tb-killed-'));
      const model = join(out, 'long.model');
      writeFileSync(model, readFileSync('examples/digits.model', 'utf8').replace(/callbacks: \[.*\]\n/, ''));
      const child = spawn(
        process.execPath,
        [CLI, 'train', model, '--backend', 'tfjs', '--epochs', '50', '--out', out, '--json'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let runDir = '';
      await new Promise<void>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          for (const line of buffered.split('\n').filter((l) => l.startsWith('{'))) {
            const e = JSON.parse(line) as RunEvent;
            if (e.type === 'started') runDir = e.runDir;
            if (e.type === 'epoch') {
              child.kill('SIGKILL');
              resolve();
              return;
            }
          }
          buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
        });
        child.on('exit', () => reject(new Error('the run ended before its first epoch')));
      });
      // Read before the orphaned engine notices and stops: what the launcher left.
      const tb = readTensorBoard(gen, runDir);
      assert.equal(readHistory(runDir).rows.length >= 1, true);
      assert.ok(scalars(tb.train!.records).get('epoch_loss')?.has(0), 'epoch 0 is in the train file');
      // The engine sees its stdin close, stops and saves; wait for that so nothing outlives the test.
      for (
        let i = 0;
        i < 600 && !runEvents(runDir).some((e) => e.type === 'stopped' || e.type === 'finished' || e.type === 'failed');
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      assert.ok(existsSync(join(runDir, 'events.jsonl')));
    });
  },
);
