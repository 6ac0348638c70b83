import { alterTableActions } from "../src/analysis/alter-table.js";
import { nameFor } from "../src/analysis/checks.js";
import { replayBefore } from "../src/analysis/columns.js";
import { quoteIdent } from "../src/analysis/names.js";
import { knownNotNullChecks } from "../src/analysis/schema.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ALTER COLUMN ... SET NOT NULL takes ACCESS EXCLUSIVE and scans the whole table for NULLs.
 * PG ≥ 12: the scan is skipped when a validated CHECK constraint proves the column has no NULLs.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow SET NOT NULL on a column of an existing table unless a validated CHECK (column IS NOT NULL) lets Postgres skip the scan",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-not-nullable-field"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      setNotNull:
        'Setting column "{{column}}" of "{{table}}" NOT NULL takes an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" while the whole table is scanned for NULLs.',
      checkNotUsed:
        'Setting column "{{column}}" of "{{table}}" NOT NULL takes an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" while the whole table is scanned: PostgreSQL {{version}} does not use the validated CHECK constraint "{{constraint}}" to skip the scan (PostgreSQL 12+ does).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    // Validated checks of earlier files of the run count too (the known schema).
    const checksBefore = replayBefore(knownNotNullChecks(sourceCode.migration), sourceCode.parsed.statements);
    return {
      AlterTableStmt(node: PgNode) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true });
        if (!alter) return;
        const { table } = alter;
        const checks = checksBefore(node.statement.index);
        alter.actions.forEach(({ cmd, range }) => {
          if (cmd.subtype !== "AT_SetNotNull" || typeof cmd.name !== "string") return;
          const column = cmd.name;
          const proof = checks.proofOf(table, column);
          // Already NOT NULL: a no-op. PG ≥ 12: a validated CHECK lets SET NOT NULL skip the scan.
          if (proof?.kind === "not-null" || (proof && pgVersion >= 12)) return;
          const col = quoteIdent(column);
          const check = quoteIdent(nameFor(table, column, "not_null_check"));
          const steps = [
            `  ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
            "  -- in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue during the scan):",
            `  ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};`,
          ];
          const help =
            pgVersion >= 12
              ? [
                  "Prove there are no NULLs without blocking traffic, then set NOT NULL without a scan:",
                  ...steps,
                  "  -- then (a brief ACCESS EXCLUSIVE lock, no scan):",
                  `  ALTER TABLE ${table.sql} ALTER COLUMN ${col} SET NOT NULL;`,
                  `  ALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`,
                  ...(pgVersion >= 18
                    ? [
                        "On PostgreSQL 18+ a NOT NULL constraint can itself be added NOT VALID and validated later, which makes the column NOT NULL:",
                        `  ALTER TABLE ${table.sql} ADD CONSTRAINT ${quoteIdent(nameFor(table, column, "not_null"))} NOT NULL ${col} NOT VALID;`,
                      ]
                    : []),
                ]
              : [
                  `PostgreSQL ${pgVersion} scans for SET NOT NULL even when a validated CHECK constraint proves there are no NULLs.`,
                  proof
                    ? `Keep the validated CHECK constraint ${quoteIdent(proof.constraint)} to enforce it instead of SET NOT NULL until you run PostgreSQL 12+.`
                    : "Enforce it with a CHECK constraint instead, validated without blocking traffic:",
                  ...(proof ? [] : steps),
                  "On PostgreSQL 12+, SET NOT NULL uses the validated check and skips the scan.",
                ];
          context.report({
            loc: sourceCode.locOf(range()),
            messageId: proof ? "checkNotUsed" : "setNotNull",
            data: { table: table.label, column, version: String(pgVersion), constraint: proof?.constraint ?? "" },
            help: help.join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"setNotNull" | "checkNotUsed">;
