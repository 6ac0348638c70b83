import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-concurrent-reindex", {
  valid: [
    "REINDEX INDEX CONCURRENTLY users_email_idx;",
    "REINDEX (CONCURRENTLY) TABLE users;",
    "REINDEX (VERBOSE, CONCURRENTLY true) DATABASE;",
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint, email text);\nREINDEX TABLE users;" },
    {
      name: "index created earlier in the file on a table new in the file, inside BEGIN",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint, email text);\nCREATE INDEX users_email_idx ON app.users (email);\nREINDEX INDEX app.users_email_idx;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" (id bigint);\nREINDEX TABLE "Users";' },
    { name: "PG 12 is the first version with CONCURRENTLY", code: "REINDEX TABLE CONCURRENTLY users;", options: { pgVersion: 12 } },
  ],
  invalid: [
    {
      name: "REINDEX INDEX on PG 15",
      code: "REINDEX INDEX users_email_idx;",
      errors: [
        {
          messageId: "missingConcurrently",
          suggestions: [{ messageId: "addConcurrently", output: "REINDEX INDEX CONCURRENTLY users_email_idx;" }],
          line: 1,
          column: 1,
          endColumn: 14,
          includes: ['"users_email_idx"', "SHARE lock", "ACCESS EXCLUSIVE", "blocks writes", "reads"],
          helpIncludes: ["REINDEX INDEX CONCURRENTLY users_email_idx;", "users_email_idx_ccnew", "outside a transaction block"],
        },
      ],
    },
    {
      name: "REINDEX TABLE keeps the other options and adds CONCURRENTLY",
      code: "REINDEX (VERBOSE) TABLE app.users;",
      errors: [{ messageId: "missingConcurrently", suggestions: [{ messageId: "addConcurrently", output: "REINDEX (VERBOSE) TABLE CONCURRENTLY app.users;" }], line: 1, column: 1, endColumn: 24, includes: ['TABLE "app.users"'], helpIncludes: ["REINDEX (VERBOSE, CONCURRENTLY) TABLE app.users;"] }],
    },
    {
      name: "CONCURRENTLY false is not concurrent",
      code: "REINDEX (CONCURRENTLY false) INDEX i;",
      errors: [{ messageId: "missingConcurrently", suggestions: [], line: 1, column: 1, endColumn: 35, helpIncludes: ["  REINDEX INDEX CONCURRENTLY i;"] }],
    },
    {
      name: "schema and database forms",
      code: "REINDEX SCHEMA reporting;\nREINDEX DATABASE;",
      errors: [
        { messageId: "missingConcurrently", line: 1, column: 1, endColumn: 15, includes: ['SCHEMA "reporting"', "one table after another"], helpIncludes: ["REINDEX SCHEMA CONCURRENTLY reporting;"] },
        { messageId: "missingConcurrently", line: 2, column: 1, endColumn: 17, includes: ["REINDEX DATABASE without"], helpIncludes: ["REINDEX DATABASE CONCURRENTLY;"] },
      ],
    },
    {
      name: "a quoted name is not the unquoted table created in the file",
      code: 'CREATE TABLE users (id bigint);\nREINDEX TABLE "Users";',
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1, includes: ['"Users"'], helpIncludes: ['REINDEX TABLE CONCURRENTLY "Users";'] }],
    },
    {
      name: "a different schema is a different table",
      code: "CREATE TABLE app.users (id bigint);\nCREATE INDEX users_id_idx ON app.users (id);\nREINDEX INDEX users_id_idx;\nREINDEX TABLE users;",
      errors: [
        { messageId: "missingConcurrently", line: 3, column: 1 },
        { messageId: "missingConcurrently", line: 4, column: 1 },
      ],
    },
    {
      name: "inside a transaction the help says to move it out",
      code: "REINDEX TABLE users;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, helpIncludes: ["no-transaction setting"] }],
    },
    {
      name: "explicit BEGIN",
      code: "BEGIN;\nREINDEX INDEX users_email_idx;\nCOMMIT;",
      errors: [{ messageId: "missingConcurrently", suggestions: [], line: 2, column: 1, helpIncludes: ["move it out of this BEGIN ... COMMIT"] }],
    },
    {
      name: "PG 11 has no REINDEX CONCURRENTLY: the message says what locks, the help swaps in a copy",
      code: "REINDEX INDEX users_email_idx;",
      options: { pgVersion: 11 },
      errors: [
        {
          messageId: "noConcurrentForm",
          line: 1,
          column: 1,
          endColumn: 14,
          includes: ["SHARE lock", "ACCESS EXCLUSIVE", "PostgreSQL 11", "build a new index concurrently and swap it in"],
          helpIncludes: [
            "SELECT pg_get_indexdef('users_email_idx'::regclass);",
            "CREATE INDEX CONCURRENTLY users_email_idx_new ON",
            "DROP INDEX CONCURRENTLY users_email_idx;",
            "ALTER INDEX users_email_idx_new RENAME TO users_email_idx;",
          ],
        },
      ],
    },
    {
      name: "PG 11 REINDEX TABLE lists the table's indexes to copy",
      code: "REINDEX TABLE app.users;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "noConcurrentForm", line: 1, column: 1, helpIncludes: ["WHERE indrelid = 'app.users'::regclass;"] }],
    },
    {
      name: "REINDEX SYSTEM can never be concurrent",
      code: "REINDEX SYSTEM;\nREINDEX SYSTEM CONCURRENTLY;",
      errors: [
        { messageId: "systemCatalogs", line: 1, column: 1, endColumn: 15, includes: ["cannot run concurrently"], helpIncludes: ["REINDEX DATABASE CONCURRENTLY;", "maintenance window"] },
        { messageId: "systemCatalogs", line: 2, column: 1, endColumn: 15 },
      ],
    },
    {
      name: "REINDEX SYSTEM on PG 11 does not suggest CONCURRENTLY",
      code: "REINDEX SYSTEM mydb;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "systemCatalogs", line: 1, column: 1, helpIncludes: ["maintenance window"] }],
    },
    {
      name: "fixture: rebuilding bloated indexes",
      fixture: "invalid/rebuild-bloated-indexes.sql",
      errors: [
        { messageId: "missingConcurrently", line: 4, column: 1, includes: ['"orders_customer_id_idx"'] },
        { messageId: "missingConcurrently", line: 5, column: 1, includes: ['"app.order_items"'] },
      ],
    },
  ],
});

