// Loss and metrics over a whole split in inference mode, and the test report for the run's task:
// a confusion matrix and a few sample predictions (mistakes first, a small PNG of each image) for
// classes; per-label scores, regression errors or image triples from task-report.ts.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PNG } from 'pngjs';
import type { Metrics, RunEvent, Task } from '../../protocol';
import type { DataPipeline, Split } from './data';
import type { LossFn } from './losses';
import type { MetricSpec } from './metrics';
import { regularizationLosses } from './model';
import { forward } from './activity';
import {
  ImageAccumulator,
  imagePng,
  MultiLabelAccumulator,
  ownRange,
  RegressionAccumulator,
  type TaskAccumulator,
} from './task-report';

export interface SplitResult {
  loss: number;
  metrics: Metrics;
  /** Predicted class and confidence per row (classification only). */
  predictions?: { predicted: Int32Array; confidence: Float32Array };
}

export function evaluateSplit(
  model: tfl.LayersModel,
  data: DataPipeline,
  split: Split,
  lossFn: LossFn,
  metrics: MetricSpec[],
  batchSize: number,
  classify = false,
  /** Given every batch's targets and predictions (the task's report). */
  collect?: TaskAccumulator,
): SplitResult {
  const n = split.rows.length;
  let lossSum = 0;
  const sums = metrics.map(() => [0, 0]);
  const predicted = new Int32Array(n);
  const confidence = new Float32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const rows = split.rows.subarray(start, Math.min(n, start + batchSize));
    const values = tf.tidy(() => {
      const x = data.batchX(split, rows);
      const y = data.batchY(split, rows);
      const { output: p, penalty } = forward(model, x, false);
      // Keras averages each batch's loss (activity penalties included) weighted by its size. The
      // mean over every element, as in training: an image target's loss is per pixel (B, H, W),
      // and summing it made val_loss H×W times too large (784× for digits autoencoders).
      const batchLoss = tf.mul(tf.mean(lossFn(y, p)), rows.length);
      const parts = [
        penalty ? tf.add(batchLoss, tf.mul(penalty, rows.length)) : batchLoss,
        ...metrics.flatMap((m) => m.fn(y, p)),
      ];
      const out = tf.stack(parts.map((t) => tf.reshape(tf.cast(t, 'float32'), []))).dataSync();
      if (collect) {
        const flatY = tf.reshape(y, [rows.length, -1]).dataSync();
        const flatP = tf.reshape(p, [rows.length, -1]).dataSync();
        collect.add({ y: flatY, p: flatP, start, rows: rows.length });
      }
      if (classify) {
        const units = p.shape[p.shape.length - 1]!;
        const flat = tf.reshape(p, [rows.length, -1]);
        if (units === 1) {
          const prob = flat.dataSync();
          for (let i = 0; i < rows.length; i++) {
            predicted[start + i] = prob[i]! > 0.5 ? 1 : 0;
            confidence[start + i] = prob[i]! > 0.5 ? prob[i]! : 1 - prob[i]!;
          }
        } else {
          const cls = tf.argMax(flat, -1).dataSync();
          const conf = tf.max(flat, -1).dataSync();
          predicted.set(cls, start);
          confidence.set(conf, start);
        }
      }
      return out;
    });
    lossSum += values[0]!;
    metrics.forEach((_, i) => {
      sums[i]![0] += values[1 + 2 * i]!;
      sums[i]![1] += values[2 + 2 * i]!;
    });
  }
  // Keras adds the layers' regularization penalties to the reported loss, in evaluation too.
  const penalties = regularizationLosses(model);
  const regularization = penalties.length ? tf.tidy(() => tf.addN(penalties).dataSync()[0]!) : 0;
  tf.dispose(penalties);
  const result: SplitResult = {
    loss: lossSum / Math.max(1, n) + regularization,
    metrics: Object.fromEntries(metrics.map((m, i) => [m.name, sums[i]![0]! / Math.max(1e-12, sums[i]![1]!)])),
  };
  if (classify) result.predictions = { predicted, confidence };
  return result;
}

