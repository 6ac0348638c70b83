import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-concurrent-index-deletion", {
  valid: [
    "DROP INDEX CONCURRENTLY users_email_idx;",
    "DROP INDEX CONCURRENTLY IF EXISTS app.users_email_idx;",
    {
      name: "index of a table created earlier in the same file, without a transaction",
      code: "CREATE TABLE users (id bigint, email text);\nCREATE INDEX users_email_idx ON users (email);\nDROP INDEX users_email_idx;",
    },
    {
      name: "unnamed index of a new table, dropped by the name Postgres generates",
      code: "CREATE TABLE users (id bigint, email text);\nCREATE INDEX ON users (lower(email));\nDROP INDEX users_lower_idx;",
    },
    {
      name: "index of a new table in another schema, dropped schema-qualified",
      code: "CREATE TABLE app.users (id bigint, email text);\nCREATE INDEX users_email_idx ON app.users (email);\nDROP INDEX app.users_email_idx;",
    },
    {
      name: "index of a new table followed through ALTER INDEX ... RENAME and a table rename",
      code: "CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\nALTER INDEX t_a_idx RENAME TO t_a_key;\nALTER TABLE t RENAME TO t2;\nDROP INDEX t_a_key;",
    },
  ],
  invalid: [
    {
      name: "plain DROP INDEX: the table is unknown",
      output: "DROP INDEX CONCURRENTLY users_email_idx;",
      code: "DROP INDEX users_email_idx;",
      errors: [
        {
          messageId: "missingConcurrently",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 11,
          includes: ['index "users_email_idx"', "ACCESS EXCLUSIVE", "its table", "reads and writes"],
          helpIncludes: ["DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;"],
          suggestions: [],
        },
      ],
    },
    {
      name: "realistic: swap an index, dropping the old one without CONCURRENTLY",
      output: "-- Replace the single-column index on orders.customer_id with a composite one\n-- that also serves \"latest orders of a customer\".\nSET lock_timeout = '2s';\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_created_at_idx\n    ON orders (customer_id, created_at DESC);\n\nDROP INDEX CONCURRENTLY orders_customer_id_idx;\n",
      fixture: "invalid/replace-index.sql",
      errors: [{ messageId: "missingConcurrently", line: 8, column: 1, endColumn: 11, helpIncludes: ["DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;"] }],
    },
    {
      name: "an index created earlier in the file on an existing table: the drop still locks the table",
      output: "-- A helper index for the backfill below, dropped again at the end. The index is\n-- new, but the table is not: the final DROP INDEX locks \"invoices\".\nCREATE INDEX CONCURRENTLY invoices_legacy_status_idx ON invoices (legacy_status)\n    WHERE legacy_status IS NOT NULL;\n\nUPDATE invoices SET status = legacy_status\nWHERE id BETWEEN 1 AND 10000 AND legacy_status IS NOT NULL;\n\nDROP INDEX CONCURRENTLY invoices_legacy_status_idx;\n",
      fixture: "invalid/temporary-backfill-index.sql",
      errors: [{ messageId: "missingConcurrently", line: 9, column: 1, includes: ['"invoices_legacy_status_idx"', 'on "invoices"'] }],
    },
    {
      name: "a different schema is a different index (app.users_email_idx is not public.users_email_idx)",
      output: "CREATE TABLE app.users (id bigint, email text);\nCREATE INDEX users_email_idx ON app.users (email);\nDROP INDEX CONCURRENTLY users_email_idx;",
      code: "CREATE TABLE app.users (id bigint, email text);\nCREATE INDEX users_email_idx ON app.users (email);\nDROP INDEX users_email_idx;",
      errors: [{ messageId: "missingConcurrently", line: 3, column: 1, includes: ["its table"] }],
    },
    {
      name: "quoted and unquoted index names differ",
      output: "CREATE TABLE \"Users\" (id bigint);\nCREATE INDEX \"Users_id_idx\" ON \"Users\" (id);\nDROP INDEX CONCURRENTLY Users_id_idx;",
      code: 'CREATE TABLE "Users" (id bigint);\nCREATE INDEX "Users_id_idx" ON "Users" (id);\nDROP INDEX Users_id_idx;',
      errors: [{ messageId: "missingConcurrently", line: 3, column: 1, includes: ['"users_id_idx"'] }],
    },
    {
      name: "the new table's index name is reused after the table is dropped",
      output: "CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\nDROP TABLE t;\nDROP INDEX CONCURRENTLY IF EXISTS t_a_idx;",
      code: "CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\nDROP TABLE t;\nDROP INDEX IF EXISTS t_a_idx;",
      errors: [{ messageId: "missingConcurrently", line: 4, column: 1 }],
    },
    {
      name: "inside BEGIN/COMMIT: reported, but no fix (CONCURRENTLY would fail there)",
      code: "BEGIN;\nDROP INDEX users_email_idx;\nCOMMIT;",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1, suggestions: [] }],
    },
    {
      name: "in a transaction the migration tool opens: no fix",
      code: "DROP INDEX users_email_idx;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, suggestions: [] }],
    },
    {
      name: "in the implicit transaction of a multi-statement query: no fix",
      code: "SET lock_timeout = '2s';\nDROP INDEX users_email_idx;",
      options: { wrap: "implicit" },
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1 }],
    },
    {
      name: "inside a DO block: no fix (the block runs in a transaction)",
      code: "DO $$ BEGIN DROP INDEX users_email_idx; END $$;",
      errors: [{ messageId: "missingConcurrently", line: 1, column: 13 }],
    },
    {
      name: "after COMMIT the statement runs on its own again: fixed",
      output: "BEGIN;\nSELECT 1;\nCOMMIT;\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;",
      code: "BEGIN;\nSELECT 1;\nCOMMIT;\nDROP INDEX IF EXISTS users_email_idx;",
      errors: [{ messageId: "missingConcurrently", line: 4, column: 1 }],
    },
    {
      name: "several indexes and CASCADE: one statement per index, and the CASCADE caveat",
      code: "DROP INDEX IF EXISTS app.users_email_idx, users_name_idx CASCADE;",
      errors: [
        {
          messageId: "missingConcurrently",
          line: 1,
          column: 1,
          includes: ['indexes "app.users_email_idx", "users_name_idx"', "their tables"],
          helpIncludes: [
            "DROP INDEX CONCURRENTLY IF EXISTS app.users_email_idx;\n  DROP INDEX CONCURRENTLY IF EXISTS users_name_idx;",
            "does not support CASCADE",
          ],
          suggestions: [],
        },
      ],
    },
  ],
});

