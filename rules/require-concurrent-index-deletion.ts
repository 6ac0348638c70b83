import { indexCreatedInFile } from "../src/analysis/indexes.js";
import { LOCK_MODEL } from "../src/analysis/locks.js";
import { relationFromNameList, type RelationRef } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DROP INDEX takes ACCESS EXCLUSIVE on the index's table (checked in the lock model, "drop-index"):
 * it queues behind every running query on the table and every query queues behind it.
 * DROP INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, but cannot run in a transaction, drop
 * several indexes at once, or CASCADE.
 * https://www.postgresql.org/docs/current/sql-dropindex.html
 *
 * Skipped: indexes of tables created earlier in the file (nobody else uses them). An index created
 * earlier in the file on an existing table is still reported: the lock is on the table. The table of
 * an index is known when the file, or an earlier file of the run (the known schema), created it.
 */
const LOCK = LOCK_MODEL["drop-index"].mode;

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Require CONCURRENTLY when dropping an index of an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("require-concurrent-index-deletion"),
      category: "locking",
      lock: LOCK,
    },
    fixable: "code",
    messages: {
      missingConcurrently:
        "Dropping {{indexes}} takes an {{lock}} lock on {{table}}: the drop waits for every running query on it, and all reads and writes wait behind the drop until it commits.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { schema } = sourceCode.migration.options;
    return {
      DropStmt(node: PgNode) {
        const stmt = node.value;
        if (node.parent || stmt.removeType !== "OBJECT_INDEX" || stmt.concurrent) return;
        const at = node.statement.index;
        const indexes = ((stmt.objects as unknown[] | undefined) ?? []).map(relationFromNameList).filter((r): r is RelationRef => !!r);
        const flagged = indexes
          .map((index) => ({ index, table: (indexCreatedInFile(sourceCode.parsed, index, at) ?? schema?.index(index))?.table }))
          .filter(({ table }) => !table || !sourceCode.migration.isNewTable(table, at));
        if (flagged.length === 0) return;

        const tables = [...new Set(flagged.map((f) => f.table?.label))];
        const table = tables.every((t) => t !== undefined) ? tables.map((t) => `"${t}"`).join(" and ") : flagged.length > 1 ? "their tables" : "its table";
        const cascade = stmt.behavior === "DROP_CASCADE";
        const keyword = sourceCode.keywordRange(node.statement, ["INDEX"]);
        const range: [number, number] = keyword ? [node.statement.start, keyword[1]] : node.range;
        const inTransaction = sourceCode.factsOf(node).transaction !== undefined;
        context.report({
          loc: sourceCode.locOf(range),
          messageId: "missingConcurrently",
          data: { indexes: `${flagged.length > 1 ? "indexes" : "index"} ${flagged.map((f) => `"${f.index.label}"`).join(", ")}`, table, lock: LOCK },
          help: [
            `Drop ${flagged.length > 1 ? "each index" : "it"} without blocking reads and writes, outside a transaction (in its own migration if your tool wraps files in one), one index per statement:`,
            ...flagged.map((f) => `  DROP INDEX CONCURRENTLY IF EXISTS ${f.index.sql};`),
            ...(cascade ? ["DROP INDEX CONCURRENTLY does not support CASCADE: drop the objects that depend on the index first."] : []),
          ].join("\n"),
          // Only fixed where the result can run: outside any transaction block (explicit, the tool's,
          // an implicit multi-statement one, a DO block), one index, no CASCADE.
          ...(keyword && !inTransaction && !node.statement.hiddenIn && indexes.length === 1 && !cascade
            ? { fix: (fixer) => fixer.insertTextAfterRange(keyword, " CONCURRENTLY") }
            : {}),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"missingConcurrently">;
