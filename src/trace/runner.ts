/**
 * The embedded PostgreSQL of `pgsafe trace` (PGlite: PostgreSQL 18 compiled to WebAssembly, in
 * memory, in this process) and how one statement is run and observed in it.
 *
 * PGlite is a single backend, so `pg_locks` filtered on `pg_backend_pid()` shows exactly the
 * locks of the migration. A statement is observed inside a transaction: the migration's own, or,
 * for a statement that would run on its own (autocommit), a BEGIN ... COMMIT that trace puts
 * around it, so that its locks are still held when trace reads pg_locks. Statements PostgreSQL
 * refuses inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, ...) run on their own:
 * their locks are released before they return, so trace first runs them in a copy of the database
 * with a probe that reads pg_locks while they run (probe.ts), then for real; their storage and
 * catalog changes are read from the real run.
 *
 * Around the statement trace reads, with catalog queries that lock no user relation:
 * - pg_class: which relations exist (by OID, so renamed and dropped ones are still recognised),
 *   their relfilenode (a new one is new storage: a rewrite) and the rows sequential scans returned;
 * - pg_attribute / pg_attrdef / pg_constraint: columns and constraints, before and after;
 * - pg_locks: the backend's relation locks before and after, inside the transaction.
 * Whether a table has rows is asked in a savepoint that is rolled back, which releases the lock
 * the question takes.
 *
 * `@electric-sql/pglite` is imported here only, dynamically: nothing on the lint path loads it.
 */
import type { PGlite } from "@electric-sql/pglite";
import { LOCK_MODES, pgLocksName, strongestLock, type LockMode } from "../analysis/locks.js";
import { makeRelation } from "../analysis/names.js";
import { PROBE_FUNCTIONS, PROBE_NOTICE, PROBE_SCHEMA, type LockProbe, type NoProbe } from "./probe.js";
import type { ObservedLock } from "./types.js";

const MODE_BY_PG_NAME = new Map(LOCK_MODES.map((m) => [pgLocksName(m), m]));

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

export interface RelationInfo {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind */
  kind: string;
  relfilenode: number;
  /** For an index: its table's OID. */
  tableOid: number | null;
  /** Rows returned by sequential scans so far (committed + this transaction's). */
  seqRead: number;
}

export interface ColumnInfo {
  rel: number;
  num: number;
  name: string;
  type: string;
  notNull: boolean;
  dropped: boolean;
  default: string | null;
}

export interface ConstraintInfo {
  oid: number;
  rel: number;
  name: string;
  /** pg_constraint.contype */
  type: string;
  validated: boolean;
  definition: string;
  /** For a foreign key: the referenced table. */
  references: number | null;
}

/** The catalog as trace reads it around a statement. */
export interface CatalogSnapshot {
  relations: Map<number, RelationInfo>;
  /** `schema.name` → relation (tables, views, indexes, sequences). */
  byKey: Map<string, RelationInfo>;
  columns: ColumnInfo[];
  constraints: ConstraintInfo[];
}

/** Strongest mode per relation OID, with every mode held. */
export type LockSet = Map<number, Set<LockMode>>;

export interface PgError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  /** 1-based character (code point) offset into the statement text. */
  position?: number;
}

/** The label of a relation as Postgres prints it: `users`, `app.users`. */
export function relationLabel(rel: Pick<RelationInfo, "schema" | "name">): string {
  return makeRelation(rel.schema === "public" ? undefined : rel.schema, rel.name).label;
}

export function relkindName(kind: string): ObservedLock["relkind"] {
  switch (kind) {
    case "r":
      return "table";
    case "p":
      return "partitioned table";
    case "v":
      return "view";
    case "m":
      return "materialized view";
    case "f":
      return "foreign table";
    case "i":
    case "I":
      return "index";
    case "S":
      return "sequence";
    default:
      return "other";
  }
}

/** Tables, views, materialized views, partitioned and foreign tables: what the lock model's table locks are on. */
export const TABLE_KINDS = new Set(["r", "p", "v", "m", "f"]);
export const INDEX_KINDS = new Set(["i", "I"]);

