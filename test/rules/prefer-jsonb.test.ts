import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("prefer-jsonb", {
  valid: [
    "CREATE TABLE events (id bigint, payload jsonb NOT NULL);",
    "ALTER TABLE events ADD COLUMN payload jsonb, ALTER COLUMN meta TYPE jsonb USING meta::jsonb;",
    { name: "a user type named json in another schema is not json", code: "CREATE TABLE events (payload app.json, other \"App\".json);" },
    { name: "a quoted upper-case JSON is a different (user) type", code: 'CREATE TABLE events (payload "JSON");' },
    { name: "json in expressions is not a column type", code: "SELECT '{}'::json;\nCREATE VIEW v AS SELECT payload::json AS p FROM events;" },
    { name: "a foreign table describes remote data", code: "CREATE FOREIGN TABLE remote_events (payload json) SERVER other;" },
  ],
  invalid: [
    {
      name: "json column of a new table, with a suggestion",
      code: "CREATE TABLE events (id bigint, payload json NOT NULL);",
      errors: [
        {
          messageId: "preferJsonb",
          line: 1,
          column: 41,
          endLine: 1,
          endColumn: 45,
          includes: ['Column "payload" of "events" is json', "use jsonb", "no equality operator"],
          helpIncludes: ["payload jsonb"],
          suggestions: [{ messageId: "useJsonb", output: "CREATE TABLE events (id bigint, payload jsonb NOT NULL);" }],
        },
      ],
    },
    {
      name: "pg_catalog.json, a quoted \"json\" and a json array are all json",
      code: 'CREATE TABLE app."Events" (a pg_catalog.json, b "json", c json[]);',
      errors: [
        { messageId: "preferJsonb", line: 1, column: 30, endColumn: 45, includes: ['"a" of "app.Events" is pg_catalog.json'] },
        { messageId: "preferJsonb", line: 1, column: 49, endColumn: 55, includes: ['"b" of "app.Events" is "json"'] },
        { messageId: "preferJsonb", line: 1, column: 59, endColumn: 65, includes: ['"c" of "app.Events" is json[]', "use jsonb[]"] },
      ],
    },
    {
      name: "the suggestion replaces the whole qualified name",
      code: "CREATE TABLE events (payload pg_catalog.json);",
      errors: [{ messageId: "preferJsonb", line: 1, column: 30, endColumn: 45, suggestions: [{ output: "CREATE TABLE events (payload jsonb);" }] }],
    },
    {
      name: "the suggestion keeps the array brackets",
      code: "CREATE TABLE events (payloads json [ ] NOT NULL);",
      errors: [{ messageId: "preferJsonb", line: 1, column: 31, endColumn: 39, includes: ["use jsonb[]"], suggestions: [{ output: "CREATE TABLE events (payloads jsonb [ ] NOT NULL);" }] }],
    },
    {
      name: "design rule: an existing table is reported too, without a suggestion",
      code: "ALTER TABLE events ADD COLUMN payload json;",
      errors: [{ messageId: "preferJsonb", line: 1, column: 39, endColumn: 43, helpIncludes: ["ALTER TABLE events ADD COLUMN payload jsonb;"], suggestions: [] }],
    },
    {
      name: "ALTER COLUMN ... TYPE json: reported, no suggestion (the USING expression may depend on it)",
      code: "ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;",
      errors: [{ messageId: "preferJsonb", line: 1, column: 46, endColumn: 50, helpIncludes: ["ALTER TABLE events ALTER COLUMN payload TYPE jsonb;"], suggestions: [] }],
    },
    {
      name: "ADD COLUMN to a table created earlier in the same transaction gets the suggestion",
      code: 'BEGIN;\nCREATE TABLE "Events" (id bigint);\nALTER TABLE "Events" ADD COLUMN a json;\nCOMMIT;',
      errors: [{ messageId: "preferJsonb", line: 3, column: 35, suggestions: [{ output: 'BEGIN;\nCREATE TABLE "Events" (id bigint);\nALTER TABLE "Events" ADD COLUMN a jsonb;\nCOMMIT;' }] }],
    },
    {
      name: "the quoted \"Events\" created earlier is not events: no suggestion there",
      code: 'CREATE TABLE "Events" (id bigint);\nALTER TABLE events ADD COLUMN b json;',
      errors: [{ messageId: "preferJsonb", line: 2, column: 33, endColumn: 37, suggestions: [] }],
    },
    {
      name: "same verdict in a transaction and on PostgreSQL 10",
      code: "CREATE TABLE events (payload json);",
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "preferJsonb", line: 1, column: 30 }],
    },
    {
      name: "a realistic migration in a transaction",
      fixture: "invalid/audit-log.sql",
      errors: [
        { messageId: "preferJsonb", line: 6, column: 13, endColumn: 17, includes: ['"changes" of "audit_log"'] },
        { messageId: "preferJsonb", line: 10, column: 42, endColumn: 46, includes: ['"context" of "audit_log" is JSON'] },
        { messageId: "preferJsonb", line: 12, column: 45, endColumn: 49, includes: ['"preferences" of "accounts"'], suggestions: [] },
      ],
    },
  ],
});
