/**
 * Checking the timeouts in force at each statement that takes a lock blocking reads or writes:
 * shared by require-lock-timeout and require-statement-timeout. The values themselves (SET, SET
 * LOCAL, set_config, RESET, transactions, a runner-set timeout) are tracked by the migration
 * context (context.ts); this module decides which statements lack a timeout, or have one longer
 * than a maximum, and words the parts of the findings both rules share.
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
 */
import type { PgSourceCode } from "../language/source-code.js";
import type { ParsedStatement } from "../parser/parse.js";
import { blocksTraffic, type StatementFacts, type TimeoutState } from "./context.js";
import { blocksReads, lockRank, type LockEffect, type LockMode } from "./locks.js";
import { parseDurationMs } from "./settings.js";

export type TimeoutSetting = "lock_timeout" | "statement_timeout";

export interface TimeoutProblem {
  statement: ParsedStatement;
  facts: StatementFacts;
  /** The statement's locks that block reads or writes of tables that existed before it. */
  locks: LockEffect[];
  /** The timeout in force at the statement. */
  timeout: TimeoutState;
  /** `missing`: no timeout (0); `tooLong`: longer than the maximum. */
  kind: "missing" | "tooLong";
}

/**
 * Statements that take a lock blocking reads or writes of an existing table while `setting` is
 * off, or (when `maxMs` is given) longer than `maxMs`. A timeout set by the runner is trusted:
 * pgsafe cannot see its value.
 */
export function timeoutProblems(sourceCode: PgSourceCode, setting: TimeoutSetting, maxMs: number | undefined): TimeoutProblem[] {
  const problems: TimeoutProblem[] = [];
  for (const statement of sourceCode.parsed.statements) {
    const facts = sourceCode.factsOf(statement);
    if (facts.locks.length === 0) continue;
    const locks = facts.locks.filter(blocksTraffic);
    if (locks.length === 0) continue;
    const timeout = setting === "lock_timeout" ? facts.lockTimeout : facts.statementTimeout;
    if (timeout.source === "runner") continue;
    if (timeout.ms === 0) problems.push({ statement, facts, locks, timeout, kind: "missing" });
    else if (maxMs !== undefined && timeout.ms > maxMs) problems.push({ statement, facts, locks, timeout, kind: "tooLong" });
  }
  return problems;
}

/** A rule's `max` option in milliseconds; throws on a value that is not a duration. */
export function maxOptionMs(ruleId: string, value: string | number): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new Error(`${ruleId}: invalid "max" option ${JSON.stringify(value)} (use e.g. "10s" or 10000)`);
  return ms;
}

const lockTarget = (l: LockEffect): string => (l.kind === "index" ? `the table of index "${l.relation.label}"` : `"${l.relation.label}"`);

const VOWEL_FIRST = /^[AEIOU]/;

const modeLock = (mode: LockMode, targets: string): string =>
  `${VOWEL_FIRST.test(mode) ? "an" : "a"} ${mode} lock on ${targets} (${blocksReads(mode) ? "blocks reads and writes" : "blocks writes"})`;

/** `an ACCESS EXCLUSIVE lock on "users" (blocks reads and writes)`, grouped by mode, strongest first. */
export function describeLocks(locks: readonly LockEffect[]): string {
  // Most statements lock one table.
  if (locks.length === 1) return modeLock(locks[0]!.mode, lockTarget(locks[0]!));
  const byMode = new Map<LockMode, string[]>();
  for (const l of [...locks].sort((a, b) => lockRank(b.mode) - lockRank(a.mode))) {
    const targets = byMode.get(l.mode);
    if (targets) targets.push(lockTarget(l));
    else byMode.set(l.mode, [lockTarget(l)]);
  }
  return [...byMode].map(([mode, targets]) => modeLock(mode, targets.join(" and "))).join(", and ");
}

const lockedTable = (l: LockEffect): string => (l.kind === "index" ? "its table" : `"${l.relation.label}"`);

/** `"orders" and "users"` (an index's table: `its table`). */
export function lockedTables(locks: readonly LockEffect[]): string {
  if (locks.length === 1) return lockedTable(locks[0]!);
  return [...new Set(locks.map(lockedTable))].join(" and ");
}

const LINE_BREAK = /[\r\n]/;

/** The statement's first line, for help text: `ALTER TABLE users ADD COLUMN x int;` or `CREATE TABLE t ( ...`. */
export function statementSnippet(statement: ParsedStatement): string {
  const lineBreak = statement.text.search(LINE_BREAK);
  const first = lineBreak === -1 ? statement.text : statement.text.slice(0, lineBreak);
  return first.length < statement.text.length || first.length > 100 ? `${first.slice(0, 100)} ...` : `${first};`;
}

/** The line of the statement that set the timeout in force, or "?" when the file did not set it. */
export function timeoutLine(sourceCode: PgSourceCode, timeout: TimeoutState): string {
  const source = timeout.source;
  return typeof source === "number" ? String(sourceCode.source.positionAt(sourceCode.parsed.statements[source]!.start).line) : "?";
}

/** `SET [LOCAL] <setting> = '<value>';`: LOCAL inside a transaction, where it ends with it. */
export function setTimeoutSql(facts: StatementFacts, setting: TimeoutSetting, value: string): string {
  // A DO block or called function run outside a transaction: SET before it, for the session.
  return `SET ${facts.transaction !== undefined && facts.transaction.runBy === undefined ? "LOCAL " : ""}${setting} = '${value}';`;
}

/** Where the SET belongs for the statement: after BEGIN, first in the tool's transaction, or at the top. */
export function whereToSetTimeout(facts: StatementFacts): string {
  if (facts.transaction?.runBy !== undefined) return "before the DO block or function call that runs it";
  if (facts.transaction?.kind === "explicit") return "right after BEGIN (SET LOCAL ends with the transaction)";
  if (facts.transaction) return "as the first statement of the migration (SET LOCAL ends with the transaction)";
  return "at the top of the migration";
}
