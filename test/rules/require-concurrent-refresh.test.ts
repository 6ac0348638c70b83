import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("require-concurrent-refresh", {
  valid: [
    "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;",
    "REFRESH MATERIALIZED VIEW CONCURRENTLY app.daily_sales WITH DATA;",
    { name: "view created earlier in the same file", code: "CREATE MATERIALIZED VIEW daily_sales AS SELECT 1 AS n;\nREFRESH MATERIALIZED VIEW daily_sales;" },
    {
      name: "view created earlier in the same transaction",
      code: "BEGIN;\nCREATE MATERIALIZED VIEW app.daily_sales AS SELECT 1 AS n WITH NO DATA;\nREFRESH MATERIALIZED VIEW app.daily_sales;\nCOMMIT;",
    },
    { name: "quoted view created earlier", code: 'CREATE MATERIALIZED VIEW "DailySales" AS SELECT 1 AS n;\nREFRESH MATERIALIZED VIEW "DailySales" WITH NO DATA;' },
  ],
  invalid: [
    {
      name: "plain refresh of an existing view",
      code: "REFRESH MATERIALIZED VIEW daily_sales;",
      errors: [
        {
          messageId: "missingConcurrently",
          line: 1,
          column: 1,
          endColumn: 26,
          includes: ['"daily_sales"', "ACCESS EXCLUSIVE", "blocks reads"],
          helpIncludes: ["REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;", "unique index", "populated", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS daily_sales_refresh_key ON daily_sales"],
        },
      ],
    },
    {
      name: "WITH NO DATA empties the view and cannot be concurrent",
      code: "REFRESH MATERIALIZED VIEW app.daily_sales WITH NO DATA;",
      errors: [{ messageId: "withNoData", line: 1, column: 43, endColumn: 55, includes: ['"app.daily_sales"', "ACCESS EXCLUSIVE", "fails", "cannot run CONCURRENTLY"] }],
    },
    {
      name: "CONCURRENTLY with WITH NO DATA fails: reported as WITH NO DATA",
      code: "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales WITH NO DATA;",
      errors: [{ messageId: "withNoData", line: 1, column: 52 }],
    },
    {
      name: "an unquoted name is not the quoted view created in the file",
      code: 'CREATE MATERIALIZED VIEW "DailySales" AS SELECT 1 AS n;\nREFRESH MATERIALIZED VIEW DailySales;',
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1, includes: ['"dailysales"'] }],
    },
    {
      name: "a different schema is a different view",
      code: "CREATE MATERIALIZED VIEW reporting.daily_sales AS SELECT 1 AS n;\nREFRESH MATERIALIZED VIEW daily_sales;",
      errors: [{ messageId: "missingConcurrently", line: 2, column: 1, helpIncludes: ["CONCURRENTLY daily_sales;"] }],
    },
    {
      name: "inside a transaction, and on an old version, it is still reported",
      code: "REFRESH MATERIALIZED VIEW daily_sales;",
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [{ messageId: "missingConcurrently", line: 1, column: 1, helpIncludes: ["works inside a transaction"] }],
    },
    {
      name: "fixture: refreshing reporting views",
      fixture: "invalid/rebuild-reporting-views.sql",
      errors: [
        { messageId: "missingConcurrently", line: 4, column: 1, includes: ['"reporting.daily_sales"'] },
        { messageId: "withNoData", line: 8, column: 54, includes: ['"reporting.legacy_dashboard"'] },
      ],
    },
  ],
});

// The facts behind the messages and the help, checked against a real PostgreSQL 18.
describe("require-concurrent-refresh: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE sales (id int, amount int);
      INSERT INTO sales SELECT g, g FROM generate_series(1, 100) g;
      CREATE MATERIALIZED VIEW daily_sales AS SELECT id, amount FROM sales;
    `);
  });
  afterAll(async () => {
    await db.close();
  });
  const viewLocks = async (sql: string): Promise<string[]> => {
    await db.exec("BEGIN");
    try {
      await db.exec(sql);
      const locks = await db.query<{ mode: string }>("SELECT mode FROM pg_locks WHERE relation = 'daily_sales'::regclass AND pid = pg_backend_pid() ORDER BY mode");
      return locks.rows.map((r) => r.mode);
    } finally {
      await db.exec("ROLLBACK");
    }
  };

  it("a plain refresh takes ACCESS EXCLUSIVE on the view (blocks reads)", async () => {
    expect(await viewLocks("REFRESH MATERIALIZED VIEW daily_sales")).toContain("AccessExclusiveLock");
  });

  it("CONCURRENTLY needs a unique index", async () => {
    await expect(db.exec("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales")).rejects.toThrow(/concurrently/i);
  });

  it("with a unique index, CONCURRENTLY runs inside a transaction block and takes EXCLUSIVE, not ACCESS EXCLUSIVE", async () => {
    await db.exec("CREATE UNIQUE INDEX IF NOT EXISTS daily_sales_refresh_key ON daily_sales (id)");
    const modes = await viewLocks("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales");
    expect(modes).toContain("ExclusiveLock");
    expect(modes).not.toContain("AccessExclusiveLock");
  });

  it("WITH NO DATA cannot be combined with CONCURRENTLY, and leaves the view unreadable", async () => {
    await expect(db.exec("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales WITH NO DATA")).rejects.toThrow(/WITH NO DATA/);
    await db.exec("REFRESH MATERIALIZED VIEW daily_sales WITH NO DATA");
    await expect(db.exec("SELECT * FROM daily_sales")).rejects.toThrow(/has not been populated/);
    await expect(db.exec("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales")).rejects.toThrow(/not populated/);
    await db.exec("REFRESH MATERIALIZED VIEW daily_sales");
  });
});
