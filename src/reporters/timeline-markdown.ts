/**
 * The lock timeline as Markdown, for pull-request comments (`pgsafe explain --timeline --format
 * markdown`): a table (one row per relation, one column per statement, collapsed as in the text
 * timeline), the spans in words, and a Mermaid `gantt` block that GitHub and GitLab draw as a chart.
 *
 * The Mermaid chart has no dates: `dateFormat X` reads each task's start and end as seconds, and
 * pgsafe uses the statement number as the time, so statement N covers [N, N+1) and `axisFormat %s`
 * prints statement numbers on the axis. One section per relation, one task per part of a span with
 * one mode; `crit` marks a lock that blocks reads (and writes), `active` one that blocks writes,
 * `done` a lock on a table created in the file (nobody waits for it); a lock that blocks neither
 * has no tag. Mermaid's gantt lexer ends a task title at `:`, a line at `;`, and starts a comment at
 * `#` and `%`: those characters never reach the block (names are cleaned, titles are built from
 * lock modes and line numbers). test/reporters/mermaid-gantt-grammar.ts checks every block against
 * the subset of the gantt grammar used here.
 */
import type { LockMode } from "../analysis/locks-types.js";
import { cellKind, groupColumns, spanBlocks, spanRange, type LockTimeline, type TimelineCell, type TimelineRow } from "../timeline.js";

export interface TimelineMarkdownOptions {
  /** Block characters (default) or ASCII in the table. */
  unicode: boolean;
  /** The title of the Mermaid chart (e.g. the file name). */
  title?: string;
  /** The rows to draw (default: every row). */
  rows?: readonly TimelineRow[];
}

const ABBREVIATIONS: Record<LockMode, string> = {
  "ACCESS SHARE": "AS",
  "ROW SHARE": "RS",
  "ROW EXCLUSIVE": "RE",
  "SHARE UPDATE EXCLUSIVE": "SUE",
  SHARE: "S",
  "SHARE ROW EXCLUSIVE": "SRE",
  EXCLUSIVE: "E",
  "ACCESS EXCLUSIVE": "AE",
};

const GLYPHS = {
  unicode: { both: "█", writes: "▓", neither: "░", none: "·" },
  ascii: { both: "#", writes: "=", neither: "-", none: "." },
} as const;

/** Text in a Markdown table cell: control characters out, `|` and inline markup escaped. */
export function markdownText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/([\\`*_[\]<>|~#])/g, "\\$1");
}

/** A code span that survives backticks and `|` in the text (also inside a table cell). */
export function markdownCode(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const padded = clean.startsWith("`") || clean.endsWith("`") ? ` ${clean} ` : clean;
  return `${fence}${padded}${fence}`;
}

/** A name for a Mermaid gantt `section` or `title`: nothing that ends or comments out the line. */
export function mermaidName(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[#:;%\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/\s+/g, " ").trim();
  return clean === "" ? "unnamed" : clean;
}

function cellText(cell: TimelineCell | null, previous: TimelineCell | null, glyphs: (typeof GLYPHS)["unicode" | "ascii"]): string {
  const glyph = glyphs[cellKind(cell)];
  if (!cell) return glyph;
  // The mode is named where the span starts and where a statement makes it stronger.
  const named = cell.acquired && (!previous || previous.span !== cell.span || previous.mode !== cell.mode);
  return named ? `${glyph} ${ABBREVIATIONS[cell.mode]}` : glyph;
}

/** The Mermaid gantt block (without the fence). */
export function mermaidGantt(timeline: LockTimeline, rows: readonly TimelineRow[], title: string): string[] {
  const out = ["gantt", `  title ${mermaidName(title)}`, "  dateFormat X", "  axisFormat %s"];
  let id = 0;
  for (const row of rows) {
    out.push(`  section ${mermaidName(row.label)}`);
    for (const span of row.spans) {
      // One task per run of cells with one mode.
      let start = span.from;
      for (let i = span.from; i <= span.to; i++) {
        const cell = row.cells[i]!;
        const next = i < span.to ? row.cells[i + 1] : null;
        if (next && next.mode === cell.mode) continue;
        const first = timeline.columns[start]!;
        const last = timeline.columns[i]!;
        const lines = first.line === last.line ? `line ${first.line}` : `lines ${first.line}-${last.line}`;
        const tag = cell.new ? "done, " : cell.blocksReads ? "crit, " : cell.blocksWrites ? "active, " : "";
        id++;
        out.push(`    ${cell.mode} ${lines} :${tag}lock${id}, ${first.statement}, ${last.statement + 1}`);
        start = i + 1;
      }
    }
  }
  return out;
}

/** The timeline as Markdown lines (no trailing newline). */
export function renderTimelineMarkdown(timeline: LockTimeline, options: TimelineMarkdownOptions): string[] {
  const rows = options.rows ?? timeline.rows;
  if (rows.length === 0) return ["No locks."];
  const glyphs = options.unicode ? GLYPHS.unicode : GLYPHS.ascii;
  const dash = options.unicode ? "–" : "-";
  const groups = groupColumns(timeline, rows);
  const label = (first: number, last: number, pick: (i: number) => string): string => {
    const a = pick(first);
    const b = pick(last);
    return a === b ? a : `${a}${dash}${b}`;
  };
  const lineOf = (i: number): string => String(timeline.columns[i]!.line);
  const stmtOf = (i: number): string => String(timeline.columns[i]!.statement);
  const txOf = (first: number, last: number): string => {
    const ids = new Set(timeline.columns.slice(first, last + 1).map((column) => column.transaction));
    if (ids.size > 1) return options.unicode ? "…" : "...";
    const id = timeline.columns[first]!.transaction;
    return id === null ? dash : `T${id}`;
  };

  const out = [
    `| line | ${groups.map((g) => label(g.first, g.last, lineOf)).join(" | ")} |`,
    `|---|${groups.map(() => ":-:").join("|")}|`,
    `| *statement* | ${groups.map((g) => label(g.first, g.last, stmtOf)).join(" | ")} |`,
    `| *transaction* | ${groups.map((g) => txOf(g.first, g.last)).join(" | ")} |`,
  ];
  for (const row of rows) {
    const cells = groups.map((g) => cellText(row.cells[g.first] ?? null, g.first > 0 ? (row.cells[g.first - 1] ?? null) : null, glyphs));
    out.push(`| ${markdownCode(row.label)} | ${cells.join(" | ")} |`);
  }
  const used = new Set<LockMode>();
  for (const row of rows) for (const span of row.spans) for (let i = span.from; i <= span.to; i++) used.add(row.cells[i]!.mode);
  const modes = (Object.keys(ABBREVIATIONS) as LockMode[]).filter((m) => used.has(m));
  out.push(
    "",
    `${glyphs.both} blocks reads and writes, ${glyphs.writes} blocks writes, ${glyphs.neither} blocks neither (or a new table), ` +
      `${glyphs.none} no lock. Modes: ${modes.map((m) => `${ABBREVIATIONS[m]} ${m}`).join(", ")}.`,
    "",
  );
  for (const row of rows) {
    for (const span of row.spans) out.push(`- ${markdownCode(row.label)}: ${span.mode} ${spanRange(span)}, ${spanBlocks(span)}`);
  }
  out.push("", "```mermaid", ...mermaidGantt(timeline, rows, options.title ?? "Lock timeline"), "```");
  return out;
}
