// The engine's thread policy on a shared machine: OpenMP's wait policy is PASSIVE unless the user
// chose one (measured: it holds up next to a busy process where the default spinning collapses;
// see modelspec_torch/contention.py), and every core stays in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pythonModuleCommand } from '../../../training/engines/python-command';
import { PYTHON, SKIP } from './helpers';

function probe(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const c = pythonModuleCommand(PYTHON!, 'modelspec_torch', ['--probe'], env);
  const r = spawnSync(c.command, c.args, { env: c.env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
}

test('the engine runs OpenMP with OMP_WAIT_POLICY=PASSIVE on every core by default', { skip: SKIP }, () => {
  const env = { ...process.env };
  delete env.OMP_WAIT_POLICY;
  delete env.MODELSPEC_TORCH_THREADS;
  const info = probe(env);
  assert.equal(info.ompWaitPolicy, 'PASSIVE');
  assert.ok(Number(info.threads) >= 1);
});

test("a user's own OMP_WAIT_POLICY is kept", { skip: SKIP }, () => {
  assert.equal(probe({ ...process.env, OMP_WAIT_POLICY: 'ACTIVE' }).ompWaitPolicy, 'ACTIVE');
});
