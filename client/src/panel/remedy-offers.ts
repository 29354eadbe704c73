// The training panel's overfitting advice, linked to edits: which remedies the run's .model
// file can take now, and their edits, from the language service (language/services/remedies.ts)
// applied to the file's current text (the open editor's, unsaved changes included). No `vscode`
// import: unit-tested in test/client/.

import { dirname } from 'node:path';
import { analyze } from '../../../language/analysis/analyze';
import { overfittingRemedies } from '../../../language/services/remedies';
import type { TextEdit } from '../../../language/services/types';
import type { RemedyId, RemedyOffer } from '../../../media/panel/src/messages';

/** The remedies the file can take, as the panel shows them. */
export function remedyOffers(text: string, file: string): RemedyOffer[] {
  return overfittingRemedies(analyze(text, { baseDir: dirname(file) })).map((r) => ({ id: r.id, title: r.title }));
}

/** One remedy's edits for the file's current text; undefined when the file has it already (or cannot take it). */
export function remedyEdits(
  text: string,
  file: string,
  id: RemedyId,
): { title: string; edits: TextEdit[] } | undefined {
  const remedy = overfittingRemedies(analyze(text, { baseDir: dirname(file) })).find((r) => r.id === id);
  return remedy && { title: remedy.title, edits: remedy.edits };
}
