// `csv(path='…', label='…')`: a header row, numeric feature columns, and one label column chosen
// by name (else the last). String labels become classes (sorted); numeric labels stay numbers
// (classes or regression targets, decided later from the loss). Problems are reported with file,
// line and column. One module for the format: the header probe the checker runs on every
// keystroke and the loader training runs, with the same header checks and messages.

import { readFile } from 'node:fs/promises';
import { suggest } from '../language/catalog/suggest';
import { DataError } from '../language/data/errors';
import { labelValuesOf } from '../language/data/label-rules';
import { readHead, SMALL_FILE_BYTES, statPath } from '../language/data/read-file';
import { csvDelimiter, pathArg } from '../language/data/source-args';
import type { SourceInfo, SourceRef } from '../language/data/types';
import { excerpt } from '../language/excerpt';
import { thousands, withArg } from './common';
import type { SourceLoader } from './types';

export interface CsvRecord {
  fields: string[];
  line: number;
}

/** Splits CSV text into records, skipping blank lines. A trailing partial line (cut text) is kept. */
export function* csvRecords(text: string, delimiter = ','): Generator<CsvRecord> {
  let i = 0;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark from Excel
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    for (; i < n; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else {
          if (c === '\n') line++;
          field += c;
        }
      } else if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
      } else if (c === delimiter) {
        fields.push(field);
        field = '';
        atFieldStart = true;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else {
        field += c;
        if (c !== ' ' && c !== '\t') atFieldStart = false;
      }
    }
    fields.push(field);
    if (fields.length === 1 && fields[0].trim() === '') continue; // blank line
    yield { fields: fields.map((f) => f.trim()), line: startLine };
  }
}

/** The header's column names: the first record of the text. */
export function csvHeader(text: string, delimiter = ','): string[] {
  const first = csvRecords(text, delimiter).next();
  return first.done ? [] : first.value.fields;
}

/** Values that mean "no value" in CSV exports (pandas, R, Excel). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

export function isMissingCsvValue(field: string): boolean {
  return MISSING.has(field.toLowerCase());
}

/** A number as CSV writes it ('3', '-1.5e3'); undefined for anything else ('', 'abc', '1,5', 'NaN'). */
export function parseCsvNumber(field: string): number | undefined {
  if (field === '') return undefined;
  const value = Number(field);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The text of a CSV file's bytes, read as UTF-8. UTF-16 (Excel's "Unicode text", PowerShell's
 * default) would decode to column names full of NULs, so it is refused with the fix: a byte-order
 * mark (FF FE or FE FF), or NULs between the first characters, give it away.
 */
export function csvTextOf(bytes: Uint8Array, file: string): string {
  if (isUtf16(bytes))
    throw new DataError(
      'data-format',
      `${file} is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8) and check again`,
      'path',
    );
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function isUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)))
    return true;
  // Without a mark: ASCII text in UTF-16 has a NUL in every other byte.
  const n = Math.min(bytes.length, 64);
  let nuls = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) nuls++;
  return n >= 4 && nuls >= n / 4;
}

/** Choosing the label column: by name (label='price'), else the last column. */
export function labelColumnIndex(columns: string[], label: unknown, file: string): number {
  if (label === undefined || label === null) return columns.length - 1;
  if (typeof label !== 'string') {
    throw new DataError(
      'data-format',
      `csv(label=…) must be a column name in quotes, like label='${excerpt(columns[columns.length - 1] ?? 'label')}'`,
      'label',
    );
  }
  const index = columns.indexOf(label);
  if (index >= 0) return index;
  const guess = suggest(label, columns, 1)[0];
  throw new DataError(
    'data-column',
    `${file} has no column '${excerpt(label)}'${guess ? `; did you mean '${excerpt(guess)}'?` : ''} Its columns are: ${listColumns(columns)}`,
    'label',
  );
}

/** At most the first 20 column names, each a short excerpt: a message never carries a whole header. */
function listColumns(columns: string[], max = 20): string {
  const shown = columns
    .slice(0, max)
    .map((c) => excerpt(c))
    .join(', ');
  return columns.length > max ? `${shown} and ${columns.length - max} more` : shown;
}

