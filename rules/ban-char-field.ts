import { quoteIdent } from "../src/analysis/names.js";
import { blankPaddedLength, declarationSql, declaredColumnTypes, isArrayType } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * character(n) pads values with spaces to n characters, ignores trailing spaces when comparing and
 * drops them when converted to text; it is not faster than text or varchar. `"char"` (quoted) is a different, one-byte internal type.
 * https://www.postgresql.org/docs/current/datatype-character.html
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Disallow char(n) and character(n) columns",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("ban-char-field"),
      category: "design",
    },
    messages: {
      banChar:
        'Column "{{column}}" of "{{table}}" is {{type}}: use {{better}}. character(n) pads every value with spaces to its length and sends them to clients, yet ignores them in comparisons and drops them when the value is converted to text; it is no faster than text.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const check = (node: PgNode): void => {
      if (node.parent) return;
      for (const col of declaredColumnTypes(sourceCode, node.statement)) {
        const length = blankPaddedLength(col.typeName);
        if (length === undefined) continue;
        const array = isArrayType(col.typeName);
        const better = array ? "text[]" : "text";
        // A CHECK cannot be declared in ALTER COLUMN ... TYPE.
        const limit = length > 0 && !array && col.clause !== "alter-type" ? ` CHECK (char_length(${quoteIdent(col.column)}) <= ${length})` : "";
        context.report({
          loc: sourceCode.locOf(col.span.range),
          messageId: "banChar",
          data: { column: col.column, table: col.table.label, type: col.written, better },
          help: [
            limit ? "Declare the column as text, with the length limit as a CHECK constraint if you need one:" : "Declare the column as text:",
            `  ${declarationSql(col, `${better}${limit}`)}`,
          ].join("\n"),
        });
      }
    };
    return { CreateStmt: check, CreateSchemaStmt: check, AlterTableStmt: check };
  },
} satisfies PgRuleDefinition<"banChar">;
