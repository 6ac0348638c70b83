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
      name: "a column that another statement of the file uses gets a suggestion, not a fix (json_typeof takes json, not jsonb)",
      code: "CREATE TABLE events (payload json);\nCREATE INDEX events_kind_idx ON events ((json_typeof(payload)));",
      errors: [
        {
          messageId: "preferJsonb",
          line: 1,
          column: 30,
          suggestions: [{ messageId: "useJsonb", output: "CREATE TABLE events (payload jsonb);\nCREATE INDEX events_kind_idx ON events ((json_typeof(payload)));" }],
        },
      ],
    },
    {
      name: "json column of a new table, with a fix",
      output: "CREATE TABLE events (id bigint, payload jsonb NOT NULL);",
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
          suggestions: [],
        },
      ],
    },
    {
      name: "pg_catalog.json, a quoted \"json\" and a json array are all json",
      output: "CREATE TABLE app.\"Events\" (a jsonb, b jsonb, c jsonb[]);",
      code: 'CREATE TABLE app."Events" (a pg_catalog.json, b "json", c json[]);',
      errors: [
        { messageId: "preferJsonb", line: 1, column: 30, endColumn: 45, includes: ['"a" of "app.Events" is pg_catalog.json'] },
        { messageId: "preferJsonb", line: 1, column: 49, endColumn: 55, includes: ['"b" of "app.Events" is "json"'] },
        { messageId: "preferJsonb", line: 1, column: 59, endColumn: 65, includes: ['"c" of "app.Events" is json[]', "use jsonb[]"] },
      ],
    },
    {
      name: "the fix replaces the whole qualified name",
      output: "CREATE TABLE events (payload jsonb);",
      code: "CREATE TABLE events (payload pg_catalog.json);",
      errors: [{ messageId: "preferJsonb", line: 1, column: 30, endColumn: 45, suggestions: [] }],
    },
    {
      name: "the fix keeps the array brackets",
      output: "CREATE TABLE events (payloads jsonb [ ] NOT NULL);",
      code: "CREATE TABLE events (payloads json [ ] NOT NULL);",
      errors: [{ messageId: "preferJsonb", line: 1, column: 31, endColumn: 39, includes: ["use jsonb[]"], suggestions: [] }],
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
      name: "ADD COLUMN to a table created earlier in the same transaction gets the fix",
      output: "BEGIN;\nCREATE TABLE \"Events\" (id bigint);\nALTER TABLE \"Events\" ADD COLUMN a jsonb;\nCOMMIT;",
      code: 'BEGIN;\nCREATE TABLE "Events" (id bigint);\nALTER TABLE "Events" ADD COLUMN a json;\nCOMMIT;',
      errors: [{ messageId: "preferJsonb", line: 3, column: 35, suggestions: [] }],
    },
    {
      name: "the quoted \"Events\" created earlier is not events: no suggestion there",
      code: 'CREATE TABLE "Events" (id bigint);\nALTER TABLE events ADD COLUMN b json;',
      errors: [{ messageId: "preferJsonb", line: 2, column: 33, endColumn: 37, suggestions: [] }],
    },
    {
      name: "same verdict in a transaction and on PostgreSQL 10",
      output: "CREATE TABLE events (payload jsonb);",
      code: "CREATE TABLE events (payload json);",
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "preferJsonb", line: 1, column: 30 }],
    },
    {
      name: "a realistic migration in a transaction",
      output: "BEGIN;\n\nCREATE TABLE audit_log (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    actor_id bigint NOT NULL,\n    changes jsonb NOT NULL,\n    recorded_at timestamptz NOT NULL DEFAULT now()\n);\n\nALTER TABLE audit_log ADD COLUMN context jsonb;\n\nALTER TABLE accounts ADD COLUMN preferences json DEFAULT '{}';\n\nCOMMIT;\n",
      fixture: "invalid/audit-log.sql",
      errors: [
        { messageId: "preferJsonb", line: 6, column: 13, endColumn: 17, includes: ['"changes" of "audit_log"'] },
        { messageId: "preferJsonb", line: 10, column: 42, endColumn: 46, includes: ['"context" of "audit_log" is JSON'] },
        { messageId: "preferJsonb", line: 12, column: 45, endColumn: 49, includes: ['"preferences" of "accounts"'], suggestions: [] },
      ],
    },
  ],
});
