import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendChoices } from '../../client/src/backend-choices';

test('every backend is listed; a missing engine says why', () => {
  const choices = backendChoices([
    { engine: 'torch', available: false, detail: 'PyTorch not found (python3: not found)' },
    { engine: 'tfjs', available: true, device: 'wasm', detail: 'TensorFlow.js on WebAssembly' },
  ]);
  assert.deepEqual(choices.map((c) => [c.value, c.available]), [['auto', true], ['tfjs', true], ['torch', false]]);
  const torch = choices.find((c) => c.value === 'torch')!;
  assert.match(torch.description!, /not available/);
  assert.equal(torch.detail, 'PyTorch not found (python3: not found)');
  assert.equal(choices.find((c) => c.value === 'tfjs')!.description, 'TensorFlow.js · wasm');
});
