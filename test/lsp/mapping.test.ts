/**
 * The language server's pure parts: lint messages → diagnostics (UTF-16 positions, BOM), quick-fix
 * edits (checked by re-linting the edited text), hover text, the migrations folder of a file.
 */
import { join } from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeAction, Diagnostic, TextEdit } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { explainText, lintText } from "../../src/index.js";
import { codeActionsFor, fixTitle, ignoreFileEdit, ignoreStatementEdit } from "../../src/lsp/actions.js";
import { bomLength, diagnosticMessage, ignoreSpans, spanAt, toDiagnostic, type DiagnosticData } from "../../src/lsp/convert.js";
import { hoverAt, statementAt } from "../../src/lsp/hover.js";
import { filePathOf, migrationsRoot } from "../../src/lsp/service.js";
import { parseSql, stripBom } from "../../src/parser/parse.js";
import type { LintMessage } from "../../src/types.js";

const URI = "file:///work/db/0003_x.sql";
const doc = (text: string): TextDocument => TextDocument.create(URI, "sql", 7, text);
const edit = (text: string, e: TextEdit): string => TextDocument.applyEdits(doc(text), [e]);

/** The document's diagnostics, as the server computes them. */
function diagnose(text: string, options: Parameters<typeof lintText>[1] = {}): Diagnostic[] {
  const d = doc(text);
  const parsed = parseSql(stripBom(text).text);
  const spans = ignoreSpans(parsed);
  return lintText(text, { filePath: "m.sql", ...options }).messages.map((m) => toDiagnostic(d, m, { bom: bomLength(text), spans }));
}

const rulesOf = (text: string, options: Parameters<typeof lintText>[1] = {}): string[] => lintText(text, { filePath: "m.sql", ...options }).messages.map((m) => m.ruleId);

describe("toDiagnostic", () => {
  const message: LintMessage = {
    ruleId: "ban-drop-column",
    severity: 2,
    message: 'Dropping column "legacy" breaks running code.',
    help: "Stop using it first.",
    line: 2,
    column: 9,
    endLine: 2,
    endColumn: 12,
    range: [18, 21],
    docsUrl: "https://example.test/ban-drop-column.md",
    fix: { range: [18, 21], text: "" },
  };

  it("maps UTF-16 offsets to 0-based positions, shifted past a byte-order mark", () => {
    const text = "-- é😀\n/* ñ */ ALTER TABLE t;";
    expect(toDiagnostic(doc(text), message, { bom: 0 }).range).toEqual({ start: { line: 1, character: 11 }, end: { line: 1, character: 14 } });
    const withBom = `\uFEFF${text}`;
    expect(bomLength(withBom)).toBe(1);
    const d = toDiagnostic(doc(withBom), message, { bom: 1 });
    expect(d.range).toEqual({ start: { line: 1, character: 11 }, end: { line: 1, character: 14 } });
    expect((d.data as DiagnosticData).offsets).toEqual([19, 22]);
    expect((d.data as DiagnosticData).fix).toEqual({ range: d.range, newText: "" });
  });

  it("carries rule id, doc link, severity, message with help, and what the code actions need", () => {
    const d = toDiagnostic(doc("x".repeat(40)), message, { bom: 0, spans: [[0, 10], [12, 30]] });
    expect(d).toMatchObject({
      severity: 1,
      source: "pgsafe",
      code: "ban-drop-column",
      codeDescription: { href: "https://example.test/ban-drop-column.md" },
      message: 'Dropping column "legacy" breaks running code.\n\nStop using it first.',
      data: { ruleId: "ban-drop-column", version: 7, offsets: [18, 21], statement: [12, 30], docsUrl: "https://example.test/ban-drop-column.md" },
    });
    expect(toDiagnostic(doc("x"), { ...message, severity: 1 }, { bom: 0 }).severity).toBe(2);
    expect(diagnosticMessage({ message: "m" })).toBe("m");
  });

  it("positions a real finding after emoji and accented letters in UTF-16 code units", () => {
    const text = "SELECT 'é';\n/* 😀 ñ */ CREATE INDEX i ON users (email);\n";
    const d = diagnose(text).find((x) => x.code === "require-concurrent-index-creation")!;
    // "/* 😀 ñ */ " is 11 code units.
    expect(d.range).toEqual({ start: { line: 1, character: 11 }, end: { line: 1, character: 23 } });
  });

  it("spanAt: the innermost span holding the offset, else the next one", () => {
    const spans: [number, number][] = [[0, 5], [10, 40], [14, 20], [22, 30]];
    expect(spanAt(spans, 3)).toEqual([0, 5]);
    expect(spanAt(spans, 7)).toEqual([10, 40]);
    expect(spanAt(spans, 12)).toEqual([10, 40]);
    expect(spanAt(spans, 16)).toEqual([14, 20]);
    expect(spanAt(spans, 25)).toEqual([22, 30]);
    expect(spanAt(spans, 45)).toBeUndefined();
  });
});

