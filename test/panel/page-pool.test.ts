// The reused browser tabs of the webview tests (fixtures/page-pool.ts): a tab handed back and
// lent again carries nothing of its last test — no route, no init script, no listener, the
// viewport asked for — and a file's close() hands back every tab it was lent.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './fixtures/panelPage';

const ORIGIN = 'https://pool.webview.test';
let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

it('lends the same tab again, cleared of what the last test registered on it', async () => {
  const first = await browser.newPage({ viewport: { width: 500, height: 400 } });
  const seen: string[] = [];
  first.on('console', (m) => seen.push(m.text()));
  await first.addInitScript('window.__fromFirst = 1');
  await first.route(`${ORIGIN}/**`, (r) =>
    r.fulfill({ contentType: 'text/html', body: '<script>console.log("first")</script>' }),
  );
  await first.goto(`${ORIGIN}/`);
  assert.equal(await first.evaluate('window.__fromFirst'), 1);
  await first.mouse.move(100, 100);
  const url = first.url();
  await first.close();
  assert.ok(first.isClosed(), 'a handed-back tab reads as closed to the test that had it');

  const second = await browser.newPage({ viewport: { width: 700, height: 300 } });
  assert.equal(second.url(), 'about:blank', 'the last document is gone');
  assert.deepEqual(second.viewportSize(), { width: 700, height: 300 });
  // No route from the first test: the same address now fails instead of being answered.
  await assert.rejects(second.goto(url));
  await second.route(`${ORIGIN}/**`, (r) =>
    r.fulfill({ contentType: 'text/html', body: '<script>console.log("second")</script>' }),
  );
  await second.goto(`${ORIGIN}/`);
  assert.equal(await second.evaluate('window.__fromFirst'), undefined, 'no init script of the first test');
  assert.deepEqual(seen, ['first'], 'no listener of the first test');
});

it("hands back the tabs a file did not close when the file's browser closes", async () => {
  const own = await launchBrowser();
  const page = await own.newPage();
  await own.close();
  assert.ok(page.isClosed());
});
