import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-table-schema", {
  valid: [
    "CREATE TABLE app.users (id bigint PRIMARY KEY, org_id bigint REFERENCES app.orgs);\nCREATE INDEX users_org_id_idx ON app.users (org_id);\nALTER TABLE app.users ADD COLUMN email text;\nDROP TABLE app.old_users;",
    { name: "temporary tables, and later references to them", code: "CREATE TEMP TABLE scratch (id int);\nCREATE TEMPORARY TABLE scratch2 AS SELECT 1 AS id;\nCREATE INDEX ON scratch (id);\nDROP TABLE scratch, scratch2;" },
    { name: "tables created inside CREATE SCHEMA go into that schema", code: "CREATE SCHEMA reporting CREATE TABLE totals (day date) CREATE INDEX totals_day_idx ON totals (day);" },
    { name: "data statements and views are out of scope", code: "INSERT INTO users (id) VALUES (1);\nUPDATE users SET id = 2;\nCREATE VIEW app.v AS SELECT * FROM users;" },
    { name: "quoted schema and table names count as qualified", code: 'ALTER TABLE "App"."Users" RENAME TO "People";\nALTER TABLE "App"."People" SET SCHEMA archive;' },
  ],
  invalid: [
    {
      name: "an unqualified CREATE TABLE, reported at the name",
      code: "CREATE TABLE IF NOT EXISTS users (id bigint);",
      errors: [
        {
          messageId: "unqualified",
          line: 1,
          column: 28,
          endLine: 1,
          endColumn: 33,
          includes: ['Table "users" in CREATE TABLE is not schema-qualified', "may be created in a different schema"],
          helpIncludes: ["public.users", '"$user", public'],
        },
      ],
    },
    {
      name: "REFERENCES, LIKE, PARTITION OF and INHERITS inside a qualified CREATE TABLE",
      code: "CREATE TABLE app.events (org_id bigint REFERENCES orgs, LIKE templates.event, FOREIGN KEY (org_id) REFERENCES app.orgs);\nCREATE TABLE app.events_2024 PARTITION OF events FOR VALUES IN (2024);\nCREATE TABLE app.child () INHERITS (app.base, legacy_base);",
      errors: [
        { messageId: "unqualified", line: 1, column: 51, endColumn: 55, includes: ['"orgs" in REFERENCES', "refer to a table in a different schema"] },
        { messageId: "unqualified", line: 2, column: 43, endColumn: 49, includes: ['"events" in PARTITION OF'] },
        { messageId: "unqualified", line: 3, column: 47, endColumn: 58, includes: ['"legacy_base" in INHERITS'] },
      ],
    },
    {
      name: "quoted names: the help quotes them; in DROP TABLE the name is found after the keywords even when it is \"table\"",
      code: 'DROP TABLE IF EXISTS "table", app.t, "Users";',
      errors: [
        { messageId: "unqualified", line: 1, column: 22, endColumn: 29, includes: ['"table" in DROP TABLE'], helpIncludes: ['public."table"'] },
        { messageId: "unqualified", line: 1, column: 38, endColumn: 45, includes: ['"Users" in DROP TABLE'], helpIncludes: ['public."Users"'] },
      ],
    },
    {
      name: "ALTER TABLE forms: actions, REFERENCES in an added constraint, ATTACH PARTITION, RENAME, SET SCHEMA",
      code: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users NOT VALID;\nALTER TABLE app.measurements ATTACH PARTITION measurements_2025 FOR VALUES IN (2025);\nALTER TABLE orders RENAME COLUMN total TO total_cents;\nALTER TABLE orders SET SCHEMA archive;",
      errors: [
        { messageId: "unqualified", line: 1, column: 13, endColumn: 19, includes: ['"orders" in ALTER TABLE'] },
        { messageId: "unqualified", line: 1, column: 83, endColumn: 88, includes: ['"users" in REFERENCES'] },
        { messageId: "unqualified", line: 2, column: 47, endColumn: 64, includes: ['"measurements_2025" in ATTACH PARTITION'] },
        { messageId: "unqualified", line: 3, column: 13, endColumn: 19 },
        { messageId: "unqualified", line: 4, column: 13, endColumn: 19 },
      ],
    },
    {
      name: "a temporary \"Users\" does not exempt users; the same in a transaction and on PostgreSQL 10",
      code: 'CREATE TEMP TABLE "Users" (id int);\nCREATE TABLE users (id int);\nCREATE INDEX users_id_idx ON users (id);',
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [
        { messageId: "unqualified", line: 2, column: 14, endColumn: 19 },
        { messageId: "unqualified", line: 3, column: 30, endColumn: 35, includes: ['"users" in CREATE INDEX ... ON'] },
      ],
    },
    {
      name: "CREATE TABLE ... AS",
      code: "CREATE TABLE daily_totals AS SELECT 1 AS total;",
      errors: [{ messageId: "unqualified", line: 1, column: 14, endColumn: 26, includes: ["in CREATE TABLE ... AS", "may be created"] }],
    },
    {
      name: "realistic: a new table referencing an unqualified users table",
      fixture: "invalid/team-invitations.sql",
      errors: [
        { messageId: "unqualified", line: 1, column: 14, endColumn: 30, includes: ['"team_invitations" in CREATE TABLE'] },
        { messageId: "unqualified", line: 4, column: 43, endColumn: 48, includes: ['"users" in REFERENCES'] },
        { messageId: "unqualified", line: 8, column: 46, endColumn: 62, includes: ['"team_invitations" in CREATE INDEX ... ON'] },
      ],
    },
  ],
});

describe("require-table-schema: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it('with the default search_path, an unqualified CREATE TABLE goes into a schema named like the role ("$user") before public', async () => {
    const sql = "CREATE TABLE invoices (id int)";
    await db.exec(`CREATE ROLE migrator; CREATE SCHEMA migrator AUTHORIZATION migrator; GRANT CREATE ON SCHEMA public TO migrator;
      SET ROLE migrator; SET search_path = "$user", public; ${sql}; RESET ROLE; RESET search_path;`);
    const { rows } = await db.query("SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE relname = 'invoices'");
    expect(rows).toEqual([{ schema: "migrator" }]);
    expect(lintWithRule("require-table-schema", `${sql};`).messages).toHaveLength(1);
  });

  it("tables in CREATE SCHEMA elements go into that schema, and a temporary table cannot be put in another schema", async () => {
    const sql = "CREATE SCHEMA reporting CREATE TABLE totals (day date)";
    await db.exec(sql);
    const { rows } = await db.query("SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE relname = 'totals'");
    expect(rows).toEqual([{ schema: "reporting" }]);
    expect(lintWithRule("require-table-schema", `${sql};`).messages).toEqual([]);
    await expect(db.exec("CREATE TEMP TABLE public.scratch (id int)")).rejects.toThrow("cannot create temporary relation in non-temporary schema");
  });
});
