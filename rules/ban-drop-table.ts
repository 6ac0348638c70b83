import { relationFromNameList } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DROP TABLE deletes the table and its data; code that still uses it fails at once. CASCADE also
 * drops the views and foreign keys that depend on it.
 * https://www.postgresql.org/docs/current/sql-droptable.html
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow dropping an existing table while running code may still use it",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-drop-table"),
      category: "compatibility",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      dropTable:
        'Dropping table "{{table}}" breaks running code that still uses it, and deletes its data for good{{cascade}} (it also takes an ACCESS EXCLUSIVE lock on "{{table}}").',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      DropStmt(node: PgNode) {
        const stmt = node.value;
        if (node.parent || stmt.removeType !== "OBJECT_TABLE") return;
        for (const object of (stmt.objects as unknown[] | undefined) ?? []) {
          const table = relationFromNameList(object);
          // A table created earlier in the same file is nobody else's yet.
          if (!table || sourceCode.migration.isNewTable(table, node.statement.index)) continue;
          context.report({
            loc: sourceCode.locOf(node.range),
            messageId: "dropTable",
            data: {
              table: table.label,
              cascade: stmt.behavior === "DROP_CASCADE" ? "; CASCADE also drops the views and foreign keys that depend on it" : "",
            },
            help: [
              "Drop the table in two deploys:",
              `  1. Deploy code that no longer uses ${table.sql}; check that nothing reads or writes it any more (the counters stop moving):`,
              `       SELECT seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relid = '${table.sql.replace(/'/g, "''")}'::regclass;`,
              "  2. Then, in a later migration, mark the drop as intended:",
              "       SET lock_timeout = '2s';",
              `       DROP TABLE ${table.sql};  -- pgsafe-ignore ban-drop-table -- unused since <release>`,
              `Keep a copy first if the data may be needed (pg_dump --table='${table.sql}').`,
            ].join("\n"),
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"dropTable">;
