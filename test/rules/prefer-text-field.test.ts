import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("prefer-text-field", {
  valid: [
    "CREATE TABLE users (email text NOT NULL CHECK (char_length(email) <= 320));",
    { name: "varchar without a limit is text under another name", code: "CREATE TABLE users (nickname varchar, bio character varying);" },
    "ALTER TABLE users ADD COLUMN bio text, ALTER COLUMN nickname TYPE text;",
    { name: "a user type named varchar in another schema", code: "CREATE TABLE t (a legacy.varchar(10));" },
    { name: "varchar(n) in a cast is not a column", code: "SELECT name::varchar(10) FROM users;" },
    { name: "char(n) is ban-char-field's business", code: "CREATE TABLE t (code char(2));" },
  ],
  invalid: [
    {
      name: "varchar(255) on a new table, with a suggestion that keeps the limit",
      code: "CREATE TABLE users (email varchar(255) NOT NULL);",
      errors: [
        {
          messageId: "preferText",
          line: 1,
          column: 27,
          endLine: 1,
          endColumn: 39,
          includes: ['Column "email" of "users" is varchar(255)', "use text CHECK (char_length(email) <= 255)", "ACCESS EXCLUSIVE"],
          helpIncludes: ["email text CHECK (char_length(email) <= 255)"],
          suggestions: [{ messageId: "useText", output: "CREATE TABLE users (email text CHECK (char_length(email) <= 255) NOT NULL);" }],
        },
      ],
    },
    {
      name: "character varying with spaces, a quoted column name, and an array (no suggestion for arrays)",
      code: 'CREATE TABLE t ("Name" character varying ( 50 ), tags varchar(20)[]);',
      errors: [
        { messageId: "preferText", line: 1, column: 24, endColumn: 48, includes: ['Column "Name" of "t" is character varying ( 50 )', 'char_length("Name") <= 50'] },
        { messageId: "preferText", line: 1, column: 55, endColumn: 68, includes: ["use text[]"], suggestions: [] },
      ],
    },
    {
      name: "national character varying",
      code: "CREATE TABLE t (name national character varying(10));",
      errors: [{ messageId: "preferText", line: 1, column: 22, endColumn: 52, suggestions: [{ output: "CREATE TABLE t (name text CHECK (char_length(name) <= 10));" }] }],
    },
    {
      name: "ALTER COLUMN ... TYPE varchar(n) on an existing table: text, then the limit NOT VALID and validated later",
      code: "ALTER TABLE users ALTER COLUMN email TYPE varchar(320);",
      errors: [
        {
          messageId: "preferText",
          line: 1,
          column: 43,
          endColumn: 55,
          helpIncludes: [
            "ALTER TABLE users ALTER COLUMN email TYPE text;",
            "ALTER TABLE users ADD CONSTRAINT users_email_length CHECK (char_length(email) <= 320) NOT VALID;",
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_length;",
          ],
          suggestions: [],
        },
      ],
    },
    {
      name: "ADD COLUMN on an existing schema-qualified table",
      code: "ALTER TABLE app.users ADD COLUMN code varchar(8);",
      errors: [
        {
          messageId: "preferText",
          line: 1,
          column: 39,
          endColumn: 49,
          includes: ['"code" of "app.users"'],
          helpIncludes: ["ALTER TABLE app.users ADD COLUMN code text;", "ALTER TABLE app.users ADD CONSTRAINT users_code_length CHECK (char_length(code) <= 8) NOT VALID;"],
          suggestions: [],
        },
      ],
    },
    {
      name: "ADD COLUMN to a table created earlier in the file: one statement, and a suggestion",
      code: "CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN code varchar(8);",
      errors: [
        {
          messageId: "preferText",
          line: 2,
          column: 35,
          endColumn: 45,
          helpIncludes: ["ALTER TABLE users ADD COLUMN code text CHECK (char_length(code) <= 8);"],
          suggestions: [{ output: "CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN code text CHECK (char_length(code) <= 8);" }],
        },
      ],
    },
    {
      name: "ALTER COLUMN ... TYPE on a new table: plain CHECK, no NOT VALID dance",
      code: "CREATE TABLE users (id bigint);\nALTER TABLE users ALTER COLUMN code TYPE varchar(8);",
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [{ messageId: "preferText", line: 2, column: 42, endColumn: 52, helpIncludes: ["ALTER TABLE users ADD CONSTRAINT users_code_length CHECK (char_length(code) <= 8);"], suggestions: [] }],
    },
    {
      name: "a realistic signup migration",
      fixture: "invalid/signup-form.sql",
      errors: [
        { messageId: "preferText", line: 5, column: 11, endColumn: 23, includes: ['"email" of "signups" is VARCHAR(255)'] },
        { messageId: "preferText", line: 6, column: 18, endColumn: 39, includes: ['"display_name" of "signups"'] },
        { messageId: "preferText", line: 10, column: 30, endColumn: 41, includes: ['"referral_code" of "users"'], suggestions: [] },
        { messageId: "preferText", line: 11, column: 32, endColumn: 43, includes: ['"username" of "users"'], suggestions: [] },
      ],
    },
  ],
});
