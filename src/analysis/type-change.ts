/**
 * What `ALTER COLUMN ... TYPE` does to the table, given the column's old type. This is pgsafe's one
 * classifier of type changes: the changing-column-type rule and the lock model (its `knownOldType`
 * hook, see locks.ts) both ask it.
 *
 * Postgres skips the rewrite (and keeps the column's indexes) when the old values convert to the
 * new type without changing their stored bytes: a binary-coercible cast, or a length / precision
 * coercion whose support function proves every old value still fits.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 *
 * Every claim is checked against a real Postgres (PGlite, PostgreSQL 18), relfilenode of the table
 * and of an index on the column before and after: the type matrix in
 * test/analysis/columns.pglite.test.ts (each `coercible` pair keeps both, each `rewrite` pair
 * rewrites, each `timezone` pair rewrites unless the session TimeZone is UTC) and the no-rewrite
 * forms of test/analysis/locks.pglite.test.ts. Pairs pgsafe has not checked are `unknown`.
 */
import type { AstObject } from "../parser/parse.js";
import { columnTypeOf, type ColumnType } from "./columns.js";

/**
 * - `coercible`: catalog only, no rewrite and no index rebuild;
 * - `timezone`: timestamp ⇄ timestamptz, which (PG ≥ 12) skips the rewrite when the session
 *   TimeZone is UTC but still rebuilds the indexes on the column;
 * - `rewrite`: rewrites the table and rebuilds its indexes;
 * - `unknown`: pgsafe does not know.
 */
export type TypeChange = "coercible" | "timezone" | "rewrite" | "unknown";

// Built-in scalar types between which Postgres has no binary-coercible cast other than those
// handled below; a change between two of them rewrites the table.
const REWRITE_BETWEEN = new Set([
  "int2", "int4", "int8", "numeric", "float4", "float8", "text", "varchar", "bool", "date", "timestamp", "timestamptz",
  "uuid", "json", "jsonb", "inet", "cidr", "bytea", "varbit",
]);

// Types whose modifier is a fractional-seconds precision. 6 is the largest, so `(6)` accepts every
// value: a change to it is a no-op just like a change to no precision (checked in PGlite).
const MAX_PRECISION: Record<string, number> = { timestamp: 6, timestamptz: 6, time: 6, timetz: 6, interval: 6 };

// Postgres' "all interval fields" marker (INTERVAL_FULL_RANGE): the grammar puts it before the
// precision of `interval(p)`, and a field restriction (`interval day`) in its place.
const INTERVAL_FULL_RANGE = 0x7fff;

/**
 * The length or precision limit a type's modifiers set: a number, `undefined` for none (or one
 * every value fits), `null` when the modifiers are something else (interval fields, several numbers).
 */
