/**
 * The JSON reporter: ESLint's result shape (interfaces.md "JSON format"), UTF-16 columns, no
 * internal fields.
 */
import { describe, expect, it } from "vitest";
import { lintText } from "../../src/index.js";
import json, { toJsonResult } from "../../src/reporters/json.js";
import type { LintResult } from "../../src/types.js";
import { resultFor } from "./helpers.js";

const context = { cwd: "/repo", color: true };

function parse(results: LintResult[]): Record<string, unknown>[] {
  const out = json(results, context);
  expect(out.endsWith("\n")).toBe(true);
  return JSON.parse(out) as Record<string, unknown>[];
}

describe("json reporter", () => {
  it("is an array with one ESLint-shaped object per file, clean files included", () => {
    const sql = "SET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\n";
    const withFinding = resultFor("/repo/db/0002.sql", sql, [
      {
        ruleId: "example-rule",
        severity: 2,
        message: "Blocks writes.",
        at: "CREATE INDEX",
        help: "Use CONCURRENTLY.",
        docsUrl: "https://example.test/docs/example-rule.md",
        fix: { range: [37, 37], text: " CONCURRENTLY" },
      },
    ]);
    const clean = resultFor("/repo/db/0001.sql", "SELECT 1;\n", []);
    expect(JSON.parse(json([clean, withFinding], context))).toMatchInlineSnapshot(`
      [
        {
          "errorCount": 0,
          "fatalErrorCount": 0,
          "filePath": "/repo/db/0001.sql",
          "fixableErrorCount": 0,
          "fixableWarningCount": 0,
          "messages": [],
          "suppressedMessages": [],
          "warningCount": 0,
        },
        {
          "errorCount": 1,
          "fatalErrorCount": 0,
          "filePath": "/repo/db/0002.sql",
          "fixableErrorCount": 1,
          "fixableWarningCount": 0,
          "messages": [
            {
              "column": 1,
              "docsUrl": "https://example.test/docs/example-rule.md",
              "endColumn": 13,
              "endLine": 2,
              "fix": {
                "range": [
                  37,
                  37,
                ],
                "text": " CONCURRENTLY",
              },
              "help": "Use CONCURRENTLY.",
              "line": 2,
              "message": "Blocks writes.",
              "messageId": "example",
              "ruleId": "example-rule",
              "severity": 2,
            },
          ],
          "source": "SET lock_timeout = '2s';
      CREATE INDEX i ON t (a);
      ",
          "suppressedMessages": [],
          "warningCount": 0,
        },
      ]
    `);
  });

  it("never leaks internal fields (range, statementCount) and keeps source only for files with problems", () => {
    const [clean, dirty] = parse([
      resultFor("/repo/a.sql", "SELECT 1;", []),
      resultFor("/repo/b.sql", "SELECT 1;", [{ ruleId: "r", severity: 1, message: "M.", at: "SELECT" }]),
    ]);
    expect(Object.keys(clean!)).toEqual(["filePath", "messages", "suppressedMessages", "errorCount", "fatalErrorCount", "warningCount", "fixableErrorCount", "fixableWarningCount"]);
    expect(dirty!.source).toBe("SELECT 1;");
    const message = (dirty!.messages as Record<string, unknown>[])[0]!;
    expect(message).not.toHaveProperty("range");
    expect(Object.keys(message)).toEqual(["ruleId", "severity", "message", "messageId", "line", "column", "endLine", "endColumn"]);
    expect(JSON.stringify(dirty)).not.toContain("statementCount");
  });

  it("counts columns in UTF-16 code units after emoji and accents (real engine output)", () => {
    const sql = "-- 🎉\nSET lock_timeout = '2s';\nSELECT '🎉é'; CREATE INDEX users_email_idx ON users (email);\n";
    const [result] = parse([lintText(sql, { filePath: "/repo/m.sql" })]);
    const message = (result!.messages as Record<string, unknown>[]).find((m) => m.ruleId === "require-concurrent-index-creation")!;
    // "SELECT '" 8 + 🎉 2 units + é 1 + "'; " 3 = 14 units before CREATE.
    expect(message).toMatchObject({ severity: 2, line: 3, column: 15, endLine: 3, endColumn: 15 + "CREATE INDEX".length });
    expect(message.help).toEqual(expect.stringContaining("CONCURRENTLY"));
    expect(message.docsUrl).toEqual(expect.stringContaining("require-concurrent-index-creation"));
    expect(message).not.toHaveProperty("range");
  });

  it("reports CRLF files with the right lines and columns", () => {
    const sql = "SET lock_timeout = '2s';\r\n\r\n  CREATE INDEX i ON t (a);\r\n";
    const [result] = parse([lintText(sql, { filePath: "/repo/crlf.sql" })]);
    const message = (result!.messages as Record<string, unknown>[])[0]!;
    expect(message).toMatchObject({ ruleId: "require-concurrent-index-creation", line: 3, column: 3, endLine: 3, endColumn: 15 });
    expect(result!.source).toBe(sql);
  });

  it("serialises suggestions and fatal messages as ESLint does", () => {
    const result = resultFor("/repo/m.sql", "SELECT 1;", [{ ruleId: "r", severity: 2, message: "Internal error.", at: "SELECT", fatal: true }]);
    result.messages[0]!.suggestions = [{ desc: "Do this instead", messageId: "instead", fix: { range: [0, 6], text: "VALUES" } }];
    const m = toJsonResult(result).messages[0]!;
    expect(m.fatal).toBe(true);
    expect(m.suggestions).toEqual([{ desc: "Do this instead", messageId: "instead", fix: { range: [0, 6], text: "VALUES" } }]);
    expect(toJsonResult(result).fatalErrorCount).toBe(1);
  });

  it("prints an empty array for no files", () => {
    expect(json([], context)).toBe("[]\n");
  });
});
