/**
 * What `pgsafe trace` reports: per checked file the shape of `pgsafe explain` (src/explain.ts),
 * each statement extended with what PostgreSQL really did (`observed`), how that compares with
 * pgsafe's lock model (`verdict`, `comparisons`) and the lint findings on it (`findings`).
 */
import type { Effect, LockForm, LockMode } from "../analysis/locks.js";
import type { ExplainedFile, ExplainLockKind, ExplainStatement } from "../explain.js";
import type { JsonMessage } from "../reporters/json.js";

/** How the statement ran in the embedded PostgreSQL. */
export type RunStatus =
  /** It ran and succeeded. */
  | "ok"
  /** It ran and PostgreSQL raised an error (see `error`). */
  | "error"
  /** It did not run: an earlier statement of its transaction failed, or it is part of another statement (DO block, called function). */
  | "not-run";

/**
 * How the statement's locks were observed:
 * - `transaction`: inside a transaction (the migration's own, or one trace opened around a
 *   statement that runs on its own): pg_locks of the backend right after the statement;
 * - `probe`: the statement cannot run inside a transaction block (CREATE INDEX CONCURRENTLY,
 *   VACUUM, ...) and releases its locks before it returns, so trace ran it first in a copy of the
 *   database where a probe read pg_locks while it ran (`probe.method` says where the probe sat),
 *   then for real; rewrites and catalog changes are those of the real run;
 * - `none`: such a statement whose locks no probe saw (`probe.failure` says why); rewrites and
 *   catalog changes are still observed.
 */
export type LockObservation = "transaction" | "probe" | "none";

export interface ObservedLock {
  /** As Postgres prints the name: `users`, `app.users`. */
  relation: string;
  /** What the relation is. */
  relkind: "table" | "partitioned table" | "view" | "materialized view" | "foreign table" | "index" | "sequence" | "other";
  /** The strongest mode the statement newly took on it. */
  mode: LockMode;
  /** Every mode it newly took on it, weakest first. */
  modes: LockMode[];
}

export interface ObservedRewrite {
  relation: string;
  relkind: ObservedLock["relkind"];
}

export interface ColumnChange {
  relation: string;
  column: string;
  change: "added" | "dropped" | "renamed" | "type" | "not-null" | "nullable" | "default";
  /** For renamed: the old name. */
  from?: string;
  /** The column's type after the statement (format_type). */
  type?: string;
}

export interface ConstraintChange {
  relation: string;
  constraint: string;
  change: "added" | "dropped" | "validated" | "renamed";
  /** pg_get_constraintdef after the statement (before, for a dropped one). */
  definition?: string;
  /** Whether Postgres considers it validated after the statement. */
  validated?: boolean;
  from?: string;
}

export interface ObservedError {
  /** PostgreSQL's message. */
  message: string;
  /** SQLSTATE, e.g. 23502. */
  code?: string;
  detail?: string;
  hint?: string;
  /** Where Postgres points in the file (its `position`), else the statement's start. */
  line: number;
  column: number;
}

export interface Observed {
  status: RunStatus;
  /** Why the statement did not run (status `not-run`). */
  reason?: string;
  locks: LockObservation;
  /** For a statement that cannot run in a transaction block: how the probe saw its locks, or why they could not be seen. */
  probe?: { method?: string; failure?: string };
  /** Locks the statement took on relations that existed before it (nothing for `locks: "none"`). */
  taken: ObservedLock[];
  /** Locks already held in the transaction before the statement, on the relations the model expects to be locked. */
  alreadyHeld: ObservedLock[];
  /** Relations that got new storage (a new relfilenode): a table rewrite, an index rebuild, TRUNCATE. */
  rewrites: ObservedRewrite[];
  /** Rows read by sequential scans, per pre-existing table. */
  rowsRead: { relation: string; rows: number }[];
  /** Relations created and dropped by the statement. */
  created: string[];
  dropped: string[];
  columns: ColumnChange[];
  constraints: ConstraintChange[];
  error?: ObservedError;
  /** Milliseconds the statement took in the embedded database (tiny tables: says nothing about production). */
  ms: number;
}

