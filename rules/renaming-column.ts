import { nameFor } from "../src/analysis/checks.js";
import { formatColumnType, replayBefore } from "../src/analysis/columns.js";
import { knownColumnTypes } from "../src/analysis/schema.js";
import { makeRelation, quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * RENAME COLUMN is catalog-only, but every query of the code still running names the old column
 * and fails from the moment the rename commits until the new code is deployed.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow renaming a column of an existing table while running code still uses the old name",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("renaming-column"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      renameColumn:
        'Renaming column "{{column}}" of "{{table}}" to "{{newName}}" breaks running code that still uses "{{column}}": its queries fail from the moment the migration commits until the new code is deployed (the rename itself takes only a brief ACCESS EXCLUSIVE lock).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    const typesBefore = replayBefore(knownColumnTypes(sourceCode.migration), sourceCode.parsed.statements);
    return {
      RenameStmt(node: PgNode) {
        const stmt = node.value;
        if (node.parent || stmt.renameType !== "OBJECT_COLUMN" || stmt.relationType !== "OBJECT_TABLE") return;
        const table = relationFromRangeVar(stmt.relation as AstObject);
        if (!table || typeof stmt.subname !== "string" || typeof stmt.newname !== "string") return;
        if (sourceCode.migration.isNewTable(table, node.statement.index)) return;
        const [from, to] = [quoteIdent(stmt.subname), quoteIdent(stmt.newname)];
        const known = typesBefore(node.statement.index).typeOf(table, stmt.subname);
        const sync = quoteIdent(nameFor(table, stmt.newname, "sync"));
        const data = makeRelation(table.schema, `${table.name}_data`);
        context.report({
          loc: sourceCode.locOf(sourceCode.alterCommandRange(node.statement, 0)),
          messageId: "renameColumn",
          data: { table: table.label, column: stmt.subname, newName: stmt.newname },
          help: [
            "Rename in steps so that old and new code both work (expand, migrate, contract):",
            `  ALTER TABLE ${table.sql} ADD COLUMN ${to} ${known ? formatColumnType(known) : `<type of ${from}>`};`,
            `  CREATE FUNCTION ${sync}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN`,
            `    IF TG_OP = 'INSERT' THEN NEW.${from} := COALESCE(NEW.${from}, NEW.${to}); NEW.${to} := NEW.${from};`,
            `    ELSIF NEW.${to} IS DISTINCT FROM OLD.${to} THEN NEW.${from} := NEW.${to};`,
            `    ELSE NEW.${to} := NEW.${from}; END IF; RETURN NEW; END $$;`,
            `  CREATE TRIGGER ${sync} BEFORE INSERT OR UPDATE ON ${table.sql} FOR EACH ROW EXECUTE ${pgVersion >= 11 ? "FUNCTION" : "PROCEDURE"} ${sync}();`,
            "  -- backfill in batches, one transaction each:",
            `  UPDATE ${table.sql} SET ${to} = ${from} WHERE id BETWEEN 1 AND 10000;`,
            `  -- deploy code that reads and writes ${to}; then, in a later migration:`,
            `  DROP TRIGGER ${sync} ON ${table.sql}; DROP FUNCTION ${sync}(); ALTER TABLE ${table.sql} DROP COLUMN ${from};`,
            "Or, for the deploy, put a view with both column names in the table's place:",
            `  BEGIN; ALTER TABLE ${table.sql} RENAME TO ${quoteIdent(data.name)}; ALTER TABLE ${data.sql} RENAME COLUMN ${from} TO ${to};`,
            `  CREATE VIEW ${table.sql} AS SELECT *, ${to} AS ${from} FROM ${data.sql}; COMMIT;`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"renameColumn">;
