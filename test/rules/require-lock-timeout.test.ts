import { runRuleTests } from "../harness/rule-tester.js";

const ALTER = "ALTER TABLE users ADD COLUMN nickname text";

runRuleTests("require-lock-timeout", {
  valid: [
    `SET lock_timeout = '2s';\n${ALTER};`,
    `SET SESSION lock_timeout TO 5000;\n${ALTER};`,
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    "UPDATE users SET nickname = name WHERE id BETWEEN 1 AND 1000;",
    "ALTER TABLE users VALIDATE CONSTRAINT users_email_check;",
    { name: "table created earlier in the same file", code: `CREATE TABLE users (id bigint, email text);\n${ALTER};\nCREATE INDEX users_email_idx ON users (email);` },
    { name: "table created earlier in the same transaction", code: `BEGIN;\nCREATE TABLE app.users (id bigint);\nALTER TABLE app.users ADD COLUMN nickname text;\nCOMMIT;` },
    { name: "quoted name created earlier", code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE "Users" ADD COLUMN nickname text;' },
    { name: "a new table referencing a new table", code: "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));" },
    { name: "SET LOCAL inside the transaction", code: `BEGIN;\nSET LOCAL lock_timeout = '2s';\n${ALTER};\nCOMMIT;` },
    { name: "SET LOCAL in the transaction the tool wraps the file in", code: `SET LOCAL lock_timeout = '2s';\n${ALTER};`, options: { assumeInTransaction: true } },
    { name: "a session SET survives a committed transaction", code: `BEGIN;\nSET lock_timeout = '2s';\nCOMMIT;\n${ALTER};` },
    { name: "set_config(..., false) is a session SET", code: `SELECT set_config('lock_timeout', '2s', false);\n${ALTER};` },
    { name: "set_config(..., true) inside a transaction", code: `BEGIN;\nSELECT set_config('lock_timeout', '2s', true);\n${ALTER};\nCOMMIT;` },
    { name: "the runner sets lock_timeout", code: `${ALTER};`, options: { lockTimeoutSetByRunner: true } },
    { name: "exactly the default max (10s) is allowed", code: `SET lock_timeout = 10000;\n${ALTER};` },
    { name: "a larger max option", code: `SET lock_timeout = '30s';\n${ALTER};`, ruleOptions: [{ max: "30s" }] },
    { name: "max given in milliseconds", code: `SET lock_timeout = '20s';\n${ALTER};`, ruleOptions: [{ max: 20000 }] },
  ],
  invalid: [
    {
      name: "suggestion: SET lock_timeout at the top, below the file's leading comment",
      code: `-- add a nickname\n${ALTER};`,
      errors: [
        {
          messageId: "missingLockTimeout",
          line: 2,
          column: 1,
          suggestions: [{ messageId: "setLockTimeout", desc: "Set lock_timeout = '2s' at the top of the migration.", output: `-- add a nickname\nSET lock_timeout = '2s';\n${ALTER};` }],
        },
      ],
    },
    {
      name: "suggestion: SET LOCAL right after the statement's BEGIN",
      code: `SELECT 1;\nBEGIN;\n${ALTER};\nCOMMIT;`,
      errors: [{ messageId: "missingLockTimeout", line: 3, column: 1, suggestions: [{ output: `SELECT 1;\nBEGIN;\nSET LOCAL lock_timeout = '2s';\n${ALTER};\nCOMMIT;` }] }],
    },
    {
      name: "suggestion: a session SET before the DO block that runs the statement",
      code: "SELECT 1;\nDO $$ BEGIN ALTER TABLE users ADD COLUMN nickname text; END $$;",
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 13, suggestions: [{ output: "SELECT 1;\nSET lock_timeout = '2s';\nDO $$ BEGIN ALTER TABLE users ADD COLUMN nickname text; END $$;" }] }],
    },
    {
      name: "no suggestion when a RESET between the top and the statement would undo the SET",
      code: `SELECT 1;\nRESET lock_timeout;\n${ALTER};`,
      errors: [{ messageId: "missingLockTimeout", line: 3, column: 1, suggestions: [] }],
    },
    {
      name: "ALTER TABLE on an existing table with no lock_timeout",
      code: `${ALTER};`,
      errors: [
        {
          messageId: "missingLockTimeout",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 43,
          includes: ['an ACCESS EXCLUSIVE lock on "users" (blocks reads and writes)'],
          helpIncludes: ["SET lock_timeout = '2s';", `${ALTER};`, "at the top of the migration", "retry"],
        },
      ],
    },
    {
      name: "CREATE INDEX takes SHARE, which blocks writes",
      code: "CREATE INDEX users_email_idx ON app.users (email);",
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 1, includes: ['a SHARE lock on "app.users" (blocks writes)'] }],
    },
    {
      name: "one finding per statement, naming both tables of a foreign key",
      code: "ALTER TABLE orders ADD COLUMN note text, ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);",
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 1, includes: ['ACCESS EXCLUSIVE lock on "orders"', 'SHARE ROW EXCLUSIVE lock on "users"', '"orders" and "users"'] }],
    },
    {
      name: "a new table's foreign key locks the existing referenced table",
      code: "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint REFERENCES users (id)\n);",
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 1, endLine: 4, endColumn: 2, includes: ['SHARE ROW EXCLUSIVE lock on "users"'] }],
    },
    {
      name: "DROP INDEX locks the index's table",
      code: "DROP INDEX users_email_idx;",
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 1, includes: ['the table of index "users_email_idx"'] }],
    },
    {
      name: "SET LOCAL outside a transaction has no effect",
      code: `SET LOCAL lock_timeout = '2s';\n${ALTER};`,
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 1 }],
    },
    {
      name: "set_config(..., true) outside a transaction has no effect",
      code: `SELECT set_config('lock_timeout', '2s', true);\n${ALTER};`,
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 1 }],
    },
    {
      name: "SET LOCAL ends with its transaction",
      fixture: "invalid/set-local-after-commit.sql",
      errors: [{ messageId: "missingLockTimeout", line: 7, column: 1, endColumn: 44, includes: ['"products"'] }],
    },
    {
      name: "a SET inside a rolled-back transaction is undone",
      code: `BEGIN;\nSET lock_timeout = '2s';\nROLLBACK;\n${ALTER};`,
      errors: [{ messageId: "missingLockTimeout", line: 4, column: 1 }],
    },
    {
      name: "RESET, = 0, DEFAULT and RESET ALL turn the timeout off",
      code: [
        "SET lock_timeout = '2s';",
        "RESET lock_timeout;",
        `${ALTER};`,
        "SET lock_timeout = '2s';",
        "SET lock_timeout = 0;",
        `${ALTER};`,
        "SET lock_timeout = '2s';",
        "SET lock_timeout TO DEFAULT;",
        `${ALTER};`,
        "SET lock_timeout = '2s';",
        "RESET ALL;",
        `${ALTER};`,
      ].join("\n"),
      errors: [
        { messageId: "missingLockTimeout", line: 3, column: 1 },
        { messageId: "missingLockTimeout", line: 6, column: 1 },
        { messageId: "missingLockTimeout", line: 9, column: 1 },
        { messageId: "missingLockTimeout", line: 12, column: 1 },
      ],
    },
    {
      name: "inside an explicit transaction the help says SET LOCAL after BEGIN",
      code: `BEGIN;\n${ALTER};\nCOMMIT;`,
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 1, helpIncludes: ["SET LOCAL lock_timeout = '2s';", "right after BEGIN"] }],
    },
    {
      name: "inside the transaction the tool wraps the file in, the help says SET LOCAL",
      code: `${ALTER};`,
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 1, helpIncludes: ["SET LOCAL lock_timeout = '2s';", "first statement"] }],
    },
    {
      name: "the runner's timeout is switched off with = 0",
      code: `SET lock_timeout = 0;\n${ALTER};`,
      options: { lockTimeoutSetByRunner: true },
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 1 }],
    },
    {
      name: "a lock_timeout above the default max of 10s",
      code: `SET lock_timeout = '1min';\n\n${ALTER};`,
      errors: [{ messageId: "lockTimeoutTooLong", line: 3, column: 1, includes: ["1min", "10s", "line 1", '"users"'], helpIncludes: ["SET lock_timeout = '2s';"] }],
    },
    {
      name: "a lock_timeout above the max option",
      code: `BEGIN;\nSET LOCAL lock_timeout = '2s';\n${ALTER};\nCOMMIT;`,
      ruleOptions: [{ max: "1s" }],
      errors: [{ messageId: "lockTimeoutTooLong", line: 3, column: 1, includes: ["2s", "1s"], helpIncludes: ["SET LOCAL lock_timeout"] }],
    },
    {
      name: "unquoted name folds to lower case, quoted one does not",
      code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE Users ADD COLUMN nickname text;',
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 1, includes: ['"users"'] }],
    },
    {
      name: "a different schema is a different table; unqualified means public",
      code: "CREATE TABLE app.users (id bigint);\nALTER TABLE public.users ADD COLUMN nickname text;\nCREATE TABLE users (id bigint);\nALTER TABLE public.users ADD COLUMN email text;",
      errors: [{ messageId: "missingLockTimeout", line: 2, column: 1 }],
    },
    {
      name: "the verdict does not depend on the version: ADD COLUMN ... DEFAULT rewrites on PG 10 but locks the same",
      code: "ALTER TABLE users ADD COLUMN score int DEFAULT 0;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 1, includes: ['an ACCESS EXCLUSIVE lock on "users"'] }],
    },
    {
      name: "after multi-byte text the column counts UTF-16 units",
      code: `SELECT '😀 é'; ${ALTER};`,
      errors: [{ messageId: "missingLockTimeout", line: 1, column: 16, endColumn: 58 }],
    },
    {
      name: "realistic migration: new table, new column, foreign key, index",
      fixture: "invalid/add-reference-without-timeout.sql",
      errors: [
        { messageId: "missingLockTimeout", line: 8, column: 1, includes: ['ACCESS EXCLUSIVE lock on "comments"'] },
        { messageId: "missingLockTimeout", line: 9, column: 1, includes: ['"comments" and "users"'] },
        { messageId: "missingLockTimeout", line: 10, column: 1, endLine: 11, includes: ['SHARE ROW EXCLUSIVE lock on "comments"'] },
        { messageId: "missingLockTimeout", line: 12, column: 1, includes: ['SHARE lock on "comments"'] },
      ],
    },
  ],
});