function toPgError(error: unknown): PgError {
  const e = error as { message?: unknown; code?: unknown; detail?: unknown; hint?: unknown; position?: unknown };
  const position = typeof e.position === "string" || typeof e.position === "number" ? Number(e.position) : undefined;
  return {
    message: typeof e.message === "string" ? e.message : String(error),
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    ...(typeof e.detail === "string" && e.detail ? { detail: e.detail } : {}),
    ...(typeof e.hint === "string" && e.hint ? { hint: e.hint } : {}),
    ...(position !== undefined && Number.isFinite(position) && position > 0 ? { position } : {}),
  };
}

/** Errors a statement raises when it cannot run in the transaction block trace opened around it. */
const NOT_IN_TRANSACTION_BLOCK = new Set(["25001", "2D000"]);

export interface StatementRun {
  ok: boolean;
  error?: PgError;
  /** The statement ran inside a transaction. */
  inTransaction: boolean;
  /**
   * Where `taken` comes from: pg_locks inside the transaction, a probe that read pg_locks while
   * the statement ran in a copy of the database (a statement that cannot run in a transaction
   * block), or nowhere (`none`: `taken` is empty).
   */
  locksFrom: "transaction" | "probe" | "none";
  /** For a statement that ran on its own: how the probe saw its locks, or why they could not be seen. */
  probe?: { method?: string; failure?: string };
  before: CatalogSnapshot;
  /** Undefined when it failed. */
  after?: CatalogSnapshot;
  /** Modes newly held after the statement, by OID (empty when not observable). */
  taken: LockSet;
  /** Modes held before it in its transaction. */
  heldBefore: LockSet;
  /** Tables the statement's scan check needs that had rows before it. */
  withRows: Set<number>;
  /** NOTICE / WARNING messages the statement raised. */
  notices: string[];
  ms: number;
}

export interface ObserveHooks {
  /**
   * Called inside the statement's transaction, before it runs, with the catalog: resolves the
   * relations the static side expects and returns the OIDs of tables whose emptiness matters.
   */
  prepare?: (catalog: CatalogSnapshot) => Promise<number[]>;
  /**
   * For a statement that cannot run in a transaction block: the probe that shows its locks
   * (probe.ts), given the catalog right before it, or why there is none; undefined when there is
   * nothing to compare.
   */
  probe?: (catalog: CatalogSnapshot) => LockProbe | NoProbe | undefined;
}

/** What a probe saw: the modes the statement held on each relation (OID of the replay database) while it ran. */
export type ProbeResult = { ok: true; taken: LockSet } | { ok: false; failure: string };

/** One PGlite instance: the database a trace run replays the migrations into. */
export class TraceSession {
  readonly db: PGlite;
  readonly version: string;
  /** The transaction the migration is in has failed: statements other than ROLLBACK / COMMIT are skipped. */
  aborted = false;

  private constructor(db: PGlite, version: string) {
    this.db = db;
    this.version = version;
  }

  /** Starts an in-memory PostgreSQL (PGlite). Takes a few seconds and several hundred MB. */
  static async start(): Promise<TraceSession> {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = await PGlite.create();
    const { rows } = await db.query<{ version: string }>("SELECT pg_catalog.version() AS version");
    const session = new TraceSession(db, rows[0]?.version ?? "PostgreSQL");
    await session.prepareSession();
    return session;
  }

  /** Settings trace's own observations need (re-applied after a reset). */
  async prepareSession(): Promise<void> {
    // Read the statistics counters as they are now, not as cached at the first read of the transaction.
    await this.db.exec("SET stats_fetch_consistency = none");
  }

