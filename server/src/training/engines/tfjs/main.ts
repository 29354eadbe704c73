// Entry point of the TensorFlow.js engine: `node dist/engine-tfjs.cjs SPEC.json [--first-batch-loss]`.
// Streams run events on stdout; stops cleanly on SIGINT or a {"type":"stop"} line on stdin.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isMainThread, workerData } from 'node:worker_threads';
import type { RunSpec } from '../../protocol';
import { eventWriter } from './events';
import { runShardWorker, type ShardWorkerData } from './parallel';
import { train, type StopSignal } from './train';

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: engine-tfjs SPEC.json [--first-batch-loss]\n');
    process.exit(2);
  }
  // stdout carries only events: libraries that print go to stderr.
  console.log = console.error;
  console.info = console.error;
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as RunSpec;
  const emit = eventWriter(spec.runDir);
  const stop: StopSignal = { requested: false };
  process.on('SIGINT', () => {
    stop.requested = true;
    stop.reason = 'interrupted (SIGINT)';
  });
  const stdin = createInterface({ input: process.stdin });
  stdin.on('line', (line) => {
    try {
      if ((JSON.parse(line) as { type?: string }).type === 'stop') {
        stop.requested = true;
        stop.reason = 'stop requested';
      }
    } catch {
      // Not JSON: ignore.
    }
  });
  await train(spec, { emit, stop, firstBatchLoss: process.argv.includes('--first-batch-loss') });
  stdin.close();
  process.stdin.destroy();
}

// The same bundle runs the shard workers of data-parallel training (parallel.ts).
const shard = !isMainThread && (workerData as ShardWorkerData | undefined)?.role === 'shard';
(shard ? runShardWorker(workerData as ShardWorkerData) : main()).catch((e: unknown) => {
  process.stderr.write(String((e as Error).stack ?? e) + '\n');
  process.exit(1);
});
