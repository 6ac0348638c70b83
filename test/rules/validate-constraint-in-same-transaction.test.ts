import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("validate-constraint-in-same-transaction", {
  valid: [
    { name: "a constraint added by an earlier migration", code: "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;", options: { assumeInTransaction: true } },
    {
      name: "table created earlier in the same transaction: nobody else uses it",
      code: "BEGIN;\nCREATE TABLE orders (id bigint, total int);\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nCOMMIT;",
    },
    {
      name: "the same constraint name on another table",
      code: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE refunds VALIDATE CONSTRAINT positive;\nCOMMIT;",
    },
    {
      name: "app.orders is not public.orders",
      code: "BEGIN;\nALTER TABLE app.orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT positive;\nCOMMIT;",
    },
    {
      name: "a quoted name is another constraint",
      code: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT "Positive" CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT Positive;\nCOMMIT;',
    },
    {
      name: "dropped and added again as a valid constraint",
      code: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders DROP CONSTRAINT positive;\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);\nALTER TABLE orders VALIDATE CONSTRAINT positive;\nCOMMIT;",
    },
    {
      name: "the adding transaction was rolled back; validation runs in a new one",
      code: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nROLLBACK;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT positive;\nCOMMIT;",
    },
  ],
  invalid: [
    {
      name: "realistic: foreign key and CHECK validated inside the BEGIN that added them",
      fixture: "invalid/add-and-validate-in-one-transaction.sql",
      errors: [
        {
          messageId: "sameTransaction",
          line: 7,
          column: 24,
          endLine: 7,
          endColumn: 68,
          includes: ['foreign key "line_items_order_id_fkey" on "line_items"', "(line 4)", "SHARE ROW EXCLUSIVE", 'writes to "line_items" and "orders" wait'],
          helpIncludes: [
            "ALTER TABLE line_items ADD CONSTRAINT line_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE NOT VALID;\n  COMMIT;",
            "ALTER TABLE line_items VALIDATE CONSTRAINT line_items_order_id_fkey;",
            "SHARE UPDATE EXCLUSIVE",
          ],
        },
        {
          messageId: "sameTransaction",
          line: 10,
          column: 24,
          includes: ['CHECK constraint "line_items_quantity_check" (the name Postgres generates)', "(line 9)", "ACCESS EXCLUSIVE", 'all reads and writes of "line_items"'],
          helpIncludes: ["ALTER TABLE line_items ADD CONSTRAINT line_items_quantity_check CHECK (quantity > 0) NOT VALID;"],
        },
      ],
    },
    {
      name: "realistic: a file the migration tool runs in one transaction",
      fixture: "invalid/wrapped-file.sql",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "sameTransaction", line: 5, column: 22, includes: ['"accounts_email_present" on "accounts"', "(line 3)"] }],
    },
    {
      name: "followed through RENAME CONSTRAINT",
      code: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders RENAME CONSTRAINT positive TO orders_total_positive;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;",
      errors: [{ messageId: "sameTransaction", line: 4, column: 20, includes: ['"positive"'], helpIncludes: ["VALIDATE CONSTRAINT orders_total_positive;"] }],
    },
    {
      name: "one statement is one transaction, even without BEGIN",
      code: "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID, VALIDATE CONSTRAINT positive;",
      errors: [{ messageId: "sameTransaction", line: 1, column: 73, endColumn: 101 }],
    },
    {
      name: "PG 18: a NOT NULL constraint added NOT VALID and validated in the same transaction",
      code: "BEGIN;\nALTER TABLE app.orders ADD CONSTRAINT orders_code_not_null NOT NULL code NOT VALID;\nALTER TABLE app.orders VALIDATE CONSTRAINT orders_code_not_null;\nCOMMIT;",
      options: { pgVersion: 18 },
      errors: [{ messageId: "sameTransaction", line: 3, column: 24, includes: ['NOT NULL constraint "orders_code_not_null" on "app.orders"'] }],
    },
    {
      name: "an unquoted table name folds to lower case",
      code: "BEGIN;\nALTER TABLE Orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT positive;\nCOMMIT;",
      errors: [{ messageId: "sameTransaction", line: 3, column: 20 }],
    },
  ],
});

describe("validate-constraint-in-same-transaction: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const locks = async (): Promise<string[]> =>
    (
      await db.query<{ l: string }>(
        "SELECT c.relname || ':' || l.mode AS l FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname IN ('orders', 'line_items') ORDER BY 1",
      )
    ).rows.map((r) => r.l);

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE orders (id bigint PRIMARY KEY);
      CREATE TABLE line_items (id bigint PRIMARY KEY, order_id bigint, quantity int);
      INSERT INTO orders SELECT g FROM generate_series(1, 20) g;
      INSERT INTO line_items SELECT g, g, 1 FROM generate_series(1, 20) g;`);
  });
  afterAll(async () => {
    await db.close();
  });

  it("in the adding transaction, VALIDATE runs while SHARE ROW EXCLUSIVE is held on both tables", async () => {
    await db.query("BEGIN");
    await db.query("ALTER TABLE line_items ADD CONSTRAINT line_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID");
    await db.query("ALTER TABLE line_items VALIDATE CONSTRAINT line_items_order_id_fkey");
    expect(await locks()).toEqual(expect.arrayContaining(["line_items:ShareRowExclusiveLock", "orders:ShareRowExclusiveLock"]));
    await db.query("ROLLBACK");
  });

  it("the help's sequence: after COMMIT, VALIDATE alone blocks neither reads nor writes", async () => {
    const code = "BEGIN;\nALTER TABLE line_items ADD CONSTRAINT line_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;\nALTER TABLE line_items VALIDATE CONSTRAINT line_items_order_id_fkey;\nCOMMIT;";
    const [finding] = lintWithRule("validate-constraint-in-same-transaction", code).messages;
    const steps = (finding?.help ?? "").split("\n").filter((l) => l.startsWith("  ")).map((l) => l.replace(/--.*$/, "").trim());
    expect(steps).toHaveLength(3);
    await db.query(steps[0]!);
    expect(steps[1]).toBe("COMMIT;");
    await db.query("BEGIN");
    await db.query(steps[2]!);
    const held = await locks();
    expect(held).toContain("line_items:ShareUpdateExclusiveLock");
    // None of these conflicts with SELECT (ACCESS SHARE) or INSERT/UPDATE/DELETE (ROW EXCLUSIVE).
    for (const l of held) expect(l).toMatch(/:(AccessShareLock|RowShareLock|ShareUpdateExclusiveLock)$/);
    await db.query("COMMIT");
    const valid = await db.query<{ convalidated: boolean }>("SELECT convalidated FROM pg_constraint WHERE conname = 'line_items_order_id_fkey'");
    expect(valid.rows).toEqual([{ convalidated: true }]);
  });
});
