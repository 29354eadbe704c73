// Diagnostics as the language core reports them: plain data, no LSP types. The LSP adapter and
// the CLI translate them. Every code is stable (tests, docs and quick fixes key on it).

import type { Range } from '../syntax/ast';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Every diagnostic code the checker can report, with the severity it carries. */
export const DIAGNOSTIC_CODES = {
  // Syntax
  'syntax-error': 'error',
  'unterminated-string': 'error',
  'invalid-character': 'error',
  // Pasted Keras code (LANGUAGE.md, "Pasted Keras code")
  'pasted-keras-prefix': 'warning',
  'unknown-module': 'error',
  'functional-api': 'error',
  // Structure
  'missing-model': 'error',
  'duplicate-model': 'error',
  'duplicate-block': 'error',
  'duplicate-setting': 'error',
  'duplicate-argument': 'error',
  'empty-model': 'error',
  // Names
  'unknown-layer': 'error',
  'unknown-argument': 'error',
  'unknown-setting': 'error',
  'unknown-activation': 'error',
  'unknown-loss': 'error',
  'unknown-optimizer': 'error',
  'unknown-metric': 'error',
  'unknown-dataset': 'error',
  'unknown-callback': 'error',
  'unknown-name': 'error',
  // Arguments
  'missing-argument': 'error',
  'too-many-arguments': 'error',
  'positional-after-keyword': 'error',
  'wrong-type': 'error',
  'out-of-range': 'error',
  'deprecated-argument': 'warning',
  // Shapes
  'missing-input-shape': 'error',
  'input-not-first': 'error',
  'shape-rank': 'error',
  'shape-nonpositive': 'error',
  'shape-mismatch': 'error',
  'shape-unknown': 'error',
  'shape-too-large': 'error',
  // Model against labels, loss and data
  'output-shape-mismatch': 'error',
  'class-count-mismatch': 'error',
  'softmax-one-unit': 'error',
  'loss-activation-mismatch': 'warning',
  'data-shape-mismatch': 'error',
  // A layer-graph application's weights= (a missing or non-HDF5 file, 'imagenet' not downloaded)
  'application-weights': 'error',
  'data-missing': 'error',
  'data-column': 'error',
  'data-format': 'error',
  'label-out-of-range': 'error',
  // The model against its task (task-checks.ts)
  'autoencoder-shape': 'error',
  'autoencoder-loss': 'error',
  'multilabel-loss': 'error',
  'target-shape-mismatch': 'error',
  'embedding-vocabulary': 'error',
  'data-slow': 'warning',
  // Suspicious but legal
  'dense-on-high-rank': 'warning',
  'redundant-activation': 'warning',
  'dropout-last': 'warning',
  // A Normalization to adapt on the training data that the data cannot reach unchanged
  'normalization-not-adaptable': 'error',
  // The chosen engine cannot run a layer (catalog support records)
  'unsupported-layer': 'warning',
  // Training settings
  'devices-need-torch': 'error',
  // Search spaces and the tune block (LANGUAGE.md, "Search spaces and the tune block")
  'search-space-argument': 'error',
  'search-space-misplaced': 'error',
  'search-space-name': 'error',
  'hyperparameter-unknown': 'error',
  'hyperparameter-out-of-space': 'error',
  'tune-objective': 'error',
  'tune-grid-continuous': 'error',
  'tune-without-search-space': 'warning',
  // The per-file cap: stands for the diagnostics not shown (its severity is theirs, the worst one)
  'too-many-problems': 'information',
} as const satisfies Record<string, Severity>;

/** At most this many diagnostics per file, then one 'too-many-problems' for the rest: a 10 MB
 * random file would otherwise give a million, too many to send or read on each keystroke. */
export const MAX_DIAGNOSTICS_PER_FILE = 200;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface RelatedInfo {
  range: Range;
  message: string;
}

/** A machine-readable fix the code-action service turns into an edit. */
export type FixData =
  | { kind: 'replace'; range: Range; text: string; title: string }
  | { kind: 'insert-layer'; before: Range; text: string; title: string }
  | { kind: 'remove'; range: Range; title: string }
  /** Several edits applied together (e.g. "Convert pasted Keras code" over the whole file); they never overlap. */
  | { kind: 'edits'; edits: { range: Range; text: string }[]; title: string };

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedInfo[];
  fixes?: FixData[];
  /** Marks code as unnecessary/deprecated for editors that fade or strike it. */
  tags?: ('unnecessary' | 'deprecated')[];
}

export function diagnostic(
  code: DiagnosticCode,
  range: Range,
  message: string,
  extra: Partial<Pick<Diagnostic, 'related' | 'fixes' | 'tags'>> = {},
): Diagnostic {
  return { range, severity: DIAGNOSTIC_CODES[code], code, message, ...extra };
}
