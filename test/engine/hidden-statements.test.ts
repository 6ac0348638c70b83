/**
 * Rules on hidden statements (src/parser/plpgsql.ts): SQL in DO blocks, in PL/pgSQL functions the
 * migration calls and in EXECUTE 'literal' is linted at its own position, with the transaction,
 * lock_timeout and new tables of the point where it runs. The Postgres behaviour the context
 * relies on is checked against PostgreSQL 18 (PGlite) at the end.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import type { MigrationOptions } from "../../src/analysis/context.js";
import { lintSource } from "../../src/engine/linter.js";
import text from "../../src/reporters/text.js";
import type { LintResult } from "../../src/types.js";

function lint(sql: string, ruleIds: string[], migration: Partial<MigrationOptions> = {}): LintResult {
  return lintSource(sql, {
    filePath: "migration.sql",
    rules,
    severities: Object.fromEntries(ruleIds.map((id) => [id, 2 as const])),
    migration: { pgVersion: 15, assumeInTransaction: false, ...migration },
  });
}

/** `rule:messageId line:column-endLine:endColumn` of every finding. */
function findings(result: LintResult): string[] {
  return result.messages.map((m) => `${m.ruleId}:${m.messageId} ${m.line}:${m.column}-${m.endLine}:${m.endColumn}`);
}