describe("require-concurrent-reindex before PostgreSQL 12", () => {
  it.each(["REINDEX INDEX i;", "REINDEX TABLE app.t;", "REINDEX SCHEMA s;", "REINDEX DATABASE d;"])("%s: neither message nor help recommends REINDEX CONCURRENTLY", (code) => {
    const [m, ...rest] = lintWithRule("require-concurrent-reindex", code, { pgVersion: 11 }).messages;
    expect(rest).toEqual([]);
    expect(m?.messageId).toBe("noConcurrentForm");
    expect(`${m?.message}\n${m?.help}`).not.toMatch(/REINDEX\s*(\([^)]*CONCURRENTLY|\w+\s+CONCURRENTLY)/i);
    expect(m?.help).toContain("CREATE INDEX CONCURRENTLY");
  });
});

// The locks the messages name, and the forms that cannot run concurrently, on a real PostgreSQL 18.
describe("require-concurrent-reindex: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec("CREATE TABLE users (id int, email text); INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100) g; CREATE INDEX users_email_idx ON users (email);");
  });
  afterAll(async () => {
    await db.close();
  });
  const locks = async (sql: string): Promise<string[]> => {
    await db.exec("BEGIN");
    try {
      await db.exec(sql);
      const rows = await db.query<{ l: string }>(
        "SELECT c.relname || ':' || l.mode AS l FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname LIKE 'users%' ORDER BY 1",
      );
      return rows.rows.map((r) => r.l);
    } finally {
      await db.exec("ROLLBACK");
    }
  };

  it.each(["REINDEX INDEX users_email_idx", "REINDEX TABLE users"])("%s: SHARE on the table, ACCESS EXCLUSIVE on the index", async (sql) => {
    expect(await locks(sql)).toEqual(["users:ShareLock", "users_email_idx:AccessExclusiveLock"]);
  });

  it("REINDEX ... CONCURRENTLY cannot run inside a transaction block", async () => {
    await expect(locks("REINDEX INDEX CONCURRENTLY users_email_idx")).rejects.toThrow(/transaction block/);
  });

  it.each(["REINDEX SYSTEM CONCURRENTLY", "REINDEX (CONCURRENTLY) SYSTEM"])("%s fails: system catalogs cannot be reindexed concurrently", async (sql) => {
    await expect(db.exec(sql)).rejects.toThrow(/cannot reindex system catalogs concurrently/);
  });
});
