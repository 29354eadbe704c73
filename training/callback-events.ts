// The one place that words a callback's `callback` event (protocol.ts), for the panel's event
// list, the CLI and the editor's Output channel: both engines send the same facts, so a user
// reads the same sentence whichever engine trained. Pure: the panel's browser bundle imports it.

import type { RunEvent } from './protocol';

export type CallbackEvent = Extract<RunEvent, { type: 'callback' }>;

/** 4 significant digits, without trailing zeros: 0.09668, 0.001, 1e-5. */
function value(v: number): string {
  return String(Number(v.toPrecision(4)));
}

const epochs = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;

/** The reason first, then what the callback did about it. */
export function describeCallback(e: CallbackEvent): string {
  switch (e.action) {
    case 'stopTraining': {
      const best =
        e.best !== undefined && e.bestEpoch !== undefined ? ` (best ${value(e.best)} at epoch ${e.bestEpoch})` : '';
      const restored = e.restoredEpoch !== undefined ? `; restored the weights of epoch ${e.restoredEpoch}` : '';
      return `${e.callback}: ${e.monitor} did not improve for ${epochs(e.wait)}${best}, so training stopped after epoch ${e.epoch}${restored}`;
    }
    case 'reduceLearningRate': {
      const rates =
        e.oldLearningRate !== undefined && e.newLearningRate !== undefined
          ? ` from ${value(e.oldLearningRate)} to ${value(e.newLearningRate)}`
          : '';
      return `${e.callback}: ${e.monitor} did not improve for ${epochs(e.wait)}, so the learning rate went${rates} after epoch ${e.epoch}`;
    }
  }
}
