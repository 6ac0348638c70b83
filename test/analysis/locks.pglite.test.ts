/**
 * Proves every entry of LOCK_MODEL against a real Postgres (PGlite: PostgreSQL 18 in WASM).
 *
 * For each example (an entry's `example` and its `otherExamples`) the test runs the statement on
 * the pre-existing objects of the schema in lock-schema.ts and observes, for its own backend:
 * - pg_locks: the strongest relation lock per relation (by OID, named from a catalog snapshot taken
 *   before the statement, so dropped and renamed relations are still recognised);
 * - pg_class.relfilenode before and after: a new relfilenode means new storage (a rewrite);
 * - rows returned by sequential scans (pg_stat_get_tuples_returned + the current transaction's
 *   pending count): tells a statement that reads the table from one that only touches the catalog.
 * Then it undoes the statement. It asserts:
 * - the strongest lock on the target (for index forms: the index's table; `indexOnly`: the index)
 *   equals `mode`, the lock on the index (or on each index of the table) equals `indexMode`;
 * - every other pre-existing table, view, materialized view or partitioned table the statement
 *   locks is listed in `alsoLocks` with its strongest mode, and nothing else is listed;
 * - the relfilenode of the target changes iff effect === "rewrite", or `swapsStorage` (TRUNCATE
 *   swaps in empty storage without copying a row); the table's indexes get new storage iff
 *   `rebuildsIndexes` (and never for an instant or scanning form);
 * - an "instant" form reads no row of the target or alsoLocks relations; a "scan" form reads some
 *   (except VACUUM and ANALYZE, whose reads are not counted as sequential scans);
 * - `noTransactionBlock` forms fail inside BEGIN, all others run inside it;
 * - statementLocks on the parsed example reports the entry's form, mode, effect and kind for the
 *   target and exactly the alsoLocks relations the statement names (with the schema hooks fed from
 *   the live catalog), and `withoutSchema` without the hooks.
 *
 * Transactional examples run inside BEGIN ... ROLLBACK and read pg_locks before the ROLLBACK.
 * Statements Postgres refuses inside a transaction block (CONCURRENTLY forms, VACUUM) run on their
 * own; their locks are gone when they return, so a probe records pg_locks *while they run*: the
 * IMMUTABLE function pgsafe_probe() raises a NOTICE with the backend's relation locks, and PROBES
 * below says where it is called from — the predicate or expression of an index the statement
 * builds or rebuilds, a BRIN range VACUUM summarises, or an event trigger that fires in the
 * statement's last transaction. The objects are then put back (PROBES[form].restore).
 */
import { PGlite } from "@electric-sql/pglite";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LOCK_MODEL,
  LOCK_MODES,
  formMode,
  makeRelation,
  pgLocksName,
  statementLocks,
  strongestLock,
  type KnownForeignKey,
  type LockEffect,
  type LockExample,
  type LockForm,
  type LockMode,
  type LockModelEntry,
  type LockModelOptions,
} from "../../src/analysis/locks.js";
import type { RelationRef } from "../../src/analysis/names.js";
import { parseSql } from "../../src/parser/parse.js";
import { schemaHooks, SCHEMA } from "./lock-schema.js";

const PG_VERSION = 18;

interface Probe {
  /** Run before the statement (outside any transaction). */
  setup?: string[];
  /** The statement to run instead of the example, when the probe has to be part of it. */
  statement?: string;
  /** Run afterwards to put the schema back. */
  restore: string[];
}

const EVENT_TRIGGER = (event: string): string => `CREATE EVENT TRIGGER pgsafe_probe ON ${event} EXECUTE FUNCTION public.pgsafe_probe_event()`;

