import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-create-domain-with-constraint", {
  valid: [
    "CREATE DOMAIN email_address AS text;",
    { name: "DEFAULT, COLLATE and an explicit NULL are not constraints", code: "CREATE DOMAIN app.code AS text COLLATE \"C\" DEFAULT 'x' NULL;" },
    { name: "CHECK on the columns of a table, not on the domain", code: "CREATE DOMAIN email_address AS text;\nCREATE TABLE users (email email_address NOT NULL CHECK (email LIKE '%@%'));" },
    { name: "ALTER DOMAIN is another rule's business", code: "ALTER DOMAIN email_address ADD CONSTRAINT c CHECK (VALUE LIKE '%@%') NOT VALID;" },
  ],
  invalid: [
    {
      name: "a CHECK on a domain: reported at the constraint; the help keeps the domain bare and moves the check to the column",
      code: "CREATE DOMAIN positive_amount AS numeric(12, 2) DEFAULT 0 CHECK (VALUE > 0);",
      errors: [
        {
          messageId: "domainCheck",
          line: 1,
          column: 59,
          endLine: 1,
          endColumn: 76,
          includes: ['Domain "positive_amount" has a CHECK constraint', "SHARE lock on each table"],
          helpIncludes: ["CREATE DOMAIN positive_amount AS numeric(12, 2) DEFAULT 0;", "column_name positive_amount CHECK (column_name > 0)"],
        },
      ],
    },
    {
      name: "a named CHECK and NOT NULL on a quoted, qualified domain: both reported, each at its own clause",
      code: 'CREATE DOMAIN app."Email" AS text CONSTRAINT not_blank CHECK (VALUE <> \'\') NOT NULL;',
      errors: [
        { messageId: "domainCheck", line: 1, column: 35, endColumn: 75, includes: ['Domain "app.Email"'], helpIncludes: ['CREATE DOMAIN app."Email" AS text;'] },
        { messageId: "domainNotNull", line: 1, column: 76, endColumn: 84, includes: ["does not enforce reliably", "outer side of a join"], helpIncludes: ['column_name app."Email" NOT NULL'] },
      ],
    },
    {
      name: "a named NOT NULL; the same in a transaction and on PostgreSQL 10",
      code: "CREATE DOMAIN ref AS bigint CONSTRAINT ref_required NOT NULL;",
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [{ messageId: "domainNotNull", line: 1, column: 29, endColumn: 61, helpIncludes: ["CREATE DOMAIN ref AS bigint;"] }],
    },
    {
      name: "realistic: contact domains with format checks",
      fixture: "invalid/contact-domains.sql",
      errors: [
        { messageId: "domainCheck", line: 4, column: 5, endColumn: 72, includes: ['"email_address"'], helpIncludes: ["CREATE DOMAIN email_address AS text;", "column_name email_address CHECK (column_name ~ '^[^@\\s]+@[^@\\s]+$')"] },
        { messageId: "domainNotNull", line: 6, column: 40, endColumn: 48, includes: ['"app.phone_number"'] },
        { messageId: "domainCheck", line: 7, column: 5, endColumn: 43, helpIncludes: ["CREATE DOMAIN app.phone_number AS text;"] },
      ],
    },
  ],
});

describe("ban-create-domain-with-constraint: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  it("a NOT NULL domain column reads as null in an outer join, and an INSERT of a null subquery stores null", async () => {
    await db.exec("CREATE DOMAIN required_int AS int NOT NULL; CREATE TABLE holders (id int, v required_int); CREATE TABLE ids (id int); INSERT INTO ids VALUES (1);");
    const { rows } = await db.query("SELECT h.v, pg_typeof(h.v)::text AS type FROM ids LEFT JOIN holders h ON h.id = ids.id");
    expect(rows).toEqual([{ v: null, type: "required_int" }]);
    await db.exec("INSERT INTO holders (id, v) VALUES (1, (SELECT v FROM holders WHERE false))");
    const { rows: stored } = await db.query("SELECT v FROM holders");
    expect(stored).toEqual([{ v: null }]);
  });

  it("changing a domain's check later locks every table using it; the column checks from the help run and can be validated per table", async () => {
    const sql = "CREATE DOMAIN positive_amount AS numeric(12, 2) CHECK (VALUE > 0);";
    const help = lintWithRule("ban-create-domain-with-constraint", sql).messages[0]!.help!;
    const bare = /^ {2}(CREATE DOMAIN .*;)$/m.exec(help)![1]!;
    const column = /^ {2}(column_name .*)$/m.exec(help)![1]!;
    await db.exec(`${bare} CREATE TABLE payments (${column}); CREATE TABLE refunds (column_name positive_amount);`);
    await db.exec("INSERT INTO payments VALUES (5)");
    await expect(db.exec("INSERT INTO payments VALUES (-5)")).rejects.toThrow("violates check constraint");
    await db.exec("BEGIN; ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0);");
    const { rows } = await db.query<{ relname: string; mode: string }>(
      "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname IN ('payments', 'refunds') ORDER BY 1",
    );
    await db.exec("ROLLBACK");
    expect(rows).toEqual([
      { relname: "payments", mode: "ShareLock" },
      { relname: "refunds", mode: "ShareLock" },
    ]);
  });
});
