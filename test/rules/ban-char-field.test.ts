import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-char-field", {
  valid: [
    "CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));",
    { name: 'the quoted "char" is the one-byte internal type, not character(n)', code: 'CREATE TABLE t (state "char", kind pg_catalog."char");' },
    "ALTER TABLE countries ADD COLUMN name text, ALTER COLUMN code TYPE varchar(3);",
    { name: "a user type named bpchar in another schema", code: "CREATE TABLE t (a legacy.bpchar);" },
    { name: "char(n) in a cast is not a column", code: "SELECT 'ab'::char(5);" },
  ],
  invalid: [
    {
      name: "char(2) on a new table",
      code: "CREATE TABLE countries (code char(2) PRIMARY KEY);",
      errors: [
        {
          messageId: "banChar",
          line: 1,
          column: 30,
          endLine: 1,
          endColumn: 37,
          includes: ['Column "code" of "countries" is char(2)', "use text", "pads every value with spaces"],
          helpIncludes: ["code text CHECK (char_length(code) <= 2)"],
        },
      ],
    },
    {
      name: "character (= char(1)), bpchar, nchar(n) and an array",
      code: "CREATE TABLE t (a character, b bpchar, c nchar(4), d char(2)[]);",
      errors: [
        { messageId: "banChar", line: 1, column: 19, endColumn: 28, includes: ["is character: use text"], helpIncludes: ["a text CHECK (char_length(a) <= 1)"] },
        { messageId: "banChar", line: 1, column: 32, endColumn: 38, includes: ["is bpchar: use text"], helpIncludes: ["as text:\n  b text"] },
        { messageId: "banChar", line: 1, column: 42, endColumn: 50, helpIncludes: ["c text CHECK (char_length(c) <= 4)"] },
        { messageId: "banChar", line: 1, column: 54, endColumn: 63, includes: ["use text[]"], helpIncludes: ["d text[]"] },
      ],
    },
    {
      name: "ALTER COLUMN ... TYPE character(3) on an existing table",
      code: "ALTER TABLE countries ALTER COLUMN code TYPE character(3);",
      errors: [{ messageId: "banChar", line: 1, column: 46, endColumn: 58, helpIncludes: ["ALTER TABLE countries ALTER COLUMN code TYPE text;"] }],
    },
    {
      name: "design rule: a quoted table created earlier in the same file is reported too",
      code: 'CREATE TABLE "Countries" (id bigint);\nALTER TABLE "Countries" ADD COLUMN code char(2);',
      options: { assumeInTransaction: true },
      errors: [{ messageId: "banChar", line: 2, column: 41, endColumn: 48, includes: ['"code" of "Countries"'], helpIncludes: ['ALTER TABLE "Countries" ADD COLUMN code text CHECK (char_length(code) <= 2);'] }],
    },
    {
      name: "same verdict on PostgreSQL 10",
      code: "BEGIN;\nCREATE TABLE app.countries (code char(2));\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "banChar", line: 2, column: 34, includes: ['"code" of "app.countries"'] }],
    },
    {
      name: "a realistic currency table",
      fixture: "invalid/legacy-codes.sql",
      errors: [
        { messageId: "banChar", line: 2, column: 10, endColumn: 17, includes: ['"code" of "currencies" is CHAR(3)'] },
        { messageId: "banChar", line: 3, column: 12, endColumn: 24, includes: ['"symbol" of "currencies" is character(1)'] },
        { messageId: "banChar", line: 4, column: 10, endColumn: 14, includes: ['"flag" of "currencies" is char:'] },
        { messageId: "banChar", line: 7, column: 47, endColumn: 54, includes: ['"currency_code" of "payments"'] },
      ],
    },
  ],
});