/** How each statement that cannot run in a transaction block is observed (see the header). */
const PROBES: Partial<Record<LockForm, Probe>> = {
  // The build scans the table evaluating the new index's predicate: the probe sees the
  // session-level SHARE UPDATE EXCLUSIVE lock CREATE INDEX CONCURRENTLY holds across its
  // transactions. (The example itself has no expression to hook, so the probe is added to it.)
  "create-index-concurrently": {
    statement: "CREATE INDEX CONCURRENTLY t_b_idx ON t (b) WHERE public.pgsafe_probe(true)",
    restore: ["DROP INDEX t_b_idx"],
  },
  // sql_drop fires in the last transaction, which holds SHARE UPDATE EXCLUSIVE on the table and
  // ACCESS EXCLUSIVE on the (already invalid) index.
  "drop-index-concurrently": {
    setup: [EVENT_TRIGGER("sql_drop")],
    restore: ["DROP EVENT TRIGGER pgsafe_probe", "CREATE INDEX t_a_idx ON t (a)"],
  },
  // t_a_idx is re-created with a probe predicate, so building its replacement calls the probe.
  "reindex-index-concurrently": {
    setup: ["DROP INDEX t_a_idx", "CREATE INDEX t_a_idx ON t (a) WHERE public.pgsafe_probe(true)"],
    restore: ["DROP INDEX t_a_idx", "CREATE INDEX t_a_idx ON t (a)"],
  },
  "reindex-table-concurrently": {
    setup: ["CREATE INDEX t_probe_idx ON t (public.pgsafe_probe(id))"],
    restore: ["DROP INDEX t_probe_idx"],
  },
  // ddl_command_end fires in the second transaction: SHARE UPDATE EXCLUSIVE on the parent,
  // ACCESS EXCLUSIVE on the partition.
  "alter-table-detach-partition-concurrently": {
    setup: [EVENT_TRIGGER("ddl_command_end")],
    restore: ["DROP EVENT TRIGGER pgsafe_probe", "ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (100) TO (200)"],
  },
  // VACUUM summarises BRIN ranges that are not summarised, evaluating the index expression.
  vacuum: {
    setup: [
      "CREATE INDEX t_probe_brin ON t USING brin (public.pgsafe_probe(id)) WITH (pages_per_range = 1)",
      "SELECT brin_desummarize_range('t_probe_brin', 0)",
    ],
    restore: ["DROP INDEX t_probe_brin"],
  },
  // VACUUM FULL rebuilds every index, evaluating index expressions under its ACCESS EXCLUSIVE lock.
  "vacuum-full": {
    setup: ["CREATE INDEX t_probe_idx ON t (public.pgsafe_probe(id))"],
    restore: ["DROP INDEX t_probe_idx"],
  },
};

// VACUUM reads pages through its own read stream and ANALYZE reads a sample: neither counts as a
// sequential scan in pg_stat, so their scans are not observable this way.
const SCAN_NOT_COUNTED = new Set<LockForm>(["vacuum", "analyze"]);

const TABLE_KINDS = new Set(["r", "p", "v", "m", "f"]);
const INDEX_KINDS = new Set(["i", "I"]);
const MODE_BY_PG_NAME = new Map(LOCK_MODES.map((m) => [pgLocksName(m), m]));

interface RelInfo {
  oid: number;
  name: string;
  schema: string;
  kind: string;
  relfilenode: number;
  /** For an index: its table's OID. */
  tableOid: number | null;
  /** Rows returned by sequential scans so far. */
  seqRead: number;
}

interface Snapshot {
  byOid: Map<number, RelInfo>;
  byName: Map<string, RelInfo>;
}

interface Observation {
  before: Snapshot;
  after: Snapshot;
  /** Strongest lock per relation OID. */
  locks: Map<number, LockMode>;
}

let db: PGlite;

async function snapshot(): Promise<Snapshot> {
  const { rows } = await db.query<RelInfo>(`
    SELECT c.oid::int AS oid, c.relname AS name, n.nspname AS schema, c.relkind AS kind,
           c.relfilenode::int AS relfilenode, i.indrelid::int AS "tableOid",
           (pg_stat_get_tuples_returned(c.oid) + pg_stat_get_xact_tuples_returned(c.oid))::int AS "seqRead"
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    WHERE n.nspname IN ('public', 'app')`);
  return { byOid: new Map(rows.map((r) => [r.oid, r])), byName: new Map(rows.map((r) => [`${r.schema}.${r.name}`, r])) };
}

