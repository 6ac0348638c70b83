/**
 * `pgsafe trace`: replays migrations into an embedded PostgreSQL 18 (PGlite, see runner.ts) and
 * reports, per statement of the checked files, what PostgreSQL really did next to what pgsafe
 * predicted (compare.ts).
 *
 * Which files run:
 * - the checked files are the paths given (files, directories, globs: as for `pgsafe lint`);
 * - the history is every migration in the same folders that comes before the last checked file
 *   in migration order (a Prisma `migration.sql`'s folder is one migration: its parent folder holds
 *   the history). History files run first, committed, without being observed, so that the checked
 *   files find the tables they alter, as `pgsafe lint` replays earlier files into its known schema;
 * - down migrations (`*.down.sql`, down sections, Flyway undo, sqitch revert/verify) never run.
 *
 * How a file runs: as its migration tool runs it (src/analysis/frameworks): each up section in
 * the tool's transaction, or statement by statement (autocommit) with the file's own BEGIN /
 * COMMIT; a multi-statement implicit query runs as one transaction. A migration stops at its first
 * error, as migration tools do; its transaction is rolled back and the rest of the file is reported
 * as not run. Later files still run.
 *
 * Seed data (`--seed FILE`): each of its statements runs, on its own, as soon as it can: after
 * the history, and again after each checked file for those that failed (usually because their
 * table did not exist yet). Tables then have rows when later migrations run, so scans show up and
 * `ADD COLUMN ... NOT NULL` without a default fails as it would in production.
 */
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve, basename, dirname } from "node:path";
import type { FrameworkOption } from "../analysis/frameworks/types.js";
import { blankOutside, planMigration, type MigrationSection, type Wrap } from "../analysis/frameworks/index.js";
import { terminateAt } from "../analysis/frameworks/sections.js";
import { LOCK_MODES as LOCK_ORDER, type LockMode } from "../analysis/locks.js";
import type { RelationRef } from "../analysis/names.js";
import { discoverFiles } from "../cli/discover.js";
import { PgsafeUsageError } from "../cli/errors.js";
import { explainText, type ExplainStatement, type ExplainTransactionSummary, type ExplainSyntaxError } from "../explain.js";
import type { LintFilesOptions } from "../index.js";
import { parseSql, stripBom, type ParsedStatement } from "../parser/parse.js";
import { SourceText } from "../parser/positions.js";
import { toJsonMessage } from "../reporters/json.js";
import { readSqlFile } from "../sql-file.js";
import type { LintResult } from "../types.js";
import { catalogHooks, compareStatement, expectationsOf, lockModel, scanChecked, verdictOf, type StaticModel } from "./compare.js";
import { planProbe } from "./probe.js";
import { relationLabel, relkindName, strongest, TraceSession, type CatalogSnapshot, type PgError, type StatementRun } from "./runner.js";
import type { ColumnChange, ConstraintChange, Observed, ObservedLock, SeedReport, TracedFile, TracedFinding, TracedStatement, TraceReport, TraceSummary } from "./types.js";

/** The PostgreSQL major version PGlite embeds: the static side is computed for it. */
export const TRACE_PG_VERSION = 18;

export type TraceProgress =
  | { kind: "starting" }
  | { kind: "started"; seconds: number; version: string }
  | { kind: "file"; file: string; checked: boolean };

export interface TraceOptions {
  /** Directory that relative paths are resolved against and shown relative to (default: process.cwd()). */
  cwd?: string;
  /** The migration tool (default "auto": detected per file). */
  framework?: FrameworkOption;
  /** The migration tool runs each file inside a transaction (files of no recognised tool). */
  assumeInTransaction?: boolean;
  ignorePatterns?: readonly string[];
  /** A SQL file of seed data (see the header). */
  seed?: string;
  /** Replay the earlier migrations of the checked files' folders first (default true). */
  history?: boolean;
  /**
   * Options for the lint findings reported next to each statement (rules, severities, pgVersion of
   * production, ...), or false for no lint findings.
   */
  lint?: Omit<LintFilesOptions, "cwd" | "ignorePatterns" | "framework" | "assumeInTransaction" | "changedSince"> | false;
  /** An embedded database to use instead of starting one (it is left open). */
  session?: TraceSession;
  /** The static model to check (default: pgsafe's lock model). */
  model?: StaticModel;
  onProgress?: (progress: TraceProgress) => void;
}

