// The task-specific part of the test evaluation (protocol.ts's MultiLabelReport, RegressionReport,
// ImageReport), accumulated batch by batch so that no split's predictions are held whole.
// python/modelspec_torch/evaluate.py computes the same numbers with the same rules and bounds
// (test/training/evaluation-parity.test.ts compares the two engines on one model).
import { PNG } from 'pngjs';
import {
  EVALUATION_LIMITS,
  type ImageReport,
  type ImageTriple,
  type MultiLabelReport,
  type RegressionReport,
} from '../../protocol';

/** One batch's targets and predictions, flattened per sample (`per` values each). */
export interface BatchValues {
  y: ArrayLike<number>;
  p: ArrayLike<number>;
  /** The batch's first position in the split (0-based). */
  start: number;
  rows: number;
}

export interface TaskAccumulator {
  add(batch: BatchValues): void;
}

/** `limit` positions evenly spread over 0..n-1 (all of them when n <= limit): floor(i·n/limit). */
export function spreadPositions(n: number, limit: number): number[] {
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: limit }, (_, i) => Math.floor((i * n) / limit));
}

/** Per-label precision/recall/F1/support at 0.5 and the exact-match ratio. */
export class MultiLabelAccumulator implements TaskAccumulator {
  private readonly tp: Float64Array;
  private readonly fp: Float64Array;
  private readonly fn: Float64Array;
  private readonly support: Float64Array;
  private exact = 0;
  private n = 0;
  readonly threshold = 0.5;

  constructor(private readonly labelCount: number) {
    this.tp = new Float64Array(labelCount);
    this.fp = new Float64Array(labelCount);
    this.fn = new Float64Array(labelCount);
    this.support = new Float64Array(labelCount);
  }

  add({ y, p, rows }: BatchValues): void {
    const k = this.labelCount;
    for (let r = 0; r < rows; r++) {
      let allRight = true;
      for (let j = 0; j < k; j++) {
        const truth = y[r * k + j]! > this.threshold;
        const said = p[r * k + j]! > this.threshold;
        if (truth) this.support[j]! += 1;
        if (truth && said) this.tp[j]! += 1;
        else if (said) this.fp[j]! += 1;
        else if (truth) this.fn[j]! += 1;
        if (truth !== said) allRight = false;
      }
      if (allRight) this.exact += 1;
    }
    this.n += rows;
  }

  report(names: readonly string[] | undefined): MultiLabelReport {
    const k = this.labelCount;
    // Label names only when the data name every output (a csv's label columns), else label_<i>.
    const name = (j: number) => (names && names.length === k ? names[j]! : `label_${j}`);
    const labels = Array.from({ length: Math.min(k, EVALUATION_LIMITS.labels) }, (_, j) => {
      const tp = this.tp[j]!;
      const precision = tp + this.fp[j]! > 0 ? tp / (tp + this.fp[j]!) : 0;
      const recall = tp + this.fn[j]! > 0 ? tp / (tp + this.fn[j]!) : 0;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      return { name: name(j), precision, recall, f1, support: this.support[j]! };
    });
    return { threshold: this.threshold, exactMatch: this.exact / Math.max(1, this.n), labelCount: k, labels };
  }
}

/** MAE, RMSE and R² over every output, and (true, predicted) pairs of the first output. */
export class RegressionAccumulator implements TaskAccumulator {
  private absSum = 0;
  private sqSum = 0;
  private n = 0;
  private readonly ySum: Float64Array;
  private readonly ySq: Float64Array;
  private readonly sse: Float64Array;
  private readonly chosen: Set<number>;
  private readonly trueValues: number[] = [];
  private readonly predicted: number[] = [];

  constructor(
    private readonly outputs: number,
    count: number,
  ) {
    this.ySum = new Float64Array(outputs);
    this.ySq = new Float64Array(outputs);
    this.sse = new Float64Array(outputs);
    this.chosen = new Set(spreadPositions(count, EVALUATION_LIMITS.points));
  }

