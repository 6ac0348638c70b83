/**
 * The lock timeline for terminals (`pgsafe explain --timeline`, and under a file's findings in the
 * text lint report): one row per relation, one column per statement, a legend, and the spans in words.
 *
 *   stmt       1-2  3   4   5   6   7   8   9-10   11  12  13
 *   line       2-3  4   9   10  11  12  14  16-17  18  19  20
 *   tx         T1   T1  T1  T1  T1  T1  -   T2     T2  T2  T2
 *   orders     ·    ▓▓▓▓▓▓▓▓████████████ ░░  ·      ·   ·   ·
 *
 * Glyphs tell the blocking apart without colour: █ blocks reads and writes (ACCESS EXCLUSIVE),
 * ▓ blocks writes (SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE), ░ blocks neither (or the table is new in
 * the file), · no lock; `--no-unicode` draws # = - . instead. Colour (red, yellow, dim) only adds to
 * them. Cells of one span are joined, so a lock held from one statement to the next reads as one bar.
 *
 * Wide migrations stay readable: runs of statements that take and release no lock of the drawn rows
 * are drawn as one column (`9-10`), and a timeline wider than `width` is wrapped into bands of
 * columns, each with its own header.
 */
import { createColors } from "./colors.js";
import { cellKind, groupColumns, spanBlocks, spanRange, type CellKind, type LockTimeline, type TimelineGroup, type TimelineRow, type TimelineSpan } from "../timeline.js";
import { displayWidth, sanitize } from "./width.js";

export interface TimelineTextOptions {
  /** Use ANSI colours. */
  color: boolean;
  /** Draw with block characters (default) or ASCII. */
  unicode: boolean;
  /** Maximum width in terminal cells; a wider timeline is wrapped (default 100). */
  width?: number;
  /** The rows to draw (default: every row). */
  rows?: readonly TimelineRow[];
  /** List only the spans that block reads or writes of an existing relation (default: every span). */
  blockingSpansOnly?: boolean;
}

type Colors = ReturnType<typeof createColors>;
type Kind = CellKind;

const GLYPHS: Record<"unicode" | "ascii", Record<Kind, string>> = {
  unicode: { both: "█", writes: "▓", neither: "░", none: "·" },
  ascii: { both: "#", writes: "=", neither: "-", none: "." },
};

/** Row labels are cut to this many cells. */
const LABEL_WIDTH = 40;
const DEFAULT_WIDTH = 100;

function paintOf(kind: Kind, c: Colors): (s: string) => string {
  switch (kind) {
    case "both":
      return c.red;
    case "writes":
      return c.yellow;
    default:
      return c.dim;
  }
}

/** Display width; printable ASCII (nearly every name and label) is one cell per character, without segmenting. */
function widthOf(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : displayWidth(text);
}

function cut(text: string, width: number, ellipsis: string): string {
  if (widthOf(text) <= width) return text;
  let out = "";
  for (const ch of text) {
    if (widthOf(out + ch + ellipsis) > width) break;
    out += ch;
  }
  return out + ellipsis;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - widthOf(text)));
}

interface Column {
  group: TimelineGroup;
  stmt: string;
  line: string;
  tx: string;
  width: number;
}

function columnsOf(timeline: LockTimeline, groups: readonly TimelineGroup[], ellipsis: string): Column[] {
  return groups.map((group) => {
    const first = timeline.columns[group.first]!;
    const last = timeline.columns[group.last]!;
    const stmt = group.first === group.last ? String(first.statement) : `${first.statement}-${last.statement}`;
    const line = first.line === last.line ? String(first.line) : `${first.line}-${last.line}`;
    const ids = new Set(timeline.columns.slice(group.first, group.last + 1).map((c) => c.transaction));
    const id = [...ids][0];
    const tx = ids.size > 1 ? ellipsis : id === null || id === undefined ? "-" : `T${id}`;
    return { group, stmt, line, tx, width: Math.max(2, stmt.length, line.length, widthOf(tx)) };
  });
}

/** Splits the columns into bands that fit `available` cells (at least one column per band). */
function bands(columns: readonly Column[], available: number): Column[][] {
  const out: Column[][] = [];
  let band: Column[] = [];
  let used = 0;
  for (const column of columns) {
    const need = column.width + (band.length > 0 ? 1 : 0);
    if (band.length > 0 && used + need > available) {
      out.push(band);
      band = [];
      used = 0;
    }
    used += column.width + (band.length > 0 ? 1 : 0);
    band.push(column);
  }
  if (band.length > 0) out.push(band);
  return out;
}