/** A down migration file (`1_x.down.sql`, Diesel's `down.sql`). */
const DOWN_FILE = /(?:^|[\\/.])down\.sql$/i;

const NOT_OBSERVED_TYPES = new Set(["TransactionStmt", "VariableSetStmt", "VariableShowStmt"]);

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** The folder whose migrations precede a file: its own, or for a folder-per-migration layout (Prisma) the parent. */
function historyRoot(file: string): string {
  const dir = dirname(file);
  return basename(file) === "migration.sql" ? dirname(dir) : dir;
}

interface Unit {
  start: number;
  end: number;
  text: string;
  statement?: ParsedStatement;
  /** Index into the explain statements (= parsed statements). */
  index?: number;
}

class Seed {
  readonly file: string;
  readonly statements: { text: string; line: number; error?: string }[];
  applied = 0;

  constructor(file: string, display: string) {
    this.file = display;
    if (!existsSync(file)) throw new PgsafeUsageError(`Cannot read the seed file "${display}": no such file or directory. Check the --seed path (or the "seed" key of the config).`);
    const text = stripBom(readSqlFile(file, display)).text;
    const parsed = parseSql(text);
    const first = parsed.errors[0];
    if (first) {
      const at = parsed.source.positionAt(first.start);
      throw new PgsafeUsageError(`The seed file "${display}" does not parse: ${first.message} (line ${at.line}, column ${at.column}).`);
    }
    this.statements = parsed.statements.filter((s) => !s.hiddenIn).map((s) => ({ text: s.text, line: parsed.source.positionAt(s.start).line }));
  }

  /** Runs each pending statement on its own; those that fail stay pending. */
  async apply(session: TraceSession): Promise<void> {
    if (session.inTransaction) return;
    for (const s of this.statements) {
      if (s.error === "") continue;
      const error = await session.run(s.text);
      if (session.inTransaction) await session.run("ROLLBACK");
      if (error) s.error = error.message;
      else {
        s.error = "";
        this.applied++;
      }
    }
  }

  report(): SeedReport {
    return {
      file: this.file,
      applied: this.applied,
      pending: this.statements.filter((s) => s.error !== "").map((s) => ({ line: s.line, message: s.error ?? "not run: no migration ran after the history" })),
    };
  }
}

export interface TraceFileOptions {
  framework?: FrameworkOption;
  assumeInTransaction?: boolean;
  /** Observe and report the file (false: replay it as history). */
  checked?: boolean;
  model?: StaticModel;
  /** The name to report (default: the path). */
  displayName?: string;
  /** End the file's transaction with ROLLBACK instead of COMMIT (trace then leaves the schema as it was). */
  endWith?: "commit" | "rollback";
  /** Called with the error that stopped the migration (also for a history file). */
  onError?: (error: { line: number; column: number; message: string; code?: string }) => void;
}

function sectionText(body: string, section: MigrationSection, whole: boolean): string {
  return whole ? body : terminateAt(blankOutside(body, section.ranges), section.statementEnds ?? []);
}

function emptyObserved(status: Observed["status"], reason?: string): Observed {
  return { status, ...(reason ? { reason } : {}), locks: "transaction", taken: [], alreadyHeld: [], rewrites: [], rowsRead: [], created: [], dropped: [], columns: [], constraints: [], ms: 0 };
}

function lockList(run: StatementRun, modes: Map<number, Set<LockMode>>, only?: ReadonlySet<number>): ObservedLock[] {
  const out: ObservedLock[] = [];
  for (const [oid, set] of modes) {
    if (only && !only.has(oid)) continue;
    const rel = run.before.relations.get(oid);
    if (!rel) continue;
    const sorted = [...set].sort((a, b) => LOCK_ORDER.indexOf(a) - LOCK_ORDER.indexOf(b));
    out.push({ relation: relationLabel(rel), relkind: relkindName(rel.kind), mode: strongest(set)!, modes: sorted });
  }
  return out.sort((a, b) => a.relation.localeCompare(b.relation));
}

