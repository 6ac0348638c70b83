import { alterTableActions } from "../src/analysis/alter-table.js";
import { nameFor } from "../src/analysis/checks.js";
import { columnTypeOf, formatColumnType, replayBefore } from "../src/analysis/columns.js";
import { quoteIdent, type RelationRef } from "../src/analysis/names.js";
import { knownColumnTypes } from "../src/analysis/schema.js";
import { classifyTypeChange } from "../src/analysis/type-change.js";
import type { PgSourceCode } from "../src/language/source-code.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/** The USING expression as written, with `prefix` (e.g. `NEW.`) before each plain column reference. */
function usingText(sourceCode: PgSourceCode, statement: ParsedStatement, segment: [number, number], using: unknown, prefix: string): string {
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment") && t.start >= segment[0] && t.end <= segment[1]);
  const start = tokens[tokens.findIndex((t) => t.upper === "USING") + 1]?.start ?? segment[1];
  const refs: number[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    const ref = (value as { ColumnRef?: { fields?: unknown[]; location?: number } }).ColumnRef;
    if (ref?.fields?.length === 1) refs.push(sourceCode.indexOfLocation(statement, ref.location));
    Object.values(value).forEach(visit);
  };
  visit(using);
  let out = "";
  let at = start;
  for (const ref of refs.filter((r) => r >= start && r < segment[1]).sort((a, b) => a - b)) {
    out += sourceCode.text.slice(at, ref) + prefix;
    at = ref;
  }
  return out + sourceCode.text.slice(at, segment[1]);
}

function expandContract(table: RelationRef, column: string, type: string, expr: (prefix: string) => string, pgVersion: number): string[] {
  const col = quoteIdent(column);
  const next = quoteIdent(`${column}_new`);
  const sync = quoteIdent(nameFor(table, column, "new_sync"));
  return [
    "Change the type without a long lock (expand, migrate, contract):",
    `  ALTER TABLE ${table.sql} ADD COLUMN ${next} ${type};`,
    `  CREATE FUNCTION ${sync}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.${next} := ${expr("NEW.")}; RETURN NEW; END $$;`,
    `  CREATE TRIGGER ${sync} BEFORE INSERT OR UPDATE ON ${table.sql} FOR EACH ROW EXECUTE ${pgVersion >= 11 ? "FUNCTION" : "PROCEDURE"} ${sync}();`,
    "  -- backfill in batches, one transaction each:",
    `  UPDATE ${table.sql} SET ${next} = ${expr("")} WHERE id BETWEEN 1 AND 10000;`,
    `  -- build the indexes and constraints of ${col} on ${next} (CONCURRENTLY), then swap in one short transaction:`,
    `  BEGIN; DROP TRIGGER ${sync} ON ${table.sql}; ALTER TABLE ${table.sql} RENAME COLUMN ${col} TO ${quoteIdent(`${column}_old`)}; ALTER TABLE ${table.sql} RENAME COLUMN ${next} TO ${col}; COMMIT;`,
    `  -- once nothing uses it: ALTER TABLE ${table.sql} DROP COLUMN ${quoteIdent(`${column}_old`)};`,
  ];
}

/**
 * ALTER COLUMN ... TYPE takes ACCESS EXCLUSIVE and, unless the change is binary-coercible, rewrites
 * the table and rebuilds its indexes. The old type is known when an earlier statement of the file, or
 * an earlier file of the run (the known schema), declared it.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow changing the type of a column of an existing table unless the change is known to be binary-coercible",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("changing-column-type"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      rewrite:
        'Changing column "{{column}}" of "{{table}}" from {{from}} to {{to}} rewrites the whole table and rebuilds its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until it finishes.',
      mayRewrite:
        'Changing column "{{column}}" of "{{table}}" {{change}} takes an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}", and rewrites the table and rebuilds its indexes while holding it unless the change is binary-coercible{{unknown}}.',
      usingExpression:
        'Changing column "{{column}}" of "{{table}}" {{change}} with USING takes an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}", and rewrites the table and rebuilds its indexes while holding it unless the expression only relabels the column as a binary-coercible type.',
      timestampTimeZone:
        'Changing column "{{column}}" of "{{table}}" from {{from}} to {{to}} takes an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" while the indexes on the column are rebuilt, and rewrites the whole table unless the session TimeZone is UTC.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    const typesBefore = replayBefore(knownColumnTypes(sourceCode.migration), sourceCode.parsed.statements);
    return {
      AlterTableStmt(node: PgNode) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true });
        if (!alter) return;
        const { table } = alter;
        const known = typesBefore(node.statement.index);
        alter.actions.forEach(({ cmd, range }) => {
          const def = (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
          const to = columnTypeOf(def?.typeName as AstObject | undefined);
          if (cmd.subtype !== "AT_AlterColumnType" || typeof cmd.name !== "string" || !to) return;
          const column = cmd.name;
          const from = known.typeOf(table, column);
          const using = def?.raw_default !== undefined;
          let kind = using ? "using" : from ? classifyTypeChange(from, to) : "unknown";
          // A COLLATE clause may change the column's collation: its indexes are then rebuilt.
          if (kind === "coercible" && def?.collClause !== undefined) kind = "unknown";
          if (kind === "coercible") return;
          // PG ≥ 12: timestamp ⇄ timestamptz skips the rewrite when the session TimeZone is UTC.
          // https://www.postgresql.org/docs/release/12.0/
          if (kind === "timezone" && pgVersion < 12) kind = "rewrite";
          const segment = range();
          const toSql = formatColumnType(to);
          const expr = (prefix: string): string =>
            using ? usingText(sourceCode, node.statement, segment, def?.raw_default, prefix) : `${prefix}${quoteIdent(column)}::${toSql}`;
          const help = expandContract(table, column, toSql, expr, pgVersion);
          if (kind === "timezone") {
            help.push(
              "Or, if the stored timestamps are UTC: run the ALTER with SET LOCAL timezone = 'UTC' in its transaction; PostgreSQL 12+ then skips the rewrite (indexes on the column are still rebuilt).",
            );
          }
          context.report({
            loc: sourceCode.locOf(segment),
            messageId: kind === "using" ? "usingExpression" : kind === "rewrite" ? "rewrite" : kind === "timezone" ? "timestampTimeZone" : "mayRewrite",
            data: {
              table: table.label,
              column,
              from: from ? formatColumnType(from) : "",
              to: toSql,
              change: from ? `from ${formatColumnType(from)} to ${toSql}` : `to ${toSql}`,
              unknown: !from
                ? " (its current type is not declared earlier in this or an earlier migration)"
                : def?.collClause !== undefined
                  ? " (with COLLATE, the indexes on the column are rebuilt even then)"
                  : from.collation !== undefined
                    ? ` (without COLLATE the column loses its collation "${from.collation}", so the indexes on it are rebuilt even then)`
                    : "",
            },
            help: help.join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"rewrite" | "mayRewrite" | "usingExpression" | "timestampTimeZone">;
