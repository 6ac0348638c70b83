/**
 * Whether `ALTER COLUMN ... TYPE` rewrites the table, given the column's old type.
 *
 * Postgres skips the rewrite (and keeps the column's indexes) when the old type converts to the
 * new one without changing the stored bytes: a binary-coercible cast, or a length/precision
 * coercion whose support function proves the old values still fit. pgsafe only trusts the changes
 * that test/analysis/locks.pglite.test.ts proves in a real Postgres; everything else counts as a
 * rewrite. https://www.postgresql.org/docs/current/sql-altertable.html (Notes: "changing the type
 * of an existing column will require the entire table and its indexes to be rewritten", with the
 * binary-coercible exceptions).
 */
import type { AstObject } from "../parser/parse.js";

/** A column type reduced to what decides the rewrite: canonical name, modifiers, array-ness. */
export interface TypeSpec {
  /** Canonical internal name (`varchar`, `numeric`, `timestamptz`, ...), or the qualified name for other schemas. */
  name: string;
  /** Type modifiers as written: `varchar(20)` → [20], `numeric(10,2)` → [10, 2]; empty when none. */
  mods: number[];
  array: boolean;
}

// SQL spellings (as format_type prints them, or as written) → the internal name the parser uses.
const CANONICAL: Record<string, string> = {
  "character varying": "varchar",
  varchar: "varchar",
  // `char(n)` parses to pg_catalog.bpchar; a bare "char" is Postgres' one-byte internal type.
  character: "bpchar",
  bpchar: "bpchar",
  "bit varying": "varbit",
  varbit: "varbit",
  bit: "bit",
  integer: "int4",
  int: "int4",
  int4: "int4",
  bigint: "int8",
  int8: "int8",
  smallint: "int2",
  int2: "int2",
  boolean: "bool",
  bool: "bool",
  "double precision": "float8",
  float8: "float8",
  real: "float4",
  float4: "float4",
  decimal: "numeric",
  numeric: "numeric",
  "timestamp without time zone": "timestamp",
  timestamp: "timestamp",
  "timestamp with time zone": "timestamptz",
  timestamptz: "timestamptz",
  "time without time zone": "time",
  time: "time",
  "time with time zone": "timetz",
  timetz: "timetz",
};

// Postgres' internal "all interval fields" typmod marker (INTERVAL_FULL_RANGE), put in front of the
// precision by the grammar for `interval(p)`.
const INTERVAL_FULL_RANGE = 0x7fff;

function constInt(node: unknown): number | undefined {
  const c = (node as { A_Const?: { ival?: { ival?: number } } })?.A_Const;
  if (!c || !("ival" in c)) return undefined;
  return c.ival?.ival ?? 0;
}

/** The TypeSpec of a TypeName node, or undefined when a modifier is not a plain integer. */
export function typeSpecFromTypeName(typeName: AstObject | undefined): TypeSpec | undefined {
  if (!typeName) return undefined;
  const names = ((typeName.names as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? "");
  if (names.length === 0 || typeName.setof === true) return undefined;
  const last = names[names.length - 1]!;
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const name = schema && schema !== "pg_catalog" ? names.join(".") : (CANONICAL[last] ?? last);
  const mods: number[] = [];
  for (const m of (typeName.typmods as unknown[] | undefined) ?? []) {
    const value = constInt(m);
    if (value === undefined) return undefined;
    mods.push(value);
  }
  if (name === "interval") {
    // `interval(p)` → [FULL_RANGE, p]; a field restriction (`interval day`) is not modelled.
    if (mods.length === 2 && mods[0] === INTERVAL_FULL_RANGE) mods.shift();
    else if (mods.length > 0) return undefined;
  }
  return { name, mods, array: Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0 };
}

/**
 * The TypeSpec of a type as Postgres' `format_type` prints it: `character varying(10)`,
 * `numeric(10,2)`, `timestamp(3) without time zone`, `text[]`. Undefined when it cannot be read.
 */
export function parseFormattedType(text: string): TypeSpec | undefined {
  let rest = text.trim();
  let array = false;
  while (rest.endsWith("[]")) {
    array = true;
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
  if (name === "interval" && /\s/.test(simple)) return undefined;
  const mods = match[2] ? match[2].split(",").map((s) => Number(s.trim())) : [];
  return { name, mods, array };
}

/** `to` has no limit, or a limit at least as large as `from`'s. */
function widens(from: number | undefined, to: number | undefined): boolean {
  if (to === undefined) return true;
  return from !== undefined && to >= from;
}

/**
 * True when changing a column from `from` to `to` keeps every stored value as it is, so Postgres
 * neither rewrites the table nor rebuilds the column's indexes. Only changes proven in PGlite count.
 */
export function isBinaryCoercibleChange(from: TypeSpec, to: TypeSpec): boolean {
  if (from.array || to.array) {
    return from.array === to.array && from.name === to.name && sameMods(from.mods, to.mods);
  }
  if (from.name === to.name && sameMods(from.mods, to.mods)) return true;
  const [f0, f1] = from.mods;
  const [t0, t1] = to.mods;
  switch (`${from.name}->${to.name}`) {
    case "varchar->varchar":
    case "varbit->varbit":
    case "timestamp->timestamp":
    case "timestamptz->timestamptz":
    case "time->time":
    case "timetz->timetz":
    case "interval->interval":
      // A larger limit, or none; an unlimited old type cannot get a limit without a check.
      return widens(from.mods.length ? f0 : undefined, to.mods.length ? t0 : undefined);
    case "numeric->numeric":
      // numeric(p,s) → numeric(p',s) with p' ≥ p, or → numeric; the scale must not change.
      if (to.mods.length === 0) return true;
      if (from.mods.length === 0) return false;
      return t0! >= f0! && (t1 ?? 0) === (f1 ?? 0);
    case "varchar->text":
      return true;
    case "text->varchar":
      return to.mods.length === 0;
    case "cidr->inet":
      return true;
    default:
      return false;
  }
}

function sameMods(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Whether `ALTER COLUMN ... TYPE` (the AlterTableCmd's ColumnDef) rewrites the table when the column's
 * old type is `oldType` (format_type text). A USING clause or a COLLATE clause counts as a rewrite:
 * pgsafe cannot prove those keep the stored values and indexes.
 */
export function alterTypeRewrites(columnDef: AstObject | undefined, oldType: string | undefined): boolean {
  if (!columnDef || oldType === undefined) return true;
  if (columnDef.raw_default !== undefined || columnDef.collClause !== undefined) return true;
  const from = parseFormattedType(oldType);
  const to = typeSpecFromTypeName(columnDef.typeName as AstObject | undefined);
  if (!from || !to) return true;
  return !isBinaryCoercibleChange(from, to);
}
