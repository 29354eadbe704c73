// The data preview in the hover (issue #13), through the real server over stdio: on a data
// source the hover shows the sample count, the shape, each class with its count and a strip of
// samples (PNG thumbnails as data: URIs, read in the probe worker), or a CSV's first rows, with
// the file's text escaped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession, initialize, openDocument } from './lsp-client';

const dir = mkdtempSync(join(tmpdir(), 'modelspec-lsp-preview-'));
/** While this file is absent, the server's probe worker holds every read (MODELSPEC_TEST_PROBE_GATE). */
const gate = join(dir, 'reads-open');
let server: ServerSession;

async function open(name: string, text: string): Promise<string> {
  const uri = pathToFileURL(join(dir, name)).href;
  await openDocument(server, uri, text);
  await server.diagnostics(uri, 1);
  return uri;
}

async function hoverAt(uri: string, line: number, character: number): Promise<string> {
  const h = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line, character },
  });
  return (h?.contents as MarkupContent | undefined)?.value ?? '';
}

/** The data: URI images of a hover, decoded. */
function images(markdown: string): { alt: string; png: PNG }[] {
  return [...markdown.matchAll(/!\[([^\]]*)\]\(data:image\/png;base64,([A-Za-z0-9+/=]+)\)/g)].map((m) => ({
    alt: m[1],
    png: PNG.sync.read(Buffer.from(m[2], 'base64')),
  }));
}

before(async () => {
  ensureServerBuilt();
  writeFileSync(gate, '');
  server = startServer({ MODELSPEC_TEST_PROBE_GATE: gate });
  await initialize(server);
});

after(() => {
  if (server && server.child.exitCode === null) server.child.kill();
});

