import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { lintSource } from "../../src/engine/linter.js";
import { FIXTURES, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("syntax-error", {
  valid: [
    "SELECT 1;",
    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    "DO $$\nBEGIN\n  RAISE NOTICE 'semicolons; inside a body';\nEND\n$$;",
    "SELECT 'it''s'; -- a comment; with a semicolon\n/* block; comment */ SELECT 2",
    { name: "psql meta-commands are skipped, not syntax errors", code: "\\set ON_ERROR_STOP on\nSELECT 1;" },
    { name: "CRLF line endings", code: "SELECT 1;\r\nSELECT 2;\r\n" },
  ],
  invalid: [
    {
      name: "a misspelt keyword in the middle of a file",
      code: "SELECT 1;\nSELEC 2;\nSELECT 3;",
      errors: [{ messageId: "syntaxError", line: 2, column: 1, endLine: 2, endColumn: 6, includes: ['syntax error at or near "SELEC"', "the rest of the file was still linted"] }],
    },
    {
      name: "an incomplete statement points at its last token",
      code: "SELECT 1;\nALTER TABLE users ADD COLUMN;\nSELECT 3;",
      errors: [{ messageId: "syntaxError", line: 2, column: 23, endLine: 2, endColumn: 29, includes: ["at end of input"] }],
    },
    {
      name: "a trailing comma in a multi-line CREATE TABLE",
      code: "CREATE TABLE users (\n  id bigint,\n  email text,\n);",
      errors: [{ messageId: "syntaxError", line: 4, column: 1, endLine: 4, endColumn: 2, includes: ['at or near ")"'] }],
    },
    {
      name: "after emoji and accents, columns count UTF-16 units",
      code: "SELECT '😀😀 é'; SELECT * FORM users;",
      errors: [{ messageId: "syntaxError", line: 1, column: 27, endLine: 1, endColumn: 31, includes: ['"FORM"'] }],
    },
    {
      name: "in a CRLF file",
      code: "SELECT 1;\r\nSELECT * FORM users;\r\nSELECT 3;\r\n",
      errors: [{ messageId: "syntaxError", line: 2, column: 10, endLine: 2, endColumn: 14 }],
    },
    {
      name: "several errors, each in its own statement",
      code: "SELEC 1;\nSELECT 2;\nINSERT INTO;\n",
      errors: [
        { messageId: "syntaxError", line: 1, column: 1, endColumn: 6 },
        { messageId: "syntaxError", line: 3, column: 8, endColumn: 12 },
      ],
    },
    {
      name: "an unterminated string at the end of the file",
      code: "SELECT 1;\nUPDATE users SET name = 'Ada;\n",
      errors: [{ messageId: "syntaxError", line: 2, column: 25, includes: ["unterminated quoted string"] }],
    },
    {
      name: "an unterminated dollar quote at the end of the file",
      code: "SELECT 1;\nDO $body$\nBEGIN\n  PERFORM 1;\nEND\n",
      errors: [{ messageId: "syntaxError", line: 2, column: 4, includes: ["unterminated dollar-quoted string"] }],
    },
    {
      name: "an unterminated quoted identifier at the end of the file",
      code: 'SELECT 1;\nSELECT "name FROM users;',
      errors: [{ messageId: "syntaxError", line: 2, column: 8, includes: ["unterminated quoted identifier"] }],
    },
    {
      name: "realistic migration with a trailing comma and a missing semicolon",
      fixture: "invalid/broken-migration.sql",
      errors: [
        { messageId: "syntaxError", line: 6, column: 1, endLine: 6, endColumn: 2 },
        { messageId: "syntaxError", line: 11, column: 1, endLine: 11, endColumn: 6, includes: ['at or near "ALTER"'] },
      ],
    },
    {
      name: "an unterminated block comment at the end of the file",
      code: "SELECT 1;\nSELECT 2; /* the end",
      errors: [{ messageId: "syntaxError", line: 2, column: 11, includes: ["unterminated /* comment"] }],
    },
  ],
});

describe("the rest of the file is still linted", () => {
  const lint = (code: string) =>
    lintSource(code, { rules, severities: { "syntax-error": 2, "require-concurrent-index-creation": 2 }, migration: { pgVersion: 15 } }).messages.map(
      (m) => `${m.line}:${m.column} ${m.ruleId}`,
    );

  it("statements before and after a syntax error get their findings", () => {
    expect(lint("CREATE INDEX a_idx ON t (a);\nALTER TABLE t ADD COLUMN;\nCREATE INDEX b_idx ON t (b);")).toEqual([
      "1:1 require-concurrent-index-creation",
      "2:19 syntax-error",
      "3:1 require-concurrent-index-creation",
    ]);
  });

  it("after emoji, in a CRLF file", () => {
    expect(lint("SELECT '😀';\r\nSELEC 1;\r\nCREATE INDEX b_idx ON t (b);\r\n")).toEqual(["2:1 syntax-error", "3:1 require-concurrent-index-creation"]);
  });

  it("statements before an unterminated string or dollar quote at the end", () => {
    expect(lint("CREATE INDEX a_idx ON t (a);\nSELECT 'oops")).toEqual(["1:1 require-concurrent-index-creation", "2:8 syntax-error"]);
    expect(lint("CREATE INDEX a_idx ON t (a);\nDO $$ BEGIN CREATE INDEX b_idx ON t (b); END")).toEqual(["1:1 require-concurrent-index-creation", "2:4 syntax-error"]);
  });

  it("in a realistic file, the statements around the errors are linted (the broken CREATE TABLE creates nothing)", () => {
    const code = readFileSync(join(FIXTURES, "syntax-error", "invalid", "broken-migration.sql"), "utf8");
    expect(lint(code)).toEqual([
      "6:1 syntax-error",
      "8:1 require-concurrent-index-creation",
      "11:1 syntax-error",
      "13:1 require-concurrent-index-creation",
    ]);
  });

  it("a file of psql meta-commands and SQL", () => {
    expect(lint("\\connect app\nCREATE INDEX a_idx ON t (a);\n\\echo done\nSELEC 1;")).toEqual(["2:1 require-concurrent-index-creation", "4:1 syntax-error"]);
  });
});
