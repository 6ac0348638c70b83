/**
 * A minimal LSP client for the end-to-end tests: spawns the built `pgsafe lsp --stdio` and speaks
 * JSON-RPC with it over its standard input and output (vscode-jsonrpc), collecting the diagnostics
 * it publishes.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import type { Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver";
import { BIN } from "../harness/built-cli.js";

export const uriOf = (path: string): string => pathToFileURL(path).href;

export class LspClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** Anything on stdout that was not JSON-RPC, and stderr. */
  readonly streamErrors: string[] = [];
  stderr = "";
  readonly logs: string[] = [];
  readonly exitCode: Promise<number | null>;
  #waiters: (() => void)[] = [];
  #versions = new Map<string, number>();

  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [BIN, "lsp", ...args], { cwd, env: { PATH: process.env.PATH ?? "" } });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exitCode = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    const reader = new StreamMessageReader(this.child.stdout);
    reader.onError((error) => this.streamErrors.push(String(error)));
    this.connection = createMessageConnection(reader, new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      const list = this.published.get(params.uri) ?? [];
      list.push(params);
      this.published.set(params.uri, list);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.connection.onNotification("window/logMessage", (params: { message: string }) => {
      this.logs.push(params.message);
    });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("window/showDocument", () => ({ success: true }));
    this.connection.listen();
  }

  async initialize(capabilities: Record<string, unknown> = {}, rootUri: string | null = null): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>("initialize", { processId: process.pid, rootUri, capabilities });
    await this.connection.sendNotification("initialized", {});
    return result;
  }

  async open(uri: string, text: string): Promise<void> {
    this.#versions.set(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "sql", version: 1, text } });
  }

  /** Replaces the whole text (a full-content change); returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.#versions.get(uri) ?? 1) + 1;
    this.#versions.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** The first diagnostics published for `uri` (from the `since`-th publication on) that satisfy `accept`. */
  async diagnostics(uri: string, accept: (d: Diagnostic[], version?: number) => boolean = () => true, since = 0, timeoutMs = 8000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (this.published.get(uri) ?? []).slice(since).find((p) => accept(p.diagnostics, p.version));
      if (found) return found.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri}; got ${JSON.stringify(this.published.get(uri) ?? [], null, 1).slice(0, 3000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  count(uri: string): number {
    return this.published.get(uri)?.length ?? 0;
  }

  async close(): Promise<number | null> {
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await this.exitCode;
    this.connection.dispose();
    return code;
  }
}
