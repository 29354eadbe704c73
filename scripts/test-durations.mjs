// A test reporter for `node scripts/test.mjs --durations`: per test file, the time its top-level
// tests took (their durations summed; a file's tests run one after another) and the span from its
// first to its last result as seen here, slowest first. Module loading is in neither: a file that
// loads slowly shows as a late first result, so the report also gives each file's first result
// time from the start of the run.
// Files that share a process (scripts/test-groups.mjs) report under their group's entry, where
// each top-level result is a whole file, named after it; the results nested in it come first.
import { fileOfResult, isGroupEntry } from './test-groups.mjs';

export default async function* durations(source) {
  const start = Date.now();
  const files = new Map();
  const groupFirst = new Map(); // group entry -> time of the first result of the file running there
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const now = Date.now() - start;
    const grouped = event.data.file !== undefined && isGroupEntry(event.data.file);
    if (grouped && event.data.nesting > 0) {
      if (!groupFirst.has(event.data.file)) groupFirst.set(event.data.file, now);
      continue;
    }
    const file = fileOfResult(event.data); // the .ts, not its bundle
    const first = grouped ? (groupFirst.get(event.data.file) ?? now) : now;
    if (grouped) groupFirst.delete(event.data.file);
    const f = files.get(file) ?? { tests: 0, first, last: now, fail: 0 };
    f.last = now;
    // A file's own top-level results (nesting 0); describe() blocks sum their children already.
    if (event.data.nesting === 0) f.tests += event.data.details?.duration_ms ?? 0;
    if (event.type === 'test:fail' && event.data.nesting === 0 && event.data.todo === undefined) f.fail++; // a todo's failure is expected
    files.set(file, f);
  }
  const rows = [...files.entries()].sort((a, b) => b[1].tests - a[1].tests);
  const total = rows.reduce((s, [, f]) => s + f.tests, 0);
  yield `\nPer file (tests' own time, slowest first; total ${(total / 1000).toFixed(1)} s over ${rows.length} files, wall ${((Date.now() - start) / 1000).toFixed(1)} s):\n`;
  for (const [file, f] of rows) {
    yield `${(f.tests / 1000).toFixed(1).padStart(7)} s  first result at ${(f.first / 1000).toFixed(1).padStart(6)} s  ${file}${f.fail ? `  (${f.fail} failed)` : ''}\n`;
  }
}
