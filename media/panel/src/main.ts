// The training panel: wires the host messages, the run model and the views together.
// Runs in a VS Code webview, and in the saved report.html (with a stand-in host).

import 'uplot/dist/uPlot.min.css';
import './styles.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type uPlot from 'uplot';
import { ChartGrid, type ChartSettings } from './charts';
import type { Overlay } from './chartData';
import { runToCsv } from './csv';
import { renderEvaluation } from './evaluation';
import { renderEventLog, resetEventLog } from './eventLog';
import { chartsToPng } from './exportPng';
import { renderHeader } from './header';
import { byId, renderLayout } from './layout';
import { isHostToPanelMessage, type HostToPanelMessage } from './messages';
import { applyEvent, emptyRun, runFromEvents, type Evaluated, type RunModel } from './runModel';
import { LrFinderView } from './lrPlot';
import { TuneView } from './tuneView';
import { applyTuneEvent, emptyTune, type TuneModel } from './tuneModel';
import { renderOverlayLegend } from './overlayLegend';
import { clickedRemedy } from './remedies';
import { installPredictView } from './predictView';
import { showRunPicker } from './runPicker';
import { createRenderScheduler } from './scheduler';
import { readPalette, watchTheme } from './theme';
import { connectToHost } from './vscodeApi';

/** Read-only handle for tests and debugging in the webview's developer tools. */
export interface PanelInspector {
  plots(): Map<string, uPlot>;
  /** The learning-rate finder's chart, when the run is a range test. */
  lrPlot(): uPlot | undefined;
  /** The tune view's plots and which trials its brushes let through. */
  tune(): ReturnType<TuneView['inspect']> & { model: TuneModel };
  readonly renders: number;
  readonly pendingRender: boolean;
  run(): RunModel;
}
declare global {
  interface Window {
    modelspecPanel?: PanelInspector;
  }
}

const host = connectToHost();
const saved = host.getState();
const app = document.getElementById('app') ?? document.body;
renderLayout(app);
const predictView = installPredictView(app, (m) => host.postMessage(m));

let runId = saved.runId;
let run = emptyRun();
let overlays: Overlay[] = [];
/** The displayed run's label in the runs view (its differing hyperparameters). */
let displayedLabel: string | undefined;
let overlayRunDirs = saved.overlayRunDirs;
let title = app.dataset.title || 'Training';
let staticView = false;
let stopRequested = false;
let shownEvaluation: Evaluated | undefined;
const settings: ChartSettings = { smoothing: saved.smoothing ?? 0.6, logLoss: saved.logLoss ?? false };

const charts = new ChartGrid(byId('charts'), readPalette());
const scheduler = createRenderScheduler(render);
/** A hyperparameter search shown instead of a run (tuneReset). */
let tuneId: string | undefined;
let tune = emptyTune();
let tuneRunning = false;
const tuneView = new TuneView(readPalette(), {
  applyBest: (trial) => {
    if (tuneId !== undefined) host.postMessage({ type: 'applyBest', tuneId, trial });
  },
  stop: () => {
    if (tuneId !== undefined) host.postMessage({ type: 'stopTune', tuneId });
  },
});
const lrFinder = new LrFinderView(readPalette(), (learningRate) => {
  if (runId !== undefined) host.postMessage({ type: 'applyLearningRate', runId, learningRate });
});

function saveState(): void {
  host.setState({ runId, overlayRunDirs, smoothing: settings.smoothing, logLoss: settings.logLoss });
}

function render(): void {
  document.body.classList.toggle('tune-mode', tuneId !== undefined);
  byId('tune-view').hidden = tuneId === undefined;
  if (tuneId !== undefined) {
    tuneView.render(tune, title, tuneRunning, !staticView);
    return;
  }
  renderHeader(run, title, runId !== undefined && !staticView && !stopRequested, staticView);
  // A range test (mode 'lr-find') has no epochs: the finder replaces the training curves.
  const rangeTest = run.lrPoints.length > 0;
  lrFinder.update(run, runId !== undefined && !staticView);
  byId('charts-toolbar').hidden = rangeTest;
  charts.update(run, overlays, settings);
  renderOverlayLegend(byId('overlay-legend'), run, overlays, readPalette(), displayedLabel);
  byId('empty').hidden = rangeTest || run.batchX.length > 0 || run.epochs.length > 0;
  if (run.evaluated !== shownEvaluation) {
    shownEvaluation = run.evaluated;
    renderEvaluation(run.evaluated);
  }
  renderEventLog(run);
}

