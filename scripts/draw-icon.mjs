// Draws the extension's icon (media/icon.png, 128×128) on a canvas in headless Chromium: a
// layered network (three columns of nodes, the shape of a Sequential model) on a dark tile.
// Run once when the design changes; the PNG is committed.
//
//   node scripts/draw-icon.mjs [OUT]     (default: media/icon.png)
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const out = process.argv[2] ?? 'media/icon.png';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(() => {
    const size = 128;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const g = canvas.getContext('2d');
    // The tile: a rounded square, dark blue with a lighter top.
    const tile = new Path2D();
    tile.roundRect(4, 4, 120, 120, 22);
    const bg = g.createLinearGradient(0, 4, 0, 124);
    bg.addColorStop(0, '#2b3f5c');
    bg.addColorStop(1, '#17212f');
    g.fillStyle = bg;
    g.fill(tile);
    // Layers: 4 → 5 → 2 nodes, left to right, like a Dense stack narrowing to its output.
    const columns = [
      { x: 30, n: 4 },
      { x: 64, n: 5 },
      { x: 98, n: 2 },
    ];
    const nodes = columns.map(({ x, n }) =>
      Array.from({ length: n }, (_, i) => ({ x, y: 64 + (i - (n - 1) / 2) * 19 })),
    );
    g.lineWidth = 1.6;
    for (let c = 0; c + 1 < nodes.length; c++) {
      for (const a of nodes[c]) {
        for (const b of nodes[c + 1]) {
          g.strokeStyle = 'rgba(142, 197, 255, 0.45)';
          g.beginPath();
          g.moveTo(a.x, a.y);
          g.lineTo(b.x, b.y);
          g.stroke();
        }
      }
    }
    const fills = ['#8ec5ff', '#ffd36e', '#7ee2a8'];
    nodes.forEach((column, c) => {
      for (const { x, y } of column) {
        g.beginPath();
        g.arc(x, y, 6.5, 0, Math.PI * 2);
        g.fillStyle = fills[c];
        g.fill();
        g.lineWidth = 2;
        g.strokeStyle = '#17212f';
        g.stroke();
      }
    });
    return canvas.toDataURL('image/png');
  });
  writeFileSync(out, Buffer.from(dataUrl.split(',')[1], 'base64'));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
