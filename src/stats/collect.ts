/**
 * Reading table sizes from a database for `pgsafe stats`, with read-only catalog queries inside a
 * READ ONLY transaction: pg_class (the planner's row estimate `reltuples`, and
 * pg_total_relation_size) and pg_stat_user_tables (`n_live_tup`, the statistics system's count).
 *
 * `db` is anything with a `query(sql)` resolving to `{ rows }`: a node-postgres Client or a PGlite
 * instance. https://www.postgresql.org/docs/current/catalog-pg-class.html,
 * https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-TABLES-VIEW
 */
import { STATS_VERSION, type TableSize, type TableStats } from "./types.js";

export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

// Ordinary and partitioned tables and materialized views, outside the system schemas. Numbers are
// cast to float8 so that every driver returns a JavaScript number (bigint comes back as a string).
const RELATIONS = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.reltuples::float8 AS reltuples, pg_total_relation_size(c.oid)::float8 AS bytes,
       s.n_live_tup::float8 AS live
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid
 WHERE c.relkind IN ('r', 'p', 'm')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp_)'`;

const PARTITIONS = `SELECT i.inhrelid::text AS child, i.inhparent::text AS parent
  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
 WHERE p.relkind = 'p'`;

interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  reltuples: number | null;
  bytes: number | null;
  live: number | null;
}

/**
 * Rows: the larger of reltuples (as of the last VACUUM / ANALYZE; -1 when never analyzed, PG ≥ 14)
 * and n_live_tup, so that a table that was never analyzed is not taken for an empty one. A
 * partitioned table holds no rows itself: it gets the sums of its partitions (recursively).
 */
export async function collectStats(db: Queryable, now: Date = new Date()): Promise<TableStats> {
  await db.query("BEGIN TRANSACTION READ ONLY");
  let relations: RelationRow[];
  let partitions: { child: string; parent: string }[];
  let database: string | undefined;
  try {
    relations = (await db.query(RELATIONS)).rows as RelationRow[];
    partitions = (await db.query(PARTITIONS)).rows as { child: string; parent: string }[];
    database = ((await db.query("SELECT current_database() AS name")).rows[0] as { name?: string } | undefined)?.name;
  } finally {
    await db.query("ROLLBACK");
  }
  const own = new Map<string, TableSize>();
  for (const r of relations) {
    const rows = Math.max(0, Number(r.reltuples ?? 0), Number(r.live ?? 0));
    own.set(r.oid, { rows: Math.round(rows), bytes: Math.max(0, Number(r.bytes ?? 0)) });
  }
  const children = new Map<string, string[]>();
  for (const { child, parent } of partitions) children.set(parent, [...(children.get(parent) ?? []), child]);
  const partitioned = new Set(relations.filter((r) => r.kind === "p").map((r) => r.oid));
  // ANALYZE of a partitioned table sets its reltuples to the rows of its partitions (PG ≥ 14): only
  // the partitions are counted, so that the rows are not counted twice.
  const total = (oid: string, seen: Set<string>): TableSize => {
    if (!partitioned.has(oid)) return own.get(oid) ?? { rows: 0, bytes: 0 };
    if (seen.has(oid)) return { rows: 0, bytes: 0 };
    seen.add(oid);
    return (children.get(oid) ?? []).reduce(
      (sum, kid) => {
        const k = total(kid, seen);
        return { rows: sum.rows + k.rows, bytes: sum.bytes + k.bytes };
      },
      { rows: 0, bytes: own.get(oid)?.bytes ?? 0 },
    );
  };
  const tables: Record<string, TableSize> = {};
  const sorted = [...relations].sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
  for (const r of sorted) tables[`${r.schema}.${r.name}`] = total(r.oid, new Set());
  return { version: STATS_VERSION, collectedAt: now.toISOString(), ...(database ? { database } : {}), tables };
}
