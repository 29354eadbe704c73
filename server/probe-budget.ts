// File probes with a time budget, for the language server. The checker is synchronous and reads
// data headers and model.json files; on a slow or hung file system (a network mount) one such
// read would hold the server's only thread. Here each read runs in a worker thread; the server
// waits for it at most PROBE_BUDGET_MS (Atomics.wait, so the checker stays synchronous), then
// reports 'data-slow' and goes on. The worker is left to finish: when its answer comes, the
// result is kept and `onSettled` re-checks the open documents with it.

import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readSamples, type SourceSamples } from '../data/samples';
import { probeSource } from '../language/data/probe';
import { readSavedModel, type SavedModel } from '../language/data/saved-model';
import { describeSource } from '../language/data/source-args';
import { isBuiltinSource, type SourceInfo, type SourceRef } from '../language/data/types';

/** How long one keystroke's check waits for a read. */
export const PROBE_BUDGET_MS = 1500;
/** A result that came late is reused this long before the file is read again. */
const LATE_RESULT_TTL_MS = 60_000;
/** Starting a worker (loading the bundle) is not counted against the budget, up to this. */
const WORKER_START_MS = 15_000;
/** Workers still stuck in a read; beyond this, new reads are not started (the file system is not answering). */
const MAX_STUCK_WORKERS = 4;

/** What the main thread sends the worker. */
type RequestBody =
  | { kind: 'source'; ref: SourceRef; baseDir: string }
  | { kind: 'saved'; path: string; baseDir: string }
  | { kind: 'samples'; ref: SourceRef; baseDir: string };
type Request = RequestBody & { id: number };
type Result = SourceInfo | SavedModel | SourceSamples;

/** workerData that makes the server bundle run as a probe worker (see main.ts). */
export const PROBE_WORKER_ROLE = 'modelspec-probe-worker';

export interface BudgetedProbes {
  probe(ref: SourceRef, baseDir: string): SourceInfo;
  readSavedModel(path: string, baseDir: string): SavedModel;
  /** The hover's strip of samples (data/samples.ts), read in the worker like a probe. */
  readSamples(ref: SourceRef, baseDir: string): SourceSamples;
  /** Starts the worker now, so the first check does not wait for it. */
  warm(): void;
  dispose(): void;
}

interface Live {
  worker: Worker;
  port: MessagePort;
  /** [0]: the id of the last answer on the port; [1]: 1 once the worker listens. */
  flag: Int32Array;
}

/**
 * `workerFile`: the bundle to start as the worker (the server's own, dist/server.cjs).
 * `onSettled`: called when a read that ran past the budget has finished, to re-check documents.
 */
