import { columnConstraintRange, constraintLabel, constraintsAddedBy, makeObjectName, type AddedConstraint } from "../src/analysis/constraints.js";
import { droppedInFile, indexesOnTable, type KnownIndex } from "../src/analysis/indexes.js";
import { quoteIdent, relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import type { SchemaIndex } from "../src/analysis/schema.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import { firstTokenFrom } from "../src/parser/tokens.js";
import type { PgRuleDefinition, PgSourceCode } from "../src/types.js";

const keyOf = (rangeVar: unknown): string | undefined => relationFromRangeVar(rangeVar as AstObject | undefined)?.key;

/** The statement that created `table` (before `index`), if the file did, by CREATE TABLE [AS] or SELECT INTO. */
interface FileTables {
  /** Statement indices creating each table (CREATE TABLE, CREATE TABLE AS), in order. */
  created: Map<string, number[]>;
  /** Tables that the file attaches as a partition somewhere. */
  attached: Set<string>;
}

const fileTables = new WeakMap<ParsedStatement[], FileTables>();

/** Which statements create which table, and which tables become partitions: read once per file. */
function tablesOf(statements: ParsedStatement[]): FileTables {
  let tables = fileTables.get(statements);
  if (!tables) {
    tables = { created: new Map(), attached: new Set() };
    for (const s of statements) {
      const node = s.node;
      const created = s.type === "CreateStmt" ? keyOf(node.relation) : s.type === "CreateTableAsStmt" ? keyOf((node.into as AstObject | undefined)?.rel) : undefined;
      if (created !== undefined) {
        const list = tables.created.get(created);
        if (list) list.push(s.index);
        else tables.created.set(created, [s.index]);
      }
      if (s.type !== "AlterTableStmt") continue;
      for (const c of (node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
        if (c.AlterTableCmd?.subtype !== "AT_AttachPartition") continue;
        const key = keyOf((c.AlterTableCmd.def as { PartitionCmd?: AstObject })?.PartitionCmd?.name);
        if (key !== undefined) tables.attached.add(key);
      }
    }
    fileTables.set(statements, tables);
  }
  return tables;
}

/** The last statement at or before `index` that creates the table. */
function creation(statements: ParsedStatement[], table: RelationRef, index: number): ParsedStatement | undefined {
  const list = tablesOf(statements).created.get(table.key);
  if (!list) return undefined;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]! <= index) return statements[list[i]!];
  return undefined;
}

function indexesKnown(sourceCode: PgSourceCode, table: RelationRef, statement: ParsedStatement): boolean {
  const { statements } = sourceCode.parsed;
  const created = creation(statements, table, statement.index);
  if (created) {
    if (created !== statement && !sourceCode.migration.isNewTable(table, statement.index)) return false;
    const elements = (created.node.tableElts as Record<string, unknown>[] | undefined) ?? [];
    if (created.node.partbound !== undefined || elements.some((e) => e.TableLikeClause)) return false;
  } else {
    const known = sourceCode.migration.options.schema?.table(table);
    if (!known?.created || !known.complete) return false;
  }
  return !tablesOf(statements).attached.has(table.key);
}

function indexesFromSchema(sourceCode: PgSourceCode, table: RelationRef, upTo: number): readonly SchemaIndex[] {
  if (creation(sourceCode.parsed.statements, table, upTo)) return [];
  return (sourceCode.migration.options.schema?.indexes(table) ?? []).filter((index) => !droppedInFile(sourceCode.parsed, index, upTo));
}

/** `col IS NOT NULL [AND ...]` on the given columns: a predicate the key lookup `col = $1` implies. */
function impliedByLookup(predicate: unknown, columns: string[]): boolean {
  const p = predicate as { NullTest?: AstObject; BoolExpr?: AstObject } | undefined;
  if (p?.BoolExpr?.boolop === "AND_EXPR") return ((p.BoolExpr.args as unknown[] | undefined) ?? []).every((a) => impliedByLookup(a, columns));
  const fields = ((p?.NullTest?.arg as { ColumnRef?: AstObject } | undefined)?.ColumnRef?.fields as { String?: { sval?: string } }[] | undefined) ?? [];
  return p?.NullTest?.nulltesttype === "IS_NOT_NULL" && fields.length === 1 && columns.includes(fields[0]!.String?.sval ?? "");
}

/**
 * The check on the referencing table (`WHERE a = $1 AND b = $2`) can use a B-tree whose first
 * columns are the referencing columns, in any order, or a single-column hash index.
 */
