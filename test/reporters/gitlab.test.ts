/**
 * The gitlab reporter: a GitLab Code Quality report (JSON array, no byte-order mark) with the fields
 * GitLab reads, severities as documented in the reporter, and fingerprints that follow a finding
 * across commits.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintFiles, lintText } from "../../src/index.js";
import gitlab, { type CodeQualityIssue } from "../../src/reporters/gitlab.js";
import type { LintResult } from "../../src/types.js";
import { resultFor } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const context = { cwd: "/repo", color: false };

function parse(results: LintResult[]): CodeQualityIssue[] {
  const out = gitlab(results, context);
  expect(out.charCodeAt(0)).not.toBe(0xfeff);
  expect(out.endsWith("\n")).toBe(true);
  return JSON.parse(out) as CodeQualityIssue[];
}

describe("gitlab reporter", () => {
  it("is a JSON array with description, check_name, fingerprint, severity and a relative location", () => {
    const sql = "\ufeffSET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\nUPDATE t SET a = 1;\nALTER TABLE t\n  ADD COLUMN b int;\n";
    const result = resultFor("/repo/db/0002.sql", sql, [
      { ruleId: "require-concurrent-index-creation", severity: 2, message: "Blocks writes.", at: "CREATE INDEX" },
      { ruleId: "unbatched-update", severity: 1, message: "Unbatched.", at: "UPDATE" },
      { ruleId: "rewrites-table", severity: 2, message: "Rewrites.", at: "ALTER TABLE t\n  ADD" },
    ]);
    const issues = parse([resultFor("/repo/db/0001.sql", "SELECT 1;\n", []), result]);
    expect(issues.map(({ fingerprint, ...rest }) => ({ ...rest, fingerprint: /^[0-9a-f]{32}$/.test(fingerprint) }))).toEqual([
      { description: "Blocks writes.", check_name: "require-concurrent-index-creation", fingerprint: true, severity: "major", location: { path: "db/0002.sql", lines: { begin: 2, end: 2 } } },
      { description: "Unbatched.", check_name: "unbatched-update", fingerprint: true, severity: "minor", location: { path: "db/0002.sql", lines: { begin: 3, end: 3 } } },
      { description: "Rewrites.", check_name: "rewrites-table", fingerprint: true, severity: "major", location: { path: "db/0002.sql", lines: { begin: 4, end: 5 } } },
    ]);
  });

  it("rates statements that do not parse and internal errors critical", () => {
    const issues = parse([
      resultFor("/repo/a.sql", "CREATE TABLE (;\n", [{ ruleId: "syntax-error", severity: 2, message: "syntax error", at: "(" }]),
      resultFor("/repo/b.sql", "DROP TABLE x;\n", [{ ruleId: "ban-drop-table", severity: 2, message: "Internal error in rule ban-drop-table: boom.", at: "", fatal: true }]),
    ]);
    expect(issues.map((i) => i.severity)).toEqual(["critical", "critical"]);
  });

  it("is an empty array for a clean run", () => {
    expect(gitlab([resultFor("/repo/a.sql", "SELECT 1;\n", [])], context)).toBe("[]\n");
  });

  it("fingerprints: stable across runs and when lines are added above; distinct for repeated lines; changed with the line", () => {
    const lint = (sql: string): CodeQualityIssue[] => parse([lintText(sql, { filePath: "/repo/m.sql", cwd: "/repo" })]);
    const base = "SET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\n";
    const a = lint(base);
    expect(a.map((i) => i.check_name)).toEqual(["require-concurrent-index-creation"]);
    expect(lint(base)).toEqual(a);
    const moved = lint(`-- a comment\n\n${base}`);
    expect(moved[0]!.location.lines.begin).toBe(a[0]!.location.lines.begin + 2);
    expect(moved[0]!.fingerprint).toBe(a[0]!.fingerprint);
    // Indentation does not count (the line is trimmed); the statement's text does.
    expect(lint("SET lock_timeout = '2s';\n    CREATE INDEX i ON t (a);\n")[0]!.fingerprint).toBe(a[0]!.fingerprint);
    expect(lint("SET lock_timeout = '2s';\nCREATE INDEX i ON t (b);\n")[0]!.fingerprint).not.toBe(a[0]!.fingerprint);
    // The same finding on two identical lines: two fingerprints (GitLab would merge equal ones).
    const twice = lint("SET lock_timeout = '2s';\nCREATE INDEX ON t (a);\nCREATE INDEX ON t (a);\n");
    expect(twice).toHaveLength(2);
    expect(twice[0]!.fingerprint).not.toBe(twice[1]!.fingerprint);
    // The path is part of the identity.
    expect(parse([lintText(base, { filePath: "/repo/other.sql", cwd: "/repo" })])[0]!.fingerprint).not.toBe(a[0]!.fingerprint);
  });

  it("matches the snapshot for fixtures/examples", async () => {
    const results = await lintFiles(["fixtures/examples"], { cwd: ROOT });
    const out = gitlab(results, { cwd: ROOT, color: false });
    const issues = JSON.parse(out) as CodeQualityIssue[];
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    await expect(out).toMatchFileSnapshot("__snapshots__/examples.gitlab.json");
  });
});
