import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("rewrites-table", {
  valid: [
    "ALTER TABLE orders SET (fillfactor = 80);",
    "ALTER TABLE orders ADD COLUMN note text;",
    "ALTER INDEX orders_pkey SET TABLESPACE fast;",
    { name: "table created earlier in the same file", code: "CREATE UNLOGGED TABLE orders (id bigint);\nALTER TABLE orders SET LOGGED;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.orders (id bigint);\nALTER TABLE app.orders SET TABLESPACE fast, SET ACCESS METHOD heap;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Orders" (id bigint);\nALTER TABLE "Orders" SET UNLOGGED;' },
  ],
  invalid: [
    {
      name: "SET LOGGED rewrites and writes the table to the WAL",
      code: "ALTER TABLE orders SET LOGGED;",
      errors: [
        {
          messageId: "rewrite",
          line: 1,
          column: 20,
          endColumn: 30,
          includes: ["SET LOGGED", 'table "orders"', "ACCESS EXCLUSIVE", "blocks reads and writes", "written to the WAL"],
          helpIncludes: ["no online form of SET LOGGED", "SET lock_timeout = '2s';", "  ALTER TABLE orders SET LOGGED;"],
        },
      ],
    },
    {
      name: "SET UNLOGGED and SET ACCESS METHOD in one statement: one finding per action",
      code: "ALTER TABLE app.orders SET UNLOGGED, SET ACCESS METHOD columnar;",
      errors: [
        { messageId: "rewrite", line: 1, column: 24, endColumn: 36, includes: ["SET UNLOGGED rewrites"], helpIncludes: ["emptied after a crash", "ALTER TABLE app.orders SET UNLOGGED;"] },
        { messageId: "rewrite", line: 1, column: 38, endColumn: 64, includes: ["SET ACCESS METHOD columnar rewrites"], helpIncludes: ["ALTER TABLE app.orders SET ACCESS METHOD columnar;"] },
      ],
    },
    {
      name: "SET ACCESS METHOD DEFAULT",
      code: "ALTER TABLE orders SET ACCESS METHOD DEFAULT;",
      options: { pgVersion: 17 },
      errors: [{ messageId: "rewrite", line: 1, column: 20, includes: ["SET ACCESS METHOD DEFAULT"] }],
    },
    {
      name: "SET TABLESPACE copies the table",
      code: 'ALTER TABLE "Orders" SET TABLESPACE fast;',
      errors: [
        {
          messageId: "moveTablespace",
          line: 1,
          column: 22,
          endColumn: 41,
          includes: ['SET TABLESPACE "fast"', 'table "Orders"', "ACCESS EXCLUSIVE"],
          helpIncludes: ['pg_repack --table=public."Orders" --tablespace=fast --moveidx', 'ALTER TABLE "Orders" SET TABLESPACE fast;'],
        },
      ],
    },
    {
      name: "a materialized view moved to another tablespace",
      code: "ALTER MATERIALIZED VIEW reporting.daily SET TABLESPACE fast;",
      errors: [{ messageId: "moveTablespace", line: 1, column: 41, includes: ['materialized view "reporting.daily"'], helpIncludes: ["ALTER MATERIALIZED VIEW reporting.daily SET TABLESPACE fast;"] }],
    },
    {
      name: "moving everything out of a tablespace",
      code: "ALTER TABLE ALL IN TABLESPACE old_disk SET TABLESPACE new_disk;",
      errors: [{ messageId: "moveAll", line: 1, column: 1, endColumn: 63, includes: ['"old_disk"', '"new_disk"', "ACCESS EXCLUSIVE lock on every table", "until the last copy finishes"], helpIncludes: ["ALTER TABLE ALL IN TABLESPACE old_disk SET TABLESPACE new_disk;"] }],
    },
    {
      name: "an unquoted name is not the quoted table created in the file; another schema is another table",
      code: 'CREATE TABLE "Orders" (id bigint);\nCREATE TABLE app.orders (id bigint);\nALTER TABLE Orders SET UNLOGGED;\nALTER TABLE orders SET UNLOGGED;',
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [
        { messageId: "rewrite", line: 3, column: 20 },
        { messageId: "rewrite", line: 4, column: 20 },
      ],
    },
    {
      name: "a SET LOCAL lock_timeout bounds the wait for the lock, not the rewrite",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE orders SET LOGGED;\nCOMMIT;",
      errors: [{ messageId: "rewrite", line: 3, column: 20, endColumn: 30 }],
    },
    {
      name: "fixture: bulk-load settings",
      fixture: "invalid/bulk-load-then-log.sql",
      errors: [
        { messageId: "rewrite", line: 5, column: 29, includes: ['table "staging.imports"'] },
        { messageId: "moveTablespace", line: 8, column: 3, endLine: 8, endColumn: 30, includes: ['"cold_storage"', 'table "archive.orders_2022"'] },
      ],
    },
  ],
});

// Rewrite (new relfilenode) and lock, on a real PostgreSQL 18.
describe("rewrites-table: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([
    ["SET UNLOGGED", "CREATE TABLE", true],
    ["SET LOGGED", "CREATE UNLOGGED TABLE", true],
    ["SET (fillfactor = 80)", "CREATE TABLE", false],
  ] as const)("ALTER TABLE ... %s: rewrite %s", async (action, create, rewrites) => {
    await db.exec(`DROP TABLE IF EXISTS orders; ${create} orders (id int); INSERT INTO orders SELECT generate_series(1, 100); CREATE INDEX ON orders (id);`);
    const filenode = async (): Promise<number> => (await db.query<{ f: number }>("SELECT pg_relation_filenode('orders') AS f")).rows[0]!.f;
    const before = await filenode();
    await db.exec("BEGIN");
    await db.exec(`ALTER TABLE orders ${action}`);
    const modes = await db.query<{ mode: string }>("SELECT mode FROM pg_locks WHERE relation = 'orders'::regclass AND pid = pg_backend_pid()");
    const after = await filenode();
    await db.exec("COMMIT");
    expect(after !== before).toBe(rewrites);
    expect(modes.rows.map((r) => r.mode).includes("AccessExclusiveLock")).toBe(rewrites);
    expect(lintWithRule("rewrites-table", `ALTER TABLE orders ${action};`).messages.length).toBe(rewrites ? 1 : 0);
  });
});
