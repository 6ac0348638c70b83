import { alterTableActions } from "../src/analysis/alter-table.js";
import { columnTypeOf, formatColumnType, isNullConstant } from "../src/analysis/columns.js";
import { addColumnRewrites } from "../src/analysis/locks.js";
import { quoteIdent } from "../src/analysis/names.js";
import type { PgSourceCode } from "../src/language/source-code.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

// Words that start the next column constraint after a DEFAULT expression.
const NEXT_CONSTRAINT = new Set(["NOT", "NULL", "CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "REFERENCES", "COLLATE", "GENERATED", "DEFERRABLE", "INITIALLY"]);

/** The default expression as written: the tokens after DEFAULT up to the next constraint of the column. */
function defaultText(sourceCode: PgSourceCode, statement: ParsedStatement, segment: [number, number], constraint: AstObject): string {
  const keyword = sourceCode.indexOfLocation(statement, constraint.location);
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment") && t.start > keyword && t.end <= segment[1]);
  let depth = 0;
  let end = tokens[0]?.end ?? keyword;
  for (const t of tokens) {
    if (depth === 0 && NEXT_CONSTRAINT.has(t.upper)) break;
    if (t.kind === "open-paren") depth++;
    if (t.kind === "close-paren") depth--;
    end = t.end;
  }
  return sourceCode.text.slice(tokens[0]?.start ?? keyword, end);
}

/**
 * ADD COLUMN ... DEFAULT <volatile expression> computes a value per row: Postgres rewrites the
 * table under ACCESS EXCLUSIVE. PG ≥ 11: a non-volatile default is stored in the catalog and the
 * ADD is instant; before 11 any non-NULL default rewrites.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding a column whose default rewrites an existing table (a volatile default, or any default before PostgreSQL 11)",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-field-with-default"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      volatileDefault:
        'Adding column "{{column}}" to "{{table}}" with the volatile default {{expression}} rewrites the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until every row has its own value.',
      anyDefaultRewrites:
        'Adding column "{{column}}" to "{{table}}" with DEFAULT {{expression}} rewrites the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" on PostgreSQL {{version}} (PostgreSQL 11+ stores a non-volatile default without a rewrite).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    return {
      AlterTableStmt(node: PgNode) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range }) => {
          const column = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
          if (cmd.subtype !== "AT_AddColumn" || !column || typeof column.colname !== "string") return;
          const constraints = ((column.constraints as { Constraint?: AstObject }[] | undefined) ?? []).map((c) => c.Constraint);
          const def = constraints.find((c) => c?.contype === "CONSTR_DEFAULT");
          // A NULL default is no default: nothing to store, no rewrite on any version.
          if (!def || isNullConstant(def.raw_expr)) return;
          // With a non-NULL default (which excludes serial, identity and generated columns), this is
          // PG < 11 or a volatile expression.
          if (!addColumnRewrites(column, pgVersion)) return;
          const segment = range();
          const expression = defaultText(sourceCode, node.statement, segment, def);
          const col = quoteIdent(column.colname);
          const type = columnTypeOf(column.typeName as AstObject | undefined);
          const notNull = constraints.some((c) => c?.contype === "CONSTR_NOTNULL");
          context.report({
            loc: sourceCode.locOf(segment),
            messageId: pgVersion < 11 ? "anyDefaultRewrites" : "volatileDefault",
            data: { table: table.label, column: column.colname, expression, version: String(pgVersion) },
            help: [
              "Add the column without a default, give new rows the default, and fill existing rows in batches:",
              `  ALTER TABLE ${table.sql} ADD COLUMN ${col}${type ? ` ${formatColumnType(type)}` : ""};`,
              `  ALTER TABLE ${table.sql} ALTER COLUMN ${col} SET DEFAULT ${expression};  -- catalog only: new rows`,
              "  -- backfill in batches, one transaction each:",
              `  UPDATE ${table.sql} SET ${col} = ${expression} WHERE ${col} IS NULL AND id BETWEEN 1 AND 10000;`,
              ...(notNull
                ? ["Then enforce NOT NULL with CHECK (...) NOT VALID, VALIDATE CONSTRAINT, SET NOT NULL (see adding-not-nullable-field)."]
                : []),
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"volatileDefault" | "anyDefaultRewrites">;
