import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSql, stripBom } from "../../src/parser/parse.js";
import { SourceText } from "../../src/parser/positions.js";
import { lexFallback, splitStatements, tokenize } from "../../src/parser/tokens.js";

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "parser", name), "utf8");

function positions(text: string): { type: string; start: { line: number; column: number }; text: string }[] {
  const parsed = parseSql(text);
  return parsed.statements.map((s) => ({ type: s.type, start: parsed.source.positionAt(s.start), text: s.text }));
}

describe("statement spans", () => {
  it("gives each statement its exact span, without the semicolon or surrounding comments", () => {
    const parsed = parseSql("-- first\nSELECT 1;  /* c */ SELECT 2 ;\n\nSELECT 3");
    expect(parsed.statements.map((s) => s.text)).toEqual(["SELECT 1", "SELECT 2", "SELECT 3"]);
    expect(parsed.statements.map((s) => parsed.source.positionAt(s.start))).toEqual([
      { line: 2, column: 1 },
      { line: 2, column: 20 },
      { line: 4, column: 1 },
    ]);
  });

  it("counts columns in UTF-16 code units after emoji and accented text", () => {
    // 😀 is one code point, two UTF-16 units and four UTF-8 bytes; é is one unit and two bytes.
    expect(positions("SELECT '😀'; SELECT 'é'; CREATE INDEX i ON t (a);")).toEqual([
      { type: "SelectStmt", start: { line: 1, column: 1 }, text: "SELECT '😀'" },
      { type: "SelectStmt", start: { line: 1, column: 14 }, text: "SELECT 'é'" },
      { type: "IndexStmt", start: { line: 1, column: 26 }, text: "CREATE INDEX i ON t (a)" },
    ]);
  });

  it("handles multi-byte text on earlier lines", () => {
    expect(positions("-- 日本語のコメント 🎉\nSELECT 'ü';\n  CREATE TABLE x (a int);")).toEqual([
      { type: "SelectStmt", start: { line: 2, column: 1 }, text: "SELECT 'ü'" },
      { type: "CreateStmt", start: { line: 3, column: 3 }, text: "CREATE TABLE x (a int)" },
    ]);
  });

  it("counts CRLF as one line break", () => {
    expect(positions("SELECT 1;\r\n\r\n  SELECT 2;\r\nSELECT 3;").map((p) => p.start)).toEqual([
      { line: 1, column: 1 },
      { line: 3, column: 3 },
      { line: 4, column: 1 },
    ]);
  });

  it("keeps positions relative to the text without its byte-order mark", () => {
    const { text, bom } = stripBom("\uFEFFSELECT 1;\nSELECT 2;");
    expect(bom).toBe(true);
    expect(positions(text).map((p) => p.start)).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 1 },
    ]);
  });

  it("returns no statements for empty and comment-only files", () => {
    expect(parseSql("").statements).toEqual([]);
    expect(parseSql("  \n\n").statements).toEqual([]);
    const parsed = parseSql("-- only a comment\n/* and a block */\n");
    expect(parsed.statements).toEqual([]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.comments.map((c) => [c.kind, c.value])).toEqual([
      ["line", " only a comment"],
      ["block", " and a block "],
    ]);
  });
});

