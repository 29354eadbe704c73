// `modelspec export FILE --to slurm|torchrun`: shell scripts that train a .model data-parallel
// on several machines with the torch engine. Both run the same `modelspec train` on each machine
// with torchrun's variables (NNODES, NODE_RANK, MASTER_ADDR, MASTER_PORT); the engine starts one
// worker per device there (modelspec_torch/launcher.py). The sbatch script takes those variables
// from Slurm's (one task per node: SLURM_PROCID is the node rank, SLURM_NTASKS the node count).

import { resolve } from 'node:path';

export const LAUNCH_FORMATS = ['slurm', 'torchrun'] as const;
export type LaunchFormat = (typeof LAUNCH_FORMATS)[number];

export function isLaunchFormat(to: string): to is LaunchFormat {
  return (LAUNCH_FORMATS as readonly string[]).includes(to);
}

export interface LaunchOptions {
  /** The .model file (made absolute: the job may start in another folder). */
  file: string;
  modelName: string;
  /** Devices (GPUs) per machine: fit.devices or --devices. */
  devices: number;
  /** Machines: --nnodes (default 1). */
  nnodes: number;
}

/** A string as one word for bash, whatever it holds. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function defaultLaunchPath(file: string, to: LaunchFormat): string {
  return file.replace(/\.model$/, '') + (to === 'slurm' ? '.sbatch' : '.torchrun.sh');
}

export function launchScript(to: LaunchFormat, o: LaunchOptions): string {
  return to === 'slurm' ? sbatchScript(o) : torchrunScript(o);
}

const TRAIN = [
  '"$MODELSPEC" train "$MODEL_FILE" --backend torch --devices "$DEVICES" \\',
  '    --nnodes "$NNODES" --node-rank "$NODE_RANK" --master "$MASTER_ADDR:$MASTER_PORT" --out "$RUNS"',
];

function header(o: LaunchOptions): string[] {
  return [
    `MODEL_FILE=${shellQuote(resolve(o.file))}`,
    'MODELSPEC=${MODELSPEC:-modelspec}   # the CLI (npx modelspec, or a path to bin/modelspec.cjs)',
    `DEVICES=\${DEVICES:-${o.devices}}   # GPUs per machine (processes per machine on CPUs)`,
    'RUNS=${RUNS:-runs}   # node rank 0 writes the run folder (events, checkpoints, model) here',
  ];
}

function sbatchScript(o: LaunchOptions): string {
  return [
    '#!/bin/bash',
    `# Trains ${o.modelName} data-parallel on ${o.nnodes} node${o.nnodes === 1 ? '' : 's'} x ${o.devices} GPU${o.devices === 1 ? '' : 's'} with the torch engine`,
    '# (PyTorch DistributedDataParallel; batch_size is the global batch). Submit with: sbatch THIS_FILE',
    '# Written by `modelspec export --to slurm`. On a CPU-only cluster drop --gpus-per-node: DEVICES',
    "# processes then share each node's cores.",
    `#SBATCH --job-name=${shellQuote(o.modelName)}`,
    `#SBATCH --nodes=${o.nnodes}`,
    '#SBATCH --ntasks-per-node=1',
    `#SBATCH --gpus-per-node=${o.devices}`,
    '#SBATCH --output=%x-%j.out',
    'set -euo pipefail',
    ...header(o),
    "# The rendezvous: the first host of the job (torchrun's MASTER_ADDR/MASTER_PORT).",
    'if [ -z "${MASTER_ADDR:-}" ]; then',
    '  MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
    'fi',
    'export MASTER_ADDR MASTER_PORT=${MASTER_PORT:-29500}',
    'export MODEL_FILE MODELSPEC DEVICES RUNS',
    "# One task per node: Slurm's task id and task count are the node rank and the node count.",
    "srun --ntasks-per-node=1 bash -c '",
    '  set -euo pipefail',
    '  NODE_RANK=$SLURM_PROCID NNODES=$SLURM_NTASKS',
    ...TRAIN.map((l) => '  ' + l),
    "'",
    '',
  ].join('\n');
}

function torchrunScript(o: LaunchOptions): string {
  return [
    '#!/bin/bash',
    `# Trains ${o.modelName} data-parallel with the torch engine: run this on each machine, with torchrun's`,
    '# variables set (the defaults train on this machine alone):',
    `#   NNODES=${Math.max(o.nnodes, 2)} NODE_RANK=0 MASTER_ADDR=node01 MASTER_PORT=29500 bash THIS_FILE   # on node01`,
    `#   NNODES=${Math.max(o.nnodes, 2)} NODE_RANK=1 MASTER_ADDR=node01 MASTER_PORT=29500 bash THIS_FILE   # on node02`,
    "# modelspec starts DEVICES workers per machine with torchrun's environment contract (RANK,",
    '# LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). The engine also runs under torchrun itself',
    "# from a prepared run's spec.json (where torchrun works: Debian's torch 1.13 one fails on Python 3.11):",
    '#   torchrun --nnodes "$NNODES" --node-rank "$NODE_RANK" --nproc-per-node "$DEVICES" \\',
    '#     --master-addr "$MASTER_ADDR" --master-port "$MASTER_PORT" -m modelspec_torch RUN_DIR/spec.json',
    '# (with python on PYTHONPATH).',
    'set -euo pipefail',
    ...header(o),
    `NNODES=\${NNODES:-${o.nnodes}}`,
    'NODE_RANK=${NODE_RANK:-0}',
    'MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}',
    'MASTER_PORT=${MASTER_PORT:-29500}',
    ...TRAIN.map((l) => l.replace(/^"\$MODELSPEC"/, 'exec "$MODELSPEC"')),
    '',
  ].join('\n');
}
