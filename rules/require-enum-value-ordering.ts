import { relationFromNameList } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * An enum's values sort in the order they were declared, and `ALTER TYPE ... ADD VALUE` without
 * BEFORE or AFTER puts the new value after all of them. That order is what `ORDER BY`, `<`, `>`,
 * `min()`, `max()` and range checks on the column use.
 * https://www.postgresql.org/docs/current/sql-altertype.html
 * https://www.postgresql.org/docs/current/datatype-enum.html#DATATYPE-ENUM-ORDERING
 */

const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export default {
  meta: {
    type: "suggestion",
    hasSuggestions: true,
    docs: {
      description: "Require BEFORE or AFTER when adding a value to an enum type",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("require-enum-value-ordering"),
      category: "design",
    },
    messages: {
      missingPosition:
        "Value '{{value}}' is added to enum \"{{type}}\" without BEFORE or AFTER, so it sorts after every existing value{{last}}: ORDER BY, <, >, min() and max() on columns of this type use that order.",
      appendExplicitly: "Add it explicitly after the last value '{{neighbor}}'.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    // Values of enum types whose full list is known from this file, by type key.
    const known = new Map<string, string[]>();
    const strings = (list: unknown): string[] =>
      ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((s) => s.String?.sval ?? "");
    return {
      CreateEnumStmt(node: PgNode) {
        const type = relationFromNameList(node.value.typeName);
        if (type && !node.parent) known.set(type.key, strings(node.value.vals));
      },
      AlterEnumStmt(node: PgNode) {
        const v = node.value;
        const type = relationFromNameList(v.typeName);
        if (node.parent || !type || typeof v.newVal !== "string") return;
        const values = known.get(type.key);
        if (typeof v.oldVal === "string") {
          // RENAME VALUE keeps the position.
          if (values?.includes(v.oldVal)) values[values.indexOf(v.oldVal)] = v.newVal;
          return;
        }
        if (typeof v.newValNeighbor === "string") {
          if (values && !values.includes(v.newVal)) {
            const at = values.indexOf(v.newValNeighbor);
            if (at >= 0) values.splice(v.newValIsAfter ? at + 1 : at, 0, v.newVal);
          }
          return;
        }
        // Nothing to order against, or IF NOT EXISTS of a value that is already there.
        if (values?.length === 0 || (values?.includes(v.newVal) && v.skipIfNewValExists)) return;
        const last = values?.at(-1);
        const keyword = sourceCode.keywordRange(node.statement, ["ADD", "VALUE"]);
        const range: [number, number] = keyword ? [keyword[0], node.statement.end] : [node.statement.start, node.statement.end];
        const statementSql = sourceCode.text.slice(node.statement.start, node.statement.end);
        context.report({
          loc: sourceCode.locOf(range),
          messageId: "missingPosition",
          data: { value: v.newVal, type: type.label, last: last === undefined ? "" : ` (after '${last}')` },
          help: values
            ? [
                `The current order is ${values.map(sqlString).join(", ")}. Say where the new value belongs:`,
                `  ${statementSql} BEFORE ${sqlString(values[0]!)};`,
                "or, if it belongs at the end, say so:",
                `  ${statementSql} AFTER ${sqlString(last!)};`,
              ].join("\n")
            : [
                `Look up the current order with SELECT enum_range(NULL::${type.sql}); and say where the new value belongs:`,
                `  ${statementSql} BEFORE 'existing_value';`,
                "or, if it belongs at the end, name the last value:",
                `  ${statementSql} AFTER 'last_value';`,
              ].join("\n"),
          ...(last !== undefined
            ? {
                suggest: [
                  {
                    messageId: "appendExplicitly" as const,
                    data: { neighbor: last },
                    fix: (fixer) => fixer.insertTextAfterRange([node.statement.start, node.statement.end], ` AFTER ${sqlString(last)}`),
                  },
                ],
              }
            : {}),
        });
        if (values && !values.includes(v.newVal)) values.push(v.newVal);
      },
    };
  },
} satisfies PgRuleDefinition<"missingPosition" | "appendExplicitly">;
