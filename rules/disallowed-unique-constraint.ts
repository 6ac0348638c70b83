import { alterTableSql, columnConstraintRange, constraintLabel, constraintsAddedBy, sqlOf, type AddedConstraint } from "../src/analysis/constraints.js";
import { LOCK_MODEL } from "../src/analysis/locks.js";
import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * `ADD CONSTRAINT ... UNIQUE (cols)` and `ADD COLUMN ... UNIQUE` build the unique index while the
 * ALTER TABLE holds ACCESS EXCLUSIVE (lock model: alter-table-add-unique). The safe form builds the
 * index with CREATE UNIQUE INDEX CONCURRENTLY, then attaches it with `UNIQUE USING INDEX`
 * (ACCESS EXCLUSIVE, catalog only: alter-table-add-constraint-using-index).
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX
 */
const LOCK = LOCK_MODEL["alter-table-add-unique"].mode;

/** CREATE UNIQUE INDEX CONCURRENTLY + ADD CONSTRAINT ... USING INDEX for the constraint. */
function safeSteps(head: string, c: AddedConstraint): string[] {
  const node = c.node;
  const name = quoteIdent(c.name);
  const list = (cols: string[]): string => cols.map(quoteIdent).join(", ");
  // PG ≥ 15: NULLS NOT DISTINCT. https://www.postgresql.org/docs/15/sql-createindex.html
  const nulls = node.nulls_not_distinct === true ? " NULLS NOT DISTINCT" : "";
  const include = c.including.length > 0 ? ` INCLUDE (${list(c.including)})` : "";
  const deferrable = node.deferrable === true ? ` DEFERRABLE${node.initdeferred === true ? " INITIALLY DEFERRED" : ""}` : "";
  return [
    "  -- outside a transaction (its own migration if your tool wraps files in one):",
    `  CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${c.table.sql} (${list(c.columns)})${include}${nulls};`,
    `  ${head} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}${deferrable};`,
    "If the concurrent build fails (e.g. on duplicates) it leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY, fix the data, and retry.",
  ];
}

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding a UNIQUE constraint that builds its index on an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("disallowed-unique-constraint"),
      category: "locking",
      lock: LOCK,
    },
    messages: {
      uniqueConstraint:
        'Adding UNIQUE constraint {{constraint}} on "{{table}}" ({{columns}}) builds its unique index while holding {{lock}} on "{{table}}": all reads and writes of "{{table}}" wait for the whole build.',
      uniqueColumn:
        'Adding column "{{column}}" to "{{table}}" with UNIQUE builds the unique index {{constraint}} while holding {{lock}} on "{{table}}": all reads and writes of "{{table}}" wait for the whole build.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      AlterTableStmt(node: PgNode) {
        const statement = node.statement;
        if (node.parent || node.value.objtype !== "OBJECT_TABLE") return;
        for (const c of constraintsAddedBy(sourceCode.parsed, statement)) {
          if (c.kind !== "unique" || c.usingIndex !== undefined || c.command === undefined) continue;
          if (sourceCode.migration.isNewTable(c.table, statement.index)) continue;
          const action = sourceCode.alterCommandRange(statement, c.command);
          const head = alterTableSql(statement, c.table);
          const data = { constraint: constraintLabel(c), table: c.table.label, columns: c.columns.map((col) => `"${col}"`).join(", "), lock: LOCK };
          if (c.column) {
            const segment = columnConstraintRange(sourceCode, statement, c.column, c.node, action);
            const column = `${sqlOf(sourceCode, statement, [action[0], segment[0]])} ${sqlOf(sourceCode, statement, [segment[1], action[1]])}`.trim();
            context.report({
              loc: sourceCode.locOf(action),
              messageId: "uniqueColumn",
              data: { ...data, column: c.columns[0] },
              help: ["Add the column without UNIQUE, build the unique index concurrently, then attach it as the constraint (a brief lock, no scan):", `  ${head} ${column};`, ...safeSteps(head, c)].join("\n"),
            });
          } else {
            context.report({
              loc: sourceCode.locOf(action),
              messageId: "uniqueConstraint",
              data,
              help: ["Build the unique index concurrently, then attach it as the constraint (a brief lock, no scan):", ...safeSteps(head, c)].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"uniqueConstraint" | "uniqueColumn">;
