/**
 * Hover on a statement: its locks and what they block, from `pgsafe explain`'s model
 * (src/explain.ts), as Markdown. Pure functions over an ExplainedFile.
 *
 * ExplainedFile positions are 1-based lines and UTF-16 columns in the text without its
 * byte-order mark; LSP positions are 0-based and count the BOM on the first line.
 */
import type { Hover, Position, Range } from "vscode-languageserver";
import type { ExplainedFile, ExplainLock, ExplainStatement, ExplainTransaction, HeldUntil } from "../explain.js";

type Point = { line: number; column: number };

const before = (a: Point, b: Point): boolean => a.line < b.line || (a.line === b.line && a.column < b.column);

/** An LSP position as explain's 1-based line and UTF-16 column (without BOM). */
export function toExplainPoint(position: Position, bom: number): Point {
  return { line: position.line + 1, column: position.character + 1 - (position.line === 0 ? bom : 0) };
}

/** The statement under `position` (the innermost, for a statement inside a DO block), or undefined. */
export function statementAt(file: ExplainedFile, position: Position, bom: number): ExplainStatement | undefined {
  const p = toExplainPoint(position, bom);
  let found: ExplainStatement | undefined;
  for (const s of file.statements) {
    const start = { line: s.line, column: s.column };
    const end = { line: s.endLine, column: s.endColumn };
    if (before(p, start) || !before(p, end)) continue;
    // Later hits inside an earlier one are nested (a DO block's statements): keep the innermost.
    if (!found || !before({ line: s.line, column: s.column }, { line: found.line, column: found.column })) found = s;
  }
  return found;
}

/** The statement's LSP range. */
export function statementRange(s: ExplainStatement, bom: number): Range {
  return {
    start: { line: s.line - 1, character: s.column - 1 + (s.line === 1 ? bom : 0) },
    end: { line: s.endLine - 1, character: s.endColumn - 1 + (s.endLine === 1 ? bom : 0) },
  };
}

function heldUntilText(held: HeldUntil): string {
  switch (held.kind) {
    case "statement":
      return "until the statement ends (no transaction)";
    case "commit":
      return `until COMMIT on line ${held.line}`;
    case "rollback":
      return `until ROLLBACK on line ${held.line}`;
    case "prepare":
      return `until PREPARE TRANSACTION on line ${held.line}`;
    case "end-of-file":
      return "until the transaction commits after the last statement of the migration";
    case "block":
      return `until the DO block or call on line ${held.line} ends`;
  }
}

function relationText(lock: ExplainLock): string {
  const name = `\`${lock.relation.replace(/`/g, "'")}\``;
  switch (lock.kind) {
    case "table":
      return lock.index ? `${name} (through index \`${lock.index.replace(/`/g, "'")}\`)` : name;
    case "index":
      return `index ${name}`;
    case "table-of-index":
      return `the table of index ${name}`;
    case "indexes-of-table":
      return `the indexes of ${name}`;
  }
}

export function blocksText(lock: Pick<ExplainLock, "blocksReads" | "blocksWrites">): string {
  if (lock.blocksReads && lock.blocksWrites) return "blocks reads and writes";
  if (lock.blocksWrites) return "blocks writes (INSERT, UPDATE, DELETE); reads go on";
  if (lock.blocksReads) return "blocks reads";
  return "blocks neither reads nor writes";
}

const EFFECT_TEXT: Record<ExplainLock["effect"], string> = {
  instant: "instant (catalog only)",
  scan: "scans the table while holding it",
  rewrite: "rewrites the table while holding it",
};

function transactionText(tx: ExplainTransaction | null): string {
  if (!tx) return "Runs on its own (no transaction).";
  if (tx.runByLine !== undefined) return `Runs in the transaction of the DO block or call on line ${tx.runByLine}.`;
  const start = tx.beginLine !== null ? `BEGIN on line ${tx.beginLine}` : tx.kind === "implicit" ? "implicit" : "opened by the migration tool";
  const end = tx.endLine !== null ? `, ${(tx.outcome ?? "commit").toUpperCase()} on line ${tx.endLine}` : "";
  return `Runs in transaction T${tx.id} (${start}${end}).`;
}

/** The hover text of one statement: its locks (relation, mode, what it blocks, work, how long), Markdown. */
export function hoverMarkdown(s: ExplainStatement): string {
  const lines: string[] = [];
  const where = s.hiddenIn ? ` (run by line ${s.hiddenIn.runByLine})` : "";
  lines.push(`**pgsafe: locks**${where}. ${transactionText(s.transaction)}`, "");
  if (s.locks.length === 0) {
    lines.push("Takes no table or index lock in pgsafe's lock model: instant.");
    return lines.join("\n");
  }
  for (const lock of s.locks) {
    const blocks = lock.new ? `${blocksText(lock)}, but the table is new in this file: nobody uses it yet` : blocksText(lock);
    lines.push(`- ${relationText(lock)}: **${lock.mode}**, ${blocks}; ${EFFECT_TEXT[lock.effect]}; held ${heldUntilText(lock.heldUntil)}.`);
  }
  return lines.join("\n");
}

/** The hover for `position`, or null outside any statement. */
export function hoverAt(file: ExplainedFile, position: Position, bom: number): Hover | null {
  const s = statementAt(file, position, bom);
  if (!s) return null;
  return { contents: { kind: "markdown", value: hoverMarkdown(s) }, range: statementRange(s, bom) };
}
