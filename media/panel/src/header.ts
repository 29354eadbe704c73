// The header: model, engine and device, progress, speed, status and the Stop button.

import { byId } from './layout';
import { timeLabel } from '../../../training/progress';
import { progress, type RunModel } from './runModel';

/** `stoppable`: a live run (known to the host) that has not ended; false in the saved report. */
export function renderHeader(run: RunModel, fallbackTitle: string, stoppable: boolean, staticView: boolean): void {
  const st = run.started;
  byId('model-name').textContent = st?.model ?? fallbackTitle;
  byId('engine').textContent = st ? `${st.engine} · ${st.backend} · ${st.device}` : '–';
  byId('engine').title = st?.reason ?? '';
  byId('params').textContent = st ? st.params.total.toLocaleString('en-US') : '–';

  const p = progress(run);
  byId('epoch').textContent = p.epochs ? `${p.epoch} / ${p.epochs}` : '–';
  // The same words as the status bar: "ETA 0:29" while running, "Elapsed 0:50" once ended.
  const time = timeLabel(p);
  byId('eta-label').textContent = time?.label === 'elapsed' ? 'Elapsed' : 'ETA';
  byId('eta').textContent = time?.value ?? '–';
  byId('speed').textContent = p.samplesPerSec !== undefined ? Math.round(p.samplesPerSec).toLocaleString('en-US') : '–';

  const bar = byId('progress');
  const percent = Math.round(p.fraction * 100);
  bar.setAttribute('aria-valuenow', String(percent));
  (bar.firstElementChild as HTMLElement).style.width = `${percent}%`;

  const badge = byId('status');
  badge.textContent = run.status;
  badge.className = `badge status-${run.status}`;
  byId('status-reason').textContent = run.statusReason ?? '';

  const stop = byId('stop');
  stop.hidden = staticView;
  stop.toggleAttribute('disabled', !stoppable || (run.status !== 'running' && run.status !== 'waiting'));
}
