/**
 * `explain`: what each statement of a migration does in Postgres, for a reviewer. It judges
 * nothing; it lays out, statement by statement:
 *
 * - the locks it takes (from the lock model, src/analysis/locks.ts): relation, mode, and whether
 *   the mode blocks reads (conflicts with SELECT's ACCESS SHARE) and writes (with INSERT / UPDATE /
 *   DELETE's ROW EXCLUSIVE);
 * - its effect: `instant` (catalog only), `scan` (reads the table under the lock) or `rewrite`
 *   (writes a new copy of it); a statement that locks nothing is `instant`;
 * - the transaction it runs in: `null` when it runs on its own (autocommit), else
 *   `{ id, kind: "explicit" | "assumed" | "implicit", beginLine, endLine, outcome }`;
 * - how long each lock is held: until the statement ends (autocommit), until the COMMIT,
 *   ROLLBACK or PREPARE TRANSACTION that ends its transaction (with that statement's line; `COMMIT
 *   AND CHAIN` releases the locks too), to the end of the file when the transaction is still open
 *   there, or until the DO block or function call that runs the statement in its own transaction ends.
 *
 * Locks on tables created earlier in the file are listed with `new: true`: no running code uses
 * those tables yet, so in practice nobody waits for them (`blocksReads` / `blocksWrites` still
 * describe the mode). Per transaction, `transactions[].locks` sums up each relation's lock window:
 * the strongest mode, and from which line reads and writes are blocked until the locks are released.
 *
 * Statements that do not parse are not explained; they are listed in `errors`.
 *
 * Files are explained as their migration tool runs them (src/analysis/frameworks, as lint does):
 * each up and down migration of a file on its own, in the transaction the tool opens, if any.
 *
 * Start-up stays light: nothing here loads the rules or the lint engine.
 */
import { isAbsolute, relative, resolve } from "node:path";
import { analyzeMigration, type MigrationContext, type Transaction } from "./analysis/context.js";
import { migrationSplit, type SectionOptions } from "./analysis/frameworks/index.js";
import { checkedFramework, type FrameworkName, type FrameworkOption, type MigrationSection } from "./analysis/frameworks/types.js";
import { indexCreatedInFile } from "./analysis/indexes.js";
import {
  blocksReads,
  blocksWrites,
  LOCK_MODEL,
  lockRank,
  statementLocks,
  type Effect,
  type LockEffect,
  type LockForm,
  type LockMode,
  type LockModelEntry,
  type LockModelOptions,
} from "./analysis/locks.js";
import type { RelationRef } from "./analysis/names.js";
import { discoverFiles } from "./cli/discover.js";
import { PgsafeUsageError } from "./cli/errors.js";
import { parseSql, stripBom, type ParsedSql, type ParsedStatement } from "./parser/parse.js";
import { readSqlFile } from "./sql-file.js";

/**
 * What a lock is on:
 * - `table`: the table, view or materialized view `relation` names;
 * - `index`: the index `relation` names (queries plan with ACCESS SHARE on every index of the
 *   tables they read, so a lock on an index that blocks reads stalls queries on its table);
 * - `table-of-index`: the table the index `relation` belongs to (DROP INDEX, REINDEX INDEX), when
 *   pgsafe does not know that table's name (it knows it when the file created the index);
 * - `indexes-of-table`: every index of the table `relation` (REINDEX TABLE).
 */
export type ExplainLockKind = "table" | "index" | "table-of-index" | "indexes-of-table";

/** How long a lock is held. */
export type HeldUntil =
  /** The statement runs on its own (autocommit): its locks are released when it ends. */
  | { kind: "statement" }
  /** The statement that ends the transaction (COMMIT / END, ROLLBACK / ABORT, PREPARE TRANSACTION, also `AND CHAIN`). */
  | { kind: "commit" | "rollback" | "prepare"; line: number }
  /** The transaction is still open at the end of the file (an assumed transaction: the migration tool commits it). */
  | { kind: "end-of-file" }
  /**
   * A statement of a DO block or called function run outside any transaction runs in the block's
   * own transaction: its locks are held until the DO / call on `line` ends, or until a COMMIT or
   * ROLLBACK in its code (a procedure's; the next statement of the block is then in a new transaction).
   */
  | { kind: "block"; line: number };

