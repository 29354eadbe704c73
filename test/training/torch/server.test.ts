// The PyTorch engine's fork server (training/engines/torch-server.ts, modelspec_torch/server.py):
// an engine command started with MODELSPEC_TORCH_SERVER runs in a child of the server, with
// torch loaded already, and looks to its starter like a cold engine process: the same pipes,
// events, exit codes and signals. Commands the server cannot honour start cold.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pythonModuleCommand } from '../../../training/engines/python-command';
import { startTorchServer, type TorchServer } from '../../../training/engines/torch-server';
import { PYTHON, PYTHON_DIR, SKIP, mlpSpec, ofType, parseLines, tempDir, watchRun, writeSpec } from './helpers';

let server: TorchServer | undefined;
before(async () => {
  // A request must arrive whole within 2 s (10 s by default): the stalled client below is dropped sooner.
  if (!SKIP) server = await startTorchServer(PYTHON!, { requestSeconds: 2, why: (m) => assert.fail(m) });
});
after(async () => {
  await server?.close(); // the last test closes it; this is for one that failed first
});

/** The engine command as the product starts it, with `env` over this process's environment. */
function command(args: string[], env: NodeJS.ProcessEnv) {
  return pythonModuleCommand(PYTHON!, 'modelspec_torch', args, { MODELSPEC_TORCH_THREADS: '1', ...env });
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  const c = command(args, env);
  return spawnSync(c.command, c.args, { cwd: PYTHON_DIR, env: c.env, encoding: 'utf8', timeout: 60_000 });
}

/** Whether process `pid` has torch's library loaded (a served command's own process never does; a server, once it has imported it). */
function loadsTorch(pid: number): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('libtorch');
}

