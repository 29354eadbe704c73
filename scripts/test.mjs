// Runs the tests with Node's test runner, each file compiled once to a bundle that plain Node
// runs (scripts/bundle-tests.mjs; a file alone still runs with `node --import tsx --test FILE`).
//   node scripts/test.mjs            every test/**/*.test.ts (npm test)
//   node scripts/test.mjs --unit     all but the slow files and test/vscode/ (npm run test:unit)
//   node scripts/test.mjs FILE...    just these files
// Options: --concurrency N (or MODELSPEC_TEST_CONCURRENCY): N processes at a time (default 2;
// with --unit one more than the cores, see UNIT_CONCURRENCY);
// the SERIAL files below run afterwards, one at a time, each in its own process.
// Unit files run several to a process (OWN_PROCESS below says which do not): --groups N splits
// them into N processes (default 2 per concurrent slot, and the webview files into as many as
// the concurrency, sharing a Chromium each, and the TF.js files likewise, so that only their
// processes load TF.js); --isolate runs every file in its own process.
// --durations: after the results, each file's time, slowest first (scripts/test-durations.mjs).
// Node 20's --test does not expand globs, so the files are found here.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { bundleTests } from './bundle-tests.mjs';
import { balance, removeGroupEntries, writeGroupEntry } from './test-groups.mjs';
import { servicesFor } from './test-services.mjs';

// Slow files: the engines' learning runs on real data, engine parity, Python scripts that
// train. `npm run test:unit` leaves them out; `npm test` runs them. Chosen by measurement
// (each took over 40 s at concurrency 2 under load; the unit files took 2-30 s).
// The one place a file's tier is decided: a file not named here is a unit test.
const SLOW = {
  'test/training/train-cli.test.ts': 'trains examples/digits.model on both engines through the CLI',
  'test/cli/examples.test.ts': 'checks every example and trains each one with local data for an epoch through the CLI',
  'test/training/tasks-cli.test.ts':
    'multi-label, autoencoder, npy image targets and text classification learning on both engines through the CLI',
  'test/training/tfjs/train.test.ts': 'TF.js engine learning runs on digits (threads, resume, callbacks)',
  'test/training/torch/train.test.ts': 'PyTorch engine learning runs on digits',
  'test/training/parity.test.ts': 'trains the same model on both engines and compares the curves',
  'test/training/pretrained-evaluate.test.ts': 'trains a base model, then a Pretrained one on top, then evaluates',
  'test/training/data-validation-cli.test.ts': 'refusals after real data preparation, then a run that trains',
  'test/export/export.test.ts': 'runs the exported Keras/PyTorch scripts, which train',
  'test/export/escape.test.ts': 'runs many exported scripts in Python (each imports torch)',
  'test/training/torch/callbacks.test.ts': 'eight PyTorch engine runs (a Python + torch start each)',
  'test/training/run-safety.test.ts': 'concurrent runs, signals and full disks on both engines (trains each time)',
  'test/training/layer-agreement.test.ts': 'builds every catalog layer on every accepted rank in both engines',
  'test/training/graph-applications-slow.test.ts':
    'ResNet50 (23.5M parameters) from a 94 MB Keras weights file on both engines: parity, training, saving',
  'test/training/layer-outputs.test.ts':
    'every layer case on both engines from the same weights: outputs, loss and an SGD step (one torch process)',
  'test/training/activity-regularization.test.ts': 'four first-batch losses, each an engine process (torch imports)',
  'test/training/masking.test.ts': 'masked sequences on both engines, then two first-batch losses (engine processes)',
  'test/training/keras-datasets-cli.test.ts': 'trains Fashion-MNIST, CIFAR-10 and IMDB through the CLI',
  'test/export/run-formats.test.ts': 'trains runs on both engines, then ONNX Runtime, h5py and numpy read the exports',
  'test/cli/printable-output.test.ts': 'trains and evaluates through the CLI',
  'test/training/evaluate-run.test.ts': 'trains, kills and evaluates runs through the CLI',
  'test/cli/predict.test.ts': 'trains small runs on both engines, then predicts through the CLI',
  'test/cli/predict-image.test.ts': 'trains a small autoencoder, then predicts output images through the CLI',
  'test/cli/predict-best.test.ts': 'trains three small runs through the CLI, then predicts with the best',
  'test/client/predict-host.test.ts': 'trains a digits run through the CLI, then predicts as the panel asks',
  'test/cli/predict-stopped-torch.test.ts': 'trains on the torch engine through the CLI and stops it with Ctrl+C',
  'test/training/torch/isolation.test.ts': 'a PyTorch engine run from a booby-trapped folder',
  'test/training/data/cache-limit.test.ts': 'prepares data through repeated CLI runs',
  'test/export/launch-scripts.test.ts': 'runs the exported sbatch script: 2 nodes of data-parallel training',
  'test/training/torch/precision.test.ts': 'three PyTorch engine runs (mixed_precision policies on the CPU)',
  'test/training/engine-probe.test.ts': "backend 'auto' measures both engines on the digits MLP (two engine starts)",
  'test/training/torch/ddp.test.ts': 'data-parallel runs of 2 gloo processes through the CLI (kill, Ctrl+C)',
  'test/cli/lr-find.test.ts': 'a learning-rate range test on each engine, then 5 epochs with the suggestion',
  'test/training/torch/ddp-faults.test.ts':
    'data-parallel runs through the CLI: a hung rank, a killed launcher, all killed',
  'test/training/warm-engine.test.ts': 'six short runs (cold, warm, cold after a dead warm engine) on each engine',
  'test/training/tensorboard.test.ts':
    'trains a run on each engine, then reads its event files with protoc-compiled protos',
  'test/training/sample-images-cli.test.ts': 'trains digits on both engines through the CLI',
  'test/training/callback-events.test.ts': 'runs both engines with each callback',
  'test/cli/train-plan.test.ts': 'trains through the CLI (bare callback names, validation of a built-in set)',
  'test/cli/runs.test.ts': 'trains two runs through the CLI, then compares them',
  'test/cli/evaluate-tasks.test.ts':
    'trains a multi-label, a regression and an image run through the CLI, then evaluates each',
  'test/architecture/python-types.test.ts': 'mypy over the PyTorch engine (minutes with a cold cache, as in CI)',
  'test/training/tune/tune-cli.test.ts':
    'hyperparameter searches through the CLI: 8-trial digits searches on both engines, resume',
  'test/training/torch/control.test.ts': 'three PyTorch engine runs, stopped mid-run (a Python + torch start each)',
  'test/training/torch/constraints.test.ts': 'a PyTorch engine training run, then numpy reads its weights',
  'test/training/normalization-adapt.test.ts':
    'a run on each engine through the CLI and a first-batch loss on each, with an adapted Normalization',
  'test/language/analysis/diagnostics-slow.test.ts': 'analyzes a 10 MB random file (15 s alone)',
};
// test/vscode/ (the extension in a real VS Code, code-server) is left out of --unit as a folder.

