/**
 * `--format text`: a readable report for terminals and CI logs.
 *
 *   migrations/0004_index.sql:3:1  error  Creating index "users_email_idx" on "users" takes ...  require-concurrent-index-creation
 *     > 3 | CREATE INDEX users_email_idx ON users (email);
 *         | ^^^^^^^^^^^^
 *     help: Build the index without blocking writes, ...
 *     docs: https://...
 *
 *   ✖ 1 problem (1 error, 0 warnings)
 *
 * A finding `pgsafe --fix` can fix is tagged "(fixable)" after its rule id, and the summary then
 * counts them: "1 error and 0 warnings potentially fixable with the `--fix` option."
 *
 * After a file's findings comes its lock timeline (src/reporters/timeline-text.ts) when the file
 * holds a lock that blocks reads or writes while other statements run.
 *
 * The code frame shows the lines of the statement the finding is in (at most MAX_FRAME_LINES),
 * with the finding's span underlined; the underline is aligned by display width (wide characters,
 * emoji, tabs). A clean run prints nothing.
 */
import { isAbsolute, relative } from "node:path";
import { createColors } from "./colors.js";
import { SourceText } from "../parser/positions.js";
import { lexFallback, splitStatements, type Piece } from "../parser/tokens.js";
import type { LintMessage, LintResult } from "../types.js";
import type { Reporter, ReporterContext, StreamReporter } from "./index.js";
import { cellAt, renderLine, sanitize, sliceCells, type RenderedLine } from "./width.js";
import { blockingRows, type LockTimeline } from "../timeline.js";
import { renderTimelineText } from "./timeline-text.js";

const MAX_FRAME_LINES = 8;
/** Code lines wider than this are cropped around the finding. */
const MAX_CODE_WIDTH = 120;
const TAB_SIZE = 4;

type Colors = ReturnType<typeof createColors>;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function displayPath(filePath: string, cwd: string): string {
  if (!isAbsolute(filePath)) return filePath;
  const rel = relative(cwd, filePath);
  return rel && !isAbsolute(rel) ? rel : filePath;
}

interface FileView {
  source: SourceText;
  pieces: Piece[];
}

function viewOf(result: LintResult): FileView {
  const text = result.source.charCodeAt(0) === 0xfeff ? result.source.slice(1) : result.source;
  return { source: new SourceText(text), pieces: splitStatements(text, lexFallback(text)).pieces };
}

/** The statement containing the UTF-16 offset, if any. */
function pieceAt(pieces: Piece[], offset: number): Piece | undefined {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = pieces[mid]!;
    if (offset < p.start) hi = mid - 1;
    else if (offset > p.end) lo = mid + 1;
    else return p;
  }
  return undefined;
}

/** The finding's span as 1-based lines, the last line being the last one it covers characters of. */
function spanLines(m: LintMessage): { first: number; last: number } {
  const last = m.endLine > m.line && m.endColumn === 1 ? m.endLine - 1 : Math.max(m.line, m.endLine);
  return { first: m.line, last };
}

/** [start, end) cells to underline on line `n`, or undefined when the span covers nothing there. */
function underlineCells(m: LintMessage, n: number, rendered: RenderedLine, raw: string): [number, number] | undefined {
  const { first, last } = spanLines(m);
  // A span over several lines is underlined on its first and last line; the ">" in the gutter marks the others.
  if (n < first || n > last || (n > first && n < last)) return undefined;
  let startColumn = n === first ? m.column : raw.length - raw.trimStart().length + 1;
  let endColumn = n === m.endLine ? m.endColumn : raw.trimEnd().length + 1;
  startColumn = Math.min(startColumn, raw.length + 1);
  endColumn = Math.min(endColumn, raw.length + 1);
  const start = cellAt(rendered, startColumn);
  const end = cellAt(rendered, endColumn);
  if (end > start) return [start, end];
  return n === first ? [start, start + 1] : undefined;
}

