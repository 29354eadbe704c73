// Keras ImageDataGenerator's random transforms, applied in place to a batch of images
// (N x H x W x C floats): rotation, shifts, zoom and flips as one affine map around the image
// centre, sampled bilinearly with fill_mode='nearest' (edge pixels extend outwards).
import type { AugmentArgs } from '../../protocol';
import type { Random } from './random';

export interface AugmentOptions {
  rotationRange: number;
  widthShiftRange: number;
  heightShiftRange: number;
  zoomRange: [number, number];
  horizontalFlip: boolean;
  verticalFlip: boolean;
  featurewiseCenter: boolean;
  featurewiseStdNormalization: boolean;
}

/**
 * The RunSpec's ImageDataGenerator arguments, read strictly: the plan carries every one (the
 * catalog has the defaults), so a missing one is an error that names it, never a guess.
 */
export function parseAugment(args: AugmentArgs): AugmentOptions {
  const value = (k: string) => {
    if (!Object.hasOwn(args, k))
      throw new Error(`ImageDataGenerator has no '${k}' argument in the run spec; the spec carries every argument`);
    return args[k]!;
  };
  const num = (k: string) => {
    const v = value(k);
    if (typeof v !== 'number')
      throw new Error(`ImageDataGenerator(${k}=${JSON.stringify(v)}): the TF.js engine takes a single number here`);
    return v;
  };
  const flag = (k: string) => value(k) === true;
  const zoom = value('zoom_range');
  // Keras: a float z zooms in [1 - z, 1 + z]; a pair is [lower, upper].
  const zoomRange: [number, number] =
    Array.isArray(zoom) && zoom.length === 2 ? [zoom[0]!, zoom[1]!] : [1 - num('zoom_range'), 1 + num('zoom_range')];
  return {
    rotationRange: num('rotation_range'),
    widthShiftRange: num('width_shift_range'),
    heightShiftRange: num('height_shift_range'),
    zoomRange,
    horizontalFlip: flag('horizontal_flip'),
    verticalFlip: flag('vertical_flip'),
    featurewiseCenter: flag('featurewise_center'),
    featurewiseStdNormalization: flag('featurewise_std_normalization'),
  };
}

/** A shift range below 1 is a fraction of the size; from 1 up it is pixels (Keras). */
function shift(range: number, size: number, random: Random): number {
  if (!range) return 0;
  return range < 1 ? random.uniform(-range, range) * size : Math.round(random.uniform(-range, range));
}

export function augmentBatch(
  batch: Float32Array,
  n: number,
  [h, w, c]: [number, number, number],
  o: AugmentOptions,
  random: Random,
): void {
  const per = h * w * c;
  const src = new Float32Array(per);
  for (let b = 0; b < n; b++) {
    const theta = o.rotationRange ? (random.uniform(-o.rotationRange, o.rotationRange) * Math.PI) / 180 : 0;
    const tx = shift(o.heightShiftRange, h, random);
    const ty = shift(o.widthShiftRange, w, random);
    const zoomed = o.zoomRange[0] !== 1 || o.zoomRange[1] !== 1;
    const zx = zoomed ? random.uniform(o.zoomRange[0], o.zoomRange[1]) : 1;
    const zy = zoomed ? random.uniform(o.zoomRange[0], o.zoomRange[1]) : 1;
    const flipH = o.horizontalFlip && random.next() < 0.5;
    const flipV = o.verticalFlip && random.next() < 0.5;
    const img = batch.subarray(b * per, (b + 1) * per);
    if (theta || tx || ty || zx !== 1 || zy !== 1) {
      src.set(img);
      affine(src, img, h, w, c, theta, tx, ty, zx, zy);
    }
    if (flipH) flip(img, h, w, c, false);
    if (flipV) flip(img, h, w, c, true);
  }
}

/** out(o) = in(centre + R(Z(o - centre) + t)), as scipy's affine_transform in Keras. */
function affine(
  src: Float32Array,
  dst: Float32Array,
  h: number,
  w: number,
  c: number,
  theta: number,
  tx: number,
  ty: number,
  zx: number,
  zy: number,
): void {
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cr = (h - 1) / 2;
  const cc = (w - 1) / 2;
  const clampR = (r: number) => (r < 0 ? 0 : r > h - 1 ? h - 1 : r);
  const clampC = (x: number) => (x < 0 ? 0 : x > w - 1 ? w - 1 : x);
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const a = zx * (r - cr) + tx;
      const bb = zy * (col - cc) + ty;
      const ir = clampR(cr + cos * a - sin * bb);
      const ic = clampC(cc + sin * a + cos * bb);
      const r0 = Math.floor(ir);
      const c0 = Math.floor(ic);
      const r1 = Math.min(r0 + 1, h - 1);
      const c1 = Math.min(c0 + 1, w - 1);
      const fr = ir - r0;
      const fc = ic - c0;
      for (let ch = 0; ch < c; ch++) {
        const v00 = src[(r0 * w + c0) * c + ch]!;
        const v01 = src[(r0 * w + c1) * c + ch]!;
        const v10 = src[(r1 * w + c0) * c + ch]!;
        const v11 = src[(r1 * w + c1) * c + ch]!;
        dst[(r * w + col) * c + ch] = (1 - fr) * ((1 - fc) * v00 + fc * v01) + fr * ((1 - fc) * v10 + fc * v11);
      }
    }
  }
}

function flip(img: Float32Array, h: number, w: number, c: number, vertical: boolean): void {
  const px = (r: number, col: number) => (r * w + col) * c;
  if (vertical) {
    for (let r = 0; r < h >> 1; r++)
      for (let i = 0; i < w * c; i++) {
        const a = px(r, 0) + i;
        const b = px(h - 1 - r, 0) + i;
        const t = img[a]!;
        img[a] = img[b]!;
        img[b] = t;
      }
  } else {
    for (let r = 0; r < h; r++)
      for (let col = 0; col < w >> 1; col++)
        for (let ch = 0; ch < c; ch++) {
          const a = px(r, col) + ch;
          const b = px(r, w - 1 - col) + ch;
          const t = img[a]!;
          img[a] = img[b]!;
          img[b] = t;
        }
  }
}
