/**
 * Terminal display width, so that a code frame's ^ underline sits under the right characters
 * whatever precedes them: wide characters (CJK, most emoji) take two cells, combining marks and
 * zero-width characters none, a tab runs to the next tab stop, and a control character (which
 * could also drive the terminal) is shown as U+FFFD in one cell.
 */

// Created on first use: building a segmenter costs start-up time, and ASCII lines never need one.
let segmenter: Intl.Segmenter | undefined;

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|\p{Cf})+$/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/** East Asian Wide and Fullwidth code points (Unicode EastAsianWidth W and F), by range. */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(codePoint: number): boolean {
  if (codePoint < 0x1100) return false;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = WIDE[mid]!;
    if (codePoint < start) hi = mid - 1;
    else if (codePoint > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Cells one grapheme cluster takes (tabs excluded: they depend on the column). */
export function graphemeWidth(grapheme: string): number {
  const first = grapheme.codePointAt(0) ?? 0;
  if (first >= 0x20 && first < 0x7f) return 1;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI_PRESENTATION.test(grapheme)) return 2;
  if (PICTOGRAPHIC.test(grapheme) && grapheme.includes("\ufe0f")) return 2;
  return isWide(first) ? 2 : 1;
}

export interface Cell {
  /** What to print. */
  text: string;
  /** UTF-16 offset of the grapheme in the line. */
  index: number;
  /** First cell it occupies, from 0. */
  start: number;
  width: number;
}

export interface RenderedLine {
  /** Empty for a line of printable ASCII (`ascii`), where cell i is character i. */
  cells: Cell[];
  /** The line is printable ASCII only: one cell per character, and `text` is what is printed. */
  ascii?: { text: string };
  /** Total width in cells. */
  width: number;
  /** Length of the source line in UTF-16 code units. */
  length: number;
}

/** Lays a line out in terminal cells (tabs expanded, control characters replaced). */
export function renderLine(line: string, tabSize = 4): RenderedLine {
  // Most SQL is printable ASCII: no grapheme segmentation needed.
  if (PRINTABLE_ASCII.test(line)) return { cells: [], ascii: { text: line }, width: line.length, length: line.length };
  const cells: Cell[] = [];
  let at = 0;
  for (const { segment, index } of (segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" })).segment(line)) {
    let text = segment;
    let width: number;
    if (segment === "\t") {
      width = tabSize - (at % tabSize);
      text = " ".repeat(width);
    } else if (CONTROL.test(segment)) {
      text = "\ufffd";
      width = 1;
    } else width = graphemeWidth(segment);
    cells.push({ text, index, start: at, width });
    at += width;
  }
  return { cells, width: at, length: line.length };
}

/** The display cell at which the 1-based UTF-16 `column` of the line starts. */
export function cellAt(line: RenderedLine, column: number): number {
  const index = column - 1;
  if (line.ascii) return index;
  if (index >= line.length) return line.width + (index - line.length);
  let cell = 0;
  for (const c of line.cells) {
    if (c.index > index) break;
    cell = c.start;
  }
  return cell;
}

/** The text of the cells in [from, to): graphemes that fit entirely. */
export function sliceCells(line: RenderedLine, from: number, to = Infinity): string {
  if (line.ascii) return line.ascii.text.slice(Math.max(0, from), Math.max(0, Math.min(to, line.length)));
  let out = "";
  for (const c of line.cells) if (c.start >= from && c.start + c.width <= to) out += c.text;
  return out;
}

/** Display width of a one-line string. */
export function displayWidth(text: string): number {
  return renderLine(text).width;
}

/** Replaces control characters (other than newline and tab) so text cannot drive the terminal. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\ufffd");
}
