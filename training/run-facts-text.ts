// How a run's facts read in `modelspec runs`, "Open Run…" and the panel's runs view: one wording
// everywhere. Pure functions (no Node imports), so the panel's browser bundle can use them.

export interface RunFactsLike {
  status: string;
  engine?: string;
  backend?: string;
  device?: string;
  epochs: number;
  plannedEpochs?: number;
  best?: { metric: string; value: number; epoch: number };
  test?: { loss: number; metrics: Record<string, number> };
  seconds?: number;
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

/** `10.4 s`, `2 min 3 s`, `1 h 5 min`; '' when unknown. */
export function durationText(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** `tfjs (wasm)`. */
export function engineText(r: RunFactsLike): string {
  return r.engine ? `${r.engine}${r.backend ? ` (${r.backend})` : ''}` : '';
}

/** `2/15`, or `2` when the plan is unknown. */
export function epochsText(r: RunFactsLike): string {
  return r.plannedEpochs !== undefined ? `${r.epochs}/${r.plannedEpochs}` : String(r.epochs);
}

/** `val_accuracy 0.9630 (epoch 12)`. */
export function bestText(r: RunFactsLike): string {
  return r.best ? `${r.best.metric} ${num(r.best.value)} (epoch ${r.best.epoch})` : '';
}

/** `loss 0.1234, accuracy 0.9630`. */
export function testText(r: RunFactsLike): string {
  return r.test
    ? [`loss ${num(r.test.loss)}`, ...Object.entries(r.test.metrics).map(([k, v]) => `${k} ${num(v)}`)].join(', ')
    : '';
}
