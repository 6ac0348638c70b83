/**
 * Seeing the locks of statements that cannot run in a transaction block (CREATE INDEX
 * CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY, DETACH PARTITION ...
 * CONCURRENTLY, VACUUM, VACUUM FULL).
 *
 * Such a statement commits its own transactions and releases its locks before it returns, and
 * PGlite is a single backend, so nothing can read pg_locks while it runs, except code the
 * statement itself calls. Trace therefore runs the statement a first time in a copy of the
 * database (PGlite's `clone()`: the same catalog, OIDs and rows, in a second in-memory
 * instance that is thrown away afterwards), with a probe in place: `pgsafe_trace.probe()`, an
 * IMMUTABLE function that raises a NOTICE listing the backend's relation locks, called
 * - from an event trigger, for the statements that fire one in their last transaction
 *   (`sql_drop` for DROP INDEX CONCURRENTLY, `ddl_command_end` for DETACH PARTITION CONCURRENTLY);
 * - from the predicate of the index CREATE INDEX CONCURRENTLY builds (`WHERE ... AND
 *   pgsafe_trace.probe(true)`: PostgreSQL evaluates the constant call while it plans the
 *   predicate, in each phase of the build; folding `AND true` leaves the index as written);
 * - from the predicate of a probe index on the table that the statement rebuilds (REINDEX TABLE
 *   CONCURRENTLY, VACUUM FULL) or summarises (VACUUM: a BRIN index with a range left
 *   unsummarised, which VACUUM's index cleanup summarises, reading its rows: in an empty table
 *   trace first inserts a row, in the copy);
 * - for REINDEX INDEX CONCURRENTLY, which rebuilds only the index it names: from a probe index on
 *   the same table that the copy reindexes instead, its locks standing for the named index's.
 * Then the real statement runs in the replay database, which never sees a probe. The copy's
 * relations have the OIDs of the replay database, so the locks the probe saw are the statement's
 * on the same relations.
 */
import type { LockForm } from "../analysis/locks.js";
import { quoteIdent } from "../analysis/names.js";
import type { ParsedStatement } from "../parser/parse.js";
import type { Expectation } from "./compare.js";
import type { CatalogSnapshot, RelationInfo } from "./runner.js";

/** The schema of the probe function in the copy. */
export const PROBE_SCHEMA = "pgsafe_trace";

/** The NOTICE the probe raises: this prefix, then a JSON array of `{ oid, mode }`. */
export const PROBE_NOTICE = "pgsafe-trace-locks ";

/**
 * The probe's functions, created in the copy. The probe reads pg_locks on calls 1, 2, 4, 8, ...:
 * evaluated once per row, it reads them about log2(rows) times, still at least once in each
 * pass over the table (a pass over n rows after 1..k calls always holds a power of two).
 */
export const PROBE_FUNCTIONS = `
CREATE SCHEMA ${PROBE_SCHEMA};
GRANT USAGE ON SCHEMA ${PROBE_SCHEMA} TO PUBLIC;
CREATE FUNCTION ${PROBE_SCHEMA}.probe(anyelement) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $probe$
DECLARE
  calls bigint := coalesce(nullif(pg_catalog.current_setting('${PROBE_SCHEMA}.calls', true), ''), '0')::bigint + 1;
BEGIN
  PERFORM pg_catalog.set_config('${PROBE_SCHEMA}.calls', calls::text, false);
  IF calls & (calls - 1) = 0 THEN
    RAISE NOTICE '${PROBE_NOTICE}%', (
      SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('oid', l.relation::int, 'mode', l.mode)), '[]')
      FROM pg_catalog.pg_locks l
      WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted);
  END IF;
  RETURN true;
END $probe$;
CREATE FUNCTION ${PROBE_SCHEMA}.probe_event() RETURNS event_trigger LANGUAGE plpgsql AS $probe$
BEGIN PERFORM ${PROBE_SCHEMA}.probe(true); END $probe$;
`;

/** What trace runs in the copy of the database to see a statement's locks while it runs. */
export interface LockProbe {
  /** Where the probe sits, in words (for the report). */
  method: string;
  /** Statements run in the copy before the observed one, each on its own. */
  setup: string[];
  /** The statement run in the copy: the migration's own, with the probe added or (see `standIns`) a stand-in. */
  statement: string;
  /**
   * Tables (OIDs) the probe fires in only when they hold a row: when one is empty, trace inserts
   * a row into it in the copy first (see TraceSession.probeLocks).
   */
  needsRow: number[];
  /** Relations of the copy whose locks count as those of a relation of the replay database (SQL name in the copy → OID). */
  standIns: { sql: string; oid: number }[];
}

