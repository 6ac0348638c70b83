/**
 * The lock timeline of a migration: one row per locked relation, one column per statement, and in
 * each cell the strongest lock the relation holds while that statement runs, whether the statement
 * takes it or it is still held from an earlier statement of the same transaction. A reviewer sees at
 * a glance that `users` is write-blocked from line 3 until the COMMIT on line 9.
 *
 * Built from `explain`'s output (src/explain.ts): each lock's `heldUntil` says until which
 * statement it is held:
 * - `statement` (autocommit): only while its own statement runs;
 * - `commit` / `rollback` / `prepare`: up to and including the statement that ends the transaction
 *   (`COMMIT AND CHAIN` releases the locks taken before it);
 * - `end-of-file`: up to the last statement (the migration tool commits after it);
 * - `block`: up to the last statement the DO block or called function runs in its own transaction.
 *
 * A `span` is one holding of a relation: from the statement that first locks it to the statement
 * that releases it, with the strongest mode over that time. Locks accumulate within a transaction,
 * so a cell shows the strongest mode taken so far in its span.
 *
 * Indexes get rows of their own, right under their table's row (explain's lock kinds: `index`,
 * `indexes-of-table`, `table-of-index`): their mode differs from the table's, and a read-blocking
 * lock on an index stalls the table's queries (they lock every index of the tables they read when
 * they are planned), which the row shows as it is.
 *
 * Nothing here loads the rules, the lint engine or a reporter. The lint engine asks for the
 * timeline (`lintTimeline`) only for the text report, and only for files with findings; it reuses the
 * file's parse and migration context.
 */
import type { MigrationContext } from "./analysis/context.js";
import { explainAnalyzed, type ExplainedFile, type ExplainLockKind, type ExplainStatement, type HeldUntil } from "./explain.js";
import { blocksReads, blocksWrites, lockRank, type LockMode } from "./analysis/locks.js";
import type { ParsedSql } from "./parser/parse.js";

export interface TimelineColumn {
  /** 1-based number of the statement in the file (explain's statement order). */
  statement: number;
  /** 1-based line the statement starts on. */
  line: number;
  /** The id of its transaction (T1, T2, ... in explain), null when it runs on its own. */
  transaction: number | null;
}

export interface TimelineCell {
  /** The strongest mode held so far in the span. */
  mode: LockMode;
  blocksReads: boolean;
  blocksWrites: boolean;
  /** The relation was created earlier in the file: nobody waits for it. */
  new: boolean;
  /** This statement takes a lock on the relation (false: still held from an earlier statement). */
  acquired: boolean;
  /** Index of the span (in the row's `spans`) the cell belongs to. */
  span: number;
}

export interface TimelineSpan {
  /** The strongest mode of the span. */
  mode: LockMode;
  blocksReads: boolean;
  blocksWrites: boolean;
  new: boolean;
  /** 0-based indexes into `columns` of the first and last statement the lock is held at (inclusive). */
  from: number;
  to: number;
  fromStatement: number;
  fromLine: number;
  toStatement: number;
  toLine: number;
  /** Line of the first statement of the span whose lock blocks reads / writes; null when none does. */
  readsBlockedFromLine: number | null;
  writesBlockedFromLine: number | null;
  /**
   * Statements during which the lock blocks reads or writes, the statement that releases it (COMMIT,
   * ROLLBACK) not counted: more than 1 means that other statements run while traffic waits.
   */
  blockingStatements: number;
  heldUntil: HeldUntil;
}

export interface TimelineRow {
  /** The relation as explain names it. */
  relation: string;
  kind: ExplainLockKind;
  /** How renderings name the row: `users`, `users_email_idx (index)`, `indexes of users`, `table of users_email_idx`. */
  label: string;
  /** For an index row whose table is known: that table (the row follows the table's row). */
  table?: string;
  /** One per column: null when the relation holds no lock there. */
  cells: (TimelineCell | null)[];
  spans: TimelineSpan[];
}

