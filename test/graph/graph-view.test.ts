// The model graph view in headless Chromium, loaded as VS Code loads it, fed the graph data the
// language core computes for every example in examples/ and for a generated 200-layer model:
// no two boxes overlap, the layout time is reported, errors are drawn red with their message,
// applications collapse, clicks ask for the layer's line, the cursor's layer is highlighted, the
// SVG and PNG exports are complete files, and light and dark themes draw. Screenshots under
// .test-output/graph/.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { analyze } from '../../language/analysis/analyze';
import { modelGraph, type ModelGraph } from '../../language/services/model-graph';
import { launchBrowser, waitUntil } from '../panel/fixtures/panelPage';
import {
  buildGraphView,
  cspViolations,
  labelOverlaps,
  openGraph,
  overlaps,
  SCREENSHOTS,
  type GraphPage,
} from './graph-page';

const EXAMPLES = 'examples';

function graphOfFile(path: string): ModelGraph {
  const g = modelGraph(analyze(readFileSync(path, 'utf8'), { baseDir: EXAMPLES }));
  assert.ok(g, `${path} has a model`);
  return g;
}

function graphOfText(text: string): ModelGraph {
  const g = modelGraph(analyze(text, { baseDir: '/nonexistent' }));
  assert.ok(g);
  return g;
}

/** 200 layers: Dense blocks with normalization, activation and dropout. */
function bigModel(): string {
  const lines = ['model deep {', '    Input(shape=(64,))'];
  for (let i = 0; lines.length - 2 < 199; i++) {
    lines.push(
      `    Dense(${32 + (i % 4) * 16})`,
      '    BatchNormalization()',
      "    Activation('relu')",
      '    Dropout(0.1)',
    );
  }
  lines.length = 2 + 199;
  lines.push("    Dense(10, activation='softmax')", '}');
  return lines.join('\n') + '\n';
}