// Unit files run several to a process (scripts/test-groups.mjs: a process costs 0.35 s of CPU
// before the first test, a Chromium launch 1.5 s), one after another, sharing the process and the
// modules their bundles share (scripts/bundle-tests.mjs). These keep a process of their own, as do
// the SLOW and SERIAL files. (The files that import TF.js share processes among themselves: its
// registries are process-wide, and the engine registers into them once per process, as each
// module is loaded once.)
const OWN_PROCESS = {};
// How many groups per file at a time: processes that wait on the programs they start (the CLI,
// Python, a language server) leave a core free, and smaller groups even out better.
const GROUPS_PER_SLOT = 2;

// Files that share state with other files and so run alone, after the concurrent ones.
// (Per-test temp dirs are the rule; these share something a temp dir cannot separate.)
const SERIAL = {
  'test/vscode/code-server.test.ts': 'code-server, and out/test/vscode/ that package.test.ts rebuilds',
  'test/vscode/e2e.test.ts': 'code-server and Chromium, and out/test/vscode/',
  'test/vscode/model-graph.test.ts': 'code-server and Chromium (heavy; alone, like e2e.test.ts)',
  'test/vscode/data-preview.test.ts': 'code-server and Chromium (heavy; alone, like e2e.test.ts)',
  'test/vscode/overfitting-remedy.test.ts': 'code-server and Chromium (heavy; alone, like e2e.test.ts)',
  'test/vscode/getting-started.test.ts': 'code-server and Chromium',
  'test/vscode/predict.test.ts': 'code-server and Chromium (trains a tiny run through the CLI first)',
  'test/vscode/package.test.ts': 'rebuilds out/test/vscode/index.cjs, which the other VS Code suites load',
};

