/**
 * Hidden statements (src/parser/plpgsql.ts): the SQL of DO blocks, of PL/pgSQL functions the file
 * calls and of EXECUTE 'literal', with exact positions in the file.
 */
import { describe, expect, it, vi } from "vitest";
import type { AstObject, ParsedSql, ParsedStatement } from "../../src/parser/parse.js";
import { parseSql } from "../../src/parser/parse.js";
import { decodeStringLiteral } from "../../src/parser/plpgsql.js";
import { SourceText } from "../../src/parser/positions.js";
import * as wasm from "../../src/parser/wasm.js";

vi.mock("../../src/parser/wasm.js", async (importOriginal) => {
  const original = await importOriginal<typeof wasm>();
  return { ...original, parsePlPgSQLSync: vi.fn(original.parsePlPgSQLSync) };
});

const hidden = (parsed: ParsedSql): ParsedStatement[] => parsed.statements.filter((s) => s.hiddenIn);

/** 1-based line:column of a UTF-16 index. */
function at(parsed: ParsedSql, index: number): string {
  const p = parsed.source.positionAt(index);
  return `${p.line}:${p.column}`;
}

/** Where a node location of a statement is in the file (what PgSourceCode.indexOfLocation does). */
function locationAt(parsed: ParsedSql, statement: ParsedStatement, location: number | undefined): string {
  const index = statement.locate ? statement.locate(location ?? 0) : parsed.source.indexFromByte(statement.byteBase + (location ?? 0));
  return at(parsed, index);
}

function relationLocation(statement: ParsedStatement): number | undefined {
  return (statement.node.relation as AstObject | undefined)?.location as number | undefined;
}

/** The shape tests compare: type, kind, containing statement, start and end position, text. */
function summary(parsed: ParsedSql): string[] {
  return hidden(parsed).map((s) => `${s.type} [${s.hiddenIn!.kind} in ${s.hiddenIn!.statement}] ${at(parsed, s.start)}-${at(parsed, s.end)} ${s.text}`);
}

/** The summary line expected for `text`, placed where it appears in `sql` (the n-th time, from 0). */
function expected(sql: string, type: string, where: string, text: string, n = 0): string {
  let start = -1;
  for (let k = 0; k <= n; k++) start = sql.indexOf(text, start + 1);
  if (start < 0) throw new Error(`"${text}" is not in the SQL`);
  const source = new SourceText(sql);
  const pos = (i: number): string => `${source.positionAt(i).line}:${source.positionAt(i).column}`;
  return `${type} [${where}] ${pos(start)}-${pos(start + text.length)} ${text}`;
}

/** line:column of the first `needle` in `sql` (to check node locations). */
function find(sql: string, needle: string): string {
  const p = new SourceText(sql).positionAt(sql.indexOf(needle));
  return `${p.line}:${p.column}`;
}