export interface LockTimeline {
  columns: TimelineColumn[];
  rows: TimelineRow[];
  /** On a lint result of a file with up and down migrations (a migration tool's): which one this is. */
  direction?: "up" | "down" | "verify";
}

/** The label of a row (or a lock) of the given kind. */
export function relationLabel(relation: string, kind: ExplainLockKind): string {
  switch (kind) {
    case "table":
      return relation;
    case "index":
      return `${relation} (index)`;
    case "table-of-index":
      return `table of ${relation}`;
    case "indexes-of-table":
      return `indexes of ${relation}`;
  }
}

/** A statement that ends its transaction (and so releases the locks taken before it). */
const RELEASES = /^(?:COMMIT|END|ROLLBACK|ABORT|PREPARE\s+TRANSACTION)\b(?!\s+(?:(?:WORK|TRANSACTION)\s+)?(?:TO|PREPARED)\b)/i;

/** The index of the column up to which a lock taken at column `at` is held. */
function releaseColumn(statements: readonly ExplainStatement[], at: number, held: HeldUntil): number {
  const tx = statements[at]!.transaction?.id;
  const last = statements.length - 1;
  switch (held.kind) {
    case "statement":
      return at;
    case "end-of-file":
      return last;
    case "block": {
      let end = at;
      for (let j = at + 1; j <= last && statements[j]!.transaction?.id === tx; j++) end = j;
      return end;
    }
    default: {
      // The statement on `held.line` that ends the transaction (COMMIT, ROLLBACK, PREPARE
      // TRANSACTION, or COMMIT AND CHAIN): the first such statement after `at` on that line.
      let fallback = at;
      for (let j = at + 1; j <= last; j++) {
        const s = statements[j]!;
        if (s.transaction?.id !== tx) break;
        if (s.line > held.line) break;
        fallback = j;
        if (s.line === held.line && RELEASES.test(s.text.trimStart())) return j;
      }
      return fallback;
    }
  }
}

/** Orders rows by first lock, each index row right after the row of its table. */
function orderRows(rows: TimelineRow[]): TimelineRow[] {
  const tables = new Set(rows.filter((r) => r.kind === "table").map((r) => r.relation));
  const parentOf = (r: TimelineRow): string | undefined => {
    if (r.kind === "indexes-of-table") return tables.has(r.relation) ? r.relation : undefined;
    if (r.kind === "index" && r.table !== undefined && tables.has(r.table)) return r.table;
    return undefined;
  };
  const out: TimelineRow[] = [];
  for (const row of rows) {
    if (parentOf(row) !== undefined) continue;
    out.push(row);
    if (row.kind === "table") out.push(...rows.filter((r) => parentOf(r) === row.relation));
  }
  return out;
}

