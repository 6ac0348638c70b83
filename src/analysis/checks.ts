/**
 * Validated NOT NULL proofs: which columns Postgres already knows to hold no NULLs, so that
 * `ALTER COLUMN ... SET NOT NULL` need not scan the table.
 *
 * PG ≥ 12: SET NOT NULL skips its full-table scan when a *validated* CHECK constraint implies
 * `col IS NOT NULL` (`CHECK (col IS NOT NULL)`, also inside an AND, or `NOT (col IS NULL)`).
 * A NOT VALID check counts only after VALIDATE CONSTRAINT. A column that is already NOT NULL
 * (or, PG ≥ 18, has a validated NOT NULL constraint) makes SET NOT NULL a no-op on any version.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 *
 * `NotNullChecks` replays statements in migration order (constraints added, validated, renamed,
 * dropped; columns and tables renamed or dropped; rolled-back transactions undone). A rule feeds
 * it the statements of its file before the one it looks at (`replayBefore` in columns.ts), starting
 * from what earlier files of the run proved (`knownNotNullChecks` in schema.ts, a `fork()` of the
 * schema model's tracker). The facts are checked against a real Postgres in
 * test/analysis/columns.pglite.test.ts.
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import { columnConstraints } from "./ast.js";
import { CowMap } from "./cow-map.js";
import { relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";
import { TransactionalTracker } from "./transactional.js";

/** How a column is known to hold no NULLs. */
export interface NotNullProof {
  /** `check`: a validated CHECK constraint (PG ≥ 12 uses it); `not-null`: the column is already NOT NULL. */
  kind: "check" | "not-null";
  /** The constraint's name (Postgres' generated name when the migration gave none). */
  constraint: string;
}

/**
 * A constraint as tracked. An entry is never changed in place (a change replaces it), so the lists
 * of a tracker and of its forks share entries, and copying a list copies no entry.
 */
interface Entry {
  readonly kind: NotNullProof["kind"];
  readonly constraint: string;
  /** Columns the constraint proves NOT NULL. */
  readonly proves: ReadonlySet<string>;
  /** Every column the constraint mentions (dropping one drops the constraint). */
  readonly references: ReadonlySet<string>;
  readonly validated: boolean;
}

const copyEntries = (list: Entry[]): Entry[] => [...list];

/** The set with `from` renamed to `to`. */
function renamed(set: ReadonlySet<string>, from: string, to: string): ReadonlySet<string> {
  const out = new Set(set);
  if (out.delete(from)) out.add(to);
  return out;
}

function columnName(node: unknown): string | undefined {
  const fields = (node as { ColumnRef?: { fields?: { String?: { sval?: string } }[] } })?.ColumnRef?.fields;
  return fields?.at(-1)?.String?.sval;
}

/** Columns that an expression, when not false, proves NOT NULL. */
export function notNullColumns(expr: unknown): string[] {
  const e = expr as { NullTest?: AstObject; BoolExpr?: AstObject };
  if (e?.NullTest?.nulltesttype === "IS_NOT_NULL") return [columnName(e.NullTest.arg)].filter((c): c is string => !!c);
  const args = (e?.BoolExpr?.args as unknown[] | undefined) ?? [];
  if (e?.BoolExpr?.boolop === "AND_EXPR") return args.flatMap(notNullColumns);
  const inner = (args[0] as { NullTest?: AstObject } | undefined)?.NullTest;
  if (e?.BoolExpr?.boolop === "NOT_EXPR" && inner?.nulltesttype === "IS_NULL") return [columnName(inner.arg)].filter((c): c is string => !!c);
  return [];
}

function referencedColumns(expr: unknown, out = new Set<string>()): Set<string> {
  if (expr === null || typeof expr !== "object") return out;
  const name = columnName(expr);
  if (name) out.add(name);
  else for (const key in expr) referencedColumns((expr as Record<string, unknown>)[key], out);
  return out;
}

/**
 * A CHECK or NOT NULL constraint as an entry; `column` is set for a column constraint. Postgres
 * names an unnamed check `<table>_<column>_check` when it mentions one column, else `<table>_check`
 * (before any numeric suffix for a clash).
 */
