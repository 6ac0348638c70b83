/**
 * `pgsafe trace` confirms every statement of the lock model's table.
 *
 * Each example of LOCK_MODEL (an entry's `example` and `otherExamples`) is traced on the schema of
 * test/analysis/lock-schema.ts, as a migration run in one transaction that trace rolls back at the
 * end, so that every example sees the same schema. Trace must report the statement as confirmed:
 * it ran, and every lock the model predicts is the one PostgreSQL took (a lock the model cannot
 * know from the statement, `unknownFromStatement`, is trace-only), with the rewrite and scan the
 * model says. Statements PostgreSQL refuses in a transaction block run on their own, last: their
 * locks are not observable (locks.pglite.test.ts observes them with probes), their storage is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_MODEL, type LockExample, type LockForm, type LockModelEntry } from "../../src/analysis/locks.js";
import { TraceSession } from "../../src/trace/runner.js";
import { traceMigration } from "../../src/trace/trace.js";
import type { TracedStatement } from "../../src/trace/types.js";
import { SCHEMA } from "../analysis/lock-schema.js";

let session: TraceSession;

beforeAll(async () => {
  session = await TraceSession.start();
  await session.db.exec(SCHEMA);
  // In-place tablespaces are a developer option; CREATE TABLESPACE must run on its own.
  await session.db.exec("SET allow_in_place_tablespaces = on");
  await session.db.exec("CREATE TABLESPACE ts LOCATION ''");
}, 60_000);

afterAll(async () => {
  await session?.close();
});

interface Case {
  form: LockForm;
  entry: LockModelEntry;
  sql: string;
}

const CASES: Case[] = (Object.entries(LOCK_MODEL) as [LockForm, LockModelEntry][]).flatMap(([form, entry]) =>
  [entry.example, ...(entry.otherExamples ?? [])].map((ex: LockExample) => ({ form, entry, sql: typeof ex === "string" ? ex : ex.sql })),
);

/** What puts the schema back after a statement that ran on its own (committed). */
const RESTORE: Partial<Record<LockForm, string>> = {
  "create-index-concurrently": "DROP INDEX t_b_idx",
  "drop-index-concurrently": "CREATE INDEX t_a_idx ON t (a)",
  "alter-table-detach-partition-concurrently": "ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (100) TO (200)",
};

async function traceOne(sql: string, inTransaction: boolean): Promise<TracedStatement> {
  const file = await traceMigration(session, sql, "<example>", { framework: "none", assumeInTransaction: inTransaction, endWith: "rollback" });
  expect(file?.statements).toHaveLength(1);
  const statement = file!.statements[0]!;
  expect(statement.observed.error, "the example runs").toBeUndefined();
  expect(statement.observed.status).toBe("ok");
  return statement;
}

describe("trace on the lock model's examples", () => {
  it("has examples for at least 100 forms", () => {
    expect(Object.keys(LOCK_MODEL).length).toBeGreaterThanOrEqual(100);
  });

  const transactional = CASES.filter((c) => !c.entry.noTransactionBlock);
  it.each(transactional.map((c) => [`${c.form}: ${c.sql}`, c] as const))("%s is confirmed", async (_label, c) => {
    const statement = await traceOne(c.sql, true);
    const mismatches = statement.comparisons.filter((x) => x.status === "mismatch").map((x) => x.message);
    expect(mismatches).toEqual([]);
    expect(statement.verdict).toBe("confirmed");
    expect(statement.observed.locks).toBe("transaction");
    for (const comparison of statement.comparisons) expect(["confirmed", "trace-only"], `${comparison.relation}: ${comparison.message}`).toContain(comparison.status);
    // The lock on the relation the statement names, or on the named index's table, is confirmed.
    expect(statement.comparisons.some((x) => x.status === "confirmed" && x.expected?.form === (c.entry.reportedAs ?? c.form))).toBe(true);
    // A rewrite is observed exactly when the model says so (TRUNCATE swaps in empty storage).
    if (c.entry.effect === "rewrite") expect(statement.observed.rewrites.length).toBeGreaterThan(0);
    if (c.entry.effect !== "rewrite" && !c.entry.swapsStorage && !c.entry.rebuildsIndexes) expect(statement.observed.rewrites).toEqual([]);
  });

  const alone = CASES.filter((c) => c.entry.noTransactionBlock);
  it.each(alone.map((c) => [`${c.form}: ${c.sql}`, c] as const))("%s runs on its own: locks not observable, storage checked", async (_label, c) => {
    try {
      const statement = await traceOne(c.sql, false);
      expect(statement.observed.locks).toBe("none");
      expect(statement.verdict).toBe("not-observable");
      expect(statement.comparisons.filter((x) => x.status === "mismatch").map((x) => x.message)).toEqual([]);
      if (c.entry.effect === "rewrite") expect(statement.observed.rewrites.length).toBeGreaterThan(0);
    } finally {
      const restore = RESTORE[c.form];
      if (restore) await session.db.exec(restore);
    }
  });
});