describe("ignore edits (checked with the linter)", () => {
  it("ignore for this statement: a comment line above it with its indentation", () => {
    const text = "BEGIN;\n  CREATE INDEX i ON users (email);\nCOMMIT;\n";
    const start = text.indexOf("CREATE");
    const fixed = edit(text, ignoreStatementEdit(doc(text), start, "require-concurrent-index-creation"));
    expect(fixed).toBe("BEGIN;\n  -- pgsafe-ignore require-concurrent-index-creation\n  CREATE INDEX i ON users (email);\nCOMMIT;\n");
    expect(rulesOf(text)).toContain("require-concurrent-index-creation");
    expect(rulesOf(fixed)).not.toContain("require-concurrent-index-creation");
  });

  it("keeps CRLF line breaks, and extends an ignore comment already above the statement", () => {
    const text = "-- pgsafe-ignore require-lock-timeout\r\nCREATE INDEX i ON users (email);\r\n";
    const e = ignoreStatementEdit(doc(text), text.indexOf("CREATE"), "require-concurrent-index-creation");
    const fixed = edit(text, e);
    expect(fixed).toBe("-- pgsafe-ignore require-lock-timeout, require-concurrent-index-creation\r\nCREATE INDEX i ON users (email);\r\n");
    expect(rulesOf(fixed)).toEqual([]);
    const plain = "CREATE INDEX i ON users (email);\r\n";
    expect(edit(plain, ignoreStatementEdit(doc(plain), 0, "x-rule"))).toBe("-- pgsafe-ignore x-rule\r\nCREATE INDEX i ON users (email);\r\n");
  });

  it("a statement inside a DO block: the comment goes into the block, above that statement only", () => {
    const text = "SET lock_timeout = '1s';\nDO $$\nBEGIN\n  CREATE INDEX i ON users (email);\n  CREATE INDEX j ON orders (id);\nEND $$;\n";
    const [first] = diagnose(text).filter((d) => d.code === "require-concurrent-index-creation");
    const statement = (first!.data as DiagnosticData).statement!;
    expect(text.slice(statement[0], statement[1])).toBe("CREATE INDEX i ON users (email)");
    const fixed = edit(text, ignoreStatementEdit(doc(text), statement[0], "require-concurrent-index-creation"));
    expect(fixed).toBe("SET lock_timeout = '1s';\nDO $$\nBEGIN\n  -- pgsafe-ignore require-concurrent-index-creation\n  CREATE INDEX i ON users (email);\n  CREATE INDEX j ON orders (id);\nEND $$;\n");
    expect(rulesOf(fixed)).toEqual(["require-concurrent-index-creation"]);
    // On one line: a block comment in front of the statement, inside the body.
    const oneLine = "SET lock_timeout = '1s'; DO $$ BEGIN CREATE INDEX i ON users (email); END $$;\n";
    const [d] = diagnose(oneLine).filter((x) => x.code === "require-concurrent-index-creation");
    const inline = edit(oneLine, ignoreStatementEdit(doc(oneLine), (d!.data as DiagnosticData).statement![0], "require-concurrent-index-creation"));
    expect(inline).toBe("SET lock_timeout = '1s'; DO $$ BEGIN /* pgsafe-ignore require-concurrent-index-creation */ CREATE INDEX i ON users (email); END $$;\n");
    expect(rulesOf(inline)).toEqual([]);
    // A statement of an EXECUTE string: the comment goes above the DO (none can go inside the string).
    const execute = "SET lock_timeout = '1s';\nDO $$ BEGIN EXECUTE 'CREATE INDEX i ON users (email)'; END $$;\n";
    const [e] = diagnose(execute).filter((x) => x.code === "require-concurrent-index-creation");
    expect(execute.slice(...(e!.data as DiagnosticData).statement!)).toMatch(/^DO \$\$/);
  });

  it("a statement after another one on its line gets a block comment in front of it", () => {
    const text = "SET lock_timeout = '1s'; CREATE INDEX i ON users (email);\n";
    const fixed = edit(text, ignoreStatementEdit(doc(text), text.indexOf("CREATE"), "require-concurrent-index-creation"));
    expect(fixed).toBe("SET lock_timeout = '1s'; /* pgsafe-ignore require-concurrent-index-creation */ CREATE INDEX i ON users (email);\n");
    expect(rulesOf(fixed)).toEqual([]);
  });

  it("ignore for this file: at the top, after a byte-order mark", () => {
    const text = "\uFEFFCREATE INDEX i ON users (email);\n";
    const fixed = edit(text, ignoreFileEdit(doc(text), "require-concurrent-index-creation"));
    expect(fixed).toBe("\uFEFF-- pgsafe-ignore-file require-concurrent-index-creation\nCREATE INDEX i ON users (email);\n");
    expect(rulesOf(fixed)).not.toContain("require-concurrent-index-creation");
  });

  it("ignore for this file: after goose's leading marker lines, goose still detected", () => {
    const text = "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX i ON users (email);\n-- +goose Down\nDROP INDEX i;\n";
    const fixed = edit(text, ignoreFileEdit(doc(text), "require-concurrent-index-creation"));
    expect(fixed.split("\n").slice(0, 3)).toEqual(["-- +goose NO TRANSACTION", "-- +goose Up", "-- pgsafe-ignore-file require-concurrent-index-creation"]);
    expect(rulesOf(text)).toContain("require-concurrent-index-creation");
    expect(rulesOf(fixed)).not.toContain("require-concurrent-index-creation");
    // A marker that ends the file without a line break.
    expect(edit("-- migrate:up", ignoreFileEdit(doc("-- migrate:up"), "r"))).toBe("-- migrate:up\n-- pgsafe-ignore-file r");
  });

  it("ignore for this file: extends an ignore-file comment already at the top", () => {
    const text = "-- pgsafe-ignore-file require-lock-timeout\nCREATE INDEX i ON users (email);\n";
    const fixed = edit(text, ignoreFileEdit(doc(text), "require-concurrent-index-creation"));
    expect(fixed).toBe("-- pgsafe-ignore-file require-lock-timeout, require-concurrent-index-creation\nCREATE INDEX i ON users (email);\n");
    expect(rulesOf(fixed)).toEqual([]);
  });
});

