// Choosing the label column of a CSV file: by name (label='price'), else the last column.
// Shared by the checker's probe and by training so both report the same error.

import { DataError } from './errors';
import { excerpt } from '../excerpt';
import { suggest } from '../catalog/suggest';

export function labelColumnIndex(columns: string[], label: unknown, file: string): number {
  if (label === undefined || label === null) return columns.length - 1;
  if (typeof label !== 'string') {
    throw new DataError('data-format', `csv(label=…) must be a column name in quotes, like label='${excerpt(columns[columns.length - 1] ?? 'label')}'`, 'label');
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
  const shown = columns.slice(0, max).map((c) => excerpt(c)).join(', ');
  return columns.length > max ? `${shown} and ${columns.length - max} more` : shown;
}
