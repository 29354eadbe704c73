// Entry point of `modelspec-language-server`. The transport comes from the command line, as
// vscode-languageserver reads it: --stdio (any LSP editor), --node-ipc (the VS Code client),
// --socket=PORT or --pipe=NAME.

import { isMainThread, workerData } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { budgetedProbes, PROBE_WORKER_ROLE, runProbeWorker } from './probe-budget';
import { startServer } from './server';

// The same bundle runs the server and, in a worker thread, its file probes (probe-budget.ts).
if (!isMainThread && (workerData as { role?: string } | null)?.role === PROBE_WORKER_ROLE)
  runProbeWorker(workerData as Parameters<typeof runProbeWorker>[0]);
else main();

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: modelspec-language-server --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n' +
        'The ModelSpec language server for .model files (Keras-style Sequential models).\n',
    );
    process.exit(0);
  }
  if (args.includes('--version')) {
    process.stdout.write('modelspec-language-server 0.1.0\n');
    process.exit(0);
  }
  if (!args.some((a) => /^--(stdio|node-ipc|socket|pipe|clientProcessId)/.test(a))) {
    process.stderr.write('modelspec-language-server: choose a transport, e.g. --stdio (see --help)\n');
    process.exit(2);
  }

  // Keep the server alive through unexpected errors: they are logged, and the next request works.
  process.on('uncaughtException', (e) => process.stderr.write(`modelspec-language-server: ${e.stack ?? e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`modelspec-language-server: ${String(e)}\n`));

  const probes = budgetedProbes(__filename, () => server.recheck());
  const server = startServer(createConnection(ProposedFeatures.all), probes);
  probes.warm();
}
