import { alterTableActions } from "../src/analysis/alter-table.js";
import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DROP NOT NULL is a catalog change under a brief ACCESS EXCLUSIVE lock, but it changes a promise
 * readers rely on: after it, NULLs can be written, and code that assumed the column is always set
 * breaks on the first one.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow dropping NOT NULL from a column of an existing table",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("ban-drop-not-null"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      dropNotNull:
        'Dropping NOT NULL on "{{column}}" of "{{table}}" lets NULLs in, but running code that reads "{{column}}" may rely on it never being NULL and break on the first one. The statement also takes an ACCESS EXCLUSIVE lock on "{{table}}", blocking reads and writes while it waits for the lock.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    // Columns added to existing tables earlier in this file: no running code reads them yet.
    const added = new Set<string>();
    return {
      AlterTableStmt(node: PgNode) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range }) => {
          const column = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef?.colname;
          if (cmd.subtype === "AT_AddColumn" && typeof column === "string") added.add(`${table.key}.${column}`);
          if (cmd.subtype !== "AT_DropNotNull" || typeof cmd.name !== "string" || added.has(`${table.key}.${cmd.name}`)) return;
          const col = quoteIdent(cmd.name);
          context.report({
            loc: sourceCode.locOf(range()),
            messageId: "dropNotNull",
            data: { column: cmd.name, table: table.label },
            help: [
              "Relax the column in its own deploy, after the readers are ready:",
              `  1. deploy code that copes with NULL in ${col} (reads, reports, exports, other services);`,
              "  2. then, in a later migration:",
              "     SET lock_timeout = '2s';",
              `     ALTER TABLE ${table.sql} ALTER COLUMN ${col} DROP NOT NULL;`,
              `  3. only then deploy code that writes NULL into ${col}.`,
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"dropNotNull">;
