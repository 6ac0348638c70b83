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
      name: "a column a later statement of the file uses (here an index) gets a suggestion, not a fix",
      code: "CREATE TABLE users (code varchar(8));\nCREATE INDEX users_code_idx ON users (code varchar_pattern_ops);",
      errors: [
        {
          messageId: "preferText",
          line: 1,
          column: 26,
          suggestions: [{ messageId: "useText", output: "CREATE TABLE users (code text CHECK (char_length(code) <= 8));\nCREATE INDEX users_code_idx ON users (code varchar_pattern_ops);" }],
        },
      ],
    },
    {
      name: "varchar(255) on a new table, with a fix that keeps the limit",
      output: "CREATE TABLE users (email text CHECK (char_length(email) <= 255) NOT NULL);",
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
          suggestions: [],
        },
      ],
    },
    {
      name: "character varying with spaces, a quoted column name, and an array (no suggestion for arrays)",
      output: "CREATE TABLE t (\"Name\" text CHECK (char_length(\"Name\") <= 50), tags varchar(20)[]);",
      code: 'CREATE TABLE t ("Name" character varying ( 50 ), tags varchar(20)[]);',
      errors: [
        { messageId: "preferText", line: 1, column: 24, endColumn: 48, includes: ['Column "Name" of "t" is character varying ( 50 )', 'char_length("Name") <= 50'] },
        { messageId: "preferText", line: 1, column: 55, endColumn: 68, includes: ["use text[]"], suggestions: [] },
      ],
    },
    {
      name: "national character varying",
      output: "CREATE TABLE t (name text CHECK (char_length(name) <= 10));",
      code: "CREATE TABLE t (name national character varying(10));",
      errors: [{ messageId: "preferText", line: 1, column: 22, endColumn: 52, suggestions: [] }],
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
      name: "ADD COLUMN to a table created earlier in the file: one statement, and a fix",
      output: "CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN code text CHECK (char_length(code) <= 8);",
      code: "CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN code varchar(8);",
      errors: [
        {
          messageId: "preferText",
          line: 2,
          column: 35,
          endColumn: 45,
          helpIncludes: ["ALTER TABLE users ADD COLUMN code text CHECK (char_length(code) <= 8);"],
          suggestions: [],
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
      output: "BEGIN;\n\nCREATE TABLE signups (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email text CHECK (char_length(email) <= 255) NOT NULL UNIQUE,\n    display_name text CHECK (char_length(display_name) <= 64)\n);\n\nALTER TABLE users\n    ADD COLUMN referral_code varchar(16),\n    ALTER COLUMN username TYPE varchar(40);\n\nCOMMIT;\n",
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
