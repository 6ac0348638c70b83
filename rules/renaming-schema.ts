import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ALTER SCHEMA ... RENAME TO changes the name at once for everybody. Objects that refer to each
 * other by OID (views, foreign keys, indexes) follow; everything that names the schema in text does
 * not: application queries, function bodies, search_path settings, grants scripts.
 * https://www.postgresql.org/docs/current/sql-alterschema.html
 */
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow renaming a schema",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("renaming-schema"),
      category: "compatibility",
    },
    messages: {
      renamingSchema:
        'Renaming schema "{{schema}}" to "{{newName}}" breaks every running query, function body and search_path that still names "{{schema}}": they fail with "does not exist" (or silently find other objects) from the moment the migration commits.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      RenameStmt(node: PgNode) {
        const v = node.value;
        if (node.parent || v.renameType !== "OBJECT_SCHEMA" || typeof v.subname !== "string" || typeof v.newname !== "string") return;
        // A schema created earlier in this file is not in use yet.
        if (sourceCode.migration.isNewSchema(v.subname, node.statement.index)) return;
        const [from, to] = [quoteIdent(v.subname), quoteIdent(v.newname)];
        context.report({
          loc: sourceCode.locOf(node.range),
          messageId: "renamingSchema",
          data: { schema: v.subname, newName: v.newname },
          help: [
            `Move the tables instead, and leave a view under the old name for each until no running code uses it:`,
            `  CREATE SCHEMA IF NOT EXISTS ${to};`,
            `  -- prints one ALTER TABLE ... SET SCHEMA (a brief ACCESS EXCLUSIVE lock) and one view per table:`,
            `  SELECT format('ALTER TABLE %1$I.%2$I SET SCHEMA %3$I; CREATE VIEW %1$I.%2$I AS SELECT * FROM %3$I.%2$I;', schemaname, tablename, ${literal(v.newname)}) FROM pg_tables WHERE schemaname = ${literal(v.subname)};`,
            `Simple views stay insertable and updatable. Deploy code that uses ${to}; then, in a later migration, drop the views and DROP SCHEMA ${from};`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"renamingSchema">;
