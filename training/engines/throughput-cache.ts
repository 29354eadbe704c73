// The measured throughputs behind `backend: 'auto'`, remembered per machine and model signature
// (<cacheDir>/engine-throughput.json), so the probe (throughput-probe.ts) runs once per model
// shape and machine rather than before every run. An entry is re-measured when it is older than
// the maximum age, and a changed model, batch size, engine version or machine gives a new
// signature (so a new entry) by construction.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCapped } from '../../language/data/read-file';
import { makeDirs, writeFileAtomic } from '../files';
import type { AugmentArgs, EngineName, RunSpec } from '../protocol';

/** One engine's measurement: samples per second, or why it could not be measured. */
export interface Throughput {
  engine: EngineName;
  /** What it ran on: 'cpu', 'cuda', 'mps', 'wasm', 'tensorflow'. */
  device: string;
  samplesPerSec?: number;
  /** Why there is no number (the engine failed, or did not finish two batches in time). */
  problem?: string;
}

export interface CachedMeasurement {
  signature: string;
  /** Milliseconds since the epoch. */
  measuredAt: number;
  results: Throughput[];
}

/** What the signature is made of: everything that changes which engine is faster. */
export interface SignatureParts {
  model: RunSpec['model'];
  optimizer: string;
  loss: string;
  batchSize: number;
  /** ImageDataGenerator's arguments: augmentation is per-batch work. */
  augment: AugmentArgs | null;
  /** Each candidate engine with its version and device ('torch 1.13.1 cpu', 'tfjs 4.22.0 wasm'). */
  engines: string[];
  /** The machine: CPU model and count, GPU names. */
  machine: string;
}

/** A week: long enough to matter, short enough that a changed machine load is seen again. */
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const MAX_ENTRIES = 64; // the oldest entries go first; each is a few hundred bytes
const MAX_FILE_BYTES = 1 << 20;
const FILE_NAME = 'engine-throughput.json';

export function throughputSignature(parts: SignatureParts): string {
  // The lowered model without its name: two files with the same layers share a measurement.
  const layers = parts.model.config.layers;
  const text = JSON.stringify({ ...parts, model: layers, engines: [...parts.engines].sort() });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function throughputCachePath(cacheDir: string): string {
  return join(cacheDir, FILE_NAME);
}

function readAll(cacheDir: string): CachedMeasurement[] {
  const path = throughputCachePath(cacheDir);
  if (!existsSync(path)) return [];
  try {
    const parsed = JSON.parse(
      Buffer.from(readCapped(path, MAX_FILE_BYTES, 'engine throughput cache')).toString('utf8'),
    );
    const entries = (parsed as { entries?: unknown }).entries;
    return Array.isArray(entries) ? entries.filter(isMeasurement) : [];
  } catch {
    return []; // unreadable or half-written by an older version: measured again, then rewritten
  }
}

function isMeasurement(e: unknown): e is CachedMeasurement {
  const m = e as CachedMeasurement;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.signature === 'string' &&
    typeof m.measuredAt === 'number' &&
    Array.isArray(m.results)
  );
}

export type CacheLookup =
  | { state: 'hit'; entry: CachedMeasurement; ageMs: number }
  | { state: 'stale'; entry: CachedMeasurement; ageMs: number }
  | { state: 'miss' };

/** The entry for `signature`, and whether it is young enough to use. */
export function lookupThroughput(
  cacheDir: string,
  signature: string,
  now = Date.now(),
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): CacheLookup {
  const entry = readAll(cacheDir).find((e) => e.signature === signature);
  if (!entry) return { state: 'miss' };
  const ageMs = Math.max(0, now - entry.measuredAt);
  // A measurement "from the future" (a clock set back) is not trusted either.
  return ageMs > maxAgeMs || entry.measuredAt > now + 60_000
    ? { state: 'stale', entry, ageMs }
    : { state: 'hit', entry, ageMs };
}

/** Records a measurement (replacing the signature's old one); keeps the newest entries only. */
export function storeThroughput(cacheDir: string, entry: CachedMeasurement): void {
  const others = readAll(cacheDir).filter((e) => e.signature !== entry.signature);
  const entries = [entry, ...others].sort((a, b) => b.measuredAt - a.measuredAt).slice(0, MAX_ENTRIES);
  makeDirs(cacheDir);
  writeFileAtomic(throughputCachePath(cacheDir), JSON.stringify({ version: 1, entries }, null, 1));
}
