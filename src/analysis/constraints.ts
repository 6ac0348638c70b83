/**
 * Constraints added by a migration: what `ALTER TABLE ... ADD CONSTRAINT` / `ADD COLUMN ... <constraint>`
 * and `CREATE TABLE` add, under which name (the one written, or the one Postgres generates), and which
 * constraints were added `NOT VALID` in which transaction.
 *
 * Generated names follow Postgres' rules (ChooseConstraintName / ChooseRelationName in the server):
 * `<table>_<columns>_<label>`, each part truncated so the whole fits in 63 bytes (the longer part is
 * shortened first), then `<label>1`, `<label>2`, ... when the name is already taken in the schema.
 * Labels: `fkey`, `check`, `key` (UNIQUE), `pkey`, `excl`, `idx` (CREATE INDEX), and `not_null`
 * (PG ≥ 18, where NOT NULL constraints are named catalog entries: https://www.postgresql.org/docs/release/18.0/).
 * A CHECK names its column only when the expression uses exactly one column (`orders_total_check`),
 * otherwise `<table>_check`. Names already in the database are unknown, so a generated name is the
 * one Postgres picks unless an earlier migration took it.
 * https://www.postgresql.org/docs/current/sql-altertable.html
 * https://www.postgresql.org/docs/current/sql-createindex.html ("name ... If the name is omitted,
 * PostgreSQL chooses a suitable name based on the parent table's name and the indexed column name(s)")
 */
import type { PgSourceCode } from "../language/source-code.js";
import type { AstObject, ParsedSql, ParsedStatement } from "../parser/parse.js";
import type { MigrationContext, Transaction } from "./context.js";
import { columnConstraints, SERIAL_TYPE_NAMES, typeNameOf } from "./ast.js";
import { relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";

export type ConstraintKind = "check" | "foreign-key" | "not-null" | "unique" | "primary-key" | "exclusion";

const KINDS: Record<string, ConstraintKind> = {
  CONSTR_CHECK: "check",
  CONSTR_FOREIGN: "foreign-key",
  CONSTR_NOTNULL: "not-null",
  CONSTR_UNIQUE: "unique",
  CONSTR_PRIMARY: "primary-key",
  CONSTR_EXCLUSION: "exclusion",
};

const LABELS: Record<ConstraintKind, string> = {
  check: "check",
  "foreign-key": "fkey",
  "not-null": "not_null",
  unique: "key",
  "primary-key": "pkey",
  exclusion: "excl",
};

export interface AddedConstraint {
  kind: ConstraintKind;
  /** The Constraint node. */
  node: AstObject;
  table: RelationRef;
  /** Position of the ALTER TABLE action (AlterTableCmd) that adds it; undefined in CREATE TABLE. */
  command?: number;
  /** The column definition the constraint is written in (`ADD COLUMN x int REFERENCES u`). */
  column?: AstObject;
  /** The constraint's name: as written, or the one Postgres generates (see `named`). */
  name: string;
  /** True when the migration wrote the name; false when Postgres generates it. */
  named: boolean;
  /** The constrained columns (FK referencing columns, UNIQUE keys, CHECK columns, NOT NULL column). */
  columns: string[];
  /** INCLUDE columns of a UNIQUE / PRIMARY KEY constraint. */
  including: string[];
  /** `NOT VALID` (or, PG ≥ 18, `NOT ENFORCED`): existing rows are not checked when it is added. */
  notValid: boolean;
  /** `UNIQUE / PRIMARY KEY USING INDEX <index>`. */
  usingIndex?: string;
  /** The referenced table and columns of a foreign key (columns empty = its primary key). */
  references?: { table: RelationRef; columns: string[] };
}

const NAMEDATALEN = 64;

/** The longest prefix of whole characters that fits in `bytes` UTF-8 bytes (Postgres' pg_mbcliplen). */
function clipBytes(text: string, bytes: number): string {
  let used = 0;
  let out = "";
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes) break;
    used += n;
    out += ch;
  }
  return out;
}

