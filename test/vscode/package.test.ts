// `npm run package` (scripts/package-vsix.mjs) makes an offline .vsix holding what the
// installed extension needs and no sources; unpacked on its own (no node_modules anywhere above
// it), its bundles still train, and VS Code runs the integration suite against it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { PNG } from 'pngjs';
import { after, before, test } from 'node:test';
import { missingPrerequisite, ROOT, runIntegrationSuite, suiteSummary } from './code-server';

const unzip = ['/usr/bin/unzip', '/bin/unzip'].find(existsSync);
const skip = unzip ? undefined : 'unzip is not installed (apt-get install unzip)';
if (skip) console.log(`# skipping the .vsix checks: ${skip}`);

let dir: string;
let vsix: string;
let entries: string[] = [];

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'modelspec-vsix-'));
  vsix = join(dir, 'modelspec.vsix');
  // What `npm run package` runs, minus the build: scripts/test.mjs has just built dist/, and
  // rebuilding it here could race with other tests that run the bundles.
  const r = spawnSync(process.execPath, ['scripts/package-vsix.mjs', '--no-build', '--out', vsix], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const list = spawnSync(unzip!, ['-l', vsix], { encoding: 'utf8' });
  entries = list.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/).slice(3).join(' '))
    .filter((n) => n.startsWith('extension/'));
  console.log(`# ${vsix}: ${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB, ${entries.length} files`);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the .vsix holds the bundles, the panel, the grammar, the wasm binaries and the Python engine', { skip }, () => {
  for (const f of [
    'extension/package.json',
    'extension/README.md',
    'extension/CHANGELOG.md',
    'extension/LANGUAGE.md',
    'extension/media/icon.png',
    'extension/LICENSE.txt',
    'extension/language-configuration.json',
    'extension/grammar/modelspec.tmLanguage.json',
    'extension/dist/extension.cjs',
    'extension/dist/server.cjs',
    'extension/dist/cli.cjs',
    'extension/dist/engine-tfjs.cjs',
    'extension/dist/tfjs-backend-wasm-simd.wasm',
    'extension/dist/tfjs-backend-wasm.wasm',
    'extension/dist/data/digits.bin',
    'extension/media/dist/panel.js',
    'extension/media/dist/panel.css',
    'extension/python/modelspec_start.py',
    'extension/python/modelspec_torch/__main__.py',
    'extension/python/modelspec_tune/__main__.py',
    'extension/python/modelspec_keras_archive.py',
  ]) {
    assert.ok(
      entries.some((e) => e.toLowerCase() === f.toLowerCase()),
      `${f} is missing`,
    );
  }
});

test('the .vsix leaves out sources, tests, source maps and node_modules', { skip }, () => {
  const unwanted = entries.filter((e) =>
    /\.ts$|\.map$|\/node_modules\/|^extension\/(test|client|scripts|examples)\/|\/tests\//.test(e),
  );
  assert.deepEqual(unwanted, []);
});

let unpacked: string | undefined;
function unpack(): string {
  if (unpacked) return unpacked;
  const out = join(dir, 'unpacked');
  const r = spawnSync(unzip!, ['-q', vsix, '-d', out]);
  assert.equal(r.status, 0);
  return (unpacked = out);
}

test(
  'unpacked alone, the packaged CLI trains digits on the packaged TensorFlow.js engine (wasm)',
  { skip, timeout: 120_000 },
  () => {
    const out = unpack();
    copyFileSync(join(ROOT, 'examples', 'digits.model'), join(out, 'digits.model'));
    const train = spawnSync(
      process.execPath,
      [join(out, 'extension', 'dist', 'cli.cjs'), 'train', 'digits.model', '--epochs', '1', '--backend', 'tfjs'],
      { cwd: out, encoding: 'utf8' },
    );
    assert.equal(train.status, 0, train.stdout + train.stderr);
    assert.match(train.stdout, /Engine: tfjs \(wasm\)/);
    assert.match(train.stdout, /Finished after 1 epochs?\b/);
    assert.equal(readdirSync(join(out, 'runs', 'digits_mlp')).length, 1);
  },
);

interface PackagedManifest {
  icon?: string;
  preview?: boolean;
  repository?: { url?: string };
  bugs?: { url?: string };
  homepage?: string;
  categories?: string[];
  galleryBanner?: { color?: string; theme?: string };
  bin?: unknown;
  scripts?: Record<string, string>;
  devDependencies?: unknown;
  contributes: {
    walkthroughs?: {
      id: string;
      steps: {
        id: string;
        media: { image?: string | { light: string; dark: string }; markdown?: string; svg?: string };
      }[];
    }[];
  };
}

/** A file of the unpacked package; vsce stores README.md and CHANGELOG.md in lower case. */
function packagedFile(root: string, name: string): string {
  const found = readdirSync(root).find((f) => f.toLowerCase() === name.toLowerCase());
  assert.ok(found, `${name} is not in the package`);
  return join(root, found);
}

function packaged(): { root: string; manifest: PackagedManifest } {
  const root = join(unpack(), 'extension');
  return { root, manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackagedManifest };
}