/** Builds the lock timeline of an explained file. */
export function buildTimeline(file: Pick<ExplainedFile, "statements">): LockTimeline {
  const statements = file.statements;
  const columns: TimelineColumn[] = statements.map((s, i) => ({ statement: i + 1, line: s.line, transaction: s.transaction?.id ?? null }));
  // Index rows learn their table from the table locks reached through them (DROP INDEX of an index the file created).
  const tableOfIndex = new Map<string, string>();
  for (const s of statements) for (const l of s.locks) if (l.kind === "table" && l.index !== undefined) tableOfIndex.set(l.index, l.relation);

  const rows = new Map<string, TimelineRow>();
  /** The open span of each row: its index, the column it is released at, the strongest mode so far. */
  const open = new Map<TimelineRow, { span: number; release: number; mode: LockMode }>();

  statements.forEach((statement, i) => {
    const acquiredHere = new Set<TimelineRow>();
    for (const lock of statement.locks) {
      const key = `${lock.kind}\u0000${lock.relation}`;
      let row = rows.get(key);
      if (!row) {
        const table = lock.kind === "index" ? tableOfIndex.get(lock.relation) : undefined;
        row = {
          relation: lock.relation,
          kind: lock.kind,
          label: relationLabel(lock.relation, lock.kind),
          ...(table !== undefined ? { table } : {}),
          cells: columns.map(() => null),
          spans: [],
        };
        rows.set(key, row);
      }
      let current = open.get(row);
      if (current && current.release < i) {
        open.delete(row);
        current = undefined;
      }
      const release = releaseColumn(statements, i, lock.heldUntil);
      if (!current) {
        row.spans.push({
          mode: lock.mode,
          blocksReads: lock.blocksReads,
          blocksWrites: lock.blocksWrites,
          new: lock.new,
          from: i,
          to: release,
          fromStatement: i + 1,
          fromLine: statement.line,
          toStatement: release + 1,
          toLine: statements[release]!.line,
          readsBlockedFromLine: null,
          writesBlockedFromLine: null,
          blockingStatements: 0,
          heldUntil: lock.heldUntil,
        });
        current = { span: row.spans.length - 1, release, mode: lock.mode };
        open.set(row, current);
      }
      const span = row.spans[current.span]!;
      if (lockRank(lock.mode) > lockRank(current.mode)) current.mode = lock.mode;
      if (lockRank(lock.mode) > lockRank(span.mode)) Object.assign(span, { mode: lock.mode, blocksReads: lock.blocksReads, blocksWrites: lock.blocksWrites });
      span.new &&= lock.new;
      if (lock.blocksReads) span.readsBlockedFromLine ??= statement.line;
      if (lock.blocksWrites) span.writesBlockedFromLine ??= statement.line;
      // A later lock of the same span can be held longer (after COMMIT AND CHAIN, say).
      if (release > current.release) {
        current.release = release;
        Object.assign(span, { to: release, toStatement: release + 1, toLine: statements[release]!.line, heldUntil: lock.heldUntil });
      }
      acquiredHere.add(row);
    }

    // Every open span gets a cell; the COMMIT / ROLLBACK that releases a lock is not counted as a
    // statement that runs while the lock blocks traffic.
    const releasing = RELEASES.test(statement.text.trimStart());
    for (const [row, current] of open) {
      if (current.release < i) {
        open.delete(row);
        continue;
      }
      const span = row.spans[current.span]!;
      const mode = current.mode;
      if (!span.new && (blocksReads(mode) || blocksWrites(mode)) && !(releasing && i === span.to && i > span.from)) span.blockingStatements++;
      row.cells[i] = { mode, blocksReads: blocksReads(mode), blocksWrites: blocksWrites(mode), new: span.new, acquired: acquiredHere.has(row), span: current.span };
    }
  });

  return { columns, rows: orderRows([...rows.values()]) };
}

/** How a cell blocks traffic: reads and writes, writes only, neither (or a new table), or no lock at all. */
export type CellKind = "both" | "writes" | "neither" | "none";

export function cellKind(cell: TimelineCell | null): CellKind {
  if (!cell) return "none";
  if (cell.new) return "neither";
  if (cell.blocksReads) return "both";
  return cell.blocksWrites ? "writes" : "neither";
}

/**
 * True when some statement runs while a lock that blocks reads or writes of an existing relation is
 * held: the timeline is worth showing under lint findings.
 */
export function holdsBlockingLockAcrossStatements(timeline: LockTimeline): boolean {
  return timeline.rows.some((row) => row.spans.some((span) => !span.new && span.blockingStatements > 1));
}

/** Rows with a span that blocks reads or writes of an existing relation (the lint report shows only these). */
export function blockingRows(timeline: LockTimeline): TimelineRow[] {
  return timeline.rows.filter((row) => row.spans.some((span) => !span.new && (span.blocksReads || span.blocksWrites)));
}

/** A column of a rendering: one statement, or a run of statements during which nothing changes. */
export interface TimelineGroup {
  /** 0-based indexes into `columns`, inclusive; `first < last` for a collapsed run. */
  first: number;
  last: number;
}

