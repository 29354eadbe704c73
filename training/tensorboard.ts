// TensorBoard event files in a run folder, laid out as Keras 3's TensorBoard callback writes them
// (keras/src/callbacks/tensorboard.py, update_freq='batch'), derived from events.jsonl so both
// engines get them and a killed run keeps the epochs it recorded:
//   logs/train/       epoch_loss, epoch_<metric>, epoch_learning_rate at step = epoch (0-based);
//                     batch_loss, batch_<metric> at step = global batch (1-based), at the batches
//                     the engine reported (running means over the epoch, as Keras's batch logs);
//                     the model's Keras JSON under tag `keras` (plugin graph_keras_model), step 0
//   logs/validation/  evaluation_<name>_vs_iterations at step = global batch (Keras's on_test_end),
//                     then epoch_loss, epoch_<metric> at step = epoch
//   logs/             the HParams plugin's session_start_info and session_end_info (a tune
//                     trial's: its hyperparameters named as in the file, its group the trial)
// and, at a tune folder, the HParams experiment (hparams_config: each hyperparameter's domain and
// the metrics), so `tensorboard --logdir <tune>` shows the search in the HParams dashboard.
// Scalars are what tf.summary.scalar writes in TF 2 (tensorboard/plugins/scalar/summary_v2.py
// through tf.summary.write and tensorflow/core/summary/summary_file_writer.cc): a float32 tensor
// of shape [] in tensor_content, with metadata plugin_name 'scalars' (empty content, version 0).
// File names follow summary_file_writer.cc: events.out.tfevents.<secs>.<host>.<pid>.<n>.v2.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import CRC32C from 'crc-32/crc32c';
import { Root, type IMapField, type Type } from 'protobufjs/light';
import { appendBytes, makeDirs, writeFileAtomic } from './files';
import type { RunEvent, RunSpec } from './protocol';
import type { SearchParam } from './tune/types';
import { runHyperparameters } from './run-hyperparameters';

/** TFRecord's masked CRC32C (tensorflow/core/lib/hash/crc32c.h, Mask). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = CRC32C.buf(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: uint64 length, masked CRC32C of the length, data, masked CRC32C of the data (little-endian). */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.byteLength), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.byteLength, maskedCrc32c(data), true);
  return out;
}

