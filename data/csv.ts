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
import {
  adaptVocabulary,
  longestText,
  type Split as TextSplit,
  type Standardize,
  type TextSettings,
  vectorizeTexts,
} from './text';
import type { LoadedSplit, PrepareContext, SourceLoader } from './types';

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

/** Choosing the label column: by name (label='price'), else the last column; the first of a list (label=['a', 'b']). */
export function labelColumnIndex(columns: string[], label: unknown, file: string): number {
  return labelColumnIndices(columns, label, file)[0]!;
}

/**
 * The label columns: label='price' (one), label=['a', 'b', 'c'] (multi-label: each a 0/1 column,
 * in target order), else the last column.
 */
export function labelColumnIndices(columns: string[], label: unknown, file: string): number[] {
  if (label === undefined || label === null) return [columns.length - 1];
  if (Array.isArray(label)) {
    if (label.length === 0)
      throw new DataError(
        'data-format',
        `csv(label=[]) names no column; list the 0/1 label columns, like label=['${excerpt(columns[columns.length - 1] ?? 'label')}']`,
        'label',
      );
    const indices = label.map((l) => columnIndex(columns, l, file, 'label'));
    const twice = label.find((l, i) => label.indexOf(l) !== i);
    if (twice !== undefined)
      throw new DataError(
        'data-format',
        `csv(label=[…]) lists '${excerpt(String(twice))}' twice; list each label column once`,
        'label',
      );
    if (indices.length >= columns.length)
      throw new DataError(
        'data-format',
        `csv(label=[…]) takes every column of ${file} as a label, which leaves no feature column; leave the feature columns out of the list`,
        'label',
      );
    return indices;
  }
  return [columnIndex(columns, label, file, 'label')];
}

/** A column chosen by name (label=, text=): its index, or what the file has instead. */
function columnIndex(columns: string[], name: unknown, file: string, argName: string): number {
  if (typeof name !== 'string') {
    throw new DataError(
      'data-format',
      `csv(${argName}=…) must be a column name in quotes, like ${argName}='${excerpt(columns[columns.length - 1] ?? 'label')}'`,
      argName,
    );
  }
  const index = columns.indexOf(name);
  if (index >= 0) return index;
  const guess = suggest(name, columns, 1)[0];
  throw new DataError(
    'data-column',
    `${file} has no column '${excerpt(name)}'${guess ? `; did you mean '${excerpt(guess)}'?` : ''} Its columns are: ${listColumns(columns)}`,
    argName,
  );
}

/** csv(text=…)'s TextVectorization settings, or undefined for numeric features. */
export function textSettingsOf(ref: SourceRef): (TextSettings & { column: string }) | undefined {
  const { text, max_tokens, output_sequence_length, standardize, split } = ref.args;
  if (typeof text !== 'string') return undefined;
  return {
    column: text,
    standardize: (typeof standardize === 'string'
      ? standardize
      : standardize === null
        ? null
        : 'lower_and_strip_punctuation') as Standardize,
    split: (typeof split === 'string' ? split : split === null ? null : 'whitespace') as TextSplit,
    ...(typeof max_tokens === 'number' && { maxTokens: max_tokens }),
    ...(typeof output_sequence_length === 'number' && { sequenceLength: output_sequence_length }),
  };
}

/** The text column's index: a column of the header that is not a label. */
function textColumnIndex(columns: string[], column: string, labels: number[], file: string): number {
  const index = columnIndex(columns, column, file, 'text');
  if (labels.includes(index))
    throw new DataError(
      'data-format',
      `csv(text='${excerpt(column)}') is also the label column; the text is the input, the label another column (label='…')`,
      'text',
    );
  return index;
}