describe("DO blocks", () => {
  it("puts each statement of a one-line DO block right after it, at its own position", () => {
    const sql = "SELECT 1;\nDO $$ BEGIN CREATE INDEX users_email_idx ON users (email); ALTER TABLE users ADD COLUMN n int; END $$;\nSELECT 2;";
    const parsed = parseSql(sql);
    expect(parsed.statements.map((s) => s.type)).toEqual(["SelectStmt", "DoStmt", "IndexStmt", "AlterTableStmt", "SelectStmt"]);
    expect(parsed.statements.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    // Column 13 of line 2 is the C of CREATE; end positions are exclusive.
    expect(summary(parsed)).toEqual([
      "IndexStmt [do in 1] 2:13-2:58 CREATE INDEX users_email_idx ON users (email)",
      "AlterTableStmt [do in 1] 2:60-2:94 ALTER TABLE users ADD COLUMN n int",
    ]);
    const [index, alter] = hidden(parsed);
    expect(index!.hiddenIn).toEqual({ kind: "do", statement: 1, runBy: 1, commitsBefore: 0 });
    expect(locationAt(parsed, index!, relationLocation(index!))).toBe("2:45");
    expect(locationAt(parsed, alter!, relationLocation(alter!))).toBe(find(sql, "users ADD"));
  });

  it("finds statements of a multi-line block with a $tag$ quote, in nested IF / LOOP / exception blocks", () => {
    const sql = [
      "DO $body$",
      "DECLARE",
      "  n int;",
      "BEGIN",
      "  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_email_idx') THEN",
      "    CREATE INDEX users_email_idx",
      "      ON users (email);",
      "  ELSE",
      "    DROP INDEX users_email_idx;",
      "  END IF;",
      "  FOR i IN 1..3 LOOP",
      "    UPDATE users SET n = i WHERE id = i;",
      "  END LOOP;",
      "  BEGIN",
      "    ALTER TABLE users ALTER COLUMN n SET NOT NULL;",
      "  EXCEPTION WHEN others THEN",
      "    TRUNCATE users;",
      "  END;",
      "END",
      "$body$;",
    ].join("\n");
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      "IndexStmt [do in 0] 6:5-7:23 CREATE INDEX users_email_idx\n      ON users (email)",
      expected(sql, "DropStmt", "do in 0", "DROP INDEX users_email_idx"),
      expected(sql, "UpdateStmt", "do in 0", "UPDATE users SET n = i WHERE id = i"),
      expected(sql, "AlterTableStmt", "do in 0", "ALTER TABLE users ALTER COLUMN n SET NOT NULL"),
      expected(sql, "TruncateStmt", "do in 0", "TRUNCATE users"),
    ]);
    expect(locationAt(parsed, hidden(parsed)[0]!, relationLocation(hidden(parsed)[0]!))).toBe("7:10");
  });

  it("maps positions through a quoted body with doubled quotes", () => {
    const sql = "DO 'BEGIN UPDATE users SET name = ''it''''s'' WHERE id = 1; ALTER TABLE users ADD COLUMN c text DEFAULT ''x''; END';";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      expected(sql, "UpdateStmt", "do in 0", "UPDATE users SET name = ''it''''s'' WHERE id = 1"),
      expected(sql, "AlterTableStmt", "do in 0", "ALTER TABLE users ADD COLUMN c text DEFAULT ''x''"),
    ]);
    const alter = hidden(parsed)[1]!;
    // The DEFAULT constant comes after the doubled quotes of the UPDATE: its location counts the
    // decoded text, its position in the file is further on.
    const def = /"A_Const":\{"sval":\{"sval":"x"\},"location":(\d+)\}/.exec(JSON.stringify(alter.node));
    expect(def).not.toBeNull();
    expect(locationAt(parsed, alter, Number(def![1]))).toBe(find(sql, "''x''"));
    expect(locationAt(parsed, alter, relationLocation(alter))).toBe(find(sql, "users ADD"));
  });

  it("maps positions through an E'' body with backslash escapes", () => {
    const sql = "DO E'BEGIN\\n  ALTER TABLE users ADD COLUMN c int;\\n  UPDATE users SET n = \\'a\\\\b\\';\\nEND';";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      expected(sql, "AlterTableStmt", "do in 0", "ALTER TABLE users ADD COLUMN c int"),
      expected(sql, "UpdateStmt", "do in 0", "UPDATE users SET n = \\'a\\\\b\\'"),
    ]);
    const update = hidden(parsed)[1]!;
    const value = /"A_Const":\{"sval":\{"sval":"a\\\\b"\},"location":(\d+)\}/.exec(JSON.stringify(update.node));
    expect(value).not.toBeNull();
    expect(locationAt(parsed, update, Number(value![1]))).toBe(find(sql, "\\'a"));
  });

  it("counts positions in UTF-16 units after emoji before and inside the block", () => {
    const sql = "-- 🚀 déploiement\nSELECT '😀'; DO $$ BEGIN\n  RAISE NOTICE '✓ 😀';\n  CREATE INDEX ON \"tâches\" (état);\nEND $$;";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual(['IndexStmt [do in 1] 4:3-4:34 CREATE INDEX ON "tâches" (état)']);
    const index = hidden(parsed)[0]!;
    expect(locationAt(parsed, index, relationLocation(index))).toBe("4:19");
    // A dollar-quoted body is verbatim: byteBase alone gives the same position.
    expect(parsed.source.indexFromByte(index.byteBase + (relationLocation(index) ?? 0))).toBe(index.locate!(relationLocation(index)!));
  });

  it("handles CRLF line endings", () => {
    const sql = "SELECT 1;\r\nDO $$\r\nBEGIN\r\n  ALTER TABLE users\r\n    ADD COLUMN n int;\r\n  DROP TABLE old_users;\r\nEND $$;\r\n";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      "AlterTableStmt [do in 1] 4:3-5:21 ALTER TABLE users\r\n    ADD COLUMN n int",
      "DropStmt [do in 1] 6:3-6:23 DROP TABLE old_users",
    ]);
  });

  it("keeps PERFORM and SELECT ... INTO at their place although PL/pgSQL rewrites them", () => {
    const sql = "DO $$ DECLARE v int; BEGIN PERFORM  pg_sleep(1); SELECT count(*) INTO STRICT v FROM users WHERE id > 0; END $$;";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      expected(sql, "SelectStmt", "do in 0", "PERFORM  pg_sleep(1)"),
      expected(sql, "SelectStmt", "do in 0", "SELECT count(*) INTO STRICT v FROM users WHERE id > 0"),
    ]);
    const [perform, select] = hidden(parsed);
    const call = (perform!.node.targetList as { ResTarget: { val: { FuncCall: { location: number } } } }[])[0]!.ResTarget.val.FuncCall;
    expect(locationAt(parsed, perform!, call.location)).toBe(find(sql, "pg_sleep"));
    expect(locationAt(parsed, perform!, undefined)).toBe(find(sql, "PERFORM"));
    const from = (select!.node.fromClause as { RangeVar: { location: number } }[])[0]!.RangeVar;
    expect(locationAt(parsed, select!, from.location)).toBe(find(sql, "users"));
  });

  it("does not expand DO blocks in other languages", () => {
    expect(hidden(parseSql("DO LANGUAGE plperl $$ my $x = 1; $$;"))).toEqual([]);
  });

  it("counts COMMIT and ROLLBACK run before each statement", () => {
    const parsed = parseSql("DO $$ BEGIN UPDATE a SET x = 1; COMMIT; UPDATE b SET x = 1; ROLLBACK; UPDATE c SET x = 1; END $$;");
    expect(hidden(parsed).map((s) => s.hiddenIn!.commitsBefore)).toEqual([0, 1, 2]);
  });

  it("reports a syntax error of the body inside the block, and only real syntax errors", () => {
    const sql = "SELECT 1;\nDO $$\nBEGIN\n  ALTER TABLE {{ schema }}.users ADD COLUMN n int;\nEND $$;";
    const parsed = parseSql(sql);
    expect(parsed.errors).toHaveLength(1);
    const error = parsed.errors[0]!;
    expect(error.message).toBe('syntax error at or near "{" (in the DO block)');
    expect(at(parsed, error.start)).toBe("4:15");
    expect(error.hiddenIn).toEqual({ kind: "do", statement: 1 });
    expect([error.statementStart, error.statementEnd]).toEqual([parsed.statements[1]!.start, parsed.statements[1]!.end]);

    const incomplete = parseSql("DO $$ BEGIN\n  UPDATE users SET n = 1;\n  CREATE INDEX ON ;\nEND $$;");
    expect(incomplete.errors.map((e) => `${at(incomplete, e.start)} ${incomplete.text.slice(e.start, e.end)} ${e.message}`)).toEqual([
      "3:16 ON syntax error at end of input (in the DO block)",
    ]);
    const missingEndIf = parseSql("DO $$ BEGIN\n  IF true THEN\n    UPDATE users SET n = 1;\nEND $$;");
    expect(missingEndIf.errors.map((e) => `${at(missingEndIf, e.start)} ${e.message}`)).toEqual(["4:1 syntax error at end of input (in the DO block)"]);

    // Errors that need a catalog or are not syntax: the body is not linted, nothing is reported.
    expect(parseSql("DO $$ BEGIN SELECT 1 INTO undeclared; END $$;").errors).toEqual([]);
  });

  it("expands a DO block nested in a DO block", () => {
    const sql = "DO $outer$ BEGIN DO $inner$ BEGIN DROP TABLE t; END $inner$; END $outer$;";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      expected(sql, "DoStmt", "do in 0", "DO $inner$ BEGIN DROP TABLE t; END $inner$"),
      expected(sql, "DropStmt", "do in 1", "DROP TABLE t"),
    ]);
    expect(hidden(parsed)[1]!.hiddenIn!.runBy).toBe(0);
  });
});

