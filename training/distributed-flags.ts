// `modelspec train --devices N --nnodes M --node-rank K --master HOST:PORT`: the data-parallel
// flags (torchrun's names), checked here and merged into the run's fit settings.

import type { RunSpec } from './protocol';

export interface DistributedFlags {
  devices?: number;
  nnodes?: number;
  nodeRank?: number;
  master?: string;
}

export const DISTRIBUTED_FLAGS = ['--devices', '--nnodes', '--node-rank', '--master'] as const;

/** Checks the flags' values (keys without the dashes: devices, node-rank, ...); throws an Error that says what to fix.
 *  needMaster: false for scripts that get the rendezvous at run time (export --to slurm). */
export function parseDistributedFlags(
  values: Readonly<Record<string, string | undefined>>,
  opts: { needMaster?: boolean } = {},
): DistributedFlags {
  const whole = (flag: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new Error(`${flag} must be a whole number of at least ${min}, got '${v}'`);
    return n;
  };
  const flags: DistributedFlags = {
    devices: whole('--devices', values['devices'], 1),
    nnodes: whole('--nnodes', values['nnodes'], 1),
    nodeRank: whole('--node-rank', values['node-rank'], 0),
    master: values['master'],
  };
  const nnodes = flags.nnodes ?? 1;
  if (flags.nodeRank !== undefined && flags.nodeRank >= nnodes) {
    throw new Error(
      `--node-rank ${flags.nodeRank} is outside 0..${nnodes - 1}: node ranks count the --nnodes ${nnodes} machines from 0`,
    );
  }
  if (nnodes > 1 && flags.master === undefined && opts.needMaster !== false)
    throw new Error(
      `--nnodes ${nnodes} needs --master HOST:PORT, the address of the machine with --node-rank 0 (e.g. --master node01:29500)`,
    );
  if (flags.master !== undefined && !/^[^\s:]+:\d{1,5}$/.test(flags.master))
    throw new Error(`--master takes HOST:PORT (e.g. node01:29500), got '${flags.master}'`);
  return flags;
}

/** The fit settings with the flags applied (a flag wins over the file's `devices`). */
export function withDistributedFlags(fit: RunSpec['fit'], flags: DistributedFlags): RunSpec['fit'] {
  const out = { ...fit };
  if (flags.devices !== undefined) out.devices = flags.devices;
  if (flags.nnodes !== undefined) out.nnodes = flags.nnodes;
  if (flags.nodeRank !== undefined) out.nodeRank = flags.nodeRank;
  if (flags.master !== undefined) out.master = flags.master;
  return out;
}

/** Replicas in all: devices per machine times machines. */
export function worldSize(fit: RunSpec['fit']): number {
  return fit.devices * fit.nnodes;
}

/**
 * The backend a data-parallel run needs: the torch engine. 'auto' becomes 'torch'; the tfjs
 * engine is refused with the reason (it has no data-parallel training over processes).
 */
export function backendForReplicas(fit: RunSpec['fit']): string {
  if (worldSize(fit) <= 1) return fit.backend;
  if (fit.backend === 'auto') return 'torch';
  if (fit.backend.startsWith('tfjs')) {
    throw new Error(
      `devices: ${fit.devices}${fit.nnodes > 1 ? ` on ${fit.nnodes} machines` : ''} needs the torch engine (PyTorch DistributedDataParallel); the tfjs engine trains on one device. Use backend: 'torch' (or --backend torch), or devices: 1`,
    );
  }
  return fit.backend;
}