function addLock(locks: Map<number, LockMode>, oid: number, pgMode: string): void {
  const mode = MODE_BY_PG_NAME.get(pgMode);
  if (!mode) return;
  locks.set(oid, strongestLock([mode, ...(locks.has(oid) ? [locks.get(oid)!] : [])])!);
}

async function observeInTransaction(sql: string): Promise<Observation> {
  await db.exec("BEGIN");
  try {
    const before = await snapshot();
    await db.exec(sql);
    const locks = new Map<number, LockMode>();
    const { rows } = await db.query<{ oid: number; mode: string }>(
      "SELECT relation::int AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'",
    );
    for (const r of rows) addLock(locks, r.oid, r.mode);
    const after = await snapshot();
    return { before, after, locks };
  } finally {
    await db.exec("ROLLBACK");
  }
}

async function observeWithProbe(example: string, probe: Probe): Promise<Observation> {
  for (const sql of probe.setup ?? []) await db.exec(sql);
  try {
    const before = await snapshot();
    const locks = new Map<number, LockMode>();
    let fired = false;
    await db.exec(probe.statement ?? example, {
      onNotice: (notice) => {
        const match = /^pgsafe-locks (.*)$/s.exec(notice.message ?? "");
        if (!match) return;
        fired = true;
        for (const l of JSON.parse(match[1]!) as { oid: number; mode: string }[]) addLock(locks, l.oid, l.mode);
      },
    });
    expect(fired, "the probe recorded pg_locks while the statement ran").toBe(true);
    const after = await snapshot();
    return { before, after, locks };
  } finally {
    for (const sql of probe.restore) await db.exec(sql);
  }
}

/** After-state of a relation: by OID, or by name when the statement replaced it (REINDEX CONCURRENTLY). */
function afterOf(obs: Observation, rel: RelInfo): RelInfo | undefined {
  return obs.after.byOid.get(rel.oid) ?? obs.after.byName.get(`${rel.schema}.${rel.name}`);
}

function storageChanged(obs: Observation, rel: RelInfo): boolean {
  const after = afterOf(obs, rel);
  return after !== undefined && after.relfilenode !== rel.relfilenode;
}

function rowsRead(obs: Observation, rel: RelInfo): number {
  const after = obs.after.byOid.get(rel.oid);
  return after ? after.seqRead - rel.seqRead : 0;
}

function findRel(snap: Snapshot, name: string): RelInfo {
  const rel = snap.byName.get(name.includes(".") ? name : `public.${name}`);
  if (!rel) throw new Error(`relation ${name} is not in the test schema`);
  return rel;
}

interface Case {
  form: LockForm;
  entry: LockModelEntry;
  sql: string;
  target: string;
}

// In PGlite's single backend, event triggers stop firing once a DROP INDEX CONCURRENTLY has run
// (observed with PGlite 0.5 / PostgreSQL 18.6), so that case, which uses one, runs last.
const RUN_LAST: LockForm = "drop-index-concurrently";

const CASES: Case[] = (Object.entries(LOCK_MODEL) as [LockForm, LockModelEntry][])
  .sort(([a], [b]) => Number(a === RUN_LAST) - Number(b === RUN_LAST))
  .flatMap(([form, entry]) => {
  const examples: LockExample[] = [entry.example, ...(entry.otherExamples ?? [])];
  return examples.map((ex) => ({
    form,
    entry,
    sql: typeof ex === "string" ? ex : ex.sql,
    target: typeof ex === "string" ? (entry.target ?? "t") : ex.target,
  }));
});

