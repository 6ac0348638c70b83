/**
 * Known column types, and which type changes Postgres makes without rewriting the table.
 *
 * `ColumnTypes` replays statements in migration order and remembers the declared type of every
 * column it has seen created (CREATE TABLE, ADD COLUMN) or retyped (ALTER COLUMN ... TYPE),
 * following renames and drops. A rule feeds it the statements of its file before the one it looks
 * at (`replayBefore`); a schema model that replays earlier files of the run can feed the same
 * tracker first and hand each file a `clone()`.
 *
 * `classifyTypeChange` says what ALTER COLUMN ... TYPE does for a known old type. Its claims are
 * checked against a real Postgres (relfilenode before and after) in
 * test/analysis/columns.pglite.test.ts.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import { relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";

/** A column's declared type. */
export interface ColumnType {
  /** Catalog name of a built-in type (`varchar`, `int4`, `timestamptz`), `schema.name` for a qualified user type. */
  name: string;
  /** Integer type modifiers: `varchar(20)` → [20], `numeric(10,2)` → [10, 2], none → []; undefined when not plain integers. */
  mods: number[] | undefined;
  /** Array dimensions; 0 for a scalar. */
  arrayDims: number;
}

/** The transaction boundary a statement is, if any (COMMIT AND CHAIN stays inside a transaction). */
export function transactionBoundary(statement: ParsedStatement): "begin" | "commit" | "rollback" | undefined {
  if (statement.type !== "TransactionStmt") return undefined;
  const { kind, chain } = statement.node;
  if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") return "begin";
  if (chain) return undefined;
  if (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_PREPARE") return "commit";
  if (kind === "TRANS_STMT_ROLLBACK") return "rollback";
  return undefined;
}

/** Feeds `tracker` each statement before `index` once, in order; rules call it as they visit statements. */
export function replayBefore<T extends { observe(statement: ParsedStatement): void }>(
  tracker: T,
  statements: readonly ParsedStatement[],
): (index: number) => T {
  let next = 0;
  return (index) => {
    for (; next < index && next < statements.length; next++) tracker.observe(statements[next]!);
    return tracker;
  };
}

/** The type of a TypeName node; undefined for `%TYPE` references and other forms without a name. */
export function columnTypeOf(typeName: AstObject | undefined): ColumnType | undefined {
  if (!typeName || typeName.pct_type) return undefined;
  const parts = ((typeName.names as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? "");
  if (parts.length === 0) return undefined;
  const last = parts[parts.length - 1]!;
  const qualified = parts.length > 1 && parts[parts.length - 2] !== "pg_catalog";
  // The parser qualifies SQL-standard names with pg_catalog (`integer` → pg_catalog.int4).
  const name = qualified ? parts.slice(-2).join(".") : last;
  let mods: number[] | undefined = [];
  for (const mod of (typeName.typmods as { A_Const?: { ival?: { ival?: number } } }[] | undefined) ?? []) {
    const value = mod.A_Const?.ival;
    if (!value || mods === undefined) mods = undefined;
    else mods.push(value.ival ?? 0);
  }
  return { name, mods, arrayDims: ((typeName.arrayBounds as unknown[] | undefined) ?? []).length };
}

/** True for `serial`, `bigserial`, `smallserial` and their `serialN` spellings (a sequence default, NOT NULL). */
export function isSerialType(type: ColumnType): boolean {
  return type.arrayDims === 0 && /^(?:small|big)?serial$|^serial[248]$/.test(type.name);
}

/** True for a NULL literal, also cast (`NULL::text`): as a default it is no default at all. */
export function isNullConstant(expr: unknown): boolean {
  const e = expr as { A_Const?: { isnull?: boolean }; TypeCast?: { arg?: unknown } } | undefined;
  return e?.A_Const?.isnull === true || (e?.TypeCast !== undefined && isNullConstant(e.TypeCast.arg));
}

const DISPLAY: Record<string, string> = {
  int2: "smallint",
  int4: "integer",
  int8: "bigint",
  float4: "real",
  float8: "double precision",
  bool: "boolean",
  bpchar: "char",
};

/** The type as SQL: `varchar(20)`, `numeric(10,2)`, `bigint`, `text[]`. */
export function formatColumnType(type: ColumnType): string {
  // Interval modifiers encode field masks, not numbers a user wrote.
  const mods = type.mods && type.mods.length > 0 && type.name !== "interval" ? `(${type.mods.join(",")})` : "";
  return `${DISPLAY[type.name] ?? type.name}${mods}${"[]".repeat(type.arrayDims)}`;
}

/**
 * What ALTER COLUMN ... TYPE does to the table for a known old type:
 * - `coercible`: catalog only, no rewrite and no index rebuild (binary-coercible);
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

function sameMods(a: number[] | undefined, b: number[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((m, i) => m === b[i]);
}

/** Length or precision typmods that only widen: none (unlimited) on the new side, or at least the old one. */
function widens(from: number[], to: number[]): boolean {
  return to.length === 0 || (from.length > 0 && to[0]! >= from[0]!);
}

export function classifyTypeChange(from: ColumnType, to: ColumnType): TypeChange {
  if (from.name === to.name && from.arrayDims === to.arrayDims && sameMods(from.mods, to.mods)) return "coercible";
  if (from.arrayDims > 0 || to.arrayDims > 0 || !from.mods || !to.mods) return "unknown";
  const pair = `${from.name}->${to.name}`;
  switch (pair) {
    // varchar(n) → varchar(m ≥ n) / varchar; varbit likewise (length coercions that only widen).
    case "varchar->varchar":
    case "varbit->varbit":
      return widens(from.mods, to.mods) ? "coercible" : "rewrite";
    // varchar(n) / varchar → text; text → varchar without a limit; cidr → inet.
    case "varchar->text":
    case "cidr->inet":
      return "coercible";
    case "text->varchar":
      return to.mods.length === 0 ? "coercible" : "rewrite";
    // numeric(p,s) → numeric(p' ≥ p, s) / numeric.
    case "numeric->numeric": {
      if (to.mods.length === 0) return "coercible";
      if (from.mods.length === 0) return "rewrite";
      return to.mods[0]! >= from.mods[0]! && (to.mods[1] ?? 0) === (from.mods[1] ?? 0) ? "coercible" : "rewrite";
    }
    // PG ≥ 12: no rewrite when the session TimeZone is UTC, unless a precision is given: that
    // coercion applies to the converted value, whose precision Postgres does not know.
    // https://www.postgresql.org/docs/release/12.0/
    case "timestamp->timestamptz":
    case "timestamptz->timestamp":
      return to.mods.length === 0 ? "timezone" : "rewrite";
  }
  return from.name !== to.name && REWRITE_BETWEEN.has(from.name) && REWRITE_BETWEEN.has(to.name) ? "rewrite" : "unknown";
}

interface TableColumns {
  /** Every column is known (created by a plain CREATE TABLE seen by the tracker). */
  complete: boolean;
  columns: Map<string, ColumnType>;
}

type State = Map<string, TableColumns>;

function copyState(state: State): State {
  return new Map([...state].map(([k, t]) => [k, { complete: t.complete, columns: new Map(t.columns) }]));
}

function keyOf(relation: RelationRef | string): string {
  return typeof relation === "string" ? relation : relation.key;
}

/** Column types known so far, in migration order. */
export class ColumnTypes {
  #tables: State = new Map();
  #beforeTransaction: State | undefined;

  clone(): ColumnTypes {
    const copy = new ColumnTypes();
    copy.#tables = copyState(this.#tables);
    return copy;
  }

  /** The declared type of `table.column`, if known. */
  typeOf(table: RelationRef | string, column: string): ColumnType | undefined {
    return this.#tables.get(keyOf(table))?.columns.get(column);
  }

  /** Applies one statement. */
  observe(statement: ParsedStatement): void {
    const node = statement.node;
    switch (transactionBoundary(statement)) {
      case "begin":
        this.#beforeTransaction ??= copyState(this.#tables);
        return;
      case "commit":
        this.#beforeTransaction = undefined;
        return;
      case "rollback":
        if (this.#beforeTransaction) this.#tables = this.#beforeTransaction;
        this.#beforeTransaction = undefined;
        return;
    }
    switch (statement.type) {
      case "CreateStmt": {
        const table = relationFromRangeVar(node.relation as AstObject);
        if (!table || (node.if_not_exists && this.#tables.has(table.key))) return;
        const complete = !node.inhRelations && !node.partbound && !node.ofTypename;
        const entry: TableColumns = { complete, columns: new Map() };
        for (const element of (node.tableElts as { ColumnDef?: AstObject; TableLikeClause?: unknown }[] | undefined) ?? []) {
          if (element.TableLikeClause) entry.complete = false;
          const type = columnTypeOf(element.ColumnDef?.typeName as AstObject | undefined);
          if (element.ColumnDef && type) entry.columns.set(String(element.ColumnDef.colname), type);
        }
        this.#tables.set(table.key, entry);
        return;
      }
      case "AlterTableStmt": {
        const table = relationFromRangeVar(node.relation as AstObject);
        if (table) for (const item of (node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) this.#alter(table.key, item.AlterTableCmd);
        return;
      }
      case "RenameStmt": {
        const table = relationFromRangeVar(node.relation as AstObject);
        if (!table || typeof node.newname !== "string") return;
        if (node.renameType === "OBJECT_TABLE") this.#move(table.key, `${table.schema ?? "public"}.${node.newname}`);
        const entry = this.#tables.get(table.key);
        const type = entry?.columns.get(String(node.subname));
        if (node.renameType === "OBJECT_COLUMN" && entry) {
          entry.columns.delete(String(node.subname));
          if (type) entry.columns.set(node.newname, type);
        }
        return;
      }
      case "AlterObjectSchemaStmt": {
        const table = relationFromRangeVar(node.relation as AstObject);
        if (table && node.objectType === "OBJECT_TABLE") this.#move(table.key, `${String(node.newschema)}.${table.name}`);
        return;
      }
      case "DropStmt":
        if (node.removeType !== "OBJECT_TABLE") return;
        for (const object of (node.objects as unknown[] | undefined) ?? []) {
          const table = relationFromNameList(object);
          if (table) this.#tables.delete(table.key);
        }
        return;
    }
  }

  #alter(key: string, cmd: AstObject | undefined): void {
    const entry = this.#tables.get(key);
    const column = (cmd?.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
    switch (cmd?.subtype) {
      case "AT_AddColumn": {
        const name = String(column?.colname);
        const type = columnTypeOf(column?.typeName as AstObject | undefined);
        if (cmd.missing_ok && entry?.columns.has(name)) return;
        // ADD COLUMN IF NOT EXISTS on a table whose columns are not all known: it may already exist.
        const known = !cmd.missing_ok || entry?.complete === true;
        const target = entry ?? { complete: false, columns: new Map<string, ColumnType>() };
        if (type && known) target.columns.set(name, type);
        else target.columns.delete(name);
        this.#tables.set(key, target);
        return;
      }
      case "AT_AlterColumnType": {
        const type = columnTypeOf(column?.typeName as AstObject | undefined);
        const target = entry ?? { complete: false, columns: new Map<string, ColumnType>() };
        if (type) target.columns.set(String(cmd.name), type);
        else target.columns.delete(String(cmd.name));
        this.#tables.set(key, target);
        return;
      }
      case "AT_DropColumn":
        entry?.columns.delete(String(cmd.name));
        return;
    }
  }

  #move(from: string, to: string): void {
    const entry = this.#tables.get(from);
    this.#tables.delete(from);
    if (entry) this.#tables.set(to, entry);
    else this.#tables.delete(to);
  }
}
