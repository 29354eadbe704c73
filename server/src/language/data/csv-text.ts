// CSV records (RFC 4180): comma-separated fields (or another one-character delimiter), double-quoted fields may hold commas, newlines
// and doubled quotes (""). Each record carries the 1-based line it starts on, for messages.

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
