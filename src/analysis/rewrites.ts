/**
 * Shared pieces of the rules about statements that rewrite, rebuild or re-scan a table: reading
 * the options and column definitions involved, and the safe SQL they suggest instead (NOT NULL
 * without a long lock, batched backfills, statements that must run outside a transaction).
 */
import type { AstObject } from "../parser/parse.js";
import type { Token } from "../parser/tokens.js";
import type { Transaction } from "./context.js";
import { nameFor } from "./checks.js";
import { makeRelation, quoteIdent, type RelationRef } from "./names.js";

/** Rows per batch in the backfills pgsafe suggests. */
export const BATCH_SIZE = 10_000;

/**
 * Whether a boolean option is on in a DefElem list (`REINDEX (CONCURRENTLY)`, `VACUUM (FULL false)`):
 * present without a value, or with a value Postgres reads as true.
 * https://www.postgresql.org/docs/current/sql-vacuum.html ("boolean": TRUE, ON, 1 / FALSE, OFF, 0)
 */
export function optionEnabled(options: unknown, name: string): boolean {
  for (const item of Array.isArray(options) ? options : []) {
    const def = (item as { DefElem?: AstObject }).DefElem;
    if (!def || String(def.defname).toLowerCase() !== name) continue;
    const arg = def.arg as { String?: { sval?: string }; Integer?: { ival?: number }; Boolean?: { boolval?: boolean } } | undefined;
    if (!arg) return true;
    if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
    if (arg.Boolean) return arg.Boolean.boolval === true;
    return !/^(false|off|no|0)$/i.test(arg.String?.sval ?? "");
  }
  return false;
}

