// Shows a run's final notification (final-notice.ts) and carries out the button the user picks.

import { join } from 'node:path';
import * as vscode from 'vscode';
import { evaluationText } from '../../../cli/evaluate';
import { chooseEngine } from '../../../training/engines/detect';
import { buildEvaluateSpec } from '../../../training/evaluate-run';
import type { RunEvent } from '../../../training/protocol';
import { startRun } from '../../../training/run-process';
import { pythonSetting } from '../settings';
import { finalNotice, type NoticeAction } from './final-notice';

export async function showFinalNotice(
  model: string,
  runDir: string,
  events: readonly RunEvent[],
  output: vscode.OutputChannel,
): Promise<void> {
  const notice = finalNotice(model, events);
  const picked = (await (notice.severity === 'error'
    ? vscode.window.showErrorMessage(notice.text, ...notice.actions)
    : vscode.window.showInformationMessage(notice.text, ...notice.actions))) as NoticeAction | undefined;
  switch (picked) {
    case 'Open Report':
      await vscode.env.openExternal(vscode.Uri.file(join(runDir, 'report.html')));
      break;
    case 'Reveal Run Folder':
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(runDir));
      break;
    case 'Evaluate':
      await evaluateSaved(runDir, output);
      break;
    case 'Show Log':
      output.show(true);
      break;
    default:
      break;
  }
}

/** `modelspec evaluate RUN_DIR` in the editor: the saved model on the test data, in the Output. */
async function evaluateSaved(runDir: string, output: vscode.OutputChannel): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Evaluating the saved model…' },
    async () => {
      try {
        const spec = await buildEvaluateSpec(runDir, { onProgress: (m) => output.appendLine(m) });
        const choice = await chooseEngine(spec.fit.backend, pythonSetting(vscode.Uri.file(spec.sourceFile)));
        let evaluated: Extract<RunEvent, { type: 'evaluated' }> | undefined;
        let failure: string | undefined;
        const final = await startRun(spec, choice, (e) => {
          if (e.type === 'evaluated') evaluated = e;
          if (e.type === 'failed') failure = e.message;
        }).done;
        if (final.type !== 'finished' || !evaluated) throw new Error(failure ?? 'the engine ended without a result');
        output.appendLine(`Evaluation of ${spec.initialWeights?.source ?? runDir}:`);
        output.appendLine(evaluationText(evaluated, spec.data.test?.y.shape[0] ?? 0));
        const line = evaluationText(evaluated, spec.data.test?.y.shape[0] ?? 0).split('\n')[0];
        void vscode.window
          .showInformationMessage(`ModelSpec: ${line}`, 'Show Details')
          .then((c) => c && output.show(true));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        output.appendLine(`Could not evaluate ${runDir}: ${message}`);
        void vscode.window
          .showErrorMessage(`ModelSpec: could not evaluate ${runDir}: ${message}`, 'Show Log')
          .then((c) => c && output.show(true));
      }
    },
  );
}