/**
 * The columns to draw for `rows`: a run of two or more statements that neither take nor release a
 * lock of these rows (BEGIN, SET, statements on other tables, ...) becomes one column, as every
 * cell stays the same over it. Every other statement keeps its own column.
 */
export function groupColumns(timeline: LockTimeline, rows: readonly TimelineRow[] = timeline.rows): TimelineGroup[] {
  const n = timeline.columns.length;
  const changes = new Array<boolean>(n).fill(false);
  for (const row of rows) {
    for (const span of row.spans) {
      changes[span.to] = true;
      for (let i = span.from; i <= span.to; i++) if (row.cells[i]?.acquired) changes[i] = true;
    }
  }
  const groups: TimelineGroup[] = [];
  for (let i = 0; i < n; i++) {
    const last = groups.at(-1);
    if (!changes[i] && last && !changes[last.last] && last.last === i - 1) last.last = i;
    else groups.push({ first: i, last: i });
  }
  return groups;
}

function mergedHeldUntil(held: HeldUntil): string {
  switch (held.kind) {
    case "statement":
      return "until it ends";
    case "end-of-file":
      return "to the end of the file";
    case "commit":
      return `to COMMIT at line ${held.line}`;
    case "rollback":
      return `to ROLLBACK at line ${held.line}`;
    case "prepare":
      return `to PREPARE TRANSACTION at line ${held.line}`;
    case "block":
      return `to the end of the block at line ${held.line}`;
  }
}

/** Where a span runs, in words: `from line 3 (statement 2) to COMMIT at line 9`. */
export function spanRange(span: TimelineSpan): string {
  return `from line ${span.fromLine} (statement ${span.fromStatement}) ${mergedHeldUntil(span.heldUntil)}`;
}

/** What a span blocks, in words. */
export function spanBlocks(span: TimelineSpan): string {
  if (span.new) return "new table: blocks nobody";
  const reads = span.readsBlockedFromLine;
  const writes = span.writesBlockedFromLine;
  if (reads !== null && writes !== null) {
    return reads === writes ? `blocks reads and writes from line ${reads}` : `blocks writes from line ${writes}, reads from line ${reads}`;
  }
  if (writes !== null) return `blocks writes from line ${writes}`;
  if (reads !== null) return `blocks reads from line ${reads}`;
  return "blocks neither reads nor writes";
}

/** One sentence for a span: `users: ACCESS EXCLUSIVE from line 3 (statement 2) to COMMIT at line 9, blocks reads and writes from line 3`. */
export function describeSpan(row: TimelineRow, span: TimelineSpan): string {
  return `${row.label}: ${span.mode} ${spanRange(span)}, ${spanBlocks(span)}`;
}

/**
 * A quick look at the migration context, before anything is built: does a statement of a
 * transaction take a lock that blocks reads or writes of an existing relation while a later
 * statement of that transaction still runs? (Statements on their own release their locks at once.)
 */
function mayHoldBlockingLock(migration: MigrationContext): boolean {
  const blocking = (mode: LockMode | undefined): boolean => mode !== undefined && (blocksReads(mode) || blocksWrites(mode));
  for (const tx of migration.transactions) {
    const list = tx.statements;
    for (let k = 0; k < list.length - 1; k++) {
      if (migration.facts(list[k]!).locks.some((lock) => blocking(lock.mode) || blocking(lock.indexMode))) return true;
    }
  }
  return false;
}

/**
 * For the lint engine: the timeline of a linted file (its parse and migration context) when it
 * holds a lock that blocks reads or writes of an existing relation across more than one statement;
 * undefined otherwise.
 */
export function lintTimeline(parsed: ParsedSql, migration: MigrationContext, direction?: LockTimeline["direction"]): LockTimeline | undefined {
  if (!mayHoldBlockingLock(migration)) return undefined;
  const timeline = buildTimeline(explainAnalyzed(parsed, migration, ""));
  if (!holdsBlockingLockAcrossStatements(timeline)) return undefined;
  return direction ? { ...timeline, direction } : timeline;
}