for (const file of [...Object.keys(SLOW), ...Object.keys(SERIAL)]) {
  if (!existsSync(file)) {
    console.error(`scripts/test.mjs names ${file}, which does not exist: update SLOW/SERIAL there.`);
    process.exit(2);
  }
}

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const args = process.argv.slice(2);
let concurrency;
let unit = false;
let durations = false;
let isolate = false;
let groups;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--unit') unit = true;
  else if (args[i] === '--durations') durations = true;
  else if (args[i] === '--isolate') isolate = true;
  else if (args[i] === '--groups') groups = Number(args[++i]);
  else if (args[i] === '--concurrency') concurrency = Number(args[++i]);
  else only.push(args[i]);
}
// The unit files' processes spend about a quarter of their time waiting (27% in one measured
// run), on the programs they start (the CLI, Python, a language server) and on time budgets
// they test, so one process more than the cores keeps them busy: measured alternately here
// (2 cores, 3 rounds), 3 processes took 48-58 s where 2 took 53-63 s, 4-5 s less each round; 4
// gained nothing more. The slow files train, on every core each: there 2 stays.
const UNIT_CONCURRENCY = availableParallelism() + 1;
concurrency ??= Number(process.env.MODELSPEC_TEST_CONCURRENCY || (unit ? UNIT_CONCURRENCY : 2));
if (groups !== undefined && !(Number.isInteger(groups) && groups >= 1)) {
  console.error('--groups takes a whole number of shared processes, 1 or more.');
  process.exit(2);
}
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--concurrency (or MODELSPEC_TEST_CONCURRENCY) takes a whole number of files at a time, 1 or more.');
  process.exit(2);
}

const all = (only.length ? only : find('test')).map((f) => f.split('\\').join('/')).sort();
const files = unit && !only.length ? all.filter((f) => !(f in SLOW) && !f.startsWith('test/vscode/')) : all;

// Process-level tests run the bundles (CLI, language server, engines, panel): build them first,
// once, rather than from many test files at the same time (and only those whose sources changed).
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-changed'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// The test files run as bundles that Node loads without tsx (scripts/bundle-tests.mjs says why);
// --enable-source-maps points stack traces at the .ts sources.
const bundles = await bundleTests(files);
const bundleOf = new Map(files.map((f, i) => [f, bundles[i].bundle]));
const packagesOf = new Map(files.map((f, i) => [f, bundles[i].packages]));

// A folder for this run, where test files share what one of them worked out (test/helpers/run-cache.ts).
const runDir = mkdtempSync(join(tmpdir(), 'modelspec-test-run-'));
// The webview tests' screenshots for review (test/helpers/review-screenshots.ts) are taken by the
// whole run and skipped by --unit (their CPU is the inner loop's), unless MODELSPEC_SCREENSHOTS says.
const screenshots = process.env.MODELSPEC_SCREENSHOTS ?? (unit ? '0' : '1');
// MODELSPEC_TEST_BUILT: the bundles (dist/, media/dist/) are current, built above; a test file
// run on its own builds what it needs itself.
const env = {
  ...process.env,
  MODELSPEC_TEST_RUN_DIR: runDir,
  MODELSPEC_SCREENSHOTS: screenshots,
  MODELSPEC_TEST_BUILT: '1',
};

// What the run's test processes share (test/helpers/run-services.ts): the PyTorch engine server
// (engine commands are forks of one Python that imported torch once, as `modelspec tune`'s trials
// are) and the Python worker for test snippets. MODELSPEC_TEST_SHARED_PYTHON=0 leaves them out:
// every engine command and test worker then starts its own Python. A run inside a test run
// (test/architecture/test-runner.test.ts) uses the outer run's.
// Only those its files may use are started (scripts/test-services.mjs).
const wanted = servicesFor(bundles);
const services =
  !(wanted.engineServer || wanted.worker) ||
  process.env.MODELSPEC_TEST_SHARED_PYTHON === '0' ||
  (process.env.MODELSPEC_TORCH_SERVER && process.env.MODELSPEC_TEST_PYTHON_WORKER)
    ? undefined
    : await startServices();
