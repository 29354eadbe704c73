// A test reporter that scripts/test.mjs always adds: each file's time (its top-level results'
// durations summed) as JSON, which the runner keeps in out/test-bundles/timings.json so that the
// next run can split the shared-process groups evenly (scripts/test-groups.mjs, balance).
import { fileOfResult } from './test-groups.mjs';

export default async function* timings(source) {
  const seconds = {};
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || event.data.nesting !== 0) continue;
    const file = fileOfResult(event.data);
    seconds[file] = (seconds[file] ?? 0) + (event.data.details?.duration_ms ?? 0) / 1000;
  }
  yield JSON.stringify(seconds);
}
