import { blocksTraffic, type StatementFacts } from "../src/analysis/context.js";
import { blocksReads, lockRank, type LockEffect, type LockMode } from "../src/analysis/locks.js";
import { formatDuration, parseDurationMs } from "../src/analysis/settings.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { ParsedStatement } from "../src/parser/parse.js";
import type { PgRuleDefinition, PgSourceCode } from "../src/types.js";

type Options = [{ max?: string | number }?];

const DEFAULT_MAX = "10s";

/** `the ACCESS EXCLUSIVE lock on "users" (blocks reads and writes)`, grouped by mode, strongest first. */
function describeLocks(locks: LockEffect[]): string {
  const byMode = new Map<LockMode, string[]>();
  for (const l of [...locks].sort((a, b) => lockRank(b.mode) - lockRank(a.mode))) {
    const name = l.kind === "index" ? `the table of index "${l.relation.label}"` : `"${l.relation.label}"`;
    byMode.set(l.mode, [...(byMode.get(l.mode) ?? []), name]);
  }
  return [...byMode]
    .map(([mode, names]) => `${/^[AEIOU]/.test(mode) ? "an" : "a"} ${mode} lock on ${names.join(" and ")} (${blocksReads(mode) ? "blocks reads and writes" : "blocks writes"})`)
    .join(", and ");
}

function statementSnippet(statement: ParsedStatement): string {
  const first = statement.text.split(/\r\n|\r|\n/)[0]!;
  return first.length < statement.text.length || first.length > 100 ? `${first.slice(0, 100)} ...` : `${first};`;
}

function lineOf(sourceCode: PgSourceCode, facts: StatementFacts): string {
  const source = facts.lockTimeout.source;
  return typeof source === "number" ? String(sourceCode.source.positionAt(sourceCode.parsed.statements[source]!.start).line) : "?";
}

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
    const maxOption = context.options[0]?.max ?? DEFAULT_MAX;
    const maxMs = parseDurationMs(maxOption);
    if (maxMs === undefined) throw new Error(`require-lock-timeout: invalid "max" option ${JSON.stringify(maxOption)} (use e.g. "10s" or 10000)`);
    return {
      Migration() {
        for (const statement of sourceCode.parsed.statements) {
          const facts = sourceCode.factsOf(statement);
          const locks = facts.locks.filter(blocksTraffic);
          if (locks.length === 0) continue;
          const { ms, source } = facts.lockTimeout;
          // A runner-set timeout is trusted: pgsafe cannot see its value.
          if (source === "runner" || (ms > 0 && ms <= maxMs)) continue;
          const data = {
            locks: describeLocks(locks),
            tables: [...new Set(locks.map((l) => (l.kind === "index" ? "its table" : `"${l.relation.label}"`)))].join(" and "),
          };
          const local = facts.transaction !== undefined;
          const set = `SET ${local ? "LOCAL " : ""}lock_timeout = '2s';`;
          if (ms === 0) {
            const where =
              facts.transaction?.kind === "explicit"
                ? "right after BEGIN (SET LOCAL ends with the transaction)"
                : local
                  ? "as the first statement of the migration (SET LOCAL ends with the transaction)"
                  : "at the top of the migration";
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "missingLockTimeout",
              data,
              help: [
                `Set a short lock_timeout ${where}, so that the statement gives up instead of stalling traffic:`,
                `  ${set}`,
                `  ${statementSnippet(statement)}`,
                'When it fails with "canceling statement due to lock timeout", retry the migration (with a pause), ideally when traffic is low.',
              ].join("\n"),
            });
          } else {
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "lockTimeoutTooLong",
              data: { ...data, timeout: formatDuration(ms), max: formatDuration(maxMs), line: lineOf(sourceCode, facts) },
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
