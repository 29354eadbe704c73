// The language server: a thin adapter from LSP requests to the language core's pure functions.
// It keeps one analysis per open document version, re-checks on every change without delay,
// and never lets a failing request take the server down.

import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  ResponseError,
  ErrorCodes,
  SymbolKind as LspSymbolKind,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type InitializeResult,
  type Range as LspRange,
} from 'vscode-languageserver';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { analyze, type Analysis, type AnalyzeOptions } from '../language/analysis/analyze';
import type { Diagnostic } from '../language/analysis/diagnostics';
import type { Range } from '../language/syntax/ast';
import { codeActions } from '../language/services/code-actions';
import { complete, resolveCompletion } from '../language/services/completion';
import { foldingRanges } from '../language/services/folding';
import { formatModelFile } from '../language/services/format';
import { hover } from '../language/services/hover';
import { dataPreview, dataSourceAt } from '../language/services/data-preview';
import { readSamples as readSamplesInPlace, type SourceSamples } from '../data/samples';
import type { SourceRef } from '../language/data/types';
import { dataPreviewMarkdown } from './data-preview-markdown';
import { inlayHints } from '../language/services/inlay-hints';
import { encodeSemanticTokens, semanticTokens } from '../language/services/semantic-tokens';
import { signatureHelp } from '../language/services/signature-help';
import { documentSymbols } from '../language/services/symbols';
import {
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  type CompletionEntry,
  type SymbolEntry,
} from '../language/services/types';
import { summaryTable } from '../language/services/summary';
import { modelGraph } from '../language/services/model-graph';
import { MODEL_GRAPH_REQUEST, type ModelGraphParams, type ModelGraphResult } from './model-graph-request';
import { clientFeatures, type ClientFeatures } from './client-features';

interface Settings {
  inlayHints: boolean;
}

/** Readers the checker uses for files; the default reads in place (tests, or no worker threads). */
export interface FileReaders {
  probe: NonNullable<AnalyzeOptions['probe']>;
  readSavedModel: NonNullable<AnalyzeOptions['readSavedModel']>;
  /** A data source's samples for the hover's preview (data/samples.ts). */
  readSamples?: (ref: SourceRef, baseDir: string) => SourceSamples;
}

