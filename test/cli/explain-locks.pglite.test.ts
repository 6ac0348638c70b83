/**
 * `pgsafe explain` agrees with the lock model, entry by entry.
 *
 * For every example of every LOCK_MODEL entry (its `example` and `otherExamples`), explained on its
 * own against the pre-existing schema of the lock-model test (test/analysis/lock-schema.ts, loaded
 * into PGlite so that the schema hooks — column types, foreign keys — come from the real catalog),
 * explain's JSON must report:
 * - the entry's effect (instant / scan / rewrite) for the statement;
 * - per relation, the strongest lock the entry gives: `mode` on the target (its table, the index's
 *   table, or the index for index-only forms), `indexMode` on the index (or on each index of the
 *   table), and every `alsoLocks` relation the statement names; nothing else;
 * - the entry's form on the target, blocksReads / blocksWrites as the conflict table says, no
 *   transaction, and locks held until the statement ends.
 * test/analysis/locks.pglite.test.ts proves the same entries against pg_locks, so explain's table
 * is what PostgreSQL does.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conflicts, LOCK_MODEL, type LockExample, type LockForm, type LockModelEntry, type LockModelOptions } from "../../src/analysis/locks.js";
import { explainText, type ExplainedFile } from "../../src/explain.js";
import explainJson from "../../src/reporters/explain-json.js";
import { schemaHooks, SCHEMA } from "../analysis/lock-schema.js";

// The lock-model test runs PostgreSQL 18 (PGlite).
const PG_VERSION = 18;

interface Case {
  form: LockForm;
  entry: LockModelEntry;
  sql: string;
  target: string;
}

const CASES: Case[] = (Object.entries(LOCK_MODEL) as [LockForm, LockModelEntry][]).flatMap(([form, entry]) =>
  [entry.example, ...(entry.otherExamples ?? [])].map((ex: LockExample) => ({
    form,
    entry,
    sql: typeof ex === "string" ? ex : ex.sql,
    target: typeof ex === "string" ? (entry.target ?? "t") : ex.target,
  })),
);

interface Lock {
  relation: string;
  kind: string;
  mode: string;
}

const order = (locks: Lock[]): Lock[] => [...locks].sort((a, b) => `${a.relation} ${a.kind}`.localeCompare(`${b.relation} ${b.kind}`));

/** The locks the entry gives for this example, as explain names them. */
function expectedLocks(c: Case, targetIsIndex: boolean): Lock[] {
  const { entry, target } = c;
  const out: Lock[] = [];
  if (entry.indexOnly) out.push({ relation: target, kind: "index", mode: entry.mode });
  else if (targetIsIndex) {
    out.push({ relation: target, kind: "table-of-index", mode: entry.mode });
    if (entry.indexMode) out.push({ relation: target, kind: "index", mode: entry.indexMode });
  } else {
    out.push({ relation: target, kind: "table", mode: entry.mode });
    if (entry.indexMode) out.push({ relation: target, kind: "indexes-of-table", mode: entry.indexMode });
  }
  const unknown = new Set(entry.unknownFromStatement ?? []);
  for (const [relation, mode] of Object.entries(entry.alsoLocks ?? {})) if (!unknown.has(relation)) out.push({ relation, kind: "table", mode });
  return out;
}

let db: PGlite;
let hooks: Pick<LockModelOptions, "knownOldType" | "knownForeignKeys">;
let indexes: Set<string>;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(SCHEMA);
  hooks = await schemaHooks(db);
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('i', 'I')",
  );
  indexes = new Set(rows.map((r) => r.name));
});

afterAll(async () => {
  await db?.close();
});

describe("explain reports what the lock model says", () => {
  it("has a case for every entry of LOCK_MODEL", () => {
    expect(new Set(CASES.map((c) => c.form))).toEqual(new Set(Object.keys(LOCK_MODEL)));
  });

  it.each(CASES.map((c) => [`${c.form}: ${c.sql}`, c] as const))("%s", (_label, c) => {
    const report = explainJson([explainText(c.sql, { pgVersion: PG_VERSION, ...hooks })], { color: false });
    const [file] = JSON.parse(report) as ExplainedFile[];
    expect(file!.errors).toEqual([]);
    expect(file!.statements).toHaveLength(1);
    const statement = file!.statements[0]!;

    expect(statement.effect, "effect").toBe(c.entry.effect);
    const targetIsIndex = indexes.has(c.target);
    expect(order(statement.locks.map(({ relation, kind, mode }) => ({ relation, kind, mode }))), "strongest lock per relation").toEqual(
      order(expectedLocks(c, targetIsIndex)),
    );

    const targetKind = c.entry.indexOnly ? "index" : targetIsIndex ? "table-of-index" : "table";
    const target = statement.locks.find((l) => l.relation === c.target && l.kind === targetKind)!;
    expect(target.form, "form").toBe(c.entry.reportedAs ?? c.form);
    expect(target.effect, "effect on the target").toBe(c.entry.effect);
    for (const lock of statement.locks) {
      expect(lock.blocksReads, `${lock.relation} blocksReads`).toBe(conflicts(lock.mode, "ACCESS SHARE"));
      expect(lock.blocksWrites, `${lock.relation} blocksWrites`).toBe(conflicts(lock.mode, "ROW EXCLUSIVE"));
      expect(lock.new, `${lock.relation} is pre-existing`).toBe(false);
      expect(lock.heldUntil).toEqual({ kind: "statement" });
    }
    expect(statement.transaction).toBeNull();
  });
});