function sqlName(rel: Pick<RelationInfo, "schema" | "name">): string {
  return `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
}

/** A name for a new relation in the schema that neither the catalog nor `taken` holds (it is added to `taken`). */
function freeName(catalog: CatalogSnapshot, schema: string, base: string, taken = new Set<string>()): string {
  for (let i = 0; ; i++) {
    const key = `${schema}.${i === 0 ? base : `${base}_${i}`}`;
    if (catalog.byKey.has(key) || taken.has(key)) continue;
    taken.add(key);
    return key.slice(schema.length + 1);
  }
}

const EVENT_TRIGGER = "pgsafe_trace_probe";

function eventTrigger(event: "sql_drop" | "ddl_command_end"): string[] {
  return [
    `CREATE EVENT TRIGGER ${EVENT_TRIGGER} ON ${event} EXECUTE FUNCTION ${PROBE_SCHEMA}.probe_event()`,
    // It fires whatever session_replication_role the migration set.
    `ALTER EVENT TRIGGER ${EVENT_TRIGGER} ENABLE ALWAYS`,
  ];
}

/** A probe index on a table: its predicate calls the probe once when planned and once per row it reads. */
function probeIndex(table: RelationInfo, name: string, method: "btree" | "brin"): string {
  const predicate = `${PROBE_SCHEMA}.probe(true) AND ${PROBE_SCHEMA}.probe(${quoteIdent(table.name)}.*)`;
  const using = method === "brin" ? " USING brin" : "";
  // VACUUM summarises only complete ranges: with one page per range, every range is complete.
  const withClause = method === "brin" ? " WITH (pages_per_range = 1)" : "";
  return `CREATE INDEX ${quoteIdent(name)} ON ${sqlName(table)}${using} ((1))${withClause} WHERE ${predicate}`;
}

export interface ProbeInput {
  /** The statement's text as it runs. */
  sql: string;
  statement: ParsedStatement;
  expectations: readonly Expectation[];
  /** OID each expectation's relation resolved to (undefined: it does not exist). */
  resolved: readonly (number | undefined)[];
  catalog: CatalogSnapshot;
}

/** The forms trace has a probe for. */
export const PROBED_FORMS: ReadonlySet<LockForm> = new Set<LockForm>([
  "create-index-concurrently",
  "drop-index-concurrently",
  "reindex-index-concurrently",
  "reindex-table-concurrently",
  "alter-table-detach-partition-concurrently",
  "vacuum",
  "vacuum-full",
]);

/** A statement that cannot run in a transaction block whose locks no probe can see, and why. */
export interface NoProbe {
  failure: string;
}

/**
 * How to see the locks of a statement that cannot run in a transaction block: the probe, why
 * there is none, or undefined when there is nothing to compare (the model expects no lock on a
 * relation that exists).
 */
export function planProbe(input: ProbeInput): LockProbe | NoProbe | undefined {
  const { sql, statement, expectations, resolved, catalog } = input;
  const primary = expectations[0];
  const relationOf = (i: number): RelationInfo | undefined => {
    const oid = resolved[i];
    return oid === undefined ? undefined : catalog.relations.get(oid);
  };
  const named = relationOf(0);
  if (!primary || !named) return undefined;
  const none: NoProbe = { failure: `trace has no probe for ${primary.form} on ${named.kind === "p" ? "a partitioned table" : named.name}` };
  if (!PROBED_FORMS.has(primary.form)) return none;
  const tableOf = (rel: RelationInfo): RelationInfo | undefined => (rel.tableOid !== null ? catalog.relations.get(rel.tableOid) : rel);

  switch (primary.form) {
    case "create-index-concurrently": {
      const hasWhere = (statement.node as { whereClause?: unknown }).whereClause !== undefined;
      // WHERE is the last clause of CREATE INDEX. A new line ends a trailing comment.
      return {
        method: "the index predicate calls the probe while PostgreSQL builds the index",
        setup: [],
        statement: `${sql}\n${hasWhere ? "AND" : "WHERE"} ${PROBE_SCHEMA}.probe(true)`,
        needsRow: [],
        standIns: [],
      };
    }
    case "drop-index-concurrently":
      return { method: "an event trigger (sql_drop) fires in the statement's last transaction", setup: eventTrigger("sql_drop"), statement: sql, needsRow: [], standIns: [] };
    case "alter-table-detach-partition-concurrently":
      return { method: "an event trigger (ddl_command_end) fires in the statement's last transaction", setup: eventTrigger("ddl_command_end"), statement: sql, needsRow: [], standIns: [] };
    case "reindex-index-concurrently": {
      const table = tableOf(named);
      if (!table || table === named) return none;
      const name = freeName(catalog, table.schema, "pgsafe_trace_probe");
      const probeSql = `${quoteIdent(table.schema)}.${quoteIdent(name)}`;
      return {
        method: `a probe index on ${table.name} is reindexed in its place, its predicate calling the probe while the replacement is built`,
        setup: [probeIndex(table, name, "btree")],
        statement: `REINDEX INDEX CONCURRENTLY ${probeSql}`,
        needsRow: [],
        standIns: [{ sql: probeSql, oid: named.oid }],
      };
    }
    case "reindex-table-concurrently":
    case "vacuum-full":
    case "vacuum": {
      const setup: string[] = [];
      const needsRow: number[] = [];
      const seen = new Set<number>();
      const names = new Set<string>();
      expectations.forEach((x, i) => {
        const rel = relationOf(i);
        if (x.kind !== "table" || !rel || seen.has(rel.oid) || (rel.kind !== "r" && rel.kind !== "m")) return;
        seen.add(rel.oid);
        const name = freeName(catalog, rel.schema, "pgsafe_trace_probe", names);
        if (x.form === "vacuum") {
          // The range of a page that holds a row is left unsummarised: VACUUM summarises it, reading its rows.
          const index = `'${sqlName({ schema: rel.schema, name }).replace(/'/g, "''")}'::pg_catalog.regclass`;
          const page = `(SELECT (ctid::text::point)[0]::bigint FROM ONLY ${sqlName(rel)} LIMIT 1)`;
          setup.push(probeIndex(rel, name, "brin"), `SELECT pg_catalog.brin_desummarize_range(${index}, ${page})`);
          needsRow.push(rel.oid);
        } else {
          setup.push(probeIndex(rel, name, "btree"));
        }
      });
      if (setup.length === 0) return none;
      const method =
        primary.form === "vacuum"
          ? "VACUUM summarises a BRIN probe index whose predicate calls the probe for each row"
          : primary.form === "vacuum-full"
            ? "VACUUM FULL rebuilds a probe index whose predicate calls the probe"
            : "REINDEX rebuilds a probe index whose predicate calls the probe";
      return { method, setup, statement: sql, needsRow, standIns: [] };
    }
    default:
      return none;
  }
}
