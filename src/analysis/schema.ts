/**
 * The known schema: what the earlier migrations of a run did, replayed in migration order.
 *
 * `lintFiles` keeps one `SchemaModel` for the run. Before a file is linted, the model is the state
 * the earlier files left (`MigrationOptions.schema`, read-only for rules); after it, the model
 * applies the file's statements (up migrations only: `*.down.sql` files and down sections do not
 * feed it; a file with syntax errors feeds the statements that parsed). It knows:
 *
 * - tables created by a file of the run (CREATE TABLE, CREATE TABLE AS), following renames, moves
 *   to another schema and drops, and whether they are `pending` (created by a file that is not
 *   applied yet: the changed files of a `changedSince` run);
 * - column types and typmods (the `ColumnTypes` tracker of columns.ts);
 * - NOT NULL columns and validated `CHECK (col IS NOT NULL)` constraints (the `NotNullChecks`
 *   tracker of checks.ts);
 * - constraints: kind, columns, whether validated, the columns a CHECK proves NOT NULL, and a
 *   foreign key's referenced table, under the names constraints.ts gives them (as written, or the
 *   one Postgres generates);
 * - indexes: name (in the table's schema), table, key columns in order, unique, partial; whether
 *   every index of a table is known (`KnownTable.complete`).
 *
 * Rules get the state at their statement by replaying their own file on a fork of the model's
 * trackers: `knownColumnTypes(migration)` and `knownNotNullChecks(migration)` (constant time; the
 * model does not change while a file is linted).
 *
 * Not modelled: objects that existed before the first file of the run, statements in function
 * bodies (they do not run when the migration does), names Postgres generates when an earlier file
 * already took the usual one (constraints.ts knows the names taken in the same file only).
 */
