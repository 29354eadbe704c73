// CSV files: a header row, numeric feature columns, and one label column chosen by name.
// String labels become classes (sorted); numeric labels stay numbers (classes or regression
// targets, decided later from the loss). Problems are reported with file, line and column.

import { readFile } from 'node:fs/promises';
import { csvRecords, csvTextOf, isMissingCsvValue, parseCsvNumber } from '../../language/data/csv-text';
import { labelColumnIndex } from '../../language/data/csv-columns';
import { DataError } from '../../language/data/errors';
import { csvDelimiter, pathArg } from '../../language/data/source-args';
import type { SourceLoader } from './types';

export interface CsvTable {
  columns: string[];
  featureColumns: string[];
  labelColumn: string;
  rows: number;
  /** Each row's 1-based line in the file (as an editor shows it), for messages. */
  lines: number[];
  /** rows × featureColumns.length, row-major. */
  features: Float32Array;
  labels: { kind: 'strings'; values: string[] } | { kind: 'numbers'; values: Float32Array };
}

/**
 * Parses CSV text. `file` is the name used in messages (as written in the .model file);
 * `label` the label column's name (default: the last column).
 */
export function parseCsv(text: string, file: string, options: { label?: string; delimiter?: string } = {}): CsvTable {
  const { label, delimiter = ',' } = options;
  const records = csvRecords(text, delimiter);
  const header = records.next();
  if (header.done) throw new DataError('data-format', `${file} is empty; it needs a header row with the column names`);
  const columns = header.value.fields;
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate !== undefined) {
    throw new DataError('data-format', `${file}:${header.value.line}: column '${duplicate}' appears twice in the header; rename one`);
  }
  const labelIndex = labelColumnIndex(columns, label, file);
  const featureColumns = columns.filter((_, i) => i !== labelIndex);

  const features: number[] = [];
  const labelTexts: string[] = [];
  const lines: number[] = [];
  for (const { fields, line } of records) {
    lines.push(line);
    if (fields.length !== columns.length) {
      throw new DataError(
        'data-format',
        `${file}:${line}: ${fields.length} values but the header has ${columns.length} columns; check for a missing or extra '${delimiter}'`,
      );
    }
    fields.forEach((field, i) => {
      if (isMissingCsvValue(field)) {
        // 'NaN', 'NA', '?' are how pandas, R and others write a missing value: say which one was seen.
        const seen = field === '' ? '' : ` ('${field}' marks a missing value)`;
        throw new DataError('data-format', `${file}:${line}: column '${columns[i]}' is empty${seen}; fill it or drop the row`);
      }
      if (i === labelIndex) {
        labelTexts.push(field);
        return;
      }
      const value = parseCsvNumber(field);
      if (value === undefined) {
        throw new DataError(
          'data-format',
          `${file}:${line}: column '${columns[i]}' has '${field}', not a number; features must be numeric (encode the column as numbers or drop it)`,
        );
      }
      features.push(value);
    });
  }
  if (labelTexts.length === 0) throw new DataError('data-format', `${file} has a header but no rows of data; add rows, or point the data block at another file`);

  const numbers = labelTexts.map(parseCsvNumber);
  const labels: CsvTable['labels'] = numbers.every((n) => n !== undefined)
    ? { kind: 'numbers', values: Float32Array.from(numbers as number[]) }
    : { kind: 'strings', values: labelTexts };
  return {
    columns,
    featureColumns,
    labelColumn: columns[labelIndex],
    rows: labelTexts.length,
    lines,
    features: Float32Array.from(features),
    labels,
  };
}

/** Sorted class names and each row's index into them. */
export function stringClasses(values: string[]): { classes: string[]; indices: Int32Array } {
  const classes = [...new Set(values)].sort();
  const position = new Map(classes.map((c, i) => [c, i]));
  return { classes, indices: Int32Array.from(values, (v) => position.get(v) ?? 0) };
}

export const csvSource: SourceLoader = {
  async files(ref, _split, ctx) {
    return [pathArg(ref, 'path', ctx.baseDir).path];
  },
  async load(ref, _split, ctx) {
    const { written, path } = pathArg(ref, 'path', ctx.baseDir);
    const label = ref.args.label;
    if (label !== undefined && label !== null && typeof label !== 'string') {
      throw new DataError('data-format', `csv(label=…) must be a column name in quotes`, 'label');
    }
    const table = parseCsv(csvTextOf(await readFile(path), written), written, { label: label ?? undefined, delimiter: csvDelimiter(ref) });
    return {
      x: { dtype: 'float32', data: table.features, sampleShape: [table.featureColumns.length] },
      count: table.rows,
      y:
        table.labels.kind === 'numbers'
          ? { kind: 'numbers', values: table.labels.values, shape: [] }
          : { kind: 'classes', ...stringClasses(table.labels.values) },
      isImage: false,
      at: (n) => `row ${table.lines[n]} of ${written}`,
    };
  },
};
