/**
 * Reading migration files as text. Kept apart from the linter so that commands that only read SQL
 * (`pgsafe explain`) do not load the rules.
 */
import { readFileSync } from "node:fs";
import { describeFsError, PgsafeUsageError } from "./cli/errors.js";

/**
 * Decodes a file's bytes as SQL text: UTF-8 (or UTF-16 with a byte-order mark). Text with NUL
 * bytes is not SQL: throws a PgsafeUsageError naming `name`.
 */
export function decodeSql(bytes: Uint8Array, name: string): string {
  return decodeSqlSource(bytes, name).text;
}

/** decodeSql, and where the bytes stop being UTF-8 (decoded once; the bad bytes become U+FFFD). */
export function decodeSqlSource(bytes: Uint8Array, name: string): { text: string; encodingIssue?: EncodingIssue } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes) };
  const nul = bytes.indexOf(0);
  if (nul >= 0 && nul < 8192) throw new PgsafeUsageError(`"${name}" is a binary file, not SQL. Pass only migration files (or leave it out with --ignore-pattern).`);
  if (nul >= 0) {
    // PostgreSQL receives a query as a C string: everything after a NUL byte would be lost.
    let line = 1;
    for (let i = 0; i < nul; i++) if (bytes[i] === 0x0a) line++;
    throw new PgsafeUsageError(`"${name}" contains a NUL byte on line ${line}, which SQL text cannot hold (PostgreSQL would never see what follows it). Remove it, or leave the file out with --ignore-pattern.`);
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const encodingIssue = findEncodingIssue(bytes);
    return { text: new TextDecoder("utf-8").decode(bytes), ...(encodingIssue ? { encodingIssue } : {}) };
  }
}

/** Reads a migration file, turning file-system errors into one-line PgsafeUsageErrors naming the file. */
export function readSqlFile(path: string, displayName = path): string {
  return sqlSourceOf(readFileBytes(path), displayName).text;
}

/** Where a file's bytes stop being UTF-8: the UTF-16 index in the decoded text and the byte. */
export interface EncodingIssue {
  index: number;
  byte: number;
}

/**
 * The first invalid UTF-8 sequence of `bytes` (undefined for valid UTF-8, and for UTF-16 with a
 * byte-order mark). `decodeSql` replaces it with U+FFFD; PostgreSQL would refuse the text.
 */
export function findEncodingIssue(bytes: Uint8Array): EncodingIssue | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return undefined;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Find the first byte that does not start or continue a well-formed sequence.
  }
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need >= 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok && need === 2) {
      const c = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6);
      ok = c >= 0x800 && !(c >= 0xd800 && c <= 0xdfff);
    } else if (ok && need === 3) {
      const c = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12);
      ok = c >= 0x10000 && c <= 0x10ffff;
    }
    if (!ok) return { index: new TextDecoder("utf-8").decode(bytes.subarray(0, i)).length, byte: b };
    i += need + 1;
  }
  return undefined;
}

/** Reads a migration file like readSqlFile, and says where it is not UTF-8. */
export function readSqlSource(path: string, displayName = path): { text: string; encodingIssue?: EncodingIssue } {
  return sqlSourceOf(readFileBytes(path), displayName);
}

/** A file's bytes, or the error reading it (a file-system error, with its `code`). */
export type FileBytes = { bytes: Uint8Array } | { error: unknown };

/** Reads a file's bytes; never throws. */
export function readFileBytes(path: string): FileBytes {
  try {
    return { bytes: readFileSync(path) };
  } catch (error) {
    return { error };
  }
}

/** The SQL text of bytes read from a file, as readSqlSource gives it; a read error becomes a PgsafeUsageError naming the file. */
export function sqlSourceOf(read: FileBytes, displayName: string): { text: string; encodingIssue?: EncodingIssue } {
  if ("error" in read) {
    throw new PgsafeUsageError(`Cannot read "${displayName}": ${describeFsError(read.error)}. Check that it is a readable file, or leave it out.`);
  }
  return decodeSqlSource(read.bytes, displayName);
}