function checkClassifier(c: Case, effects: LockEffect[], targetIsIndex: boolean): void {
  const byName = new Map(effects.map((e) => [e.relation.label, e]));
  const target = byName.get(c.target);
  expect(target, `statementLocks reports ${c.target}`).toBeDefined();
  expect(target!.form).toBe(c.entry.reportedAs ?? c.form);
  expect(target!.mode).toBe(c.entry.mode);
  expect(target!.effect).toBe(c.entry.effect);
  expect(target!.kind).toBe(targetIsIndex ? "index" : "table");
  if (c.entry.indexMode) expect(target!.indexMode).toBe(c.entry.indexMode);
  const unknown = new Set(c.entry.unknownFromStatement ?? []);
  const expectedOthers = Object.fromEntries(Object.entries(c.entry.alsoLocks ?? {}).filter(([name]) => !unknown.has(name)));
  const reportedOthers = Object.fromEntries(effects.filter((e) => e !== target).map((e) => [e.relation.label, e.mode]));
  expect(reportedOthers).toEqual(expectedOthers);
}

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(SCHEMA);
  // In-place tablespaces are a developer option; CREATE TABLESPACE must run on its own.
  await db.exec("SET allow_in_place_tablespaces = on");
  await db.exec("CREATE TABLESPACE ts LOCATION ''");
  await db.exec("SET stats_fetch_consistency = none");
});

afterAll(async () => {
  await db?.close();
});

