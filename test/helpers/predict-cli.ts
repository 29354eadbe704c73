// The CLI as a process for the predict tests: a work folder with its own data cache, `train`
// into a runs folder, `predict --json`, and digits of the bundled test split written as PNGs.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

export interface PredictJson {
  runDir: string;
  engine: string;
  picked?: { runDir: string; reason: string };
  predictions: {
    input: string;
    top?: { class: string; probability: number }[];
    values?: number[];
    output?: string;
  }[];
}

export class PredictCli {
  constructor(readonly work: string) {}

  run(args: string[], timeout = 180_000) {
    return spawnSync(process.execPath, [CLI, ...args], {
      cwd: this.work,
      encoding: 'utf8',
      timeout,
      env: { ...process.env, NO_COLOR: '1', MODELSPEC_CACHE: join(this.work, 'cache') },
    });
  }

  /** Writes `file` and trains it into `out` (default runs-<backend>-<file>); returns the run folder. */
  train(file: string, text: string, backend: string, out = join(this.work, `runs-${backend}-${file}`)): string {
    writeFileSync(join(this.work, file), text);
    const r = this.run(['train', file, '--backend', backend, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const latest = (dir: string) => readdirSync(dir).sort().at(-1)!;
    const model = join(out, latest(out));
    return join(model, latest(model));
  }

  predictJson(args: string[]): PredictJson {
    const r = this.run(['predict', ...args, '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as PredictJson;
  }
}

/** 28×28 grey digit n of `x` (uint8, 784 per sample) as a PNG file. */
export function writeDigitPng(x: Uint8Array, n: number, file: string): string {
  const png = new PNG({ width: 28, height: 28, colorType: 0 });
  for (let i = 0; i < 784; i++) {
    const v = x[n * 784 + i]!;
    png.data.set([v, v, v, 255], i * 4);
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
  return file;
}
