/**
 * Statements that fail when they run a second time, and where `IF NOT EXISTS`, `IF EXISTS` or
 * `OR REPLACE` makes them re-runnable.
 *
 * Where the clause goes is found by trying it after each of the statement's first keywords (or the
 * ALTER TABLE action's) and keeping the first place where Postgres' parser accepts the statement
 * and reads it as the same statement with only that flag set. So an insertion pgsafe offers always
 * parses, whatever optional words (`UNIQUE`, `CONCURRENTLY`, `MATERIALIZED`, `FOREIGN DATA
 * WRAPPER`, `COLUMN`) the statement uses.
 * https://www.postgresql.org/docs/current/sql-createtable.html (IF NOT EXISTS)
 * https://www.postgresql.org/docs/current/sql-altertable.html (ADD COLUMN IF NOT EXISTS, DROP ... IF EXISTS)
 */
import type { SourceRange } from "@eslint/core";
import type { PgSourceCode } from "../language/source-code.js";
import type { AstObject, ParsedStatement } from "../parser/parse.js";
import { parseSync } from "../parser/wasm.js";
import { relationFromNameList, relationFromRangeVar } from "./names.js";

export type GapKind = "ifNotExists" | "ifExists" | "orReplace" | "unnamedIndex" | "noGuard";

export interface RobustnessGap {
  kind: GapKind;
  /** What the statement creates or drops, for messages: `table`, `index`, `column`, ... */
  what: string;
  /** The objects' names as Postgres prints them (`users`, `app.users`), when known. */
  names: string[];
  /** Where to report: the statement's keywords, or the ALTER TABLE action. */
  range: SourceRange;
  /** The clause to insert and where (a UTF-16 index), checked to parse as intended. */
  insert?: { at: number; text: string };
  /** `CREATE INDEX CONCURRENTLY`: a failed build leaves an INVALID index behind. */
  concurrent?: boolean;
  /** The ALTER TABLE action, for ALTER TABLE gaps. */
  command?: number;
}

type Flag = (node: AstObject) => boolean;

const DROP_WHAT: Record<string, string> = {
  OBJECT_MATVIEW: "materialized view",
  OBJECT_FOREIGN_TABLE: "foreign table",
  OBJECT_STATISTIC_EXT: "statistics object",
  OBJECT_FOREIGN_SERVER: "server",
  OBJECT_FDW: "foreign-data wrapper",
  OBJECT_TSCONFIGURATION: "text search configuration",
  OBJECT_TSDICTIONARY: "text search dictionary",
};

/** Node fields that differ only by position or by the flag being added. */
const IGNORED = new Set(["stmt_len", "if_not_exists", "missing_ok", "replace", "skipIfNewValExists"]);
const POSITION = /(?:^|_)location$|_start$|_end$/;

function sameStatement(a: unknown, b: unknown): boolean {
  const strip = (value: unknown): string => JSON.stringify(value, (key, v: unknown) => (IGNORED.has(key) || POSITION.test(key) ? undefined : v));
  return strip(a) === strip(b);
}

function words(sourceCode: PgSourceCode, statement: ParsedStatement, from: number, to: number): { start: number; end: number }[] {
  return sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment") && t.start >= from && t.end <= to);
}

/**
 * The first place among the ends of `tokens[0..max)` where inserting `text` gives a statement that
 * parses as the same statement with `flag` set.
 */
function findInsertion(statement: ParsedStatement, tokens: { end: number }[], max: number, text: string, flag: Flag): { at: number; text: string } | undefined {
  for (const t of tokens.slice(0, max)) {
    const local = t.end - statement.start;
    const sql = statement.text.slice(0, local) + text + statement.text.slice(local);
    let parsed;
    try {
      parsed = parseSync(sql).stmts?.[0]?.stmt as Record<string, AstObject> | undefined;
    } catch {
      continue;
    }
    const node = parsed?.[statement.type];
    if (parsed && Object.keys(parsed).length === 1 && node && flag(node) && sameStatement(node, statement.node)) return { at: t.end, text };
  }
  return undefined;
}