/** A sample as a grayscale or RGB PNG, base64; values are scaled from their own range to 0..255. */
export function samplePng(data: DataPipeline, split: Split, row: number): string | undefined {
  // The source's images, also when the model reads them flattened (PreparedData.imageShape).
  const shape = data.isImage ? data.imageShape : data.spec.imageShape;
  if (!shape || shape.length < 2) return undefined;
  const [h, w] = shape as [number, number];
  const c = shape[2] ?? 1;
  if (c !== 1 && c !== 3) return undefined;
  const values = data.hostX(split, [row], false);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < h * w; i++) {
    const g = (ch: number) => Math.round((values[i * c + ch]! - lo) * scale);
    png.data[i * 4] = g(0);
    png.data[i * 4 + 1] = c === 3 ? g(1) : g(0);
    png.data[i * 4 + 2] = c === 3 ? g(2) : g(0);
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png).toString('base64');
}

/** The `evaluated` event for the test split. */
export function testReport(
  result: SplitResult,
  data: DataPipeline,
  split: Split,
  sampleCount = 16,
): Extract<RunEvent, { type: 'evaluated' }> {
  const event: Extract<RunEvent, { type: 'evaluated' }> = {
    type: 'evaluated',
    loss: result.loss,
    metrics: result.metrics,
  };
  if (!result.predictions) return event;
  const { predicted, confidence } = result.predictions;
  const k = Math.max(2, data.numClasses);
  const classes = data.spec.classes ?? Array.from({ length: k }, (_, i) => String(i));
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const truth = new Int32Array(split.rows.length);
  for (let i = 0; i < split.rows.length; i++) {
    truth[i] = data.classOf(split, split.rows[i]!);
    const row = matrix[truth[i]!];
    if (row && predicted[i]! < k) row[predicted[i]!]! += 1;
  }
  const order = Array.from(split.rows.keys()).sort(
    (a, b) => Number(truth[a] === predicted[a]) - Number(truth[b] === predicted[b]) || a - b,
  );
  event.confusionMatrix = matrix;
  event.classes = classes;
  event.samples = order.slice(0, sampleCount).map((i) => ({
    index: split.rows[i]!,
    label: classes[truth[i]!] ?? String(truth[i]),
    predicted: classes[predicted[i]!] ?? String(predicted[i]),
    confidence: confidence[i]!,
    image: samplePng(data, split, split.rows[i]!),
  }));
  return event;
}

type Evaluated = Extract<RunEvent, { type: 'evaluated' }>;

/** The test split's `evaluated` event for the run's task (data.task; absent: loss and metrics only). */
export function evaluateTest(
  model: tfl.LayersModel,
  data: DataPipeline,
  split: Split,
  lossFn: LossFn,
  metrics: MetricSpec[],
  batchSize: number,
  task: Task | undefined,
): Evaluated {
  const n = split.rows.length;
  const output = data.shapes.output;
  const per = output.reduce((a, b) => a * b, 1);
  const multiLabel = task === 'multilabel' ? new MultiLabelAccumulator(per) : undefined;
  const regression = task === 'regression' ? new RegressionAccumulator(per, n) : undefined;
  const images = task === 'image-to-image' && output.length === 3 ? new ImageAccumulator(output, n) : undefined;
  const classify = task === 'binary' || task === 'multiclass';
  const result = evaluateSplit(
    model,
    data,
    split,
    lossFn,
    metrics,
    batchSize,
    classify,
    multiLabel ?? regression ?? images,
  );
  const event = testReport(result, data, split);
  if (task) event.task = task;
  if (multiLabel) event.multiLabel = multiLabel.report(data.spec.classes);
  if (regression) event.regression = regression.report();
  if (images) {
    event.images = images.report(
      (position) => split.rows[position]!,
      (position) => inputPng(data, split, split.rows[position]!),
    );
  }
  return event;
}

/** A sample's input as an image triple shows it (its own range), when the input is an image: the
 *  source's images, or a model input of rank 3 (H, W, C), such as images from npy. */
function inputPng(data: DataPipeline, split: Split, row: number): string | undefined {
  const rank3 = data.shapes.input.length === 3 ? data.shapes.input : undefined;
  const shape = data.isImage ? data.imageShape : (data.spec.imageShape ?? rank3);
  if (!shape || shape.length < 2) return undefined;
  const values = data.hostX(split, [row], false);
  const [lo, span] = ownRange(values);
  return imagePng(values, shape, lo, span);
}
