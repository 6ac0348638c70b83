import type { AstObject } from "../src/parser/parse.js";
import { sqlOf } from "../src/analysis/constraints.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY (PG ≥ 12) and
 * ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PG ≥ 14) each fail with "<command> cannot run
 * inside a transaction block" inside BEGIN ... COMMIT or a transaction the migration tool opens,
 * whatever the table (checked on PG 18 with PGlite, including a table created in that transaction).
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 * https://www.postgresql.org/docs/current/sql-dropindex.html
 * https://www.postgresql.org/docs/current/sql-reindex.html
 * https://www.postgresql.org/docs/current/sql-altertable.html (DETACH PARTITION ... CONCURRENTLY)
 */

/** A DefElem option value read as Postgres' defGetBoolean does: no value = true. */
function booleanOption(arg: unknown): boolean {
  if (arg === undefined) return true;
  const node = arg as { String?: { sval?: string }; Integer?: { ival?: number }; Boolean?: { boolval?: boolean } };
  if (node.Integer) return (node.Integer.ival ?? 0) !== 0;
  if (node.Boolean) return node.Boolean.boolval === true;
  return !["false", "off", "0", "no"].includes((node.String?.sval ?? "").toLowerCase());
}

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow CONCURRENTLY operations inside a transaction",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-concurrently-in-transaction"),
      category: "transactions",
    },
    messages: {
      inTransaction:
        '{{command}} runs inside {{where}}: Postgres refuses it with "{{command}} cannot run inside a transaction block" and the migration fails.',
      inFunction:
        '{{command}} runs inside {{where}}: Postgres refuses it with "{{command}} cannot be executed from a function" (a DO block counts as one) and the migration fails.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;

    const check = (node: PgNode, command: string): void => {
      const transaction = sourceCode.factsOf(node).transaction;
      if (!transaction || node.parent) return;
      // In a DO block or a function the file calls (src/parser/plpgsql.ts): never top level, so it
      // always fails, also outside a transaction (checked with PGlite in test/engine/hidden-statements.test.ts).
      const hidden = node.statement.hiddenIn;
      if (hidden) {
        const container = sourceCode.parsed.statements[hidden.statement]!;
        const runBy = sourceCode.parsed.statements[hidden.runBy ?? hidden.statement]!;
        const line = (s: { start: number }): number => sourceCode.locOf([s.start, s.start]).start.line;
        const name = container.type === "CreateFunctionStmt" ? ((container.node.funcname as { String?: { sval?: string } }[] | undefined) ?? []).at(-1)?.String?.sval : undefined;
        const inside = name !== undefined ? `the function "${name}" (called on line ${line(runBy)})` : `the DO block on line ${line(container)}`;
        context.report({
          loc: sourceCode.locOf(sourceCode.keywordRange(node.statement, ["CONCURRENTLY"]) ?? node.range),
          messageId: transaction.runBy !== undefined ? "inFunction" : "inTransaction",
          data: { command, where: `${hidden.kind === "execute" ? `an EXECUTE in ${inside}` : inside}${transaction.runBy === undefined ? ", within a transaction" : ""}` },
          help: [
            "Run it as a top-level statement of the migration, not inside a DO block or function, and outside any transaction:",
            `  ${sqlOf(sourceCode, node.statement, [node.statement.start, node.statement.end])};`,
          ].join("\n"),
        });
        return;
      }
      const begin = transaction.begin !== undefined ? sourceCode.parsed.statements[transaction.begin] : undefined;
      // The migration tool's own words, when src/analysis/frameworks recognised it.
      const runner = sourceCode.migration.options.runner;
      const implicit = transaction.kind === "implicit";
      const where = begin
        ? `the transaction opened by ${begin.node.kind === "TRANS_STMT_START" ? "START TRANSACTION" : "BEGIN"} on line ${sourceCode.locOf([begin.start, begin.start]).start.line}`
        : (runner?.transaction ??
          (implicit
            ? "the implicit transaction PostgreSQL runs a query holding several statements in (the migration tool sends the whole file as one query)"
            : "the transaction the migration tool runs the whole file in (assumeInTransaction)"));
      const statement = sqlOf(sourceCode, node.statement, [node.statement.start, node.statement.end]);
      context.report({
        loc: sourceCode.locOf(sourceCode.keywordRange(node.statement, ["CONCURRENTLY"]) ?? node.range),
        messageId: "inTransaction",
        data: { command, where },
        help: [
          begin
            ? "Run it outside the transaction: move it after the COMMIT, or into its own migration that your tool runs without a transaction:"
            : runner?.optOut
              ? `Run it outside a transaction: ${runner.optOut}:`
              : implicit
                ? "Run it outside a transaction: put it alone in its own migration file (a query holding a single statement runs without a transaction):"
                : "Run it outside a transaction: put it in its own migration file, marked with your migration tool's no-transaction setting, and keep the other statements in another file:",
          `  ${statement};`,
          ...(command === "CREATE INDEX CONCURRENTLY" || command === "REINDEX CONCURRENTLY"
            ? ["If a concurrent build fails it leaves an INVALID index behind: drop it with DROP INDEX CONCURRENTLY before retrying."]
            : []),
        ].join("\n"),
      });
    };

    return {
      IndexStmt(node: PgNode) {
        if (node.value.concurrent) check(node, "CREATE INDEX CONCURRENTLY");
      },
      DropStmt(node: PgNode) {
        if (node.value.removeType === "OBJECT_INDEX" && node.value.concurrent) check(node, "DROP INDEX CONCURRENTLY");
      },
      ReindexStmt(node: PgNode) {
        const params = (node.value.params as { DefElem?: AstObject }[] | undefined) ?? [];
        const option = params.map((p) => p.DefElem).find((d) => String(d?.defname).toLowerCase() === "concurrently");
        if (option && booleanOption(option.arg)) check(node, "REINDEX CONCURRENTLY");
      },
      AlterTableStmt(node: PgNode) {
        const cmds = (node.value.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? [];
        const detach = cmds.some((c) => c.AlterTableCmd?.subtype === "AT_DetachPartition" && (c.AlterTableCmd.def as { PartitionCmd?: AstObject } | undefined)?.PartitionCmd?.concurrent === true);
        if (detach) check(node, "ALTER TABLE ... DETACH CONCURRENTLY");
      },
    };
  },
} satisfies PgRuleDefinition<"inTransaction" | "inFunction">;
