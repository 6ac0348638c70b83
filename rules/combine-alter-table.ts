import { alterTableSql, constraintsAddedBy, expressionColumns, sqlOf } from "../src/analysis/constraints.js";
import { relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import type { LockEffect } from "../src/analysis/locks.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgRuleDefinition, PgSourceCode } from "../src/types.js";

/** ATTACH / DETACH PARTITION cannot share an ALTER TABLE with other actions (nor can RENAME or SET SCHEMA, other statement types). */
const ALONE = new Set(["AT_AttachPartition", "AT_DetachPartition", "AT_DetachPartitionFinalize"]);

/** Statements whose effect on tables pgsafe cannot see: they may use any table. */
const OPAQUE = new Set(["DoStmt", "CallStmt"]);

/**
 * Actions that may name a column added by an earlier action of the same ALTER TABLE. The others
 * (DROP DEFAULT, DROP NOT NULL, TYPE, DROP COLUMN, DROP EXPRESSION, ...) look the column up before
 * any action runs and fail with `column "x" of relation "t" does not exist` (checked on PG 18).
 */
const SEES_NEW_COLUMNS = new Set(["AT_SetNotNull", "AT_SetStatistics", "AT_SetStorage", "AT_SetCompression", "AT_SetOptions", "AT_ResetOptions"]);

/** ALTER TABLE statements on one table that could be one, with the columns and constraints they add. */
interface Group {
  table: RelationRef;
  statements: ParsedStatement[];
  columns: Set<string>;
  constraints: Set<string>;
}

function alterCommands(statement: ParsedStatement): AstObject[] {
  return ((statement.node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).map((c) => c.AlterTableCmd).filter((c): c is AstObject => !!c);
}

/** The ALTER TABLE's ACCESS EXCLUSIVE lock on its (existing) table, when its actions could join another ALTER TABLE. */
function combinableLock(statement: ParsedStatement, locks: LockEffect[]): { table: RelationRef; lock: LockEffect } | undefined {
  if (statement.type !== "AlterTableStmt" || statement.node.objtype !== "OBJECT_TABLE") return undefined;
  if (alterCommands(statement).some((cmd) => ALONE.has(String(cmd.subtype)))) return undefined;
  const table = relationFromRangeVar(statement.node.relation as AstObject | undefined);
  const lock = locks.find((l) => l.kind === "table" && l.relation.key === table?.key && l.mode === "ACCESS EXCLUSIVE");
  return table && lock ? { table, lock } : undefined;
}

/** True when an action of `statement` needs a column or constraint the group adds to exist first. */
function dependsOn(statement: ParsedStatement, group: Group): boolean {
  return alterCommands(statement).some((cmd) => {
    const name = String(cmd.name ?? "");
    if (cmd.subtype === "AT_DropConstraint") return group.constraints.has(name);
    if (cmd.subtype === "AT_AlterColumnType") {
      const using = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef?.raw_default;
      if (expressionColumns(using).some((c) => group.columns.has(c))) return true;
    }
    const setDefault = cmd.subtype === "AT_ColumnDefault" && cmd.def !== undefined;
    return group.columns.has(name) && !SEES_NEW_COLUMNS.has(String(cmd.subtype)) && !setDefault;
  });
}

function addTo(group: Group, sourceCode: PgSourceCode, statement: ParsedStatement): Group {
  group.statements.push(statement);
  for (const cmd of alterCommands(statement)) {
    const column = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef?.colname;
    if (cmd.subtype === "AT_AddColumn" && typeof column === "string") group.columns.add(column);
  }
  for (const c of constraintsAddedBy(sourceCode.parsed, statement)) group.constraints.add(c.name);
  return group;
}

function combinedSql(sourceCode: PgSourceCode, group: Group): string {
  const actions = group.statements.flatMap((s) => alterCommands(s).map((_, i) => sqlOf(sourceCode, s, sourceCode.alterCommandRange(s, i))));
  return [`  ${alterTableSql(group.statements[0]!, group.table)}`, ...actions.map((a, i) => `    ${a}${i === actions.length - 1 ? ";" : ","}`)].join("\n");
}

/**
 * Each ALTER TABLE that scans or rewrites a table makes its own pass over it; the actions of one
 * ALTER TABLE are applied together, in a single pass. In one transaction the ACCESS EXCLUSIVE
 * lock of the first statement is held until COMMIT.
 * https://www.postgresql.org/docs/current/sql-altertable.html ("All the forms of ALTER TABLE that
 * act on a single table, except RENAME, SET SCHEMA, ATTACH PARTITION, and DETACH PARTITION can be
 * combined into a list of multiple alterations to be applied together ... only one pass over the
 * table need be made.")
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Report separate ALTER TABLE statements on the same existing table in one transaction that one ALTER TABLE could do",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("combine-alter-table"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      separateAlterTable:
        'Another ALTER TABLE on "{{table}}" in the same transaction (the first is on line {{line}}); the transaction holds an ACCESS EXCLUSIVE lock on "{{table}}", blocking its reads and writes, from that statement until COMMIT. {{work}}',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { migration } = sourceCode;
    return {
      Migration() {
        for (const transaction of migration.transactions) {
          const groups = new Map<string, Group>(); // by `table.key|ONLY`: ONLY does not recurse to child tables
          for (const index of transaction.statements) {
            const facts = migration.facts(index);
            const { statement } = facts;
            // COMMIT / ROLLBACK AND CHAIN end the transaction; a DO block may use any table.
            if ((statement.type === "TransactionStmt" && statement.node.chain) || OPAQUE.has(statement.type)) {
              groups.clear();
              continue;
            }
            // A statement of a DO block or function body cannot be merged with one outside it.
            const found = statement.hiddenIn ? undefined : combinableLock(statement, facts.locks);
            const key = found && `${found.table.key}|${(statement.node.relation as AstObject).inh === true ? "" : "ONLY"}`;
            // A statement in between that uses the table may depend on the earlier actions (a
            // backfill of a new column, an index on it): the ALTERs around it cannot be merged.
            const used = new Set(facts.allLocks.map((l) => l.relation.key));
            for (const [k, g] of groups) if (used.has(g.table.key) && k !== key) groups.delete(k);
            if (!found || !key) continue;
            const group = groups.get(key);
            // A statement that needs what the group adds cannot join it: it starts a new group.
            if (!group || dependsOn(statement, group)) {
              groups.set(key, addTo({ table: found.table, statements: [], columns: new Set(), constraints: new Set() }, sourceCode, statement));
              continue;
            }
            addTo(group, sourceCode, statement);
            const { effect } = found.lock;
            context.report({
              loc: sourceCode.locOf([statement.start, statement.end]),
              messageId: "separateAlterTable",
              data: {
                table: group.table.label,
                line: String(sourceCode.source.positionAt(group.statements[0]!.start).line),
                work:
                  effect === "instant"
                    ? "Its actions can join that statement: one ALTER TABLE per table keeps the locked window as short as possible, and any action that scans or rewrites the table then shares a single pass with the others."
                    : `This statement ${effect === "rewrite" ? "rewrites" : "scans"} the table in a pass of its own, while nobody can read or write it; the actions of one ALTER TABLE share a single pass.`,
              },
              help: [
                "Put the actions into one ALTER TABLE (Postgres applies them together, in one pass over the table):",
                combinedSql(sourceCode, group),
                "Postgres orders the actions of one ALTER TABLE itself (drops before adds, columns before constraints); check that none needs another's effect first.",
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"separateAlterTable">;