describe("require-concurrent-index-deletion: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const tableLocks = async (): Promise<string[]> =>
    (
      await db.query<{ mode: string }>(
        "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname = 'invoices' ORDER BY 1",
      )
    ).rows.map((r) => r.mode);

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec("CREATE TABLE invoices (id bigint PRIMARY KEY, legacy_status text); INSERT INTO invoices SELECT g, 'x' FROM generate_series(1, 100) g;");
  });
  afterAll(async () => {
    await db.close();
  });

  it("DROP INDEX of an index the migration created on an existing table takes ACCESS EXCLUSIVE on the table", async () => {
    await db.query("CREATE INDEX CONCURRENTLY invoices_legacy_status_idx ON invoices (legacy_status)");
    await db.query("BEGIN");
    await db.query("DROP INDEX invoices_legacy_status_idx");
    expect(await tableLocks()).toContain("AccessExclusiveLock");
    await db.query("ROLLBACK");
  });

  it("DROP INDEX CONCURRENTLY refuses several indexes and CASCADE, so the help gives one statement per index", async () => {
    await db.query("CREATE INDEX a_idx ON invoices (id)");
    await db.query("CREATE INDEX b_idx ON invoices (legacy_status)");
    await expect(db.query("DROP INDEX CONCURRENTLY a_idx, b_idx")).rejects.toThrow("DROP INDEX CONCURRENTLY does not support dropping multiple objects");
    await expect(db.query("DROP INDEX CONCURRENTLY a_idx CASCADE")).rejects.toThrow("DROP INDEX CONCURRENTLY does not support CASCADE");
    await db.query("DROP INDEX CONCURRENTLY IF EXISTS a_idx");
    await db.query("DROP INDEX CONCURRENTLY IF EXISTS b_idx");
  });
});
