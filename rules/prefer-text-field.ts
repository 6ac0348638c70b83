import { retypeColumn } from "../src/analysis/fix-safety.js";
import { quoteIdent } from "../src/analysis/names.js";
import { declarationSql, declaredColumnTypes, isArrayType, varcharLimit, type DeclaredColumnType } from "../src/analysis/types.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * varchar(n) and text are stored the same way; only the limit differs. Changing the limit later is
 * an ALTER COLUMN ... TYPE under ACCESS EXCLUSIVE (shrinking it also rescans the table), while a
 * CHECK constraint can be swapped with NOT VALID + VALIDATE CONSTRAINT without blocking traffic.
 * https://www.postgresql.org/docs/current/datatype-character.html
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export default {
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description: "Prefer text with a CHECK constraint over varchar(n) for columns",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("prefer-text-field"),
      category: "design",
    },
    messages: {
      preferText:
        'Column "{{column}}" of "{{table}}" is {{type}}: use {{better}}. The length limit lives in the type, so changing it later is an ALTER COLUMN ... TYPE that takes an ACCESS EXCLUSIVE lock on "{{table}}" (blocking reads and writes), while a CHECK constraint on the length can be replaced without blocking.',
      useText: 'Declare "{{column}}" as {{better}}.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const helpFor = (col: DeclaredColumnType, check: string | undefined): string[] => {
      const type = isArrayType(col.typeName) ? "text[]" : "text";
      if (!check || col.clause === "create-table" || (col.newTable && col.clause === "add-column")) {
        return [`  ${declarationSql(col, check ? `${type} ${check}` : type)}`];
      }
      const name = quoteIdent(`${col.table.name}_${col.column}_length`);
      const add = `  ALTER TABLE ${col.table.sql} ADD CONSTRAINT ${name} ${check}`;
      if (col.newTable) return [`  ${declarationSql(col, type)}`, `${add};`];
      // On a table in use, add the limit NOT VALID and validate it separately: neither step blocks traffic for a scan.
      return [
        `  ${declarationSql(col, type)}`,
        `${add} NOT VALID;`,
        `  ALTER TABLE ${col.table.sql} VALIDATE CONSTRAINT ${name}; -- in a later transaction`,
      ];
    };
    const check = (node: PgNode): void => {
      if (node.parent) return;
      for (const col of declaredColumnTypes(sourceCode, node.statement)) {
        const limit = varcharLimit(col.typeName);
        if (limit === undefined) continue;
        const array = isArrayType(col.typeName);
        const lengthCheck = limit > 0 && !array ? `CHECK (char_length(${quoteIdent(col.column)}) <= ${limit})` : undefined;
        const better = array ? "text[]" : lengthCheck ? `text ${lengthCheck}` : "text";
        const data = { column: col.column, table: col.table.label, type: col.written, better };
        context.report({
          loc: sourceCode.locOf(col.span.range),
          messageId: "preferText",
          data,
          help: [lengthCheck ? "Declare the column as text and keep the limit in a CHECK constraint:" : `Declare the column as ${better}:`, ...helpFor(col, lengthCheck)].join("\n"),
          // A table the file creates: fixed when nothing else in the file depends on the type.
          ...(col.newTable && col.clause !== "alter-type" && !array ? retypeColumn(sourceCode, node.statement, col, better, { messageId: "useText", data }) : {}),
        });
      }
    };
    return { CreateStmt: check, CreateSchemaStmt: check, AlterTableStmt: check };
  },
} satisfies PgRuleDefinition<"preferText" | "useText">;
