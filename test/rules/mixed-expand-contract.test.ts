import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("mixed-expand-contract", {
  valid: [
    "ALTER TABLE users ADD COLUMN email_normalized text;\nCREATE INDEX CONCURRENTLY users_email_normalized_idx ON users (email_normalized);",
    "ALTER TABLE users DROP COLUMN legacy_flag;\nALTER TABLE users RENAME COLUMN mail TO email;",
    { name: "expanding one table and contracting another", code: "ALTER TABLE users ADD COLUMN phone text;\nALTER TABLE orders DROP COLUMN legacy_status;" },
    {
      name: "a table created earlier in the file is not an existing table",
      code: "BEGIN;\nCREATE TABLE drafts (id bigint, body text);\nALTER TABLE drafts ADD COLUMN title text;\nALTER TABLE drafts DROP COLUMN body;\nCOMMIT;",
    },
    { name: "quoted \"Users\" and users are different tables", code: 'ALTER TABLE "Users" ADD COLUMN phone text;\nALTER TABLE users DROP COLUMN fax;' },
    { name: "app.users and public.users are different tables", code: "ALTER TABLE app.users ADD COLUMN phone text;\nALTER TABLE users DROP COLUMN fax;" },
    { name: "dropping or renaming a column this migration added is no contract", code: "ALTER TABLE users ADD COLUMN tmp text;\nALTER TABLE users RENAME COLUMN tmp TO tmp2;\nALTER TABLE users DROP COLUMN tmp2;" },
    { name: "renaming a table and leaving a view under the old name", code: "ALTER TABLE invoices RENAME TO bills;\nCREATE VIEW invoices AS SELECT * FROM bills;" },
  ],
  invalid: [
    {
      name: "add a column and drop another in the same statement",
      code: "ALTER TABLE users ADD COLUMN a text, DROP COLUMN b;",
      errors: [
        {
          messageId: "mixedExpandContract",
          line: 1,
          column: 38,
          endLine: 1,
          endColumn: 51,
          includes: ['expands "users" (line 1: adds column "a")', '(drops column "b")', "separate deploys"],
          helpIncludes: ["ALTER TABLE users DROP COLUMN b;"],
        },
      ],
    },
    {
      name: "each contracting clause is reported, naming the expanding statement's line",
      code: "ALTER TABLE users ADD COLUMN full_name text;\nALTER TABLE users DROP COLUMN first_name, DROP COLUMN last_name;",
      errors: [
        { messageId: "mixedExpandContract", line: 2, column: 19, endColumn: 41, includes: ["(line 1: adds column \"full_name\")", 'drops column "first_name"'] },
        { messageId: "mixedExpandContract", line: 2, column: 43, endColumn: 64, includes: ['drops column "last_name"'], helpIncludes: ["ALTER TABLE users DROP COLUMN last_name;"] },
      ],
    },
    {
      name: "rename the table away and create a new one under its name (the expand comes later)",
      code: "ALTER TABLE orders RENAME TO orders_old;\nCREATE TABLE orders (id bigint PRIMARY KEY);",
      errors: [
        {
          messageId: "mixedExpandContract",
          line: 1,
          column: 20,
          endColumn: 40,
          includes: ['expands "orders" (line 2: creates a new table under its old name)', 'renames the table to "orders_old"'],
          helpIncludes: ["ALTER TABLE orders RENAME TO orders_old;"],
        },
      ],
    },
    {
      name: "the table is followed through its renames",
      code: "CREATE INDEX accounts_x_idx ON accounts (x);\nALTER TABLE accounts RENAME TO people;\nALTER TABLE people RENAME COLUMN name TO full_name;\nDROP TABLE people;",
      errors: [
        { messageId: "mixedExpandContract", line: 2, column: 22, endColumn: 38, includes: ['expands "accounts" (line 1: adds index "accounts_x_idx")'] },
        { messageId: "mixedExpandContract", line: 3, column: 20, endColumn: 51, includes: ['expands "people" (line 1: adds index "accounts_x_idx" on "accounts")', 'renames column "name" to "full_name"'] },
        { messageId: "mixedExpandContract", line: 4, column: 1, endColumn: 18, includes: ["drops the table"], helpIncludes: ["DROP TABLE people;"] },
      ],
    },
    {
      name: "a constraint is an expand too; quoted names and an assumed transaction",
      code: "ALTER TABLE \"Users\" ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;\nALTER TABLE \"Users\" RENAME COLUMN mail TO email;",
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [{ messageId: "mixedExpandContract", line: 2, column: 21, endColumn: 48, includes: ['"Users" (line 1: adds constraint "users_email_check")'] }],
    },
    {
      name: "a realistic column replacement in one transaction",
      fixture: "invalid/replace-email-column.sql",
      errors: [{ messageId: "mixedExpandContract", line: 5, column: 19, endColumn: 36, includes: ['(line 2: adds column "email_address")', 'drops column "email"'] }],
    },
  ],
});
