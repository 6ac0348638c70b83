/**
 * The library hook the language server lints with: `replaySchema(files)` + `lintText(text, { knownSchema })`
 * gives an unsaved text the verdicts `lintFiles` gives the same file after the earlier ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintFiles, lintText, replaySchema } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pgsafe-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WIDEN = "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);\n";
const rules = (text: string, options: Parameters<typeof lintText>[1]): string[] => lintText(text, options).messages.map((m) => m.ruleId);

describe("replaySchema + lintText({ knownSchema })", () => {
  it("lints a text with the schema of the files before it, as lintFiles does", async () => {
    const first = join(dir, "1_accounts.up.sql");
    const down = join(dir, "1_accounts.down.sql");
    const second = join(dir, "2_widen.up.sql");
    writeFileSync(first, "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(50));\n");
    // A down migration does not feed the schema: were it replayed, the table would be gone.
    writeFileSync(down, "DROP TABLE accounts;\n");
    writeFileSync(second, WIDEN);
    expect(rules(WIDEN, { filePath: second })).toContain("changing-column-type");
    const known = replaySchema([first, down]);
    expect(known.columnType("accounts", "name")).toBeDefined();
    expect(rules(WIDEN, { filePath: second, knownSchema: known })).not.toContain("changing-column-type");
    const viaFiles = (await lintFiles([dir])).find((r) => r.filePath === second)!;
    expect(viaFiles.messages.map((m) => m.ruleId)).toEqual(rules(WIDEN, { filePath: second, knownSchema: known }));
  });

  it("reads through `read` when given (an editor's unsaved buffers)", () => {
    const known = replaySchema(["/nowhere/1_a.sql"], { read: () => "CREATE TABLE accounts (id bigint PRIMARY KEY, name bigint);\n" });
    // varchar(50) → varchar(100) would be safe; bigint → varchar(100) rewrites the table.
    expect(rules(WIDEN, { filePath: join(dir, "2_widen.up.sql"), knownSchema: known })).toContain("changing-column-type");
    expect(known.table("accounts")?.created).toBe(true);
  });
});
