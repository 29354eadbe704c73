// A sample image as a small PNG, for the data preview: the hover shows it as a `data:` URI in
// markdown, the Preview Data page as an <img>. Tiny images (28×28 digits) are enlarged by a whole
// factor with nearest-neighbour so the pixels stay crisp; large ones are shrunk (bilinear) so a
// thumbnail stays a few KiB.

import { PNG } from 'pngjs';
import { resizeBilinear } from './resize';
import type { SampleImage } from './samples';

export interface ThumbnailSize {
  /** Enlarge by the smallest whole factor that makes the longer side at least this. */
  minSide: number;
  /** Shrink until the longer side is at most this. */
  maxSide: number;
}

/** The hover's strip. */
export const STRIP_THUMBNAIL: ThumbnailSize = { minSide: 48, maxSide: 64 };
/** The Preview Data grid. */
/** The Preview Data grid: at the size training sees (up to 96 px); the page enlarges them, pixelated. */
export const GRID_THUMBNAIL: ThumbnailSize = { minSide: 0, maxSide: 96 };

/** PNG bytes of the image, scaled to `size`. */
export function thumbnailPng(image: SampleImage, size: ThumbnailSize = STRIP_THUMBNAIL): Uint8Array {
  const scaled = scale(image, size);
  const png = new PNG({ width: scaled.width, height: scaled.height });
  const { pixels, channels } = scaled;
  for (let p = 0; p < scaled.width * scaled.height; p++) {
    const at = p * channels;
    const gray = channels === 1;
    png.data[p * 4] = pixels[at];
    png.data[p * 4 + 1] = gray ? pixels[at] : pixels[at + 1];
    png.data[p * 4 + 2] = gray ? pixels[at] : pixels[at + 2];
    png.data[p * 4 + 3] = channels === 4 ? pixels[at + 3] : 255;
  }
  // colorType 0 (grayscale) or 2 (RGB) keeps the file small; 6 only when there is alpha.
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  // No per-line filter search: thumbnails are tiny, and the preview encodes a hundred per redraw.
  return new Uint8Array(PNG.sync.write(png, { colorType, inputHasAlpha: true, filterType: 0 }));
}

/** `data:image/png;base64,…` */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

function scale(image: SampleImage, size: ThumbnailSize): SampleImage {
  const side = Math.max(image.width, image.height);
  if (side > size.maxSide) {
    const f = size.maxSide / side;
    const width = Math.max(1, Math.round(image.width * f));
    const height = Math.max(1, Math.round(image.height * f));
    const pixels = new Uint8Array(width * height * image.channels);
    resizeBilinear(image.pixels, image.height, image.width, image.channels, height, width, pixels);
    return { ...image, width, height, pixels };
  }
  const factor = Math.ceil(size.minSide / side);
  if (!(factor >= 2)) return image;
  const width = image.width * factor;
  const height = image.height * factor;
  const c = image.channels;
  const pixels = new Uint8Array(width * height * c);
  for (let r = 0; r < height; r++) {
    const sr = Math.floor(r / factor);
    for (let col = 0; col < width; col++) {
      const from = (sr * image.width + Math.floor(col / factor)) * c;
      pixels.set(image.pixels.subarray(from, from + c), (r * width + col) * c);
    }
  }
  return { ...image, width, height, pixels };
}
