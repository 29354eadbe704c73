// Entry point of the TensorFlow.js engine: `node dist/engine-tfjs.cjs SPEC.json [--first-batch-loss]`
// or `--warm` (the spec's path comes on stdin, see warmSpecPath).
// Streams run events on stdout; stops cleanly (after the batch, saving the model) on SIGINT,
// SIGTERM, SIGHUP or a {"type":"stop"} line on stdin, and, when started by the launcher
// (MODELSPEC_STOP_ON_EOF), when stdin ends because the launcher died.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isMainThread, workerData } from 'node:worker_threads';
import { STOP_ON_EOF_ENV, WARM_READY, type RunSpec } from '../../protocol';
import { isIoError } from '../../files';
import { eventWriter } from './events';
import { runShardWorker, type ShardWorkerData } from './parallel';
import { selectBackend } from './backend';
import { train, type StopSignal } from './train';

/**
 * `--warm` (training/warm-engine.ts): the backend is set up now, then the first stdin line names
 * the spec to train. One run per process; exits when idle for MODELSPEC_WARM_IDLE seconds
 * (default 300) or when stdin ends first.
 */
async function warmSpecPath(stdin: ReturnType<typeof createInterface>): Promise<string | undefined> {
  // Listening first: the run may hand over its spec while the backend is still being set up,
  // and readline drops a line that no listener takes.
  const onClose = () => process.exit(0);
  const first = new Promise<string | undefined>((resolve) => {
    stdin.once('close', onClose);
    stdin.once('line', (line) => {
      stdin.off('close', onClose);
      resolve(line.trim() || undefined);
    });
  });
  await selectBackend('auto');
  process.stderr.write(`${WARM_READY}\n`);
  const idle = Number(process.env.MODELSPEC_WARM_IDLE) > 0 ? Number(process.env.MODELSPEC_WARM_IDLE) : 300;
  const timer = setTimeout(() => process.exit(0), idle * 1000);
  const specPath = await first;
  clearTimeout(timer);
  return specPath;
}

async function main(): Promise<void> {
  // stdout carries only events: libraries that print go to stderr.
  console.log = console.error;
  console.info = console.error;
  const stdin = createInterface({ input: process.stdin });
  const specPath = process.argv[2] === '--warm' ? await warmSpecPath(stdin) : process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: engine-tfjs SPEC.json [--first-batch-loss] | --warm\n');
    process.exit(2);
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as RunSpec;
  const emit = eventWriter(spec.runDir);
  const stop: StopSignal = { requested: false };
  const request = (reason: string) => {
    if (!stop.requested) stop.reason = reason;
    stop.requested = true;
  };
  process.on('SIGINT', () => request('interrupted (SIGINT)'));
  process.on('SIGTERM', () => request('stopped (SIGTERM)'));
  process.on('SIGHUP', () => request('stopped (SIGHUP)'));
  stdin.on('line', (line) => {
    try {
      const message = JSON.parse(line) as { type?: string; reason?: unknown };
      if (message.type === 'stop')
        request(typeof message.reason === 'string' && message.reason ? message.reason : 'stop requested');
    } catch {
      // Not JSON: ignore.
    }
  });
  let finished = false;
  if (process.env[STOP_ON_EOF_ENV] === '1') {
    stdin.on('close', () => {
      if (!finished) request('stopped: the process that started the run ended (its pipe to the engine closed)');
    });
  }
  await train(spec, { emit, stop, firstBatchLoss: process.argv.includes('--first-batch-loss') });
  finished = true;
  stdin.close();
  process.stdin.destroy();
}

// The same bundle runs the shard workers of data-parallel training (parallel.ts).
const shard = !isMainThread && (workerData as ShardWorkerData | undefined)?.role === 'shard';
(shard ? runShardWorker(workerData as ShardWorkerData) : main()).catch((e: unknown) => {
  // A disk problem before training (events.jsonl cannot be created): its message, not a stack.
  process.stderr.write((isIoError(e) ? (e as Error).message : String((e as Error).stack ?? e)) + '\n');
  process.exit(1);
});
