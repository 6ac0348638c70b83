import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSql } from "../../src/parser/parse.js";
import { FIXTURES, lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("combine-alter-table", {
  valid: [
    { name: "without a transaction each ALTER TABLE commits on its own", code: "ALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN plan_changed_at timestamptz;" },
    { name: "one ALTER TABLE with several actions", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text, ADD COLUMN plan_changed_at timestamptz;\nCOMMIT;" },
    { name: "different tables", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE invoices ADD COLUMN plan text;\nCOMMIT;" },
    { name: "separate transactions", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;\nBEGIN;\nALTER TABLE accounts DROP COLUMN legacy_plan;\nCOMMIT;" },
    { name: "COMMIT AND CHAIN ends the first transaction", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT AND CHAIN;\nALTER TABLE accounts DROP COLUMN legacy_plan;\nCOMMIT;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE plans (id bigint);\nALTER TABLE plans ADD COLUMN name text;\nALTER TABLE plans ADD COLUMN price numeric;\nCOMMIT;",
    },
    {
      name: "table created earlier in the transaction the tool wraps the file in",
      code: "CREATE TABLE plans (id bigint);\nALTER TABLE plans ADD COLUMN name text;\nALTER TABLE plans ADD COLUMN price numeric;",
      options: { assumeInTransaction: true },
    },
    { name: "quoted name created earlier", code: 'BEGIN;\nCREATE TABLE "Plans" (id bigint);\nALTER TABLE "Plans" ADD COLUMN name text;\nALTER TABLE "Plans" ADD COLUMN price numeric;\nCOMMIT;' },
    { name: "app.plans is new, public.plans is not altered twice", code: "BEGIN;\nCREATE TABLE app.plans (id bigint);\nALTER TABLE app.plans ADD COLUMN a int;\nALTER TABLE app.plans ADD COLUMN b int;\nALTER TABLE plans ADD COLUMN c int;\nCOMMIT;" },
    { name: "VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_check;\nCOMMIT;" },
    {
      name: "a foreign key takes SHARE ROW EXCLUSIVE",
      code: "BEGIN;\nALTER TABLE accounts ADD CONSTRAINT accounts_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES plans (id) NOT VALID;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;",
    },
    { name: "an index on the new column in between", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCREATE INDEX accounts_plan_idx ON accounts (plan);\nALTER TABLE accounts ADD CONSTRAINT accounts_plan_key UNIQUE USING INDEX accounts_plan_idx;\nCOMMIT;" },
    { name: "a DO block in between may use the table", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nDO $$ BEGIN UPDATE accounts SET plan = 'free'; END $$;\nALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;\nCOMMIT;" },
    {
      name: "an ALTER TABLE inside a DO block is not merged, and the block may use the table",
      code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nDO $$ BEGIN ALTER TABLE accounts ADD COLUMN memo text; END $$;\nALTER TABLE accounts ADD COLUMN memo2 text;\nCOMMIT;",
    },
    { name: "a RENAME cannot be combined", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts RENAME COLUMN name TO full_name;\nCOMMIT;" },
    { name: "DETACH PARTITION cannot be combined", code: "BEGIN;\nALTER TABLE events ADD COLUMN source text;\nALTER TABLE events DETACH PARTITION events_2019;\nCOMMIT;" },
    { name: "dropping a constraint added by the earlier statement", code: "BEGIN;\nALTER TABLE accounts ADD CONSTRAINT accounts_plan_check CHECK (plan <> '');\nALTER TABLE accounts DROP CONSTRAINT accounts_plan_check;\nCOMMIT;" },
    { name: "a type change USING a column added by the earlier statement", code: "BEGIN;\nALTER TABLE accounts ADD COLUMN cents bigint;\nALTER TABLE accounts ALTER COLUMN amount TYPE bigint USING coalesce(cents, 0);\nCOMMIT;" },
    { name: "ALTER TABLE ONLY and ALTER TABLE differ for child tables", code: "BEGIN;\nALTER TABLE ONLY events ALTER COLUMN source SET DEFAULT 'web';\nALTER TABLE events ADD COLUMN medium text;\nCOMMIT;" },
  ],
  invalid: [
    {
      name: "two ALTER TABLE statements in one transaction",
      code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN plan_changed_at timestamptz;\nCOMMIT;",
      errors: [
        {
          messageId: "separateAlterTable",
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 60,
          includes: ['ALTER TABLE on "accounts"', "line 2", "ACCESS EXCLUSIVE", "reads and writes", "can join that statement"],
          helpIncludes: ["  ALTER TABLE accounts\n    ADD COLUMN plan text,\n    ADD COLUMN plan_changed_at timestamptz;"],
        },
      ],
    },
    {
      name: "in the transaction the migration tool wraps the file in, with another table in between",
      code: "ALTER TABLE accounts ALTER COLUMN id TYPE bigint;\nCREATE INDEX invoices_total_idx ON invoices (total);\nALTER TABLE accounts ALTER COLUMN owner_id TYPE bigint; -- second rewrite",
      options: { assumeInTransaction: true },
      errors: [
        {
          messageId: "separateAlterTable",
          line: 3,
          column: 1,
          endColumn: 55,
          includes: ["line 1", "rewrites the table in a pass of its own"],
          helpIncludes: ["ALTER COLUMN id TYPE bigint,\n    ALTER COLUMN owner_id TYPE bigint;"],
        },
      ],
    },
    {
      name: "a scan (SET NOT NULL), and every later ALTER TABLE is reported",
      code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\nALTER TABLE accounts DROP COLUMN legacy_plan;\nCOMMIT;",
      errors: [
        { messageId: "separateAlterTable", line: 3, column: 1, includes: ["line 2", "scans the table"] },
        { messageId: "separateAlterTable", line: 4, column: 1, includes: ["line 2"], helpIncludes: ["ADD COLUMN plan text,\n    ALTER COLUMN email SET NOT NULL,\n    DROP COLUMN legacy_plan;"] },
      ],
    },
    {
      name: "ONLY is kept in the combined statement",
      code: "BEGIN;\nALTER TABLE ONLY events ALTER COLUMN source SET DEFAULT 'web';\nALTER TABLE ONLY events ALTER COLUMN medium SET DEFAULT 'none';\nCOMMIT;",
      errors: [{ messageId: "separateAlterTable", line: 3, column: 1, helpIncludes: ["  ALTER TABLE ONLY events\n    ALTER COLUMN source SET DEFAULT 'web',"] }],
    },
    {
      name: "unquoted name folds to lower case: Users is not the new \"Users\"",
      code: 'CREATE TABLE "Users" (id bigint);\nBEGIN;\nALTER TABLE Users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\nCOMMIT;',
      errors: [{ messageId: "separateAlterTable", line: 4, column: 1, includes: ['"users"', "line 3"] }],
    },
    {
      name: "unqualified means public: app.users is another table",
      code: "CREATE TABLE app.users (id bigint);\nBEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE app.users ADD COLUMN a int;\nALTER TABLE public.users ADD COLUMN b int;\nCOMMIT;",
      errors: [{ messageId: "separateAlterTable", line: 5, column: 1, includes: ['"users"', "line 3"], helpIncludes: ["ADD COLUMN a int,\n    ADD COLUMN b int;"] }],
    },
    {
      name: "PG 10: ADD COLUMN ... DEFAULT rewrites the table",
      code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN credits int DEFAULT 0;\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "separateAlterTable", line: 3, column: 1, includes: ["rewrites the table"] }],
    },
    {
      name: "PG 11+: the same ADD COLUMN ... DEFAULT is instant",
      code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN credits int DEFAULT 0;\nCOMMIT;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "separateAlterTable", line: 3, column: 1, includes: ["can join that statement"] }],
    },
    {
      name: "an action that needs a column added by an earlier ALTER TABLE starts a new group",
      code: "BEGIN;\nALTER TABLE accounts ADD COLUMN plan text DEFAULT 'free';\nALTER TABLE accounts ALTER COLUMN plan DROP DEFAULT;\nALTER TABLE accounts ADD COLUMN plan_changed_at timestamptz;\nCOMMIT;",
      errors: [{ messageId: "separateAlterTable", line: 4, column: 1, includes: ["line 3"], helpIncludes: ["ALTER COLUMN plan DROP DEFAULT,\n    ADD COLUMN plan_changed_at timestamptz;"] }],
    },
    {
      name: "realistic Django sqlmigrate output: DROP DEFAULT of the new column cannot join",
      fixture: "invalid/django-sqlmigrate.sql",
      errors: [
        { messageId: "separateAlterTable", line: 9, column: 1, includes: ['"shop_order"', "line 5", "rewrites"] },
        { messageId: "separateAlterTable", line: 13, column: 1, includes: ["line 5", "rewrites"] },
        {
          messageId: "separateAlterTable",
          line: 17,
          column: 1,
          includes: ["line 5"],
          helpIncludes: [
            '  ALTER TABLE shop_order\n    ADD COLUMN "shipped_at" timestamp with time zone NULL,\n    ALTER COLUMN "id" TYPE bigint USING "id"::bigint,',
            `ADD COLUMN "tracking_code" varchar(64) DEFAULT '' NOT NULL;`,
          ],
        },
      ],
    },
  ],
});

describe("combine-alter-table: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  /** Runs the statements in a transaction; returns how often the table was rewritten and its columns afterwards. */
  async function run(statements: string[]): Promise<{ rewrites: number; columns: unknown[]; rows: unknown[] }> {
    await db.exec(
      "DROP TABLE IF EXISTS shop_order; CREATE TABLE shop_order (id integer PRIMARY KEY, total_cents integer NOT NULL); INSERT INTO shop_order SELECT g, g * 100 FROM generate_series(1, 50) g;",
    );
    const filenode = async (): Promise<number> => (await db.query<{ f: number }>("SELECT pg_relation_filenode('shop_order') AS f")).rows[0]!.f;
    await db.exec("BEGIN");
    let rewrites = 0;
    for (const sql of statements) {
      const before = await filenode();
      await db.exec(sql);
      if ((await filenode()) !== before) rewrites++;
    }
    const columns = (
      await db.query(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = 'shop_order' ORDER BY column_name",
      )
    ).rows;
    const rows = (await db.query("SELECT count(*)::int AS n, min(tracking_code) AS code FROM shop_order")).rows;
    await db.exec("ROLLBACK");
    return { rewrites, columns, rows };
  }

  it("separate ALTER TABLE statements rewrite the table once each; the combined statement from the help rewrites it once, with the same result", async () => {
    const code = readFileSync(join(FIXTURES, "combine-alter-table", "invalid", "django-sqlmigrate.sql"), "utf8");
    const separate = parseSql(code).statements.filter((s) => s.type === "AlterTableStmt").map((s) => s.text);
    const help = lintWithRule("combine-alter-table", code).messages.at(-1)!.help!;
    const combined = help.slice(help.indexOf("\n  ALTER TABLE") + 1, help.indexOf(";") + 1);

    const a = await run(separate);
    // The help combines the first four; DROP DEFAULT of the new column stays on its own.
    const b = await run([combined, separate[4]!]);
    expect(a.rewrites).toBe(2);
    expect(b.rewrites).toBe(1);
    expect(b.columns).toEqual(a.columns);
    expect(b.rows).toEqual([{ n: 50, code: "" }]);
    expect(lintWithRule("combine-alter-table", `BEGIN;\n${combined}\n${separate[4]!};\nCOMMIT;`).messages).toEqual([]);
  });

  it.each([
    ["ALTER COLUMN x SET NOT NULL", true, true],
    ["ALTER COLUMN x SET DEFAULT 1", true, true],
    ["ADD CONSTRAINT t_x_check CHECK (x >= 0)", true, true],
    ["ALTER COLUMN x SET STATISTICS 100", true, false],
    ["ALTER COLUMN x DROP DEFAULT", false, false],
    ["ALTER COLUMN x DROP NOT NULL", false, false],
    ["ALTER COLUMN x TYPE bigint", false, false],
    ["DROP COLUMN x", false, false],
    ["ALTER COLUMN id TYPE bigint USING id + x", false, false],
  ] as const)("after ADD COLUMN x: %s can join it: %s; reported: %s", async (action, joins, reported) => {
    await db.exec("DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);");
    const combined = db.exec(`ALTER TABLE t ADD COLUMN x int DEFAULT 0, ${action}`);
    if (joins) await combined;
    else await expect(combined).rejects.toThrow(/column "x" (of relation "t" )?does not exist/);
    const messages = lintWithRule("combine-alter-table", `BEGIN;\nALTER TABLE t ADD COLUMN x int DEFAULT 0;\nALTER TABLE t ${action};\nCOMMIT;`).messages;
    expect(messages.length).toBe(reported ? 1 : 0);
  });
});
