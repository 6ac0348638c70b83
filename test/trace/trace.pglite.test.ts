/**
 * `pgsafe trace` on the example migrations and the framework fixtures, with one embedded
 * PostgreSQL (PGlite) for the whole file: `session.reset()` empties it between histories.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { explain } from "../../src/explain.js";
import { traceExitCode } from "../../src/cli/trace.js";
import traceJson from "../../src/reporters/trace-json.js";
import traceSarif from "../../src/reporters/trace-sarif.js";
import traceText from "../../src/reporters/trace-text.js";
import { withModelEntry } from "../../src/trace/compare.js";
import { TraceSession } from "../../src/trace/runner.js";
import { trace, traceFileList, traceMigration } from "../../src/trace/trace.js";
import type { TracedStatement, TraceReport } from "../../src/trace/types.js";
import { sarifValidator, schemaPresent } from "../reporters/sarif-schema.js";

const ROOT = join(import.meta.dirname, "..", "..");

let session: TraceSession;

beforeAll(async () => {
  session = await TraceSession.start();
}, 60_000);

afterAll(async () => {
  await session?.close();
});

beforeEach(async () => {
  await session.reset();
});

function statementAt(report: TraceReport, file: string, text: RegExp): TracedStatement {
  const f = report.files.find((x) => x.file.endsWith(file));
  expect(f, file).toBeDefined();
  const s = f!.statements.find((x) => text.test(x.text));
  expect(s, `${file}: ${String(text)}`).toBeDefined();
  return s!;
}

function mismatches(report: TraceReport): string[] {
  return report.files.flatMap((f) => f.statements.flatMap((s) => s.comparisons.filter((c) => c.status === "mismatch").map((c) => `${f.file}:${s.line} ${c.message}`)));
}

describe("trace fixtures/examples", () => {
  it("replays the examples and confirms the model on every statement that locks an existing table", async () => {
    const report = await trace(["fixtures/examples"], { cwd: ROOT, session });
    expect(report.postgres).toMatch(/^PostgreSQL 18\./);
    expect(report.files).toHaveLength(8);
    expect(report.history).toEqual([]);
    expect(mismatches(report)).toEqual([]);
    expect(report.summary.failed).toBe(0);
    for (const f of report.files) {
      for (const s of f.statements) {
        expect(s.observed.status, `${f.file}:${s.line}`).toBe("ok");
        expect(["confirmed", "none"], `${f.file}:${s.line} ${s.text}`).toContain(s.verdict);
      }
    }
    // CREATE UNIQUE INDEX CONCURRENTLY runs on its own: a probe in a copy of the database saw its lock.
    const concurrent = statementAt(report, "0002_index_users_email.sql", /CONCURRENTLY/);
    expect(concurrent.verdict).toBe("confirmed");
    expect(concurrent.observed.locks).toBe("probe");
    expect(concurrent.observed.probe).toEqual({ method: "the index predicate calls the probe while PostgreSQL builds the index" });
    expect(concurrent.comparisons.map((c) => [c.relation, c.status, c.observed?.mode])).toEqual([["users", "confirmed", "SHARE UPDATE EXCLUSIVE"]]);
    expect(concurrent.observed.created).toEqual(["users_email_key"]);
    // The index the replay database got is the one the migration wrote (the probe ran in the copy only).
    const indexdef = await session.db.query<{ def: string }>("SELECT pg_get_indexdef('users_email_key'::regclass) AS def");
    expect(indexdef.rows[0]!.def).toBe("CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)");
    // The foreign key locks both tables in SHARE ROW EXCLUSIVE; NOT VALID is recorded.
    const fk = statementAt(report, "0003_orders_user_fk_not_valid.sql", /ADD CONSTRAINT/);
    expect(fk.comparisons.map((c) => [c.relation, c.status, c.observed?.mode])).toEqual([
      ["orders", "confirmed", "SHARE ROW EXCLUSIVE"],
      ["users", "confirmed", "SHARE ROW EXCLUSIVE"],
    ]);
    expect(fk.observed.constraints).toEqual([
      { relation: "orders", constraint: "orders_user_id_fkey", change: "added", definition: "FOREIGN KEY (user_id) REFERENCES users(id) NOT VALID", validated: false },
    ]);
    // The volatile default rewrites orders and its indexes.
    const rewrite = statementAt(report, "0007_orders_public_id.sql", /ADD COLUMN public_id/);
    expect(rewrite.verdict).toBe("confirmed");
    expect(rewrite.observed.rewrites.map((r) => r.relation)).toContain("orders");
    expect(rewrite.observed.columns).toEqual([{ relation: "orders", column: "public_id", change: "added", type: "uuid" }]);
    // Lint findings sit on their statement.
    const finding = statementAt(report, "0005_index_orders_status.sql", /CREATE INDEX/).findings.find((m) => m.ruleId === "require-concurrent-index-creation");
    // The rule names the lock its statement takes; trace saw PostgreSQL take it.
    expect(finding?.lock).toEqual({ mode: "SHARE", observed: "confirmed" });
    expect(report.summary.lintErrors).toBeGreaterThan(0);
    expect(traceExitCode(report)).toBe(1);
  });

  it("keeps the shape of explain's JSON and adds what was observed", async () => {
    const report = await trace(["fixtures/examples/0003_orders_user_fk_not_valid.sql"], { cwd: ROOT, session });
    // The earlier files of the folder are the history; only the given file is reported.
    expect(report.history.map((f) => f.slice(ROOT.length + 1))).toEqual([
      "fixtures/examples/0001_create_users_and_orders.sql",
      "fixtures/examples/0002_index_users_email.sql",
    ]);
    expect(report.files.map((f) => f.file)).toEqual(["fixtures/examples/0003_orders_user_fk_not_valid.sql"]);
    const [explained] = await explain(["fixtures/examples/0003_orders_user_fk_not_valid.sql"], { cwd: ROOT, pgVersion: 18 });
    const json = JSON.parse(traceJson(report, { cwd: ROOT, color: false })) as TraceReport;
    const file = json.files[0]!;
    expect(file.file).toBe(explained!.file);
    expect(file.transactions).toEqual(explained!.transactions);
    expect(file.errors).toEqual(explained!.errors);
    expect(file.statements).toHaveLength(explained!.statements.length);
    file.statements.forEach((s, i) => {
      const { observed, verdict, comparisons, findings, ...rest } = s;
      expect(rest).toEqual(explained!.statements[i]);
      expect(observed).toHaveProperty("status", "ok");
      expect(typeof verdict).toBe("string");
      expect(Array.isArray(comparisons) && Array.isArray(findings)).toBe(true);
    });
    expect(Object.keys(json).sort()).toEqual(["files", "history", "historyErrors", "postgres", "skipped", "summary"]);
    expect(json.summary).toMatchObject({ files: 1, statements: 2, confirmed: 1, mismatches: 0 });
  });

  it("with seed rows: the scans are observed, and SET NOT NULL fails on a NULL the backfill left", async () => {
    const report = await trace(["fixtures/examples"], { cwd: ROOT, session, seed: "fixtures/trace/seeds/examples.sql" });
    expect(report.seed).toEqual({ file: "fixtures/trace/seeds/examples.sql", applied: 2, pending: [] });
    const index = statementAt(report, "0005_index_orders_status.sql", /CREATE INDEX/);
    expect(index.verdict).toBe("confirmed");
    expect(index.comparisons[0]!.observed).toMatchObject({ mode: "SHARE", rowsRead: 1000 });
    const validate = statementAt(report, "0004_validate_orders_user_fk.sql", /VALIDATE/);
    expect(validate.verdict).toBe("confirmed");
    expect(validate.observed.constraints).toMatchObject([{ constraint: "orders_user_id_fkey", change: "validated", validated: true }]);
    const notNull = statementAt(report, "0006_users_display_name_not_null.sql", /SET NOT NULL/);
    expect(notNull.observed.status).toBe("error");
    expect(notNull.observed.error).toMatchObject({ code: "23502", line: 5, column: 1 });
    expect(notNull.observed.error!.message).toBe('column "display_name" of relation "users" contains null values');
    expect(notNull.verdict).toBe("static-only");
    expect(mismatches(report)).toEqual([]);
    expect(traceExitCode(report)).toBe(1);
  });
});

describe("rewrites and failures", () => {
  it("observes the int → bigint rewrite and the failing NOT NULL column, and stops the migration there", async () => {
    const report = await trace(["fixtures/trace/accounts"], { cwd: ROOT, session, seed: "fixtures/trace/seeds/accounts.sql" });
    expect(report.seed?.pending).toEqual([]);
    const bigint = statementAt(report, "0002_accounts_id_bigint.sql", /TYPE bigint/);
    expect(bigint.verdict).toBe("confirmed");
    expect(bigint.comparisons[0]).toMatchObject({ relation: "accounts", status: "confirmed", expected: { mode: "ACCESS EXCLUSIVE", effect: "rewrite" }, observed: { mode: "ACCESS EXCLUSIVE", rewrite: true } });
    expect(bigint.observed.rewrites.map((r) => r.relation).sort()).toEqual(["accounts", "accounts_name_idx", "accounts_pkey"]);
    expect(bigint.observed.columns).toEqual([{ relation: "accounts", column: "id", change: "type", type: "bigint" }]);
    // The primary key is rebuilt as it was: not reported as dropped and added.
    expect(bigint.observed.constraints).toEqual([]);
    const plan = statementAt(report, "0003_accounts_plan_not_null.sql", /ADD COLUMN plan/);
    expect(plan.observed.error).toMatchObject({ code: "23502", message: 'column "plan" of relation "accounts" contains null values', line: 4 });
    expect(plan.comparisons).toMatchObject([{ relation: "accounts", status: "static-only" }]);
    expect(plan.findings.map((m) => m.ruleId)).toContain("adding-required-field");
    const after = statementAt(report, "0003_accounts_plan_not_null.sql", /accounts_plan_idx/);
    expect(after.observed).toMatchObject({ status: "not-run", reason: "the migration stopped at the error on line 4" });
    expect(report.summary).toMatchObject({ failed: 1, notRun: 1, mismatches: 0 });
  });

  it("reports a failing history file, then traces the checked file without its changes", async () => {
    const report = await trace(["fixtures/trace/accounts/0003_accounts_plan_not_null.sql"], { cwd: ROOT, session, seed: "fixtures/trace/seeds/accounts.sql" });
    // The seed runs after the history (0001, 0002), so 0003 fails on the rows; the history itself ran.
    expect(report.historyErrors).toEqual([]);
    expect(report.files[0]!.statements[1]!.observed.error?.code).toBe("23502");
    await session.reset();
    await session.run("CREATE TABLE accounts (id int)");
    const broken = await trace(["fixtures/trace/accounts/0002_accounts_id_bigint.sql"], { cwd: ROOT, session });
    expect(broken.historyErrors).toEqual([
      { file: "fixtures/trace/accounts/0001_create_accounts.sql", line: 2, column: 1, message: 'relation "accounts" already exists', code: "42P07" },
    ]);
    expect(traceText(broken, { cwd: ROOT, color: false })).toContain(
      'Earlier migration fixtures/trace/accounts/0001_create_accounts.sql failed at 2:1: relation "accounts" already exists; the files after it ran without its changes.',
    );
  });

  it("without rows the same NOT NULL column is added", async () => {
    const report = await trace(["fixtures/trace/accounts"], { cwd: ROOT, session });
    const plan = statementAt(report, "0003_accounts_plan_not_null.sql", /ADD COLUMN plan/);
    expect(plan.observed.status).toBe("ok");
    expect(plan.verdict).toBe("confirmed");
    expect(plan.observed.columns).toEqual([{ relation: "accounts", column: "plan", change: "added", type: "text" }]);
  });

  it("maps PostgreSQL's error position to the file's line and column", async () => {
    await session.run("CREATE TABLE t (id int)");
    const text = "-- café ☕\nSELECT 1;\nUPDATE t\n   SET id = nope;\n";
    const file = await traceMigration(session, text, "<text>", { framework: "none" });
    const update = file!.statements[1]!;
    expect(update.observed.error).toMatchObject({ code: "42703", message: 'column "nope" does not exist', line: 4, column: 13 });
  });

  it("skips the rest of a transaction after an error", async () => {
    await session.run("CREATE TABLE t (id int)");
    const text = "BEGIN;\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE missing ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;\nCOMMIT;\n";
    const file = await traceMigration(session, text, "<text>", { framework: "none" });
    expect(file!.statements.map((s) => s.observed.status)).toEqual(["ok", "ok", "error", "not-run", "not-run"]);
    expect(file!.statements[2]!.comparisons).toMatchObject([{ relation: "missing", status: "static-only" }]);
    // The transaction was rolled back: column a is not there.
    const { rows } = await session.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'a'");
    expect(rows[0]!.n).toBe(0);
  });

  it("attributes locks within a transaction: a weaker new mode is seen, a mode already held is not taken again", async () => {
    await session.run("CREATE TABLE t (id int, a int); INSERT INTO t SELECT g, g FROM generate_series(1, 50) g");
    const text = "BEGIN;\nLOCK TABLE t IN ACCESS EXCLUSIVE MODE;\nCREATE INDEX t_a_idx ON t (a);\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;\n";
    const file = await traceMigration(session, text, "<text>", { framework: "none" });
    const [, lock, index, add] = file!.statements;
    expect(lock!.comparisons[0]).toMatchObject({ status: "confirmed", observed: { mode: "ACCESS EXCLUSIVE" } });
    expect(index!.comparisons[0]).toMatchObject({ status: "confirmed", observed: { mode: "SHARE", rowsRead: 50 } });
    expect(add!.comparisons[0]).toMatchObject({ status: "confirmed", observed: { heldBefore: "ACCESS EXCLUSIVE" } });
    expect(add!.observed.taken).toEqual([]);
    expect(add!.observed.alreadyHeld.map((l) => [l.relation, l.mode])).toEqual([["t", "ACCESS EXCLUSIVE"]]);
  });

  it("compares only the lock of a statement PostgreSQL skipped (IF NOT EXISTS)", async () => {
    await session.run("CREATE TABLE t (id int, a int); INSERT INTO t SELECT g, g FROM generate_series(1, 50) g; CREATE INDEX t_a_idx ON t (a)");
    const file = await traceMigration(session, "CREATE INDEX IF NOT EXISTS t_a_idx ON t (a);\nDROP TABLE IF EXISTS nope;\n", "<text>", { framework: "none" });
    const [index, drop] = file!.statements;
    // PostgreSQL locks the table before it finds the index, then builds nothing.
    expect(index!.comparisons).toMatchObject([{ relation: "t", status: "confirmed", observed: { mode: "SHARE" } }]);
    expect(index!.comparisons[0]!.observed).not.toHaveProperty("rowsRead");
    expect(drop!.comparisons).toMatchObject([{ relation: "nope", status: "static-only" }]);
  });

  it("reports locks on tables the statement does not name as trace-only", async () => {
    await session.run("CREATE TABLE p (id int, k int) PARTITION BY RANGE (k); CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)");
    const file = await traceMigration(session, "ALTER TABLE p ADD COLUMN note text;\n", "<text>", { framework: "none" });
    const [statement] = file!.statements;
    expect(statement!.verdict).toBe("confirmed");
    expect(statement!.comparisons.map((c) => [c.relation, c.status])).toEqual([
      ["p", "confirmed"],
      ["p1", "trace-only"],
    ]);
  });
});

describe("statements that cannot run in a transaction block", () => {
  /** Traces SQL as a psql file (autocommit) and returns its statements. */
  async function traceSql(sql: string): Promise<TracedStatement[]> {
    const file = await traceMigration(session, sql, "<migration>", { framework: "none" });
    return file!.statements;
  }

  /** The replay database holds nothing of the probes. */
  async function noProbeLeft(): Promise<void> {
    const { rows } = await session.db.query<{ n: number }>(
      "SELECT ((SELECT count(*) FROM pg_namespace WHERE nspname = 'pgsafe_trace') + (SELECT count(*) FROM pg_event_trigger) + (SELECT count(*) FROM pg_class WHERE relname LIKE 'pgsafe\\_trace%'))::int AS n",
    );
    expect(rows[0]!.n).toBe(0);
  }

  it("VACUUM of an empty table: the probe inserts a row in the copy only (NOT NULL, CHECK, foreign key and trigger notwithstanding)", async () => {
    await session.db.exec(`
      CREATE TABLE accounts (id int PRIMARY KEY);
      CREATE TABLE ledger (id bigint PRIMARY KEY, account int NOT NULL REFERENCES accounts, amount numeric NOT NULL CHECK (amount <> 0), note text);
      CREATE FUNCTION ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
      CREATE TRIGGER ledger_refuse BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_refuse();`);
    const catalog = async (): Promise<unknown> =>
      (await session.db.query("SELECT attname, attnotnull, (SELECT relchecks FROM pg_class WHERE oid = 'ledger'::regclass) AS checks FROM pg_attribute WHERE attrelid = 'ledger'::regclass AND attnum > 0 ORDER BY attnum")).rows;
    const before = await catalog();
    const [vacuum] = await traceSql("VACUUM ledger;");
    expect(vacuum!.observed.probe?.failure).toBeUndefined();
    expect(vacuum!.observed.locks).toBe("probe");
    expect(vacuum!.verdict).toBe("confirmed");
    expect(vacuum!.comparisons.map((c) => [c.relation, c.status, c.observed?.mode])).toEqual([["ledger", "confirmed", "SHARE UPDATE EXCLUSIVE"]]);
    expect((await session.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger")).rows[0]!.n).toBe(0);
    expect(await catalog()).toEqual(before);
    await noProbeLeft();
  });

  it("the copy gets the migration's session settings: names resolve through its search_path", async () => {
    await session.db.exec(`
      CREATE SCHEMA app;
      CREATE TABLE app.orders (id int PRIMARY KEY, status text);
      INSERT INTO app.orders SELECT g, 's' || g % 3 FROM generate_series(1, 50) g;
      CREATE TABLE app.events (id int, at int) PARTITION BY RANGE (at);
      CREATE TABLE app.events_1 PARTITION OF app.events FOR VALUES FROM (0) TO (10);`);
    const statements = await traceSql(`SET search_path = app;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status) WHERE status <> 's0';
REINDEX INDEX CONCURRENTLY orders_status_idx;
REINDEX TABLE CONCURRENTLY orders;
DROP INDEX CONCURRENTLY orders_status_idx;
ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;
VACUUM FULL orders;
VACUUM orders;
`);
    const alone = statements.slice(1);
    expect(alone.map((s) => [s.observed.status, s.observed.probe?.failure, s.verdict])).toEqual(alone.map(() => ["ok", undefined, "confirmed"]));
    expect(alone.map((s) => s.comparisons.map((c) => `${c.relation}${c.kind === "index" ? " (index)" : c.kind === "indexes-of-table" ? " (indexes)" : ""}: ${c.observed?.mode ?? "-"}`))).toEqual([
      ["orders: SHARE UPDATE EXCLUSIVE"],
      // An index's table is labelled from the catalog, a relation the statement names as written.
      ["app.orders: SHARE UPDATE EXCLUSIVE", "orders_status_idx (index): SHARE UPDATE EXCLUSIVE"],
      ["orders: SHARE UPDATE EXCLUSIVE", "orders (indexes): SHARE UPDATE EXCLUSIVE"],
      ["app.orders: SHARE UPDATE EXCLUSIVE", "orders_status_idx (index): ACCESS EXCLUSIVE"],
      ["events: SHARE UPDATE EXCLUSIVE", "events_1: ACCESS EXCLUSIVE"],
      ["orders: ACCESS EXCLUSIVE"],
      ["orders: SHARE UPDATE EXCLUSIVE"],
    ]);
    // The partial index kept its predicate; the detached partition is detached.
    expect(alone[0]!.observed.created).toEqual(["app.orders_status_idx"]);
    expect((await session.db.query("SELECT count(*)::int AS n FROM pg_inherits")).rows).toEqual([{ n: 0 }]);
    await noProbeLeft();
  });

  it("a statement no probe sees into stays not observable, and says why", async () => {
    await session.db.exec("CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10)");
    // Without index cleanup VACUUM never summarises the probe's BRIN range, so the probe is not called.
    const [vacuum] = await traceSql("VACUUM (INDEX_CLEANUP OFF) t;");
    expect(vacuum!.observed.status).toBe("ok");
    expect(vacuum!.observed.locks).toBe("none");
    expect(vacuum!.verdict).toBe("not-observable");
    expect(vacuum!.observed.probe?.failure).toBe("the probe was not called while the statement ran");
    expect(vacuum!.comparisons[0]!.message).toContain("(probe: the probe was not called while the statement ran)");
    await noProbeLeft();
  });
});

