import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendChoices, backendTarget, loadBackendChoices, RESTRICTED_NOTICE } from '../../client/src/backend-choices';

test('every backend is listed; a missing engine says why', () => {
  const choices = backendChoices([
    { engine: 'torch', available: false, detail: 'PyTorch not found (python3: not found)' },
    { engine: 'tfjs', available: true, device: 'wasm', detail: 'TensorFlow.js on WebAssembly' },
  ]);
  assert.deepEqual(
    choices.map((c) => [c.value, c.available]),
    [
      ['auto', true],
      ['tfjs', true],
      ['torch', false],
    ],
  );
  const torch = choices.find((c) => c.value === 'torch')!;
  assert.match(torch.description!, /not available/);
  assert.equal(torch.detail, 'PyTorch not found (python3: not found)');
  assert.equal(choices.find((c) => c.value === 'tfjs')!.description, 'TensorFlow.js · wasm');
});

test('Restricted Mode: nothing is probed; every engine is listed unprobed, with the reason', async () => {
  let probes = 0;
  const probe = async () => {
    probes++;
    return [{ engine: 'tfjs' as const, available: true, device: 'wasm', detail: 'TensorFlow.js on WebAssembly' }];
  };
  const restricted = await loadBackendChoices(false, probe);
  assert.equal(probes, 0, 'an untrusted workspace runs no probe (no Python, no CLI)');
  assert.equal(restricted.notice, RESTRICTED_NOTICE);
  assert.match(restricted.notice!, /Restricted Mode.*runs Python.*Trust the workspace/);
  assert.deepEqual(
    restricted.choices.map((c) => [c.value, c.available, c.description]),
    [
      ['auto', true, "the file's fit.backend, else the fastest engine here"],
      ['tfjs', true, 'TensorFlow.js · not probed'],
      ['torch', true, 'PyTorch · not probed'],
    ],
  );
  assert.ok(restricted.choices.slice(1).every((c) => c.detail === RESTRICTED_NOTICE));

  const trusted = await loadBackendChoices(true, probe);
  assert.equal(probes, 1, 'a trusted workspace probes once');
  assert.equal(trusted.notice, undefined);
  assert.equal(trusted.choices.find((c) => c.value === 'tfjs')!.description, 'TensorFlow.js · wasm');
  assert.equal(trusted.choices.find((c) => c.value === 'torch')!.available, false);
});

test("the picked backend goes to the user's settings unless the workspace already sets it", () => {
  // Nothing set, or only a user value: the user's settings (nothing written into the folder).
  assert.equal(backendTarget(undefined), 'user');
  assert.equal(backendTarget({}), 'user');
  assert.equal(backendTarget({ workspaceValue: undefined }), 'user');
  // The workspace sets it: the user chose the workspace, and a user value would be hidden by it.
  assert.equal(backendTarget({ workspaceValue: 'tfjs' }), 'workspace');
});
