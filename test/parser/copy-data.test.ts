/**
 * `COPY ... FROM STDIN;` in a psql script (pg_dump writes them) is followed by data rows up to a
 * line `\.`: psql sends them as data, so they are not SQL and must not be reported as syntax
 * errors, whatever quotes or semicolons they hold. Positions after them stay exact.
 */
import { describe, expect, it } from "vitest";
import { blankCopyData, parseSql } from "../../src/parser/parse.js";
import { lintText } from "../../src/index.js";

const INDEX = "CREATE INDEX users_email_idx ON users (email);";

describe("COPY FROM STDIN data", () => {
  it("the rows up to `\\.` are skipped, the statements around them parsed", () => {
    const sql = `COPY public.users (id, email) FROM stdin;\n1\tx@example.com\n2\t'half; "quoted\n\\.\n${INDEX}\n`;
    const parsed = parseSql(sql);
    expect(parsed.errors).toEqual([]);
    expect(parsed.statements.map((s) => s.type)).toEqual(["CopyStmt", "IndexStmt"]);
    expect(parsed.statements[1]!.text).toBe(INDEX.slice(0, -1));
    expect(parsed.metaCommands).toContainEqual({ start: sql.indexOf("1\t"), end: sql.indexOf("\\.") + 2 });
    const finding = lintText(sql).messages.find((m) => m.ruleId === "require-concurrent-index-creation");
    expect(finding).toMatchObject({ line: 5, column: 1 });
  });

  it("CRLF, options after STDIN, lower-case and several blocks", () => {
    const sql = `copy a from STDIN with (format csv);\r\n1,"x;y"\r\n\\.\r\nCOPY b FROM stdin;\r\n$$\r\n\\.\r\n${INDEX}\r\n`;
    const parsed = parseSql(sql);
    expect(parsed.errors).toEqual([]);
    expect(parsed.statements.map((s) => s.type)).toEqual(["CopyStmt", "CopyStmt", "IndexStmt"]);
    expect(blankCopyData(sql).dataBlocks).toHaveLength(2);
    expect(blankCopyData(sql).text).toHaveLength(sql.length);
  });

  it("without a `\\.` line nothing is skipped (the data comes another way)", () => {
    const sql = `COPY users FROM STDIN;\n${INDEX}\n`;
    expect(blankCopyData(sql).dataBlocks).toEqual([]);
    expect(parseSql(sql).statements.map((s) => s.type)).toEqual(["CopyStmt", "IndexStmt"]);
  });

  it("COPY FROM a file, and COPY TO STDOUT, have no data rows", () => {
    const sql = `COPY users FROM '/tmp/users.csv';\nSELECT 1;\n\\.\n`;
    expect(blankCopyData(sql).dataBlocks).toEqual([]);
    expect(blankCopyData("COPY users TO STDOUT;\nx\n\\.\n").dataBlocks).toEqual([]);
  });

  it("data rows that look like SQL are still data", () => {
    const sql = `COPY t FROM stdin;\nDROP TABLE users;\n\\.\n`;
    const result = lintText(sql);
    expect(result.messages.map((m) => m.ruleId)).not.toContain("ban-drop-table");
    expect(result.messages.map((m) => m.ruleId)).not.toContain("syntax-error");
  });
});
