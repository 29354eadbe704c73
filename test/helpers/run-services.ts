// What scripts/test.mjs starts once for a test run, before the test processes, so that they
// share imports instead of each paying for them (torch alone is over a second of CPU):
// - the PyTorch engine server (training/engines/torch-server.ts): every engine command of the
//   run (trainings, probes, evaluations) is a fork of one Python that imported torch, as
//   `modelspec tune`'s trials are;
// - the shared Python worker for test snippets (test/helpers/python-worker.py --listen), which
//   the test processes connect to instead of starting a worker each.
// Prints one JSON line, the environment to give the test processes (a service not asked for, or
// that could not start, is left out: the tests then start their own Pythons), and ends both when
// its stdin ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pythonCandidates } from '../../training/engines/detect';
import { startTorchServer } from '../../training/engines/torch-server';
import { pythonFinds } from './python-finds';

const why = (m: string) => process.stderr.write(`test/helpers/run-services.ts: ${m}\n`);

/**
 * The engine server, for the interpreter the tests' engines use: the first the product tries
 * (detect.ts's order) that finds torch. The tests then find it as the engines do (torch/helpers.ts),
 * the probe a fork of this server. Probing here first would import torch in a Python of its own
 * (1.4 s of CPU) and hold back the first test until it had.
 */
async function startEngineServer() {
  const candidates = pythonCandidates();
  // Found, not imported: the server says READY before it imports torch.
  const python = candidates.find((p) => pythonFinds(p, 'torch'));
  if (python) return await startTorchServer(python, { why });
  why(`no engine server: none of ${candidates.join(', ')} finds torch`);
  return undefined;
}

/** The shared snippet worker, for the interpreter pythonWorker() uses by default. */
async function startSharedWorker(): Promise<{ env: string; close: () => Promise<void> } | undefined> {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-python-worker-'));
  const socket = join(dir, 'worker.sock');
  const script = resolve(import.meta.dirname, 'python-worker.py');
  const child = spawn(python, [script, '--listen', socket, 'torch', 'numpy', 'h5py'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((res) =>
    child.once('exit', () => {
      rmSync(dir, { recursive: true, force: true });
      res();
    }),
  );
  const line = await new Promise<string | undefined>((res) => {
    createInterface({ input: child.stdout! }).once('line', res);
    child.once('exit', () => res(undefined));
    child.once('error', () => res(undefined));
  });
  if (!line) {
    why('the shared Python worker did not start; each test process starts its own');
    return undefined;
  }
  const { loaded } = JSON.parse(line) as { loaded: string[] };
  return {
    env: JSON.stringify({ socket, python, loaded }),
    close: () => {
      child.stdin!.end(); // it ends when its stdin does; its folder goes once it has
      return exited;
    },
  };
}

// Those named (--engine-server, --worker: scripts/test-services.mjs says which a run uses), both
// at once: each is a second or more of importing torch.
const [server, worker] = await Promise.all([
  process.argv.includes('--engine-server') ? startEngineServer() : undefined,
  process.argv.includes('--worker') ? startSharedWorker() : undefined,
]);
const env: Record<string, string> = {
  ...server?.env,
  ...(worker ? { MODELSPEC_TEST_PYTHON_WORKER: worker.env } : {}),
};
process.stdout.write(`${JSON.stringify(env)}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await Promise.all([worker?.close(), server?.close()]);
  process.exit(0);
});
