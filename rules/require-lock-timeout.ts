import { formatDuration } from "../src/analysis/settings.js";
import { describeLocks, lockedTables, maxOptionMs, setTimeoutSql, statementSnippet, timeoutLine, timeoutProblems, whereToSetTimeout } from "../src/analysis/timeouts.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

type Options = [{ max?: string | number }?];

const DEFAULT_MAX = "10s";

/**
 * A statement that waits for a lock blocking reads or writes queues every later conflicting query
 * behind it for as long as it waits; lock_timeout bounds that wait.
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Require a short lock_timeout before statements that take locks blocking reads or writes",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("require-lock-timeout"),
      category: "locking",
    },
    messages: {
      missingLockTimeout:
        "No lock_timeout is in force for this statement, which takes {{locks}}. While it waits for the lock behind a running transaction, every conflicting query on {{tables}} queues behind it, for as long as that transaction runs.",
      lockTimeoutTooLong:
        "lock_timeout is {{timeout}} here (set on line {{line}}), longer than the {{max}} allowed. This statement takes {{locks}}: conflicting queries on {{tables}} can queue behind it for up to {{timeout}}.",
    },
    schema: [
      {
        type: "object",
        properties: { max: { type: ["string", "number"], description: "Longest acceptable lock_timeout, e.g. \"10s\" or 10000 (ms)." } },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ max: DEFAULT_MAX }],
  },
  create(context) {
    const { sourceCode } = context;
    const maxMs = maxOptionMs("require-lock-timeout", context.options[0]?.max ?? DEFAULT_MAX);
    return {
      Migration() {
        for (const { statement, facts, locks, timeout, kind } of timeoutProblems(sourceCode, "lock_timeout", maxMs)) {
          const data = { locks: describeLocks(locks), tables: lockedTables(locks) };
          const set = setTimeoutSql(facts, "lock_timeout", "2s");
          if (kind === "missing") {
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "missingLockTimeout",
              data,
              help: [
                `Set a short lock_timeout ${whereToSetTimeout(facts)}, so that the statement gives up instead of stalling traffic:`,
                `  ${set}`,
                `  ${statementSnippet(statement)}`,
                'When it fails with "canceling statement due to lock timeout", retry the migration (with a pause), ideally when traffic is low.',
              ].join("\n"),
            });
          } else {
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "lockTimeoutTooLong",
              data: { ...data, timeout: formatDuration(timeout.ms), max: formatDuration(maxMs), line: timeoutLine(sourceCode, timeout) },
              help: [
                `Lower the lock_timeout to at most ${formatDuration(maxMs)} and retry on timeout instead of waiting:`,
                `  ${set}`,
                `  ${statementSnippet(statement)}`,
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"missingLockTimeout" | "lockTimeoutTooLong", Options>;
