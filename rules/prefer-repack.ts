import type { ClusterStmt, VacuumStmt } from "libpg-query";
import { quoteIdent, relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import { optionEnabled, sqlString } from "../src/analysis/rewrites.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject } from "../src/parser/parse.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * VACUUM FULL and CLUSTER copy the table into new files and rebuild its indexes, holding ACCESS
 * EXCLUSIVE throughout. pg_repack and pg_squeeze do the same copy while reads and writes go on.
 * PG ≥ 19: REPACK (CONCURRENTLY) does it in core, with ACCESS EXCLUSIVE only for the final swap.
 * https://www.postgresql.org/docs/current/sql-vacuum.html https://www.postgresql.org/docs/current/sql-cluster.html
 * https://www.postgresql.org/docs/19/sql-repack.html
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Prefer an online rebuild (pg_repack, pg_squeeze, REPACK CONCURRENTLY) over VACUUM FULL and CLUSTER",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("prefer-repack"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      vacuumFull:
        "VACUUM FULL rewrites {{target}} under an ACCESS EXCLUSIVE lock that blocks reads and writes until every live row is copied and every index rebuilt.",
      cluster:
        "CLUSTER rewrites {{target}} in index order under an ACCESS EXCLUSIVE lock that blocks reads and writes until every row is copied and every index rebuilt.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    const existing = (tables: RelationRef[], index: number): RelationRef[] => tables.filter((t) => !sourceCode.migration.isNewTable(t, index));
    return {
      VacuumStmt(node: PgNode<VacuumStmt>) {
        const stmt = node.value;
        if (node.parent || !stmt.is_vacuumcmd || !optionEnabled(stmt.options, "full")) return;
        const all = (stmt.rels ?? []).map((r) => relationFromRangeVar((r as { VacuumRelation?: AstObject }).VacuumRelation?.relation as AstObject | undefined));
        const named = all.filter((r): r is RelationRef => !!r);
        const tables = existing(named, node.statement.index);
        if (named.length > 0 && tables.length === 0) return;
        // `VACUUM FULL t` starts at VACUUM; in `VACUUM (VERBOSE, FULL) t` the FULL option is the clause.
        const full = sourceCode.keywordRange(node.statement, ["VACUUM", "FULL"]) ?? sourceCode.keywordRange(node.statement, ["FULL"]);
        context.report({
          loc: sourceCode.locOf(full ?? node.range),
          messageId: "vacuumFull",
          data: { target: describe(tables, "every table of the current database") },
          help: help(tables, { cluster: false }, pgVersion, "To make the space reusable without returning it to the operating system, a plain VACUUM is enough and blocks nothing."),
        });
      },
      ClusterStmt(node: PgNode<ClusterStmt>) {
        const stmt = node.value;
        if (node.parent) return;
        const table = relationFromRangeVar(stmt.relation as never);
        if (table && sourceCode.migration.isNewTable(table, node.statement.index)) return;
        const index = typeof stmt.indexname === "string" ? stmt.indexname : undefined;
        context.report({
          loc: sourceCode.locOf(sourceCode.keywordRange(node.statement, ["CLUSTER"]) ?? node.range),
          messageId: "cluster",
          data: { target: table ? `"${table.label}"${index ? ` (by index "${index}")` : ""}` : "every table that has a cluster index" },
          help: help(table ? [table] : [], { cluster: true, index }, pgVersion, "The order is not maintained for later writes: clustering has to be repeated to keep it."),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"vacuumFull" | "cluster">;

function describe(tables: RelationRef[], none: string): string {
  return tables.length === 0 ? none : tables.map((t) => `"${t.label}"`).join(", ");
}

/** `cluster`: keep the rows in index order (`index`, or the table's cluster index when undefined). */
function help(tables: RelationRef[], order: { cluster: boolean; index?: string }, pgVersion: number, note: string): string {
  const { index } = order;
  const using = order.cluster ? ` USING INDEX${index ? ` ${quoteIdent(index)}` : ""}` : "";
  const targets = tables.length > 0 ? tables : undefined;
  const lines: string[] = [];
  // PG ≥ 19: REPACK (CONCURRENTLY) rebuilds with ACCESS EXCLUSIVE only for the final swap.
  // https://www.postgresql.org/docs/19/sql-repack.html
  if (pgVersion >= 19 && targets) {
    lines.push(
      "Rebuild it while reads and writes continue, outside a transaction block (the table needs a primary key or replica identity index, and a free replication slot):",
      ...targets.map((t) => `  REPACK (CONCURRENTLY) ${t.sql}${using};`),
      "Or, outside the migration, with an extension:",
    );
  } else {
    lines.push("Rebuild it online, outside the migration, with pg_repack or pg_squeeze (the table needs a primary key or a unique index on NOT NULL columns):");
  }
  for (const t of targets ?? []) {
    const schema = t.schema ?? "public";
    if (index) lines.push(`  ALTER TABLE ${t.sql} CLUSTER ON ${quoteIdent(index)};  -- pg_repack orders by the table's cluster index`);
    lines.push(`  pg_repack --table=${quoteIdent(schema)}.${quoteIdent(t.name)}${order.cluster ? "" : " --no-order"}`);
    if (!order.cluster || index) lines.push(`  SELECT squeeze.squeeze_table(${sqlString(schema)}, ${sqlString(t.name)}, ${index ? sqlString(index) : "NULL"}, NULL, NULL);`);
  }
  if (!targets) lines.push("  pg_repack --dbname=<database>   (or one table at a time: pg_repack --table=<schema>.<table>)");
  lines.push(note);
  return lines.join("\n");
}
