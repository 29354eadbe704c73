// `modelspec`: the command-line face of the language core (and, later, of training).
// Exit codes: 0 success, 1 the model has errors (or training failed), 2 usage or unreadable files.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { defaultScriptPath, exportScriptFiles, type ScriptFiles } from '../interop/export/script-files';
import { exportRun, isRunFormat, RUN_FORMATS } from '../interop/export/run-formats';
import { basename, dirname, join, resolve } from 'node:path';
import { analyze, type Analysis } from '../language/analysis/analyze';
import { planModel } from '../language/analysis/plan';
import { printable, printableJson } from '../language/printable';
import { summaryJson, summaryTable } from '../language/services/summary';
import { countBySeverity, diagnosticsJson, formatDiagnostic, type FileDiagnostics } from './check';
import { colourFor, style } from './style';
import { importCommand, type ImportArgs } from './import';
import { train } from './train';
import { tune } from './tune';
import { tuneFile } from '../training/tune/tune-file';
import { DISTRIBUTED_FLAGS, parseDistributedFlags } from '../training/distributed-flags';
import { isLaunchFormat, LAUNCH_FORMATS, launchScript, type LaunchFormat } from '../interop/export/launch-scripts';
import { evaluate } from './evaluate';
import { lrFind } from './lr-find';
import { lrFindSettings } from '../training/lr-find-session';
import type { LrFindSettings } from '../training/protocol';
import { predict } from './predict';
import { runs, runsDirOf } from './runs';
import { reportEngines } from '../training/engines/detect';
import { isIoError, writeFileAtomic } from '../training/files';

const USAGE = `Usage: modelspec <command> [options]

Commands:
  check [--json] FILE...     Check .model files; print errors and warnings like a compiler.
  summary [--json] FILE      Print the model's layers, output shapes and parameter counts (Keras style).
  train FILE [--epochs N] [--backend NAME] [--out DIR] [--json]
        [--devices N] [--nnodes M --node-rank K --master HOST:PORT]
                             Train the model; runs go to runs/<model>/<time>/ (or DIR).
                             --devices N trains data-parallel on N GPUs (or N CPU processes)
                             with the torch engine; --nnodes etc. across machines.
  tune FILE [--trials N] [--epochs N] [--backend NAME] [--out DIR] [--resume DIR] [--json]
                             Search the file's search spaces (Choice, Int, Float, Boolean) as its
                             tune block says: one run per trial in runs/<model>/tune-<time>/
                             (or under DIR), with trials.csv and best.json. Optuna samples where
                             Python has it, else random/grid search in TypeScript. --resume
                             continues a stopped search in its tune folder.
  lr-find FILE [--steps N] [--start LR] [--end LR] [--backend NAME] [--out DIR] [--apply] [--json]
                             The learning-rate range test: train from the initial weights while
                             the learning rate grows exponentially (1e-7 to 10 over 200 batches
                             by default) until the smoothed loss diverges; print the suggested
                             learning rate (steepest descent of the smoothed loss) and minimum/10.
                             --apply writes the suggestion into the compile block's optimizer.
  evaluate RUN_DIR [--best] [--backend NAME] [--json]
                             Evaluate a run's saved model (best/ with --best) on its test data.
  predict RUN_DIR INPUT... [--top K] [--engine auto|onnx|tfjs] [--out DIR] [--json]
  predict --best MODEL_FILE_OR_RUNS_DIR INPUT... [...]
                             Run a trained model on PNG/JPEG images, .csv rows or .npy arrays
                             (prepared as in training); print the top K classes (default 3)
                             or the regression values; an image-to-image model writes a PNG
                             per input (<input>.predicted.png, or into --out DIR). --best
                             picks the run with the best validation metric (as in runs).
                             ONNX Runtime on the run's model.onnx when there is one, else
                             TensorFlow.js.
  export FILE --to keras|pytorch [--out FILE.py]
                             Write a runnable Python script that builds and trains the model.
  export FILE --to slurm|torchrun [--devices N] [--nnodes M] [--out FILE]
                             Write an sbatch script (or a per-machine command line) that trains
                             the model data-parallel on M machines x N GPUs.
  export RUN_DIR --to onnx|keras-model|safetensors [--out FILE]
                             Write a trained run's model as ONNX, a Keras 3 .keras archive or
                             safetensors weights (default: model.onnx|.keras|.safetensors in RUN_DIR).
  import FILE.py [--out FILE.model] [--force]
                             Translate a Keras script (keras.Sequential or model.add, compile,
                             fit) to a .model file; warns about what it could not translate.
  runs MODEL_OR_DIR [--json] [--csv]
                             Compare a model's runs (FILE.model, runs/<model> or a runs folder):
                             status, engine, epochs, best validation metric, test metrics,
                             duration and the hyperparameters that differ.
  engines [--json]           List the training engines and devices found here.

Options:
  -h, --help                 Show this help.
  --version                  Show the version.

Exit codes: 0 no errors, 1 the model has errors, 2 usage error or unreadable file.`;

