import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("adding-exclusion-constraint", {
  valid: [
    "CREATE TABLE bookings (room_id bigint, during tstzrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));",
    "ALTER TABLE bookings ADD CONSTRAINT bookings_room_fkey FOREIGN KEY (room_id) REFERENCES rooms (id) NOT VALID;",
    { name: "table created earlier in the same file", code: "CREATE TABLE bookings (during tstzrange);\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.bookings (during tstzrange);\nALTER TABLE app.bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Bookings" (during tstzrange);\nALTER TABLE "Bookings" ADD EXCLUDE USING gist (during WITH &&);' },
  ],
  invalid: [
    {
      name: "named exclusion constraint on an existing table",
      code: "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
      errors: [
        {
          messageId: "addExclusion",
          line: 1,
          column: 22,
          endColumn: 108,
          includes: ['"bookings_no_overlap"', '"bookings"', "gist index", "ACCESS EXCLUSIVE", "blocks reads and writes", "no concurrent way"],
          helpIncludes: [
            "No sequence of statements adds this constraint",
            "SET lock_timeout = '2s';",
            "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
            "CREATE TABLE bookings_new (LIKE bookings INCLUDING ALL, CONSTRAINT bookings_no_overlap_new EXCLUDE USING gist (room_id WITH =, during WITH &&));",
          ],
        },
      ],
    },
    {
      name: "unnamed constraint without USING is a btree index",
      code: "ALTER TABLE app.slots ADD EXCLUDE (slot_no WITH =);",
      errors: [{ messageId: "addExclusion", line: 1, column: 23, includes: ["(unnamed)", '"app.slots"', "btree index"], helpIncludes: ["CREATE TABLE app.slots_new (LIKE app.slots INCLUDING ALL, EXCLUDE (slot_no WITH =));"] }],
    },
    {
      name: "the position is the EXCLUDE action among several",
      code: "ALTER TABLE bookings\n  ADD COLUMN note text,\n  ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);",
      errors: [{ messageId: "addExclusion", line: 3, column: 3, endLine: 3, endColumn: 64 }],
    },
    {
      name: "an unquoted name is not the quoted table created in the file; another schema is another table",
      code: 'CREATE TABLE "Bookings" (during tstzrange);\nCREATE TABLE app.bookings (during tstzrange);\nALTER TABLE Bookings ADD EXCLUDE USING gist (during WITH &&);\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);',
      errors: [
        { messageId: "addExclusion", line: 3, column: 22 },
        { messageId: "addExclusion", line: 4, column: 22 },
      ],
    },
    {
      name: "a transaction and an old version change nothing: there is no safe form anywhere",
      code: "BEGIN;\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);\nCOMMIT;",
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "addExclusion", line: 2, column: 22 }],
    },
    {
      name: "fixture: preventing double bookings",
      fixture: "invalid/no-double-booking.sql",
      errors: [
        {
          messageId: "addExclusion",
          line: 6,
          column: 3,
          endLine: 7,
          endColumn: 32,
          includes: ['"bookings_no_overlap"'],
          helpIncludes: ["EXCLUDE USING gist (room_id WITH =, during WITH &&)\n  WHERE (status <> 'cancelled');"],
        },
      ],
    },
  ],
});

// On a real PostgreSQL 18: ACCESS EXCLUSIVE for the build, and none of the escape hatches of
// UNIQUE / CHECK exist for EXCLUDE.
describe("adding-exclusion-constraint: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec("CREATE TABLE bookings (during tstzrange); INSERT INTO bookings SELECT tstzrange(now() + g * interval '1 day', now() + (g + 1) * interval '1 day') FROM generate_series(1, 50) g;");
  });
  afterAll(async () => {
    await db.close();
  });

  it("ADD CONSTRAINT ... EXCLUDE takes ACCESS EXCLUSIVE", async () => {
    await db.exec("BEGIN");
    await db.exec("ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)");
    const modes = await db.query<{ mode: string }>("SELECT mode FROM pg_locks WHERE relation = 'bookings'::regclass AND pid = pg_backend_pid()");
    await db.exec("ROLLBACK");
    expect(modes.rows.map((r) => r.mode)).toContain("AccessExclusiveLock");
  });

  it("there is no NOT VALID and no USING INDEX form", async () => {
    await expect(db.exec("ALTER TABLE bookings ADD CONSTRAINT c EXCLUDE USING gist (during WITH &&) NOT VALID")).rejects.toThrow(/NOT VALID/);
    await db.exec("CREATE INDEX bookings_during_idx ON bookings USING gist (during)");
    await expect(db.exec("ALTER TABLE bookings ADD CONSTRAINT c EXCLUDE USING INDEX bookings_during_idx")).rejects.toThrow(/syntax error/);
  });
});
