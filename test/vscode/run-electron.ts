// The same integration suite in desktop VS Code, for machines that can download it
// (@vscode/test-electron fetches a VS Code build; that needs the internet, so it is not part of
// `npm test`; code-server.test.ts runs the suite here instead).
//
//   node scripts/build.mjs && node scripts/build-vscode-tests.mjs && node --import tsx test/vscode/run-electron.ts

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace, ROOT } from './code-server';

const workspace = makeWorkspace();
try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'test', 'vscode', 'index.cjs'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`the integration suite failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
