// The latest range test of a model (client/src/lr-find-results.ts), which the optimizer's quick
// fix offers: the newest folder with a suggestion wins; broken or suggestion-less results are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestLrFind } from '../../client/src/lr-find-results';
import { listRuns } from '../../client/src/runs-folder';

function result(root: string, name: string, body: string): void {
  mkdirSync(join(root, 'm', name), { recursive: true });
  writeFileSync(join(root, 'm', name, 'lr-find.json'), body);
  writeFileSync(join(root, 'm', name, 'events.jsonl'), '{"type":"started"}\n');
}

const suggestion = (lr: number) =>
  JSON.stringify({
    engine: 'torch',
    suggestion: { suggested: lr, rule: 'steepest', steepest: lr, minimum: 0.05, minimumOver10: 0.005 },
  });

test('the newest range test with a suggestion is the one offered', () => {
  const root = mkdtempSync(join(tmpdir(), 'lr-results-'));
  assert.equal(latestLrFind(root, 'm'), undefined);
  result(root, 'lr-find-20261203-100000', suggestion(1e-3));
  result(root, 'lr-find-20261203-110000', suggestion(2e-3));
  result(root, 'lr-find-20261203-110000-2', suggestion(3e-3));
  result(root, 'lr-find-20261203-120000', JSON.stringify({ suggestion: null, problem: 'too few points' }));
  result(root, 'lr-find-20261203-130000', '{ not json');
  const latest = latestLrFind(root, 'm');
  assert.equal(latest?.suggestion.suggested, 3e-3);
  assert.equal(latest?.engine, 'torch');
  assert.equal(latest?.folder, join(root, 'm', 'lr-find-20261203-110000-2'));
});

test("range tests are not runs: Open Run… and the panel's run list leave them out", () => {
  const root = mkdtempSync(join(tmpdir(), 'lr-results-'));
  result(root, 'lr-find-20261203-100000', suggestion(1e-3));
  mkdirSync(join(root, 'm', '20261203-100500'));
  writeFileSync(join(root, 'm', '20261203-100500', 'events.jsonl'), '{"type":"started"}\n');
  assert.deepEqual(
    listRuns(root, 'm').map((r) => r.label),
    ['2026-12-03 10:05:00'],
  );
});
