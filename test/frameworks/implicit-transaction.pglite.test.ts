/**
 * PostgreSQL's implicit transaction, checked with PGlite (PostgreSQL 18 in WASM), whose `exec`
 * sends its text as one simple Query message, as golang-migrate, Prisma and dbmate's
 * `transaction:false` do: a query holding several statements runs as one transaction block,
 * started again after each COMMIT; a single statement runs on its own.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
 *
 * For each script, pgsafe's verdict under `wrap: "implicit"` (golang-migrate) must match what
 * PostgreSQL does with it.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeMigration } from "../../src/analysis/context.js";
import { lintText } from "../../src/index.js";
import { parseSql } from "../../src/parser/parse.js";

let db: PGlite;
let n = 0;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec("CREATE TABLE t (a int, b int);");
});
afterAll(async () => {
  await db.close();
});

/** Runs the script as one query; returns PostgreSQL's error message, or "ok". */
async function run(script: string): Promise<string> {
  try {
    await db.exec(script);
    return "ok";
  } catch (error) {
    return (error as Error).message;
  }
}

const REFUSED = /cannot run inside a transaction block/;

async function exists(name: string): Promise<boolean> {
  const r = await db.query<{ r: string | null }>(`SELECT to_regclass('${name}')::text AS r`);
  return r.rows[0]!.r !== null;
}

describe("a multi-statement simple query is one implicit transaction", () => {
  const scripts: [string, (i: number) => string, boolean][] = [
    ["a single statement", (i) => `CREATE INDEX CONCURRENTLY c${i} ON t (a);`, false],
    ["a single statement between comments", (i) => `-- add an index\nCREATE INDEX CONCURRENTLY c${i} ON t (a);\n-- done\n`, false],
    ["SET, then the statement", (i) => `SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY c${i} ON t (a);`, true],
    ["the statement, then another", (i) => `CREATE INDEX CONCURRENTLY c${i} ON t (a);\nSELECT 1;`, true],
    ["after an explicit COMMIT (a new implicit block starts)", (i) => `BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY c${i} ON t (a);`, true],
    ["an index built without CONCURRENTLY, with another statement", (i) => `SET lock_timeout = '2s';\nCREATE INDEX c${i} ON t (b);`, false],
  ];

  for (const [name, script, refused] of scripts) {
    it(`${name}: ${refused ? "refused" : "runs"}, and pgsafe agrees`, async () => {
      const sql = script(++n);
      const outcome = await run(sql);
      expect(REFUSED.test(outcome)).toBe(refused);
      if (!refused) expect(outcome).toBe("ok");
      const findings = lintText(sql, { filePath: `/migrations/${n}_x.up.sql` }).messages.filter((m) => m.ruleId === "ban-concurrently-in-transaction");
      expect(findings.length > 0).toBe(refused);
    });
  }

  it("DROP INDEX CONCURRENTLY: alone it runs, with another statement it is refused", async () => {
    await db.exec("CREATE INDEX d1 ON t (a); CREATE INDEX d2 ON t (a);");
    expect(await run("DROP INDEX CONCURRENTLY d1;")).toBe("ok");
    expect(await run("SET lock_timeout = '2s'; DROP INDEX CONCURRENTLY d2;")).toMatch(REFUSED);
    expect(lintText("DROP INDEX CONCURRENTLY d1;", { filePath: "/m/1_d.down.sql" }).messages.filter((m) => m.ruleId === "ban-concurrently-in-transaction")).toEqual([]);
    expect(lintText("SET lock_timeout = '2s'; DROP INDEX CONCURRENTLY d2;", { filePath: "/m/1_d.down.sql" }).messages.filter((m) => m.ruleId === "ban-concurrently-in-transaction")).toHaveLength(1);
  });

  it("an error rolls back the statements before it; pgsafe puts them in one transaction", async () => {
    const sql = "CREATE TABLE u1 (a int);\nINSERT INTO u1 VALUES (1);\nSELECT 1 / 0;";
    expect(await run(sql)).toMatch(/division by zero/);
    expect(await exists("u1")).toBe(false);
    const migration = analyzeMigration(parseSql(sql), { wrap: "implicit" });
    expect(migration.transactions.map((t) => [t.kind, t.statements])).toEqual([["implicit", [0, 1, 2]]]);
  });

  it("COMMIT ends the block: what came before stays, the rest is a new block", async () => {
    const sql = "CREATE TABLE v1 (a int);\nCOMMIT;\nCREATE TABLE v2 (a int);\nSELECT 1 / 0;";
    expect(await run(sql)).toMatch(/division by zero/);
    expect([await exists("v1"), await exists("v2")]).toEqual([true, false]);
    const migration = analyzeMigration(parseSql(sql), { wrap: "implicit" });
    expect(migration.transactions.map((t) => [t.kind, t.statements, t.end])).toEqual([
      ["implicit", [0], 1],
      ["implicit", [2, 3], undefined],
    ]);
  });

  it("BEGIN turns the block into an ordinary transaction that includes the statements before it", async () => {
    const sql = "CREATE TABLE w1 (a int);\nBEGIN;\nCREATE TABLE w2 (a int);\nROLLBACK;";
    expect(await run(sql)).toBe("ok");
    expect([await exists("w1"), await exists("w2")]).toEqual([false, false]);
    const migration = analyzeMigration(parseSql(sql), { wrap: "implicit" });
    expect(migration.transactions.map((t) => [t.kind, t.begin, t.statements, t.outcome])).toEqual([["explicit", 1, [0, 2], "rollback"]]);
  });

  it("SET LOCAL lasts until the end of the implicit block, and pgsafe tracks it so", async () => {
    const sql = "SET LOCAL lock_timeout = '3s';\nCREATE TABLE x1 (a int);";
    const setting = async (): Promise<string> => (await db.query<{ v: string }>("SELECT current_setting('lock_timeout') AS v")).rows[0]!.v;
    const before = await setting();
    const r = await db.exec("SET LOCAL lock_timeout = '3s'; SELECT current_setting('lock_timeout') AS v;");
    expect(r.at(-1)!.rows[0]).toEqual({ v: "3s" });
    expect(await setting()).toBe(before);
    expect(before).not.toBe("3s");
    const migration = analyzeMigration(parseSql(sql), { wrap: "implicit" });
    expect(migration.facts(1).lockTimeout).toEqual({ ms: 3000, source: 0 });
  });

  it("wrap replaces assumeInTransaction", () => {
    const parsed = parseSql("SELECT 1;\nSELECT 2;");
    expect(analyzeMigration(parsed, { wrap: "none", assumeInTransaction: true }).transactions).toEqual([]);
    expect(analyzeMigration(parsed, { wrap: "none", assumeInTransaction: true }).options.assumeInTransaction).toBe(false);
    expect(analyzeMigration(parsed, { wrap: "transaction" }).transactions.map((t) => t.kind)).toEqual(["assumed"]);
    expect(analyzeMigration(parseSql("SELECT 1;"), { wrap: "implicit" }).transactions).toEqual([]);
  });
});