// The messages written, with the field numbers of tensorboard/compat/proto/{event,summary,tensor,
// tensor_shape}.proto, tensorboard/plugins/hparams/plugin_data.proto and google/protobuf/struct.proto.
const str = (id: number) => ({ type: 'string', id });
const hparamsMap: IMapField = { keyType: 'string', type: 'google.protobuf.Value', id: 1 };
const root = Root.fromJSON({
  nested: {
    tensorboard: {
      nested: {
        Event: {
          fields: {
            wall_time: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            file_version: str(3),
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              fields: {
                tag: str(1),
                tensor: { type: 'TensorProto', id: 8 },
                metadata: { type: 'SummaryMetadata', id: 9 },
              },
            },
          },
        },
        SummaryMetadata: {
          fields: { plugin_data: { type: 'PluginData', id: 1 } },
          nested: { PluginData: { fields: { plugin_name: str(1), content: { type: 'bytes', id: 2 } } } },
        },
        // dtype is the DataType enum (DT_FLOAT = 1, DT_STRING = 7), a varint like int32.
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensor_shape: { type: 'TensorShapeProto', id: 2 },
            tensor_content: { type: 'bytes', id: 4 },
            string_val: { rule: 'repeated', type: 'bytes', id: 8 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 } } } },
        },
        hparams: {
          nested: {
            HParamsPluginData: {
              oneofs: { data: { oneof: ['experiment', 'session_start_info', 'session_end_info'] } },
              fields: {
                version: { type: 'int32', id: 1 },
                experiment: { type: 'Experiment', id: 2 },
                session_start_info: { type: 'SessionStartInfo', id: 3 },
                session_end_info: { type: 'SessionEndInfo', id: 4 },
              },
            },
            SessionStartInfo: {
              fields: { hparams: hparamsMap, group_name: str(4), start_time_secs: { type: 'double', id: 5 } },
            },
            // status is the Status enum of api.proto (STATUS_SUCCESS = 1, STATUS_FAILURE = 2).
            SessionEndInfo: { fields: { status: { type: 'int32', id: 1 }, end_time_secs: { type: 'double', id: 2 } } },
            // api.proto: the experiment's hyperparameters and metrics (enums as int32 varints:
            // DataType DATA_TYPE_STRING = 1, BOOL = 2, FLOAT64 = 3; DatasetType TRAINING = 1, VALIDATION = 2).
            Experiment: {
              fields: {
                description: str(1),
                time_created_secs: { type: 'double', id: 3 },
                hparam_infos: { rule: 'repeated', type: 'HParamInfo', id: 4 },
                metric_infos: { rule: 'repeated', type: 'MetricInfo', id: 5 },
                name: str(6),
              },
            },
            HParamInfo: {
              oneofs: { domain: { oneof: ['domain_discrete', 'domain_interval'] } },
              fields: {
                name: str(1),
                display_name: str(2),
                type: { type: 'int32', id: 4 },
                domain_discrete: { type: 'google.protobuf.ListValue', id: 5 },
                domain_interval: { type: 'Interval', id: 6 },
              },
            },
            Interval: { fields: { min_value: { type: 'double', id: 1 }, max_value: { type: 'double', id: 2 } } },
            MetricName: { fields: { group: str(1), tag: str(2) } },
            MetricInfo: {
              fields: {
                name: { type: 'MetricName', id: 1 },
                display_name: str(3),
                dataset_type: { type: 'int32', id: 5 },
              },
            },
          },
        },
      },
    },
    google: {
      nested: {
        protobuf: {
          nested: {
            Value: {
              oneofs: { kind: { oneof: ['number_value', 'string_value', 'bool_value'] } },
              fields: {
                number_value: { type: 'double', id: 2 },
                string_value: str(3),
                bool_value: { type: 'bool', id: 4 },
              },
            },
            ListValue: { fields: { values: { rule: 'repeated', type: 'Value', id: 1 } } },
          },
        },
      },
    },
  },
});
const EventType: Type = root.lookupType('tensorboard.Event');
const HParamsPluginData: Type = root.lookupType('tensorboard.hparams.HParamsPluginData');

const DT_FLOAT = 1;
const DT_STRING = 7;
const STATUS_SUCCESS = 1;
const STATUS_FAILURE = 2;

interface TbEvent {
  wall_time: number;
  step?: number;
  file_version?: string;
  summary?: { value: unknown[] };
}

function encodeEvent(e: TbEvent): Uint8Array {
  return EventType.encode(EventType.fromObject(e)).finish();
}

function scalarEvent(tag: string, value: number, step: number, wallTime: number): TbEvent {
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, value, true);
  const tensor = { dtype: DT_FLOAT, tensor_shape: {}, tensor_content: content };
  return {
    wall_time: wallTime,
    step,
    summary: { value: [{ tag, tensor, metadata: { plugin_data: { plugin_name: 'scalars' } } }] },
  };
}

/** Keras's `keras_model_summary('keras', model, step=0)`: the model's JSON for the graph dashboard. */
function modelEvent(model: RunSpec['model'], wallTime: number): TbEvent {
  const tensor = { dtype: DT_STRING, tensor_shape: {}, string_val: [Buffer.from(JSON.stringify(model), 'utf8')] };
  return {
    wall_time: wallTime,
    step: 0,
    summary: {
      value: [
        {
          tag: 'keras',
          tensor,
          metadata: { plugin_data: { plugin_name: 'graph_keras_model', content: Buffer.from('1') } },
        },
      ],
    },
  };
}

/** An HParams plugin summary (tensorboard/plugins/hparams/summary_v2.py, _summary_pb): a null float tensor of shape [0]. */
function hparamsEvent(tag: string, data: Record<string, unknown>, wallTime: number): TbEvent {
  const content = HParamsPluginData.encode(HParamsPluginData.fromObject({ version: 0, ...data })).finish();
  const tensor = { dtype: DT_FLOAT, tensor_shape: { dim: [{ size: 0 }] } };
  return {
    wall_time: wallTime,
    step: 0,
    summary: { value: [{ tag, tensor, metadata: { plugin_data: { plugin_name: 'hparams', content } } }] },
  };
}

function hparamValue(v: number | string | boolean): Record<string, unknown> {
  return typeof v === 'number' ? { number_value: v } : typeof v === 'string' ? { string_value: v } : { bool_value: v };
}

