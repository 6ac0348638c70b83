import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEdits, lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-enum-value-ordering", {
  valid: [
    "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';",
    "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ecstatic' AFTER 'happy';",
    { name: "renaming a value keeps its place", code: "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';" },
    { name: "the first value of an empty enum has nothing to be ordered against", code: "CREATE TYPE flag AS ENUM ();\nALTER TYPE flag ADD VALUE 'on';" },
    { name: "IF NOT EXISTS of a value the file already declared does nothing", code: "CREATE TYPE mood AS ENUM ('sad', 'ok');\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad';" },
  ],
  invalid: [
    {
      name: "an existing enum: the values are unknown, so the help shows how to look them up",
      code: "ALTER TYPE mood ADD VALUE 'happy';",
      errors: [
        {
          messageId: "missingPosition",
          line: 1,
          column: 17,
          endLine: 1,
          endColumn: 34,
          includes: ["Value 'happy' is added to enum \"mood\" without BEFORE or AFTER", "sorts after every existing value:", "ORDER BY"],
          helpIncludes: ["SELECT enum_range(NULL::mood);", "ALTER TYPE mood ADD VALUE 'happy' BEFORE 'existing_value';", "AFTER 'last_value';"],
          suggestions: [],
        },
      ],
    },
    {
      name: "an enum created in the file: the help lists its order and a suggestion appends after the last value",
      code: "CREATE TYPE app.mood AS ENUM ('sad', 'ok');\nALTER TYPE app.mood ADD VALUE 'meh' BEFORE 'ok';\nALTER TYPE app.mood ADD VALUE 'happy';",
      errors: [
        {
          messageId: "missingPosition",
          line: 3,
          column: 21,
          endColumn: 38,
          includes: ['to enum "app.mood"', "(after 'ok')"],
          helpIncludes: ["The current order is 'sad', 'meh', 'ok'.", "ALTER TYPE app.mood ADD VALUE 'happy' AFTER 'ok';"],
          suggestions: [
            {
              messageId: "appendExplicitly",
              output: "CREATE TYPE app.mood AS ENUM ('sad', 'ok');\nALTER TYPE app.mood ADD VALUE 'meh' BEFORE 'ok';\nALTER TYPE app.mood ADD VALUE 'happy' AFTER 'ok';",
            },
          ],
        },
      ],
    },
    {
      name: 'a quoted "Mood" created in the file is not mood; labels with quotes are escaped in the help',
      code: "CREATE TYPE \"Mood\" AS ENUM ('it''s fine');\nALTER TYPE mood ADD VALUE 'x';\nALTER TYPE \"Mood\" ADD VALUE 'y';",
      errors: [
        { messageId: "missingPosition", line: 2, column: 17, includes: ['enum "mood"'], suggestions: [] },
        { messageId: "missingPosition", line: 3, column: 19, includes: ['enum "Mood"', "(after 'it's fine')"], helpIncludes: ["AFTER 'it''s fine';"] },
      ],
    },
    {
      name: "the same in a transaction and on PostgreSQL 10",
      code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "missingPosition", line: 2, column: 17, endColumn: 34 }],
    },
    {
      name: "realistic: a status enum gains values",
      fixture: "invalid/order-status.sql",
      errors: [
        { messageId: "missingPosition", line: 4, column: 25, endColumn: 43, includes: ["'packed'", "(after 'delivered')"], helpIncludes: ["'pending', 'paid', 'shipped', 'delivered'"] },
        { messageId: "missingPosition", line: 6, column: 35, endColumn: 69, includes: ['enum "billing.invoice_status"'] },
      ],
    },
  ],
});

describe("require-enum-value-ordering: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it("ADD VALUE without BEFORE/AFTER sorts last, and ORDER BY and comparisons follow that order", async () => {
    await db.exec("CREATE TYPE status AS ENUM ('pending', 'shipped', 'delivered'); ALTER TYPE status ADD VALUE 'packed';");
    const { rows } = await db.query<{ v: string }>("SELECT unnest(enum_range(NULL::status))::text AS v");
    expect(rows.map((r) => r.v)).toEqual(["pending", "shipped", "delivered", "packed"]);
    const { rows: later } = await db.query<{ v: boolean }>("SELECT 'packed'::status > 'delivered'::status AS v");
    expect(later[0]!.v).toBe(true);
  });

  it("ADD VALUE locks the type (EXCLUSIVE), not the tables that use it", async () => {
    await db.exec("CREATE TYPE s3 AS ENUM ('a', 'b'); CREATE TABLE s3_rows (v s3); INSERT INTO s3_rows VALUES ('a');");
    await db.exec("BEGIN; ALTER TYPE s3 ADD VALUE 'c' BEFORE 'b';");
    const { rows } = await db.query<{ what: string; mode: string }>(
      "SELECT coalesce(c.relname, l.classid::regclass::text) AS what, l.mode FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND (c.relname = 's3_rows' OR l.locktype = 'object')",
    );
    await db.exec("ROLLBACK");
    expect(rows).toEqual([{ what: "pg_type", mode: "ExclusiveLock" }]);
  });

  it("the suggested AFTER '<last value>' puts the value where the plain statement would, and BEFORE puts it in between", async () => {
    const sql = "CREATE TYPE s2 AS ENUM ('a', 'b');\nALTER TYPE s2 ADD VALUE 'c';";
    const [message] = lintWithRule("require-enum-value-ordering", sql).messages;
    const fixed = applyEdits(sql, [message!.suggestions![0]!.fix]);
    expect(fixed).toBe("CREATE TYPE s2 AS ENUM ('a', 'b');\nALTER TYPE s2 ADD VALUE 'c' AFTER 'b';");
    await db.exec(fixed);
    await db.exec("ALTER TYPE s2 ADD VALUE 'a2' BEFORE 'b'");
    const { rows } = await db.query<{ v: string }>("SELECT unnest(enum_range(NULL::s2))::text AS v");
    expect(rows.map((r) => r.v)).toEqual(["a", "a2", "b", "c"]);
  });
});