export function startServer(connection: Connection, readers?: FileReaders): { recheck(): void } {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { version: number; analysis: Analysis }>();
  let settings: Settings = { inlayHints: true };
  // Until initialize says otherwise, assume the least: plain text, no commands, no refresh.
  let client: ClientFeatures = {
    completion: { snippets: false, retrigger: false },
    inlayHintRefresh: false,
    configuration: false,
  };

  function analysisOf(doc: TextDocument): Analysis {
    const cached = analyses.get(doc.uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    const analysis = analyze(doc.getText(), {
      baseDir: baseDirOf(doc.uri),
      ...(readers && { probe: readers.probe, readSavedModel: readers.readSavedModel }),
    });
    analyses.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  function withDocument<T>(uri: string, fallback: T, run: (doc: TextDocument, analysis: Analysis) => T): T {
    const doc = documents.get(uri);
    return doc ? run(doc, analysisOf(doc)) : fallback;
  }

  /** Runs a handler; a thrown error is logged and answered as a JSON-RPC error, and the server goes on. */
  function guarded<P, R>(name: string, handler: (params: P) => R): (params: P) => R | ResponseError<void> {
    return (params: P) => {
      try {
        return handler(params);
      } catch (e) {
        const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
        connection.console.error(`ModelSpec: ${name} failed: ${message}`);
        return new ResponseError(
          ErrorCodes.InternalError,
          `ModelSpec ${name} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    };
  }

  function publish(doc: TextDocument): void {
    try {
      const analysis = analysisOf(doc);
      connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: analysis.diagnostics.map((d) => toLspDiagnostic(d, doc.uri)),
      });
    } catch (e) {
      connection.console.error(`ModelSpec: checking ${doc.uri} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    client = clientFeatures(params);
    const init = params.initializationOptions as { inlayHints?: boolean } | undefined;
    if (typeof init?.inlayHints === 'boolean') settings = { inlayHints: init.inlayHints };
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        // Not '(': there signature help answers, and a completion list would cover it.
        completionProvider: { triggerCharacters: [',', '=', "'", '"', ':', ' ', '['], resolveProvider: true },
        hoverProvider: true,
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [',', '='] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        inlayHintProvider: true,
        semanticTokensProvider: {
          legend: { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] },
          full: true,
        },
      },
      serverInfo: { name: 'modelspec-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (client.configuration) void refreshSettings();
  });

  function setInlayHints(enabled: boolean): void {
    settings = { inlayHints: enabled };
    if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  async function refreshSettings(): Promise<void> {
    try {
      const config = (await connection.workspace.getConfiguration('modelspec')) as {
        inlayHints?: { enabled?: boolean };
      } | null;
      const enabled = config?.inlayHints?.enabled;
      if (typeof enabled === 'boolean' && enabled !== settings.inlayHints) setInlayHints(enabled);
    } catch {
      // A client without configuration support keeps the defaults.
    }
  }

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { modelspec?: { inlayHints?: { enabled?: boolean } } } | undefined)?.modelspec;
    if (typeof pushed?.inlayHints?.enabled === 'boolean') {
      setInlayHints(pushed.inlayHints.enabled);
    } else if (client.configuration) {
      void refreshSettings();
    }
  });

  // TextDocuments fires onDidChangeContent for an opened document too: publishing there alone
  // sends each version's diagnostics once.
  documents.onDidChangeContent((e) => publish(e.document));
  documents.onDidClose((e) => {
    analyses.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion(
    guarded('completion', (params) =>
      withDocument(params.textDocument.uri, [] as CompletionItem[], (_doc, analysis) =>
        complete(analysis, params.position, client.completion).map(toCompletionItem),
      ),
    ),
  );
  connection.onCompletionResolve(
    guarded('completion resolve', (item: CompletionItem) => {
      const entry = item.data as CompletionEntry['data'] | undefined;
      if (!entry) return item;
      const doc = resolveCompletion(entry);
      return doc ? { ...item, documentation: { kind: MarkupKind.Markdown, value: doc } } : item;
    }),
  );
  connection.onHover(
    guarded('hover', (params) =>
      withDocument(params.textDocument.uri, null, (_doc, analysis) => {
        const h = hover(analysis, params.position);
        if (!h) return null;
        let value = h.contents;
        // On a data source: its counts, classes and a strip of samples, read in the probe worker.
        const target = dataSourceAt(analysis, params.position);
        if (target) {
          const read = readers?.readSamples ?? readSamplesInPlace;
          const baseDir = baseDirOf(params.textDocument.uri) ?? process.cwd(); // as the checker resolves paths
          value += `\n\n---\n\n${dataPreviewMarkdown(dataPreview(target, read(target.source.ref, baseDir)))}`;
        }
        return { contents: { kind: MarkupKind.Markdown, value }, range: lspRange(h.range) };
      }),
    ),
  );
  connection.onSignatureHelp(
    guarded('signature help', (params) =>
      withDocument(params.textDocument.uri, null, (_doc, analysis) => {
        const s = signatureHelp(analysis, params.position);
        if (!s) return null;
        return {
          signatures: [
            {
              label: s.label,
              documentation: { kind: MarkupKind.Markdown, value: s.documentation },
              parameters: s.parameters.map((p) => ({
                label: p.label,
                documentation: { kind: MarkupKind.Markdown, value: p.documentation },
              })),
            },
          ],
          activeSignature: 0,
          activeParameter: s.activeParameter,
        };
      }),
    ),
  );
  connection.onCodeAction(
    guarded('code action', (params) =>
      withDocument(params.textDocument.uri, [] as CodeAction[], (doc, analysis) =>
        codeActions(analysis, params.range).map((a) => {
          const fixes = a.diagnostic;
          return {
            title: a.title,
            kind:
              a.kind === 'quickfix'
                ? CodeActionKind.QuickFix
                : a.kind === 'refactor'
                  ? CodeActionKind.Refactor
                  : CodeActionKind.Source,
            isPreferred: a.isPreferred,
            diagnostics: fixes
              ? params.context.diagnostics.filter(
                  (d) => d.code === fixes.code && sameRange(d.range, lspRange(fixes.range)),
                )
              : undefined,
            edit: { changes: { [doc.uri]: a.edits.map((e) => ({ range: lspRange(e.range), newText: e.newText })) } },
          };
        }),
      ),
    ),
  );
  connection.onDocumentFormatting(
    guarded('formatting', (params) =>
      withDocument(params.textDocument.uri, [], (doc) => {
        const text = doc.getText();
        const formatted = formatModelFile(text, params.options);
        if (formatted === undefined || formatted === text) return [];
        return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
      }),
    ),
  );
  connection.onDocumentSymbol(
    guarded('document symbols', (params) =>
      withDocument(params.textDocument.uri, [] as DocumentSymbol[], (_doc, analysis) =>
        documentSymbols(analysis).map(toDocumentSymbol),
      ),
    ),
  );
  connection.onFoldingRanges(
    guarded('folding ranges', (params) =>
      withDocument(params.textDocument.uri, [], (_doc, analysis) => foldingRanges(analysis.parse.file)),
    ),
  );
  connection.languages.inlayHint.on(
    guarded('inlay hints', (params) =>
      withDocument(params.textDocument.uri, [], (_doc, analysis) =>
        settings.inlayHints
          ? inlayHints(analysis, params.range).map((h) => ({
              position: h.position,
              label: h.label,
              tooltip: h.tooltip,
              paddingLeft: h.paddingLeft,
            }))
          : [],
      ),
    ),
  );
  connection.languages.semanticTokens.on(
    guarded('semantic tokens', (params) =>
      withDocument(params.textDocument.uri, { data: [] }, (_doc, analysis) => ({
        data: encodeSemanticTokens(semanticTokens(analysis)),
      })),
    ),
  );
  // The server advertises no commands; a client that sends one anyway (e.g. a completion item's
  // command it cannot run itself) gets an answer that names it.
  connection.onExecuteCommand(
    (params) =>
      new ResponseError(
        ErrorCodes.InvalidParams,
        `ModelSpec: unknown command '${params.command}'; the ModelSpec language server provides no commands.`,
      ),
  );
  // A custom request the VS Code client uses for "Show Model Summary".
  connection.onRequest(
    'modelspec/summary',
    guarded('summary', (params: { uri: string }) =>
      withDocument(params.uri, null, (_doc, analysis) => (analysis.model ? summaryTable(analysis.model) : null)),
    ),
  );

  // The "Show Model Graph" view's data, for the document's current version (the client asks
  // after each change; requests are answered in order, so the answer follows that change).
  connection.onRequest(
    MODEL_GRAPH_REQUEST,
    guarded('model graph', (params: ModelGraphParams): ModelGraphResult | null =>
      withDocument(params.uri, null, (doc, analysis) => ({
        uri: doc.uri,
        version: doc.version,
        graph:
          modelGraph(analysis, { precision: params.precision === 'mixed_float16' ? 'mixed_float16' : 'float32' }) ??
          null,
      })),
    ),
  );

  documents.listen(connection);
  connection.listen();
  return {
    /** Checks every open document again (a slow read has finished: its result is in now). */
    recheck() {
      analyses.clear();
      for (const doc of documents.all()) publish(doc);
    },
  };
}

/** Our ranges carry absolute offsets too; LSP wants only line and character. */
function lspRange(r: Range): LspRange {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}

function baseDirOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return dirname(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function toLspDiagnostic(d: Diagnostic, uri: string): LspDiagnostic {
  return {
    range: lspRange(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'modelspec',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: lspRange(r.range) }, message: r.message })),
    tags: d.tags?.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary)),
  };
}

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  layer: CompletionItemKind.Class,
  argument: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  keyword: CompletionItemKind.Keyword,
  setting: CompletionItemKind.Field,
  dataset: CompletionItemKind.Module,
  function: CompletionItemKind.Function,
  snippet: CompletionItemKind.Snippet,
};

function toCompletionItem(e: CompletionEntry): CompletionItem {
  return {
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    detail: e.detail,
    documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
    insertText: e.insertText,
    insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: e.replace ? { range: lspRange(e.replace), newText: e.insertText ?? e.label } : undefined,
    sortText: e.sortText,
    filterText: e.filterText,
    preselect: e.preselect,
    command: e.retrigger ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
    data: e.data,
  };
}

const SYMBOL_KIND: Record<SymbolEntry['kind'], LspSymbolKind> = {
  model: LspSymbolKind.Class,
  layer: LspSymbolKind.Method,
  block: LspSymbolKind.Namespace,
  setting: LspSymbolKind.Property,
};

function toDocumentSymbol(s: SymbolEntry): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: SYMBOL_KIND[s.kind],
    range: lspRange(s.range),
    selectionRange: lspRange(s.selectionRange),
    children: s.children.map(toDocumentSymbol),
  };
}

function sameRange(
  a: { start: { line: number; character: number }; end: { line: number; character: number } },
  b: typeof a,
): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
