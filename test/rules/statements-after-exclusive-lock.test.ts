import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("statements-after-exclusive-lock", {
  valid: [
    { name: "no transaction: each statement commits on its own", code: "ALTER TABLE users ADD COLUMN status text;\nUPDATE users SET status = 'active' WHERE id = 1;" },
    { name: "the locking statement is last in its transaction", code: "BEGIN;\nUPDATE users SET status = 'active' WHERE id = 1;\nALTER TABLE users ADD COLUMN status text;\nCOMMIT;" },
    { name: "separate transactions", code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nCOMMIT;\nBEGIN;\nUPDATE users SET status = 'active' WHERE id = 1;\nCOMMIT;" },
    { name: "a SHARE lock is not ACCESS EXCLUSIVE", code: "BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nUPDATE users SET status = 'active' WHERE id = 1;\nCOMMIT;" },
    { name: "VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE", code: "BEGIN;\nALTER TABLE users VALIDATE CONSTRAINT users_email_check;\nSELECT 1;\nCOMMIT;" },
    { name: "settings after the lock take no time", code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nSET LOCAL statement_timeout = '1s';\nRESET lock_timeout;\nCOMMIT;" },
    { name: "COMMIT AND CHAIN releases the lock", code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nCOMMIT AND CHAIN;\nUPDATE users SET status = 'active' WHERE id = 1;\nCOMMIT;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE plans (id bigint);\nALTER TABLE plans ADD COLUMN name text;\nINSERT INTO plans VALUES (1, 'free');\nCOMMIT;",
    },
    {
      name: "table created earlier in the transaction the tool wraps the file in",
      code: "CREATE TABLE plans (id bigint);\nALTER TABLE plans ADD COLUMN name text;\nINSERT INTO plans VALUES (1, 'free');",
      options: { assumeInTransaction: true },
    },
    { name: "quoted name created earlier", code: 'BEGIN;\nCREATE TABLE "Plans" (id bigint);\nALTER TABLE "Plans" ADD COLUMN name text;\nSELECT 1;\nCOMMIT;' },
    { name: "one statement in the tool's transaction", code: "ALTER TABLE users ADD COLUMN status text;", options: { assumeInTransaction: true } },
  ],
  invalid: [
    {
      name: "a backfill after ADD COLUMN in one transaction",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nUPDATE users SET status = 'active';\nCOMMIT;",
      errors: [
        {
          messageId: "statementAfterLock",
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 35,
          includes: ['the ACCESS EXCLUSIVE lock on "users" taken on line 2', 'every read and write of "users"'],
          helpIncludes: ["ALTER TABLE users ADD COLUMN status text;\n  COMMIT;", "UPDATE users SET status = 'active';"],
        },
      ],
    },
    {
      name: "in the transaction the migration tool wraps the file in",
      code: "ALTER TABLE users ADD COLUMN status text;\n\nCREATE INDEX users_status_idx ON users (status);",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "statementAfterLock", line: 3, column: 1, includes: ["line 1"], helpIncludes: ["next migration"] }],
    },
    {
      name: "every later statement is reported, and all locked tables are named",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nALTER TABLE orders ADD COLUMN note text;\nSELECT count(*) FROM orders;\nROLLBACK;",
      errors: [
        { messageId: "statementAfterLock", line: 3, column: 1, includes: ['"users" taken on line 2'] },
        { messageId: "statementAfterLock", line: 4, column: 1, includes: ['"users" (line 2), "orders" (line 3)', '"users" and "orders"'] },
      ],
    },
    {
      name: "DROP INDEX locks the index's table",
      code: "BEGIN;\nDROP INDEX users_email_idx;\nCREATE INDEX users_email_lower_idx ON users (lower(email));\nCOMMIT;",
      errors: [{ messageId: "statementAfterLock", line: 3, column: 1, includes: ['the table of index "users_email_idx"'] }],
    },
    {
      name: "a new table in the same transaction does not hide the existing one",
      code: "BEGIN;\nCREATE TABLE plans (id bigint);\nALTER TABLE users ADD COLUMN plan_id bigint;\nINSERT INTO plans VALUES (1);\nCOMMIT;",
      errors: [{ messageId: "statementAfterLock", line: 4, column: 1, endColumn: 29 }],
    },
    {
      name: "unquoted name folds to lower case, quoted one does not",
      code: 'CREATE TABLE "Users" (id bigint);\nBEGIN;\nALTER TABLE Users ADD COLUMN status text;\nSELECT 1;\nCOMMIT;',
      errors: [{ messageId: "statementAfterLock", line: 4, column: 1, includes: ['"users"'] }],
    },
    {
      name: "a different schema is a different table",
      code: "CREATE TABLE app.users (id bigint);\nBEGIN;\nALTER TABLE users ADD COLUMN status text;\nSELECT 1;\nCOMMIT;",
      errors: [{ messageId: "statementAfterLock", line: 4, column: 1 }],
    },
    {
      name: "the same on PG 10, where ADD COLUMN ... DEFAULT also rewrites the table under the lock",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN score int DEFAULT 0;\nCREATE INDEX users_score_idx ON users (score);\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "statementAfterLock", line: 3, column: 1, includes: ['"users" taken on line 2'] }],
    },
    {
      name: "realistic Alembic --sql output",
      fixture: "invalid/alembic-upgrade.sql",
      errors: [
        { messageId: "statementAfterLock", line: 12, column: 1, includes: ['"accounts" taken on line 10'] },
        { messageId: "statementAfterLock", line: 14, column: 1 },
        { messageId: "statementAfterLock", line: 16, column: 1 },
      ],
    },
  ],
});
