import { relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import { qualifiedNameEnd } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * TRUNCATE deletes every row at once and takes ACCESS EXCLUSIVE on each table until the transaction
 * ends; CASCADE also truncates every table with a foreign key to them, recursively.
 * https://www.postgresql.org/docs/current/sql-truncate.html
 */

/** Foreign-key constraints that an ALTER TABLE statement adds (ADD CONSTRAINT, ADD COLUMN ... REFERENCES). */
function addedForeignKeys(statement: ParsedStatement): AstObject[] {
  const out: AstObject[] = [];
  for (const item of (statement.node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
    const def = item.AlterTableCmd?.def as { Constraint?: AstObject; ColumnDef?: AstObject } | undefined;
    const constraints = def?.Constraint ? [def.Constraint] : ((def?.ColumnDef?.constraints as { Constraint?: AstObject }[] | undefined) ?? []).map((c) => c.Constraint);
    for (const c of constraints) if (c?.contype === "CONSTR_FOREIGN") out.push(c);
  }
  return out;
}

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow TRUNCATE of an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-truncate"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      truncate:
        'TRUNCATE deletes every row of "{{table}}" for good and takes an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until the transaction ends; running code loses its data.',
      truncateCascade:
        'TRUNCATE ... CASCADE deletes every row of "{{table}}" and of every table with a foreign key to it (and so on, recursively), taking ACCESS EXCLUSIVE locks that block reads and writes of all of them until the transaction ends; running code loses all that data.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { migration } = sourceCode;
    /** A table new in this file may still have existing tables referencing it (ALTER TABLE ... REFERENCES it earlier in the file). */
    const referencedByExisting = (table: RelationRef, index: number): boolean =>
      sourceCode.parsed.statements.some((s) => {
        if (s.index >= index || s.type !== "AlterTableStmt") return false;
        const referencing = relationFromRangeVar(s.node.relation as AstObject);
        if (!referencing || migration.isNewTable(referencing, s.index)) return false;
        return addedForeignKeys(s).some((c) => relationFromRangeVar(c.pktable as AstObject)?.key === table.key);
      });
    return {
      TruncateStmt(node: PgNode) {
        if (node.parent) return;
        const statement = node.statement;
        const cascade = node.value.behavior === "DROP_CASCADE";
        const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
        for (const item of (node.value.relations as { RangeVar?: AstObject }[] | undefined) ?? []) {
          const table = relationFromRangeVar(item.RangeVar);
          if (!table) continue;
          if (migration.isNewTable(table, statement.index) && !(cascade && referencedByExisting(table, statement.index))) continue;
          const at = sourceCode.indexOfLocation(statement, item.RangeVar?.location);
          const first = tokens.findIndex((t) => t.start === at);
          const range: [number, number] = first < 0 ? [statement.start, statement.end] : [at, tokens[qualifiedNameEnd(tokens, first) - 1]!.end];
          context.report({
            loc: sourceCode.locOf(range),
            messageId: cascade ? "truncateCascade" : "truncate",
            data: { table: table.label },
            help: [
              "To remove rows from a table in use, delete them in batches, each in its own transaction, pausing between batches (repeat until it deletes nothing):",
              `  DELETE FROM ${table.sql} WHERE ctid IN (SELECT ctid FROM ${table.sql} LIMIT 5000);`,
              ...(cascade
                ? [
                    "CASCADE also empties the tables that reference it; list them, and delete their rows first the same way:",
                    `  SELECT conrelid::regclass FROM pg_constraint WHERE contype = 'f' AND confrelid = '${table.sql.replace(/'/g, "''")}'::regclass;`,
                  ]
                : []),
              "If nothing reads this table any more (a staging or cache table), say so next to the statement:",
              "  -- pgsafe-ignore ban-truncate -- <why nobody needs the rows>",
            ].join("\n"),
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"truncate" | "truncateCascade">;