/** `name1_name2_label` truncated to 63 bytes the way Postgres does (makeObjectName). */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  let overhead = 0;
  let chars1 = Buffer.byteLength(name1);
  let chars2 = name2 === undefined ? 0 : Buffer.byteLength(name2);
  if (name2 !== undefined) overhead++;
  if (label !== undefined) overhead += Buffer.byteLength(label) + 1;
  const available = NAMEDATALEN - 1 - overhead;
  while (chars1 + chars2 > available) {
    if (chars1 > chars2) chars1--;
    else chars2--;
  }
  let name = clipBytes(name1, chars1);
  if (name2 !== undefined) name += `_${clipBytes(name2, chars2)}`;
  if (label !== undefined) name += `_${label}`;
  return name;
}

/** makeObjectName, with `label1`, `label2`, ... until the name is not in `taken`. */
export function chooseName(name1: string, name2: string | undefined, label: string, taken: Set<string>): string {
  let name = makeObjectName(name1, name2, label);
  for (let pass = 1; taken.has(name); pass++) name = makeObjectName(name1, name2, `${label}${pass}`);
  return name;
}

function strings(list: unknown): string[] {
  return ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((s) => s.String?.sval).filter((s): s is string => typeof s === "string");
}

/** Distinct columns an expression reads, in order (subqueries are not allowed in constraints). */
export function expressionColumns(expr: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    const ref = (value as { ColumnRef?: AstObject }).ColumnRef;
    if (ref) {
      const name = strings(ref.fields).pop();
      if (name !== undefined && !found.includes(name)) found.push(name);
      return;
    }
    for (const v of Object.values(value)) visit(v);
  };
  visit(expr);
  return found;
}

/** The name Postgres gives an index column (ChooseIndexColumnNames): column, function, or `expr`. */
function figureIndexColname(expr: unknown): string {
  const node = expr as Record<string, AstObject> | undefined;
  if (node?.ColumnRef) return strings(node.ColumnRef.fields).pop() ?? "expr";
  if (node?.FuncCall) return strings(node.FuncCall.funcname).pop() ?? "expr";
  if (node?.TypeCast) {
    const inner = figureIndexColname(node.TypeCast.arg);
    return inner !== "expr" ? inner : (strings((node.TypeCast.typeName as AstObject | undefined)?.names).pop() ?? "expr");
  }
  return "expr";
}

/** Index column names of a list of IndexElem nodes, made distinct as Postgres does (`a`, `a1`). */
export function indexColumnNames(elems: unknown): string[] {
  const names: string[] = [];
  for (const item of (elems as { IndexElem?: AstObject }[] | undefined) ?? []) {
    const elem = item.IndexElem;
    if (!elem) continue;
    const base =
      typeof elem.indexcolname === "string" ? elem.indexcolname : typeof elem.name === "string" ? elem.name : figureIndexColname(elem.expr);
    let name = base;
    for (let i = 1; names.includes(name); i++) name = `${clipBytes(base, NAMEDATALEN - 1 - String(i).length)}${i}`;
    names.push(name);
  }
  return names;
}

/** Reads one Constraint node; `name` is filled in later (it may need the names taken so far). */
function readConstraint(node: AstObject, table: RelationRef, column: AstObject | undefined, command: number | undefined): AddedConstraint | undefined {
  const kind = KINDS[String(node.contype)];
  if (!kind) return undefined;
  const colname = typeof column?.colname === "string" ? column.colname : undefined;
  let columns: string[];
  switch (kind) {
    case "foreign-key":
      columns = colname !== undefined ? [colname] : strings(node.fk_attrs);
      break;
    case "check":
      columns = expressionColumns(node.raw_expr);
      break;
    case "exclusion":
      columns = indexColumnNames(((node.exclusions as { List?: { items?: unknown[] } }[] | undefined) ?? []).map((e) => e.List?.items?.[0]));
      break;
    default:
      columns = colname !== undefined ? [colname] : strings(node.keys);
  }
  const pktable = relationFromRangeVar(node.pktable as AstObject | undefined);
  return {
    kind,
    node,
    table,
    ...(command !== undefined ? { command } : {}),
    ...(column ? { column } : {}),
    name: typeof node.conname === "string" ? node.conname : "",
    named: typeof node.conname === "string",
    columns,
    including: strings(node.including),
    notValid: node.skip_validation === true,
    ...(typeof node.indexname === "string" ? { usingIndex: node.indexname } : {}),
    ...(pktable ? { references: { table: pktable, columns: strings(node.pk_attrs) } } : {}),
  };
}

