import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("prefer-timestamptz", {
  valid: [
    "CREATE TABLE sessions (started_at timestamptz NOT NULL, ended_at timestamp with time zone);",
    "ALTER TABLE sessions ADD COLUMN ended_at timestamptz(3), ALTER COLUMN started_at TYPE timestamptz;",
    { name: "time and date columns are other types", code: "CREATE TABLE shifts (starts time, ends time with time zone, day date, span interval);" },
    { name: "a user type named timestamp in another schema", code: "CREATE TABLE sessions (started_at legacy.timestamp);" },
    { name: "timestamp casts in expressions are not columns", code: "SELECT now()::timestamp;\nUPDATE sessions SET note = 'x' WHERE started_at < '2020-01-01'::timestamp;" },
  ],
  invalid: [
    {
      name: "timestamp(3) on a new table, with a suggestion that keeps the precision",
      code: 'CREATE TABLE "Sessions" (id bigint, started_at timestamp(3) NOT NULL);',
      errors: [
        {
          messageId: "preferTimestamptz",
          line: 1,
          column: 48,
          endLine: 1,
          endColumn: 60,
          includes: ['Column "started_at" of "Sessions" is timestamp(3)', "use timestamptz(3)"],
          helpIncludes: ["started_at timestamptz(3)"],
          suggestions: [{ messageId: "useTimestamptz", output: 'CREATE TABLE "Sessions" (id bigint, started_at timestamptz(3) NOT NULL);' }],
        },
      ],
    },
    {
      name: "the long spelling is reported over all its words",
      code: "CREATE TABLE t (a timestamp without time zone);",
      errors: [{ messageId: "preferTimestamptz", line: 1, column: 19, endColumn: 46, suggestions: [{ output: "CREATE TABLE t (a timestamptz);" }] }],
    },
    {
      name: "odd spacing, precision and an array",
      code: "CREATE TABLE t (a TIMESTAMP  (0)  WITHOUT  TIME  ZONE [] );",
      errors: [
        {
          messageId: "preferTimestamptz",
          line: 1,
          column: 19,
          endColumn: 57,
          includes: ["is TIMESTAMP (0) WITHOUT TIME ZONE []", "use timestamptz(0)[]"],
          suggestions: [{ output: "CREATE TABLE t (a timestamptz(0) [] );" }],
        },
      ],
    },
    {
      name: "existing table: ADD COLUMN and ALTER COLUMN TYPE are reported without suggestions",
      code: "ALTER TABLE sessions ADD COLUMN ended_at timestamp, ALTER COLUMN started_at TYPE pg_catalog.timestamp;",
      errors: [
        { messageId: "preferTimestamptz", line: 1, column: 42, endColumn: 51, helpIncludes: ["ALTER TABLE sessions ADD COLUMN ended_at timestamptz;"], suggestions: [] },
        { messageId: "preferTimestamptz", line: 1, column: 82, endColumn: 102, helpIncludes: ["ALTER TABLE sessions ALTER COLUMN started_at TYPE timestamptz;"], suggestions: [] },
      ],
    },
    {
      name: "ADD COLUMN to a table created earlier in the file gets the suggestion",
      code: "CREATE TABLE sessions (id bigint);\nALTER TABLE sessions ADD COLUMN ended_at timestamp;",
      errors: [{ messageId: "preferTimestamptz", line: 2, column: 42, endColumn: 51, suggestions: [{ output: "CREATE TABLE sessions (id bigint);\nALTER TABLE sessions ADD COLUMN ended_at timestamptz;" }] }],
    },
    {
      name: "app.sessions created earlier is not public.sessions",
      code: "CREATE TABLE app.sessions (id bigint);\nALTER TABLE sessions ADD COLUMN ended_at timestamp;",
      errors: [{ messageId: "preferTimestamptz", line: 2, column: 42, suggestions: [] }],
    },
    {
      name: "a table created inside CREATE SCHEMA",
      code: "CREATE SCHEMA audit\n    CREATE TABLE events (at timestamp);",
      errors: [{ messageId: "preferTimestamptz", line: 2, column: 29, endColumn: 38, includes: ['"at" of "audit.events"'], suggestions: [{ output: "CREATE SCHEMA audit\n    CREATE TABLE events (at timestamptz);" }] }],
    },
    {
      name: "same verdict on PostgreSQL 10, in an assumed transaction",
      code: "CREATE TABLE t (a timestamp);",
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "preferTimestamptz", line: 1, column: 19 }],
    },
    {
      name: "a realistic Django-style migration",
      fixture: "invalid/sessions.sql",
      errors: [
        { messageId: "preferTimestamptz", line: 5, column: 15, endColumn: 24, includes: ['"created" of "auth_session"'] },
        { messageId: "preferTimestamptz", line: 6, column: 15, endColumn: 45, includes: ["timestamp(6) without time zone", "timestamptz(6)"] },
        { messageId: "preferTimestamptz", line: 8, column: 48, endColumn: 57, includes: ['"last_seen" of "auth_user"'], suggestions: [] },
      ],
    },
  ],
});