function limitOf(name: string, mods: readonly number[]): number | undefined | null {
  let rest = mods;
  if (name === "interval" && rest.length > 0) {
    if (rest[0] !== INTERVAL_FULL_RANGE) return null;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return undefined;
  if (rest.length > 1) return null;
  const max = MAX_PRECISION[name];
  return max !== undefined && rest[0]! >= max ? undefined : rest[0]!;
}

function sameMods(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

/** A change of the limit only: coercible when it only widens (none on the new side, or at least the old one). */
function limitChange(name: string, from: readonly number[], to: readonly number[]): TypeChange {
  const f = limitOf(name, from);
  const t = limitOf(name, to);
  if (t === undefined) return "coercible";
  if (t === null || f === null) return "unknown";
  return f !== undefined && t >= f ? "coercible" : "rewrite";
}

export function classifyTypeChange(from: ColumnType, to: ColumnType): TypeChange {
  const change = classifyTypes(from, to);
  // Another collation rebuilds the column's indexes even when the stored values stay (PGlite:
  // `text COLLATE "C"` → `text` keeps the table's relfilenode but not the index's).
  return change === "coercible" && (from.collation ?? "default") !== (to.collation ?? "default") ? "unknown" : change;
}

function classifyTypes(from: ColumnType, to: ColumnType): TypeChange {
  if (!from.mods || !to.mods) return "unknown";
  const fromMods = from.mods;
  const toMods = to.mods;
  const same = from.name === to.name && sameMods(fromMods, toMods);
  // `int[]` and `int[][]` are the same type to Postgres; scalar ⇄ array has no plain cast.
  if (from.arrayDims > 0 !== to.arrayDims > 0) return "unknown";
  if (from.arrayDims > 0) {
    // Arrays keep their storage only for the same element type with the same modifiers, or none
    // on the new side; any other change (even varchar(10)[] → varchar(20)[] or → text[]) rewrites.
    if (same || (from.name === to.name && toMods.length === 0)) return "coercible";
    return from.name === to.name || (REWRITE_BETWEEN.has(from.name) && REWRITE_BETWEEN.has(to.name)) ? "rewrite" : "unknown";
  }
  if (same) return "coercible";
  switch (`${from.name}->${to.name}`) {
    // varchar(n) → varchar(m ≥ n) / varchar, varbit likewise, and a larger (or no) fractional-seconds precision.
    case "varchar->varchar":
    case "varbit->varbit":
    case "timestamp->timestamp":
    case "timestamptz->timestamptz":
    case "time->time":
    case "timetz->timetz":
    case "interval->interval":
      return limitChange(from.name, fromMods, toMods);
    // varchar(n) / varchar → text; cidr → inet.
    case "varchar->text":
    case "cidr->inet":
      return "coercible";
    case "text->varchar":
      return toMods.length === 0 ? "coercible" : "rewrite";
    // numeric(p,s) → numeric(p' ≥ p, s) / numeric.
    case "numeric->numeric": {
      if (toMods.length === 0) return "coercible";
      if (fromMods.length === 0) return "rewrite";
      return toMods[0]! >= fromMods[0]! && (toMods[1] ?? 0) === (fromMods[1] ?? 0) ? "coercible" : "rewrite";
    }
    // PG ≥ 12: no rewrite when the session TimeZone is UTC, unless the new type limits the
    // precision: that coercion applies to the converted value, whose precision Postgres does not know.
    // https://www.postgresql.org/docs/release/12.0/
    case "timestamp->timestamptz":
    case "timestamptz->timestamp":
      return limitOf(to.name, toMods) === undefined ? "timezone" : "rewrite";
  }
  return from.name !== to.name && REWRITE_BETWEEN.has(from.name) && REWRITE_BETWEEN.has(to.name) ? "rewrite" : "unknown";
}

// SQL spellings as format_type prints them → the names the parser gives (`integer` → int4).
const CANONICAL: Record<string, string> = {
  "character varying": "varchar",
  // `char(n)` is bpchar; a bare "char" is Postgres' one-byte internal type.
  character: "bpchar",
  "bit varying": "varbit",
  integer: "int4",
  bigint: "int8",
  smallint: "int2",
  boolean: "bool",
  "double precision": "float8",
  real: "float4",
  decimal: "numeric",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  "time without time zone": "time",
  "time with time zone": "timetz",
};

/**
 * The ColumnType of a type as Postgres' `format_type` prints it: `character varying(10)`,
 * `numeric(10,2)`, `timestamp(3) without time zone`, `text[]`. Undefined when it cannot be read.
 */
export function parseFormattedType(text: string): ColumnType | undefined {
  let rest = text.trim();
  let arrayDims = 0;
  while (rest.endsWith("[]")) {
    arrayDims++;
    rest = rest.slice(0, -2).trimEnd();
  }
  const match = /^([^()]+?)\s*(?:\(([\d,\s]+)\))?\s*((?:with|without) time zone)?$/i.exec(rest);
  if (!match) return undefined;
  // format_type prints built-in names in lower case and quotes other names where needed.
  const base = match[3] ? `${match[1]!} ${match[3].toLowerCase()}` : match[1]!;
  const unquoted = base.replace(/"/g, "");
  const parts = unquoted.split(".");
  const simple = parts.length === 2 && parts[0] === "pg_catalog" ? parts[1]! : unquoted;
  const name = CANONICAL[simple] ?? simple;
  // An interval with a field restriction (`interval day to second`) is not modelled.
  if (name.startsWith("interval") && name !== "interval") return undefined;
  const mods = match[2] ? match[2].split(",").map((s) => Number(s.trim())) : [];
  return { name, mods: name === "interval" && mods.length > 0 ? [INTERVAL_FULL_RANGE, ...mods] : mods, arrayDims };
}

/**
 * Whether `ALTER COLUMN ... TYPE` (the AlterTableCmd's ColumnDef) rewrites the table or rebuilds
 * the column's indexes when its old type is `oldType` (a ColumnType, or format_type text); true
 * when the old type is unknown. A USING or COLLATE clause counts as a rewrite: pgsafe cannot prove
 * that those keep the stored values and the indexes.
 */
export function alterTypeRewrites(columnDef: AstObject | undefined, oldType: ColumnType | string | undefined): boolean {
  if (!columnDef || oldType === undefined) return true;
  if (columnDef.raw_default !== undefined || columnDef.collClause !== undefined) return true;
  const from = typeof oldType === "string" ? parseFormattedType(oldType) : oldType;
  const to = columnTypeOf(columnDef.typeName as AstObject | undefined);
  return !from || !to || classifyTypeChange(from, to) !== "coercible";
}
