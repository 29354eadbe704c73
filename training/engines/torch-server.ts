// The PyTorch engine's fork server (python/modelspec_torch/server.py): one Python with torch
// loaded that forks a child for each engine command, so a command starts in a tenth of a second
// instead of the second or two of importing torch. A command uses it when its environment holds
// MODELSPEC_TORCH_SERVER (the server's socket): python/modelspec_start.py hands the command over
// and waits, keeping the process, pipes, exit code and signals that whoever started it expects.
// `modelspec tune` starts one for its trials; the test runner starts one for a test run.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setChildRef } from '../../common/child-ref';
import { pythonModuleCommand } from './python-command';

/** The variable that names a running server's socket to the engine commands started with it. */
export const TORCH_SERVER_ENV = 'MODELSPEC_TORCH_SERVER';
const READY = 'modelspec-server-ready'; // server.py's READY

export interface TorchServer {
  /** The variable to give engine commands (a tune trial's environment, the test processes'). */
  env: { [TORCH_SERVER_ENV]: string };
  pid: number | undefined;
  /** Ends the server once the commands it is running have ended; resolves when it has, its socket folder removed. */
  close(): Promise<void>;
}

/**
 * Starts a server for `python` (an interpreter with torch); resolves once it listens, or with
 * undefined (and `why` told) when it cannot start: commands then start cold, as without one.
 * It does not keep this process alive; when this process ends, the server sees its stdin close
 * and ends after its running commands.
 */
export function startTorchServer(
  python: string,
  options: { idleSeconds?: number; requestSeconds?: number; why?: (message: string) => void } = {},
): Promise<TorchServer | undefined> {
  // mkdtemp makes the folder 0700: only this user can reach the socket, which runs what it is sent.
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-engine-'));
  const socket = join(dir, 'server.sock');
  const { command, args, env } = pythonModuleCommand(python, 'modelspec_torch.server', [socket]);
  delete env[TORCH_SERVER_ENV]; // the server itself starts cold
  if (options.idleSeconds !== undefined) env.MODELSPEC_SERVER_IDLE = String(options.idleSeconds);
  // How long a connection may take to send its whole request before it is dropped.
  if (options.requestSeconds !== undefined) env.MODELSPEC_SERVER_REQUEST_SECONDS = String(options.requestSeconds);
  const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  child.once('exit', cleanup);
  child.stdin?.on('error', () => undefined);
  return new Promise((resolve) => {
    let seen = '';
    const fail = (message: string) => {
      options.why?.(`the PyTorch engine server did not start (${message}); each run starts its own Python`);
      child.kill();
      cleanup();
      resolve(undefined);
    };
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`${python} ended with ${signal ?? `exit code ${code}`}: ${seen.trim()}`));
    child.stderr?.on('data', (chunk: Buffer) => {
      // Kept short: what is left once it is ready is only read (never piles up in the pipe).
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (!seen.includes(READY)) return;
      child.removeAllListeners('exit');
      child.once('exit', cleanup);
      seen = '';
      // Held while it starts (the caller awaits it); once ready, it holds nothing open.
      setChildRef(child, false);
      resolve({
        env: { [TORCH_SERVER_ENV]: socket },
        pid: child.pid,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            setChildRef(child, true); // held until it has ended, for whoever awaits this
            child.stdin?.end();
          }),
      });
    });
  });
}