export interface ExplainTransaction {
  /** 1, 2, ... in the order the transactions start in the file. */
  id: number;
  /**
   * `explicit`: BEGIN in the file; `assumed`: the one the migration tool opens
   * (--assume-in-transaction); `implicit`: the implicit transaction of a multi-statement query.
   */
  kind: Transaction["kind"];
  /** Line of the BEGIN; null when the file has none (assumed, implicit). */
  beginLine: number | null;
  /** Line of the statement that ends it; null when it is still open at the end of the file. */
  endLine: number | null;
  /** How the file ends it; null when it does not. */
  outcome: "commit" | "rollback" | "prepare" | null;
  /** For the own transaction of a DO block or function call (kind `implicit`): the line of that DO / call. */
  runByLine?: number;
}

export interface ExplainLock {
  /** The relation as Postgres prints it: `users`, `app.users`, `Users`. */
  relation: string;
  mode: LockMode;
  /** The mode conflicts with ACCESS SHARE (SELECT). */
  blocksReads: boolean;
  /** The mode conflicts with ROW EXCLUSIVE (INSERT, UPDATE, DELETE). */
  blocksWrites: boolean;
  kind: ExplainLockKind;
  /** The table was created earlier in the file (or, for an index, its table was): nobody uses it yet. */
  new: boolean;
  /** What the statement does to this relation under the lock. */
  effect: Effect;
  /** The lock-model form (see LOCK_MODEL and docs/locks.md). */
  form: LockForm;
  heldUntil: HeldUntil;
  /** For a lock on a table reached through one of its indexes (DROP INDEX of an index the file created): the index. */
  index?: string;
}

export interface ExplainStatement {
  /** Where the statement is: 1-based lines, UTF-16 columns, endColumn exclusive (as in lint's JSON). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The statement's text, without its `;`. */
  text: string;
  /** The transaction it runs in; null when it runs on its own (autocommit). */
  transaction: ExplainTransaction | null;
  /** The heaviest effect of its locks; `instant` when it locks nothing. */
  effect: Effect;
  locks: ExplainLock[];
  /**
   * Set for a statement found inside another one, listed where it runs: `kind` (a DO block, the
   * body of a function the file calls, an EXECUTE string), `line` of the DO or CREATE FUNCTION that
   * holds it, `runByLine` of the statement that runs it (the DO, or the call).
   */
  hiddenIn?: { kind: "do" | "function" | "execute"; line: number; runByLine: number };
}

/** One relation's locks over a transaction (between the statements that release them). */
export interface LockWindow {
  relation: string;
  kind: ExplainLockKind;
  new: boolean;
  /** The strongest mode taken. */
  mode: LockMode;
  blocksReads: boolean;
  blocksWrites: boolean;
  /** Line of the first statement that locks it. */
  fromLine: number;
  /** Line of the first statement whose lock blocks reads / writes; null when none does. */
  readsBlockedFromLine: number | null;
  writesBlockedFromLine: number | null;
  heldUntil: HeldUntil;
}

export interface ExplainTransactionSummary extends ExplainTransaction {
  /** Each relation locked in the transaction, in the order they are first locked. */
  locks: LockWindow[];
}

export interface ExplainSyntaxError {
  /** The token at which Postgres stopped. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface ExplainedFile {
  /** The path relative to `cwd` (absolute when outside it), or the name given for text. */
  file: string;
  /**
   * For a migration tool's file: the tool, and which of the file's migrations this is (a file with
   * an up and a down section is explained as two migrations, each on its own; sqitch also has
   * "verify" scripts).
   */
  migration?: { framework: FrameworkName; direction: MigrationSection["direction"] };
  statements: ExplainStatement[];
  transactions: ExplainTransactionSummary[];
  /** Statements that did not parse: they are not explained. */
  errors: ExplainSyntaxError[];
}

