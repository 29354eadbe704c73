// The TrainingPlan (language/analysis/plan.ts) is the only thing the consumers of a
// checked file read: the run (training/), the exports, the CLI and the extension. None of them
// calls back into the analysis's source parsing (analysis/sources.ts) or reads the untyped
// settings records (`analysis.fit.values`), where Keras's defaults would have to be applied again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { importSites } from '../helpers/import-sites';

const root = resolve(import.meta.dirname, '../..');
const CONSUMERS = ['training', 'interop/export', 'cli', 'predict', 'client/src'];
const SOURCES_MODULE = 'language/analysis/sources';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative module specifiers a file names (import/export-from, import(), require(), import types), resolved from the repository root. */
function importTargets(file: string, text: string): { line: number; target: string }[] {
  return importSites(file, text)
    .filter((site) => site.specifier.startsWith('.'))
    .map((site) => ({
      line: site.line,
      target: relative(root, resolve(dirname(file), site.specifier))
        .split(sep)
        .join('/'),
    }));
}

const consumerFiles = CONSUMERS.flatMap((d) => files(join(root, d))).map((path) => ({
  path,
  text: readFileSync(path, 'utf8'),
}));

test('no consumer of the analysis imports language/analysis/sources (the plan resolves the sources)', () => {
  assert.ok(consumerFiles.length > 50, 'expected the consumers’ sources');
  const found = consumerFiles.flatMap(({ path, text }) =>
    importTargets(path, text)
      .filter((i) => i.target === SOURCES_MODULE || i.target === `${SOURCES_MODULE}.ts`)
      .map((i) => `${relative(root, path)}:${i.line}`),
  );
  assert.deepEqual(found, [], `these read data sources around the TrainingPlan: ${found.join(', ')}`);
});

test("no consumer reads a settings block's untyped values (the plan has them, defaults applied)", () => {
  const pattern = /\b(compile|data|fit)\??\.values\b/;
  const found = consumerFiles.flatMap(({ path, text }) =>
    text
      .split('\n')
      .flatMap((line, i) =>
        pattern.test(line) && !line.trim().startsWith('//') ? [`${relative(root, path)}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
  assert.deepEqual(found, [], `read the TrainingPlan instead:\n${found.join('\n')}`);
});

test('the scan sees an import of analysis/sources and a settings read when there is one', () => {
  // The scan itself must be able to fail: the old run-spec.ts's lines.
  const file = join(root, 'training/run-spec.ts');
  const old = "import { sourceRefOf } from '../language/analysis/sources';\nconst fit = analysis.fit?.values ?? {};\n";
  assert.deepEqual(
    importTargets(file, old).map((i) => i.target),
    [SOURCES_MODULE],
  );
  assert.match(old, /\b(compile|data|fit)\??\.values\b/);
});
