// Python snippets for tests, run by one warm Python per test process (test/helpers/python-worker.py)
// rather than one `python3 -c` each: every process that imports torch pays about 1.5 s of CPU for
// the import, numpy and h5py a few tenths. The worker imports the heavy modules once and forks a
// child per snippet, so each snippet still runs alone, as `python3 -c code` would: a fresh
// __main__, its own stdin, stdout, stderr and exit status, nothing left behind for the next.
// Test files that share a process (scripts/test-groups.mjs) share the worker
// (test/helpers/shared-process.ts), which the group's closer ends; a file run alone ends its own
// when the process exits (and the worker ends itself when its stdin closes, whatever the cause).
// Where the test run has a shared worker (MODELSPEC_TEST_PYTHON_WORKER, started by scripts/test.mjs
// with the torch, numpy and h5py imports done), a worker for /usr/bin/python3 is a connection to
// it instead of a process: the snippets run just the same, in children forked for this connection.

import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { setChildRef } from '../../common/child-ref';
import { sharedProcess } from './shared-process';

const WORKER_SCRIPT = resolve(import.meta.dirname, 'python-worker.py');
/** `python3 script args` inside a snippet: sys.argv and sys.path[0] as Python gives them to a script. */
const RUN_SCRIPT = [
  'import os, runpy, sys',
  'sys.argv = sys.argv[1:]',
  'sys.path[0] = os.path.dirname(os.path.realpath(sys.argv[0]))',
  "runpy.run_path(sys.argv[0], run_name='__main__')",
].join('\n');
/** How long a worker may take to import its modules before its first snippet. */
const START_TIMEOUT_MS = 120_000;

export interface PythonWorkerOptions {
  /** The interpreter. */
  python: string;
  /** Modules imported once, before any snippet (`torch`, `numpy`, `h5py`). */
  preload: string[];
  /** The snippets' working folder. */
  cwd: string;
  /** The snippets' environment (the worker's own). */
  env: NodeJS.ProcessEnv;
  /** A process of its own even where the test run has a shared worker (its own tests). */
  own?: boolean;
}

export interface SnippetOptions {
  /** The snippet's stdin. */
  input?: string;
  /** sys.argv[1:]. */
  args?: string[];
  /** Killed (SIGKILL) after this long; default 60 s, as the spawnSync calls these replace. */
  timeoutMs?: number;
}

/** What `python3 -c code` gives: its output, and its exit status or the signal that ended it. */
export interface SnippetResult {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: string | null;
  timedOut: boolean;
}

interface Answer extends SnippetResult {
  id: number;
}

/** The run's shared worker: its socket, interpreter and what it has imported (scripts/test.mjs). */
interface SharedWorker {
  socket: string;
  python: string;
  loaded: string[];
}

function sharedWorker(): SharedWorker | undefined {
  const given = process.env.MODELSPEC_TEST_PYTHON_WORKER;
  return given ? (JSON.parse(given) as SharedWorker) : undefined;
}

/** How a PythonWorker talks to its worker: a process of its own, or a connection to the shared one. */
interface Channel {
  input: Writable;
  output: Readable;
  /** Resolves with why it ended (the process exited, the connection closed). */
  ended: Promise<string>;
  describe: string;
  kill(): void;
  hold(held: boolean): void;
  isEnded(): boolean;
}

function processChannel(options: PythonWorkerOptions, onStderr: (text: string) => void): Channel {
  const child = spawn(options.python, [WORKER_SCRIPT, ...options.preload], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => onStderr(chunk.toString('utf8')));
  const ended = new Promise<string>((res) => {
    child.on('error', (e) => res(`could not start: ${e.message}`));
    child.on('exit', (code, signal) => res(`ended (${signal ?? `status ${code}`})`));
  });
  return {
    input: child.stdin!,
    output: child.stdout!,
    ended,
    describe: `${options.python} ${WORKER_SCRIPT} ${options.preload.join(' ')}`,
    kill: () => child.kill('SIGKILL'),
    hold: (held) => setChildRef(child, held),
    isEnded: () => child.exitCode !== null || child.signalCode !== null,
  };
}

function connectionChannel(shared: SharedWorker, options: PythonWorkerOptions): Channel {
  const socket = createConnection(shared.socket);
  let closed = false;
  const ended = new Promise<string>((res) => {
    socket.on('error', (e) => res(`connection failed: ${e.message}`));
    socket.on('close', () => {
      closed = true;
      res('ended (its connection closed)');
    });
  });
  // The connection's first line: where and with what environment its snippets run.
  socket.write(`${JSON.stringify({ cwd: options.cwd, env: options.env })}\n`);
  return {
    input: socket,
    output: socket,
    ended,
    describe: `the test run's shared Python worker (${shared.socket})`,
    kill: () => socket.destroy(),
    hold: (held) => (held ? socket.ref() : socket.unref()),
    isEnded: () => closed,
  };
}

