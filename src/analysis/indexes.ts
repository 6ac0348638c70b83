/**
 * Indexes created in a migration file, and the table each belongs to: by `CREATE INDEX` and by the
 * UNIQUE / PRIMARY KEY / EXCLUDE constraints of `CREATE TABLE` and `ALTER TABLE`, under the name
 * written or the one Postgres generates (see constraints.ts). Followed through `ALTER INDEX ...
 * RENAME TO`, `... USING INDEX` (which renames the index to the constraint's name), table renames,
 * and ended by `DROP INDEX`, `DROP TABLE` and `DROP CONSTRAINT`.
 *
 * An index lives in its table's schema, so `CREATE INDEX i ON app.t` creates `app.i`; an unqualified
 * name means `public` (as everywhere in pgsafe).
 * https://www.postgresql.org/docs/current/sql-createindex.html
 */
import type { AstObject, ParsedSql, ParsedStatement } from "../parser/parse.js";
import { constraintsAddedBy, indexNameOf, type AddedConstraint } from "./constraints.js";
import { makeRelation, relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";

export interface KnownIndex {
  /** The index, in its table's schema. */
  index: RelationRef;
  table: RelationRef;
  /** Index of the statement that created it. */
  createdAt: number;
  /** Created by CREATE INDEX, or by a UNIQUE / PRIMARY KEY / EXCLUDE constraint. */
  via: "create-index" | "constraint";
  /** Key columns in order, null for an expression (INCLUDE columns are not keys). */
  columns: (string | null)[];
  /** Access method: btree, hash, gist, ... */
  method: string;
  /** The WHERE clause of a partial index. */
  predicate?: AstObject;
}

interface Lifetime {
  record: KnownIndex;
  /** The statement after which the index exists under this name. */
  from: number;
  /** The statement that dropped or renamed it, if any. */
  to?: number;
}

const cache = new WeakMap<ParsedSql, Lifetime[]>();

function indexIn(table: RelationRef, name: string): RelationRef {
  return makeRelation(table.schema, name);
}

function lifetimes(parsed: ParsedSql): Lifetime[] {
  const cached = cache.get(parsed);
  if (cached) return cached;
  const all: Lifetime[] = [];
  const live = (key: string): Lifetime | undefined => all.find((l) => l.to === undefined && l.record.index.key === key);
  const open = (record: KnownIndex, from: number): void => {
    all.push({ record, from });
  };
  const close = (l: Lifetime | undefined, at: number): void => {
    if (l) l.to = at;
  };
  const rename = (key: string, to: RelationRef, at: number): void => {
    const l = live(key);
    if (!l) return;
    close(l, at);
    open({ ...l.record, index: to }, at);
  };

  for (const statement of parsed.statements) {
    const node = statement.node;
    const at = statement.index;
    switch (statement.type) {
      case "IndexStmt": {
        const table = relationFromRangeVar(node.relation as AstObject | undefined);
        const name = indexNameOf(parsed, statement);
        const columns = ((node.indexParams as { IndexElem?: AstObject }[] | undefined) ?? []).map((p) => (typeof p.IndexElem?.name === "string" ? p.IndexElem.name : null));
        const shape = { columns, method: typeof node.accessMethod === "string" ? node.accessMethod : "btree", ...(node.whereClause ? { predicate: node.whereClause as AstObject } : {}) };
        if (table && name !== undefined) open({ index: indexIn(table, name), table, createdAt: at, via: "create-index", ...shape }, at);
        break;
      }
      case "CreateStmt":
      case "AlterTableStmt":
        for (const c of constraintsAddedBy(parsed, statement)) {
          if (c.kind !== "unique" && c.kind !== "primary-key" && c.kind !== "exclusion") continue;
          if (c.usingIndex !== undefined) rename(indexIn(c.table, c.usingIndex).key, indexIn(c.table, c.name), at);
          else open({ index: indexIn(c.table, c.name), table: c.table, createdAt: at, via: "constraint", ...constraintIndexShape(c) }, at);
        }
        if (statement.type === "AlterTableStmt") closeDroppedConstraints(statement, (key) => close(live(key), at));
        break;
      case "RenameStmt": {
        const relation = relationFromRangeVar(node.relation as AstObject | undefined);
        if (!relation || typeof node.newname !== "string") break;
        if (node.renameType === "OBJECT_INDEX") rename(relation.key, makeRelation(relation.schema, node.newname), at);
        if (node.renameType === "OBJECT_TABLE") {
          const renamed = makeRelation(relation.schema, node.newname);
          for (const l of all.filter((x) => x.to === undefined && x.record.table.key === relation.key)) {
            close(l, at);
            open({ ...l.record, table: renamed }, at);
          }
        }
        break;
      }
      case "DropStmt": {
        const objects = ((node.objects as unknown[] | undefined) ?? []).map(relationFromNameList).filter((r): r is RelationRef => !!r);
        if (node.removeType === "OBJECT_INDEX") for (const r of objects) close(live(r.key), at);
        if (node.removeType === "OBJECT_TABLE") {
          const keys = new Set(objects.map((r) => r.key));
          for (const l of all) if (l.to === undefined && keys.has(l.record.table.key)) close(l, at);
        }
        break;
      }
      default:
        break;
    }
  }
  cache.set(parsed, all);
  return all;
}

/** Key columns, access method and predicate of the index behind a UNIQUE / PRIMARY KEY / EXCLUDE constraint. */
function constraintIndexShape(c: AddedConstraint): Pick<KnownIndex, "columns" | "method" | "predicate"> {
  if (c.kind !== "exclusion") return { columns: c.columns, method: "btree" };
  const elems = ((c.node.exclusions as { List?: { items?: { IndexElem?: AstObject }[] } }[] | undefined) ?? []).map((e) => e.List?.items?.[0]?.IndexElem);
  return {
    columns: elems.map((e) => (typeof e?.name === "string" ? e.name : null)),
    method: typeof c.node.access_method === "string" ? c.node.access_method : "gist",
    ...(c.node.where_clause ? { predicate: c.node.where_clause as AstObject } : {}),
  };
}

/** `ALTER TABLE t DROP CONSTRAINT c` drops the index behind a UNIQUE / PRIMARY KEY / EXCLUDE constraint c. */
function closeDroppedConstraints(statement: ParsedStatement, close: (indexKey: string) => void): void {
  const table = relationFromRangeVar(statement.node.relation as AstObject | undefined);
  for (const item of (statement.node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
    const cmd = item.AlterTableCmd;
    if (table && cmd?.subtype === "AT_DropConstraint" && typeof cmd.name === "string") close(indexIn(table, cmd.name).key);
  }
}

/**
 * The index named `index` (as a DROP INDEX or ALTER INDEX names it), if an earlier statement of the
 * file created it and it still exists under that name just before statement `beforeIndex`.
 */
export function indexCreatedInFile(parsed: ParsedSql, index: RelationRef, beforeIndex: number): KnownIndex | undefined {
  return lifetimes(parsed).find((l) => l.record.index.key === index.key && l.from < beforeIndex && (l.to === undefined || beforeIndex <= l.to))
    ?.record;
}

/**
 * The indexes the file creates on `table` that exist at some point after statement `after`: those
 * in place just after it and those created later in the file.
 */
export function indexesOnTable(parsed: ParsedSql, table: RelationRef, after: number): KnownIndex[] {
  return lifetimes(parsed)
    .filter((l) => l.record.table.key === table.key && (l.to === undefined || l.to > after))
    .map((l) => l.record);
}

/**
 * True when the file drops `index`, an index that existed before it, at or before statement
 * `upTo`: by DROP INDEX, DROP CONSTRAINT of its constraint, DROP COLUMN of one of its key columns
 * (Postgres drops the indexes that use the column), or DROP TABLE.
 */
export function droppedInFile(
  parsed: ParsedSql,
  index: { index: RelationRef; table: RelationRef; columns: readonly (string | null)[]; constraint?: string },
  upTo: number,
): boolean {
  return parsed.statements.some((statement) => {
    const node = statement.node;
    if (statement.index > upTo) return false;
    if (statement.type === "DropStmt") {
      const objects = ((node.objects as unknown[] | undefined) ?? []).map(relationFromNameList);
      const target = node.removeType === "OBJECT_INDEX" ? index.index.key : node.removeType === "OBJECT_TABLE" ? index.table.key : undefined;
      return objects.some((r) => r?.key === target);
    }
    if (statement.type !== "AlterTableStmt" || relationFromRangeVar(node.relation as AstObject | undefined)?.key !== index.table.key) return false;
    return ((node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).some(({ AlterTableCmd: cmd }) =>
      cmd?.subtype === "AT_DropConstraint" ? cmd.name === index.constraint : cmd?.subtype === "AT_DropColumn" && index.columns.includes(String(cmd.name)),
    );
  });
}
