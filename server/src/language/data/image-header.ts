// Image headers: width, height and channels of a PNG or JPEG from its first bytes, without decoding.

import { basename, extname } from 'node:path';
import { DataError } from './errors';
import { readHead } from './read-file';

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

export function parseImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 26 && buf.readUInt32BE(0) === 0x89504e47) {
    // PNG: the IHDR chunk comes first: width, height, bit depth, color type.
    return { format: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), channels: PNG_CHANNELS[buf[25]] ?? 3 };
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
        return { format: 'jpeg', height: buf.readUInt16BE(at + 5), width: buf.readUInt16BE(at + 7), channels: buf[at + 9] };
      }
      at += 2 + length;
    }
    throw new DataError('data-format', `${basename(file)}: no image size found in the JPEG header; the file may be damaged`);
  }
  throw new DataError('data-format', `${basename(file)} is not a PNG or JPEG image; convert it to PNG or JPEG`);
}

/** Reads the header of an image file (the first 64 KiB at most: JPEG metadata can come first). */
export function readImageHeaderSync(path: string, written = path): ImageHeader {
  return parseImageHeader(readHead(path, 65536, written), path);
}
