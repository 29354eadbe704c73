// `modelspec import FILE.py [--out FILE.model] [--force]`: a Keras script to a .model file
// (interop/import/). Warnings name the Python line; the written text is checked at once, so
// the user learns right away what is left to do by hand.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { importKeras, ImportError } from '../interop/import/keras-import';
import { MAX_PYTHON_CHARS, PythonReadError } from '../interop/import/python';
import { analyze } from '../language/analysis/analyze';
import { printable } from '../language/printable';
import { writeFileAtomic } from '../training/files';
import { countBySeverity } from './check';

export interface ImportArgs {
  file: string;
  out?: string;
  force: boolean;
}

/** Exit code: 0 written (warnings or not), 1 nothing to translate, 2 unreadable file or an output that exists. */
export function importCommand({ file, out, force }: ImportArgs): number {
  let source: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_PYTHON_CHARS * 4)
      throw new PythonReadError(
        `${size.toLocaleString('en-US')} bytes; import reads Keras scripts of at most ${MAX_PYTHON_CHARS.toLocaleString('en-US')} characters`,
      );
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      e instanceof PythonReadError
        ? e.message
        : code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'is a directory, not a Python file'
            : `cannot read (${code ?? String(e)})`;
    process.stderr.write(`modelspec: ${printable(file)}: ${printable(why)}\n`);
    return 2;
  }
  if (out && existsSync(out) && !force) {
    process.stderr.write(
      `modelspec: ${printable(out)} already exists; choose another --out, or add --force to replace it\n`,
    );
    return 2;
  }
  let result;
  try {
    result = importKeras(source, basename(file).replace(/\.py$/i, ''));
  } catch (e) {
    if (e instanceof ImportError || e instanceof PythonReadError) {
      process.stderr.write(`modelspec: cannot import ${printable(file)}: ${printable(e.message)}\n`);
      return 1;
    }
    throw e;
  }
  for (const w of result.warnings) {
    process.stderr.write(`${printable(file)}${w.line > 0 ? `:${w.line}` : ''}: warning: ${printable(w.message)}\n`);
  }
  if (out) {
    writeFileAtomic(out, result.text, 'import');
    process.stderr.write(`Wrote ${printable(out)} (${result.layerCount} layer${result.layerCount === 1 ? '' : 's'})\n`);
  } else process.stdout.write(result.text);
  const counts = countBySeverity(analyze(result.text).diagnostics);
  if (counts.errors > 0) {
    process.stderr.write(
      `The translated model has ${counts.errors} error${counts.errors === 1 ? '' : 's'}; run modelspec check${out ? ` ${printable(out)}` : ''} to see them\n`,
    );
  }
  return 0;
}
