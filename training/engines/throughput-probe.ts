// A short measured run of one engine on a run's own model, batch size and prepared data: what
// `backend: 'auto'` compares (engine-choice.ts). The engine is started exactly as a run starts it
// (run-process.ts's command line) on a copy of the RunSpec that trains "forever" into a scratch
// folder, without validation, callbacks or saving; its batch events say how many samples it
// has trained at which time. Once it has trained for the measuring window past its first batch
// (whose one-off costs — kernel compilation, allocation — are left out), it is killed.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { STOP_ON_EOF_ENV, type RunEvent, type RunSpec } from '../protocol';
import { parseEvent } from '../run-folder';
import { engineCommand } from '../run-process';
import type { EngineChoice } from './detect';
import type { Throughput } from './throughput-cache';

export interface ProbeTiming {
  /** How long to train past the first batch (default 600 ms). */
  windowMs?: number;
  /** The most one engine may take, process start included (default 15 s): a slower one is "too slow". */
  capMs?: number;
  /** Kills the probe; `measureThroughput` then rejects with an AbortError. */
  signal?: AbortSignal;
}

export const DEFAULT_WINDOW_MS = 600;
export const DEFAULT_CAP_MS = 15_000;

/** The RunSpec the probe trains: the run's model, optimizer, loss, batch size and training data. */
export function probeSpec(spec: RunSpec, scratchDir: string): RunSpec {
  const { validation: _validation, test: _test, ...data } = spec.data;
  // One process on this machine: the probe measures an engine, not a data-parallel launch.
  const { nodeRank: _nodeRank, master: _master, ...fit } = { ...spec.fit, devices: 1, nnodes: 1 };
  return {
    ...spec,
    runDir: scratchDir,
    mode: 'train',
    data: { ...data, validationSplit: 0 },
    // Killed once measured: the epoch count only has to outlast the window.
    fit: { ...fit, epochs: 1_000_000, callbacks: [], engineReason: 'throughput probe' },
  };
}

/**
 * Samples per second of the steady state: samples trained between the first batch event and the
 * last one, over the time between them. `started` gives the split size each epoch's count starts from.
 */
export class ThroughputMeter {
  private trainSamples = 0;
  private batchSize = 0;
  private first: { samples: number; time: number } | undefined;
  private last: { samples: number; time: number } | undefined;

  add(event: RunEvent): void {
    if (event.type === 'started') {
      this.trainSamples = event.samples.train;
      this.batchSize = event.batchSize;
    }
    if (event.type !== 'batch' || !this.trainSamples) return;
    const samples = (event.epoch - 1) * this.trainSamples + Math.min(event.batch * this.batchSize, this.trainSamples);
    const point = { samples, time: event.time };
    if (!this.first) this.first = point;
    else this.last = point;
  }

  /** Seconds measured past the first batch. */
  get seconds(): number {
    return this.first && this.last ? this.last.time - this.first.time : 0;
  }

  get samplesPerSec(): number | undefined {
    if (!this.first || !this.last || this.seconds <= 0) return undefined;
    return (this.last.samples - this.first.samples) / this.seconds;
  }
}

/** Measures one engine; never throws for an engine's failure (that is the result's `problem`). */
export function measureThroughput(
  spec: RunSpec,
  choice: EngineChoice,
  device: string,
  timing: ProbeTiming = {},
): Promise<Throughput> {
  const windowMs = timing.windowMs ?? DEFAULT_WINDOW_MS;
  const capMs = timing.capMs ?? DEFAULT_CAP_MS;
  const scratch = mkdtempSync(join(tmpdir(), 'modelspec-probe-'));
  const specPath = join(scratch, 'spec.json');
  writeFileSync(specPath, JSON.stringify(probeSpec(spec, scratch)));
  const { command, args, env } = engineCommand(choice, specPath);
  // Stop-on-EOF: if this process dies mid-probe, the engine's stdin closes and it ends too.
  const child = spawn(command, args, { env: { ...env, [STOP_ON_EOF_ENV]: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const meter = new ThroughputMeter();
  const base = { engine: choice.engine, device };
  let stderrTail = '';

  return new Promise<Throughput>((resolve, reject) => {
    let settled = false;
    const end = (outcome: Throughput | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(cap);
      timing.signal?.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      // The scratch folder goes once the process is gone (it may still be writing events.jsonl).
      const clean = () => rmSync(scratch, { recursive: true, force: true });
      if (child.exitCode !== null || child.signalCode !== null) clean();
      else child.once('close', clean);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => end(Object.assign(new Error('the engine probe was cancelled'), { name: 'AbortError' }));
    if (timing.signal?.aborted) return onAbort();
    timing.signal?.addEventListener('abort', onAbort, { once: true });
    const cap = setTimeout(() => {
      const rate = meter.samplesPerSec;
      // Slow but measured is still a measurement; nothing past one batch in the cap is "too slow".
      if (rate !== undefined) end({ ...base, samplesPerSec: rate });
      else end({ ...base, problem: `did not train two batches within ${capMs / 1000} s` });
    }, capMs);

    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = parseEvent(line);
      if (!event) return;
      meter.add(event);
      if (event.type === 'failed') end({ ...base, problem: event.message });
      else if (meter.seconds * 1000 >= windowMs) end({ ...base, samplesPerSec: meter.samplesPerSec });
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail = (stderrTail + line + '\n').slice(-2000);
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => end({ ...base, problem: `could not start (${e.message})` }));
    child.on('close', (code, signal) => {
      const last = stderrTail.trim().split('\n').slice(-2).join(' ');
      end({
        ...base,
        problem: `ended (${signal ?? `exit code ${code}`}) before it was measured${last ? `: ${last}` : ''}`,
      });
    });
  });
}
