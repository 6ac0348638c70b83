import { columnTypeOf, formatColumnType, replayBefore } from "../src/analysis/columns.js";
import { relationFromNameList, relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import { lossyNarrowing, migrationRolesOf, roleAt } from "../src/analysis/reversibility.js";
import { knownColumnTypes } from "../src/analysis/schema.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * An up migration that deletes data (DROP TABLE, DROP COLUMN, a type change that rounds values)
 * while the tool offers a down: the down can re-create the table or column, never its values.
 * A narrowing that fails on values that do not fit (text → varchar(n), bigint → int) loses
 * nothing and is not reported (test/rules/irreversible-migration.test.ts proves both on PGlite).
 * https://www.postgresql.org/docs/current/sql-altertable.html
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Report up migrations that delete data their down migration cannot bring back",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("irreversible-migration"),
      category: "design",
    },
    messages: {
      dropColumn:
        'Dropping column "{{column}}" of "{{table}}" deletes its data: rolling back cannot bring back the values of column "{{column}}" of "{{table}}" ({{down}} can only re-create it empty).',
      dropTable: 'Dropping table "{{table}}" deletes its rows: rolling back cannot bring back the rows of "{{table}}" ({{down}} can only re-create it empty).',
      narrowType:
        'Changing column "{{column}}" of "{{table}}" from {{from}} to {{to}} drops {{lost}}: rolling back cannot bring back the exact values of column "{{column}}" of "{{table}}" ({{down}} can only widen the rounded values).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const views = migrationRolesOf(sourceCode.migration, sourceCode.text);
    const typesBefore = replayBefore(knownColumnTypes(sourceCode.migration), sourceCode.parsed.statements);
    /** The down of the up migration holding the node, when one exists. */
    const downOf = (node: PgNode): string | undefined => {
      const role = roleAt(views, node.statement.start);
      return role?.direction === "up" && role.down?.exists ? role.down.name : undefined;
    };
    const existing = (table: RelationRef | undefined, node: PgNode): table is RelationRef => !!table && !sourceCode.migration.isNewTable(table, node.statement.index);
    const help = (what: string): string =>
      [
        `Keep a copy before deleting ${what}, so a rollback can restore it:`,
        "  CREATE TABLE <backup> AS SELECT ...;  -- or pg_dump the table",
        "and make the down migration copy the values back after re-creating the column or table. Or contract only once the data is no longer needed, and mark the down as irreversible.",
      ].join("\n");
    return {
      DropStmt(node: PgNode) {
        const stmt = node.value;
        const down = node.parent ? undefined : downOf(node);
        if (!down || stmt.removeType !== "OBJECT_TABLE") return;
        for (const item of (stmt.objects as { List?: { items?: AstObject[] } }[] | undefined) ?? []) {
          const table = relationFromNameList(item.List?.items ?? []);
          if (!existing(table, node)) continue;
          context.report({ node, messageId: "dropTable", data: { table: table.label, down }, help: help(`the rows of ${table.sql}`) });
        }
      },
      AlterTableStmt(node: PgNode) {
        const stmt = node.value;
        const down = node.parent || stmt.objtype !== "OBJECT_TABLE" ? undefined : downOf(node);
        const table = down ? relationFromRangeVar(stmt.relation as AstObject) : undefined;
        if (!down || !existing(table, node)) return;
        const known = typesBefore(node.statement.index);
        ((stmt.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).forEach((item, i) => {
          const cmd = item.AlterTableCmd;
          if (typeof cmd?.name !== "string") return;
          const loc = sourceCode.locOf(sourceCode.alterCommandRange(node.statement, i));
          const column = cmd.name;
          if (cmd.subtype === "AT_DropColumn") {
            context.report({ loc, messageId: "dropColumn", data: { table: table.label, column, down }, help: help(`the values of column "${column}"`) });
            return;
          }
          if (cmd.subtype !== "AT_AlterColumnType") return;
          const def = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
          const to = columnTypeOf(def?.typeName as AstObject | undefined);
          const from = known.typeOf(table, column);
          const lost = from && to ? lossyNarrowing(from, to) : undefined;
          if (!lost || !from || !to) return;
          context.report({
            loc,
            messageId: "narrowType",
            data: { table: table.label, column, from: formatColumnType(from), to: formatColumnType(to), lost, down },
            help: help(`the exact values of column "${column}"`),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"dropColumn" | "dropTable" | "narrowType">;
