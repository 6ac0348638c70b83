import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-primary-key", {
  valid: [
    "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);",
    "CREATE TABLE app.memberships (user_id bigint, org_id bigint, CONSTRAINT memberships_pkey PRIMARY KEY (user_id, org_id));",
    { name: "a primary key added later in the file, also through a rename and ADD COLUMN", code: "CREATE TABLE a (x int);\nALTER TABLE a ADD CONSTRAINT a_pkey PRIMARY KEY (x);\nCREATE TABLE b (x int);\nALTER TABLE b RENAME TO c;\nALTER TABLE c ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;" },
    { name: "partitions get the partitioned table's primary key", code: "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');" },
    { name: "temporary tables, and tables dropped before the file ends", code: "CREATE TEMP TABLE scratch (x int);\nCREATE TEMPORARY TABLE scratch2 AS SELECT 1 AS x;\nCREATE TABLE staging (x int);\nDROP TABLE staging;" },
    { name: "LIKE ... INCLUDING INDEXES copies a primary key (of a table created here, or of one pgsafe does not know)", code: "CREATE TABLE t1 (id int PRIMARY KEY);\nCREATE TABLE t2 (LIKE t1 INCLUDING ALL);\nCREATE TABLE t3 (LIKE app.unknown INCLUDING INDEXES);" },
    { name: "a typed table with WITH OPTIONS PRIMARY KEY", code: "CREATE TABLE pets OF pet_type (id WITH OPTIONS PRIMARY KEY);" },
    { name: "materialized views and foreign tables cannot have primary keys", code: "CREATE MATERIALIZED VIEW totals AS SELECT 1 AS x;\nCREATE FOREIGN TABLE remote_users (id int) SERVER other;" },
  ],
  invalid: [
    {
      name: "a table without a primary key, reported at CREATE TABLE and its name",
      code: "CREATE TABLE IF NOT EXISTS audit_log (happened_at timestamptz, message text);",
      errors: [
        {
          messageId: "missingPrimaryKey",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 37,
          includes: ['Table "audit_log" is created without a primary key', "logical replication", "UPDATE and DELETE"],
          helpIncludes: ["GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "ALTER TABLE audit_log ADD PRIMARY KEY"],
        },
      ],
    },
    {
      name: 'a primary key added to "Events" is not one for events; app.events is not public.events',
      code: 'CREATE TABLE events (id int);\nCREATE TABLE "Events" (id int);\nCREATE TABLE app.events (id int);\nALTER TABLE "Events" ADD PRIMARY KEY (id);\nALTER TABLE app.events ADD PRIMARY KEY (id);',
      errors: [{ messageId: "missingPrimaryKey", line: 1, column: 1, endColumn: 20, includes: ['"events"'] }],
    },
    {
      name: "UNIQUE NOT NULL is not a primary key; INHERITS and LIKE without INCLUDING INDEXES copy none; CREATE TABLE AS and SELECT INTO have none",
      code: "CREATE TABLE a (id int NOT NULL UNIQUE);\nCREATE TABLE b () INHERITS (app.parent);\nCREATE TABLE c (LIKE app.parent INCLUDING CONSTRAINTS);\nCREATE TABLE d AS SELECT 1 AS id;\nCREATE TABLE e (LIKE a INCLUDING ALL);\nSELECT 1 AS id INTO f;\nSELECT 1 AS id INTO TEMP g;",
      errors: [
        { messageId: "missingPrimaryKey", line: 1, column: 1, endColumn: 15 },
        { messageId: "missingPrimaryKey", line: 2, column: 1, endColumn: 15 },
        { messageId: "missingPrimaryKey", line: 3, column: 1, endColumn: 15 },
        { messageId: "missingPrimaryKey", line: 4, column: 1, endColumn: 15 },
        { messageId: "missingPrimaryKey", line: 5, column: 1, endColumn: 15 },
        { messageId: "missingPrimaryKey", line: 6, column: 1, endColumn: 22, includes: ['"f"'] },
      ],
    },
    {
      name: "unlogged and partitioned tables are reported; the quoted, qualified name is in the span",
      code: 'CREATE UNLOGGED TABLE app."Cache" (k text, v text);\nCREATE TABLE measurements (at date, v int) PARTITION BY RANGE (at);',
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [
        { messageId: "missingPrimaryKey", line: 1, column: 1, endColumn: 34, includes: ['"app.Cache"'], helpIncludes: ['ALTER TABLE app."Cache" ADD PRIMARY KEY'] },
        { messageId: "missingPrimaryKey", line: 2, column: 1, endColumn: 26 },
      ],
    },
    {
      name: "after a rename, a key added under the old name is not this table's; the help uses the new name",
      code: "CREATE TABLE a (x int);\nALTER TABLE a RENAME TO b;\nALTER TABLE a ADD PRIMARY KEY (x);",
      errors: [{ messageId: "missingPrimaryKey", line: 1, column: 1, endColumn: 15, includes: ['Table "a" is created'], helpIncludes: ["ALTER TABLE b ADD PRIMARY KEY"] }],
    },
    {
      name: "realistic: a tagging migration in a transaction",
      fixture: "invalid/tagging.sql",
      errors: [
        { messageId: "missingPrimaryKey", line: 9, column: 1, endColumn: 26, includes: ['"article_tags"'] },
        { messageId: "missingPrimaryKey", line: 15, column: 1, endColumn: 28, includes: ['"app.tag_events"'] },
      ],
    },
  ],
});

