/**
 * The JavaScript lexer against PostgreSQL's own scanner (libpg-query's scanSync): the same token
 * boundaries, kinds and upper-cased words on every file of the corpus the scanner can scan, plus
 * the corners of scan.l one by one, and what the lexer does where the scanner gives up.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sqlFilesBelow } from "../harness/files.js";
import { lexSql } from "../../src/parser/lexer.js";
import { SourceText } from "../../src/parser/positions.js";
import { scanWithPostgres, tokenize, type Token } from "../../src/parser/tokens.js";
import { parseSql } from "../../src/parser/parse.js";
import { PgSourceCode } from "../../src/language/source-code.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CORPUS = join(ROOT, "..", "shared", "corpus");

const shape = (tokens: Token[], text: string) => tokens.map((t) => `${t.kind} ${t.start}-${t.end} ${text.slice(t.start, t.end)}${t.kind === "word" ? ` ${t.upper}` : ""}`);
const texts = (sql: string) => lexSql(sql).map((t) => sql.slice(t.start, t.end));

/**
 * Where the two disagree on purpose: libpg-query names B'...', X'...' and U&'...' constants with
 * token names the old mapping did not know, so it called them words; they are strings.
 */
function normalise(tokens: Token[], text: string): Token[] {
  return tokens.map((t) => (t.kind === "word" && /^(?:[bBxX]|[uU]&)'/.test(text.slice(t.start, t.end)) ? { ...t, kind: "string", upper: text.slice(t.start, t.end) } : t));
}

describe("lexer", () => {
  it("agrees with PostgreSQL's scanner on every corpus file it can scan", (ctx) => {
    const dirs = [join(CORPUS, "real-world"), join(CORPUS, "pg-regress")].filter((d) => existsSync(d));
    if (dirs.length === 0) {
      console.warn(`lexer: ${CORPUS} is not there; comparing on the fixtures only.`);
      dirs.push(join(ROOT, "fixtures"));
    }
    let compared = 0;
    for (const file of dirs.flatMap(sqlFilesBelow)) {
      const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
      const reference = scanWithPostgres(new SourceText(text));
      if (!reference) continue;
      compared++;
      expect(shape(lexSql(text), text), file).toEqual(shape(normalise(reference, text), text));
    }
    expect(compared).toBeGreaterThan(dirs.length === 1 ? 50 : 4000);
    if (compared === 0) ctx.skip();
  });

  it("a statement's tokens (its share of the file's) equal the statement lexed alone, on every corpus file", () => {
    const dirs = [join(CORPUS, "real-world")].filter((d) => existsSync(d));
    if (dirs.length === 0) {
      console.warn(`lexer: ${CORPUS} is not there; comparing on the fixtures only.`);
      dirs.push(join(ROOT, "fixtures"));
    }
    const key = (t: Token, offset: number) => `${t.kind} ${t.start + offset}-${t.end + offset} ${t.upper}${t.unterminated ? " unterminated" : ""}`;
    let compared = 0;
    for (const file of dirs.flatMap(sqlFilesBelow)) {
      const parsed = parseSql(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
      // The file lexed first: tokensOf then takes each statement's share of the file's tokens.
      const fileTokens = parsed.tokens;
      expect(parsed.lexedTokens).toBe(fileTokens);
      const sourceCode = new PgSourceCode(parsed);
      for (const statement of parsed.statements) {
        if (statement.hiddenIn || statement.locate) continue;
        compared++;
        const alone = tokenize(new SourceText(statement.text)).map((t) => key(t, statement.start));
        expect(sourceCode.tokensOf(statement).map((t) => key(t, 0)), `${file} statement ${statement.index}`).toEqual(alone);
      }
    }
    expect(compared).toBeGreaterThan(50);
  }, 120_000);

  it("numbers: underscores, prefixes, decimals, exponents, and `..`", () => {
    expect(texts("SELECT 1_000, 0x1F, 0o17, 0b101, 1.5, .5, 1., 1e10, 2.5E-3, 1..2")).toEqual([
      "SELECT", "1_000", ",", "0x1F", ",", "0o17", ",", "0b101", ",", "1.5", ",", ".5", ",", "1.", ",", "1e10", ",", "2.5E-3", ",", "1", "..", "2",
    ]);
  });

  it("operators: typecasts, comment openers inside, trailing + and -", () => {
    expect(texts("a::int b:=1 c=>2 d<=3 e<>f g!=h")).toEqual(["a", "::", "int", "b", ":=", "1", "c", "=>", "2", "d", "<=", "3", "e", "<>", "f", "g", "!=", "h"]);
    expect(texts("x*-1 y=-1 z@-1 w->>'k'")).toEqual(["x", "*", "-", "1", "y", "=", "-", "1", "z", "@-", "1", "w", "->>", "'k'"]);
    expect(texts("a+--c\nb")).toEqual(["a", "+", "--c", "b"]);
    expect(texts("a*/*c*/b")).toEqual(["a", "*", "/*c*/", "b"]);
  });

  it("strings: escapes, prefixes, continuation on a later line, dollar quotes and parameters", () => {
    expect(texts("E'it\\'s' 'a''b' B'101' X'1F' N'n' U&'\\0041'")).toEqual(["E'it\\'s'", "'a''b'", "B'101'", "X'1F'", "N", "'n'", "U&'\\0041'"]);
    expect(texts("'con'\n  -- note\n'tinued' 'not' 'joined'")).toEqual(["'con'\n  -- note\n'tinued'", "'not'", "'joined'"]);
    expect(texts("$$ a ; ' $$ $fn$ $$ $fn$ $1 a$b")).toEqual(["$$ a ; ' $$", "$fn$ $$ $fn$", "$1", "a$b"]);
    expect(lexSql("'x' 'y'").map((t) => t.kind)).toEqual(["string", "string"]);
  });

  it("identifiers: quoted, U&\"...\", non-ASCII, keywords upper-cased", () => {
    const sql = 'select "My ""Table""", U&"d\\0061t", café, 日本';
    expect(texts(sql)).toEqual(["select", '"My ""Table"""', ",", 'U&"d\\0061t"', ",", "café", ",", "日本"]);
    expect(lexSql(sql).map((t) => t.upper)).toEqual(["SELECT", '"My ""Table"""', ",", 'U&"D\\0061T"', ",", "CAFÉ", ",", "日本"]);
  });

  it("comments: nested block comments, and the kinds of ; ( ) \\", () => {
    expect(lexSql("/* a /* b */ c */ ( ; ) \\x").map((t) => t.kind)).toEqual(["comment-block", "open-paren", "semicolon", "close-paren", "backslash", "word"]);
  });

  it("where the scanner gives up, the lexer marks the unclosed token and runs it to the end", () => {
    for (const sql of ["SELECT 'abc", 'SELECT "abc', "SELECT $$abc", "SELECT /* abc", "SELECT E'ab\\'"]) {
      expect(scanWithPostgres(new SourceText(sql)), sql).toBeUndefined();
      const last = lexSql(sql).at(-1)!;
      expect(last, sql).toMatchObject({ end: sql.length, unterminated: true });
    }
  });

  it("keeps a surrogate pair in one token", () => {
    expect(texts("SELECT 😀")).toEqual(["SELECT", "😀"]);
  });
});
