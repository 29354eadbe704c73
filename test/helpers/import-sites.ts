// The module specifiers a source file names, for the architecture tests (import boundaries, plan
// consumers): import and export-from declarations, import(), require(), `import x = require()`
// and import types. Found with TypeScript's own import scanner (ts.preProcessFile, which its
// language service uses to list a file's imports) rather than by walking a full syntax tree:
// the same sites over every source file of the repository, in a fifth of the CPU (0.4 s vs 2.2 s).
import ts from 'typescript';

export interface ImportSite {
  file: string;
  /** 1-based line of the specifier. */
  line: number;
  specifier: string;
}

/** Every module specifier `text` (the source of `file`) names, in order. */
export function importSites(file: string, text: string): ImportSite[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (pos: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return importedFiles.map((f) => ({ file, line: lineOf(f.pos), specifier: f.fileName }));
}