describe("require-primary-key: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  const constraints = async (table: string): Promise<string[]> =>
    (await db.query<{ c: string }>(`SELECT contype::text AS c FROM pg_constraint WHERE conrelid = '${table}'::regclass ORDER BY 1`)).rows.map((r) => r.c);

  it("once a table without a primary key is published, UPDATE and DELETE on it fail", async () => {
    await db.exec("CREATE TABLE nopk (a int); INSERT INTO nopk VALUES (1); CREATE PUBLICATION pub FOR TABLE nopk;");
    await expect(db.exec("UPDATE nopk SET a = 2")).rejects.toThrow('cannot update table "nopk" because it does not have a replica identity and publishes updates');
    await expect(db.exec("DELETE FROM nopk")).rejects.toThrow("does not have a replica identity");
  });

  it("a partition gets the parent's primary key; an INHERITS child and LIKE ... INCLUDING CONSTRAINTS get none; LIKE ... INCLUDING ALL does", async () => {
    await db.exec(`CREATE TABLE parent (id int PRIMARY KEY, at date) ;
      CREATE TABLE m (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE child () INHERITS (parent);
      CREATE TABLE like_constraints (LIKE parent INCLUDING CONSTRAINTS);
      CREATE TABLE like_all (LIKE parent INCLUDING ALL);`);
    expect(await constraints("m_2025")).toContain("p");
    expect(await constraints("child")).not.toContain("p");
    expect(await constraints("like_constraints")).not.toContain("p");
    expect(await constraints("like_all")).toContain("p");
    const sql = "CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\nCREATE TABLE child2 () INHERITS (parent);";
    expect(lintWithRule("require-primary-key", sql).messages.map((m) => m.line)).toEqual([2]);
  });

  it("foreign tables cannot have a primary key, and unlogged tables cannot be published", async () => {
    await db.exec("CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w;");
    await expect(db.exec("CREATE FOREIGN TABLE ft (id int PRIMARY KEY) SERVER s")).rejects.toThrow("primary key constraints are not supported on foreign tables");
    await db.exec("CREATE UNLOGGED TABLE cache (k text)");
    await expect(db.exec("CREATE PUBLICATION pub2 FOR TABLE cache")).rejects.toThrow('cannot add relation "cache" to publication');
  });
});
