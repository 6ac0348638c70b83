import {
  alterTableSql,
  columnConstraintRange,
  columnValueSource,
  constraintLabel,
  constraintsAddedBy,
  sqlOf,
  tableConstraintSql,
  type AddedConstraint,
} from "../src/analysis/constraints.js";
import { LOCK_MODEL } from "../src/analysis/locks.js";
import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { ParsedStatement } from "../src/parser/parse.js";
import type { PgNode, PgReport, PgRuleDefinition, PgSourceCode } from "../src/types.js";

/**
 * Adding a FOREIGN KEY or CHECK (and, PG ≥ 18, a NOT NULL constraint) checks every existing row
 * under the lock of the ALTER TABLE: SHARE ROW EXCLUSIVE on both tables for a foreign key, ACCESS
 * EXCLUSIVE for CHECK / NOT NULL (lock model: alter-table-add-foreign-key, alter-table-add-check).
 * `NOT VALID` skips the scan; `VALIDATE CONSTRAINT` later scans under SHARE UPDATE EXCLUSIVE.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT
 * PG ≥ 18: NOT NULL constraints accept NOT VALID ("Allow ALTER TABLE to set the NOT VALID attribute
 * of NOT NULL constraints", https://www.postgresql.org/docs/release/18.0/); before 18 there is no
 * `ADD CONSTRAINT ... NOT NULL` form at all.
 * `ADD COLUMN ... REFERENCES` is validated only when the new column gets values (DEFAULT, serial,
 * identity, generated); a new all-NULL column's foreign key is marked valid without a scan (PG 18,
 * checked with PGlite in the test).
 */
const FK_LOCK = LOCK_MODEL["alter-table-add-foreign-key"].mode;
const CHECK_LOCK = LOCK_MODEL["alter-table-add-check"].mode;
const COLUMN_LOCK = LOCK_MODEL["alter-table-add-column"].mode;

function validateSteps(add: string, statementHead: string, c: AddedConstraint): string[] {
  return [
    `  ${add}`,
    "  -- then, in a separate transaction (a later migration if your tool wraps each file in one):",
    `  ${statementHead} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`,
    ...(c.named ? [] : [`${c.name} is the name Postgres generates for this constraint; writing it out keeps the VALIDATE step pointing at it.`]),
  ];
}

function columnForeignKeyHelp(sourceCode: PgSourceCode, statement: ParsedStatement, c: AddedConstraint, action: [number, number]): string {
  const segment = columnConstraintRange(sourceCode, statement, c.column!, c.node, action);
  const column = `${sqlOf(sourceCode, statement, [action[0], segment[0]])} ${sqlOf(sourceCode, statement, [segment[1], action[1]])}`.trim();
  const references = sourceCode.tokensOf(statement).find((t) => t.upper === "REFERENCES" && t.start >= segment[0] && t.end <= segment[1]);
  const clause = sqlOf(sourceCode, statement, [references?.start ?? segment[0], segment[1]]);
  const head = alterTableSql(statement, c.table);
  return [
    "Add the column first, then the foreign key NOT VALID (no scan), then validate it in a separate transaction (reads and writes continue):",
    `  ${head} ${column};`,
    ...validateSteps(`${head} ADD CONSTRAINT ${quoteIdent(c.name)} FOREIGN KEY (${quoteIdent(c.columns[0]!)}) ${clause} NOT VALID;`, head, c),
  ].join("\n");
}

type MessageIds = "foreignKey" | "check" | "notNull" | "columnForeignKey" | "addNotValid" | "addNotValidOnly";

/**
 * The suggestion (never a fix: the VALIDATE step belongs in a separate transaction, and the author
 * decides when it runs): name the constraint if it has no name (so that VALIDATE can find it), add
 * NOT VALID and, for a statement that runs on its own, a VALIDATE CONSTRAINT statement right after
 * it. In a transaction only NOT VALID is added: validating in the same transaction would scan
 * under the lock the ADD already holds.
 */
function notValidSuggestion(sourceCode: PgSourceCode, statement: ParsedStatement, c: AddedConstraint, action: [number, number]): PgReport<MessageIds>["suggest"] {
  if (statement.hiddenIn) return undefined;
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment") && t.start >= action[0] && t.end <= action[1]);
  const add = tokens[0]?.upper === "ADD" ? tokens[0] : undefined;
  if (!add) return undefined;
  const name = quoteIdent(c.name);
  const named = tokens[1]?.upper === "CONSTRAINT";
  const alone = sourceCode.factsOf(statement).transaction === undefined;
  const validate = `;\n${alterTableSql(statement, c.table)} VALIDATE CONSTRAINT ${name}`;
  return [
    {
      messageId: alone ? "addNotValid" : "addNotValidOnly",
      data: { constraint: name },
      fix: (fixer) => [
        ...(named ? [] : [fixer.insertTextAfterRange([add.start, add.end], ` CONSTRAINT ${name}`)]),
        fixer.insertTextAfterRange(action, " NOT VALID"),
        ...(alone ? [fixer.insertTextAfterRange([statement.end, statement.end], validate)] : []),
      ],
    },
  ];
}

