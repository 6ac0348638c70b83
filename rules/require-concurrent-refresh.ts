import type { RefreshMatViewStmt } from "libpg-query";
import { quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * REFRESH MATERIALIZED VIEW takes ACCESS EXCLUSIVE on the view: reads wait for the whole refresh.
 * With CONCURRENTLY it takes EXCLUSIVE, which lets reads continue; that needs a unique index on
 * the view and a populated view, and cannot be combined with WITH NO DATA.
 * https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Require CONCURRENTLY when refreshing a materialized view that is already in use",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("require-concurrent-refresh"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      missingConcurrently:
        'Refreshing materialized view "{{view}}" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock that blocks reads of "{{view}}" until its query has run again and the result is written.',
      withNoData:
        'REFRESH MATERIALIZED VIEW "{{view}}" WITH NO DATA takes an ACCESS EXCLUSIVE lock and empties "{{view}}": every query on it fails ("has not been populated") until it is refreshed again. This form cannot run CONCURRENTLY.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      RefreshMatViewStmt(node: PgNode<RefreshMatViewStmt>) {
        const stmt = node.value;
        if (node.parent || (stmt.concurrent && !stmt.skipData)) return;
        const view = relationFromRangeVar(stmt.relation as never);
        if (!view || sourceCode.migration.isNewTable(view, node.statement.index)) return;
        const data = { view: view.label };
        if (stmt.skipData) {
          const clause = sourceCode.keywordRange(node.statement, ["WITH", "NO", "DATA"]);
          context.report({
            loc: sourceCode.locOf(clause ?? node.range),
            messageId: "withNoData",
            data,
            help: [
              `Empty "${view.label}" only once no running code reads it (deploy that change first), or drop it then. To bring its data up to date instead, refresh it without blocking reads:`,
              `  REFRESH MATERIALIZED VIEW CONCURRENTLY ${view.sql};`,
            ].join("\n"),
          });
          return;
        }
        const keyword = sourceCode.keywordRange(node.statement, ["REFRESH", "MATERIALIZED", "VIEW"]);
        context.report({
          loc: sourceCode.locOf(keyword ?? node.range),
          messageId: "missingConcurrently",
          data,
          help: [
            "Refresh without blocking reads (this works inside a transaction too):",
            `  REFRESH MATERIALIZED VIEW CONCURRENTLY ${view.sql};`,
            `CONCURRENTLY needs "${view.label}" to be populated and to have a unique index on plain columns, without WHERE, that covers all rows. If it has none, create one first, without blocking:`,
            `  CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(`${view.name}_refresh_key`)} ON ${view.sql} (<columns that identify a row>);`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"missingConcurrently" | "withNoData">;
