// The models the torch engine's own bench (`python -m modelspec_torch.bench --models FILE`) and
// python/tests/gpu_check.py train: Keras's mnist_mlp and mnist_cnn as the examples write
// them, lowered through the catalog, plus the catalog defaults the Python test helpers read. The
// engine holds no Keras default, so these configs come from here, never written by hand.
//
//   node --import tsx test/bench/bench-models.ts OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { analyze } from '../../language/analysis/analyze';
import { planModel, planTraining } from '../../language/analysis/plan';
import { optimizerArgs } from '../../language/catalog';
import { lowerModel, type KerasModelConfig } from '../../language/lowering';
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

/** The GPU row's larger convolutional model on 32x32x3 inputs (CIFAR-10's shape), at batch 256. */
export const CIFAR_CNN = `model cifar_cnn {
    Input(shape=(32, 32, 3))
    Conv2D(64, 3, padding='same', activation='relu')
    Conv2D(64, 3, padding='same', activation='relu')
    MaxPooling2D(2)
    Conv2D(128, 3, padding='same', activation='relu')
    Conv2D(128, 3, padding='same', activation='relu')
    MaxPooling2D(2)
    Conv2D(256, 3, padding='same', activation='relu')
    MaxPooling2D(2)
    Flatten()
    Dense(256, activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'sparse_categorical_crossentropy'
    optimizer: Adam(learning_rate=0.001)
}
`;

function cifarModel(): BenchModel {
  const plan = planModel(analyze(CIFAR_CNN), 'cifar_cnn.model');
  if (!plan?.compile) throw new Error('the bench CIFAR model does not check');
  const { className, args } = plan.compile.optimizer;
  return { model: lowerModel(plan.model), optimizer: { name: className, args: optimizerArgs(className, args) } };
}

/** `{models: {mlp, cnn, cifar}, layers, optimizers, callbacks}`: what bench.py and gpu_check.py read. */
export function benchModels() {
  return {
    models: { mlp: benchModel(BENCH_MODELS.mlp), cnn: benchModel(BENCH_MODELS.cnn), cifar: cifarModel() },
    ...catalogDefaults(),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node --import tsx test/bench/bench-models.ts OUT.json\n');
    process.exit(2);
  }
  writeFileSync(out, JSON.stringify(benchModels()));
}