/** The three writers' events, in the order Keras writes them. */
export interface TensorBoardLogs {
  train: TbEvent[];
  validation: TbEvent[];
  hparams: TbEvent[];
  /** The run's start, whole seconds since the epoch: the files' names. */
  startSecs: number;
}

/**
 * What the event files hold for these run events (and spec.json, for the model and the
 * hyperparameters), or undefined before the run has started. Wall times come from the events
 * (start time plus the engine's clocks), so the same events always give the same bytes and a
 * rewrite only ever appends.
 */
export function tensorBoardLogs(
  events: RunEvent[],
  spec: Pick<RunSpec, 'compile' | 'fit' | 'model' | 'trial'> | undefined,
): TensorBoardLogs | undefined {
  const started = events.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
  if (!started) return undefined;
  const start = Date.parse(started.time) / 1000;
  if (!Number.isFinite(start)) return undefined;
  const version = (): TbEvent => ({ wall_time: start, file_version: 'brain.Event:2' });
  const logs: TensorBoardLogs = {
    train: [version()],
    validation: [],
    hparams: [version()],
    startSecs: Math.floor(start),
  };
  if (spec) logs.train.push(modelEvent(spec.model, start));
  let elapsed = 0; // the end of the last epoch, in seconds since the start
  for (const e of events) {
    if (e.type === 'batch') {
      const step = (e.epoch - 1) * e.batches + e.batch;
      const at = start + e.time;
      logs.train.push(scalarEvent('batch_loss', e.loss, step, at));
      for (const [k, v] of Object.entries(e.metrics)) logs.train.push(scalarEvent(`batch_${k}`, v, step, at));
    } else if (e.type === 'epoch') {
      elapsed += e.seconds;
      const at = start + elapsed;
      const step = e.epoch - 1;
      logs.train.push(scalarEvent('epoch_loss', e.loss, step, at));
      for (const [k, v] of Object.entries(e.metrics)) logs.train.push(scalarEvent(`epoch_${k}`, v, step, at));
      logs.train.push(scalarEvent('epoch_learning_rate', e.learningRate, step, at));
      if (e.valLoss !== undefined) {
        if (logs.validation.length === 0) logs.validation.push(version());
        const iterations = e.epoch * started.stepsPerEpoch;
        const val: [string, number][] = [['loss', e.valLoss], ...Object.entries(e.valMetrics ?? {})];
        for (const [k, v] of val) logs.validation.push(scalarEvent(`evaluation_${k}_vs_iterations`, v, iterations, at));
        for (const [k, v] of val) logs.validation.push(scalarEvent(`epoch_${k}`, v, step, at));
      }
    }
  }
  if (spec) {
    // A trial's search values, named as in the file, are what the tune's experiment lists; its
    // executions share a group (TensorBoard averages a group's sessions).
    const values = { ...runHyperparameters(spec), ...(spec.trial?.hyperparameters ?? {}) };
    const hparams = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, hparamValue(v)]));
    const group = spec.trial ? `trial-${spec.trial.number}` : '';
    logs.hparams.push(
      hparamsEvent(
        '_hparams_/session_start_info',
        { session_start_info: { hparams, group_name: group, start_time_secs: start } },
        start,
      ),
    );
    const end = events.find((e) => e.type === 'finished' || e.type === 'stopped' || e.type === 'failed');
    if (end && (end.type === 'finished' || end.type === 'stopped' || end.type === 'failed')) {
      const parsed = Date.parse(end.time) / 1000;
      const endSecs = Number.isFinite(parsed) ? parsed : start + elapsed;
      const status = end.type === 'failed' ? STATUS_FAILURE : STATUS_SUCCESS;
      logs.hparams.push(
        hparamsEvent('_hparams_/session_end_info', { session_end_info: { status, end_time_secs: endSecs } }, endSecs),
      );
    }
  }
  return logs;
}

const EVENT_FILE = /^events\.out\.tfevents\.\d+\..+\.v2$/;

/** The folder's event file: the one already there (a rewrite keeps its name), else a new name. */
function eventFile(dir: string, startSecs: number, n: number): string {
  const existing = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => EVENT_FILE.test(f))
        .sort()
    : [];
  if (existing.length > 0) return join(dir, existing[0]);
  return join(dir, `events.out.tfevents.${String(startSecs).padStart(10, '0')}.${hostname()}.${process.pid}.${n}.v2`);
}

