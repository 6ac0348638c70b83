/**
 * `pgsafe explain --format markdown`: for a pull-request comment. Per file, a heading with its
 * path, then:
 * - without `--timeline`: the statements as a table (line, statement, transaction, work, and per
 *   lock its relation, mode, what it blocks and until when), then each transaction's lock windows;
 * - with `--timeline`: the lock timeline (src/reporters/timeline-markdown.ts): a table with one row
 *   per relation and one column per statement, the spans in words, and a Mermaid gantt chart.
 * Statements that do not parse are listed at the end.
 */
import type { ExplainedFile, ExplainStatement } from "../explain.js";
import { buildTimeline } from "../timeline.js";
import { blocksText, heldUntilText, migrationLabel, relationText, summary, transactionTitle, windowBlocks, windowLines, type ExplainReporter } from "./explain-text.js";
import { markdownCode, markdownText, renderTimelineMarkdown } from "./timeline-markdown.js";

function statementRows(statement: ExplainStatement, ellipsis: string): string[] {
  const tx = statement.transaction ? `T${statement.transaction.id}` : "–";
  const head = `| ${statement.line} | ${markdownCode(summary(statement, ellipsis))} | ${tx} | ${statement.effect}`;
  if (statement.locks.length === 0) return [`${head} | – | | | |`];
  return statement.locks.map(
    (lock, i) =>
      `${i === 0 ? head : "| | | |"} | ${markdownCode(relationText(lock))} | ${lock.mode} | ${blocksText(lock)} | ${heldUntilText(lock.heldUntil)} |`,
  );
}

function fileSection(file: ExplainedFile, timeline: boolean, unicode: boolean): string[] {
  const which = migrationLabel(file);
  const out = [`### ${markdownCode(file.file)}${which}`, ""];
  if (file.statements.length === 0) out.push("No statements.");
  else if (timeline) out.push(...renderTimelineMarkdown(buildTimeline(file), { unicode, title: `Lock timeline of ${file.file}${which}` }));
  else {
    out.push("| Line | Statement | Tx | Work | Relation | Lock | Blocks | Held until |", "|--:|---|---|---|---|---|---|---|");
    for (const statement of file.statements) out.push(...statementRows(statement, unicode ? "…" : "..."));
    if (file.transactions.length > 0) {
      out.push("", "**Transactions**", "");
      for (const tx of file.transactions) {
        out.push(`- **T${tx.id}** ${markdownText(transactionTitle(tx))}`);
        for (const w of tx.locks) out.push(`  - ${markdownCode(relationText(w))} ${w.mode}, ${windowLines(w)}: ${windowBlocks(w)}`);
      }
    }
  }
  if (file.errors.length > 0) {
    out.push("", "**Not explained (syntax errors)**", "");
    for (const e of file.errors) out.push(`- line ${e.line}:${e.column}: ${markdownText(e.message)}`);
  }
  return out;
}

const explainMarkdown: ExplainReporter = (files, context) =>
  files.length === 0 ? "" : `${files.map((f) => fileSection(f, context.timeline === true, context.unicode !== false).join("\n")).join("\n\n")}\n`;

export default explainMarkdown;
