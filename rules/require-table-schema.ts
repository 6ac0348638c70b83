import { findNameToken, qualifiedNameEnd } from "../src/analysis/identifiers.js";
import { quoteIdent, relationFromNameList } from "../src/analysis/names.js";
import type { AstObject } from "../src/parser/parse.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * An unqualified table name is resolved through the search_path of the session that runs the
 * migration: CREATE TABLE puts the table in the first schema of the path that exists (with the
 * default path "$user", public, a schema named like the migration role wins over public; checked
 * on PG 18 with PGlite), and ALTER / DROP / REFERENCES act on the first match.
 * Scope: DDL that creates, changes, drops, indexes or references tables. Temporary tables (which
 * live in pg_temp and cannot be qualified with another schema) and statements nested in
 * CREATE SCHEMA (which go into that schema) are left out.
 * https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Require schema-qualified table names in DDL",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("require-table-schema"),
      category: "design",
    },
    messages: {
      unqualified:
        'Table "{{table}}" in {{clause}} is not schema-qualified: PostgreSQL resolves it through the search_path of the session that runs the migration, so it may {{effect}} in a different schema than intended.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const temporary = new Set<string>();

    const report = (range: [number, number], table: string, clause: string): void => {
      context.report({
        loc: sourceCode.locOf(range),
        messageId: "unqualified",
        data: { table, clause, effect: clause.startsWith("CREATE TABLE") ? "be created" : "refer to a table" },
        help: [
          "Write the schema you mean in front of the name, for example:",
          `  public.${quoteIdent(table)}`,
          'With the default search_path ("$user", public) an unqualified name means public, unless a schema named like the role that runs the migration exists: then it means that schema.',
        ].join("\n"),
      });
    };
    const checkRangeVar = (node: PgNode, rel: unknown, clause: string): void => {
      const r = rel as AstObject | undefined;
      if (!r || typeof r.relname !== "string" || typeof r.schemaname === "string" || r.relpersistence === "t") return;
      if (temporary.has(r.relname)) return;
      const at = sourceCode.indexOfLocation(node.statement, r.location);
      report([at, qualifiedNameEnd(sourceCode, node.statement, at)], r.relname, clause);
    };
    const wrapped = (items: unknown): AstObject[] =>
      ((items as { RangeVar?: AstObject }[] | undefined) ?? []).map((i) => i.RangeVar).filter((r): r is AstObject => !!r);
    const references = (node: PgNode, constraints: unknown): void => {
      for (const c of (constraints as ({ Constraint?: AstObject } | undefined)[] | undefined) ?? []) {
        if (c?.Constraint?.contype === "CONSTR_FOREIGN") checkRangeVar(node, c.Constraint.pktable, "REFERENCES");
      }
    };
    const tableElements = (node: PgNode, elements: unknown): void => {
      for (const e of (elements as AstObject[] | undefined) ?? []) {
        references(node, [e]);
        references(node, (e.ColumnDef as AstObject | undefined)?.constraints);
        const like = e.TableLikeClause as AstObject | undefined;
        if (like) checkRangeVar(node, like.relation, "LIKE");
      }
    };

    const createTable = (node: PgNode, v: AstObject): void => {
      const rel = v.relation as AstObject | undefined;
      if (rel?.relpersistence === "t" && typeof rel.relname === "string") temporary.add(rel.relname);
      checkRangeVar(node, rel, "CREATE TABLE");
      for (const parent of wrapped(v.inhRelations)) checkRangeVar(node, parent, v.partbound ? "PARTITION OF" : "INHERITS");
      tableElements(node, v.tableElts);
    };
    return {
      CreateStmt(node: PgNode) {
        if (!node.parent) createTable(node, node.value);
      },
      CreateForeignTableStmt(node: PgNode) {
        if (!node.parent) createTable(node, node.value.base as AstObject);
      },
      CreateTableAsStmt(node: PgNode) {
        const rel = (node.value.into as AstObject | undefined)?.rel as AstObject | undefined;
        if (node.parent || node.value.objtype !== "OBJECT_TABLE") return;
        if (rel?.relpersistence === "t" && typeof rel.relname === "string") temporary.add(rel.relname);
        checkRangeVar(node, rel, "CREATE TABLE ... AS");
      },
      IndexStmt(node: PgNode) {
        if (!node.parent) checkRangeVar(node, node.value.relation, "CREATE INDEX ... ON");
      },
      AlterTableStmt(node: PgNode) {
        const v = node.value;
        if (node.parent || (v.objtype !== "OBJECT_TABLE" && v.objtype !== "OBJECT_FOREIGN_TABLE")) return;
        checkRangeVar(node, v.relation, "ALTER TABLE");
        for (const item of (v.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
          const def = item.AlterTableCmd?.def as AstObject | undefined;
          const partition = def?.PartitionCmd as AstObject | undefined;
          if (partition) checkRangeVar(node, partition.name, item.AlterTableCmd?.subtype === "AT_AttachPartition" ? "ATTACH PARTITION" : "DETACH PARTITION");
          references(node, [def]);
          references(node, (def?.ColumnDef as AstObject | undefined)?.constraints);
        }
      },
      RenameStmt(node: PgNode) {
        const v = node.value;
        if (node.parent) return;
        if (v.renameType === "OBJECT_TABLE" || v.relationType === "OBJECT_TABLE") checkRangeVar(node, v.relation, "ALTER TABLE");
      },
      AlterObjectSchemaStmt(node: PgNode) {
        if (!node.parent && node.value.objectType === "OBJECT_TABLE") checkRangeVar(node, node.value.relation, "ALTER TABLE");
      },
      DropStmt(node: PgNode) {
        const v = node.value;
        if (node.parent || (v.removeType !== "OBJECT_TABLE" && v.removeType !== "OBJECT_FOREIGN_TABLE")) return;
        // Search for the names after DROP [FOREIGN] TABLE [IF EXISTS].
        let from = sourceCode.keywordRange(node.statement, ["TABLE", "IF", "EXISTS"])?.[1] ?? sourceCode.keywordRange(node.statement, ["TABLE"])?.[1] ?? node.statement.start;
        for (const o of (v.objects as unknown[] | undefined) ?? []) {
          const table = relationFromNameList(o);
          if (!table || table.schema !== undefined || temporary.has(table.name)) continue;
          const token = findNameToken(sourceCode, node.statement, table.name, from);
          if (!token) continue;
          from = token.end;
          report([token.start, token.end], table.name, "DROP TABLE");
        }
      },
    };
  },
} satisfies PgRuleDefinition<"unqualified">;
