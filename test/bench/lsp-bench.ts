// Language-server benchmark (npm run bench:lsp; not part of npm test). Over LSP stdio, as an
// editor drives it:
//  - re-check latency: from a didChange (a units value alternating in the middle layer) to the
//    fresh publishDiagnostics, for files of 100, 2,000 and 10,000 layers;
//  - completion latency at `activation=` in the 2,000-layer file;
//  - the server's resident memory (VmRSS from /proc) after every 1,000 of 10,000 edits.
// Targets: 2,000 layers re-checked in < 20 ms median; completion < 10 ms; memory flat.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  ExitNotification,
} from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession } from '../lsp/lsp-client';

const EDITS_PER_SIZE = 30;
const WARMUP_EDITS = 5;
const MEMORY_EDITS = Number(process.env.BENCH_MEMORY_EDITS ?? 10_000);
const MEMORY_LAYERS = 2_000;

/** A model of `n` layers (a Dense/Dropout/BatchNormalization mix), with compile and data blocks. */
function modelText(n: number): { text: string; unitsLine: number; unitsColumn: number } {
  const lines = ['model bench {', '    Input(shape=(64,))'];
  let unitsLine = -1;
  for (let i = 0; i < n - 1; i++) {
    if (i === Math.floor(n / 2)) unitsLine = lines.length;
    lines.push(
      i % 3 === 1 ? '    Dropout(0.1)' : i % 3 === 2 ? '    BatchNormalization()' : `    Dense(64, activation='relu')`,
    );
  }
  if (unitsLine < 0 || !lines[unitsLine].includes('Dense')) {
    unitsLine = lines.findIndex((l, i) => i >= lines.length / 2 && l.includes('Dense('));
  }
  lines.push(
    "    Dense(10, activation='softmax')",
    '}',
    '',
    'compile {',
    "    loss: 'categorical_crossentropy'",
    "    optimizer: 'adam'",
    "    metrics: ['accuracy']",
    '}',
    '',
  );
  return { text: lines.join('\n'), unitsLine, unitsColumn: lines[unitsLine].indexOf('Dense(') + 'Dense('.length };
}

function stats(times: number[]): { median: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

let docCounter = 0;

/** Opens a file of `layers` layers; returns a function that applies one edit and times the re-check. */
async function openModel(server: ServerSession, layers: number) {
  const uri = `file:///tmp/modelspec-bench/bench-${layers}-${docCounter++}.model`;
  const { text, unitsLine, unitsColumn } = modelText(layers);
  let version = 1;
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'modelspec', version, text },
  });
  await server.diagnostics(uri, version);
  let units = 64;
  return {
    uri,
    unitsLine,
    async edit(): Promise<number> {
      const next = units === 64 ? 65 : 64;
      version++;
      const t0 = performance.now();
      await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [
          {
            range: {
              start: { line: unitsLine, character: unitsColumn },
              end: { line: unitsLine, character: unitsColumn + 2 },
            },
            text: String(next),
          },
        ],
      });
      const published = await server.diagnostics(uri, version);
      const ms = performance.now() - t0;
      if (published.diagnostics.some((d) => d.severity === 1))
        throw new Error(`unexpected error: ${published.diagnostics[0].message}`);
      units = next;
      return ms;
    },
  };
}

async function main(): Promise<void> {
  ensureServerBuilt();
  const server = startServer();
  await server.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
  });
  await server.connection.sendNotification(InitializedNotification.type, {});
  const pid = server.child.pid!;
  const rows: string[][] = [];

  for (const layers of [100, 2_000, 10_000]) {
    const doc = await openModel(server, layers);
    for (let i = 0; i < WARMUP_EDITS; i++) await doc.edit(); // let the JIT settle first
    const times: number[] = [];
    for (let i = 0; i < EDITS_PER_SIZE; i++) times.push(await doc.edit());
    const { median, max } = stats(times);
    rows.push([
      `re-check, ${layers.toLocaleString('en-US')} layers (${EDITS_PER_SIZE} edits)`,
      median.toFixed(1),
      max.toFixed(1),
    ]);

    if (layers === 2_000) {
      const completion: number[] = [];
      const line = doc.unitsLine;
      for (let i = 0; i < EDITS_PER_SIZE; i++) {
        const t0 = performance.now();
        const items = (await server.connection.sendRequest(CompletionRequest.type, {
          textDocument: { uri: doc.uri },
          position: { line, character: '    Dense(64, activation='.length },
        })) as unknown[];
        completion.push(performance.now() - t0);
        if (!Array.isArray(items) || items.length === 0) throw new Error('completion returned nothing');
      }
      const c = stats(completion);
      rows.push([`completion, 2,000 layers (${EDITS_PER_SIZE} requests)`, c.median.toFixed(1), c.max.toFixed(1)]);
    }
  }

  const memory = await openModel(server, MEMORY_LAYERS);
  const samples: string[] = [`start ${rssMiB(pid).toFixed(0)}`];
  const memoryStart = performance.now();
  for (let i = 1; i <= MEMORY_EDITS; i++) {
    await memory.edit();
    if (i % 1_000 === 0) samples.push(rssMiB(pid).toFixed(0));
  }
  const memorySeconds = (performance.now() - memoryStart) / 1000;

  await server.connection.sendRequest(ShutdownRequest.type);
  await server.connection.sendNotification(ExitNotification.type);

  const widths = [Math.max(...rows.map((r) => r[0].length), 'measure'.length), 10, 10];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(['measure', 'median ms', 'max ms']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log('');
  console.log(
    `server RSS (MiB) on a ${MEMORY_LAYERS.toLocaleString('en-US')}-layer file, every 1,000 of ${MEMORY_EDITS.toLocaleString('en-US')} edits (${memorySeconds.toFixed(0)} s):`,
  );
  console.log(`  ${samples.join(' → ')}`);
  console.log('targets: 2,000 layers re-checked < 20 ms median; completion < 10 ms; memory flat');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