describe("DO blocks", () => {
  it("require-concurrent-index-creation flags a plain CREATE INDEX inside a DO block at its own line and column", () => {
    const sql = [
      "SET lock_timeout = '2s';",
      "DO $$",
      "BEGIN",
      "  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx') THEN",
      "    CREATE INDEX users_email_idx ON users (email);",
      "  END IF;",
      "END $$;",
    ].join("\n");
    const result = lint(sql, ["require-concurrent-index-creation"]);
    expect(findings(result)).toEqual(["require-concurrent-index-creation:missingConcurrently 5:5-5:17"]);
    expect(result.messages[0]!.message).toContain('"users_email_idx" on "users"');
    expect(result.messages[0]!.help).toContain("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);");
  });

  it("the text reporter shows the finding's line inside the block", () => {
    const sql = "DO $$ BEGIN\n  CREATE INDEX users_email_idx ON users (email);\nEND $$;\n";
    const out = text([lint(sql, ["require-concurrent-index-creation"])], { cwd: process.cwd(), color: false });
    expect(out).toContain("migration.sql:2:3");
    expect(out).toContain("  CREATE INDEX users_email_idx ON users (email);");
  });

  it("ban-concurrently-in-transaction flags CREATE INDEX CONCURRENTLY inside a DO block, also outside any transaction", () => {
    const sql = "DO $$ BEGIN\n  CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nEND $$;";
    const result = lint(sql, ["ban-concurrently-in-transaction"]);
    expect(findings(result)).toEqual(["ban-concurrently-in-transaction:inFunction 2:16-2:28"]);
    expect(result.messages[0]!.message).toBe(
      'CREATE INDEX CONCURRENTLY runs inside the DO block on line 1: Postgres refuses it with "CREATE INDEX CONCURRENTLY cannot be executed from a function" (a DO block counts as one) and the migration fails.',
    );
    expect(result.messages[0]!.help).toContain("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);");

    const inBegin = lint(`BEGIN;\n${sql}\nCOMMIT;`, ["ban-concurrently-in-transaction"]);
    expect(findings(inBegin)).toEqual(["ban-concurrently-in-transaction:inTransaction 3:16-3:28"]);
    expect(inBegin.messages[0]!.message).toContain("inside the DO block on line 2, within a transaction");

    const viaExecute = lint("DO $$ BEGIN EXECUTE 'DROP INDEX CONCURRENTLY users_email_idx'; END $$;", ["ban-concurrently-in-transaction"]);
    expect(findings(viaExecute)).toEqual(["ban-concurrently-in-transaction:inFunction 1:33-1:45"]);
    expect(viaExecute.messages[0]!.message).toContain("an EXECUTE in the DO block on line 1");
  });

  it("a table created in a DO block is new for the statements after it", () => {
    const sql = "DO $$ BEGIN CREATE TABLE audit (id bigint, at timestamptz); END $$;\nCREATE INDEX audit_at_idx ON audit (at);";
    expect(findings(lint(sql, ["require-concurrent-index-creation"]))).toEqual([]);
  });

  it("a DO block is a transaction of its own: SET LOCAL in it ends with it, SET lasts, COMMIT in it releases locks", () => {
    const local = "DO $$ BEGIN\n  SET LOCAL lock_timeout = '1s';\n  ALTER TABLE users ADD COLUMN a int;\nEND $$;\nALTER TABLE users ADD COLUMN b int;";
    const localResult = lint(local, ["require-lock-timeout"]);
    expect(findings(localResult)).toEqual(["require-lock-timeout:missingLockTimeout 5:1-5:35"]);
    expect(localResult.messages[0]!.help).toContain("SET lock_timeout = '2s';");

    const session = "DO $$ BEGIN SET lock_timeout = '1s'; END $$;\nALTER TABLE users ADD COLUMN b int;";
    expect(findings(lint(session, ["require-lock-timeout"]))).toEqual([]);

    const unset = "DO $$ BEGIN\n  ALTER TABLE users ADD COLUMN a int;\nEND $$;";
    const unsetResult = lint(unset, ["require-lock-timeout"]);
    expect(findings(unsetResult)).toEqual(["require-lock-timeout:missingLockTimeout 2:3-2:37"]);
    // SET LOCAL at the top of a file that runs outside a transaction would do nothing.
    expect(unsetResult.messages[0]!.help).toContain("before the DO block or function call that runs it");
    expect(unsetResult.messages[0]!.help).not.toContain("SET LOCAL");

    const held = "SET lock_timeout = '2s';\nDO $$ BEGIN\n  ALTER TABLE users RENAME COLUMN a TO b;\n  UPDATE orders SET n = 1 WHERE id = 1;\nEND $$;";
    expect(findings(lint(held, ["statements-after-exclusive-lock"]))).toEqual(["statements-after-exclusive-lock:statementAfterLock 4:3-4:39"]);
    const committed = held.replace("b;\n", "b;\n  COMMIT;\n");
    expect(findings(lint(committed, ["statements-after-exclusive-lock"]))).toEqual([]);
  });

  it("an ignore comment before the DO block covers the statements inside it", () => {
    const sql = "-- pgsafe-ignore require-concurrent-index-creation -- built before the table gets traffic\nDO $$ BEGIN CREATE INDEX users_email_idx ON users (email); END $$;";
    const result = lint(sql, ["require-concurrent-index-creation", "unused-ignore"]);
    expect(findings(result)).toEqual([]);
    expect(result.suppressedMessages.map((m) => m.ruleId)).toEqual(["require-concurrent-index-creation"]);
  });

  it("an ignore comment inside the DO block covers the next statement of the block, or the one it trails", () => {
    const sql = [
      "DO $$",
      "BEGIN",
      "  -- pgsafe-ignore require-concurrent-index-creation -- lookup has 40 rows",
      "  CREATE INDEX lookup_code_idx ON lookup (code);",
      "  CREATE INDEX orders_status_idx ON orders (status);",
      "  ALTER TABLE orders DROP COLUMN legacy; /* pgsafe-ignore ban-drop-column */",
      "  -- pgsafe-ignore ban-drop-table",
      "  RAISE NOTICE 'done';",
      "END $$;",
    ].join("\n");
    const result = lint(sql, ["require-concurrent-index-creation", "ban-drop-column", "ban-drop-table", "unused-ignore"]);
    expect(findings(result)).toEqual(["require-concurrent-index-creation:missingConcurrently 5:3-5:15", "unused-ignore:unusedRule 7:3-7:34"]);
    expect(result.suppressedMessages.map((m) => `${m.ruleId} ${m.line}`)).toEqual(["require-concurrent-index-creation 4", "ban-drop-column 6"]);
  });

  it("an ignore comment inside a quoted DO body or a called function's body is found at its place", () => {
    const quoted = "DO 'BEGIN\n  -- pgsafe-ignore ban-drop-column -- it''s gone from the code\n  ALTER TABLE orders DROP COLUMN legacy;\nEND';";
    const inQuotes = lint(quoted, ["ban-drop-column", "unused-ignore"]);
    expect(findings(inQuotes)).toEqual([]);
    expect(inQuotes.suppressedMessages.map((m) => `${m.ruleId} ${m.line}:${m.column}`)).toEqual(["ban-drop-column 3:22"]);
    const fn = [
      "CREATE FUNCTION backfill() RETURNS void LANGUAGE plpgsql AS $fn$",
      "BEGIN",
      "  -- pgsafe-ignore unbatched-update -- 200 rows",
      "  UPDATE settings SET theme = 'light';",
      "  UPDATE orders SET archived = false;",
      "END",
      "$fn$;",
      "SELECT backfill();",
    ].join("\n");
    const called = lint(fn, ["unbatched-update", "unused-ignore"]);
    expect(findings(called)).toEqual(["unbatched-update:noWhere 5:3-5:16"]);
    expect(called.suppressedMessages.map((m) => `${m.ruleId} ${m.line}`)).toEqual(["unbatched-update 4"]);
    // Not called: the body is not linted, and its comment is not an ignore directive either.
    expect(findings(lint(fn.replace("SELECT backfill();", ""), ["unbatched-update", "unused-ignore"]))).toEqual([]);
  });

  it("counts only top-level statements", () => {
    expect(lint("DO $$ BEGIN UPDATE a SET x = 1 WHERE id = 1; UPDATE b SET x = 1 WHERE id = 1; END $$;\nSELECT 1;", []).statementCount).toBe(2);
  });

  it("syntax-error reports a broken DO body at the offending token", () => {
    const sql = "DO $$\nBEGIN\n  ALTER TABLE {{ schema }}.users ADD COLUMN n int;\nEND $$;";
    const result = lint(sql, ["syntax-error"]);
    expect(findings(result)).toEqual(["syntax-error:syntaxError 3:15-3:16"]);
    expect(result.messages[0]!.message).toContain('syntax error at or near "{" (in the DO block)');
  });

  it("PL/pgSQL variables are parameters: WHERE id = r.id touches one row", () => {
    const sql = [
      "DO $$ DECLARE r record; BEGIN",
      "  FOR r IN SELECT id FROM users LOOP",
      "    UPDATE users SET n = 1 WHERE id = r.id;",
      "  END LOOP;",
      "  UPDATE users SET n = 2;",
      "END $$;",
    ].join("\n");
    expect(findings(lint(sql, ["unbatched-update"]))).toEqual(["unbatched-update:noWhere 5:3-5:15"]);
  });
});

