// `backend: 'auto'` by measurement: every engine present (TensorFlow.js, and PyTorch on the device
// it would use) trains this run's model for a moment (throughput-probe.ts), and the faster one
// runs it. The numbers are remembered per machine and model signature (throughput-cache.ts), so
// a model is measured once, and again when the measurement is stale or an engine, the model's
// shape or the machine changed. detect.ts's fixed order is the fallback when nothing could be measured.

import { cpus } from 'node:os';
import { availableParallelism } from 'node:os';
import { cacheDir as defaultCacheDir } from '../data/cache';
import type { RunSpec } from '../protocol';
import type { EngineChoice } from './detect';
import {
  DEFAULT_MAX_AGE_MS,
  lookupThroughput,
  storeThroughput,
  throughputSignature,
  type Throughput,
} from './throughput-cache';
import { measureThroughput, type ProbeTiming } from './throughput-probe';

/** An engine `auto` may take: how to start it, what it runs on, and its version for the signature. */
export interface Candidate {
  choice: EngineChoice;
  /** 'cpu', 'cuda', 'mps', 'wasm', 'tensorflow'. */
  device: string;
  /** 'torch 1.13.1', 'tfjs 4.22.0'. */
  version: string;
}

export interface MeasureOptions {
  /** The run's spec (model, optimizer, loss, batch size, prepared data). */
  spec: RunSpec;
  cacheDir?: string;
  /** A measurement older than this is taken again (default a week). */
  maxAgeMs?: number;
  timing?: ProbeTiming;
  /** Told before a probe starts ("Measuring …"), so a wait of seconds is explained. */
  onProgress?: (message: string) => void;
  /** The machine's description for the signature (default: CPU model and count, and the GPUs). */
  machine?: string;
}

/** The machine as far as engine speed goes: CPU model, cores, thread settings, GPU. */
export function machineDescription(gpu?: string | null): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const env = ['MODELSPEC_TORCH_THREADS', 'MODELSPEC_TFJS_THREADS', 'OMP_NUM_THREADS']
    .map((k) => (process.env[k] ? `${k}=${process.env[k]}` : ''))
    .filter(Boolean);
  return [`${cpu} x${availableParallelism()}`, gpu ?? '', ...env].filter(Boolean).join(', ');
}

/** "1,946": thousands grouped, no decimals. */
function rate(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** The fastest measured engine, or undefined when none has a number. */
export function fastest(results: readonly Throughput[]): Throughput | undefined {
  let best: Throughput | undefined;
  for (const r of results) {
    if (r.samplesPerSec !== undefined && (!best || r.samplesPerSec > best.samplesPerSec!)) best = r;
  }
  return best;
}

/**
 * The run's reason: "auto: torch cpu 1,946 samples/s, tfjs wasm 401: torch", with when it was
 * measured if it came from the cache, and why an engine has no number.
 */
export function measuredReason(results: readonly Throughput[], winner: Throughput, ageMs?: number): string {
  const parts = results.map((r, i) => {
    const name = `${r.engine} ${r.device}`;
    if (r.samplesPerSec === undefined) return `${name} not measured (${r.problem ?? 'no number'})`;
    return `${name} ${rate(r.samplesPerSec)}${i === 0 ? ' samples/s' : ''}`;
  });
  const when = ageMs === undefined ? '' : ` (measured ${ago(ageMs)})`;
  return `auto: ${parts.join(', ')}${when}: ${winner.engine}`;
}

/**
 * The measured choice among `candidates`, or a sentence saying why none could be measured
 * (the caller falls back to the fixed order and says so). Rejects with an AbortError when the
 * signal is aborted during a probe.
 */
export async function chooseByMeasurement(
  candidates: readonly Candidate[],
  opts: MeasureOptions,
): Promise<{ choice: EngineChoice; results: Throughput[]; fromCache: boolean } | { problem: string }> {
  const { spec } = opts;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const signature = throughputSignature({
    model: spec.model,
    optimizer: spec.compile.optimizer.name,
    loss: spec.compile.loss,
    batchSize: spec.fit.batchSize,
    augment: spec.data.augment ?? null,
    engines: candidates.map((c) => `${c.version} ${c.device} ${c.choice.python ?? ''}`.trim()),
    machine: opts.machine ?? machineDescription(),
  });
  const byEngine = (t: Throughput) => candidates.find((c) => c.choice.engine === t.engine);
  const cached = lookupThroughput(cacheDir, signature, Date.now(), opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
  if (cached.state === 'hit') {
    const winner = fastest(cached.entry.results);
    const candidate = winner && byEngine(winner);
    if (winner && candidate) {
      return {
        choice: { ...candidate.choice, reason: measuredReason(cached.entry.results, winner, cached.ageMs) },
        results: cached.entry.results,
        fromCache: true,
      };
    }
  }
  opts.onProgress?.(
    `Measuring ${candidates.map((c) => `${c.choice.engine} (${c.device})`).join(' and ')} on this model for backend 'auto'` +
      (cached.state === 'stale' ? ' (the last measurement is stale)' : '') +
      '…',
  );
  const results: Throughput[] = [];
  // One at a time: engines measured side by side would share the cores and measure each other.
  for (const c of candidates) results.push(await measureThroughput(spec, c.choice, c.device, opts.timing));
  const winner = fastest(results);
  const candidate = winner && byEngine(winner);
  if (!winner || !candidate) {
    return { problem: results.map((r) => `${r.engine} ${r.device}: ${r.problem ?? 'no number'}`).join('; ') };
  }
  try {
    storeThroughput(cacheDir, { signature, measuredAt: Date.now(), results });
  } catch {
    // A read-only cache only means measuring again next time.
  }
  return { choice: { ...candidate.choice, reason: measuredReason(results, winner) }, results, fromCache: false };
}