if (services) Object.assign(env, services.env);

async function startServices() {
  const [{ bundle }] = await bundleTests(['test/helpers/run-services.ts']);
  const which = [...(wanted.engineServer ? ['--engine-server'] : []), ...(wanted.worker ? ['--worker'] : [])];
  const child = spawn(process.execPath, ['--enable-source-maps', bundle, ...which], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.on('error', () => undefined);
  const line = await new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(''), 120_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(out.split('\n')[0]);
    });
    child.once('exit', () => resolve(''));
  });
  // Nothing more is read from it; its stdin ending (end of the run, or this process dying) ends it.
  child.stdout.destroy();
  return { env: line ? JSON.parse(line) : {}, child };
}

// Each file's time in earlier runs (scripts/test-timings.mjs), to split the groups evenly.
const TIMINGS = 'out/test-bundles/timings.json';
const timings = existsSync(TIMINGS) ? JSON.parse(readFileSync(TIMINGS, 'utf8')) : {};

/**
 * What runs as one process each: a shared-process group's entry (scripts/test-groups.mjs) or a
 * file's own bundle, longest first (the runner starts them in this order), with --isolate every
 * file alone.
 */
function processes(list, n, grouped) {
  if (isolate || !grouped) return list.map((f) => bundleOf.get(f));
  const own = list.filter((f) => f in SLOW || f in OWN_PROCESS);
  const shared = list.filter((f) => !own.includes(f));
  // The webview files share a Chromium per process, so they are grouped apart from the rest; the
  // TF.js files too, so that only their processes load it.
  const browser = shared.filter((f) => packagesOf.get(f).includes('playwright-core'));
  const tfjs = shared.filter(
    (f) => !browser.includes(f) && packagesOf.get(f).some((p) => p.startsWith('@tensorflow/')),
  );
  const rest = shared.filter((f) => !browser.includes(f) && !tfjs.includes(f));
  const runs = [
    ...balance(browser, groups ?? n, timings).map((g, i) => ({ ...g, name: `browser-${i + 1}` })),
    ...balance(tfjs, groups ?? n, timings).map((g, i) => ({ ...g, name: `tfjs-${i + 1}` })),
    ...balance(rest, groups ?? GROUPS_PER_SLOT * n, timings).map((g, i) => ({ ...g, name: `shared-${i + 1}` })),
  ].map((g) => ({ path: writeGroupEntry(process.pid, g.name, g.files), estimate: g.estimate }));
  for (const f of own) runs.push({ path: bundleOf.get(f), estimate: timings[f] ?? 2 });
  return runs.sort((a, b) => b.estimate - a.estimate).map((r) => r.path);
}

function runFiles(list, n, grouped) {
  if (!list.length) return 0;
  const measured = join(runDir, 'timings.json');
  const r = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      `--test-concurrency=${n}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      ...(durations ? ['--test-reporter=./scripts/test-durations.mjs', '--test-reporter-destination=stderr'] : []),
      '--test-reporter=./scripts/test-timings.mjs',
      `--test-reporter-destination=${measured}`,
      ...processes(list, n, grouped),
    ],
    { stdio: 'inherit', env },
  );
  if (existsSync(measured)) {
    Object.assign(timings, JSON.parse(readFileSync(measured, 'utf8') || '{}'));
    writeFileSync(`${TIMINGS}.${process.pid}`, JSON.stringify(timings, null, 1));
    renameSync(`${TIMINGS}.${process.pid}`, TIMINGS); // whole, for a run starting meanwhile
  }
  return r.status ?? 1;
}

const concurrent = files.filter((f) => !(f in SERIAL));
const serial = files.filter((f) => f in SERIAL);
const first = runFiles(concurrent, concurrency, true);
const second = runFiles(serial, 1, false);
if (services) {
  services.child.stdin.end();
  await new Promise((resolve) => {
    if (services.child.exitCode !== null) resolve();
    services.child.once('exit', resolve);
  });
}
rmSync(runDir, { recursive: true, force: true });
removeGroupEntries(process.pid);
process.exit(first || second);
