// The header: model, engine and device, progress, speed, status and the Stop button.

import { byId } from './layout';
import { progress, type RunModel } from './runModel';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

function etaText(status: RunModel['status'], etaSeconds: number | undefined, elapsed: number): string {
  switch (status) {
    case 'running':
      return etaSeconds === undefined ? '–' : formatDuration(etaSeconds);
    case 'finished':
      return `done in ${formatDuration(elapsed)}`;
    case 'stopped':
    case 'failed':
      return `ended after ${formatDuration(elapsed)}`;
    default:
      return '–';
  }
}

/** `stoppable`: a live run (known to the host) that has not ended; false in the saved report. */
export function renderHeader(run: RunModel, fallbackTitle: string, stoppable: boolean, staticView: boolean): void {
  const st = run.started;
  byId('model-name').textContent = st?.model ?? fallbackTitle;
  byId('engine').textContent = st ? `${st.engine} · ${st.backend} · ${st.device}` : '–';
  byId('engine').title = st?.reason ?? '';
  byId('params').textContent = st ? st.params.total.toLocaleString('en-US') : '–';

  const p = progress(run);
  byId('epoch').textContent = p.epochs ? `${p.epoch} / ${p.epochs}` : '–';
  byId('eta').textContent = etaText(run.status, p.etaSeconds, run.elapsed);
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
