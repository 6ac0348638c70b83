/**
 * `pgsafe explain --format text`: one table per file, to read in a terminal or paste in a pull
 * request. Plain text, aligned by display width, readable without colour:
 *
 *   migrations/0042_invoices.sql
 *   Line  Statement                           Tx  Work     Relation  Lock              Blocks         Held until
 *   ----  ----------------------------------  --  -------  --------  ----------------  -------------  ----------------
 *      2  BEGIN                               T1  instant  -
 *      9  ALTER TABLE orders ADD COLUMN st…   T1  instant  orders    ACCESS EXCLUSIVE  reads, writes  COMMIT (line 12)
 *
 *   Transactions
 *     T1  BEGIN on line 2, COMMIT on line 12
 *         orders  ACCESS EXCLUSIVE  lines 9-12  blocks reads and writes from line 9
 *
 * One row per lock; a statement that locks nothing has one row with "-" as its relation.
 * With `--timeline` the file gets the lock timeline instead (src/reporters/timeline-text.ts);
 * `--no-unicode` cuts statements with "..." instead of "…".
 */
import { createColors } from "./colors.js";
import type { ExplainedFile, ExplainLock, ExplainStatement, ExplainTransactionSummary, HeldUntil, LockWindow } from "../explain.js";
import { buildTimeline, relationLabel } from "../timeline.js";
import { renderTimelineText } from "./timeline-text.js";
import { displayWidth, sanitize } from "./width.js";

export interface ExplainReporterContext {
  /** Use ANSI colours. */
  color: boolean;
  /** Draw the lock timeline (src/timeline.ts) instead of the per-statement table. */
  timeline?: boolean;
  /** Block characters and `…` (default); false: ASCII only. */
  unicode?: boolean;
}

export type ExplainReporter = (files: readonly ExplainedFile[], context: ExplainReporterContext) => string;

type Colors = ReturnType<typeof createColors>;
type Paint = (text: string) => string;

/** Statement text is cut to this many display cells. */
const STATEMENT_WIDTH = 36;

interface Cell {
  text: string;
  paint?: Paint;
  alignRight?: boolean;
}

/** Lays out rows of cells in aligned columns (two spaces apart), without trailing spaces. */
function layout(rows: readonly Cell[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell.text))));
  return rows.map((row) => {
    const last = row.findLastIndex((cell) => cell.text !== "");
    return row
      .slice(0, last + 1)
      .map((cell, i) => {
        const padding = " ".repeat(widths[i]! - displayWidth(cell.text));
        const text = cell.paint ? cell.paint(cell.text) : cell.text;
        if (cell.alignRight) return padding + text;
        return i === last ? text : text + padding;
      })
      .join("  ");
  });
}

/** The statement on one line: white space collapsed, cut to STATEMENT_WIDTH cells. */
export function summary(statement: ExplainStatement, ellipsis = "…"): string {
  const hidden = statement.hiddenIn;
  const prefix = !hidden ? "" : hidden.kind === "do" ? "(in DO) " : hidden.kind === "execute" ? "(in EXECUTE) " : `(called on line ${hidden.runByLine}) `;
  const text = prefix + sanitize(statement.text).replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();
  if (displayWidth(text) <= STATEMENT_WIDTH) return text;
  let cut = "";
  for (const ch of text) {
    if (displayWidth(cut + ch) > STATEMENT_WIDTH - displayWidth(ellipsis)) break;
    cut += ch;
  }
  return `${cut.trimEnd()}${ellipsis}`;
}

export function heldUntilText(held: HeldUntil): string {
  switch (held.kind) {
    case "statement":
      return "end of statement";
    case "end-of-file":
      return "end of file";
    case "commit":
      return `COMMIT (line ${held.line})`;
    case "rollback":
      return `ROLLBACK (line ${held.line})`;
    case "prepare":
      return `PREPARE TRANSACTION (line ${held.line})`;
    case "block":
      return `end of block (line ${held.line})`;
  }
}

export function relationText(lock: { relation: string; kind: ExplainLock["kind"] }): string {
  return relationLabel(lock.relation, lock.kind);
}

export function blocksText(lock: { blocksReads: boolean; blocksWrites: boolean; new: boolean }): string {
  if (lock.new) return "none (new)";
  if (lock.blocksReads && lock.blocksWrites) return "reads, writes";
  if (lock.blocksWrites) return "writes";
  if (lock.blocksReads) return "reads";
  return "none";
}

function blocksPaint(lock: { blocksReads: boolean; blocksWrites: boolean; new: boolean }, c: Colors): Paint {
  if (lock.new || (!lock.blocksReads && !lock.blocksWrites)) return c.dim;
  return lock.blocksReads ? c.red : c.yellow;
}

function effectPaint(effect: ExplainStatement["effect"], c: Colors): Paint | undefined {
  return effect === "rewrite" ? c.red : effect === "scan" ? c.yellow : undefined;
}

const HEADER = ["Line", "Statement", "Tx", "Work", "Relation", "Lock", "Blocks", "Held until"];

