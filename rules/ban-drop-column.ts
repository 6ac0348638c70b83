import { alterTableActions } from "../src/analysis/alter-table.js";
import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DROP COLUMN is catalog-only (a brief ACCESS EXCLUSIVE lock), but code that is still running
 * fails as soon as the column is gone, and the data cannot be brought back.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow dropping a column of an existing table while running code may still use it",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-drop-column"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      dropColumn:
        'Dropping column "{{column}}" of "{{table}}" breaks running code that still reads or writes it, and deletes its data for good (it also takes a brief ACCESS EXCLUSIVE lock on "{{table}}").',
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
          if (cmd.subtype !== "AT_DropColumn" || typeof cmd.name !== "string") return;
          const col = quoteIdent(cmd.name);
          context.report({
            loc: sourceCode.locOf(range()),
            messageId: "dropColumn",
            data: { table: table.label, column: cmd.name },
            help: [
              "Drop the column in two deploys:",
              `  1. Deploy code that no longer reads or writes ${col} (tell the ORM to ignore the column). If the column is NOT NULL without a default, let that code insert without it first:`,
              `       ALTER TABLE ${table.sql} ALTER COLUMN ${col} DROP NOT NULL;`,
              "  2. Then, in a later migration (a brief ACCESS EXCLUSIVE lock, no rewrite), mark it as intended:",
              "       SET lock_timeout = '2s';",
              `       ALTER TABLE ${table.sql} DROP COLUMN ${col};  -- pgsafe-ignore ban-drop-column -- unused since <release>`,
              "Keep a copy first if the data may be needed (pg_dump, or CREATE TABLE ... AS SELECT the key and the column).",
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"dropColumn">;