import type { AstObject, ParsedSql, ParsedStatement } from "../parser/parse.js";
import { NotNullChecks, notNullColumns, type NotNullProof } from "./checks.js";
import { ColumnTypes, transactionBoundary, type ColumnType } from "./columns.js";
import { constraintsAddedBy, indexNameOf, type AddedConstraint, type ConstraintKind } from "./constraints.js";
import { createdRelations, droppedRelations, type MigrationContext } from "./context.js";
import { CowMap } from "./cow-map.js";
import { makeRelation, relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";

export interface KnownTable {
  relation: RelationRef;
  /** A file of the run created it (false: it existed before the run and a file changed it). */
  created: boolean;
  /**
   * Every constraint and index of it is known: created by a plain CREATE TABLE (no LIKE, INHERITS,
   * PARTITION OF, OF type) and never attached as a partition (which gives it its parent's indexes).
   */
  complete: boolean;
  /** Created by a file that is not applied yet (a changed file of a `changedSince` run): it is a new table. */
  pending: boolean;
}

export interface KnownConstraint {
  name: string;
  /** NOT NULL is not listed here: see `notNullProof`. */
  kind: Exclude<ConstraintKind, "not-null">;
  table: RelationRef;
  /** The constrained columns (FK referencing columns, UNIQUE / PRIMARY KEY keys, columns a CHECK reads). */
  columns: string[];
  /** Existing rows were checked: added without NOT VALID (or in CREATE TABLE / ADD COLUMN), or validated later. */
  validated: boolean;
  /** The columns a CHECK proves NOT NULL (`CHECK (col IS NOT NULL)`, also inside an AND). */
  notNullColumns: string[];
  /** A foreign key's referenced table and columns (empty: its primary key). */
  references?: { table: RelationRef; columns: string[] };
}

export interface SchemaIndex {
  /** The index, in its table's schema. */
  index: RelationRef;
  table: RelationRef;
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
  unique: boolean;
  /** Has a WHERE clause. */
  partial: boolean;
  /** The WHERE clause of a partial index. */
  predicate?: AstObject;
  /** Access method: btree, hash, gist, ... */
  method: string;
  /** The UNIQUE / PRIMARY KEY / EXCLUDE constraint it belongs to. */
  constraint?: string;
}

/** What rules may ask of the known schema (the state before the file being linted). */
/** Tables are given as a RelationRef or as a string: a key (`app.users`) or an unqualified name (`users` = `public.users`). */
export interface KnownSchema {
  table(relation: RelationRef | string): KnownTable | undefined;
  /** Tables created by files of the run, in no particular order. */
  tables(): KnownTable[];
  columnType(table: RelationRef | string, column: string): ColumnType | undefined;
  notNullProof(table: RelationRef | string, column: string): NotNullProof | undefined;
  constraints(table: RelationRef | string): readonly KnownConstraint[];
  /** The table's known indexes (all of them when `table(...).complete`). */
  indexes(table: RelationRef | string): readonly SchemaIndex[];
  /** An index by name (`DROP INDEX` names it; unqualified = public). */
  index(index: RelationRef | string): SchemaIndex | undefined;
  /** A ColumnTypes tracker starting from this state, for a rule to replay its file on. */
  forkColumnTypes(): ColumnTypes;
  /** A NotNullChecks tracker starting from this state, for a rule to replay its file on. */
  forkNotNullChecks(): NotNullChecks;
}

interface TableState extends KnownTable {
  constraints: KnownConstraint[];
  indexes: SchemaIndex[];
}

/** A relation's key; a string is a key (`app.users`) or an unqualified name (`users` = `public.users`). */
const keyOf = (relation: RelationRef | string): string =>
  typeof relation !== "string" ? relation.key : relation.includes(".") ? relation : `public.${relation}`;

function copyTable(t: TableState): TableState {
  return {
    ...t,
    constraints: t.constraints.map((c) => ({ ...c, columns: [...c.columns], notNullColumns: [...c.notNullColumns] })),
    indexes: t.indexes.map((i) => ({ ...i, columns: [...i.columns] })),
  };
}

const INDEX_BACKED = new Set<ConstraintKind>(["unique", "primary-key", "exclusion"]);

function keyColumns(c: AddedConstraint): (string | null)[] {
  if (c.kind !== "exclusion") return [...c.columns];
  const items = ((c.node.exclusions as { List?: { items?: unknown[] } }[] | undefined) ?? []).map((e) => e.List?.items?.[0]);
  return items.map((item) => {
    const name = (item as { IndexElem?: AstObject } | undefined)?.IndexElem?.name;
    return typeof name === "string" ? name : null;
  });
}

function cmdsOf(node: AstObject): AstObject[] {
  return ((node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []).map((c) => c.AlterTableCmd).filter((c): c is AstObject => !!c);
}

const rename = (list: string[], from: string, to: string): string[] => list.map((c) => (c === from ? to : c));

/** The schema as the migrations of a run leave it, advanced one file at a time. */
export class SchemaModel implements KnownSchema {
  readonly #columns = new ColumnTypes();
  readonly #checks = new NotNullChecks();
  #tables = new CowMap<TableState>(copyTable);
  /** Index key → key of its table. */
  #indexOwner = new CowMap<string>((key) => key);
  #beforeTransaction: { tables: CowMap<TableState>; indexOwner: CowMap<string> } | undefined;
  #pending = false;

  table(relation: RelationRef | string): KnownTable | undefined {
    const t = this.#tables.get(keyOf(relation));
    return t && { relation: t.relation, created: t.created, complete: t.complete, pending: t.pending };
  }

  tables(): KnownTable[] {
    return [...this.#tables.entries()].filter(([, t]) => t.created).map(([key]) => this.table(key)!);
  }

  /** Keys of the tables created by pending files (MigrationOptions.newTables of the next file). */
  newTables(): string[] {
    return this.tables()
      .filter((t) => t.pending)
      .map((t) => t.relation.key);
  }

  columnType(table: RelationRef | string, column: string): ColumnType | undefined {
    return this.#columns.typeOf(keyOf(table), column);
  }

  notNullProof(table: RelationRef | string, column: string): NotNullProof | undefined {
    return this.#checks.proofOf(keyOf(table), column);
  }

  constraints(table: RelationRef | string): readonly KnownConstraint[] {
    return this.#tables.get(keyOf(table))?.constraints ?? [];
  }

  indexes(table: RelationRef | string): readonly SchemaIndex[] {
    return this.#tables.get(keyOf(table))?.indexes ?? [];
  }

  index(index: RelationRef | string): SchemaIndex | undefined {
    const key = keyOf(index);
    const owner = this.#indexOwner.get(key);
    return owner === undefined ? undefined : this.indexes(owner).find((i) => i.index.key === key);
  }

  forkColumnTypes(): ColumnTypes {
    return this.#columns.fork();
  }

  forkNotNullChecks(): NotNullChecks {
    return this.#checks.fork();
  }

  /**
   * Applies a file: `statements` (default: all of `parsed`'s, in order; pass a subset to leave out
   * a down section). `pending`: the file is not applied yet, so the tables it creates are new for
   * the files after it.
   */
  apply(parsed: ParsedSql, options: { statements?: readonly ParsedStatement[]; pending?: boolean } = {}): void {
    this.#pending = options.pending === true;
    for (const statement of options.statements ?? parsed.statements) {
      // A function body does not run when the migration does.
      if (statement.hiddenIn?.kind === "function") continue;
      this.#columns.observe(statement);
      this.#checks.observe(statement);
      this.#observe(parsed, statement);
    }
    // The file was applied: a transaction it left open counts as committed.
    this.#columns.commitOpenTransaction();
    this.#checks.commitOpenTransaction();
    this.#commit();
  }

  #commit(): void {
    const saved = this.#beforeTransaction;
    if (!saved) return;
    saved.tables.absorb(this.#tables);
    saved.indexOwner.absorb(this.#indexOwner);
    this.#tables = saved.tables;
    this.#indexOwner = saved.indexOwner;
    this.#beforeTransaction = undefined;
  }

  #observe(parsed: ParsedSql, statement: ParsedStatement): void {
    const node = statement.node;
    switch (transactionBoundary(statement)) {
      case "begin":
        if (!this.#beforeTransaction) {
          this.#beforeTransaction = { tables: this.#tables, indexOwner: this.#indexOwner };
          this.#tables = this.#tables.fork();
          this.#indexOwner = this.#indexOwner.fork();
        }
        return;
      case "commit":
        return this.#commit();
      case "rollback":
        if (this.#beforeTransaction) {
          this.#tables = this.#beforeTransaction.tables;
          this.#indexOwner = this.#beforeTransaction.indexOwner;
        }
        this.#beforeTransaction = undefined;
        return;
    }
    switch (statement.type) {
      case "CreateStmt": {
        const table = relationFromRangeVar(node.relation as AstObject | undefined);
        if (!table || (node.if_not_exists && this.#tables.has(table.key))) return;
        const plain = !node.inhRelations && !node.partbound && !node.ofTypename;
        const like = ((node.tableElts as { TableLikeClause?: unknown }[] | undefined) ?? []).some((e) => e.TableLikeClause);
        this.#create(table, plain && !like);
        for (const c of constraintsAddedBy(parsed, statement)) this.#addConstraint(c, true);
        return;
      }
      case "CreateTableAsStmt":
      case "SelectStmt":
        for (const table of createdRelations(statement)) {
          if (!(node.if_not_exists && this.#tables.has(table.key))) this.#create(table, true);
        }
        return;
      case "AlterTableStmt": {
        const table = relationFromRangeVar(node.relation as AstObject | undefined);
        if (!table || node.objtype !== "OBJECT_TABLE") return;
        const cmds = cmdsOf(node);
        // Postgres runs an ALTER TABLE's drops before its additions, and validates after them.
        for (const cmd of cmds) {
          if (cmd.subtype === "AT_DropConstraint" && typeof cmd.name === "string") this.#dropConstraint(table.key, cmd.name);
          if (cmd.subtype === "AT_DropColumn" && typeof cmd.name === "string") this.#dropColumn(table.key, cmd.name);
        }
        for (const c of constraintsAddedBy(parsed, statement)) this.#addConstraint(c, c.column !== undefined);
        for (const cmd of cmds) {
          if (cmd.subtype === "AT_AttachPartition") {
            const partition = relationFromRangeVar((cmd.def as { PartitionCmd?: AstObject } | undefined)?.PartitionCmd?.name as AstObject | undefined);
            if (partition) this.#edit(partition).complete = false;
          }
          if (cmd.subtype !== "AT_ValidateConstraint") continue;
          const found = this.#tables.edit(table.key)?.constraints.find((c) => c.name === cmd.name);
          if (found) found.validated = true;
        }
        return;
      }
      case "IndexStmt": {
        const table = relationFromRangeVar(node.relation as AstObject | undefined);
        const name = indexNameOf(parsed, statement);
        if (!table || name === undefined) return;
        const index = makeRelation(table.schema, name);
        if (node.if_not_exists && this.#indexOwner.has(index.key)) return;
        const columns = ((node.indexParams as { IndexElem?: AstObject }[] | undefined) ?? []).map((p) =>
          typeof p.IndexElem?.name === "string" ? p.IndexElem.name : null,
        );
        this.#addIndex({
          index,
          table,
          columns,
          unique: node.unique === true,
          partial: node.whereClause !== undefined,
          ...(node.whereClause ? { predicate: node.whereClause as AstObject } : {}),
          method: typeof node.accessMethod === "string" ? node.accessMethod : "btree",
        });
        return;
      }
      case "RenameStmt":
        return this.#rename(node);
      case "AlterObjectSchemaStmt": {
        const table = relationFromRangeVar(node.relation as AstObject | undefined);
        if (table && node.objectType === "OBJECT_TABLE" && typeof node.newschema === "string") this.#moveTable(table.key, makeRelation(node.newschema, table.name));
        return;
      }
      case "DropStmt":
        for (const table of droppedRelations(statement)) this.#dropTable(table.key);
        if (node.removeType === "OBJECT_INDEX") {
          for (const index of ((node.objects as unknown[] | undefined) ?? []).map(relationFromNameList)) if (index) this.#dropIndex(index.key);
        }
        return;
    }
  }

  #create(table: RelationRef, complete: boolean): void {
    this.#dropTable(table.key);
    this.#tables.set(table.key, { relation: table, created: true, complete, pending: this.#pending, constraints: [], indexes: [] });
  }

  /** The table's state to change; a table that existed before the run gets one on first change. */
  #edit(table: RelationRef): TableState {
    const found = this.#tables.edit(table.key);
    if (found) return found;
    const state: TableState = { relation: table, created: false, complete: false, pending: false, constraints: [], indexes: [] };
    this.#tables.set(table.key, state);
    return state;
  }

  #addConstraint(c: AddedConstraint, checkedOnAdd: boolean): void {
    if (c.kind === "not-null") return;
    const state = this.#edit(c.table);
    const usedIndex = c.usingIndex === undefined ? undefined : state.indexes.find((i) => i.index.name === c.usingIndex);
    // CREATE TABLE and ADD COLUMN check a new column's constraints (ignoring NOT VALID); a CHECK
    // or foreign key that is NOT ENFORCED (PG ≥ 18) is never validated.
    const enforced = (c.kind !== "check" && c.kind !== "foreign-key") || c.node.is_enforced === true;
    state.constraints.push({
      name: c.name,
      kind: c.kind,
      table: c.table,
      // UNIQUE / PRIMARY KEY USING INDEX takes the index's columns.
      columns: usedIndex ? usedIndex.columns.filter((x): x is string => x !== null) : [...c.columns],
      validated: enforced && (checkedOnAdd || !c.notValid),
      notNullColumns: c.kind === "check" ? notNullColumns(c.node.raw_expr) : [],
      ...(c.references ? { references: { table: c.references.table, columns: [...c.references.columns] } } : {}),
    });
    if (!INDEX_BACKED.has(c.kind)) return;
    if (c.usingIndex !== undefined) {
      // ADD CONSTRAINT ... USING INDEX renames the index to the constraint's name.
      const index = usedIndex;
      if (index) {
        this.#indexOwner.delete(index.index.key);
        index.index = makeRelation(c.table.schema, c.name);
        index.constraint = c.name;
        index.unique = true;
        this.#indexOwner.set(index.index.key, c.table.key);
      }
      return;
    }
    const where = c.node.where_clause as AstObject | undefined;
    this.#addIndex({
      index: makeRelation(c.table.schema, c.name),
      table: c.table,
      columns: keyColumns(c),
      unique: c.kind !== "exclusion",
      partial: where !== undefined,
      ...(where ? { predicate: where } : {}),
      method: c.kind === "exclusion" && typeof c.node.access_method === "string" ? c.node.access_method : c.kind === "exclusion" ? "gist" : "btree",
      constraint: c.name,
    });
  }

  #addIndex(index: SchemaIndex): void {
    this.#edit(index.table).indexes.push(index);
    this.#indexOwner.set(index.index.key, index.table.key);
  }

  #dropConstraint(tableKey: string, name: string): void {
    const state = this.#tables.edit(tableKey);
    if (!state) return;
    state.constraints = state.constraints.filter((c) => c.name !== name);
    for (const i of state.indexes.filter((x) => x.constraint === name)) this.#dropIndex(i.index.key);
  }

  #dropColumn(tableKey: string, column: string): void {
    const state = this.#tables.edit(tableKey);
    if (!state) return;
    // Constraints and indexes that involve the column go with it.
    state.constraints = state.constraints.filter((c) => !c.columns.includes(column));
    for (const i of state.indexes.filter((x) => x.columns.includes(column))) this.#dropIndex(i.index.key);
  }

  #dropIndex(indexKey: string): void {
    const owner = this.#indexOwner.get(indexKey);
    if (owner === undefined) return;
    this.#indexOwner.delete(indexKey);
    const state = this.#tables.edit(owner);
    if (state) state.indexes = state.indexes.filter((i) => i.index.key !== indexKey);
  }

  #dropTable(tableKey: string): void {
    const state = this.#tables.get(tableKey);
    if (!state) return;
    for (const i of state.indexes) this.#indexOwner.delete(i.index.key);
    this.#tables.delete(tableKey);
  }

  /** Moves a table (RENAME TO, SET SCHEMA): its constraints follow, its indexes follow into its schema. */
  #moveTable(fromKey: string, to: RelationRef): void {
    const state = this.#tables.edit(fromKey);
    if (!state) return;
    this.#tables.delete(fromKey);
    this.#dropTable(to.key);
    state.relation = to;
    for (const c of state.constraints) c.table = to;
    for (const i of state.indexes) {
      this.#indexOwner.delete(i.index.key);
      i.table = to;
      i.index = makeRelation(to.schema, i.index.name);
      this.#indexOwner.set(i.index.key, to.key);
    }
    this.#tables.set(to.key, state);
  }

  #rename(node: AstObject): void {
    const relation = relationFromRangeVar(node.relation as AstObject | undefined);
    const to = node.newname;
    const from = node.subname;
    if (!relation || typeof to !== "string") return;
    switch (node.renameType) {
      case "OBJECT_TABLE":
        return this.#moveTable(relation.key, makeRelation(relation.schema, to));
      case "OBJECT_COLUMN": {
        const state = typeof from === "string" ? this.#tables.edit(relation.key) : undefined;
        if (!state || typeof from !== "string") return;
        for (const c of state.constraints) {
          c.columns = rename(c.columns, from, to);
          c.notNullColumns = rename(c.notNullColumns, from, to);
        }
        for (const i of state.indexes) i.columns = i.columns.map((c) => (c === from ? to : c));
        return;
      }
      case "OBJECT_TABCONSTRAINT": {
        const state = this.#tables.edit(relation.key);
        const constraint = state?.constraints.find((c) => c.name === from);
        if (!state || !constraint) return;
        constraint.name = to;
        // Renaming an index-backed constraint renames its index.
        const index = state.indexes.find((i) => i.constraint === from);
        if (index) this.#renameIndex(state, index, to);
        return;
      }
      case "OBJECT_INDEX": {
        const owner = this.#indexOwner.get(relation.key);
        const state = owner === undefined ? undefined : this.#tables.edit(owner);
        const index = state?.indexes.find((i) => i.index.key === relation.key);
        if (!state || !index) return;
        // Renaming a constraint's index renames the constraint.
        const constraint = state.constraints.find((c) => c.name === index.constraint);
        if (constraint) constraint.name = to;
        this.#renameIndex(state, index, to);
        return;
      }
    }
  }

  #renameIndex(state: TableState, index: SchemaIndex, to: string): void {
    this.#indexOwner.delete(index.index.key);
    index.index = makeRelation(index.index.schema, to);
    if (index.constraint !== undefined) index.constraint = to;
    this.#indexOwner.set(index.index.key, state.relation.key);
  }
}

/** A ColumnTypes tracker holding what earlier files of the run declared (empty without a known schema). */
export function knownColumnTypes(migration: MigrationContext): ColumnTypes {
  return migration.options.schema?.forkColumnTypes() ?? new ColumnTypes();
}

/** A NotNullChecks tracker holding what earlier files of the run proved (empty without a known schema). */
export function knownNotNullChecks(migration: MigrationContext): NotNullChecks {
  return migration.options.schema?.forkNotNullChecks() ?? new NotNullChecks();
}
