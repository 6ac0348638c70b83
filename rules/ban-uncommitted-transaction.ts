import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * A transaction left open at the end of a migration is rolled back when the session ends (psql
 * -f at end of file), or stays "idle in transaction" holding its locks on a connection the
 * runner keeps open.
 * https://www.postgresql.org/docs/current/sql-begin.html
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-IDLE-IN-TRANSACTION-SESSION-TIMEOUT
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow a BEGIN without a COMMIT or ROLLBACK before the end of the migration",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-uncommitted-transaction"),
      category: "transactions",
    },
    messages: {
      uncommitted:
        "This {{keyword}} opens a transaction that nothing commits before the end of the migration: when the session ends its changes are silently rolled back, and while the connection stays open it sits idle in transaction, holding every lock it took.",
      addCommit: "Add COMMIT; after the last statement",
    },
    hasSuggestions: true,
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      "Migration:exit"() {
        // A transaction the migration tool opened is committed by the tool, whatever the file did.
        if (sourceCode.migration.options.assumeInTransaction) return;
        const text = sourceCode.text;
        for (const transaction of sourceCode.migration.transactions) {
          if (transaction.kind !== "explicit" || transaction.end !== undefined || transaction.begin === undefined) continue;
          const begin = sourceCode.parsed.statements[transaction.begin]!;
          const keyword = begin.text.trimStart().toUpperCase().startsWith("START") ? "START TRANSACTION" : "BEGIN";
          // After the last statement (or unparsable piece), and after its `;` when it has one.
          const lastEnd = Math.max(...sourceCode.parsed.statements.map((s) => s.end), ...sourceCode.parsed.errors.map((e) => e.statementEnd));
          const semicolon = /^\s*;/.exec(text.slice(lastEnd));
          const at = semicolon ? lastEnd + semicolon[0].length : lastEnd;
          const eol = text.includes("\r\n") ? "\r\n" : "\n";
          const last = text.slice(0, lastEnd).split(/\r\n|\r|\n/).pop()!.trim();
          context.report({
            loc: sourceCode.locOf([begin.start, begin.end]),
            messageId: "uncommitted",
            data: { keyword },
            help: [
              "End the transaction explicitly after its last statement (ROLLBACK instead if its changes must not stay):",
              `  ${last}${semicolon ? ";" : ""}`,
              "  COMMIT;",
              "If the migration tool runs each file in a transaction itself, remove the BEGIN instead.",
            ].join("\n"),
            suggest: [{ messageId: "addCommit", fix: (fixer) => fixer.insertTextAfterRange([at, at], `${semicolon ? "" : ";"}${eol}COMMIT;`) }],
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"uncommitted" | "addCommit">;
