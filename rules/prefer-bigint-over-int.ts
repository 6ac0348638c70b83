import { preferBigintVisitor } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * integer holds up to 2,147,483,647; widening a column later (ALTER COLUMN ... TYPE bigint) rewrites
 * the table and its indexes under ACCESS EXCLUSIVE.
 * https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT
 */
export default {
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description: "Prefer bigint over integer for columns",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("prefer-bigint-over-int"),
      category: "design",
    },
    messages: {
      preferBigint:
        'Column "{{column}}" of "{{table}}" is {{type}}: use {{better}}. A 4-byte integer overflows at 2,147,483,647, and widening the column later rewrites "{{table}}" and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes.',
      useBigint: 'Declare "{{column}}" as {{better}}.',
    },
    schema: [],
  },
  create: (context) => preferBigintVisitor(context, 4, "8 bytes instead of 4"),
} satisfies PgRuleDefinition<"preferBigint" | "useBigint">;
