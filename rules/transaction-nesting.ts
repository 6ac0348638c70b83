import { ruleDocsUrl } from "../src/meta.js";
import type { ParsedStatement } from "../src/parser/parse.js";
import type { PgRuleDefinition, PgSourceCode } from "../src/types.js";

/** The statement's leading keywords as written: `BEGIN`, `START TRANSACTION`, `COMMIT`, `END`, ... */
function keywordOf(sourceCode: PgSourceCode, statement: ParsedStatement): string {
  const words = sourceCode.tokensOf(statement).filter((t) => t.kind === "word").map((t) => t.upper);
  return words[0] === "START" || words[0] === "PREPARE" ? `${words[0]} ${words[1] ?? "TRANSACTION"}` : (words[0] ?? "BEGIN");
}

/**
 * Postgres has no nested transactions: BEGIN inside a transaction block only raises a WARNING
 * ("there is already a transaction in progress"), and the first COMMIT ends the whole block.
 * https://www.postgresql.org/docs/current/sql-begin.html
 * https://www.postgresql.org/docs/current/sql-savepoint.html (the nested scope Postgres does have)
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow BEGIN inside a transaction, and COMMIT or ROLLBACK of the transaction the migration tool manages",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("transaction-nesting"),
      category: "transactions",
    },
    messages: {
      nestedBegin:
        "{{keyword}} inside a transaction that is already open ({{outer}}): PostgreSQL ignores it with only a warning, and the next COMMIT ends the outer transaction, so the statements after that COMMIT run outside any transaction.",
      endsManagedTransaction:
        "{{keyword}} ends the transaction the migration tool runs this file in: the statements before it are {{outcome}} at once, the statements after it run outside any transaction (each on its own, no rollback if one fails), and the tool's own COMMIT finds no transaction.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const lineOf = (index: number): number => sourceCode.source.positionAt(sourceCode.parsed.statements[index]!.start).line;
    return {
      Migration() {
        for (const statement of sourceCode.parsed.statements) {
          if (statement.type !== "TransactionStmt") continue;
          const { transaction } = sourceCode.factsOf(statement);
          if (!transaction) continue;
          const kind = statement.node.kind;
          const keyword = keywordOf(sourceCode, statement);
          const loc = sourceCode.locOf([statement.start, statement.end]);
          if ((kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") && transaction.begin !== statement.index) {
            const assumed = transaction.kind === "assumed";
            context.report({
              loc,
              messageId: "nestedBegin",
              data: {
                keyword,
                outer: assumed
                  ? "the migration tool runs this file in a transaction"
                  : `opened by ${keywordOf(sourceCode, sourceCode.parsed.statements[transaction.begin!]!)} on line ${lineOf(transaction.begin!)}`,
              },
              help: assumed
                ? [
                    `Remove this ${keyword} and its COMMIT: the migration tool already runs the file in one transaction.`,
                    "For a part that may fail on its own, use a savepoint instead:",
                    "  SAVEPOINT step;  ...  RELEASE SAVEPOINT step;  -- or ROLLBACK TO SAVEPOINT step;",
                  ].join("\n")
                : [
                    `Remove this ${keyword} (and the COMMIT meant to close it): the statements already run in the transaction opened on line ${lineOf(transaction.begin!)}.`,
                    "For a part that may fail on its own, use a savepoint instead:",
                    "  SAVEPOINT step;  ...  RELEASE SAVEPOINT step;  -- or ROLLBACK TO SAVEPOINT step;",
                  ].join("\n"),
            });
          } else if (transaction.kind === "assumed" && transaction.end === statement.index) {
            context.report({
              loc,
              messageId: "endsManagedTransaction",
              data: { keyword, outcome: transaction.outcome === "rollback" ? "rolled back" : "committed" },
              help: [
                `Remove this ${keyword}: the migration tool commits (or rolls back) the file's transaction itself.`,
                "Statements that must run outside a transaction (CREATE INDEX CONCURRENTLY, ...) belong in their own migration, marked as non-transactional for your tool",
                "(for example `-- +goose NO TRANSACTION`, `-- migrate:up transaction:false`, Flyway `executeInTransaction=false`).",
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"nestedBegin" | "endsManagedTransaction">;
