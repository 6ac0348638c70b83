import { formatDuration } from "../src/analysis/settings.js";
import { describeLocks, lockedTables, maxOptionMs, setTimeoutSql, statementSnippet, timeoutLine, timeoutProblems, whereToSetTimeout } from "../src/analysis/timeouts.js";
import type { StatementFacts } from "../src/analysis/context.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { ParsedStatement } from "../src/parser/parse.js";
import type { PgRuleDefinition, PgSourceCode } from "../src/types.js";

type Options = [{ max?: string | number }?];

const DEFAULT_MAX = "10s";

/**
 * A statement that waits for a lock blocking reads or writes queues every later conflicting query
 * behind it for as long as it waits; lock_timeout bounds that wait.
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 *
 * The suggestion (never a fix: the value, and what happens when the migration times out, are the
 * author's to choose; a session SET also outlives the file on runners that share one connection)
 * inserts the SET where the help says: at the top, right after the statement's BEGIN, or before
 * the DO block / function call that runs it. It is offered only when nothing between that point
 * and the statement touches lock_timeout (a later SET or RESET would undo it).
 */
const SUGGESTED = "2s";
const TOUCHES_TIMEOUT = /\block_timeout\b|\bRESET\s+ALL\b|\bDISCARD\b/i;

/** Where the SET goes for the statement, and the text to insert there. */
function setInsertion(sourceCode: PgSourceCode, statement: ParsedStatement, facts: StatementFacts): { at: number; text: string; from: number } | undefined {
  const { statements } = sourceCode.parsed;
  const set = setTimeoutSql(facts, "lock_timeout", SUGGESTED);
  const transaction = facts.transaction;
  if (transaction?.runBy !== undefined) {
    const runner = statements[transaction.runBy];
    return runner ? { at: runner.start, text: `${set}\n`, from: runner.index } : undefined;
  }
  if (transaction?.kind === "explicit" && transaction.begin !== undefined) {
    const begin = statements[transaction.begin];
    // Inserted before BEGIN's own semicolon: `BEGIN;\nSET LOCAL ...;`.
    return begin ? { at: begin.end, text: `;\n${set.slice(0, -1)}`, from: begin.index } : undefined;
  }
  const first = statements.find((s) => !s.hiddenIn);
  return first && first.index <= statement.index ? { at: first.start, text: `${set}\n`, from: first.index } : undefined;
}

export default {
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Require a short lock_timeout before statements that take locks blocking reads or writes",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("require-lock-timeout"),
      category: "locking",
    },
    messages: {
      setLockTimeout: "Set lock_timeout = '2s' {{where}}.",
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
        // touching[i]: how many statements before statement i mention lock_timeout (or reset it).
        let touching: number[] | undefined;
        const touchedBetween = (from: number, to: number): boolean => {
          if (!touching) {
            touching = [0];
            for (const s of sourceCode.parsed.statements) touching.push(touching[touching.length - 1]! + (TOUCHES_TIMEOUT.test(s.text) ? 1 : 0));
          }
          return touching[to]! - touching[from]! > 0;
        };
        for (const { statement, facts, locks, timeout, kind } of timeoutProblems(sourceCode, "lock_timeout", maxMs)) {
          const data = { locks: describeLocks(locks), tables: lockedTables(locks) };
          const set = setTimeoutSql(facts, "lock_timeout", "2s");
          if (kind === "missing") {
            const insert = timeout.source === "default" ? setInsertion(sourceCode, statement, facts) : undefined;
            const touched = insert && insert.from < statement.index && touchedBetween(insert.from, statement.index);
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
              ...(insert && !touched
                ? { suggest: [{ messageId: "setLockTimeout" as const, data: { where: whereToSetTimeout(facts) }, fix: (fixer) => fixer.insertTextBeforeRange([insert.at, insert.at], insert.text) }] }
                : {}),
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
} satisfies PgRuleDefinition<"missingLockTimeout" | "lockTimeoutTooLong" | "setLockTimeout", Options>;