function entryOf(table: RelationRef, c: AstObject, column: string | undefined, inCreate: boolean): Entry | undefined {
  if (c.contype === "CONSTR_NOTNULL" || c.contype === "CONSTR_PRIMARY") {
    const keys = ((c.keys as { String?: { sval?: string } }[] | undefined) ?? []).map((k) => k.String?.sval).filter((k): k is string => !!k);
    const cols = column ? [column] : keys;
    if (cols.length === 0) return undefined;
    const name = typeof c.conname === "string" ? c.conname : `${table.name}_${cols[0]}_not_null`;
    // Adding a primary key sets its columns NOT NULL; a NOT NULL constraint may be NOT VALID (PG ≥ 18).
    const columns = new Set(cols);
    return { kind: "not-null", constraint: name, proves: columns, references: columns, validated: c.contype === "CONSTR_PRIMARY" || !c.skip_validation };
  }
  if (c.contype !== "CONSTR_CHECK") return undefined;
  const references = referencedColumns(c.raw_expr);
  const only = references.size === 1 ? [...references][0] : undefined;
  const name = typeof c.conname === "string" ? c.conname : only ? `${table.name}_${only}_check` : `${table.name}_check`;
  // CREATE TABLE marks its checks valid (ignoring NOT VALID); NOT ENFORCED checks (PG ≥ 18) are never valid.
  const validated = c.is_enforced === true && (inCreate || !c.skip_validation);
  return { kind: "check", constraint: name, proves: new Set(notNullColumns(c.raw_expr)), references, validated };
}


/** The validated NOT NULL proofs known so far, in migration order. */
export class NotNullChecks extends TransactionalTracker<Entry[]> {
  constructor() {
    super(new CowMap<Entry[]>(copyEntries));
  }

  /** An independent copy (costs time in proportion to what is known; see `fork` for a cheap one). */
  clone(): NotNullChecks {
    const copy = new NotNullChecks();
    for (const [key, list] of this.tables.entries()) copy.tables.set(key, copyEntries(list));
    return copy;
  }

  /**
   * A tracker that starts from this one's state in constant time and keeps its own changes. This
   * one must not observe more statements while the fork is in use (the schema model forks its
   * trackers for a file and advances only after the file is linted).
   */
  fork(): NotNullChecks {
    const copy = new NotNullChecks();
    copy.tables = this.tables.fork();
    return copy;
  }

  /** How `table.column` is known to hold no NULLs, if it is. */
  proofOf(table: RelationRef | string, column: string): NotNullProof | undefined {
    const key = typeof table === "string" ? table : table.key;
    // The first NOT NULL proof, else the first check.
    let best: Entry | undefined;
    for (const e of this.tables.get(key) ?? []) {
      if (!e.validated || !e.proves.has(column)) continue;
      best ??= e;
      if (e.kind === "not-null") {
        best = e;
        break;
      }
    }
    return best ? { kind: best.kind, constraint: best.constraint } : undefined;
  }

