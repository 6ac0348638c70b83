import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-drop-database", {
  valid: [
    "CREATE DATABASE analytics;",
    { name: "a database created earlier in the same script", code: "CREATE DATABASE scratch;\nDROP DATABASE scratch;" },
    { name: "DROP SCHEMA and DROP TABLE are other rules' business", code: "DROP TABLE IF EXISTS shop;\nDROP ROLE shop_reader;" },
  ],
  invalid: [
    {
      name: "DROP DATABASE",
      code: "DROP DATABASE shop;",
      errors: [
        {
          messageId: "dropDatabase",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 19,
          includes: ['DROP DATABASE "shop" deletes the whole database', "cannot run inside a transaction"],
          helpIncludes: ["FROM pg_stat_activity WHERE datname = 'shop';", "pg_dump --format=custom --file=shop.dump shop", "DROP DATABASE shop;"],
        },
      ],
    },
    {
      name: "WITH (FORCE) (PG 13+) also terminates the sessions",
      code: 'DROP DATABASE IF EXISTS "Shop" WITH (FORCE);',
      options: { pgVersion: 13 },
      errors: [{ messageId: "dropDatabaseForce", line: 1, column: 1, endColumn: 44, includes: ['"Shop" WITH (FORCE) terminates every session'], helpIncludes: ['DROP DATABASE "Shop";'] }],
    },
    {
      name: "\"Scratch\" created earlier is not scratch; PostgreSQL 10",
      code: 'CREATE DATABASE "Scratch";\nDROP DATABASE scratch;',
      options: { pgVersion: 10 },
      errors: [{ messageId: "dropDatabase", line: 2, column: 1, includes: ['"scratch"'] }],
    },
    {
      name: "inside a transaction (where Postgres rejects it) it is still reported",
      code: "BEGIN;\nDROP DATABASE shop;\nCOMMIT;",
      errors: [{ messageId: "dropDatabase", line: 2, column: 1 }],
    },
    {
      name: "a realistic psql clean-up script",
      fixture: "invalid/cleanup.sql",
      errors: [
        { messageId: "dropDatabase", line: 3, column: 1, endColumn: 37, includes: ['"shop_staging"'] },
        { messageId: "dropDatabaseForce", line: 4, column: 1, endColumn: 40, includes: ['"shop_preview"'] },
      ],
    },
  ],
});