  get inTransaction(): boolean {
    return this.db.isInTransaction();
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /**
   * Puts the database back to an empty state (for tests that trace several independent histories
   * with one instance): drops every user schema and event trigger and re-creates `public`.
   */
  async reset(): Promise<void> {
    if (this.inTransaction) await this.db.exec("ROLLBACK");
    this.aborted = false;
    const { rows } = await this.db.query<{ name: string }>(
      `SELECT n.nspname AS name FROM pg_catalog.pg_namespace n WHERE ${USER_SCHEMAS} AND n.nspname <> 'public'`,
    );
    const events = await this.db.query<{ name: string }>("SELECT evtname AS name FROM pg_catalog.pg_event_trigger");
    for (const e of events.rows) await this.db.exec(`DROP EVENT TRIGGER IF EXISTS ${quote(e.name)}`);
    for (const s of rows) await this.db.exec(`DROP SCHEMA ${quote(s.name)} CASCADE`);
    await this.db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT ALL ON SCHEMA public TO PUBLIC; RESET ALL");
    await this.prepareSession();
  }

  /** Runs SQL (one statement or several, as a simple query) without observing it. */
  async run(sql: string, notices?: string[]): Promise<PgError | undefined> {
    try {
      await this.db.exec(sql, notices ? { onNotice: (n) => notices.push(n.message ?? "") } : undefined);
      return undefined;
    } catch (error) {
      return toPgError(error);
    }
  }

  /** Runs one statement of the migration as the migration tool would, without observing it; tracks a failed transaction. */
  async runStatement(sql: string): Promise<PgError | undefined> {
    const wasIn = this.inTransaction;
    const error = await this.run(sql);
    this.track(wasIn, error);
    return error;
  }

  private track(wasIn: boolean, error: PgError | undefined): void {
    if (!this.inTransaction) this.aborted = false;
    else if (error && (wasIn || this.inTransaction)) this.aborted = true;
    else if (!error) this.aborted = false;
  }

  /** Whether the table has a row (asked in a savepoint that releases the lock the question takes). */
  async hasRows(oid: number): Promise<boolean> {
    await this.db.exec("SAVEPOINT pgsafe_trace_probe");
    try {
      const { rows } = await this.db.query<{ name: string }>(
        "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1",
        [oid],
      );
      if (!rows[0]) return false;
      const found = await this.db.query<{ found: boolean }>(`SELECT EXISTS (SELECT FROM ONLY ${rows[0].name}) AS found`);
      return found.rows[0]?.found === true;
    } finally {
      await this.db.exec("ROLLBACK TO SAVEPOINT pgsafe_trace_probe; RELEASE SAVEPOINT pgsafe_trace_probe");
    }
  }

  async snapshot(): Promise<CatalogSnapshot> {
    const rels = await this.db.query<RelationInfo>(`
      SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
             c.relfilenode::int AS relfilenode, i.indrelid::int AS "tableOid",
             (pg_catalog.pg_stat_get_tuples_returned(c.oid) + pg_catalog.pg_stat_get_xact_tuples_returned(c.oid))::int AS "seqRead"
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
      WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'i', 'I', 'S')`);
    const columns = await this.db.query<ColumnInfo>(`
      SELECT a.attrelid::int AS rel, a.attnum::int AS num, a.attname AS name,
             pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
             a.attisdropped AS dropped, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "default"
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE ${USER_SCHEMAS} AND a.attnum > 0 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`);
    const constraints = await this.db.query<ConstraintInfo>(`
      SELECT k.oid::int AS oid, k.conrelid::int AS rel, k.conname AS name, k.contype::text AS type,
             k.convalidated AS validated, pg_catalog.pg_get_constraintdef(k.oid) AS definition,
             nullif(k.confrelid, 0)::int AS "references"
      FROM pg_catalog.pg_constraint k
      JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_SCHEMAS} AND k.contype <> 'n'`);
    const relations = new Map(rels.rows.map((r) => [r.oid, r]));
    return {
      relations,
      byKey: new Map(rels.rows.map((r) => [`${r.schema}.${r.name}`, r])),
      columns: columns.rows,
      constraints: constraints.rows,
    };
  }

  /** The OID a name resolves to now (search_path applied; takes no lock), or undefined. */
  async resolve(sqlName: string): Promise<number | undefined> {
    const { rows } = await this.db.query<{ oid: number | null }>("SELECT pg_catalog.to_regclass($1)::oid::int AS oid", [sqlName]);
    return rows[0]?.oid ?? undefined;
  }

  async locks(): Promise<LockSet> {
    const { rows } = await this.db.query<{ oid: number; mode: string }>(
      "SELECT relation::int AS oid, mode FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'relation' AND granted",
    );
    const out: LockSet = new Map();
    for (const r of rows) {
      const mode = MODE_BY_PG_NAME.get(r.mode);
      if (!mode) continue;
      const set = out.get(r.oid) ?? new Set<LockMode>();
      set.add(mode);
      out.set(r.oid, set);
    }
    return out;
  }

  /**
   * Runs one statement and observes it (see the header). Outside a transaction it opens one
   * around the statement and commits it; a statement that cannot run in a transaction block is
   * then run on its own.
   */
  async observe(sql: string, hooks: ObserveHooks = {}): Promise<StatementRun> {
    const inMigrationTransaction = this.inTransaction;
    if (!inMigrationTransaction) await this.db.exec("BEGIN");
    let before = await this.snapshot();
    const probe = (await hooks.prepare?.(before)) ?? [];
    const withRows = new Set<number>();
    for (const oid of probe) if (await this.hasRows(oid)) withRows.add(oid);
    // Re-read after the probes, so that their reads do not count as the statement's.
    if (probe.length > 0) before = await this.snapshot();
    const heldBefore = inMigrationTransaction ? await this.locks() : new Map<number, Set<LockMode>>();
    const notices: string[] = [];
    const started = performance.now();
    let error = await this.run(sql, notices);
    let ms = performance.now() - started;

    if (!inMigrationTransaction && error && error.code && NOT_IN_TRANSACTION_BLOCK.has(error.code)) {
      // It must run on its own: its locks are released when it returns. A probe in a copy of
      // the database sees them while it runs; then it runs for real.
      await this.db.exec("ROLLBACK");
      before = await this.snapshot();
      const planned = hooks.probe?.(before);
      const plan = planned && "statement" in planned ? planned : undefined;
      const probed: ProbeResult | undefined = plan ? await this.probeLocks(plan) : undefined;
      notices.length = 0;
      const t0 = performance.now();
      error = await this.run(sql, notices);
      ms = performance.now() - t0;
      const after = error ? undefined : await this.snapshot();
      this.track(false, error);
      const seen = probed?.ok === true;
      const probe = plan ? (probed?.ok === false ? { method: plan.method, failure: probed.failure } : { method: plan.method }) : planned;
      return {
        ok: !error,
        ...(error ? { error } : {}),
        inTransaction: false,
        locksFrom: seen ? "probe" : "none",
        ...(probe ? { probe } : {}),
        before,
        ...(after ? { after } : {}),
        taken: probed?.ok === true ? probed.taken : new Map(),
        heldBefore,
        withRows,
        notices,
        ms,
      };
    }

    if (error) {
      if (!inMigrationTransaction) await this.db.exec("ROLLBACK");
      else this.track(true, error);
      return { ok: false, error, inTransaction: true, locksFrom: "transaction", before, taken: new Map(), heldBefore, withRows, notices, ms };
    }
    // A statement can end the migration's transaction itself (COMMIT inside a procedure is refused, but COMMIT / ROLLBACK are statements too).
    const stillIn = this.inTransaction;
    const held = stillIn ? await this.locks() : new Map<number, Set<LockMode>>();
    const after = await this.snapshot();
    if (!inMigrationTransaction && stillIn) await this.db.exec("COMMIT");
    this.track(inMigrationTransaction, undefined);
    const taken: LockSet = new Map();
    for (const [oid, modes] of held) {
      const previously = heldBefore.get(oid);
      const fresh = [...modes].filter((m) => !previously?.has(m));
      if (fresh.length > 0) taken.set(oid, new Set(fresh));
    }
    return { ok: true, inTransaction: stillIn, locksFrom: stillIn ? "transaction" : "none", before, after, taken, heldBefore, withRows, notices, ms };
  }

  /**
   * Runs a probe (probe.ts) in a copy of the database and returns the locks it saw, by OID of
   * this database (the copy has the same OIDs). The copy gets the probe function, a row in each
   * empty table the probe needs one in, the probe's objects and the session's settings, then runs
   * the probe's statement; it is closed afterwards. Must be called outside a transaction.
   */
  async probeLocks(probe: LockProbe): Promise<ProbeResult> {
    const settings = await this.db.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session' AND name NOT IN ('session_authorization', 'transaction_isolation', 'transaction_read_only', 'transaction_deferrable')",
    );
    let copy: PGliteLike | undefined;
    let step = "copying the database";
    try {
      copy = (await this.db.clone()) as PGliteLike;
      step = "creating the probe";
      await copy.exec(PROBE_FUNCTIONS);
      for (const oid of probe.needsRow) {
        step = "inserting a row for the probe";
        await insertRow(copy, oid);
      }
      for (const sql of probe.setup) {
        step = `setting up the probe (${sql})`;
        await copy.exec(sql);
      }
      const standIns = new Map<number, number>();
      for (const s of probe.standIns) {
        const { rows } = await copy.query<{ oid: number | null }>("SELECT pg_catalog.to_regclass($1)::oid::int AS oid", [s.sql]);
        if (rows[0]?.oid) standIns.set(rows[0].oid, s.oid);
      }
      step = "applying the session's settings";
      // The migration's own settings (search_path, role, ...), so that its names resolve as in the replay database.
      for (const s of settings.rows) {
        try {
          await copy.query("SELECT pg_catalog.set_config($1, $2, false)", [s.name, s.setting]);
        } catch {
          // A setting the copy refuses (a read-only one) does not change which locks the statement takes.
        }
      }
      await copy.exec(`SET client_min_messages = notice; SELECT pg_catalog.set_config('${PROBE_SCHEMA}.calls', '0', false)`);
      step = "running the statement with the probe";
      const taken: LockSet = new Map();
      let fired = false;
      await copy.exec(probe.statement, {
        onNotice: (notice) => {
          const message = notice.message ?? "";
          if (!message.startsWith(PROBE_NOTICE)) return;
          fired = true;
          for (const l of JSON.parse(message.slice(PROBE_NOTICE.length)) as { oid: number | null; mode: string }[]) {
            const mode = MODE_BY_PG_NAME.get(l.mode);
            if (l.oid === null || !mode) continue;
            const oid = standIns.get(l.oid) ?? l.oid;
            const set = taken.get(oid) ?? new Set<LockMode>();
            set.add(mode);
            taken.set(oid, set);
          }
        },
      });
      if (!fired) return { ok: false, failure: "the probe was not called while the statement ran" };
      return { ok: true, taken };
    } catch (error) {
      return { ok: false, failure: `${step} failed: ${toPgError(error).message}` };
    } finally {
      await copy?.close();
    }
  }
}

