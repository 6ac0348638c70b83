import { relationFromNameList, type RelationRef } from "../src/analysis/names.js";
import { statementSnippet } from "../src/analysis/timeouts.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/** A string literal (A_Const), with the `::type` cast around it when it is cast to the enum type. */
interface Use {
  literal: AstObject;
  cast?: AstObject;
}

const sqlLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * String literals equal to `value` in a statement: cast to the enum type (`'v'::mood`, certainly a
 * use of the new value), or bare (`WHERE mood = 'v'`, `VALUES ('v')`: a use when the other side is
 * of the enum type). A literal cast to another type (`'v'::text`), or compared with an expression
 * cast to another type (`mood::text = 'v'`), is not a value of the enum.
 */
function usesOf(node: unknown, value: string, type: RelationRef): Use[] {
  const uses: Use[] = [];
  const notEnum = new Set<unknown>();
  const castsToEnum = (cast: AstObject): boolean => {
    const typeName = cast.typeName as AstObject | undefined;
    return relationFromNameList(typeName?.names)?.key === type.key && typeName?.arrayBounds === undefined;
  };
  const isValue = (c: AstObject): boolean => (c.sval as { sval?: string } | undefined)?.sval === value;
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach(visit);
    const cast = (v as { TypeCast?: AstObject }).TypeCast;
    const castLiteral = (cast?.arg as { A_Const?: AstObject } | undefined)?.A_Const;
    if (cast && castLiteral) {
      if (castsToEnum(cast) && isValue(castLiteral)) uses.push({ literal: castLiteral, cast });
      return;
    }
    const expr = (v as { A_Expr?: AstObject }).A_Expr;
    for (const [side, other] of expr ? [[expr.lexpr, expr.rexpr], [expr.rexpr, expr.lexpr]] : []) {
      const otherCast = (other as { TypeCast?: AstObject } | undefined)?.TypeCast;
      const items = (side as { List?: { items?: unknown[] } } | undefined)?.List?.items ?? [side];
      if (otherCast && !castsToEnum(otherCast)) for (const item of items) notEnum.add((item as { A_Const?: unknown } | undefined)?.A_Const);
    }
    const literal = (v as { A_Const?: AstObject }).A_Const;
    if (literal) {
      if (isValue(literal) && !notEnum.has(literal)) uses.push({ literal });
      return;
    }
    Object.values(v).forEach(visit);
  };
  visit(node);
  return uses;
}

/** End of a (possibly schema-qualified) type name that starts at `start`. */
function castEnd(tokens: { start: number; end: number; upper: string }[], start: number): number | undefined {
  let k = tokens.findIndex((t) => t.start >= start);
  if (k < 0) return undefined;
  while (tokens[k + 1]?.upper === "." && tokens[k + 2]) k += 2;
  return tokens[k]!.end;
}

/**
 * Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block (unless
 * the enum type was created in the same transaction). PG ≥ 12: it can, but the new value cannot
 * be used until the transaction commits ("unsafe use of new value"), again unless the type is new
 * in the transaction. https://www.postgresql.org/docs/release/12.0/
 * https://www.postgresql.org/docs/current/sql-altertype.html#SQL-ALTERTYPE-NOTES
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow ALTER TYPE ... ADD VALUE in a transaction where it fails: before PostgreSQL 12, or when the new value is used before COMMIT",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("alter-enum-add-value-in-transaction"),
      category: "transactions",
    },
    messages: {
      addValueInTransaction:
        'Adding {{value}} to enum "{{type}}" inside a transaction block fails before PostgreSQL 12 with "ALTER TYPE ... ADD cannot run inside a transaction block", and the whole transaction rolls back.',
      newValueCast:
        "{{value}}::{{typeSql}} uses the value added to enum \"{{type}}\" on line {{line}} in the same transaction: PostgreSQL rejects it until that transaction commits (unsafe use of new value), and the migration fails.",
      newValueLiteral:
        "The literal {{value}} is the value added to enum \"{{type}}\" on line {{line}} in the same transaction: compared with or stored as a value of \"{{type}}\", PostgreSQL rejects it until that transaction commits (unsafe use of new value), and the migration fails.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { migration } = sourceCode;
    const pgVersion = migration.options.pgVersion;

    return {
      AlterEnumStmt(node: PgNode) {
        const { statement, value: alter } = node;
        const transaction = sourceCode.factsOf(statement).transaction;
        const type = relationFromNameList(alter.typeName);
        // RENAME VALUE (oldVal) is allowed in transactions, and its new name is usable at once.
        if (!transaction || !type || typeof alter.newVal !== "string" || alter.oldVal !== undefined) return;
        // An enum type created earlier in the same transaction takes new values at once.
        const created = (i: number): boolean => migration.facts(i).statement.type === "CreateEnumStmt" && relationFromNameList(migration.facts(i).statement.node.typeName)?.key === type.key;
        if (transaction.statements.some((i) => i < statement.index && created(i))) return;
        const value = sqlLiteral(alter.newVal);
        const neighbor = typeof alter.newValNeighbor === "string" ? ` ${alter.newValIsAfter ? "AFTER" : "BEFORE"} ${sqlLiteral(alter.newValNeighbor)}` : "";
        const addValue = `  ALTER TYPE ${type.sql} ADD VALUE IF NOT EXISTS ${value}${neighbor};`;
        const ownMigration = transaction.kind === "explicit" ? "before BEGIN, or in a migration of its own" : "in a migration of its own that your tool runs without a transaction";
        // PG ≥ 12: ADD VALUE may run inside a transaction block (before, it fails there); the new
        // value is unusable until COMMIT. https://www.postgresql.org/docs/release/12.0/
        if (pgVersion < 12) {
          const add = sourceCode.keywordRange(statement, ["ADD", "VALUE"]);
          context.report({
            loc: sourceCode.locOf(add ? [add[0], statement.end] : [statement.start, statement.end]),
            messageId: "addValueInTransaction",
            data: { value, type: type.label },
            help: [`Add the value outside any transaction, ${ownMigration}, before the migration that uses it:`, addValue].join("\n"),
          });
          return;
        }
        const line = String(sourceCode.source.positionAt(statement.start).line);
        for (const index of transaction.statements.filter((i) => i > statement.index)) {
          const later = migration.facts(index).statement;
          // COMMIT / ROLLBACK AND CHAIN commit (or undo) the value and start a new transaction.
          if (later.type === "TransactionStmt" && later.node.chain) break;
          for (const use of usesOf(later.node, alter.newVal, type)) {
            const start = sourceCode.indexOfLocation(later, use.literal.location);
            const end = use.cast ? castEnd(sourceCode.tokensOf(later), sourceCode.indexOfLocation(later, (use.cast.typeName as AstObject).location)) : undefined;
            context.report({
              loc: sourceCode.locOf([start, end ?? sourceCode.tokenEnd(later, start)]),
              messageId: use.cast ? "newValueCast" : "newValueLiteral",
              data: { value, type: type.label, typeSql: type.sql, line },
              help: [
                transaction.kind === "explicit"
                  ? "Commit the new value before it is used: end the transaction after ALTER TYPE (or add the value in a migration of its own), and use it in the next transaction:"
                  : `Commit the new value before it is used: add it ${ownMigration}, and use it in the next migration:`,
                addValue,
                ...(transaction.kind === "explicit" ? ["  COMMIT;", "  BEGIN;"] : ["  -- next migration:"]),
                `  ${statementSnippet(later)}`,
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"addValueInTransaction" | "newValueCast" | "newValueLiteral">;

