/**
 * Reading and checking a table-size file (`--stats FILE`, the `stats` config key). A file that
 * cannot be used stops pgsafe with exit code 2 and one line that names the file, the key and the
 * fix.
 */
import { readFileSync } from "node:fs";
import { describeFsError, PgsafeUsageError } from "../cli/errors.js";
import { parseJson } from "../config/json.js";
import { STATS_VERSION, type TableSize, type TableStats } from "./types.js";

const HINT = "Write it with `pgsafe stats --db-url URL --output-file FILE` (docs/stats.md).";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** Checks parsed JSON; `name` is the file as the user wrote it, for messages. */
export function validateStats(value: unknown, name: string): TableStats {
  const bad = (where: string, what: string): never => {
    throw new PgsafeUsageError(`Invalid stats file "${name}": ${where} ${what}. ${HINT}`);
  };
  if (!isObject(value)) return bad("the file", `must hold a JSON object (got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)})`);
  if (value.version !== STATS_VERSION) return bad('"version"', `must be ${STATS_VERSION} (got ${JSON.stringify(value.version) ?? "nothing"})`);
  if (!isObject(value.tables)) return bad('"tables"', "must be an object of table sizes, keyed schema.table");
  const tables: Record<string, TableSize> = {};
  for (const [key, size] of Object.entries(value.tables)) {
    if (!/^[^.]+\..+$/.test(key)) bad(`the key "${key}" of "tables"`, 'must be schema.table (e.g. "public.users")');
    if (!isObject(size)) return bad(`"tables"."${key}"`, 'must be an object { "rows": N, "bytes": N }');
    if (!isCount(size.rows)) bad(`"tables"."${key}"."rows"`, `must be a number ≥ 0 (got ${JSON.stringify(size.rows) ?? "nothing"})`);
    if (!isCount(size.bytes)) bad(`"tables"."${key}"."bytes"`, `must be a number ≥ 0 (got ${JSON.stringify(size.bytes) ?? "nothing"})`);
    tables[key] = { rows: size.rows as number, bytes: size.bytes as number };
  }
  return {
    version: STATS_VERSION,
    ...(typeof value.collectedAt === "string" ? { collectedAt: value.collectedAt } : {}),
    ...(typeof value.database === "string" ? { database: value.database } : {}),
    tables,
  };
}

/** Reads and checks a table-size file. `name` is the path as the user wrote it (default: `path`). */
export function loadStats(path: string, name: string = path): TableStats {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PgsafeUsageError(`Cannot read stats file "${name}": ${describeFsError(error)}. ${HINT}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column, reason } = parsed.problem;
    throw new PgsafeUsageError(`Invalid JSON in stats file "${name}" at line ${line}, column ${column}: ${reason}. ${HINT}`);
  }
  return validateStats(parsed.value, name);
}
