/**
 * Column types as the parser hands them over, classified for the schema-design rules.
 *
 * The parser rewrites SQL-standard spellings to catalog names: `int` and `integer` become
 * `pg_catalog.int4`, `varchar(10)` becomes `pg_catalog.varchar` with a typmod, `char(3)` becomes
 * `pg_catalog.bpchar`, `timestamp with time zone` becomes `pg_catalog.timestamptz`. Names written
 * by the user stay as written (`int4`, `serial`, `"char"`, `app.json`). An unqualified name of a
 * built-in type means the built-in type: pg_catalog is searched before the search_path.
 * https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-CATALOG
 */
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import type { Token } from "../parser/tokens.js";
import type { PgNode, PgRuleContext, PgRuleVisitor } from "../types.js";
import { retypeColumn, serialSequenceName } from "./fix-safety.js";
import { makeRelation, quoteIdent, relationFromRangeVar, type RelationRef } from "./names.js";

/** A column whose type a statement declares. */
export interface ColumnTypeUse {
  table: RelationRef;
  column: string;
  typeName: AstObject;
  /** A column of CREATE TABLE, an ALTER TABLE ... ADD COLUMN, or an ALTER COLUMN ... TYPE. */
  clause: "create-table" | "add-column" | "alter-type";
  /** The ColumnDef node (constraints, defaults). */
  columnDef: AstObject;
}

function columnDefsOfCreate(node: AstObject, defaultSchema?: string): ColumnTypeUse[] {
  const rv = node.relation as AstObject | undefined;
  const table = rv && !rv.schemaname && defaultSchema ? makeRelation(defaultSchema, String(rv.relname)) : relationFromRangeVar(rv);
  if (!table) return [];
  const uses: ColumnTypeUse[] = [];
  for (const element of (node.tableElts as { ColumnDef?: AstObject }[] | undefined) ?? []) {
    const def = element.ColumnDef;
    const typeName = def?.typeName as AstObject | undefined;
    if (def && typeName && typeof def.colname === "string") uses.push({ table, column: def.colname, typeName, clause: "create-table", columnDef: def });
  }
  return uses;
}

/**
 * The column types a statement declares for a table: CREATE TABLE (also inside CREATE SCHEMA),
 * ALTER TABLE ... ADD COLUMN and ALTER COLUMN ... TYPE. Foreign tables are left out: their column
 * types describe the remote data, they store nothing.
 */
