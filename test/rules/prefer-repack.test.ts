import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("prefer-repack", {
  valid: [
    "VACUUM events;",
    "VACUUM (ANALYZE, VERBOSE) events;",
    "VACUUM (FULL off) events;",
    "ANALYZE events;",
    { name: "table created earlier in the same file", code: "CREATE TABLE events (id bigint);\nVACUUM FULL events;\nCLUSTER events USING events_pkey;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.events (id bigint);\nCLUSTER app.events USING events_pkey;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Events" (id bigint);\nVACUUM FULL "Events";' },
  ],
  invalid: [
    {
      name: "VACUUM FULL of an existing table",
      code: "VACUUM FULL events;",
      errors: [
        {
          messageId: "vacuumFull",
          line: 1,
          column: 1,
          endColumn: 12,
          includes: ['"events"', "rewrites", "ACCESS EXCLUSIVE", "blocks reads and writes"],
          helpIncludes: ["pg_repack --table=public.events --no-order", "SELECT squeeze.squeeze_table('public', 'events', NULL, NULL, NULL);", "plain VACUUM"],
        },
      ],
    },
    {
      name: "FULL among other options: the FULL option is the position",
      code: "VACUUM (VERBOSE, FULL true) app.events, sessions;",
      errors: [{ messageId: "vacuumFull", line: 1, column: 18, endColumn: 22, includes: ['"app.events", "sessions"'], helpIncludes: ["pg_repack --table=app.events --no-order", "pg_repack --table=public.sessions --no-order"] }],
    },
    {
      name: "VACUUM FULL of the whole database",
      code: "VACUUM FULL;",
      errors: [{ messageId: "vacuumFull", line: 1, column: 1, includes: ["every table of the current database"], helpIncludes: ["pg_repack --dbname="] }],
    },
    {
      name: "only the existing tables are named",
      code: "CREATE TABLE scratch (id bigint);\nVACUUM FULL scratch, events;",
      errors: [{ messageId: "vacuumFull", line: 2, column: 1, includes: ['rewrites "events" under'] }],
    },
    {
      name: "CLUSTER with an index",
      code: 'CLUSTER "Events" USING "Events_created_idx";',
      errors: [
        {
          messageId: "cluster",
          line: 1,
          column: 1,
          endColumn: 8,
          includes: ['"Events" (by index "Events_created_idx")', "in index order", "ACCESS EXCLUSIVE"],
          helpIncludes: ['ALTER TABLE "Events" CLUSTER ON "Events_created_idx";', 'pg_repack --table=public."Events"', "SELECT squeeze.squeeze_table('public', 'Events', 'Events_created_idx', NULL, NULL);"],
        },
      ],
    },
    {
      name: "CLUSTER of every clustered table",
      code: "CLUSTER;",
      errors: [{ messageId: "cluster", line: 1, column: 1, includes: ["every table that has a cluster index"] }],
    },
    {
      name: "PG 18 has no REPACK: the help does not mention it",
      code: "VACUUM FULL events;",
      options: { pgVersion: 18 },
      errors: [{ messageId: "vacuumFull", line: 1, column: 1, helpIncludes: ["with pg_repack or pg_squeeze"] }],
    },
    {
      name: "PG 19: REPACK (CONCURRENTLY) first",
      code: "VACUUM FULL app.events;\nCLUSTER app.events USING events_created_idx;\nCLUSTER app.sessions;",
      options: { pgVersion: 19 },
      errors: [
        { messageId: "vacuumFull", line: 1, column: 1, helpIncludes: ["  REPACK (CONCURRENTLY) app.events;", "outside a transaction block", "replication slot"] },
        { messageId: "cluster", line: 2, column: 1, helpIncludes: ["  REPACK (CONCURRENTLY) app.events USING INDEX events_created_idx;"] },
        { messageId: "cluster", line: 3, column: 1, helpIncludes: ["  REPACK (CONCURRENTLY) app.sessions USING INDEX;", "pg_repack --table=app.sessions"] },
      ],
    },
    {
      name: "an unquoted name is not the quoted table created in the file; another schema is another table",
      code: 'CREATE TABLE "Events" (id bigint);\nCREATE TABLE app.events (id bigint);\nVACUUM FULL Events;\nCLUSTER public.events;',
      options: { assumeInTransaction: true },
      errors: [
        { messageId: "vacuumFull", line: 3, column: 1 },
        { messageId: "cluster", line: 4, column: 1 },
      ],
    },
    {
      name: "fixture: reclaiming space after a purge",
      fixture: "invalid/reclaim-after-purge.sql",
      errors: [
        { messageId: "vacuumFull", line: 4, column: 9, endColumn: 13, includes: ['"events"'] },
        { messageId: "cluster", line: 5, column: 1, includes: ['"events" (by index "events_created_at_idx")'] },
      ],
    },
  ],
});

// Both statements rewrite the table; CLUSTER holds ACCESS EXCLUSIVE (checked on a real PostgreSQL 18).
describe("prefer-repack: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const filenode = async (): Promise<number> => (await db.query<{ f: number }>("SELECT pg_relation_filenode('events') AS f")).rows[0]!.f;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec("CREATE TABLE events (id int, at int); INSERT INTO events SELECT g, 100 - g FROM generate_series(1, 100) g; CREATE INDEX events_at_idx ON events (at);");
  });
  afterAll(async () => {
    await db.close();
  });

  it("VACUUM FULL rewrites the table (and cannot run in a transaction block)", async () => {
    const before = await filenode();
    await db.query("VACUUM FULL events");
    expect(await filenode()).not.toBe(before);
    await db.exec("BEGIN");
    await expect(db.exec("VACUUM FULL events")).rejects.toThrow(/transaction block/);
    await db.exec("ROLLBACK");
  });

  it("CLUSTER rewrites the table under ACCESS EXCLUSIVE", async () => {
    const before = await filenode();
    await db.exec("BEGIN");
    await db.exec("CLUSTER events USING events_at_idx");
    const modes = await db.query<{ mode: string }>("SELECT mode FROM pg_locks WHERE relation = 'events'::regclass AND pid = pg_backend_pid()");
    await db.exec("COMMIT");
    expect(modes.rows.map((r) => r.mode)).toContain("AccessExclusiveLock");
    expect(await filenode()).not.toBe(before);
  });

  it("PostgreSQL 18 has no REPACK: the help only offers it from pgVersion 19", async () => {
    await expect(db.exec("REPACK (CONCURRENTLY) events")).rejects.toThrow(/syntax error/);
  });
});
