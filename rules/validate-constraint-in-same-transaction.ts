import type { AstObject } from "../src/parser/parse.js";
import { alterTableSql, constraintLabel, notValidAddition, tableConstraintSql } from "../src/analysis/constraints.js";
import { blocksReads, LOCK_MODEL } from "../src/analysis/locks.js";
import { quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * `ADD CONSTRAINT ... NOT VALID` takes ACCESS EXCLUSIVE (CHECK, NOT NULL) or SHARE ROW EXCLUSIVE on
 * both tables (FOREIGN KEY), and Postgres holds every lock until the transaction ends. A
 * `VALIDATE CONSTRAINT` in that same transaction therefore scans the table under the strong lock,
 * which is what NOT VALID was meant to avoid; alone, VALIDATE takes SHARE UPDATE EXCLUSIVE
 * (lock model: alter-table-validate-constraint).
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT
 * https://www.postgresql.org/docs/current/explicit-locking.html ("Once acquired, a lock is normally
 * held until the end of the transaction")
 */
const KIND_LABEL = { check: "CHECK constraint", "foreign-key": "foreign key", "not-null": "NOT NULL constraint" } as const;

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow validating a constraint in the transaction that added it NOT VALID",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("validate-constraint-in-same-transaction"),
      category: "locking",
      lock: LOCK_MODEL["alter-table-add-check-not-valid"].mode,
    },
    messages: {
      sameTransaction:
        'Validating {{kind}} {{constraint}} on "{{table}}" in the transaction that added it NOT VALID (line {{line}}): the {{lock}} lock that ADD CONSTRAINT took is held until COMMIT, so {{blocked}} for the whole validation scan.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      AlterTableStmt(node: PgNode) {
        if (node.parent) return;
        const transaction = sourceCode.factsOf(node).transaction;
        const table = relationFromRangeVar(node.value.relation as AstObject | undefined);
        if (!table) return;
        const cmds = (node.value.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? [];
        cmds.forEach((item, i) => {
          const cmd = item.AlterTableCmd;
          if (cmd?.subtype !== "AT_ValidateConstraint" || typeof cmd.name !== "string") return;
          const added = notValidAddition(sourceCode.parsed, sourceCode.migration, table, cmd.name, node.statement.index, i);
          // One statement is one transaction even without BEGIN: `ADD ... NOT VALID, VALIDATE ...`.
          const sameStatement = added?.statement === node.statement.index;
          if (!added || (!sameStatement && (!transaction || added.transaction?.id !== transaction.id))) return;
          if (sourceCode.migration.isNewTable(added.constraint.table, added.statement)) return;
          const c = added.constraint;
          if (c.kind !== "check" && c.kind !== "foreign-key" && c.kind !== "not-null") return;

          const lock = LOCK_MODEL[c.kind === "foreign-key" ? "alter-table-add-foreign-key-not-valid" : "alter-table-add-check-not-valid"].mode;
          const others = c.kind === "foreign-key" && c.references && c.references.table.key !== c.table.key ? [c.references.table] : [];
          const names = [c.table, ...others].map((t) => `"${t.label}"`).join(" and ");
          const blocked = blocksReads(lock) ? `all reads and writes of ${names} wait` : `writes to ${names} wait`;
          const addStatement = sourceCode.parsed.statements[added.statement]!;
          const addAction = sourceCode.alterCommandRange(addStatement, c.command!);
          const head = alterTableSql(addStatement, c.table);
          context.report({
            loc: sourceCode.locOf(sourceCode.alterCommandRange(node.statement, i)),
            messageId: "sameTransaction",
            data: {
              kind: KIND_LABEL[c.kind],
              constraint: constraintLabel(c),
              table: c.table.label,
              line: sourceCode.locOf([addStatement.start, addStatement.start]).start.line,
              lock,
              blocked,
            },
            help: [
              "Validate after the transaction that adds the constraint has committed (in a later migration if your tool runs each file in one transaction). On its own, VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: reads and writes continue during the scan.",
              `  ${head} ADD CONSTRAINT ${quoteIdent(c.name)} ${tableConstraintSql(sourceCode, addStatement, addAction)};`,
              "  COMMIT;  -- or end the migration here",
              `  ${alterTableSql(node.statement, table)} VALIDATE CONSTRAINT ${quoteIdent(cmd.name)};`,
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"sameTransaction">;
