// The integration suite (test/vscode/suite/) inside a real VS Code: code-server runs the
// extension under development and the suite in its Node extension host; the workbench page
// reports the suite's exit code through codeAutomationExit.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchChromium, makeWorkspace, missingPrerequisite, ROOT, startCodeServer, type CodeServer } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the tests in a real VS Code: ${skip}`);

test('the integration suite passes inside code-server’s extension host', { skip, timeout: 240_000 }, async () => {
  const bundle = spawnSync(process.execPath, ['scripts/build-vscode-tests.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bundle.status, 0, bundle.stderr);

  const workspace = makeWorkspace();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const hostLog: string[] = [];
  try {
    server = await startCodeServer();
    browser = await launchChromium();
    page = await browser.newPage();
    let exit!: (code: number) => void;
    const exitCode = new Promise<number>((r) => (exit = r));
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => hostLog.push(`${type}: ${format(...args)}`));
    await page.goto(server.url(workspace, join(ROOT, 'out', 'test', 'vscode', 'index.cjs')));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<number>((_, rej) => (timer = setTimeout(() => rej(new Error('the suite did not finish within 180 s')), 180_000)));
    const code = await Promise.race([exitCode, timeout]).finally(() => clearTimeout(timer));
    const log = hostLog.join('\n');
    console.log(log.split('\n').filter((l) => /passing|failing|pending|✔|✓|\d+\) /.test(l)).join('\n'));
    assert.equal(code, 0, `the suite failed:\n${log}`);
  } catch (e) {
    if (hostLog.length) console.log(hostLog.join('\n'));
    if (server) console.log(server.log().slice(-3000));
    throw e;
  } finally {
    await closeBrowser(browser, page);
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
});