describe("a wrong model entry", () => {
  it("is reported as a mismatch, naming it a pgsafe bug", async () => {
    const model = withModelEntry("create-index", { mode: "SHARE ROW EXCLUSIVE" });
    const report = await trace(["fixtures/examples/0005_index_orders_status.sql"], { cwd: ROOT, session, model });
    const index = statementAt(report, "0005_index_orders_status.sql", /CREATE INDEX/);
    expect(index.verdict).toBe("mismatch");
    expect(index.comparisons[0]).toMatchObject({ relation: "orders", status: "mismatch", expected: { mode: "SHARE ROW EXCLUSIVE", form: "create-index" }, observed: { mode: "SHARE" } });
    expect(index.comparisons[0]!.message).toMatch(/^pgsafe's model \(create-index\) says SHARE ROW EXCLUSIVE on orders; PostgreSQL took SHARE\. This is a bug in pgsafe's lock model: please report it at https:\/\/github\.com\/pgsafe\/pgsafe\/issues/);
    expect(report.summary.mismatches).toBe(1);
    const text = traceText(report, { cwd: ROOT, color: false });
    expect(text).toContain("mismatch: pgsafe's model (create-index) says SHARE ROW EXCLUSIVE on orders; PostgreSQL took SHARE.");
    expect(text).toContain("that is a bug in pgsafe");
  });

  it("is reported when the model's effect is wrong (no rewrite predicted, a rewrite observed)", async () => {
    const model = withModelEntry("alter-table-alter-column-type", { effect: "instant" });
    const report = await trace(["fixtures/trace/accounts/0002_accounts_id_bigint.sql"], { cwd: ROOT, session, model });
    const bigint = statementAt(report, "0002_accounts_id_bigint.sql", /TYPE bigint/);
    expect(bigint.verdict).toBe("mismatch");
    expect(bigint.comparisons[0]!.message).toContain("says instant for accounts; PostgreSQL gave it new storage (a rewrite)");
  });
});

