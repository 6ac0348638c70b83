/**
 * `pgsafe trace --format text`: per checked file, one row per lock the statement takes (as in
 * `pgsafe explain`), with what pgsafe predicted next to what PostgreSQL did, and the verdict:
 *
 *   migrations/0005_index_orders_status.sql  (no migration tool: psql, autocommit)
 *   Line  Statement                            Relation  pgsafe predicts  PostgreSQL did             Verdict
 *   ----  -----------------------------------  --------  ---------------  -------------------------  ---------
 *      2  SET lock_timeout = '2s'              -                          ok
 *      6  CREATE INDEX orders_status_idx ON…   orders    SHARE, scan      SHARE, 1000 rows read      confirmed
 *           error  require-concurrent-index-creation: Creating an index without CONCURRENTLY ...
 *
 * Under a statement: PostgreSQL's error with its position, a mismatch's explanation (a pgsafe
 * bug), the columns and constraints it changed, and its lint findings. A summary ends the report.
 */
import { createColors } from "./colors.js";
import type { LockComparison, TracedFile, TracedStatement, TraceReport } from "../trace/types.js";
import { displayWidth, sanitize } from "./width.js";

export interface TraceReporterContext {
  cwd: string;
  color: boolean;
}

export type TraceReporter = (report: TraceReport, context: TraceReporterContext) => string;

type Colors = ReturnType<typeof createColors>;

const STATEMENT_WIDTH = 36;

