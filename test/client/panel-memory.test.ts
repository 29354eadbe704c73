import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PanelMemory } from '../../client/src/panel/panel-memory';

test('the panel’s run folder is remembered in a file, read back by a new instance', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'panel-memory-')), 'storage', 'training-panel.json');
  assert.equal(new PanelMemory(file).recall(), undefined);
  new PanelMemory(file).remember('/ws/runs/m/20261127-081502');
  assert.equal(new PanelMemory(file).recall(), '/ws/runs/m/20261127-081502');
  assert.equal(new PanelMemory(undefined).recall(), undefined);
});
