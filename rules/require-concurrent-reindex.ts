import type { ReindexStmt } from "libpg-query";
import { quoteIdent, relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import { indexCreatedInFile } from "../src/analysis/indexes.js";
import { optionEnabled, outsideTransactionNote, regclassSql, siblingName, sqlString } from "../src/analysis/rewrites.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

const KIND_WORD: Record<string, string> = {
  REINDEX_OBJECT_INDEX: "INDEX",
  REINDEX_OBJECT_TABLE: "TABLE",
  REINDEX_OBJECT_SCHEMA: "SCHEMA",
  REINDEX_OBJECT_DATABASE: "DATABASE",
  REINDEX_OBJECT_SYSTEM: "SYSTEM",
};

// The planner takes ACCESS SHARE on every index of a table it plans for, so an index under
// ACCESS EXCLUSIVE stalls nearly every query on the table.
// https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-NOTES
function lockPhrase(kind: string, target: string): string {
  if (kind === "INDEX") return `takes a SHARE lock on the table of ${target} (blocks writes) and an ACCESS EXCLUSIVE lock on ${target} (blocks nearly all reads of that table: the planner locks every index)`;
  if (kind === "TABLE") return `takes a SHARE lock on ${target} (blocks writes) and an ACCESS EXCLUSIVE lock on each of its indexes (blocks nearly all reads: the planner locks every index)`;
  return `locks one table after another: a SHARE lock on each (blocks writes) and an ACCESS EXCLUSIVE lock on each of its indexes (blocks nearly all reads)`;
}

/**
 * REINDEX without CONCURRENTLY blocks writes to the table and, through the index lock, nearly all
 * reads. PG ≥ 12: REINDEX ... CONCURRENTLY rebuilds under SHARE UPDATE EXCLUSIVE; never for system catalogs.
 * https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY
 *
 * A suggestion, never a fix, inserts CONCURRENTLY for a statement that runs on its own (outside any
 * transaction block): the index may be one CONCURRENTLY refuses (an exclusion constraint's index,
 * a system catalog's), which only the database knows.
 */
export default {
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Require CONCURRENTLY when rebuilding indexes with REINDEX",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("require-concurrent-reindex"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      addConcurrently: "Use REINDEX {{kind}} CONCURRENTLY (outside a transaction block).",
      missingConcurrently: "REINDEX {{target}} without CONCURRENTLY {{locks}} until the rebuild finishes.",
      noConcurrentForm:
        "REINDEX {{target}} {{locks}} until the rebuild finishes. PostgreSQL {{version}} cannot rebuild an index in place without these locks: build a new index concurrently and swap it in.",
      systemCatalogs:
        "REINDEX SYSTEM rebuilds the indexes of the system catalogs and cannot run concurrently (with CONCURRENTLY it fails): each catalog is locked (SHARE, and ACCESS EXCLUSIVE on its indexes) while rebuilt, stalling DDL and every query that needs to read that catalog.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { pgVersion } = sourceCode.migration.options;
    return {
      ReindexStmt(node: PgNode<ReindexStmt>) {
        const stmt = node.value;
        if (node.parent) return;
        const kind = KIND_WORD[stmt.kind ?? ""] ?? "INDEX";
        const keyword = sourceCode.keywordRange(node.statement, [kind]);
        const loc = sourceCode.locOf(keyword ? [node.statement.start, keyword[1]] : node.range);
        if (kind === "SYSTEM") {
          context.report({
            loc,
            messageId: "systemCatalogs",
            help: [
              // PG ≥ 12: REINDEX DATABASE CONCURRENTLY rebuilds user indexes and skips the catalogs.
              // https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY
              ...(pgVersion >= 12
                ? ["To rebuild the indexes of your own tables without blocking, outside a transaction block (the system catalogs are skipped):", "  REINDEX DATABASE CONCURRENTLY;"]
                : []),
              "Rebuild the system catalogs' indexes only in a maintenance window, with no application connected.",
            ].join("\n"),
          });
          return;
        }
        if (optionEnabled(stmt.params, "concurrently")) return;
        const relation = relationFromRangeVar(stmt.relation as never);
        if (relation && skip(kind, relation, node.statement.index)) return;
        const name = relation ?? (stmt.name ? { label: stmt.name, sql: quoteIdent(stmt.name) } : undefined);
        const target = name ? `${kind} "${name.label}"` : kind;
        const data = { target, locks: lockPhrase(kind, name ? `"${name.label}"` : "it"), version: String(pgVersion) };
        const transaction = sourceCode.factsOf(node.statement).transaction;
        const where = outsideTransactionNote(transaction);
        if (pgVersion >= 12) {
          const options = (/^REINDEX\s*\(([^)]*)\)/i.exec(node.statement.text)?.[1] ?? "")
            .split(",")
            .map((o) => o.trim())
            .filter((o) => o !== "" && !/^concurrently\b/i.test(o))
            .join(", ");
          const command = options ? `REINDEX (${options}, CONCURRENTLY) ${kind}` : `REINDEX ${kind} CONCURRENTLY`;
          const failed = kind === "INDEX" && relation ? ` (here ${siblingName(relation, "_ccnew").sql})` : "";
          context.report({
            loc,
            messageId: "missingConcurrently",
            data,
            help: [
              `Rebuild without blocking reads or writes, ${where}:`,
              `  ${command}${name ? ` ${name.sql}` : ""};`,
              `If it fails it leaves an INVALID index whose name ends in _ccnew${failed}: drop it with DROP INDEX CONCURRENTLY and run the REINDEX again.`,
            ].join("\n"),
            // Not where an option list already says CONCURRENTLY false: the user chose.
            ...(keyword && !transaction && !node.statement.hiddenIn && !/^REINDEX\s*\([^)]*\bconcurrently\b/i.test(node.statement.text)
              ? { suggest: [{ messageId: "addConcurrently" as const, data: { kind }, fix: (fixer) => fixer.insertTextAfterRange(keyword, " CONCURRENTLY") }] }
              : {}),
          });
          return;
        }
        context.report({ loc, messageId: "noConcurrentForm", data, help: swapHelp(kind, relation, stmt.name) });
      },
    };

    /** A table created earlier in this file, or an index created on one. */
    function skip(kind: string, relation: RelationRef, index: number): boolean {
      if (kind === "TABLE") return sourceCode.migration.isNewTable(relation, index);
      const known = indexCreatedInFile(sourceCode.parsed, relation, index);
      return !!known && sourceCode.migration.isNewTable(known.table, index);
    }
  },
} satisfies PgRuleDefinition<"missingConcurrently" | "noConcurrentForm" | "systemCatalogs" | "addConcurrently">;

