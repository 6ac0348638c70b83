/**
 * When a type fix is safe to apply (src/analysis/fix-safety.ts): a column of a table the file
 * creates is retyped by a fix only when nothing else in the file mentions it; a mention in a
 * string (a function body, dynamic SQL) counts, as a whole word and whatever its case.
 */
import { describe, expect, it } from "vitest";
import { lintText } from "../../src/index.js";

function jsonbFinding(sql: string): { fix: boolean; suggestion: boolean } {
  const result = lintText(sql, { rules: { "prefer-jsonb": "warn" } });
  const messages = result.messages.filter((m) => m.ruleId === "prefer-jsonb");
  expect(messages).toHaveLength(1);
  return { fix: messages[0]!.fix !== undefined, suggestion: (messages[0]!.suggestions ?? []).length > 0 };
}

const table = "CREATE TABLE docs (id bigint PRIMARY KEY, doc json);\n";

describe("fix safety: mentions of a retyped column", () => {
  it("no other mention: a fix", () => {
    expect(jsonbFinding(`${table}CREATE INDEX docs_id ON docs (id);\n`)).toEqual({ fix: true, suggestion: false });
  });

  it("a function body naming the table and the column (any case): a suggestion", () => {
    for (const body of ["SELECT doc FROM docs", "SELECT DOC FROM Docs", "select t.doc->>'a' from public.docs t"]) {
      const sql = `${table}CREATE FUNCTION f() RETURNS SETOF json LANGUAGE sql AS $$ ${body} $$;\n`;
      expect(jsonbFinding(sql), body).toEqual({ fix: false, suggestion: true });
    }
  });

  it("dynamic SQL in a DO block naming them: a suggestion", () => {
    const sql = `${table}DO $$ BEGIN EXECUTE 'UPDATE docs SET doc = ''{}'''; END $$;\n`;
    expect(jsonbFinding(sql)).toEqual({ fix: false, suggestion: true });
  });

  it("a quoted mixed-case column name in a string: a suggestion", () => {
    const sql = 'CREATE TABLE docs (id bigint PRIMARY KEY, "Doc" json);\nCREATE FUNCTION f() RETURNS SETOF json LANGUAGE sql AS $$ SELECT "Doc" FROM docs $$;\n';
    expect(jsonbFinding(sql)).toEqual({ fix: false, suggestion: true });
  });

  it("the column's name only inside longer words of a string: a fix", () => {
    const sql = `${table}CREATE FUNCTION f() RETURNS SETOF text LANGUAGE sql AS $$ SELECT document FROM docs_archive $$;\n`;
    expect(jsonbFinding(sql)).toEqual({ fix: true, suggestion: false });
  });

  it("a quoted column name with a space, mentioned in a string: a suggestion; elsewhere in a word: a fix", () => {
    const quoted = 'CREATE TABLE docs (id bigint PRIMARY KEY, "my doc" json);\n';
    const mention = `${quoted}CREATE FUNCTION f() RETURNS SETOF json LANGUAGE sql AS $$ SELECT "my doc" FROM docs $$;\n`;
    expect(jsonbFinding(mention)).toEqual({ fix: false, suggestion: true });
    const inWord = `${quoted}CREATE FUNCTION f() RETURNS SETOF json LANGUAGE sql AS $$ SELECT "my docs" FROM docs $$;\n`;
    expect(jsonbFinding(inWord)).toEqual({ fix: true, suggestion: false });
  });
});
