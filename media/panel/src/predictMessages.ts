// The predict part of the host ↔ panel conversation (messages.ts includes these in its unions):
// - `predictPick`: the panel's Predict… button; the host asks for input files (showOpenDialog);
// - `predictDrop`: image files dropped onto the panel — their bytes as data: URLs (files from the
//   OS), or file URIs (files dragged from VS Code's explorer); the host predicts with the shown run;
// - `predicting` then `predictions`: the host's answer, each input with its image, its top classes
//   (or values, or the output image of an image-to-image model), or one error for the request.
// DOM- and vscode-free: both sides import it.

/** What the host accepts from a drop: PNG or JPEG bytes, each at most this large. */
export const MAX_DROPPED_BYTES = 16 << 20;
export const MAX_DROPPED_FILES = 64;
const DATA_URL = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]*={0,2}$/;

export interface DroppedFile {
  name: string;
  dataUrl: string;
}

export type PredictPanelMessage =
  | { type: 'predictPick' }
  | { type: 'predictDrop'; files: DroppedFile[]; uris: string[] };

export interface PredictItem {
  /** The input's name: the file's name (a dropped file) or path, `x.npy [3]`, `rows.csv row 2`. */
  input: string;
  /** The input image (data: URL), when the input is an image file. */
  image?: string;
  top?: { class: string; probability: number }[];
  values?: number[];
  /** The output image of an image-to-image model (data: URL) and where it was written. */
  output?: string;
  outputPath?: string;
}

export type PredictHostMessage =
  | { type: 'predicting'; runDir: string; count: number }
  | {
      type: 'predictions';
      runDir: string;
      /** What ran the model (ONNX Runtime, TF.js and its backend). */
      device?: string;
      items: PredictItem[];
      /** Why there are no items: bad input, a run without a saved model. */
      error?: string;
    };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isDroppedFile = (f: unknown): f is DroppedFile =>
  isRecord(f) &&
  typeof f.name === 'string' &&
  f.name.length > 0 &&
  f.name.length <= 255 &&
  typeof f.dataUrl === 'string' &&
  // base64 is 4/3 of the bytes
  f.dataUrl.length <= (MAX_DROPPED_BYTES / 3) * 4 + 64 &&
  DATA_URL.test(f.dataUrl);

export function isPredictPanelMessage(x: Record<string, unknown>): x is PredictPanelMessage {
  switch (x.type) {
    case 'predictPick':
      return true;
    case 'predictDrop':
      return (
        Array.isArray(x.files) &&
        Array.isArray(x.uris) &&
        x.files.length + x.uris.length > 0 &&
        x.files.length + x.uris.length <= MAX_DROPPED_FILES &&
        x.files.every(isDroppedFile) &&
        x.uris.every((u) => typeof u === 'string' && u.startsWith('file:'))
      );
    default:
      return false;
  }
}

export function isPredictHostMessage(x: Record<string, unknown>): x is PredictHostMessage {
  switch (x.type) {
    case 'predicting':
      return typeof x.runDir === 'string' && typeof x.count === 'number';
    case 'predictions':
      return (
        typeof x.runDir === 'string' &&
        Array.isArray(x.items) &&
        x.items.every((i) => isRecord(i) && typeof i.input === 'string')
      );
    default:
      return false;
  }
}
