import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEdits, FIXTURES, lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const fixture = (path: string): string => readFileSync(join(FIXTURES, "prefer-robust-stmts", path), "utf8");

runRuleTests("prefer-robust-stmts", {
  valid: [
    "CREATE TABLE IF NOT EXISTS users (id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_id_key ON users (id);\nDROP TABLE IF EXISTS old_users;",
    { name: "inside BEGIN ... COMMIT a failure rolls everything back", code: "BEGIN;\nCREATE TABLE users (id bigint);\nCREATE INDEX users_id_idx ON users (id);\nDROP TABLE old_users;\nCOMMIT;" },
    { name: "inside the transaction the migration tool opens", code: "CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN email text;\nCREATE TYPE mood AS ENUM ('ok');", options: { assumeInTransaction: true } },
    { name: "ALTER TABLE actions other than adding or dropping columns and dropping constraints", code: "ALTER TABLE users ALTER COLUMN email SET DEFAULT '', ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;" },
    { name: "OR REPLACE forms and an enum value with IF NOT EXISTS", code: "CREATE OR REPLACE VIEW v AS SELECT 1;\nCREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';" },
    { name: "renaming an enum value is not adding one", code: "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';" },
  ],
  invalid: [
    {
      name: "CREATE TABLE outside a transaction, fixed by inserting IF NOT EXISTS",
      code: 'CREATE TABLE app."Users" (id bigint);',
      output: 'CREATE TABLE IF NOT EXISTS app."Users" (id bigint);',
      errors: [
        {
          messageId: "ifNotExists",
          line: 1,
          column: 1,
          endColumn: 13,
          includes: ['Table "app.Users" is created without IF NOT EXISTS', "fails here because the table already exists"],
          helpIncludes: ['CREATE TABLE IF NOT EXISTS app."Users" (id bigint);', "IF NOT EXISTS only looks at the name"],
        },
      ],
    },
    {
      name: "CREATE INDEX CONCURRENTLY: IF NOT EXISTS is inserted after CONCURRENTLY, and the help drops the invalid index first",
      code: "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON app.users (email);",
      output: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON app.users (email);",
      errors: [
        {
          messageId: "concurrentIndex",
          line: 1,
          column: 1,
          endColumn: 33,
          includes: ['Index "app.users_email_key" is built CONCURRENTLY', "leaves an INVALID index", "IF NOT EXISTS alone is not enough"],
          helpIncludes: ["WHERE NOT indisvalid", "DROP INDEX CONCURRENTLY IF EXISTS app.users_email_key;", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON app.users (email);"],
        },
      ],
    },
    {
      name: "only the statements after COMMIT run outside the transaction",
      code: "BEGIN;\nCREATE TABLE users (id bigint, email text);\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      output: "BEGIN;\nCREATE TABLE users (id bigint, email text);\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);",
      errors: [{ messageId: "concurrentIndex", line: 4, column: 1, endColumn: 26 }],
    },
    {
      name: "DROP forms get IF EXISTS after their keywords; several objects in one DROP",
      code: "DROP INDEX CONCURRENTLY users_email_idx;\nDROP MATERIALIZED VIEW daily_totals;\nDROP TRIGGER audit ON app.users;\nDROP TABLE old_users, app.old_orders;",
      output: "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nDROP MATERIALIZED VIEW IF EXISTS daily_totals;\nDROP TRIGGER IF EXISTS audit ON app.users;\nDROP TABLE IF EXISTS old_users, app.old_orders;",
      errors: [
        { messageId: "ifExists", line: 1, column: 1, endColumn: 24, includes: ['Index "users_email_idx" is dropped without IF EXISTS', "the index is already gone"] },
        { messageId: "ifExists", line: 2, column: 1, endColumn: 23, includes: ['Materialized view "daily_totals"'] },
        { messageId: "ifExists", line: 3, column: 1, endColumn: 13, includes: ['Trigger "audit on app.users"'] },
        { messageId: "ifExists", line: 4, column: 1, endColumn: 11, includes: ['Tables "old_users", "app.old_orders" are dropped', "the tables are already gone"], helpIncludes: ["DROP TABLE IF EXISTS old_users, app.old_orders;"] },
      ],
    },
    {
      name: "ALTER TABLE: each action is reported and fixed on its own, with or without the COLUMN keyword",
      code: "ALTER TABLE users ADD email text, ADD COLUMN name text, DROP legacy, DROP CONSTRAINT users_legacy_check;",
      output: "ALTER TABLE users ADD IF NOT EXISTS email text, ADD COLUMN IF NOT EXISTS name text, DROP IF EXISTS legacy, DROP CONSTRAINT IF EXISTS users_legacy_check;",
      errors: [
        { messageId: "ifNotExists", line: 1, column: 19, endColumn: 33, includes: ['Column "email" is added without IF NOT EXISTS'], helpIncludes: ["ALTER TABLE users ADD IF NOT EXISTS email text;"] },
        { messageId: "ifNotExists", line: 1, column: 35, endColumn: 55, includes: ['Column "name"'] },
        { messageId: "ifExists", line: 1, column: 57, endColumn: 68, includes: ['Column "legacy" is dropped'] },
        { messageId: "ifExists", line: 1, column: 70, endColumn: 104, includes: ['Constraint "users_legacy_check"'], helpIncludes: ["ALTER TABLE users DROP CONSTRAINT IF EXISTS users_legacy_check;"] },
      ],
    },
    {
      name: "CREATE SEQUENCE / SCHEMA / EXTENSION / MATERIALIZED VIEW / TABLE AS and ADD VALUE",
      code: "CREATE SEQUENCE app.order_no;\nCREATE SCHEMA reporting;\nCREATE EXTENSION pg_trgm;\nCREATE MATERIALIZED VIEW daily AS SELECT 1;\nCREATE UNLOGGED TABLE staging AS SELECT 1;\nALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';",
      output:
        "CREATE SEQUENCE IF NOT EXISTS app.order_no;\nCREATE SCHEMA IF NOT EXISTS reporting;\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE MATERIALIZED VIEW IF NOT EXISTS daily AS SELECT 1;\nCREATE UNLOGGED TABLE IF NOT EXISTS staging AS SELECT 1;\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok';",
      errors: [
        { messageId: "ifNotExists", line: 1, column: 1, endColumn: 16, includes: ['Sequence "app.order_no"'] },
        { messageId: "ifNotExists", line: 2, column: 1, endColumn: 14, includes: ['Schema "reporting"'] },
        { messageId: "ifNotExists", line: 3, column: 1, endColumn: 17, includes: ['Extension "pg_trgm"'] },
        { messageId: "ifNotExists", line: 4, column: 1, endColumn: 25, includes: ['Materialized view "daily"'] },
        { messageId: "ifNotExists", line: 5, column: 1, endColumn: 22, includes: ['Table "staging"'] },
        { messageId: "ifNotExists", line: 6, column: 17, endColumn: 44, includes: ["Enum value 'meh' is added"] },
      ],
    },
    {
      name: "an unnamed index cannot take IF NOT EXISTS: no fix, the help names it",
      code: "CREATE INDEX CONCURRENTLY ON users (lower(email));",
      errors: [
        {
          messageId: "unnamedIndex",
          line: 1,
          column: 1,
          endColumn: 26,
          includes: ["builds a second, identical index"],
          helpIncludes: ["CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_idx ON users (lower(email));"],
        },
      ],
    },
    {
      name: "views and functions: OR REPLACE, as a suggestion",
      code: "CREATE VIEW active_users AS SELECT * FROM users;",
      errors: [
        {
          messageId: "orReplace",
          line: 1,
          column: 1,
          endColumn: 12,
          includes: ['View "active_users" is created without OR REPLACE'],
          suggestions: [{ messageId: "useOrReplace", output: "CREATE OR REPLACE VIEW active_users AS SELECT * FROM users;" }],
        },
      ],
    },
    {
      name: "PG ≥ 14: CREATE OR REPLACE TRIGGER is suggested",
      code: "CREATE TRIGGER users_audit AFTER UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION audit();",
      options: { pgVersion: 14 },
      errors: [{ messageId: "orReplace", line: 1, column: 1, endColumn: 15, suggestions: [{ output: "CREATE OR REPLACE TRIGGER users_audit AFTER UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION audit();" }] }],
    },
    {
      name: "PG 13 has no CREATE OR REPLACE TRIGGER: drop it first",
      code: "CREATE TRIGGER users_audit AFTER UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION audit();",
      options: { pgVersion: 13 },
      errors: [{ messageId: "noGuard", line: 1, column: 1, endColumn: 15, includes: ['Trigger "users_audit"'], helpIncludes: ["DROP TRIGGER IF EXISTS users_audit ON app.users;"] }],
    },
    {
      name: "types, domains and schemas with elements have no IF NOT EXISTS form: no fix, a guard in the help",
      code: "CREATE TYPE mood AS ENUM ('sad', 'ok');\nCREATE DOMAIN app.email AS text;\nCREATE SCHEMA reporting CREATE TABLE totals (day date);",
      errors: [
        { messageId: "noGuard", line: 1, column: 1, endColumn: 12, includes: ['Type "mood" is created outside a transaction'], helpIncludes: ["DO $pgsafe$ BEGIN", "CREATE TYPE mood AS ENUM ('sad', 'ok');", "EXCEPTION WHEN duplicate_object THEN NULL;"] },
        { messageId: "noGuard", line: 2, column: 1, endColumn: 14, includes: ['Domain "app.email"'] },
        { messageId: "noGuard", line: 3, column: 1, endColumn: 14, includes: ['Schema "reporting"'], helpIncludes: ["CREATE SCHEMA IF NOT EXISTS"] },
      ],
    },
    {
      name: "realistic: a migration that must run without a transaction",
      fixture: "invalid/product-search.sql",
      output: fixtureOutput(),
      errors: [
        { messageId: "ifNotExists", line: 2, column: 22, endColumn: 55, includes: ['Column "search_vector"'] },
        { messageId: "concurrentIndex", line: 3, column: 1, endColumn: 26, includes: ['Index "products_search_idx"'], helpIncludes: ["DROP INDEX CONCURRENTLY IF EXISTS products_search_idx;"] },
        { messageId: "ifExists", line: 4, column: 1, endColumn: 24, includes: ['Index "products_name_lower_idx"'] },
        { messageId: "ifExists", line: 5, column: 22, endColumn: 49, includes: ['Column "legacy_keywords"'] },
      ],
    },
  ],
});

