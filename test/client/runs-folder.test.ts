import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { listRuns, runLabel, runsRoot } from '../../client/src/runs-folder';

test('the runs root defaults to runs/ next to the file, like the CLI', () => {
  assert.equal(runsRoot('/ws/models/a.model', '', '/ws'), '/ws/models/runs');
  assert.equal(runsRoot('/ws/models/a.model', 'out/runs', '/ws'), '/ws/out/runs');
  assert.equal(runsRoot('/ws/models/a.model', '/abs/runs', '/ws'), '/abs/runs');
});

test('run folders of a model, newest first, only those with events', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  for (const name of ['20261127-081502', '20261128-090000', 'empty']) {
    mkdirSync(join(root, 'm', name), { recursive: true });
    if (name !== 'empty') writeFileSync(join(root, 'm', name, 'events.jsonl'), '');
  }
  mkdirSync(join(root, 'other', '20261129-000000'), { recursive: true });
  writeFileSync(join(root, 'other', '20261129-000000', 'events.jsonl'), '');
  assert.deepEqual(listRuns(root, 'm'), [
    { runDir: join(root, 'm', '20261128-090000'), label: '2026-11-28 09:00:00' },
    { runDir: join(root, 'm', '20261127-081502'), label: '2026-11-27 08:15:02' },
  ]);
  assert.deepEqual(listRuns(root, 'missing'), []);
});

test('runs started in the same second (suffixed -2, -3, … by the CLI) are listed apart, newest first', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  for (const name of ['20261128-090000', '20261128-090000-2', '20261128-090000-10', '20261128-090001']) {
    mkdirSync(join(root, 'm', name), { recursive: true });
    writeFileSync(join(root, 'm', name, 'events.jsonl'), '');
  }
  assert.deepEqual(listRuns(root, 'm'), [
    { runDir: join(root, 'm', '20261128-090001'), label: '2026-11-28 09:00:01' },
    { runDir: join(root, 'm', '20261128-090000-10'), label: '2026-11-28 09:00:00 (10)' },
    { runDir: join(root, 'm', '20261128-090000-2'), label: '2026-11-28 09:00:00 (2)' },
    { runDir: join(root, 'm', '20261128-090000'), label: '2026-11-28 09:00:00' },
  ]);
});

test('labels read the timestamp', () => {
  assert.equal(runLabel('20261127-081502'), '2026-11-27 08:15:02');
  assert.equal(runLabel('custom'), 'custom');
});
