// scripts/test.mjs as a process: unit files share a process (scripts/test-groups.mjs), each
// still reported under its own name, a failure (or a file that cannot load) fails the run and
// the others still run; a module two files import is loaded once for both (their bundles share
// chunks: scripts/bundle-tests.mjs); a file that leaves the shared environment changed fails under
// its own name; --isolate gives each file its own process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bundleTests } from '../../scripts/bundle-tests.mjs';
import { ENGINE_USERS, servicesFor, WORKER_USERS } from '../../scripts/test-services.mjs';

const FILES = ['first', 'second', 'broken'].map((f) => `test/fixtures/runner/${f}.test.ts`);
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(options: string[], files = FILES) {
  const out = mkdtempSync(join(tmpdir(), 'modelspec-runner-'));
  dirs.push(out);
  // Without NODE_TEST_CONTEXT, which this file's own runner sets: with it, the runner inside
  // would report to this one instead of printing.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['scripts/test.mjs', ...options, ...files], {
    encoding: 'utf8',
    env: { ...env, RUNNER_FIXTURE_OUT: out, MODELSPEC_TEST_CONCURRENCY: '1' },
    timeout: 120_000,
  });
  const pids = new Map(
    readFileSync(join(out, 'pids'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );
  const loadsFile = join(out, 'loads');
  const loads = existsSync(loadsFile) ? readFileSync(loadsFile, 'utf8').trim().split('\n') : [];
  return { ...r, pids, loads };
}

test('files share a process, each reported under its name; failures fail the run', () => {
  const r = run(['--groups', '1']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.pids.get('first'), r.pids.get('second'), 'one process ran both');
  assert.notEqual(r.pids.get('first'), undefined);
  assert.match(r.stdout, /✔ test\/fixtures\/runner\/first\.test\.ts/);
  assert.match(r.stdout, /✖ test\/fixtures\/runner\/second\.test\.ts/);
  assert.match(r.stdout, /✖ test\/fixtures\/runner\/broken\.test\.ts[\s\S]*broken\.test\.ts cannot load/);
  assert.match(r.stdout, /ℹ pass 2\n/);
  assert.deepEqual(r.loads, [`shared-module ${r.pids.get('first')}`], 'the module both files import loaded once');
});

test('--isolate: a process per file', () => {
  const r = run(['--isolate']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.notEqual(r.pids.get('first'), r.pids.get('second'));
  assert.match(r.stdout, /ℹ pass 2\n/);
  assert.equal(r.loads.length, 2, 'each process loads the module itself');
});

test('a file that leaves process.env changed fails by name, and the next file still runs', () => {
  const files = ['test/fixtures/runner/leaky.test.ts', 'test/fixtures/runner/first.test.ts'];
  const r = run(['--groups', '1'], files);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /✖ test\/fixtures\/runner\/leaky\.test\.ts[\s\S]*process\.env changed and not put back \(RUNNER_FIXTURE_LEAK\)/,
  );
  assert.match(r.stdout, /✔ test\/fixtures\/runner\/first\.test\.ts/);
});

test("the run's shared Pythons: each starts only for files that may use it", async () => {
  for (const f of [...ENGINE_USERS, ...WORKER_USERS])
    assert.ok(existsSync(f), `${f} (scripts/test-services.mjs) exists`);
  const services = async (file: string) => servicesFor(await bundleTests([file]));
  const none = { engineServer: false, worker: false };
  assert.deepEqual(await services('test/language/catalog/catalog.test.ts'), none, 'a language test');
  assert.deepEqual(await services('test/lsp/lsp.test.ts'), none, 'the language server as a process');
  const engine = { engineServer: true, worker: false };
  assert.deepEqual(await services('test/cli/cli.test.ts'), engine, 'the CLI as a process');
  assert.deepEqual(await services('test/training/tune/tune-units.test.ts'), engine, 'Optuna');
  assert.deepEqual(await services('test/helpers/python-worker.test.ts'), { engineServer: false, worker: true });
  assert.deepEqual(
    await services('test/training/torch/server.test.ts'),
    { engineServer: true, worker: true },
    'the engine, and snippets that check its outputs',
  );
});
