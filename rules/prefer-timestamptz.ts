import { retypeColumn } from "../src/analysis/fix-safety.js";
import { declarationSql, declaredColumnTypes, isArrayType, isTimestampWithoutTimeZone } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * timestamp (without time zone) stores a wall-clock reading with no zone: what instant it means
 * depends on whoever wrote it. timestamptz stores an instant (UTC) and converts on input and output.
 * https://www.postgresql.org/docs/current/datatype-datetime.html#DATATYPE-TIMEZONES
 */
export default {
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description: "Prefer timestamptz over timestamp without time zone for columns",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("prefer-timestamptz"),
      category: "design",
    },
    messages: {
      preferTimestamptz:
        'Column "{{column}}" of "{{table}}" is {{type}}: use {{better}}. A timestamp without time zone is a wall-clock reading with no zone: the same value means different instants for clients in different time zones, and elapsed-time arithmetic across daylight-saving changes can be off by an hour.',
      useTimestamptz: 'Declare "{{column}}" as {{better}}.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const check = (node: PgNode): void => {
      if (node.parent) return;
      for (const col of declaredColumnTypes(sourceCode, node.statement)) {
        if (!isTimestampWithoutTimeZone(col.typeName)) continue;
        const base = `timestamptz${col.span.modifiers ?? ""}`;
        const better = isArrayType(col.typeName) ? `${base}[]` : base;
        const data = { column: col.column, table: col.table.label, type: col.written, better };
        context.report({
          loc: sourceCode.locOf(col.span.range),
          messageId: "preferTimestamptz",
          data,
          help: [
            `Declare the column as ${better} (it takes the same 8 bytes):`,
            `  ${declarationSql(col, better)}`,
            "Values written without a zone are then read in the session's TimeZone: set it (e.g. SET TIME ZONE 'UTC') in clients that write local times.",
          ].join("\n"),
          // A table the file creates: fixed when nothing else in the file depends on the type.
          ...(col.newTable && col.clause !== "alter-type" ? retypeColumn(sourceCode, node.statement, col, base, { messageId: "useTimestamptz", data }) : {}),
        });
      }
    };
    return { CreateStmt: check, CreateSchemaStmt: check, AlterTableStmt: check };
  },
} satisfies PgRuleDefinition<"preferTimestamptz" | "useTimestamptz">;