describe("EXECUTE", () => {
  it("parses a string literal, inside its quotes, with doubled quotes", () => {
    const sql = "DO $$ BEGIN\n  EXECUTE 'ALTER TABLE users ADD COLUMN c text DEFAULT ''x''';\nEND $$;";
    const parsed = parseSql(sql);
    // Column 12 of line 2 is the A of ALTER, just inside the quote.
    expect(summary(parsed)).toEqual(["AlterTableStmt [execute in 0] 2:12-2:61 ALTER TABLE users ADD COLUMN c text DEFAULT ''x''"]);
    const alter = hidden(parsed)[0]!;
    expect(locationAt(parsed, alter, relationLocation(alter))).toBe("2:24");
  });

  it("parses a concatenation of literals, a dollar-quoted literal and several statements", () => {
    const sql = "DO $$ BEGIN EXECUTE 'ALTER TABLE users ' || 'ADD COLUMN c int'; EXECUTE $q$DROP TABLE a; DROP TABLE b$q$; END $$;";
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      expected(sql, "AlterTableStmt", "execute in 0", "ALTER TABLE users ' || 'ADD COLUMN c int"),
      expected(sql, "DropStmt", "execute in 0", "DROP TABLE a"),
      expected(sql, "DropStmt", "execute in 0", "DROP TABLE b"),
    ]);
    const alter = hidden(parsed)[0]!;
    const cmd = (alter.node.cmds as { AlterTableCmd: { def: { ColumnDef: { location: number } } } }[])[0]!.AlterTableCmd.def.ColumnDef;
    expect(locationAt(parsed, alter, cmd.location)).toBe(find(sql, "c int"));
  });

  it("leaves anything that is not a literal alone", () => {
    const sql = [
      "DO $$ DECLARE t text := 'users'; BEGIN",
      "  EXECUTE format('ALTER TABLE %I ADD COLUMN c int', t);",
      "  EXECUTE 'ALTER TABLE ' || quote_ident(t) || ' ADD COLUMN c int';",
      "  EXECUTE t;",
      "  EXECUTE 'not sql at all';",
      "END $$;",
    ].join("\n");
    expect(hidden(parseSql(sql))).toEqual([]);
  });
});

