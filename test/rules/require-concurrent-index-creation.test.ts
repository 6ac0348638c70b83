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
      code: "CREATE INDEX users_email_idx ON users (email);",
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, endLine: 1, endColumn: 13, includes: ['"users_email_idx"', '"users"', "SHARE"], helpIncludes: ["CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);"] }],
    },
    {
      name: "unquoted name folds to lower case, quoted one does not",
      code: 'CREATE TABLE "Users" (id bigint);\nCREATE INDEX users_id_idx ON Users (id);',
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1 }],
    },
    {
      name: "a different schema is a different table",
      code: "CREATE TABLE app.users (id bigint);\nCREATE UNIQUE INDEX users_id_idx ON public.users (id);",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1, endColumn: 20 }],
    },
    {
      name: "realistic: an expression index and a partial unique index for a search page",
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
      name: "inside a transaction the migration tool opens it is still reported, and the help says to move it out",
      code: "CREATE INDEX users_email_idx ON users (email);",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, helpIncludes: ["its own migration that runs outside one"] }],
    },
    {
      name: "an unnamed index is named as Postgres names it, and a multi-line statement becomes one line of help",
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
      name: "after multi-byte text the column counts UTF-16 units",
      code: "SELECT '😀 é'; CREATE INDEX i ON t (a);",
      errors: [{ messageId: "missingConcurrently", line: 1, column: 16, endColumn: 28 }],
    },
  ],
});
