import type { IndexStmt } from "libpg-query";
import { quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * CREATE INDEX takes a SHARE lock on the table: writes wait for the whole build.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Require CONCURRENTLY when creating an index on an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("require-concurrent-index-creation"),
      category: "locking",
      lock: "SHARE",
    },
    messages: {
      missingConcurrently:
        'Creating index {{index}} on "{{table}}" takes a SHARE lock that blocks writes to "{{table}}" (INSERT, UPDATE, DELETE) for the whole build.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      IndexStmt(node: PgNode<IndexStmt>) {
        const stmt = node.value;
        if (stmt.concurrent || node.parent) return;
        const table = relationFromRangeVar(stmt.relation as never);
        if (!table || sourceCode.migration.isNewTable(table, node.statement.index)) return;
        const index = stmt.idxname ? `"${stmt.idxname}"` : "(unnamed)";
        const keyword = sourceCode.keywordRange(node.statement, ["INDEX"]);
        const range: [number, number] = keyword ? [node.statement.start, keyword[1]] : node.range;
        const name = stmt.idxname ? `${quoteIdent(stmt.idxname)} ` : "";
        const columns = sourceCode.getText(node).replace(/^[\s\S]*?\bON\b\s+(?:ONLY\s+)?/i, "");
        context.report({
          loc: sourceCode.locOf(range),
          messageId: "missingConcurrently",
          data: { index, table: table.label },
          help: [
            "Build the index without blocking writes, outside a transaction (in its own migration if your tool wraps files in one):",
            `  CREATE ${stmt.unique ? "UNIQUE " : ""}INDEX CONCURRENTLY IF NOT EXISTS ${name}ON ${columns};`,
            `If the build fails it leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY${stmt.idxname ? ` ${quoteIdent(stmt.idxname)}` : ""} and retry.`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"missingConcurrently">;
