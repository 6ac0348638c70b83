/**
 * Offsets and positions.
 *
 * libpg-query reports UTF-8 byte offsets; editors, ESLint, LSP and SARIF want 1-based lines and
 * UTF-16 columns. `SourceText` converts between the three units for one text.
 */

/** A 1-based line and 1-based UTF-16 column. */
export interface Position {
  line: number;
  column: number;
}

export interface SourceLocation {
  start: Position;
  end: Position;
}

// eslint-disable-next-line no-control-regex -- matching "not ASCII" needs the full range
const NON_ASCII = /[^\x00-\x7f]/;

/** Index of the last element of a sorted array that is <= value. */
function floorIndex(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class SourceText {
  readonly text: string;
  /** UTF-16 index at which each line starts (line 1 at index 0). */
  readonly lineStarts: number[];
  readonly ascii: boolean;
  #byteToIndex: Uint32Array | undefined;
  #indexToByte: Uint32Array | undefined;

  constructor(text: string) {
    this.text = text;
    this.ascii = !NON_ASCII.test(text);
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get byteLength(): number {
    if (this.ascii) return this.text.length;
    return this.#maps()[0].length - 1;
  }

  #maps(): [Uint32Array, Uint32Array] {
    if (!this.#byteToIndex || !this.#indexToByte) {
      const text = this.text;
      const byteLength = Buffer.byteLength(text, "utf8");
      const b2i = new Uint32Array(byteLength + 1);
      const i2b = new Uint32Array(text.length + 1);
      let byte = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        i2b[i] = byte;
        let width: number;
        if (c < 0x80) width = 1;
        else if (c < 0x800) width = 2;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
          const next = text.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            // A surrogate pair is one 4-byte character; its low half maps to the same byte.
            for (let k = 0; k < 4; k++) b2i[byte + k] = i;
            i2b[i + 1] = byte;
            byte += 4;
            i++;
            continue;
          }
          width = 3;
        } else width = 3;
        for (let k = 0; k < width; k++) b2i[byte + k] = i;
        byte += width;
      }
      b2i[byte] = text.length;
      i2b[text.length] = byte;
      this.#byteToIndex = b2i;
      this.#indexToByte = i2b;
    }
    return [this.#byteToIndex, this.#indexToByte];
  }

  /** UTF-8 byte offset → UTF-16 index (clamped to the text). */
  indexFromByte(byte: number): number {
    if (this.ascii) return Math.max(0, Math.min(byte, this.text.length));
    const b2i = this.#maps()[0];
    return b2i[Math.max(0, Math.min(byte, b2i.length - 1))]!;
  }

  /** UTF-16 index → UTF-8 byte offset. */
  byteFromIndex(index: number): number {
    if (this.ascii) return Math.max(0, Math.min(index, this.text.length));
    const i2b = this.#maps()[1];
    return i2b[Math.max(0, Math.min(index, i2b.length - 1))]!;
  }

  /** Unicode code-point index (as in Postgres' error cursor) → UTF-16 index. */
  indexFromCodePoint(codePoint: number, from = 0): number {
    let index = from;
    let n = 0;
    const text = this.text;
    while (n < codePoint && index < text.length) {
      const c = text.charCodeAt(index);
      index += c >= 0xd800 && c <= 0xdbff && index + 1 < text.length ? 2 : 1;
      n++;
    }
    return index;
  }

  /** UTF-16 index → 1-based line and UTF-16 column. */
  positionAt(index: number): Position {
    const clamped = Math.max(0, Math.min(index, this.text.length));
    const line = floorIndex(this.lineStarts, clamped);
    return { line: line + 1, column: clamped - this.lineStarts[line]! + 1 };
  }

  /** 1-based line and column → UTF-16 index (clamped to the line). */
  indexAt(position: Position): number {
    const line = Math.max(1, Math.min(position.line, this.lineStarts.length));
    const start = this.lineStarts[line - 1]!;
    const next = line < this.lineStarts.length ? this.lineStarts[line]! : this.text.length + 1;
    return Math.min(start + position.column - 1, next - 1, this.text.length);
  }

  locationOf(start: number, end: number): SourceLocation {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = line < this.lineStarts.length ? this.lineStarts[line]! : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, "");
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}