export function columnTypeUses(statement: ParsedStatement): ColumnTypeUse[] {
  const node = statement.node;
  switch (statement.type) {
    case "CreateStmt":
      return columnDefsOfCreate(node);
    case "CreateSchemaStmt": {
      const schema = typeof node.schemaname === "string" ? node.schemaname : (node.authrole as { rolename?: string } | undefined)?.rolename;
      return ((node.schemaElts as { CreateStmt?: AstObject }[] | undefined) ?? []).flatMap((e) => (e.CreateStmt ? columnDefsOfCreate(e.CreateStmt, schema) : []));
    }
    case "AlterTableStmt": {
      if (node.objtype !== "OBJECT_TABLE") return [];
      const table = relationFromRangeVar(node.relation as AstObject);
      if (!table) return [];
      const uses: ColumnTypeUse[] = [];
      for (const item of (node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? []) {
        const cmd = item.AlterTableCmd;
        const def = (cmd?.def as { ColumnDef?: AstObject } | undefined)?.ColumnDef;
        const typeName = def?.typeName as AstObject | undefined;
        if (!cmd || !def || !typeName) continue;
        if (cmd.subtype === "AT_AddColumn" && typeof def.colname === "string") {
          uses.push({ table, column: def.colname, typeName, clause: "add-column", columnDef: def });
        } else if (cmd.subtype === "AT_AlterColumnType" && typeof cmd.name === "string") {
          uses.push({ table, column: cmd.name, typeName, clause: "alter-type", columnDef: def });
        }
      }
      return uses;
    }
    default:
      return [];
  }
}

function typeNames(typeName: AstObject): string[] {
  return ((typeName.names as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? "");
}

/**
 * The catalog name of a built-in type (`int4`, `varchar`, `bpchar`, `json`), or undefined for a
 * type in another schema (`app.json` is a user type, not json) or a `%TYPE` reference.
 */
export function builtinTypeName(typeName: AstObject): string | undefined {
  if (typeName.pct_type) return undefined;
  const names = typeNames(typeName);
  if (names.length === 1) return names[0];
  if (names.length === 2 && names[0] === "pg_catalog") return names[1];
  return undefined;
}

/** True for an array of the type (`int[]`, `json ARRAY`). */
export function isArrayType(typeName: AstObject): boolean {
  return Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0;
}

/** The integer typmods (`varchar(10)` → [10]); undefined where one is not a plain integer. */
export function typeModifiers(typeName: AstObject): number[] | undefined {
  const mods = (typeName.typmods as { A_Const?: { ival?: { ival?: number } } }[] | undefined) ?? [];
  const values = mods.map((m) => (m.A_Const?.ival ? (m.A_Const.ival.ival ?? 0) : undefined));
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}

export type SerialType = "smallserial" | "serial" | "bigserial";

/**
 * The serial pseudo-type a column is declared with. Postgres only expands an unqualified name
 * (`pg_catalog.serial` does not exist) in a column definition of CREATE TABLE or ADD COLUMN.
 * https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-SERIAL
 */
export function serialType(typeName: AstObject): SerialType | undefined {
  const names = typeNames(typeName);
  if (names.length !== 1 || typeName.pct_type) return undefined;
  switch (names[0]) {
    case "smallserial":
    case "serial2":
      return "smallserial";
    case "serial":
    case "serial4":
      return "serial";
    case "bigserial":
    case "serial8":
      return "bigserial";
    default:
      return undefined;
  }
}

/** The integer type behind a serial pseudo-type. */
export const SERIAL_BASE: Record<SerialType, string> = { smallserial: "smallint", serial: "integer", bigserial: "bigint" };

/** Width in bytes of an integer column (serials included): 2, 4, 8, or undefined for other types. */
export function integerWidth(typeName: AstObject): 2 | 4 | 8 | undefined {
  const serial = serialType(typeName);
  if (serial) return serial === "smallserial" ? 2 : serial === "serial" ? 4 : 8;
  switch (builtinTypeName(typeName)) {
    case "int2":
      return 2;
    case "int4":
      return 4;
    case "int8":
      return 8;
    default:
      return undefined;
  }
}

/** `varchar(n)` / `character varying(n)`: the limit n; undefined for other types and for plain `varchar`. */
export function varcharLimit(typeName: AstObject): number | undefined {
  if (builtinTypeName(typeName) !== "varchar" || !typeName.typmods) return undefined;
  return typeModifiers(typeName)?.[0] ?? -1;
}

/** `timestamp` / `timestamp(p)` / `timestamp without time zone` (but not `timestamptz`). */
export function isTimestampWithoutTimeZone(typeName: AstObject): boolean {
  return builtinTypeName(typeName) === "timestamp";
}

/**
 * `char(n)` / `character(n)` / `bpchar`, the blank-padded character type: its length, or -1 for
 * `bpchar` without one; undefined for other types. `"char"` (quoted) is the one-byte internal type,
 * a different type, and is not matched.
 */
export function blankPaddedLength(typeName: AstObject): number | undefined {
  if (builtinTypeName(typeName) !== "bpchar") return undefined;
  // A bare `char` / `character` is char(1): the parser adds the typmod.
  return typeName.typmods ? (typeModifiers(typeName)?.[0] ?? -1) : -1;
}

/** The `json` type (not `jsonb`, not a user type named json in another schema). */
export function isJson(typeName: AstObject): boolean {
  return builtinTypeName(typeName) === "json";
}

/** Where a type is written in the statement text (UTF-16 indices into the file). */
export interface TypeSpan {
  /** The whole type, array brackets included. */
  range: [number, number];
  /** The type without its array suffix: `timestamp(3) without time zone`. */
  base: [number, number];
  /** The parenthesised modifiers as written, `(3)`, if any. */
  modifiers?: string;
}

const CONTINUATION = new Set(["VARYING", "PRECISION", "CHARACTER", "CHAR"]);
const INTERVAL_FIELDS = new Set(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO"]);

/** End of a possibly qualified name (`name`, `schema.name`) whose first token is tokens[i]: the index after it. */
export function qualifiedNameEnd(tokens: Token[], i: number): number {
  let k = i + 1;
  while (tokens[k]?.upper === "." && tokens[k + 1]?.kind === "word") k += 2;
  return k;
}

/**
 * The tokens of a type written at `start` (the TypeName's location): its possibly qualified name,
 * multi-word spellings (`double precision`, `character varying`), modifiers, `with[out] time zone`,
 * interval fields and array brackets. `tokens` are the statement's tokens without comments.
 */
export function typeSpan(tokens: Token[], start: number): TypeSpan | undefined {
  const first = tokens.findIndex((t) => t.start === start);
  if (first < 0 || tokens[first]!.kind !== "word") return undefined;
  const firstWord = tokens[first]!.upper;
  let k = qualifiedNameEnd(tokens, first);
  while (tokens[k]?.kind === "word" && CONTINUATION.has(tokens[k]!.upper)) k++;
  let modifiers: string | undefined;
  const zone = (): void => {
    if ((tokens[k]?.upper === "WITH" || tokens[k]?.upper === "WITHOUT") && tokens[k + 1]?.upper === "TIME" && tokens[k + 2]?.upper === "ZONE") k += 3;
  };
  const parens = (): void => {
    if (tokens[k]?.kind !== "open-paren") return;
    let depth = 0;
    for (let j = k; j < tokens.length; j++) {
      if (tokens[j]!.kind === "open-paren") depth++;
      else if (tokens[j]!.kind === "close-paren" && --depth === 0) {
        modifiers = tokens.slice(k, j + 1).map((t) => t.upper).join("");
        k = j + 1;
        return;
      }
    }
  };
  zone();
  if (firstWord === "INTERVAL") while (tokens[k]?.kind === "word" && INTERVAL_FIELDS.has(tokens[k]!.upper)) k++;
  parens();
  zone();
  const baseEnd = tokens[k - 1]!.end;
  if (tokens[k]?.upper === "ARRAY") {
    k++;
    if (tokens[k]?.upper === "[" && tokens[k + 2]?.upper === "]") k += 3;
  } else {
    while (tokens[k]?.upper === "[") {
      const close = tokens.findIndex((t, j) => j > k && t.upper === "]");
      if (close < 0) break;
      k = close + 1;
    }
  }
  return { range: [tokens[first]!.start, tokens[k - 1]!.end], base: [tokens[first]!.start, baseEnd], ...(modifiers ? { modifiers } : {}) };
}

/** SQL declaring the column with `type`, for help texts: the column definition, or the ALTER TABLE that adds or retypes it. */
export function declarationSql(use: ColumnTypeUse, type: string): string {
  const column = quoteIdent(use.column);
  switch (use.clause) {
    case "create-table":
      return `${column} ${type}`;
    case "add-column":
      return `ALTER TABLE ${use.table.sql} ADD COLUMN ${column} ${type};`;
    case "alter-type":
      return `ALTER TABLE ${use.table.sql} ALTER COLUMN ${column} TYPE ${type};`;
  }
}

/** What `declaredColumnTypes` needs from the source code (PgSourceCode has it). */
export interface TypeSource {
  readonly text: string;
  tokensOf(statement: ParsedStatement): Token[];
  indexOfLocation(statement: ParsedStatement, location: unknown): number;
  readonly migration: { isNewTable(relation: RelationRef, beforeIndex: number): boolean };
}

export interface DeclaredColumnType extends ColumnTypeUse {
  /** Where the type is written. */
  span: TypeSpan;
  /** The type as written, whitespace collapsed: `character varying(20)`. */
  written: string;
  /**
   * The table is created by this statement or earlier in the file: nothing else uses it yet, so
   * changing the declared type leaves a migration that still runs the same way.
   */
  newTable: boolean;
}

const declaredCache = new WeakMap<ParsedStatement, DeclaredColumnType[]>();

/**
 * The column types a statement declares, with where each is written. Computed once per statement
 * (several rules ask); where a type is written is found on first use, since only a finding needs it.
 */
export function declaredColumnTypes(source: TypeSource, statement: ParsedStatement): DeclaredColumnType[] {
  const cached = declaredCache.get(statement);
  if (cached) return cached;
  const uses = columnTypeUses(statement);
  const out: DeclaredColumnType[] = [];
  let tokens: Token[] | undefined;
  for (const use of uses) {
    let span: TypeSpan | undefined;
    const spanOf = (): TypeSpan => {
      if (span) return span;
      tokens ??= source.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
      const start = source.indexOfLocation(statement, use.typeName.location);
      // Where the type cannot be delimited (it does not start at a token), its first token stands for it.
      span = typeSpan(tokens, start) ?? fallbackSpan(tokens, start);
      return span;
    };
    const newTable = use.clause === "create-table" || source.migration.isNewTable(use.table, statement.index);
    out.push({
      ...use,
      newTable,
      get span() {
        return spanOf();
      },
      get written() {
        const range = spanOf().range;
        return source.text.slice(range[0], range[1]).replace(/\s+/g, " ");
      },
    });
  }
  declaredCache.set(statement, out);
  return out;
}

function fallbackSpan(tokens: Token[], start: number): TypeSpan {
  const token = tokens.find((t) => t.start <= start && start < t.end);
  const range: [number, number] = token ? [token.start, token.end] : [start, start];
  return { range, base: range };
}

/**
 * The visitor of prefer-bigint-over-int and prefer-bigint-over-smallint: reports every column
 * declared as a `width`-byte integer (serial types included) with the bigint (or bigserial) to use
 * instead; `sizeNote` explains the size difference in the help.
 */
export function preferBigintVisitor(context: PgRuleContext<"preferBigint" | "useBigint">, width: 2 | 4, sizeNote: string): PgRuleVisitor {
  const { sourceCode } = context;
  const check = (node: PgNode): void => {
    if (node.parent) return;
    for (const col of declaredColumnTypes(sourceCode, node.statement)) {
      if (integerWidth(col.typeName) !== width) continue;
      const serial = serialType(col.typeName) !== undefined;
      const base = serial ? "bigserial" : "bigint";
      const better = isArrayType(col.typeName) ? `${base}[]` : base;
      const data = { column: col.column, table: col.table.label, type: col.written, better };
      context.report({
        loc: sourceCode.locOf(col.span.range),
        messageId: "preferBigint",
        data,
        help: [
          `Declare the column as ${better} (${sizeNote}):`,
          `  ${declarationSql(col, better)}`,
          ...(serial ? [`Better still, an identity column: ${declarationSql(col, "bigint GENERATED BY DEFAULT AS IDENTITY")}`] : []),
          "Columns that reference it (foreign keys) should be bigint as well.",
        ].join("\n"),
        // A table the file creates: fixed when nothing else in the file uses the column (or its serial sequence).
        ...(col.newTable && col.clause !== "alter-type"
          ? retypeColumn(sourceCode, node.statement, col, base, { messageId: "useBigint", data, ...(serial ? { alsoNames: [serialSequenceName(col)] } : {}) })
          : {}),
      });
    }
  };
  return { CreateStmt: check, CreateSchemaStmt: check, AlterTableStmt: check };
}
