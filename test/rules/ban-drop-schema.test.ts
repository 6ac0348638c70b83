import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-drop-schema", {
  valid: [
    "DROP TABLE app.users;",
    { name: "a schema created earlier in the file", code: "CREATE SCHEMA tmp;\nDROP SCHEMA tmp CASCADE;" },
    { name: "created and renamed in the same transaction", code: "BEGIN;\nCREATE SCHEMA tmp;\nALTER SCHEMA tmp RENAME TO tmp2;\nDROP SCHEMA tmp2;\nCOMMIT;" },
    { name: "DROP OWNED / DROP TYPE are not DROP SCHEMA", code: "DROP OWNED BY old_role;\nDROP TYPE app.mood;" },
  ],
  invalid: [
    {
      name: "DROP SCHEMA without CASCADE",
      code: "DROP SCHEMA reporting;",
      errors: [
        {
          messageId: "dropSchema",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 22,
          includes: ['Dropping schema "reporting"', "fails unless the schema is already empty"],
          helpIncludes: ["pg_dump --schema='reporting'", "DROP SCHEMA reporting;"],
        },
      ],
    },
    {
      name: "CASCADE gets the stronger message",
      code: "DROP SCHEMA IF EXISTS reporting CASCADE;",
      errors: [
        {
          messageId: "dropSchemaCascade",
          line: 1,
          column: 1,
          endColumn: 40,
          includes: ['DROP SCHEMA "reporting" CASCADE deletes every table in it with all its data', "ACCESS EXCLUSIVE locks that block reads and writes"],
          helpIncludes: ["without CASCADE", "DROP SCHEMA reporting;"],
        },
      ],
    },
    {
      name: "several schemas; the one created earlier is left out; quoted names stay exact",
      code: 'CREATE SCHEMA tmp;\nDROP SCHEMA tmp, "Legacy", legacy CASCADE;',
      errors: [{ messageId: "dropSchemaCascade", line: 2, column: 1, includes: ['DROP SCHEMA "Legacy", "legacy" CASCADE'], helpIncludes: ['DROP SCHEMA "Legacy", legacy;'] }],
    },
    {
      name: "\"Tmp\" created earlier is not tmp; same in a transaction on PostgreSQL 10",
      code: 'CREATE SCHEMA "Tmp";\nDROP SCHEMA tmp;',
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [{ messageId: "dropSchema", line: 2, column: 1, includes: ['"tmp"'] }],
    },
    {
      name: "a realistic retirement migration",
      fixture: "invalid/retire-analytics.sql",
      errors: [
        { messageId: "dropSchemaCascade", line: 4, column: 1, endColumn: 40, includes: ['"analytics" CASCADE'] },
        { messageId: "dropSchema", line: 5, column: 1, endColumn: 30, includes: ['"analytics_staging"'] },
      ],
    },
  ],
});