/** The name Postgres generates for a constraint, given the names taken in the table's schema. */
function generatedConstraintName(c: AddedConstraint, taken: Set<string>): string {
  const table = c.table.name;
  switch (c.kind) {
    case "primary-key":
      return chooseName(table, undefined, "pkey", taken);
    case "check":
      // One column: "<table>_<col>_check"; none or several: "<table>_check".
      return chooseName(table, c.columns.length === 1 ? c.columns[0] : undefined, "check", taken);
    case "unique":
      return chooseName(table, [...c.columns, ...c.including].join("_"), LABELS[c.kind], taken);
    default:
      return chooseName(table, c.columns.join("_"), LABELS[c.kind], taken);
  }
}


/** Constraints of a CREATE TABLE or ALTER TABLE statement, in source order, without names yet. */
function readStatementConstraints(statement: ParsedStatement): AddedConstraint[] {
  const node = statement.node;
  const table = relationFromRangeVar(node.relation as AstObject | undefined);
  if (!table) return [];
  const out: AddedConstraint[] = [];
  const push = (c: AddedConstraint | undefined): void => {
    if (c) out.push(c);
  };
  if (statement.type === "CreateStmt") {
    for (const element of (node.tableElts as Record<string, AstObject>[] | undefined) ?? []) {
      if (element.ColumnDef) for (const c of columnConstraints(element.ColumnDef)) push(readConstraint(c, table, element.ColumnDef, undefined));
      if (element.Constraint) push(readConstraint(element.Constraint, table, undefined, undefined));
    }
  } else if (statement.type === "AlterTableStmt") {
    ((node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).forEach((item, command) => {
      const cmd = item.AlterTableCmd;
      const def = cmd?.def as Record<string, AstObject> | undefined;
      if (cmd?.subtype === "AT_AddConstraint" && def?.Constraint) push(readConstraint(def.Constraint, table, undefined, command));
      if (cmd?.subtype === "AT_AddColumn" && def?.ColumnDef) {
        for (const c of columnConstraints(def.ColumnDef)) push(readConstraint(c, table, def.ColumnDef, command));
      }
    });
  }
  return out;
}

interface FileNames {
  /** Constraints added by each CREATE TABLE / ALTER TABLE statement, by statement index. */
  constraints: Map<number, AddedConstraint[]>;
  /** Name of the index each CREATE INDEX creates (written or generated), by statement index. */
  indexes: Map<number, string>;
}

const fileNames = new WeakMap<ParsedSql, FileNames>();

/**
 * One pass over the file in order, naming every constraint and index the way Postgres would,
 * with the names taken earlier in the file (per schema) in mind.
 */
function namesOf(parsed: ParsedSql): FileNames {
  const cached = fileNames.get(parsed);
  if (cached) return cached;
  const result: FileNames = { constraints: new Map(), indexes: new Map() };
  const takenBySchema = new Map<string, Set<string>>();
  const taken = (table: RelationRef): Set<string> => {
    const schema = table.schema ?? "public";
    let set = takenBySchema.get(schema);
    if (!set) takenBySchema.set(schema, (set = new Set()));
    return set;
  };
  for (const statement of parsed.statements) {
    const node = statement.node;
    if (statement.type === "CreateStmt" || statement.type === "AlterTableStmt") {
      // ALTER TABLE runs its DROP CONSTRAINT actions before it adds constraints, freeing the names.
      const table = relationFromRangeVar(node.relation as AstObject | undefined);
      for (const item of statement.type === "AlterTableStmt" ? ((node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) : []) {
        const cmd = item.AlterTableCmd;
        if (table && cmd?.subtype === "AT_DropConstraint" && typeof cmd.name === "string") taken(table).delete(cmd.name);
      }
      const list = readStatementConstraints(statement);
      for (const c of list) {
        // UNIQUE / PRIMARY KEY USING INDEX without a name takes the index's name.
        if (!c.named) c.name = c.usingIndex ?? generatedConstraintName(c, taken(c.table));
        taken(c.table).add(c.name);
      }
      result.constraints.set(statement.index, list);
    } else if (statement.type === "IndexStmt") {
      const table = relationFromRangeVar(node.relation as AstObject | undefined);
      if (!table) continue;
      const names = indexColumnNames([...((node.indexParams as unknown[]) ?? []), ...((node.indexIncludingParams as unknown[]) ?? [])]);
      const name = typeof node.idxname === "string" ? node.idxname : chooseName(table.name, names.join("_"), "idx", taken(table));
      taken(table).add(name);
      result.indexes.set(statement.index, name);
    } else if (statement.type === "DropStmt" && node.removeType === "OBJECT_INDEX") {
      for (const r of ((node.objects as unknown[] | undefined) ?? []).map(relationFromNameList)) if (r) taken(r).delete(r.name);
    }
  }
  fileNames.set(parsed, result);
  return result;
}

/** The constraints a CREATE TABLE or ALTER TABLE statement adds, with their (possibly generated) names. */
export function constraintsAddedBy(parsed: ParsedSql, statement: ParsedStatement): AddedConstraint[] {
  return namesOf(parsed).constraints.get(statement.index) ?? [];
}

/** The name of the index a CREATE INDEX statement creates (written, or generated by Postgres). */
export function indexNameOf(parsed: ParsedSql, statement: ParsedStatement): string | undefined {
  return namesOf(parsed).indexes.get(statement.index);
}

/**
 * Where a column definition's values come from when it is added, if not all NULL: a DEFAULT
 * (even `DEFAULT NULL`), a serial type, an identity or a generated column. Postgres validates a
 * REFERENCES clause of `ADD COLUMN` only then; a new column without any of these is all NULL and
 * its foreign key is marked valid without a scan (checked with pg_stat_xact_user_tables on PG 18).
 */
export function columnValueSource(column: AstObject): string | undefined {
  const type = typeNameOf(column.typeName as AstObject | undefined).toLowerCase();
  if (SERIAL_TYPE_NAMES.has(type)) return `the ${type} type`;
  for (const c of columnConstraints(column)) {
    if (c.contype === "CONSTR_DEFAULT") return "a DEFAULT";
    if (c.contype === "CONSTR_IDENTITY") return "GENERATED ... AS IDENTITY";
    if (c.contype === "CONSTR_GENERATED") return "a generated expression";
  }
  return undefined;
}

/** A constraint added NOT VALID earlier in the file, and the transaction it was added in. */
export interface NotValidAddition {
  constraint: AddedConstraint;
  statement: number;
  transaction?: Transaction;
}

type ConstraintEvent =
  | { kind: "add"; at: [number, number]; key: string; constraint: AddedConstraint }
  | { kind: "drop"; at: [number, number]; key: string }
  | { kind: "rename"; at: [number, number]; key: string; to: string };

const fileEvents = new WeakMap<ParsedSql, ConstraintEvent[]>();

const constraintKey = (table: RelationRef, name: string): string => `${table.key}|${name}`;

/** Adds, drops and renames of table constraints in the file, in order. */
function constraintEvents(parsed: ParsedSql): ConstraintEvent[] {
  const cached = fileEvents.get(parsed);
  if (cached) return cached;
  const events: ConstraintEvent[] = [];
  for (const statement of parsed.statements) {
    const node = statement.node;
    for (const c of constraintsAddedBy(parsed, statement)) {
      events.push({ kind: "add", at: [statement.index, c.command ?? 0], key: constraintKey(c.table, c.name), constraint: c });
    }
    const table = relationFromRangeVar(node.relation as AstObject | undefined);
    if (!table) continue;
    if (statement.type === "AlterTableStmt") {
      ((node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).forEach((item, command) => {
        const cmd = item.AlterTableCmd;
        if (cmd?.subtype === "AT_DropConstraint" && typeof cmd.name === "string") {
          events.push({ kind: "drop", at: [statement.index, command], key: constraintKey(table, cmd.name) });
        }
      });
    } else if (statement.type === "RenameStmt" && node.renameType === "OBJECT_TABCONSTRAINT" && typeof node.subname === "string") {
      events.push({ kind: "rename", at: [statement.index, 0], key: constraintKey(table, node.subname), to: constraintKey(table, String(node.newname)) });
    }
  }
  fileEvents.set(parsed, events);
  return events;
}

/**
 * The NOT VALID addition of constraint `name` on `table` that is still in place at ALTER TABLE action
 * `command` of statement `statement`, if the file added it (by that name) earlier.
 */
export function notValidAddition(
  parsed: ParsedSql,
  migration: MigrationContext,
  table: RelationRef,
  name: string,
  statement: number,
  command: number,
): NotValidAddition | undefined {
  let key = constraintKey(table, name);
  // Walk back from the VALIDATE to the ADD that gave the constraint its current name, following
  // renames; a DROP (or a rename away from the name) on the way means it is not that constraint.
  const before = constraintEvents(parsed).filter((e) => e.at[0] < statement || (e.at[0] === statement && e.at[1] < command));
  for (let i = before.length - 1; i >= 0; i--) {
    const e = before[i]!;
    if (e.kind === "rename" && e.to === key) {
      key = e.key;
      continue;
    }
    if (e.key !== key) continue;
    if (e.kind !== "add" || !e.constraint.notValid || e.constraint.command === undefined) return undefined;
    const transaction = migration.facts(e.at[0]).transaction;
    return { constraint: e.constraint, statement: e.at[0], ...(transaction ? { transaction } : {}) };
  }
  return undefined;
}

/** SQL text of a range of a statement: its tokens without comments, on one line. */
export function sqlOf(sourceCode: PgSourceCode, statement: ParsedStatement, range: readonly [number, number]): string {
  let out = "";
  let previousEnd: number | undefined;
  for (const t of sourceCode.tokensOf(statement)) {
    if (t.start < range[0] || t.end > range[1] || t.kind.startsWith("comment")) continue;
    if (previousEnd !== undefined && t.start > previousEnd) out += " ";
    out += sourceCode.text.slice(t.start, t.end);
    previousEnd = t.end;
  }
  return out;
}

/** `ALTER TABLE [ONLY] <table>` for help text. */
export function alterTableSql(statement: ParsedStatement, table: RelationRef): string {
  const relation = statement.node.relation as AstObject | undefined;
  // libpg-query omits `inh` when it is false, i.e. for ALTER TABLE ONLY.
  return `ALTER TABLE ${relation?.inh === true ? "" : "ONLY "}${table.sql}`;
}

/**
 * The constraint definition of an `ADD [CONSTRAINT name] <definition>` action, without the
 * `ADD CONSTRAINT name` part: `FOREIGN KEY (user_id) REFERENCES users (id)`.
 */
export function tableConstraintSql(sourceCode: PgSourceCode, statement: ParsedStatement, action: readonly [number, number]): string {
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment") && t.start >= action[0] && t.end <= action[1]);
  let k = tokens[0]?.upper === "ADD" ? 1 : 0;
  if (tokens[k]?.upper === "CONSTRAINT") k += 2;
  const first = tokens[k];
  return first ? sqlOf(sourceCode, statement, [first.start, action[1]]) : "";
}

/**
 * The span of a column constraint inside an `ADD COLUMN` action: from the constraint (or its
 * `CONSTRAINT name`) to the next constraint or COLLATE clause of the column, or the action's end.
 */
export function columnConstraintRange(
  sourceCode: PgSourceCode,
  statement: ParsedStatement,
  column: AstObject,
  constraint: AstObject,
  action: readonly [number, number],
): [number, number] {
  const start = sourceCode.indexOfLocation(statement, constraint.location);
  const others = [
    ...columnConstraints(column).filter((c) => c !== constraint).map((c) => c.location),
    (column.collClause as AstObject | undefined)?.location,
  ]
    .filter((l): l is number => typeof l === "number")
    .map((l) => sourceCode.indexOfLocation(statement, l))
    .filter((i) => i > start);
  return [start, Math.min(action[1], ...others)];
}

/** Quoted constraint name for messages, with a note when Postgres generates it. */
export function constraintLabel(c: AddedConstraint): string {
  return c.named ? `"${c.name}"` : `"${c.name}" (the name Postgres generates)`;
}
