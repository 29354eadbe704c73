// Bilinear resizing as tf.image.resize does it (Keras's image_dataset_from_directory default):
// half-pixel centers, no antialiasing, edges clamped.

interface Axis {
  lower: Int32Array;
  upper: Int32Array;
  frac: Float32Array;
}

function axisWeights(outSize: number, inSize: number): Axis {
  const scale = inSize / outSize;
  const axis = { lower: new Int32Array(outSize), upper: new Int32Array(outSize), frac: new Float32Array(outSize) };
  for (let o = 0; o < outSize; o++) {
    const at = (o + 0.5) * scale - 0.5;
    const floor = Math.floor(at);
    axis.lower[o] = Math.max(floor, 0);
    axis.upper[o] = Math.min(Math.ceil(at), inSize - 1);
    axis.frac[o] = at - floor;
  }
  return axis;
}

/**
 * Resizes an interleaved image (height × width × channels, values 0-255) and writes the result,
 * rounded to bytes, into `out` at `offset`.
 */
export function resizeBilinear(
  src: Uint8Array | Float32Array,
  inH: number,
  inW: number,
  channels: number,
  outH: number,
  outW: number,
  out: Uint8Array,
  offset = 0,
): void {
  const ys = axisWeights(outH, inH);
  const xs = axisWeights(outW, inW);
  for (let y = 0; y < outH; y++) {
    const top = ys.lower[y] * inW;
    const bottom = ys.upper[y] * inW;
    const fy = ys.frac[y];
    for (let x = 0; x < outW; x++) {
      const left = xs.lower[x];
      const right = xs.upper[x];
      const fx = xs.frac[x];
      for (let c = 0; c < channels; c++) {
        const tl = src[(top + left) * channels + c];
        const tr = src[(top + right) * channels + c];
        const bl = src[(bottom + left) * channels + c];
        const br = src[(bottom + right) * channels + c];
        const t = tl + (tr - tl) * fx;
        const b = bl + (br - bl) * fx;
        out[offset + (y * outW + x) * channels + c] = Math.round(t + (b - t) * fy);
      }
    }
  }
}
