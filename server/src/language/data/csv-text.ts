// CSV records (RFC 4180): comma-separated fields (or another one-character delimiter), double-quoted fields may hold commas, newlines
// and doubled quotes (""). Each record carries the 1-based line it starts on, for messages.

import { DataError } from './errors';

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
  if (isUtf16(bytes)) throw new DataError('data-format', `${file} is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8) and check again`, 'path');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function isUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  // Without a mark: ASCII text in UTF-16 has a NUL in every other byte.
  const n = Math.min(bytes.length, 64);
  let nuls = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) nuls++;
  return n >= 4 && nuls >= n / 4;
}
