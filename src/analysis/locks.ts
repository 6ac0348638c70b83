/**
 * The lock model: for each statement, which relations it locks, in which mode, and whether it is
 * instant, scans the table or rewrites it.
 *
 * One table (LOCK_MODEL) holds every statement form pgsafe knows, with the lock Postgres takes on
 * a pre-existing relation. Every entry carries an example that test/analysis/locks.pglite.test.ts
 * runs in a real Postgres (PGlite, PostgreSQL 18): the test reads the backend's own pg_locks, the
 * relfilenode of every relation and the rows read by sequential scans, and fails when an entry's
 * mode, alsoLocks, indexMode or effect is not what Postgres does. The classifier
 * (`statementLocks`) is checked against the same examples.
 *
 * Reference: https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES and the
 * "Notes" / per-subcommand lock notes of each command's reference page (linked per group below).
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import type { ColumnType } from "./columns.js";
import { columnConstraints, SERIAL_TYPE_NAMES, typeNameOf } from "./ast.js";
import { makeRelation, relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";
import { lockModeFromNumber, lockRank, type Effect, type LockEffect, type LockMode } from "./locks-types.js";
import { alterTypeRewrites } from "./type-change.js";

export * from "./locks-types.js";

/** A further example of a form; `target` when it is not the entry's target relation. */
export type LockExample = string | { sql: string; target: string };

export interface LockModelEntry {
  /**
   * The lock taken on the target: the table (view, materialized view, partitioned table) the
   * statement names. For forms that name only an index (DROP INDEX, REINDEX INDEX, ALTER INDEX):
   * the lock Postgres takes on the index's table, or, with `indexOnly`, on the index.
   */
  mode: LockMode;
  /**
   * instant: catalog only; scan: reads the whole table (to validate, or to build an index) while
   * holding the lock; rewrite: writes a new copy of the target's storage (new relfilenode).
   */
  effect: Effect;
  /** A statement of this form against the test schema (see test/analysis/locks.pglite.test.ts). */
  example: string;
  /** The relation of `example` that `mode` is about; default `t`. For index forms: the index. */
  target?: string;
  /** More statements of the same form; each is checked like `example`. */
  otherExamples?: readonly LockExample[];
  /** Other pre-existing tables/views the example locks (not indexes or sequences), with the strongest mode. */
  alsoLocks?: Readonly<Record<string, LockMode>>;
  /** Of `alsoLocks`, those the statement does not name (statementLocks cannot report them). */
  unknownFromStatement?: readonly string[];
  /** Lock on the named index itself (index forms), or on every index of the table (REINDEX TABLE). */
  indexMode?: LockMode;
  /** The form locks only the index, not its table; `mode` is the index's lock. */
  indexOnly?: true;
  /** New, empty storage without reading rows (TRUNCATE): the relfilenode changes, yet it is instant. */
  swapsStorage?: true;
  /** Rebuilds every index of the table without rewriting the table itself. */
  rebuildsIndexes?: true;
  /** Postgres refuses to run it inside a transaction block. */
  noTransactionBlock?: true;
  /** Older versions took a different lock on the target. */
  modeBefore?: { pgVersion: number; mode: LockMode };
  /** First Postgres major version that has this form. */
  minPgVersion?: number;
  /** statementLocks reports this statement under another form (the strongest of its actions). */
  reportedAs?: string;
  /** The form statementLocks reports without the schema hooks (knownOldType / knownForeignKeys). */
  withoutSchema?: string;
  description: string;
}

const AE = "ACCESS EXCLUSIVE" satisfies LockMode;
const EXCL = "EXCLUSIVE" satisfies LockMode;
const SRE = "SHARE ROW EXCLUSIVE" satisfies LockMode;
const SHARE = "SHARE" satisfies LockMode;
const SUE = "SHARE UPDATE EXCLUSIVE" satisfies LockMode;
const RE = "ROW EXCLUSIVE" satisfies LockMode;
const RS = "ROW SHARE" satisfies LockMode;
const AS = "ACCESS SHARE" satisfies LockMode;

/**
 * The statement forms. Keys are stable ids used by rules, `explain`, `trace` and the tests.
 */
