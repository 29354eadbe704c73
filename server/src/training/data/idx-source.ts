// `idx(images='…', labels='…')`: a pair of IDX files like MNIST's, gzipped or not.

import { DataError } from '../../language/data/errors';
import { pathArg } from '../../language/data/source-args';
import { readIdx } from './idx';
import type { SourceLoader } from './types';

export const idxSource: SourceLoader = {
  async files(ref, _split, ctx) {
    return [pathArg(ref, 'images', ctx.baseDir).path, pathArg(ref, 'labels', ctx.baseDir).path];
  },
  async load(ref, _split, ctx) {
    const images = pathArg(ref, 'images', ctx.baseDir);
    const labels = pathArg(ref, 'labels', ctx.baseDir);
    const x = await readIdx(images.path);
    const y = await readIdx(labels.path);
    const count = x.dims[0];
    if (y.dims.length !== 1 || y.dims[0] !== count) {
      throw new DataError(
        'data-format',
        `${labels.written} holds ${y.dims.join('×')} labels but ${images.written} holds ${count} samples; they must be one label per sample`,
        'labels',
      );
    }
    const sampleShape = x.dims.slice(1);
    // Rank-2 samples are grayscale images: add the channel axis, as Keras models expect (28, 28, 1).
    const isImage = sampleShape.length === 2 || (sampleShape.length === 3 && [1, 3, 4].includes(sampleShape[2]));
    let max = 0;
    for (const v of y.data) max = Math.max(max, v);
    return {
      x: { dtype: 'uint8', data: x.data, sampleShape: sampleShape.length === 2 ? [...sampleShape, 1] : sampleShape },
      count,
      y: { kind: 'classes', indices: Int32Array.from(y.data), classes: Array.from({ length: max + 1 }, (_, k) => String(k)) },
      isImage,
      at: (n, part) => `index ${n} of ${part === 'x' ? images.written : labels.written}`,
    };
  },
};