describe("codeActionsFor", () => {
  it("the fix first (preferred), then the suggestions, the ignores and the doc link", () => {
    const text = "CREATE INDEX CONCURRENTLY i ON users (email);\n";
    const d = diagnose(text, { include: ["prefer-robust-stmts"] }).find((x) => x.code === "prefer-robust-stmts")!;
    const actions: CodeAction[] = codeActionsFor(doc(text), d);
    expect(actions.map((a) => [a.title, a.isPreferred === true])).toEqual([
      ['Fix prefer-robust-stmts: insert "IF NOT EXISTS"', true],
      ["Ignore prefer-robust-stmts for this statement", false],
      ["Ignore prefer-robust-stmts for this file", false],
      ["Open documentation for prefer-robust-stmts", false],
    ]);
    expect(actions.every((a) => a.diagnostics?.[0] === d && a.kind === "quickfix")).toBe(true);
    const fixed = TextDocument.applyEdits(doc(text), actions[0]!.edit!.changes![URI]!);
    expect(rulesOf(fixed, { include: ["prefer-robust-stmts"] })).not.toContain("prefer-robust-stmts");
  });

  it("no ignore actions for syntax errors and for unused-ignore; nothing for foreign diagnostics", () => {
    const text = "CREATE TABLE (;\n";
    const d = diagnose(text).find((x) => x.code === "syntax-error")!;
    expect(codeActionsFor(doc(text), d).map((a) => a.title)).toEqual(["Open documentation for syntax-error"]);
    expect(codeActionsFor(doc(text), { ...d, data: undefined })).toEqual([]);
  });

  it("fixTitle says what the edit does", () => {
    const d = doc("DROP INDEX i;");
    const at = (a: number, b: number) => ({ start: d.positionAt(a), end: d.positionAt(b) });
    expect(fixTitle("r", { range: at(4, 4), newText: " CONCURRENTLY" }, d)).toBe('Fix r: insert "CONCURRENTLY"');
    expect(fixTitle("r", { range: at(0, 5), newText: "" }, d)).toBe('Fix r: remove "DROP"');
    expect(fixTitle("r", { range: at(0, 4), newText: "x".repeat(50) }, d)).toBe(`Fix r: replace with "${"x".repeat(39)}…"`);
  });
});

