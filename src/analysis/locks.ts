/**
 * The lock model: for each statement, which relations it locks, in which mode, and whether it is
 * instant, scans the table or rewrites it.
 *
 * One table (LOCK_MODEL) holds every statement form pgsafe knows, with the lock Postgres takes on
 * a pre-existing table. Every entry carries an example that test/analysis/locks.pglite.test.ts runs
 * in a real Postgres (PGlite) to check pg_locks and relfilenode against the entry.
 *
 * Reference: https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES and the
 * "Notes" of each command's reference page (ALTER TABLE, CREATE INDEX, REINDEX, ...).
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import { makeRelation, relationFromNameList, relationFromRangeVar, type RelationRef } from "./names.js";
import type { Effect, LockEffect, LockMode } from "./locks-types.js";

export * from "./locks-types.js";

export interface LockModelEntry {
  /** The lock taken on the statement's target table (for index forms: on the index's table). */
  mode: LockMode;
  effect: Effect;
  /** A statement of this form against the test schema (tables t and u, index t_a_idx; see the test). */
  example: string;
  /** Other pre-existing relations the example locks, with their modes (e.g. the referenced table of a foreign key). */
  alsoLocks?: Record<string, LockMode>;
  description: string;
}

/**
 * The statement forms. Keys are stable ids used by `explain`, `trace` and the tests.
 */