/**
 * One relation's comparison:
 * - `confirmed`: the model's mode (and rewrite / scan where observable) is what Postgres did
 *   (for a statement that cannot run in a transaction block: what the probe saw it take);
 * - `static-only`: the model predicted a lock that was not observed (the relation did not exist
 *   before the statement, or the statement failed or did not run);
 * - `trace-only`: Postgres locked a pre-existing table the model does not name (partitions,
 *   tables reached through views, triggers or foreign keys the statement does not mention);
 * - `mismatch`: both saw the relation but disagree: a bug in pgsafe's lock model;
 * - `not-observable`: the statement ran outside any transaction block, so its locks were gone
 *   before they could be read, and no probe saw them (see `Observed.probe`).
 */
export type ComparisonStatus = "confirmed" | "static-only" | "trace-only" | "mismatch" | "not-observable";

export interface LockComparison {
  relation: string;
  /** What the lock is on, as in explain (`trace-only` locks are on tables). */
  kind: ExplainLockKind;
  status: ComparisonStatus;
  /** What the lock model says (absent for trace-only). */
  expected?: { mode: LockMode; effect: Effect; form: LockForm };
  /** What Postgres did (absent when nothing was observed). */
  observed?: { mode?: LockMode; heldBefore?: LockMode; rewrite?: boolean; rowsRead?: number };
  /** In words; for a mismatch it says that this is a pgsafe bug and where to report it. */
  message: string;
}

/** The statement's overall verdict: the worst of its comparisons (mismatch first), or `none` when nothing is locked. */
export type Verdict = ComparisonStatus | "none";

/**
 * A lint finding on a traced statement. For a rule that names the lock its statement takes
 * (`meta.docs.lock`): whether PostgreSQL took that lock on a pre-existing relation (`confirmed`),
 * did not (`not-observed`), or could not be watched (`not-observable`: the statement failed, did not
 * run, or ran outside a transaction block with no probe seeing its locks).
 */
export interface TracedFinding extends JsonMessage {
  lock?: { mode: LockMode; observed: "confirmed" | "not-observed" | "not-observable" };
}

export interface TracedStatement extends ExplainStatement {
  observed: Observed;
  verdict: Verdict;
  comparisons: LockComparison[];
  /** Lint findings on the statement (as in `pgsafe --format json`). */
  findings: TracedFinding[];
}

export interface TracedFile extends Omit<ExplainedFile, "statements"> {
  /** The absolute path (reporters show it relative to the working directory). */
  filePath: string;
  /** The migration tool that runs it (`none`: psql). */
  framework: string;
  statements: TracedStatement[];
  /** Lint findings not on any traced statement (e.g. on a down section, which trace does not run). */
  otherFindings: JsonMessage[];
  errorCount: number;
  warningCount: number;
}

export interface TraceSummary {
  files: number;
  statements: number;
  confirmed: number;
  staticOnly: number;
  traceOnly: number;
  mismatches: number;
  notObservable: number;
  /** Statements PostgreSQL refused. */
  failed: number;
  notRun: number;
  /** Lint findings of error / warning severity. */
  lintErrors: number;
  lintWarnings: number;
}

export interface SeedReport {
  file: string;
  /** Seed statements that ran (each as soon as the tables it needs exist). */
  applied: number;
  /** Seed statements that never ran, with PostgreSQL's last error. */
  pending: { line: number; message: string }[];
}

export interface TraceReport {
  /** `select version()` of the embedded database. */
  postgres: string;
  /** The earlier migrations replayed (committed) before the checked files, absolute paths. */
  history: string[];
  /** Files given that trace did not run: down migrations (absolute paths). */
  skipped: string[];
  /** Statements of the history that PostgreSQL refused (the checked files then run without their changes). */
  historyErrors: { file: string; line: number; column: number; message: string; code?: string }[];
  files: TracedFile[];
  seed?: SeedReport;
  summary: TraceSummary;
}
