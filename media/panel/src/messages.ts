// The messages between the extension host and the training panel (a webview).
// Imported by both sides, so this file must stay free of DOM and `vscode` imports.
//
// The conversation:
// - the panel posts `ready` whenever it (re)loads; the host answers with `reset` for the current
//   run and then `events` with everything so far (the webview may have been reloaded);
// - while training, the host posts `events` in batches (coalesce: a few messages a second);
// - `stop` asks the host to stop the run; `requestRuns` → `runs`; `pickOverlay` → `overlay`
//   (also sent on reload when the panel had an overlay, so the host re-reads those runs);
// - `exportCsv` / `exportPng` carry the file contents; the host asks where to save them;
// - `applyLearningRate`: a range test's (mode 'lr-find') suggestion, to write into the optimizer.

import type { RunEvent, TrialRunEvent, TuneEvent } from '../../../training/protocol';
import {
  isPredictHostMessage,
  isPredictPanelMessage,
  type PredictHostMessage,
  type PredictPanelMessage,
} from './predictMessages';
import type { RunTraits } from '../../../training/run-traits';

export type { RunEvent, RunTraits, TrialRunEvent, TuneEvent };

/** An earlier run of the same model that the user may overlay on the charts. */
export interface RunSummary {
  runDir: string;
  /** Shown in the picker and the chart legends: the values of the hyperparameters that differ
   *  between the model's runs (`learning_rate=0.01, dense.units=64`), else the run's time. */
  label: string;
  /** The run's time (`2026-12-03 16:30:24`), for the runs table. */
  name?: string;
  /** What the run folder recorded (training/run-table.ts), for the runs table. */
  facts?: RunFacts;
  /** The run the panel shows now (not offered for overlay: it is already drawn). */
  displayed?: boolean;
}

/** One row of the runs view, as `modelspec runs` prints it. */
export interface RunFacts {
  status: 'finished' | 'stopped' | 'failed' | 'running' | 'killed';
  engine?: string;
  backend?: string;
  device?: string;
  epochs: number;
  plannedEpochs?: number;
  best?: { metric: string; value: number; epoch: number };
  test?: { loss: number; metrics: Record<string, number> };
  seconds?: number;
  hyperparameters: Record<string, number | string | boolean>;
}

export type HostToPanelMessage =
  /** Start showing a (new) run: clears the charts. `traits`: what the file already does against
   *  overfitting (run-traits.ts), so the advice suggests only the rest. */
  | { type: 'reset'; runId: string; model: string; runDir: string; traits?: RunTraits }
  /** The overfitting remedies the run's .model file can take now (language/services/remedies.ts):
   *  the advice shows a button for each. `applied`: what the last button did, in words. */
  | { type: 'remedies'; remedies: RemedyOffer[]; applied?: string }
  /** Events of the current run, in order, coalesced by the host. */
  | { type: 'events'; runId: string; events: RunEvent[] }
  /** Answer to `requestRuns`: every run of the model (the displayed one marked), and the
   *  hyperparameters that differ between them (the runs view's columns). */
  | { type: 'runs'; runs: RunSummary[]; differing?: string[] }
  /** Earlier runs to draw with the current one (replaces any previous overlay); `displayed`
   *  labels the current run the same way (its differing hyperparameters). */
  | { type: 'overlay'; runs: { label: string; events: RunEvent[] }[]; displayed?: string }
  /** The colour theme changed (the panel also watches body classes itself). */
  | { type: 'theme' }
  /** A read-only view (the saved report.html): no Stop button, no run picker. */
  | { type: 'static' }
  /** Predictions for files the user picked or dropped (predictMessages.ts). */
  | PredictHostMessage
  /** Show a hyperparameter search (the tune view) instead of a run: clears it. */
  | { type: 'tuneReset'; tuneId: string; model: string; running: boolean }
  /** The search's events in order: the tune session's, and its trials' epoch events (tagged with
   *  `trial` and `execution`). */
  | { type: 'tuneEvents'; tuneId: string; events: (TuneEvent | TrialRunEvent)[] }
  /** The search ended (or was stopped): no Stop button any more. */
  | { type: 'tuneEnded'; tuneId: string };

