import { alterTableActions } from "../src/analysis/alter-table.js";
import { nameFor, type NotNullChecks } from "../src/analysis/checks.js";
import { replayBefore } from "../src/analysis/columns.js";
import { alterTableSql } from "../src/analysis/constraints.js";
import { quoteIdent } from "../src/analysis/names.js";
import { knownNotNullChecks } from "../src/analysis/schema.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { RuleTextEdit, RuleTextEditor } from "@eslint/core";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ALTER COLUMN ... SET NOT NULL takes ACCESS EXCLUSIVE and scans the whole table for NULLs.
 * PG ≥ 12: the scan is skipped when a validated CHECK constraint proves the column has no NULLs.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 *
 * Suggestions (never a fix: the steps only help when each commits on its own, and the author
 * decides where they go) replace a statement whose only action is the SET NOT NULL, run outside a
 * transaction, with the CHECK sequence (PG < 12: the validated CHECK alone, since SET NOT NULL
 * would scan anyway) and, PG ≥ 18, with a NOT NULL constraint added NOT VALID and validated.
 */
export default {
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Disallow SET NOT NULL on a column of an existing table unless a validated CHECK (column IS NOT NULL) lets Postgres skip the scan",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-not-nullable-field"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      useCheckSequence: "Prove there are no NULLs with a CHECK constraint validated in its own statement, then SET NOT NULL without a scan.",
      useCheck: "Enforce it with a CHECK constraint validated in its own statement (PostgreSQL {{version}} would scan for SET NOT NULL anyway).",
      useNotNullNotValid: "Add the NOT NULL constraint NOT VALID, then validate it in its own statement (PostgreSQL 18+).",
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
    // Made on first use: most files never set a column NOT NULL.
    let replay: ReturnType<typeof replayBefore<NotNullChecks>> | undefined;
    const checksBefore = (index: number): NotNullChecks =>
      (replay ??= replayBefore(knownNotNullChecks(sourceCode.migration), sourceCode.parsed.statements))(index);
    return {
      AlterTableStmt(node: PgNode) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range }) => {
          if (cmd.subtype !== "AT_SetNotNull" || typeof cmd.name !== "string") return;
          const column = cmd.name;
          const proof = checksBefore(node.statement.index).proofOf(table, column);
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
          const statement = node.statement;
          const alone = !proof && alter.actions.length === 1 && !statement.hiddenIn && sourceCode.factsOf(statement).transaction === undefined;
          const head = alterTableSql(statement, table);
          const sequence = (steps: string[]): ((fixer: RuleTextEditor) => RuleTextEdit) => (fixer) => fixer.replaceTextRange([statement.start, statement.end], steps.join(";\n"));
          const checkSteps = [`${head} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID`, `${head} VALIDATE CONSTRAINT ${check}`];
          const notNull = quoteIdent(nameFor(table, column, "not_null"));
          context.report({
            loc: sourceCode.locOf(range()),
            messageId: proof ? "checkNotUsed" : "setNotNull",
            data: { table: table.label, column, version: String(pgVersion), constraint: proof?.constraint ?? "" },
            help: help.join("\n"),
            ...(alone
              ? {
                  suggest: [
                    pgVersion >= 12
                      ? { messageId: "useCheckSequence" as const, fix: sequence([...checkSteps, `${head} ALTER COLUMN ${col} SET NOT NULL`, `${head} DROP CONSTRAINT ${check}`]) }
                      : { messageId: "useCheck" as const, data: { version: String(pgVersion) }, fix: sequence(checkSteps) },
                    // PG ≥ 18: NOT NULL constraints can be NOT VALID (https://www.postgresql.org/docs/release/18.0/).
                    ...(pgVersion >= 18
                      ? [{ messageId: "useNotNullNotValid" as const, fix: sequence([`${head} ADD CONSTRAINT ${notNull} NOT NULL ${col} NOT VALID`, `${head} VALIDATE CONSTRAINT ${notNull}`]) }]
                      : []),
                  ],
                }
              : {}),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"setNotNull" | "checkNotUsed" | "useCheckSequence" | "useCheck" | "useNotNullNotValid">;
