import { preferBigintVisitor } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * smallint holds up to 32,767; widening a column later (ALTER COLUMN ... TYPE bigint) rewrites
 * the table and its indexes under ACCESS EXCLUSIVE.
 * https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT
 */
export default {
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description: "Prefer bigint over smallint for columns",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("prefer-bigint-over-smallint"),
      category: "design",
    },
    messages: {
      preferBigint:
        'Column "{{column}}" of "{{table}}" is {{type}}: use {{better}}. A 2-byte smallint overflows at 32,767, and widening the column later rewrites "{{table}}" and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes.',
      useBigint: 'Declare "{{column}}" as {{better}}.',
    },
    schema: [],
  },
  create: (context) => preferBigintVisitor(context, 2, "8 bytes instead of 2; the difference is often lost to alignment padding anyway"),
} satisfies PgRuleDefinition<"preferBigint" | "useBigint">;