/** A dropped object's name for messages: `app.users`, `mood`, `tr on app.t`. */
function dropObjectName(object: unknown, onTable: boolean): string | undefined {
  const o = object as { String?: { sval?: string }; List?: { items?: unknown[] }; TypeName?: AstObject; ObjectWithArgs?: AstObject };
  if (o.String?.sval !== undefined) return o.String.sval;
  const parts = (list: unknown): string[] => ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((p) => p.String?.sval ?? "?");
  if (o.TypeName) return parts(o.TypeName.names).filter((p) => p !== "pg_catalog").join(".");
  if (o.ObjectWithArgs) return parts(o.ObjectWithArgs.objname).join(".");
  const items = o.List?.items;
  if (!items?.every((i) => (i as { String?: unknown }).String)) return undefined;
  const names = parts(items);
  return onTable ? `${names.at(-1)} on ${names.slice(0, -1).join(".")}` : names.join(".");
}

const nameOf = (rel: unknown): string | undefined => relationFromRangeVar(rel as AstObject | undefined)?.label;

/** The re-runnability gaps of one top-level statement (empty when it is re-runnable as written). */
export function robustnessGaps(sourceCode: PgSourceCode, statement: ParsedStatement, pgVersion: number): RobustnessGap[] {
  const node = statement.node;
  const head = words(sourceCode, statement, statement.start, statement.end);
  const keywords = (n: number): SourceRange => [statement.start, head[Math.min(n, head.length) - 1]?.end ?? statement.end];
  const create = (what: string, name: string | undefined, flag: Flag, robust: boolean, extra: Partial<RobustnessGap> = {}): RobustnessGap[] => {
    if (robust) return [];
    const insert = findInsertion(statement, head, 6, " IF NOT EXISTS", flag);
    const keywordCount = insert ? head.findIndex((t) => t.end === insert.at) + 1 : 2;
    return [{ kind: "ifNotExists", what, names: name ? [name] : [], range: keywords(keywordCount), ...(insert ? { insert } : {}), ...extra }];
  };
  const replace = (what: string, name: string | undefined): RobustnessGap[] => {
    if (node.replace) return [];
    const insert = findInsertion(statement, head, 1, " OR REPLACE", (n) => n.replace === true);
    return [{ kind: "orReplace", what, names: name ? [name] : [], range: keywords(2), ...(insert ? { insert } : {}) }];
  };
  const noGuard = (what: string, name: string | undefined): RobustnessGap[] => [{ kind: "noGuard", what, names: name ? [name] : [], range: keywords(2) }];
  const typeName = (list: unknown): string | undefined => relationFromNameList(list)?.label;

  switch (statement.type) {
    case "CreateStmt":
      return create("table", nameOf(node.relation), (n) => n.if_not_exists === true, node.if_not_exists === true);
    case "CreateForeignTableStmt": {
      const base = node.base as AstObject;
      return create("foreign table", nameOf(base.relation), (n) => (n.base as AstObject).if_not_exists === true, base.if_not_exists === true);
    }
    case "CreateTableAsStmt": {
      const what = node.objtype === "OBJECT_MATVIEW" ? "materialized view" : "table";
      return create(what, nameOf((node.into as AstObject).rel), (n) => n.if_not_exists === true, node.if_not_exists === true);
    }
    case "IndexStmt": {
      if (node.if_not_exists) return [];
      const concurrent = node.concurrent === true;
      if (typeof node.idxname !== "string") {
        // CREATE [UNIQUE] INDEX [CONCURRENTLY]: the name would go right after these words.
        const at = head.findIndex((t) => sourceCode.text.slice(t.start, t.end).toUpperCase() === "INDEX") + (concurrent ? 2 : 1);
        return [{ kind: "unnamedIndex", what: "index", names: [], range: keywords(at), concurrent }];
      }
      const schema = relationFromRangeVar(node.relation as AstObject)?.schema;
      return create("index", schema ? `${schema}.${node.idxname}` : node.idxname, (n) => n.if_not_exists === true, false, { concurrent });
    }
    case "CreateSeqStmt":
      return create("sequence", nameOf(node.sequence), (n) => n.if_not_exists === true, node.if_not_exists === true);
    case "CreateSchemaStmt": {
      const name = typeof node.schemaname === "string" ? node.schemaname : (node.authrole as { rolename?: string } | undefined)?.rolename;
      // IF NOT EXISTS cannot be combined with schema elements (CREATE SCHEMA s CREATE TABLE ...).
      if (Array.isArray(node.schemaElts) && node.schemaElts.length > 0 && !node.if_not_exists) return noGuard("schema", name);
      return create("schema", name, (n) => n.if_not_exists === true, node.if_not_exists === true);
    }
    case "CreateExtensionStmt":
      return create("extension", String(node.extname), (n) => n.if_not_exists === true, node.if_not_exists === true);
    case "AlterEnumStmt": {
      if (typeof node.oldVal === "string" || node.skipIfNewValExists) return [];
      const at = head.findIndex((t) => sourceCode.text.slice(t.start, t.end).toUpperCase() === "VALUE");
      const insert = at >= 0 ? findInsertion(statement, head.slice(at), 1, " IF NOT EXISTS", (n) => n.skipIfNewValExists === true) : undefined;
      const range: SourceRange = at >= 1 ? [head[at - 1]!.start, statement.end] : [statement.start, statement.end];
      return [{ kind: "ifNotExists", what: "enum value", names: [`'${String(node.newVal)}'`], range, ...(insert ? { insert } : {}) }];
    }
    case "ViewStmt":
      return replace("view", nameOf(node.view));
    case "CreateFunctionStmt":
      return replace(node.is_procedure ? "procedure" : "function", typeName(node.funcname));
    case "CreateTrigStmt":
      // PG ≥ 14: CREATE OR REPLACE TRIGGER (not for constraint triggers).
      // https://www.postgresql.org/docs/14/sql-createtrigger.html
      if (pgVersion >= 14 && !node.isconstraint) return replace("trigger", String(node.trigname));
      return node.replace ? [] : noGuard("trigger", String(node.trigname));
    case "CreateEnumStmt":
    case "CreateRangeStmt":
      return noGuard("type", typeName(node.typeName));
    case "CompositeTypeStmt":
      return noGuard("type", nameOf(node.typevar));
    case "CreateDomainStmt":
      return noGuard("domain", typeName(node.domainname));
    case "DropStmt": {
      if (node.missing_ok) return [];
      const what = DROP_WHAT[String(node.removeType)] ?? String(node.removeType).replace(/^OBJECT_/, "").toLowerCase().replace(/_/g, " ");
      const objects = (node.objects as unknown[] | undefined) ?? [];
      const onTable = ["OBJECT_TRIGGER", "OBJECT_RULE", "OBJECT_POLICY"].includes(String(node.removeType));
      const names = objects.map((o) => dropObjectName(o, onTable)).filter((n): n is string => n !== undefined);
      const insert = findInsertion(statement, head, 5, " IF EXISTS", (n) => n.missing_ok === true);
      const keywordCount = insert ? head.findIndex((t) => t.end === insert.at) + 1 : 2;
      return [{ kind: "ifExists", what, names, range: keywords(keywordCount), ...(insert ? { insert } : {}) }];
    }
    case "AlterTableStmt":
      return alterTableGaps(sourceCode, statement);
    default:
      return [];
  }
}

