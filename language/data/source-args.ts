// Reading a source's arguments: paths (relative to the .model file) and checked options.

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DataError } from './errors';
import { isBuiltinSource, type SourceRef } from './types';

export interface PathArg {
  /** As written in the .model file, for messages. */
  written: string;
  /** Absolute. */
  path: string;
}

/** A path argument, resolved against baseDir; DataError when it is absent, not a string, or does not exist. */
export function pathArg(ref: SourceRef, name: string, baseDir: string): PathArg {
  const value = ref.args[name];
  if (value === undefined || value === null) {
    throw new DataError('data-format', `${ref.name}() needs ${name}='…', the path of the file to read`, name);
  }
  if (typeof value !== 'string' || value === '') {
    throw new DataError(
      'data-format',
      `${ref.name}(${name}=…) must be a path in quotes, like ${name}='data/file'`,
      name,
    );
  }
  const path = isAbsolute(value) ? value : resolve(baseDir, value);
  if (!existsSync(path)) {
    throw new DataError(
      'data-missing',
      `${value} does not exist (looked for ${path}); paths are relative to the .model file`,
      name,
    );
  }
  return { written: value, path };
}

/** The csv(delimiter=…) argument: one character, default ','. */
export function csvDelimiter(ref: SourceRef): string {
  const d = ref.args.delimiter ?? ',';
  if (typeof d !== 'string' || d.length !== 1) {
    throw new DataError(
      'data-format',
      `csv(delimiter=…) must be one character in quotes, like delimiter=';'`,
      'delimiter',
    );
  }
  return d;
}

/** `csv('houses.csv')`, `mnist(split='test')`: how a source is named in messages (as the checker names it). */
export function describeSource(ref: SourceRef): string {
  if (isBuiltinSource(ref.name)) {
    return ref.args.split === 'test' ? `${ref.name}(split='test')` : ref.name;
  }
  const first = Object.values(ref.args)[0];
  return typeof first === 'string' ? `${ref.name}('${first}')` : ref.name;
}