  /** Applies one statement. */
  observe(statement: ParsedStatement): void {
    const node = statement.node;
    if (this.observeTransaction(statement)) return;
    const table = relationFromRangeVar(node.relation as AstObject | undefined);
    switch (statement.type) {
      case "CreateStmt": {
        if (!table || (node.if_not_exists && this.tables.has(table.key))) return;
        const entries: Entry[] = [];
        for (const element of (node.tableElts as { ColumnDef?: AstObject; Constraint?: AstObject }[] | undefined) ?? []) {
          const entry = element.Constraint && entryOf(table, element.Constraint, undefined, true);
          if (entry) entries.push(entry);
          const column = element.ColumnDef;
          for (const c of column ? columnConstraints(column) : []) {
            const entry = entryOf(table, c, String(column!.colname), true);
            if (entry) entries.push(entry);
          }
        }
        this.tables.set(table.key, entries);
        return;
      }
      case "AlterTableStmt":
        if (table) for (const item of (node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) this.#alter(table, item.AlterTableCmd);
        return;
      case "RenameStmt":
        if (table && typeof node.newname === "string") this.#rename(table, String(node.renameType), node.subname as string | undefined, node.newname);
        return;
      case "AlterObjectSchemaStmt":
        if (table && node.objectType === "OBJECT_TABLE") this.#move(table.key, `${String(node.newschema)}.${table.name}`);
        return;
      case "DropStmt":
        if (node.removeType !== "OBJECT_TABLE") return;
        for (const object of (node.objects as unknown[] | undefined) ?? []) {
          const dropped = relationFromNameList(object);
          if (dropped) this.tables.delete(dropped.key);
        }
        return;
    }
  }

  #alter(table: RelationRef, cmd: AstObject | undefined): void {
    const key = table.key;
    // An altered table is known from then on (with no proofs when none were known).
    const known = this.tables.get(key);
    if (!known) this.tables.set(key, []);
    const list = known ?? [];
    // A list is replaced, or copied before a change, only when the command changes it.
    const add = (entry: Entry | undefined): void => {
      if (entry) this.tables.edit(key)!.push(entry);
    };
    const keep = (test: (e: Entry) => boolean): void => {
      if (!list.every(test)) this.tables.set(key, list.filter(test));
    };
    const name = typeof cmd?.name === "string" ? cmd.name : undefined;
    const def = cmd?.def as { Constraint?: AstObject; ColumnDef?: AstObject } | undefined;
    switch (cmd?.subtype) {
      case "AT_AddConstraint":
        return add(def?.Constraint && entryOf(table, def.Constraint, undefined, false));
      case "AT_AddColumn":
        // The new column's constraints are checked as it is added (or the ALTER fails).
        for (const c of def?.ColumnDef ? columnConstraints(def.ColumnDef) : []) add(entryOf(table, c, String(def!.ColumnDef!.colname), true));
        return;
      case "AT_ValidateConstraint":
        if (list.some((e) => e.constraint === name)) this.tables.set(key, list.map((e) => (e.constraint === name ? { ...e, validated: true } : e)));
        return;
      case "AT_DropConstraint":
        return keep((e) => e.constraint !== name);
      case "AT_SetNotNull":
        if (name) {
          const columns = new Set([name]);
          add({ kind: "not-null", constraint: `${table.name}_${name}_not_null`, proves: columns, references: columns, validated: true });
        }
        return;
      case "AT_DropNotNull":
        return keep((e) => !(e.kind === "not-null" && name && e.proves.has(name)));
      case "AT_DropColumn":
        return keep((e) => !(name && e.references.has(name)));
    }
  }

  #rename(table: RelationRef, kind: string, from: string | undefined, to: string): void {
    if (kind === "OBJECT_TABLE") return this.#move(table.key, `${table.schema ?? "public"}.${to}`);
    const list = this.tables.get(table.key);
    if (!list) return;
    if (kind === "OBJECT_TABCONSTRAINT") {
      if (list.some((e) => e.constraint === from)) this.tables.set(table.key, list.map((e) => (e.constraint === from ? { ...e, constraint: to } : e)));
    } else if (kind === "OBJECT_COLUMN" && from) {
      const mentions = (e: Entry): boolean => e.proves.has(from) || e.references.has(from);
      if (list.some(mentions)) {
        this.tables.set(
          table.key,
          list.map((e) => (mentions(e) ? { ...e, proves: renamed(e.proves, from, to), references: renamed(e.references, from, to) } : e)),
        );
      }
    }
  }

  #move(from: string, to: string): void {
    const entries = this.tables.edit(from);
    this.tables.delete(from);
    if (entries) this.tables.set(to, entries);
    else this.tables.delete(to);
  }
}

/** A name (constraint, trigger, function) `<table>_<column>_<suffix>` within Postgres' 63-byte identifier limit. */
export function nameFor(table: RelationRef, column: string, suffix: string): string {
  const base = [...`${table.name}_${column}`];
  while (Buffer.byteLength(`${base.join("")}_${suffix}`) > 63) base.pop();
  return `${base.join("")}_${suffix}`;
}
