/**
 * pgsafe's language server (`pgsafe lsp`, JSON-RPC over stdio, LSP 3.17):
 *
 * - diagnostics when a document opens, changes (debounced) and is saved: pushed with
 *   `textDocument/publishDiagnostics` (cleared when it closes), or pulled with
 *   `textDocument/diagnostic` when the client supports pull diagnostics (then nothing is pushed,
 *   so that no client shows them twice); `code` is the rule id, `codeDescription.href` its doc;
 * - quick fixes (actions.ts): the rule's fix and suggestions, ignore for this statement or file,
 *   open the rule's documentation (the `pgsafe.openRuleDocs` command, `window/showDocument`);
 * - hover on a statement: its locks and what they block (hover.ts, from `pgsafe explain`);
 * - the config and the earlier migrations of the folder (service.ts), re-read when they change:
 *   on `workspace/didChangeWatchedFiles` (registered dynamically when the client can) and, for
 *   clients that send no such notification, by checking the files' mtimes on every lint.
 *
 * Only JSON-RPC goes to stdout: `console` is redirected to the client's log.
 */
import { format } from "node:util";
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { codeActionsFor, OPEN_DOCS_COMMAND } from "./actions.js";
import { isDiagnosticData, SOURCE } from "./convert.js";
import { filePathOf, LintService } from "./service.js";

export interface ServerOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Folder for documents that are not files, when the client names no workspace folder. */
  cwd: string;
  /** `--config F` (absolute path). */
  configFile?: string;
  /** `--no-config`. */
  noConfig?: boolean;
  /** pgsafe's version, for `serverInfo`. */
  version?: string;
  /** Milliseconds between the last change and the lint (default 200). */
  debounceMs?: number;
}

/** Watched for changes: the config files and the migrations (earlier files feed the known schema). */
const WATCHED = ["**/pgsafe.config.json", "**/.pgsaferc.json", "**/package.json", "**/*.sql"];

function sameRange(a: Diagnostic["range"], b: Diagnostic["range"]): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function overlaps(a: Diagnostic["range"], b: Diagnostic["range"]): boolean {
  const le = (p: { line: number; character: number }, q: { line: number; character: number }): boolean =>
    p.line < q.line || (p.line === q.line && p.character <= q.character);
  return le(a.start, b.end) && le(b.start, a.end);
}