function gridRow(row: TimelineRow, band: readonly Column[], glyphs: Record<Kind, string>, c: Colors): string {
  // Pieces of one kind are painted together; separators take the kind of the cell on their left.
  const pieces: { kind: Kind; text: string }[] = [];
  const add = (kind: Kind, text: string): void => {
    const last = pieces.at(-1);
    if (last && last.kind === kind) last.text += text;
    else pieces.push({ kind, text });
  };
  band.forEach((column, k) => {
    const cell = row.cells[column.group.first] ?? null;
    const kind = cellKind(cell);
    add(kind, kind === "none" ? glyphs.none + " ".repeat(column.width - 1) : glyphs[kind].repeat(column.width));
    const next = band[k + 1];
    if (!next) return;
    const after = row.cells[next.group.first] ?? null;
    // Cells of one span are joined; a released lock leaves a gap.
    add(cell && after && after.span === cell.span ? kind : "none", cell && after && after.span === cell.span ? glyphs[kind] : " ");
  });
  const last = pieces.at(-1);
  if (last) last.text = last.text.trimEnd();
  return pieces.map((piece) => paintOf(piece.kind, c)(piece.text)).join("");
}

function spanLines(rows: readonly TimelineRow[], blockingOnly: boolean, c: Colors): string[] {
  const entries: { row: TimelineRow; span: TimelineSpan }[] = [];
  for (const row of rows) {
    for (const span of row.spans) {
      if (blockingOnly && (span.new || (!span.blocksReads && !span.blocksWrites))) continue;
      entries.push({ row, span });
    }
  }
  const cells = entries.map(({ row, span }) => [sanitize(row.label), span.mode, spanRange(span), spanBlocks(span)]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...cells.map((r) => widthOf(r[i]!))));
  return entries.map(({ span }, k) => {
    const [label, mode, range, blocks] = cells[k]!;
    const kind: Kind = span.new ? "neither" : span.blocksReads ? "both" : span.blocksWrites ? "writes" : "neither";
    return `${pad(label!, widths[0]!)}  ${pad(mode!, widths[1]!)}  ${pad(range!, widths[2]!)}  ${paintOf(kind, c)(blocks!)}`;
  });
}

/** The timeline as lines of text (no trailing newline). */
export function renderTimelineText(timeline: LockTimeline, options: TimelineTextOptions): string[] {
  const c = createColors(options.color);
  const glyphs = options.unicode ? GLYPHS.unicode : GLYPHS.ascii;
  const ellipsis = options.unicode ? "…" : "...";
  const rows = options.rows ?? timeline.rows;
  if (rows.length === 0) return ["No locks."];

  const labels = rows.map((row) => cut(sanitize(row.label), LABEL_WIDTH, ellipsis));
  const labelWidth = Math.max(4, ...labels.map(widthOf));
  const columns = columnsOf(timeline, groupColumns(timeline, rows), ellipsis);
  const available = Math.max(10, (options.width ?? DEFAULT_WIDTH) - labelWidth - 2);

  const out: string[] = [];
  for (const band of bands(columns, available)) {
    if (out.length > 0) out.push("");
    const header = (name: string, pick: (column: Column) => string): string =>
      c.dim(`${pad(name, labelWidth)}  ${band.map((column) => pad(pick(column), column.width)).join(" ")}`.trimEnd());
    out.push(header("stmt", (column) => column.stmt), header("line", (column) => column.line), header("tx", (column) => column.tx));
    rows.forEach((row, i) => {
      // A band shows the rows that hold a lock in it.
      if (!band.some((column) => row.cells[column.group.first])) return;
      out.push(`${pad(labels[i]!, labelWidth)}  ${gridRow(row, band, glyphs, c)}`);
    });
  }

  const legend = [
    `${c.red(glyphs.both)} blocks reads and writes`,
    `${c.yellow(glyphs.writes)} blocks writes`,
    `${c.dim(glyphs.neither)} blocks neither (or a new table)`,
    `${c.dim(glyphs.none)} no lock`,
  ];
  out.push("", legend.join("   "));
  const spans = spanLines(rows, options.blockingSpansOnly === true, c);
  if (spans.length > 0) out.push("", ...spans);
  return out;
}
