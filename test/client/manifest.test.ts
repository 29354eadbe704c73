// The manifest and the code agree: every command the extension registers is contributed (with
// a title), every contributed command is registered, and menus name only real commands.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const sources = readdirSync('client/src', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join('client/src', f), 'utf8'))
  .join('\n');
const registered = [...sources.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();

test('registered and contributed commands are the same set', () => {
  assert.deepEqual(registered, contributed);
});

test('menus refer to contributed commands; Train needs a trusted workspace', () => {
  for (const [menu, items] of Object.entries(manifest.contributes.menus as Record<string, { command: string; when?: string }[]>)) {
    for (const item of items) assert.ok(contributed.includes(item.command), `${menu}: ${item.command}`);
  }
  const trainWhens = Object.values(manifest.contributes.menus as Record<string, { command: string; when?: string }[]>)
    .flat()
    .filter((i) => i.command === 'modelspec.train')
    .map((i) => i.when);
  assert.ok(trainWhens.length >= 2 && trainWhens.every((w) => w?.includes('isWorkspaceTrusted')));
});

test('restricted mode: limited support, and the settings that run programs are restricted', () => {
  const u = manifest.capabilities.untrustedWorkspaces;
  assert.equal(u.supported, 'limited');
  assert.deepEqual([...u.restrictedConfigurations].sort(), ['modelspec.pythonPath', 'modelspec.runsFolder']);
  for (const key of u.restrictedConfigurations) assert.ok(manifest.contributes.configuration.properties[key], key);
});

test('the panel restores after a reload', () => {
  assert.ok(manifest.activationEvents.includes('onWebviewPanel:modelspec.trainingPanel'));
  assert.match(sources, /registerWebviewPanelSerializer\(PANEL_VIEW_TYPE/);
  assert.match(sources, /PANEL_VIEW_TYPE = 'modelspec\.trainingPanel'/);
});
