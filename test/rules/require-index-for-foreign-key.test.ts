import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id))";

runRuleTests("require-index-for-foreign-key", {
  valid: [
    `${ORDERS};\nCREATE INDEX orders_user_id_idx ON orders (user_id);`,
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), UNIQUE (user_id, id));",
    "CREATE TABLE profiles (user_id bigint PRIMARY KEY REFERENCES users (id), bio text);",
    { name: "the index comes later in the file, after other statements", code: `BEGIN;\n${ORDERS};\nINSERT INTO orders VALUES (1, 1);\nCOMMIT;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);` },
    {
      name: "a B-tree whose leading columns are the referencing columns in another order",
      code: "CREATE TABLE lines (order_id bigint, shop_id bigint, n int, FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, id));\nCREATE INDEX lines_order_shop_idx ON lines (order_id, shop_id, n);",
    },
    { name: "a partial index WHERE the column IS NOT NULL", code: `${ORDERS};\nCREATE INDEX orders_user_id_idx ON orders (user_id) WHERE user_id IS NOT NULL;` },
    { name: "a hash index on the single column", code: `${ORDERS};\nCREATE INDEX orders_user_id_idx ON orders USING hash (user_id);` },
    { name: "a UNIQUE constraint added later", code: `${ORDERS};\nALTER TABLE orders ADD CONSTRAINT orders_user_id_key UNIQUE (user_id);` },
    { name: "the indexes of an existing table are unknown", code: "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;" },
    {
      name: "a table created by an earlier file of the run, without the known schema of a directory run: its indexes are unknown",
      code: "ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);",
      options: { newTables: ["public.orders"] },
    },
    { name: "LIKE ... INCLUDING INDEXES may copy indexes", code: "CREATE TABLE orders_archive (LIKE orders INCLUDING ALL, archived_by bigint REFERENCES users (id));" },
    { name: "a partition gets its parent's indexes", code: "CREATE TABLE orders_2024 PARTITION OF orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nALTER TABLE orders_2024 ADD FOREIGN KEY (user_id) REFERENCES users (id);" },
    { name: "a table attached as a partition gets its parent's indexes", code: `${ORDERS};\nALTER TABLE all_orders ATTACH PARTITION orders FOR VALUES IN (1);` },
    { name: "PG 18: a NOT ENFORCED foreign key checks nothing", code: "CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id) NOT ENFORCED, FOREIGN KEY (id) REFERENCES x (id) NOT ENFORCED);" },
    { name: "quoted names", code: 'CREATE TABLE "Orders" ("userId" bigint REFERENCES users (id));\nCREATE INDEX ON "Orders" ("userId");' },
  ],
  invalid: [
    {
      name: "a new table's REFERENCES column without an index",
      code: `${ORDERS};`,
      errors: [
        {
          messageId: "missingIndex",
          line: 1,
          column: 60,
          endLine: 1,
          endColumn: 81,
          includes: ['"orders_user_id_fkey" (the name Postgres generates) on "orders" ("user_id")', 'DELETE from "users"', 'scans all of "orders"'],
          helpIncludes: ["  CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);"],
        },
      ],
    },
    {
      name: "in a transaction the help gives a plain CREATE INDEX",
      code: `BEGIN;\n${ORDERS};\nCOMMIT;`,
      errors: [{ messageId: "missingIndex", line: 2, column: 60, helpIncludes: ["  CREATE INDEX orders_user_id_idx ON orders (user_id);", "CONCURRENTLY cannot run inside a transaction"] }],
    },
    {
      name: "in the transaction the tool wraps the file in, a foreign key added to the new table later",
      code: "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id), ADD COLUMN note text;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "missingIndex", line: 2, column: 24, endColumn: 93, includes: ['"orders_user_fk" on "orders"'], helpIncludes: ["  CREATE INDEX orders_user_id_idx ON orders (user_id);"] }],
    },
    {
      name: "ADD COLUMN ... REFERENCES: the column constraint is reported",
      code: "CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id) NOT NULL;",
      errors: [{ messageId: "missingIndex", line: 2, column: 48, endColumn: 71, includes: ['"coupons"'] }],
    },
    {
      name: "a join table: the primary key serves the first column only",
      code: "CREATE TABLE memberships (\n  user_id bigint REFERENCES users (id),\n  group_id bigint REFERENCES groups (id),\n  PRIMARY KEY (user_id, group_id)\n);",
      errors: [{ messageId: "missingIndex", line: 3, column: 19, endColumn: 41, includes: ['("group_id")', 'DELETE from "groups"'], helpIncludes: ["memberships_group_id_idx ON memberships (group_id)"] }],
    },
    {
      name: "two columns: an index on one of them, or not leading, or partial on another condition, does not serve",
      code: [
        "CREATE TABLE lines (id bigint, order_id bigint, shop_id bigint, deleted_at timestamptz,",
        "  CONSTRAINT lines_order_fkey FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id));",
        "CREATE INDEX lines_order_id_idx ON lines (order_id);",
        "CREATE INDEX lines_id_order_shop_idx ON lines (id, order_id, shop_id);",
        "CREATE INDEX lines_live_idx ON lines (order_id, shop_id) WHERE deleted_at IS NULL;",
        "CREATE INDEX lines_gin_idx ON lines USING gin (order_id, shop_id);",
      ].join("\n"),
      errors: [{ messageId: "missingIndex", line: 2, column: 3, endColumn: 94, includes: ['"lines_order_fkey"', '("order_id", "shop_id")'], helpIncludes: ["lines_order_id_shop_id_idx ON lines (order_id, shop_id);"] }],
    },
    {
      name: "an index dropped before the foreign key does not count",
      code: "CREATE TABLE orders (id bigint, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nDROP INDEX orders_user_id_idx;\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);",
      errors: [{ messageId: "missingIndex", line: 4, column: 24 }],
    },
    {
      name: "a different schema is a different table",
      code: "CREATE TABLE app.orders (id bigint, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);",
      errors: [{ messageId: "missingIndex", line: 1, column: 52, includes: ['on "app.orders"'], helpIncludes: ["CREATE INDEX CONCURRENTLY orders_user_id_idx ON app.orders (user_id);"] }],
    },
    {
      name: "quoted and unquoted names differ",
      code: 'CREATE TABLE "Orders" ("userId" bigint REFERENCES users (id));\nCREATE INDEX ON orders ("userId");',
      errors: [{ messageId: "missingIndex", line: 1, column: 40, includes: ['on "Orders" ("userId")'], helpIncludes: ['CREATE INDEX CONCURRENTLY "Orders_userId_idx" ON "Orders" ("userId");'] }],
    },
    {
      name: "the same on PG 10 (the rule does not depend on the version)",
      code: `${ORDERS};`,
      options: { pgVersion: 10 },
      errors: [{ messageId: "missingIndex", line: 1, column: 60 }],
    },
    {
      name: "realistic Prisma migration: foreign keys without their indexes",
      fixture: "invalid/prisma-posts.sql",
      errors: [
        { messageId: "missingIndex", line: 24, column: 24, endColumn: 141, includes: ['"Post_authorId_fkey" on "Post" ("authorId")', 'DELETE from "User"'] },
        { messageId: "missingIndex", line: 27, column: 24, helpIncludes: ['CREATE INDEX CONCURRENTLY "Post_categoryId_idx" ON "Post" ("categoryId");'] },
      ],
    },
  ],
});

