/**
 * Expand and contract: the two phases of a backward-compatible schema change.
 *
 * Expanding adds something the old code does not know about and does not mind (a table, a column,
 * a constraint, an index); contracting takes away or renames something the old code still uses (a
 * column or a table). A safe change ships them in separate deploys: expand, deploy code that uses
 * the new shape, and contract only once no running code uses the old one.
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import { makeRelation, relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";

export type Phase = "expand" | "contract";

/** One expand or contract change a statement makes to a table. */
export interface PhaseChange {
  phase: Phase;
  /** The table, as the statement names it. */
  table: RelationRef;
  /** What the change does, for messages: `adds column "email"`, `drops the table`. */
  what: string;
  /** The column the change is about, for column changes. */
  column?: string;
  /** For a renamed column or table: the new name. */
  newName?: string;
  kind: "add-column" | "add-constraint" | "add-index" | "create-table" | "drop-column" | "rename-column" | "rename-table" | "drop-table";
  /** Index of the ALTER TABLE subcommand making the change, when one does. */
  command?: number;
}

const quoted = (name: string): string => `"${name}"`;

/** The expand and contract changes of one statement, from its syntax alone. */
export function statementPhases(statement: ParsedStatement): PhaseChange[] {
  const node = statement.node;
  switch (statement.type) {
    case "AlterTableStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table || node.objtype !== "OBJECT_TABLE") return [];
      const changes: PhaseChange[] = [];
      ((node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).forEach((item, command) => {
        const cmd = item.AlterTableCmd;
        if (cmd?.subtype === "AT_AddColumn") {
          const column = String((cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef?.colname ?? "");
          changes.push({ phase: "expand", kind: "add-column", table, column, what: `adds column ${quoted(column)}`, command });
        } else if (cmd?.subtype === "AT_AddConstraint") {
          const c = (cmd.def as { Constraint?: AstObject } | undefined)?.Constraint;
          const name = typeof c?.conname === "string" ? ` ${quoted(c.conname)}` : "";
          changes.push({ phase: "expand", kind: "add-constraint", table, what: `adds constraint${name}`, command });
        } else if (cmd?.subtype === "AT_DropColumn" && typeof cmd.name === "string") {
          changes.push({ phase: "contract", kind: "drop-column", table, column: cmd.name, what: `drops column ${quoted(cmd.name)}`, command });
        }
      });
      return changes;
    }
    case "RenameStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table || typeof node.newname !== "string") return [];
      if (node.renameType === "OBJECT_COLUMN" && node.relationType === "OBJECT_TABLE" && typeof node.subname === "string") {
        const what = `renames column ${quoted(node.subname)} to ${quoted(node.newname)}`;
        return [{ phase: "contract", kind: "rename-column", table, column: node.subname, newName: node.newname, what }];
      }
      if (node.renameType === "OBJECT_TABLE") {
        return [{ phase: "contract", kind: "rename-table", table, newName: node.newname, what: `renames the table to ${quoted(node.newname)}` }];
      }
      return [];
    }
    case "DropStmt":
      if (node.removeType !== "OBJECT_TABLE") return [];
      return ((node.objects as unknown[] | undefined) ?? [])
        .map(relationFromNameList)
        .filter((t): t is RelationRef => !!t)
        .map((table) => ({ phase: "contract", kind: "drop-table", table, what: "drops the table" }));
    case "IndexStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      const name = typeof node.idxname === "string" ? ` ${quoted(node.idxname)}` : "";
      return table ? [{ phase: "expand", kind: "add-index", table, what: `adds index${name}` }] : [];
    }
    case "CreateStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      return table ? [{ phase: "expand", kind: "create-table", table, what: "creates a new table under its old name" }] : [];
    }
    default:
      return [];
  }
}

/** A change to a table that existed before the migration. */
export interface ExistingTableChange extends PhaseChange {
  statement: ParsedStatement;
  /** The table's key before the migration: the same for every name it has in the file. */
  identity: string;
}

/**
 * The expand and contract changes a migration makes to tables that existed before it, in order.
 * A table keeps its identity when the file renames it; creating a table under the name of an
 * existing table that the file dropped or renamed away expands that table. Dropping or renaming a
 * column that the file itself added earlier is not a contract: no running code uses it.
 */
export function existingTableChanges(
  statements: readonly ParsedStatement[],
  isNewTable: (relation: RelationRef, beforeIndex: number) => boolean,
): ExistingTableChange[] {
  const identities = new Map<string, string>(); // current key → key before the migration
  const vacated = new Map<string, string>(); // key of a table dropped or renamed away → its identity
  const addedColumns = new Set<string>(); // `${identity}\u0000${column}` added by this file
  const out: ExistingTableChange[] = [];
  for (const statement of statements) {
    for (const change of statementPhases(statement)) {
      const key = change.table.key;
      if (change.kind === "create-table") {
        const identity = vacated.get(key);
        if (identity !== undefined) {
          out.push({ ...change, statement, identity });
          vacated.delete(key);
        }
        continue;
      }
      if (isNewTable(change.table, statement.index)) continue;
      const identity = identities.get(key) ?? key;
      const columnKey = `${identity}\u0000${change.column ?? ""}`;
      if (change.kind === "add-column") addedColumns.add(columnKey);
      const ownColumn = (change.kind === "drop-column" || change.kind === "rename-column") && addedColumns.has(columnKey);
      if (change.kind === "rename-column" && ownColumn) addedColumns.add(`${identity}\u0000${change.newName}`);
      if (!ownColumn) out.push({ ...change, statement, identity });
      if (change.kind === "rename-table" && change.newName !== undefined) {
        identities.set(makeRelation(change.table.schema, change.newName).key, identity);
        identities.delete(key);
        vacated.set(key, identity);
      } else if (change.kind === "drop-table") {
        identities.delete(key);
        vacated.set(key, identity);
      }
    }
  }
  return out;
}