export const LOCK_MODEL = {
  // ── Indexes ──────────────────────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
  "create-index": {
    mode: SHARE,
    effect: "scan",
    example: "CREATE INDEX t_b_idx ON t (b)",
    otherExamples: ["CREATE UNIQUE INDEX t_b_key ON t (b)"],
    description: "CREATE [UNIQUE] INDEX: SHARE lock for the whole build, so INSERT, UPDATE and DELETE wait; reads continue.",
  },
  "create-index-concurrently": {
    mode: SUE,
    effect: "scan",
    example: "CREATE INDEX CONCURRENTLY t_b_idx ON t (b)",
    noTransactionBlock: true,
    description:
      "CREATE INDEX CONCURRENTLY: SHARE UPDATE EXCLUSIVE (session-level, across its internal transactions); reads and writes continue, but it waits for every transaction that could use the index and leaves an INVALID index if it fails.",
  },
  // https://www.postgresql.org/docs/current/sql-dropindex.html
  "drop-index": {
    mode: AE,
    effect: "instant",
    example: "DROP INDEX t_a_idx",
    target: "t_a_idx",
    indexMode: AE,
    description: "DROP INDEX: ACCESS EXCLUSIVE on the index's table (and the index), blocking reads and writes of the table.",
  },
  "drop-index-concurrently": {
    mode: SUE,
    effect: "instant",
    example: "DROP INDEX CONCURRENTLY t_a_idx",
    target: "t_a_idx",
    indexMode: AE,
    noTransactionBlock: true,
    description:
      "DROP INDEX CONCURRENTLY: SHARE UPDATE EXCLUSIVE on the table; the index is first marked invalid, and ACCESS EXCLUSIVE is taken on the index only once no query can use it.",
  },
  // https://www.postgresql.org/docs/current/sql-reindex.html
  "reindex-index": {
    mode: SHARE,
    effect: "rewrite",
    example: "REINDEX INDEX t_a_idx",
    target: "t_a_idx",
    indexMode: AE,
    description:
      "REINDEX INDEX: SHARE on the table (writes wait) and ACCESS EXCLUSIVE on the index; the planner locks every index of a table, so almost every query on the table waits too.",
  },
  "reindex-index-concurrently": {
    mode: SUE,
    effect: "rewrite",
    example: "REINDEX INDEX CONCURRENTLY t_a_idx",
    target: "t_a_idx",
    indexMode: SUE,
    noTransactionBlock: true,
    // PG ≥ 12: REINDEX ... CONCURRENTLY. https://www.postgresql.org/docs/release/12.0/
    minPgVersion: 12,
    description:
      "REINDEX INDEX CONCURRENTLY (PG 12+): builds a replacement index under SHARE UPDATE EXCLUSIVE on the table and the index, then swaps it in; reads and writes continue.",
  },
  "reindex-table": {
    mode: SHARE,
    effect: "scan",
    example: "REINDEX TABLE t",
    indexMode: AE,
    rebuildsIndexes: true,
    description:
      "REINDEX TABLE: SHARE on the table and ACCESS EXCLUSIVE on each index while it is rebuilt: writes wait, and so do queries, which lock every index of the table when they are planned.",
  },
  "reindex-table-concurrently": {
    mode: SUE,
    effect: "scan",
    example: "REINDEX TABLE CONCURRENTLY t",
    indexMode: SUE,
    rebuildsIndexes: true,
    noTransactionBlock: true,
    minPgVersion: 12,
    description: "REINDEX TABLE CONCURRENTLY (PG 12+): rebuilds every index of the table under SHARE UPDATE EXCLUSIVE; reads and writes continue.",
  },
  // https://www.postgresql.org/docs/current/sql-alterindex.html
  "rename-index": {
    mode: SUE,
    effect: "instant",
    example: "ALTER INDEX t_a_idx RENAME TO t_a_index",
    target: "t_a_idx",
    indexOnly: true,
    // PG ≥ 12: renaming an index takes SHARE UPDATE EXCLUSIVE on the index instead of ACCESS EXCLUSIVE.
    modeBefore: { pgVersion: 12, mode: AE },
    description: "ALTER INDEX ... RENAME: SHARE UPDATE EXCLUSIVE on the index only (PG 12+; ACCESS EXCLUSIVE before); the table is not locked.",
  },
  "alter-index-set": {
    mode: SUE,
    effect: "instant",
    example: "ALTER INDEX t_a_idx SET (fillfactor = 80)",
    target: "t_a_idx",
    indexOnly: true,
    otherExamples: ["ALTER INDEX t_a_idx RESET (fillfactor)", { sql: "ALTER INDEX t_lower_b_idx ALTER COLUMN 1 SET STATISTICS 100", target: "t_lower_b_idx" }],
    description: "ALTER INDEX ... SET / RESET (storage parameters) and ALTER COLUMN ... SET STATISTICS: SHARE UPDATE EXCLUSIVE on the index only.",
  },
  "alter-index-set-tablespace": {
    mode: AE,
    effect: "rewrite",
    example: "ALTER INDEX t_a_idx SET TABLESPACE ts",
    target: "t_a_idx",
    indexOnly: true,
    description:
      "ALTER INDEX ... SET TABLESPACE: copies the index under ACCESS EXCLUSIVE on the index; the table is not locked, but every query planning on the table waits for the index.",
  },
  "alter-index-attach-partition": {
    mode: AS,
    effect: "instant",
    example: "ALTER INDEX p_k_idx ATTACH PARTITION p1_k_idx",
    target: "p_k_idx",
    indexMode: SUE,
    alsoLocks: { p1: AS },
    unknownFromStatement: ["p1"],
    description:
      "ALTER INDEX ... ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent index, ACCESS EXCLUSIVE on the attached index, ACCESS SHARE on both tables.",
  },

  // ── ALTER TABLE: columns ─────────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-altertable.html ("An ACCESS EXCLUSIVE lock is
  // acquired unless explicitly noted"; Notes on rewrites and scans)
  "alter-table-add-column": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ADD COLUMN n int",
    otherExamples: [
      "ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0",
      "ALTER TABLE t ADD COLUMN n timestamptz DEFAULT now()",
      // PG ≥ 18: virtual generated columns are computed on read, nothing is stored.
      "ALTER TABLE t ADD COLUMN n int GENERATED ALWAYS AS (a * 2) VIRTUAL",
    ],
    // PG ≥ 11: a non-volatile default is stored in the catalog (no rewrite).
    // https://www.postgresql.org/docs/release/11.0/
    description:
      "ADD COLUMN without a default, with a non-volatile default (PG 11+), or virtual generated (PG 18+): catalog only, but ACCESS EXCLUSIVE.",
  },
  "alter-table-add-column-rewrite": {
    mode: AE,
    effect: "rewrite",
    example: "ALTER TABLE t ADD COLUMN n float8 DEFAULT random()",
    otherExamples: [
      "ALTER TABLE t ADD COLUMN n uuid DEFAULT gen_random_uuid()",
      "ALTER TABLE t ADD COLUMN n bigserial",
      "ALTER TABLE t ADD COLUMN n int GENERATED ALWAYS AS IDENTITY",
      "ALTER TABLE t ADD COLUMN n int GENERATED ALWAYS AS (a * 2) STORED",
    ],
    description:
      "ADD COLUMN with a volatile default, serial / identity, a stored generated column, or (before PG 11) any default: rewrites the table and its indexes under ACCESS EXCLUSIVE.",
  },
  "alter-table-add-column-check": {
    mode: AE,
    effect: "scan",
    example: "ALTER TABLE t ADD COLUMN n int CHECK (n > 0)",
    otherExamples: ["ALTER TABLE t ADD COLUMN n int DEFAULT 1 CHECK (n > 0)"],
    description: "ADD COLUMN with a CHECK constraint: scans the table under ACCESS EXCLUSIVE to validate it.",
  },
  "alter-table-add-column-unique": {
    mode: AE,
    effect: "scan",
    example: "ALTER TABLE t ADD COLUMN n int UNIQUE",
    description: "ADD COLUMN ... UNIQUE / PRIMARY KEY: builds the index under ACCESS EXCLUSIVE.",
  },
  "alter-table-add-column-foreign-key": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ADD COLUMN u_id int REFERENCES u (id)",
    alsoLocks: { u: SRE },
    description:
      "ADD COLUMN ... REFERENCES: ACCESS EXCLUSIVE on the table and SHARE ROW EXCLUSIVE on the referenced table (writes to it wait); a new column without a default has nothing to validate.",
  },
  "alter-table-drop-column": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t DROP COLUMN b",
    description: "DROP COLUMN: catalog only (the space is reclaimed by later rewrites); drops the column's indexes and constraints.",
  },
  "alter-table-alter-column-type": {
    mode: AE,
    effect: "rewrite",
    example: "ALTER TABLE t ALTER COLUMN a TYPE bigint",
    otherExamples: [
      "ALTER TABLE t ALTER COLUMN c TYPE varchar(5)",
      { sql: "ALTER TABLE ty ALTER COLUMN n TYPE numeric(12,3)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN ts TYPE timestamp(1)", target: "ty" },
    ],
    description:
      "ALTER COLUMN TYPE: rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, unless the change is binary-coercible (see alter-table-alter-column-type-no-rewrite). A USING or COLLATE clause is always counted as a rewrite (a collation change alone rebuilds only the column's indexes).",
  },
  "alter-table-alter-column-type-no-rewrite": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN c TYPE varchar(20)",
    otherExamples: [
      "ALTER TABLE t ALTER COLUMN c TYPE text",
      "ALTER TABLE t ALTER COLUMN c TYPE varchar",
      { sql: "ALTER TABLE ty ALTER COLUMN tx TYPE varchar", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN n TYPE numeric(12,2)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN n TYPE numeric", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN ts TYPE timestamp(6)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN tz TYPE timestamptz", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN tm TYPE time(6)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN ttz TYPE timetz(6)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN iv TYPE interval(6)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN bits TYPE varbit(10)", target: "ty" },
      { sql: "ALTER TABLE ty ALTER COLUMN ip TYPE inet", target: "ty" },
    ],
    withoutSchema: "alter-table-alter-column-type",
    description:
      "ALTER COLUMN TYPE with a binary-coercible change (varchar(n)→varchar(m≥n)/varchar/text, text→varchar, numeric(p,s)→numeric(p'≥p,s)/numeric, a larger timestamp/time/interval precision, varbit(n)→varbit(m≥n), cidr→inet): still ACCESS EXCLUSIVE, but no rewrite and the indexes are kept. Needs the column's old type (the knownOldType hook); without it the statement counts as a rewrite.",
  },
  "alter-table-set-not-null": {
    mode: AE,
    effect: "scan",
    example: "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
    // PG ≥ 12: the scan is skipped when a validated CHECK (col IS NOT NULL) proves it.
    description: "SET NOT NULL: scans the table under ACCESS EXCLUSIVE (PG 12+ skips the scan when a validated CHECK (col IS NOT NULL) exists).",
  },
  "alter-table-drop-not-null": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN id DROP NOT NULL",
    description: "DROP NOT NULL: catalog only.",
  },
  "alter-table-set-default": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN a SET DEFAULT 0",
    otherExamples: ["ALTER TABLE t ALTER COLUMN a DROP DEFAULT"],
    description: "SET DEFAULT / DROP DEFAULT: catalog only (existing rows keep their values), but ACCESS EXCLUSIVE.",
  },
  "alter-table-set-storage": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN b SET STORAGE EXTERNAL",
    description: "ALTER COLUMN ... SET STORAGE: catalog only (applies to new rows), ACCESS EXCLUSIVE.",
  },
  "alter-table-set-compression": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN b SET COMPRESSION pglz",
    // PG ≥ 14: per-column compression.
    minPgVersion: 14,
    description: "ALTER COLUMN ... SET COMPRESSION (PG 14+): catalog only (applies to new values), ACCESS EXCLUSIVE.",
  },
  "alter-table-set-statistics": {
    mode: SUE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN a SET STATISTICS 500",
    description: "ALTER COLUMN ... SET STATISTICS: SHARE UPDATE EXCLUSIVE, reads and writes continue.",
  },
  "alter-table-set-column-options": {
    mode: SUE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN a SET (n_distinct = 100)",
    otherExamples: ["ALTER TABLE t ALTER COLUMN a RESET (n_distinct)"],
    description: "ALTER COLUMN ... SET / RESET (n_distinct, ...): SHARE UPDATE EXCLUSIVE.",
  },
  "alter-table-add-identity": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
    description: "ALTER COLUMN ... ADD GENERATED AS IDENTITY on an existing NOT NULL column: creates the sequence, no rewrite.",
  },
  "alter-table-set-identity": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE u ALTER COLUMN id SET GENERATED ALWAYS",
    target: "u",
    description: "ALTER COLUMN ... SET GENERATED / SET sequence options: ACCESS EXCLUSIVE on the table.",
  },
  "alter-table-drop-identity": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE u ALTER COLUMN id DROP IDENTITY",
    target: "u",
    description: "ALTER COLUMN ... DROP IDENTITY: drops the sequence; ACCESS EXCLUSIVE on the table.",
  },
  "alter-table-set-expression": {
    mode: AE,
    effect: "rewrite",
    example: "ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (id * 3)",
    // PG ≥ 17: SET EXPRESSION on generated columns.
    minPgVersion: 17,
    description: "ALTER COLUMN ... SET EXPRESSION (PG 17+) on a stored generated column: recomputes it by rewriting the table.",
  },
  "alter-table-drop-expression": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN g DROP EXPRESSION",
    // PG ≥ 13: DROP EXPRESSION.
    minPgVersion: 13,
    description: "ALTER COLUMN ... DROP EXPRESSION (PG 13+): the stored values stay, catalog only.",
  },

  // ── ALTER TABLE: constraints ─────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-altertable.html (ADD table_constraint, VALIDATE
  // CONSTRAINT: "SHARE UPDATE EXCLUSIVE"; foreign keys: "SHARE ROW EXCLUSIVE" on both tables)
  "alter-table-add-check": {
    mode: AE,
    effect: "scan",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0)",
    // PG ≥ 18: NOT NULL constraints can be added by name (and NOT VALID).
    otherExamples: ["ALTER TABLE t ADD CONSTRAINT t_a_not_null NOT NULL a"],
    description: "ADD CHECK (or, PG 18+, a named NOT NULL constraint): validates every row under ACCESS EXCLUSIVE.",
  },
  "alter-table-add-check-not-valid": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID",
    otherExamples: ["ALTER TABLE t ADD CONSTRAINT t_a_not_null NOT NULL a NOT VALID"],
    description: "ADD CHECK ... NOT VALID: catalog only, but still ACCESS EXCLUSIVE (briefly).",
  },
  "alter-table-add-foreign-key": {
    mode: SRE,
    effect: "scan",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES u (id)",
    alsoLocks: { u: SRE },
    description:
      "ADD FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables while every referencing row is checked: writes to both tables wait, reads continue.",
  },
  "alter-table-add-foreign-key-not-valid": {
    mode: SRE,
    effect: "instant",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES u (id) NOT VALID",
    alsoLocks: { u: SRE },
    description: "ADD FOREIGN KEY ... NOT VALID: catalog only, still SHARE ROW EXCLUSIVE on both tables (briefly).",
  },
  "alter-table-add-unique": {
    mode: AE,
    effect: "scan",
    example: "ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b)",
    otherExamples: ["ALTER TABLE t ADD PRIMARY KEY (id)", "ALTER TABLE t ADD CONSTRAINT t_id_excl EXCLUDE USING btree (id WITH =)"],
    description: "ADD UNIQUE / PRIMARY KEY / EXCLUDE: builds the index under ACCESS EXCLUSIVE (no concurrent form).",
  },
  "alter-table-add-constraint-using-index": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ADD CONSTRAINT t_id_key UNIQUE USING INDEX t_id_uidx",
    otherExamples: ["ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_uidx"],
    description:
      "ADD UNIQUE / PRIMARY KEY USING INDEX: catalog only under ACCESS EXCLUSIVE (PRIMARY KEY also scans when a column is not yet NOT NULL).",
  },
  "alter-table-validate-constraint": {
    mode: SUE,
    effect: "scan",
    example: "ALTER TABLE t VALIDATE CONSTRAINT t_a_positive",
    description: "VALIDATE CONSTRAINT: scans under SHARE UPDATE EXCLUSIVE; reads and writes continue.",
  },
  "alter-table-validate-foreign-key": {
    mode: SUE,
    effect: "scan",
    example: "ALTER TABLE t VALIDATE CONSTRAINT t_d_fkey",
    alsoLocks: { u: RS },
    withoutSchema: "alter-table-validate-constraint",
    description:
      "VALIDATE CONSTRAINT of a foreign key: SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the referenced table; reads and writes of both continue. Needs the knownForeignKeys hook to tell it from a CHECK.",
  },
  "alter-table-drop-constraint": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t DROP CONSTRAINT t_a_positive",
    description: "DROP CONSTRAINT: catalog only (a UNIQUE / PRIMARY KEY drops its index), ACCESS EXCLUSIVE.",
  },
  "alter-table-drop-foreign-key": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t DROP CONSTRAINT t_d_fkey",
    alsoLocks: { u: AE },
    withoutSchema: "alter-table-drop-constraint",
    description:
      "DROP CONSTRAINT of a foreign key: ACCESS EXCLUSIVE on the table AND on the referenced table (its triggers are dropped too). Needs the knownForeignKeys hook.",
  },
  "alter-table-alter-constraint": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ALTER CONSTRAINT t_d_fkey DEFERRABLE",
    description: "ALTER CONSTRAINT (deferrability, enforcement): ACCESS EXCLUSIVE.",
  },
  "rename-constraint": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t RENAME CONSTRAINT t_a_positive TO t_a_gt_zero",
    description: "RENAME CONSTRAINT: catalog only, ACCESS EXCLUSIVE.",
  },

  // ── ALTER TABLE: table-level subcommands ─────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-altertable.html
  "alter-table-rewrite": {
    mode: AE,
    effect: "rewrite",
    example: "ALTER TABLE t SET UNLOGGED",
    otherExamples: [{ sql: "ALTER TABLE ul SET LOGGED", target: "ul" }, "ALTER TABLE t SET TABLESPACE ts", "ALTER TABLE t SET ACCESS METHOD heap2"],
    // PG ≥ 15: SET ACCESS METHOD.
    description:
      "SET LOGGED / UNLOGGED, SET TABLESPACE, SET ACCESS METHOD (PG 15+): copies the whole table under ACCESS EXCLUSIVE (no-op when nothing changes, e.g. the same tablespace).",
  },
  "alter-table-set-storage-params": {
    mode: SUE,
    effect: "instant",
    example: "ALTER TABLE t SET (fillfactor = 70)",
    otherExamples: ["ALTER TABLE t SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)", "ALTER TABLE t SET (parallel_workers = 2)"],
    description: "SET (storage parameter = ...): SHARE UPDATE EXCLUSIVE for fillfactor, autovacuum_*, toast.*, parallel_workers and the like.",
  },
  "alter-table-reset-storage-params": {
    mode: SUE,
    effect: "instant",
    example: "ALTER TABLE t RESET (fillfactor)",
    description: "RESET (storage parameter): SHARE UPDATE EXCLUSIVE.",
  },
  "alter-table-set-exclusive-options": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t SET (user_catalog_table = true)",
    otherExamples: [{ sql: "ALTER VIEW v SET (security_barrier = true)", target: "v" }],
    description: "SET (user_catalog_table), and on views SET (security_barrier / security_invoker / check_option): ACCESS EXCLUSIVE.",
  },
  "alter-table-cluster-on": {
    mode: SUE,
    effect: "instant",
    example: "ALTER TABLE t CLUSTER ON t_a_idx",
    otherExamples: ["ALTER TABLE t SET WITHOUT CLUSTER"],
    description: "CLUSTER ON / SET WITHOUT CLUSTER: marks the index, SHARE UPDATE EXCLUSIVE; nothing is reordered.",
  },
  "alter-table-enable-disable-trigger": {
    mode: SRE,
    effect: "instant",
    example: "ALTER TABLE t DISABLE TRIGGER t_trg",
    otherExamples: ["ALTER TABLE t ENABLE TRIGGER t_trg", "ALTER TABLE t ENABLE REPLICA TRIGGER t_trg", "ALTER TABLE t DISABLE TRIGGER ALL", "ALTER TABLE t ENABLE TRIGGER USER"],
    description: "ENABLE / DISABLE TRIGGER: SHARE ROW EXCLUSIVE; writes wait, reads continue.",
  },
  "alter-table-row-level-security": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
    otherExamples: ["ALTER TABLE t DISABLE ROW LEVEL SECURITY", "ALTER TABLE t FORCE ROW LEVEL SECURITY", "ALTER TABLE t NO FORCE ROW LEVEL SECURITY"],
    description: "ENABLE / DISABLE / [NO] FORCE ROW LEVEL SECURITY: ACCESS EXCLUSIVE.",
  },
  "alter-table-replica-identity": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t REPLICA IDENTITY FULL",
    otherExamples: ["ALTER TABLE t REPLICA IDENTITY USING INDEX t_id_uidx", "ALTER TABLE t REPLICA IDENTITY DEFAULT"],
    description: "REPLICA IDENTITY: ACCESS EXCLUSIVE.",
  },
  // https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE
  "alter-table-attach-partition": {
    mode: SUE,
    effect: "scan",
    example: "ALTER TABLE p ATTACH PARTITION p3 FOR VALUES FROM (200) TO (300)",
    target: "p",
    alsoLocks: { p3: AE },
    // PG ≥ 12: ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent (ACCESS EXCLUSIVE before).
    modeBefore: { pgVersion: 12, mode: AE },
    description:
      "ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent (PG 12+), ACCESS EXCLUSIVE on the attached table (and a default partition), which is scanned unless a CHECK constraint already proves the bound.",
  },
  "alter-table-detach-partition": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE p DETACH PARTITION p2",
    target: "p",
    alsoLocks: { p2: AE },
    description: "DETACH PARTITION: ACCESS EXCLUSIVE on the parent and the partition: every query on the partitioned table waits.",
  },
  "alter-table-detach-partition-concurrently": {
    mode: SUE,
    effect: "instant",
    example: "ALTER TABLE p DETACH PARTITION p2 CONCURRENTLY",
    target: "p",
    alsoLocks: { p2: AE },
    noTransactionBlock: true,
    // PG ≥ 14: DETACH PARTITION ... CONCURRENTLY. https://www.postgresql.org/docs/release/14.0/
    minPgVersion: 14,
    description:
      "DETACH PARTITION ... CONCURRENTLY (PG 14+): SHARE UPDATE EXCLUSIVE on the parent; the partition is locked SHARE UPDATE EXCLUSIVE, then ACCESS EXCLUSIVE in the second transaction.",
  },
  "alter-table-owner": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t OWNER TO CURRENT_USER",
    description: "OWNER TO: ACCESS EXCLUSIVE (even when the owner does not change).",
  },
  "alter-table-inherit": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE orphan INHERIT base",
    target: "orphan",
    alsoLocks: { base: SUE },
    description: "INHERIT parent: ACCESS EXCLUSIVE on the child, SHARE UPDATE EXCLUSIVE on the parent.",
  },
  "alter-table-no-inherit": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE kid NO INHERIT base",
    target: "kid",
    alsoLocks: { base: AS },
    description: "NO INHERIT parent: ACCESS EXCLUSIVE on the child, ACCESS SHARE on the parent.",
  },
  "alter-table-set-schema": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t SET SCHEMA app",
    description: "SET SCHEMA: catalog only, ACCESS EXCLUSIVE; running code using the old qualified name breaks.",
  },
  "alter-table-other": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t SET WITHOUT OIDS",
    description: "Any other ALTER TABLE subcommand: ACCESS EXCLUSIVE, catalog only.",
  },
  "alter-table-multiple-actions": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t ADD COLUMN n int, ALTER COLUMN a SET STATISTICS 100, ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES u (id) NOT VALID",
    alsoLocks: { u: SRE },
    reportedAs: "alter-table-add-column",
    description:
      "One ALTER TABLE with several actions takes the strongest lock of its actions, once, and does the heaviest work (one rewrite at most); reported under the form of its strongest action.",
  },

  // ── Renames ──────────────────────────────────────────────────────────────────────────────────
  "rename-table": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t RENAME TO t_old",
    otherExamples: [
      { sql: "ALTER VIEW v RENAME TO v_old", target: "v" },
      { sql: "ALTER MATERIALIZED VIEW mv RENAME TO mv_old", target: "mv" },
    ],
    description: "RENAME TO (table, view, materialized view): catalog only, ACCESS EXCLUSIVE; running code still uses the old name.",
  },
  "rename-column": {
    mode: AE,
    effect: "instant",
    example: "ALTER TABLE t RENAME COLUMN b TO b_old",
    description: "RENAME COLUMN: catalog only, ACCESS EXCLUSIVE; running code still uses the old name.",
  },
  // https://www.postgresql.org/docs/current/sql-altertrigger.html
  "rename-trigger": {
    mode: AE,
    effect: "instant",
    example: "ALTER TRIGGER t_trg ON t RENAME TO t_trg_old",
    description: "ALTER TRIGGER ... RENAME: ACCESS EXCLUSIVE on the table.",
  },

  // ── Drops ────────────────────────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-droptable.html
  "drop-table": {
    mode: AE,
    effect: "instant",
    example: "DROP TABLE t",
    alsoLocks: { u: AE },
    description:
      "DROP TABLE: ACCESS EXCLUSIVE on the table and on every table its foreign keys reference (their triggers are dropped); reported for the referenced tables only with the knownForeignKeys hook.",
  },
  "drop-view": {
    mode: AE,
    effect: "instant",
    example: "DROP VIEW v",
    target: "v",
    description: "DROP VIEW: ACCESS EXCLUSIVE on the view.",
  },
  "drop-materialized-view": {
    mode: AE,
    effect: "instant",
    example: "DROP MATERIALIZED VIEW mv",
    target: "mv",
    description: "DROP MATERIALIZED VIEW: ACCESS EXCLUSIVE on the view.",
  },
  // https://www.postgresql.org/docs/current/sql-truncate.html
  truncate: {
    mode: AE,
    effect: "instant",
    example: "TRUNCATE t",
    swapsStorage: true,
    description:
      "TRUNCATE: ACCESS EXCLUSIVE; swaps in new, empty storage for the table and its indexes (the relfilenode changes, but no row is read or copied).",
  },

  // ── Triggers and policies ────────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-createtrigger.html, .../sql-droptrigger.html
  "create-trigger": {
    mode: SRE,
    effect: "instant",
    example: "CREATE TRIGGER t_audit AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t_touch()",
    // PG ≥ 14: CREATE OR REPLACE TRIGGER.
    otherExamples: ["CREATE OR REPLACE TRIGGER t_trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t_touch()"],
    description: "CREATE [OR REPLACE] TRIGGER: SHARE ROW EXCLUSIVE; writes wait, reads continue.",
  },
  "drop-trigger": {
    mode: AE,
    effect: "instant",
    example: "DROP TRIGGER t_trg ON t",
    description: "DROP TRIGGER: ACCESS EXCLUSIVE on the table (stronger than CREATE TRIGGER).",
  },
  // https://www.postgresql.org/docs/current/sql-createpolicy.html
  "create-policy": {
    mode: AE,
    effect: "instant",
    example: "CREATE POLICY t_positive ON t USING (a > 0)",
    description: "CREATE POLICY: ACCESS EXCLUSIVE on the table.",
  },
  "alter-policy": {
    mode: AE,
    effect: "instant",
    example: "ALTER POLICY t_pol ON t USING (a > 1)",
    otherExamples: ["ALTER POLICY t_pol ON t RENAME TO t_pol_old"],
    description: "ALTER POLICY (and RENAME): ACCESS EXCLUSIVE on the table.",
  },
  "drop-policy": {
    mode: AE,
    effect: "instant",
    example: "DROP POLICY t_pol ON t",
    description: "DROP POLICY: ACCESS EXCLUSIVE on the table.",
  },

  // ── Views and materialized views ─────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-createview.html, .../sql-refreshmaterializedview.html
  "create-view": {
    mode: AS,
    effect: "instant",
    example: "CREATE VIEW t_view AS SELECT id, a FROM t",
    description: "CREATE VIEW: ACCESS SHARE on the tables it reads; nothing waits.",
  },
  "create-or-replace-view": {
    mode: AE,
    effect: "instant",
    example: "CREATE OR REPLACE VIEW v AS SELECT id, name, 1 AS one FROM u",
    target: "v",
    alsoLocks: { u: AS },
    description: "CREATE OR REPLACE VIEW on an existing view: ACCESS EXCLUSIVE on the view, so every query using it waits.",
  },
  "create-materialized-view": {
    mode: AS,
    effect: "scan",
    example: "CREATE MATERIALIZED VIEW t_mv AS SELECT id, a FROM t",
    description: "CREATE MATERIALIZED VIEW: runs the query under ACCESS SHARE on the tables it reads.",
  },
  "create-table-as": {
    mode: AS,
    effect: "scan",
    example: "CREATE TABLE t_copy AS SELECT * FROM t",
    description: "CREATE TABLE ... AS / SELECT INTO: runs the query under ACCESS SHARE on the tables it reads.",
  },
  "refresh-materialized-view": {
    mode: AE,
    effect: "rewrite",
    example: "REFRESH MATERIALIZED VIEW mv",
    target: "mv",
    alsoLocks: { u: AS },
    unknownFromStatement: ["u"],
    description: "REFRESH MATERIALIZED VIEW: recomputes into new storage under ACCESS EXCLUSIVE; reads of the view wait for the whole query.",
  },
  "refresh-materialized-view-concurrently": {
    mode: EXCL,
    effect: "scan",
    example: "REFRESH MATERIALIZED VIEW CONCURRENTLY mv",
    target: "mv",
    alsoLocks: { u: AS },
    unknownFromStatement: ["u"],
    description:
      "REFRESH MATERIALIZED VIEW CONCURRENTLY: EXCLUSIVE on the view (reads continue, a second refresh waits); needs a unique index on the view.",
  },

  // ── CREATE TABLE touching existing tables ────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-createtable.html
  "create-table-partition-of": {
    mode: AE,
    effect: "instant",
    example: "CREATE TABLE p4 PARTITION OF p FOR VALUES FROM (300) TO (400)",
    target: "p",
    description:
      "CREATE TABLE ... PARTITION OF: ACCESS EXCLUSIVE on the partitioned parent (and a default partition, which is scanned); every query on the parent waits. ATTACH PARTITION needs only SHARE UPDATE EXCLUSIVE.",
  },
  "create-table-foreign-key": {
    mode: SRE,
    effect: "instant",
    example: "CREATE TABLE w (id int PRIMARY KEY, u_id int REFERENCES u (id))",
    target: "u",
    description: "CREATE TABLE with a FOREIGN KEY: SHARE ROW EXCLUSIVE on the referenced table (writes to it wait) while the table is created.",
  },
  "create-table-inherits": {
    mode: SUE,
    effect: "instant",
    example: "CREATE TABLE kid2 (x int) INHERITS (base)",
    target: "base",
    description: "CREATE TABLE ... INHERITS: SHARE UPDATE EXCLUSIVE on the parent.",
  },

  // ── Maintenance ──────────────────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-vacuum.html, .../sql-analyze.html, .../sql-cluster.html
  vacuum: {
    mode: SUE,
    effect: "scan",
    example: "VACUUM t",
    noTransactionBlock: true,
    description: "VACUUM: SHARE UPDATE EXCLUSIVE; reads and writes continue (it may briefly take ACCESS EXCLUSIVE, without waiting, to truncate empty pages at the end).",
  },
  "vacuum-full": {
    mode: AE,
    effect: "rewrite",
    example: "VACUUM FULL t",
    noTransactionBlock: true,
    description: "VACUUM FULL: rewrites the table and its indexes under ACCESS EXCLUSIVE.",
  },
  analyze: {
    mode: SUE,
    effect: "scan",
    example: "ANALYZE t",
    description: "ANALYZE: reads a sample under SHARE UPDATE EXCLUSIVE; reads and writes continue.",
  },
  cluster: {
    mode: AE,
    effect: "rewrite",
    example: "CLUSTER t USING t_a_idx",
    description: "CLUSTER: rewrites the table in index order and rebuilds its indexes under ACCESS EXCLUSIVE.",
  },

  // ── LOCK TABLE ───────────────────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-lock.html
  "lock-table-access-share": { mode: AS, effect: "instant", example: "LOCK TABLE t IN ACCESS SHARE MODE", description: "LOCK TABLE ... IN ACCESS SHARE MODE." },
  "lock-table-row-share": { mode: RS, effect: "instant", example: "LOCK TABLE t IN ROW SHARE MODE", description: "LOCK TABLE ... IN ROW SHARE MODE." },
  "lock-table-row-exclusive": { mode: RE, effect: "instant", example: "LOCK TABLE t IN ROW EXCLUSIVE MODE", description: "LOCK TABLE ... IN ROW EXCLUSIVE MODE." },
  "lock-table-share-update-exclusive": {
    mode: SUE,
    effect: "instant",
    example: "LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE",
    description: "LOCK TABLE ... IN SHARE UPDATE EXCLUSIVE MODE.",
  },
  "lock-table-share": { mode: SHARE, effect: "instant", example: "LOCK TABLE t IN SHARE MODE", description: "LOCK TABLE ... IN SHARE MODE: blocks writes." },
  "lock-table-share-row-exclusive": {
    mode: SRE,
    effect: "instant",
    example: "LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE",
    description: "LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE: blocks writes.",
  },
  "lock-table-exclusive": {
    mode: EXCL,
    effect: "instant",
    example: "LOCK TABLE t IN EXCLUSIVE MODE",
    description: "LOCK TABLE ... IN EXCLUSIVE MODE: blocks writes and SELECT ... FOR UPDATE; plain reads continue.",
  },
  "lock-table-access-exclusive": {
    mode: AE,
    effect: "instant",
    example: "LOCK TABLE t",
    otherExamples: ["LOCK TABLE t IN ACCESS EXCLUSIVE MODE"],
    description: "LOCK TABLE (default mode) / IN ACCESS EXCLUSIVE MODE: blocks everything.",
  },

  // ── Comments and privileges ──────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/sql-comment.html, .../sql-grant.html
  "comment-on-table": {
    mode: SUE,
    effect: "instant",
    example: "COMMENT ON TABLE t IS 'orders'",
    description: "COMMENT ON TABLE: SHARE UPDATE EXCLUSIVE; reads and writes continue.",
  },
  "comment-on-column": {
    mode: SUE,
    effect: "instant",
    example: "COMMENT ON COLUMN t.a IS 'amount'",
    description: "COMMENT ON COLUMN: SHARE UPDATE EXCLUSIVE on the table.",
  },
  "grant-on-table": {
    mode: AS,
    effect: "instant",
    example: "GRANT SELECT ON t TO PUBLIC",
    otherExamples: ["REVOKE SELECT ON t FROM PUBLIC"],
    description: "GRANT / REVOKE on a table: ACCESS SHARE only; waits only behind ACCESS EXCLUSIVE.",
  },

  // ── Data changes and reads ───────────────────────────────────────────────────────────────────
  // https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
  insert: {
    mode: RE,
    effect: "instant",
    example: "INSERT INTO t (id) VALUES (1000)",
    description: "INSERT ... VALUES: ROW EXCLUSIVE.",
  },
  "insert-select": {
    mode: RE,
    effect: "scan",
    example: "INSERT INTO t (id, a) SELECT id + 1000, id FROM u",
    alsoLocks: { u: AS },
    description: "INSERT ... SELECT: ROW EXCLUSIVE on the target, ACCESS SHARE on the tables it reads.",
  },
  update: {
    mode: RE,
    effect: "scan",
    example: "UPDATE t SET b = 'x'",
    description: "UPDATE: ROW EXCLUSIVE plus row locks on the changed rows, held to the end of the transaction.",
  },
  delete: {
    mode: RE,
    effect: "scan",
    example: "DELETE FROM t",
    description: "DELETE: ROW EXCLUSIVE plus row locks on the deleted rows, held to the end of the transaction.",
  },
  merge: {
    mode: RE,
    effect: "scan",
    example: "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = u.id",
    alsoLocks: { u: AS },
    // PG ≥ 15: MERGE.
    minPgVersion: 15,
    description: "MERGE (PG 15+): ROW EXCLUSIVE on the target, ACCESS SHARE on the source.",
  },
  select: {
    mode: AS,
    effect: "scan",
    example: "SELECT * FROM t",
    description: "SELECT: ACCESS SHARE; waits only behind ACCESS EXCLUSIVE.",
  },
  "select-for-update": {
    mode: RS,
    effect: "scan",
    example: "SELECT * FROM t FOR UPDATE",
    otherExamples: ["SELECT * FROM t FOR NO KEY UPDATE", "SELECT * FROM t FOR SHARE", "SELECT * FROM t FOR KEY SHARE"],
    description: "SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE: ROW SHARE plus row locks on the returned rows.",
  },
} satisfies Record<string, LockModelEntry>;

