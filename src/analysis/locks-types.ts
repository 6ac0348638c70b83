/**
 * Lock modes and what they conflict with.
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 */
import type { RelationRef } from "./names.js";

export const LOCK_MODES = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** What a statement does to a table's data while it holds its lock. */
export type Effect = "instant" | "scan" | "rewrite";

export interface LockEffect {
  relation: RelationRef;
  /** What the relation is: a table (or view, materialized view, partitioned table) or an index. */
  kind: "table" | "index";
  /**
   * The lock on the relation. For an index (kind "index"): the lock Postgres takes on the index's
   * table, or, for the forms that lock only the index (ALTER INDEX ... RENAME / SET), on the index.
   */
  mode: LockMode;
  /**
   * The lock on the index itself when it differs in meaning from `mode` (kind "index"), or, on a
   * table, the lock taken on every index of the table (REINDEX TABLE). Queries plan with an ACCESS
   * SHARE lock on each index of the tables they read, so an ACCESS EXCLUSIVE index lock stalls them.
   */
  indexMode?: LockMode;
  effect: Effect;
  /** The lock-model entry that produced this effect (see LOCK_MODEL in locks.ts). */
  form: string;
}

// Conflict table from the Postgres documentation (Table 13.2, "Conflicting Lock Modes").
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  "ACCESS SHARE": ["ACCESS EXCLUSIVE"],
  "ROW SHARE": ["EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "ROW EXCLUSIVE": ["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE UPDATE EXCLUSIVE": ["SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  SHARE: ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE ROW EXCLUSIVE": ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  EXCLUSIVE: ["ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "ACCESS EXCLUSIVE": LOCK_MODES,
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/** SELECT takes ACCESS SHARE: a mode that conflicts with it blocks reads. */
export function blocksReads(mode: LockMode): boolean {
  return conflicts(mode, "ACCESS SHARE");
}

/** INSERT, UPDATE and DELETE take ROW EXCLUSIVE: a mode that conflicts with it blocks writes. */
export function blocksWrites(mode: LockMode): boolean {
  return conflicts(mode, "ROW EXCLUSIVE");
}

/** The mode of `LOCK TABLE ... IN <mode> MODE` as the parser numbers it (1 = ACCESS SHARE ... 8 = ACCESS EXCLUSIVE). */
export function lockModeFromNumber(n: number): LockMode | undefined {
  return LOCK_MODES[n - 1];
}

export function lockRank(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

export function strongestLock(modes: Iterable<LockMode>): LockMode | undefined {
  let best: LockMode | undefined;
  for (const m of modes) if (!best || lockRank(m) > lockRank(best)) best = m;
  return best;
}

/** The lock's name as Postgres' pg_locks shows it, e.g. `AccessExclusiveLock`. */
export function pgLocksName(mode: LockMode): string {
  return (
    mode
      .toLowerCase()
      .split(" ")
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join("") + "Lock"
  );
}