const ACTIONS: Record<string, { kind: GapKind; what: string; text: string }> = {
  AT_AddColumn: { kind: "ifNotExists", what: "column", text: " IF NOT EXISTS" },
  AT_DropColumn: { kind: "ifExists", what: "column", text: " IF EXISTS" },
  AT_DropConstraint: { kind: "ifExists", what: "constraint", text: " IF EXISTS" },
};

function alterTableGaps(sourceCode: PgSourceCode, statement: ParsedStatement): RobustnessGap[] {
  const gaps: RobustnessGap[] = [];
  const cmds = (statement.node.cmds as { AlterTableCmd?: AstObject }[] | undefined) ?? [];
  cmds.forEach((item, i) => {
    const cmd = item.AlterTableCmd;
    const action = cmd && ACTIONS[String(cmd.subtype)];
    if (!cmd || !action || cmd.missing_ok) return;
    const range = sourceCode.alterCommandRange(statement, i);
    const tokens = words(sourceCode, statement, range[0], range[1]);
    const flag: Flag = (n) => ((n.cmds as { AlterTableCmd?: AstObject }[])[i]?.AlterTableCmd?.missing_ok ?? false) === true;
    const insert = findInsertion(statement, tokens, 2, action.text, flag);
    const name = action.what === "column" && cmd.subtype === "AT_AddColumn" ? (cmd.def as { ColumnDef?: AstObject }).ColumnDef?.colname : cmd.name;
    gaps.push({ kind: action.kind, what: action.what, names: typeof name === "string" ? [name] : [], range, ...(insert ? { insert } : {}), command: i });
  });
  return gaps;
}
