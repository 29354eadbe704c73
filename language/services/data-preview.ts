// The data preview of a hover: which data source is under the cursor (a train/test/validation
// value of the data block), and what to show of it: the sample count, one sample's shape, the
// classes with their counts, and a strip of samples (PNG thumbnails, or a CSV's first rows).
// Pure: the samples are read by the caller (the server reads them in its probe worker, with a
// time budget) and handed in; the editor adapter turns the result into markdown.

import type { Analysis, DataSourceAnalysis } from '../analysis/analyze';
import type { SampleClass, SourceSamples } from '../../data/samples';
import { STRIP_THUMBNAIL, thumbnailPng } from '../../data/thumbnail';
import type { Range } from '../syntax';
import { isInDocument, offsetAt, touches } from './text-positions';
import type { LineCharacter } from './types';

export interface DataSourceTarget {
  source: DataSourceAnalysis;
  /** The source's name in the text (`digits`, `csv` of `csv(...)`): what the hover covers. */
  range: Range;
}

export interface DataPreview {
  /** The probe's one line, e.g. "digits: MNIST digits shipped with ModelSpec: 8,000 train images, …". */
  title: string;
  total?: number;
  sampleShape?: number[];
  classes?: SampleClass[];
  /** The counts cover only the first this-many samples. */
  countedOf?: number;
  /** PNG thumbnails with their class name. */
  thumbnails: { label?: string; png: Uint8Array }[];
  table?: { columns: string[]; rows: string[][]; labelColumn: number };
  /** Why there is nothing more to show (a read that failed or is still running, a set only training reads). */
  note?: string;
}

/** The data source whose name is at `pos`, when it is one the checker probed. */
export function dataSourceAt(analysis: Analysis, pos: LineCharacter): DataSourceTarget | undefined {
  if (!analysis.data || !isInDocument(analysis, pos)) return undefined;
  const offset = offsetAt(analysis, pos);
  for (const source of analysis.data.sources) {
    const value = analysis.data.written[source.key]?.value;
    const range = value?.kind === 'call' ? value.callee.range : value?.kind === 'name' ? value.range : undefined;
    if (range && touches(range, offset)) return { source, range };
  }
  return undefined;
}

/** What the hover shows of a source, from the probe's facts and the samples read. */
export function dataPreview(target: DataSourceTarget, samples: SourceSamples): DataPreview {
  const info = target.source.info;
  const title = info.ok ? info.description : info.message;
  if (!samples.ok) return { title, thumbnails: [], note: samples.message };
  const names = samples.classes?.map((c) => c.name);
  return {
    title,
    ...(samples.total !== undefined && { total: samples.total }),
    sampleShape: samples.sampleShape,
    ...(samples.classes && { classes: samples.classes }),
    ...(samples.countedOf !== undefined && { countedOf: samples.countedOf }),
    thumbnails: samples.images.map((image) => ({
      ...(image.classIndex !== undefined && { label: names?.[image.classIndex] ?? String(image.classIndex) }),
      png: thumbnailPng(image, STRIP_THUMBNAIL),
    })),
    ...(samples.table && { table: samples.table }),
    ...(samples.note && { note: samples.note }),
  };
}
