import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("ban-concurrently-in-transaction", {
  valid: [
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    "DROP INDEX CONCURRENTLY IF EXISTS app.users_email_idx;",
    { name: "a plain CREATE INDEX inside a transaction is another rule's business", code: "BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;" },
    { name: "REINDEX (CONCURRENTLY false) is not concurrent", code: "REINDEX (CONCURRENTLY false) TABLE users;", options: { assumeInTransaction: true } },
    { name: "DETACH PARTITION without CONCURRENTLY", code: "ALTER TABLE measurements DETACH PARTITION measurements_2019;", options: { assumeInTransaction: true } },
    {
      name: "after the transaction was rolled back",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nROLLBACK;\nCREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname);",
    },
  ],
  invalid: [
    {
      name: "realistic: Django sqlmigrate output with BEGIN ... COMMIT",
      fixture: "invalid/sqlmigrate-output.sql",
      errors: [
        {
          messageId: "inTransaction",
          line: 9,
          column: 14,
          endLine: 9,
          endColumn: 26,
          includes: ["BEGIN on line 4", '"CREATE INDEX CONCURRENTLY cannot run inside a transaction block"'],
          helpIncludes: ["after the COMMIT", 'CREATE INDEX CONCURRENTLY "shipping_shipment_shipped_at_idx" ON "shipping_shipment" ("shipped_at");', "INVALID index"],
        },
      ],
    },
    {
      name: "realistic: a file the migration tool wraps in a transaction",
      fixture: "invalid/swap-index-in-wrapped-file.sql",
      options: { assumeInTransaction: true },
      errors: [
        { messageId: "inTransaction", line: 3, column: 21, endColumn: 33, includes: ["assumeInTransaction"], helpIncludes: ["its own migration file", "no-transaction"] },
        { messageId: "inTransaction", line: 4, column: 12, endColumn: 24, includes: ["DROP INDEX CONCURRENTLY cannot run"] },
      ],
    },
    {
      name: "REINDEX (CONCURRENTLY) after START TRANSACTION",
      code: "START TRANSACTION;\nREINDEX (VERBOSE, CONCURRENTLY) TABLE app.users;\nCOMMIT;",
      errors: [{ messageId: "inTransaction", line: 2, column: 19, endColumn: 31, includes: ["START TRANSACTION on line 1", "REINDEX CONCURRENTLY cannot run"] }],
    },
    {
      name: "REINDEX ... CONCURRENTLY keyword form",
      code: "REINDEX INDEX CONCURRENTLY users_email_idx;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "inTransaction", line: 1, column: 15, includes: ["REINDEX CONCURRENTLY"] }],
    },
    {
      name: "DETACH PARTITION ... CONCURRENTLY inside BEGIN",
      code: "BEGIN;\nALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY;\nCOMMIT;",
      errors: [{ messageId: "inTransaction", line: 2, column: 61, includes: ['"ALTER TABLE ... DETACH CONCURRENTLY cannot run inside a transaction block"'] }],
    },
    {
      name: "a table created in the same transaction is no exemption: Postgres refuses before looking at the table",
      code: 'BEGIN;\nCREATE TABLE "Users" (id bigint);\nCREATE INDEX CONCURRENTLY ON "Users" (id);\nCOMMIT;',
      errors: [{ messageId: "inTransaction", line: 3, column: 14 }],
    },
    {
      name: "SET LOCAL does not end the transaction; only COMMIT does",
      code: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\nBEGIN;\nDROP INDEX CONCURRENTLY users_email_idx;\nCOMMIT;",
      errors: [{ messageId: "inTransaction", line: 5, column: 12, includes: ["BEGIN on line 4"] }],
    },
    {
      name: "the verdict does not depend on the Postgres version",
      code: "BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "inTransaction", line: 2, column: 14 }],
    },
  ],
});

describe("ban-concurrently-in-transaction: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE INDEX users_id_email_idx ON users (id, email);
      CREATE TABLE measurements (id int, k int) PARTITION BY RANGE (k);
      CREATE TABLE measurements_2019 PARTITION OF measurements FOR VALUES FROM (0) TO (10);`);
  });
  afterAll(async () => {
    await db.close();
  });

  const forms = [
    "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)",
    "REINDEX INDEX CONCURRENTLY users_id_email_idx",
    "REINDEX (CONCURRENTLY) TABLE users",
    "ALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY",
    "DROP INDEX CONCURRENTLY users_email_idx",
  ];
  for (const sql of forms) {
    it(`${sql}: fails inside a transaction with the error the message quotes, runs outside`, async () => {
      const [finding] = lintWithRule("ban-concurrently-in-transaction", `BEGIN;\n${sql};\nCOMMIT;`).messages;
      const quoted = /"([^"]+cannot run inside a transaction block)"/.exec(finding?.message ?? "")?.[1];
      expect(quoted).toBeDefined();
      await db.query("BEGIN");
      await expect(db.query(sql)).rejects.toThrow(quoted!);
      await db.query("ROLLBACK");
      await db.query(sql);
    });
  }

  it("a table created in the same transaction is refused too", async () => {
    await db.query("BEGIN");
    await db.query("CREATE TABLE fresh (a int)");
    await expect(db.query("CREATE INDEX CONCURRENTLY ON fresh (a)")).rejects.toThrow("CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
    await db.query("ROLLBACK");
  });

  it("REINDEX (CONCURRENTLY false) runs inside a transaction", async () => {
    await db.query("BEGIN");
    await db.query("REINDEX (CONCURRENTLY false) TABLE users");
    await db.query("ROLLBACK");
    expect(lintWithRule("ban-concurrently-in-transaction", "BEGIN;\nREINDEX (CONCURRENTLY false) TABLE users;\nCOMMIT;").messages).toEqual([]);
  });
});
