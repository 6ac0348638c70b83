import type { IndexStmt } from "libpg-query";
import { indexNameOf } from "../src/analysis/constraints.js";
import { quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * CREATE INDEX takes a SHARE lock on the table: writes wait for the whole build.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 *
 * The fix inserts CONCURRENTLY only where the statement runs on its own: CREATE INDEX CONCURRENTLY
 * fails inside a transaction block (explicit BEGIN, the tool's transaction, the implicit block of a
 * multi-statement query, a DO block), and cannot build an index of a whole partitioned table
 * (`ON ONLY` is for those).
 */
export default {
  meta: {
    type: "problem",
    fixable: "code",
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
        // An unnamed index gets the name Postgres generates; the help names it so it can be dropped.
        const name = stmt.idxname ?? indexNameOf(sourceCode.parsed, node.statement);
        const index = name ? `"${name}"${stmt.idxname ? "" : " (the name Postgres generates)"}` : "(unnamed)";
        const keyword = sourceCode.keywordRange(node.statement, ["INDEX"]);
        const range: [number, number] = keyword ? [node.statement.start, keyword[1]] : node.range;
        const target = sourceCode
          .getText(node)
          .replace(/^[\s\S]*?\bON\b\s+/i, "")
          .replace(/\s+/g, " ");
        const inTransaction = sourceCode.factsOf(node.statement).transaction !== undefined;
        const fixable = !inTransaction && !node.statement.hiddenIn && stmt.relation?.inh === true && keyword !== undefined;
        context.report({
          loc: sourceCode.locOf(range),
          messageId: "missingConcurrently",
          data: { index, table: table.label },
          help: [
            inTransaction
              ? "Build the index without blocking writes. CONCURRENTLY cannot run inside a transaction: move it to its own migration that runs outside one:"
              : "Build the index without blocking writes (CONCURRENTLY must run outside a transaction):",
            `  CREATE ${stmt.unique ? "UNIQUE " : ""}INDEX CONCURRENTLY IF NOT EXISTS ${name ? `${quoteIdent(name)} ` : ""}ON ${target};`,
            `If the build fails it leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY${name ? ` ${quoteIdent(name)}` : ""} and retry.`,
          ].join("\n"),
          ...(fixable ? { fix: (fixer) => fixer.insertTextAfterRange(keyword, " CONCURRENTLY") } : {}),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"missingConcurrently">;