export interface ExplainOptions {
  /** PostgreSQL major version the migrations run on (10-19, default 15). */
  pgVersion?: number;
  /** The migration tool runs each file inside one transaction. */
  assumeInTransaction?: boolean;
  /** Directory that relative paths are resolved against and shown relative to (default: process.cwd()). */
  cwd?: string;
  /**
   * The schema as the caller knows it (e.g. from the database's catalog): a column's current type
   * as format_type prints it (tells binary-coercible type changes from rewrites), and a table's
   * foreign keys (DROP TABLE / DROP CONSTRAINT / VALIDATE CONSTRAINT lock the referenced table).
   * When either is given, the locks are computed with these hooks instead of what the lint engine
   * learns from the file itself (the column types of tables it creates).
   */
  knownOldType?: LockModelOptions["knownOldType"];
  knownForeignKeys?: LockModelOptions["knownForeignKeys"];
}

export interface ExplainMigrationOptions extends ExplainOptions {
  /**
   * The migration tool that runs the files, which decides their up / down sections and
   * transactions: "auto" (default) detects it per file as lint does; "none" explains a file as
   * psql runs it.
   */
  framework?: FrameworkOption;
}

export interface ExplainTextOptions extends ExplainOptions {
  /** The name to report for the text (default "<text>"). */
  filePath?: string;
}

export interface ExplainFilesOptions extends ExplainMigrationOptions {
  /** Globs of files to leave out (as for lintFiles). */
  ignorePatterns?: readonly string[];
}

const EFFECT_RANK: Record<Effect, number> = { instant: 0, scan: 1, rewrite: 2 };

function checkedPgVersion(pgVersion: number | undefined): number {
  if (pgVersion === undefined) return 15;
  if (!Number.isInteger(pgVersion) || pgVersion < 10 || pgVersion > 19) {
    throw new PgsafeUsageError(`Unsupported PostgreSQL version ${String(pgVersion)}: use a major version from 10 to 19.`);
  }
  return pgVersion;
}

/** The statement that ends a transaction and releases its locks, if `statement` is one. */
function releasesLocks(statement: ParsedStatement): "commit" | "rollback" | "prepare" | undefined {
  if (statement.type !== "TransactionStmt") return undefined;
  switch (statement.node.kind) {
    case "TRANS_STMT_COMMIT":
      return "commit";
    case "TRANS_STMT_ROLLBACK":
      return "rollback";
    case "TRANS_STMT_PREPARE":
      return "prepare";
    default:
      return undefined;
  }
}

function sameHeldUntil(a: HeldUntil, b: HeldUntil): boolean {
  return a.kind === b.kind && ("line" in a ? a.line : 0) === ("line" in b ? b.line : 0);
}

/**
 * Explains a file the lint engine already parsed and analysed (its migration context, with the
 * transaction semantics of its migration tool): the lock timeline in the text report uses it, so
 * that nothing is parsed twice.
 */
export function explainAnalyzed(parsed: ParsedSql, migration: MigrationContext, file: string): ExplainedFile {
  return explainParsed(parsed, file, { pgVersion: migration.options.pgVersion }, migration);
}