/** The processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A long run (one-sample batches) started through `env`, with its events as they come. */
function longRun(env: NodeJS.ProcessEnv) {
  const dir = tempDir('torch-server-');
  const spec = mlpSpec(dir, { n: 5000 });
  spec.fit.batchSize = 1;
  spec.fit.epochs = 50;
  const c = command([writeSpec(dir, spec)], env);
  const child = spawn(c.command, c.args, { cwd: PYTHON_DIR, env: c.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const run = watchRun(child);
  const batches = run.until((e) => ofType(e, 'batch').length >= 2);
  return { child, events: run.events, batches, exited: run.exited, spec, stderr: () => stderr };
}

describe('the PyTorch engine fork server', { skip: SKIP }, () => {
  it('runs a command in a child of its own: the same output and exit status as a cold start', () => {
    const served = run(['--probe'], server!.env);
    assert.equal(served.status, 0, served.stderr);
    const probe = JSON.parse(served.stdout) as { executable: string; threads: number; ompWaitPolicy: string };
    assert.equal(probe.executable, PYTHON);
    assert.equal(probe.threads, 1, 'MODELSPEC_TORCH_THREADS of the command, not of the server');
    assert.equal(probe.ompWaitPolicy, 'PASSIVE');
    // A command that fails: Python's traceback and status 1, as `python -m` gives.
    const failed = run(['--describe', '/nonexistent/spec.json'], server!.env);
    assert.equal(failed.status, 1);
    assert.match(
      failed.stderr,
      /FileNotFoundError: \[Errno 2\] No such file or directory: '\/nonexistent\/spec\.json'\n$/,
    );
  });

  it('a client that sends part of its request and stalls holds up no one, and is dropped', async () => {
    // Its descriptors and the first bytes of a 1,000-byte request, then nothing.
    const stalled = spawn(
      PYTHON!,
      [
        '-c',
        [
          'import socket, struct, sys',
          's = socket.socket(socket.AF_UNIX)',
          's.connect(sys.argv[1])',
          "socket.send_fds(s, [struct.pack('>I', 1000) + b'{\"module\"'], [0, 1, 2])",
          "print('sent', flush=True)",
          's.settimeout(30)',
          "print('dropped' if s.recv(100) == b'' else 'answered', flush=True)",
        ].join('\n'),
        server!.env.MODELSPEC_TORCH_SERVER,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    stalled.stdout!.on('data', (chunk: Buffer) => (said += chunk));
    const ended = new Promise((resolve) => stalled.once('exit', resolve));
    while (!said.includes('sent') && stalled.exitCode === null) await new Promise((res) => setTimeout(res, 20));
    const served = run(['--probe'], server!.env);
    assert.equal(served.status, 0, served.stderr);
    assert.equal(said, 'sent\n', 'served while the stalled client still waited');
    await ended;
    assert.equal(said, 'sent\ndropped\n');
  });

  it("a run streams its events through the starter's own pipes; SIGINT reaches it and it stops and saves", async () => {
    const r = longRun(server!.env);
    await r.batches;
    assert.equal(loadsTorch(r.child.pid!), false, 'the started process only waits: torch runs in the server child');
    assert.equal(childrenOf(server!.pid!).length, 1);
    r.child.kill('SIGINT');
    assert.deepEqual(await r.exited, { code: 0, signal: null }, r.stderr());
    const stopped = ofType(r.events, 'stopped')[0];
    assert.ok(stopped, `a stopped event; stderr: ${r.stderr()}`);
    assert.match(stopped.reason, /SIGINT/);
    assert.ok(existsSync(stopped.modelPath!));
    assert.deepEqual(parseLines(readFileSync(`${r.spec.runDir}/events.jsonl`, 'utf8')), r.events);
  });

  it('kill -9 of the started process ends its child too', async () => {
    const r = longRun(server!.env);
    await r.batches;
    assert.equal(childrenOf(server!.pid!).length, 1);
    r.child.kill('SIGKILL');
    assert.deepEqual(await r.exited, { code: null, signal: 'SIGKILL' });
    const deadline = Date.now() + 10_000;
    while (childrenOf(server!.pid!).length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(childrenOf(server!.pid!), [], 'the run in the server is gone');
  });

  it('a command whose environment changes how torch loads starts cold, and so does one whose server is gone', () => {
    // keras_h5 (the Keras weights reader: numpy, not torch) keeps these cold starts cheap.
    const usage = (env: NodeJS.ProcessEnv) => {
      const c = pythonModuleCommand(PYTHON!, 'modelspec_torch.keras_h5', [], env);
      return spawnSync(c.command, c.args, { cwd: PYTHON_DIR, env: c.env, encoding: 'utf8', timeout: 60_000 });
    };
    const refused = usage({ ...server!.env, OMP_NUM_THREADS: '1', MODELSPEC_DEBUG_SERVER: '1' });
    assert.match(
      refused.stderr,
      /did not take this command: its environment differs in a variable read when torch loads/,
    );
    assert.match(refused.stderr, /usage: python -m modelspec_torch\.keras_h5 FILE OUTDIR/);
    assert.equal(refused.status, 2);
    const gone = usage({ MODELSPEC_TORCH_SERVER: `${dirname(server!.env.MODELSPEC_TORCH_SERVER)}/none.sock` });
    assert.match(gone.stderr, /usage: python -m modelspec_torch\.keras_h5 FILE OUTDIR/);
    assert.equal(gone.status, 2);
    // Served, the same command gives the same.
    const served = usage(server!.env);
    assert.deepEqual([served.status, served.stderr], [2, gone.stderr]);
  });

  it('ignores Ctrl+C (a terminal sends it to the whole process group): the runs stop, it serves on', () => {
    process.kill(server!.pid!, 'SIGINT');
    const served = run(['--probe'], server!.env);
    assert.equal(served.status, 0, served.stderr);
    const state = readFileSync(`/proc/${server!.pid}/stat`, 'utf8').split(') ')[1]?.[0];
    assert.ok(state && state !== 'Z', `the server is still running (state ${state})`);
  });

  it('killed during a run: the started process ends after its run, with all of its output', async () => {
    const doomed = await startTorchServer(PYTHON!);
    assert.ok(doomed);
    // It listens, and says so, before importing torch: this run's request waits in its queue.
    assert.equal(loadsTorch(doomed.pid!), false, 'ready before torch is imported');
    const r = longRun(doomed.env);
    await r.batches;
    assert.equal(childrenOf(doomed.pid!).length, 1, 'the run sent while torch was importing is served');
    process.kill(doomed.pid!, 'SIGKILL');
    await new Promise((res) => setTimeout(res, 200));
    r.child.kill('SIGINT'); // passed on to the run, which stops and saves
    const ended = await r.exited;
    assert.deepEqual(ended, { code: 1, signal: null }, r.stderr());
    assert.match(r.stderr(), /the engine server ended while it ran this command/);
    const stopped = ofType(r.events, 'stopped')[0];
    assert.ok(stopped, 'the stopped event came before the process ended');
    assert.ok(existsSync(stopped.modelPath!));
    await doomed.close(); // waits for the killed server's end, which removes its socket folder
  });

  it('ends when its starter closes it, removing its socket', async () => {
    const socket = server!.env.MODELSPEC_TORCH_SERVER;
    assert.ok(existsSync(socket));
    await server!.close();
    assert.equal(existsSync(dirname(socket)), false);
    assert.equal(childrenOf(process.pid).includes(server!.pid!), false, 'it has ended');
  });
});
