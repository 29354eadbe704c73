// A JSON-RPC client for the real language server (dist/server.cjs over stdio), shared by the
// LSP test and the benchmark. Builds the bundle first when it is missing or older than the sources.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(import.meta.dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.cjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }
  return newest;
}

/** Builds dist/server.cjs unless it is newer than every source file. */
export function ensureServerBuilt(): void {
  if (
    existsSync(SERVER) &&
    statSync(SERVER).mtimeMs >=
      Math.max(
        ...['language', 'server', 'cli', 'training', 'predict', 'interop', 'common', 'data'].map((d) =>
          newestSource(join(ROOT, d)),
        ),
      )
  )
    return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  if (r.status !== 0 || !existsSync(SERVER)) throw new Error('npm run build failed; run it to see why');
}

export interface ServerSession {
  connection: ProtocolConnection;
  child: ChildProcess;
  /** Resolves with the next publishDiagnostics for `uri` with `version` (or any version when omitted). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams>;
  /** Every publishDiagnostics received so far for `uri`, in order (to count them). */
  published(uri: string): PublishDiagnosticsParams[];
  /** Messages the server wrote to stderr (crashes would show here). */
  stderr: () => string;
}

/** `env`: extra environment variables for the server process. */
export function startServer(env: Record<string, string> = {}): ServerSession {
  const child = spawn(process.execPath, [SERVER, '--stdio'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const waiting: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const received: PublishDiagnosticsParams[] = [];
  const log: PublishDiagnosticsParams[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    log.push(params);
    const i = waiting.findIndex(
      (w) => w.uri === params.uri && (w.version === undefined || w.version === params.version),
    );
    if (i >= 0) waiting.splice(i, 1)[0].resolve(params);
    else received.push(params);
  });
  connection.listen();
  return {
    connection,
    child,
    stderr: () => stderr,
    published: (uri) => log.filter((p) => p.uri === uri),
    diagnostics(uri, version) {
      const i = received.findIndex((p) => p.uri === uri && (version === undefined || p.version === version));
      if (i >= 0) return Promise.resolve(received.splice(i, 1)[0]);
      return new Promise((resolve) => waiting.push({ uri, version, resolve }));
    },
  };
}

/** The LSP handshake of a client without a workspace or capabilities: initialize, then initialized. */
export async function initialize(server: ServerSession): Promise<void> {
  await server.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
  });
  await server.connection.sendNotification(InitializedNotification.type, {});
}

/** Opens a .model document (didOpen) with `text` as its version 1. */
export async function openDocument(server: ServerSession, uri: string, text: string): Promise<void> {
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'modelspec', version: 1, text },
  });
}