describe("functions the migration calls", () => {
  const create = [
    "CREATE FUNCTION enforce_orders_total() RETURNS void LANGUAGE plpgsql AS $fn$",
    "BEGIN",
    "  ALTER TABLE orders ALTER COLUMN total SET NOT NULL;",
    "END",
    "$fn$;",
  ].join("\n");

  it("adding-not-nullable-field flags ALTER TABLE ... SET NOT NULL inside a called function, at its place in the body", () => {
    const result = lint(`${create}\nSELECT enforce_orders_total();`, ["adding-not-nullable-field"]);
    expect(findings(result)).toEqual(["adding-not-nullable-field:setNotNull 3:22-3:53"]);
    expect(result.messages[0]!.message).toContain('column "total" of "orders"');
  });

  it("an ignore comment before the CREATE FUNCTION covers its body", () => {
    const result = lint(`-- pgsafe-ignore adding-not-nullable-field -- orders is empty\n${create}\nSELECT enforce_orders_total();`, [
      "adding-not-nullable-field",
      "unused-ignore",
    ]);
    expect(findings(result)).toEqual([]);
    expect(result.suppressedMessages.map((m) => m.ruleId)).toEqual(["adding-not-nullable-field"]);
  });

  it("does not lint a function that is created but never called", () => {
    expect(findings(lint(create, ["adding-not-nullable-field", "require-lock-timeout"]))).toEqual([]);
  });

  it("ban-concurrently-in-transaction flags CONCURRENTLY in a procedure run by CALL", () => {
    const sql = "CREATE PROCEDURE reindex_users() LANGUAGE plpgsql AS $$ BEGIN REINDEX TABLE CONCURRENTLY users; END $$;\nCALL reindex_users();";
    const result = lint(sql, ["ban-concurrently-in-transaction"]);
    expect(findings(result)).toEqual(["ban-concurrently-in-transaction:inFunction 1:77-1:89"]);
    expect(result.messages[0]!.message).toContain('the function "reindex_users" (called on line 2)');
  });
});

