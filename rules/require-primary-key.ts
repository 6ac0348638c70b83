import { qualifiedNameEnd } from "../src/analysis/identifiers.js";
import { makeRelation, relationFromNameList, relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import type { AstObject } from "../src/parser/parse.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * A table without a primary key has no reliable row identity: duplicate rows cannot be told apart
 * or fixed one by one, and once the table is in a logical-replication publication, UPDATE and
 * DELETE on it fail ("cannot update table ... because it does not have a replica identity and
 * publishes updates"; checked on PG 18 with PGlite) unless REPLICA IDENTITY is set by hand.
 * Partitions get the parent's primary key (`PARTITION OF`), INHERITS children do not.
 * `LIKE ... INCLUDING INDEXES` (or ALL) copies the source's primary key.
 * https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS
 * https://www.postgresql.org/docs/current/logical-replication-publication.html
 */
const LIKE_INCLUDING_INDEXES = 1 << 6;

interface Candidate {
  /** The name it was created under (for the message) and its current name (for the help). */
  created: RelationRef;
  table: RelationRef;
  range: [number, number];
  /** Known to have a primary key; undefined when it depends on a table pgsafe does not know. */
  hasKey: boolean | undefined;
}

const isPrimary = (c: unknown): boolean => (c as { Constraint?: AstObject }).Constraint?.contype === "CONSTR_PRIMARY";
const columnHasPrimary = (col: AstObject | undefined): boolean => ((col?.constraints as unknown[] | undefined) ?? []).some(isPrimary);

export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Require a primary key on every new table",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("require-primary-key"),
      category: "design",
    },
    messages: {
      missingPrimaryKey:
        'Table "{{table}}" is created without a primary key: its rows have no reliable identity (duplicates cannot be told apart), and if it is ever published for logical replication, UPDATE and DELETE on it fail until a replica identity is set.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    // Tables created in this file, by their current key (renames followed).
    const tables = new Map<string, Candidate>();
    const track = (node: PgNode, rel: AstObject | undefined, hasKey: boolean | undefined): void => {
      const table = relationFromRangeVar(rel);
      if (!table || node.parent || rel?.relpersistence === "t") return;
      const nameAt = sourceCode.indexOfLocation(node.statement, rel?.location);
      tables.set(table.key, { created: table, table, range: [node.statement.start, qualifiedNameEnd(sourceCode, node.statement, nameAt)], hasKey });
    };
    return {
      CreateStmt(node: PgNode) {
        const v = node.value;
        // A partition gets the primary key of its partitioned parent.
        if (v.partbound) return;
        let hasKey: boolean | undefined = false;
        for (const element of (v.tableElts as AstObject[] | undefined) ?? []) {
          if (isPrimary(element) || columnHasPrimary(element.ColumnDef as AstObject | undefined)) hasKey = true;
          const like = element.TableLikeClause as AstObject | undefined;
          if (like && hasKey === false && (Number(like.options ?? 0) & LIKE_INCLUDING_INDEXES) !== 0) {
            const source = relationFromRangeVar(like.relation as AstObject);
            hasKey = source ? tables.get(source.key)?.hasKey : undefined;
          }
        }
        track(node, v.relation as AstObject, hasKey);
      },
      CreateTableAsStmt(node: PgNode) {
        if (node.value.objtype === "OBJECT_TABLE") track(node, (node.value.into as AstObject | undefined)?.rel as AstObject, false);
      },
      SelectStmt(node: PgNode) {
        const into = node.value.intoClause as AstObject | undefined;
        if (into) track(node, into.rel as AstObject, false);
      },
      AlterTableStmt(node: PgNode) {
        const table = relationFromRangeVar(node.value.relation as AstObject);
        const known = table && tables.get(table.key);
        if (!known || node.parent) return;
        for (const item of (node.value.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
          const cmd = item.AlterTableCmd;
          if (cmd?.subtype === "AT_AddConstraint" && isPrimary(cmd.def)) known.hasKey = true;
          if (cmd?.subtype === "AT_AddColumn" && columnHasPrimary((cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef)) known.hasKey = true;
        }
      },
      RenameStmt(node: PgNode) {
        const v = node.value;
        const table = relationFromRangeVar(v.relation as AstObject);
        const known = table && tables.get(table.key);
        if (v.renameType !== "OBJECT_TABLE" || !known || typeof v.newname !== "string" || node.parent) return;
        tables.delete(known.table.key);
        const renamed = makeRelation(known.table.schema, v.newname);
        tables.set(renamed.key, { ...known, table: renamed });
      },
      DropStmt(node: PgNode) {
        if (node.value.removeType !== "OBJECT_TABLE" || node.parent) return;
        for (const o of (node.value.objects as unknown[] | undefined) ?? []) {
          const table = relationFromNameList(o);
          if (table) tables.delete(table.key);
        }
      },
      "Migration:exit"() {
        for (const { created, table, range, hasKey } of tables.values()) {
          if (hasKey !== false) continue;
          context.report({
            loc: sourceCode.locOf(range),
            messageId: "missingPrimaryKey",
            data: { table: created.label },
            help: [
              "Declare a primary key when you create the table: a surrogate key,",
              "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,",
              "or the columns that identify a row, PRIMARY KEY (col1, col2). While the table is new (same migration), it can also be added afterwards:",
              `  ALTER TABLE ${table.sql} ADD PRIMARY KEY (col1, col2);`,
            ].join("\n"),
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"missingPrimaryKey">;
