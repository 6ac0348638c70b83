/**
 * Known column types.
 *
 * `ColumnTypes` replays statements in migration order and remembers the declared type of every
 * column it has seen created (CREATE TABLE, ADD COLUMN) or retyped (ALTER COLUMN ... TYPE),
 * following renames and drops. A rule feeds it the statements of its file before the one it looks
 * at (`replayBefore`), starting from what earlier files of the run declared (`knownColumnTypes` in
 * schema.ts, a `fork()` of the schema model's tracker).
 *
 * What a type change does for a known old type is type-change.ts's `classifyTypeChange`.
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import { CowMap } from "./cow-map.js";
import { relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";
import { TransactionalTracker } from "./transactional.js";

/** A column's declared type. */
export interface ColumnType {
  /** Catalog name of a built-in type (`varchar`, `int4`, `timestamptz`), `schema.name` for a qualified user type. */
  name: string;
  /** Integer type modifiers: `varchar(20)` → [20], `numeric(10,2)` → [10, 2], none → []; undefined when not plain integers. */
  mods: number[] | undefined;
  /** Array dimensions; 0 for a scalar. */
  arrayDims: number;
  /** The column's collation when a COLLATE clause set one (undefined: the type's default). */
  collation?: string;
}

export { transactionBoundary } from "./transactional.js";

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

/** The declared type of a column definition (ColumnDef), with the collation of its COLLATE clause. */
export function columnDefType(column: AstObject | undefined): ColumnType | undefined {
  const type = columnTypeOf(column?.typeName as AstObject | undefined);
  const names = ((column?.collClause as AstObject | undefined)?.collname as { String?: { sval?: string } }[] | undefined) ?? [];
  const collation = names.at(-1)?.String?.sval;
  return type && collation !== undefined && collation !== "default" ? { ...type, collation } : type;
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

interface TableColumns {
  /** Every column is known (created by a plain CREATE TABLE seen by the tracker). */
  complete: boolean;
  columns: Map<string, ColumnType>;
}

const copyTable = (t: TableColumns): TableColumns => ({ complete: t.complete, columns: new Map(t.columns) });

function keyOf(relation: RelationRef | string): string {
  return typeof relation === "string" ? relation : relation.key;
}

/** Column types known so far, in migration order. */
export class ColumnTypes extends TransactionalTracker<TableColumns> {
  constructor() {
    super(new CowMap<TableColumns>(copyTable));
  }

  /** An independent copy (costs time in proportion to what is known; see `fork` for a cheap one). */
  clone(): ColumnTypes {
    const copy = new ColumnTypes();
    for (const [key, table] of this.tables.entries()) copy.tables.set(key, copyTable(table));
    return copy;
  }

  /**
   * A tracker that starts from this one's state in constant time and keeps its own changes. This
   * one must not observe more statements while the fork is in use (the schema model forks its
   * trackers for a file and advances only after the file is linted).
   */
  fork(): ColumnTypes {
    const copy = new ColumnTypes();
    copy.tables = this.tables.fork();
    return copy;
  }

  /** The declared type of `table.column`, if known. */
  typeOf(table: RelationRef | string, column: string): ColumnType | undefined {
    return this.tables.get(keyOf(table))?.columns.get(column);
  }

  /** Applies one statement. */
  observe(statement: ParsedStatement): void {
    const node = statement.node;
    if (this.observeTransaction(statement)) return;
    switch (statement.type) {
      case "CreateStmt": {
        const table = relationFromRangeVar(node.relation as AstObject);
        if (!table || (node.if_not_exists && this.tables.has(table.key))) return;
        const complete = !node.inhRelations && !node.partbound && !node.ofTypename;
        const entry: TableColumns = { complete, columns: new Map() };
        for (const element of (node.tableElts as { ColumnDef?: AstObject; TableLikeClause?: unknown }[] | undefined) ?? []) {
          if (element.TableLikeClause) entry.complete = false;
          const type = columnDefType(element.ColumnDef);
          if (element.ColumnDef && type) entry.columns.set(String(element.ColumnDef.colname), type);
        }
        this.tables.set(table.key, entry);
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
        if (node.renameType !== "OBJECT_COLUMN") return;
        const entry = this.tables.edit(table.key);
        const type = entry?.columns.get(String(node.subname));
        if (entry) {
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
          if (table) this.tables.delete(table.key);
        }
        return;
    }
  }

  #alter(key: string, cmd: AstObject | undefined): void {
    const column = (cmd?.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
    switch (cmd?.subtype) {
      case "AT_AddColumn": {
        const entry = this.tables.edit(key);
        const name = String(column?.colname);
        const type = columnDefType(column);
        if (cmd.missing_ok && entry?.columns.has(name)) return;
        // ADD COLUMN IF NOT EXISTS on a table whose columns are not all known: it may already exist.
        const known = !cmd.missing_ok || entry?.complete === true;
        const target = entry ?? { complete: false, columns: new Map<string, ColumnType>() };
        if (type && known) target.columns.set(name, type);
        else target.columns.delete(name);
        this.tables.set(key, target);
        return;
      }
      case "AT_AlterColumnType": {
        // Without COLLATE, the column gets the new type's default collation.
        const type = columnDefType(column);
        const target = this.tables.edit(key) ?? { complete: false, columns: new Map<string, ColumnType>() };
        if (type) target.columns.set(String(cmd.name), type);
        else target.columns.delete(String(cmd.name));
        this.tables.set(key, target);
        return;
      }
      case "AT_DropColumn":
        this.tables.edit(key)?.columns.delete(String(cmd.name));
        return;
    }
  }

  #move(from: string, to: string): void {
    const entry = this.tables.edit(from);
    this.tables.delete(from);
    if (entry) this.tables.set(to, entry);
    else this.tables.delete(to);
  }
}