describe("the framework fixtures", () => {
  const dirs = readdirSync(join(ROOT, "fixtures", "migrations")).sort();
  // Fixtures whose only failures are CREATE INDEX CONCURRENTLY inside the tool's transaction.
  const KNOWN = new Set(["alembic", "dbmate", "django", "flyway", "golang-migrate", "goose", "prisma", "sqitch", "sql-migrate"]);

  it("covers the tools pgsafe knows", () => {
    for (const dir of KNOWN) expect(dirs).toContain(dir);
  });

  it.each(dirs)("%s: runs as the tool would, with no mismatch", async (dir) => {
    const report = await trace([`fixtures/migrations/${dir}`], { cwd: ROOT, session });
    expect(report.files.length).toBeGreaterThan(0);
    expect(mismatches(report)).toEqual([]);
    if (!KNOWN.has(dir)) return;
    for (const f of report.files) {
      for (const s of f.statements) {
        if (s.observed.status !== "error") continue;
        // The only failures the fixtures hold: CREATE INDEX CONCURRENTLY inside the tool's transaction,
        // which pgsafe's lint reports too.
        expect(s.observed.error!.code, `${f.file}:${s.line} ${s.observed.error!.message}`).toBe("25001");
        expect(s.findings.map((m) => m.ruleId), `${f.file}:${s.line}`).toContain("ban-concurrently-in-transaction");
      }
      for (const s of f.statements.filter((x) => x.observed.status === "ok" && /\bCONCURRENTLY\b/i.test(x.text))) expect(s.verdict, `${f.file}:${s.line}`).toBe("confirmed");
    }
    // Down migrations never run.
    const all = report.files.map((f) => f.file);
    expect(all.some((f) => /\.down\.sql$|\/revert\/|\/verify\/|\/U\d/.test(f))).toBe(false);
  });

  it("golang-migrate: the down files given are skipped, not run", async () => {
    const { run, skipped } = await traceFileList(["fixtures/migrations/golang-migrate"], { cwd: ROOT });
    expect(run.every((f) => f.endsWith(".up.sql"))).toBe(true);
    expect(skipped.map((f) => f.slice(f.lastIndexOf("/") + 1))).toEqual([
      "000001_create_users.down.sql",
      "000002_index_users_email.down.sql",
      "000003_orders_status_index.down.sql",
    ]);
  });

  it("prisma: a migration.sql's history is the other migration folders", async () => {
    const { run, checked } = await traceFileList(["fixtures/migrations/prisma/migrations/20240120110000_orders_status/migration.sql"], { cwd: ROOT });
    expect(run.map((f) => f.split("/").slice(-2, -1)[0])).toEqual(["20240105093000_init", "20240112141500_users_email_index", "20240120110000_orders_status"]);
    expect(checked.size).toBe(1);
  });
});