/** Explains one parsed file (`parseSql` output); `file` is the name to report. */
function explainParsed(parsed: ParsedSql, file: string, options: ExplainOptions, analyzed?: MigrationContext): ExplainedFile {
  const pgVersion = checkedPgVersion(options.pgVersion);
  const migration = analyzed ?? analyzeMigration(parsed, { pgVersion, assumeInTransaction: options.assumeInTransaction === true });
  // The locks lint sees (the migration context's), or those the caller's schema hooks give.
  const hooks = options.knownOldType || options.knownForeignKeys;
  const lockOptions: LockModelOptions = {
    pgVersion,
    ...(options.knownOldType ? { knownOldType: options.knownOldType } : {}),
    ...(options.knownForeignKeys ? { knownForeignKeys: options.knownForeignKeys } : {}),
  };
  const { source, statements } = parsed;
  const lineOf = (index: number): number => source.positionAt(statements[index]!.start).line;

  const transactions = migration.transactions.map(
    (tx): ExplainTransaction => ({
      id: tx.id + 1,
      kind: tx.kind,
      beginLine: tx.begin === undefined ? null : lineOf(tx.begin),
      endLine: tx.end === undefined ? null : lineOf(tx.end),
      outcome: tx.end === undefined ? null : (releasesLocks(statements[tx.end]!) ?? "commit"),
      ...(tx.runBy !== undefined ? { runByLine: lineOf(tx.runBy) } : {}),
    }),
  );
  const windows = transactions.map((): LockWindow[] => []);

  const heldUntilOf = (index: number, transaction: ExplainTransaction | null): HeldUntil => {
    if (!transaction) return { kind: "statement" };
    if (transaction.runByLine !== undefined) return { kind: "block", line: transaction.runByLine };
    for (let j = index + 1; j < statements.length; j++) {
      const ends = releasesLocks(statements[j]!);
      if (ends) return { kind: ends, line: lineOf(j) };
    }
    return { kind: "end-of-file" };
  };

  const explained = statements.map((statement): ExplainStatement => {
    const facts = migration.facts(statement.index);
    const txIndex = facts.transaction ? migration.transactions.indexOf(facts.transaction) : -1;
    const transaction = txIndex >= 0 ? transactions[txIndex]! : null;
    const effects = hooks ? statementLocks(statement, lockOptions) : facts.allLocks;
    const isNew = (relation: RelationRef): boolean => migration.isNewTable(relation, statement.index);
    const locks = explainLocks(parsed, statement, effects, heldUntilOf(statement.index, transaction), isNew);
    const start = source.positionAt(statement.start);
    const end = source.positionAt(statement.end);
    if (transaction) addToWindows(windows[txIndex]!, locks, start.line);
    const hidden = statement.hiddenIn;
    return {
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      text: statement.text,
      transaction,
      effect: locks.reduce<Effect>((heaviest, l) => (EFFECT_RANK[l.effect] > EFFECT_RANK[heaviest] ? l.effect : heaviest), "instant"),
      locks,
      ...(hidden ? { hiddenIn: { kind: hidden.kind, line: lineOf(hidden.statement), runByLine: lineOf(hidden.runBy ?? hidden.statement) } } : {}),
    };
  });

  const errors = parsed.errors.map((e): ExplainSyntaxError => {
    const start = source.positionAt(e.start);
    const end = source.positionAt(e.end);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message: e.message };
  });

  return {
    file,
    statements: explained,
    transactions: transactions.map((tx, i) => ({ ...tx, locks: windows[i]! })),
    errors,
  };
}

/** The form of an effect: statementLocks only reports LOCK_MODEL keys. */
function formOf(effect: LockEffect): LockForm {
  if (!Object.hasOwn(LOCK_MODEL, effect.form)) throw new Error(`unknown lock-model form "${effect.form}"`);
  return effect.form as LockForm;
}

/** The locks of one statement, for a reviewer: index locks split from the locks on their table. */
function explainLocks(
  parsed: ParsedSql,
  statement: ParsedStatement,
  effects: readonly LockEffect[],
  heldUntil: HeldUntil,
  isNew: (relation: RelationRef) => boolean,
): ExplainLock[] {
  const out: ExplainLock[] = [];
  const add = (relation: string, kind: ExplainLockKind, mode: LockMode, e: LockEffect, isNewTable: boolean, index?: string): void => {
    const same = out.find((l) => l.relation === relation && l.kind === kind);
    if (same) {
      // Two effects on one relation (two indexes of one table dropped together): the strongest wins.
      if (lockRank(mode) > lockRank(same.mode)) Object.assign(same, { mode, blocksReads: blocksReads(mode), blocksWrites: blocksWrites(mode), form: formOf(e) });
      if (EFFECT_RANK[e.effect] > EFFECT_RANK[same.effect]) same.effect = e.effect;
      same.new &&= isNewTable;
      return;
    }
    out.push({
      relation,
      mode,
      blocksReads: blocksReads(mode),
      blocksWrites: blocksWrites(mode),
      kind,
      new: isNewTable,
      effect: e.effect,
      form: formOf(e),
      heldUntil,
      ...(index !== undefined ? { index } : {}),
    });
  };

  for (const e of effects) {
    if (e.kind === "table") {
      const isNewTable = isNew(e.relation);
      add(e.relation.label, "table", e.mode, e, isNewTable);
      if (e.indexMode) add(e.relation.label, "indexes-of-table", e.indexMode, e, isNewTable);
      continue;
    }
    // An index form: `mode` is the lock on the index's table, or on the index itself for the forms
    // that lock only the index (ALTER INDEX ... RENAME / SET / SET TABLESPACE).
    const entry: LockModelEntry = LOCK_MODEL[formOf(e)];
    const table = indexCreatedInFile(parsed, e.relation, statement.index)?.table;
    const isNewTable = table ? isNew(table) : false;
    if (entry.indexOnly) {
      add(e.relation.label, "index", e.mode, e, isNewTable);
      continue;
    }
    if (table) add(table.label, "table", e.mode, e, isNewTable, e.relation.label);
    else add(e.relation.label, "table-of-index", e.mode, e, false);
    if (e.indexMode) add(e.relation.label, "index", e.indexMode, e, isNewTable);
  }
  return out;
}

