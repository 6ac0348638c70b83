import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("renaming-table", {
  valid: [
    "ALTER VIEW active_users RENAME TO current_users;",
    "ALTER INDEX users_email_idx RENAME TO users_email_key;",
    "ALTER TABLE users RENAME COLUMN name TO full_name;",
    { name: "table created earlier in the same file", code: "CREATE TABLE users_new (id bigint);\nALTER TABLE users_new RENAME TO accounts;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.staging (id bigint);\nALTER TABLE app.staging RENAME TO imports;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Staging" (id bigint);\nALTER TABLE "Staging" RENAME TO "Imports";' },
  ],
  invalid: [
    {
      name: "RENAME TO on an existing table",
      code: "ALTER TABLE users RENAME TO accounts;",
      errors: [
        {
          messageId: "renameTable",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 37,
          includes: ['table "users" to "accounts"', "running code", "brief ACCESS EXCLUSIVE lock"],
          helpIncludes: ["ALTER TABLE users RENAME TO accounts;\n  CREATE VIEW users AS SELECT * FROM accounts;\n  COMMIT;", "DROP VIEW users;"],
        },
      ],
    },
    {
      name: "realistic: rename a table with its sequence",
      fixture: "invalid/rename-with-sequence.sql",
      errors: [{ messageId: "renameTable", line: 3, column: 18, endColumn: 40, includes: ['"team" to "organization"'] }],
    },
    {
      name: "schema-qualified: the view keeps the schema",
      code: "ALTER TABLE IF EXISTS billing.plans RENAME TO price_plans;",
      options: { assumeInTransaction: true },
      errors: [
        {
          messageId: "renameTable",
          line: 1,
          column: 37,
          includes: ['"billing.plans" to "billing.price_plans"'],
          helpIncludes: ["ALTER TABLE billing.plans RENAME TO price_plans;", "CREATE VIEW billing.plans AS SELECT * FROM billing.price_plans;"],
        },
      ],
    },
    {
      name: "the new table lives in another schema",
      code: "CREATE TABLE app.users (id bigint);\nALTER TABLE users RENAME TO accounts;",
      errors: [{ messageId: "renameTable", line: 2, column: 19 }],
    },
    {
      name: 'the new table is "Users", not users; quoted names in the help',
      code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE "users" RENAME TO "Accounts";',
      errors: [{ messageId: "renameTable", line: 2, column: 21, helpIncludes: ['ALTER TABLE users RENAME TO "Accounts";', 'CREATE VIEW users AS SELECT * FROM "Accounts";'] }],
    },
    {
      name: "a renamed existing table is still existing under its new name",
      code: "BEGIN;\nALTER TABLE users RENAME TO users_old;\nALTER TABLE users_old RENAME TO users_archive;\nCOMMIT;",
      errors: [
        { messageId: "renameTable", line: 2, column: 19 },
        { messageId: "renameTable", line: 3, column: 23 },
      ],
    },
  ],
});
