import { existingTableChanges, type ExistingTableChange } from "../src/analysis/phases.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * Expand/contract: add the new shape, deploy code that uses it, and remove the old shape only once
 * no running code needs it. A migration that does both on one table leaves no moment in which the
 * old and the new application code can both run against the database.
 * https://www.postgresql.org/docs/current/ddl-alter.html
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow expanding and contracting the same existing table in one migration",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("mixed-expand-contract"),
      category: "compatibility",
    },
    messages: {
      mixedExpandContract:
        'This migration both expands "{{table}}" (line {{line}}: {{expand}}) and contracts it here ({{contract}}): no version of the application works both before and after it, since code that needs the new shape cannot ship first and code still using the old shape breaks here. Ship the expand and the contract in separate deploys.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const rangeOf = (change: ExistingTableChange): [number, number] => {
      const statement = change.statement;
      if (change.command !== undefined) return sourceCode.alterCommandRange(statement, change.command);
      const rename = change.kind === "rename-table" || change.kind === "rename-column" ? sourceCode.keywordRange(statement, ["RENAME"]) : undefined;
      return rename ? [rename[0], statement.end] : [statement.start, statement.end];
    };
    return {
      Migration() {
        const changes = existingTableChanges(sourceCode.parsed.statements, sourceCode.migration.isNewTable);
        for (const contract of changes) {
          if (contract.phase !== "contract") continue;
          const expand = changes.find((c) => c.phase === "expand" && c.identity === contract.identity);
          if (!expand) continue;
          const range = rangeOf(contract);
          const line = sourceCode.locOf(rangeOf(expand)).start.line;
          const on = expand.table.key === contract.table.key ? "" : ` on "${expand.table.label}"`;
          const contractSql =
            contract.command !== undefined ? `ALTER TABLE ${contract.table.sql} ${sourceCode.text.slice(range[0], range[1])};` : `${contract.statement.text};`;
          context.report({
            loc: sourceCode.locOf(range),
            messageId: "mixedExpandContract",
            data: { table: contract.table.label, line, expand: `${expand.what}${on}`, contract: contract.what },
            help: [
              "Split the migration into two deploys:",
              `  1. this migration without the contracting statement; deploy it, then deploy code that uses the new shape of "${contract.table.label}" and no longer needs the old one;`,
              "  2. a later migration, once no running code uses the old shape:",
              `     ${contractSql}`,
            ].join("\n"),
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"mixedExpandContract">;