/** The AlterTableCmd objects of an ALTER TABLE, in order (the n-th is `alterCommandRange(statement, n)`). */
export function alterTableCommands(alterTable: AstObject): AstObject[] {
  return ((alterTable.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).map((c) => c.AlterTableCmd ?? {});
}

/** The ColumnDef of an `ADD COLUMN` command, or undefined for other commands. */
export function addedColumn(cmd: AstObject): AstObject | undefined {
  return cmd.subtype === "AT_AddColumn" ? (cmd.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef : undefined;
}

/** The constraint of an `ADD [CONSTRAINT ...]` command, or undefined for other commands. */
export function addedConstraint(cmd: AstObject): AstObject | undefined {
  return cmd.subtype === "AT_AddConstraint" ? (cmd.def as { Constraint?: AstObject } | undefined)?.Constraint : undefined;
}

export { columnConstraints } from "./ast.js";

/** String-node lists (`keys`, `including`, names) as plain strings. */
export function stringList(items: unknown): string[] {
  return ((Array.isArray(items) ? items : []) as { String?: { sval?: string } }[]).map((i) => i.String?.sval).filter((s): s is string => typeof s === "string");
}

/**
 * A generated column's kind as the parser marks it: `generated_kind` "s" (STORED) or "v" (VIRTUAL).
 * libpg-query parses with the PostgreSQL 18 grammar, where a column with neither keyword is "v".
 */
export function generatedKind(constraint: AstObject): "stored" | "virtual" {
  return constraint.generated_kind === "s" ? "stored" : "virtual";
}

/**
 * Whether STORED or VIRTUAL is written after the generation expression that starts at `from`
 * (the GENERATED keyword), or neither.
 */
export function generatedKeyword(tokens: Token[], from: number): "STORED" | "VIRTUAL" | undefined {
  let depth = 0;
  let seenExpression = false;
  for (const t of tokens) {
    if (t.start < from || t.kind.startsWith("comment")) continue;
    if (t.kind === "open-paren") depth++;
    else if (t.kind === "close-paren") {
      depth--;
      if (depth === 0) seenExpression = true;
    } else if (seenExpression && depth === 0) {
      return t.upper === "STORED" || t.upper === "VIRTUAL" ? t.upper : undefined;
    }
  }
  return undefined;
}

/** A string literal for SQL. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `'app."Users"'::regclass` */
export function regclassSql(relation: RelationRef): string {
  return `${sqlString(relation.sql)}::regclass`;
}

/** A relation in the same schema as `relation`, named `relation.name + suffix` (e.g. `users_id_seq`). */
export function siblingName(relation: RelationRef, suffix: string): RelationRef {
  return makeRelation(relation.schema, `${relation.name}${suffix}`);
}

/** `"id", "tenant_id"` for messages. */
export function columnLabels(columns: string[]): string {
  return columns.map((c) => `"${c}"`).join(", ");
}

/**
 * One batch of a backfill that touches at most BATCH_SIZE rows still needing it; repeated until it
 * updates nothing, each run in its own transaction.
 */
export function batchedUpdateSql(table: RelationRef, column: string, value: string, pending: string): string {
  const col = quoteIdent(column);
  return `UPDATE ${table.sql} SET ${col} = ${value} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table.sql} WHERE ${pending} LIMIT ${BATCH_SIZE}));`;
}

/**
 * SQL that makes `column` NOT NULL without holding ACCESS EXCLUSIVE through a full scan.
 * PG ≥ 18: a NOT NULL constraint can be added NOT VALID and validated under SHARE UPDATE EXCLUSIVE.
 * https://www.postgresql.org/docs/18/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT
 * PG ≥ 12: SET NOT NULL skips its scan when a valid CHECK (col IS NOT NULL) proves it.
 * https://www.postgresql.org/docs/12/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 * Before 12, SET NOT NULL always scans under ACCESS EXCLUSIVE.
 */
export function notNullSteps(table: RelationRef, column: string, pgVersion: number): string[] {
  const col = quoteIdent(column);
  const alter = `ALTER TABLE ${table.sql}`;
  if (pgVersion >= 18) {
    const name = quoteIdent(nameFor(table, column, "not_null"));
    return [`${alter} ADD CONSTRAINT ${name} NOT NULL ${col} NOT VALID;`, `${alter} VALIDATE CONSTRAINT ${name};`];
  }
  if (pgVersion >= 12) {
    // Not named <table>_<column>_not_null: on PG 18 that is the name SET NOT NULL gives its own constraint.
    const name = quoteIdent(nameFor(table, column, "not_null_check"));
    return [
      `${alter} ADD CONSTRAINT ${name} CHECK (${col} IS NOT NULL) NOT VALID;`,
      `${alter} VALIDATE CONSTRAINT ${name};`,
      `${alter} ALTER COLUMN ${col} SET NOT NULL;`,
      `${alter} DROP CONSTRAINT ${name};`,
    ];
  }
  return [`${alter} ALTER COLUMN ${col} SET NOT NULL;  -- before PostgreSQL 12 this always scans "${table.label}" under ACCESS EXCLUSIVE: run it when traffic is low`];
}

/** What to say about a CONCURRENTLY statement that must run outside a transaction block. */
export function outsideTransactionNote(transaction: Transaction | undefined): string {
  if (!transaction) return "outside a transaction block";
  if (transaction.runBy !== undefined) return "as a top-level statement outside a transaction block (not inside a DO block or function)";
  return transaction.kind === "explicit"
    ? "outside a transaction block (move it out of this BEGIN ... COMMIT)"
    : "outside a transaction block (this file runs in one: put it in its own migration with your tool's no-transaction setting)";
}

/** The range inside the first parenthesized group that starts at or after `from` (e.g. a generation expression). */
export function parenthesizedAfter(tokens: Token[], from: number): [number, number] | undefined {
  let depth = 0;
  let start: number | undefined;
  for (const t of tokens) {
    if (t.start < from || t.kind.startsWith("comment")) continue;
    if (t.kind === "open-paren") {
      if (depth++ === 0) start = t.end;
    } else if (t.kind === "close-paren" && --depth === 0 && start !== undefined) {
      return [start, t.start];
    }
  }
  return undefined;
}

/** `location`s of the unqualified column references in an expression (to rewrite `a` as `NEW.a`). */
export function columnRefLocations(expr: unknown): number[] {
  const out: number[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach(visit);
    const ref = (value as { ColumnRef?: AstObject }).ColumnRef;
    if (ref && stringList(ref.fields).length === 1 && typeof ref.location === "number") out.push(ref.location);
    Object.values(value).forEach(visit);
  };
  visit(expr);
  return out;
}
