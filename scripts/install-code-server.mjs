// Installs code-server (a real VS Code whose workbench runs in a browser) into
// .vscode-test/code-server, outside the project's node_modules, for the tests in test/vscode/.
// Idempotent: does nothing when the pinned version is already there. Used by .ci/run.
//
// Needs (Debian): build-essential python3 libkrb5-dev ripgrep. Works offline apart from npm:
// @vscode/ripgrep's postinstall would download rg from GitHub, but it first looks in a cache
// folder under $TMPDIR, which we fill from the system's /usr/bin/rg.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const installDir = join(root, '.vscode-test', 'code-server');
export const codeServerBin = join(installDir, 'node_modules', '.bin', 'code-server');

function installedVersion() {
  const manifest = join(installDir, 'node_modules', 'code-server', 'package.json');
  if (!existsSync(manifest) || !existsSync(codeServerBin)) return undefined;
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

function ripgrepCache(tmp) {
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find(existsSync);
  if (!rg)
    throw new Error('install ripgrep first (apt-get install ripgrep): @vscode/ripgrep would download it from GitHub');
  const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(cache, { recursive: true });
  const stage = mkdtempSync(join(tmp, 'rg-'));
  copyFileSync(rg, join(stage, 'rg'));
  chmodSync(join(stage, 'rg'), 0o755);
  execFileSync('tar', ['-czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', stage, 'rg']);
  rmSync(stage, { recursive: true, force: true });
}

/** The folder whose include/node/ holds this Node's headers (Debian's /usr, or Node's own prefix). */
function nodeHeaders() {
  return [resolve(dirname(process.execPath), '..'), '/usr', '/usr/local'].find((d) =>
    existsSync(join(d, 'include', 'node', 'node.h')),
  );
}

export function installCodeServer() {
  if (installedVersion() === CODE_SERVER_VERSION) {
    console.log(`code-server ${CODE_SERVER_VERSION} already installed in ${installDir}`);
    return;
  }
  const started = Date.now();
  mkdirSync(installDir, { recursive: true });
  // Its own package.json, so npm installs here and not into the project.
  writeFileSync(
    join(installDir, 'package.json'),
    JSON.stringify({ name: 'code-server-for-tests', private: true }, null, 2) + '\n',
  );
  const tmp = mkdtempSync(join(tmpdir(), 'code-server-install-'));
  ripgrepCache(tmp);
  const r = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: installDir,
      stdio: 'inherit',
      env: {
        ...process.env,
        TMPDIR: tmp,
        npm_config_unsafe_perm: 'true', // its postinstall refuses to run as root otherwise
        ...(nodeHeaders() ? { npm_config_nodedir: nodeHeaders() } : {}), // node-gyp must not download headers
        npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
      },
    },
  );
  rmSync(tmp, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status})`);
  console.log(`installed code-server ${installedVersion()} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) installCodeServer();
