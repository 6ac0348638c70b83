/**
 * End-to-end: the built `pgsafe lsp --stdio` as an editor runs it, driven over JSON-RPC
 * (initialize, initialized, didOpen, didChange, codeAction, hover, didChangeWatchedFiles,
 * shutdown, exit).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeAction, Diagnostic, Hover } from "vscode-languageserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../harness/built-cli.js";
import { LspClient, uriOf } from "./client.js";

const DOCS = "https://github.com/pgsafe/pgsafe/blob/main/docs/rules/";

let root: string;
let client: LspClient;

function apply(text: string, action: CodeAction, uri: string): string {
  const edits = action.edit?.changes?.[uri];
  if (!edits) throw new Error(`action "${action.title}" has no edit for ${uri}`);
  return TextDocument.applyEdits(TextDocument.create(uri, "sql", 1, text), edits);
}

const ids = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code));

beforeAll(async () => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), "pgsafe-lsp-"));
  mkdirSync(join(root, ".git"));
  mkdirSync(join(root, "db"));
  mkdirSync(join(root, "elsewhere"));
  writeFileSync(join(root, "pgsafe.config.json"), JSON.stringify({ rules: { "prefer-robust-stmts": "warn", "prefer-text-field": "off" } }));
  writeFileSync(join(root, "db", "001_accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(50), email text);\n");
  client = new LspClient(["--stdio"], root);
  const init = await client.initialize({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, uriOf(root));
  expect(init.capabilities).toMatchObject({ hoverProvider: true, codeActionProvider: { codeActionKinds: ["quickfix"] } });
  expect(init.capabilities.diagnosticProvider).toBeUndefined();
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("pgsafe lsp --stdio", () => {
  const indexUri = () => uriOf(join(root, "db", "002_index.sql"));
  const indexText = "-- café ✓\n/* café 😀 */ CREATE INDEX users_email_idx ON users (email);\n";

  it("publishes diagnostics on open: 0-based UTF-16 positions, rule id, doc link, help", async () => {
    await client.open(indexUri(), indexText);
    const diagnostics = await client.diagnostics(indexUri());
    const d = diagnostics.find((x) => x.code === "require-concurrent-index-creation")!;
    expect(d).toBeDefined();
    // "/* café 😀 */ " is 14 UTF-16 code units (17 UTF-8 bytes, 13 code points); "CREATE INDEX" 12 more.
    expect(d.range).toEqual({ start: { line: 1, character: 14 }, end: { line: 1, character: 26 } });
    expect(d).toMatchObject({ severity: 1, source: "pgsafe", codeDescription: { href: `${DOCS}require-concurrent-index-creation.md` } });
    expect(d.message).toMatch(/^.*"users".*\n\n.*CREATE INDEX CONCURRENTLY/s);
    expect(ids(diagnostics)).toContain("require-lock-timeout");
  });

  it("a quick fix (ignore for this statement) removes the diagnostic once applied", async () => {
    const diagnostics = await client.diagnostics(indexUri());
    const d = diagnostics.find((x) => x.code === "require-concurrent-index-creation")!;
    const actions = await client.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: indexUri() },
      range: d.range,
      context: { diagnostics: [d] },
    });
    // The rule's fix (when it has one) comes first; these follow it, in this order.
    expect(actions.map((a) => a.title).slice(-3)).toEqual([
      "Ignore require-concurrent-index-creation for this statement",
      "Ignore require-concurrent-index-creation for this file",
      "Open documentation for require-concurrent-index-creation",
    ]);
    expect(actions.every((a) => a.kind === "quickfix")).toBe(true);
    const [ignoreStatement, , docs] = actions.slice(-3);
    expect(docs!.command).toEqual({ title: docs!.title, command: "pgsafe.openRuleDocs", arguments: [`${DOCS}require-concurrent-index-creation.md`] });
    expect(await client.connection.sendRequest("workspace/executeCommand", docs!.command)).toBeNull();
    const fixed = apply(indexText, ignoreStatement!, indexUri());
    expect(fixed).toBe("-- café ✓\n-- pgsafe-ignore require-concurrent-index-creation\n/* café 😀 */ CREATE INDEX users_email_idx ON users (email);\n");
    const before = client.count(indexUri());
    const version = await client.change(indexUri(), fixed);
    const after = await client.diagnostics(indexUri(), (_d, v) => v === version, before);
    expect(ids(after)).not.toContain("require-concurrent-index-creation");
    expect(ids(after)).toContain("require-lock-timeout");
  });

  it("applies the rule's own fix (prefer-robust-stmts: IF NOT EXISTS)", async () => {
    const uri = uriOf(join(root, "db", "003_robust.sql"));
    const text = "CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n";
    await client.open(uri, text);
    const d = (await client.diagnostics(uri, (list) => list.length > 0)).find((x) => x.code === "prefer-robust-stmts")!;
    expect(d.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 25 } });
    const actions = await client.connection.sendRequest<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions.find((a) => a.isPreferred)!;
    expect(fix.title).toBe('Fix prefer-robust-stmts: insert "IF NOT EXISTS"');
    const fixed = apply(text, fix, uri);
    expect(fixed).toBe("CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_idx ON accounts (email);\n");
    const before = client.count(uri);
    const version = await client.change(uri, fixed);
    expect(ids(await client.diagnostics(uri, (_d, v) => v === version, before))).toEqual([]);
  });

  it("hover on a statement shows its locks and what they block; outside any statement, nothing", async () => {
    const uri = uriOf(join(root, "db", "004_hover.sql"));
    await client.open(uri, "-- two changes\nCREATE INDEX accounts_name_idx ON accounts (name);\n\nALTER TABLE accounts ADD COLUMN note text;\n");
    const hover = (line: number, character: number) => client.connection.sendRequest<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line, character } });
    const index = await hover(1, 20);
    expect(index?.contents).toMatchObject({ kind: "markdown" });
    const indexText = (index!.contents as { value: string }).value;
    expect(indexText).toContain("`accounts`: **SHARE**, blocks writes (INSERT, UPDATE, DELETE); reads go on; scans the table");
    expect(indexText).toContain("held until the statement ends");
    expect(index!.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 49 } });
    const alter = (((await hover(3, 5))!.contents as { value: string }).value);
    expect(alter).toContain("`accounts`: **ACCESS EXCLUSIVE**, blocks reads and writes; instant");
    expect(await hover(0, 3)).toBeNull();
    expect(await hover(2, 0)).toBeNull();
  });

  it("the earlier files of the folder give the known schema; the same text elsewhere has none", async () => {
    const text = "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);\n";
    const inFolder = uriOf(join(root, "db", "005_widen.sql"));
    const alone = uriOf(join(root, "elsewhere", "005_widen.sql"));
    await client.open(inFolder, text);
    await client.open(alone, text);
    expect(ids(await client.diagnostics(inFolder))).not.toContain("changing-column-type");
    expect(ids(await client.diagnostics(alone))).toContain("changing-column-type");
    // An earlier file changes on disk: the verdict follows (varchar(50) → bigint is a rewrite).
    writeFileSync(join(root, "db", "001_accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY, name bigint, email text);\n");
    const before = client.count(inFolder);
    const version = await client.change(inFolder, `${text}\n`);
    expect(ids(await client.diagnostics(inFolder, (_d, v) => v === version, before))).toContain("changing-column-type");
  });

  it("reloads the config when it changes: on the watched-files notification, and by mtime without it", async () => {
    const uri = uriOf(join(root, "db", "003_robust.sql"));
    const text = "CREATE INDEX CONCURRENTLY accounts_name_idx ON accounts (name);\n";
    let version = await client.change(uri, text);
    expect(ids(await client.diagnostics(uri, (_d, v) => v === version))).toContain("prefer-robust-stmts");
    // Turned off, and the client says so.
    writeFileSync(join(root, "pgsafe.config.json"), JSON.stringify({ rules: { "prefer-robust-stmts": "off" } }));
    let before = client.count(uri);
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(join(root, "pgsafe.config.json")), type: 2 }] });
    expect(ids(await client.diagnostics(uri, () => true, before))).not.toContain("prefer-robust-stmts");
    // Turned on again, and the client sends nothing: the next lint sees the new file.
    writeFileSync(join(root, "pgsafe.config.json"), JSON.stringify({ rules: { "prefer-robust-stmts": "error" } }));
    before = client.count(uri);
    version = await client.change(uri, `${text}\n`);
    const again = await client.diagnostics(uri, (_d, v) => v === version, before);
    expect(again.find((d) => d.code === "prefer-robust-stmts")?.severity).toBe(1);
    // An invalid config is one diagnostic naming the problem, not a crash.
    writeFileSync(join(root, "pgsafe.config.json"), '{ "rules": { "no-such-rule": "warn" } }');
    before = client.count(uri);
    version = await client.change(uri, text);
    const broken = await client.diagnostics(uri, (_d, v) => v === version, before);
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ code: "config", severity: 1, range: { start: { line: 0, character: 0 } } });
    expect(broken[0]!.message).toContain("no-such-rule");
    writeFileSync(join(root, "pgsafe.config.json"), "{}");
  });

  it("debounces changes (only the last of a burst is linted) and lints again on save", async () => {
    const uri = uriOf(join(root, "db", "006_burst.sql"));
    await client.open(uri, "SELECT 1;\n");
    await client.diagnostics(uri);
    const before = client.count(uri);
    await client.change(uri, "DROP TABLE a;\n");
    await client.change(uri, "DROP TABLE b;\n");
    const last = await client.change(uri, "VACUUM FULL accounts;\n");
    expect(ids(await client.diagnostics(uri, (_d, v) => v === last, before))).toContain("prefer-repack");
    expect(client.published.get(uri)!.slice(before).map((p) => p.version)).toEqual([last]);
    const saved = client.count(uri);
    await client.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
    expect(ids(await client.diagnostics(uri, () => true, saved))).toContain("prefer-repack");
  });

  it("clears the diagnostics of a closed document, then ends with shutdown + exit: exit code 0, nothing but JSON-RPC on stdout", async () => {
    const before = client.count(indexUri());
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: indexUri() } });
    expect(await client.diagnostics(indexUri(), (d) => d.length === 0, before)).toEqual([]);
    expect(await client.close()).toBe(0);
    expect(client.streamErrors).toEqual([]);
    expect(client.stderr).toBe("");
  });
});

describe("pgsafe lsp with a pull-diagnostics client", () => {
  it("answers textDocument/diagnostic and pushes nothing", async () => {
    const pull = new LspClient([], root);
    const init = await pull.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } } });
    expect(init.capabilities.diagnosticProvider).toMatchObject({ interFileDependencies: true, workspaceDiagnostics: false });
    const uri = uriOf(join(root, "elsewhere", "010_drop.sql"));
    await pull.open(uri, "ALTER TABLE users DROP COLUMN legacy;\n");
    const report = await pull.connection.sendRequest<{ kind: string; items: Diagnostic[] }>("textDocument/diagnostic", { textDocument: { uri } });
    expect(report.kind).toBe("full");
    expect(ids(report.items)).toContain("ban-drop-column");
    expect(report.items.find((d) => d.code === "ban-drop-column")!.range.start).toEqual({ line: 0, character: 18 });
    expect(await pull.close()).toBe(0);
    expect(pull.published.size).toBe(0);
  });
});