/** Before PG 12: build a copy of the index concurrently and swap it in. */
function swapHelp(kind: string, relation: RelationRef | undefined, name: string | undefined): string {
  const lines = ["To replace an index without blocking reads or writes, build a copy with CREATE INDEX CONCURRENTLY and swap it in, outside a transaction block:"];
  if (kind === "INDEX" && relation) {
    const copy = siblingName(relation, "_new");
    lines.push(
      `  SELECT pg_get_indexdef(${regclassSql(relation)});  -- the definition to copy`,
      `  CREATE INDEX CONCURRENTLY ${copy.name} ON ...;  -- that definition, named ${copy.name}`,
      `  DROP INDEX CONCURRENTLY ${relation.sql};`,
      `  ALTER INDEX ${copy.sql} RENAME TO ${relation.name};`,
    );
  } else {
    const filter =
      kind === "TABLE" && relation
        ? `indrelid = ${regclassSql(relation)}`
        : kind === "SCHEMA" && name
          ? `c.relnamespace = ${sqlString(quoteIdent(name))}::regnamespace`
          : "c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace, 'information_schema'::regnamespace)";
    lines.push(
      `  SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index JOIN pg_class c ON c.oid = indrelid WHERE ${filter};`,
      "  -- then, for each index: CREATE INDEX CONCURRENTLY <name>_new <same definition>; DROP INDEX CONCURRENTLY <name>; ALTER INDEX <name>_new RENAME TO <name>;",
    );
  }
  lines.push("An index behind a PRIMARY KEY or UNIQUE constraint cannot be dropped on its own: build the copy as a UNIQUE index and swap the constraint to it with ADD CONSTRAINT ... USING INDEX.");
  return lines.join("\n");
}
