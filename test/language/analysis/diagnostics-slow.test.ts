// The checker's cap on diagnostics per file, on a 10 MB random file: it takes the analysis about
// 15 s on 2 cores, so it runs in `npm test` (scripts/test.mjs, SLOW) rather than in
// `npm run test:unit`. The cap on a small file is in diagnostics.test.ts.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyze } from '../../../language/analysis/analyze';
import { MAX_DIAGNOSTICS_PER_FILE } from '../../../language/analysis/diagnostics';

describe('cost limits per keystroke', () => {
  it(`a 10 MB random file gives at most ${MAX_DIAGNOSTICS_PER_FILE} diagnostics and one 'too-many-problems' counting the rest`, () => {
    let seed = 1;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const chars = new Array<string>(10_000_000);
    for (let i = 0; i < chars.length; i++) chars[i] = String.fromCharCode(next() >>> 24); // every byte value, as a random file holds
    const a = analyze(chars.join(''));
    assert.equal(a.diagnostics.length, MAX_DIAGNOSTICS_PER_FILE + 1);
    const last = a.diagnostics[MAX_DIAGNOSTICS_PER_FILE];
    assert.equal(last.code, 'too-many-problems');
    assert.equal(last.severity, 'error', 'the hidden problems include errors, so the file still fails check');
    const more = Number(
      /^([\d,]+) more problems not shown \(([\d,]+) errors/.exec(last.message)?.[1].replace(/,/g, ''),
    );
    assert.ok(more > 10_000, last.message);
    assert.match(last.message, /lists the first 200 per file/);
    assert.ok(
      last.range.start.offset >= a.diagnostics[MAX_DIAGNOSTICS_PER_FILE - 1].range.start.offset,
      'it points where the hidden ones start',
    );
  });
});
