// Starting a real VS Code (code-server, installed by scripts/install-code-server.mjs) and
// driving its workbench with Playwright and the system Chromium. Shared by code-server.test.ts
// (the integration suite inside the extension host) and e2e.test.ts (the workbench as a user).

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type Dialog, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CODE_SERVER =
  process.env.CODE_SERVER_BIN ?? join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM =
  process.env.CHROMIUM_BIN ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync) ??
  '/usr/bin/chromium';

/** Why the tests in a real VS Code cannot run here, or undefined when they can. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(CODE_SERVER))
    return `code-server is not installed (run: node scripts/install-code-server.mjs); looked for ${CODE_SERVER}`;
  if (!existsSync(CHROMIUM)) return `Chromium is not installed (apt-get install chromium); looked for ${CHROMIUM}`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** A temporary workspace holding a copy of examples/, plus any extra files. */
export function makeWorkspace(files: Record<string, string> = {}): string {
  const ws = mkdtempSync(join(tmpdir(), 'modelspec-ws-'));
  cpSync(join(ROOT, 'examples'), ws, {
    recursive: true,
    filter: (src) => !src.includes(`${join('examples', 'runs')}`),
  });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(ws, name, '..'), { recursive: true });
    writeFileSync(join(ws, name), text);
  }
  return ws;
}

export interface CodeServer {
  port: number;
  /**
   * The workbench URL for a folder, with the extension under development (this checkout, or
   * another folder such as an unpacked .vsix) and optionally the integration tests loaded.
   */
  url(folder: string, extensionTestsPath?: string, extensionPath?: string): string;
  log(): string;
  /** The extension hosts' log files (VS Code's own warnings about the extension land there). */
  extensionHostLogs(): string;
  /** Kills code-server's whole process group (extension hosts, language servers, engines). */
  stop(): Promise<void>;
}