  add({ y, p, start, rows }: BatchValues): void {
    const k = this.outputs;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) {
        const t = y[r * k + j]!;
        const e = p[r * k + j]! - t;
        this.absSum += Math.abs(e);
        this.sqSum += e * e;
        this.ySum[j]! += t;
        this.ySq[j]! += t * t;
        this.sse[j]! += e * e;
      }
      if (this.chosen.has(start + r)) {
        this.trueValues.push(y[r * k]!);
        this.predicted.push(p[r * k]!);
      }
    }
    this.n += rows;
  }

  report(): RegressionReport {
    const k = this.outputs;
    const n = Math.max(1, this.n);
    let r2 = 0;
    for (let j = 0; j < k; j++) {
      const sst = this.ySq[j]! - (this.ySum[j]! * this.ySum[j]!) / n;
      // Constant targets: sklearn's force_finite rule (1 when predicted exactly, else 0).
      r2 += sst > 1e-12 ? 1 - this.sse[j]! / sst : this.sse[j]! === 0 ? 1 : 0;
    }
    return {
      mae: this.absSum / (n * k),
      rmse: Math.sqrt(this.sqSum / (n * k)),
      r2: r2 / k,
      outputs: k,
      output: 0,
      count: this.n,
      trueValues: this.trueValues,
      predicted: this.predicted,
    };
  }
}

/** [H, W, C] values → a small PNG (every step-th pixel; 1 or 3 channels, else the first), base64.
 *  Values map [lo, lo + peak] to 0..255, clipped. */
export function imagePng(values: ArrayLike<number>, shape: readonly number[], lo: number, peak: number): string {
  const [h, w] = shape as [number, number];
  const c = shape[2] ?? 1;
  const step = Math.ceil(Math.max(h, w) / EVALUATION_LIMITS.imageSide);
  const oh = Math.ceil(h / step);
  const ow = Math.ceil(w / step);
  const png = new PNG({ width: ow, height: oh });
  const scale = peak > 0 ? 255 / peak : 0;
  const byte = (v: number) => Math.min(255, Math.max(0, Math.floor((v - lo) * scale + 0.5)));
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const src = (i * step * w + j * step) * c;
      const o = (i * ow + j) * 4;
      const g = byte(values[src]!);
      png.data[o] = g;
      png.data[o + 1] = c === 3 ? byte(values[src + 1]!) : g;
      png.data[o + 2] = c === 3 ? byte(values[src + 2]!) : g;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png).toString('base64');
}

/** The range an image's own values span, as imagePng takes it. */
export function ownRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  return [lo, hi - lo];
}

/** Reconstruction MSE, PSNR and a few input/target/output triples. */
export class ImageAccumulator implements TaskAccumulator {
  private sqSum = 0;
  private n = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private readonly chosen: Set<number>;
  private readonly kept: { position: number; target: Float32Array; output: Float32Array; mse: number }[] = [];

  constructor(
    /** The output's [H, W, C]. */
    private readonly shape: readonly number[],
    count: number,
  ) {
    this.chosen = new Set(spreadPositions(count, EVALUATION_LIMITS.images));
  }

  add({ y, p, start, rows }: BatchValues): void {
    const per = this.shape.reduce((a, b) => a * b, 1);
    for (let r = 0; r < rows; r++) {
      let sample = 0;
      for (let i = r * per; i < (r + 1) * per; i++) {
        const t = y[i]!;
        const e = p[i]! - t;
        sample += e * e;
        if (t < this.lo) this.lo = t;
        if (t > this.hi) this.hi = t;
      }
      this.sqSum += sample;
      if (this.chosen.has(start + r)) {
        this.kept.push({
          position: start + r,
          target: Float32Array.from({ length: per }, (_, i) => y[r * per + i]!),
          output: Float32Array.from({ length: per }, (_, i) => p[r * per + i]!),
          mse: sample / per,
        });
      }
    }
    this.n += rows;
  }

  /** rowOf(position): the sample's row in the data; inputOf(position): its input as a PNG, when it is an image. */
  report(rowOf: (position: number) => number, inputOf: (position: number) => string | undefined): ImageReport {
    const per = this.shape.reduce((a, b) => a * b, 1);
    const mse = this.sqSum / Math.max(1, this.n * per);
    // Targets in [0, 1] (rescaled images): PSNR against 1; else against the targets' own span.
    const unit = this.lo >= 0 && this.hi <= 1;
    const lo = unit ? 0 : this.lo;
    const peak = unit ? 1 : this.hi - this.lo || 1;
    const triples: ImageTriple[] = this.kept.map((k) => {
      const input = inputOf(k.position);
      return {
        index: rowOf(k.position),
        ...(input !== undefined && { input }),
        target: imagePng(k.target, this.shape, lo, peak),
        output: imagePng(k.output, this.shape, lo, peak),
        mse: k.mse,
      };
    });
    return { mse, ...(mse > 0 && { psnr: 10 * Math.log10((peak * peak) / mse) }), peak, triples };
  }
}
