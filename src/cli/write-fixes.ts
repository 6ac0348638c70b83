/**
 * `pgsafe --fix`: writes the fixed SQL of each changed file back in place, in the file's own
 * encoding (UTF-8, UTF-8 with a byte-order mark, UTF-16 LE / BE with one). Fixes keep the file's
 * line endings: they only replace the spans they cover. A file whose text is unchanged is not
 * written (its bytes and modification time stay as they are).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { LintResult } from "../types.js";
import { describeFsError, PgsafeUsageError } from "./errors.js";

type Encoding = "utf8" | "utf8-bom" | "utf16le" | "utf16be";

function encodingOf(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf8-bom";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf16be";
  return "utf8";
}

/** The text as bytes in `encoding`, with the byte-order mark that encoding's files start with. */
export function encodeSql(text: string, encoding: Encoding): Buffer {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  switch (encoding) {
    case "utf8":
      return Buffer.from(body, "utf8");
    case "utf8-bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, "utf8")]);
    case "utf16le":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, "utf16le")]);
    case "utf16be":
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(body, "utf16le").swap16()]);
  }
}

function decode(bytes: Buffer, encoding: Encoding): string {
  if (encoding === "utf16le") return bytes.subarray(2).toString("utf16le");
  if (encoding === "utf16be") return Buffer.from(bytes.subarray(2)).swap16().toString("utf16le");
  return bytes.subarray(encoding === "utf8-bom" ? 3 : 0).toString("utf8");
}

/**
 * Writes a result's `output` to its file, if it has one (the CLI writes each file's fix as its
 * result comes); true when the file was written. A file whose bytes do not survive decoding and
 * encoding again (invalid UTF-8, an odd UTF-16 length) is left alone: writing the fixed text would
 * change bytes no fix touched.
 */
export function writeFix(result: LintResult, displayPath: (file: string) => string): boolean {
  if (result.output === undefined) return false;
  const file = result.filePath;
  try {
    const before = readFileSync(file);
    const encoding = encodingOf(before);
    if (!encodeSql(decode(before, encoding), encoding).equals(before)) return false;
    const after = encodeSql(result.output, encoding);
    if (after.equals(before)) return false;
    writeFileSync(file, after);
    return true;
  } catch (error) {
    throw new PgsafeUsageError(`Cannot write the fixed SQL to "${displayPath(file)}": ${describeFsError(error)}. Check that the file is writable, or run without --fix.`);
  }
}