export default {
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Require NOT VALID when adding a foreign key, CHECK or NOT NULL constraint to an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("constraint-missing-not-valid"),
      category: "locking",
      lock: CHECK_LOCK,
    },
    messages: {
      addNotValid: "Add {{constraint}} NOT VALID, then validate it in a separate statement.",
      addNotValidOnly: "Add {{constraint}} NOT VALID (validate it in a later transaction: this one already holds the lock).",
      foreignKey:
        'Adding foreign key {{constraint}} on "{{table}}" ({{columns}}) checks every existing row while holding {{lock}} on {{tables}}: writes (INSERT, UPDATE, DELETE) to {{them}} wait for the whole scan.',
      check:
        'Adding CHECK constraint {{constraint}} to "{{table}}" checks every existing row while holding {{lock}} on "{{table}}": all reads and writes of "{{table}}" wait for the whole scan.',
      notNull:
        'Adding NOT NULL constraint {{constraint}} on "{{table}}" ({{columns}}) checks every existing row while holding {{lock}} on "{{table}}": all reads and writes of "{{table}}" wait for the whole scan.',
      columnForeignKey:
        'Adding column "{{column}}" to "{{table}}" with REFERENCES "{{referenced}}" and {{values}} validates foreign key {{constraint}} at once: every row is checked while {{lock}} on "{{table}}" (blocking reads and writes) and {{fkLock}} on "{{referenced}}" (blocking writes) are held. A column\'s REFERENCES clause cannot be NOT VALID.',
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
          if (c.notValid || c.command === undefined || sourceCode.migration.isNewTable(c.table, statement.index)) continue;
          const action = sourceCode.alterCommandRange(statement, c.command);
          const head = alterTableSql(statement, c.table);
          const base = { constraint: constraintLabel(c), table: c.table.label, columns: c.columns.map((col) => `"${col}"`).join(", ") };
          const addNotValid = (): string => `${head} ADD CONSTRAINT ${quoteIdent(c.name)} ${tableConstraintSql(sourceCode, statement, action)} NOT VALID;`;
          const intro = "Add the constraint NOT VALID (no scan: only new and changed rows are checked), then validate the existing rows in a separate transaction, which lets reads and writes continue:";

          if (c.kind === "foreign-key" && c.column) {
            const values = columnValueSource(c.column);
            if (!values || !c.references) continue;
            context.report({
              loc: sourceCode.locOf(action),
              messageId: "columnForeignKey",
              data: { ...base, column: c.columns[0], referenced: c.references.table.label, values, lock: COLUMN_LOCK, fkLock: FK_LOCK },
              help: columnForeignKeyHelp(sourceCode, statement, c, action),
            });
          } else if (c.kind === "foreign-key" && !c.column && c.references) {
            const other = c.references.table;
            const self = other.key === c.table.key;
            context.report({
              loc: sourceCode.locOf(action),
              messageId: "foreignKey",
              data: { ...base, lock: FK_LOCK, tables: self ? `"${c.table.label}"` : `both "${c.table.label}" and "${other.label}"`, them: self ? "it" : "both tables" },
              help: [intro, ...validateSteps(addNotValid(), head, c)].join("\n"),
              suggest: notValidSuggestion(sourceCode, statement, c, action),
            });
          } else if (c.kind === "check" && !c.column) {
            context.report({
              loc: sourceCode.locOf(action),
              messageId: "check",
              data: { ...base, lock: CHECK_LOCK },
              help: [intro, ...validateSteps(addNotValid(), head, c)].join("\n"),
              suggest: notValidSuggestion(sourceCode, statement, c, action),
            });
          } else if (c.kind === "not-null" && !c.column && sourceCode.migration.options.pgVersion >= 18) {
            // PG ≥ 18 only: https://www.postgresql.org/docs/release/18.0/
            context.report({
              loc: sourceCode.locOf(action),
              messageId: "notNull",
              data: { ...base, lock: CHECK_LOCK },
              help: [intro, ...validateSteps(addNotValid(), head, c)].join("\n"),
              suggest: notValidSuggestion(sourceCode, statement, c, action),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<MessageIds>;
