import { describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const ALTER = "ALTER TABLE users ADD COLUMN nickname text";

runRuleTests("require-statement-timeout", {
  valid: [
    `SET statement_timeout = '5min';\n${ALTER};`,
    `SET SESSION statement_timeout TO 60000;\n${ALTER};`,
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    "UPDATE users SET nickname = name WHERE id BETWEEN 1 AND 1000;",
    "ALTER TABLE users VALIDATE CONSTRAINT users_email_check;",
    { name: "table created earlier in the same file", code: `CREATE TABLE users (id bigint, email text);\n${ALTER};\nCREATE INDEX users_email_idx ON users (email);` },
    { name: "table created earlier in the same transaction", code: "BEGIN;\nCREATE TABLE app.users (id bigint);\nALTER TABLE app.users ADD COLUMN nickname text;\nCOMMIT;" },
    { name: "quoted name created earlier", code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE "Users" ADD COLUMN nickname text;' },
    { name: "SET LOCAL inside the transaction", code: `BEGIN;\nSET LOCAL statement_timeout = '5min';\n${ALTER};\nCOMMIT;` },
    { name: "SET LOCAL in the transaction the tool wraps the file in", code: `SET LOCAL statement_timeout = '5min';\n${ALTER};`, options: { assumeInTransaction: true } },
    { name: "a session SET survives a committed transaction", code: `BEGIN;\nSET statement_timeout = '5min';\nCOMMIT;\n${ALTER};` },
    { name: "set_config(..., false) is a session SET", code: `SELECT set_config('statement_timeout', '5min', false);\n${ALTER};` },
    { name: "the runner sets statement_timeout", code: `${ALTER};`, options: { statementTimeoutSetByRunner: true } },
    { name: "without a max option any statement_timeout is accepted", code: `SET statement_timeout = '2h';\n${ALTER};` },
    { name: "exactly the max option is allowed", code: `SET statement_timeout = '10min';\n${ALTER};`, ruleOptions: [{ max: "10min" }] },
    { name: "max given in milliseconds", code: `SET statement_timeout = 30000;\n${ALTER};`, ruleOptions: [{ max: 60000 }] },
  ],
  invalid: [
    {
      name: "ALTER TABLE on an existing table with no statement_timeout",
      code: `${ALTER};`,
      errors: [
        {
          messageId: "missingStatementTimeout",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 43,
          includes: ['an ACCESS EXCLUSIVE lock on "users" (blocks reads and writes)', 'conflicting queries on "users"'],
          helpIncludes: ["SET statement_timeout = '5min';", `${ALTER};`, "at the top of the migration", "lock_timeout"],
        },
      ],
    },
    {
      name: "a lock_timeout is not a statement_timeout",
      code: `SET lock_timeout = '2s';\n${ALTER};`,
      errors: [{ messageId: "missingStatementTimeout", line: 2, column: 1 }],
    },
    {
      name: "the runner's lock_timeout does not count either",
      code: `${ALTER};`,
      options: { lockTimeoutSetByRunner: true },
      errors: [{ messageId: "missingStatementTimeout", line: 1, column: 1 }],
    },
    {
      name: "CREATE INDEX takes SHARE, which blocks writes",
      code: "CREATE INDEX users_email_idx ON app.users (email);",
      errors: [{ messageId: "missingStatementTimeout", line: 1, column: 1, includes: ['a SHARE lock on "app.users" (blocks writes)'] }],
    },
    {
      name: "SET LOCAL outside a transaction has no effect",
      code: `SET LOCAL statement_timeout = '5min';\n${ALTER};`,
      errors: [{ messageId: "missingStatementTimeout", line: 2, column: 1 }],
    },
    {
      name: "SET LOCAL ends with its transaction",
      fixture: "invalid/set-local-after-commit.sql",
      errors: [{ messageId: "missingStatementTimeout", line: 8, column: 1, endColumn: 44, includes: ['"orders"'] }],
    },
    {
      name: "a SET inside a rolled-back transaction is undone",
      code: `BEGIN;\nSET statement_timeout = '5min';\nROLLBACK;\n${ALTER};`,
      errors: [{ messageId: "missingStatementTimeout", line: 4, column: 1 }],
    },
    {
      name: "RESET, = 0, DEFAULT and RESET ALL turn the timeout off",
      code: [
        "SET statement_timeout = '5min';",
        "RESET statement_timeout;",
        `${ALTER};`,
        "SET statement_timeout = '5min';",
        "SET statement_timeout = 0;",
        `${ALTER};`,
        "SET statement_timeout = '5min';",
        "SET statement_timeout TO DEFAULT;",
        `${ALTER};`,
        "SET statement_timeout = '5min';",
        "RESET ALL;",
        `${ALTER};`,
      ].join("\n"),
      errors: [
        { messageId: "missingStatementTimeout", line: 3, column: 1 },
        { messageId: "missingStatementTimeout", line: 6, column: 1 },
        { messageId: "missingStatementTimeout", line: 9, column: 1 },
        { messageId: "missingStatementTimeout", line: 12, column: 1 },
      ],
    },
    {
      name: "inside an explicit transaction the help says SET LOCAL after BEGIN",
      code: `BEGIN;\n${ALTER};\nCOMMIT;`,
      errors: [{ messageId: "missingStatementTimeout", line: 2, column: 1, helpIncludes: ["SET LOCAL statement_timeout = '5min';", "right after BEGIN"] }],
    },
    {
      name: "inside the transaction the tool wraps the file in, the help says SET LOCAL",
      code: `${ALTER};`,
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingStatementTimeout", line: 1, column: 1, helpIncludes: ["SET LOCAL statement_timeout", "first statement"] }],
    },
    {
      name: "the runner's timeout is switched off with = 0",
      code: `SET statement_timeout = 0;\n${ALTER};`,
      options: { statementTimeoutSetByRunner: true },
      errors: [{ messageId: "missingStatementTimeout", line: 2, column: 1 }],
    },
    {
      name: "a statement_timeout above the max option",
      code: `SET statement_timeout = '1h';\n\n${ALTER};`,
      ruleOptions: [{ max: "10min" }],
      errors: [
        {
          messageId: "statementTimeoutTooLong",
          line: 3,
          column: 1,
          includes: ["is 60min here", "line 1", "10min allowed", '"users"'],
          helpIncludes: ["at most 10min", "SET statement_timeout = '10min';"],
        },
      ],
    },
    {
      name: "max in milliseconds, SET LOCAL inside a transaction",
      code: `BEGIN;\nSET LOCAL statement_timeout = '2min';\n${ALTER};\nCOMMIT;`,
      ruleOptions: [{ max: 60000 }],
      errors: [{ messageId: "statementTimeoutTooLong", line: 3, column: 1, includes: ["2min", "1min"], helpIncludes: ["SET LOCAL statement_timeout = '1min';"] }],
    },
    {
      name: "unquoted name folds to lower case, quoted one does not",
      code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE Users ADD COLUMN nickname text;',
      errors: [{ messageId: "missingStatementTimeout", line: 2, column: 1, includes: ['"users"'] }],
    },
    {
      name: "a different schema is a different table; unqualified means public",
      code: "CREATE TABLE app.users (id bigint);\nALTER TABLE public.users ADD COLUMN nickname text;\nCREATE TABLE users (id bigint);\nALTER TABLE public.users ADD COLUMN email text;",
      errors: [{ messageId: "missingStatementTimeout", line: 2, column: 1 }],
    },
    {
      name: "the verdict does not depend on the version: ADD COLUMN ... DEFAULT rewrites on PG 10 and locks the same",
      code: "ALTER TABLE users ADD COLUMN score int DEFAULT 0;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "missingStatementTimeout", line: 1, column: 1, includes: ['an ACCESS EXCLUSIVE lock on "users"'] }],
    },
    {
      name: "realistic migration: a new table, then changes to an existing one",
      fixture: "invalid/customer-tiers.sql",
      errors: [
        { messageId: "missingStatementTimeout", line: 9, column: 1, includes: ['ACCESS EXCLUSIVE lock on "customers"'] },
        { messageId: "missingStatementTimeout", line: 10, column: 1, includes: ['SHARE ROW EXCLUSIVE lock on "customers"'] },
      ],
    },
    {
      name: "realistic migration with a max: the index build is allowed only 10min",
      fixture: "invalid/customer-tiers.sql",
      ruleOptions: [{ max: "10min" }],
      errors: [
        { messageId: "missingStatementTimeout", line: 9, column: 1 },
        { messageId: "missingStatementTimeout", line: 10, column: 1 },
        { messageId: "statementTimeoutTooLong", line: 14, column: 1, includes: ["15min", "line 12", 'a SHARE lock on "customers"'] },
      ],
    },
  ],
});

describe("require-statement-timeout options", () => {
  it("reports a max that is not a duration as a configuration error", () => {
    const [message] = lintWithRule("require-statement-timeout", `${ALTER};`, {}, [{ max: "soon" }]).messages;
    expect(message?.fatal).toBe(true);
    expect(message?.message).toContain('invalid "max" option "soon"');
  });
});
