// The host side of predicting from the training panel (no `vscode` import, so it is unit-tested
// in test/client/): files picked with Predict… or dropped onto the panel go through the same
// predict sequence as `modelspec predict` (predict/predict.ts) with the run the panel shows, and
// come back as one `predictions` message with each input's image and its top classes.

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DroppedFile, PredictHostMessage, PredictItem } from '../../../media/panel/src/predictMessages';
import { readCapped } from '../../../language/data/read-file';
import { predictRun } from '../../../predict/predict';
import { PredictError } from '../../../predict/run-model';

/** Classes listed per input in the panel. */
export const PANEL_TOP = 5;
/** Images larger than this are not sent back to the webview (the prediction still is). */
const MAX_SHOWN_IMAGE_BYTES = 8 << 20;

type Predictions = Extract<PredictHostMessage, { type: 'predictions' }>;

export interface PanelPredictRequest {
  /** Files on disk: picked with Predict…, or dragged from the explorer (file: URIs, already paths). */
  paths?: string[];
  /** Files dropped from the OS, as their bytes. */
  dropped?: DroppedFile[];
}

/** A dropped file's name made safe as a file name in a temporary folder (no folders, no dots first). */
function safeName(name: string, used: Set<string>): string {
  const ext = extname(name).toLowerCase();
  const stem =
    basename(name, extname(name))
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '') || 'image';
  let file = `${stem}${ext}`;
  for (let n = 2; used.has(file); n++) file = `${stem}-${n}${ext}`;
  used.add(file);
  return file;
}

/** The local paths of `file:` URIs (a drag from VS Code's explorer); other schemes are skipped. */
export function pathsOfUris(uris: string[]): string[] {
  return uris.flatMap((u) => {
    try {
      return [fileURLToPath(u)];
    } catch {
      return [];
    }
  });
}

function dataUrlOf(file: string): string | undefined {
  const ext = extname(file).toLowerCase();
  const mime = ext === '.png' ? 'image/png' : ext === '.jpg' || ext === '.jpeg' ? 'image/jpeg' : undefined;
  if (!mime) return undefined;
  try {
    if (statSync(file).size > MAX_SHOWN_IMAGE_BYTES) return undefined;
    const bytes = readCapped(file, MAX_SHOWN_IMAGE_BYTES, 'an image to show', file);
    return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/**
 * Predicts `request`'s files with the run in `runDir`. Never throws for the user's input: a bad
 * file or a run that cannot predict is the message's `error`, worded as the CLI words it.
 */
export async function predictForPanel(runDir: string, request: PanelPredictRequest): Promise<Predictions> {
  const scratch = request.dropped?.length ? mkdtempSync(join(tmpdir(), 'modelspec-drop-')) : undefined;
  try {
    // Dropped bytes become files (the predict sequence reads files, as the CLI does), named as dropped.
    const shownName = new Map<string, string>();
    const used = new Set<string>();
    const inputs = [...(request.paths ?? [])];
    for (const f of request.dropped ?? []) {
      const path = join(scratch!, safeName(f.name, used));
      writeFileSync(path, Buffer.from(f.dataUrl.slice(f.dataUrl.indexOf(',') + 1), 'base64'));
      shownName.set(path, f.name);
      inputs.push(path);
    }
    if (inputs.length === 0) return { type: 'predictions', runDir, items: [], error: 'no files to predict' };
    for (const p of request.paths ?? []) {
      let file = false;
      try {
        file = statSync(p).isFile();
      } catch {
        // reported below
      }
      if (!file) return { type: 'predictions', runDir, items: [], error: `${p}: no such file` };
    }
    const result = await predictRun({
      runDir,
      inputs,
      top: PANEL_TOP,
      engine: 'auto',
      // Outputs of dropped files go with them (the temporary folder); picked files' beside them.
      outDir: undefined,
    });
    const items = result.predictions.map((p): PredictItem => {
      // An image is one sample named by its path; a .npy's or CSV's samples are named `x.npy [3]`.
      const file = inputs.includes(p.input) ? p.input : undefined;
      return {
        input: (file && shownName.get(file)) ?? p.input,
        image: file ? dataUrlOf(file) : undefined,
        top: p.top,
        values: p.values,
        output: p.output ? dataUrlOf(p.output) : undefined,
        outputPath: p.output && !(scratch && p.output.startsWith(scratch)) ? p.output : undefined,
      };
    });
    return { type: 'predictions', runDir, device: result.device, items };
  } catch (e) {
    if (e instanceof PredictError)
      return { type: 'predictions', runDir, items: [], error: scratch ? unscratch(e.message, scratch) : e.message };
    throw e;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** An error about a dropped file names the file, not its temporary copy. */
function unscratch(message: string, scratch: string): string {
  return message.split(scratch + '/').join('');
}
