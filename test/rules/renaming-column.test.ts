import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("renaming-column", {
  valid: [
    "ALTER VIEW active_users RENAME COLUMN name TO full_name;",
    "ALTER TABLE users RENAME CONSTRAINT users_name_check TO users_full_name_check;",
    "ALTER TABLE users ADD COLUMN full_name text;",
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint, name text);\nALTER TABLE users RENAME COLUMN name TO full_name;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint, name text);\nALTER TABLE app.users RENAME name TO full_name;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" ("Name" text);\nALTER TABLE "Users" RENAME COLUMN "Name" TO name;' },
    {
      name: "a new table keeps being new after it is renamed",
      code: "CREATE TABLE t (a int);\nALTER TABLE t RENAME TO t2;\nALTER TABLE t2 RENAME COLUMN a TO b;",
      options: { assumeInTransaction: true },
    },
  ],
  invalid: [
    {
      name: "RENAME COLUMN on an existing table",
      code: "ALTER TABLE users RENAME COLUMN name TO full_name;",
      errors: [
        {
          messageId: "renameColumn",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 50,
          includes: ['column "name" of "users" to "full_name"', "running code", "brief ACCESS EXCLUSIVE lock"],
          helpIncludes: [
            "ALTER TABLE users ADD COLUMN full_name <type of name>;",
            "IF TG_OP = 'INSERT' THEN NEW.name := COALESCE(NEW.name, NEW.full_name); NEW.full_name := NEW.name;",
            "CREATE TRIGGER users_full_name_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_full_name_sync();",
            "UPDATE users SET full_name = name WHERE",
            "ALTER TABLE users DROP COLUMN name;",
            "CREATE VIEW users AS SELECT *, full_name AS name FROM users_data; COMMIT;",
          ],
        },
      ],
    },
    {
      name: "realistic: a rename in a release migration",
      fixture: "invalid/rename-in-release.sql",
      errors: [{ messageId: "renameColumn", line: 4, column: 22, endColumn: 55, includes: ['"amt" of "invoices" to "amount_cents"'] }],
    },
    {
      name: "the known type of a column added earlier fills in the help",
      code: "ALTER TABLE users ADD COLUMN nick varchar(40);\nALTER TABLE users RENAME nick TO nickname;",
      errors: [{ messageId: "renameColumn", line: 2, column: 19, helpIncludes: ["ALTER TABLE users ADD COLUMN nickname varchar(40);"] }],
    },
    {
      name: "PG 10: the trigger uses EXECUTE PROCEDURE",
      code: "ALTER TABLE users RENAME COLUMN name TO full_name;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "renameColumn", line: 1, column: 19, helpIncludes: ["EXECUTE PROCEDURE users_full_name_sync();"] }],
    },
    {
      name: "the new table lives in another schema",
      code: "CREATE TABLE app.users (name text);\nALTER TABLE IF EXISTS ONLY public.users RENAME COLUMN name TO full_name;",
      errors: [{ messageId: "renameColumn", line: 2, column: 41, helpIncludes: ["ALTER TABLE public.users ADD COLUMN full_name"] }],
    },
    {
      name: 'the new table is "Users", not users; quoted names in the help',
      code: 'CREATE TABLE "Users" ("Name" text);\nBEGIN;\nALTER TABLE app."Users" RENAME COLUMN "Name" TO "FullName";\nCOMMIT;',
      errors: [
        {
          messageId: "renameColumn",
          line: 3,
          column: 25,
          includes: ['column "Name" of "app.Users" to "FullName"'],
          helpIncludes: ['ALTER TABLE app."Users" ADD COLUMN "FullName"', 'ALTER TABLE app."Users" RENAME TO "Users_data";'],
        },
      ],
    },
  ],
});