/** Column and constraint changes between two snapshots, on relations that existed before. */
function catalogChanges(before: CatalogSnapshot, after: CatalogSnapshot): { columns: ColumnChange[]; constraints: ConstraintChange[] } {
  const columns: ColumnChange[] = [];
  const key = (rel: number, num: number): string => `${rel}:${num}`;
  const beforeCols = new Map(before.columns.map((c) => [key(c.rel, c.num), c]));
  const afterCols = new Map(after.columns.map((c) => [key(c.rel, c.num), c]));
  for (const [k, a] of afterCols) {
    const rel = after.relations.get(a.rel);
    if (!rel || !before.relations.has(a.rel)) continue;
    const relation = relationLabel(rel);
    const b = beforeCols.get(k);
    if (!b || (b.dropped && !a.dropped)) {
      if (!a.dropped) columns.push({ relation, column: a.name, change: "added", type: a.type });
      continue;
    }
    if (b.dropped) continue;
    if (a.dropped) {
      columns.push({ relation, column: b.name, change: "dropped" });
      continue;
    }
    if (a.name !== b.name) columns.push({ relation, column: a.name, change: "renamed", from: b.name });
    if (a.type !== b.type) columns.push({ relation, column: a.name, change: "type", type: a.type });
    if (a.notNull !== b.notNull) columns.push({ relation, column: a.name, change: a.notNull ? "not-null" : "nullable" });
    if (a.default !== b.default) columns.push({ relation, column: a.name, change: "default" });
  }
  for (const [k, b] of beforeCols) {
    if (b.dropped || afterCols.has(k)) continue;
    const rel = before.relations.get(b.rel);
    // The whole table is gone: reported as dropped, not column by column.
    if (rel && after.relations.has(b.rel)) columns.push({ relation: relationLabel(rel), column: b.name, change: "dropped" });
  }
  const constraints: ConstraintChange[] = [];
  const beforeK = new Map(before.constraints.map((c) => [c.oid, c]));
  const afterK = new Map(after.constraints.map((c) => [c.oid, c]));
  for (const [oid, a] of afterK) {
    if (!before.relations.has(a.rel)) continue;
    const rel = after.relations.get(a.rel);
    if (!rel) continue;
    const relation = relationLabel(rel);
    const b = beforeK.get(oid);
    if (!b) constraints.push({ relation, constraint: a.name, change: "added", definition: a.definition, validated: a.validated });
    else {
      if (a.name !== b.name) constraints.push({ relation, constraint: a.name, change: "renamed", from: b.name });
      if (a.validated && !b.validated) constraints.push({ relation, constraint: a.name, change: "validated", definition: a.definition, validated: true });
    }
  }
  for (const [oid, b] of beforeK) {
    if (afterK.has(oid) || !after.relations.has(b.rel)) continue;
    const rel = before.relations.get(b.rel)!;
    // Re-created as it was (a type change rebuilds the primary key): not a change.
    const at = constraints.findIndex((c) => c.change === "added" && c.relation === relationLabel(rel) && c.constraint === b.name && c.definition === b.definition);
    if (at >= 0) constraints.splice(at, 1);
    else constraints.push({ relation: relationLabel(rel), constraint: b.name, change: "dropped", definition: b.definition });
  }
  return { columns, constraints };
}

