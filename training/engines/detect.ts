// Which engines and devices this machine has, and which one a run should use.
// PyTorch is found through a configured interpreter, then `python3` on PATH, then the system
// `/usr/bin/python3` (where Debian's python3-torch lives), whichever imports torch.

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { packageRoot } from '../../common/package-root';
import type { EngineName } from '../protocol';
import { chooseByMeasurement, machineDescription, type Candidate, type MeasureOptions } from './measured-choice';
import { pythonModuleCommand, pythonPath } from './python-command';

export { pythonPath };

export interface TorchProbe {
  python: string;
  torch: string;
  cuda: boolean;
  cudaDevice: string | null;
  /** CUDA GPUs PyTorch sees (absent from older probes). */
  cudaCount?: number;
  mps: boolean;
  threads: number;
}

export interface EngineReport {
  engine: EngineName;
  available: boolean;
  /** The device it would use: 'cuda', 'mps', 'cpu', 'tensorflow', 'wasm'. */
  device?: string;
  detail: string;
}

export interface EngineChoice {
  engine: EngineName;
  /** For torch: the interpreter; for tfjs: undefined. */
  python?: string;
  reason: string;
}

/** Interpreters to try, in order, without duplicates. */
export function pythonCandidates(configured?: string): string[] {
  const list = [
    configured,
    process.env.MODELSPEC_PYTHON,
    'python3',
    '/usr/bin/python3',
    process.platform === 'win32' ? 'python' : undefined,
  ];
  return [...new Set(list.filter((p): p is string => !!p))];
}

const probeCache = new Map<string, Promise<TorchProbe | string>>();

/**
 * Asks one interpreter about torch; returns the probe or why it failed. Asynchronous (importing
 * torch takes seconds) so the VS Code extension host never blocks on it; cached per interpreter.
 */
export function probeTorch(python: string): Promise<TorchProbe | string> {
  let probe = probeCache.get(python);
  if (!probe) {
    probe = new Promise((resolve) => {
      const { command, args, env } = pythonModuleCommand(python, 'modelspec_torch', ['--probe']);
      // The probe imports nothing from here, so it runs in the engine's folder.
      execFile(
        command,
        args,
        { env, cwd: pythonPath(), encoding: 'utf8', timeout: 60_000 },
        (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(`${python}: not found`);
          if (error) return resolve(`${python}: ${lastLine(stderr) || error.message}`);
          try {
            const { executable, ...found } = JSON.parse(lastLine(stdout)) as Omit<TorchProbe, 'python'> & {
              executable?: unknown;
            };
            // Runs start the interpreter by its absolute path: a bare name would be searched on
            // PATH from the run's working folder, where a 'python3' of the project's could sit.
            resolve({
              ...found,
              python: typeof executable === 'string' && isAbsolute(executable) ? executable : python,
            });
          } catch {
            resolve(`${python}: unexpected probe output`);
          }
        },
      );
    });
    probeCache.set(python, probe);
  }
  return probe;
}

/** The first interpreter that imports torch, and the reasons the others did not. */
export async function findTorch(configured?: string): Promise<{ probe?: TorchProbe; tried: string[] }> {
  const tried: string[] = [];
  for (const python of pythonCandidates(configured)) {
    const p = await probeTorch(python);
    if (typeof p !== 'string') return { probe: p, tried };
    tried.push(p);
  }
  return { tried };
}

/** Whether the native TensorFlow binding (an optional dependency) loads here. */
export function tfjsNativeAvailable(): string | undefined {
  const require = createRequire(join(packageRoot(), 'package.json'));
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(name);
      return name;
    } catch {
      // not installed
    }
  }
  return undefined;
}

/** Every engine with what it would run on, for `Select Training Backend` and messages. */
export async function reportEngines(configuredPython?: string): Promise<EngineReport[]> {
  const torch = await findTorch(configuredPython);
  const native = tfjsNativeAvailable();
  const torchReport: EngineReport = torch.probe
    ? {
        engine: 'torch',
        available: true,
        device: torch.probe.cuda ? 'cuda' : torch.probe.mps ? 'mps' : 'cpu',
        detail: `PyTorch ${torch.probe.torch} (${torch.probe.python}) on ${torch.probe.cuda ? `CUDA: ${torch.probe.cudaDevice}` : torch.probe.mps ? 'Apple MPS' : `CPU, ${torch.probe.threads} threads`}`,
      }
    : {
        engine: 'torch',
        available: false,
        detail: `PyTorch not found (${torch.tried.join('; ') || 'no Python interpreter'})`,
      };
  return [
    torchReport,
    {
      engine: 'tfjs',
      available: true,
      device: native ? 'tensorflow' : 'wasm',
      detail: native
        ? `TensorFlow.js with ${native}`
        : 'TensorFlow.js on WebAssembly (install @tensorflow/tfjs-node for native speed)',
    },
  ];
}

