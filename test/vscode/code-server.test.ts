// The integration suite (test/vscode/suite/) inside a real VS Code: code-server runs the
// extension under development and the suite in its Node extension host; the workbench page
// reports the suite's exit code through codeAutomationExit.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { missingPrerequisite, ROOT, runIntegrationSuite, suiteSummary } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the tests in a real VS Code: ${skip}`);

test('the integration suite passes inside code-server’s extension host', { skip, timeout: 900_000 }, async () => {
  const bundle = spawnSync(process.execPath, ['scripts/build-vscode-tests.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bundle.status, 0, bundle.stderr);
  const { code, log, hostLogs } = await runIntegrationSuite();
  console.log(suiteSummary(log));
  assert.equal(code, 0, `the suite failed:\n${log}`);
  // The suite trains a model: VS Code must have nothing to say about how the extension reads its
  // settings (a window setting read for a resource) or registers providers (a selector without a scheme).
  assert.match(hostLogs, /\S/, 'the extension host wrote a log');
  const warnings = hostLogs
    .split('\n')
    .filter(
      (l) =>
        /modelspec/i.test(l) &&
        /Accessing a (window|resource) scoped configuration|without a scheme|document selector/i.test(l),
    );
  assert.deepEqual(warnings, []);
});
