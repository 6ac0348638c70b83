/**
 * What pgsafe predicted versus what PostgreSQL did, per relation.
 *
 * The static side is the lock model (`statementLocks`, src/analysis/locks.ts) applied to the
 * statement with the schema as the embedded database has it right before the statement (column
 * types and foreign keys from the catalog), so that a difference is the model's and not a gap in
 * what pgsafe knew about the schema. The model is a parameter: tests inject a wrong entry
 * (`withModelEntry`) to see the mismatch reported.
 *
 * Per expected lock (explain's kinds: a table, an index, the table of an index, every index of a
 * table) the observed mode is the strongest mode the statement newly took on the relation. A mode
 * the transaction already held before the statement does not show up again in pg_locks: when the
 * expected mode was already held and nothing stronger was taken, the expectation is confirmed
 * (`observed.heldBefore` says so). Storage: a rewrite must give the named relation a new
 * relfilenode and nothing else may (TRUNCATE swaps in empty storage: `swapsStorage`). Scans: an
 * instant DDL form must read no row of its table by sequential scan, and a scanning DDL form must
 * read some when the table has rows (queries and DML are left out: the planner may use an index).
 * For a statement that cannot run in a transaction block the observed modes are those a probe saw
 * while it ran in a copy of the database (probe.ts, `run.locksFrom === "probe"`); with no probe
 * they are not observable.
 */
import { LOCK_MODEL, lockRank, statementLocks, type Effect, type LockEffect, type LockForm, type LockMode, type LockModelEntry, type LockModelOptions } from "../analysis/locks.js";
import { makeRelation, type RelationRef } from "../analysis/names.js";
import type { ExplainLockKind } from "../explain.js";
import { REPOSITORY_URL } from "../meta.js";
import type { ParsedStatement } from "../parser/parse.js";
import { INDEX_KINDS, relationLabel, strongest, TABLE_KINDS, type CatalogSnapshot, type RelationInfo, type StatementRun } from "./runner.js";
import type { ComparisonStatus, LockComparison, Verdict } from "./types.js";

/** The static model trace checks: statement → its locks (statementLocks by default). */
export type StaticModel = (statement: ParsedStatement, options: LockModelOptions) => LockEffect[];

export const lockModel: StaticModel = statementLocks;

/** A model in which one form's entry says something else (for tests: a wrong entry must be reported as a mismatch). */
export function withModelEntry(form: LockForm, patch: Partial<Pick<LockModelEntry, "mode" | "effect" | "indexMode">>, base: StaticModel = statementLocks): StaticModel {
  return (statement, options) =>
    base(statement, options).map((e) => {
      if (e.form !== form || e.mode !== LOCK_MODEL[form].mode) return e;
      return { ...e, ...(patch.mode ? { mode: patch.mode } : {}), ...(patch.effect ? { effect: patch.effect } : {}), ...(patch.indexMode ? { indexMode: patch.indexMode } : {}) };
    });
}

const ISSUES_URL = `${REPOSITORY_URL}/issues`;

/** One lock the model expects. */
export interface Expectation {
  /** The relation the statement names (for index forms: the index). */
  relation: RelationRef;
  kind: ExplainLockKind;
  mode: LockMode;
  effect: Effect;
  form: LockForm;
  /** Check the named relation's storage (rewrite or not). */
  checkStorage: boolean;
  /**
   * The statement's own target (the first effect the model reports), whose effect comes from its
   * LOCK_MODEL entry; other relations (a foreign key's referenced table, a view's sources) carry a
   * lock mode, and their reads are not modelled (validating a foreign key reads the referenced
   * table through whatever plan the planner picks).
   */
  primary: boolean;
}

/** The model's effects as explain's lock kinds. */
export function expectationsOf(effects: readonly LockEffect[]): Expectation[] {
  const out: Expectation[] = [];
  for (const [i, e] of effects.entries()) {
    const form = e.form as LockForm;
    const entry: LockModelEntry | undefined = Object.hasOwn(LOCK_MODEL, form) ? LOCK_MODEL[form] : undefined;
    const base = { relation: e.relation, effect: e.effect, form, primary: i === 0 };
    if (e.kind === "table") {
      out.push({ ...base, kind: "table", mode: e.mode, checkStorage: true });
      if (e.indexMode) out.push({ ...base, kind: "indexes-of-table", mode: e.indexMode, checkStorage: false });
    } else if (entry?.indexOnly) {
      out.push({ ...base, kind: "index", mode: e.mode, checkStorage: true });
    } else {
      out.push({ ...base, kind: "table-of-index", mode: e.mode, checkStorage: true });
      if (e.indexMode) out.push({ ...base, kind: "index", mode: e.indexMode, checkStorage: false });
    }
  }
  return out;
}