function addToWindows(windows: LockWindow[], locks: readonly ExplainLock[], line: number): void {
  for (const lock of locks) {
    let w = windows.find((x) => x.relation === lock.relation && x.kind === lock.kind && sameHeldUntil(x.heldUntil, lock.heldUntil));
    if (!w) {
      w = {
        relation: lock.relation,
        kind: lock.kind,
        new: lock.new,
        mode: lock.mode,
        blocksReads: lock.blocksReads,
        blocksWrites: lock.blocksWrites,
        fromLine: line,
        readsBlockedFromLine: null,
        writesBlockedFromLine: null,
        heldUntil: lock.heldUntil,
      };
      windows.push(w);
    }
    w.new &&= lock.new;
    if (lockRank(lock.mode) > lockRank(w.mode)) Object.assign(w, { mode: lock.mode, blocksReads: lock.blocksReads, blocksWrites: lock.blocksWrites });
    if (lock.blocksReads) w.readsBlockedFromLine ??= line;
    if (lock.blocksWrites) w.writesBlockedFromLine ??= line;
  }
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** Explains SQL text as one migration, as it is (see `explain` for a migration tool's files). */
export function explainText(text: string, options: ExplainTextOptions = {}): ExplainedFile {
  return explainParsed(parseSql(stripBom(text).text), options.filePath ?? "<text>", options);
}

/**
 * Explains a file's text as its migration tool runs it: one result per migration (the whole file,
 * or each up and down section), each with the tool's transaction semantics. `path` lets the tool
 * be recognised from the file's name; `name` is reported.
 */
function explainMigrations(text: string, path: string | undefined, name: string, options: ExplainMigrationOptions): ExplainedFile[] {
  const pgVersion = checkedPgVersion(options.pgVersion);
  const split = migrationSplit(text, path, {
    framework: checkedFramework(options.framework ?? "auto"),
    pgVersion,
    ...(options.assumeInTransaction !== undefined ? { assumeInTransaction: options.assumeInTransaction } : {}),
  });
  const one = (sql: string, section: SectionOptions | undefined): ExplainedFile => {
    const parsed = parseSql(stripBom(sql).text);
    if (!section) return explainParsed(parsed, name, options);
    const { direction, ...migration } = section;
    const analyzed = analyzeMigration(parsed, { pgVersion, assumeInTransaction: options.assumeInTransaction === true, ...migration });
    const explained = explainParsed(parsed, name, options, analyzed);
    const tool = section.migration?.tool;
    return tool && tool !== "none" ? { ...explained, migration: { framework: tool, direction: direction ?? "up" } } : explained;
  };
  if (split.kind === "whole") return [one(text, split.options)];
  return split.sections.map((section) => one(section.text, section.options));
}

/**
 * Explains migrations: SQL text (a string; `filePath` names it), or files, directories (their
 * *.sql files, in migration order) and globs (an array of paths, as for lintFiles). Each file is
 * explained as its migration tool runs it (`framework`): one result per migration, so a file with
 * an up and a down section gives two.
 */
export async function explain(input: string | readonly string[], options: ExplainTextOptions & ExplainFilesOptions = {}): Promise<ExplainedFile[]> {
  checkedPgVersion(options.pgVersion);
  checkedFramework(options.framework ?? "auto");
  const cwd = resolve(options.cwd ?? process.cwd());
  if (typeof input === "string") {
    const name = options.filePath ?? "<text>";
    return explainMigrations(input, /^<.*>$/.test(name) ? undefined : resolve(cwd, name), name, options);
  }
  const files = await discoverFiles(input, { cwd, ...(options.ignorePatterns ? { ignorePatterns: options.ignorePatterns } : {}) });
  return files.flatMap((file) => {
    const name = displayPath(file, cwd);
    return explainMigrations(readSqlFile(file, name), file, name, options);
  });
}