/** One warm Python; snippets run one after another, each in its own forked child. */
export class PythonWorker {
  private readonly channel: Channel;
  private readonly ready: Promise<void>;
  private readonly waiting = new Map<number, (answer: Answer | undefined) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private stderr = '';
  private ended: Error | undefined;
  private readonly onExit = () => this.channel.kill();

  constructor(readonly options: PythonWorkerOptions) {
    const shared = sharedWorker();
    this.channel =
      shared &&
      !options.own &&
      shared.python === options.python &&
      options.preload.every((m) => shared.loaded.includes(m))
        ? connectionChannel(shared, options)
        : processChannel(options, (text) => {
            this.stderr = (this.stderr + text).slice(-8192);
          });
    // A worker left running by a test that failed or a process that exits early dies with it.
    process.once('exit', this.onExit);
    let started: () => void;
    let failed: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      started = res;
      failed = rej;
    });
    const lines = createInterface({ input: this.channel.output });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as Answer | { ready: true };
      if ('ready' in message) return started();
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
    void this.channel.ended.then((why) => {
      this.ended ??= new Error(`the test Python worker (${this.channel.describe}) ${why}; its stderr:\n${this.stderr}`);
      failed(this.ended);
      for (const settle of this.waiting.values()) settle(undefined);
      process.off('exit', this.onExit);
      this.channel.hold(false);
    });
    const startTimer = setTimeout(() => {
      this.ended ??= new Error(
        `the test Python worker (${this.channel.describe}) did not import ${options.preload.join(', ')} within ${START_TIMEOUT_MS / 1000} s`,
      );
      failed(this.ended);
      this.channel.kill();
    }, START_TIMEOUT_MS);
    void this.ready.then(
      () => clearTimeout(startTimer),
      () => clearTimeout(startTimer),
    );
    // An idle worker does not keep the test process alive; a snippet in flight does (run()).
    this.channel.hold(false);
  }

  /** Runs `code` as `python3 -c code` would; resolves with its result (a failure is a result too). */
  run(code: string, options: SnippetOptions = {}): Promise<SnippetResult> {
    const result = this.queue.then(() => this.send(code, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs the script at `path` as `python3 path args...` would (sys.argv, __file__, sys.path[0]
   * the script's folder), in a child of the warm worker.
   */
  runScript(path: string, args: string[] = [], options: Omit<SnippetOptions, 'args'> = {}): Promise<SnippetResult> {
    return this.run(RUN_SCRIPT, { ...options, args: [path, ...args] });
  }

  private async send(code: string, options: SnippetOptions): Promise<SnippetResult> {
    this.channel.hold(true);
    try {
      await this.ready;
      if (this.ended) throw this.ended;
      const id = this.nextId++;
      const timeoutMs = options.timeoutMs ?? 60_000;
      const answer = new Promise<Answer>((res, rej) => {
        // The worker kills a snippet past its timeout itself; this is for a worker that hangs.
        const backstop = setTimeout(() => {
          this.channel.kill();
          rej(new Error(`the test Python worker did not answer within ${timeoutMs / 1000 + 30} s`));
        }, timeoutMs + 30_000);
        this.waiting.set(id, (a) => {
          clearTimeout(backstop);
          if (a) res(a);
          else rej(this.ended);
        });
      });
      const request = { id, code, input: options.input ?? '', args: options.args ?? [], timeout: timeoutMs / 1000 };
      this.channel.input.write(`${JSON.stringify(request)}\n`);
      const { id: _, ...result } = await answer;
      return result;
    } finally {
      this.channel.hold(false);
    }
  }

  /** Ends the worker (and a snippet it is running) and waits for it to go. */
  async close(): Promise<void> {
    if (this.channel.isEnded()) return;
    this.channel.input.end(); // the worker exits when its stdin (or connection) ends
    const kill = setTimeout(() => this.channel.kill(), 5_000);
    await this.channel.ended;
    clearTimeout(kill);
  }
}

/** The environment as the test file loaded: tests change it only inside a test (withEnv). */
const LOADED_ENV = { ...process.env };

/**
 * The worker for these options in this test process: shared by the files of a group (closed by
 * its last hook), else this file's own (ended when the process exits). By default Debian's
 * /usr/bin/python3, in the current folder, with the environment the test file loaded with.
 */
export function pythonWorker(given: Pick<PythonWorkerOptions, 'preload'> & Partial<PythonWorkerOptions>): PythonWorker {
  const options: PythonWorkerOptions = { python: '/usr/bin/python3', cwd: process.cwd(), env: LOADED_ENV, ...given };
  const shared = sharedProcess();
  const key = `python-worker ${JSON.stringify(options)}`;
  const existing = shared?.resources.get(key) ?? local.get(key);
  if (existing) return existing as PythonWorker;
  const worker = new PythonWorker(options);
  if (shared) {
    shared.resources.set(key, worker);
    shared.closers.push(() => worker.close());
  } else local.set(key, worker);
  return worker;
}

const local = new Map<string, PythonWorker>();