test(
  'the packaged manifest has the Marketplace fields: icon, preview, repository, bugs, homepage, Formatters, gallery banner',
  { skip },
  () => {
    const { root, manifest } = packaged();
    assert.equal(manifest.preview, true);
    assert.match(manifest.repository?.url ?? '', /^https:\/\//);
    assert.match(manifest.bugs?.url ?? '', /^https:\/\//);
    assert.match(manifest.homepage ?? '', /^https:\/\//);
    assert.ok(manifest.categories?.includes('Formatters'), `categories: ${manifest.categories}`);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(manifest.icon, 'an icon');
    const icon = PNG.sync.read(readFileSync(join(root, manifest.icon)));
    assert.deepEqual([icon.width, icon.height], [128, 128]);
  },
);

test(
  'the packaged manifest leaves out bin, scripts (postinstall) and devDependencies; the checkout keeps them',
  { skip },
  () => {
    const { manifest } = packaged();
    assert.equal(manifest.bin, undefined);
    assert.equal(manifest.scripts, undefined);
    assert.equal(manifest.devDependencies, undefined);
    const checkout = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackagedManifest;
    assert.ok(checkout.bin && checkout.scripts?.postinstall && checkout.devDependencies);
  },
);

test(
  "the package's README is the editor user's (docs/marketplace/README.md), and every link and image in it is in the package",
  { skip },
  () => {
    const { root } = packaged();
    const readme = readFileSync(packagedFile(root, 'README.md'), 'utf8');
    assert.equal(readme, readFileSync(join(ROOT, 'docs', 'marketplace', 'README.md'), 'utf8'));
    assert.doesNotMatch(
      readme,
      /npm (install|test)|npx |ARCHITECTURE\.md|\.\.\//,
      'no developer setup, no links out of the package',
    );
    const targets = [...readme.matchAll(/\]\(([^)\s#]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
    assert.ok(targets.includes('LANGUAGE.md'), targets.join(', '));
    const images = targets.filter((t) => t.endsWith('.png'));
    assert.ok(
      images.length >= 3,
      `screenshots of the hints, the squiggle and fix, and the panel: ${images.join(', ')}`,
    );
    for (const t of targets) assert.ok(existsSync(join(root, t)), `README links to ${t}, which is not in the package`);
    for (const image of images) {
      const png = PNG.sync.read(readFileSync(join(root, image)));
      assert.ok(
        png.width <= 1600 && statSync(join(root, image)).size < 400_000,
        `${image}: ${png.width}x${png.height}, ${statSync(join(root, image)).size} bytes`,
      );
    }
    assert.match(readFileSync(join(root, 'LANGUAGE.md'), 'utf8'), /^# The ModelSpec language/);
    assert.match(readFileSync(packagedFile(root, 'CHANGELOG.md'), 'utf8'), /## \[0\.1\.0\]/);
  },
);

test('the packaged bundles are minified and name no source map that is not shipped', { skip }, () => {
  const { root } = packaged();
  const scripts = entries.filter((e) => /\.(c|m)?js$/.test(e)).map((e) => e.slice('extension/'.length));
  assert.ok(scripts.length >= 5, scripts.join(', '));
  for (const file of scripts) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/[#@] sourceMappingURL=(\S+)/g)) {
      const map = m[1]!;
      if (map.startsWith('data:')) continue;
      assert.ok(existsSync(join(root, dirname(file), map)), `${file} names ${map}, which is not shipped`);
    }
  }
  for (const bundle of ['dist/extension.cjs', 'dist/server.cjs', 'dist/cli.cjs', 'dist/engine-tfjs.cjs']) {
    const shipped = statSync(join(root, bundle)).size;
    const built = statSync(join(ROOT, bundle)).size;
    assert.ok(shipped < built * 0.8, `${bundle}: ${shipped} bytes shipped, ${built} built: not minified`);
  }
});

test("the walkthrough's media are in the package", { skip }, () => {
  const { root, manifest } = packaged();
  const walkthroughs = manifest.contributes.walkthroughs ?? [];
  assert.equal(walkthroughs.length, 1);
  for (const s of walkthroughs[0]!.steps) {
    const media = s.media;
    const files = [
      media.markdown,
      media.svg,
      ...(typeof media.image === 'string' ? [media.image] : media.image ? [media.image.light, media.image.dark] : []),
    ].filter((f): f is string => !!f);
    assert.ok(files.length, `step ${s.id} has a media file`);
    for (const f of files)
      assert.ok(existsSync(join(root, posix.normalize(f))), `step ${s.id}: ${f} is not in the package`);
  }
});

const noVsCode = skip ?? missingPrerequisite();
test(
  'the packaged extension, unpacked alone, passes the integration suite in code-server',
  { skip: noVsCode, timeout: 240_000 },
  async () => {
    const bundle = spawnSync(process.execPath, ['scripts/build-vscode-tests.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bundle.status, 0, bundle.stderr);
    const { code, log } = await runIntegrationSuite(join(unpack(), 'extension'));
    console.log(suiteSummary(log));
    assert.equal(code, 0, `the suite failed against the packaged extension:\n${log}`);
  },
);