/** Builds the `observed` record of a statement that ran. */
function observedOf(run: StatementRun, errorAt: (error: PgError) => { line: number; column: number }, expectedOids: ReadonlySet<number>): Observed {
  const observed: Observed = emptyObserved(run.ok ? "ok" : "error");
  observed.locks = run.locksFrom;
  if (run.probe) observed.probe = run.probe;
  observed.ms = Math.round(run.ms * 10) / 10;
  observed.taken = lockList(run, run.taken);
  observed.alreadyHeld = lockList(run, run.heldBefore, expectedOids);
  if (run.error) {
    const at = errorAt(run.error);
    observed.error = {
      message: run.error.message,
      ...(run.error.code ? { code: run.error.code } : {}),
      ...(run.error.detail ? { detail: run.error.detail } : {}),
      ...(run.error.hint ? { hint: run.error.hint } : {}),
      ...at,
    };
  }
  if (run.after) {
    for (const rel of run.before.relations.values()) {
      const now = run.after.relations.get(rel.oid);
      if (!now) {
        // Gone by OID: dropped (REINDEX CONCURRENTLY swaps in a new index under the same name: new storage).
        const same = run.after.byKey.get(`${rel.schema}.${rel.name}`);
        if (same && same.relfilenode !== rel.relfilenode && rel.relfilenode !== 0) observed.rewrites.push({ relation: relationLabel(rel), relkind: relkindName(rel.kind) });
        else if (!same) observed.dropped.push(relationLabel(rel));
        continue;
      }
      if (rel.relfilenode !== 0 && now.relfilenode !== rel.relfilenode) observed.rewrites.push({ relation: relationLabel(rel), relkind: relkindName(rel.kind) });
      const read = now.seqRead - rel.seqRead;
      if (read > 0 && (rel.kind === "r" || rel.kind === "m")) observed.rowsRead.push({ relation: relationLabel(rel), rows: read });
    }
    for (const rel of run.after.relations.values()) {
      if (!run.before.relations.has(rel.oid) && !run.before.byKey.has(`${rel.schema}.${rel.name}`)) observed.created.push(relationLabel(rel));
    }
    Object.assign(observed, catalogChanges(run.before, run.after));
  }
  observed.created.sort();
  observed.dropped.sort();
  return observed;
}

/** Effects of a statement, plus those of the statements it runs (a DO block's body, a called function's). */
function staticEffects(model: StaticModel, statements: readonly ParsedStatement[], statement: ParsedStatement, hooks: ReturnType<typeof catalogHooks>) {
  const options = { pgVersion: TRACE_PG_VERSION, ...hooks };
  const own = model(statement, options);
  const hidden = statements.filter((s) => {
    const h = s.hiddenIn;
    if (!h) return false;
    const runBy = h.runBy ?? (h.kind === "function" ? undefined : h.statement);
    return runBy === statement.index;
  });
  return [...own, ...hidden.flatMap((s) => model(s, options))];
}

