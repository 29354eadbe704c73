// An error in a data source. `code` and `argName` let the checker put a diagnostic on the right
// argument; training shows the message as is, so it says what is wrong, where, and how to fix it.

import type { SourceErrorCode } from './types';

export class DataError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
    readonly argName?: string,
  ) {
    super(message);
    this.name = 'DataError';
  }
}
