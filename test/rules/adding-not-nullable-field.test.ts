import { runRuleTests } from "../harness/rule-tester.js";

const CHECK = "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL)";

runRuleTests("adding-not-nullable-field", {
  valid: [
    `${CHECK};\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
    `${CHECK} NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
    "ALTER TABLE users ADD CHECK (email IS NOT NULL AND email <> '') NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_check;\nALTER TABLE users ALTER email SET NOT NULL;",
    "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint, email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint, email text);\nALTER TABLE app.users ALTER COLUMN email SET NOT NULL;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" ("Email" text);\nALTER TABLE "Users" ALTER COLUMN "Email" SET NOT NULL;' },
    {
      name: "check added and validated in the transaction the tool opens",
      code: `${CHECK} NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
      options: { assumeInTransaction: true },
    },
    {
      name: "the check follows a renamed column and a renamed constraint",
      code: "ALTER TABLE users ADD CONSTRAINT c CHECK (mail IS NOT NULL) NOT VALID;\nALTER TABLE users RENAME COLUMN mail TO email;\nALTER TABLE users RENAME CONSTRAINT c TO d;\nALTER TABLE users VALIDATE CONSTRAINT d;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    },
    {
      name: "PG 18: a NOT NULL constraint added NOT VALID and validated",
      code: "ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      options: { pgVersion: 18 },
    },
    { name: "ALTER FOREIGN TABLE has no rows to scan", code: "ALTER FOREIGN TABLE remote_users ALTER COLUMN email SET NOT NULL;" },
  ],
  invalid: [
    {
      name: "SET NOT NULL on an existing table",
      code: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      errors: [
        {
          messageId: "setNotNull",
          suggestions: [{ messageId: "useCheckSequence", output: "ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null_check;" }],
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 50,
          includes: ['column "email" of "users"', "ACCESS EXCLUSIVE", "reads and writes", "scanned"],
          helpIncludes: [
            "ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;",
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;",
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            "ALTER TABLE users DROP CONSTRAINT users_email_not_null_check;",
          ],
        },
      ],
    },
    {
      name: "realistic: backfill then SET NOT NULL in one transaction",
      fixture: "invalid/backfill-then-enforce.sql",
      errors: [{ messageId: "setNotNull", suggestions: [], line: 7, column: 22, endColumn: 54, includes: ['"status" of "invoices"'] }],
    },
    {
      name: "realistic: a NOT VALID check that was never validated; the second action is not reported",
      fixture: "invalid/check-not-validated.sql",
      errors: [{ messageId: "setNotNull", line: 8, column: 3, endColumn: 34, includes: ['"email" of "accounts"'] }],
    },
    {
      name: "PG 11 scans even with a validated check",
      code: `${CHECK};\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
      options: { pgVersion: 11 },
      errors: [
        {
          messageId: "checkNotUsed",
          line: 2,
          column: 19,
          includes: ["PostgreSQL 11", '"users_email_nn"', "PostgreSQL 12+"],
          helpIncludes: ["Keep the validated CHECK constraint users_email_nn"],
        },
      ],
    },
    {
      name: "PG 10 without a check: help keeps the CHECK instead of SET NOT NULL",
      code: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "setNotNull", suggestions: [{ messageId: "useCheck", output: "ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;" }], line: 1, column: 19, helpIncludes: ["PostgreSQL 10 scans", "CHECK (email IS NOT NULL) NOT VALID;"] }],
    },
    {
      name: "a check on another column does not count",
      code: "ALTER TABLE users ADD CONSTRAINT c CHECK (name IS NOT NULL);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      errors: [{ messageId: "setNotNull", line: 2, column: 19 }],
    },
    {
      name: "a check that only compares the column does not prove NOT NULL",
      code: "ALTER TABLE users ADD CONSTRAINT c CHECK (email <> '');\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      errors: [{ messageId: "setNotNull", line: 2, column: 19 }],
    },
    {
      name: "a check added in the same ALTER TABLE is not used (Postgres scans)",
      code: "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL), ALTER COLUMN email SET NOT NULL;",
      errors: [{ messageId: "setNotNull", line: 1, column: 63, endColumn: 94 }],
    },
    {
      name: "a check on app.users does not cover public.users",
      code: "ALTER TABLE app.users ADD CONSTRAINT c CHECK (email IS NOT NULL);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      errors: [{ messageId: "setNotNull", line: 2, column: 19, includes: ['"users"'] }],
    },
    {
      name: 'a check on "Users" does not cover users',
      code: 'ALTER TABLE "Users" ADD CONSTRAINT c CHECK (email IS NOT NULL);\nALTER TABLE Users ALTER COLUMN email SET NOT NULL;',
      errors: [{ messageId: "setNotNull", line: 2, column: 19 }],
    },
    {
      name: "the table new in the file lives in another schema",
      code: "CREATE TABLE app.users (email text);\nALTER TABLE public.users ALTER COLUMN email SET NOT NULL;",
      errors: [{ messageId: "setNotNull", line: 2, column: 26, helpIncludes: ["ALTER TABLE public.users ADD CONSTRAINT"] }],
    },
    {
      name: "a check added in a rolled-back transaction is gone",
      code: `BEGIN;\n${CHECK};\nROLLBACK;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
      errors: [{ messageId: "setNotNull", line: 4, column: 19 }],
    },
    {
      name: "a dropped check no longer counts",
      code: `${CHECK};\nALTER TABLE users DROP CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
      errors: [{ messageId: "setNotNull", line: 3, column: 19 }],
    },
    {
      name: "quoted names in the help, and the PG 18 NOT NULL NOT VALID alternative",
      code: 'ALTER TABLE app."Users" ALTER COLUMN "Email" SET NOT NULL;',
      options: { pgVersion: 18 },
      errors: [
        {
          messageId: "setNotNull",
          suggestions: [{ messageId: "useCheckSequence", output: "ALTER TABLE app.\"Users\" ADD CONSTRAINT \"Users_Email_not_null_check\" CHECK (\"Email\" IS NOT NULL) NOT VALID;\nALTER TABLE app.\"Users\" VALIDATE CONSTRAINT \"Users_Email_not_null_check\";\nALTER TABLE app.\"Users\" ALTER COLUMN \"Email\" SET NOT NULL;\nALTER TABLE app.\"Users\" DROP CONSTRAINT \"Users_Email_not_null_check\";" }, { messageId: "useNotNullNotValid", output: "ALTER TABLE app.\"Users\" ADD CONSTRAINT \"Users_Email_not_null\" NOT NULL \"Email\" NOT VALID;\nALTER TABLE app.\"Users\" VALIDATE CONSTRAINT \"Users_Email_not_null\";" }],
          line: 1,
          column: 25,
          includes: ['column "Email" of "app.Users"'],
          helpIncludes: [
            'ALTER TABLE app."Users" ADD CONSTRAINT "Users_Email_not_null_check" CHECK ("Email" IS NOT NULL) NOT VALID;',
            'ALTER TABLE app."Users" ADD CONSTRAINT "Users_Email_not_null" NOT NULL "Email" NOT VALID;',
          ],
        },
      ],
    },
  ],
});