function fixtureOutput(): string {
  return fixture("invalid/product-search.sql")
    .replace("ADD COLUMN search_vector", "ADD COLUMN IF NOT EXISTS search_vector")
    .replace("CONCURRENTLY products_search_idx", "CONCURRENTLY IF NOT EXISTS products_search_idx")
    .replace("CONCURRENTLY products_name_lower_idx", "CONCURRENTLY IF EXISTS products_name_lower_idx")
    .replace("DROP COLUMN legacy_keywords", "DROP COLUMN IF EXISTS legacy_keywords");
}

describe("prefer-robust-stmts: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const notices: string[] = [];
  const onNotice = (n: { message?: string }): void => {
    notices.push(n.message ?? "");
  };
  /** Runs each statement on its own, as autocommit does; returns the first error. */
  const runStatements = async (sql: string): Promise<string | undefined> => {
    const statements = sql.replace(/^\s*--.*$/gm, "").split(/;\s*\n/).map((s) => s.trim().replace(/;$/, ""));
    for (const statement of statements.filter(Boolean)) {
      try {
        await db.exec(statement, { onNotice });
      } catch (e) {
        return (e as Error).message;
      }
    }
    return undefined;
  };
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it("a failed CREATE INDEX CONCURRENTLY leaves an INVALID index: a re-run fails, IF NOT EXISTS skips it, drop-and-build fixes it", async () => {
    await db.exec("CREATE TABLE cic (a int); INSERT INTO cic VALUES (1), (1);");
    await expect(db.exec("CREATE UNIQUE INDEX CONCURRENTLY cic_a_key ON cic (a)")).rejects.toThrow('could not create unique index "cic_a_key"');
    const invalid = async (): Promise<unknown[]> => (await db.query("SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid")).rows;
    expect(await invalid()).toEqual([{ name: "cic_a_key" }]);
    await expect(db.exec("CREATE UNIQUE INDEX CONCURRENTLY cic_a_key ON cic (a)")).rejects.toThrow('relation "cic_a_key" already exists');
    notices.length = 0;
    await db.exec("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS cic_a_key ON cic (a)", { onNotice });
    expect(notices).toContain('relation "cic_a_key" already exists, skipping');
    expect(await invalid()).toEqual([{ name: "cic_a_key" }]);
    await db.exec("DELETE FROM cic WHERE ctid = (SELECT max(ctid) FROM cic)");
    await db.exec("DROP INDEX CONCURRENTLY IF EXISTS cic_a_key");
    await db.exec("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS cic_a_key ON cic (a)");
    expect(await invalid()).toEqual([]);
  });

  it("re-running an unnamed CREATE INDEX builds a duplicate index; IF NOT EXISTS needs a name", async () => {
    await db.exec("CREATE TABLE dup (b int); CREATE INDEX ON dup (b); CREATE INDEX ON dup (b);");
    const { rows } = await db.query("SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'dup'::regclass ORDER BY 1");
    expect(rows).toEqual([{ name: "dup_b_idx" }, { name: "dup_b_idx1" }]);
    await expect(db.exec("CREATE INDEX IF NOT EXISTS ON dup (b)")).rejects.toThrow("syntax error");
    expect(lintWithRule("prefer-robust-stmts", "CREATE INDEX ON dup (b);").messages[0]?.help).toContain("IF NOT EXISTS dup_b_idx ON dup (b);");
  });

  it("the fixture fails when run again; its fixed form runs twice without error", async () => {
    const setup = "CREATE TABLE products (id bigint PRIMARY KEY, name text, legacy_keywords text); CREATE INDEX products_name_lower_idx ON products (lower(name));";
    await db.exec(setup);
    const original = fixture("invalid/product-search.sql");
    expect(await runStatements(original)).toBeUndefined();
    expect(await runStatements(original)).toMatch(/column "search_vector" of relation "products" already exists/);
    await db.exec(`DROP TABLE products; ${setup}`);
    const result = lintWithRule("prefer-robust-stmts", original);
    const fixed = applyEdits(original, result.messages.filter((m) => m.fix).map((m) => m.fix!));
    expect(fixed).toBe(fixtureOutput());
    expect(await runStatements(fixed)).toBeUndefined();
    expect(await runStatements(fixed)).toBeUndefined();
  });

  it("the valid fixture runs twice without error", async () => {
    const sql = fixture("valid/rerunnable.sql").replace(/^BEGIN;[\s\S]*$/m, "");
    expect(await runStatements(sql)).toBeUndefined();
    expect(await runStatements(sql)).toBeUndefined();
  });

  it("in a transaction a failure undoes the earlier statements, so a plain re-run works", async () => {
    await expect(db.exec("BEGIN; CREATE TABLE in_tx (id int); SELECT 1/0; COMMIT;")).rejects.toThrow("division by zero");
    await db.exec("ROLLBACK");
    await db.exec("BEGIN; CREATE TABLE in_tx (id int); COMMIT;");
  });

  it("CREATE SCHEMA IF NOT EXISTS cannot have schema elements; CREATE OR REPLACE TRIGGER exists (PG ≥ 14)", async () => {
    await expect(db.exec("CREATE SCHEMA IF NOT EXISTS el CREATE TABLE t (id int)")).rejects.toThrow("CREATE SCHEMA IF NOT EXISTS cannot include schema elements");
    await db.exec("CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end'");
    const trigger = "CREATE OR REPLACE TRIGGER t_noop BEFORE INSERT ON dup FOR EACH ROW EXECUTE FUNCTION noop()";
    await db.exec(trigger);
    await db.exec(trigger);
  });

  it("every fix for the forms the rule reports parses and runs twice in Postgres", async () => {
    await db.exec("CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE f (a int, b int, CONSTRAINT f_b_check CHECK (b > 0)); CREATE INDEX f_a_idx ON f (a);");
    const sql = [
      "CREATE TABLE f2 (id int)",
      "CREATE UNLOGGED TABLE f3 AS SELECT 1 AS x",
      "CREATE MATERIALIZED VIEW f4 AS SELECT 1 AS x",
      "CREATE SEQUENCE f5",
      "CREATE SCHEMA f6",
      "CREATE UNIQUE INDEX CONCURRENTLY f7 ON f (a)",
      "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'",
      "ALTER TABLE f ADD c int, ADD COLUMN d int, DROP b, DROP CONSTRAINT f_b_check",
      "DROP INDEX CONCURRENTLY f_a_idx",
      "DROP TABLE f2, f3",
      "DROP MATERIALIZED VIEW f4",
    ].join(";\n");
    const result = lintWithRule("prefer-robust-stmts", sql);
    expect(result.messages.length).toBe(14);
    expect(result.messages.every((m) => m.fix)).toBe(true);
    const fixed = applyEdits(sql, result.messages.map((m) => m.fix!));
    expect(await runStatements(fixed)).toBeUndefined();
    expect(await runStatements(fixed)).toBeUndefined();
    expect(lintWithRule("prefer-robust-stmts", fixed).messages).toEqual([]);
  });
});
