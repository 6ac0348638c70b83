/**
 * `primaryLocationLineHash`, the per-line fingerprint GitHub code scanning uses to follow an alert
 * from one commit to the next. It is the value github/codeql-action's upload-sarif step computes
 * for results that come without one (its `src/fingerprints.ts`), so that pgsafe's SARIF gives the
 * same alert identity whether or not the upload step fills the fingerprints in.
 *
 * The definition, as that step applies it to a file's text (UTF-16 code units):
 *   - spaces and tabs are dropped; "\r\n", "\r" and "\n" each become one "\n";
 *   - the remaining characters form one stream, followed by the value 65535 (end of file) and then
 *     zeros; a line starts at the first character after a "\n" (an empty line starts at its "\n",
 *     and a file ending with a newline has one more, empty, line starting at the end-of-file value);
 *   - a line's hash is the polynomial, modulo 2^64, over the 100 stream values from its start:
 *     h = v[0]·37^99 + v[1]·37^98 + ... + v[99], printed as unsigned lower-case hex without
 *     leading zeros;
 *   - the fingerprint is "<hex>:<n>", n counting the lines of the file with that hash so far
 *     (1 for the first), so that identical lines stay distinct.
 *
 * The test checks this implementation against the expected values published with the upload
 * step's own tests.
 */

const WINDOW = 100;
const BASE = 37;
const END_OF_FILE = 65535;
const TWO_32 = 2 ** 32;

/** 37^100 mod 2^64 as two unsigned 32-bit halves: the weight a value has when it leaves the window. */
const [OUT_HI, OUT_LO] = ((): [number, number] => {
  let w = 1n;
  for (let i = 0; i < WINDOW; i++) w = (w * BigInt(BASE)) & 0xffff_ffff_ffff_ffffn;
  return [Number(w >> 32n), Number(w & 0xffff_ffffn)];
})();

/**
 * A polynomial rolling hash over the last WINDOW values, modulo 2^64, kept as two unsigned 32-bit
 * numbers (so that no BigInt work happens per character).
 */
class RollingHash {
  hi = 0;
  lo = 0;

  /** h = h·37 + incoming − 37^100·outgoing (mod 2^64). */
  push(incoming: number, outgoing: number): void {
    let lo = this.lo * BASE + incoming;
    const carry = Math.floor(lo / TWO_32);
    lo -= carry * TWO_32;
    let hi = (Math.imul(this.hi, BASE) + carry) >>> 0;
    if (outgoing !== 0) {
      const product = OUT_LO * outgoing; // < 2^48: exact
      const productCarry = Math.floor(product / TWO_32);
      const subLo = product - productCarry * TWO_32;
      const subHi = (Math.imul(OUT_HI, outgoing) + productCarry) >>> 0;
      lo -= subLo;
      let borrow = 0;
      if (lo < 0) {
        lo += TWO_32;
        borrow = 1;
      }
      hi = (hi - subHi - borrow) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  hex(): string {
    return this.hi === 0 ? this.lo.toString(16) : this.hi.toString(16) + this.lo.toString(16).padStart(8, "0");
  }
}

/**
 * Every line's fingerprint, in line order: element i is line i + 1's. The text is the file as the
 * upload step reads it (decoded as UTF-8, a byte-order mark kept as U+FEFF). A file ending with a
 * newline has one more (empty) line than it has newlines, as in the upload step.
 */
export function lineFingerprints(text: string): string[] {
  const values = new Array<number>(WINDOW).fill(0);
  // The line number that starts at each window slot, or 0.
  const starts = new Array<number>(WINDOW).fill(0);
  const hash = new RollingHash();
  const seen = new Map<string, number>();
  const out: string[] = [];
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCr = false;

  // Once a slot comes round again, the window holds the WINDOW values from the line that started there.
  const emitIfLineStart = (): void => {
    const startedLine = starts[slot]!;
    if (startedLine === 0) return;
    const hex = hash.hex();
    const n = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, n);
    out[startedLine - 1] = `${hex}:${n}`;
    starts[slot] = 0;
  };
  const advance = (value: number): void => {
    hash.push(value, values[slot]!);
    values[slot] = value;
    slot = (slot + 1) % WINDOW;
  };
  const feed = (code: number): void => {
    if (code === 0x20 || code === 0x09 || (afterCr && code === 0x0a)) {
      afterCr = false;
      return;
    }
    afterCr = code === 0x0d;
    const value = afterCr ? 0x0a : code;
    emitIfLineStart();
    if (atLineStart) {
      atLineStart = false;
      starts[slot] = ++line;
    }
    if (value === 0x0a) atLineStart = true;
    advance(value);
  };

  for (let i = 0; i < text.length; i++) feed(text.charCodeAt(i));
  feed(END_OF_FILE);
  for (let i = 0; i < WINDOW; i++) {
    emitIfLineStart();
    advance(0);
  }
  return out;
}
