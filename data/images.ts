// `images('dir', size=(h, w), color_mode='rgb')`: a folder with one sub-folder per class (class
// names = sorted folder names, images anywhere below each), as Keras's image_dataset_from_directory
// reads it. PNG and JPEG images are decoded, converted to the color mode and resized (bilinear) to
// size, stored as uint8; samples are shuffled with a fixed seed, as Keras shuffles, so
// validation_split takes a mix of classes. One module for the format: the probe the checker runs on
// every keystroke (the folder listing and one image header) and the loader training runs, with the
// same header reader and messages.

import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../language/data/errors';
import { readHead, requireDirectory } from '../language/data/read-file';
import { pathArg } from '../language/data/source-args';
import type { SourceInfo, SourceRef } from '../language/data/types';
import { excerpt } from '../language/excerpt';
import { resizeBilinear } from './resize';
import { thousands, withArg } from './common';
import type { SourceLoader } from './types';

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
  channels: number;
}

/** File extensions read as images (others in a class folder are reported, not silently skipped). */
export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/** The one message for a file that is neither PNG nor JPEG (probe, loader, predict). */
function notAnImage(file: string): DataError {
  return new DataError(
    'data-format',
    `${file} is not a PNG or JPEG image; convert it to PNG or JPEG, or remove it from the folder`,
    'directory',
  );
}

export function parseImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 26 && buf.readUInt32BE(0) === 0x89504e47) {
    // PNG: the IHDR chunk comes first: width, height, bit depth, color type.
    return {
      format: 'png',
      width: buf.readUInt32BE(16),
      height: buf.readUInt32BE(20),
      channels: PNG_CHANNELS[buf[25]] ?? 3,
    };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    // JPEG: walk the markers to the first start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
    let at = 2;
    while (at + 9 < buf.length) {
      if (buf[at] !== 0xff) break;
      const marker = buf[at + 1];
      if (marker === 0xff) {
        at++;
        continue;
      }
      const length = buf.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return {
          format: 'jpeg',
          height: buf.readUInt16BE(at + 5),
          width: buf.readUInt16BE(at + 7),
          channels: buf[at + 9],
        };
      }
      at += 2 + length;
    }
    throw new DataError(
      'data-format',
      `${basename(file)}: no image size found in the JPEG header; the file may be damaged`,
    );
  }
  throw notAnImage(basename(file));
}

/** Reads the header of an image file (the first 64 KiB at most: JPEG metadata can come first). */
export function readImageHeaderSync(path: string, written = path): ImageHeader {
  return parseImageHeader(readHead(path, 65536, written), path);
}

export interface ImageFolder {
  classes: string[];
  /** Every image with its class index, class by class, files sorted by path. */
  files: { path: string; classIndex: number }[];
}

/** Image types Keras reads that ModelSpec does not decode: reported instead of silently skipped. */
const UNSUPPORTED = new Set(['.gif', '.bmp']);

export function listImageFolder(dir: string, written: string): ImageFolder {
  const classes = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (classes.length === 0) {
    throw new DataError(
      'data-format',
      `${written} has no sub-folders; put the images of each class in a folder of its own (${written}/cats/…, ${written}/dogs/…)`,
      'directory',
    );
  }
  const files: ImageFolder['files'] = [];
  classes.forEach((name, classIndex) => {
    for (const path of walk(join(dir, name))) {
      const ext = extname(path).toLowerCase();
      if (UNSUPPORTED.has(ext)) {
        throw new DataError(
          'data-format',
          `${excerpt(relative(dir, path), 200)} is a ${ext} image; only PNG and JPEG are read: convert it to PNG`,
          'directory',
        );
      }
      if (isImageFile(path)) files.push({ path, classIndex });
    }
  });
  if (files.length === 0) {
    throw new DataError(
      'data-format',
      `${written} has class folders (${classes
        .slice(0, 20)
        .map((c) => excerpt(c))
        .join(
          ', ',
        )}${classes.length > 20 ? ` and ${classes.length - 20} more` : ''}) but no .png or .jpg images in them`,
      'directory',
    );
  }
  return { classes, files };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(path));
    else if (e.isFile() || (e.isSymbolicLink() && statSync(path).isFile())) out.push(path);
  }
  return out;
}

/** The `size=(h, w)` and `color_mode=` arguments of images(), with Keras's defaults (256, 256) and 'rgb'. */
export function imageOptions(args: Record<string, unknown>): {
  height: number;
  width: number;
  channels: number;
  colorMode: string;
} {
  const size = args.size ?? [256, 256];
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new DataError('data-format', `images(size=…) must be (height, width) in pixels, like size=(64, 64)`, 'size');
  }
  const colorMode = args.color_mode ?? 'rgb';
  const channels = colorMode === 'grayscale' ? 1 : colorMode === 'rgb' ? 3 : colorMode === 'rgba' ? 4 : 0;
  if (channels === 0) {
    throw new DataError(
      'data-format',
      `images(color_mode=${JSON.stringify(colorMode)}) must be 'rgb', 'grayscale' or 'rgba'`,
      'color_mode',
    );
  }
  return { height: size[0] as number, width: size[1] as number, channels, colorMode: colorMode as string };
}

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

