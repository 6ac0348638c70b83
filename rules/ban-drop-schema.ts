import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DROP SCHEMA removes the schema for every session at once; with CASCADE it also drops every
 * object in it (tables with their data, views, functions, sequences, types) and every object
 * elsewhere that depends on them, taking ACCESS EXCLUSIVE on each dropped table.
 * https://www.postgresql.org/docs/current/sql-dropschema.html
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow dropping a schema",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-drop-schema"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      dropSchema:
        'Dropping schema {{schemas}} breaks running code that still names it (queries, search_path, functions); the statement fails unless the schema is already empty.',
      dropSchemaCascade:
        'DROP SCHEMA {{schemas}} CASCADE deletes every table in it with all its data, every view, function, sequence and type in it, and every object elsewhere that depends on them, taking ACCESS EXCLUSIVE locks that block reads and writes of each table until the transaction ends; running code that uses any of them fails, and the data is gone.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      DropStmt(node: PgNode) {
        const v = node.value;
        if (node.parent || v.removeType !== "OBJECT_SCHEMA") return;
        const names = ((v.objects as unknown[] | undefined) ?? [])
          .map((o) => (o as { String?: { sval?: string } }).String?.sval)
          .filter((n): n is string => n !== undefined && !sourceCode.migration.isNewSchema(n, node.statement.index));
        if (names.length === 0) return;
        const cascade = v.behavior === "DROP_CASCADE";
        const list = names.map((n) => `"${n}"`).join(", ");
        const sql = names.map(quoteIdent).join(", ");
        context.report({
          loc: sourceCode.locOf(node.range),
          messageId: cascade ? "dropSchemaCascade" : "dropSchema",
          data: { schemas: list },
          help: [
            "Contract in steps, each in its own deploy:",
            `  1. deploy code that no longer uses ${list}, and back up its data: pg_dump ${names.map((n) => `--schema='${quoteIdent(n)}'`).join(" ")} ...`,
            `  2. drop its tables one by one, so each DROP TABLE is reviewed on its own;`,
            `  3. drop the empty schema without CASCADE, so it fails if anything is left: DROP SCHEMA ${sql};`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"dropSchema" | "dropSchemaCascade">;
