import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-truncate", {
  valid: [
    { name: "a table created earlier in the file", code: "CREATE TABLE import_rows (line text);\nTRUNCATE import_rows;" },
    { name: "created earlier in the same transaction, CASCADE included", code: "BEGIN;\nCREATE TABLE app.tmp (id bigint PRIMARY KEY);\nCREATE TABLE app.tmp_child (tmp_id bigint REFERENCES app.tmp);\nTRUNCATE app.tmp CASCADE;\nCOMMIT;" },
    { name: "a bounded DELETE is not TRUNCATE", code: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';" },
    {
      name: "a new table referenced only by another new table",
      code: "CREATE TABLE parents (id bigint PRIMARY KEY);\nCREATE TABLE children (parent_id bigint);\nALTER TABLE children ADD FOREIGN KEY (parent_id) REFERENCES parents;\nTRUNCATE parents CASCADE;",
    },
  ],
  invalid: [
    {
      name: "TRUNCATE of an existing table",
      code: "TRUNCATE users;",
      errors: [
        {
          messageId: "truncate",
          line: 1,
          column: 10,
          endLine: 1,
          endColumn: 15,
          includes: ['deletes every row of "users"', "ACCESS EXCLUSIVE", "blocks reads and writes"],
          helpIncludes: ["DELETE FROM users WHERE ctid IN (SELECT ctid FROM users LIMIT 5000);", "-- pgsafe-ignore ban-truncate"],
        },
      ],
    },
    {
      name: "one finding per table, at its (qualified, quoted) name",
      code: 'TRUNCATE ONLY app."Users", orders;',
      errors: [
        { messageId: "truncate", line: 1, column: 15, endColumn: 26, includes: ['"app.Users"'], helpIncludes: ['DELETE FROM app."Users" WHERE ctid IN (SELECT ctid FROM app."Users" LIMIT 5000);'] },
        { messageId: "truncate", line: 1, column: 28, endColumn: 34, includes: ['"orders"'] },
      ],
    },
    {
      name: "CASCADE gets the stronger message",
      code: "TRUNCATE accounts CASCADE;",
      errors: [
        {
          messageId: "truncateCascade",
          line: 1,
          column: 10,
          endColumn: 18,
          includes: ['deletes every row of "accounts" and of every table with a foreign key to it'],
          helpIncludes: ["SELECT conrelid::regclass FROM pg_constraint WHERE contype = 'f' AND confrelid = 'accounts'::regclass;"],
        },
      ],
    },
    {
      name: "CASCADE on a new table that an existing table was made to reference earlier in the file",
      code: "CREATE TABLE parents (id bigint PRIMARY KEY);\nALTER TABLE orders ADD CONSTRAINT orders_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id);\nTRUNCATE parents CASCADE;",
      errors: [{ messageId: "truncateCascade", line: 3, column: 10, endColumn: 17, includes: ['"parents"'] }],
    },
    {
      name: "public.users is not the app.users created earlier; same verdict on PostgreSQL 10",
      code: "CREATE TABLE app.users (id bigint);\nTRUNCATE users;",
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "truncate", line: 2, column: 10, endColumn: 15 }],
    },
    {
      name: "a realistic clean-up migration",
      fixture: "invalid/reset-carts.sql",
      errors: [
        { messageId: "truncate", line: 4, column: 16, endColumn: 30, includes: ['"shopping_carts"'] },
        { messageId: "truncate", line: 4, column: 32, endColumn: 42, includes: ['"cart_items"'] },
        { messageId: "truncateCascade", line: 5, column: 10, endColumn: 18, includes: ['"sessions"'] },
      ],
    },
  ],
});
