// The models the torch engine's own bench (`python -m modelspec_torch.bench --models FILE`) and
// server/python/tests/gpu_check.py train: Keras's mnist_mlp and mnist_cnn as the examples write
// them, lowered through the catalog, plus the catalog defaults the Python test helpers read. The
// engine holds no Keras default, so these configs come from here, never written by hand.
//
//   node --import tsx test/bench/bench-models.ts OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { analyze } from '../../server/src/language/analysis/analyze';
import { planTraining } from '../../server/src/language/analysis/plan';
import { optimizerArgs } from '../../server/src/language/catalog';
import { lowerModel, type KerasModelConfig } from '../../server/src/language/lowering';
import { catalogDefaults } from '../helpers/keras-defaults';

export const BENCH_MODELS = { mlp: 'examples/digits.model', cnn: 'examples/digits-cnn.model' } as const;

interface BenchModel {
  model: KerasModelConfig;
  optimizer: { name: string; args: Record<string, number | boolean> };
}

function benchModel(file: string): BenchModel {
  const { plan, blocker } = planTraining(analyze(readFileSync(file, 'utf8'), { baseDir: 'examples' }), file);
  if (!plan) throw new Error(`${file}: ${blocker}`);
  const { className, args } = plan.compile.optimizer;
  return { model: lowerModel(plan.model), optimizer: { name: className, args: optimizerArgs(className, args) } };
}

/** `{models: {mlp, cnn}, layers, optimizers, callbacks}`: what bench.py and gpu_check.py read. */
export function benchModels() {
  return { models: { mlp: benchModel(BENCH_MODELS.mlp), cnn: benchModel(BENCH_MODELS.cnn) }, ...catalogDefaults() };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node --import tsx test/bench/bench-models.ts OUT.json\n');
    process.exit(2);
  }
  writeFileSync(out, JSON.stringify(benchModels()));
}