function serves(index: Pick<KnownIndex, "columns" | "method" | "predicate">, columns: string[]): boolean {
  if (index.predicate !== undefined && !impliedByLookup(index.predicate, columns)) return false;
  const leading = index.columns.slice(0, columns.length);
  if (index.method === "hash") return columns.length === 1 && leading[0] === columns[0];
  return index.method === "btree" && leading.length === columns.length && columns.every((c) => leading.includes(c));
}

/** End of the clause starting at `start`: the next comma or unmatched ")" outside parentheses. */
function clauseEnd(sourceCode: PgSourceCode, statement: ParsedStatement, start: number): number {
  const tokens = sourceCode.tokensOf(statement);
  let depth = 0;
  let end = start;
  for (let i = firstTokenFrom(tokens, start); i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind.startsWith("comment")) continue;
    if (t.kind === "close-paren" && depth-- === 0) break;
    if (t.kind === "open-paren") depth++;
    if (t.upper === "," && depth === 0) break;
    end = t.end;
  }
  return end;
}

/** PG ≥ 18: a NOT ENFORCED foreign key has no triggers and checks nothing. https://www.postgresql.org/docs/release/18.0/ */
function notEnforced(c: AddedConstraint): boolean {
  if (!c.column) return c.node.is_enforced !== true;
  const list = ((c.column.constraints as { Constraint?: AstObject }[] | undefined) ?? []).map((x) => x.Constraint);
  return list[list.indexOf(c.node) + 1]?.contype === "CONSTR_ATTR_NOT_ENFORCED";
}

/**
 * A DELETE on the referenced table, or an update of its key, makes Postgres look for referencing
 * rows (and, with ON DELETE CASCADE / SET NULL, change them): without an index on the referencing
 * columns each of these is a scan of the whole referencing table.
 * https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK ("it is often a
 * good idea to index the referencing columns too")
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Require an index on the referencing columns of a foreign key when all indexes of the table are known",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("require-index-for-foreign-key"),
      category: "locking",
    },
    messages: {
      missingIndex:
        'The foreign key {{constraint}} on "{{table}}" ({{columns}}) has no index on "{{table}}" that starts with those columns: every DELETE from "{{referenced}}", and every change of its key, scans all of "{{table}}" for referencing rows (and, with ON DELETE CASCADE or SET NULL, to change them) while it holds its locks.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      Migration() {
        for (const statement of sourceCode.parsed.statements) {
          if (statement.type !== "CreateStmt" && statement.type !== "AlterTableStmt") continue;
          for (const c of constraintsAddedBy(sourceCode.parsed, statement)) {
            if (c.kind !== "foreign-key" || c.columns.length === 0 || notEnforced(c) || !indexesKnown(sourceCode, c.table, statement)) continue;
            const indexes = [...indexesOnTable(sourceCode.parsed, c.table, statement.index), ...indexesFromSchema(sourceCode, c.table, statement.index)];
            if (indexes.some((index) => serves(index, c.columns))) continue;
            const start = sourceCode.indexOfLocation(statement, c.node.location);
            const clause: [number, number] = [start, clauseEnd(sourceCode, statement, start)];
            const range = c.column ? columnConstraintRange(sourceCode, statement, c.column, c.node, clause) : clause;
            while (range[1] > range[0] && /\s/.test(sourceCode.text[range[1] - 1]!)) range[1]--;
            const name = quoteIdent(makeObjectName(c.table.name, c.columns.join("_"), "idx"));
            const columns = c.columns.map(quoteIdent).join(", ");
            // A table from an earlier, applied file of the run is in use: its index needs CONCURRENTLY.
            const fresh = creation(sourceCode.parsed.statements, c.table, statement.index) !== undefined || sourceCode.migration.isNewTable(c.table, statement.index);
            const plain = fresh && sourceCode.factsOf(statement).transaction !== undefined;
            context.report({
              loc: sourceCode.locOf(range),
              messageId: "missingIndex",
              data: { constraint: constraintLabel(c), table: c.table.label, columns: c.columns.map((x) => `"${x}"`).join(", "), referenced: c.references?.table.label ?? "the referenced table" },
              help: [
                plain
                  ? `Index the referencing columns. "${c.table.label}" is new in this migration, so a plain CREATE INDEX blocks nobody (CONCURRENTLY cannot run inside a transaction):`
                  : fresh
                    ? "Index the referencing columns:"
                    : "Index the referencing columns, outside a transaction (in its own migration if your tool wraps files in one):",
                `  CREATE INDEX ${plain ? "" : "CONCURRENTLY "}${name} ON ${c.table.sql} (${columns});`,
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"missingIndex">;
