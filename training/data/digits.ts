// Reads the `digits` dataset that ships with the extension (dist/data/digits.bin) whole, for
// training; the file's place and layout are data/digits.ts's.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { digitsFilePath, missingDigits, parseDigits, type DigitsSplit } from '../../data/digits';

export { digitsFilePath, type DigitsSplit };

export async function readDigits(split: 'train' | 'test', file = digitsFilePath()): Promise<DigitsSplit> {
  if (!existsSync(file)) throw missingDigits(file);
  return parseDigits(await readFile(file), split, file);
}