/**
 * Postgres checks a foreign key on DELETE from the referenced table with
 * `SELECT 1 FROM ONLY <referencing> x WHERE col1 = $1 AND col2 = $2 FOR KEY SHARE OF x`. The rule is
 * silent exactly when that lookup can use an index on all the referencing columns: a B-tree whose
 * leading columns are those columns in any order (rules.md says "in order", which is stricter than
 * Postgres), a partial index whose predicate the lookup implies, a single-column hash index.
 */
describe("require-index-for-foreign-key: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  const TABLE = "CREATE TABLE lines (id int PRIMARY KEY, a int, b int, c int, FOREIGN KEY (a, b) REFERENCES parent (x, y) ON DELETE CASCADE)";

  // [index, the lookup uses it on all columns, the lookups still scan the table]
  it.each([
    ["no index", "", false, true],
    ["(a, b)", "CREATE INDEX ON lines (a, b)", true, false],
    ["(b, a): another order", "CREATE INDEX ON lines (b, a)", true, false],
    ["(a, b, c)", "CREATE INDEX ON lines (a, b, c)", true, false],
    ["(a): one of the columns, the other is a filter", "CREATE INDEX ON lines (a)", false, false],
    ["(c, a, b): not leading", "CREATE INDEX ON lines (c, a, b)", false, true],
    ["partial, WHERE a IS NOT NULL", "CREATE INDEX ON lines (a, b) WHERE a IS NOT NULL", true, false],
    ["partial, WHERE c > 0", "CREATE INDEX ON lines (a, b) WHERE c > 0", false, true],
    ["UNIQUE (b, a)", "ALTER TABLE lines ADD UNIQUE (b, a)", true, false],
  ] as const)("index %s: used on all columns: %s; scans: %s", async (_name, index, served, seqScans) => {
    await db.exec(
      `DROP TABLE IF EXISTS lines, parent; CREATE TABLE parent (x int, y int, PRIMARY KEY (x, y)); ${TABLE}; INSERT INTO parent SELECT g, g FROM generate_series(1, 5000) g; INSERT INTO lines SELECT g, g, g, g FROM generate_series(1, 5000) g; ${index}; ANALYZE lines;`,
    );
    const plan = (await db.query<{ "QUERY PLAN": string }>("EXPLAIN (COSTS OFF) SELECT 1 FROM ONLY lines x WHERE a = 1 AND b = 2 FOR KEY SHARE OF x")).rows
      .map((r) => r["QUERY PLAN"])
      .join("\n");
    const indexCond = /Index Cond: (.*)/.exec(plan)?.[1] ?? "";
    expect(/\ba = 1\b/.test(indexCond) && /\bb = 2\b/.test(indexCond), plan).toBe(served);
    // The cascade really runs through that lookup: with a serving index, no sequential scans of "lines".
    await db.exec("BEGIN; DELETE FROM parent WHERE x <= 20;");
    const scans = (await db.query<{ seq_scan: number }>("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'lines'")).rows[0]!.seq_scan;
    await db.exec("ROLLBACK");
    expect(scans >= 20).toBe(seqScans);
    const messages = lintWithRule("require-index-for-foreign-key", `${TABLE};\n${index ? `${index};` : ""}`).messages;
    expect(messages.length === 0).toBe(served);
  });
});