/** The header's columns, checked: not empty, a feature and a label column, no name twice. */
function checkHeader(columns: string[], file: string, delimiter: string, line: number): string[] {
  if (columns.length === 0)
    throw new DataError('data-format', `${file} is empty; it needs a header row with the column names`, 'path');
  if (columns.length < 2) {
    throw new DataError(
      'data-format',
      `${file} has one column ('${excerpt(columns[0])}'); it needs feature columns and a label column${delimiter === ',' ? " (if it uses ';' or tabs, write delimiter=';')" : ''}`,
      'path',
    );
  }
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate !== undefined) {
    throw new DataError(
      'data-format',
      `${file}:${line}: column '${excerpt(duplicate)}' appears twice in the header; rename one`,
      'path',
    );
  }
  return columns;
}

/** The checker's view: the header (64 KiB at most), and the rows and labels of a small file. */
export function probeCsv(ref: SourceRef, baseDir: string): SourceInfo {
  const { path, written } = pathArg(ref, 'path', baseDir);
  const delimiter = csvDelimiter(ref);
  const whole = statPath(path, written).size <= SMALL_FILE_BYTES;
  let text = csvTextOf(
    withArg('path', () => readHead(path, whole ? SMALL_FILE_BYTES : 64 * 1024, written)),
    written,
  );
  if (!whole) text = text.slice(0, text.lastIndexOf('\n') + 1); // header only, never a cut line
  const columns = checkHeader(csvHeader(text, delimiter), written, delimiter, 1);
  const labelIndex = labelColumnIndex(columns, ref.args.label, written);
  const label = columns[labelIndex];
  const info: SourceInfo = {
    ok: true,
    sampleShape: [columns.length - 1],
    columns,
    description: `${written}: ${columns.length - 1} feature columns, label '${excerpt(label)}'`,
  };
  if (whole) {
    // Small file: count rows; string labels are classes (numeric ones may be classes or targets, as the loss decides).
    const labels: string[] = [];
    const lines: number[] = [];
    let first = true;
    for (const { fields, line } of csvRecords(text, delimiter)) {
      if (first) first = false;
      else {
        labels.push(fields[labelIndex] ?? '');
        lines.push(line);
      }
    }
    info.samples = labels.length;
    info.description = `${written}: ${thousands(labels.length)} rows, ${columns.length - 1} feature columns, label '${excerpt(label)}'`;
    const values = labels.filter((l) => l !== '');
    if (values.length > 0 && values.some((v) => parseCsvNumber(v) === undefined)) {
      info.classes = [...new Set(values)].sort();
      info.classCount = info.classes.length;
      info.description += ` (${info.classCount} classes)`;
    } else if (values.length === labels.length) {
      // Numeric labels: their values, for the checker's label-range check against the loss and output.
      info.labelValues = labelValuesOf(labels.map(Number), (i) => `row ${lines[i]} of ${written}`);
    }
  }
  return info;
}

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
export function parseCsv(text: string, file: string, options: { label?: unknown; delimiter?: string } = {}): CsvTable {
  const { label, delimiter = ',' } = options;
  const records = csvRecords(text, delimiter);
  const header = records.next();
  const columns = checkHeader(
    header.done ? [] : header.value.fields,
    file,
    delimiter,
    header.done ? 1 : header.value.line,
  );
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
        throw new DataError(
          'data-format',
          `${file}:${line}: column '${columns[i]}' is empty${seen}; fill it or drop the row`,
        );
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
  if (labelTexts.length === 0)
    throw new DataError(
      'data-format',
      `${file} has a header but no rows of data; add rows, or point the data block at another file`,
    );

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

/** Training's view: the whole file parsed. */
export const csvSource: SourceLoader = {
  async files(ref, _split, ctx) {
    return [pathArg(ref, 'path', ctx.baseDir).path];
  },
  async load(ref, _split, ctx) {
    const { written, path } = pathArg(ref, 'path', ctx.baseDir);
    const table = parseCsv(csvTextOf(await readFile(path), written), written, {
      label: ref.args.label,
      delimiter: csvDelimiter(ref),
    });
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
