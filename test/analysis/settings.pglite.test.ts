/**
 * The lock_timeout the migration context says is in force at each statement, checked against a
 * real Postgres (PGlite): every `SHOW lock_timeout` in a scenario is run in PGlite and its value
 * must equal `analyzeMigration(...).facts(i).lockTimeout` at that statement.
 *
 * Statements are sent one at a time, as psql and most migration runners send them, so a
 * statement outside BEGIN ... COMMIT runs in its own transaction. One PGlite instance for the file.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeMigration, type MigrationOptions } from "../../src/analysis/context.js";
import { parseDurationMs } from "../../src/analysis/settings.js";
import { parseSql } from "../../src/parser/parse.js";

let db: PGlite;
let notices: string[] = [];

beforeAll(async () => {
  db = await PGlite.create();
});

afterAll(async () => {
  await db.close();
});

interface Observed {
  /** lock_timeout in ms at each SHOW, from Postgres. */
  postgres: number[];
  /** lock_timeout in ms at each SHOW, from the migration context. */
  context: number[];
}

const onNotice = (n: { message?: string }): void => {
  notices.push(n.message ?? "");
};

/** Runs a scenario statement by statement; with `assumeInTransaction`, inside one BEGIN ... COMMIT. */
async function run(sql: string, options: Partial<MigrationOptions> = {}): Promise<Observed> {
  await db.exec("RESET ALL");
  notices = [];
  const parsed = parseSql(sql);
  expect(parsed.errors).toEqual([]);
  const migration = analyzeMigration(parsed, options);
  const observed: Observed = { postgres: [], context: [] };
  if (options.assumeInTransaction) await db.exec("BEGIN");
  for (const statement of parsed.statements) {
    if (statement.type === "VariableShowStmt") {
      const result = await db.query<{ lock_timeout: string }>("SHOW lock_timeout");
      const shown = result.rows[0]!.lock_timeout;
      const ms = parseDurationMs(shown);
      expect(ms, `SHOW lock_timeout gave "${shown}"`).toBeTypeOf("number");
      observed.postgres.push(ms!);
      observed.context.push(migration.facts(statement.index).lockTimeout.ms);
    } else {
      await db.exec(statement.text, { onNotice });
    }
  }
  if (options.assumeInTransaction) await db.exec("COMMIT");
  expect(db.isInTransaction(), "a scenario must end outside any transaction").toBe(false);
  return observed;
}