/** Schema hooks for the model, from the catalog as it is right before the statement. */
export function catalogHooks(catalog: CatalogSnapshot): Pick<LockModelOptions, "knownOldType" | "knownForeignKeys"> {
  const types = new Map<string, string>();
  for (const c of catalog.columns) {
    const rel = catalog.relations.get(c.rel);
    if (rel && !c.dropped) types.set(`${rel.schema}.${rel.name}.${c.name}`, c.type);
  }
  const foreignKeys = new Map<string, { name: string; references: RelationRef }[]>();
  for (const k of catalog.constraints) {
    if (k.type !== "f" || k.references === null) continue;
    const table = catalog.relations.get(k.rel);
    const target = catalog.relations.get(k.references);
    if (!table || !target) continue;
    const key = `${table.schema}.${table.name}`;
    const list = foreignKeys.get(key) ?? [];
    list.push({ name: k.name, references: makeRelation(target.schema === "public" ? undefined : target.schema, target.name) });
    foreignKeys.set(key, list);
  }
  return {
    knownOldType: (table, column) => types.get(`${table.key}.${column}`),
    knownForeignKeys: (table) => foreignKeys.get(table.key) ?? [],
  };
}

/** Forms whose "scan" is a query plan's (an index may serve it) or not counted as a sequential scan. */
const SCAN_NOT_CHECKED = new Set<string>([
  "insert",
  "insert-select",
  "update",
  "delete",
  "merge",
  "select",
  "select-for-update",
  "vacuum",
  "vacuum-full",
  "analyze",
  "create-table-as",
  "create-materialized-view",
  "create-view",
  "create-or-replace-view",
]);

/** Whether the scan check applies to this expectation (and so whether trace must know if the table has rows). */
export function scanChecked(x: Expectation, rel: RelationInfo | undefined): boolean {
  return x.kind === "table" && x.primary && !SCAN_NOT_CHECKED.has(x.form) && rel !== undefined && (rel.kind === "r" || rel.kind === "m");
}

export interface CompareInput {
  expectations: readonly Expectation[];
  /** OID each expectation's named relation resolved to before the statement (undefined: it did not exist). */
  resolved: readonly (number | undefined)[];
  run: StatementRun;
  /** The statement skipped its work (NOTICE "... already exists, skipping" / "does not exist, skipping"). */
  skipped: boolean;
}

function describe(mode: LockMode | undefined): string {
  return mode ?? "no lock";
}

function bug(text: string): string {
  return `${text} This is a bug in pgsafe's lock model: please report it at ${ISSUES_URL} with the statement.`;
}

function storageChanged(run: StatementRun, rel: RelationInfo): boolean | undefined {
  if (!run.after || rel.relfilenode === 0) return undefined;
  const after = run.after.relations.get(rel.oid) ?? run.after.byKey.get(`${rel.schema}.${rel.name}`);
  if (!after) return undefined;
  return after.relfilenode !== rel.relfilenode;
}

function rowsReadOf(run: StatementRun, rel: RelationInfo): number {
  const after = run.after?.relations.get(rel.oid);
  return after ? Math.max(0, after.seqRead - rel.seqRead) : 0;
}

/** The relations whose lock an expectation is about. */
function lockTargets(x: Expectation, named: RelationInfo, before: CatalogSnapshot): RelationInfo[] {
  switch (x.kind) {
    case "table":
    case "index":
      return [named];
    case "table-of-index": {
      const table = named.tableOid !== null ? before.relations.get(named.tableOid) : undefined;
      return table ? [table] : [];
    }
    case "indexes-of-table":
      return [...before.relations.values()].filter((r) => r.tableOid === named.oid && INDEX_KINDS.has(r.kind));
  }
}

