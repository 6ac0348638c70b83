import { retypeColumn } from "../src/analysis/fix-safety.js";
import { declarationSql, declaredColumnTypes, isArrayType, isJson } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * json keeps the input text and re-parses it on every access; it has no equality operator, so no
 * DISTINCT, GROUP BY, UNIQUE or btree index, and no GIN operator class. jsonb has all of them.
 * https://www.postgresql.org/docs/current/datatype-json.html
 */
export default {
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description: "Prefer jsonb over json for columns",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("prefer-jsonb"),
      category: "design",
    },
    messages: {
      preferJsonb:
        'Column "{{column}}" of "{{table}}" is {{type}}: use {{better}}. json stores the raw text and re-parses it on every access, and has no equality operator (no DISTINCT, GROUP BY, UNIQUE or btree index) and no GIN index support.',
      useJsonb: 'Declare "{{column}}" as {{better}}.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const check = (node: PgNode): void => {
      if (node.parent) return;
      for (const col of declaredColumnTypes(sourceCode, node.statement)) {
        if (!isJson(col.typeName)) continue;
        const better = isArrayType(col.typeName) ? "jsonb[]" : "jsonb";
        const data = { column: col.column, table: col.table.label, type: col.written, better };
        context.report({
          loc: sourceCode.locOf(col.span.range),
          messageId: "preferJsonb",
          data,
          help: [
            `Declare the column as ${better}:`,
            `  ${declarationSql(col, better)}`,
            "Keep json only if you need the exact input text back (key order, duplicate keys, whitespace).",
          ].join("\n"),
          // A table the file creates: fixed when nothing else in the file depends on the type.
          ...(col.newTable && col.clause !== "alter-type" ? retypeColumn(sourceCode, node.statement, col, "jsonb", { messageId: "useJsonb", data }) : {}),
        });
      }
    };
    return { CreateStmt: check, CreateSchemaStmt: check, AlterTableStmt: check };
  },
} satisfies PgRuleDefinition<"preferJsonb" | "useJsonb">;