/** A value of a label=[…] column that is not a number: `at` is "data/x.csv:7". */
export function labelNumberMessage(column: string, value: string, at: string): string {
  return `${at}: label column '${excerpt(column)}' has '${excerpt(value)}', not a number; the columns of label=[…] hold numbers (0 or 1 for multi-label targets)`;
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
  const labelIndices = labelColumnIndices(columns, ref.args.label, written);
  const multi = Array.isArray(ref.args.label);
  const textSettings = textSettingsOf(ref);
  const textIndex = textSettings && textColumnIndex(columns, textSettings.column, labelIndices, written);
  const labelNames = labelIndices.map((i) => columns[i]!);
  const label = multi
    ? `labels ${labelNames.map((l) => `'${excerpt(l)}'`).join(', ')}`
    : `label '${excerpt(labelNames[0]!)}'`;
  const features = textSettings
    ? `text column '${excerpt(textSettings.column)}'`
    : `${columns.length - labelIndices.length} feature columns`;
  const info: SourceInfo & { ok: true } = {
    ok: true,
    sampleShape: [columns.length - labelIndices.length],
    columns,
    ...(multi && { labelColumns: labelNames }),
    description: `${written}: ${features}, ${label}`,
  };
  const rows: { fields: string[]; line: number }[] = [];
  if (whole) {
    let first = true;
    for (const record of csvRecords(text, delimiter)) {
      if (first) first = false;
      else rows.push(record);
    }
  }
  if (textSettings && textIndex !== undefined) {
    const texts = rows.map((r) => r.fields[textIndex] ?? '');
    const length = textSettings.sequenceLength ?? (whole ? longestText(texts, textSettings) : undefined);
    if (length === undefined)
      throw new DataError(
        'data-format',
        `${written} is too large to find its longest text while you type; write output_sequence_length=N (every text padded or cut to N tokens)`,
        'text',
      );
    info.sampleShape = [length];
    // The ids the source can give: max_tokens, else (a small file) its whole vocabulary.
    const tokens = textSettings.maxTokens ?? (whole ? adaptVocabulary(texts, textSettings).length : undefined);
    if (tokens !== undefined) info.vocabularySize = tokens;
    info.description += `, ${length} token ids per text${tokens !== undefined ? ` from a vocabulary of ${thousands(tokens)}` : ''}`;
  }
  if (whole) {
    info.samples = rows.length;
    info.description = `${written}: ${thousands(rows.length)} rows, ${info.description.slice(written.length + 2)}`;
    if (multi) {
      // Label columns hold numbers; the first that is not 0 or 1 is kept for the checker, which
      // refuses it for binary_crossentropy (multi-label) and takes it for mse (vector regression).
      for (const { fields, line } of rows)
        for (const i of labelIndices) {
          const v = fields[i] ?? '';
          const value = parseCsvNumber(v);
          if (value === undefined)
            throw new DataError('data-format', labelNumberMessage(columns[i]!, v, `${written}:${line}`), 'label');
          if (value !== 0 && value !== 1 && !info.labelOutlier)
            info.labelOutlier = { column: columns[i]!, value: v, at: `${written}:${line}` };
        }
      return info;
    }
    // Small file: string labels are classes (numeric ones may be classes or targets, as the loss decides).
    const labels = rows.map((r) => r.fields[labelIndices[0]!] ?? '');
    const values = labels.filter((l) => l !== '');
    if (values.length > 0 && values.some((v) => parseCsvNumber(v) === undefined)) {
      info.classes = [...new Set(values)].sort();
      info.classCount = info.classes.length;
      info.description += ` (${info.classCount} classes)`;
    } else if (values.length === labels.length) {
      // Numeric labels: their values, for the checker's label-range check against the loss and output.
      info.labelValues = labelValuesOf(labels.map(Number), (i) => `row ${rows[i]!.line} of ${written}`);
    }
  }
  return info;
}

export interface CsvTable {
  columns: string[];
  /** The numeric feature columns; empty when a text column is the input. */
  featureColumns: string[];
  /** The (first) label column. */
  labelColumn: string;
  rows: number;
  /** Each row's 1-based line in the file (as an editor shows it), for messages. */
  lines: number[];
  /** rows × featureColumns.length, row-major. */
  features: Float32Array;
  labels:
    | { kind: 'strings'; values: string[] }
    | { kind: 'numbers'; values: Float32Array }
    /** label=[…]: rows × columns.length targets: multi-hot (0/1) for multi-label, any numbers for vector regression. */
    | { kind: 'multi'; values: Float32Array; columns: string[] };
  /** text=: each row's text, the input instead of the feature columns. */
  texts?: string[];
}

/**
 * Parses CSV text. `file` is the name used in messages (as written in the .model file);
 * `label` the label column's name (default: the last column) or a list of 0/1 label columns;
 * `text` a text column that is the input (the other non-label columns are then not read).
 */
