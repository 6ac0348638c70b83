/**
 * primaryLocationLineHash: the same values as github/codeql-action's upload step computes.
 *
 * The expected values in the first test are the ones published with that step's own tests
 * (github/codeql-action, src/fingerprints.test.ts, test "hash"); the second test checks the rolling
 * implementation against a direct evaluation of the definition with BigInt, on texts with
 * non-ASCII characters (large values leave the window), byte-order marks, CR/LF mixtures and long lines.
 */
import { describe, expect, it } from "vitest";
import { lineFingerprints } from "../../src/reporters/fingerprint.js";

/** The definition, evaluated directly: filter, split into lines, polynomial over 100 values from each line start. */
function reference(text: string): string[] {
  const stream: number[] = [];
  const lineStarts: number[] = [];
  let atStart = true;
  let afterCr = false;
  const push = (code: number): void => {
    if (code === 0x20 || code === 0x09 || (afterCr && code === 0x0a)) {
      afterCr = false;
      return;
    }
    afterCr = code === 0x0d;
    const value = code === 0x0d ? 0x0a : code;
    if (atStart) lineStarts.push(stream.length);
    atStart = value === 0x0a;
    stream.push(value);
  };
  for (const ch of text.split("")) push(ch.charCodeAt(0));
  push(65535);
  const mask = (1n << 64n) - 1n;
  const counts = new Map<string, number>();
  return lineStarts.map((start) => {
    let h = 0n;
    for (let i = 0; i < 100; i++) h = (h * 37n + BigInt(stream[start + i] ?? 0)) & mask;
    const hex = h.toString(16);
    const n = (counts.get(hex) ?? 0) + 1;
    counts.set(hex, n);
    return `${hex}:${n}`;
  });
}

describe("lineFingerprints", () => {
  it("gives the values published with github/codeql-action's upload step", () => {
    expect(lineFingerprints("")).toEqual(["c129715d7a2bc9a3:1"]);
    expect(lineFingerprints(" a\nb\n  \t\tc\n d")).toEqual(["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]);
    expect(lineFingerprints(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End")).toEqual([
      "8b7cf3e952e7aeb2:1",
      "b1ae1287ec4718d9:1",
      "bff680108adb0fcc:1",
      "c6805c5e1288b612:1",
      "b86d3392aea1be30:1",
      "e6ceba753e1a442:1",
    ]);
    const withFinalNewline = [
      "e9496ae3ebfced30:1",
      "fb7c023a8b9ccb3f:1",
      "ce8ba1a563dcdaca:1",
      "e20e36e16fcb0cc8:1",
      "b3edc88f2938467e:1",
      "c8e28b0b4002a3a0:1",
      "c129715d7a2bc9a3:1",
    ];
    // LF, CR, CRLF and mixed line endings hash the same.
    expect(lineFingerprints(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n")).toEqual(withFinalNewline);
    expect(lineFingerprints(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r")).toEqual(withFinalNewline);
    expect(lineFingerprints(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n")).toEqual(withFinalNewline);
    expect(lineFingerprints(" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n")).toEqual(withFinalNewline);
    // Identical lines are told apart by the counter.
    expect(lineFingerprints("Lorem ipsum dolor sit amet.\n".repeat(10))).toEqual([
      "a7f2ff13bc495cf2:1",
      "a7f2ff13bc495cf2:2",
      "a7f2ff13bc495cf2:3",
      "a7f2ff13bc495cf2:4",
      "a7f2ff13bc495cf2:5",
      "a7f2ff13bc495cf2:6",
      "a7f2ff1481e87703:1",
      "a9cf91f7bbf1862b:1",
      "55ec222b86bcae53:1",
      "cc97dc7b1d7d8f7b:1",
      "c129715d7a2bc9a3:1",
    ]);
  });

  it("matches a direct evaluation of the definition on non-ASCII, BOM, CR/LF and long-line texts", () => {
    const texts = [
      "\ufeffCREATE INDEX i ON t (a);\r\n-- 🐘 éléphant\n\nALTER TABLE \"Ünïcode\" ADD COLUMN x int;\r",
      `${"x".repeat(250)}\n${"y ".repeat(120)}\n\t\n  \n`,
      "\u{1f418}".repeat(80) + "\n" + "中文".repeat(70) + "\r\r\n\n\uffff\u0000end",
    ];
    // Pseudo-random texts over a small alphabet that includes every special case.
    const alphabet = [" ", "\t", "\r", "\n", "a", "Z", ";", "é", "\ufeff", "\ud83d\udc18", "\uffff", "中"];
    let seed = 12345;
    for (let t = 0; t < 30; t++) {
      let s = "";
      const length = (t * 37) % 400;
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        s += alphabet[seed % alphabet.length];
      }
      texts.push(s);
    }
    for (const text of texts) expect(lineFingerprints(text), JSON.stringify(text)).toEqual(reference(text));
  });

  it("gives one fingerprint per line, as the text's lines are counted (CR, LF, CRLF)", () => {
    for (const text of ["a", "a\n", "a\r\nb\rc\nd", "\n\n\n"]) {
      expect(lineFingerprints(text)).toHaveLength(text.split(/\r\n|\r|\n/).length);
    }
  });
});