describe("EXECUTE", () => {
  it("lints a literal, and leaves a non-literal alone", () => {
    const literal = "DO $$ BEGIN EXECUTE 'ALTER TABLE orders ALTER COLUMN total SET NOT NULL'; END $$;";
    expect(findings(lint(literal, ["adding-not-nullable-field"]))).toEqual(["adding-not-nullable-field:setNotNull 1:41-1:72"]);
    const dynamic = "DO $$ DECLARE t text := 'orders'; BEGIN EXECUTE 'ALTER TABLE ' || quote_ident(t) || ' ALTER COLUMN total SET NOT NULL'; END $$;";
    expect(findings(lint(dynamic, ["adding-not-nullable-field"]))).toEqual([]);
    const formatted = "DO $$ BEGIN EXECUTE format('ALTER TABLE %I ALTER COLUMN total SET NOT NULL', 'orders'); END $$;";
    expect(findings(lint(formatted, ["adding-not-nullable-field"]))).toEqual([]);
  });
});

describe("PostgreSQL 18 (PGlite): what the context assumes about DO blocks and functions", () => {
  let db: PGlite;
  const run = async (sql: string): Promise<string> => {
    try {
      await db.exec(sql);
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const show = async (setting: string): Promise<string> => ((await db.query<Record<string, string>>(`SHOW ${setting}`)).rows[0]![setting]!);

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec("CREATE TABLE users (id int, email text); CREATE TABLE orders (id int, total int);");
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it("CONCURRENTLY fails in a DO block, EXECUTE or procedure even outside a transaction", async () => {
    expect(await run("DO $$ BEGIN CREATE INDEX CONCURRENTLY i1 ON users (email); END $$")).toBe(
      "CREATE INDEX CONCURRENTLY cannot be executed from a function",
    );
    expect(await run("DO $$ BEGIN EXECUTE 'CREATE INDEX CONCURRENTLY i2 ON users (email)'; END $$")).toBe(
      "CREATE INDEX CONCURRENTLY cannot be executed from a function",
    );
    expect(await run("CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN CREATE INDEX CONCURRENTLY i3 ON users (email); END $$")).toBe("ok");
    expect(await run("CALL p()")).toBe("CREATE INDEX CONCURRENTLY cannot be executed from a function");
    expect(await run("BEGIN; DO $$ BEGIN CREATE INDEX CONCURRENTLY i4 ON users (email); END $$;")).toBe(
      "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
    );
    await run("ROLLBACK");
  });

  it("SET LOCAL in a DO block ends with it; SET lasts; COMMIT works only outside a transaction block", async () => {
    await run("DO $$ BEGIN SET LOCAL lock_timeout = '3s'; END $$");
    expect(await show("lock_timeout")).toBe("0");
    await run("DO $$ BEGIN SET lock_timeout = '4s'; END $$");
    expect(await show("lock_timeout")).toBe("4s");
    await run("RESET lock_timeout");
    expect(await run("DO $$ BEGIN UPDATE orders SET total = 1; COMMIT; UPDATE orders SET total = 2; END $$")).toBe("ok");
    expect(await run("BEGIN; DO $$ BEGIN UPDATE orders SET total = 1; COMMIT; END $$;")).toBe("invalid transaction termination");
    await run("ROLLBACK");
  });

  it("a function body's syntax error fails CREATE FUNCTION and a DO block; %TYPE works (libpg-query alone cannot resolve it)", async () => {
    expect(await run("DO $$ BEGIN CREATE INDEX ON ; END $$")).toBe("syntax error at end of input");
    expect(await run("CREATE FUNCTION broken() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE INDEX ON ; END $$")).toBe("syntax error at end of input");
    expect(await run("CREATE FUNCTION typed(x users.id%TYPE) RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE users SET id = x WHERE false; END $$")).toBe("ok");
  });

  it("EXECUTE runs a literal holding several statements", async () => {
    expect(await run("DO $$ BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN a int; ALTER TABLE users ADD COLUMN b int'; END $$")).toBe("ok");
    const columns = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'users'");
    expect(columns.rows[0]!.n).toBe(4);
  });
});