function codeFrame(m: LintMessage, view: FileView, c: Colors): string[] {
  const { source } = view;
  const span = spanLines(m);
  const piece = pieceAt(view.pieces, m.range[0]);
  let first = Math.min(span.first, piece ? source.positionAt(piece.start).line : span.first);
  let last = Math.max(span.last, piece ? source.positionAt(piece.end).line : span.last);
  last = Math.min(last, source.lineCount);
  const statementFirst = first;
  const statementLast = last;
  if (last - first + 1 > MAX_FRAME_LINES) {
    first = Math.max(first, span.first - 2);
    // One line is kept for the statement's first line when the window starts below it.
    last = Math.min(last, span.last + 2, first + MAX_FRAME_LINES - (first > statementFirst ? 2 : 1));
  }

  // When the frame starts inside the statement, its first line still shows which statement it is.
  const numbers: number[] = [];
  if (first > statementFirst) numbers.push(statementFirst);
  for (let n = first; n <= last; n++) numbers.push(n);
  const lines: { n: number; raw: string; rendered: RenderedLine }[] = [];
  for (const n of numbers) {
    const raw = source.lineText(n);
    lines.push({ n, raw, rendered: renderLine(raw, TAB_SIZE) });
  }
  // Crop wide lines around the start of the finding, the same for every line (keeps alignment).
  const primary = lines.find((l) => l.n === span.first);
  const widest = Math.max(0, ...lines.map((l) => l.rendered.width));
  let cropFrom = 0;
  let cropTo = Infinity;
  if (widest > MAX_CODE_WIDTH && primary) {
    const startCell = cellAt(primary.rendered, m.column);
    cropFrom = Math.max(0, Math.min(startCell - 20, widest - MAX_CODE_WIDTH));
    cropTo = cropFrom + MAX_CODE_WIDTH;
  }

  const gutterWidth = String(last).length;
  const marker = m.severity === 2 ? c.red : c.yellow;
  const out: string[] = [];
  const elided = (): string => `    ${" ".repeat(gutterWidth)} ${c.dim("⋮")}`;
  for (const { n, raw, rendered } of lines) {
    if (n === first && first > statementFirst + 1) out.push(elided());
    const inSpan = n >= span.first && n <= span.last;
    const left = cropFrom > 0 ? "…" : "";
    const right = rendered.width > cropTo ? "…" : "";
    const code = left + sliceCells(rendered, cropFrom, cropTo) + right;
    const gutter = `${inSpan ? marker(">") : " "} ${c.dim(`${String(n).padStart(gutterWidth)} |`)}`;
    out.push(`  ${gutter}${code ? ` ${code}` : ""}`.trimEnd());
    const cells = underlineCells(m, n, rendered, raw);
    if (cells) {
      const start = Math.max(cells[0], cropFrom) - cropFrom + left.length;
      const end = Math.min(cells[1], cropTo) - cropFrom + left.length;
      if (end > start) out.push(`    ${c.dim(`${" ".repeat(gutterWidth)} |`)} ${" ".repeat(start)}${marker("^".repeat(end - start))}`);
    }
  }
  if (last < statementLast) out.push(elided());
  return out;
}

function indentBlock(label: string, text: string, c: Colors): string[] {
  const [head = "", ...rest] = sanitize(text).split(/\r?\n/);
  const pad = " ".repeat(label.length + 4);
  return [`  ${c.cyan(`${label}:`)} ${head}`.trimEnd(), ...rest.map((line) => `${pad}${line}`.trimEnd())];
}

function formatMessage(path: string, m: LintMessage, view: FileView, c: Colors): string[] {
  const severity = m.severity === 2 ? c.red("error") : c.yellow("warning");
  // `pgsafe --fix` applies the finding's fix.
  const fixable = m.fix ? `  ${c.green("(fixable)")}` : "";
  const out = [`${c.bold(`${path}:${m.line}:${m.column}`)}  ${severity}  ${sanitize(m.message)}  ${c.dim(m.ruleId)}${fixable}`];
  if (!m.fatal) out.push(...codeFrame(m, view, c));
  if (m.help) out.push(...indentBlock("help", m.help, c));
  if (m.docsUrl) out.push(`  ${c.cyan("docs:")} ${c.dim(m.docsUrl)}`);
  return out;
}

