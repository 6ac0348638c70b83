import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("adding-primary-key-constraint", {
  valid: [
    "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_key;",
    "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    "CREATE TABLE users (id bigint PRIMARY KEY, email text);",
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD PRIMARY KEY (id);" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint);\nALTER TABLE app.users ADD COLUMN uid bigint PRIMARY KEY;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE "Users" ADD CONSTRAINT "Users_pkey" PRIMARY KEY (id);' },
  ],
  invalid: [
    {
      name: "ADD PRIMARY KEY on an existing table",
      code: "ALTER TABLE users ADD PRIMARY KEY (id);",
      errors: [
        {
          messageId: "addPrimaryKey",
          line: 1,
          column: 19,
          endColumn: 39,
          includes: ['"users_pkey"', '"users"', '("id")', "ACCESS EXCLUSIVE", "blocks reads and writes", 'scans "users" for NULLs in "id"'],
          helpIncludes: [
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_pkey ON users (id);",
            "ALTER TABLE users ADD CONSTRAINT users_id_not_null_check CHECK (id IS NOT NULL) NOT VALID;",
            "ALTER TABLE users VALIDATE CONSTRAINT users_id_not_null_check;",
            "ALTER TABLE users ALTER COLUMN id SET NOT NULL;",
            "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey;",
          ],
        },
      ],
    },
    {
      name: "named constraint with INCLUDE, quoted and schema-qualified names",
      code: 'ALTER TABLE app."Orders" ADD CONSTRAINT orders_pk PRIMARY KEY (tenant_id, "Id") INCLUDE (created_at);',
      errors: [
        {
          messageId: "addPrimaryKey",
          line: 1,
          column: 26,
          includes: ['"orders_pk"', '"app.Orders"', '("tenant_id", "Id")'],
          helpIncludes: [
            'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_pk ON app."Orders" (tenant_id, "Id") INCLUDE (created_at);',
            'ALTER TABLE app."Orders" ALTER COLUMN "Id" SET NOT NULL;',
            'ALTER TABLE app."Orders" ADD CONSTRAINT orders_pk PRIMARY KEY USING INDEX orders_pk;',
          ],
        },
      ],
    },
    {
      name: "the position is the ADD PRIMARY KEY action among several",
      code: "ALTER TABLE users\n  ADD COLUMN note text,\n  ADD PRIMARY KEY (id);",
      errors: [{ messageId: "addPrimaryKey", line: 3, column: 3, endLine: 3, endColumn: 23 }],
    },
    {
      name: "a column added as the primary key",
      code: "ALTER TABLE users ADD COLUMN uid bigint PRIMARY KEY;",
      errors: [
        {
          messageId: "columnPrimaryKey",
          line: 1,
          column: 19,
          includes: ['"uid"', '"users"', "ACCESS EXCLUSIVE"],
          helpIncludes: ["without PRIMARY KEY", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_pkey ON users (uid);"],
        },
      ],
    },
    {
      name: "a column validated NOT NULL earlier in the file needs no scan and no new check",
      code: "ALTER TABLE users ADD CONSTRAINT users_id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_id_nn;\nALTER TABLE users ADD PRIMARY KEY (id, tenant_id);",
      errors: [
        {
          messageId: "addPrimaryKey",
          line: 3,
          column: 19,
          includes: ['for NULLs in "tenant_id" unless'],
          helpIncludes: ["ALTER TABLE users ALTER COLUMN id SET NOT NULL;  -- no scan: users_id_nn proves it", "CHECK (tenant_id IS NOT NULL) NOT VALID"],
        },
      ],
    },
    {
      name: "before PG 12 a validated CHECK does not spare SET NOT NULL its scan",
      code: "ALTER TABLE users ADD CONSTRAINT users_id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_id_nn;\nALTER TABLE users ADD PRIMARY KEY (id);",
      options: { pgVersion: 11 },
      errors: [
        {
          messageId: "addPrimaryKey",
          line: 3,
          column: 19,
          includes: ['for NULLs in "id"'],
          helpIncludes: ['ALTER TABLE users ALTER COLUMN id SET NOT NULL;  -- before PostgreSQL 12 this always scans "users" under ACCESS EXCLUSIVE'],
        },
      ],
    },
    {
      name: "PG 18: NOT NULL constraints can be added NOT VALID and validated",
      code: "ALTER TABLE users ADD PRIMARY KEY (id);",
      options: { pgVersion: 18 },
      errors: [
        {
          messageId: "addPrimaryKey",
          line: 1,
          column: 19,
          helpIncludes: ["ALTER TABLE users ADD CONSTRAINT users_id_not_null NOT NULL id NOT VALID;", "ALTER TABLE users VALIDATE CONSTRAINT users_id_not_null;"],
        },
      ],
    },
    {
      name: "PG 17 still uses the CHECK constraint",
      code: "ALTER TABLE users ADD PRIMARY KEY (id);",
      options: { pgVersion: 17 },
      errors: [{ messageId: "addPrimaryKey", line: 1, column: 19, helpIncludes: ["CHECK (id IS NOT NULL) NOT VALID;"] }],
    },
    {
      name: "an unquoted name is not the quoted table created in the file; another schema is another table",
      code: 'CREATE TABLE "Users" (id bigint);\nCREATE TABLE app.users (id bigint);\nALTER TABLE Users ADD PRIMARY KEY (id);\nALTER TABLE public.users ADD PRIMARY KEY (id);',
      errors: [
        { messageId: "addPrimaryKey", line: 3, column: 19 },
        { messageId: "addPrimaryKey", line: 4, column: 26 },
      ],
    },
    {
      name: "inside a transaction the index step must move out of it",
      code: "BEGIN;\nALTER TABLE users ADD PRIMARY KEY (id);\nCOMMIT;",
      errors: [{ messageId: "addPrimaryKey", line: 2, column: 19, helpIncludes: ["move it out of this BEGIN ... COMMIT"] }],
    },
    {
      name: "fixture: surrogate key for a legacy table",
      fixture: "invalid/add-surrogate-key.sql",
      errors: [
        { messageId: "addPrimaryKey", line: 6, column: 3, includes: ['"customer_rows_pkey"', '"imports.customer_rows"', '("batch_id", "row_number")'] },
        { messageId: "addPrimaryKey", line: 8, column: 26, includes: ['"audit_events"'] },
      ],
    },
  ],
});

/** The SQL lines of a help text (indented by two spaces). */
function helpStatements(help: string | undefined): string[] {
  return (help ?? "").split("\n").filter((l) => l.startsWith("  ") && !l.trim().startsWith("--")).map((l) => l.trim());
}

describe("adding-primary-key-constraint: the safe steps work in Postgres 18 (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([17, 18])("the help for pgVersion %i adds the key without rewriting the table", async (pgVersion) => {
    await db.exec(`
      DROP TABLE IF EXISTS "Orders";
      CREATE TABLE "Orders" (tenant_id int, "Id" int, created_at timestamptz);
      INSERT INTO "Orders" SELECT g % 7, g, now() FROM generate_series(1, 500) g;
    `);
    const sql = 'ALTER TABLE "Orders" ADD CONSTRAINT orders_pk PRIMARY KEY (tenant_id, "Id") INCLUDE (created_at);';
    const [finding] = lintWithRule("adding-primary-key-constraint", sql, { pgVersion }).messages;
    const before = (await db.query<{ f: number }>(`SELECT pg_relation_filenode('"Orders"') AS f`)).rows[0]!.f;
    for (const statement of helpStatements(finding?.help)) await db.exec(statement);
    const pk = await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '"Orders"'::regclass AND contype = 'p'`);
    expect(pk.rows.map((r) => r.def)).toEqual(['PRIMARY KEY (tenant_id, "Id") INCLUDE (created_at)']);
    const after = (await db.query<{ f: number }>(`SELECT pg_relation_filenode('"Orders"') AS f`)).rows[0]!.f;
    expect(after).toBe(before);
    // No helper constraint is left behind.
    const others = await db.query(`SELECT conname FROM pg_constraint WHERE conrelid = '"Orders"'::regclass AND contype = 'c'`);
    expect(others.rows).toEqual([]);
  });
});
