// The warm Python for test snippets (test/helpers/python-worker.ts) gives what `python3 -c` gives:
// the same stdout, stderr (a traceback included) and exit status, sys.argv and stdin; nothing a
// snippet does reaches the next; a snippet past its timeout is killed and the worker goes on; and
// closing the worker ends its process. Each result is compared with a real `python3 -c` run. All
// of it holds for a worker of its own and, where the test run has one, for a connection to the
// run's shared worker (MODELSPEC_TEST_PYTHON_WORKER).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PythonWorker, type SnippetResult } from './python-worker';

const PYTHON = '/usr/bin/python3';
const SKIP = existsSync(PYTHON) ? false : `${PYTHON} not found`;
const ENV = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };

/** The same snippet as its own `python3 -c` process. */
function direct(code: string, input = '', args: string[] = []): Omit<SnippetResult, 'timedOut'> {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { env: ENV, encoding: 'utf8', input });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
}

/** Whether a process with this id is alive (and not a zombie). */
function alive(pid: number): boolean {
  const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
}

const SHARED = process.env.MODELSPEC_TEST_PYTHON_WORKER ? false : 'the test run has no shared worker';

for (const own of [true, false])
  describe(
    `the warm Python worker for test snippets (${own ? 'a process of its own' : "a connection to the run's shared worker"})`,
    { skip: SKIP || (!own && SHARED) },
    () => {
      // numpy: a heavy import done once in the worker, as torch is for the engine's snippets.
      const worker = new PythonWorker({ python: PYTHON, preload: ['numpy'], cwd: process.cwd(), env: ENV, own });
      after(() => worker.close());

      const SNIPPETS: { what: string; code: string; input?: string; args?: string[] }[] = [
        { what: 'output on stdout and stderr', code: 'import sys\nprint("out")\nprint("err", file=sys.stderr)' },
        { what: 'non-ASCII text', code: 'print("naïve → ü ✓")' },
        {
          what: 'an uncaught exception: its traceback and status 1',
          code: 'def f():\n    raise ValueError("boom")\nprint("before")\nf()',
        },
        { what: 'a syntax error', code: 'print(' },
        { what: 'sys.exit with a status', code: 'import sys\nprint("x")\nsys.exit(3)' },
        { what: 'sys.exit with a message', code: 'import sys\nsys.exit("bad input")' },
        {
          what: '__name__, sys.argv and stdin',
          code: 'import sys\nprint(__name__, sys.argv, sys.stdin.read(), sys.path)',
          input: 'fed',
          args: ['a', 'b c'],
        },
        {
          what: 'output written below Python (os.write)',
          code: 'import os\nos.write(1, b"raw\\n")\nos.write(2, b"raw err\\n")',
        },
        {
          what: 'numpy, imported by the worker beforehand',
          code: 'import numpy as np\nprint(np.arange(6).reshape(2, 3).sum(0).tolist())',
        },
      ];
      for (const s of SNIPPETS) {
        it(`gives what python3 -c gives: ${s.what}`, async () => {
          const got = await worker.run(s.code, { input: s.input, args: s.args });
          assert.deepEqual(
            { ...got, timedOut: undefined },
            { ...direct(s.code, s.input, s.args), timedOut: undefined },
          );
          assert.equal(got.timedOut, false);
        });
      }

      it('runs a script as python3 SCRIPT ARGS would: sys.argv, __file__, sys.path', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'python-worker-'));
        const script = join(dir, 'script.py');
        writeFileSync(script, 'import sys\nprint(__name__, __file__, sys.argv, sys.path)\nsys.exit(len(sys.argv))\n');
        const got = await worker.runScript(script, ['x', 'y z']);
        const r = spawnSync(PYTHON, [script, 'x', 'y z'], { env: ENV, encoding: 'utf8' });
        assert.deepEqual(
          { stdout: got.stdout, stderr: got.stderr, status: got.status },
          { stdout: r.stdout, stderr: r.stderr, status: r.status },
        );
      });

      it('runs each snippet on its own: nothing one leaves reaches the next', async () => {
        const first = await worker.run('import json, numpy\nleft = 1\njson.left = 2\nnumpy.left = 3\nprint("set")');
        assert.equal(first.stdout, 'set\n');
        const second = await worker.run(
          "import json, numpy\nprint('left' in globals(), hasattr(json, 'left'), hasattr(numpy, 'left'))",
        );
        assert.equal(second.stdout, 'False False False\n', second.stderr);
      });

      it('kills a snippet past its timeout, says so, and runs the next', async () => {
        const t0 = performance.now();
        const hung = await worker.run('import time\nprint("started", flush=True)\ntime.sleep(60)', { timeoutMs: 500 });
        assert.ok(performance.now() - t0 < 10_000, 'answered long before the snippet would end');
        assert.equal(hung.timedOut, true);
        assert.equal(hung.signal, 'SIGKILL');
        assert.equal(hung.status, null);
        assert.equal(hung.stdout, 'started\n');
        assert.equal((await worker.run('print("next")')).stdout, 'next\n');
      });

      it('ends its process on close, and a snippet in flight with it', async () => {
        const closing = new PythonWorker({ python: PYTHON, preload: [], cwd: process.cwd(), env: ENV, own });
        const pids = await closing.run('import os\nprint(os.getppid(), os.getpid())');
        const [workerPid, firstChild] = pids.stdout.trim().split(' ').map(Number) as [number, number];
        assert.ok(alive(workerPid), 'the worker runs until closed');
        assert.ok(!alive(firstChild), 'a snippet child ends with its snippet');
        // A snippet still running when the worker is closed goes with it.
        const running = closing.run('import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(60)');
        await new Promise((r) => setTimeout(r, 300));
        const childPid = Number(
          spawnSync('pgrep', ['-P', String(workerPid)], { encoding: 'utf8' })
            .stdout.trim()
            .split('\n')[0],
        );
        assert.ok(childPid > 0 && alive(childPid), 'the snippet runs in a child of the worker');
        await closing.close();
        await assert.rejects(running, /test Python worker .* ended/);
        assert.ok(!alive(workerPid), 'the worker is gone');
        for (let i = 0; i < 50 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 20));
        assert.ok(!alive(childPid), 'its snippet is gone');
      });
    },
  );