export function parseCsv(
  text: string,
  file: string,
  options: { label?: unknown; delimiter?: string; text?: string } = {},
): CsvTable {
  const { label, delimiter = ',' } = options;
  const records = csvRecords(text, delimiter);
  const header = records.next();
  const columns = checkHeader(
    header.done ? [] : header.value.fields,
    file,
    delimiter,
    header.done ? 1 : header.value.line,
  );
  const labelIndices = labelColumnIndices(columns, label, file);
  const multi = Array.isArray(label);
  const textIndex = options.text === undefined ? undefined : textColumnIndex(columns, options.text, labelIndices, file);
  const featureColumns = textIndex === undefined ? columns.filter((_, i) => !labelIndices.includes(i)) : [];

  const features: number[] = [];
  const labelTexts: string[] = [];
  const multiHot: number[] = [];
  const texts: string[] = [];
  const lines: number[] = [];
  for (const { fields, line } of records) {
    lines.push(line);
    if (fields.length !== columns.length) {
      throw new DataError(
        'data-format',
        `${file}:${line}: ${fields.length} values but the header has ${columns.length} columns; check for a missing or extra '${delimiter}'`,
      );
    }
    if (textIndex !== undefined) texts.push(fields[textIndex]!);
    fields.forEach((field, i) => {
      const isLabel = labelIndices.includes(i);
      if (textIndex !== undefined && !isLabel) return; // the text is the input: other columns are not read
      if (isMissingCsvValue(field)) {
        // 'NaN', 'NA', '?' are how pandas, R and others write a missing value: say which one was seen.
        const seen = field === '' ? '' : ` ('${field}' marks a missing value)`;
        throw new DataError(
          'data-format',
          `${file}:${line}: column '${columns[i]}' is empty${seen}; fill it or drop the row`,
        );
      }
      if (isLabel) {
        if (!multi) labelTexts.push(field);
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
    if (multi) {
      for (const i of labelIndices) {
        const value = parseCsvNumber(fields[i]!);
        if (value === undefined)
          throw new DataError('data-format', labelNumberMessage(columns[i]!, fields[i]!, `${file}:${line}`));
        multiHot.push(value);
      }
    }
  }
  if (lines.length === 0)
    throw new DataError(
      'data-format',
      `${file} has a header but no rows of data; add rows, or point the data block at another file`,
    );

  const numbers = labelTexts.map(parseCsvNumber);
  const labels: CsvTable['labels'] = multi
    ? { kind: 'multi', values: Float32Array.from(multiHot), columns: labelIndices.map((i) => columns[i]!) }
    : numbers.every((n) => n !== undefined)
      ? { kind: 'numbers', values: Float32Array.from(numbers as number[]) }
      : { kind: 'strings', values: labelTexts };
  return {
    columns,
    featureColumns,
    labelColumn: columns[labelIndices[0]!]!,
    rows: lines.length,
    lines,
    features: Float32Array.from(features),
    labels,
    ...(textIndex !== undefined && { texts }),
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
    const textSettings = textSettingsOf(ref);
    const table = parseCsv(csvTextOf(await readFile(path), written), written, {
      label: ref.args.label,
      delimiter: csvDelimiter(ref),
      ...(textSettings && { text: textSettings.column }),
    });
    const y: LoadedSplit['y'] =
      table.labels.kind === 'numbers'
        ? { kind: 'numbers', values: table.labels.values, shape: [] }
        : table.labels.kind === 'multi'
          ? { kind: 'numbers', values: table.labels.values, shape: [table.labels.columns.length] }
          : { kind: 'classes', ...stringClasses(table.labels.values) };
    const at = (n: number) => `row ${table.lines[n]} of ${written}`;
    const labelNames = table.labels.kind === 'multi' ? { labelNames: table.labels.columns } : {};
    if (table.texts && textSettings) {
      const text = vectorizedText(table.texts, textSettings, ctx);
      return {
        x: { dtype: 'float32', data: text.ids, sampleShape: [text.sequenceLength] },
        count: table.rows,
        y,
        isImage: false,
        at,
        text: { vocabulary: text.vocabulary, sequenceLength: text.sequenceLength },
        ...labelNames,
      };
    }
    return {
      x: { dtype: 'float32', data: table.features, sampleShape: [table.featureColumns.length] },
      count: table.rows,
      y,
      isImage: false,
      at,
      ...labelNames,
    };
  },
};

/**
 * The texts as token ids. The training source adapts the vocabulary on its rows before the
 * validation_split tail (Keras's adapt on the training data) and pads to its longest text when
 * output_sequence_length is None (the probe's rule, so the checked shape holds); validation and
 * test sources take the training source's vocabulary and length (ctx.text).
 */
function vectorizedText(
  texts: string[],
  settings: TextSettings,
  ctx: PrepareContext,
): { ids: Float32Array; vocabulary: string[]; sequenceLength: number } {
  const trainRows = Math.floor(texts.length * (1 - (ctx.validationSplit ?? 0)));
  const vocabulary = ctx.text?.vocabulary ?? adaptVocabulary(texts.slice(0, trainRows), settings);
  const sequenceLength = ctx.text?.sequenceLength ?? settings.sequenceLength ?? longestText(texts, settings);
  return { ids: vectorizeTexts(texts, vocabulary, settings, sequenceLength), vocabulary, sequenceLength };
}