describe("LOCK_MODEL", () => {
  it("covers at least 55 statement forms, each with a description and an example", () => {
    expect(Object.keys(LOCK_MODEL).length).toBeGreaterThanOrEqual(55);
    for (const [form, entry] of Object.entries(LOCK_MODEL) as [LockForm, LockModelEntry][]) {
      expect(entry.description.length, form).toBeGreaterThan(10);
      if (entry.reportedAs) expect(Object.keys(LOCK_MODEL), form).toContain(entry.reportedAs);
      if (entry.withoutSchema) expect(Object.keys(LOCK_MODEL), form).toContain(entry.withoutSchema);
      if (entry.noTransactionBlock) expect(PROBES[form], `${form} needs a probe`).toBeDefined();
      // New empty storage is not a rewrite: nothing is read or copied.
      if (entry.swapsStorage) expect(entry.effect, form).toBe("instant");
      if (entry.indexOnly) expect(entry.indexMode, form).toBeUndefined();
    }
  });

  it("is listed in docs/locks.md, each form under the heading of its mode", () => {
    const doc = readFileSync(new URL("../../docs/locks.md", import.meta.url), "utf8");
    const reference = doc.slice(doc.indexOf("## Reference: every statement form"));
    const listed = new Map<string, string>();
    let mode = "";
    for (const line of reference.split("\n")) {
      const heading = /^### (.+)$/.exec(line);
      if (heading) mode = heading[1]!.trim();
      const row = /^\| `([a-z-]+)`/.exec(line);
      if (row) listed.set(row[1]!, mode);
    }
    const expected = Object.fromEntries((Object.entries(LOCK_MODEL) as [string, LockModelEntry][]).map(([form, e]) => [form, e.mode]));
    expect(Object.fromEntries(listed)).toEqual(expected);
  });

  it.each(CASES.map((c) => [`${c.form}: ${c.sql}`, c] as const))("%s", async (_label, c) => {
    const probe = PROBES[c.form];
    if (c.entry.noTransactionBlock) {
      await db.exec("BEGIN");
      const failure = await db.exec(c.sql).then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
      await db.exec("ROLLBACK");
      expect(failure, "refused inside a transaction block (25001)").toBe("25001");
    }
    const hooks = await schemaHooks(db);
    const obs = c.entry.noTransactionBlock ? await observeWithProbe(c.sql, probe!) : await observeInTransaction(c.sql);

    const target = findRel(obs.before, c.target);
    const targetIsIndex = INDEX_KINDS.has(target.kind);
    const table = targetIsIndex ? obs.before.byOid.get(target.tableOid!)! : target;
    const nameOf = (oid: number): string => obs.before.byOid.get(oid)!.name;

    // Locks.
    if (c.entry.indexOnly) {
      expect(obs.locks.get(table.oid), `no lock on ${table.name}`).toBeUndefined();
      expect(obs.locks.get(target.oid), `lock on ${target.name}`).toBe(c.entry.mode);
    } else {
      expect(obs.locks.get(table.oid), `lock on ${table.name}`).toBe(c.entry.mode);
    }
    if (c.entry.indexMode && targetIsIndex) expect(obs.locks.get(target.oid), `lock on index ${target.name}`).toBe(c.entry.indexMode);
    if (c.entry.indexMode && !targetIsIndex) {
      const indexes = [...obs.before.byOid.values()].filter((r) => r.tableOid === table.oid);
      expect(Object.fromEntries(indexes.map((i) => [i.name, obs.locks.get(i.oid)]))).toEqual(Object.fromEntries(indexes.map((i) => [i.name, c.entry.indexMode])));
    }
    const others: Record<string, LockMode> = {};
    for (const [oid, mode] of obs.locks) {
      const rel = obs.before.byOid.get(oid);
      if (!rel || oid === table.oid || oid === target.oid || !TABLE_KINDS.has(rel.kind)) continue;
      others[nameOf(oid)] = mode;
    }
    expect(others, "locks on other pre-existing relations = alsoLocks").toEqual(c.entry.alsoLocks ?? {});

    // Storage.
    expect(storageChanged(obs, target), "relfilenode of the target changed").toBe(c.entry.effect === "rewrite" || c.entry.swapsStorage === true);
    if (!targetIsIndex) {
      const indexes = [...obs.before.byOid.values()].filter((r) => r.tableOid === table.oid);
      if (c.entry.rebuildsIndexes) {
        for (const index of indexes) expect(storageChanged(obs, index), `index ${index.name} rebuilt`).toBe(true);
      } else if (c.entry.effect !== "rewrite" && !c.entry.swapsStorage) {
        for (const index of indexes) expect(storageChanged(obs, index), `index ${index.name} kept`).toBe(false);
      }
    }

    // Scans.
    const read = [table, ...Object.keys(c.entry.alsoLocks ?? {}).map((n) => findRel(obs.before, n))].reduce((sum, rel) => sum + rowsRead(obs, rel), 0);
    if (c.entry.effect === "instant") expect(read, "rows read by an instant form").toBe(0);
    if (c.entry.effect === "scan" && !SCAN_NOT_COUNTED.has(c.form)) expect(read, "rows read by a scanning form").toBeGreaterThan(0);
    // A rewrite reads every row to write the new copy; moving to another tablespace copies blocks.
    if (c.entry.effect === "rewrite" && !/\bSET TABLESPACE\b/i.test(c.sql)) expect(read, "rows read by a rewrite").toBeGreaterThan(0);

    // The classifier.
    const parsed = parseSql(c.sql);
    expect(parsed.errors).toEqual([]);
    expect(parsed.statements).toHaveLength(1);
    checkClassifier(c, statementLocks(parsed.statements[0]!, { pgVersion: PG_VERSION, ...hooks }), targetIsIndex);
    const plain = statementLocks(parsed.statements[0]!, { pgVersion: PG_VERSION }).find((e) => e.relation.label === c.target);
    expect(plain?.form, "form without the schema hooks").toBe(c.entry.withoutSchema ?? c.entry.reportedAs ?? c.form);
  });
});

