import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const LONG_TABLE = "customer_subscription_billing_period_adjustments_history";
const LONG_COLUMN = "previous_subscription_billing_period_adjustment_reference_id";

runRuleTests("constraint-missing-not-valid", {
  valid: [
    "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
    "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;",
    "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;",
    {
      name: "PRIMARY KEY, UNIQUE and EXCLUDE cannot be NOT VALID: never reported here",
      code: "ALTER TABLE orders ADD PRIMARY KEY (id), ADD UNIQUE (code), ADD CONSTRAINT orders_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
    },
    { name: "a new column without a default: its foreign key is valid at once, without a scan", code: "ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);" },
    { name: "a column CHECK of ADD COLUMN is not an ADD CONSTRAINT", code: "ALTER TABLE orders ADD COLUMN discount int CHECK (discount >= 0);" },
    { name: "NOT ENFORCED constraints are not checked (PG 18)", code: "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT ENFORCED;", options: { pgVersion: 18 } },
    { name: "ADD CONSTRAINT ... NOT NULL before PG 18 is not this rule's form", code: "ALTER TABLE orders ADD CONSTRAINT orders_code_not_null NOT NULL code;", options: { pgVersion: 17 } },
    { name: "NOT NULL ... NOT VALID on PG 18", code: "ALTER TABLE orders ADD CONSTRAINT orders_code_not_null NOT NULL code NOT VALID;", options: { pgVersion: 18 } },
    {
      name: "table created earlier in the same file, without a transaction",
      code: "CREATE TABLE orders (id bigint, user_id bigint, total int);\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id), ADD CHECK (total > 0);",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Orders" (total int);\nALTER TABLE "Orders" ADD CHECK (total > 0);' },
    { name: "table created by an earlier, unapplied file of the run", code: "ALTER TABLE orders ADD CHECK (total > 0);", options: { newTables: ["public.orders"] } },
  ],
  invalid: [
    {
      name: "foreign key without NOT VALID: both tables, the generated name, the safe SQL",
      code: "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);",
      errors: [
        {
          messageId: "foreignKey",
          suggestions: [{ messageId: "addNotValid", output: "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;" }],
          line: 1,
          column: 20,
          endLine: 1,
          endColumn: 67,
          includes: ['"orders_user_id_fkey" (the name Postgres generates)', 'both "orders" and "users"', "SHARE ROW EXCLUSIVE", '("user_id")'],
          helpIncludes: [
            "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;",
            "orders_user_id_fkey is the name Postgres generates",
          ],
        },
      ],
    },
    {
      name: "realistic: Django sqlmigrate output adding a foreign key",
      fixture: "invalid/django-foreign-key.sql",
      errors: [
        {
          messageId: "foreignKey",
          line: 6,
          column: 26,
          endLine: 7,
          endColumn: 96,
          includes: ['"shop_order_customer_id_fk_shop_customer_id" on "shop_order"', 'both "shop_order" and "shop_customer"'],
          helpIncludes: [
            'ALTER TABLE shop_order ADD CONSTRAINT shop_order_customer_id_fk_shop_customer_id FOREIGN KEY ("customer_id") REFERENCES "shop_customer" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID;',
            "ALTER TABLE shop_order VALIDATE CONSTRAINT shop_order_customer_id_fk_shop_customer_id;",
          ],
        },
      ],
    },
    {
      name: "realistic: CHECK without NOT VALID, and a new column with a DEFAULT and REFERENCES",
      fixture: "invalid/checks-and-defaults.sql",
      errors: [
        {
          messageId: "check",
          line: 5,
          column: 5,
          endColumn: 34,
          includes: ['"payments_amount_cents_check" (the name Postgres generates)', 'ACCESS EXCLUSIVE on "payments"', "reads and writes"],
          helpIncludes: ["ALTER TABLE payments ADD CONSTRAINT payments_amount_cents_check CHECK (amount_cents >= 0) NOT VALID;"],
        },
        {
          messageId: "columnForeignKey",
          line: 9,
          column: 22,
          includes: ['column "merchant_id" to "payments"', 'REFERENCES "merchants"', "a DEFAULT", '"payments_merchant_id_fkey"', 'SHARE ROW EXCLUSIVE on "merchants"'],
          helpIncludes: [
            "ALTER TABLE payments ADD COLUMN merchant_id bigint NOT NULL DEFAULT 1;",
            "ALTER TABLE payments ADD CONSTRAINT payments_merchant_id_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id) NOT VALID;",
            "ALTER TABLE payments VALIDATE CONSTRAINT payments_merchant_id_fkey;",
          ],
        },
      ],
    },
    {
      name: "CHECK over two columns: Postgres names it <table>_check",
      code: "ALTER TABLE orders ADD CHECK (shipped_at >= created_at);",
      errors: [{ messageId: "check", suggestions: [{ messageId: "addNotValid", output: "ALTER TABLE orders ADD CONSTRAINT orders_check CHECK (shipped_at >= created_at) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_check;" }], line: 1, column: 20, includes: ['"orders_check"'], helpIncludes: ["ADD CONSTRAINT orders_check CHECK (shipped_at >= created_at) NOT VALID;"] }],
    },
    {
      name: "a name taken earlier in the file gets a number; DROP CONSTRAINT (run first by ALTER TABLE) frees it",
      code: "ALTER TABLE orders ADD CHECK (total > 0) NOT VALID;\nALTER TABLE orders ADD CHECK (total < 100);\nALTER TABLE orders DROP CONSTRAINT orders_total_check, ADD CHECK (total >= 0);",
      errors: [
        { messageId: "check", line: 2, column: 20, includes: ['"orders_total_check1"'] },
        { messageId: "check", line: 3, column: 56, includes: ['"orders_total_check"'] },
      ],
    },
    {
      name: "a self-referencing foreign key names the table once",
      code: "ALTER TABLE categories ADD CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories;",
      errors: [{ messageId: "foreignKey", line: 1, column: 24, includes: ['"categories_parent_fk" on "categories"', 'EXCLUSIVE on "categories"', "to it wait"] }],
    },
    {
      name: "schema-qualified tables stay qualified; ALTER TABLE ONLY is kept",
      code: "ALTER TABLE ONLY app.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES auth.users ON DELETE CASCADE;",
      errors: [
        {
          messageId: "foreignKey",
          line: 1,
          column: 29,
          includes: ['"app.orders"', '"auth.users"'],
          helpIncludes: [
            "ALTER TABLE ONLY app.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES auth.users ON DELETE CASCADE NOT VALID;",
            "ALTER TABLE ONLY app.orders VALIDATE CONSTRAINT orders_user_fk;",
          ],
        },
      ],
    },
    {
      name: "app.orders created earlier is not public.orders",
      code: "CREATE TABLE app.orders (total int);\nALTER TABLE orders ADD CHECK (total > 0);",
      errors: [{ messageId: "check", line: 2, column: 20, includes: ['"orders"'] }],
    },
    {
      name: "an unquoted name folds to lower case: Orders is not the new \"Orders\"",
      code: 'CREATE TABLE "Orders" (total int);\nALTER TABLE Orders ADD CHECK (total > 0);\nALTER TABLE "Orders" ADD CHECK (total > 0);',
      errors: [{ messageId: "check", line: 2, column: 20 }],
    },
    {
      name: "quoted mixed-case names are quoted in the SQL",
      code: 'ALTER TABLE "Orders" ADD CHECK ("Total" > 0);',
      errors: [{ messageId: "check", line: 1, column: 22, includes: ['"Orders_Total_check"', 'on "Orders"'], helpIncludes: ['ALTER TABLE "Orders" ADD CONSTRAINT "Orders_Total_check" CHECK ("Total" > 0) NOT VALID;'] }],
    },
    {
      name: "inside a transaction it is just as bad",
      code: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\nCOMMIT;",
      errors: [{ messageId: "check", suggestions: [{ messageId: "addNotValidOnly", output: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nCOMMIT;" }], line: 2, column: 20, includes: ['"orders_total_check" to "orders"'] }],
    },
    {
      name: "assumed transaction, several actions: one finding per action",
      code: "ALTER TABLE orders ADD CHECK (total >= 0), ADD CHECK (total < 1000000), ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users NOT VALID;",
      options: { assumeInTransaction: true },
      errors: [
        { messageId: "check", line: 1, column: 20, includes: ['"orders_total_check"'] },
        { messageId: "check", line: 1, column: 44, includes: ['"orders_total_check1"'] },
      ],
    },
    {
      name: "PG 18: an ADD CONSTRAINT ... NOT NULL without NOT VALID",
      code: "ALTER TABLE orders ADD NOT NULL code;",
      options: { pgVersion: 18 },
      errors: [
        {
          messageId: "notNull",
          suggestions: [{ messageId: "addNotValid", output: "ALTER TABLE orders ADD CONSTRAINT orders_code_not_null NOT NULL code NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_code_not_null;" }],
          line: 1,
          column: 20,
          endColumn: 37,
          includes: ['"orders_code_not_null" (the name Postgres generates)', '("code")', "ACCESS EXCLUSIVE"],
          helpIncludes: ["ALTER TABLE orders ADD CONSTRAINT orders_code_not_null NOT NULL code NOT VALID;", "ALTER TABLE orders VALIDATE CONSTRAINT orders_code_not_null;"],
        },
      ],
    },
    {
      name: "identity and serial columns get values too, so their REFERENCES is validated",
      code: "ALTER TABLE orders ADD COLUMN seq_id bigint GENERATED BY DEFAULT AS IDENTITY REFERENCES sequences (id);\nALTER TABLE orders ADD COLUMN n bigserial CONSTRAINT orders_n_fk REFERENCES numbers;\nALTER TABLE orders ADD COLUMN m bigint DEFAULT NULL REFERENCES numbers;",
      errors: [
        { messageId: "columnForeignKey", suggestions: [], line: 1, column: 20, includes: ["GENERATED ... AS IDENTITY"] },
        { messageId: "columnForeignKey", line: 2, column: 20, includes: ["the bigserial type", '"orders_n_fk"'], helpIncludes: ["ALTER TABLE orders ADD COLUMN n bigserial;", "ADD CONSTRAINT orders_n_fk FOREIGN KEY (n) REFERENCES numbers NOT VALID;"] },
        { messageId: "columnForeignKey", line: 3, column: 20, includes: ["a DEFAULT"] },
      ],
    },
    {
      name: "long names are truncated to 63 bytes the way Postgres does",
      code: `ALTER TABLE ${LONG_TABLE} ADD FOREIGN KEY (${LONG_COLUMN}) REFERENCES ${LONG_TABLE} (id);`,
      errors: [{ messageId: "foreignKey", line: 1, column: 70, includes: ['"customer_subscription_billing_previous_subscription_billin_fkey"'] }],
    },
  ],
});

/** The SQL statements of a help text (its indented lines, without comments). */
function helpStatements(help: string | undefined): string[] {
  return (help ?? "")
    .split("\n")
    .filter((l) => l.startsWith("  ") && !l.trim().startsWith("--"))
    .map((l) => l.trim());
}

describe("constraint-missing-not-valid: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const constraints = async (table: string): Promise<{ conname: string; def: string; convalidated: boolean }[]> =>
    (
      await db.query<{ conname: string; def: string; convalidated: boolean }>(
        "SELECT conname, pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('c', 'f', 'n') ORDER BY conname",
        [table],
      )
    ).rows;

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE users (id bigint PRIMARY KEY);
      CREATE TABLE merchants (id bigint PRIMARY KEY);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, code text, shipped_at timestamptz, created_at timestamptz);
      CREATE TABLE payments (id bigint PRIMARY KEY, amount_cents bigint);
      CREATE TABLE ${LONG_TABLE} (id bigint PRIMARY KEY, ${LONG_COLUMN} bigint);
      INSERT INTO users VALUES (1), (2); INSERT INTO merchants VALUES (1);
      INSERT INTO orders SELECT g, 1 + g % 2, g, 'c' || g, now(), now() FROM generate_series(1, 50) g;
      INSERT INTO payments SELECT g, g FROM generate_series(1, 50) g;`);
  });
  afterAll(async () => {
    await db.close();
  });

  // setup: run before the statement (and before the help's SQL); otherActions: the statement's
  // other, unreported actions, run before the help's SQL.
  const cases: { table: string; sql: string; setup?: string; otherActions?: string; pgVersion?: number }[] = [
    { table: "orders", setup: "ALTER TABLE orders ADD CHECK (total > 0) NOT VALID", sql: "ALTER TABLE orders ADD CHECK (total < 100)" },
    {
      table: "orders",
      setup: "ALTER TABLE orders ADD CHECK (total > 0) NOT VALID",
      sql: "ALTER TABLE orders DROP CONSTRAINT orders_total_check, ADD CHECK (total >= 0)",
      otherActions: "ALTER TABLE orders DROP CONSTRAINT orders_total_check",
    },
    { table: "orders", sql: "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id)" },
    { table: "orders", sql: "ALTER TABLE orders ADD CHECK (shipped_at >= created_at)" },
    { table: "orders", sql: "ALTER TABLE orders ADD CHECK (total >= 0), ADD CHECK (total < 1000000)" },
    { table: "orders", sql: "ALTER TABLE orders ADD NOT NULL code", pgVersion: 18 },
    { table: "payments", sql: "ALTER TABLE payments ADD COLUMN merchant_id bigint NOT NULL DEFAULT 1 REFERENCES merchants (id)" },
    { table: LONG_TABLE, sql: `ALTER TABLE ${LONG_TABLE} ADD FOREIGN KEY (${LONG_COLUMN}) REFERENCES ${LONG_TABLE} (id)` },
  ];
  for (const c of cases) {
    it(`${c.sql}: the generated name is Postgres' and the help's SQL gives the same, validated constraint`, async () => {
      const setup = c.setup ? `${c.setup};\n` : "";
      const findings = lintWithRule("constraint-missing-not-valid", `${setup}${c.sql};`, { pgVersion: c.pgVersion ?? 15 }).messages;
      expect(findings.length).toBeGreaterThan(0);
      const names = findings.map((m) => /"([^"]+)" \(the name Postgres generates\)/.exec(m.message)?.[1]);

      await db.query("BEGIN");
      await db.exec(`${setup}${c.sql}`);
      const original = await constraints(c.table);
      await db.query("ROLLBACK");
      for (const name of names) expect(original.map((o) => o.conname)).toContain(name);

      await db.query("BEGIN");
      if (c.setup) await db.exec(c.setup);
      if (c.otherActions) await db.exec(c.otherActions);
      for (const m of findings) for (const sql of helpStatements(m.help)) await db.exec(sql);
      const safe = await constraints(c.table);
      await db.query("ROLLBACK");
      expect(safe).toEqual(original);
    });
  }

  it("ADD COLUMN ... REFERENCES scans the table only when the new column has values", async () => {
    const seqScans = async (): Promise<number> =>
      Number((await db.query<{ n: string }>("SELECT seq_scan AS n FROM pg_stat_xact_user_tables WHERE relname = 'orders'")).rows[0]!.n);
    const scans = async (sql: string): Promise<number> => {
      await db.query("BEGIN");
      const before = await seqScans();
      await db.query(sql);
      const after = await seqScans();
      expect((await constraints("orders")).find((x) => x.conname === "orders_buyer_id_fkey")?.convalidated).toBe(true);
      await db.query("ROLLBACK");
      return after - before;
    };
    expect(await scans("ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id)")).toBe(0);
    expect(await scans("ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT 1 REFERENCES users (id)")).toBeGreaterThan(0);
    expect(await scans("ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT NULL REFERENCES users (id)")).toBeGreaterThan(0);
  });

  it("PG 18 accepts NOT NULL ... NOT VALID, and VALIDATE takes only SHARE UPDATE EXCLUSIVE", async () => {
    await db.query("BEGIN");
    await db.query("ALTER TABLE orders ADD CONSTRAINT orders_code_not_null NOT NULL code NOT VALID");
    await db.query("COMMIT");
    await db.query("BEGIN");
    await db.query("ALTER TABLE orders VALIDATE CONSTRAINT orders_code_not_null");
    const locks = await db.query<{ mode: string }>("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'orders'::regclass");
    expect(locks.rows.map((r) => r.mode)).toEqual(["ShareUpdateExclusiveLock"]);
    await db.query("ROLLBACK");
    await db.query("ALTER TABLE orders DROP CONSTRAINT orders_code_not_null");
  });
});