export async function startCodeServer(): Promise<CodeServer> {
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'modelspec-code-server-'));
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'security.workspace.trust.enabled': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
    }),
  );
  let output = '';
  // detached: its own session and process group (setsid), so stop() can kill all of it.
  const child: ChildProcess = spawn(
    CODE_SERVER,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--config',
      '/dev/null',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } },
  );
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async () => {
    if (child.pid) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          break; // the group is gone
        }
        const until = Date.now() + 3000;
        while (!groupGone(child.pid) && Date.now() < until) await sleep(100);
        if (groupGone(child.pid)) break;
      }
    }
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`code-server exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 60 s:\n${output}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    port,
    url(folder, extensionTestsPath, extensionPath = ROOT) {
      const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
      const payload: [string, string][] = [['extensionDevelopmentPath', remote(extensionPath)]];
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    log: () => output,
    extensionHostLogs: () => readLogs(join(userData, 'logs'), /exthost/i),
    stop,
  };
}

/** The text of every .log file under `dir` whose path matches `which`. */
function readLogs(dir: string, which: RegExp): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.log') && which.test(f))
    .map((f) => `== ${f}\n${readFileSync(join(dir, f), 'utf8')}`)
    .join('\n');
}

function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Leaves the workbench first (else extension hosts keep running), then closes the browser. */
export async function closeBrowser(browser: Browser | undefined, page: Page | undefined): Promise<void> {
  try {
    await page?.goto('about:blank', { timeout: 10_000 });
  } catch {
    // the page may already be gone
  }
  await browser?.close().catch(() => undefined);
}

/**
 * The workbench harness: code-server on a fresh workspace (the examples plus `files`), Chromium
 * at `viewport` on it, the workbench loaded, then `body`. On a failure: a screenshot in `shots`
 * and the server's log; always: the browser, the server and the workspace are cleaned up.
 */
export async function withWorkbench(
  opts: { files?: Record<string, string>; shots: string; viewport?: { width: number; height: number } },
  body: (page: Page, server: CodeServer, workspace: string) => Promise<void>,
): Promise<void> {
  mkdirSync(opts.shots, { recursive: true });
  const workspace = makeWorkspace(opts.files);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  try {
    server = await startCodeServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
    // A loaded machine (tests of other files running) can take a minute to serve the workbench.
    await page.goto(server.url(workspace), { timeout: 120_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    await body(page, server, workspace);
  } catch (e) {
    if (page) await page.screenshot({ path: join(opts.shots, `failure-${Date.now()}.png`) }).catch(() => undefined);
    if (server) console.log(server.log().slice(-3000));
    throw e;
  } finally {
    await closeBrowser(browser, page);
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

/**
 * Runs the integration suite (out/test/vscode/index.cjs, built by
 * scripts/build-vscode-tests.mjs) in code-server's extension host against a fresh copy of the
 * examples, with the extension loaded from `extensionPath`. Resolves with the suite's exit code
 * and the extension host's console output and log files.
 */
export async function runIntegrationSuite(
  extensionPath = ROOT,
): Promise<{ code: number; log: string; hostLogs: string }> {
  const workspace = makeWorkspace();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const hostLog: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    server = await startCodeServer();
    browser = await launchChromium();
    page = await browser.newPage();
    let exit!: (code: number) => void;
    const exitCode = new Promise<number>((r) => (exit = r));
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) =>
      hostLog.push(`${type}: ${format(...args)}`),
    );
    await page.goto(server.url(workspace, join(ROOT, 'out', 'test', 'vscode', 'index.cjs'), extensionPath));
    const timeout = new Promise<number>(
      (_, rej) =>
        (timer = setTimeout(
          () => rej(new Error(`the suite did not finish within 840 s:\n${hostLog.join('\n')}`)),
          840_000,
        )),
    );
    const code = await Promise.race([exitCode, timeout]);
    return { code, log: hostLog.join('\n'), hostLogs: server.extensionHostLogs() };
  } catch (e) {
    if (server) console.log(server.log().slice(-3000));
    throw e;
  } finally {
    clearTimeout(timer);
    await closeBrowser(browser, page);
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** The suite's verdict lines (✔ per test, "N passing") and measured times from the extension host's output. */
export function suiteSummary(log: string): string {
  return log
    .split('\n')
    .filter((l) => /passing|failing|pending|✔|\d+\) |first point/.test(l))
    .join('\n');
}

/** Runs a command from the palette; tries again while the workbench is still registering it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 10_000 });
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      continue;
    }
    await row.click();
    return;
  }
}

/**
 * Developer: Reload Window, as a user runs it; resolves once the reloaded workbench shows its
 * status bar. In a browser, VS Code vetoes the unload through a beforeunload dialog while the
 * hot-exit backup of an edit is still being written. Playwright accepts such a dialog when
 * nothing listens, and the reload then drops the edit (CI lost a just-typed layer that way).
 * Here the veto is honoured as a user would: the dialog is dismissed and the reload tried again.
 */
export async function reloadWindow(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // With a listener, Playwright leaves every dialog open: this one closes them all.
    let onDialog!: (dialog: Dialog) => void;
    const veto = new Promise<'vetoed'>((resolve) => {
      onDialog = (dialog) => {
        if (dialog.type() === 'beforeunload') resolve('vetoed');
        void dialog.dismiss().catch(() => undefined);
      };
    });
    page.on('dialog', onDialog);
    try {
      const loaded = page.waitForEvent('load', { timeout: 60_000 }).then(() => 'loaded' as const);
      loaded.catch(() => undefined); // a vetoed reload never loads: its timeout is not an error
      await runCommand(page, 'Developer: Reload Window');
      if ((await Promise.race([loaded, veto])) === 'loaded') break;
    } finally {
      page.off('dialog', onDialog);
    }
    if (attempt === 10) throw new Error('VS Code vetoed 10 reloads in a row: a hot-exit backup never finished');
    await sleep(1000);
  }
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120_000 });
}