/** Traces one migration file's text in the session. Returns the report of a checked file, undefined for a file with no up migration. */
export async function traceMigration(session: TraceSession, text: string, filePath: string, options: TraceFileOptions = {}): Promise<TracedFile | undefined> {
  const checked = options.checked !== false;
  const model = options.model ?? lockModel;
  const body = stripBom(text).text;
  const source = new SourceText(body);
  const plan = planMigration(text, /^<.*>$/.test(filePath) ? undefined : filePath, {
    framework: options.framework ?? "auto",
    pgVersion: TRACE_PG_VERSION,
    ...(options.assumeInTransaction ? { assumeInTransaction: true } : {}),
  });
  const sections = plan.sections.filter((s) => s.direction === "up");
  if (sections.length === 0) return undefined;
  const whole = plan.framework === "none" || (sections.length === 1 && plan.sections.length === 1 && !sections[0]!.statementEnds && sections[0]!.ranges.length === 1 && sections[0]!.ranges[0]![0] === 0 && sections[0]!.ranges[0]![1] >= body.length);

  const statementsOut: TracedStatement[] = [];
  const transactions: ExplainTransactionSummary[] = [];
  const errors: ExplainSyntaxError[] = [];
  let stoppedAt: number | undefined;

  for (const section of sections) {
    const wrap: Wrap = section.wrap ?? (options.assumeInTransaction ? "transaction" : "none");
    const sqlText = sectionText(body, section, whole);
    const parsed = parseSql(sqlText);
    const units: Unit[] = parsed.statements.filter((s) => !s.hiddenIn).map((s) => ({ start: s.start, end: s.end, text: sqlText.slice(s.start, s.end), statement: s, index: s.index }));
    for (const e of parsed.errors) {
      if (e.hiddenIn) continue;
      units.push({ start: e.statementStart, end: e.statementEnd, text: sqlText.slice(e.statementStart, e.statementEnd) });
    }
    units.sort((a, b) => a.start - b.start);

    // The static side, explained with the schema the database has before the section.
    let explained: ExplainStatement[] = [];
    if (checked) {
      const hooks = catalogHooks(await session.snapshot());
      const file = explainText(sqlText, {
        pgVersion: TRACE_PG_VERSION,
        assumeInTransaction: wrap === "transaction" || (wrap === "implicit" && units.length > 1),
        filePath: options.displayName ?? filePath,
        ...hooks,
      });
      explained = file.statements;
      const offset = transactions.length;
      transactions.push(...file.transactions.map((t) => ({ ...t, id: t.id + offset })));
      errors.push(...file.errors);
    }
    const results = new Map<number, { observed: Observed; comparisons: TracedStatement["comparisons"] }>();

    const toolTransaction = wrap === "transaction" || (wrap === "implicit" && units.length > 1);
    if (toolTransaction && !session.inTransaction) await session.run("BEGIN");
    for (const unit of units) {
      const errorAt = (error: PgError): { line: number; column: number } => {
        const index = error.position ? source.indexFromCodePoint(error.position - 1, unit.start) : unit.start;
        return source.positionAt(Math.min(index, unit.end));
      };
      const statement = unit.statement;
      if (stoppedAt !== undefined) {
        if (statement && unit.index !== undefined) results.set(unit.index, { observed: emptyObserved("not-run", `the migration stopped at the error on line ${stoppedAt}`), comparisons: [] });
        continue;
      }
      const endsTransaction = statement?.type === "TransactionStmt";
      if (session.aborted && !endsTransaction) {
        if (unit.index !== undefined) results.set(unit.index, { observed: emptyObserved("not-run", "an earlier statement of its transaction failed"), comparisons: [] });
        continue;
      }
      const observe = checked && statement !== undefined && !NOT_OBSERVED_TYPES.has(statement.type);
      if (!observe) {
        const error = await session.runStatement(unit.text);
        if (checked && unit.index !== undefined) {
          const observed = emptyObserved(error ? "error" : "ok");
          if (error) observed.error = { message: error.message, ...(error.code ? { code: error.code } : {}), ...errorAt(error) };
          results.set(unit.index, { observed, comparisons: [] });
        }
        if (error) {
          const at = errorAt(error);
          stoppedAt = at.line;
          options.onError?.({ ...at, message: error.message, ...(error.code ? { code: error.code } : {}) });
        }
        continue;
      }

      let expectations: ReturnType<typeof expectationsOf> = [];
      let resolved: (number | undefined)[] = [];
      const run = await session.observe(unit.text, {
        prepare: async (catalog) => {
          expectations = expectationsOf(staticEffects(model, parsed.statements, statement, catalogHooks(catalog)));
          resolved = [];
          const byName = new Map<string, number | undefined>();
          for (const x of expectations) {
            const sql = relationSql(x.relation);
            if (!byName.has(sql)) byName.set(sql, await session.resolve(sql));
            resolved.push(byName.get(sql));
          }
          const probe = expectations.map((x, i) => (scanChecked(x, resolved[i] !== undefined ? catalog.relations.get(resolved[i]!) : undefined) ? resolved[i]! : undefined));
          return [...new Set(probe.filter((o): o is number => o !== undefined))];
        },
        probe: (catalog) => planProbe({ sql: unit.text, statement, expectations, resolved, catalog }),
      });
      const skipped = run.notices.some((n) => /already exists, skipping|does not exist, skipping/.test(n));
      const comparisons = compareStatement({ expectations, resolved, run, skipped });
      const expectedOids = new Set(resolved.filter((o): o is number => o !== undefined));
      results.set(unit.index!, { observed: observedOf(run, errorAt, expectedOids), comparisons });
      if (!run.ok && run.error) {
        const at = errorAt(run.error);
        stoppedAt = at.line;
        options.onError?.({ ...at, message: run.error.message, ...(run.error.code ? { code: run.error.code } : {}) });
      }
    }
    if (session.inTransaction) {
      const commit = !session.aborted && toolTransaction && options.endWith !== "rollback";
      await session.run(commit ? "COMMIT" : "ROLLBACK");
      session.aborted = false;
    }

    if (!checked) continue;
    for (const [i, e] of explained.entries()) {
      const statement = parsed.statements[i]!;
      const result = results.get(i);
      const hidden = statement.hiddenIn;
      const observed =
        result?.observed ??
        emptyObserved("not-run", hidden ? `it runs as part of the statement on line ${source.positionAt(parsed.statements[hidden.runBy ?? hidden.statement]!.start).line}` : "it did not run");
      const comparisons = result?.comparisons ?? [];
      statementsOut.push({ ...e, observed, verdict: verdictOf(comparisons), comparisons, findings: [] });
    }
  }
  if (!checked) return undefined;
  return {
    file: options.displayName ?? filePath,
    filePath,
    framework: plan.framework,
    statements: statementsOut,
    transactions,
    errors,
    otherFindings: [],
    errorCount: 0,
    warningCount: 0,
  };
}

