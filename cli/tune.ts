// `modelspec tune FILE`: the tune session (training/tune/tune-session.ts) searches the file's
// spaces; this shows it: a live table of the trials on a terminal, one line per trial start and
// end otherwise, or the events with --json (the tune's, and each trial's run events tagged with
// `trial` and `execution`). Ctrl+C stops after the current trials; everything is kept.

import { printable, printableJson } from '../language/printable';
import type { TrialRunEvent, TuneEvent } from '../training/protocol';
import { startTune, type TuneSession } from '../training/tune/tune-session';
import type { TuneFile } from '../training/tune/tune-file';
import type { HyperValue, TrialRecord } from '../training/tune/types';
import { awaitWithSignals } from './signals';
import { colourFor, style, type Styler } from './style';

export interface TuneArgs {
  file: string;
  tune: TuneFile;
  trials?: number;
  epochs?: number;
  backend?: string;
  out?: string;
  resume?: string;
  json: boolean;
}

export async function tune(args: TuneArgs): Promise<number> {
  const s = style(colourFor(process.stderr));
  let session: TuneSession;
  try {
    session = await startTune({
      ...args.tune,
      epochs: args.epochs ?? args.tune.epochs,
      epochsOverride: args.epochs,
      maxTrials: args.trials,
      runsDir: args.out,
      resumeDir: args.resume,
      backend: args.backend,
      sampler: process.env.MODELSPEC_TUNE_SAMPLER === 'typescript' ? 'typescript' : 'auto',
      log: (line) => {
        // On stderr even with --json (stdout is the JSON stream).
        if (process.env.MODELSPEC_DEBUG) writeQuietly(process.stderr, s.dim(printable(line)) + '\n');
      },
    });
  } catch (e) {
    process.stderr.write(`modelspec: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
  const view = args.json ? undefined : new TrialsView(session, process.stderr.isTTY === true, s);
  // The tune's own events arrive first: tune_started was emitted before this subscription.
  for (const e of session.events) show(e);
  session.subscribe(show);
  function show(e: TuneEvent | TrialRunEvent): void {
    if (args.json) writeQuietly(process.stdout, printableJson(e) + '\n');
    else view?.show(e);
  }

  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      view?.note('Stopping after the current trials (Ctrl+C again to stop them now)...');
      session.stop();
    } else if (interrupts === 2) {
      view?.note('Stopping the running trials after their batch (Ctrl+C again to kill them)...');
      session.stopNow();
    } else for (const pid of session.pids) process.kill(pid, 'SIGKILL');
  };
  // A closing terminal or a job scheduler: the trials stop after their batch and save.
  const onSignal = () => session.stopNow();
  const summary = await awaitWithSignals(session.done, onSigint, onSignal);
  view?.end();

  if (summary.error) writeQuietly(process.stderr, `modelspec: the search failed: ${printable(summary.error)}\n`);
  if (!args.json) {
    const { objective } = session.settings;
    const lines: string[] = [];
    const count = (state: string) => summary.trials.filter((t) => t.state === state).length;
    lines.push(
      `${summary.stopped ? 'Stopped' : 'Finished'}: ${summary.trials.length} trials (${count('complete')} complete, ${count('pruned')} pruned, ${count('failed')} failed)`,
    );
    if (summary.best?.objective !== undefined)
      lines.push(
        `Best: trial ${summary.best.number}, ${objective} ${formatNumber(summary.best.objective)}: ${assignmentText(summary.best.hyperparameters)}`,
        `Best run: ${summary.best.runDir ?? ''}`,
      );
    lines.push(`Tune folder: ${summary.tuneDir}`);
    writeQuietly(process.stdout, lines.map(printable).join('\n') + '\n');
  }
  const allFailed = summary.trials.length > 0 && summary.trials.every((t) => t.state === 'failed');
  return summary.error || allFailed ? 1 : 0;
}

function writeQuietly(stream: NodeJS.WriteStream, text: string): void {
  if (stream.destroyed || !stream.writable) return;
  try {
    stream.write(text);
  } catch {
    // EPIPE/EIO: the search goes on regardless.
  }
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

function valueText(v: HyperValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return `'${v}'`;
}

function assignmentText(hp: Record<string, HyperValue>): string {
  return Object.entries(hp)
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(' ');
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The trials for people. On a terminal, a table redrawn in place (number, state, each
 * hyperparameter, objective, epochs, time); otherwise one line per trial start and end.
 */
class TrialsView {
  private drawn = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = new Map<number, number>();
  private readonly planned = new Map<number, number>();
  private header = '';

  constructor(
    private readonly session: TuneSession,
    private readonly tty: boolean,
    private readonly s: Styler,
  ) {
    if (tty) this.timer = setInterval(() => this.draw(), 1000);
  }

  show(e: TuneEvent | TrialRunEvent): void {
    if ('execution' in e) {
      if (e.type === 'started') this.planned.set(e.trial, e.epochs * this.session.settings.executionsPerTrial);
      if (e.type === 'epoch' && this.tty) this.draw(true);
      return;
    }
    switch (e.type) {
      case 'tune_started':
        this.header = [
          `Tuning ${e.model}: ${e.algorithm} search of ${e.hyperparameters.join(', ')} for the ${e.direction === 'minimize' ? 'lowest' : 'highest'} ${e.objective}, ${e.maxTrials} trials${e.parallel > 1 ? `, ${e.parallel} at a time` : ''}`,
          `Sampler: ${e.samplerDetail}${e.sampler === 'typescript' ? ` (${e.samplerReason})` : ''}`,
          `Tune folder: ${e.tuneDir}${e.previousTrials ? ` (resumed after ${e.previousTrials} trials)` : ''}`,
        ].join('\n');
        this.line(this.header);
        break;
      case 'trial_started':
        this.started.set(e.trial, Date.now());
        if (!this.tty) this.line(`Trial ${e.trial} started: ${assignmentText(e.hyperparameters)}`);
        else this.draw(true);
        break;
      case 'trial_finished':
        if (!this.tty) {
          const value =
            e.objective !== undefined ? `${this.session.settings.objective} ${formatNumber(e.objective)}` : '';
          this.line(
            `Trial ${e.trial} ${e.state}${value ? `: ${value}` : ''} (${e.epochs} epoch${e.epochs === 1 ? '' : 's'}, ${e.seconds.toFixed(1)} s)${e.message ? ` — ${e.message}` : ''}`,
          );
        } else this.draw(true);
        break;
      case 'tune_finished':
        if (this.tty) this.draw(true);
        break;
    }
  }

  note(text: string): void {
    if (this.tty) {
      this.clear();
      this.line(text);
      this.draw(true);
    } else this.line(text);
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.draw(true);
  }

  private line(text: string): void {
    writeQuietly(process.stderr, text.split('\n').map(printable).join('\n') + '\n');
  }

  private clear(): void {
    if (this.drawn > 0) writeQuietly(process.stderr, `\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private stateText(t: TrialRecord): string {
    const { s } = this;
    switch (t.state) {
      case 'running':
        return s.cyan('running');
      case 'complete':
        return s.green('complete');
      case 'pruned':
        return s.yellow('pruned');
      case 'failed':
        return s.red('failed');
    }
  }

  /** Redraws the table (at most every 100 ms unless forced; a running trial's clock ticks each second). */
  private draw(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const names = this.session.events.find((e) => e.type === 'tune_started')?.hyperparameters ?? [];
    const objective = this.session.settings.objective;
    const trials = [...this.session.trials.values()].sort((a, b) => a.number - b.number);
    const best = trials
      .filter((t) => t.state === 'complete' && t.objective !== undefined)
      .reduce<TrialRecord | undefined>(
        (b, t) =>
          !b ||
          (this.session.settings.direction === 'minimize' ? t.objective! < b.objective! : t.objective! > b.objective!)
            ? t
            : b,
        undefined,
      );
    const header = ['#', 'state', ...names, objective, 'epochs', 'time'];
    const rows = trials.map((t) => {
      const seconds = t.state === 'running' ? (now - (this.started.get(t.number) ?? now)) / 1000 : t.seconds;
      const planned = this.planned.get(t.number);
      return {
        trial: t,
        cells: [
          String(t.number),
          t.state,
          ...names.map((n) => valueText(t.hyperparameters[n])),
          t.objective !== undefined ? formatNumber(t.objective) : '',
          t.state === 'running' && planned ? `${t.epochs}/${planned}` : String(t.epochs),
          clock(seconds),
        ],
      };
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => printable(r.cells[i]).length)));
    const columns = process.stderr.columns ?? 120;
    const cut = (text: string) => (text.length >= columns ? text.slice(0, columns - 1) : text);
    const out: string[] = [this.s.bold(cut(header.map((h, i) => h.padEnd(widths[i])).join('  ')))];
    // The latest rows fit the terminal's height; the earlier ones scrolled above.
    const room = Math.max(3, (process.stderr.rows ?? 40) - 6);
    for (const r of rows.slice(-room)) {
      const cells = r.cells.map((c, i) => printable(c).padEnd(widths[i]));
      const plain = cells.join('  ');
      // The state coloured after padding, so the columns stay aligned; a line cut to the
      // terminal's width is left plain.
      const line =
        plain.length >= columns
          ? cut(plain)
          : cells.map((c, i) => (i === 1 ? this.stateText(r.trial) + c.slice(r.trial.state.length) : c)).join('  ');
      out.push(r.trial === best ? this.s.bold(line) : line);
    }
    this.clear();
    writeQuietly(process.stderr, out.join('\n') + '\n');
    this.drawn = out.length;
  }
}
