/**
 * The github reporter: workflow commands GitHub turns into annotations (escaping as the Actions
 * toolkit defines it, columns only for one-line findings, repo-relative paths), and the job summary
 * table of every finding handed to the step-summary hook.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintFiles } from "../../src/index.js";
import github, { escapeData, escapeProperty, stepSummary } from "../../src/reporters/github.js";
import type { LintResult } from "../../src/types.js";
import { resultFor } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const context = { cwd: "/repo", color: false };

/** Reads a workflow command back the way the runner does: `::name k=v,k=v::data`, then unescapes. */
function parseCommand(line: string): { name: string; properties: Record<string, string>; data: string } {
  const match = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string): string => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
  const properties: Record<string, string> = {};
  for (const pair of match[2]!.split(",")) {
    const eq = pair.indexOf("=");
    properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { name: match[1]!, properties, data: unescape(match[3]!) };
}

describe("github reporter: commands", () => {
  it("escapes message data (%, CR, LF) and property values (also : and ,)", () => {
    expect(escapeData("100% done\r\nnext: a, b")).toBe("100%25 done%0D%0Anext: a, b");
    expect(escapeProperty("100% done\r\nnext: a, b")).toBe("100%25 done%0D%0Anext%3A a%2C b");
    // %0A in the input is text, not a newline: its % is escaped first.
    expect(escapeData("%0A")).toBe("%250A");
  });

  it("turns a message with %, newlines, : and , into one command that reads back unchanged", () => {
    const message = 'Lock 100% of "a,b": ACCESS EXCLUSIVE,\nreads and writes wait.\r\nSee: docs';
    const result = resultFor("/repo/db/2024:01,x.sql", "CREATE INDEX i ON t (a);\n", [
      { ruleId: "require-concurrent-index-creation", severity: 2, message, at: "CREATE INDEX", help: "Use CONCURRENTLY:\n  CREATE INDEX CONCURRENTLY ...", docsUrl: "https://example.test/r.md" },
    ]);
    const out = github([result], context);
    expect(out).toBe(
      "::error file=db/2024%3A01%2Cx.sql,line=1,endLine=1,col=1,endColumn=13,title=require-concurrent-index-creation::" +
        'Lock 100%25 of "a,b": ACCESS EXCLUSIVE,%0Areads and writes wait.%0D%0ASee: docs%0A%0AUse CONCURRENTLY:%0A  CREATE INDEX CONCURRENTLY ...%0A%0Ahttps://example.test/r.md\n',
    );
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(parseCommand(lines[0]!)).toEqual({
      name: "error",
      properties: { file: "db/2024:01,x.sql", line: "1", endLine: "1", col: "1", endColumn: "13", title: "require-concurrent-index-creation" },
      data: `${message}\n\nUse CONCURRENTLY:\n  CREATE INDEX CONCURRENTLY ...\n\nhttps://example.test/r.md`,
    });
  });

  it("uses ::warning for warnings, and gives col/endColumn only for a finding on one line", () => {
    const sql = "ALTER TABLE t\n  ADD COLUMN b int;\nUPDATE t SET b = 1;\n";
    const result = resultFor("/repo/m.sql", sql, [
      { ruleId: "rewrites-table", severity: 2, message: "Two lines.", at: "ALTER TABLE t\n  ADD COLUMN b int;" },
      // Ends at column 1 of line 3, i.e. with the newline of line 2: the annotation ends on line 2.
      { ruleId: "adding-field-with-default", severity: 2, message: "To the next line start.", at: "ALTER TABLE t\n  ADD COLUMN b int;\n" },
      { ruleId: "unbatched-update", severity: 1, message: "Unbatched.", at: "UPDATE t" },
    ]);
    expect(github([result], context).trimEnd().split("\n")).toEqual([
      "::error file=m.sql,line=1,endLine=2,title=rewrites-table::Two lines.",
      "::error file=m.sql,line=1,endLine=2,title=adding-field-with-default::To the next line start.",
      "::warning file=m.sql,line=3,endLine=3,col=1,endColumn=9,title=unbatched-update::Unbatched.",
    ]);
  });

  it("prints nothing for a clean run", () => {
    expect(github([resultFor("/repo/ok.sql", "SELECT 1;\n", [])], context)).toBe("");
  });

  it("matches the snapshot for fixtures/examples (paths relative to the repository root)", async () => {
    const results = await lintFiles(["fixtures/examples"], { cwd: ROOT });
    const out = github(results, { cwd: join(ROOT, "fixtures"), color: false });
    for (const line of out.trimEnd().split("\n")) expect(parseCommand(line).properties.file).toMatch(/^fixtures\/examples\/\d{4}_\w+\.sql$/);
    await expect(out).toMatchFileSnapshot("__snapshots__/examples.github.txt");
  });
});

describe("github reporter: job summary", () => {
  const many = (n: number): LintResult => {
    const sql = Array.from({ length: n }, (_, i) => `DROP TABLE t${i};`).join("\n");
    return resultFor(
      "/repo/db/0001_drop.sql",
      sql,
      Array.from({ length: n }, (_, i) => ({ ruleId: "ban-drop-table", severity: (i % 3 === 0 ? 1 : 2) as 1 | 2, message: `Dropping "t${i}" | loses <data> & *more*.`, at: `DROP TABLE t${i};`, docsUrl: "https://example.test/ban-drop-table.md" })),
    );
  };

  it("hands a table of ALL findings to the hook (GitHub shows only 10 annotations of each level per step)", () => {
    const summaries: string[] = [];
    const out = github([many(25), resultFor("/repo/db/0002_ok.sql", "SELECT 1;\n", [])], { ...context, stepSummary: (m) => summaries.push(m) });
    expect(out.trimEnd().split("\n")).toHaveLength(25);
    expect(summaries).toHaveLength(1);
    const lines = summaries[0]!.trimEnd().split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "### pgsafe: 25 problems (16 errors, 9 warnings) in 2 files",
      "",
      "| Location | Severity | Rule | Message |",
      "| --- | --- | --- | --- |",
    ]);
    expect(lines).toHaveLength(4 + 25);
    expect(lines[4]).toBe("| db/0001\\_drop.sql:1 | warning | [ban-drop-table](https://example.test/ban-drop-table.md) | Dropping \"t0\" \\| loses &lt;data&gt; &amp; \\*more\\*. |");
    expect(lines[27]).toContain("| db/0001\\_drop.sql:24 | error |");
    // Every row has exactly the four cells (escaped pipes do not split cells).
    for (const row of lines.slice(4)) expect(row.split(/(?<!\\)\|/).length - 2).toBe(4);
  });

  it("says so when there is nothing to report", () => {
    expect(stepSummary([resultFor("/repo/a.sql", "SELECT 1;\n", [])], context)).toBe("### pgsafe: no problems in 1 file\n\n");
  });

  it("stays under GitHub's 1 MiB step-summary limit, saying how many rows were left out", () => {
    const summary = stepSummary([many(300)], context, 5_000);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(5_000);
    const rows = summary.split("\n").filter((l) => l.startsWith("| db/"));
    expect(rows.length).toBeGreaterThan(10);
    expect(summary).toContain(`${300 - rows.length} more findings not shown: GitHub limits a step summary to 1 MiB.`);
  });
});