function statementRows(statement: ExplainStatement, c: Colors, ellipsis: string): Cell[][] {
  const head: Cell[] = [
    { text: String(statement.line), alignRight: true },
    { text: summary(statement, ellipsis) },
    { text: statement.transaction ? `T${statement.transaction.id}` : "-", paint: c.dim },
    { text: statement.effect, ...(effectPaint(statement.effect, c) ? { paint: effectPaint(statement.effect, c)! } : {}) },
  ];
  const blank: Cell[] = head.map(() => ({ text: "" }));
  if (statement.locks.length === 0) return [[...head, { text: "-", paint: c.dim }]];
  return statement.locks.map((lock, i) => [
    ...(i === 0 ? head : blank),
    { text: relationText(lock) },
    { text: lock.mode },
    { text: blocksText(lock), paint: blocksPaint(lock, c) },
    { text: heldUntilText(lock.heldUntil) },
  ]);
}

export function transactionTitle(tx: ExplainTransactionSummary): string {
  if (tx.runByLine !== undefined) return `the DO block or call on line ${tx.runByLine} runs it as its own transaction (until it ends or its code commits)`;
  let start = "assumed (the migration tool's), from the first statement";
  if (tx.beginLine !== null) start = `BEGIN on line ${tx.beginLine}`;
  else if (tx.kind === "implicit") start = "implicit (the statements are sent as one query)";
  const ending = { commit: "COMMIT", rollback: "ROLLBACK", prepare: "PREPARE TRANSACTION" } as const;
  if (tx.endLine !== null) return `${start}, ${ending[tx.outcome ?? "commit"]} on line ${tx.endLine}`;
  return `${start}, ${tx.kind === "explicit" ? "no COMMIT before the end of the file" : "committed after the last statement"}`;
}

export function windowBlocks(w: LockWindow): string {
  if (w.new) return "new table: nobody uses it yet";
  const reads = w.readsBlockedFromLine;
  const writes = w.writesBlockedFromLine;
  if (reads !== null && writes !== null) {
    return reads === writes ? `blocks reads and writes from line ${reads}` : `blocks writes from line ${writes}, reads from line ${reads}`;
  }
  if (writes !== null) return `blocks writes from line ${writes}`;
  if (reads !== null) return `blocks reads from line ${reads}`;
  return "blocks neither reads nor writes";
}

export function windowLines(w: LockWindow): string {
  if (!("line" in w.heldUntil)) return `line ${w.fromLine} to end of file`;
  return w.heldUntil.line === w.fromLine ? `line ${w.fromLine}` : `lines ${w.fromLine}-${w.heldUntil.line}`;
}

function transactionLines(file: ExplainedFile, c: Colors): string[] {
  // The windows of all transactions are aligned together, under their transaction's title.
  const rows = file.transactions.flatMap((tx) =>
    tx.locks.map((w): Cell[] => [
      { text: relationText(w) },
      { text: w.mode },
      { text: windowLines(w) },
      { text: windowBlocks(w), paint: blocksPaint(w, c) },
    ]),
  );
  const lines = layout(rows);
  const out: string[] = [];
  for (const tx of file.transactions) {
    out.push(`  ${c.bold(`T${tx.id}`)}  ${transactionTitle(tx)}`);
    for (const line of lines.splice(0, tx.locks.length)) out.push(`      ${line}`);
  }
  if (file.statements.some((s) => s.transaction === null)) {
    out.push(`  ${c.dim("-")}   no transaction: each statement's locks are released when it ends`);
  }
  return out;
}

/** For a migration tool's file, the tool and which migration, to follow its name: ` (goose, up)`; else "". */
export function migrationLabel(file: ExplainedFile): string {
  return file.migration ? ` (${file.migration.framework}, ${file.migration.direction})` : "";
}

function fileBlock(file: ExplainedFile, c: Colors, context: ExplainReporterContext): string {
  const out = [c.bold(sanitize(file.file + migrationLabel(file)))];
  const unicode = context.unicode !== false;
  if (file.statements.length === 0) out.push("No statements.");
  else if (context.timeline) out.push(...renderTimelineText(buildTimeline(file), { color: context.color, unicode }));
  else {
    const rows: Cell[][] = [HEADER.map((text) => ({ text, paint: c.bold })), []];
    for (const statement of file.statements) rows.push(...statementRows(statement, c, unicode ? "…" : "..."));
    // The rule under the header is as wide as each column.
    const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]?.text ?? ""))));
    rows[1] = widths.map((w) => ({ text: "-".repeat(w), paint: c.dim }));
    out.push(...layout(rows));
    out.push("", c.bold("Transactions"), ...transactionLines(file, c));
  }
  if (file.errors.length > 0) {
    out.push("", c.bold(c.red("Not explained (syntax errors)")));
    for (const e of file.errors) out.push(`  line ${e.line}:${e.column}  ${sanitize(e.message)}`);
  }
  return out.join("\n");
}

const explainText: ExplainReporter = (files, context) => {
  const c = createColors(context.color);
  return files.length === 0 ? "" : `${files.map((f) => fileBlock(f, c, context)).join("\n\n")}\n`;
};

export default explainText;