/** Starts the server on the given streams; resolves with the exit code when the client ends the session. */
export function startServer(options: ServerOptions): { connection: Connection; exited: Promise<number> } {
  const connection = createConnection(ProposedFeatures.all, options.input, options.output);
  // Anything printed by accident must not corrupt the JSON-RPC stream on stdout.
  const toLog = (write: (message: string) => void) => (...args: unknown[]) => write(format(...args));
  console.log = toLog((m) => connection.console.log(m));
  console.info = toLog((m) => connection.console.info(m));
  console.debug = toLog((m) => connection.console.log(m));
  console.warn = toLog((m) => connection.console.warn(m));
  console.error = toLog((m) => connection.console.error(m));

  const documents = new TextDocuments(TextDocument);
  const debounceMs = options.debounceMs ?? 200;
  let cwd = options.cwd;
  let pull = false;
  let refreshSupport = false;
  let watchRegistration = false;
  let showDocument = false;
  let shutdown = false;

  const service = new LintService({
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.noConfig ? { noConfig: true } : {}),
    get fallbackDir() {
      return cwd;
    },
    log: (message) => connection.console.info(message),
  });

  const timers = new Map<string, NodeJS.Timeout>();
  const published = new Set<string>();

  async function publish(uri: string): Promise<void> {
    const timer = timers.get(uri);
    if (timer) clearTimeout(timer);
    timers.delete(uri);
    const doc = documents.get(uri);
    if (!doc || pull) return;
    const version = doc.version;
    const diagnostics = await service.diagnostics(doc);
    // A newer version is on its way (or the document closed): its own lint publishes.
    const current = documents.get(uri);
    if (!current || current.version !== version) return;
    published.add(uri);
    await connection.sendDiagnostics({ uri, version, diagnostics });
  }

  function schedule(uri: string, delay: number): void {
    const old = timers.get(uri);
    if (old) clearTimeout(old);
    timers.set(
      uri,
      setTimeout(() => {
        publish(uri).catch((error: unknown) => connection.console.error(`pgsafe: ${String(error)}`));
      }, delay),
    );
  }

  /** Lints every open document again (the config or a migration changed). */
  function relintAll(): void {
    if (pull) {
      if (refreshSupport) connection.languages.diagnostics.refresh().catch(() => undefined);
      return;
    }
    for (const doc of documents.all()) schedule(doc.uri, 0);
  }

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    pull = caps.textDocument?.diagnostic !== undefined;
    refreshSupport = caps.workspace?.diagnostics?.refreshSupport === true;
    watchRegistration = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    showDocument = caps.window?.showDocument?.support === true;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder) cwd = filePathOf(folder) ?? cwd;
    return {
      capabilities: {
        // pgsafe counts columns in UTF-16 code units, LSP's default (and the one every client supports).
        ...(caps.general?.positionEncodings ? { positionEncoding: "utf-16" } : {}),
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        executeCommandProvider: { commands: [OPEN_DOCS_COMMAND] },
        ...(pull ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: "pgsafe", ...(options.version ? { version: options.version } : {}) },
    };
  });

  connection.onInitialized(() => {
    if (!watchRegistration) return;
    connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) })
      .catch((error: unknown) => connection.console.warn(`pgsafe: could not watch the config files: ${String(error)}`));
  });

  connection.onDidChangeWatchedFiles(() => {
    service.invalidate();
    relintAll();
  });

  // Open: lint at once; change: after a pause in typing; save: at once, and the other open
  // documents too (a saved migration feeds the known schema of the files after it).
  documents.onDidChangeContent((e) => schedule(e.document.uri, published.has(e.document.uri) ? debounceMs : 0));
  documents.onDidSave((e) => {
    schedule(e.document.uri, 0);
    for (const doc of documents.all()) if (doc.uri !== e.document.uri) schedule(doc.uri, debounceMs);
  });
  documents.onDidClose((e) => {
    const timer = timers.get(e.document.uri);
    if (timer) clearTimeout(timer);
    timers.delete(e.document.uri);
    published.delete(e.document.uri);
    service.forget(e.document.uri);
    if (!pull) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  connection.languages.diagnostics.on(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    return { kind: "full", items: doc ? await service.diagnostics(doc) : [] };
  });

  connection.onCodeAction(async (params): Promise<CodeAction[]> => {
    const only = params.context.only;
    if (only && !only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`) || kind === CodeActionKind.Empty)) return [];
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    try {
      // Diagnostics of the current text: the ones sent back when they are current, else fresh ones at the same place.
      const fresh = await service.diagnostics(doc);
      const asked = params.context.diagnostics.filter((d) => d.source === SOURCE);
      const chosen = asked.length > 0
        ? asked.map((d) => (isDiagnosticData(d.data) && d.data.version === doc.version ? d : fresh.find((f) => f.code === d.code && sameRange(f.range, d.range)))).filter((d): d is Diagnostic => d !== undefined)
        : fresh.filter((d) => overlaps(d.range, params.range));
      return chosen.flatMap((d) => codeActionsFor(doc, d));
    } catch (error) {
      connection.console.error(`pgsafe: code actions failed on ${doc.uri}: ${String(error)}`);
      return [];
    }
  });

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? service.hover(doc, params.position) : null;
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== OPEN_DOCS_COMMAND) return null;
    const url = params.arguments?.[0];
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) return null;
    if (showDocument) {
      try {
        if ((await connection.window.showDocument({ uri: url, external: true })).success) return null;
      } catch (error) {
        connection.console.warn(`pgsafe: could not open ${url}: ${String(error)}`);
      }
    }
    connection.window.showInformationMessage(`pgsafe rule documentation: ${url}`);
    return null;
  });

  const exited = new Promise<number>((resolveExit) => {
    connection.onShutdown(() => {
      shutdown = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    });
    connection.onExit(() => resolveExit(shutdown ? 0 : 1));
  });

  documents.listen(connection);
  connection.listen();
  return { connection, exited };
}
