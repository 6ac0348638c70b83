/**
 * The prologue many rules share for `ALTER TABLE`: a top-level statement on a relation of the
 * right kind, optionally only when the relation existed before this file, and its commands with
 * their positions (for `alterCommandRange`).
 */
import type { PgNode, PgSourceCode } from "../language/source-code.js";
import type { AstObject } from "../parser/parse.js";
import { relationFromRangeVar, type RelationRef } from "./names.js";
import { alterTableCommands } from "./rewrites.js";

/** One command of an ALTER TABLE statement. */
export interface AlterTableAction {
  /** The AlterTableCmd node (an empty object for an entry that is not one). */
  cmd: AstObject;
  /** The command's position in the statement's command list. */
  index: number;
  /** The command's text range (`sourceCode.alterCommandRange`). */
  range(): [number, number];
}

export interface AlterTableOptions {
  /** Skip tables the file itself created (`migration.isNewTable`). */
  existingOnly: boolean;
  /** The `objtype`s to look at (default: only `OBJECT_TABLE`); "any" looks at every ALTER TABLE-like statement. */
  objtypes?: readonly string[] | "any";
}

/**
 * The relation and commands of a top-level ALTER TABLE statement, or undefined when the rule has
 * nothing to look at (a nested statement, another kind of relation, no relation, or a table that
 * is new in this file when `existingOnly` is set).
 */
export function alterTableActions<T>(
  sourceCode: PgSourceCode,
  node: PgNode<T>,
  options: AlterTableOptions,
): { table: RelationRef; actions: AlterTableAction[] } | undefined {
  const stmt = node.value as AstObject;
  if (node.parent) return undefined;
  const objtypes = options.objtypes ?? ["OBJECT_TABLE"];
  if (objtypes !== "any" && !objtypes.includes(stmt.objtype as string)) return undefined;
  const table = relationFromRangeVar(stmt.relation as AstObject | undefined);
  if (!table || (options.existingOnly && sourceCode.migration.isNewTable(table, node.statement.index))) return undefined;
  const actions = alterTableCommands(stmt).map((cmd, index) => ({
    cmd,
    index,
    range: (): [number, number] => sourceCode.alterCommandRange(node.statement, index),
  }));
  return { table, actions };
}
