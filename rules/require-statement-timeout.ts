import { formatDuration } from "../src/analysis/settings.js";
import { describeLocks, lockedTables, maxOptionMs, setTimeoutSql, statementSnippet, timeoutLine, timeoutProblems, whereToSetTimeout } from "../src/analysis/timeouts.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

type Options = [{ max?: string | number }?];

/** Suggested in the help when the rule has no `max`: long enough for most statements, short enough to bound an outage. */
const SUGGESTED = "5min";

/**
 * A statement holding a lock that blocks reads or writes keeps every conflicting query waiting for
 * as long as it waits for the lock and then runs (a scan or rewrite of a large table can take
 * hours); statement_timeout cancels it, and rolls it back, after a fixed time, counting both.
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Require a statement_timeout before statements that take locks blocking reads or writes",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("require-statement-timeout"),
      category: "locking",
    },
    messages: {
      missingStatementTimeout:
        "No statement_timeout is in force for this statement, which takes {{locks}}. Nothing limits how long it waits for that lock and then runs while holding it: conflicting queries on {{tables}} wait for all of it.",
      statementTimeoutTooLong:
        "statement_timeout is {{timeout}} here (set on line {{line}}), longer than the {{max}} allowed. This statement takes {{locks}}: conflicting queries on {{tables}} can wait for up to {{timeout}}.",
    },
    schema: [
      {
        type: "object",
        properties: {
          max: { type: ["string", "number"], description: "Longest acceptable statement_timeout, e.g. \"5min\" or 300000 (ms). No limit when absent." },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{}],
  },
  create(context) {
    const { sourceCode } = context;
    const max = context.options[0]?.max;
    const maxMs = max === undefined ? undefined : maxOptionMs("require-statement-timeout", max);
    const value = maxMs === undefined ? SUGGESTED : formatDuration(maxMs);
    return {
      Migration() {
        for (const { statement, facts, locks, timeout, kind } of timeoutProblems(sourceCode, "statement_timeout", maxMs)) {
          const data = { locks: describeLocks(locks), tables: lockedTables(locks) };
          const set = setTimeoutSql(facts, "statement_timeout", value);
          if (kind === "missing") {
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "missingStatementTimeout",
              data,
              help: [
                `Set a statement_timeout ${whereToSetTimeout(facts)}, long enough for the statement to finish on your largest table, so that a statement that runs longer is cancelled and rolled back instead of blocking traffic:`,
                `  ${set}`,
                `  ${statementSnippet(statement)}`,
                "Pair it with a short lock_timeout (require-lock-timeout): the statement_timeout also counts the wait for the lock.",
              ].join("\n"),
            });
          } else {
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "statementTimeoutTooLong",
              data: { ...data, timeout: formatDuration(timeout.ms), max: value, line: timeoutLine(sourceCode, timeout) },
              help: [
                `Lower the statement_timeout to at most ${value}; if the statement needs longer on this table, it needs a plan that does not hold the lock that long:`,
                `  ${set}`,
                `  ${statementSnippet(statement)}`,
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"missingStatementTimeout" | "statementTimeoutTooLong", Options>;
