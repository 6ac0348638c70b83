import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-concurrent-index-creation", {
  valid: [
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint, email text);\nCREATE INDEX users_email_idx ON users (email);" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint, email text);\nCREATE UNIQUE INDEX users_email_idx ON app.users (email);\nCOMMIT;",
    },
    { name: "quoted name created earlier", code: 'CREATE TABLE "Users" (id bigint);\nCREATE INDEX ON "Users" (id);' },
  ],
  invalid: [
    {
      name: "plain index on an existing table",
      output: "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      code: "CREATE INDEX users_email_idx ON users (email);",
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, endLine: 1, endColumn: 13, includes: ['"users_email_idx"', '"users"', "SHARE"], helpIncludes: ["CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);"] }],
    },
    {
      name: "unquoted name folds to lower case, quoted one does not",
      output: "CREATE TABLE \"Users\" (id bigint);\nCREATE INDEX CONCURRENTLY users_id_idx ON Users (id);",
      code: 'CREATE TABLE "Users" (id bigint);\nCREATE INDEX users_id_idx ON Users (id);',
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1 }],
    },
    {
      name: "a different schema is a different table",
      output: "CREATE TABLE app.users (id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY users_id_idx ON public.users (id);",
      code: "CREATE TABLE app.users (id bigint);\nCREATE UNIQUE INDEX users_id_idx ON public.users (id);",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1, endColumn: 20 }],
    },
    {
      name: "realistic: an expression index and a partial unique index for a search page",
      output: "-- Speed up the admin search page.\nSET lock_timeout = '2s';\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS customers_lower_email_idx ON customers (lower(email));\n\nCREATE UNIQUE INDEX CONCURRENTLY customers_external_ref_key\n    ON customers (tenant_id, external_ref)\n    WHERE deleted_at IS NULL;\n",
      fixture: "invalid/search-indexes.sql",
      errors: [
        {
          messageId: "missingConcurrently",
          line: 4,
          column: 1,
          endColumn: 13,
          includes: ['"customers_lower_email_idx"', '"customers"'],
          helpIncludes: ["CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_lower_email_idx ON customers (lower(email));"],
        },
        {
          messageId: "missingConcurrently",
          line: 6,
          column: 1,
          endColumn: 20,
          includes: ['"customers_external_ref_key"'],
          helpIncludes: ["CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_external_ref_key ON customers (tenant_id, external_ref)", "DROP INDEX CONCURRENTLY customers_external_ref_key"],
        },
      ],
    },
    {
      name: "inside a transaction the migration tool opens it is still reported, without a fix, and the help says to move it out",
      code: "CREATE INDEX users_email_idx ON users (email);",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, helpIncludes: ["its own migration that runs outside one"] }],
    },
    {
      name: "an unnamed index is named as Postgres names it, and a multi-line statement becomes one line of help",
      output: "CREATE INDEX CONCURRENTLY ON orders\n  (customer_id,\n   created_at);",
      code: "CREATE INDEX ON orders\n  (customer_id,\n   created_at);",
      errors: [
        {
          messageId: "missingConcurrently",
          line: 1,
          column: 1,
          includes: ['"orders_customer_id_created_at_idx" (the name Postgres generates)'],
          helpIncludes: [
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_created_at_idx ON orders (customer_id, created_at);",
            "DROP INDEX CONCURRENTLY orders_customer_id_created_at_idx",
          ],
        },
      ],
    },
    {
      name: "inside BEGIN/COMMIT: reported, but no fix (CONCURRENTLY cannot run in a transaction block)",
      code: "BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1 }],
    },
    {
      name: "in the implicit transaction of a multi-statement query: no fix",
      code: "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);",
      options: { wrap: "implicit" },
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1 }],
    },
    {
      name: "ON ONLY (an index of a partitioned table alone): no fix, CONCURRENTLY cannot build it",
      code: "CREATE INDEX measurements_ts_idx ON ONLY measurements (ts);",
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1 }],
    },
    {
      name: "IF NOT EXISTS stays after the inserted CONCURRENTLY, and a later statement outside the transaction is fixed",
      output: "BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);",
      code: "BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\nCREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email);",
      errors: [{ messageId: "missingConcurrently", line: 4, column: 1, endColumn: 20 }],
    },
    {
      name: "after multi-byte text the column counts UTF-16 units",
      output: "SELECT '😀 é'; CREATE INDEX CONCURRENTLY i ON t (a);",
      code: "SELECT '😀 é'; CREATE INDEX i ON t (a);",
      errors: [{ messageId: "missingConcurrently", line: 1, column: 16, endColumn: 28 }],
    },
  ],
});
