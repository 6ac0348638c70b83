import { runRuleTests } from "../harness/rule-tester.js";

const ADD = "ALTER TABLE users ADD COLUMN email varchar(100), ADD COLUMN amount numeric(10,2), ADD COLUMN net cidr;\n";

runRuleTests("changing-column-type", {
  valid: [
    `${ADD}ALTER TABLE users ALTER COLUMN email TYPE varchar(200);`,
    `${ADD}ALTER TABLE users ALTER COLUMN email TYPE text;`,
    `${ADD}ALTER TABLE users ALTER COLUMN email TYPE varchar;`,
    `${ADD}ALTER TABLE users ALTER COLUMN email TYPE varchar(100), ALTER COLUMN amount TYPE numeric(12,2), ALTER COLUMN net TYPE inet;`,
    `${ADD}ALTER TABLE users ALTER COLUMN amount TYPE numeric;`,
    "ALTER TABLE users ADD COLUMN bio text;\nALTER TABLE users ALTER COLUMN bio TYPE varchar;",
    "ALTER TABLE users ADD COLUMN bits varbit(8);\nALTER TABLE users ALTER COLUMN bits TYPE bit varying(64);",
    {
      name: "a larger fractional-seconds precision, or dropping an array's limit, keeps the storage",
      code: "ALTER TABLE users ADD COLUMN seen timestamp(0), ADD COLUMN tags varchar(10)[];\nALTER TABLE users ALTER COLUMN seen TYPE timestamp(3), ALTER COLUMN tags TYPE varchar[];",
    },
    {
      name: "the known type follows a column rename and an earlier type change",
      code: "ALTER TABLE users ADD COLUMN mail varchar(50);\nALTER TABLE users RENAME COLUMN mail TO email;\nALTER TABLE users ALTER COLUMN email TYPE varchar(80);\nALTER TABLE users ALTER COLUMN email TYPE text;",
    },
    {
      name: "column added in an earlier, committed transaction",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN email varchar(100);\nCOMMIT;\nALTER TABLE users ALTER COLUMN email TYPE text;",
    },
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id integer);\nALTER TABLE users ALTER COLUMN id TYPE bigint;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id integer);\nALTER TABLE app.users ALTER COLUMN id TYPE bigint USING id::bigint;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" (id integer);\nALTER TABLE "Users" ALTER COLUMN id TYPE bigint;' },
  ],
  invalid: [
    {
      name: "old type unknown",
      code: "ALTER TABLE users ALTER COLUMN id TYPE bigint;",
      errors: [
        {
          messageId: "mayRewrite",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 46,
          includes: ['column "id" of "users" to bigint', "ACCESS EXCLUSIVE", "reads and writes", "unless the change is binary-coercible", "not declared"],
          helpIncludes: [
            "ALTER TABLE users ADD COLUMN id_new bigint;",
            "NEW.id_new := NEW.id::bigint;",
            "CREATE TRIGGER users_id_new_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_id_new_sync();",
            "UPDATE users SET id_new = id::bigint WHERE",
            "ALTER TABLE users RENAME COLUMN id_new TO id;",
          ],
        },
      ],
    },
    {
      name: "realistic: widening an integer primary key and its foreign key column",
      fixture: "invalid/widen-primary-key.sql",
      errors: [
        { messageId: "mayRewrite", line: 4, column: 20, endColumn: 47, includes: ['"id" of "orders" to bigint'] },
        { messageId: "mayRewrite", line: 5, column: 25, endColumn: 67, includes: ['"order_id" of "order_items" to bigint'] },
      ],
    },
    {
      name: "realistic: known old types, narrowed or rescaled; timestamp to timestamptz",
      fixture: "invalid/shrink-known-columns.sql",
      errors: [
        { messageId: "rewrite", line: 4, column: 22, includes: ['"bio" of "profiles" from varchar(500) to varchar(280)', "rewrites the whole table"] },
        { messageId: "rewrite", line: 5, column: 22, includes: ["from numeric(4,2) to numeric(5,3)"] },
        {
          messageId: "timestampTimeZone",
          line: 6,
          column: 22,
          includes: ["from timestamp to timestamptz", "indexes on the column are rebuilt", "unless the session TimeZone is UTC"],
          helpIncludes: ["SET LOCAL timezone = 'UTC'"],
        },
      ],
    },
    {
      name: "PG 11: timestamp to timestamptz always rewrites",
      code: "ALTER TABLE users ADD COLUMN seen timestamp;\nALTER TABLE users ALTER COLUMN seen TYPE timestamp with time zone;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "rewrite", line: 2, column: 19, includes: ["from timestamp to timestamptz"] }],
    },
    {
      name: "known old type: text to a limited varchar, and int to bigint",
      code: "ALTER TABLE users ADD COLUMN bio text, ADD COLUMN n integer;\nALTER TABLE users ALTER COLUMN bio TYPE varchar(20), ALTER COLUMN n TYPE int8;",
      errors: [
        { messageId: "rewrite", line: 2, column: 19, includes: ["from text to varchar(20)"] },
        { messageId: "rewrite", line: 2, column: 54, includes: ["from integer to bigint"] },
      ],
    },
    {
      name: "known old type but a pair pgsafe does not classify",
      code: "ALTER TABLE users ADD COLUMN code char(5);\nALTER TABLE users ALTER COLUMN code TYPE char(10);",
      errors: [{ messageId: "mayRewrite", line: 2, column: 19, includes: ["from char(5) to char(10)"] }],
    },
    {
      name: "a smaller fractional-seconds precision rewrites; an array's larger limit too",
      code: "ALTER TABLE users ADD COLUMN seen timestamp(3), ADD COLUMN tags varchar(10)[];\nALTER TABLE users ALTER COLUMN seen TYPE timestamp(0), ALTER COLUMN tags TYPE varchar(20)[];",
      errors: [
        { messageId: "rewrite", line: 2, column: 19, includes: ["from timestamp(3) to timestamp(0)"] },
        { messageId: "rewrite", line: 2, column: 56, includes: ["from varchar(10)[] to varchar(20)[]"] },
      ],
    },
    {
      name: "without COLLATE a column with a collation gets the type's default one: its indexes are rebuilt",
      code: 'ALTER TABLE users ADD COLUMN code varchar COLLATE "C";\nALTER TABLE users ALTER COLUMN code TYPE varchar;',
      errors: [{ messageId: "mayRewrite", line: 2, column: 19, includes: ["from varchar to varchar", 'loses its collation "C"'] }],
    },
    {
      name: "a COLLATE clause rebuilds the column's indexes even for the same type",
      code: 'ALTER TABLE users ADD COLUMN email text;\nALTER TABLE users ALTER COLUMN email TYPE text COLLATE "C";',
      errors: [{ messageId: "mayRewrite", line: 2, column: 19, includes: ["from text to text", "with COLLATE, the indexes on the column are rebuilt"] }],
    },
    {
      name: "USING always fires, even for a change that could be coercible; the help rewrites the expression for the trigger",
      code: `${ADD}ALTER TABLE users ALTER COLUMN email TYPE text USING lower(email);`,
      errors: [
        {
          messageId: "usingExpression",
          line: 2,
          column: 19,
          includes: ["from varchar(100) to text with USING"],
          helpIncludes: ["NEW.email_new := lower(NEW.email);", "UPDATE users SET email_new = lower(email) WHERE"],
        },
      ],
    },
    {
      name: "a column added to app.users is not public.users",
      code: "ALTER TABLE app.users ADD COLUMN email varchar(100);\nALTER TABLE users ALTER COLUMN email TYPE text;",
      errors: [{ messageId: "mayRewrite", line: 2, column: 19 }],
    },
    {
      name: 'a column added to "Users" is not users, and quoted names stay quoted',
      code: 'ALTER TABLE "Users" ADD COLUMN email varchar(100);\nALTER TABLE app."Users" ALTER COLUMN "Email" TYPE text;',
      errors: [
        {
          messageId: "mayRewrite",
          line: 2,
          column: 25,
          includes: ['column "Email" of "app.Users" to text'],
          helpIncludes: ['ALTER TABLE app."Users" ADD COLUMN "Email_new" text;', 'CREATE FUNCTION "Users_Email_new_sync"()'],
        },
      ],
    },
    {
      name: "a column added in a rolled-back transaction is unknown; PG 10 help uses EXECUTE PROCEDURE",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN email varchar(100);\nROLLBACK;\nALTER TABLE users ALTER COLUMN email TYPE text;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "mayRewrite", line: 4, column: 19, helpIncludes: ["EXECUTE PROCEDURE users_email_new_sync();"] }],
    },
    {
      name: "in an assumed transaction the verdict is the same",
      code: "ALTER TABLE users ALTER COLUMN email TYPE varchar(50);",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "mayRewrite", line: 1, column: 19 }],
    },
  ],
});