/** What probeLocks uses of the copy (PGlite's clone() is typed as the interface). */
type PGliteLike = Pick<PGlite, "exec" | "query" | "close">;

/**
 * Inserts a row into an empty table of the copy, so that a probe evaluated per row is called.
 * The row only has to exist, not to be valid: for this one INSERT the table's NOT NULL and CHECK
 * constraints are lifted in the copy's catalog (and put back before the commit), and
 * session_replication_role = replica skips triggers and foreign-key checks.
 */
async function insertRow(copy: PGliteLike, oid: number): Promise<void> {
  const { rows } = await copy.query<{ name: string }>(
    "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1",
    [oid],
  );
  const table = rows[0]?.name;
  if (!table) return;
  const filled = await copy.query<{ filled: boolean }>(`SELECT EXISTS (SELECT FROM ONLY ${table}) AS filled`);
  if (filled.rows[0]?.filled) return;
  await copy.exec("BEGIN");
  try {
    await copy.exec("SET LOCAL session_replication_role = replica");
    const notNull = await copy.query<{ num: number }>(
      "UPDATE pg_catalog.pg_attribute SET attnotnull = false WHERE attrelid = $1 AND attnum > 0 AND attnotnull RETURNING attnum::int AS num",
      [oid],
    );
    const checks = await copy.query<{ n: number }>("SELECT relchecks::int AS n FROM pg_catalog.pg_class WHERE oid = $1", [oid]);
    await copy.query("UPDATE pg_catalog.pg_class SET relchecks = 0 WHERE oid = $1", [oid]);
    await copy.exec(`INSERT INTO ${table} DEFAULT VALUES`);
    await copy.query("UPDATE pg_catalog.pg_attribute SET attnotnull = true WHERE attrelid = $1 AND attnum = ANY($2::int[])", [oid, notNull.rows.map((r) => r.num)]);
    await copy.query("UPDATE pg_catalog.pg_class SET relchecks = $2 WHERE oid = $1", [oid, checks.rows[0]?.n ?? 0]);
    await copy.exec("COMMIT");
  } catch (error) {
    await copy.exec("ROLLBACK");
    throw error;
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The strongest of a set of modes. */
export function strongest(modes: Iterable<LockMode> | undefined): LockMode | undefined {
  return modes ? strongestLock(modes) : undefined;
}
