// The test run's PyTorch engine server (training/engines/torch-server.ts), started by
// scripts/test.mjs before the test processes: every engine command of the run (trainings,
// probes, evaluations) is then a fork of one Python that imported torch once, as `modelspec
// tune`'s trials are, instead of a Python that imports torch itself (over a second of CPU each).
// Prints the server's socket on its first line (an empty line when there is no Python with
// torch, or the server did not start: the tests then start cold), and ends the server when its
// stdin ends (the runner is done).
import { findTorch } from '../../training/engines/detect';
import { startTorchServer } from '../../training/engines/torch-server';
import { oncePerRun } from './run-cache';

// The interpreter the tests' engines use (test/training/torch/helpers.ts asks the same key).
const python = await oncePerRun('torch-python', async () => (await findTorch()).probe?.python);
const server = python
  ? await startTorchServer(python, { why: (m) => process.stderr.write(`torch-server-process: ${m}\n`) })
  : undefined;
process.stdout.write(`${server?.env.MODELSPEC_TORCH_SERVER ?? ''}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server?.close();
  process.exit(0);
});
