import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-drop-table", {
  valid: [
    "DROP VIEW IF EXISTS active_users;",
    "DROP INDEX CONCURRENTLY users_email_idx;",
    "DROP MATERIALIZED VIEW daily_totals;",
    { name: "table created earlier in the same file", code: "CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;" },
    {
      name: "table created earlier in the same transaction, then renamed",
      code: "BEGIN;\nCREATE TABLE app.scratch (id bigint);\nALTER TABLE app.scratch RENAME TO scratch2;\nDROP TABLE app.scratch2;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Scratch" (id bigint);\nDROP TABLE "Scratch";', options: { assumeInTransaction: true } },
  ],
  invalid: [
    {
      name: "DROP TABLE of an existing table",
      code: "DROP TABLE users;",
      errors: [
        {
          messageId: "dropTable",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 17,
          includes: ['table "users"', "running code", "data", 'ACCESS EXCLUSIVE lock on "users"'],
          helpIncludes: [
            "FROM pg_stat_user_tables WHERE relid = 'users'::regclass;",
            "DROP TABLE users;  -- pgsafe-ignore ban-drop-table -- unused since <release>",
            "pg_dump --table='users'",
          ],
        },
      ],
    },
    {
      name: "realistic: several tables in one statement, the new one is fine; CASCADE is named",
      fixture: "invalid/drop-legacy-tables.sql",
      errors: [
        { messageId: "dropTable", line: 3, column: 1, endColumn: 69, includes: ['"reporting.daily_totals"', "CASCADE also drops the views and foreign keys"] },
        { messageId: "dropTable", line: 4, column: 1, endColumn: 27, includes: ['"legacy_sessions"'] },
      ],
    },
    {
      name: "the new table lives in another schema",
      code: "CREATE TABLE app.users (id bigint);\nDROP TABLE public.users;",
      errors: [{ messageId: "dropTable", line: 2, column: 1, helpIncludes: ["DROP TABLE public.users;"] }],
    },
    {
      name: 'the new table is "Users", not users',
      code: 'CREATE TABLE "Users" (id bigint);\nBEGIN;\nDROP TABLE Users;\nCOMMIT;',
      options: { pgVersion: 10 },
      errors: [{ messageId: "dropTable", line: 3, column: 1, includes: ['table "users"'] }],
    },
  ],
});
