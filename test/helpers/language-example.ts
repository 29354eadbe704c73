// The example from LANGUAGE.md (the contract's own digits CNN), shared by the tests.

import { readFileSync } from 'node:fs';

export const LANGUAGE_EXAMPLE = readFileSync(new URL('../fixtures/language-example.model', import.meta.url), 'utf8');
