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
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) throw new PgsafeUsageError(`"${name}" is a binary file, not SQL. Pass only migration files (or leave it out with --ignore-pattern).`);
  return new TextDecoder("utf-8").decode(bytes);
}

/** Reads a migration file, turning file-system errors into one-line PgsafeUsageErrors naming the file. */
export function readSqlFile(path: string, displayName = path): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new PgsafeUsageError(`Cannot read "${displayName}": ${describeFsError(error)}. Check that it is a readable file, or leave it out.`);
  }
  return decodeSql(bytes, displayName);
}