function handle(m: HostToPanelMessage): void {
  switch (m.type) {
    case 'tuneReset':
      tuneId = m.tuneId;
      title = m.model;
      tune = emptyTune();
      tuneRunning = m.running;
      tuneView.reset();
      break;
    case 'tuneEvents':
      if (m.tuneId !== tuneId) return;
      for (const e of m.events) applyTuneEvent(tune, e);
      break;
    case 'tuneEnded':
      if (m.tuneId !== tuneId) return;
      tuneRunning = false;
      break;
    case 'reset':
      tuneId = undefined;
      runId = m.runId;
      title = m.model;
      run = emptyRun();
      charts.setTraits(m.traits);
      charts.setRemedies([]); // the host sends the new run's file's remedies after the reset
      stopRequested = false;
      charts.clear();
      lrFinder.clear();
      resetEventLog();
      saveState();
      break;
    case 'events':
      if (runId === undefined) {
        runId = m.runId;
        saveState();
      } else if (m.runId !== runId) {
        return; // a late batch from a previous run
      }
      for (const e of m.events) applyEvent(run, e);
      break;
    case 'runs':
      displayedLabel = m.runs.find((r) => r.displayed)?.label ?? displayedLabel;
      showRunPicker(
        m.runs,
        overlayRunDirs,
        (runDirs) => {
          overlayRunDirs = runDirs;
          saveState();
          host.postMessage({ type: 'pickOverlay', runDirs });
        },
        m.differing,
      );
      return;
    case 'overlay':
      overlays = m.runs.map((r) => ({ label: r.label, run: runFromEvents(r.events) }));
      displayedLabel = m.displayed ?? displayedLabel;
      break;
    case 'theme':
      charts.setPalette(readPalette());
      lrFinder.setPalette(readPalette());
      tuneView.setPalette(readPalette());
      break;
    case 'remedies':
      charts.setRemedies(m.remedies, m.applied);
      break;
    case 'static':
      staticView = true;
      byId('compare').hidden = true;
      predictView.setStatic();
      break;
    case 'predicting':
    case 'predictions':
      predictView.show(m);
      return;
  }
  scheduler.request();
}

window.addEventListener('message', (event: MessageEvent) => {
  if (isHostToPanelMessage(event.data)) handle(event.data);
});

// The overfitting advice's buttons (remedies.ts): the host applies the edit to the .model file.
document.addEventListener('click', (event) => {
  const remedy = clickedRemedy(event.target);
  if (remedy) host.postMessage({ type: 'applyRemedy', remedy });
});

byId('stop').addEventListener('click', () => {
  if (byId('stop').hasAttribute('disabled') || runId === undefined) return;
  stopRequested = true;
  byId('stop').toggleAttribute('disabled', true);
  host.postMessage({ type: 'stop', runId });
});

const slider = byId<HTMLInputElement>('smoothing');
slider.value = String(settings.smoothing);
const showSmoothing = () => (byId('smoothing-value').textContent = settings.smoothing.toFixed(2));
showSmoothing();
slider.addEventListener('input', () => {
  settings.smoothing = Number(slider.value);
  showSmoothing();
  saveState();
  scheduler.request();
});

const logToggle = byId<HTMLElement & { checked: boolean }>('log-loss');
logToggle.toggleAttribute('checked', settings.logLoss);
logToggle.addEventListener('change', () => {
  settings.logLoss = logToggle.checked;
  saveState();
  scheduler.request();
});

byId('compare').addEventListener('click', () => host.postMessage({ type: 'requestRuns' }));
byId('export-csv').addEventListener('click', () => host.postMessage({ type: 'exportCsv', csv: runToCsv(run) }));
byId('export-png').addEventListener('click', () =>
  host.postMessage({ type: 'exportPng', dataUrl: chartsToPng(charts.plots(), readPalette(), title) }),
);

watchTheme(() => {
  charts.setPalette(readPalette());
  lrFinder.setPalette(readPalette());
  tuneView.setPalette(readPalette());
  scheduler.request();
});

window.modelspecPanel = {
  plots: () => charts.plots(),
  lrPlot: () => lrFinder.chart,
  tune: () => ({ ...tuneView.inspect(), model: tune }),
  get renders() {
    return scheduler.renders;
  },
  get pendingRender() {
    return scheduler.pending;
  },
  run: () => run,
};

host.postMessage({ type: 'ready' });
if (overlayRunDirs.length) host.postMessage({ type: 'pickOverlay', runDirs: overlayRunDirs });
scheduler.request();
