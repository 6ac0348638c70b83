import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-concurrent-partition-detach", {
  valid: [
    "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
    "ALTER TABLE events DETACH PARTITION events_2023 FINALIZE;",
    "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    { name: "partitioned table created earlier in the same file", code: "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\nALTER TABLE events DETACH PARTITION events_2023;" },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Events" (id bigint, at date) PARTITION BY RANGE (at);\nALTER TABLE "Events" DETACH PARTITION "Events_2023";', options: { pgVersion: 13 } },
    { name: "PG 14 is the first version with CONCURRENTLY", code: "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;", options: { pgVersion: 14 } },
  ],
  invalid: [
    {
      name: "plain detach on PG 15",
      code: "ALTER TABLE events DETACH PARTITION events_2023;",
      errors: [
        {
          messageId: "missingConcurrently",
          line: 1,
          column: 20,
          endColumn: 48,
          includes: ['"events_2023"', '"events"', "ACCESS EXCLUSIVE", "blocks reads and writes of every partition"],
          helpIncludes: ["ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;", "DEFAULT partition", "ALTER TABLE events DETACH PARTITION events_2023 FINALIZE;", "outside a transaction block"],
        },
      ],
    },
    {
      name: "PG 14 is the first version with CONCURRENTLY",
      code: "ALTER TABLE app.events DETACH PARTITION app.events_2023;",
      options: { pgVersion: 14 },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 24, helpIncludes: ["ALTER TABLE app.events DETACH PARTITION app.events_2023 CONCURRENTLY;"] }],
    },
    {
      name: "PG 13 has no concurrent form: lock_timeout instead",
      code: "ALTER TABLE events DETACH PARTITION events_2023;",
      options: { pgVersion: 13 },
      errors: [
        {
          messageId: "noConcurrentForm",
          line: 1,
          column: 20,
          endColumn: 48,
          includes: ["ACCESS EXCLUSIVE", "PostgreSQL 13 has no detach that avoids this lock"],
          helpIncludes: ["SET lock_timeout = '2s';", "ALTER TABLE events DETACH PARTITION events_2023;"],
        },
      ],
    },
    {
      name: "PG 13 with SET LOCAL lock_timeout: the wait is bounded, the lock is still held until COMMIT",
      code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE events DETACH PARTITION events_2023;\nCOMMIT;",
      options: { pgVersion: 13 },
      errors: [{ messageId: "noConcurrentForm", line: 3, column: 20, includes: ["until its transaction ends"] }],
    },
    {
      name: "a quoted name is not the unquoted table created in the file",
      code: 'CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\nALTER TABLE "Events" DETACH PARTITION "Events_2023";',
      errors: [{ messageId: "missingConcurrently", line: 2, column: 22, includes: ['"Events"'], helpIncludes: ['ALTER TABLE "Events" DETACH PARTITION "Events_2023" CONCURRENTLY;'] }],
    },
    {
      name: "a different schema is a different table",
      code: "CREATE TABLE archive.events (id bigint, at date) PARTITION BY RANGE (at);\nALTER TABLE public.events DETACH PARTITION events_2023;",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 27 }],
    },
    {
      name: "explicit BEGIN: the help says to move it out",
      code: "BEGIN;\nALTER TABLE events DETACH PARTITION events_2023;\nCOMMIT;",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 20, helpIncludes: ["move it out of this BEGIN ... COMMIT"] }],
    },
    {
      name: "file wrapped in a transaction by the tool",
      code: "ALTER TABLE events DETACH PARTITION events_2023;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 20, helpIncludes: ["no-transaction setting"] }],
    },
    {
      name: "fixture: archiving an old partition",
      fixture: "invalid/archive-old-partition.sql",
      errors: [{ messageId: "missingConcurrently", line: 4, column: 20, includes: ['"events_2023"'] }],
    },
  ],
});

// The locks the messages name, on a real PostgreSQL 18.
describe("require-concurrent-partition-detach: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });
  const reset = (): Promise<unknown> =>
    db.exec(`
      DROP TABLE IF EXISTS events, events_2023, events_2024;
      CREATE TABLE events (id int, year int) PARTITION BY LIST (year);
      CREATE TABLE events_2023 PARTITION OF events FOR VALUES IN (2023);
      CREATE TABLE events_2024 PARTITION OF events FOR VALUES IN (2024);
      INSERT INTO events SELECT g, 2023 + g % 2 FROM generate_series(1, 100) g;
    `);

  it("a plain detach takes ACCESS EXCLUSIVE on the partitioned table and the partition", async () => {
    await reset();
    await db.exec("BEGIN");
    await db.exec("ALTER TABLE events DETACH PARTITION events_2023");
    const rows = await db.query<{ l: string }>(
      "SELECT c.relname || ':' || l.mode AS l FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname LIKE 'events%' ORDER BY 1",
    );
    await db.exec("ROLLBACK");
    expect(rows.rows.map((r) => r.l)).toEqual(["events:AccessExclusiveLock", "events_2023:AccessExclusiveLock"]);
  });

  it("CONCURRENTLY cannot run inside a transaction block, and works outside one", async () => {
    await reset();
    await db.exec("BEGIN");
    await expect(db.exec("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY")).rejects.toThrow(/transaction block/);
    await db.exec("ROLLBACK");
    await db.query("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY");
    const parts = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'events'::regclass");
    expect(parts.rows[0]?.n).toBe(1);
  });

  it("CONCURRENTLY is refused while the table has a DEFAULT partition", async () => {
    await reset();
    await db.exec("CREATE TABLE events_other PARTITION OF events DEFAULT");
    await expect(db.query("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY")).rejects.toThrow(/default partition/i);
    await db.exec("DROP TABLE events_other");
  });
});
