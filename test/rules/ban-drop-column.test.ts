import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-drop-column", {
  valid: [
    "ALTER TABLE users DROP CONSTRAINT users_email_key;",
    "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
    "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;",
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint, email text);\nALTER TABLE users DROP COLUMN email;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint, email text);\nALTER TABLE app.users DROP COLUMN IF EXISTS email;\nCOMMIT;",
      options: { assumeInTransaction: true },
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" ("Email" text);\nALTER TABLE "Users" DROP COLUMN "Email";' },
  ],
  invalid: [
    {
      name: "DROP COLUMN on an existing table",
      code: "ALTER TABLE users DROP COLUMN email;",
      errors: [
        {
          messageId: "dropColumn",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 36,
          includes: ['column "email" of "users"', "running code", "ACCESS EXCLUSIVE"],
          helpIncludes: [
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            "ALTER TABLE users DROP COLUMN email;  -- pgsafe-ignore ban-drop-column -- unused since <release>",
          ],
        },
      ],
    },
    {
      name: "realistic: two columns in one statement, one finding each",
      fixture: "invalid/cleanup.sql",
      errors: [
        { messageId: "dropColumn", line: 4, column: 19, endColumn: 42, includes: ['"legacy_role" of "users"'] },
        { messageId: "dropColumn", line: 4, column: 44, endColumn: 88, includes: ['"old_avatar_url" of "users"'] },
      ],
    },
    {
      name: "the new table lives in another schema",
      code: "CREATE TABLE app.users (email text);\nALTER TABLE users DROP COLUMN email;",
      errors: [{ messageId: "dropColumn", line: 2, column: 19 }],
    },
    {
      name: 'the new table is "Users", not users; quoted names in the help',
      code: 'CREATE TABLE "Users" ("Email" text);\nALTER TABLE app."Users" DROP "Email";',
      errors: [{ messageId: "dropColumn", line: 2, column: 25, includes: ['column "Email" of "app.Users"'], helpIncludes: ['ALTER TABLE app."Users" DROP COLUMN "Email";'] }],
    },
    {
      name: "a table created and dropped earlier no longer protects the name",
      code: "CREATE TABLE users (email text);\nDROP TABLE users;\nALTER TABLE users DROP COLUMN email;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "dropColumn", line: 3, column: 19 }],
    },
  ],
});