/** An edit of the .model file the overfitting advice offers (ids of language/services/remedies.ts). */
export interface RemedyOffer {
  id: RemedyId;
  /** What the edit does: "Add EarlyStopping(…) to fit's callbacks". */
  title: string;
}
export type RemedyId = 'early-stopping' | 'dropout';
const REMEDY_IDS: readonly string[] = ['early-stopping', 'dropout'] satisfies RemedyId[];

export type PanelToHostMessage =
  | { type: 'ready' }
  /** Apply a remedy the host offered to the run's .model file. */
  | { type: 'applyRemedy'; remedy: RemedyId }
  | { type: 'stop'; runId: string }
  | { type: 'requestRuns' }
  | { type: 'pickOverlay'; runDirs: string[] }
  | { type: 'exportCsv'; csv: string }
  | { type: 'exportPng'; dataUrl: string }
  /** Predict… and dropped files (predictMessages.ts). */
  | PredictPanelMessage
  /** The tune view: write the best trial's values into the file in place of the spaces. */
  | { type: 'applyBest'; tuneId: string; trial: number }
  /** The tune view: stop the search after the running trials. */
  | { type: 'stopTune'; tuneId: string }
  /** The learning-rate finder's button: write this learning rate into the file's optimizer. */
  | { type: 'applyLearningRate'; runId: string; learningRate: number };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The host checks every message from the webview with this before acting on it. */
export function isPanelToHostMessage(x: unknown): x is PanelToHostMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'ready':
    case 'requestRuns':
      return true;
    case 'stop':
      return typeof x.runId === 'string';
    case 'pickOverlay':
      return Array.isArray(x.runDirs) && x.runDirs.every((d) => typeof d === 'string');
    case 'exportCsv':
      return typeof x.csv === 'string';
    case 'applyRemedy':
      return typeof x.remedy === 'string' && REMEDY_IDS.includes(x.remedy);
    case 'exportPng':
      return typeof x.dataUrl === 'string' && x.dataUrl.startsWith('data:image/png;base64,');
    case 'predictPick':
    case 'predictDrop':
      return isPredictPanelMessage(x);
    case 'applyBest':
      return typeof x.tuneId === 'string' && Number.isSafeInteger(x.trial);
    case 'stopTune':
      return typeof x.tuneId === 'string';
    case 'applyLearningRate':
      return (
        typeof x.runId === 'string' &&
        typeof x.learningRate === 'number' &&
        Number.isFinite(x.learningRate) &&
        x.learningRate > 0
      );
    default:
      return false;
  }
}

/** The panel checks messages arriving on `window` (anything can post there) with this. */
export function isHostToPanelMessage(x: unknown): x is HostToPanelMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'reset':
      return typeof x.runId === 'string' && typeof x.model === 'string' && typeof x.runDir === 'string';
    case 'events':
      return typeof x.runId === 'string' && Array.isArray(x.events) && x.events.every(isRecord);
    case 'runs':
      return Array.isArray(x.runs) && x.runs.every((r) => isRecord(r) && typeof r.runDir === 'string');
    case 'overlay':
      return Array.isArray(x.runs) && x.runs.every((r) => isRecord(r) && Array.isArray(r.events));
    case 'remedies':
      return (
        Array.isArray(x.remedies) &&
        x.remedies.every(
          (r) => isRecord(r) && typeof r.id === 'string' && REMEDY_IDS.includes(r.id) && typeof r.title === 'string',
        ) &&
        (x.applied === undefined || typeof x.applied === 'string')
      );
    case 'theme':
    case 'static':
      return true;
    case 'predicting':
    case 'predictions':
      return isPredictHostMessage(x);
    case 'tuneReset':
      return typeof x.tuneId === 'string' && typeof x.model === 'string' && typeof x.running === 'boolean';
    case 'tuneEvents':
      return typeof x.tuneId === 'string' && Array.isArray(x.events) && x.events.every(isRecord);
    case 'tuneEnded':
      return typeof x.tuneId === 'string';
    default:
      return false;
  }
}