/** Compares one statement's run with what the model expects; returns one comparison per expected lock plus the trace-only ones. */
export function compareStatement(input: CompareInput): LockComparison[] {
  const { expectations, resolved, run, skipped } = input;
  const out: LockComparison[] = [];
  const covered = new Set<number>();

  expectations.forEach((x, i) => {
    const oid = resolved[i];
    const named = oid !== undefined ? run.before.relations.get(oid) : undefined;
    const expected = { mode: x.mode, effect: x.effect, form: x.form };
    const label = named && x.kind === "table-of-index" && named.tableOid !== null ? relationLabel(run.before.relations.get(named.tableOid) ?? named) : x.relation.label;
    const base = { relation: label, kind: x.kind, expected };
    if (!named) {
      out.push({ ...base, status: "static-only", message: `${x.relation.label} did not exist before the statement, so it had no lock to take on it.` });
      return;
    }
    const targets = lockTargets(x, named, run.before);
    for (const t of targets) covered.add(t.oid);
    if (!run.ok) {
      out.push({ ...base, status: "static-only", message: "The statement failed, so the lock was not observed." });
      return;
    }
    if (skipped && targets.every((t) => !run.taken.has(t.oid))) {
      out.push({ ...base, status: "static-only", message: "PostgreSQL skipped the statement (IF [NOT] EXISTS), so it took no lock." });
      return;
    }

    const problems: string[] = [];
    let status: ComparisonStatus = "confirmed";
    let observedMode: LockMode | undefined;
    let heldBefore: LockMode | undefined;
    if (run.locksFrom === "none") {
      status = "not-observable";
    } else {
      for (const t of targets) {
        const taken = strongest(run.taken.get(t.oid));
        const held = run.heldBefore.get(t.oid);
        const alreadyHeld = held?.has(x.mode) === true && (taken === undefined || lockRank(taken) < lockRank(x.mode));
        if (alreadyHeld) heldBefore = x.mode;
        observedMode = taken ?? observedMode;
        if (taken === x.mode || alreadyHeld) continue;
        const what = x.kind === "indexes-of-table" ? `index ${relationLabel(t)} of ${label}` : x.kind === "index" ? `index ${relationLabel(t)}` : relationLabel(t);
        problems.push(`pgsafe's model (${x.form}) says ${x.mode} on ${what}; PostgreSQL took ${describe(taken)}.`);
      }
    }

    let rewrite: boolean | undefined;
    let rowsRead: number | undefined;
    // A statement PostgreSQL skipped (IF NOT EXISTS on an existing index still locks the table) did no work to compare.
    if (x.checkStorage && !skipped) {
      rewrite = storageChanged(run, named);
      const entry: LockModelEntry = LOCK_MODEL[x.form];
      const expectsNewStorage = x.effect === "rewrite" || entry.swapsStorage === true;
      if (rewrite !== undefined && rewrite !== expectsNewStorage) {
        problems.push(
          expectsNewStorage
            ? `pgsafe's model (${x.form}) says the statement rewrites ${x.relation.label}; PostgreSQL kept its storage.`
            : `pgsafe's model (${x.form}) says ${x.effect} for ${x.relation.label}; PostgreSQL gave it new storage (a rewrite).`,
        );
      }
      if (scanChecked(x, named)) {
        rowsRead = rowsReadOf(run, named);
        if (x.effect === "instant" && rowsRead > 0) {
          problems.push(`pgsafe's model (${x.form}) says instant for ${x.relation.label}; PostgreSQL read ${rowsRead} rows of it.`);
        } else if (x.effect === "scan" && rowsRead === 0 && run.withRows.has(named.oid)) {
          problems.push(`pgsafe's model (${x.form}) says the statement scans ${x.relation.label}; PostgreSQL read none of its rows.`);
        }
      }
    }
    if (problems.length > 0) status = "mismatch";
    const observed = {
      ...(observedMode ? { mode: observedMode } : {}),
      ...(heldBefore ? { heldBefore } : {}),
      ...(rewrite !== undefined ? { rewrite } : {}),
      ...(rowsRead !== undefined ? { rowsRead } : {}),
    };
    const message =
      status === "mismatch"
        ? bug(problems.join(" "))
        : status === "not-observable"
          ? `The statement cannot run inside a transaction block, so its locks were released before trace could read them${run.probe?.failure ? ` (probe: ${run.probe.failure})` : ""}.`
          : heldBefore
            ? `${x.mode}: already held in the transaction before the statement, which needs no more.`
            : `${x.mode}${rewrite ? ", rewrite" : ""}${rowsRead ? `, scan (${rowsRead} rows read)` : ""}: as the model says${run.locksFrom === "probe" ? " (seen by a probe while the statement ran in a copy of the database)" : ""}.`;
    out.push({ ...base, status, observed, message });
  });

  // Locks on pre-existing tables the model does not name.
  if (run.ok && run.locksFrom !== "none") {
    for (const [oid, modes] of run.taken) {
      const rel = run.before.relations.get(oid);
      if (!rel || !TABLE_KINDS.has(rel.kind) || covered.has(oid)) continue;
      const mode = strongest(modes)!;
      out.push({
        relation: relationLabel(rel),
        kind: "table",
        status: "trace-only",
        observed: { mode },
        message: `PostgreSQL took ${mode} on ${relationLabel(rel)}, which the statement does not name (a partition, a table reached through a view, trigger or foreign key, ...).`,
      });
    }
  }
  return out;
}

const VERDICT_ORDER: readonly Verdict[] = ["mismatch", "confirmed", "not-observable", "static-only", "trace-only"];

/** The statement's verdict: the first of mismatch, confirmed, not-observable, static-only, trace-only among its comparisons. */
export function verdictOf(comparisons: readonly LockComparison[]): Verdict {
  for (const v of VERDICT_ORDER) if (comparisons.some((c) => c.status === v)) return v;
  return "none";
}
