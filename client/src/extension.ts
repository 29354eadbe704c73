// The VS Code side: starts the language server for .model files and registers the commands,
// the code lens, the status bar and the training panel. Training runs in its own process
// (RunSession), never in the extension host.

import * as vscode from 'vscode';
import { ModelCodeLenses } from './code-lens';
import { exportModel } from './commands/export';
import { GRAPH_VIEW_TYPE, ModelGraphViews } from './graph/model-graph-view';
import { DataPreviews } from './preview/data-preview-view';
import { newModelFromKeras } from './commands/import-keras';
import { openRun } from './commands/open-run';
import { predictCommand } from './commands/predict';
import { selectBackend } from './commands/select-backend';
import { showSummary, SummaryDocuments, SUMMARY_SCHEME } from './commands/summary';
import { SUMMARY_VIEW_ID, SummaryView } from './commands/summary-view';
import { Trainer } from './commands/train';
import { applyLearningRate } from './commands/apply-learning-rate';
import { LrFinder } from './commands/lr-find';
import { LearningRateActions } from './lr-find-actions';
import { Tuner } from './commands/tune';
import { applyBestTrial } from './commands/apply-best';
import { TuneActions } from './tune-actions';
import { dataDirsEnv } from './data-dirs';
import { createLanguageClient, type ModelSpecLanguageClient } from './language-client';
import { PanelMemory } from './panel/panel-memory';
import { PANEL_VIEW_TYPE, TrainingPanel } from './panel/training-panel';
import { RunStatusBar } from './status-bar';
import { MODEL_DOCUMENTS } from './document-selector';
import { openDigitsExample, watchForAFixedLayer } from './walkthrough';
import { disposeWarmEngines } from '../../training/warm-engine';

let client: ModelSpecLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('ModelSpec');
  const statusBar = new RunStatusBar();
  const trainer = new Trainer(context.extensionUri, output, statusBar);
  const lrFinder = new LrFinder(context.extensionUri, output, () => trainer.current);
  const tuner = new Tuner(context.extensionUri, output);
  const summaries = new SummaryDocuments(() => client);
  const summaryView = new SummaryView();
  const extensionUri = context.extensionUri;
  const lenses = new ModelCodeLenses(true);
  const graphs = new ModelGraphViews(extensionUri, () => client);
  const previews = new DataPreviews(extensionUri);
  const storage = context.storageUri ?? context.globalStorageUri;
  TrainingPanel.memory = new PanelMemory(vscode.Uri.joinPath(storage, 'training-panel.json').fsPath);

  context.subscriptions.push(
    output,
    statusBar,
    vscode.commands.registerCommand('modelspec.train', (uri?: unknown) => trainer.train(uri)),
    vscode.commands.registerCommand('modelspec.stop', () => trainer.stop()),
    vscode.commands.registerCommand('modelspec.tune', (uri?: unknown, options?: { trials?: number; epochs?: number }) =>
      tuner.tune(uri, options ?? {}),
    ),
    vscode.commands.registerCommand('modelspec.stopTune', () => tuner.stop()),
    vscode.commands.registerCommand('modelspec.applyBestTrial', (uri?: unknown, tuneDir?: unknown) =>
      applyBestTrial(uri, tuneDir),
    ),
    vscode.languages.registerCodeActionsProvider(MODEL_DOCUMENTS, new TuneActions(), {
      providedCodeActionKinds: TuneActions.kinds,
    }),
    vscode.commands.registerCommand('modelspec.findLearningRate', (uri?: unknown) => lrFinder.find(uri)),
    vscode.commands.registerCommand('modelspec.applyLearningRate', (uri?: unknown, learningRate?: unknown) =>
      applyLearningRate(uri, learningRate),
    ),
    vscode.languages.registerCodeActionsProvider(MODEL_DOCUMENTS, new LearningRateActions(), {
      providedCodeActionKinds: LearningRateActions.kinds,
    }),
    vscode.commands.registerCommand('modelspec.showSummary', (uri?: unknown) =>
      showSummary(summaries, summaryView, uri),
    ),
    graphs,
    vscode.commands.registerCommand('modelspec.showModelGraph', async (uri?: unknown) => {
      await graphs.show(uri);
    }),
    previews,
    vscode.commands.registerCommand('modelspec.previewData', async (uri?: unknown) => {
      await previews.show(uri);
    }),
    vscode.commands.registerCommand('modelspec.openRun', (uri?: unknown) => openRun(extensionUri, trainer.last, uri)),
    vscode.commands.registerCommand('modelspec.predict', (arg?: unknown) =>
      predictCommand(extensionUri, trainer.last, arg),
    ),
    vscode.commands.registerCommand('modelspec.selectBackend', () => selectBackend(extensionUri)),
    vscode.commands.registerCommand('modelspec.export', (uri?: unknown, target?: 'keras' | 'pytorch') =>
      exportModel(uri, target),
    ),
    vscode.commands.registerCommand('modelspec.newFromKeras', (uri?: unknown) => newModelFromKeras(uri)),
    vscode.commands.registerCommand('modelspec.openExample', () => openDigitsExample()),
    watchForAFixedLayer(),
    vscode.commands.registerCommand('modelspec.showTrainingPanel', () => {
      const session = trainer.last;
      if (session)
        TrainingPanel.show(extensionUri, {
          runDir: session.runId,
          model: session.model,
          session: session.running ? session : undefined,
        });
      else return vscode.commands.executeCommand('modelspec.openRun');
    }),
    vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, summaries),
    vscode.window.registerWebviewViewProvider(SUMMARY_VIEW_ID, summaryView),
    vscode.languages.registerCodeLensProvider(MODEL_DOCUMENTS, lenses),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    // An open summary follows its source as it is edited.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId !== 'modelspec') return;
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme === SUMMARY_SCHEME && doc.uri.query === e.document.uri.toString())
          summaries.refresh(doc.uri);
      }
      const source = e.document.uri.toString();
      // A failed request (the server stopping) leaves the last table in view.
      if (summaryView.source === source)
        summaries.table(source).then(
          (t) => summaryView.update(t),
          () => undefined,
        );
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        TrainingPanel.revive(panel, extensionUri, state, (runDir) =>
          trainer.current?.runId === runDir ? trainer.current : undefined,
        );
      },
    }),
    // The model graph comes back after a window reload, beside its file (its state names it).
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => graphs.revive(panel, state),
    }),
    { dispose: () => trainer.current?.stop() },
    { dispose: () => lrFinder.current?.stop() },
    { dispose: () => tuner.current?.stopNow() },
  );

  // modelspec.dataDirs → MODELSPEC_DATA_DIRS, read by data preparation here and inherited by the
  // language server started below (which sees a later change after a window reload).
  const inheritedDataDirs = process.env.MODELSPEC_DATA_DIRS;
  const applyDataDirs = () => {
    const value = dataDirsEnv(vscode.workspace.getConfiguration('modelspec').get('dataDirs'), inheritedDataDirs);
    if (value === undefined) delete process.env.MODELSPEC_DATA_DIRS;
    else process.env.MODELSPEC_DATA_DIRS = value;
  };
  applyDataDirs();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('modelspec.dataDirs')) applyDataDirs();
    }),
  );

  const started = createLanguageClient(context);
  client = started;
  // Disposed with the extension: stopped for good, like deactivate (a plain client.dispose()
  // throws for a client that is still starting).
  context.subscriptions.push({ dispose: () => void started.stopForGood() });
  await started.start();
}

export async function deactivate(): Promise<void> {
  disposeWarmEngines();
  const stopping = client;
  client = undefined;
  await stopping?.stopForGood();
}
