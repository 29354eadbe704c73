// Which of the shared Pythons of test/helpers/run-services.ts a test run starts, from the inputs
// of its files' bundles (scripts/bundle-tests.mjs). The PyTorch engine server serves the files
// that start an engine or Optuna (python-command.ts makes every such command line) or the CLI
// (which tests build through helpers/build.ts); the snippet worker serves those that use
// helpers/python-worker.ts. A run that needs neither (a language test alone, say) starts neither:
// both together cost about 4 s of CPU and 2 s before the first test.

export const ENGINE_USERS = ['training/engines/python-command.ts', 'test/helpers/build.ts'];
export const WORKER_USERS = ['test/helpers/python-worker.ts'];

/** { engineServer, worker }: whether any of the bundles may use each. */
export function servicesFor(bundles) {
  const uses = (names) => bundles.some((b) => b.inputs.some((f) => names.includes(f)));
  return { engineServer: uses(ENGINE_USERS), worker: uses(WORKER_USERS) };
}