test('hover on digits: 8,000 samples, (28, 28, 1), each digit with its count, one thumbnail per class', async () => {
  const uri = await open(
    'digits.model',
    `model m {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(10, activation='softmax')
}

data {
    train: digits
}
`,
  );
  const value = await hoverAt(uri, 7, 12);
  assert.match(value, /\*\*8,000 samples\*\* · shape `\(28, 28, 1\)` · 10 classes/);
  // The counts are those of the bundled file's labels (they sum to the sample count).
  const counts = [...value.matchAll(/(\d): ([\d,]+)/g)].map((m) => [m[1], Number(m[2].replace(/,/g, ''))] as const);
  assert.deepEqual(
    counts.map(([k]) => k),
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  assert.equal(
    counts.reduce((a, [, n]) => a + n, 0),
    8000,
  );
  const strip = images(value);
  assert.deepEqual(
    strip.map((s) => s.alt),
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  for (const { png } of strip) {
    assert.equal(png.width, 56, '28 pixels enlarged twice, crisp');
    // A digit: dark background, some bright strokes.
    let bright = 0;
    for (let p = 0; p < png.width * png.height; p++) if (png.data[p * 4] > 128) bright++;
    assert.ok(bright > 50 && bright < png.width * png.height * 0.6, `bright pixels: ${bright}`);
  }
  // The keyword's hover stays as it was: the preview is only on the source.
  assert.doesNotMatch(await hoverAt(uri, 6, 2), /data:image/);
});

test('hover on an images() folder: its classes counted, a thumbnail of each, resized as training reads them', async () => {
  for (const [name, count, color] of [
    ['cats', 3, [200, 40, 40]],
    ['dogs', 2, [40, 40, 200]],
  ] as const) {
    mkdirSync(join(dir, 'pets', name), { recursive: true });
    for (let i = 0; i < count; i++) {
      const png = new PNG({ width: 40, height: 30 });
      for (let p = 0; p < 40 * 30; p++) png.data.set([...color, 255], p * 4);
      writeFileSync(join(dir, 'pets', name, `${i}.png`), PNG.sync.write(png));
    }
  }
  const uri = await open(
    'pets.model',
    `model m {
    Flatten()
    Dense(2, activation='softmax')
}

data {
    train: images('pets', size=(16, 16))
}
`,
  );
  const value = await hoverAt(uri, 6, 13);
  assert.match(value, /\*\*5 samples\*\* · shape `\(16, 16, 3\)` · 2 classes/);
  assert.match(value, /Classes: cats: 3, dogs: 2/);
  const strip = images(value);
  assert.deepEqual(
    strip.map((s) => s.alt),
    ['cats', 'dogs'],
  );
  // 16×16 (size=) enlarged three times; the colours of each class's images.
  assert.equal(strip[0].png.width, 48);
  assert.deepEqual([...strip[0].png.data.subarray(0, 3)], [200, 40, 40]);
  assert.deepEqual([...strip[1].png.data.subarray(0, 3)], [40, 40, 200]);
});

test("hover on a csv(): its first rows as a table, the label column marked, the file's text escaped", async () => {
  writeFileSync(
    join(dir, 'flowers.csv'),
    'petal,sepal,species\n1.4,5.1,setosa\n4.7,7.0,versicolor\n<img src=x onerror=alert(1)>,6.3,virginica\n1.3,4.9,setosa\n',
  );
  const uri = await open(
    'flowers.model',
    `model m {
    Dense(3, activation='softmax')
}

data {
    train: csv('flowers.csv', label='species')
}
`,
  );
  const value = await hoverAt(uri, 5, 12);
  assert.match(value, /\*\*4 samples\*\* · shape `\(2,\)` · 3 classes/);
  assert.match(value, /Classes: setosa: 2, versicolor: 1, virginica: 1/);
  assert.match(value, /\| petal \| sepal \| \*\*species\*\* \|/);
  assert.match(value, /\| 1\\\.4 \| 5\\\.1 \| setosa \|/);
  assert.doesNotMatch(value, /(?<!\\)<img/, 'an HTML tag from the file is escaped');
  assert.match(value, /\\<img src=x onerror=alert\\\(1\\\)\\>/);
});

test('a missing file: the hover says what is wrong instead of a preview', async () => {
  const uri = await open(
    'missing.model',
    `model m {
    Dense(3, activation='softmax')
}

data {
    train: csv('nowhere.csv')
}
`,
  );
  const value = await hoverAt(uri, 5, 12);
  assert.match(value, /nowhere\\\.csv does not exist/);
  assert.equal(images(value).length, 0);
});

test('a slow file system: the hover answers within the time budget, and shows the samples once read', async () => {
  // The probe worker holds each read while the gate file is absent (MODELSPEC_TEST_PROBE_GATE),
  // standing in for a slow network drive: the hover must not wait for it, and must answer within
  // ANSWER_MS (starting the worker is not counted, as for the checker: probe-budget.ts).
  const ANSWER_MS = 8000;
  rmSync(gate);
  try {
    writeFileSync(join(dir, 'slow.csv'), 'a,b,kind\n1,2,x\n3,4,y\n');
    const uri = pathToFileURL(join(dir, 'slow.model')).href;
    await openDocument(
      server,
      uri,
      "model m {\n    Dense(2, activation='softmax')\n}\n\ndata {\n    train: csv('slow.csv')\n}\n",
    );
    await server.diagnostics(uri, 1);
    const hover = () => hoverAt(uri, 5, 12);
    const asked = Date.now();
    const first = await hover();
    assert.ok(Date.now() - asked < ANSWER_MS, `the hover waited ${Date.now() - asked} ms for the read`);
    assert.match(
      first,
      /Reading samples of csv\\\('slow\\\.csv'\\\) has taken [\d\\.]+ s, longer than the editor waits/,
    );
    // The read goes on; the worker finishes in the background and a later hover has the rows.
    writeFileSync(gate, '');
    let later = '';
    for (let i = 0; i < 500 && !/\| 1 \| 2 \| x \|/.test(later); i++) {
      await new Promise((r) => setTimeout(r, 50));
      later = await hover();
    }
    assert.match(later, /\| a \| b \| \*\*kind\*\* \|/);
    assert.match(later, /\| 1 \| 2 \| x \|/);
  } finally {
    writeFileSync(gate, '');
  }
});
