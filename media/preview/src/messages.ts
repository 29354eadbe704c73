// The messages between the extension host and the data preview (a webview). Imported by both
// sides, so this file stays free of DOM and `vscode` imports.
//
// - the view posts `ready` when it (re)loads; the host answers with `preview`;
// - the host posts `preview` again whenever the file changes (another source, other
//   ImageDataGenerator arguments): the same samples, re-augmented;
// - the view posts `redraw` to see other random transforms (the host draws with the next seed).

/** One sample: its PNG as a data: URI, and the same sample after the file's augmentation. */
export interface PreviewSample {
  original: string;
  augmented?: string;
}

export interface PreviewClass {
  name: string;
  /** Samples of the class in the source (or in the part read: see `countedOf`). */
  count?: number;
  samples: PreviewSample[];
}

export interface PreviewContent {
  /** The .model file's name. */
  file: string;
  /** `digits`, `images('pets')`: the training source as the checker names it. */
  source: string;
  total?: number;
  sampleShape?: number[];
  classes: PreviewClass[];
  countedOf?: number;
  /** `ImageDataGenerator(rotation_range=90)` as planned (the arguments that differ from Keras's defaults), when the file augments. */
  augment?: string;
  /** The seed of the augmentation drawn (fit.seed, then the next ones on redraw). */
  seed?: number;
  table?: { columns: string[]; rows: string[][]; labelColumn: number };
  /** Why something is missing: a source the preview cannot read, augmentation of non-image data. */
  note?: string;
}

export type HostToPreviewMessage =
  | { type: 'preview'; content: PreviewContent }
  /** The file has no training source to preview, or it cannot be read. */
  | { type: 'problem'; file: string; message: string };

export type PreviewToHostMessage = { type: 'ready' } | { type: 'redraw' };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The host checks every message from the webview with this before acting on it. */
export function isPreviewToHostMessage(x: unknown): x is PreviewToHostMessage {
  return isRecord(x) && (x.type === 'ready' || x.type === 'redraw');
}

/** The view checks messages arriving on `window` (anything can post there) with this. */
export function isHostToPreviewMessage(x: unknown): x is HostToPreviewMessage {
  if (!isRecord(x)) return false;
  if (x.type === 'problem') return typeof x.file === 'string' && typeof x.message === 'string';
  if (x.type !== 'preview' || !isRecord(x.content)) return false;
  const c = x.content;
  return typeof c.file === 'string' && typeof c.source === 'string' && Array.isArray(c.classes);
}
