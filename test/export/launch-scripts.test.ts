// `modelspec export FILE --to slurm|torchrun` through the CLI: the scripts pass `bash -n`, and the
// sbatch script runs the data-parallel training across two "nodes" with `srun` replaced by a stub
// on PATH that starts one task per node on this machine (as Slurm would, with SLURM_PROCID etc.).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunEvent } from '../../training/protocol';
import { ensureBuilt } from '../helpers/build';
import { SKIP } from '../training/torch/helpers';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

const MODEL = `model tiny_mlp {
    Input(shape=(784,))
    Dense(32, activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
    metrics: ['accuracy']
}
data {
    train: digits
    validation_split: 0.9
}
fit {
    epochs: 1
    batch_size: 64
    seed: 3
}
`;

function exportScript(file: string, to: string, extra: string[] = []): string {
  const r = spawnSync(process.execPath, [CLI, 'export', file, '--to', to, ...extra], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('export --to slurm|torchrun', () => {
  before(() => ensureBuilt());

  it('writes bash scripts that parse (bash -n), with the node count, devices and the model file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-launch-'));
    const file = join(dir, "tiny's model.model"); // a quote in the path must survive the shell
    writeFileSync(file, MODEL);
    const sbatch = exportScript(file, 'slurm', ['--nnodes', '3', '--devices', '4']);
    assert.match(sbatch, /^#SBATCH --nodes=3$/m);
    assert.match(sbatch, /^#SBATCH --gpus-per-node=4$/m);
    assert.match(sbatch, /NODE_RANK=\$SLURM_PROCID NNODES=\$SLURM_NTASKS/);
    const torchrun = exportScript(file, 'torchrun', ['--devices', '2']);
    assert.match(torchrun, /DEVICES=\$\{DEVICES:-2\}/);
    for (const [name, text] of [
      ['job.sbatch', sbatch],
      ['node.sh', torchrun],
    ] as const) {
      writeFileSync(join(dir, name), text);
      const r = spawnSync('bash', ['-n', join(dir, name)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    }
    // The path comes back intact when bash expands MODEL_FILE.
    const echo = spawnSync(
      'bash',
      ['-c', `${sbatch.split('\n').find((l) => l.startsWith('MODEL_FILE='))}; printf %s "$MODEL_FILE"`],
      { encoding: 'utf8' },
    );
    assert.equal(echo.stdout, file);
  });

  it(
    'the sbatch script trains on 2 nodes through a stub srun: rank 0 writes the run with world size 2',
    { skip: SKIP },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-slurm-'));
      const file = join(dir, 'tiny.model');
      writeFileSync(file, MODEL);
      const script = join(dir, 'tiny.sbatch');
      writeFileSync(script, exportScript(file, 'slurm'));
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      // srun: one task per node of the job, here, with the variables Slurm gives each task.
      writeFileSync(
        join(bin, 'srun'),
        `#!/bin/bash
while [[ "\${1:-}" == --* ]]; do shift; done
n=\${SLURM_NNODES:?}
pids=()
for ((i = 0; i < n; i++)); do SLURM_PROCID=$i SLURM_NODEID=$i SLURM_LOCALID=0 SLURM_NTASKS=$n "$@" & pids+=($!); done
status=0
for p in "\${pids[@]}"; do wait "$p" || status=$?; done
exit $status
`,
      );
      writeFileSync(
        join(bin, 'modelspec'),
        `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
      );
      chmodSync(join(bin, 'srun'), 0o755);
      chmodSync(join(bin, 'modelspec'), 0o755);
      const runs = join(dir, 'runs');
      const r = spawnSync('bash', [script], {
        encoding: 'utf8',
        cwd: dir,
        timeout: 300_000,
        // What sbatch sets for a 2-node job (scontrol is not called: MASTER_ADDR is given).
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          SLURM_NNODES: '2',
          SLURM_JOB_NODELIST: 'localhost',
          MASTER_ADDR: '127.0.0.1',
          MASTER_PORT: String(await freePort()),
          RUNS: runs,
        },
      });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const folders = readdirSync(join(runs, 'tiny_mlp')).map((f) => join(runs, 'tiny_mlp', f));
      assert.equal(folders.length, 2, 'one run folder per node');
      const eventsOf = (f: string) =>
        readFileSync(join(f, 'events.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as RunEvent);
      const main = folders.filter((f) => eventsOf(f).some((e) => e.type === 'started'));
      assert.equal(main.length, 1, 'only rank 0 records the run');
      const events = eventsOf(main[0]!);
      const started = events.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started')!;
      assert.equal(started.worldSize, 2);
      assert.equal(started.nodes, 2);
      assert.equal(events.at(-1)?.type, 'finished');
      assert.equal(events.filter((e) => e.type === 'epoch').length, 1);
      const other = folders.find((f) => f !== main[0])!;
      assert.equal(eventsOf(other).at(-1)?.type, 'finished', "node 1's CLI ends with its ranks");
    },
  );
});
