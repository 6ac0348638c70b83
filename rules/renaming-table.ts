import { makeRelation, quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ALTER TABLE ... RENAME TO is catalog-only, but every query of the code still running names the
 * old table and fails from the moment the rename commits until the new code is deployed.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow renaming an existing table while running code still uses the old name",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("renaming-table"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      renameTable:
        'Renaming table "{{table}}" to "{{newName}}" breaks running code that still uses "{{table}}": its queries fail from the moment the migration commits until the new code is deployed (the rename itself takes only a brief ACCESS EXCLUSIVE lock).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      RenameStmt(node: PgNode) {
        const stmt = node.value;
        if (node.parent || stmt.renameType !== "OBJECT_TABLE" || typeof stmt.newname !== "string") return;
        const table = relationFromRangeVar(stmt.relation as AstObject);
        if (!table || sourceCode.migration.isNewTable(table, node.statement.index)) return;
        const renamed = makeRelation(table.schema, stmt.newname);
        context.report({
          loc: sourceCode.locOf(sourceCode.alterCommandRange(node.statement, 0)),
          messageId: "renameTable",
          data: { table: table.label, newName: renamed.label },
          help: [
            "Keep the old name working during the deploy with an updatable view (a simple view accepts INSERT, UPDATE and DELETE):",
            "  BEGIN;",
            "  SET LOCAL lock_timeout = '2s';",
            `  ALTER TABLE ${table.sql} RENAME TO ${quoteIdent(stmt.newname)};`,
            `  CREATE VIEW ${table.sql} AS SELECT * FROM ${renamed.sql};`,
            "  COMMIT;",
            `  -- once no running code uses ${table.sql} (the view's column list is fixed when it is created):`,
            `  DROP VIEW ${table.sql};`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"renameTable">;
