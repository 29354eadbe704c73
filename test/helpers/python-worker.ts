// Python snippets for tests, run by one warm Python per test process (test/helpers/python-worker.py)
// rather than one `python3 -c` each: every process that imports torch pays about 1.5 s of CPU for
// the import, numpy and h5py a few tenths. The worker imports the heavy modules once and forks a
// child per snippet, so each snippet still runs alone, as `python3 -c code` would: a fresh
// __main__, its own stdin, stdout, stderr and exit status, nothing left behind for the next.
// Test files that share a process (scripts/test-groups.mjs) share the worker
// (test/helpers/shared-process.ts), which the group's closer ends; a file run alone ends its own
// when the process exits (and the worker ends itself when its stdin closes, whatever the cause).

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
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

/** One warm Python; snippets run one after another, each in its own forked child. */
export class PythonWorker {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private stderr = '';
  private ended: Error | undefined;
  private readonly onExit = () => this.child.kill('SIGKILL');

  constructor(readonly options: PythonWorkerOptions) {
    this.child = spawn(options.python, [WORKER_SCRIPT, ...options.preload], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A worker left running by a test that failed or a process that exits early dies with it.
    process.once('exit', this.onExit);
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8192);
    });
    let started: () => void;
    let failed: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      started = res;
      failed = rej;
    });
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as Answer | { ready: true };
      if ('ready' in message) return started();
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
    const end = (why: string) => {
      this.ended ??= new Error(
        `the test Python worker (${options.python} ${WORKER_SCRIPT} ${options.preload.join(' ')}) ${why}; its stderr:\n${this.stderr}`,
      );
      failed(this.ended);
      process.off('exit', this.onExit);
      setChildRef(this.child, false);
    };
    this.child.on('error', (e) => end(`could not start: ${e.message}`));
    this.child.on('exit', (code, signal) => end(`ended (${signal ?? `status ${code}`})`));
    const startTimer = setTimeout(() => {
      end(`did not import ${options.preload.join(', ')} within ${START_TIMEOUT_MS / 1000} s`);
      this.child.kill('SIGKILL');
    }, START_TIMEOUT_MS);
    void this.ready.then(
      () => clearTimeout(startTimer),
      () => clearTimeout(startTimer),
    );
    // An idle worker does not keep the test process alive; a snippet in flight does (run()).
    setChildRef(this.child, false);
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
    setChildRef(this.child, true);
    try {
      await this.ready;
      if (this.ended) throw this.ended;
      const id = this.nextId++;
      const timeoutMs = options.timeoutMs ?? 60_000;
      const answer = new Promise<Answer>((res, rej) => {
        // The worker kills a snippet past its timeout itself; this is for a worker that hangs.
        const backstop = setTimeout(() => {
          this.child.kill('SIGKILL');
          rej(new Error(`the test Python worker did not answer within ${timeoutMs / 1000 + 30} s`));
        }, timeoutMs + 30_000);
        const onExit = () => {
          clearTimeout(backstop);
          rej(this.ended);
        };
        this.child.once('exit', onExit);
        this.waiting.set(id, (a) => {
          clearTimeout(backstop);
          this.child.off('exit', onExit);
          res(a);
        });
      });
      const request = { id, code, input: options.input ?? '', args: options.args ?? [], timeout: timeoutMs / 1000 };
      this.child.stdin!.write(`${JSON.stringify(request)}\n`);
      const { id: _, ...result } = await answer;
      return result;
    } finally {
      setChildRef(this.child, false);
    }
  }

  /** Ends the worker (and a snippet it is running) and waits for it to go. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.stdin!.end(); // the worker exits when its stdin ends
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
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
