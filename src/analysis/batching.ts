/**
 * Does an UPDATE / DELETE touch a bounded batch of rows, or (potentially) the whole table?
 *
 * A WHERE clause bounds the batch when it holds, as a conjunct (or in every branch of an OR):
 *   - a key range on one column: `BETWEEN`, or a lower (`>` / `>=`) and an upper (`<` / `<=`) bound;
 *   - an equality on a column: `col = value`, `col IN (value, ...)`, `col = ANY(ARRAY[...])`;
 *   - a sub-select with LIMIT: `col IN (SELECT ... LIMIT n)`, `col = ANY(ARRAY(SELECT ... LIMIT n))`;
 *   - `WHERE CURRENT OF cursor` (one row).
 * Conditions such as `IS NULL`, `<>`, `LIKE`, `NOT ...`, a single one-sided comparison, `EXISTS`
 * or a join condition between two columns do not bound it: they can match every row.
 */
import type { AstObject } from "../parser/parse.js";
import { quoteIdent, type RelationRef } from "./names.js";

export type BatchBound = "key-range" | "equality" | "in-list" | "limit-subquery" | "current-of";

export type BatchVerdict = { bounded: true; by: BatchBound } | { bounded: false; reason: "no-where" | "unbounded-where" };

type Wrapped = Record<string, AstObject>;

function unwrap(node: unknown): [string, AstObject] | undefined {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const inner = (node as Wrapped)[keys[0]!];
  return inner && typeof inner === "object" ? [keys[0]!, inner] : undefined;
}

function operatorName(expr: AstObject): string {
  const names = (expr.name as { String?: { sval?: string } }[] | undefined) ?? [];
  return names.at(-1)?.String?.sval ?? "";
}

/** A column, possibly cast, collated or wrapped in a function call: `id`, `t.id`, `id::text`, `lower(email)`. */
function columnOf(node: unknown): AstObject | undefined {
  const w = unwrap(node);
  if (!w) return undefined;
  const [type, inner] = w;
  if (type === "ColumnRef") return w[1];
  if (type === "TypeCast" || type === "CollateClause") return columnOf(inner.arg);
  if (type === "FuncCall") {
    const args = (inner.args as unknown[] | undefined) ?? [];
    const columns = args.map(columnOf).filter((c) => c !== undefined);
    return columns.length === 1 && args.every((a) => columnOf(a) !== undefined || isValue(a)) ? columns[0] : undefined;
  }
  return undefined;
}

/** A key identifying the column expression (locations ignored). */
function columnKey(column: AstObject): string {
  return JSON.stringify(column, (k, v: unknown) => (k === "location" ? undefined : v));
}

/** An expression that refers to no column of the statement (sub-selects are values). */
function isValue(node: unknown): boolean {
  if (node === null || typeof node !== "object") return true;
  if (Array.isArray(node)) return node.every(isValue);
  const w = unwrap(node);
  if (w?.[0] === "ColumnRef") return false;
  if (w?.[0] === "SubLink") return true;
  return Object.values(node).every(isValue);
}

function selectHasLimit(subselect: unknown): boolean {
  const select = unwrap(subselect)?.[1];
  const limit = unwrap(select?.limitCount)?.[1];
  return limit !== undefined && limit.isnull !== true;
}

const LOWER = new Set([">", ">="]);
const UPPER = new Set(["<", "<="]);
const FLIP: Record<string, string> = { ">": "<", ">=": "<=", "<": ">", "<=": ">=" };

/** A one-sided comparison of a column with a value, normalised to `column op value`. */
function comparison(expr: AstObject): { key: string; op: string } | undefined {
  if (expr.kind !== "AEXPR_OP") return undefined;
  const op = operatorName(expr);
  if (!(op in FLIP)) return undefined;
  const left = columnOf(expr.lexpr);
  if (left && isValue(expr.rexpr)) return { key: columnKey(left), op };
  const right = columnOf(expr.rexpr);
  if (right && isValue(expr.lexpr)) return { key: columnKey(right), op: FLIP[op]! };
  return undefined;
}

