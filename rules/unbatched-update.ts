import type { DeleteStmt, UpdateStmt } from "libpg-query";
import { batchedLoopSql, whereBoundsBatch } from "../src/analysis/batching.js";
import { relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition, PgSourceCode } from "../src/types.js";

interface Clauses {
  /** `UPDATE users` / `DELETE FROM app.users`: where the finding is reported. */
  target: [number, number];
  /** The statement up to its WHERE clause, and the WHERE condition. */
  head: string;
  condition?: string;
}

/** Finds the UPDATE / DELETE keyword before the table name and the statement's own WHERE clause. */
function clausesOf(sourceCode: PgSourceCode, statement: ParsedStatement, relation: AstObject): Clauses {
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
  const at = sourceCode.indexOfLocation(statement, relation.location);
  let k = tokens.findIndex((t) => t.start >= at);
  if (k < 0) k = tokens.length - 1;
  let kw = k;
  while (kw > 0 && tokens[kw]!.upper !== "UPDATE" && tokens[kw]!.upper !== "DELETE") kw--;
  // The table name: name [. name]
  let nameEnd = k;
  while (tokens[nameEnd + 1]?.upper === "." && tokens[nameEnd + 2]) nameEnd += 2;
  let where: number | undefined;
  let end = statement.end;
  let depth = 0;
  for (let i = kw; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "open-paren") depth++;
    else if (t.kind === "close-paren" && --depth < 0) {
      end = t.start;
      break;
    } else if (depth === 0 && t.upper === "WHERE" && where === undefined) where = i;
    else if (depth === 0 && t.upper === "RETURNING") {
      end = t.start;
      break;
    }
  }
  const text = sourceCode.text;
  const start = tokens[kw]!.start;
  const whereToken = where === undefined ? undefined : tokens[where]!;
  return {
    target: [start, tokens[nameEnd]!.end],
    head: text.slice(start, whereToken ? whereToken.start : end).trim(),
    ...(whereToken ? { condition: text.slice(whereToken.end, end).trim() } : {}),
  };
}

/**
 * UPDATE and DELETE take ROW EXCLUSIVE on the table and a row lock on every row they change, held
 * until the transaction ends; a large one also writes WAL for every row at once.
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Report UPDATE and DELETE statements on existing tables that are not limited to a batch of rows",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("unbatched-update"),
      category: "locking",
      lock: "ROW EXCLUSIVE",
    },
    messages: {
      noWhere:
        '{{verb}} on "{{table}}" has no WHERE clause: it changes every row of "{{table}}" in one transaction and holds a row lock on each of them until it commits, so writes to those rows wait (reads do not), and the whole change hits WAL and replicas at once.',
      unboundedWhere:
        '{{verb}} on "{{table}}" is not limited to a batch: its WHERE clause has no key range, equality, IN list or LIMIT-ed sub-select, so it can change most of "{{table}}" in one transaction and hold a row lock on every matched row until it commits (writes to those rows wait).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const check = (node: PgNode<UpdateStmt | DeleteStmt>, verb: "UPDATE" | "DELETE"): void => {
      const stmt = node.value as AstObject;
      const relation = stmt.relation as AstObject | undefined;
      const table = relationFromRangeVar(relation);
      if (!relation || !table || sourceCode.migration.isNewTable(table, node.statement.index)) return;
      const verdict = whereBoundsBatch(stmt.whereClause);
      if (verdict.bounded) return;
      const clauses = clausesOf(sourceCode, node.statement, relation);
      const alias = (relation.alias as { aliasname?: string } | undefined)?.aliasname;
      const loop = batchedLoopSql({
        strategy: verb === "DELETE" && !stmt.usingClause ? "limit-subquery" : "key-range",
        table,
        ...(alias ? { alias } : {}),
        head: clauses.head,
        ...(clauses.condition ? { condition: clauses.condition } : {}),
      });
      context.report({
        loc: sourceCode.locOf(clauses.target),
        messageId: verdict.reason === "no-where" ? "noWhere" : "unboundedWhere",
        data: { verb, table: table.label },
        help: [
          `Change "${table.label}" in batches instead, ideally outside the migration (a backfill job that runs after the deploy): each batch in its own short transaction, a pause between batches, and safe to re-run after a failure.`,
          'For example, in psql outside any transaction (COMMIT inside DO needs PostgreSQL 11+; replace "id" with the table\'s integer primary key if it has another name):',
          loop,
        ].join("\n"),
      });
    };
    return {
      UpdateStmt: (node: PgNode<UpdateStmt>) => check(node, "UPDATE"),
      DeleteStmt: (node: PgNode<DeleteStmt>) => check(node, "DELETE"),
    };
  },
} satisfies PgRuleDefinition<"noWhere" | "unboundedWhere">;