let browser: Browser;
before(async () => {
  await buildGraphView();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

function memberOf(graph: ModelGraph): (id: string) => string | undefined {
  return (id) => graph.nodes.find((n) => n.id === id)?.group;
}

async function show(view: GraphPage, graph: ModelGraph, version: number, file = 'x.model'): Promise<void> {
  await view.send({ type: 'graph', version, graph, file });
  await view.settle();
}

describe('model graph view: layout of every example and of a 200-layer model', () => {
  let view: GraphPage;
  before(async () => {
    view = await openGraph(browser, 'dark');
  });
  after(async () => {
    await view.page.close();
  });

  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.model'));
  let version = 0;
  for (const file of files) {
    it(`${file}: one box per layer (and group), none overlapping`, async () => {
      const graph = graphOfFile(join(EXAMPLES, file));
      await show(view, graph, ++version, file);
      const boxes = await view.boxes();
      assert.equal(boxes.filter((b) => b.shape === 'node').length, graph.nodes.length);
      assert.equal(boxes.filter((b) => b.shape === 'group').length, graph.groups.length);
      assert.deepEqual(overlaps(boxes, memberOf(graph)), []);
      // Every shape label is drawn, clear of the boxes and of each other.
      const labels = await view.labels();
      assert.equal(labels.length, graph.edges.filter((e) => e.label).length);
      assert.deepEqual(labelOverlaps(labels, boxes), []);
      const ms = await view.layoutMs();
      const drawn = (await view.page.evaluate('window.modelspecGraph.drawMs')) as number;
      console.log(
        `# ${file}: ${graph.nodes.length} layers laid out in ${ms.toFixed(1)} ms, on screen in ${drawn.toFixed(1)} ms`,
      );
      assert.match((await view.page.locator('.timing').textContent()) ?? '', /laid out in \d+ ms/);
      await reviewScreenshot(view.page, { path: `${SCREENSHOTS}/${basename(file, '.model')}.png`, fullPage: true });
    });
  }

  it('a generated 200-layer model: 201 boxes, none overlapping, layout time reported', async () => {
    const graph = graphOfText(bigModel());
    assert.equal(graph.nodes.length, 201);
    await show(view, graph, ++version, 'deep.model');
    const boxes = await view.boxes();
    assert.equal(boxes.length, 201);
    assert.deepEqual(overlaps(boxes, memberOf(graph)), []);
    assert.deepEqual(labelOverlaps(await view.labels(), boxes), []);
    const ms = await view.layoutMs();
    console.log(`# 200-layer model laid out in ${ms.toFixed(1)} ms`);
    assert.ok(ms > 0 && ms < 5000, `layout took ${ms} ms`);
    await reviewScreenshot(view.page, { path: `${SCREENSHOTS}/200-layers.png` });
  });

  it('loads under the Content Security Policy without errors', async () => {
    assert.deepEqual(await cspViolations(view.page), []);
    assert.deepEqual(view.errors, []);
  });
});

const CNN = `model cnn {
    Input(shape=(28, 28, 1))
    Conv2D(32, kernel_size=(3, 3), activation='relu')
    MaxPooling2D(pool_size=(2, 2))
    Flatten()
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
}
`;
const BROKEN = CNN.replace('    Flatten()\n', '    Flatten()\n    Conv2D(8, 3)\n');

for (const theme of ['light', 'dark'] as const) {
  describe(`model graph view: interaction (${theme} theme)`, () => {
    let view: GraphPage;
    before(async () => {
      view = await openGraph(browser, theme);
    });
    after(async () => {
      await view.page.close();
    });
    // Layout and grouping do not depend on the theme (the colours do): those tests run in the
    // dark theme only, which saves two ELK layouts of ResNet50's graph per run.
    const layoutTest = theme === 'dark' ? it : (_name: string, _fn: () => Promise<void>) => undefined;

    it('says ready, then draws each box with class, arguments, shape, parameters and memory, coloured by kind', async () => {
      assert.deepEqual((await view.posted())[0], { type: 'ready' });
      await show(view, graphOfText(CNN), 1, 'cnn.model');
      const conv = view.page.locator('g.box[data-id="n1"]');
      assert.match(
        (await conv.textContent()) ?? '',
        /Conv2D\s+conv2d.*32, kernel_size=\(3, 3\), activation='relu'.*\(None, 26, 26, 32\).*320 params.*memory/s,
      );
      const fill = (id: string) => style(view, `g.box[data-id="${id}"] rect.stripe`, 'fill');
      assert.notEqual(await fill('n1'), await fill('n2'), 'conv and pooling differ in colour');
      assert.notEqual(await fill('n2'), await fill('n4'), 'pooling and core differ in colour');
      const labels = await view.page.locator('.edge-label').allTextContents();
      assert.deepEqual(labels, ['(None, 28, 28, 1)', '(None, 26, 26, 32)', '(None, 13, 13, 32)', '(None, 5408)']);
      assert.match(
        (await view.page.locator('.memory').textContent()) ?? '',
        /Training memory ≈ .*Adam, 2× the weights.*batch 32, float32/,
      );
    });

    it('draws the broken layer red with its message, and replaces the drawing only when the new one is ready', async () => {
      const before = await view.renders();
      await show(view, graphOfText(BROKEN), 2, 'cnn.model');
      assert.equal(await view.renders(), before + 1);
      const broken = view.page.locator('g.box.error');
      assert.equal(await broken.count(), 1);
      assert.equal(await broken.getAttribute('data-line'), '5');
      assert.match((await broken.textContent()) ?? '', /Conv2D/);
      const stroke = await style(view, 'g.box.error rect.frame', 'stroke');
      const [r, g, b] = (stroke.match(/\d+/g) ?? []).map(Number);
      assert.ok(r > 180 && g < 120 && b < 120, `red frame: ${stroke}`);
      // An answer for an older version arriving late is ignored.
      await view.send({ type: 'graph', version: 1, graph: graphOfText(CNN), file: 'cnn.model' });
      await view.settle();
      assert.equal(await view.page.locator('g.box.error').count(), 1);
      await reviewScreenshot(view.page, { path: `${SCREENSHOTS}/error-${theme}.png`, fullPage: true });
    });

    it('redraws an edit that changes no box size with the new text, without running ELK again', async () => {
      await show(view, graphOfText(CNN), 3, 'cnn.model');
      const runs = (await view.page.evaluate('window.modelspecGraph.elkRuns')) as number;
      const renders = await view.renders();
      await show(view, graphOfText(CNN.replace("activation='relu'", "activation='tanh'")), 4, 'cnn.model');
      console.log(
        `# an edit that changes no size: on screen in ${((await view.page.evaluate('window.modelspecGraph.drawMs')) as number).toFixed(1)} ms`,
      );
      assert.equal(await view.renders(), renders + 1);
      assert.equal(await view.page.evaluate('window.modelspecGraph.elkRuns'), runs, 'the layout was reused');
      assert.match((await view.page.locator('g.box[data-id="n1"]').textContent()) ?? '', /activation='tanh'/);
    });

    it('posts the line of a clicked layer, and highlights the layer of the cursor’s line', async () => {
      await show(view, graphOfText(CNN), 5, 'cnn.model');
      await view.page.locator('g.box[data-id="n3"]').click();
      const posted = await view.posted();
      assert.deepEqual(posted.at(-1), { type: 'reveal', line: 4 });
      await view.send({ type: 'cursor', line: 2 });
      await waitUntil(view.page, `document.querySelector('g.box.current')?.dataset.id === 'n1'`);
      assert.deepEqual(await currentIds(view), ['n1']);
      await view.send({ type: 'cursor', line: 5 });
      await waitUntil(view.page, `document.querySelector('g.box.current')?.dataset.id === 'n4'`);
      assert.deepEqual(await currentIds(view), ['n4']);
      await reviewScreenshot(view.page, { path: `${SCREENSHOTS}/cursor-${theme}.png`, fullPage: true });
    });

    layoutTest('collapses and expands an application’s group', async () => {
      const graph = graphOfFile(join(EXAMPLES, 'cifar10-transfer.model'));
      await show(view, graph, 6, 'cifar10-transfer.model');
      assert.equal(await view.page.locator('g.box.group').count(), 1);
      const group = graph.groups[0];
      await view.page.locator('g.box.group text.toggle').click();
      await view.settle();
      const boxes = await view.boxes();
      assert.deepEqual(
        boxes.filter((b) => b.shape === 'collapsed').map((b) => b.id),
        [group.id],
      );
      assert.equal(boxes.length, graph.nodes.length - group.nodeIds.length + 1);
      assert.deepEqual(
        overlaps(boxes, () => undefined),
        [],
      );
      assert.deepEqual(labelOverlaps(await view.labels(), boxes), []);
      assert.match(
        (await view.page.locator('g.box.collapsed').textContent()) ?? '',
        /VGG16.*18 layers.*\(None, 1, 1, 512\).*14,714,688 params/s,
      );
      await reviewScreenshot(view.page, { path: `${SCREENSHOTS}/collapsed-${theme}.png`, fullPage: true });
      await view.page.locator('g.box.collapsed text.toggle').click();
      await view.settle();
      assert.equal(await view.page.locator('g.box.group').count(), 1);
    });

    layoutTest('draws a layer-graph application (ResNet50) closed at first, and its graph when opened', async () => {
      const graph = graphOfText(
        "model r {\n    Input(shape=(32, 32, 3))\n    ResNet50(include_top=False)\n    GlobalAveragePooling2D()\n    Dense(10, activation='softmax')\n}\n",
      );
      const group = graph.groups[0]!;
      assert.equal(group.collapsed, true);
      await show(view, graph, 7, 'resnet.model');
      let boxes = await view.boxes();
      assert.deepEqual(
        boxes.filter((b) => b.shape === 'collapsed').map((b) => b.id),
        [group.id],
      );
      assert.equal(boxes.length, graph.nodes.length - group.nodeIds.length + 1);
      assert.match(
        (await view.page.locator('g.box.collapsed').textContent()) ?? '',
        new RegExp(`ResNet50.*${group.nodeIds.length} layers.*\\(None, 1, 1, 2048\\).*23,587,712 params`, 's'),
      );
      await view.page.locator('g.box.collapsed text.toggle').click();
      await view.settle();
      boxes = await view.boxes();
      assert.equal(await view.page.locator('g.box.group').count(), 1);
      assert.equal(boxes.length, graph.nodes.length + 1);
      assert.deepEqual(overlaps(boxes, memberOf(graph)), []);
    });

    it('exports a standalone SVG and a PNG of the drawing', async () => {
      await show(view, graphOfText(CNN), 8, 'cnn.model');
      await view.page.getByRole('button', { name: 'Export SVG' }).click();
      await view.page.getByRole('button', { name: 'Export PNG' }).click();
      const deadline = Date.now() + 10_000;
      let exports: GraphToHost[] = [];
      while (Date.now() < deadline) {
        exports = (await view.posted()).filter((m) => m.type === 'export') as GraphToHost[];
        if (exports.length >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const svg = exports.find((m) => m.format === 'svg');
      const png = exports.find((m) => m.format === 'png');
      assert.ok(svg?.svg && png?.dataUrl);
      assert.match(svg.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg.svg, /Conv2D/);
      assert.doesNotMatch(svg.svg, /class="/, 'colours are inlined, no stylesheet needed');
      assert.match(svg.svg, /fill="rgb\(/);
      writeFileSync(`${SCREENSHOTS}/export-${theme}.svg`, svg.svg);
      const bytes = Buffer.from(png.dataUrl.slice('data:image/png;base64,'.length), 'base64');
      writeFileSync(`${SCREENSHOTS}/export-${theme}.png`, bytes);
      const image = PNG.sync.read(bytes);
      const layout = (await view.page.evaluate('window.modelspecGraph.layout()')) as { width: number; height: number };
      assert.deepEqual([image.width, image.height], [Math.ceil(layout.width * 2), Math.ceil(layout.height * 2)]);
      // Not blank: the PNG holds more than the background colour.
      const colours = new Set<number>();
      for (let i = 0; i < image.data.length; i += 4 * 97) colours.add(image.data.readUInt32BE(i));
      assert.ok(colours.size > 5, `${colours.size} colours in the PNG`);
    });

    it('asks the host for mixed-precision numbers when the user picks it', async () => {
      await view.page.locator('select').selectOption('mixed_float16');
      assert.deepEqual((await view.posted()).at(-1), { type: 'precision', precision: 'mixed_float16' });
      assert.deepEqual(view.errors, []);
      assert.deepEqual(await cspViolations(view.page), []);
    });
  });
}

/** A computed style property of the first element matching `selector`. */
function style(view: GraphPage, selector: string, property: string): Promise<string> {
  return view.page.evaluate(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`,
  ) as Promise<string>;
}

/** The boxes highlighted for the cursor's line. */
function currentIds(view: GraphPage): Promise<string[]> {
  return view.page.evaluate(`[...document.querySelectorAll('g.box.current')].map((e) => e.dataset.id)`) as Promise<
    string[]
  >;
}

type GraphToHost = { type: 'export'; format: 'svg' | 'png'; svg?: string; dataUrl?: string };
