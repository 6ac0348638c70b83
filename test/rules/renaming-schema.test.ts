import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("renaming-schema", {
  valid: [
    "ALTER SCHEMA app OWNER TO app_owner;",
    { name: "a schema created earlier in the file", code: "CREATE SCHEMA staging;\nALTER SCHEMA staging RENAME TO staging_v2;" },
    { name: "created in the same transaction, then renamed twice", code: "BEGIN;\nCREATE SCHEMA s1;\nALTER SCHEMA s1 RENAME TO s2;\nALTER SCHEMA s2 RENAME TO s3;\nCOMMIT;" },
    { name: "CREATE SCHEMA AUTHORIZATION names the schema after the role", code: "CREATE SCHEMA AUTHORIZATION joe;\nALTER SCHEMA joe RENAME TO joe_old;" },
    { name: "renaming a table or a column is another rule's business", code: "ALTER TABLE app.users RENAME TO members;\nALTER TABLE app.users RENAME COLUMN a TO b;" },
  ],
  invalid: [
    {
      name: "rename of an existing schema",
      code: "ALTER SCHEMA app RENAME TO core;",
      errors: [
        {
          messageId: "renamingSchema",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 32,
          includes: ['Renaming schema "app" to "core"', 'still names "app"'],
          helpIncludes: [
            "CREATE SCHEMA IF NOT EXISTS core;",
            "SELECT format('ALTER TABLE %1$I.%2$I SET SCHEMA %3$I; CREATE VIEW %1$I.%2$I AS SELECT * FROM %3$I.%2$I;', schemaname, tablename, 'core') FROM pg_tables WHERE schemaname = 'app';",
            "DROP SCHEMA app;",
          ],
        },
      ],
    },
    {
      name: "quoted names keep their case and are quoted in the help",
      code: 'ALTER SCHEMA "Legacy" RENAME TO "Current";',
      errors: [{ messageId: "renamingSchema", line: 1, column: 1, includes: ['"Legacy" to "Current"'], helpIncludes: ['CREATE SCHEMA IF NOT EXISTS "Current";', "WHERE schemaname = 'Legacy'"] }],
    },
    {
      name: "\"App\" created earlier is not app",
      code: 'CREATE SCHEMA "App";\nALTER SCHEMA app RENAME TO app2;',
      errors: [{ messageId: "renamingSchema", line: 2, column: 1 }],
    },
    {
      name: "inside a transaction and on PostgreSQL 10 alike",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER SCHEMA app RENAME TO core;\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "renamingSchema", line: 3, column: 1 }],
    },
    {
      name: "a realistic reorganisation",
      fixture: "invalid/reorganise.sql",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "renamingSchema", line: 6, column: 1, endColumn: 46, includes: ['"legacy_reports" to "reports"'] }],
    },
  ],
});