class UsageError extends Error {}
/** A file that cannot be read: exit 2, without the usage text. */
class FileError extends UsageError {}

interface Loaded {
  file: string;
  analysis: Analysis;
}

function load(file: string): Loaded {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileError(
      code === 'ENOENT'
        ? `${file}: no such file`
        : code === 'EISDIR'
          ? `${file}: is a directory, not a .model file`
          : `${file}: cannot read (${code ?? String(e)})`,
    );
  }
  return { file, analysis: analyze(text, { baseDir: dirname(resolve(file)) }) };
}

function parseFlags(args: string[], known: string[]): { flags: Set<string>; files: string[] } {
  const flags = new Set<string>();
  const files: string[] = [];
  for (const a of args) {
    if (a.startsWith('--') || (a.startsWith('-') && a.length > 1)) {
      if (!known.includes(a)) throw new UsageError(`unknown option '${a}'`);
      flags.add(a);
    } else files.push(a);
  }
  return { flags, files };
}

function printDiagnostics(loaded: Loaded[], stream: NodeJS.WriteStream): void {
  const s = style(colourFor(stream));
  for (const { file, analysis } of loaded) {
    for (const d of analysis.diagnostics) stream.write(formatDiagnostic(file, analysis, d, s) + '\n\n');
  }
}

function check(args: string[]): number {
  const { flags, files } = parseFlags(args, ['--json']);
  if (files.length === 0) throw new UsageError('check needs at least one .model file');
  const loaded = files.map(load);
  const results: FileDiagnostics[] = loaded.map((l) => ({ file: l.file, diagnostics: l.analysis.diagnostics }));
  const all = results.flatMap((r) => r.diagnostics);
  const { errors, warnings } = countBySeverity(all);
  if (flags.has('--json')) {
    process.stdout.write(printableJson(diagnosticsJson(results), 2) + '\n');
  } else {
    printDiagnostics(loaded, process.stdout);
    const s = style(colourFor(process.stdout));
    const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    process.stdout.write((errors ? s.red(summary) : s.green(summary)) + '\n');
  }
  return errors > 0 ? 1 : 0;
}

function summary(args: string[]): number {
  const { flags, files } = parseFlags(args, ['--json']);
  if (files.length !== 1) throw new UsageError('summary takes exactly one .model file');
  const loaded = load(files[0]);
  const { errors } = countBySeverity(loaded.analysis.diagnostics);
  const model = loaded.analysis.model;
  if (errors > 0 || !model) {
    printDiagnostics([loaded], process.stderr);
    if (!model) process.stderr.write(`${printable(loaded.file)}: no model block to summarise\n`);
    return 1;
  }
  if (flags.has('--json')) process.stdout.write(printableJson(summaryJson(model), 2) + '\n');
  else process.stdout.write(summaryTable(model) + '\n');
  return 0;
}

async function trainCommand(args: string[]): Promise<number> {
  const options: Record<string, string> = {};
  const files: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (
      a === '--epochs' ||
      a === '--backend' ||
      a === '--out' ||
      (DISTRIBUTED_FLAGS as readonly string[]).includes(a)
    ) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      options[a.slice(2)] = v;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('train takes exactly one .model file');
  let distributed;
  try {
    distributed = parseDistributedFlags(options);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const epochs = options.epochs === undefined ? undefined : Number(options.epochs);
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 1))
    throw new UsageError(`--epochs must be a whole number of at least 1, got '${options.epochs}'`);
  const loaded = load(files[0]);
  if (countBySeverity(loaded.analysis.diagnostics).errors > 0) {
    printDiagnostics([loaded], process.stderr);
    process.stderr.write(`modelspec: ${printable(loaded.file)} has errors; fix them before training\n`);
    return 1;
  }
  return train({
    file: loaded.file,
    analysis: loaded.analysis,
    epochs,
    backend: options.backend,
    out: options.out,
    json,
    distributed,
  });
}

