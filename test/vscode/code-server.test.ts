// The integration suite (test/vscode/suite/) inside a real VS Code: code-server runs the
// extension under development and the suite in its Node extension host; the workbench page
// reports the suite's exit code through codeAutomationExit.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { missingPrerequisite, ROOT, runIntegrationSuite, suiteSummary } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the tests in a real VS Code: ${skip}`);

test('the integration suite passes inside code-server’s extension host', { skip, timeout: 240_000 }, async () => {
  const bundle = spawnSync(process.execPath, ['scripts/build-vscode-tests.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bundle.status, 0, bundle.stderr);
  const { code, log } = await runIntegrationSuite();
  console.log(suiteSummary(log));
  assert.equal(code, 0, `the suite failed:\n${log}`);
});
