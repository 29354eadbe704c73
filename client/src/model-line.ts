// Where the code lens goes: the line that opens the `model NAME {` block. A line scan rather
// than a parse, so the lens stays put while the file is being edited into shape.

export interface ModelLine {
  line: number;
  name: string;
}

export function findModelLine(text: string): ModelLine | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*model\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(lines[i]!);
    if (m) return { line: i, name: m[1]! };
  }
  return undefined;
}

/** The line that opens the `data {` block (the Preview Data lens goes there). */
export function findDataLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => /^\s*data\s*\{/.test(l));
  return i >= 0 ? i : undefined;
}
