import type { AlterTableStmt } from "libpg-query";
import { alterTableActions } from "../src/analysis/alter-table.js";
import { quoteIdent, type RelationRef } from "../src/analysis/names.js";
import {
  addedColumn,
  addedConstraint,
  columnConstraints,
  columnLabels,
  notNullSteps,
  outsideTransactionNote,
  stringList,
} from "../src/analysis/rewrites.js";
import type { NotNullChecks, NotNullProof } from "../src/analysis/checks.js";
import { replayBefore } from "../src/analysis/columns.js";
import type { Transaction } from "../src/analysis/context.js";
import { knownNotNullChecks } from "../src/analysis/schema.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ADD PRIMARY KEY builds a unique index under ACCESS EXCLUSIVE (reads and writes wait for the
 * build) and sets its columns NOT NULL, scanning the table when they are not already. PRIMARY KEY
 * USING INDEX attaches an index built beforehand with CREATE UNIQUE INDEX CONCURRENTLY.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding a primary key to an existing table without an index built concurrently beforehand",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-primary-key-constraint"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      addPrimaryKey:
        'Adding primary key {{constraint}} on "{{table}}" ({{columns}}) builds its unique index under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" for the whole build{{scan}}.',
      columnPrimaryKey:
        'Adding column "{{column}}" as the primary key of "{{table}}" builds its unique index under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" for the whole build (and fails if any existing row gets NULL).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    // Made on first use: most files never set a column NOT NULL.
    let replay: ReturnType<typeof replayBefore<NotNullChecks>> | undefined;
    const checksBefore = (index: number): NotNullChecks =>
      (replay ??= replayBefore(knownNotNullChecks(sourceCode.migration), sourceCode.parsed.statements))(index);
    return {
      AlterTableStmt(node: PgNode<AlterTableStmt>) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true, objtypes: "any" });
        if (!alter) return;
        const { table } = alter;
        const transaction = sourceCode.factsOf(node.statement).transaction;
        // PG ≥ 12: a validated CHECK (col IS NOT NULL) spares SET NOT NULL its scan.
        // https://www.postgresql.org/docs/12/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
        const proven = (column: string): NotNullProof | undefined => {
          const proof = checksBefore(node.statement.index).proofOf(table, column);
          return proof && (proof.kind === "not-null" || pgVersion >= 12) ? proof : undefined;
        };
        alter.actions.forEach(({ cmd, range }) => {
          const constraint = addedConstraint(cmd);
          if (constraint?.contype === "CONSTR_PRIMARY" && !constraint.indexname) {
            const columns = stringList(constraint.keys);
            const name = typeof constraint.conname === "string" ? constraint.conname : `${table.name}_pkey`;
            const unproven = columns.filter((c) => !proven(c));
            const scan = unproven.length > 0 ? `, and scans "${table.label}" for NULLs in ${columnLabels(unproven)} unless already NOT NULL` : "";
            context.report({
              loc: sourceCode.locOf(range()),
              messageId: "addPrimaryKey",
              data: { table: table.label, columns: columnLabels(columns), constraint: `"${name}"`, scan },
              help: safeSteps(table, name, columns, stringList(constraint.including), pgVersion, transaction, proven),
            });
            return;
          }
          const column = addedColumn(cmd);
          if (column && columnConstraints(column).some((c) => c.contype === "CONSTR_PRIMARY")) {
            const colname = String(column.colname);
            context.report({
              loc: sourceCode.locOf(range()),
              messageId: "columnPrimaryKey",
              data: { table: table.label, column: colname },
              help: [
                `Add "${colname}" without PRIMARY KEY (nullable, no volatile default, no serial type: see adding-serial-column) and fill it in batches. Then:`,
                safeSteps(table, `${table.name}_pkey`, [colname], [], pgVersion, transaction, () => undefined),
              ].join("\n"),
            });
          }
        });
      },
    };
  },
} satisfies PgRuleDefinition<"addPrimaryKey" | "columnPrimaryKey">;

function safeSteps(
  table: RelationRef,
  name: string,
  columns: string[],
  including: string[],
  pgVersion: number,
  transaction: Transaction | undefined,
  proven: (column: string) => NotNullProof | undefined,
): string {
  const steps = columns.flatMap((c) => {
    const proof = proven(c);
    if (!proof) return notNullSteps(table, c, pgVersion);
    return proof.kind === "check" ? [`ALTER TABLE ${table.sql} ALTER COLUMN ${quoteIdent(c)} SET NOT NULL;  -- no scan: ${quoteIdent(proof.constraint)} proves it`] : [];
  });
  const index = quoteIdent(name);
  const include = including.length > 0 ? ` INCLUDE (${including.map(quoteIdent).join(", ")})` : "";
  return [
    `Build the key's unique index first, without blocking writes, ${outsideTransactionNote(transaction)}:`,
    `  CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${index} ON ${table.sql} (${columns.map(quoteIdent).join(", ")})${include};`,
    ...(steps.length > 0
      ? ["Make each key column NOT NULL without a long lock (skip columns that already are; each statement in its own transaction):", ...steps.map((l) => `  ${l}`)]
      : []),
    "Then attach the index as the primary key (a brief ACCESS EXCLUSIVE lock: nothing is built or scanned):",
    `  ALTER TABLE ${table.sql} ADD CONSTRAINT ${index} PRIMARY KEY USING INDEX ${index};`,
  ].join("\n");
}