describe("statementLocks without a database", () => {
  const locks = (sql: string, options: Partial<LockModelOptions> = {}): LockEffect[] =>
    statementLocks(parseSql(sql).statements[0]!, { pgVersion: 15, ...options });
  const summary = (sql: string, options: Partial<LockModelOptions> = {}): Record<string, string> =>
    Object.fromEntries(locks(sql, options).map((e) => [e.relation.label, `${e.form} ${e.mode}`]));

  it("applies the lock of older versions where it changed", () => {
    expect(formMode("alter-table-attach-partition", 11)).toBe("ACCESS EXCLUSIVE");
    expect(formMode("alter-table-attach-partition", 12)).toBe("SHARE UPDATE EXCLUSIVE");
    expect(locks("ALTER INDEX i RENAME TO j", { pgVersion: 11 })[0]?.mode).toBe("ACCESS EXCLUSIVE");
    expect(locks("ALTER INDEX i RENAME TO j", { pgVersion: 12 })[0]?.mode).toBe("SHARE UPDATE EXCLUSIVE");
    expect(locks("ALTER TABLE t ADD COLUMN n int DEFAULT 0", { pgVersion: 10 })[0]?.form).toBe("alter-table-add-column-rewrite");
    expect(locks("ALTER TABLE t ADD COLUMN n int DEFAULT 0", { pgVersion: 11 })[0]?.form).toBe("alter-table-add-column");
  });

  it("keeps the strongest lock and the heaviest effect of several actions", () => {
    const [effect] = locks("ALTER TABLE t ALTER COLUMN a SET STATISTICS 10, ALTER COLUMN a TYPE bigint, ADD COLUMN n int");
    expect(effect).toMatchObject({ mode: "ACCESS EXCLUSIVE", effect: "rewrite", form: "alter-table-alter-column-type" });
  });

  it("names the tables a query reads, not its common table expressions or aliases", () => {
    expect(summary("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN app.users x ON true")).toEqual({
      orders: "select ACCESS SHARE",
      "app.users": "select ACCESS SHARE",
    });
    expect(summary("SELECT * FROM orders o JOIN users u ON u.id = o.user_id FOR UPDATE OF o")).toEqual({
      orders: "select-for-update ROW SHARE",
      users: "select ACCESS SHARE",
    });
    expect(summary("UPDATE orders SET total = 0 FROM users WHERE users.id = orders.user_id")).toEqual({
      orders: "update ROW EXCLUSIVE",
      users: "update ACCESS SHARE",
    });
    expect(summary("SELECT set_config('lock_timeout', '1s', false)")).toEqual({});
  });

  it("uses the schema hooks only when they know the column or constraint", () => {
    const knownOldType = (table: RelationRef, column: string): string | undefined =>
      table.key === "public.t" && column === "c" ? "character varying(10)" : undefined;
    expect(locks("ALTER TABLE t ALTER COLUMN c TYPE varchar(20)", { knownOldType })[0]?.form).toBe("alter-table-alter-column-type-no-rewrite");
    expect(locks("ALTER TABLE t ALTER COLUMN c TYPE varchar(5)", { knownOldType })[0]?.form).toBe("alter-table-alter-column-type");
    expect(locks("ALTER TABLE t ALTER COLUMN c TYPE varchar(20) USING c::varchar(20)", { knownOldType })[0]?.form).toBe("alter-table-alter-column-type");
    expect(locks("ALTER TABLE app.t ALTER COLUMN c TYPE varchar(20)", { knownOldType })[0]?.form).toBe("alter-table-alter-column-type");
    const knownForeignKeys = (table: RelationRef): KnownForeignKey[] =>
      table.key === "public.orders" ? [{ name: "orders_user_fkey", references: makeRelation("app", "users") }] : [];
    expect(summary("DROP TABLE orders", { knownForeignKeys })).toEqual({ orders: "drop-table ACCESS EXCLUSIVE", "app.users": "drop-table ACCESS EXCLUSIVE" });
    expect(summary("ALTER TABLE orders DROP CONSTRAINT orders_user_fkey", { knownForeignKeys })).toEqual({
      orders: "alter-table-drop-foreign-key ACCESS EXCLUSIVE",
      "app.users": "alter-table-drop-foreign-key ACCESS EXCLUSIVE",
    });
    expect(summary("ALTER TABLE orders DROP CONSTRAINT orders_total_check", { knownForeignKeys })).toEqual({
      orders: "alter-table-drop-constraint ACCESS EXCLUSIVE",
    });
  });

  it("compares the old type as format_type prints it with the new type as written", () => {
    const form = (oldType: string, newType: string): string | undefined =>
      locks(`ALTER TABLE t ALTER COLUMN c TYPE ${newType}`, { knownOldType: () => oldType })[0]?.form;
    const keeps = "alter-table-alter-column-type-no-rewrite";
    expect(form("integer[]", "int[]")).toBe(keeps);
    expect(form("numeric(10,2)", "decimal(12,2)")).toBe(keeps);
    expect(form("timestamp(3) without time zone", "timestamp")).toBe(keeps);
    expect(form('public."Money"', 'public."Money"')).toBe(keeps);
    expect(form("character varying", "varchar(20)")).toBe("alter-table-alter-column-type");
    expect(form("timestamp without time zone", "timestamptz")).toBe("alter-table-alter-column-type");
    expect(form('"char"', "char(1)")).toBe("alter-table-alter-column-type");
    expect(form("character varying(10)[]", "varchar(20)[]")).toBe("alter-table-alter-column-type");
  });

  it("reports every lock mode of LOCK TABLE", () => {
    for (const mode of LOCK_MODES) {
      const sql = mode === "ACCESS EXCLUSIVE" ? "LOCK TABLE t" : `LOCK TABLE t IN ${mode} MODE`;
      expect(locks(sql)[0]?.mode, sql).toBe(mode);
    }
  });
});

