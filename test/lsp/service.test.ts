/**
 * The server's workspace logic in-process (LintService): which earlier files feed the known
 * schema, ignore patterns, --config / --no-config, and problems that become one diagnostic.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LintService } from "../../src/lsp/service.js";

let root: string;
const logs: string[] = [];
const service = (options: { configFile?: string; noConfig?: boolean } = {}) => new LintService({ ...options, fallbackDir: root, log: (m) => logs.push(m) });
const open = (path: string, text: string, version = 1) => TextDocument.create(pathToFileURL(path).href, "sql", version, text);
const codes = async (s: LintService, doc: TextDocument) => (await s.diagnostics(doc)).map((d) => String(d.code));

const WIDEN = "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);\n";
const CREATE = "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(50));\n";

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "pgsafe-lsp-service-"));
  mkdirSync(join(root, ".git"));
  // Prisma: one folder per migration.
  mkdirSync(join(root, "prisma", "migrations", "20240101000000_init"), { recursive: true });
  writeFileSync(join(root, "prisma", "migrations", "20240101000000_init", "migration.sql"), CREATE);
  // A plain folder with the table created in a subfolder only.
  mkdirSync(join(root, "db", "archive"), { recursive: true });
  writeFileSync(join(root, "db", "archive", "001_accounts.sql"), CREATE);
  writeFileSync(join(root, "db", "000_other.sql"), "CREATE TABLE other (id bigint PRIMARY KEY);\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("LintService", () => {
  it("Prisma layout: the earlier migration folders feed the known schema", async () => {
    const doc = open(join(root, "prisma", "migrations", "20240202000000_widen", "migration.sql"), WIDEN);
    expect(await codes(service(), doc)).not.toContain("changing-column-type");
    // A migration folder sorted before the one that creates the table does not see it.
    const early = open(join(root, "prisma", "migrations", "20231231000000_widen", "migration.sql"), WIDEN);
    expect(await codes(service(), early)).toContain("changing-column-type");
  });

  it("plain folder: subfolders do not feed the schema", async () => {
    const doc = open(join(root, "db", "002_widen.sql"), WIDEN);
    expect(await codes(service(), doc)).toContain("changing-column-type");
  });

  it("ignorePatterns of the config: no diagnostics; --no-config: the defaults", async () => {
    const dir = join(root, "ignored");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "pgsafe.config.json"), JSON.stringify({ ignorePatterns: ["legacy_*.sql"] }));
    writeFileSync(join(dir, "legacy_1.sql"), "DROP TABLE users;\n");
    const doc = open(join(dir, "legacy_1.sql"), "DROP TABLE users;\n");
    expect(await codes(service(), doc)).toEqual([]);
    expect(await codes(service({ noConfig: true }), doc)).toContain("ban-drop-table");
  });

  it("--config: that file for every document; a broken one is one diagnostic", async () => {
    const config = join(root, "custom.json");
    writeFileSync(config, JSON.stringify({ rules: { "ban-drop-table": "off" } }));
    const doc = open(join(root, "db", "003_drop.sql"), "DROP TABLE other;\n");
    const s = service({ configFile: config });
    expect(await codes(s, doc)).not.toContain("ban-drop-table");
    writeFileSync(config, "{ not json");
    const diagnostics = await s.diagnostics(open(join(root, "db", "003_drop.sql"), "DROP TABLE other;\n", 2));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "config", source: "pgsafe" });
    expect(diagnostics[0]!.message).toMatch(/^pgsafe: Invalid JSON in ".*custom\.json" at line 1/);
  });

  it("untitled documents are linted with the config of the workspace folder", async () => {
    const doc = TextDocument.create("untitled:Untitled-1", "sql", 1, "CREATE INDEX i ON users (email);\n");
    expect(await codes(service(), doc)).toContain("require-concurrent-index-creation");
    const hover = await service().hover(doc, { line: 0, character: 3 });
    expect((hover?.contents as { value: string }).value).toContain("**SHARE**");
  });

  it("caches the replay of the earlier files until one of them changes", async () => {
    const s = service();
    const doc = open(join(root, "prisma", "migrations", "20240303000000_x", "migration.sql"), WIDEN);
    logs.length = 0;
    await s.diagnostics(doc);
    await s.diagnostics(open(join(root, "prisma", "migrations", "20240303000000_x", "migration.sql"), `${WIDEN}\n`, 2));
    expect(logs.filter((m) => m.startsWith("Known schema for"))).toHaveLength(1);
    writeFileSync(join(root, "prisma", "migrations", "20240101000000_init", "migration.sql"), `${CREATE}-- changed\n`);
    await s.diagnostics(open(join(root, "prisma", "migrations", "20240303000000_x", "migration.sql"), WIDEN, 3));
    expect(logs.filter((m) => m.startsWith("Known schema for"))).toHaveLength(2);
  });
});
