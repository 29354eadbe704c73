// Every per-layer case (test/fixtures/layer-cases.ts) through both script exports: the Keras script
// writes the layer call, and the PyTorch script — where the catalog says the PyTorch export has the
// layer — builds a model with the catalog's output shape and trainable parameter count; where the
// catalog says it has none, the export refuses with the catalog's message. One Python process runs
// all the PyTorch scripts (they only build the model: no compile or data block).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../language/analysis/analyze';
import { getLayer } from '../../language/catalog';
import { planModel, type ModelPlan } from '../../language/analysis/plan';
import { exportKeras } from '../../interop/export/keras';
import { exportPytorch } from '../../interop/export/pytorch';
import { LAYER_CASES, caseSource, expected, unsupportedOn } from '../fixtures/layer-cases';
import { SKIP, pythonEval } from '../training/torch/helpers';

const CASES = LAYER_CASES.filter((c) => c.layer !== 'Input');

/** The exports read the plan of a checked file (language/analysis/plan.ts). */
function planOf(text: string): ModelPlan {
  const plan = planModel(analyze(text), 'm.model');
  assert.ok(plan, `no plan for:\n${text}`);
  return plan;
}

test('the Keras script writes each case as its Keras call', () => {
  for (const c of CASES) {
    const script = exportKeras(planOf(caseSource(c)));
    const prefix = getLayer(c.layer)?.category === 'application' ? 'keras.applications.' : 'layers.';
    assert.ok(script.includes(`${prefix}${c.layer}(`), `${c.name}:\n${script}`);
  }
});

test("the PyTorch export refuses, with the catalog's message, each case whose layer (or argument) it lacks", () => {
  const refused = CASES.filter((c) => unsupportedOn(c, 'pytorch') !== undefined);
  assert.ok(refused.length > 0, 'the catalog names layers the PyTorch export lacks');
  for (const c of refused) {
    assert.throws(
      () => exportPytorch(planOf(caseSource(c))),
      (e: Error) => e.message.includes(unsupportedOn(c, 'pytorch')!),
      c.name,
    );
  }
});

test(
  "each PyTorch script builds the case with the catalog's output shape and trainable parameters",
  { skip: SKIP },
  async (t) => {
    const exported = CASES.filter((c) => unsupportedOn(c, 'pytorch') === undefined);
    const dir = mkdtempSync(join(tmpdir(), 'layer-cases-export-'));
    const file = join(dir, 'scripts.json');
    writeFileSync(
      file,
      JSON.stringify(
        exported.map((c) => ({
          script: exportPytorch(planOf(caseSource(c))),
          input: c.input,
          int: c.layer === 'Embedding',
        })),
      ),
    );
    const out = await pythonEval(
      [
        'import contextlib, io, json, sys, torch',
        `cases = json.load(open(${JSON.stringify(file)}))`,
        'results = []',
        'for c in cases:',
        '    ns = {"__name__": "exported"}',
        '    try:',
        '        with contextlib.redirect_stdout(io.StringIO()):',
        '            exec(compile(c["script"], "exported.py", "exec"), ns)',
        '        model = ns["model"].eval()',
        '        x = torch.randint(0, 100, (2, *c["input"])) if c["int"] else torch.randn(2, *c["input"])',
        '        with torch.no_grad():',
        '            y = model(x)',
        '        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)',
        '        results.append({"shape": list(y.shape[1:]), "trainable": trainable})',
        '    except Exception as e:',
        '        results.append({"error": f"{type(e).__name__}: {e}"})',
        'print(json.dumps(results))',
      ].join('\n'),
    );
    const results = JSON.parse(out.trim().split('\n').pop()!) as (
      | { error: string }
      | { shape: number[]; trainable: number }
    )[];
    const problems: string[] = [];
    exported.forEach((c, i) => {
      const want = expected(c);
      const got = results[i]!;
      const right =
        !('error' in got) &&
        JSON.stringify(got.shape) === JSON.stringify(want.output) &&
        got.trainable === want.trainable;
      if (right && c.gaps?.pytorch)
        problems.push(`${c.name} now exports right: remove its pytorch gap in test/fixtures/layer-cases.ts`);
      if (!right && !c.gaps?.pytorch)
        problems.push(
          `${c.name}: PyTorch script ${JSON.stringify(got)}, catalog ${JSON.stringify({ shape: want.output, trainable: want.trainable })}`,
        );
    });
    assert.deepEqual(problems, []);
    const known = exported.filter((c) => c.gaps?.pytorch);
    if (known.length)
      t.diagnostic(
        `known PyTorch export gaps (test/fixtures/layer-cases.ts): ${known.map((c) => `${c.name}: ${c.gaps!.pytorch}`).join('; ')}`,
      );
  },
);