async function tuneCommand(args: string[]): Promise<number> {
  const options: Record<string, string> = {};
  const files: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (['--trials', '--epochs', '--backend', '--out', '--resume'].includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      options[a.slice(2)] = v;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('tune takes exactly one .model file');
  const whole = (name: string): number | undefined => {
    const raw = options[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--${name} must be a whole number of at least 1, got '${raw}'`);
    return n;
  };
  const trials = whole('trials');
  const epochs = whole('epochs');
  if (options.resume !== undefined && !(existsSync(options.resume) && statSync(options.resume).isDirectory()))
    throw new FileError(`${options.resume}: no such tune folder (give the runs/<model>/tune-<time> folder to resume)`);
  const loaded = load(files[0]!);
  if (countBySeverity(loaded.analysis.diagnostics).errors > 0) {
    printDiagnostics([loaded], process.stderr);
    process.stderr.write(`modelspec: ${printable(loaded.file)} has errors; fix them before tuning\n`);
    return 1;
  }
  const searched = tuneFile(readFileSync(loaded.file, 'utf8'), loaded.file);
  if (!searched.tune) {
    process.stderr.write(`modelspec: cannot tune ${printable(loaded.file)}: ${printable(searched.blocker ?? '')}\n`);
    return 1;
  }
  return tune({
    file: loaded.file,
    tune: searched.tune,
    trials,
    epochs,
    backend: options.backend,
    out: options.out,
    resume: options.resume,
    json,
  });
}

async function lrFindCommand(args: string[]): Promise<number> {
  const options: Record<string, string> = {};
  const files: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json' || a === '--apply') flags.add(a);
    else if (['--steps', '--start', '--end', '--backend', '--out'].includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      options[a.slice(2)] = v;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('lr-find takes exactly one .model file');
  const number = (name: string): number | undefined => {
    if (options[name] === undefined) return undefined;
    const v = Number(options[name]);
    if (!Number.isFinite(v) || v <= 0)
      throw new UsageError(`--${name} must be a positive number, got '${options[name]}'`);
    return v;
  };
  const settings: Partial<LrFindSettings> = {};
  const steps = number('steps');
  if (steps !== undefined) settings.steps = steps;
  const start = number('start');
  if (start !== undefined) settings.startLearningRate = start;
  const end = number('end');
  if (end !== undefined) settings.endLearningRate = end;
  try {
    lrFindSettings(settings);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const loaded = load(files[0]);
  if (countBySeverity(loaded.analysis.diagnostics).errors > 0) {
    printDiagnostics([loaded], process.stderr);
    process.stderr.write(`modelspec: ${printable(loaded.file)} has errors; fix them before the range test\n`);
    return 1;
  }
  return lrFind({
    file: loaded.file,
    analysis: loaded.analysis,
    backend: options.backend,
    out: options.out,
    json: flags.has('--json'),
    apply: flags.has('--apply'),
    settings,
  });
}

async function evaluateCommand(args: string[]): Promise<number> {
  let backend: string | undefined;
  const folders: string[] = [];
  let json = false;
  let best = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--best') best = true;
    else if (a === '--backend') {
      backend = args[++i];
      if (backend === undefined) throw new UsageError('--backend needs a value');
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else folders.push(a);
  }
  if (folders.length !== 1) throw new UsageError('evaluate takes exactly one run folder (runs/<model>/<time>)');
  return evaluate({ runDir: folders[0], best, backend, json });
}

async function predictCommand(args: string[]): Promise<number> {
  let top = 3;
  let engine = 'auto';
  let json = false;
  let best = false;
  let outDir: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a === '--best') best = true;
    else if (a === '--top' || a === '--engine' || a === '--out') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      if (a === '--engine') engine = v;
      else if (a === '--out') outDir = v;
      else {
        top = Number(v);
        if (!Number.isInteger(top) || top < 1)
          throw new UsageError(`--top must be a whole number of at least 1, got '${v}'`);
      }
    } else if (a.startsWith('-') && a.length > 1) throw new UsageError(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length < 2)
    throw new UsageError(
      best
        ? 'predict --best takes a .model file (or its runs folder, runs/<model>) and at least one input file (image, .csv or .npy)'
        : 'predict takes a run folder (runs/<model>/<time>) and at least one input file (image, .csv or .npy)',
    );
  if (engine !== 'auto' && engine !== 'onnx' && engine !== 'tfjs')
    throw new UsageError(`--engine must be auto, onnx or tfjs, not '${engine}'`);
  for (const f of files.slice(1)) if (!existsSync(f)) throw new FileError(`${f}: no such file`);
  if (outDir !== undefined && existsSync(outDir) && !statSync(outDir).isDirectory())
    throw new FileError(`--out ${outDir} is a file; give a folder for the output images`);
  let runDir = files[0]!;
  if (best) {
    if (!existsSync(runDir))
      throw new FileError(`${runDir}: no such file or folder; give a .model file or its runs folder (runs/<model>)`);
    if (!statSync(runDir).isDirectory()) {
      const loaded = load(runDir);
      if (!loaded.analysis.model) throw new FileError(`${printable(runDir)}: no model block, so no runs to pick from`);
      const dir = runsDirOf(runDir, loaded.analysis.model.name);
      if (!existsSync(dir))
        throw new FileError(
          `no runs of ${printable(loaded.analysis.model.name)} yet (${printable(dir)}): train it with modelspec train ${printable(runDir)}`,
        );
      runDir = dir;
    }
  }
  return predict({ runDir, best, inputs: files.slice(1), top, engine, outDir, json });
}

async function exportCommand(args: string[]): Promise<number> {
  let to: string | undefined;
  let out: string | undefined;
  const files: string[] = [];
  const launch: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--to' || args[i] === '--out') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${args[i - 1]} needs a value`);
      if (args[i - 1] === '--to') to = v;
      else out = v;
    } else if (args[i] === '--devices' || args[i] === '--nnodes') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${args[i - 1]} needs a value`);
      launch[args[i - 1]!.slice(2)] = v;
    } else if (args[i].startsWith('-')) throw new UsageError(`unknown option '${args[i]}'`);
    else files.push(args[i]);
  }
  if (to !== undefined && isRunFormat(to)) {
    if (files.length !== 1)
      throw new UsageError(`export --to ${to} takes exactly one run folder (runs/<model>/<time>)`);
    if (files[0]!.endsWith('.model')) {
      throw new UsageError(
        `--to ${to} exports a trained run: give a run folder such as runs/<model>/<time> (train ${files[0]} first), or use --to keras|pytorch for a script`,
      );
    }
    try {
      const written = await exportRun(files[0]!, to, out);
      process.stderr.write(`Wrote ${printable(written)}\n`);
      return 0;
    } catch (e) {
      process.stderr.write(
        `modelspec: cannot export ${printable(files[0]!)} to ${to}: ${printable(e instanceof Error ? e.message : String(e))}\n`,
      );
      return 1;
    }
  }
  if (files.length !== 1) throw new UsageError('export takes exactly one .model file');
  if (to !== undefined && isLaunchFormat(to)) return exportLaunchScript(files[0]!, to, out, launch);
  if (Object.keys(launch).length)
    throw new UsageError(`--devices and --nnodes go with --to ${LAUNCH_FORMATS.join('|')}`);
  if (to !== 'keras' && to !== 'pytorch') {
    throw new UsageError(
      `export needs --to keras, pytorch, slurm or torchrun (for a .model file) or --to ${RUN_FORMATS.join('|')} (for a run folder)${to ? `, not '${to}'` : ''}`,
    );
  }
  if (existsSync(join(files[0], 'spec.json'))) {
    throw new UsageError(
      `${files[0]} is a run folder; --to ${to} writes a script from a .model file. Export a trained run --to ${RUN_FORMATS.join('|')}`,
    );
  }
  const loaded = load(files[0]);
  if (countBySeverity(loaded.analysis.diagnostics).errors > 0) {
    printDiagnostics([loaded], process.stderr);
    return 1;
  }
  // Data the script loads from its own folder (the bundled digits) goes beside --out. On stdout
  // nothing is written to disk: a note says how to get the data file.
  let written: ScriptFiles;
  try {
    written = await exportScriptFiles(loaded.analysis, loaded.file, to, out ?? defaultScriptPath(loaded.file, to));
  } catch (e) {
    process.stderr.write(
      `modelspec: cannot export ${printable(loaded.file)} to ${to}: ${printable(e instanceof Error ? e.message : String(e))}\n`,
    );
    return 1;
  }
  const script = written.script;
  for (const d of written.data) {
    if (!out) {
      process.stderr.write(
        `note: the script loads ${printable(basename(d.path))} from its own folder; export with --out FILE.py to write both\n`,
      );
      continue;
    }
    writeFileAtomic(d.path, d.bytes, 'export');
    process.stderr.write(`Wrote ${printable(d.path)} (the data the script loads; keep it beside the script)\n`);
  }
  if (out) {
    // Whole or not at all (an existing script is kept on failure); an I/O error is one line.
    writeFileAtomic(out, script, 'export');
    process.stderr.write(`Wrote ${printable(out)}\n`);
  } else process.stdout.write(script);
  return 0;
}

/** `export FILE --to slurm|torchrun`: the script that trains FILE data-parallel on several machines. */
function exportLaunchScript(
  file: string,
  to: LaunchFormat,
  out: string | undefined,
  flags: Record<string, string>,
): number {
  let parsed;
  try {
    parsed = parseDistributedFlags(flags, { needMaster: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const loaded = load(file);
  if (countBySeverity(loaded.analysis.diagnostics).errors > 0) {
    printDiagnostics([loaded], process.stderr);
    return 1;
  }
  const plan = planModel(loaded.analysis, loaded.file);
  if (!plan) throw new Error(`${loaded.file} has no model block to train`);
  const script = launchScript(to, {
    file: loaded.file,
    modelName: plan.modelName,
    devices: parsed.devices ?? plan.fit.devices,
    nnodes: parsed.nnodes ?? (to === 'slurm' ? 2 : 1),
  });
  if (out) {
    writeFileAtomic(out, script, 'export');
    process.stderr.write(
      `Wrote ${printable(out)}${to === 'slurm' ? ' (submit it with sbatch)' : ' (run it on each machine with NODE_RANK set)'}\n`,
    );
  } else process.stdout.write(script);
  return 0;
}

function importArgs(args: string[]): ImportArgs {
  const { flags, files, values } = parseImportFlags(args);
  if (files.length !== 1) throw new UsageError('import takes exactly one Python file (a Keras script)');
  return { file: files[0], out: values.out, force: flags.has('--force') };
}

function parseImportFlags(args: string[]): { flags: Set<string>; files: string[]; values: { out?: string } } {
  const flags = new Set<string>();
  const files: string[] = [];
  const values: { out?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out') {
      values.out = args[++i];
      if (values.out === undefined) throw new UsageError('--out needs a value');
    } else if (a === '--force') flags.add(a);
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else files.push(a);
  }
  return { flags, files, values };
}

function runsCommand(args: string[]): number {
  const { flags, files } = parseFlags(args, ['--json', '--csv']);
  if (files.length !== 1) throw new UsageError('runs takes exactly one .model file or runs folder (runs/<model>)');
  if (flags.has('--json') && flags.has('--csv')) throw new UsageError('runs prints --json or --csv, not both');
  const format = flags.has('--json') ? 'json' : flags.has('--csv') ? 'csv' : 'table';
  let dir = files[0];
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    const loaded = load(dir);
    if (!loaded.analysis.model) throw new FileError(`${printable(dir)}: no model block, so no runs to list`);
    dir = runsDirOf(dir, loaded.analysis.model.name);
    if (!existsSync(dir)) {
      if (format === 'json') process.stdout.write(printableJson({ runs: [], differing: [] }, 2) + '\n');
      else
        process.stderr.write(
          `No runs of ${printable(loaded.analysis.model.name)} yet (${printable(dir)}): train it with modelspec train ${printable(files[0])}\n`,
        );
      return 0;
    }
  }
  return runs({ dir, format });
}

async function enginesCommand(args: string[]): Promise<number> {
  const { flags } = parseFlags(args, ['--json']);
  const engines = await reportEngines();
  if (flags.has('--json')) process.stdout.write(JSON.stringify(engines, null, 2) + '\n');
  else
    for (const e of engines)
      process.stdout.write(`${e.available ? '✓' : '✗'} ${e.engine.padEnd(6)} ${printable(e.detail)}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  if (command === '--version') {
    process.stdout.write('modelspec 0.1.0\n');
    return 0;
  }
  try {
    switch (command) {
      case 'check':
        return check(rest);
      case 'summary':
        return summary(rest);
      case 'train':
        return await trainCommand(rest);
      case 'tune':
        return await tuneCommand(rest);
      case 'lr-find':
        return await lrFindCommand(rest);
      case 'evaluate':
        return await evaluateCommand(rest);
      case 'predict':
        return await predictCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case 'runs':
        return runsCommand(rest);
      case 'engines':
        return await enginesCommand(rest);
      case 'import':
        return importCommand(importArgs(rest));
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    // Messages quote file names and arguments: printed without their control characters.
    if (e instanceof FileError) {
      process.stderr.write(`modelspec: ${printable(e.message)}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`modelspec: ${printable(e.message)}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A full or read-only disk is the user's to fix, not a bug: one line, no stack trace.
    if (isIoError(e)) process.stderr.write(`modelspec: ${printable((e as Error).message)}\n`);
    else
      process.stderr.write(`modelspec: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
