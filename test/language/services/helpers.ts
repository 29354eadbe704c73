// Shared by the service tests: texts with a `|` marking the cursor, and applying edits.

import { analyze, type Analysis } from '../../../language/analysis/analyze';
import type { LineCharacter, TextEdit } from '../../../language/services/types';

export const DIGITS_CNN = `model digits_cnn {
    Input(shape=(28, 28, 1))
    Conv2D(32, kernel_size=(3, 3), activation='relu')
    Conv2D(64, (3, 3), activation='relu')
    MaxPooling2D(pool_size=(2, 2))
    Dropout(0.25)
    Flatten()
    Dense(128, activation='relu')
    Dropout(0.5)
    Dense(10, activation='softmax')
}

compile {
    loss: 'categorical_crossentropy'
    optimizer: Adadelta(learning_rate=1.0)
    metrics: ['accuracy']
}

data {
    train: mnist
    validation_split: 0.1
}

fit {
    epochs: 12
    batch_size: 128
    callbacks: [EarlyStopping(monitor='val_loss', patience=2)]
}
`;

/** Analyses text without touching the disk (built-in datasets are answered without I/O). */
export function analyzed(text: string): Analysis {
  return analyze(text, { baseDir: '/nonexistent' });
}

/** Splits `text` at its single `|` into the text without it and the cursor position. */
export function withCursor(marked: string): { text: string; pos: LineCharacter; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) throw new Error('mark exactly one cursor with |');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  return { text, pos: { line: before.length - 1, character: before[before.length - 1].length }, offset };
}

/** Where `needle` (the `occurrence`-th one) starts in text, as a position. */
export function positionOf(text: string, needle: string, occurrence = 0, delta = 0): LineCharacter {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' not found`);
  }
  const before = text.slice(0, at + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Applies non-overlapping edits (offsets carried by our ranges) to text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}
