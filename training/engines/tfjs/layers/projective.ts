// TensorFlow's ImageProjectiveTransformV3 (tensorflow/core/kernels/image/image_ops.h), which
// Keras 3's `ops.image.affine_transform` calls on its TensorFlow backend and so every Random*
// geometric layer uses: each output pixel (x, y) reads the input at the transform's point, mapped
// inside the image by fill_mode and sampled by interpolation, in float32 as the kernel computes.
// TF.js's own tf.image.transform is not used: its CPU kernel returns after the first image of a
// batch (the others stay fill_value), so a batch would train on blank images there. Here the
// sampling points and weights are computed on the host and applied with gather, on any backend.
import * as tf from '@tensorflow/tfjs-core';

export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
export type Interpolation = 'bilinear' | 'nearest';

const f32 = Math.fround;

/** TF's MapCoordinate: where a coordinate outside [0, len - 1] reads from (float32, as the kernel). */
export function mapCoordinate(coord: number, len: number, mode: FillMode): number {
  let c = coord;
  if (mode === 'reflect') {
    // Reflect [abcd] to [dcba|abcd|dcba].
    if (c < 0) {
      if (len <= 1) c = 0;
      else {
        const sz2 = 2 * len;
        if (c < sz2) c = f32(sz2 * Math.trunc(-c / sz2) + c);
        c = c < -len ? f32(c + sz2) : f32(-c - 1);
      }
    } else if (c > len - 1) {
      if (len <= 1) c = 0;
      else {
        const sz2 = 2 * len;
        c = f32(c - sz2 * Math.trunc(c / sz2));
        if (c >= len) c = f32(sz2 - c - 1);
      }
    }
    return Math.min(Math.max(c, 0), len - 1);
  }
  if (mode === 'wrap') {
    // Wrap [abcd] to [abcd|abcd|abcd], with the kernel's own arithmetic (its period is len - 1 in
    // the division but len in the step, so far-away points land as TF puts them).
    if (c < 0) {
      if (len <= 1) c = 0;
      else c = f32(c + len * (Math.trunc(-c / (len - 1)) + 1));
    } else if (c > len - 1) {
      if (len <= 1) c = 0;
      else c = f32(c - len * Math.trunc(c / (len - 1)));
    }
    return Math.min(Math.max(c, 0), len - 1);
  }
  if (mode === 'nearest') return Math.min(Math.max(c, 0), len - 1);
  return c; // constant: a point outside reads fill_value
}

/** std::round: halves away from zero (Math.round takes -0.5 to 0, the kernel to -1). */
const roundHalfAway = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);

/**
 * The images transformed by one 8-number projective transform each ([a0, a1, a2, b0, b1, b2, c0,
 * c1]: output (x, y) reads input ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1).
 */
export function projectiveTransform(
  images: tf.Tensor4D,
  transforms: readonly (readonly number[])[],
  interpolation: Interpolation,
  fillMode: FillMode,
  fillValue: number,
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const corners = interpolation === 'nearest' ? 1 : 4;
  const pixels = n * h * w;
  const index = new Int32Array(pixels * corners);
  const weight = new Float32Array(pixels * corners);
  const fillWeight = new Float32Array(pixels);
  // One corner read: its weight goes to the pixel if inside the image, to fill_value otherwise.
  const read = (p: number, k: number, b: number, y: number, x: number, wt: number) => {
    if (y >= 0 && y < h && x >= 0 && x < w) {
      index[p * corners + k] = (b * h + y) * w + x;
      weight[p * corners + k] = wt;
    } else fillWeight[p] = f32(fillWeight[p]! + wt);
  };
  for (let b = 0; b < n; b++) {
    const t = transforms[transforms.length === 1 ? 0 : b]!.map(f32);
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        const p = (b * h + oy) * w + ox;
        const projection = f32(f32(f32(t[6]! * ox) + f32(t[7]! * oy)) + 1);
        if (projection === 0) {
          fillWeight[p] = 1;
          continue;
        }
        const inX = f32(f32(f32(f32(t[0]! * ox) + f32(t[1]! * oy)) + t[2]!) / projection);
        const inY = f32(f32(f32(f32(t[3]! * ox) + f32(t[4]! * oy)) + t[5]!) / projection);
        const x = mapCoordinate(inX, w, fillMode);
        const y = mapCoordinate(inY, h, fillMode);
        if (interpolation === 'nearest') {
          read(p, 0, b, roundHalfAway(y), roundHalfAway(x), 1);
          continue;
        }
        const y0 = Math.floor(y);
        const x0 = Math.floor(x);
        const wy = f32(y - y0);
        const wx = f32(x - x0);
        read(p, 0, b, y0, x0, f32(f32(1 - wy) * f32(1 - wx)));
        read(p, 1, b, y0, x0 + 1, f32(f32(1 - wy) * wx));
        read(p, 2, b, y0 + 1, x0, f32(wy * f32(1 - wx)));
        read(p, 3, b, y0 + 1, x0 + 1, f32(wy * wx));
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(images, [pixels, c]);
    const gathered = tf.reshape(tf.gather(flat, tf.tensor1d(index, 'int32')), [pixels, corners, c]);
    const sampled = tf.sum(tf.mul(gathered, tf.tensor3d(weight, [pixels, corners, 1])), 1);
    const filled = tf.add(sampled, tf.mul(tf.tensor2d(fillWeight, [pixels, 1]), fillValue));
    return tf.reshape(filled, [n, h, w, c]) as tf.Tensor4D;
  });
}