describe("recovery after a syntax error", () => {
  it("reports the bad statement and still parses every other one", () => {
    const parsed = parseSql(fixture("recovery.sql"));
    expect(parsed.statements.map((s) => s.type)).toEqual(["CreateStmt", "InsertStmt", "CreateFunctionStmt", "IndexStmt"]);
    expect(parsed.errors).toHaveLength(1);
    const error = parsed.errors[0]!;
    expect(error.message).toBe('syntax error at or near "ALTR"');
    expect(parsed.source.positionAt(error.start)).toEqual({ line: 11, column: 15 });
    expect(parsed.text.slice(error.start, error.end)).toBe("ALTR");
    // Semicolons inside strings, dollar quotes and comments did not split statements.
    expect(parsed.statements[1]!.text).toBe("INSERT INTO t VALUES (1, 'a; b')");
    expect(parsed.statements[2]!.text).toContain("RETURN NEW;\nEND;\n$body$");
  });

  it("maps node locations inside a statement parsed on its own", () => {
    const text = "SELECT 'ü😀';\nSELEC broken;\nALTER TABLE   app.users ADD COLUMN a int;";
    const parsed = parseSql(text);
    const alter = parsed.statements.find((s) => s.type === "AlterTableStmt")!;
    const relation = alter.node.relation as { location: number };
    const index = parsed.source.indexFromByte(alter.byteBase + relation.location);
    expect(text.slice(index, index + 9)).toBe("app.users");
  });

  it("points at the error after multi-byte text in a CRLF file", () => {
    const parsed = parseSql("SELECT 'é😀';\r\nSELECT 1 FRM t;\r\nSELECT 2;");
    expect(parsed.statements.map((s) => s.text)).toEqual(["SELECT 'é😀'", "SELECT 2"]);
    expect(parsed.source.positionAt(parsed.errors[0]!.start)).toEqual({ line: 2, column: 14 });
  });

  it("recovers after an unclosed parenthesis at the next semicolon", () => {
    const text = "SELECT 1;\nCREATE TABLE x (\n  a int,\n;\nCREATE INDEX i ON t (a);\nSELECT 2;";
    const parsed = parseSql(text);
    expect(parsed.statements.map((s) => s.text)).toEqual(["SELECT 1", "CREATE INDEX i ON t (a)", "SELECT 2"]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]!.message).toBe("syntax error at end of input");
    expect(parsed.text.slice(parsed.errors[0]!.start, parsed.errors[0]!.end)).toBe(",");
  });

  it("survives an unterminated string: earlier statements are kept", () => {
    const parsed = parseSql("CREATE TABLE a (x int);\nSELECT 'never closed;\nSELECT 2;");
    expect(parsed.statements.map((s) => s.type)).toEqual(["CreateStmt"]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]!.message).toMatch(/unterminated quoted string/);
    expect(parsed.source.positionAt(parsed.errors[0]!.statementStart)).toEqual({ line: 2, column: 1 });
  });

  it("survives an unterminated dollar quote and block comment", () => {
    for (const tail of ["DO $$ BEGIN PERFORM 1;", "/* never closed; SELECT 3;"]) {
      const parsed = parseSql(`SELECT 1;\n${tail}`);
      expect(parsed.statements.map((s) => s.text)).toEqual(["SELECT 1"]);
    }
    expect(parseSql("SELECT 1;\nDO $$ BEGIN PERFORM 1;").errors).toHaveLength(1);
  });

  it("keeps a BEGIN ATOMIC function body together", () => {
    const parsed = parseSql("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\nSELEC x;\nSELECT 3;");
    expect(parsed.statements.map((s) => s.type)).toEqual(["CreateFunctionStmt", "SelectStmt"]);
    expect(parsed.errors).toHaveLength(1);
  });
});

describe("psql meta-commands", () => {
  it("skips them instead of reporting syntax errors", () => {
    const parsed = parseSql(fixture("psql-meta.sql"));
    expect(parsed.errors).toEqual([]);
    expect(parsed.statements.map((s) => s.type)).toEqual(["SelectStmt", "IndexStmt"]);
    expect(parsed.metaCommands.map((m) => parsed.text.slice(m.start, m.end))).toEqual(["\\set ON_ERROR_STOP on", "\\connect app"]);
    expect(parsed.source.positionAt(parsed.statements[1]!.start)).toEqual({ line: 4, column: 1 });
  });
});

describe("splitting", () => {
  it("the fallback lexer and the Postgres scanner split the same way", () => {
    const text = fixture("recovery.sql");
    const scanned = splitStatements(text, tokenize(new SourceText(text)));
    const lexed = splitStatements(text, lexFallback(text));
    expect(lexed.pieces).toEqual(scanned.pieces);
  });

  it("agrees with the parser's statement boundaries on the real-world corpus", async (ctx) => {
    const { existsSync, readdirSync, statSync } = await import("node:fs");
    const root = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real-world");
    if (!existsSync(root)) {
      ctx.skip("../shared/corpus/real-world is not present");
      return;
    }
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith(".sql")) files.push(p);
      }
    };
    walk(root);
    let compared = 0;
    for (const file of files) {
      const text = stripBom(readFileSync(file, "utf8")).text;
      const parsed = parseSql(text);
      if (parsed.errors.length > 0 || /^[ \t]*\\/m.test(text)) continue;
      const split = splitStatements(text, lexFallback(text));
      // Top-level statements only (not those found inside DO blocks and called functions).
      expect(split.pieces.map((p) => p.start), file).toEqual(parsed.statements.filter((s) => !s.hiddenIn).map((s) => s.start));
      compared++;
    }
    expect(compared).toBeGreaterThan(4000);
  });
});
