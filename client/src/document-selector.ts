// The documents the extension serves: .model files on disk and unsaved ones. Each filter names
// its scheme, as VS Code asks (a selector without one also matches virtual documents, such as
// the summary view or a diff's left side, and VS Code logs a warning for it).

import type { DocumentFilter } from 'vscode';

export const MODEL_DOCUMENTS = [
  { scheme: 'file', language: 'modelspec' },
  { scheme: 'untitled', language: 'modelspec' },
] satisfies DocumentFilter[];
