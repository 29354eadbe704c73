// The manifest and the code agree: every command the extension registers is contributed (with
// a title), every contributed command is registered, and menus name only real commands.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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
  for (const [menu, items] of Object.entries(
    manifest.contributes.menus as Record<string, { command: string; when?: string }[]>,
  )) {
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

test("the walkthrough's steps: their buttons and completion events name real commands and context keys, their media exist", () => {
  const [walkthrough, ...others] = manifest.contributes.walkthroughs as {
    title: string;
    steps: { id: string; description: string; media: Record<string, unknown>; completionEvents?: string[] }[];
  }[];
  assert.equal(others.length, 0);
  assert.equal(walkthrough!.title, 'Get started with ModelSpec');
  assert.deepEqual(
    walkthrough!.steps.map((s) => s.id),
    ['openExample', 'seeShapes', 'breakAndFix', 'train', 'readCurves'],
  );
  for (const step of walkthrough!.steps) {
    for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g))
      assert.ok(contributed.includes(command!), `${step.id}: button ${command}`);
    assert.ok(step.completionEvents?.length, `${step.id} completes on an event`);
    for (const event of step.completionEvents!) {
      const [kind, name] = event.split(/:(.*)/s);
      if (kind === 'onCommand') assert.ok(contributed.includes(name!), `${step.id}: ${event}`);
      else if (kind === 'onContext')
        assert.match(
          sources,
          new RegExp(`'${name!.replace(/\./g, '\\.')}'`),
          `${step.id}: ${event} is set by the extension`,
        );
      else assert.fail(`${step.id}: unexpected completion event ${event}`);
    }
    const media = step.media as { image?: string; markdown?: string; altText?: string };
    const file = media.image ?? media.markdown;
    assert.ok(file && existsSync(file), `${step.id}: media ${file}`);
    if (media.image) assert.ok(media.altText, `${step.id}: an image has alt text`);
  }
});