describe("SARIF", () => {
  it.skipIf(!schemaPresent)("validates against the SARIF 2.1.0 schema, with PostgreSQL's errors and the model's mismatches as results", async () => {
    const model = withModelEntry("alter-table-alter-column-type", { mode: "SHARE" });
    const report = await trace(["fixtures/trace/accounts"], { cwd: ROOT, session, model, seed: "fixtures/trace/seeds/accounts.sql" });
    const log = JSON.parse(traceSarif(report, { cwd: ROOT, color: false })) as {
      runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarifValidator()(log)).toEqual([]);
    const results = log.runs[0]!.results;
    const failed = results.find((r) => r.ruleId === "trace/statement-failed");
    expect(failed).toMatchObject({ level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "fixtures/trace/accounts/0003_accounts_plan_not_null.sql" }, region: { startLine: 4 } } }] });
    expect(results.find((r) => r.ruleId === "trace/model-mismatch")).toMatchObject({ level: "warning", locations: [{ physicalLocation: { region: { startLine: 5 } } }] });
    expect(results.some((r) => r.ruleId === "changing-column-type")).toBe(true);
  });
});

describe("the text report", () => {
  it("shows one row per lock with the prediction, the observation and the verdict", async () => {
    const report = await trace(["fixtures/examples/0005_index_orders_status.sql"], { cwd: ROOT, session });
    const text = traceText(report, { cwd: ROOT, color: false });
    const lines = text.split("\n");
    expect(lines[0]).toBe("fixtures/examples/0005_index_orders_status.sql  (no migration tool: psql)");
    expect(lines[1]).toMatch(/^Line {2}Statement +Relation {2}pgsafe predicts {2}PostgreSQL did {2}Verdict$/);
    expect(lines.find((l) => l.includes("CREATE INDEX"))).toMatch(/^ {3}6 {2}CREATE INDEX orders_status_idx ON o… {2}orders +SHARE, scan +SHARE +confirmed$/);
    expect(text).toContain("2 statements in 1 file: 1 confirmed, 0 mismatches");
    expect(text).toContain("4 earlier migrations replayed first");
  });
});
