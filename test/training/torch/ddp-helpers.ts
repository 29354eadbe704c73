// Shared by the data-parallel suites (ddp.test.ts, ddp-faults.test.ts): the digits MLP without
// dropout, the CLI as a process, and /proc readers for the launcher's and workers' processes.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../../training/protocol';

export const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

// The digits MLP (examples/digits.model) without dropout, and a batch that leaves a last batch of
// 61 samples: the replicas then hold 31 and 30 samples, so their losses must be weighted by share.
export function digitsModel(dir: string, opts: { epochs: number; batch: number; validationSplit: number }): string {
  const file = join(dir, 'digits_ddp.model');
  writeFileSync(
    file,
    `model digits_ddp {
    Input(shape=(784,))
    Dense(128, activation='relu')
    Dense(128, activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: RMSprop()
    metrics: ['accuracy']
}
data {
    train: digits
    validation_split: ${opts.validationSplit}
}
fit {
    epochs: ${opts.epochs}
    batch_size: ${opts.batch}
    seed: 42
}
`,
  );
  return file;
}

export function events(text: string): RunEvent[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
}

export function train(file: string, out: string, devices: number) {
  const r = spawnSync(
    process.execPath,
    [CLI, 'train', file, '--backend', 'torch', '--devices', String(devices), '--out', out, '--json'],
    {
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  const evs = events(r.stdout);
  const started = evs.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
  return { code: r.status, stderr: r.stderr, events: evs, runDir: started?.runDir ?? '' };
}

export function weights(runDir: string): Float32Array {
  const b = readFileSync(join(runDir, 'weights.bin'));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

/** The process ids below `pid` (children, grandchildren), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(state); // a zombie has ended
  } catch {
    return false;
  }
}

export function rankOf(pid: number): number | undefined {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const rank = env.find((v) => v.startsWith('RANK='));
    return rank === undefined ? undefined : Number(rank.slice(5));
  } catch {
    return undefined;
  }
}

/** Starts a run that goes on for a while; resolves once the first batch event is out. */
export function startLongRun(
  dir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; lines: () => string; exit: Promise<number | null> }> {
  const file = digitsModel(dir, { epochs: 50, batch: 32, validationSplit: 0.1 });
  const child = spawn(
    process.execPath,
    [CLI, 'train', file, '--backend', 'torch', '--devices', '2', '--out', join(dir, 'runs'), '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      const before = stdout.includes('"type":"batch"');
      stdout += d.toString();
      if (!before && stdout.includes('"type":"batch"')) resolve({ child, lines: () => stdout, exit });
    });
    void exit.then((code) => reject(new Error(`the run ended (code ${code}) before its first batch:\n${stderr}`)));
  });
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms).unref()),
  ]);
}