/** Images over this many pixels are refused before decoding (Pillow's decompression-bomb limit): one would take gigabytes. */
export const MAX_IMAGE_PIXELS = 89_478_485;

export function decodeImage(bytes: Buffer, file: string): DecodedImage {
  const format =
    bytes[0] === 0x89 && bytes[1] === 0x50 ? 'PNG' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'JPEG' : undefined;
  if (!format) throw notAnImage(file);
  const invalid = (why: string) =>
    new DataError(
      'data-format',
      `${file} cannot be decoded: it is not a valid ${format} (${why}); re-save it from an image editor, or remove it from the folder`,
      'directory',
    );
  let header;
  try {
    header = parseImageHeader(bytes, file);
  } catch {
    throw invalid('its header is damaged');
  }
  if (header.width === 0 || header.height === 0)
    throw invalid(`its header says ${header.width}×${header.height} pixels`);
  if (header.width * header.height > MAX_IMAGE_PIXELS) {
    throw new DataError(
      'data-format',
      `${file} says it is ${header.width}×${header.height} pixels, over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels per image; ` +
        `shrink it (the model resizes every image anyway), or remove it from the folder`,
      'directory',
    );
  }
  try {
    if (format === 'PNG') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw invalid(decodeFailure((e as Error).message));
  }
}

/** The decoders' messages in words: pngjs says "read requests waiting on finished stream" for a cut file. */
function decodeFailure(message: string): string {
  if (/read requests|finished stream|unexpected end|end of (data|file)|premature/i.test(message))
    return 'the file ends too early: it is cut short';
  return `the decoder says: ${message}`;
}

/** RGBA to `channels` (1: TensorFlow's grayscale weights, 3: drop alpha, 4: as is). */
export function toChannels(rgba: Uint8Array, channels: number): Uint8Array | Float32Array {
  if (channels === 4) return rgba;
  const pixels = rgba.length / 4;
  if (channels === 3) {
    const rgb = new Uint8Array(pixels * 3);
    for (let p = 0; p < pixels; p++) {
      rgb[p * 3] = rgba[p * 4];
      rgb[p * 3 + 1] = rgba[p * 4 + 1];
      rgb[p * 3 + 2] = rgba[p * 4 + 2];
    }
    return rgb;
  }
  const gray = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) gray[p] = 0.2989 * rgba[p * 4] + 0.587 * rgba[p * 4 + 1] + 0.114 * rgba[p * 4 + 2];
  return gray;
}

/** A fixed permutation (mulberry32 + Fisher-Yates) so the order is the same on every run. */
export function fixedPermutation(n: number, seed = 1337): number[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Training's view: every image decoded and resized. */
export const imagesSource: SourceLoader = {
  async files(ref, _split, ctx) {
    const { path, written } = pathArg(ref, 'directory', ctx.baseDir);
    return [path, ...listImageFolder(path, written).files.map((f) => f.path)];
  },
  async load(ref, _split, ctx) {
    const { path: dir, written } = pathArg(ref, 'directory', ctx.baseDir);
    const { height, width, channels } = imageOptions(ref.args);
    const folder = listImageFolder(dir, written);
    const order = fixedPermutation(folder.files.length);
    const sampleSize = height * width * channels;
    const x = new Uint8Array(order.length * sampleSize);
    const indices = new Int32Array(order.length);
    const name = (n: number) => `${written}/${relative(dir, folder.files[order[n]].path)}`;
    for (let n = 0; n < order.length; n++) {
      ctx.signal?.throwIfAborted();
      if (n % 500 === 0 && n > 0) ctx.onProgress?.(`Reading images: ${n} / ${order.length}`);
      const file = folder.files[order[n]];
      const image = decodeImage(await readFile(file.path), name(n));
      resizeBilinear(
        toChannels(image.rgba, channels),
        image.height,
        image.width,
        channels,
        height,
        width,
        x,
        n * sampleSize,
      );
      indices[n] = file.classIndex;
    }
    return {
      x: { dtype: 'uint8', data: x, sampleShape: [height, width, channels] },
      count: order.length,
      y: { kind: 'classes', indices, classes: folder.classes },
      isImage: true,
      at: name,
    };
  },
};

/** The checker's view: the folder listing and the first image's header. */
export function probeImages(ref: SourceRef, baseDir: string): SourceInfo {
  const { path, written } = pathArg(ref, 'directory', baseDir);
  const { height, width, channels, colorMode } = imageOptions(ref.args);
  withArg('directory', () => requireDirectory(path, written));
  const folder = listImageFolder(path, written);
  withArg('directory', () => readImageHeaderSync(folder.files[0].path)); // the first image must at least be an image
  return {
    ok: true,
    sampleShape: [height, width, channels],
    classes: folder.classes,
    classCount: folder.classes.length,
    samples: folder.files.length,
    description: `${written}: ${thousands(folder.files.length)} images in ${folder.classes.length} classes, resized to ${height}×${width} ${colorMode}`,
  };
}