describe("hover", () => {
  const text = "BEGIN;\nCREATE INDEX i ON users (email);\n-- note\nALTER TABLE users ADD COLUMN c int;\nCOMMIT;\n";

  it("finds the statement under the position, or none", () => {
    const file = explainText(text);
    expect(statementAt(file, { line: 1, character: 0 }, 0)?.text).toBe("CREATE INDEX i ON users (email)");
    expect(statementAt(file, { line: 1, character: 30 }, 0)?.text).toBe("CREATE INDEX i ON users (email)");
    // The `;` and the comment are outside any statement.
    expect(statementAt(file, { line: 1, character: 31 }, 0)).toBeUndefined();
    expect(hoverAt(file, { line: 2, character: 2 }, 0)).toBeNull();
  });

  it("shows the lock mode, what it blocks, the work and how long it is held", () => {
    const hover = hoverAt(explainText(text), { line: 3, character: 4 }, 0)!;
    expect(hover.range).toEqual({ start: { line: 3, character: 0 }, end: { line: 3, character: 34 } });
    const value = (hover.contents as { value: string }).value;
    expect(value).toContain("Runs in transaction T1 (BEGIN on line 1, COMMIT on line 5).");
    expect(value).toContain("- `users`: **ACCESS EXCLUSIVE**, blocks reads and writes; instant (catalog only); held until COMMIT on line 5.");
    const index = (hoverAt(explainText(text), { line: 1, character: 4 }, 0)!.contents as { value: string }).value;
    expect(index).toContain("**SHARE**, blocks writes (INSERT, UPDATE, DELETE); reads go on; scans the table while holding it");
  });

  it("counts a byte-order mark on the first line", () => {
    const file = explainText("\uFEFFVACUUM FULL users;");
    expect(statementAt(file, { line: 0, character: 0 }, 1)).toBeUndefined();
    const hover = hoverAt(file, { line: 0, character: 1 }, 1)!;
    expect(hover.range).toEqual({ start: { line: 0, character: 1 }, end: { line: 0, character: 18 } });
    expect((hover.contents as { value: string }).value).toContain("**ACCESS EXCLUSIVE**, blocks reads and writes; rewrites the table");
  });

  it("a table created earlier in the file is new", () => {
    const file = explainText("CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\n");
    const value = (hoverAt(file, { line: 1, character: 0 }, 0)!.contents as { value: string }).value;
    expect(value).toContain("the table is new in this file: nobody uses it yet");
    expect(value).toContain("Runs on its own (no transaction).");
  });
});

describe("workspace helpers", () => {
  it("migrationsRoot: the file's folder, or the parent of a per-migration folder", () => {
    expect(migrationsRoot(join("/app", "db", "0001_x.sql"))).toBe(join("/app", "db"));
    expect(migrationsRoot(join("/app", "prisma", "migrations", "20240101_init", "migration.sql"))).toBe(join("/app", "prisma", "migrations"));
    expect(migrationsRoot(join("/app", "migrations", "2024-01-01-000000_init", "up.sql"))).toBe(join("/app", "migrations"));
  });

  it("filePathOf: file URIs only", () => {
    expect(filePathOf("file:///tmp/a%20b.sql")).toBe("/tmp/a b.sql");
    expect(filePathOf("untitled:Untitled-1")).toBeUndefined();
  });
});
