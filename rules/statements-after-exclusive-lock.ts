import { ruleDocsUrl } from "../src/meta.js";
import type { ParsedStatement } from "../src/parser/parse.js";
import type { PgRuleDefinition } from "../src/types.js";

/** Statements that only change or show settings: they take no time and no locks (SAVEPOINT & co. are skipped too). */
const HARMLESS = new Set(["VariableSetStmt", "VariableShowStmt"]);

interface Held {
  label: string;
  line: number;
  statement: ParsedStatement;
}

function snippet(statement: ParsedStatement): string {
  const first = statement.text.split(/\r\n|\r|\n/)[0]!;
  return first.length < statement.text.length || first.length > 100 ? `${first.slice(0, 100)} ...` : `${first};`;
}

/**
 * An ACCESS EXCLUSIVE lock is held until the transaction ends, so every statement after the one
 * that took it extends the time during which nobody can read or write the table.
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 * ("Once acquired, a lock is normally held until the end of the transaction.")
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Report statements that run after an ACCESS EXCLUSIVE lock on an existing table was taken in the same transaction",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("statements-after-exclusive-lock"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      statementAfterLock:
        "This statement runs while its transaction still holds {{locks}}: every read and write of {{tables}} waits until the transaction ends, including for as long as this statement takes.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      Migration() {
        for (const transaction of sourceCode.migration.transactions) {
          const held = new Map<string, Held>();
          for (const index of transaction.statements) {
            const facts = sourceCode.migration.facts(index);
            const statement = facts.statement;
            if (statement.type === "TransactionStmt") {
              // COMMIT / ROLLBACK AND CHAIN end the transaction and release its locks.
              if (statement.node.chain) held.clear();
              continue;
            }
            if (held.size > 0 && !HARMLESS.has(statement.type)) {
              const list = [...held.values()];
              const first = list[0]!;
              const locks =
                list.length === 1
                  ? `the ACCESS EXCLUSIVE lock on ${first.label} taken on line ${first.line}`
                  : `ACCESS EXCLUSIVE locks on ${list.map((h) => `${h.label} (line ${h.line})`).join(", ")}`;
              const split =
                transaction.kind === "explicit"
                  ? ["  COMMIT;", "  BEGIN;  -- a new transaction, if the rest needs one"]
                  : transaction.runBy !== undefined
                    ? ["  COMMIT;  -- inside the DO block or procedure (PostgreSQL 11+), or end it here and run the rest as a separate statement"]
                    : ["  -- end of this migration file; the rest goes into the next migration"];
              context.report({
                loc: sourceCode.locOf([statement.start, statement.end]),
                messageId: "statementAfterLock",
                data: { locks, tables: [...new Set(list.map((h) => h.label))].join(" and ") },
                help: [
                  "Keep the statement that takes the ACCESS EXCLUSIVE lock last in its transaction, so that the lock is released as soon as it is done, and run the rest in a separate transaction:",
                  `  ${snippet(first.statement)}`,
                  ...split,
                  `  ${snippet(statement)}`,
                ].join("\n"),
              });
            }
            const line = sourceCode.source.positionAt(statement.start).line;
            for (const lock of facts.locks) {
              if (lock.mode !== "ACCESS EXCLUSIVE" || held.has(lock.relation.key)) continue;
              const label = lock.kind === "index" ? `the table of index "${lock.relation.label}"` : `"${lock.relation.label}"`;
              held.set(lock.relation.key, { label, line, statement });
            }
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"statementAfterLock">;
