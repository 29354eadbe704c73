// An image folder as Keras's image_dataset_from_directory reads it: one sub-folder per class
// (class names = sorted folder names), images anywhere below each class folder.

import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { DataError } from './errors';
import { excerpt } from '../excerpt';
import { isImageFile } from './image-header';

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
        throw new DataError('data-format', `${excerpt(relative(dir, path), 200)} is a ${ext} image; only PNG and JPEG are read: convert it to PNG`, 'directory');
      }
      if (isImageFile(path)) files.push({ path, classIndex });
    }
  });
  if (files.length === 0) {
    throw new DataError('data-format', `${written} has class folders (${classes.slice(0, 20).map((c) => excerpt(c)).join(', ')}${classes.length > 20 ? ` and ${classes.length - 20} more` : ''}) but no .png or .jpg images in them`, 'directory');
  }
  return { classes, files };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(path));
    else if (e.isFile() || (e.isSymbolicLink() && statSync(path).isFile())) out.push(path);
  }
  return out;
}

/** The `size=(h, w)` and `color_mode=` arguments of images(), with Keras's defaults (256, 256) and 'rgb'. */
export function imageOptions(args: Record<string, unknown>): { height: number; width: number; channels: number; colorMode: string } {
  const size = args.size ?? [256, 256];
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new DataError('data-format', `images(size=…) must be (height, width) in pixels, like size=(64, 64)`, 'size');
  }
  const colorMode = args.color_mode ?? 'rgb';
  const channels = colorMode === 'grayscale' ? 1 : colorMode === 'rgb' ? 3 : colorMode === 'rgba' ? 4 : 0;
  if (channels === 0) {
    throw new DataError('data-format', `images(color_mode=${JSON.stringify(colorMode)}) must be 'rgb', 'grayscale' or 'rgba'`, 'color_mode');
  }
  return { height: size[0] as number, width: size[1] as number, channels, colorMode: colorMode as string };
}