/** Turns `backend: 'auto'`'s measurement off (fixed order): MODELSPEC_ENGINE_PROBE=off. */
export const ENGINE_PROBE_ENV = 'MODELSPEC_ENGINE_PROBE';

/**
 * A named engine ('tfjs', 'torch', or 'torch:cpu' style) is used as asked, or refused with the
 * reason. `backend: 'auto'` with `measure` (the run's spec) and more than one engine present
 * measures them on the run's model (measured-choice.ts, cached per machine and model) and takes
 * the faster; without it, or when nothing could be measured, the fixed order of `fixedChoice`.
 */
export async function chooseEngine(
  backend: string,
  configuredPython?: string,
  measure?: MeasureOptions,
): Promise<EngineChoice> {
  const [engine] = backend.split(':');
  if (engine === 'tfjs') return { engine: 'tfjs', reason: `backend '${backend}' asked for TensorFlow.js` };
  const torch = await findTorch(configuredPython);
  if (engine === 'torch') {
    if (!torch.probe) {
      throw new Error(
        `backend '${backend}' needs PyTorch, but no Python interpreter here imports torch (${torch.tried.join('; ')}). ` +
          `Install PyTorch (pip install torch, or apt-get install python3-torch), set MODELSPEC_PYTHON to an interpreter that has it, or use backend: 'tfjs'`,
      );
    }
    return { engine: 'torch', python: torch.probe.python, reason: `backend '${backend}' asked for PyTorch` };
  }
  const fixed = fixedChoice(torch);
  if (!measure || !torch.probe || process.env[ENGINE_PROBE_ENV] === 'off') return fixed;
  // A CUDA GPU against TensorFlow.js on WebAssembly is no contest (measured on an H200: 6× on
  // the digits MLP, 27× on its CNN), and measuring it cost about 15 s before each new model's
  // first run (two engine starts, CUDA's among them). TensorFlow's native binding is measured.
  if (torch.probe.cuda && !tfjsNativeAvailable())
    return { ...fixed, reason: `${fixed.reason}; TensorFlow.js here runs on WebAssembly: not measured` };
  const measured = await chooseByMeasurement(candidates(torch.probe), {
    ...measure,
    machine: measure.machine ?? machineDescription(torch.probe.cudaDevice),
  });
  if ('choice' in measured) return measured.choice;
  return { ...fixed, reason: `${fixed.reason} (measuring the engines failed: ${measured.problem})` };
}

/** The engines `auto` compares: PyTorch on the device it would use, and TensorFlow.js. */
function candidates(probe: TorchProbe): Candidate[] {
  const native = tfjsNativeAvailable();
  return [
    {
      choice: { engine: 'torch', python: probe.python, reason: '' },
      device: probe.cuda ? 'cuda' : probe.mps ? 'mps' : 'cpu',
      version: `torch ${probe.torch}`,
    },
    {
      choice: { engine: 'tfjs', reason: '' },
      device: native ? (native.endsWith('-gpu') ? 'tensorflow-gpu' : 'tensorflow') : 'wasm',
      version: `tfjs ${tfjsVersion()}`,
    },
  ];
}

function tfjsVersion(): string {
  try {
    const require = createRequire(join(packageRoot(), 'package.json'));
    return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * `auto` without a measurement: a GPU first (PyTorch CUDA/MPS), then the fastest CPU engine
 * present (PyTorch's CPU kernels are many times faster than WebAssembly for convolutions).
 */
function fixedChoice(torch: { probe?: TorchProbe; tried: string[] }): EngineChoice {
  if (torch.probe?.cuda)
    return { engine: 'torch', python: torch.probe.python, reason: `auto: CUDA GPU found (${torch.probe.cudaDevice})` };
  if (torch.probe?.mps) return { engine: 'torch', python: torch.probe.python, reason: 'auto: Apple GPU (MPS) found' };
  const native = tfjsNativeAvailable();
  if (native?.endsWith('-gpu')) return { engine: 'tfjs', reason: `auto: ${native} found` };
  if (torch.probe)
    return {
      engine: 'torch',
      python: torch.probe.python,
      reason: `auto: no GPU; PyTorch ${torch.probe.torch} is the fastest CPU engine here`,
    };
  return { engine: 'tfjs', reason: `auto: no GPU and no PyTorch (${torch.tried.join('; ')}); using TensorFlow.js` };
}

function lastLine(s: string | null | undefined): string {
  const lines = (s ?? '').trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