export const LOCK_MODEL = {
  "create-index": {
    mode: "SHARE",
    effect: "scan",
    example: "CREATE INDEX t_b_idx ON t (b)",
    description: "CREATE INDEX: blocks writes while the index is built",
  },
  "create-index-concurrently": {
    mode: "SHARE UPDATE EXCLUSIVE",
    effect: "scan",
    example: "CREATE INDEX CONCURRENTLY t_b_idx ON t (b)",
    description: "CREATE INDEX CONCURRENTLY: reads and writes continue during the build",
  },
  "drop-index": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "DROP INDEX t_a_idx",
    description: "DROP INDEX: ACCESS EXCLUSIVE on the index's table",
  },
  "drop-index-concurrently": {
    mode: "SHARE UPDATE EXCLUSIVE",
    effect: "instant",
    example: "DROP INDEX CONCURRENTLY t_a_idx",
    description: "DROP INDEX CONCURRENTLY: waits for running transactions, blocks neither reads nor writes",
  },
  "alter-table-add-column": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ADD COLUMN n int",
    description: "ADD COLUMN without a default, or (PG 11+) with a non-volatile default: catalog only",
  },
  "alter-table-add-column-rewrite": {
    mode: "ACCESS EXCLUSIVE",
    effect: "rewrite",
    example: "ALTER TABLE t ADD COLUMN n float8 DEFAULT random()",
    description: "ADD COLUMN with a volatile default, serial, identity or stored generated column: rewrites the table",
  },
  "alter-table-drop-column": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t DROP COLUMN b",
    description: "DROP COLUMN: catalog only, the space is reclaimed by later rewrites",
  },
  "alter-table-alter-column-type": {
    mode: "ACCESS EXCLUSIVE",
    effect: "rewrite",
    example: "ALTER TABLE t ALTER COLUMN a TYPE bigint",
    description: "ALTER COLUMN TYPE: rewrites the table and rebuilds its indexes unless the change is binary-coercible",
  },
  "alter-table-set-not-null": {
    mode: "ACCESS EXCLUSIVE",
    effect: "scan",
    example: "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
    description: "SET NOT NULL: scans the table to check for NULLs",
  },
  "alter-table-drop-not-null": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN a DROP NOT NULL",
    description: "DROP NOT NULL: catalog only",
  },
  "alter-table-set-default": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN a SET DEFAULT 0",
    description: "SET DEFAULT / DROP DEFAULT: catalog only",
  },
  "alter-table-add-check": {
    mode: "ACCESS EXCLUSIVE",
    effect: "scan",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0)",
    description: "ADD CHECK: scans the table to validate",
  },
  "alter-table-add-check-not-valid": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID",
    description: "ADD CHECK ... NOT VALID: catalog only",
  },
  "alter-table-add-foreign-key": {
    mode: "SHARE ROW EXCLUSIVE",
    effect: "scan",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES u (id)",
    alsoLocks: { u: "SHARE ROW EXCLUSIVE" },
    description: "ADD FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables while the referencing rows are checked",
  },
  "alter-table-add-foreign-key-not-valid": {
    mode: "SHARE ROW EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES u (id) NOT VALID",
    alsoLocks: { u: "SHARE ROW EXCLUSIVE" },
    description: "ADD FOREIGN KEY ... NOT VALID: catalog only, still SHARE ROW EXCLUSIVE on both tables",
  },
  "alter-table-add-unique": {
    mode: "ACCESS EXCLUSIVE",
    effect: "scan",
    example: "ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b)",
    description: "ADD UNIQUE / PRIMARY KEY / EXCLUDE: builds an index under ACCESS EXCLUSIVE",
  },
  "alter-table-add-constraint-using-index": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_uidx",
    description: "ADD UNIQUE / PRIMARY KEY USING INDEX: catalog only (PRIMARY KEY also checks NOT NULL)",
  },
  "alter-table-validate-constraint": {
    mode: "SHARE UPDATE EXCLUSIVE",
    effect: "scan",
    example: "ALTER TABLE t VALIDATE CONSTRAINT t_a_positive",
    description: "VALIDATE CONSTRAINT: scans under SHARE UPDATE EXCLUSIVE, reads and writes continue",
  },
  "alter-table-drop-constraint": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t DROP CONSTRAINT t_a_positive",
    description: "DROP CONSTRAINT: catalog only",
  },
  "alter-table-rewrite": {
    mode: "ACCESS EXCLUSIVE",
    effect: "rewrite",
    example: "ALTER TABLE t SET UNLOGGED",
    description: "SET LOGGED / UNLOGGED, SET TABLESPACE, SET ACCESS METHOD: rewrites the table",
  },
  "alter-table-other": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t ALTER COLUMN b SET STORAGE EXTERNAL",
    description: "Other ALTER TABLE subcommands: ACCESS EXCLUSIVE, catalog only",
  },
  "rename-table": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t RENAME TO t2",
    description: "RENAME TO: catalog only, but running code still uses the old name",
  },
  "rename-column": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "ALTER TABLE t RENAME COLUMN b TO b2",
    description: "RENAME COLUMN: catalog only, but running code still uses the old name",
  },
  "drop-table": {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "DROP TABLE t",
    description: "DROP TABLE",
  },
  truncate: {
    mode: "ACCESS EXCLUSIVE",
    effect: "instant",
    example: "TRUNCATE t",
    description: "TRUNCATE: swaps in new empty storage",
  },
  update: {
    mode: "ROW EXCLUSIVE",
    effect: "scan",
    example: "UPDATE t SET b = 'x'",
    description: "UPDATE: row locks on the changed rows",
  },
  delete: {
    mode: "ROW EXCLUSIVE",
    effect: "scan",
    example: "DELETE FROM t",
    description: "DELETE: row locks on the deleted rows",
  },
  insert: {
    mode: "ROW EXCLUSIVE",
    effect: "instant",
    example: "INSERT INTO t (id) VALUES (1000000)",
    description: "INSERT",
  },
} satisfies Record<string, LockModelEntry>;

export type LockForm = keyof typeof LOCK_MODEL;

export interface LockModelOptions {
  pgVersion: number;
}

const VOLATILE_FUNCTIONS = new Set([
  "random",
  "gen_random_uuid",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "uuidv4",
  "uuidv7",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "txid_current",
  "setseed",
  "random_normal",
]);