/**
 * Under a file's findings, when the file holds a lock that blocks reads or writes while other
 * statements run (`result.lockTimelines`): the lock timeline of the tables it blocks.
 */
function lockTimelineBlock(path: string, timeline: LockTimeline, context: ReporterContext, c: Colors): string {
  const which = timeline.direction ? ` of the ${timeline.direction} migration` : "";
  const lines = renderTimelineText(timeline, { color: context.color, unicode: context.unicode !== false, rows: blockingRows(timeline), blockingSpansOnly: true });
  const title = `${c.bold(path)}  ${c.cyan("lock timeline")}${which}: locks that block reads or writes while other statements run`;
  return [title, ...lines.map((line) => `  ${line}`.trimEnd())].join("\n");
}

/** A file's blocks: each finding with its code frame, then its lock timelines. None for a file without findings. */
function fileBlocks(result: LintResult, context: ReporterContext, c: Colors): string[] {
  if (result.messages.length === 0) return [];
  const view = viewOf(result);
  const path = sanitize(displayPath(result.filePath, context.cwd));
  const blocks = result.messages.map((m) => formatMessage(path, m, view, c).join("\n"));
  for (const timeline of result.lockTimelines ?? []) blocks.push(lockTimelineBlock(path, timeline, context, c));
  return blocks;
}

interface Totals {
  errors: number;
  warnings: number;
  fixableErrors: number;
  fixableWarnings: number;
}

function count(totals: Totals, result: LintResult): void {
  totals.errors += result.errorCount;
  totals.warnings += result.warningCount;
  totals.fixableErrors += result.fixableErrorCount;
  totals.fixableWarnings += result.fixableWarningCount;
}

/** The summary lines under the blocks (with the newline that ends the report). */
function summary({ errors, warnings, fixableErrors, fixableWarnings }: Totals, c: Colors): string {
  const problems = errors + warnings;
  const line = `✖ ${plural(problems, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")})`;
  const paint = (text: string): string => (errors > 0 ? c.red(c.bold(text)) : c.yellow(c.bold(text)));
  const fixable =
    fixableErrors + fixableWarnings > 0 ? `\n${paint(`  ${plural(fixableErrors, "error")} and ${plural(fixableWarnings, "warning")} potentially fixable with the \`--fix\` option.`)}` : "";
  return `${paint(line)}${fixable}\n`;
}

const text: Reporter = (results: readonly LintResult[], context: ReporterContext): string => {
  const c = createColors(context.color);
  const blocks: string[] = [];
  const totals: Totals = { errors: 0, warnings: 0, fixableErrors: 0, fixableWarnings: 0 };
  for (const result of results) {
    count(totals, result);
    blocks.push(...fileBlocks(result, context, c));
  }
  if (totals.errors + totals.warnings === 0) return "";
  return `${blocks.join("\n\n")}\n\n${summary(totals, c)}`;
};

/** The same report, each file's blocks as the file comes, the summary at the end. */
export const stream: StreamReporter = (context, write) => {
  const c = createColors(context.color);
  const totals: Totals = { errors: 0, warnings: 0, fixableErrors: 0, fixableWarnings: 0 };
  let written = false;
  return {
    add(result) {
      count(totals, result);
      const blocks = fileBlocks(result, context, c);
      if (blocks.length === 0) return;
      write(`${written ? "\n\n" : ""}${blocks.join("\n\n")}`);
      written = true;
    },
    end() {
      if (totals.errors + totals.warnings > 0) write(`\n\n${summary(totals, c)}`);
    },
  };
};

export default text;