function relationSql(relation: RelationRef): string {
  return relation.sql;
}

/** What a rule's finding says about the lock, checked against what the statement took. */
function findingLock(statement: TracedStatement, mode: LockMode): NonNullable<TracedFinding["lock"]> {
  const o = statement.observed;
  if (o.status !== "ok" || o.locks === "none") return { mode, observed: "not-observable" };
  const took = o.taken.some((l) => l.modes.includes(mode)) || o.alreadyHeld.some((l) => l.modes.includes(mode));
  return { mode, observed: took ? "confirmed" : "not-observed" };
}

/** Attaches each lint finding to the statement it is on. */
function attachFindings(file: TracedFile, result: LintResult | undefined, body: string, ruleLock: (ruleId: string) => LockMode | undefined): void {
  if (!result) return;
  const source = new SourceText(body);
  const spans = file.statements.map((s) => {
    const start = source.indexAt({ line: s.line, column: s.column });
    const end = source.indexAt({ line: s.endLine, column: s.endColumn });
    return [start, end] as const;
  });
  for (const m of result.messages) {
    const json = toJsonMessage(m);
    // The innermost statement that holds the finding (a hidden statement inside a DO block wins over the DO).
    let best = -1;
    spans.forEach(([s, e], i) => {
      if (m.range[0] >= s && m.range[0] <= e && (best < 0 || s >= spans[best]![0])) best = i;
    });
    const statement = best >= 0 ? file.statements[best]! : undefined;
    const mode = ruleLock(m.ruleId);
    if (statement) statement.findings.push(mode ? { ...json, lock: findingLock(statement, mode) } : json);
    else file.otherFindings.push(json);
    if (m.severity === 2) file.errorCount++;
    else file.warningCount++;
  }
}

function summarize(files: readonly TracedFile[]): TraceSummary {
  const s: TraceSummary = { files: files.length, statements: 0, confirmed: 0, staticOnly: 0, traceOnly: 0, mismatches: 0, notObservable: 0, failed: 0, notRun: 0, lintErrors: 0, lintWarnings: 0 };
  for (const f of files) {
    s.lintErrors += f.errorCount;
    s.lintWarnings += f.warningCount;
    for (const st of f.statements) {
      if (st.hiddenIn) continue;
      s.statements++;
      if (st.observed.status === "error") s.failed++;
      if (st.observed.status === "not-run") s.notRun++;
      if (st.verdict === "confirmed") s.confirmed++;
      else if (st.verdict === "static-only") s.staticOnly++;
      else if (st.verdict === "trace-only") s.traceOnly++;
      else if (st.verdict === "mismatch") s.mismatches++;
      else if (st.verdict === "not-observable") s.notObservable++;
    }
  }
  return s;
}