describe("functions the file calls", () => {
  const create = "CREATE FUNCTION backfill() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN\n  ALTER TABLE users ALTER COLUMN n SET NOT NULL;\nEND $fn$;\n";

  it("expands the body at the call, with positions in the CREATE FUNCTION", () => {
    const parsed = parseSql(`${create}SELECT 1;\nSELECT backfill();\n`);
    expect(parsed.statements.map((s) => s.type)).toEqual(["CreateFunctionStmt", "SelectStmt", "SelectStmt", "AlterTableStmt"]);
    expect(summary(parsed)).toEqual(["AlterTableStmt [function in 0] 3:3-3:48 ALTER TABLE users ALTER COLUMN n SET NOT NULL"]);
    expect(hidden(parsed)[0]!.hiddenIn).toEqual({ kind: "function", statement: 0, runBy: 2, commitsBefore: 0 });
  });

  it("does not parse a function that is never called (or only before it is created, or after it is dropped)", () => {
    const plpgsql = vi.mocked(wasm.parsePlPgSQLSync);
    plpgsql.mockClear();
    expect(hidden(parseSql(`${create}SELECT 1;`))).toEqual([]);
    expect(hidden(parseSql(`SELECT backfill();\n${create}`))).toEqual([]);
    expect(hidden(parseSql(`${create}DROP FUNCTION backfill();\nSELECT backfill();`))).toEqual([]);
    expect(hidden(parseSql("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;"))).toEqual([]);
    expect(plpgsql).not.toHaveBeenCalled();
    parseSql("DO $$ BEGIN NULL; END $$;");
    expect(plpgsql).toHaveBeenCalledTimes(1);
  });

  it("counts the call forms: SELECT f() (also cast or FROM f()), CALL p(), PERFORM f() in a DO block", () => {
    const fn = (name: string, table: string): string =>
      `CREATE FUNCTION ${name}(n int DEFAULT 1) RETURNS int LANGUAGE plpgsql AS $$ BEGIN DROP TABLE ${table}; RETURN n; END $$;\n`;
    const calls = [
      "SELECT a();",
      "SELECT b(2)::text, 1;",
      "SELECT * FROM c(3);",
      "DO $$ BEGIN PERFORM d(); END $$;",
      "SELECT e() FROM users;",
      "SELECT f() WHERE false;",
      "SELECT 1 + g();",
    ];
    const sql = ["a", "b", "c", "d", "e", "f", "g"].map((n) => fn(n, `t_${n}`)).join("") + calls.join("\n");
    const dropped = hidden(parseSql(sql))
      .filter((s) => s.type === "DropStmt")
      .map((s) => s.text);
    expect(dropped).toEqual(["DROP TABLE t_a", "DROP TABLE t_b", "DROP TABLE t_c", "DROP TABLE t_d"]);

    const procedureSql = "CREATE PROCEDURE app.migrate() LANGUAGE plpgsql AS $$ BEGIN TRUNCATE t; COMMIT; DROP TABLE u; END $$;\nCALL app.migrate();";
    const procedure = parseSql(procedureSql);
    expect(summary(procedure)).toEqual([
      expected(procedureSql, "TruncateStmt", "function in 0", "TRUNCATE t"),
      expected(procedureSql, "DropStmt", "function in 0", "DROP TABLE u"),
    ]);
    expect(procedure.statements.map((s) => s.type)).toEqual(["CreateFunctionStmt", "CallStmt", "TruncateStmt", "DropStmt"]);
    expect(hidden(procedure).map((s) => s.hiddenIn!.commitsBefore)).toEqual([0, 1]);
    // `migrate()` is public.migrate, not app.migrate.
    expect(hidden(parseSql("CREATE PROCEDURE app.migrate() LANGUAGE plpgsql AS $$ BEGIN TRUNCATE t; END $$;\nCALL migrate();"))).toEqual([]);
  });

  it("picks the overload whose parameters fit, expands a body once, and stops at recursion", () => {
    const sql = [
      "CREATE FUNCTION f(a int) RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE one_arg; END $$;",
      "CREATE FUNCTION f(a int, b int) RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE two_args; PERFORM f(a, b); END $$;",
      "SELECT f(1, 2);",
      "SELECT f(1, 2);",
      "SELECT f(1);",
    ].join("\n");
    const parsed = parseSql(sql);
    expect(summary(parsed)).toEqual([
      expected(sql, "DropStmt", "function in 1", "DROP TABLE two_args"),
      expected(sql, "SelectStmt", "function in 1", "PERFORM f(a, b)"),
      expected(sql, "DropStmt", "function in 0", "DROP TABLE one_arg"),
    ]);
    expect(parsed.statements.map((s) => `${s.index} ${s.type}${s.hiddenIn ? ` run by ${s.hiddenIn.runBy}` : ""}`)).toEqual([
      "0 CreateFunctionStmt",
      "1 CreateFunctionStmt",
      "2 SelectStmt",
      "3 DropStmt run by 2",
      "4 SelectStmt run by 2",
      "5 SelectStmt",
      "6 SelectStmt",
      "7 DropStmt run by 6",
    ]);
  });

  it("does not report a body that only libpg-query cannot handle (%TYPE needs a catalog)", () => {
    const parsed = parseSql("CREATE FUNCTION f(x users.id%TYPE) RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE t; END $$;\nSELECT f(1);");
    expect(parsed.errors).toEqual([]);
    expect(hidden(parsed)).toEqual([]);
  });

  it("treats PL/pgSQL variables in queries as parameters, as PL/pgSQL does", () => {
    const parsed = parseSql("DO $$ DECLARE r record; BEGIN FOR r IN SELECT id FROM users LOOP UPDATE users SET n = 1 WHERE id = r.id; END LOOP; END $$;");
    const update = hidden(parsed).find((s) => s.type === "UpdateStmt")!;
    const where = update.node.whereClause as { A_Expr: { lexpr: Record<string, unknown>; rexpr: Record<string, unknown> } };
    expect(Object.keys(where.A_Expr.lexpr)).toEqual(["ColumnRef"]);
    expect(Object.keys(where.A_Expr.rexpr)).toEqual(["ParamRef"]);
  });
});

describe("string literals", () => {
  it("decodes each form with the offset of every character", () => {
    expect(decodeStringLiteral("$a$x'y$a$")).toEqual({ value: "x'y", offsets: [3, 4, 5, 6] });
    expect(decodeStringLiteral("'it''s'")).toEqual({ value: "it's", offsets: [1, 2, 3, 5, 6] });
    expect(decodeStringLiteral("'a'\n  'b'")).toEqual({ value: "ab", offsets: [1, 7, 8] });
    expect(decodeStringLiteral("E'a\\n\\'\\x41\\u00e9'")).toEqual({ value: "a\n'Aé", offsets: [2, 3, 5, 7, 11, 17] });
    expect(decodeStringLiteral("U&'d\\0061t'")).toBeUndefined();
    expect(decodeStringLiteral("'a' 'b'")).toBeUndefined();
  });
});

describe("source positions", () => {
  it("keeps the whole last statement when it has no semicolon and non-ASCII text", () => {
    // SourceText.byteLength used to return the UTF-16 length, cutting such a statement short.
    expect(parseSql("SELECT 1; SELECT 'é😀 abc'").statements.map((s) => s.text)).toEqual(["SELECT 1", "SELECT 'é😀 abc'"]);
  });
});
