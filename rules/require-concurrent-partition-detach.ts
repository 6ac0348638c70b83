import type { AlterTableStmt } from "libpg-query";
import { alterTableActions } from "../src/analysis/alter-table.js";
import { relationFromRangeVar } from "../src/analysis/names.js";
import { outsideTransactionNote } from "../src/analysis/rewrites.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table (and the partition): every
 * query on any partition queues behind it. PG ≥ 14: DETACH PARTITION ... CONCURRENTLY takes only
 * SHARE UPDATE EXCLUSIVE on the parent, outside a transaction block, and not with a DEFAULT partition.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Require CONCURRENTLY when detaching a partition from an existing partitioned table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("require-concurrent-partition-detach"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      missingConcurrently:
        'Detaching partition "{{partition}}" from "{{table}}" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "{{table}}" that blocks reads and writes of every partition, first while it waits for running queries on "{{table}}", then until its transaction ends.',
      noConcurrentForm:
        'Detaching partition "{{partition}}" from "{{table}}" takes an ACCESS EXCLUSIVE lock on "{{table}}" that blocks reads and writes of every partition, first while it waits for running queries on "{{table}}", then until its transaction ends. PostgreSQL {{version}} has no detach that avoids this lock: keep the wait short with lock_timeout.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    return {
      AlterTableStmt(node: PgNode<AlterTableStmt>) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true, objtypes: "any" });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range }) => {
          if (cmd.subtype !== "AT_DetachPartition") return;
          const partitionCmd = (cmd.def as { PartitionCmd?: AstObject } | undefined)?.PartitionCmd;
          if (!partitionCmd || partitionCmd.concurrent) return;
          const partition = relationFromRangeVar(partitionCmd.name as AstObject | undefined);
          if (!partition) return;
          const loc = sourceCode.locOf(range());
          const data = { table: table.label, partition: partition.label, version: String(pgVersion) };
          const detach = `ALTER TABLE ${table.sql} DETACH PARTITION ${partition.sql}`;
          // PG ≥ 14: DETACH PARTITION ... CONCURRENTLY.
          // https://www.postgresql.org/docs/14/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION
          if (pgVersion >= 14) {
            context.report({
              loc,
              messageId: "missingConcurrently",
              data,
              help: [
                `Detach under a SHARE UPDATE EXCLUSIVE lock that lets reads and writes continue, ${outsideTransactionNote(sourceCode.factsOf(node.statement).transaction)}:`,
                `  ${detach} CONCURRENTLY;`,
                `This is refused while "${table.label}" has a DEFAULT partition. If it is interrupted, the partition stays half-detached: finish with`,
                `  ${detach} FINALIZE;`,
              ].join("\n"),
            });
            return;
          }
          context.report({
            loc,
            messageId: "noConcurrentForm",
            data,
            help: [
              `Bound the wait so that a long-running query cannot make every query on "${table.label}" queue behind the detach, and retry when it times out:`,
              "  SET lock_timeout = '2s';",
              `  ${detach};`,
              "Keep the transaction that detaches short: the lock is held until it commits.",
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"missingConcurrently" | "noConcurrentForm">;