/** The files to run: the checked ones and, before them, the history (see the header). */
export async function traceFileList(paths: readonly string[], options: Pick<TraceOptions, "cwd" | "ignorePatterns" | "history"> = {}): Promise<{ run: string[]; checked: Set<string>; skipped: string[] }> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const ignore = options.ignorePatterns ? { ignorePatterns: options.ignorePatterns } : {};
  const checkedList = await discoverFiles(paths, { cwd, ...ignore });
  const checked = new Set(checkedList);
  let universe = checkedList;
  if (options.history !== false) {
    const found = new Set(checkedList);
    for (const root of new Set(checkedList.map(historyRoot))) {
      try {
        for (const f of await discoverFiles([root], { cwd, ...ignore })) found.add(f);
      } catch (error) {
        if (!(error instanceof PgsafeUsageError)) throw error;
      }
    }
    universe = await discoverFiles([...found], { cwd });
  }
  let last = -1;
  universe.forEach((f, i) => {
    if (checked.has(f)) last = i;
  });
  const inOrder = universe.slice(0, last + 1);
  return { run: inOrder.filter((f) => !DOWN_FILE.test(f)), checked, skipped: inOrder.filter((f) => DOWN_FILE.test(f) && checked.has(f)) };
}

/**
 * Traces migrations: starts an embedded PostgreSQL (unless `session` is given), replays the
 * history, runs the seed, traces the checked files and attaches the lint findings.
 */
export async function trace(paths: readonly string[], options: TraceOptions = {}): Promise<TraceReport> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { run, checked, skipped } = await traceFileList(paths, options);
  const texts = new Map<string, string>();
  for (const file of run) texts.set(file, readSqlFile(file, displayPath(file, cwd)));
  let seed: Seed | undefined;
  if (options.seed !== undefined) {
    const seedPath = resolve(cwd, options.seed);
    seed = new Seed(seedPath, displayPath(seedPath, cwd));
  }

  let session = options.session;
  if (!session) {
    options.onProgress?.({ kind: "starting" });
    const t0 = performance.now();
    session = await TraceSession.start();
    options.onProgress?.({ kind: "started", seconds: (performance.now() - t0) / 1000, version: session.version });
  }
  try {
    const fileOptions = {
      ...(options.framework ? { framework: options.framework } : {}),
      ...(options.assumeInTransaction ? { assumeInTransaction: true } : {}),
      ...(options.model ? { model: options.model } : {}),
    };
    const history: string[] = [];
    const historyErrors: TraceReport["historyErrors"] = [];
    const files: TracedFile[] = [];
    let seeded = false;
    for (const file of run) {
      const isChecked = checked.has(file);
      if (isChecked && seed && !seeded) {
        await seed.apply(session);
        seeded = true;
      }
      options.onProgress?.({ kind: "file", file: displayPath(file, cwd), checked: isChecked });
      const traced = await traceMigration(session, texts.get(file)!, file, {
        ...fileOptions,
        checked: isChecked,
        displayName: displayPath(file, cwd),
        ...(isChecked ? {} : { onError: (e: Omit<TraceReport["historyErrors"][number], "file">) => historyErrors.push({ file: displayPath(file, cwd), ...e }) }),
      });
      // Each migration starts with the session's default settings (search_path, timeouts, role), as in a new psql session.
      if (!session.inTransaction) {
        await session.run("RESET ALL");
        await session.prepareSession();
      }
      if (!isChecked) history.push(file);
      if (traced) files.push(traced);
      else if (isChecked) skipped.push(file);
      if (isChecked && seed) await seed.apply(session);
    }

    if (options.lint !== false) {
      const { lintFiles } = await import("../index.js");
      const results = await lintFiles(run, {
        ...(options.lint ?? {}),
        cwd,
        ...(options.framework ? { framework: options.framework } : {}),
        ...(options.assumeInTransaction ? { assumeInTransaction: true } : {}),
      });
      const { rules } = await import("../../rules/index.js");
      const ruleLock = (id: string): LockMode | undefined => (Object.hasOwn(rules, id) ? (rules as Record<string, { meta: { docs: { lock?: LockMode } } }>)[id]!.meta.docs.lock : undefined);
      const byPath = new Map(results.map((r) => [r.filePath, r]));
      for (const f of files) attachFindings(f, byPath.get(f.filePath), stripBom(texts.get(f.filePath)!).text, ruleLock);
    }
    return { postgres: session.version, history, historyErrors, files, ...(seed ? { seed: seed.report() } : {}), summary: summarize(files), skipped };
  } finally {
    if (!options.session) await session.close();
  }
}
