import { alterTableActions } from "../src/analysis/alter-table.js";
import { nameFor } from "../src/analysis/checks.js";
import { columnTypeOf, formatColumnType, isNullConstant, isSerialType } from "../src/analysis/columns.js";
import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ADD COLUMN ... NOT NULL without a default: every existing row would hold NULL, so the ALTER fails
 * on a table that has rows, and INSERTs of code that does not know the column fail once it exists.
 * Generated and identity columns get their values from Postgres, so they are not "required".
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-COLUMN
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding a NOT NULL column without a default to an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-required-field"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      requiredColumn:
        'Adding column "{{column}}" to "{{table}}" as {{requirement}} without a default fails if "{{table}}" has any rows, and breaks INSERTs of code that does not set "{{column}}" yet.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      AlterTableStmt(node: PgNode) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range }) => {
          const column = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
          if (cmd.subtype !== "AT_AddColumn" || !column || typeof column.colname !== "string") return;
          const constraints = ((column.constraints as { Constraint?: AstObject }[] | undefined) ?? []).map((c) => c.Constraint?.contype);
          const defaults = ((column.constraints as { Constraint?: AstObject }[] | undefined) ?? []).filter((c) => c.Constraint?.contype === "CONSTR_DEFAULT");
          // Identity and generated columns are filled in by Postgres; serial types come with a default.
          if (constraints.includes("CONSTR_IDENTITY") || constraints.includes("CONSTR_GENERATED")) return;
          const type = columnTypeOf(column.typeName as AstObject | undefined);
          if (!type || isSerialType(type)) return;
          if (defaults.some((d) => !isNullConstant(d.Constraint?.raw_expr))) return;
          const primaryKey = constraints.includes("CONSTR_PRIMARY");
          if (!primaryKey && !constraints.includes("CONSTR_NOTNULL")) return;
          const col = quoteIdent(column.colname);
          const check = quoteIdent(nameFor(table, column.colname, "not_null_check"));
          context.report({
            loc: sourceCode.locOf(range()),
            messageId: "requiredColumn",
            data: { table: table.label, column: column.colname, requirement: primaryKey ? "a PRIMARY KEY (NOT NULL)" : "NOT NULL" },
            help: [
              "Add the column nullable (or with a constant default, catalog-only on PostgreSQL 11+), fill it, then enforce NOT NULL:",
              `  ALTER TABLE ${table.sql} ADD COLUMN ${col} ${formatColumnType(type)};`,
              "  -- deploy code that writes the column, then backfill in batches, one transaction each:",
              `  UPDATE ${table.sql} SET ${col} = <value> WHERE ${col} IS NULL AND id BETWEEN 1 AND 10000;`,
              "  -- enforce without a long lock:",
              `  ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
              `  ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};  -- in a separate transaction`,
              `  ALTER TABLE ${table.sql} ALTER COLUMN ${col} SET NOT NULL;  -- PostgreSQL 12+: no scan`,
              `  ALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`,
              ...(primaryKey ? [`Then build the primary key's unique index CONCURRENTLY and add it with ADD PRIMARY KEY USING INDEX.`] : []),
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"requiredColumn">;
