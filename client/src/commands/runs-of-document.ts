// The runs of the .model document a command was run on (Open Run…, Predict…): the document's
// model and its runs in the runs folder, or a notice saying why there are none.

import * as vscode from 'vscode';
import type { RunSummary } from '../../../media/panel/src/messages';
import { modelDocument } from '../model-document';
import { findModelLine } from '../model-line';
import { runsOfModel } from '../panel/runs-of-model';
import { runsRootFor } from '../settings';

/**
 * The model of the document at `uri` (or the active one) and its runs (runsOfModel's order); undefined,
 * after telling the user why, when it has no model block or no runs. `trainFirst` ends the notice
 * for a model without runs ("Train it first.").
 */
export async function runsOfDocument(
  uri: unknown,
  trainFirst: string,
): Promise<{ model: string; runs: RunSummary[] } | undefined> {
  const doc = await modelDocument(uri);
  if (!doc) return undefined;
  const model = findModelLine(doc.getText())?.name;
  if (!model) {
    void vscode.window.showInformationMessage('ModelSpec: this file has no model block.');
    return undefined;
  }
  const { runs } = runsOfModel(runsRootFor(doc.uri), model);
  if (!runs.length) {
    void vscode.window.showInformationMessage(
      `ModelSpec: ${model} has no runs yet in ${runsRootFor(doc.uri)}. ${trainFirst}`,
    );
    return undefined;
  }
  return { model, runs };
}
