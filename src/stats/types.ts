/**
 * The table-size file `pgsafe stats` writes and `--stats FILE` reads (docs/stats.md):
 *
 *   {
 *     "version": 1,
 *     "collectedAt": "2026-11-21T08:00:00.000Z",
 *     "database": "app",
 *     "tables": { "public.users": { "rows": 48000000, "bytes": 20401094656 } }
 *   }
 *
 * Keys are `schema.table` as PostgreSQL spells them (`public.users`, `app."Users"` is `app.Users`),
 * the way pgsafe compares names. `rows` is an estimate (the planner's statistics), `bytes` the
 * table's total size on disk: its data, TOAST and indexes (pg_total_relation_size).
 */

/** The only format version so far. */
export const STATS_VERSION = 1;

export interface TableSize {
  /** Estimated number of live rows. */
  rows: number;
  /** Total size on disk in bytes: data, TOAST and indexes. */
  bytes: number;
}

export interface TableStats {
  version: typeof STATS_VERSION;
  /** ISO 8601 time of collection. */
  collectedAt?: string;
  /** The database the sizes were read from. */
  database?: string;
  /** Size per table, keyed `schema.table`. */
  tables: Record<string, TableSize>;
}

/**
 * When table sizes change a finding's severity: a warning on a statement that scans or rewrites a
 * large table becomes an error; an error on a statement whose every scanned or rewritten table is
 * small becomes a warning.
 */
export interface StatsThresholds {
  /** A table is small below both of these (default 10,000 rows and 100 MB). */
  smallRows: number;
  smallBytes: number;
  /** A table is large at either of these (default 1,000,000 rows or 1 GB). */
  largeRows: number;
  largeBytes: number;
}

export const DEFAULT_THRESHOLDS: StatsThresholds = {
  smallRows: 10_000,
  smallBytes: 100 * 1024 ** 2,
  largeRows: 1_000_000,
  largeBytes: 1024 ** 3,
};
