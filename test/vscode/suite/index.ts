// The integration tests' entry point inside the extension host, as @vscode/test-electron and
// code-server's extensionTestsPath expect: run() resolves when every test passed.
// Bundled by scripts/build-vscode-tests.mjs to out/test/vscode/index.cjs; mocha itself is
// loaded from the project's node_modules at run time (its CommonJS build: mocha 12's main entry
// is an ES module, which the extension host's require() may not load).

import { createRequire } from 'node:module';
import type MochaClass from 'mocha';
import { registerExtensionTests } from './extension.suite';

export function run(): Promise<void> {
  const Mocha = createRequire(__filename)('mocha/lib/mocha.cjs') as typeof MochaClass;
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
  // Puts suite/test/suiteSetup on globalThis, as loading a spec file through mocha would.
  mocha.suite.emit('pre-require', globalThis, 'extension.suite', mocha);
  registerExtensionTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
