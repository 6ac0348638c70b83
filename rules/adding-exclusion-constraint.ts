import type { AlterTableStmt } from "libpg-query";
import { alterTableActions } from "../src/analysis/alter-table.js";
import { quoteIdent } from "../src/analysis/names.js";
import { addedConstraint, siblingName } from "../src/analysis/rewrites.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ADD CONSTRAINT ... EXCLUDE builds its index and checks every row under ACCESS EXCLUSIVE. Unlike
 * UNIQUE and PRIMARY KEY there is no USING INDEX form, and CHECK-style NOT VALID is not accepted,
 * so no sequence of statements adds it to a busy table without blocking it.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow adding an exclusion constraint to an existing table",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("adding-exclusion-constraint"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      addExclusion:
        'Adding exclusion constraint {{constraint}} on "{{table}}" builds its {{method}} index and checks every existing row under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until it finishes. PostgreSQL has no concurrent way to add it.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      AlterTableStmt(node: PgNode<AlterTableStmt>) {
        const alter = alterTableActions(sourceCode, node, { existingOnly: true, objtypes: "any" });
        if (!alter) return;
        const { table } = alter;
        alter.actions.forEach(({ cmd, range: commandRange }) => {
          const constraint = addedConstraint(cmd);
          if (constraint?.contype !== "CONSTR_EXCLUSION") return;
          const range = commandRange();
          const clause = sourceCode.text.slice(range[0], range[1]).replace(/^ADD\s+/i, "");
          const name = typeof constraint.conname === "string" ? constraint.conname : undefined;
          const copy = siblingName(table, "_new");
          // The constraint's index is named after it, and index names are unique in a schema.
          const body = clause.slice(Math.max(0, clause.search(/\bEXCLUDE\b/i)));
          const copyClause = name ? `CONSTRAINT ${quoteIdent(`${name}_new`)} ${body}` : body;
          context.report({
            loc: sourceCode.locOf(range),
            messageId: "addExclusion",
            data: {
              table: table.label,
              constraint: name ? `"${name}"` : "(unnamed)",
              method: typeof constraint.access_method === "string" ? constraint.access_method : "btree",
            },
            help: [
              `No sequence of statements adds this constraint to "${table.label}" while it serves traffic. Choose one:`,
              "1. A maintenance window: stop the writers (and the readers that cannot wait), bound the wait for the lock, and add it:",
              "     SET lock_timeout = '2s';",
              `     ALTER TABLE ${table.sql} ADD ${clause};`,
              `2. A new table: create it with the constraint, have the application write to both, copy the old rows in batches, switch reads, then drop "${table.label}":`,
              `     CREATE TABLE ${copy.sql} (LIKE ${table.sql} INCLUDING ALL, ${copyClause});`,
              `Find rows that would violate it beforehand, so the window is not wasted on a failure${name ? ` of ${quoteIdent(name)}` : ""}.`,
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"addExclusion">;