/** Brings one event file up to `records`: appends what is missing, or rewrites it whole if it differs. */
function syncEventFile(file: string, records: Uint8Array[]): void {
  const wanted = Buffer.concat(records);
  const have = existsSync(file) ? readFileSync(file) : undefined;
  if (have && have.byteLength <= wanted.byteLength && wanted.subarray(0, have.byteLength).equals(have)) {
    if (have.byteLength < wanted.byteLength) appendBytes(file, wanted.subarray(have.byteLength));
    return;
  }
  // New, or not a prefix of what the events say (a torn last record): written whole.
  writeFileAtomic(file, wanted);
}

/**
 * Writes or extends <runDir>/logs/{train,validation}/ and logs/'s event files from the run's
 * events: after every epoch while a run is followed and again when it ends, so
 * `tensorboard --logdir runs/<model>` shows every run. Throws an IoError naming the file.
 */
export function writeTensorBoard(
  runDir: string,
  events: RunEvent[],
  spec: Pick<RunSpec, 'compile' | 'fit' | 'model' | 'trial'> | undefined,
): void {
  const logs = tensorBoardLogs(events, spec);
  if (!logs) return;
  const writers: [string, TbEvent[]][] = [
    [join(runDir, 'logs', 'train'), logs.train],
    [join(runDir, 'logs', 'validation'), logs.validation],
    [join(runDir, 'logs'), logs.hparams],
  ];
  writers.forEach(([dir, tbEvents], n) => {
    if (tbEvents.length === 0) return;
    makeDirs(dir);
    syncEventFile(
      eventFile(dir, logs.startSecs, n),
      tbEvents.map((e) => tfRecord(encodeEvent(e))),
    );
  });
}

const DATA_TYPE_STRING = 1;
const DATA_TYPE_BOOL = 2;
const DATA_TYPE_FLOAT64 = 3;
const DATASET_TRAINING = 1;
const DATASET_VALIDATION = 2;

/** A hyperparameter's HParamInfo: its type and domain (a Choice's values, an Int/Float's interval). */
function hparamInfo(p: SearchParam): Record<string, unknown> {
  if (p.kind === 'int' || p.kind === 'float')
    return { name: p.name, type: DATA_TYPE_FLOAT64, domain_interval: { min_value: p.min, max_value: p.max } };
  const values = p.kind === 'choice' ? p.values : [false, true];
  const type = values.every((v) => typeof v === 'number')
    ? DATA_TYPE_FLOAT64
    : values.every((v) => typeof v === 'boolean')
      ? DATA_TYPE_BOOL
      : DATA_TYPE_STRING;
  return { name: p.name, type, domain_discrete: { values: values.map(hparamValue) } };
}

/**
 * The HParams experiment summary (tensorboard/plugins/hparams/summary_v2.py, hparams_config_pb)
 * in `tuneDir`'s own event file: every hyperparameter of the search and, for each metric a run
 * logs ('loss', 'val_accuracy', …), Keras's epoch scalar in the trial's logs/train or
 * logs/validation, which the dashboard reads relative to each session (<trial>/logs).
 */
export function writeHParamsExperiment(
  tuneDir: string,
  space: readonly SearchParam[],
  metrics: readonly string[],
  timeCreatedSecs: number,
): void {
  const metricInfos = metrics.map((m) => {
    const validation = m.startsWith('val_');
    const tag = `epoch_${validation ? m.slice(4) : m}`;
    return {
      name: { group: validation ? 'validation' : 'train', tag },
      display_name: m,
      dataset_type: validation ? DATASET_VALIDATION : DATASET_TRAINING,
    };
  });
  const experiment = {
    time_created_secs: timeCreatedSecs,
    hparam_infos: space.map(hparamInfo),
    metric_infos: metricInfos,
  };
  const records = [
    { wall_time: timeCreatedSecs, file_version: 'brain.Event:2' },
    hparamsEvent('_hparams_/experiment', { experiment }, timeCreatedSecs),
  ];
  makeDirs(tuneDir);
  syncEventFile(
    eventFile(tuneDir, Math.floor(timeCreatedSecs), 0),
    records.map((e) => tfRecord(encodeEvent(e))),
  );
}