/** The bound a single condition gives on its own, if any. */
function conditionBound(node: unknown): BatchBound | undefined {
  const w = unwrap(node);
  if (!w) return undefined;
  const [type, expr] = w;
  switch (type) {
    case "CurrentOfExpr":
      return "current-of";
    case "BoolExpr":
      return boolBound(expr);
    case "SubLink":
      // col IN (SELECT ... LIMIT n) / col = ANY (SELECT ... LIMIT n)
      if (expr.subLinkType === "ANY_SUBLINK" && (expr.operName === undefined || operatorName({ name: expr.operName }) === "=")) {
        return selectHasLimit(expr.subselect) ? "limit-subquery" : undefined;
      }
      return undefined;
    case "A_Expr": {
      const op = operatorName(expr);
      switch (expr.kind) {
        case "AEXPR_OP":
          if (op !== "=") return undefined;
          return (columnOf(expr.lexpr) && isValue(expr.rexpr)) || (columnOf(expr.rexpr) && isValue(expr.lexpr)) ? "equality" : undefined;
        case "AEXPR_IN":
          return op === "=" && columnOf(expr.lexpr) && isValue(expr.rexpr) ? "in-list" : undefined;
        case "AEXPR_OP_ANY": {
          if (op !== "=" || !columnOf(expr.lexpr)) return undefined;
          const right = unwrap(expr.rexpr);
          if (right?.[0] === "SubLink") return selectHasLimit(right[1].subselect) ? "limit-subquery" : undefined;
          return isValue(expr.rexpr) ? "in-list" : undefined;
        }
        case "AEXPR_BETWEEN":
        case "AEXPR_BETWEEN_SYM":
          return columnOf(expr.lexpr) && isValue(expr.rexpr) ? "key-range" : undefined;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

function boolBound(expr: AstObject): BatchBound | undefined {
  const args = (expr.args as unknown[] | undefined) ?? [];
  if (expr.boolop === "OR_EXPR") {
    // Every branch must be bounded; the weakest kind of bound describes the whole.
    const bounds = args.map(conditionBound);
    return bounds.every((b) => b !== undefined) ? bounds[0] : undefined;
  }
  if (expr.boolop !== "AND_EXPR") return undefined;
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const arg of args) {
    const bound = conditionBound(arg);
    if (bound) return bound;
    const w = unwrap(arg);
    const cmp = w?.[0] === "A_Expr" ? comparison(w[1]) : undefined;
    if (cmp && LOWER.has(cmp.op)) lower.add(cmp.key);
    if (cmp && UPPER.has(cmp.op)) upper.add(cmp.key);
  }
  return [...lower].some((k) => upper.has(k)) ? "key-range" : undefined;
}

/** Whether the WHERE clause (libpg-query node, or undefined for none) bounds the rows touched. */
export function whereBoundsBatch(whereClause: unknown): BatchVerdict {
  if (whereClause === undefined || whereClause === null) return { bounded: false, reason: "no-where" };
  const by = conditionBound(whereClause);
  return by ? { bounded: true, by } : { bounded: false, reason: "unbounded-where" };
}

export interface BatchedLoopInput {
  /**
   * `key-range`: walk the primary key in ranges (terminates even when changed rows still match);
   * `limit-subquery`: repeat the statement on a LIMIT-ed sub-select until no row is left (for a
   * DELETE without USING, whose deleted rows stop matching).
   */
  strategy: "key-range" | "limit-subquery";
  table: RelationRef;
  /** The alias the statement gives the table, if any. */
  alias?: string;
  /** The statement's text before its WHERE clause (`UPDATE users SET ... [FROM ...]`). */
  head: string;
  /** The WHERE condition's text, without `WHERE`. */
  condition?: string;
  /** Rows per batch (default 10,000). */
  batchSize?: number;
}

/**
 * A PL/pgSQL loop that runs the statement in batches, each batch committed on its own (PG ≥ 11:
 * COMMIT inside DO, when the DO itself runs outside a transaction block).
 * https://www.postgresql.org/docs/current/plpgsql-transactions.html
 * The key is assumed to be an integer column `id`; the help says so.
 */
export function batchedLoopSql(input: BatchedLoopInput): string {
  const size = input.batchSize ?? 10_000;
  const ref = quoteIdent(input.alias ?? input.table.name);
  const cond = input.condition ? ` AND (${input.condition})` : "";
  const lines =
    input.strategy === "key-range"
      ? [
          "DO $$",
          "DECLARE",
          "  batch_start bigint;",
          "  batch_last bigint;",
          "BEGIN",
          `  SELECT min(id), max(id) INTO batch_start, batch_last FROM ${input.table.sql};`,
          "  WHILE batch_start <= batch_last LOOP",
          `    ${input.head.trim()}`,
          `    WHERE ${ref}.id >= batch_start AND ${ref}.id < batch_start + ${size}${cond};`,
          "    COMMIT;",
          "    PERFORM pg_sleep(0.1);",
          `    batch_start := batch_start + ${size};`,
          "  END LOOP;",
          "END $$;",
        ]
      : [
          "DO $$",
          "BEGIN",
          "  LOOP",
          `    ${input.head.trim()}`,
          `    WHERE ${ref}.id IN (SELECT ${ref}.id FROM ${input.table.sql}${input.alias ? ` ${quoteIdent(input.alias)}` : ""}${input.condition ? ` WHERE ${input.condition}` : ""} LIMIT ${size});`,
          "    EXIT WHEN NOT FOUND;",
          "    COMMIT;",
          "    PERFORM pg_sleep(0.1);",
          "  END LOOP;",
          "END $$;",
        ];
  return lines.join("\n");
}