export type LockForm = keyof typeof LOCK_MODEL;

/** A foreign key a schema model knows about. */
export interface KnownForeignKey {
  name: string;
  references: RelationRef;
}

export interface LockModelOptions {
  pgVersion: number;
  /**
   * The column's current type as Postgres' `format_type` prints it (`character varying(10)`), or as
   * a ColumnType, when a schema model knows it. Lets ALTER COLUMN TYPE tell binary-coercible
   * changes from rewrites.
   */
  knownOldType?: (table: RelationRef, column: string) => string | ColumnType | undefined;
  /** The table's foreign keys, when a schema model knows them (DROP TABLE / DROP CONSTRAINT / VALIDATE). */
  knownForeignKeys?: (table: RelationRef) => readonly KnownForeignKey[] | undefined;
}

const VOLATILE_FUNCTIONS = new Set([
  "random",
  "gen_random_uuid",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "uuidv4",
  "uuidv7",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "currval",
  "lastval",
  "gen_random_bytes",
  "setseed",
  "random_normal",
]);

function funcName(call: AstObject): string {
  const names = (call.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
  return names.map((n) => n.String?.sval ?? "").pop() ?? "";
}

/** True when an expression calls a volatile function (so a default with it rewrites the table). */
export function isVolatileExpression(expr: unknown): boolean {
  let found = false;
  const visit = (value: unknown): void => {
    if (found || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    const obj = value as Record<string, unknown>;
    const call = obj.FuncCall as AstObject | undefined;
    if (call && VOLATILE_FUNCTIONS.has(funcName(call).toLowerCase())) {
      found = true;
      return;
    }
    for (const v of Object.values(obj)) visit(v);
  };
  visit(expr);
  return found;
}

export { typeNameOf };

/** Whether `ADD COLUMN` with this definition rewrites the table. */
export function addColumnRewrites(column: AstObject, pgVersion: number): boolean {
  if (SERIAL_TYPE_NAMES.has(typeNameOf(column.typeName as AstObject).toLowerCase())) return true;
  for (const c of columnConstraints(column)) {
    if (c.contype === "CONSTR_IDENTITY") return true;
    // Stored generated columns are computed for every row; virtual ones (PG 18+) are not stored.
    if (c.contype === "CONSTR_GENERATED" && c.generated_kind !== "v") return true;
    if (c.contype === "CONSTR_DEFAULT") {
      // PG ≥ 11: a non-volatile default is stored in the catalog, no rewrite.
      // https://www.postgresql.org/docs/release/11.0/ ("ALTER TABLE ... ADD COLUMN with a non-null default")
      if (pgVersion < 11) return true;
      if (isVolatileExpression(c.raw_expr)) return true;
    }
  }
  return false;
}

function addColumnForm(column: AstObject, pgVersion: number): LockForm {
  if (addColumnRewrites(column, pgVersion)) return "alter-table-add-column-rewrite";
  const constraints = columnConstraints(column);
  const has = (contype: string): boolean => constraints.some((c) => c.contype === contype);
  if (has("CONSTR_UNIQUE") || has("CONSTR_PRIMARY")) return "alter-table-add-column-unique";
  if (has("CONSTR_CHECK")) return "alter-table-add-column-check";
  if (has("CONSTR_FOREIGN")) return "alter-table-add-column-foreign-key";
  return "alter-table-add-column";
}

function addConstraintForm(constraint: AstObject): LockForm {
  const notValid = constraint.skip_validation === true;
  switch (constraint.contype) {
    case "CONSTR_CHECK":
    case "CONSTR_NOTNULL":
      return notValid ? "alter-table-add-check-not-valid" : "alter-table-add-check";
    case "CONSTR_FOREIGN":
      return notValid ? "alter-table-add-foreign-key-not-valid" : "alter-table-add-foreign-key";
    case "CONSTR_UNIQUE":
    case "CONSTR_PRIMARY":
      return constraint.indexname ? "alter-table-add-constraint-using-index" : "alter-table-add-unique";
    case "CONSTR_EXCLUSION":
      return "alter-table-add-unique";
    default:
      return "alter-table-other";
  }
}

// Relation options whose change takes ACCESS EXCLUSIVE (all others take SHARE UPDATE EXCLUSIVE).
// https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-STORAGE-PARAMETERS
const EXCLUSIVE_REL_OPTIONS = new Set(["user_catalog_table", "security_barrier", "security_invoker", "check_option", "buffering"]);

function relOptionsForm(def: unknown, plain: LockForm): LockForm {
  const items = (def as { List?: { items?: { DefElem?: AstObject }[] } })?.List?.items ?? [];
  const exclusive = items.some((i) => EXCLUSIVE_REL_OPTIONS.has(String(i.DefElem?.defname ?? "").toLowerCase()));
  return exclusive ? "alter-table-set-exclusive-options" : plain;
}

function knownForeignKey(options: LockModelOptions, table: RelationRef | undefined, name: unknown): RelationRef | undefined {
  if (!table || typeof name !== "string") return undefined;
  return options.knownForeignKeys?.(table)?.find((fk) => fk.name === name)?.references;
}

const TRIGGER_SUBTYPES = new Set([
  "AT_EnableTrig",
  "AT_EnableAlwaysTrig",
  "AT_EnableReplicaTrig",
  "AT_EnableTrigAll",
  "AT_EnableTrigUser",
  "AT_DisableTrig",
  "AT_DisableTrigAll",
  "AT_DisableTrigUser",
]);

const RLS_SUBTYPES = new Set(["AT_EnableRowSecurity", "AT_DisableRowSecurity", "AT_ForceRowSecurity", "AT_NoForceRowSecurity"]);

/**
 * The lock-model form of one ALTER TABLE subcommand. `table` lets the schema hooks of `options`
 * refine it (binary-coercible type changes, foreign keys dropped or validated by name).
 */
export function alterTableCommandForm(cmd: AstObject, options: LockModelOptions, table?: RelationRef): LockForm {
  const subtype = String(cmd.subtype ?? "");
  if (TRIGGER_SUBTYPES.has(subtype)) return "alter-table-enable-disable-trigger";
  if (RLS_SUBTYPES.has(subtype)) return "alter-table-row-level-security";
  switch (subtype) {
    case "AT_AddColumn":
      return addColumnForm((cmd.def as { ColumnDef?: AstObject })?.ColumnDef ?? {}, options.pgVersion);
    case "AT_DropColumn":
      return "alter-table-drop-column";
    case "AT_AlterColumnType": {
      const oldType = table && typeof cmd.name === "string" ? options.knownOldType?.(table, cmd.name) : undefined;
      return alterTypeRewrites((cmd.def as { ColumnDef?: AstObject })?.ColumnDef, oldType)
        ? "alter-table-alter-column-type"
        : "alter-table-alter-column-type-no-rewrite";
    }
    case "AT_SetNotNull":
      return "alter-table-set-not-null";
    case "AT_DropNotNull":
      return "alter-table-drop-not-null";
    case "AT_ColumnDefault":
    case "AT_CookedColumnDefault":
      return "alter-table-set-default";
    case "AT_SetStorage":
      return "alter-table-set-storage";
    case "AT_SetCompression":
      return "alter-table-set-compression";
    case "AT_SetStatistics":
      return "alter-table-set-statistics";
    case "AT_SetOptions":
    case "AT_ResetOptions":
      return "alter-table-set-column-options";
    case "AT_AddIdentity":
      return "alter-table-add-identity";
    case "AT_SetIdentity":
      return "alter-table-set-identity";
    case "AT_DropIdentity":
      return "alter-table-drop-identity";
    case "AT_SetExpression":
      return "alter-table-set-expression";
    case "AT_DropExpression":
      return "alter-table-drop-expression";
    case "AT_AddConstraint":
      return addConstraintForm((cmd.def as { Constraint?: AstObject })?.Constraint ?? {});
    case "AT_ValidateConstraint":
      return knownForeignKey(options, table, cmd.name) ? "alter-table-validate-foreign-key" : "alter-table-validate-constraint";
    case "AT_DropConstraint":
      return knownForeignKey(options, table, cmd.name) ? "alter-table-drop-foreign-key" : "alter-table-drop-constraint";
    case "AT_AlterConstraint":
      return "alter-table-alter-constraint";
    case "AT_SetLogged":
    case "AT_SetUnLogged":
    case "AT_SetTableSpace":
    case "AT_SetAccessMethod":
      return "alter-table-rewrite";
    case "AT_SetRelOptions":
      return relOptionsForm(cmd.def, "alter-table-set-storage-params");
    case "AT_ResetRelOptions":
      return relOptionsForm(cmd.def, "alter-table-reset-storage-params");
    case "AT_ReplaceRelOptions":
      return "alter-table-set-exclusive-options";
    case "AT_ClusterOn":
    case "AT_DropCluster":
      return "alter-table-cluster-on";
    case "AT_ReplicaIdentity":
      return "alter-table-replica-identity";
    case "AT_AttachPartition":
      return "alter-table-attach-partition";
    case "AT_DetachPartition":
      return (cmd.def as { PartitionCmd?: AstObject })?.PartitionCmd?.concurrent === true
        ? "alter-table-detach-partition-concurrently"
        : "alter-table-detach-partition";
    case "AT_DetachPartitionFinalize":
      return "alter-table-detach-partition-concurrently";
    case "AT_ChangeOwner":
      return "alter-table-owner";
    case "AT_AddInherit":
      return "alter-table-inherit";
    case "AT_DropInherit":
      return "alter-table-no-inherit";
    default:
      return "alter-table-other";
  }
}

/** The mode of a form on its target for the given Postgres version. */
export function formMode(form: LockForm, pgVersion: number): LockMode {
  const entry: LockModelEntry = LOCK_MODEL[form];
  return entry.modeBefore && pgVersion < entry.modeBefore.pgVersion ? entry.modeBefore.mode : entry.mode;
}

function effectOf(form: LockForm, relation: RelationRef, options: LockModelOptions, kind: "table" | "index" = "table"): LockEffect {
  const entry: LockModelEntry = LOCK_MODEL[form];
  const mode = formMode(form, options.pgVersion);
  return entry.indexMode ? { relation, kind, mode, indexMode: entry.indexMode, effect: entry.effect, form } : { relation, kind, mode, effect: entry.effect, form };
}

/** A lock the statement takes on another relation than its target (the `alsoLocks` of its form). */
function sideLock(form: LockForm, relation: RelationRef, mode: LockMode, effect: Effect = "instant"): LockEffect {
  return { relation, kind: "table", mode, effect, form };
}

const EFFECT_RANK: Record<Effect, number> = { instant: 0, scan: 1, rewrite: 2 };

/** Merges effects on the same relation (new objects of the caller's): the strongest lock and the heaviest effect win. */
function merge(effects: LockEffect[]): LockEffect[] {
  if (effects.length < 2) return effects;
  const byKey = new Map<string, LockEffect>();
  for (const e of effects) {
    const prev = byKey.get(e.relation.key);
    if (!prev) {
      byKey.set(e.relation.key, e);
      continue;
    }
    const stronger =
      lockRank(e.mode) > lockRank(prev.mode) || (lockRank(e.mode) === lockRank(prev.mode) && EFFECT_RANK[e.effect] > EFFECT_RANK[prev.effect]);
    const indexMode = [prev.indexMode, e.indexMode].filter((m): m is LockMode => !!m).sort((a, b) => lockRank(b) - lockRank(a))[0];
    const merged: LockEffect = {
      ...prev,
      mode: lockRank(e.mode) > lockRank(prev.mode) ? e.mode : prev.mode,
      form: stronger ? e.form : prev.form,
      effect: EFFECT_RANK[e.effect] > EFFECT_RANK[prev.effect] ? e.effect : prev.effect,
    };
    if (indexMode) merged.indexMode = indexMode;
    byKey.set(e.relation.key, merged);
  }
  return [...byKey.values()];
}

function referencedTable(constraint: AstObject): RelationRef | undefined {
  return relationFromRangeVar(constraint.pktable as AstObject | undefined);
}

function rangeVars(list: unknown): RelationRef[] {
  const out: RelationRef[] = [];
  for (const item of (list as { RangeVar?: AstObject }[] | undefined) ?? []) {
    const r = relationFromRangeVar(item.RangeVar);
    if (r) out.push(r);
  }
  return out;
}

/**
 * The tables a query part reads (wrapped RangeVar nodes anywhere inside), without the names of
 * common table expressions and without FOR UPDATE targets.
 */
function readRelations(node: unknown): RelationRef[] {
  const ctes = new Set<string>();
  const found: RelationRef[] = [];
  // Only objects are visited: scalars hold no relations.
  const visit = (value: object): void => {
    if (Array.isArray(value)) {
      for (const v of value) if (typeof v === "object" && v !== null) visit(v);
      return;
    }
    const object = value as Record<string, unknown>;
    for (const key in object) {
      const child = object[key];
      // Nor do constants (most of an INSERT's VALUES) and column references.
      if (typeof child !== "object" || child === null || key === "lockingClause" || key === "A_Const" || key === "ColumnRef") continue;
      if (key === "CommonTableExpr" && typeof (child as AstObject).ctename === "string") ctes.add((child as AstObject).ctename as string);
      if (key === "RangeVar") {
        const r = relationFromRangeVar(child as AstObject);
        if (r) found.push(r);
        continue;
      }
      visit(child);
    }
  };
  if (typeof node === "object" && node !== null) visit(node);
  return ctes.size === 0 ? found : found.filter((r) => r.schema !== undefined || !ctes.has(r.name));
}

function optionEnabled(list: unknown, name: string): boolean {
  for (const item of (list as { DefElem?: AstObject }[] | undefined) ?? []) {
    const d = item.DefElem;
    if (!d || String(d.defname).toLowerCase() !== name) continue;
    const arg = d.arg as { Boolean?: { boolval?: boolean }; String?: { sval?: string }; Integer?: { ival?: number } } | undefined;
    if (!arg) return true;
    if (arg.Boolean) return arg.Boolean.boolval === true;
    if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
    if (arg.String) return !["false", "off", "0", "no"].includes(String(arg.String.sval).toLowerCase());
    return true;
  }
  return false;
}

const LOCK_TABLE_FORMS: Record<LockMode, LockForm> = {
  "ACCESS SHARE": "lock-table-access-share",
  "ROW SHARE": "lock-table-row-share",
  "ROW EXCLUSIVE": "lock-table-row-exclusive",
  "SHARE UPDATE EXCLUSIVE": "lock-table-share-update-exclusive",
  SHARE: "lock-table-share",
  "SHARE ROW EXCLUSIVE": "lock-table-share-row-exclusive",
  EXCLUSIVE: "lock-table-exclusive",
  "ACCESS EXCLUSIVE": "lock-table-access-exclusive",
};

/** The table of `ON table` in DROP TRIGGER / DROP POLICY / COMMENT ON COLUMN (the name list without its last part). */
function tableOfQualifiedMember(object: unknown): RelationRef | undefined {
  const items = Array.isArray(object) ? object : (object as { List?: { items?: unknown[] } })?.List?.items;
  return Array.isArray(items) && items.length > 1 ? relationFromNameList(items.slice(0, -1)) : undefined;
}

function alterTableLocks(node: AstObject, options: LockModelOptions): LockEffect[] {
  const target = relationFromRangeVar(node.relation as AstObject);
  if (!target) return [];
  const cmds: AstObject[] = [];
  for (const c of (node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) if (c.AlterTableCmd) cmds.push(c.AlterTableCmd);
  if (node.objtype === "OBJECT_INDEX") {
    return merge(
      cmds.map((cmd) => {
        const form: LockForm =
          cmd.subtype === "AT_SetTableSpace"
            ? "alter-index-set-tablespace"
            : cmd.subtype === "AT_AttachPartition"
              ? "alter-index-attach-partition"
              : "alter-index-set";
        return effectOf(form, target, options, "index");
      }),
    );
  }
  // ALTER SEQUENCE ... OWNER and ALTER TYPE (composite) also arrive here; they lock no table.
  if (node.objtype === "OBJECT_SEQUENCE" || node.objtype === "OBJECT_TYPE") return [];
  const effects: LockEffect[] = [];
  for (const cmd of cmds) {
    const form = alterTableCommandForm(cmd, options, target);
    effects.push(effectOf(form, target, options));
    switch (cmd.subtype) {
      case "AT_AddConstraint": {
        const constraint = (cmd.def as { Constraint?: AstObject })?.Constraint;
        const ref = constraint?.contype === "CONSTR_FOREIGN" ? referencedTable(constraint) : undefined;
        // Validating the new key (without NOT VALID) reads the referenced table too: the check is
        // one query joining both tables (RI_Initial_Check), seen in PGlite as a sequential scan of
        // every row of the referenced table (test/trace).
        // https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
        if (ref && ref.key !== target.key) effects.push(sideLock(form, ref, SRE, constraint?.skip_validation ? "instant" : "scan"));
        break;
      }
      case "AT_AddColumn": {
        const column = (cmd.def as { ColumnDef?: AstObject })?.ColumnDef;
        for (const c of column ? columnConstraints(column) : []) {
          const ref = c.contype === "CONSTR_FOREIGN" ? referencedTable(c) : undefined;
          if (ref && ref.key !== target.key) effects.push(sideLock(form, ref, SRE));
        }
        break;
      }
      case "AT_ValidateConstraint":
      case "AT_DropConstraint": {
        const ref = knownForeignKey(options, target, cmd.name);
        // VALIDATE reads the referenced table as well (the same join as above).
        if (ref && ref.key !== target.key) effects.push(sideLock(form, ref, cmd.subtype === "AT_DropConstraint" ? AE : RS, cmd.subtype === "AT_ValidateConstraint" ? "scan" : "instant"));
        break;
      }
      case "AT_AttachPartition":
      case "AT_DetachPartition":
      case "AT_DetachPartitionFinalize": {
        const partition = relationFromRangeVar((cmd.def as { PartitionCmd?: AstObject })?.PartitionCmd?.name as AstObject | undefined);
        if (partition) effects.push(sideLock(form, partition, AE, cmd.subtype === "AT_AttachPartition" ? "scan" : "instant"));
        break;
      }
      case "AT_AddInherit":
      case "AT_DropInherit": {
        const parent = relationFromRangeVar((cmd.def as { RangeVar?: AstObject })?.RangeVar);
        if (parent) effects.push(sideLock(form, parent, cmd.subtype === "AT_AddInherit" ? SUE : AS));
        break;
      }
      default:
        break;
    }
  }
  return merge(effects);
}

function renameLocks(node: AstObject, options: LockModelOptions): LockEffect[] {
  const relation = relationFromRangeVar(node.relation as AstObject);
  if (!relation) return [];
  switch (node.renameType) {
    case "OBJECT_TABLE":
    case "OBJECT_VIEW":
    case "OBJECT_MATVIEW":
    case "OBJECT_FOREIGN_TABLE":
      return [effectOf("rename-table", relation, options)];
    case "OBJECT_COLUMN":
      return [effectOf("rename-column", relation, options)];
    case "OBJECT_TABCONSTRAINT":
      return [effectOf("rename-constraint", relation, options)];
    case "OBJECT_INDEX":
      return [effectOf("rename-index", relation, options, "index")];
    case "OBJECT_TRIGGER":
      return [effectOf("rename-trigger", relation, options)];
    case "OBJECT_POLICY":
      return [effectOf("alter-policy", relation, options)];
    default:
      return [];
  }
}

function dropLocks(node: AstObject, options: LockModelOptions): LockEffect[] {
  const objects = (node.objects as unknown[] | undefined) ?? [];
  const named = (): RelationRef[] => {
    const out: RelationRef[] = [];
    for (const object of objects) {
      const r = relationFromNameList(object);
      if (r) out.push(r);
    }
    return out;
  };
  switch (node.removeType) {
    case "OBJECT_TABLE": {
      const tables = named();
      const dropped = new Set(tables.map((t) => t.key));
      const effects = tables.map((r) => effectOf("drop-table", r, options));
      for (const table of tables) {
        for (const fk of options.knownForeignKeys?.(table) ?? []) {
          if (!dropped.has(fk.references.key)) effects.push(sideLock("drop-table", fk.references, AE));
        }
      }
      return merge(effects);
    }
    case "OBJECT_INDEX": {
      const form = node.concurrent ? "drop-index-concurrently" : "drop-index";
      return named().map((r) => effectOf(form, r, options, "index"));
    }
    case "OBJECT_VIEW":
      return named().map((r) => effectOf("drop-view", r, options));
    case "OBJECT_MATVIEW":
      return named().map((r) => effectOf("drop-materialized-view", r, options));
    case "OBJECT_TRIGGER":
    case "OBJECT_POLICY": {
      const form = node.removeType === "OBJECT_TRIGGER" ? "drop-trigger" : "drop-policy";
      return merge(
        objects
          .map(tableOfQualifiedMember)
          .filter((r): r is RelationRef => !!r)
          .map((r) => effectOf(form, r, options)),
      );
    }
    default:
      return [];
  }
}

function createTableLocks(node: AstObject, options: LockModelOptions): LockEffect[] {
  const effects: LockEffect[] = [];
  const own = relationFromRangeVar(node.relation as AstObject);
  for (const parent of rangeVars(node.inhRelations)) {
    effects.push(effectOf(node.partbound ? "create-table-partition-of" : "create-table-inherits", parent, options));
  }
  const visitConstraint = (c: AstObject | undefined): void => {
    const ref = c?.contype === "CONSTR_FOREIGN" ? referencedTable(c) : undefined;
    if (ref && ref.key !== own?.key) effects.push(effectOf("create-table-foreign-key", ref, options));
  };
  for (const element of (node.tableElts as Record<string, AstObject>[] | undefined) ?? []) {
    if (element.Constraint) visitConstraint(element.Constraint);
    if (element.ColumnDef) for (const c of columnConstraints(element.ColumnDef)) visitConstraint(c);
  }
  return merge(effects);
}

function selectLocks(node: AstObject, options: LockModelOptions): LockEffect[] {
  const read = readRelations(node);
  const clauses = ((node.lockingClause as { LockingClause?: AstObject }[] | undefined) ?? []).map((c) => c.LockingClause).filter((c): c is AstObject => !!c);
  if (clauses.length === 0) return merge(read.map((r) => effectOf("select", r, options)));
  // FOR UPDATE OF x names a table or its alias; without OF it applies to every table of the FROM list.
  const aliases = new Map<string, string>();
  const collectAliases = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) collectAliases(v);
      return;
    }
    const object = value as Record<string, unknown>;
    for (const key in object) {
      const child = object[key];
      if (key === "RangeVar") {
        const rv = child as AstObject;
        const r = relationFromRangeVar(rv);
        const alias = (rv.alias as { aliasname?: string } | undefined)?.aliasname;
        if (r) aliases.set(alias ?? r.name, r.key);
      } else collectAliases(child);
    }
  };
  collectAliases(node.fromClause);
  const locked = new Set<string>();
  let all = false;
  for (const clause of clauses) {
    const rels = rangeVars(clause.lockedRels);
    if (rels.length === 0) all = true;
    for (const r of rels) locked.add(aliases.get(r.name) ?? r.key);
  }
  const fromKeys = new Set(aliases.values());
  return merge(read.map((r) => effectOf((all && fromKeys.has(r.key)) || locked.has(r.key) ? "select-for-update" : "select", r, options)));
}

