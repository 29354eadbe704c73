// `modelspec train`: the run session (training/run-session.ts) drives the run; this shows its
// progress: a live bar on a terminal, plain lines in a log, or the raw events with --json.

import type { Analysis } from '../language/analysis/analyze';
import { printable, printableJson } from '../language/printable';
import { planTraining } from '../language/analysis/plan';
import { describeCallback } from '../training/callback-events';
import type { RunEvent } from '../training/protocol';
import { metricsLine, outcome, readEvents } from '../training/run-folder';
import { startRunSession, type RunSession } from '../training/run-session';
import { awaitWithSignals } from './signals';
import { colourFor, style } from './style';
import type { DistributedFlags } from '../training/distributed-flags';

export interface TrainArgs {
  file: string;
  analysis: Analysis;
  epochs?: number;
  backend?: string;
  out?: string;
  json: boolean;
  /** --devices, --nnodes, --node-rank, --master. */
  distributed?: DistributedFlags;
}

export async function train(args: TrainArgs): Promise<number> {
  const planned = planTraining(args.analysis, args.file);
  if (!planned.plan) {
    process.stderr.write(`modelspec: cannot train ${printable(args.file)}: ${printable(planned.blocker)}\n`);
    return 1;
  }
  const s = style(colourFor(process.stderr));
  // Every line shown comes from the user's files, the data or an engine: printed escaped (the
  // styling is added after, so only the CLI's own escapes reach the terminal).
  const say = (line: string, styled: (t: string) => string = (t) => t) => {
    if (!args.json) writeQuietly(process.stderr, styled(printableLines(line)) + '\n');
  };
  const progress = args.json ? undefined : new Progress(process.stderr.isTTY === true);
  let run: RunSession;
  try {
    run = await startRunSession(planned.plan, {
      epochs: args.epochs,
      backend: args.backend,
      runsDir: args.out,
      distributed: args.distributed,
      onProgress: (m) => say(m, s.dim),
      onEngine: (spec, choice) => {
        say(`Training ${spec.modelName} with ${choice.engine} (${choice.reason})`);
        say(`Run folder: ${spec.runDir}`, s.dim);
      },
      log: (line) => {
        if (!args.json && process.env.MODELSPEC_DEBUG) writeQuietly(process.stderr, s.dim(printable(line)) + '\n');
      },
    });
  } catch (e) {
    process.stderr.write(`modelspec: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
  // Subscribed as soon as the engine starts: its first event arrives on a later turn.
  run.subscribe((event) => {
    if (args.json) writeQuietly(process.stdout, printableJson(event) + '\n');
    else progress?.show(event);
  });
  // A closing terminal (SIGHUP), `timeout` or a job scheduler (SIGTERM) stop the run like Ctrl+C:
  // the engine finishes its batch, saves the model and records `stopped`. A second Ctrl+C kills.
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      say('\nStopping after this batch (Ctrl+C again to kill)...');
      run.stop();
    } else if (run.pid) process.kill(run.pid, 'SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    say(`\nStopping after this batch (${signal})...`);
    run.stop(`stopped (${signal})`);
  };
  const final = await awaitWithSignals(run.done, onSigint, onSignal);
  progress?.end();

  if (run.reportError !== undefined)
    writeQuietly(process.stderr, `modelspec: could not write the run's report: ${printable(run.reportError)}\n`);
  if (!args.json) {
    // A failed run's outcome (its one `Failed:` line) is an error: stderr, where scripts look for it.
    const stream = final.type === 'failed' ? process.stderr : process.stdout;
    writeQuietly(stream, `${printableLines(outcome(readEvents(run.runId)))}\nRun folder: ${printable(run.runId)}\n`);
  }
  return final.type === 'failed' || run.reportError !== undefined ? 1 : 0;
}

/** Text of several lines for a terminal: each line printable, the line breaks kept. */
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/** Writes unless the stream is gone (a closed terminal or pipe): the run matters more. */
function writeQuietly(stream: NodeJS.WriteStream, text: string): void {
  if (stream.destroyed || !stream.writable) return;
  try {
    stream.write(text);
  } catch {
    // EPIPE/EIO thrown synchronously: nothing to tell anyone.
  }
}

/** Renders events for people: one redrawn line on a terminal, one line per epoch otherwise. */
class Progress {
  readonly events: RunEvent[] = [];
  private lineOpen = false;
  private lastDraw = 0;

  constructor(private readonly tty: boolean) {}

  show(e: RunEvent): void {
    this.events.push(e);
    const out = process.stderr;
    switch (e.type) {
      case 'started':
        this.println(
          `${e.engine} on ${e.device} (${e.backend}) · ${e.params.total.toLocaleString('en-US')} parameters · ${e.samples.train} training samples, ${e.samples.validation} validation, ${e.samples.test} test`,
        );
        break;
      case 'batch': {
        if (!this.tty) break;
        const now = Date.now();
        if (now - this.lastDraw < 100 && e.batch !== e.batches) break;
        this.lastDraw = now;
        const width = 24;
        const done = Math.round((e.batch / e.batches) * width);
        const bar = '='.repeat(Math.max(0, done - 1)) + (done ? '>' : '') + ' '.repeat(width - done);
        const remaining = e.samplesPerSec > 0 ? ((e.batches - e.batch) * this.batchSize()) / e.samplesPerSec : 0;
        const text = `Epoch ${e.epoch}/${this.epochs()} [${bar}] ${e.batch}/${e.batches} ETA ${clock(remaining)} · ${metricText(e.loss, e.metrics)} · ${Math.round(e.samplesPerSec)} samples/s`;
        out.write(`\r${printable(text).slice(0, (out.columns ?? 120) - 1)}\x1b[K`);
        this.lineOpen = true;
        break;
      }
      case 'epoch': {
        const val = e.valLoss !== undefined ? ` · val ${metricText(e.valLoss, e.valMetrics ?? {})}` : '';
        this.println(
          `Epoch ${e.epoch}/${e.epochs} · ${e.seconds.toFixed(1)} s · ${metricText(e.loss, e.metrics)}${val} · lr ${e.learningRate.toPrecision(3)}`,
        );
        break;
      }
      case 'checkpoint':
        this.println(
          `Saved checkpoint (epoch ${e.epoch}${e.monitor ? `, ${e.monitor} ${e.value?.toFixed(4)}` : ''}) to ${e.path}`,
        );
        break;
      case 'evaluated':
        this.println(`Test: ${metricText(e.loss, e.metrics)}`);
        break;
      case 'log':
        this.println(`${e.level === 'warning' ? 'warning: ' : ''}${e.message}`);
        break;
      case 'callback':
        this.println(describeCallback(e));
        break;
      case 'stopped': // the outcome printed when the run ends says these, once ("Stopped at epoch N: …")
      case 'failed':
      case 'finished':
        break;
    }
  }

  end(): void {
    if (this.lineOpen) process.stderr.write('\n');
    this.lineOpen = false;
  }

  private println(text: string): void {
    if (this.lineOpen) process.stderr.write('\r\x1b[K');
    this.lineOpen = false;
    process.stderr.write(printableLines(text) + '\n');
  }

  private started() {
    return this.events.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
  }
  private epochs(): number {
    return this.started()?.epochs ?? 0;
  }
  /** The engine's batch size; 0 (no ETA yet) before its `started` event, which every engine sends first. */
  private batchSize(): number {
    return this.started()?.batchSize ?? 0;
  }
}

function metricText(loss: number, metrics: Record<string, number>): string {
  return metricsLine(loss, metrics).join(' ');
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
