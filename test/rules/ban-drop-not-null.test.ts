import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-drop-not-null", {
  valid: [
    "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    { name: "a table created earlier in the file", code: "CREATE TABLE users (email text NOT NULL);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;" },
    { name: "a table created earlier in the same transaction", code: "BEGIN;\nCREATE TABLE app.users (email text NOT NULL);\nALTER TABLE app.users ALTER email DROP NOT NULL;\nCOMMIT;" },
    { name: "a column added earlier in the file", code: "ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT '';\nALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;" },
    { name: "DROP DEFAULT is not DROP NOT NULL", code: "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;" },
  ],
  invalid: [
    {
      name: "DROP NOT NULL on an existing table",
      code: "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
      errors: [
        {
          messageId: "dropNotNull",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 51,
          includes: ['Dropping NOT NULL on "email" of "users"', "never being NULL", "ACCESS EXCLUSIVE"],
          helpIncludes: ["deploy code that copes with NULL in email", "SET lock_timeout = '2s';", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"],
        },
      ],
    },
    {
      name: "reported at its clause among other actions",
      code: "ALTER TABLE app.users ADD COLUMN nickname text, ALTER COLUMN email DROP NOT NULL;",
      errors: [{ messageId: "dropNotNull", line: 1, column: 49, endColumn: 81, includes: ['"app.users"'], helpIncludes: ["ALTER TABLE app.users ALTER COLUMN email DROP NOT NULL;"] }],
    },
    {
      name: "public.users is not the app.users created earlier",
      code: "CREATE TABLE app.users (email text NOT NULL);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "dropNotNull", line: 2, column: 19, endColumn: 51 }],
    },
    {
      name: "a column added to another table is not this column; PostgreSQL 10 alike",
      code: "ALTER TABLE accounts ADD COLUMN email text NOT NULL DEFAULT '';\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "dropNotNull", line: 2, column: 19 }],
    },
    {
      name: "a realistic migration with a quoted table and column",
      fixture: "invalid/optional-phone.sql",
      errors: [
        { messageId: "dropNotNull", line: 5, column: 5, endColumn: 37, includes: ['"phone" of "customers"'] },
        { messageId: "dropNotNull", line: 7, column: 25, endColumn: 52, includes: ['"Line2" of "Addresses"'], helpIncludes: ['ALTER TABLE "Addresses" ALTER COLUMN "Line2" DROP NOT NULL;'] },
      ],
    },
  ],
});