describe("lock_timeout across SET, SET LOCAL, RESET, set_config and transactions (PGlite)", () => {
  it("SET LOCAL lasts until its transaction commits", async () => {
    const o = await run("BEGIN; SET LOCAL lock_timeout = '2s'; SHOW lock_timeout; COMMIT; SHOW lock_timeout;");
    expect(o.postgres).toEqual([2000, 0]);
    expect(o.context).toEqual(o.postgres);
  });

  it("SET LOCAL over a session value ends with ROLLBACK, the session value comes back", async () => {
    const o = await run("SET lock_timeout = '3s'; BEGIN; SET LOCAL lock_timeout = '1s'; SHOW lock_timeout; ROLLBACK; SHOW lock_timeout;");
    expect(o.postgres).toEqual([1000, 3000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("a SET inside a rolled-back transaction is undone", async () => {
    const o = await run("SET lock_timeout = '3s'; BEGIN; SET lock_timeout = '1s'; SHOW lock_timeout; ROLLBACK; SHOW lock_timeout;");
    expect(o.postgres).toEqual([1000, 3000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("a SET inside a committed transaction stays after COMMIT", async () => {
    const o = await run("BEGIN; SET lock_timeout = '1s'; COMMIT; SHOW lock_timeout;");
    expect(o.postgres).toEqual([1000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("SET and SET LOCAL in one transaction: the later one is in force, the session value survives COMMIT", async () => {
    const a = await run("BEGIN; SET LOCAL lock_timeout = '1s'; SET lock_timeout = '2s'; SHOW lock_timeout; COMMIT; SHOW lock_timeout;");
    expect(a.postgres).toEqual([2000, 2000]);
    expect(a.context).toEqual(a.postgres);
    const b = await run("BEGIN; SET lock_timeout = '2s'; SET LOCAL lock_timeout = '1s'; SHOW lock_timeout; COMMIT; SHOW lock_timeout;");
    expect(b.postgres).toEqual([1000, 2000]);
    expect(b.context).toEqual(b.postgres);
  });

  it("SET SESSION, integer milliseconds and units", async () => {
    const o = await run("SET SESSION lock_timeout = 1500; SHOW lock_timeout; SET lock_timeout TO '1min'; SHOW lock_timeout;");
    expect(o.postgres).toEqual([1500, 60_000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("RESET, SET ... TO DEFAULT, RESET ALL and = 0 turn the timeout off", async () => {
    const o = await run(
      [
        "SET lock_timeout = '5s'; SHOW lock_timeout;",
        "RESET lock_timeout; SHOW lock_timeout;",
        "SET lock_timeout = '5s'; SET lock_timeout TO DEFAULT; SHOW lock_timeout;",
        "SET lock_timeout = '5s'; RESET ALL; SHOW lock_timeout;",
        "SET lock_timeout = '5s'; SET lock_timeout = 0; SHOW lock_timeout;",
      ].join("\n"),
    );
    expect(o.postgres).toEqual([5000, 0, 0, 0, 0]);
    expect(o.context).toEqual(o.postgres);
  });

  it("a RESET inside a rolled-back transaction is undone", async () => {
    const o = await run("SET lock_timeout = '3s'; BEGIN; RESET lock_timeout; SHOW lock_timeout; ROLLBACK; SHOW lock_timeout;");
    expect(o.postgres).toEqual([0, 3000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("set_config(..., false) is a session SET, set_config(..., true) a SET LOCAL", async () => {
    const o = await run(
      [
        "SELECT set_config('lock_timeout', '4s', false); SHOW lock_timeout;",
        "BEGIN; SELECT set_config('lock_timeout', '1500ms', true); SHOW lock_timeout; COMMIT; SHOW lock_timeout;",
      ].join("\n"),
    );
    expect(o.postgres).toEqual([4000, 1500, 4000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("SET LOCAL and set_config(..., true) outside a transaction have no effect (Postgres only warns)", async () => {
    const o = await run("SET LOCAL lock_timeout = '2s'; SHOW lock_timeout; SELECT set_config('lock_timeout', '2s', true); SHOW lock_timeout;");
    expect(o.postgres).toEqual([0, 0]);
    expect(o.context).toEqual(o.postgres);
    expect(notices).toContain("SET LOCAL can only be used in transaction blocks");
  });

  it("SET LOCAL counts inside the transaction the migration tool wraps the file in", async () => {
    const o = await run("SET LOCAL lock_timeout = '2s'; SHOW lock_timeout;", { assumeInTransaction: true });
    expect(o.postgres).toEqual([2000]);
    expect(o.context).toEqual(o.postgres);
  });

  it("COMMIT AND CHAIN ends SET LOCAL although a new transaction starts at once", async () => {
    const o = await run("BEGIN; SET LOCAL lock_timeout = '1s'; COMMIT AND CHAIN; SHOW lock_timeout; COMMIT; SHOW lock_timeout;");
    expect(o.postgres).toEqual([0, 0]);
    expect(o.context).toEqual(o.postgres);
  });

  it("ROLLBACK AND CHAIN undoes the transaction's SET although a new transaction starts at once", async () => {
    const o = await run("SET lock_timeout = '3s'; BEGIN; SET lock_timeout = '1s'; ROLLBACK AND CHAIN; SHOW lock_timeout; COMMIT; SHOW lock_timeout;");
    expect(o.postgres).toEqual([3000, 3000]);
    expect(o.context).toEqual(o.postgres);
  });
});

describe("nested BEGIN (PGlite)", () => {
  it("a BEGIN inside a transaction only warns, and the first COMMIT ends the whole transaction", async () => {
    notices = [];
    await db.exec("BEGIN");
    await db.exec("CREATE TABLE nesting_probe (id int)");
    await db.exec("BEGIN", { onNotice });
    expect(notices).toContain("there is already a transaction in progress");
    await db.exec("COMMIT");
    expect(db.isInTransaction()).toBe(false);
    // The "outer" ROLLBACK finds no transaction: the table was committed by the inner COMMIT.
    await db.exec("ROLLBACK", { onNotice });
    expect(notices).toContain("there is no transaction in progress");
    const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'nesting_probe'");
    expect(r.rows[0]!.n).toBe(1);
  });
});
