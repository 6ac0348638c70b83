/**
 * unused-ignore on its own (the harness enables only this rule, so no other rule reports and every
 * ignore comment is unused). Comments that are used, with other rules enabled, are covered in
 * test/engine/directives.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { lintSource } from "../../src/engine/linter.js";
import { FIXTURES, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("unused-ignore", {
  valid: [
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    "-- pgsafe is run in CI on this file\nSELECT 1;",
    "-- pgsafe-ignored is not a directive\nSELECT 1;",
    "SELECT '-- pgsafe-ignore require-lock-timeout';",
  ],
  invalid: [
    {
      name: "a statement comment without rule ids",
      code: "-- pgsafe-ignore\nSELECT 1;",
      errors: [{ messageId: "unused", line: 1, column: 1, endLine: 1, endColumn: 17 }],
    },
    {
      name: "a statement comment listing a rule that reports nothing there",
      code: "SELECT 1;\n/* pgsafe-ignore require-lock-timeout -- the table is tiny */\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      errors: [{ messageId: "unusedRule", line: 2, column: 1, endLine: 2, endColumn: 62, includes: ['"require-lock-timeout"'] }],
    },
    {
      name: "one finding per unused rule id",
      code: "ALTER TABLE users VALIDATE CONSTRAINT users_email_check; -- pgsafe-ignore require-lock-timeout, unbatched-update",
      errors: [
        { messageId: "unusedRule", line: 1, column: 58, endColumn: 113, includes: ['"require-lock-timeout"'] },
        { messageId: "unusedRule", line: 1, column: 58, endColumn: 113, includes: ['"unbatched-update"'] },
      ],
    },
    {
      name: "file comments, with and without rule ids",
      code: "-- pgsafe-ignore-file\nSELECT 1;\n-- pgsafe-ignore-file transaction-nesting",
      errors: [
        { messageId: "unusedFile", line: 1, column: 1 },
        { messageId: "unusedRuleFile", line: 3, column: 1, endColumn: 42, includes: ['"transaction-nesting"'] },
      ],
    },
    {
      name: "an unknown rule id",
      code: "-- pgsafe-ignore ban-everything\nSELECT 1;",
      errors: [{ messageId: "unknownRule", line: 1, column: 1, includes: ['"ban-everything"', "pgsafe rules"] }],
    },
    {
      name: "a comment with no statement after it",
      code: "SELECT 1;\n\n-- pgsafe-ignore\n",
      errors: [{ messageId: "unused", line: 3, column: 1 }],
    },
    {
      name: "realistic file: every comment is unused when no other rule runs, the misspelt id is unknown",
      fixture: "invalid/stale-comments.sql",
      errors: [
        { messageId: "unusedRuleFile", line: 1, column: 1, includes: ['"require-lock-timeout"'] },
        { messageId: "unusedRule", line: 3, column: 1, includes: ['"require-concurrent-index-creation"'] },
        { messageId: "unknownRule", line: 6, column: 42, endColumn: 78, includes: ['"require-lock-timout"'] },
      ],
    },
    {
      name: "after multi-byte text the column counts UTF-16 units",
      code: "SELECT '😀 é'; -- pgsafe-ignore",
      errors: [{ messageId: "unused", line: 1, column: 16, endColumn: 32 }],
    },
  ],
});

describe("unused-ignore with the rule it names enabled", () => {
  const lint = (code: string) =>
    lintSource(code, { rules, severities: { "unused-ignore": 1, "require-lock-timeout": 2 }, migration: { pgVersion: 15 } }).messages.map(
      (m) => `${m.line}:${m.column} ${m.ruleId}/${m.messageId}`,
    );

  it("a comment that silences a finding is not reported", () => {
    expect(lint("-- pgsafe-ignore require-lock-timeout\nALTER TABLE users ADD COLUMN nickname text;")).toEqual([]);
  });

  it("the same comment on a statement without that finding is reported", () => {
    expect(lint("-- pgsafe-ignore require-lock-timeout\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;")).toEqual([
      "1:1 unused-ignore/unusedRule",
    ]);
  });

  it("in a realistic file, only the stale comment and the misspelt id are reported", () => {
    const code = readFileSync(join(FIXTURES, "unused-ignore", "invalid", "stale-comments.sql"), "utf8");
    const result = lintSource(code, { rules, severities: { "unused-ignore": 1, "require-lock-timeout": 2, "require-concurrent-index-creation": 2 } });
    expect(result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}/${m.messageId}`)).toEqual(["3:1 unused-ignore/unusedRule", "6:42 unused-ignore/unknownRule"]);
    expect(result.suppressedMessages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(["6:1 require-lock-timeout"]);
  });

  it("its findings are warnings by default", () => {
    expect(rules["unused-ignore"].meta.docs.defaultSeverity).toBe("warn");
  });
});
