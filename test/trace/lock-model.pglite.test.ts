/**
 * `pgsafe trace` confirms every statement of the lock model's table.
 *
 * Each example of LOCK_MODEL (an entry's `example` and `otherExamples`) is traced on the schema of
 * test/analysis/lock-schema.ts, as a migration run in one transaction that trace rolls back at the
 * end, so that every example sees the same schema. Trace must report the statement as confirmed:
 * it ran, and every lock the model predicts is the one PostgreSQL took (a lock the model cannot
 * know from the statement, `unknownFromStatement`, is trace-only), with the rewrite and scan the
 * model says. Statements PostgreSQL refuses in a transaction block run on their own, last: trace
 * sees their locks with a probe in a copy of the database (src/trace/probe.ts), and they must be
 * confirmed too; their storage is read from the real run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_MODEL, type LockExample, type LockForm, type LockModelEntry } from "../../src/analysis/locks.js";
import { withModelEntry } from "../../src/trace/compare.js";
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

/** The verdict trace gave each example (checked as a whole at the end). */
const verdicts = new Map<string, string>();

async function traceOne(sql: string, inTransaction: boolean): Promise<TracedStatement> {
  const file = await traceMigration(session, sql, "<example>", { framework: "none", assumeInTransaction: inTransaction, endWith: "rollback" });
  expect(file?.statements).toHaveLength(1);
  const statement = file!.statements[0]!;
  verdicts.set(sql, statement.verdict);
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
  it.each(alone.map((c) => [`${c.form}: ${c.sql}`, c] as const))("%s runs on its own: the locks a probe saw in a copy of the database are confirmed", async (_label, c) => {
    try {
      const statement = await traceOne(c.sql, false);
      expect(statement.observed.probe?.failure, "the probe saw the locks").toBeUndefined();
      expect(statement.observed.locks).toBe("probe");
      expect(statement.comparisons.filter((x) => x.status === "mismatch").map((x) => x.message)).toEqual([]);
      expect(statement.verdict).toBe("confirmed");
      for (const comparison of statement.comparisons) expect(["confirmed", "trace-only"], `${comparison.relation}: ${comparison.message}`).toContain(comparison.status);
      const own = statement.comparisons.find((x) => x.status === "confirmed" && x.expected?.form === (c.entry.reportedAs ?? c.form));
      expect(own?.observed?.mode).toBe(c.entry.mode);
      expect(own?.message).toContain("seen by a probe while the statement ran in a copy of the database");
      if (c.entry.effect === "rewrite") expect(statement.observed.rewrites.length).toBeGreaterThan(0);
    } finally {
      const restore = RESTORE[c.form];
      if (restore) await session.db.exec(restore);
    }
  });

  it("leaves no trace of the probes in the replay database", async () => {
    const { rows } = await session.db.query<{ n: number }>(`
      SELECT ((SELECT count(*) FROM pg_namespace WHERE nspname = 'pgsafe_trace')
            + (SELECT count(*) FROM pg_event_trigger)
            + (SELECT count(*) FROM pg_class WHERE relname LIKE 'pgsafe\\_trace%'))::int AS n`);
    expect(rows[0]!.n).toBe(0);
  });

  it("confirmed every example of the lock model: none is left not observable", () => {
    expect(new Set(CASES.map((c) => c.sql)).size).toBe(CASES.length);
    expect(verdicts.size).toBe(CASES.length);
    expect([...verdicts].filter(([, v]) => v !== "confirmed")).toEqual([]);
    expect(alone.length).toBeGreaterThanOrEqual(7);
  });
});

describe("a wrong model entry for a statement that runs on its own", () => {
  it.each([
    ["create-index-concurrently", "CREATE INDEX CONCURRENTLY t_b_idx ON t (b)", "SHARE", "SHARE UPDATE EXCLUSIVE"],
    ["vacuum", "VACUUM t", "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"],
    ["vacuum-full", "VACUUM FULL t", "SHARE UPDATE EXCLUSIVE", "ACCESS EXCLUSIVE"],
  ] as const)("%s: the probe's observation is reported as a mismatch", async (form, sql, wrong, took) => {
    try {
      const file = await traceMigration(session, sql, "<example>", { framework: "none", endWith: "rollback", model: withModelEntry(form, { mode: wrong }) });
      const statement = file!.statements[0]!;
      expect(statement.observed.locks).toBe("probe");
      expect(statement.verdict).toBe("mismatch");
      expect(statement.comparisons[0]!.message).toContain(`says ${wrong} on t; PostgreSQL took ${took}.`);
    } finally {
      const restore = RESTORE[form];
      if (restore) await session.db.exec(restore);
    }
  });

  it.each([
    // The index's lock is seen in the statement's last transaction.
    ["drop-index-concurrently", "DROP INDEX CONCURRENTLY t_a_idx", "SHARE UPDATE EXCLUSIVE", "ACCESS EXCLUSIVE"],
    // The probe index reindexed in the copy stands for t_a_idx.
    ["reindex-index-concurrently", "REINDEX INDEX CONCURRENTLY t_a_idx", "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"],
  ] as const)("%s: a wrong lock on the index is reported as a mismatch", async (form, sql, wrong, took) => {
    try {
      const file = await traceMigration(session, sql, "<example>", { framework: "none", endWith: "rollback", model: withModelEntry(form, { indexMode: wrong }) });
      const statement = file!.statements[0]!;
      expect(statement.verdict).toBe("mismatch");
      const index = statement.comparisons.find((c) => c.kind === "index");
      expect(index).toMatchObject({ relation: "t_a_idx", status: "mismatch", observed: { mode: took } });
      expect(index!.message).toContain(`says ${wrong} on index t_a_idx; PostgreSQL took ${took}.`);
      expect(statement.comparisons.find((c) => c.kind === "table-of-index")?.status).toBe("confirmed");
    } finally {
      const restore = RESTORE[form];
      if (restore) await session.db.exec(restore);
    }
  });
});
