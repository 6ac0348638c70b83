/**
 * The migration context: facts about a migration file computed once and read by every rule.
 *
 * - transactions: which statements run inside which transaction (explicit BEGIN/COMMIT, or the
 *   transaction the migration tool wraps the file in);
 * - new tables: tables created earlier in the same file, which nobody else can be using yet;
 * - timeouts: the lock_timeout and statement_timeout in force at each statement;
 * - locks: what each statement locks, in which mode, and whether it scans or rewrites.
 */
import type { AstObject, ParsedSql, ParsedStatement } from "../parser/parse.js";
import { ColumnTypes, replayBefore, type ColumnType } from "./columns.js";
import { relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";
import { blocksReads, blocksWrites, statementLocks, type LockEffect, type LockModelOptions } from "./locks.js";
import type { MigrationRole } from "./frameworks/types.js";
import type { KnownSchema } from "./schema.js";
import { constValue, parseDurationMs } from "./settings.js";
import { transactionBoundary } from "./transactional.js";

export interface MigrationOptions {
  /** Postgres major version the migration runs on (10-19). */
  pgVersion: number;
  /** The migration tool runs the whole file inside one transaction. */
  assumeInTransaction: boolean;
  /** The runner sets lock_timeout before it runs the migration. */
  lockTimeoutSetByRunner: boolean;
  /** The runner sets statement_timeout before it runs the migration. */
  statementTimeoutSetByRunner: boolean;
  /** Keys (`schema.name`) of tables created by earlier, not yet applied files of the run. */
  newTables?: readonly string[];
  /** What earlier files of the run left (see schema.ts); read-only for rules. */
  schema?: KnownSchema;
  /**
   * How the migration tool sends the text to PostgreSQL (set per file, or per up/down section, by
   * src/analysis/frameworks): "none" statement by statement, each on its own (psql); "transaction"
   * inside one transaction the tool opens; "implicit" the whole text as one simple query, which
   * PostgreSQL runs as one implicit transaction when it holds more than one statement. When set it
   * replaces assumeInTransaction (which then reads true exactly for "transaction").
   */
  wrap?: "none" | "transaction" | "implicit";
  /** Who opens that transaction and how to run a statement outside it, in the tool's own terms (for messages). */
  runner?: { transaction: string; optOut?: string };
  /**
   * Set by src/analysis/frameworks: the migration tool, which migration (up / down) this text is,
   * and for an up migration of a tool that has downs, whether its down exists.
   */
  migration?: MigrationRole;
}

export const DEFAULT_OPTIONS: MigrationOptions = {
  pgVersion: 15,
  assumeInTransaction: false,
  lockTimeoutSetByRunner: false,
  statementTimeoutSetByRunner: false,
};

export interface Transaction {
  id: number;
  /**
   * `explicit`: opened by BEGIN in the file; `assumed`: opened by the migration tool; `implicit`: the
   * implicit transaction block of a multi-statement simple query (`wrap: "implicit"`), or the
   * transaction of a DO block or called function run outside any other (`runBy` set).
   */
  kind: "explicit" | "assumed" | "implicit";
  /** For the transaction of a DO block or called function: the index of that DO / calling statement. */
  runBy?: number;
  /** Index of the BEGIN statement (undefined for an assumed transaction). */
  begin?: number;
  /** Index of the statement that ended it (COMMIT, END, ROLLBACK), undefined if it stays open. */
  end?: number;
  /** How it ended. */
  outcome?: "commit" | "rollback";
  /** Indices of the statements that run inside it (not counting BEGIN / COMMIT themselves). */
  statements: number[];
}

export interface TimeoutState {
  /** Milliseconds in force; 0 means "no timeout" (Postgres' default). */
  ms: number;
  /** How it was set: by a statement of the file (its index), or by the runner. */
  source: "runner" | "default" | number;
}

export interface StatementFacts {
  statement: ParsedStatement;
  /** The transaction the statement runs in, or undefined when it runs on its own (autocommit). */
  transaction?: Transaction;
  lockTimeout: TimeoutState;
  statementTimeout: TimeoutState;
  /** Locks on relations that existed before this statement (tables new in this file are excluded). */
  locks: LockEffect[];
  /** Locks on any relation, including tables created earlier in the file. */
  allLocks: LockEffect[];
}

export interface MigrationContext {
  options: MigrationOptions;
  statements: StatementFacts[];
  transactions: Transaction[];
  /** Table keys created in this file, with the index of the creating statement. */
  createdTables: Map<string, number>;
  /** True when the table did not exist before the statement at `beforeIndex` (created earlier in the file or run). */
  isNewTable(relation: RelationRef | string, beforeIndex: number): boolean;
  /** True when the schema was created earlier in this file (following renames) and still exists at `beforeIndex`. */
  isNewSchema(name: string, beforeIndex: number): boolean;
  /** The facts of the statement (by index). */
  facts(index: number): StatementFacts;
}

interface SettingChange {
  name: string;
  /** undefined = reset to the default (0). */
  ms: number | undefined;
  local: boolean;
  resetAll?: boolean;
}

const TIMEOUTS = new Set(["lock_timeout", "statement_timeout"]);
const NO_CHANGES: readonly SettingChange[] = [];

/** SET / RESET / set_config(...) changes of lock_timeout and statement_timeout in a statement. */
function settingChanges(statement: ParsedStatement): readonly SettingChange[] {
  const node = statement.node;
  if (statement.type === "VariableSetStmt") {
    const name = String(node.name ?? "").toLowerCase();
    const local = node.is_local === true;
    switch (node.kind) {
      case "VAR_SET_VALUE": {
        if (!TIMEOUTS.has(name)) return NO_CHANGES;
        const value = constValue((node.args as unknown[] | undefined)?.[0]);
        const ms = typeof value === "string" || typeof value === "number" ? parseDurationMs(value) : undefined;
        return [{ name, ms: ms ?? 0, local }];
      }
      case "VAR_SET_DEFAULT":
      case "VAR_RESET":
        return TIMEOUTS.has(name) ? [{ name, ms: undefined, local }] : NO_CHANGES;
      case "VAR_RESET_ALL":
        return [{ name: "*", ms: undefined, local: false, resetAll: true }];
      default:
        return NO_CHANGES;
    }
  }
  if (statement.type === "SelectStmt") {
    const changes: SettingChange[] = [];
    for (const target of (node.targetList as { ResTarget?: AstObject }[] | undefined) ?? []) {
      const call = (target.ResTarget?.val as { FuncCall?: AstObject } | undefined)?.FuncCall;
      const fn = ((call?.funcname as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval).pop();
      if (!call || fn !== "set_config") continue;
      const args = (call.args as unknown[] | undefined) ?? [];
      const name = constValue(args[0]);
      const value = constValue(args[1]);
      const local = constValue(args[2]);
      if (typeof name !== "string" || !TIMEOUTS.has(name.toLowerCase())) continue;
      const ms = typeof value === "string" || typeof value === "number" ? parseDurationMs(value) : undefined;
      changes.push({ name: name.toLowerCase(), ms: ms ?? 0, local: local === true || local === "true" || local === "on" });
    }
    return changes;
  }
  return NO_CHANGES;
}

/** Tracks one setting across the file with Postgres' SET / SET LOCAL / transaction semantics. */
class SettingTracker {
  session: TimeoutState;
  current: TimeoutState;
  #savedAtBegin: TimeoutState | undefined;
  readonly #initial: TimeoutState;

  constructor(initial: TimeoutState) {
    this.#initial = initial;
    this.session = initial;
    this.current = initial;
  }

  begin(): void {
    this.#savedAtBegin = this.session;
  }

  end(outcome: "commit" | "rollback"): void {
    if (outcome === "rollback" && this.#savedAtBegin) this.session = this.#savedAtBegin;
    this.current = this.session;
    this.#savedAtBegin = undefined;
  }

  set(ms: number | undefined, local: boolean, inTransaction: boolean, index: number): void {
    // RESET and SET ... TO DEFAULT go back to the value the session started with; with a
    // runner-set timeout that is the runner's value.
    const state: TimeoutState = ms === undefined ? this.#initial : { ms, source: index };
    if (local) {
      // SET LOCAL outside a transaction block has no effect (Postgres only warns).
      if (inTransaction) this.current = state;
      return;
    }
    this.session = state;
    this.current = state;
  }
}

export function createdRelations(statement: ParsedStatement): RelationRef[] {
  const node = statement.node;
  switch (statement.type) {
    case "CreateStmt": {
      const r = relationFromRangeVar(node.relation as AstObject);
      return r ? [r] : [];
    }
    case "CreateTableAsStmt": {
      const into = node.into as { rel?: AstObject } | undefined;
      const r = relationFromRangeVar(into?.rel);
      return r ? [r] : [];
    }
    case "SelectStmt": {
      const into = node.intoClause as { rel?: AstObject } | undefined;
      const r = relationFromRangeVar(into?.rel);
      return r ? [r] : [];
    }
    default:
      return [];
  }
}

export function droppedRelations(statement: ParsedStatement): RelationRef[] {
  const node = statement.node;
  if (statement.type === "DropStmt" && (node.removeType === "OBJECT_TABLE" || node.removeType === "OBJECT_MATVIEW")) {
    return ((node.objects as unknown[] | undefined) ?? []).map(relationFromNameList).filter((r): r is RelationRef => !!r);
  }
  return [];
}

function renamedTable(statement: ParsedStatement): { from: RelationRef; to: string } | undefined {
  const node = statement.node;
  if (statement.type === "RenameStmt" && node.renameType === "OBJECT_TABLE") {
    const from = relationFromRangeVar(node.relation as AstObject);
    if (from && typeof node.newname === "string") return { from, to: `${from.schema ?? "public"}.${node.newname}` };
  }
  return undefined;
}

/** Computes the migration context of a parsed file. */
export function analyzeMigration(parsed: ParsedSql, options: Partial<MigrationOptions> = {}): MigrationContext {
  // Object.assign rather than spreads: several times faster for options of varying shapes.
  const opts: MigrationOptions = Object.assign({}, DEFAULT_OPTIONS, options);
  if (opts.wrap) opts.assumeInTransaction = opts.wrap === "transaction";
  const transactions: Transaction[] = [];
  const facts: StatementFacts[] = [];
  const createdTables = new Map<string, number>();
  // For each table new to this file: the statement ranges in which it exists, (from, to].
  const lifetimes = new Map<string, { from: number; to?: number }[]>();
  const fromRun = opts.newTables?.length ? new Set(opts.newTables) : undefined;
  const isNewTable = (relation: RelationRef | string, beforeIndex: number): boolean => {
    const key = typeof relation === "string" ? relation : relation.key;
    if (fromRun?.has(key)) return true;
    return lifetimes.get(key)?.some((l) => l.from < beforeIndex && (l.to === undefined || beforeIndex <= l.to)) === true;
  };
  const open = (key: string, index: number): void => {
    const list = lifetimes.get(key) ?? [];
    list.push({ from: index });
    lifetimes.set(key, list);
  };
  const close = (key: string, index: number): void => {
    const last = lifetimes.get(key)?.at(-1);
    if (last && last.to === undefined) last.to = index;
  };
  // Schemas share the lifetime bookkeeping under a "schema:" prefix (table keys always hold a ".").
  const isNewSchema = (name: string, beforeIndex: number): boolean => isNewTable(`schema:${name}`, beforeIndex);
  const trackSchemas = (statement: ParsedStatement, index: number): void => {
    const node = statement.node;
    if (statement.type === "CreateSchemaStmt") {
      const name = typeof node.schemaname === "string" ? node.schemaname : (node.authrole as { rolename?: string } | undefined)?.rolename;
      if (name) open(`schema:${name}`, index);
    } else if (statement.type === "RenameStmt" && node.renameType === "OBJECT_SCHEMA") {
      if (typeof node.subname === "string" && typeof node.newname === "string" && isNewSchema(node.subname, index)) {
        close(`schema:${node.subname}`, index);
        open(`schema:${node.newname}`, index);
      }
    } else if (statement.type === "DropStmt" && node.removeType === "OBJECT_SCHEMA") {
      for (const o of (node.objects as unknown[] | undefined) ?? []) {
        const name = (o as { String?: { sval?: string } }).String?.sval;
        if (name) close(`schema:${name}`, index);
      }
    }
  };

  const lockTimeout = new SettingTracker(opts.lockTimeoutSetByRunner ? { ms: Infinity, source: "runner" } : { ms: 0, source: "default" });
  const statementTimeout = new SettingTracker(
    opts.statementTimeoutSetByRunner ? { ms: Infinity, source: "runner" } : { ms: 0, source: "default" },
  );
  const trackers: Record<string, SettingTracker> = { lock_timeout: lockTimeout, statement_timeout: statementTimeout };

  // Column types known before each statement let the lock model tell binary-coercible type changes.
  // Only ALTER COLUMN ... TYPE asks (in few files): the file is replayed up to it on first use.
  let position = 0;
  let typesBefore: ((index: number) => ColumnTypes) | undefined;
  const knownOldType = (table: RelationRef, column: string): ColumnType | undefined => {
    typesBefore ??= replayBefore(opts.schema?.forkColumnTypes() ?? new ColumnTypes(), parsed.statements);
    return typesBefore(position).typeOf(table, column);
  };
  const lockOptions: LockModelOptions = { pgVersion: opts.pgVersion, knownOldType };

  let current: Transaction | undefined;
  if (opts.assumeInTransaction) {
    current = { id: 0, kind: "assumed", statements: [] };
    transactions.push(current);
    lockTimeout.begin();
    statementTimeout.begin();
  }

  // PG: a simple Query message holding several statements runs them as one implicit transaction
  // block, started again after each COMMIT / ROLLBACK in it; BEGIN turns the block into an ordinary
  // transaction block; a single statement runs on its own (checked with PGlite in
  // test/frameworks/implicit-transaction.pglite.test.ts).
  // https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
  const implicitBlock = opts.wrap === "implicit" && parsed.statements.filter((s) => !s.hiddenIn).length > 1;

  // The transaction of a DO block or called function that runs outside any other transaction.
  let own: { key: string; transaction: Transaction } | undefined;

  for (; position < parsed.statements.length; position++) {
    const statement = parsed.statements[position]!;
    const index = statement.index;
    const kind = transactionBoundary(statement) ?? "other";
    if (implicitBlock && !current && !statement.hiddenIn) {
      current = { id: transactions.length, kind: "implicit", statements: [] };
      transactions.push(current);
      lockTimeout.begin();
      statementTimeout.begin();
    }
    if (kind === "begin" && current?.kind === "implicit") {
      current.kind = "explicit";
      current.begin = index;
    }
    if (kind === "begin" && !current) {
      current = { id: transactions.length, kind: "explicit", begin: index, statements: [] };
      transactions.push(current);
      lockTimeout.begin();
      statementTimeout.begin();
    }
    // Statements of a DO block or called function (src/parser/plpgsql.ts) outside any transaction
    // run in a transaction of their own, which a COMMIT / ROLLBACK inside the code ends and restarts
    // (PG ≥ 11): CONCURRENTLY fails there, SET LOCAL lasts until it ends, locks are held until then.
    // https://www.postgresql.org/docs/current/plpgsql-transactions.html
    const hidden = statement.hiddenIn;
    const ownKey = hidden && !current ? `${hidden.runBy ?? hidden.statement}:${hidden.commitsBefore ?? 0}` : undefined;
    if (own && own.key !== ownKey) {
      own = undefined;
      lockTimeout.end("commit");
      statementTimeout.end("commit");
    }
    if (hidden && ownKey && !own) {
      own = { key: ownKey, transaction: { id: transactions.length, kind: "implicit", runBy: hidden.runBy ?? hidden.statement, statements: [] } };
      transactions.push(own.transaction);
      lockTimeout.begin();
      statementTimeout.begin();
    }
    const transaction = current ?? own?.transaction;
    const inTransaction = transaction !== undefined;
    for (const change of settingChanges(statement)) {
      const targets = change.resetAll ? Object.values(trackers) : [trackers[change.name]!];
      for (const t of targets) t.set(change.ms, change.local, inTransaction, index);
    }

    const allLocks = statementLocks(statement, lockOptions);
    const locks = allLocks.filter((l) => l.kind === "index" || !isNewTable(l.relation, index));
    const lockNow = lockTimeout.current;
    const statementNow = statementTimeout.current;
    facts.push(
      transaction
        ? { statement, transaction, lockTimeout: lockNow, statementTimeout: statementNow, locks, allLocks }
        : { statement, lockTimeout: lockNow, statementTimeout: statementNow, locks, allLocks },
    );
    if (transaction && kind === "other") transaction.statements.push(index);

    for (const r of createdRelations(statement)) {
      if (!createdTables.has(r.key)) createdTables.set(r.key, index);
      open(r.key, index);
    }
    for (const r of droppedRelations(statement)) close(r.key, index);
    const rename = renamedTable(statement);
    if (rename && isNewTable(rename.from, index)) {
      close(rename.from.key, index);
      open(rename.to, index);
    }
    trackSchemas(statement, index);

    if ((kind === "commit" || kind === "rollback") && current) {
      current.end = index;
      current.outcome = kind;
      current = undefined;
      lockTimeout.end(kind);
      statementTimeout.end(kind);
    }
    // COMMIT / ROLLBACK AND CHAIN end the transaction for the settings (SET LOCAL expires, ROLLBACK
    // undoes SETs) and open the next one at once; the rest of pgsafe sees one transaction.
    if (kind === "other" && current && statement.type === "TransactionStmt" && statement.node.chain) {
      const outcome = statement.node.kind === "TRANS_STMT_ROLLBACK" ? "rollback" : "commit";
      for (const t of [lockTimeout, statementTimeout]) {
        t.end(outcome);
        t.begin();
      }
    }
  }

  return {
    options: opts,
    statements: facts,
    transactions,
    createdTables,
    isNewTable,
    isNewSchema,
    facts(index) {
      return facts[index]!;
    },
  };
}

/** True when the lock conflicts with ordinary reads or writes of the table. */
export function blocksTraffic(lock: LockEffect): boolean {
  return blocksReads(lock.mode) || blocksWrites(lock.mode);
}
