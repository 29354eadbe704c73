// `modelspec check` on files with search spaces (LANGUAGE.md, "Search spaces and the tune block"),
// as a process: the example search checks clean, and a point of a space that breaks the model is
// reported like any error, its message naming the point and its caret under the space.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('modelspec check with search spaces', () => {
  before(() => ensureBuilt());

  it('checks the example search clean', () => {
    const r = run('check', 'examples/digits-search.model');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 file checked: 0 errors, 0 warnings/);
  });

  it('reports the point that breaks, with the caret under the space', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-cli-'));
    const path = join(dir, 'search.model');
    const text = readFileSync('examples/digits-search.model', 'utf8').replace(
      "Dense(10, activation='softmax')",
      "Dense(Choice(10, 12), activation='softmax')",
    );
    writeFileSync(path, text);
    const r = run('check', path);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) =>
      l.startsWith(`${path}:8:11: error class-count-mismatch: units=Choice(10, 12): with 12, `),
    );
    assert.ok(head >= 0, r.stdout);
    assert.equal(lines[head + 1], "8 |     Dense(Choice(10, 12), activation='softmax')");
    assert.equal(lines[head + 2], '  |           ^~~~~~~~~~~~~~');
    const json = JSON.parse(run('check', '--json', path).stdout) as {
      diagnostics: { code: string; message: string }[];
    }[];
    assert.deepEqual(
      json[0].diagnostics.map((d) => d.code),
      ['class-count-mismatch'],
    );
  });
});