describe("validating a foreign key reads the referenced table too", () => {
  const effectOn = (sql: string, table: string, options: Partial<LockModelOptions> = {}): string | undefined =>
    statementLocks(parseSql(sql).statements[0]!, { pgVersion: 15, ...options }).find((e) => e.relation.label === table)?.effect;
  const knownForeignKeys = (table: RelationRef): KnownForeignKey[] => (table.key === "public.fk_o" ? [{ name: "fk_o_uid_fkey", references: makeRelation(undefined, "fk_u") }] : []);

  /** Rows of fk_u read by sequential scans during `sql` (run in a transaction that is rolled back). */
  async function referencedRowsRead(sql: string): Promise<number> {
    const read = async (): Promise<number> =>
      (await db.query<{ n: number }>("SELECT (pg_stat_get_tuples_returned('fk_u'::regclass) + pg_stat_get_xact_tuples_returned('fk_u'::regclass))::int AS n")).rows[0]!.n;
    await db.exec("BEGIN");
    try {
      const before = await read();
      await db.exec(sql);
      return (await read()) - before;
    } finally {
      await db.exec("ROLLBACK");
    }
  }

  beforeAll(async () => {
    await db.exec(`
      CREATE TABLE fk_u (id int PRIMARY KEY); INSERT INTO fk_u SELECT generate_series(1, 300);
      CREATE TABLE fk_o (uid int); INSERT INTO fk_o SELECT 1 + g % 300 FROM generate_series(1, 1000) g;
      ANALYZE fk_u; ANALYZE fk_o;`);
  });

  it("ADD FOREIGN KEY (validated): PostgreSQL scans the referenced table, and the model says scan", async () => {
    const sql = "ALTER TABLE fk_o ADD CONSTRAINT fk_o_uid_fkey FOREIGN KEY (uid) REFERENCES fk_u (id)";
    expect(await referencedRowsRead(sql)).toBe(300);
    expect(effectOn(sql, "fk_u")).toBe("scan");
  });

  it("ADD FOREIGN KEY ... NOT VALID reads nothing, and the model says instant", async () => {
    const sql = "ALTER TABLE fk_o ADD CONSTRAINT fk_o_uid_fkey FOREIGN KEY (uid) REFERENCES fk_u (id) NOT VALID";
    expect(await referencedRowsRead(sql)).toBe(0);
    expect(effectOn(sql, "fk_u")).toBe("instant");
  });

  it("VALIDATE CONSTRAINT of a known foreign key: a scan of the referenced table", async () => {
    await db.exec("ALTER TABLE fk_o ADD CONSTRAINT fk_o_uid_fkey FOREIGN KEY (uid) REFERENCES fk_u (id) NOT VALID");
    try {
      const sql = "ALTER TABLE fk_o VALIDATE CONSTRAINT fk_o_uid_fkey";
      expect(await referencedRowsRead(sql)).toBe(300);
      expect(effectOn(sql, "fk_u", { knownForeignKeys })).toBe("scan");
    } finally {
      await db.exec("ALTER TABLE fk_o DROP CONSTRAINT fk_o_uid_fkey");
    }
  });
});
