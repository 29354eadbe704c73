// The Output channel's one line on which engine trains and why, from the `started` event and the
// launcher's choice: "Engine: torch on CPU (2 threads), auto: no GPU; PyTorch is the fastest CPU
// engine here · 101,770 parameters · 48,000 training samples". Pure, unit-tested.

import type { RunEvent } from '../../../training/protocol';

type Started = Extract<RunEvent, { type: 'started' }>;

export function engineLine(e: Started, launcherReason?: string): string {
  // The device often names the backend already ("CPU (2 threads)" on cpu): say it once.
  const backend = e.device.toLowerCase().includes(e.backend.toLowerCase()) ? '' : ` (${e.backend})`;
  // The engine appends its own device reason to the launcher's; the launcher's says why this
  // engine, and the device named above says the rest.
  const reason = launcherReason || e.reason;
  return [
    `Engine: ${e.engine}${backend} on ${e.device}${reason ? `, ${reason}` : ''}`,
    `${e.params.total.toLocaleString('en-US')} parameters`,
    `${e.samples.train.toLocaleString('en-US')} training samples`,
  ].join(' · ');
}
