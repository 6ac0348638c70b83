/**
 * Relation names compared the way Postgres compares them. The parser has already folded unquoted
 * identifiers to lower case and kept quoted ones exact; an unqualified name means `public.name`.
 */
import type { AstObject } from "../parser/parse.js";

export interface RelationRef {
  /** The schema as written, or undefined when unqualified. */
  schema?: string;
  name: string;
  /** Comparison key: `schema.name`, with `public` for unqualified names. */
  key: string;
  /** For messages, as Postgres prints names: `users`, `app.users`, `Users`. */
  label: string;
  /** For SQL the user can paste: quoted where needed, `app."Users"`. */
  sql: string;
}

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_$]*$/;

// Reserved words that must be quoted as identifiers (Postgres' RESERVED_KEYWORD list, abridged to
// the ones plausible as table or column names).
const RESERVED = new Set(
  "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric system_user table then to trailing true union unique user using variadic when where window with".split(
    " ",
  ),
);

/** Quotes an identifier for SQL when Postgres would need it (like `quote_ident`). */
export function quoteIdent(name: string): string {
  if (PLAIN_IDENTIFIER.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

export function makeRelation(schema: string | undefined, name: string): RelationRef {
  if (!schema) return { name, key: `public.${name}`, label: name, sql: quoteIdent(name) };
  const qualified = `${schema}.${name}`;
  return { schema, name, key: qualified, label: qualified, sql: `${quoteIdent(schema)}.${quoteIdent(name)}` };
}

const fromRangeVar = new WeakMap<AstObject, RelationRef>();

/** A RangeVar (`relation` fields) as a RelationRef (the same object each time: many rules ask). */
export function relationFromRangeVar(rangeVar: AstObject | undefined): RelationRef | undefined {
  if (!rangeVar || typeof rangeVar.relname !== "string") return undefined;
  let relation = fromRangeVar.get(rangeVar);
  if (!relation) {
    relation = makeRelation(typeof rangeVar.schemaname === "string" ? rangeVar.schemaname : undefined, rangeVar.relname);
    fromRangeVar.set(rangeVar, relation);
  }
  return relation;
}

/** A qualified name given as a list of String nodes (`DROP TABLE a.b`, `DROP INDEX i`). */
export function relationFromNameList(items: unknown): RelationRef | undefined {
  const list = Array.isArray(items) ? items : (items as { List?: { items?: unknown[] } })?.List?.items;
  if (!Array.isArray(list)) return undefined;
  const parts: string[] = [];
  for (const item of list) {
    const part = (item as { String?: { sval?: string } }).String?.sval;
    if (typeof part === "string") parts.push(part);
  }
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1]!;
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return makeRelation(schema, name);
}

/** Column or other simple identifier for SQL. */
export function columnSql(name: string): string {
  return quoteIdent(name);
}