export function budgetedProbes(workerFile: string, onSettled: () => void, budgetMs = PROBE_BUDGET_MS): BudgetedProbes {
  let live: Live | undefined;
  let nextId = 1;
  let stuck = 0;
  /** Set when a worker could not start: reads then happen in place, without a budget. */
  let inPlace = false;
  const pending = new Map<string, { started: number; label: string }>();
  const late = new Map<string, { at: number; result: Result }>();

  function start(): Live {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(workerFile, {
      workerData: { role: PROBE_WORKER_ROLE, port: port2, flag },
      transferList: [port2],
    });
    worker.unref(); // a worker stuck in a read must not keep the server process alive
    port1.unref();
    const started: Live = { worker, port: port1, flag };
    // A worker that fails is replaced at the next read; the error is the server's to log.
    worker.on('error', (e) =>
      process.stderr.write(`modelspec-language-server: probe worker failed: ${e.stack ?? e}\n`),
    );
    worker.once('exit', () => {
      if (live === started) live = undefined;
    });
    return started;
  }

  function slow(label: string, started: number): { ok: false; code: 'data-slow'; message: string } {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return {
      ok: false,
      code: 'data-slow',
      message: `Reading ${label} has taken ${seconds} s, longer than the editor waits (${budgetMs / 1000} s); the check goes on without it and runs again when the read finishes. A slow network drive? \`modelspec check\` waits for it`,
    };
  }

  /** Blocks until flag[index] is `value` or `ms` have passed; true when it is. */
  function waitFor(flag: Int32Array, index: number, value: number, ms: number): boolean {
    const started = Date.now();
    for (;;) {
      const now = Atomics.load(flag, index);
      if (now === value) return true;
      const left = ms - (Date.now() - started);
      if (left <= 0) return false;
      Atomics.wait(flag, index, now, left);
    }
  }

  function direct(request: RequestBody): Result {
    return answer(request);
  }

  function run(key: string, label: string, request: RequestBody): Result {
    if (inPlace) return direct(request);
    const done = late.get(key);
    if (done && Date.now() - done.at < LATE_RESULT_TTL_MS) return done.result;
    late.delete(key);
    const waiting = pending.get(key);
    if (waiting) return slow(waiting.label, waiting.started);
    if (stuck >= MAX_STUCK_WORKERS) return slow(label, Date.now());

    live ??= start();
    const { worker, port, flag } = live;
    if (!waitFor(flag, 1, 1, WORKER_START_MS)) {
      process.stderr.write(
        `modelspec-language-server: the probe worker did not start within ${WORKER_START_MS / 1000} s; reading files in place, without a time budget\n`,
      );
      inPlace = true;
      void worker.terminate();
      live = undefined;
      return direct(request);
    }
    const id = nextId++;
    port.postMessage({ ...request, id });
    const started = Date.now();
    // The worker stores the id and notifies once its answer is on the port.
    waitFor(flag, 0, id, budgetMs);
    const reply = receiveMessageOnPort(port) as { message: { id: number; result: Result } } | undefined;
    if (reply && reply.message.id === id) return reply.message.result;

    // Over budget: hand this worker over to finish in the background; a fresh one takes the next read.
    const abandoned = live;
    live = undefined;
    stuck++;
    pending.set(key, { started, label });
    let settled = false;
    const settle = (result: Result | undefined) => {
      if (settled) return;
      settled = true;
      stuck--;
      pending.delete(key);
      if (result) late.set(key, { at: Date.now(), result });
      void abandoned.worker.terminate();
      abandoned.port.close();
      onSettled();
    };
    abandoned.port.once('message', (m: { id: number; result: Result }) => settle(m.result));
    abandoned.worker.once('exit', () => settle(undefined)); // died without answering: read again next time
    // The next read's worker starts now, as the first one does (warm()), rather than when that
    // read comes: the editor's next check or hover then waits only for the read itself.
    if (stuck < MAX_STUCK_WORKERS) live = start();
    return slow(label, started);
  }

  return {
    probe(ref, baseDir) {
      if (isBuiltinSource(ref.name)) return probeSource(ref, baseDir); // answered from the catalog, no I/O
      const label = describeSource(ref);
      return run(JSON.stringify(['source', ref, baseDir]), label, { kind: 'source', ref, baseDir }) as SourceInfo;
    },
    readSavedModel(path, baseDir) {
      return run(JSON.stringify(['saved', path, baseDir]), path, { kind: 'saved', path, baseDir }) as SavedModel;
    },
    readSamples(ref, baseDir) {
      return run(JSON.stringify(['samples', ref, baseDir]), `samples of ${describeSource(ref)}`, {
        kind: 'samples',
        ref,
        baseDir,
      }) as SourceSamples;
    },
    warm() {
      live ??= start();
    },
    dispose() {
      void live?.worker.terminate();
      live = undefined;
    },
  };
}

/** A request answered with the core's own (cached) readers. */
function answer(request: RequestBody): Result {
  switch (request.kind) {
    case 'source':
      return probeSource(request.ref, request.baseDir);
    case 'saved':
      return readSavedModel(request.path, request.baseDir);
    case 'samples':
      return readSamples(request.ref, request.baseDir);
  }
}

/** The worker's side: answer each request with the core's own (cached) readers. */
export function runProbeWorker(data: { port: MessagePort; flag: Int32Array }): void {
  // Tests only: a slow file system, which a test cannot mount. While the file named by
  // MODELSPEC_TEST_PROBE_GATE is absent, each read waits for it (checked every 10 ms), so a test
  // holds reads for exactly as long as it needs them held, with no fixed delay to sit out.
  const gate = process.env.MODELSPEC_TEST_PROBE_GATE;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  data.port.on('message', (req: Request) => {
    if (gate) while (!existsSync(gate)) Atomics.wait(sleeper, 0, 0, 10);
    let result: Result;
    try {
      result = answer(req);
    } catch (e) {
      result = {
        ok: false,
        code: 'data-format',
        message: `Could not read the data: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    data.port.postMessage({ id: req.id, result });
    Atomics.store(data.flag, 0, req.id);
    Atomics.notify(data.flag, 0);
  });
  Atomics.store(data.flag, 1, 1);
  Atomics.notify(data.flag, 1);
}
