// "▶ Train · Summary · Export" above the `model NAME {` line, "Preview Data" above `data {`.

import * as vscode from 'vscode';
import { findDataLine, findModelLine } from './model-line';

export class ModelCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly exportAvailable: boolean) {}

  /** Train and Export appear only in trusted workspaces: call when trust is granted. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const dataLine = findDataLine(doc.getText());
    const data =
      dataLine === undefined
        ? []
        : [
            new vscode.CodeLens(new vscode.Range(dataLine, 0, dataLine, 0), {
              title: 'Preview Data',
              command: 'modelspec.previewData',
              arguments: [doc.uri],
              tooltip: 'Training samples per class, and as training sees them after augmentation',
            }),
          ];
    const found = findModelLine(doc.getText());
    if (!found) return data;
    const range = new vscode.Range(found.line, 0, found.line, 0);
    const lenses: vscode.CodeLens[] = [];
    const trusted = vscode.workspace.isTrusted;
    if (trusted)
      lenses.push(
        new vscode.CodeLens(range, {
          title: '▶ Train',
          command: 'modelspec.train',
          arguments: [doc.uri],
          tooltip: `Train ${found.name}`,
        }),
      );
    // A file with a tune block is searched: "Tune" next to Train (the checker says what is wrong
    // with the block; the command refuses a file it cannot search, with why).
    if (trusted && /^\s*tune\s*\{/m.test(doc.getText()))
      lenses.push(
        new vscode.CodeLens(range, {
          title: '⚙ Tune',
          command: 'modelspec.tune',
          arguments: [doc.uri],
          tooltip: `Search ${found.name}'s hyperparameters as its tune block says`,
        }),
      );
    lenses.push(
      new vscode.CodeLens(range, {
        title: 'Summary',
        command: 'modelspec.showSummary',
        arguments: [doc.uri],
        tooltip: "Keras's model.summary() table",
      }),
    );
    if (trusted && this.exportAvailable)
      lenses.push(
        new vscode.CodeLens(range, {
          title: 'Export',
          command: 'modelspec.export',
          arguments: [doc.uri],
          tooltip: 'Export to Keras or PyTorch code',
        }),
      );
    return [...lenses, ...data];
  }
}