function cut(text: string, width: number): string {
  const flat = sanitize(text.replace(/\s+/g, " ").trim());
  if (displayWidth(flat) <= width) return flat;
  let out = "";
  for (const ch of flat) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

function layout(rows: readonly string[][], paint: (row: number, col: number, text: string) => string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows.map((row, r) => {
    const last = row.findLastIndex((cell) => cell !== "");
    return row
      .slice(0, last + 1)
      .map((cell, i) => {
        const padding = " ".repeat(widths[i]! - displayWidth(cell));
        const text = paint(r, i, cell);
        if (i === 0) return padding + text;
        return i === last ? text : text + padding;
      })
      .join("  ");
  });
}

function framework(file: TracedFile): string {
  if (file.framework !== "none") return file.framework;
  const tx = file.transactions.some((t) => t.kind === "assumed");
  return `no migration tool: psql${tx ? ", in one transaction" : ""}`;
}

function predicted(c: LockComparison): string {
  return c.expected ? `${c.expected.mode}${c.expected.effect === "instant" ? "" : `, ${c.expected.effect}`}` : "-";
}

function observedText(c: LockComparison, statement: TracedStatement): string {
  if (statement.observed.status === "error") return "failed";
  if (statement.observed.status === "not-run") return "not run";
  if (c.status === "not-observable") return "locks not observable" + (c.observed?.rewrite ? ", rewrite" : "");
  const o = c.observed;
  if (!o) return "-";
  const parts: string[] = [];
  if (o.heldBefore) parts.push(`${o.heldBefore} (already held)`);
  else if (o.mode) parts.push(o.mode);
  else if (c.status !== "static-only") parts.push("no lock");
  if (o.rewrite) parts.push("rewrite");
  if (o.rowsRead) parts.push(`${o.rowsRead} rows read`);
  return parts.join(", ") || "-";
}

function relationCell(c: LockComparison): string {
  switch (c.kind) {
    case "index":
      return `${c.relation} (index)`;
    case "indexes-of-table":
      return `${c.relation} (its indexes)`;
    case "table-of-index":
      return c.relation;
    default:
      return c.relation;
  }
}

function statementRows(s: TracedStatement): string[][] {
  const line = String(s.line);
  const text = cut(s.text, STATEMENT_WIDTH);
  if (s.comparisons.length === 0) {
    const status = s.observed.status === "ok" ? (s.observed.rewrites.length > 0 ? "ok, rewrite" : "ok") : s.observed.status === "error" ? "failed" : "not run";
    return [[line, text, "-", "", status, ""]];
  }
  return s.comparisons.map((c, i) => [i === 0 ? line : "", i === 0 ? text : "", relationCell(c), predicted(c), observedText(c, s), c.status]);
}

function details(s: TracedStatement, c: Colors): string[] {
  const out: string[] = [];
  const indent = "        ";
  const o = s.observed;
  if (o.error) {
    out.push(`${indent}${c.red("PostgreSQL error")} ${o.error.code ? `${o.error.code} ` : ""}at ${o.error.line}:${o.error.column}: ${sanitize(o.error.message)}`);
    if (o.error.detail) out.push(`${indent}  ${sanitize(o.error.detail)}`);
  }
  if (o.status === "not-run" && o.reason && !s.hiddenIn) out.push(`${indent}${c.dim(`not run: ${o.reason}`)}`);
  for (const m of s.comparisons.filter((x) => x.status === "mismatch")) out.push(`${indent}${c.magenta("mismatch")}: ${sanitize(m.message)}`);
  const changes = [
    ...o.created.map((r) => `+ ${r}`),
    ...o.dropped.map((r) => `- ${r}`),
    ...o.columns.map((x) => `${x.change === "added" ? "+" : x.change === "dropped" ? "-" : "~"} column ${x.relation}.${x.column}${x.change === "added" ? ` ${x.type ?? ""}` : x.change === "renamed" ? ` (was ${x.from})` : x.change === "dropped" ? "" : ` ${x.change}${x.change === "type" ? ` ${x.type}` : ""}`}`),
    ...o.constraints.map((x) => `${x.change === "added" ? "+" : x.change === "dropped" ? "-" : "~"} constraint ${x.constraint} on ${x.relation}${x.change === "validated" ? " validated" : x.change === "renamed" ? ` (was ${x.from})` : x.change === "added" && x.validated === false ? " (not valid)" : ""}`),
  ];
  if (o.rewrites.length > 0 && s.comparisons.length > 0) changes.push(`new storage: ${o.rewrites.map((r) => r.relation).join(", ")}`);
  if (changes.length > 0) out.push(`${indent}${c.dim(sanitize(changes.join("; ")))}`);
  for (const f of s.findings) {
    const sev = f.severity === 2 ? c.red("error") : c.yellow("warning");
    const lock = f.lock?.observed === "confirmed" ? c.green(` [${f.lock.mode}: seen]`) : f.lock?.observed === "not-observed" ? c.yellow(` [PostgreSQL took no ${f.lock.mode} lock here]`) : "";
    out.push(`${indent}${sev}  ${c.dim(f.ruleId)}: ${sanitize(f.message.split("\n")[0]!)}${lock}`);
  }
  return out;
}

const VERDICT_COLOR: Record<string, keyof Colors> = {
  confirmed: "green",
  mismatch: "magenta",
  "static-only": "yellow",
  "trace-only": "cyan",
  "not-observable": "dim",
};

function fileReport(file: TracedFile, c: Colors): string[] {
  const header = ["Line", "Statement", "Relation", "pgsafe predicts", "PostgreSQL did", "Verdict"];
  const rows: string[][] = [header, header.map((h) => "-".repeat(displayWidth(h)))];
  const owners: (TracedStatement | undefined)[] = [undefined, undefined];
  const statements = file.statements.filter((s) => !s.hiddenIn);
  for (const s of statements) {
    for (const row of statementRows(s)) {
      rows.push(row);
      owners.push(s);
    }
  }
  // Dashes under each header as wide as its column.
  const widths = header.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ""))));
  rows[1] = widths.map((w) => "-".repeat(w));
  const laid = layout(rows, (r, col, text) => {
    if (r === 0) return c.bold(text);
    if (r === 1) return text;
    if (col === 5 && text) return (c[VERDICT_COLOR[text] ?? "reset"] as (t: string) => string)(text);
    if (col === 4 && (text === "failed" || text === "not run")) return text === "failed" ? c.red(text) : c.dim(text);
    return text;
  });
  const out = [c.bold(`${file.file}  (${framework(file)})`)];
  laid.forEach((line, i) => {
    const owner = owners[i];
    out.push(line);
    // Details follow the last row of their statement.
    if (owner && owner !== owners[i + 1]) out.push(...details(owner, c));
  });
  for (const f of file.otherFindings) out.push(`        ${f.severity === 2 ? c.red("error") : c.yellow("warning")}  ${c.dim(f.ruleId)} (line ${f.line}): ${sanitize(f.message.split("\n")[0]!)}`);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const traceText: TraceReporter = (report, context) => {
  const c = createColors(context.color);
  const out: string[] = [];
  for (const file of report.files) out.push(...fileReport(file, c), "");
  const s = report.summary;
  out.push(
    `${plural(s.statements, "statement")} in ${plural(s.files, "file")}: ${s.confirmed} confirmed, ${s.mismatches} ${s.mismatches === 1 ? "mismatch" : "mismatches"}, ${s.staticOnly} static-only, ${s.traceOnly} trace-only, ${s.notObservable} not observable; ${s.failed} failed, ${s.notRun} not run.`,
  );
  out.push(`Lint: ${plural(s.lintErrors, "error")}, ${plural(s.lintWarnings, "warning")}.`);
  const history = report.history.length > 0 ? `; ${plural(report.history.length, "earlier migration")} replayed first` : "";
  out.push(c.dim(`${report.postgres.split(" on ")[0]}${history}.`));
  for (const e of report.historyErrors) {
    out.push(c.yellow(`Earlier migration ${e.file} failed at ${e.line}:${e.column}: ${sanitize(e.message)}; the files after it ran without its changes.`));
  }
  if (report.skipped.length > 0) out.push(c.dim(`Not run: ${plural(report.skipped.length, "down migration")}.`));
  if (report.seed) {
    const pending = report.seed.pending.length > 0 ? `, ${report.seed.pending.length} never ran (${report.seed.pending.map((p) => `line ${p.line}: ${sanitize(p.message)}`).join("; ")})` : "";
    out.push(c.dim(`Seed ${report.seed.file}: ${plural(report.seed.applied, "statement")} applied${pending}.`));
  }
  if (s.mismatches > 0) {
    out.push(c.magenta(`pgsafe's lock model disagrees with PostgreSQL on ${plural(s.mismatches, "statement")}: that is a bug in pgsafe; please report it with the statements above.`));
  }
  return `${out.join("\n")}\n`;
};

export default traceText;
