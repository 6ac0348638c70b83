/**
 * `--format github`: GitHub Actions workflow commands, one per finding, which GitHub shows as
 * annotations on the run and on the pull request's changed files:
 *
 *   ::error file=db/0004.sql,line=3,endLine=3,col=1,endColumn=13,title=require-concurrent-index-creation::Creating index ...
 *
 * `::warning` for warnings. Paths are relative to the repository root. `col` / `endColumn` are
 * given only for a finding on one line (GitHub ignores them for a span over several lines).
 * Message data escapes `%`, CR and LF; property values also `:` and `,`, so no message can end a
 * command early or start another.
 *
 * GitHub shows at most 10 error and 10 warning annotations per step, so the reporter also hands
 * a markdown table of every finding to `context.stepSummary` (the CLI appends it to
 * `$GITHUB_STEP_SUMMARY`, the job summary page).
 */
import type { LintMessage, LintResult } from "../types.js";
import type { Reporter, ReporterContext, StreamReporter } from "./index.js";
import { displayPath, reportRoot } from "./paths.js";

/** Escapes workflow-command data (the text after `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow-command property value (`file=...`, `title=...`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** A span that ends at column 1 of a later line ends, for display, at the end of the line before. */
function lastLine(m: LintMessage): number {
  return m.endLine > m.line && m.endColumn === 1 ? m.endLine - 1 : Math.max(m.line, m.endLine);
}

function command(path: string, m: LintMessage): string {
  const endLine = lastLine(m);
  const properties: [string, string | number][] = [
    ["file", path],
    ["line", m.line],
    ["endLine", endLine],
  ];
  if (m.endLine === m.line) properties.push(["col", m.column], ["endColumn", Math.max(m.endColumn, m.column)]);
  properties.push(["title", m.ruleId]);
  const data = [m.message, m.help, m.docsUrl].filter(Boolean).join("\n\n");
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(",");
  return `::${m.severity === 2 ? "error" : "warning"} ${props}::${escapeData(data)}`;
}

/** GitHub rejects (and drops) a step summary over 1 MiB; this leaves room for other steps' text. */
export const STEP_SUMMARY_BUDGET = 1_000_000;

/** Text for a markdown table cell: one line, with markdown and HTML special characters neutralised. */
export function markdownCell(text: string): string {
  return text
    .replace(/\s*\r?\n\s*/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#~])/g, "\\$1")
    .trim();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The job summary, built file by file: counts, and the rows that can fit in the budget (those
 * up to the first that goes past it, whatever the size of the heading; the rest are only counted).
 */
class StepSummary {
  private errors = 0;
  private warnings = 0;
  private files = 0;
  private readonly rows: string[] = [];
  private rowBytes = 0;
  private full = false;

  constructor(
    private readonly root: string,
    private readonly budget: number,
  ) {}

  add(r: LintResult): void {
    this.files++;
    const path = displayPath(this.root, r.filePath);
    for (const m of r.messages) {
      if (m.severity === 2) this.errors++;
      else if (m.severity === 1) this.warnings++;
      if (this.full) continue;
      const rule = m.docsUrl ? `[${markdownCell(m.ruleId)}](${m.docsUrl})` : markdownCell(m.ruleId);
      const row = `| ${markdownCell(`${path}:${m.line}`)} | ${m.severity === 2 ? "error" : "warning"} | ${rule} | ${markdownCell(m.message)} |`;
      this.rowBytes += Buffer.byteLength(row) + 1;
      if (this.rowBytes > this.budget) this.full = true;
      else this.rows.push(row);
    }
  }

  /** The markdown: a heading with the counts, and one table row per finding (within the size budget). */
  text(): string {
    const { errors, warnings } = this;
    const files = plural(this.files, "file");
    if (errors + warnings === 0) return `### pgsafe: no problems in ${files}\n\n`;
    const head = [
      `### pgsafe: ${plural(errors + warnings, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${files}`,
      "",
      "| Location | Severity | Rule | Message |",
      "| --- | --- | --- | --- |",
    ];
    const rows: string[] = [];
    let size = Buffer.byteLength(head.join("\n")) + 400;
    for (const row of this.rows) {
      size += Buffer.byteLength(row) + 1;
      if (size > this.budget) break;
      rows.push(row);
    }
    const lines = [...head, ...rows];
    const hidden = errors + warnings - rows.length;
    if (hidden > 0) {
      lines.push("", `${plural(hidden, "more finding")} not shown: GitHub limits a step summary to 1 MiB. Run pgsafe with \`--format text\` for the full list.`);
    }
    return `${lines.join("\n")}\n\n`;
  }
}

/** The job summary: a heading with the counts, and one table row per finding (within the size budget). */
export function stepSummary(results: readonly LintResult[], context: ReporterContext, budget = STEP_SUMMARY_BUDGET): string {
  const summary = new StepSummary(reportRoot(context), budget);
  for (const r of results) summary.add(r);
  return summary.text();
}

function commands(root: string, r: LintResult): string[] {
  const path = displayPath(root, r.filePath);
  return r.messages.map((m) => command(path, m));
}

const github: Reporter = (results, context) => {
  const root = reportRoot(context);
  const lines = results.flatMap((r) => commands(root, r));
  context.stepSummary?.(stepSummary(results, context));
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
};

/** The same commands, each file's as it comes; the job summary at the end. */
export const stream: StreamReporter = (context, write) => {
  const root = reportRoot(context);
  const summary = context.stepSummary ? new StepSummary(root, STEP_SUMMARY_BUDGET) : undefined;
  return {
    add(r) {
      summary?.add(r);
      for (const line of commands(root, r)) write(`${line}\n`);
    },
    end() {
      if (summary) context.stepSummary?.(summary.text());
    },
  };
};

export default github;
