import type { AlterTableMoveAllStmt, AlterTableStmt } from "libpg-query";
import { alterTableActions } from "../src/analysis/alter-table.js";
import { quoteIdent, type RelationRef } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

const REWRITES: Record<string, string> = { AT_SetLogged: "SET LOGGED", AT_SetUnLogged: "SET UNLOGGED", AT_SetAccessMethod: "SET ACCESS METHOD" };

/** Running the statement in a maintenance window, with a bounded wait for the lock. */
function inWindow(lead: string, statement: string): string[] {
  return [`${lead} in a maintenance window, with a bound on the wait for the lock (retry when it times out):`, "  SET lock_timeout = '2s';", statement];
}

/**
 * SET LOGGED / SET UNLOGGED and (PG ≥ 15) SET ACCESS METHOD rewrite the table and rebuild its
 * indexes; SET TABLESPACE copies its files. All under ACCESS EXCLUSIVE: reads and writes wait.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow ALTER TABLE forms that rewrite or copy an existing table under an ACCESS EXCLUSIVE lock",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("rewrites-table"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      rewrite:
        '{{action}} rewrites {{relation}} under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until every row is copied{{wal}} and every index rebuilt.',
      moveTablespace:
        'SET TABLESPACE {{tablespace}} copies {{relation}} file by file under an ACCESS EXCLUSIVE lock that blocks reads and writes of "{{table}}" until the copy finishes.',
      moveAll:
        'ALTER {{kind}} ALL IN TABLESPACE "{{from}}" SET TABLESPACE "{{to}}" first takes an ACCESS EXCLUSIVE lock on every {{noun}} in "{{from}}", then copies them one by one: reads and writes of all of them wait until the last copy finishes.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      AlterTableStmt(node: PgNode<AlterTableStmt>) {
        const stmt = node.value;
        const alter = alterTableActions(sourceCode, node, { existingOnly: true, objtypes: ["OBJECT_TABLE", "OBJECT_MATVIEW"] });
        if (!alter) return;
        const { table } = alter;
        const relation = `${stmt.objtype === "OBJECT_MATVIEW" ? "materialized view" : "table"} "${table.label}"`;
        alter.actions.forEach(({ cmd, range }) => {
          // Where the command is written is looked up only for a finding.
          const at = (): { loc: ReturnType<typeof sourceCode.locOf>; statement: string } => ({
            loc: sourceCode.locOf(range()),
            statement: `  ALTER ${stmt.objtype === "OBJECT_MATVIEW" ? "MATERIALIZED VIEW" : "TABLE"} ${table.sql} ${sourceCode.text.slice(...range())};`,
          });
          if (cmd.subtype === "AT_SetTableSpace") {
            const tablespace = String(cmd.name);
            const { loc, statement } = at();
            context.report({
              loc,
              messageId: "moveTablespace",
              data: { tablespace: `"${tablespace}"`, relation, table: table.label },
              help: (stmt.objtype === "OBJECT_TABLE"
                ? [
                    "Move it online with pg_repack, which copies the table while reads and writes continue and swaps it in under a brief lock (the table needs a primary key or a unique index on NOT NULL columns):",
                    `  pg_repack --table=${repackName(table)} --tablespace=${quoteIdent(tablespace)} --moveidx`,
                    ...inWindow("Or run it", statement),
                  ]
                : inWindow("Run it", statement)
              ).join("\n"),
            });
            return;
          }
          const action = REWRITES[String(cmd.subtype)];
          if (!action) return;
          const { loc, statement } = at();
          context.report({
            loc,
            messageId: "rewrite",
            data: { action: cmd.subtype === "AT_SetAccessMethod" ? `SET ACCESS METHOD ${cmd.name ?? "DEFAULT"}` : action, relation, table: table.label, wal: cmd.subtype === "AT_SetLogged" ? " (and written to the WAL)" : "" },
            help: [
              cmd.subtype === "AT_SetAccessMethod"
                ? "There is no online form. Create a new table with the access method, have the application write to both, copy the rows in batches and switch over; or:"
                : `There is no online form of ${action}. ${cmd.subtype === "AT_SetLogged" ? "It also sends the whole table through the WAL, to replicas and archives." : "An unlogged table is emptied after a crash and is not replicated."}`,
              ...inWindow("Run it", statement),
            ].join("\n"),
          });
        });
      },
      AlterTableMoveAllStmt(node: PgNode<AlterTableMoveAllStmt>) {
        const stmt = node.value;
        if (node.parent) return;
        const kind = stmt.objtype === "OBJECT_INDEX" ? "INDEX" : stmt.objtype === "OBJECT_MATVIEW" ? "MATERIALIZED VIEW" : "TABLE";
        const from = String(stmt.orig_tablespacename);
        context.report({
          loc: node.loc,
          messageId: "moveAll",
          data: { kind, noun: kind.toLowerCase(), from, to: String(stmt.new_tablespacename) },
          help: [
            "Move busy tables one at a time, online, with pg_repack --table=<schema>.<table> --tablespace=<new> --moveidx.",
            ...inWindow("Run the rest", `  ${node.statement.text};`),
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"rewrite" | "moveTablespace" | "moveAll">;

/** The table as pg_repack's --table option takes it: schema-qualified. */
function repackName(table: RelationRef): string {
  return table.schema ? table.sql : `public.${table.sql}`;
}