function funcName(call: AstObject): string {
  const names = (call.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
  return names.map((n) => n.String?.sval ?? "").pop() ?? "";
}

/** True when an expression calls a volatile function (so a default with it rewrites the table). */
export function isVolatileExpression(expr: unknown): boolean {
  let found = false;
  const visit = (value: unknown): void => {
    if (found || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    const obj = value as Record<string, unknown>;
    const call = obj.FuncCall as AstObject | undefined;
    if (call && VOLATILE_FUNCTIONS.has(funcName(call).toLowerCase())) {
      found = true;
      return;
    }
    for (const v of Object.values(obj)) visit(v);
  };
  visit(expr);
  return found;
}

const SERIAL_TYPES = new Set(["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"]);

export function typeNameOf(typeName: AstObject | undefined): string {
  const names = (typeName?.names as { String?: { sval?: string } }[] | undefined) ?? [];
  return names.map((n) => n.String?.sval ?? "").pop() ?? "";
}

function constraintsOf(column: AstObject): AstObject[] {
  return ((column.constraints as { Constraint?: AstObject }[] | undefined) ?? []).map((c) => c.Constraint).filter((c): c is AstObject => !!c);
}

/** Whether `ADD COLUMN` with this definition rewrites the table. */
export function addColumnRewrites(column: AstObject, pgVersion: number): boolean {
  if (SERIAL_TYPES.has(typeNameOf(column.typeName as AstObject).toLowerCase())) return true;
  for (const c of constraintsOf(column)) {
    if (c.contype === "CONSTR_IDENTITY") return true;
    // Stored generated columns are computed for every row; virtual ones (PG 18+) are not stored.
    if (c.contype === "CONSTR_GENERATED" && c.generated_kind !== "v") return true;
    if (c.contype === "CONSTR_DEFAULT") {
      // PG ≥ 11: a non-volatile default is stored in the catalog, no rewrite.
      // https://www.postgresql.org/docs/release/11.0/ ("ALTER TABLE ... ADD COLUMN with a non-null default")
      if (pgVersion < 11) return true;
      if (isVolatileExpression(c.raw_expr)) return true;
    }
  }
  return false;
}

function addConstraintForm(constraint: AstObject): LockForm {
  const notValid = constraint.skip_validation === true;
  switch (constraint.contype) {
    case "CONSTR_CHECK":
    case "CONSTR_NOTNULL":
      return notValid ? "alter-table-add-check-not-valid" : "alter-table-add-check";
    case "CONSTR_FOREIGN":
      return notValid ? "alter-table-add-foreign-key-not-valid" : "alter-table-add-foreign-key";
    case "CONSTR_UNIQUE":
    case "CONSTR_PRIMARY":
      return constraint.indexname ? "alter-table-add-constraint-using-index" : "alter-table-add-unique";
    case "CONSTR_EXCLUSION":
      return "alter-table-add-unique";
    default:
      return "alter-table-other";
  }
}

/** The lock-model form of one ALTER TABLE subcommand. */
export function alterTableCommandForm(cmd: AstObject, options: LockModelOptions): LockForm {
  switch (cmd.subtype) {
    case "AT_AddColumn":
      return addColumnRewrites((cmd.def as { ColumnDef?: AstObject })?.ColumnDef ?? {}, options.pgVersion)
        ? "alter-table-add-column-rewrite"
        : "alter-table-add-column";
    case "AT_DropColumn":
      return "alter-table-drop-column";
    case "AT_AlterColumnType":
      return "alter-table-alter-column-type";
    case "AT_SetNotNull":
      return "alter-table-set-not-null";
    case "AT_DropNotNull":
      return "alter-table-drop-not-null";
    case "AT_ColumnDefault":
      return "alter-table-set-default";
    case "AT_AddConstraint":
      return addConstraintForm((cmd.def as { Constraint?: AstObject })?.Constraint ?? {});
    case "AT_ValidateConstraint":
      return "alter-table-validate-constraint";
    case "AT_DropConstraint":
      return "alter-table-drop-constraint";
    case "AT_SetLogged":
    case "AT_SetUnLogged":
    case "AT_SetTableSpace":
    case "AT_SetAccessMethod":
      return "alter-table-rewrite";
    default:
      return "alter-table-other";
  }
}

function effectOf(form: LockForm, relation: RelationRef, kind: "table" | "index" = "table"): LockEffect {
  const entry: LockModelEntry = LOCK_MODEL[form];
  return { relation, kind, mode: entry.mode, effect: entry.effect, form };
}

const EFFECT_RANK: Record<Effect, number> = { instant: 0, scan: 1, rewrite: 2 };

/** Merges effects on the same relation: the strongest lock and the heaviest effect win. */
function merge(effects: LockEffect[]): LockEffect[] {
  const byKey = new Map<string, LockEffect>();
  for (const e of effects) {
    const prev = byKey.get(e.relation.key);
    if (!prev) {
      byKey.set(e.relation.key, { ...e });
      continue;
    }
    const stronger = LOCK_RANKS[e.mode] > LOCK_RANKS[prev.mode];
    byKey.set(e.relation.key, {
      ...prev,
      mode: stronger ? e.mode : prev.mode,
      form: stronger ? e.form : prev.form,
      effect: EFFECT_RANK[e.effect] > EFFECT_RANK[prev.effect] ? e.effect : prev.effect,
    });
  }
  return [...byKey.values()];
}

const LOCK_RANKS: Record<LockMode, number> = {
  "ACCESS SHARE": 0,
  "ROW SHARE": 1,
  "ROW EXCLUSIVE": 2,
  "SHARE UPDATE EXCLUSIVE": 3,
  SHARE: 4,
  "SHARE ROW EXCLUSIVE": 5,
  EXCLUSIVE: 6,
  "ACCESS EXCLUSIVE": 7,
};

function referencedTable(constraint: AstObject): RelationRef | undefined {
  return relationFromRangeVar(constraint.pktable as AstObject | undefined);
}

/**
 * The locks a statement takes on relations that existed before it, per the lock model.
 * Relations the statement itself creates are not included.
 */
export function statementLocks(statement: ParsedStatement, options: LockModelOptions): LockEffect[] {
  const node = statement.node;
  switch (statement.type) {
    case "IndexStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      return [effectOf(node.concurrent ? "create-index-concurrently" : "create-index", table)];
    }
    case "AlterTableStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      const effects: LockEffect[] = [];
      for (const item of (node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
        const cmd = item.AlterTableCmd;
        if (!cmd) continue;
        const form = alterTableCommandForm(cmd, options);
        effects.push(effectOf(form, table));
        if (cmd.subtype === "AT_AddConstraint") {
          const constraint = (cmd.def as { Constraint?: AstObject })?.Constraint;
          const ref = constraint?.contype === "CONSTR_FOREIGN" ? referencedTable(constraint) : undefined;
          if (ref && ref.key !== table.key) effects.push({ ...effectOf(form, ref), effect: "instant" });
        }
        if (cmd.subtype === "AT_AddColumn") {
          const column = (cmd.def as { ColumnDef?: AstObject })?.ColumnDef;
          for (const c of column ? constraintsOf(column) : []) {
            const ref = c.contype === "CONSTR_FOREIGN" ? referencedTable(c) : undefined;
            if (ref && ref.key !== table.key) effects.push(effectOf("alter-table-add-foreign-key-not-valid", ref));
          }
        }
      }
      return merge(effects);
    }
    case "RenameStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      if (node.renameType === "OBJECT_TABLE") return [effectOf("rename-table", table)];
      if (node.renameType === "OBJECT_COLUMN") return [effectOf("rename-column", table)];
      return [];
    }
    case "DropStmt": {
      const objects = (node.objects as unknown[] | undefined) ?? [];
      if (node.removeType === "OBJECT_TABLE") {
        return objects.map(relationFromNameList).filter((r): r is RelationRef => !!r).map((r) => effectOf("drop-table", r));
      }
      if (node.removeType === "OBJECT_INDEX") {
        const form = node.concurrent ? "drop-index-concurrently" : "drop-index";
        return objects.map(relationFromNameList).filter((r): r is RelationRef => !!r).map((r) => effectOf(form, r, "index"));
      }
      return [];
    }
    case "TruncateStmt":
      return ((node.relations as { RangeVar?: AstObject }[] | undefined) ?? [])
        .map((r) => relationFromRangeVar(r.RangeVar))
        .filter((r): r is RelationRef => !!r)
        .map((r) => effectOf("truncate", r));
    case "UpdateStmt":
    case "DeleteStmt":
    case "InsertStmt": {
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      const form = statement.type === "UpdateStmt" ? "update" : statement.type === "DeleteStmt" ? "delete" : "insert";
      return [effectOf(form, table)];
    }
    case "CreateStmt": {
      // A new table locks the existing tables its foreign keys reference.
      const effects: LockEffect[] = [];
      const own = relationFromRangeVar(node.relation as AstObject);
      const visitConstraint = (c: AstObject | undefined): void => {
        const ref = c?.contype === "CONSTR_FOREIGN" ? referencedTable(c) : undefined;
        if (ref && ref.key !== own?.key) effects.push(effectOf("alter-table-add-foreign-key-not-valid", ref));
      };
      for (const element of (node.tableElts as Record<string, AstObject>[] | undefined) ?? []) {
        if (element.Constraint) visitConstraint(element.Constraint);
        if (element.ColumnDef) for (const c of constraintsOf(element.ColumnDef)) visitConstraint(c);
      }
      return merge(effects);
    }
    default:
      return [];
  }
}

export { makeRelation };
