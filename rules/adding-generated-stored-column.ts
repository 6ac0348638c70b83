import type { AlterTableStmt } from "libpg-query";
import { alterTableActions } from "../src/analysis/alter-table.js";
import { nameFor } from "../src/analysis/checks.js";
import { makeRelation, quoteIdent, type RelationRef } from "../src/analysis/names.js";
import {
  addedColumn,
  batchedUpdateSql,
  columnConstraints,
  columnRefLocations,
  generatedKeyword,
  generatedKind,
  parenthesizedAfter,
} from "../src/analysis/rewrites.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition, PgSourceCode } from "../src/types.js";

/**
 * Adding a STORED generated column computes it for every row: a table rewrite under ACCESS
 * EXCLUSIVE. A VIRTUAL one is computed when read and adds nothing to the rows.
 * PG ≥ 18: virtual generated columns exist, and are the default when neither STORED nor VIRTUAL is
 * written; PG 12-17 require STORED; before PG 12 there are no generated columns.
 * https://www.postgresql.org/docs/release/18.0/ ("Allow generated columns to be virtual ... the default")
 * https://www.postgresql.org/docs/17/sql-createtable.html ("The keyword STORED is required")
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding a stored generated column to an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-generated-stored-column"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      storedColumn:
        'Adding stored generated column "{{column}}" to "{{table}}" rewrites the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until every row is computed and every index rebuilt.',
      unsupported: 'PostgreSQL {{version}} cannot add generated column "{{column}}" to "{{table}}" ({{reason}}): the statement fails there.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    return {
      AlterTableStmt(node: PgNode<AlterTableStmt>) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true, objtypes: "any" });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range }) => {
          const column = addedColumn(cmd);
          const generated = column && columnConstraints(column).find((c) => c.contype === "CONSTR_GENERATED");
          if (!column || !generated) return;
          const loc = sourceCode.locOf(range());
          const data = { table: table.label, column: String(column.colname), version: String(pgVersion) };
          const at = sourceCode.indexOfLocation(node.statement, generated.location);
          // The parser marks the kind "s" or "v"; with neither keyword it says "v" (PG 18 grammar).
          const kind = generatedKind(generated);
          // PG ≥ 12: generated columns; PG ≥ 18: VIRTUAL ones, and VIRTUAL is the default (before, STORED was required).
          // https://www.postgresql.org/docs/release/18.0/ https://www.postgresql.org/docs/release/12.0/
          const reason =
            pgVersion < 12
              ? "generated columns arrive in PostgreSQL 12"
              : kind === "virtual" && pgVersion < 18
                ? generatedKeyword(sourceCode.tokensOf(node.statement), at) === "VIRTUAL"
                  ? "VIRTUAL generated columns arrive in PostgreSQL 18; a STORED one would rewrite the table"
                  : "without STORED the column is virtual, which needs PostgreSQL 18; before it STORED is required, and a STORED column rewrites the table"
                : undefined;
          if (reason) {
            context.report({
              loc,
              messageId: "unsupported",
              data: { ...data, reason },
              help: `If the server is newer, set pgVersion. On PostgreSQL ${pgVersion}:\n${help(sourceCode, node.statement, table, column, generated, pgVersion)}`,
            });
            return;
          }
          if (kind === "virtual") return;
          context.report({ loc, messageId: "storedColumn", data, help: help(sourceCode, node.statement, table, column, generated, pgVersion) });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"storedColumn" | "unsupported">;

function help(sourceCode: PgSourceCode, statement: ParsedStatement, table: RelationRef, column: AstObject, generated: AstObject, pgVersion: number): string {
  const tokens = sourceCode.tokensOf(statement);
  const at = sourceCode.indexOfLocation(statement, generated.location);
  const exprRange = parenthesizedAfter(tokens, at) ?? [at, at];
  const expr = sourceCode.text.slice(exprRange[0], exprRange[1]).trim();
  // The same expression over the row being written: `a * 2` becomes `NEW.a * 2`.
  let overNew = sourceCode.text.slice(exprRange[0], exprRange[1]);
  for (const index of columnRefLocations(generated.raw_expr).map((l) => sourceCode.indexOfLocation(statement, l)).sort((a, b) => b - a)) {
    const k = index - exprRange[0];
    overNew = `${overNew.slice(0, k)}NEW.${overNew.slice(k)}`;
  }
  const typeStart = sourceCode.indexOfLocation(statement, (column.typeName as AstObject | undefined)?.location);
  const type = sourceCode.text.slice(typeStart, at).trim() || "<type>";
  const col = quoteIdent(String(column.colname));
  const fn = makeRelation(table.schema, nameFor(table, String(column.colname), "generated"));
  const lines: string[] = [];
  // PG ≥ 18: a virtual generated column is added without touching the rows.
  if (pgVersion >= 18) {
    lines.push(
      "If computing the value when it is read is enough, a virtual column does not rewrite the table (it cannot be indexed, and its expression may use only built-in functions and types):",
      `  ALTER TABLE ${table.sql} ADD COLUMN ${col} ${type} GENERATED ALWAYS AS (${expr}) VIRTUAL;`,
    );
  }
  lines.push(
    "To store it without a rewrite, add a plain column, keep it up to date with a trigger, and fill the existing rows in batches (each in its own transaction):",
    `  ALTER TABLE ${table.sql} ADD COLUMN ${col} ${type};`,
    `  CREATE FUNCTION ${fn.sql}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.${col} := (${overNew.trim()}); RETURN NEW; END $$;`,
    // PG ≥ 11: CREATE TRIGGER ... EXECUTE FUNCTION (EXECUTE PROCEDURE before).
    // https://www.postgresql.org/docs/11/sql-createtrigger.html
    `  CREATE TRIGGER ${quoteIdent(fn.name)} BEFORE INSERT OR UPDATE ON ${table.sql} FOR EACH ROW EXECUTE ${pgVersion >= 11 ? "FUNCTION" : "PROCEDURE"} ${fn.sql}();`,
    `  ${batchedUpdateSql(table, String(column.colname), `(${expr})`, `${col} IS DISTINCT FROM (${expr})`)}  -- repeat until it updates no rows`,
  );
  return lines.join("\n");
}