/**
 * The locks a statement takes, per the lock model: its target relations and the other relations it
 * names (a foreign key's referenced table, a partition, the tables a query reads). Relations the
 * statement itself creates are not included; tables created earlier in the same file are (the
 * migration context filters them). Statements that lock nothing known return [].
 */
export function statementLocks(statement: ParsedStatement, options: LockModelOptions): LockEffect[] {
  const node = statement.node;
  switch (statement.type) {
    case "IndexStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      return [effectOf(node.concurrent ? "create-index-concurrently" : "create-index", table, options)];
    }
    case "ReindexStmt": {
      const relation = relationFromRangeVar(node.relation as AstObject);
      if (!relation) return [];
      const concurrent = optionEnabled(node.params, "concurrently");
      if (node.kind === "REINDEX_OBJECT_INDEX") {
        return [effectOf(concurrent ? "reindex-index-concurrently" : "reindex-index", relation, options, "index")];
      }
      if (node.kind === "REINDEX_OBJECT_TABLE") {
        return [effectOf(concurrent ? "reindex-table-concurrently" : "reindex-table", relation, options)];
      }
      return [];
    }
    case "AlterTableStmt":
      return alterTableLocks(node, options);
    case "AlterObjectSchemaStmt": {
      const relation = relationFromRangeVar(node.relation as AstObject);
      const tableLike = ["OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"].includes(String(node.objectType));
      return relation && tableLike ? [effectOf("alter-table-set-schema", relation, options)] : [];
    }
    case "RenameStmt":
      return renameLocks(node, options);
    case "DropStmt":
      return dropLocks(node, options);
    case "TruncateStmt":
      return merge(rangeVars(node.relations).map((r) => effectOf("truncate", r, options)));
    case "CreateTrigStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      return table ? [effectOf("create-trigger", table, options)] : [];
    }
    case "CreatePolicyStmt":
    case "AlterPolicyStmt": {
      const table = relationFromRangeVar(node.table as AstObject);
      return table ? [effectOf(statement.type === "CreatePolicyStmt" ? "create-policy" : "alter-policy", table, options)] : [];
    }
    case "ViewStmt": {
      const view = relationFromRangeVar(node.view as AstObject);
      const sources = readRelations(node.query).filter((r) => r.key !== view?.key);
      if (node.replace === true && view) {
        return merge([effectOf("create-or-replace-view", view, options), ...sources.map((r) => sideLock("create-or-replace-view", r, AS))]);
      }
      return merge(sources.map((r) => effectOf("create-view", r, options)));
    }
    case "CreateTableAsStmt": {
      const form = node.objtype === "OBJECT_MATVIEW" ? "create-materialized-view" : "create-table-as";
      return merge(readRelations(node.query).map((r) => effectOf(form, r, options)));
    }
    case "RefreshMatViewStmt": {
      const view = relationFromRangeVar(node.relation as AstObject);
      return view ? [effectOf(node.concurrent ? "refresh-materialized-view-concurrently" : "refresh-materialized-view", view, options)] : [];
    }
    case "CreateStmt":
      return createTableLocks(node, options);
    case "VacuumStmt": {
      const tables = ((node.rels as { VacuumRelation?: AstObject }[] | undefined) ?? [])
        .map((r) => relationFromRangeVar(r.VacuumRelation?.relation as AstObject | undefined))
        .filter((r): r is RelationRef => !!r);
      const form: LockForm = node.is_vacuumcmd !== true ? "analyze" : optionEnabled(node.options, "full") ? "vacuum-full" : "vacuum";
      return merge(tables.map((r) => effectOf(form, r, options)));
    }
    case "ClusterStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      return table ? [effectOf("cluster", table, options)] : [];
    }
    case "LockStmt": {
      const mode = lockModeFromNumber(typeof node.mode === "number" ? node.mode : 8) ?? "ACCESS EXCLUSIVE";
      return merge(rangeVars(node.relations).map((r) => effectOf(LOCK_TABLE_FORMS[mode], r, options)));
    }
    case "CommentStmt": {
      if (node.objtype === "OBJECT_TABLE") {
        const table = relationFromNameList(node.object);
        return table ? [effectOf("comment-on-table", table, options)] : [];
      }
      if (node.objtype === "OBJECT_COLUMN") {
        const table = tableOfQualifiedMember(node.object);
        return table ? [effectOf("comment-on-column", table, options)] : [];
      }
      return [];
    }
    case "GrantStmt":
      if (node.targtype !== "ACL_TARGET_OBJECT" || node.objtype !== "OBJECT_TABLE") return [];
      return merge(rangeVars(node.objects).map((r) => effectOf("grant-on-table", r, options)));
    case "InsertStmt":
    case "UpdateStmt":
    case "DeleteStmt":
    case "MergeStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      // The target `relation` is a bare RangeVar; readRelations only collects the wrapped ones it reads.
      const sources = readRelations(statement.type === "MergeStmt" ? node.sourceRelation : node).filter((r) => r.key !== table.key);
      const form: LockForm =
        statement.type === "InsertStmt"
          ? sources.length > 0
            ? "insert-select"
            : "insert"
          : statement.type === "UpdateStmt"
            ? "update"
            : statement.type === "DeleteStmt"
              ? "delete"
              : "merge";
      return merge([effectOf(form, table, options), ...sources.map((r) => sideLock(form, r, AS, "scan"))]);
    }
    case "SelectStmt":
      return selectLocks(node, options);
    default:
      return [];
  }
}

export { makeRelation };
