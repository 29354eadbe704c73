// The language core (language/) is pure: text and file headers in, plain data out.
// It must not import LSP, VS Code, the CLI, the training or export code, or the client, so that
// it stays unit-testable without a server and reusable by every face (ARCHITECTURE.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { importSites, type ImportSite } from '../helpers/import-sites';

const root = resolve(import.meta.dirname, '../..');
const core = join(root, 'language');

/** Package names and repository folders the core may not reach. */
const forbiddenPackages = [/^vscode$/, /^vscode-languageserver/, /^vscode-languageclient$/, /^vscode-jsonrpc$/];
const forbiddenFolders = ['server', 'cli', 'training', 'interop', 'predict', 'client'];

/** Why an import breaks the boundary, or undefined when it is allowed. */
export function violation(site: ImportSite): string | undefined {
  const spec = site.specifier;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = relative(root, resolve(dirname(site.file), spec))
      .split(sep)
      .join('/');
    const folder = forbiddenFolders.find((f) => target === f || target.startsWith(`${f}/`));
    return folder ? `reaches ${folder}/ (${target})` : undefined;
  }
  const bare = spec.replace(/^node:/, '');
  return forbiddenPackages.some((p) => p.test(bare)) ? `imports the package ${bare}` : undefined;
}

export function violations(
  files: { path: string; text: string }[],
  check: (site: ImportSite) => string | undefined = violation,
): string[] {
  return files.flatMap(({ path, text }) =>
    importSites(path, text).flatMap((site) => {
      const why = check(site);
      return why ? [`${relative(root, site.file)}:${site.line}: '${site.specifier}' ${why}`] : [];
    }),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(m|c)?[jt]sx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

test('the language core imports nothing from LSP, VS Code, the CLI, training, export or the client', () => {
  const files = sources(core).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  assert.ok(files.length > 20, `expected the language core's sources under ${core}`);
  const found = violations(files);
  assert.deepEqual(
    found,
    [],
    `The language core must stay pure (ARCHITECTURE.md); move the shared code into language/ or pass it in:\n${found.join('\n')}`,
  );
});

test('the boundary check catches every kind of forbidden import (synthetic files)', () => {
  const file = join(core, 'analysis/example.ts');
  const text = [
    "import { Connection } from 'vscode-languageserver/node';",
    "import * as vscode from 'vscode';",
    "import type { RunSpec } from '../../training/protocol';",
    "export { runCheck } from '../../cli/check';",
    "const m = await import('../../server/server');",
    "const c = require('../../client/src/extension');",
    "type E = import('../../interop/export/keras').Options;",
    "import { LanguageClient } from 'vscode-languageclient';",
    // Allowed: inside the core, Node built-ins, chevrotain.
    "import { parse } from '../syntax/parser';",
    "import { readFileSync } from 'node:fs';",
    "import { Lexer } from 'chevrotain';",
    "import { thing } from './training-like-name';",
  ].join('\n');
  const found = violations([{ path: file, text }]);
  assert.deepEqual(
    found.map((v) => v.split(':')[1]),
    ['1', '2', '3', '4', '5', '6', '7', '8'],
    found.join('\n'),
  );
  assert.match(found[2]!, /reaches training\//);
  assert.match(found[5]!, /reaches client\//);
});

// The data formats (data/: each format's header probe and loader) are pure file
// reading, used by the language core's checker and by training: they may use the language core's
// file-reading helpers, and nothing of LSP, VS Code, the CLI, training, the exports or the client.
const dataFolder = join(root, 'data');

test('the data formats (data/) import nothing from LSP, VS Code, the CLI, training, export or the client', () => {
  const files = sources(dataFolder).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  assert.ok(files.length >= 5, `expected the data formats' sources under ${dataFolder}`);
  const found = violations(files);
  assert.deepEqual(
    found,
    [],
    `data/ is used by the language core, so it stays as pure (ARCHITECTURE.md):\n${found.join('\n')}`,
  );
  // The check applies to this folder: a synthetic training import from it is caught.
  assert.equal(
    violations([
      { path: join(dataFolder, 'example.ts'), text: "import { prepareData } from '../training/data/prepare';" },
    ]).length,
    1,
  );
});

test('the language core reaches the data formats only through data/, not training/data', () => {
  const files = sources(core).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const usesData = files.filter(({ path, text }) =>
    importSites(path, text).some((s) => relative(root, resolve(dirname(path), s.specifier)).startsWith(`data${sep}`)),
  );
  assert.ok(
    usesData.some((f) => f.path.endsWith(join('data', 'probe.ts'))),
    'language/data/probe.ts probes through data/',
  );
});
