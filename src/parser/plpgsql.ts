/**
 * Hidden statements: the SQL that a migration runs without writing it as a top-level statement.
 *
 * What is expanded (and linted like any other statement, with positions inside the block):
 * - the body of every `DO` block in PL/pgSQL (the default language);
 * - the body of a PL/pgSQL function or procedure created in the file and then *called* by the
 *   file. A call is (after the CREATE, with no DROP of that name in between):
 *     `CALL p(...)` (procedures),
 *     `SELECT f(...), g(...)::t` without FROM, WHERE, GROUP BY, HAVING or set operation (each
 *       target that is a call, optionally cast),
 *     `SELECT ... FROM f(...)` with that one function call as the only FROM item and no WHERE,
 *     and the same forms run by PL/pgSQL code (`PERFORM f(...)`, `CALL p(...)`).
 *   Calls inside other expressions, per-row calls (`SELECT f(x) FROM t`), triggers, defaults and
 *   index expressions are not followed. Names resolve like tables: unqualified = `public`. With
 *   overloads, the latest definition whose parameter count fits the call is used. A body is
 *   expanded once, at its first call (later calls would repeat the same findings);
 * - the string of `EXECUTE` (and `FOR ... IN EXECUTE`, `RETURN QUERY EXECUTE`) when it is a plain
 *   string literal or a `||` concatenation of string literals. Anything else (`format(...)`,
 *   variables, `quote_ident`) is left alone, as is a literal that does not parse.
 *
 * Hidden statements go into `parsed.statements` right after the statement whose execution runs
 * them (the DO, or the call), in execution order (depth first), so that the migration context
 * sees them where Postgres runs them. They carry `hiddenIn`; their `start`/`end`/`text` are their
 * span in the file, and `locate` maps node locations to file positions (needed when the body is a
 * quoted string with doubled quotes or escapes, or for `PERFORM`, which Postgres rewrites to
 * `SELECT`, and `SELECT ... INTO`, whose INTO clause it blanks out).
 *
 * A body the PL/pgSQL parser rejects with a syntax error is a syntax error of the migration (a DO
 * body is compiled when it runs; a function body when it is created with check_function_bodies
 * on, the default, or at the latest when it is called) and is reported inside the body. Other
 * rejections (libpg-query cannot resolve `%TYPE` without a catalog: "Not implemented"; unknown
 * variables) are not reported: the body is simply not linted.
 *
 * COMMIT / ROLLBACK inside a DO block or procedure (PG ≥ 11) end the transaction when the DO or
 * CALL runs outside a transaction block; `commitsBefore` counts them so that the context starts a
 * new implicit transaction after each. Inside an outer transaction they fail at run time
 * ("invalid transaction termination"); the context then keeps the outer transaction.
 * https://www.postgresql.org/docs/current/plpgsql-transactions.html
 *
 * Cost: the PL/pgSQL parser runs only for DO statements and for functions the file calls.
 */
import type { Node } from "libpg-query";
import type { AstObject, HiddenComment, ParsedStatement, ParseError } from "./parse.js";
import { SourceText } from "./positions.js";
import { commentOf, firstTokenFrom, tokenize, type Token } from "./tokens.js";
import { parsePlPgSQLSync, parseSync } from "./wasm.js";

export type HiddenKind = "do" | "function" | "execute";

/** A piece of SQL text as Postgres sees it, and where each of its UTF-16 positions is in the file. */
interface Segment {
  text: string;
  /** Position in `text` (0..text.length) → UTF-16 index in the file. */
  toFile: (index: number) => number;
}

/** The file being expanded (parse.ts's ParsedFile). */
export interface ExpandTarget {
  source: SourceText;
  statements: ParsedStatement[];
  errors: ParseError[];
  hiddenComments: HiddenComment[];
}

// ---------------------------------------------------------------------------------------------
// String literals

export interface DecodedLiteral {
  value: string;
  /** For each UTF-16 position of `value` (0..value.length), the offset in the raw literal text. */
  offsets: number[];
}

const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;
const SIMPLE_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Decodes a SQL string literal token: `$tag$...$tag$`, `'...'` (doubled quotes; continuation
 * across a newline) or `E'...'` (backslash escapes). Returns undefined for forms it cannot map
 * character by character (U&'...', octal or hex escapes of non-ASCII bytes).
 */
export function decodeStringLiteral(raw: string): DecodedLiteral | undefined {
  const dollar = DOLLAR_TAG.exec(raw);
  if (dollar) {
    const tag = dollar[0];
    if (raw.length < 2 * tag.length || !raw.endsWith(tag)) return undefined;
    const value = raw.slice(tag.length, raw.length - tag.length);
    return { value, offsets: Array.from({ length: value.length + 1 }, (_, i) => tag.length + i) };
  }
  const escapes = raw[0] === "E" || raw[0] === "e";
  let i = escapes ? 1 : 0;
  if (raw[i] !== "'") return undefined;
  i++;
  let value = "";
  const offsets: number[] = [];
  const push = (s: string, at: number): void => {
    for (let k = 0; k < s.length; k++) offsets.push(at);
    value += s;
  };
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "'") {
      if (raw[i + 1] === "'") {
        push("'", i);
        i += 2;
        continue;
      }
      // 'abc'<whitespace with a newline>'def' is one literal.
      const more = /^[ \t\f\r]*\n[ \t\f\r\n]*'/.exec(raw.slice(i + 1));
      if (more) {
        i += 1 + more[0].length;
        continue;
      }
      if (i + 1 !== raw.length) return undefined;
      offsets.push(i);
      return { value, offsets };
    }
    if (escapes && c === "\\") {
      const n = raw[i + 1];
      if (n === undefined) return undefined;
      if (n in SIMPLE_ESCAPES) {
        push(SIMPLE_ESCAPES[n]!, i);
        i += 2;
        continue;
      }
      const octal = /^[0-7]{1,3}/.exec(raw.slice(i + 1, i + 4));
      const hex = n === "x" ? /^[0-9A-Fa-f]{1,2}/.exec(raw.slice(i + 2, i + 4)) : null;
      const unicode = n === "u" ? /^[0-9A-Fa-f]{4}/.exec(raw.slice(i + 2, i + 6)) : n === "U" ? /^[0-9A-Fa-f]{8}/.exec(raw.slice(i + 2, i + 10)) : null;
      if (octal || hex) {
        const code = octal ? parseInt(octal[0], 8) : parseInt(hex![0], 16);
        if (code === 0 || code > 0x7f) return undefined;
        push(String.fromCharCode(code), i);
        i += 1 + (octal ? octal[0].length : 1 + hex![0].length);
        continue;
      }
      if (unicode) {
        const code = parseInt(unicode[0], 16);
        if (code >= 0xd800 && code <= 0xdfff) return undefined;
        push(String.fromCodePoint(code), i);
        i += 2 + unicode[0].length;
        continue;
      }
      push(n, i);
      i += 2;
      continue;
    }
    push(c, i);
    i++;
  }
  return undefined;
}

/** The value Postgres gives a literal token (to check the decoder), or undefined if it does not parse. */
function literalValue(raw: string): string | undefined {
  try {
    const stmt = parseSync(`SELECT ${raw}`).stmts?.[0]?.stmt as { SelectStmt?: AstObject } | undefined;
    const target = (stmt?.SelectStmt?.targetList as { ResTarget?: { val?: { A_Const?: { sval?: { sval?: string } } } } }[] | undefined)?.[0];
    const constant = target?.ResTarget?.val?.A_Const;
    return constant ? (constant.sval?.sval ?? "") : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function unwrap(raw: unknown): [string, AstObject] | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const key = Object.keys(raw)[0];
  return key === undefined ? undefined : [key, (raw as Record<string, AstObject>)[key]!];
}

function strings(list: unknown): string[] {
  return ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? "");
}

/** `schema.name` of a function name list (unqualified = public, like tables). */
function functionKey(names: string[]): string | undefined {
  if (names.length === 0) return undefined;
  const name = names[names.length - 1]!;
  const schema = names.length >= 2 ? names[names.length - 2]! : "public";
  return `${schema}.${name}`;
}

function tokensOf(text: string): Token[] {
  return tokenize(new SourceText(text));
}

function isWhite(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

function errorMessage(e: unknown): string {
  return String((e as { message?: unknown })?.message ?? e)
    .split("\n")[0]!
    .replace(/^Error:\s*/, "");
}

const REPORTED_ERROR = /^(syntax error|unterminated )/;

function definition(node: AstObject, name: string): AstObject | undefined {
  const list = (node.options ?? node.args) as { DefElem?: AstObject }[] | undefined;
  return list?.map((o) => o.DefElem).find((d) => d?.defname === name);
}

function languageOf(node: AstObject): string {
  const arg = definition(node, "language")?.arg as { String?: { sval?: string } } | undefined;
  // DO defaults to plpgsql; CREATE FUNCTION has no default (sql only with a BEGIN ATOMIC body).
  return (arg?.String?.sval ?? (node.args !== undefined ? "plpgsql" : "sql")).toLowerCase();
}

/** The body string of a DO / CREATE FUNCTION node, as Postgres decoded it. */
function bodyValue(node: AstObject): string | undefined {
  const arg = definition(node, "as")?.arg as { String?: { sval?: string }; List?: { items?: unknown[] } } | undefined;
  if (arg?.String) return arg.String.sval ?? "";
  const items = strings(arg?.List?.items);
  return items.length === 1 ? items[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// The PL/pgSQL tree: the SQL it runs, in execution order

type Item =
  | { kind: "sql"; query: string; lineno: number; perform: boolean }
  | { kind: "execute"; query: string; lineno: number }
  | { kind: "commit" };

function exprQuery(expr: unknown): string | undefined {
  return (expr as { PLpgSQL_expr?: { query?: string } } | undefined)?.PLpgSQL_expr?.query;
}

function collectItems(list: unknown, out: Item[]): void {
  if (!Array.isArray(list)) return;
  for (const wrapped of list) {
    const entry = unwrap(wrapped);
    if (!entry) continue;
    const [type, node] = entry;
    const lineno = typeof node.lineno === "number" ? node.lineno : 1;
    const sql = (expr: unknown, perform = false): void => {
      const query = exprQuery(expr);
      if (query !== undefined) out.push({ kind: "sql", query, lineno, perform });
    };
    const execute = (expr: unknown): void => {
      const query = exprQuery(expr);
      if (query !== undefined) out.push({ kind: "execute", query, lineno });
    };
    switch (type) {
      case "PLpgSQL_stmt_execsql":
        sql(node.sqlstmt);
        break;
      case "PLpgSQL_stmt_perform":
        sql(node.expr, true);
        break;
      case "PLpgSQL_stmt_call":
        sql(node.expr);
        break;
      case "PLpgSQL_stmt_fors":
        sql(node.query);
        collectItems(node.body, out);
        break;
      case "PLpgSQL_stmt_dynexecute":
        execute(node.query);
        break;
      case "PLpgSQL_stmt_dynfors":
        execute(node.query);
        collectItems(node.body, out);
        break;
      case "PLpgSQL_stmt_return_query":
        if (node.query) sql(node.query);
        else execute(node.dynquery);
        break;
      case "PLpgSQL_stmt_commit":
      case "PLpgSQL_stmt_rollback":
        out.push({ kind: "commit" });
        break;
      case "PLpgSQL_stmt_block": {
        collectItems(node.body, out);
        const handlers = (node.exceptions as { PLpgSQL_exception_block?: { exc_list?: unknown[] } } | undefined)?.PLpgSQL_exception_block?.exc_list;
        for (const h of handlers ?? []) collectItems((h as { PLpgSQL_exception?: { action?: unknown } }).PLpgSQL_exception?.action, out);
        break;
      }
      case "PLpgSQL_stmt_if":
        collectItems(node.then_body, out);
        for (const e of (node.elsif_list as unknown[] | undefined) ?? []) collectItems((e as { PLpgSQL_if_elsif?: { stmts?: unknown } }).PLpgSQL_if_elsif?.stmts, out);
        collectItems(node.else_body, out);
        break;
      case "PLpgSQL_stmt_case":
        for (const w of (node.case_when_list as unknown[] | undefined) ?? []) collectItems((w as { PLpgSQL_case_when?: { stmts?: unknown } }).PLpgSQL_case_when?.stmts, out);
        collectItems(node.else_stmts, out);
        break;
      default:
        // Loops (LOOP, WHILE, FOR i IN 1..n, FOREACH, FOR over a cursor) and anything else with a body.
        collectItems(node.body, out);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Variables

/** Names of the code's variables, parameters, records and aliases (lower case, as the parser folds them). */
function variablesOf(fn: AstObject | undefined): Set<string> {
  const names = new Set<string>();
  for (const d of (fn?.datums as unknown[] | undefined) ?? []) {
    const entry = unwrap(d);
    const name = entry?.[1].refname;
    if (typeof name === "string" && !name.startsWith("(")) names.add(name);
  }
  for (const a of (fn?.aliases as { PLpgSQL_alias?: { name?: string } }[] | undefined) ?? []) if (a.PLpgSQL_alias?.name) names.add(a.PLpgSQL_alias.name);
  return names;
}

/** Statements in which PL/pgSQL replaces variable references by parameters (not utility statements). */
const SUBSTITUTED = new Set(["SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);

/**
 * Turns column references that name a variable (`v`, `rec.id`) into parameters, as PL/pgSQL does
 * before it runs the statement, so that rules read `WHERE id = rec.id` as one row, not a join.
 * https://www.postgresql.org/docs/current/plpgsql-implementation.html#PLPGSQL-VAR-SUBST
 */
function substituteVariables(value: unknown, variables: Set<string>): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const v of value) substituteVariables(v, variables);
    return;
  }
  const wrapper = value as Record<string, unknown>;
  const ref = wrapper.ColumnRef as { fields?: { String?: { sval?: string } }[]; location?: number } | undefined;
  const first = ref?.fields?.[0]?.String?.sval;
  if (ref && first !== undefined && variables.has(first)) {
    delete wrapper.ColumnRef;
    wrapper.ParamRef = ref.location === undefined ? {} : { location: ref.location };
    return;
  }
  for (const v of Object.values(wrapper)) substituteVariables(v, variables);
}

// ---------------------------------------------------------------------------------------------
// Finding a query in the body text

interface Body {
  text: string;
  toFile: (index: number) => number;
  tokens: Token[];
  lineStarts: number[];
  claimed: Set<number>;
  /** Where the body string starts and ends in the segment it was found in. */
  literalStart: number;
  literalEnd: number;
}

/**
 * Maps `query` onto the body from `at` (query index → body index, 0..query.length), allowing for
 * the two rewrites PL/pgSQL makes: `PERFORM` → `SELECT`, and an INTO clause replaced by blanks.
 */
function align(body: string, at: number, query: string, perform: boolean): number[] | undefined {
  const map: number[] = [];
  let i = 0;
  let j = at;
  if (perform) {
    if (!/^perform\b/i.test(body.slice(at, at + 8)) || !query.startsWith("SELECT")) return undefined;
    for (; i < 6; i++) map.push(at);
    j = at + 7;
  }
  while (i < query.length) {
    if (query[i] === body[j]) {
      map.push(j);
      i++;
      j++;
      continue;
    }
    if (query[i] !== " " || !/^into\b/i.test(body.slice(j, j + 5))) return undefined;
    // The INTO clause (INTO [STRICT] targets) became blanks: skip to where the query goes on.
    let k = i;
    while (query[k] === " ") k++;
    const next = query.slice(k, k + Math.max(1, Math.min(24, query.length - k)));
    const found = k >= query.length ? -1 : body.indexOf(next, j);
    if (k < query.length && (found < 0 || found - j > 4 * (k - i) + 16)) return undefined;
    for (; i < k; i++) map.push(j);
    if (k >= query.length) break;
    j = found;
  }
  map.push(j);
  return map;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

/** Finds the query of a PL/pgSQL statement in the body: from its line on, at a token start. */
function locateQuery(body: Body, query: string, lineno: number, perform: boolean): { at: number; map: number[] } | undefined {
  const from = body.lineStarts[Math.max(0, Math.min(lineno - 1, body.lineStarts.length - 1))]!;
  const tryFrom = (min: number): { at: number; map: number[] } | undefined => {
    // Tokens are in text order: start at the first one on the statement's line.
    for (let k = firstTokenFrom(body.tokens, min); k < body.tokens.length; k++) {
      const t = body.tokens[k]!;
      if (body.claimed.has(t.start) || t.kind.startsWith("comment")) continue;
      const map = align(body.text, t.start, query, perform);
      if (map) return { at: t.start, map };
    }
    return undefined;
  };
  const found = tryFrom(from) ?? tryFrom(0);
  if (found) body.claimed.add(found.at);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Syntax errors inside a body

/**
 * Where in the body a PL/pgSQL syntax error is (the PL/pgSQL parser reports no position): the
 * shortest prefix of the body that fails with the same message ends at the offending token; for
 * an embedded SQL statement (checked when its `;` is read), the SQL parser's own cursor on the
 * statement gives the exact token.
 */
function locateBodyError(body: Body, message: string, fails: (bodyText: string) => string | undefined): [number, number] {
  const tokens = body.tokens.filter((t) => !t.kind.startsWith("comment"));
  const last = tokens.at(-1);
  const fallback: [number, number] = last ? [last.start, last.end] : [0, body.text.length];
  if (tokens.length === 0) return fallback;
  // Statements of the body: split at top-level semicolons.
  const pieces: { from: number; to: number; semicolon?: Token }[] = [];
  let depth = 0;
  let from = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === "open-paren") depth++;
    else if (t.kind === "close-paren") depth--;
    else if (t.kind === "semicolon" && depth <= 0) {
      pieces.push({ from, to: k, semicolon: t });
      from = k + 1;
    }
  }
  if (from < tokens.length) pieces.push({ from, to: tokens.length });
  const sqlCursor = (piece: { from: number; to: number }): [number, number] | undefined => {
    const end = piece.to > piece.from ? tokens[piece.to - 1]!.end : undefined;
    if (end === undefined) return undefined;
    for (let k = piece.from; k < piece.to; k++) {
      const t = tokens[k]!;
      if (t.kind !== "word") continue;
      const text = body.text.slice(t.start, end);
      try {
        parseSync(text);
      } catch (e) {
        if (errorMessage(e) !== message) continue;
        const cursor = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
        if (cursor === undefined) continue;
        const at = new SourceText(text).indexFromCodePoint(cursor) + t.start;
        if (at >= end) {
          const lastToken = tokens[piece.to - 1]!;
          return [lastToken.start, lastToken.end];
        }
        const token = tokens.find((x) => x.start <= at && at < x.end);
        return token ? [token.start, token.end] : [at, at + 1];
      }
    }
    return undefined;
  };
  if (/at end of input$/.test(message)) {
    for (const piece of pieces) {
      const found = sqlCursor(piece);
      if (found) return found;
    }
    return fallback;
  }
  // Shortest failing prefix, by bisection.
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(body.text.slice(0, tokens[mid]!.end)) === message) hi = mid;
    else lo = mid + 1;
  }
  const token = tokens[lo]!;
  if (token.kind === "semicolon") {
    const piece = pieces.find((p) => p.semicolon === token);
    const found = piece ? sqlCursor(piece) : undefined;
    if (found) return found;
  }
  return [token.start, token.end];
}

// ---------------------------------------------------------------------------------------------
// Expansion

interface FunctionDef {
  key: string;
  statement: ParsedStatement;
  segment: Segment;
  procedure: boolean;
  language: string;
  minArgs: number;
  maxArgs: number;
  expanded: boolean;
}

interface Run {
  /** The top-level statement whose execution runs everything found below it. */
  runBy: number;
  depth: number;
  /** Shared by everything that one top-level statement runs. */
  shared: { commits: number; active: Set<FunctionDef> };
}

const MAX_DEPTH = 8;

function functionDef(statement: ParsedStatement, segment: Segment): FunctionDef | undefined {
  const node = statement.node;
  const key = functionKey(strings(node.funcname));
  if (!key) return undefined;
  const procedure = node.is_procedure === true;
  let minArgs = 0;
  let maxArgs = 0;
  for (const p of (node.parameters as { FunctionParameter?: AstObject }[] | undefined) ?? []) {
    const mode = String(p.FunctionParameter?.mode ?? "FUNC_PARAM_DEFAULT");
    if (mode === "FUNC_PARAM_TABLE" || (mode === "FUNC_PARAM_OUT" && !procedure)) continue;
    if (mode === "FUNC_PARAM_VARIADIC") {
      maxArgs = Infinity;
      continue;
    }
    maxArgs++;
    // PG ≥ 14: a procedure's OUT parameters are passed in CALL too, but may be omitted with defaults.
    if (p.FunctionParameter?.defexpr === undefined && mode !== "FUNC_PARAM_OUT") minArgs++;
  }
  return { key, statement, segment, procedure, language: languageOf(node), minArgs, maxArgs, expanded: false };
}

/** The function calls a statement runs exactly once (see the header for the forms). */
function callsOf(statement: ParsedStatement): { key: string; args: number; call: boolean }[] {
  const node = statement.node;
  const asCall = (value: unknown, call: boolean): { key: string; args: number; call: boolean } | undefined => {
    let v = value as { FuncCall?: AstObject; TypeCast?: { arg?: unknown } } | undefined;
    if (v?.TypeCast) v = v.TypeCast.arg as typeof v;
    const fc = v?.FuncCall;
    if (!fc || fc.agg_star || fc.over) return undefined;
    const key = functionKey(strings(fc.funcname));
    return key ? { key, args: ((fc.args as unknown[] | undefined) ?? []).length, call } : undefined;
  };
  if (statement.type === "CallStmt") {
    const c = asCall({ FuncCall: node.funccall }, true);
    return c ? [c] : [];
  }
  if (statement.type !== "SelectStmt") return [];
  if ((node.op !== undefined && node.op !== "SETOP_NONE") || node.whereClause || node.groupClause || node.havingClause || node.valuesLists) return [];
  const from = (node.fromClause as { RangeFunction?: AstObject }[] | undefined) ?? [];
  if (from.length === 0) {
    return ((node.targetList as { ResTarget?: { val?: unknown } }[] | undefined) ?? [])
      .map((t) => asCall(t.ResTarget?.val, false))
      .filter((c): c is NonNullable<typeof c> => !!c);
  }
  const rf = from.length === 1 ? from[0]!.RangeFunction : undefined;
  if (!rf || rf.lateral || rf.is_rowsfrom) return [];
  const functions = (rf.functions as { List?: { items?: unknown[] } }[] | undefined) ?? [];
  if (functions.length !== 1) return [];
  const c = asCall(functions[0]!.List?.items?.[0], false);
  return c ? [c] : [];
}

class Expander {
  readonly #file: ExpandTarget;
  readonly #out: ParsedStatement[] = [];
  readonly #functions = new Map<string, FunctionDef[]>();

  constructor(file: ExpandTarget) {
    this.#file = file;
  }

  run(): ParsedStatement[] {
    const { text } = this.#file.source;
    for (const statement of this.#file.statements) {
      statement.index = this.#out.length;
      this.#out.push(statement);
      const start = statement.start;
      const segment: Segment = { text: text.slice(statement.start, statement.end), toFile: (i) => start + i };
      this.#visit(statement, segment, { runBy: statement.index, depth: 0, shared: { commits: 0, active: new Set() } });
    }
    return this.#out;
  }

  /** Registers function definitions and expands what the statement runs. */
  #visit(statement: ParsedStatement, segment: Segment, run: Run): void {
    const node = statement.node;
    if (statement.type === "CreateFunctionStmt") {
      const def = functionDef(statement, segment);
      if (def) this.#functions.set(def.key, [...(this.#functions.get(def.key) ?? []), def]);
      return;
    }
    if (statement.type === "DropStmt" && ["OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"].includes(String(node.removeType))) {
      for (const o of (node.objects as { ObjectWithArgs?: { objname?: unknown } }[] | undefined) ?? []) {
        const key = functionKey(strings(o.ObjectWithArgs?.objname));
        if (key) this.#functions.delete(key);
      }
      return;
    }
    if (run.depth >= MAX_DEPTH) return;
    if (statement.type === "DoStmt") {
      if (languageOf(node) === "plpgsql") this.#expandBody("do", statement, segment, run);
      return;
    }
    for (const call of callsOf(statement)) {
      const candidates = (this.#functions.get(call.key) ?? []).filter(
        (d) => d.procedure === call.call && call.args >= d.minArgs && call.args <= d.maxArgs,
      );
      const def = candidates.at(-1);
      if (!def || def.expanded || def.language !== "plpgsql" || run.shared.active.has(def)) continue;
      def.expanded = true;
      run.shared.active.add(def);
      this.#expandBody("function", def.statement, def.segment, run);
      run.shared.active.delete(def);
    }
  }

  #expandBody(kind: "do" | "function", container: ParsedStatement, segment: Segment, run: Run): void {
    const value = bodyValue(container.node);
    if (value === undefined) return;
    const literal = tokensOf(segment.text).find((t) => t.kind === "string" && decodeStringLiteral(segment.text.slice(t.start, t.end))?.value === value);
    if (!literal) return;
    const decoded = decodeStringLiteral(segment.text.slice(literal.start, literal.end))!;
    const body: Body = {
      text: value,
      toFile: (i) => segment.toFile(literal.start + decoded.offsets[i]!),
      tokens: tokensOf(value),
      lineStarts: lineStartsOf(value),
      claimed: new Set(),
      literalStart: literal.start,
      literalEnd: literal.end,
    };
    this.#ignoreComments(container, body);
    const plpgsql = (source: string): { ok: unknown } | { error: string } => {
      try {
        return { ok: parsePlPgSQLSync(source) };
      } catch (e) {
        return { error: errorMessage(e) };
      }
    };
    const result = plpgsql(segment.text);
    if ("error" in result) {
      if (REPORTED_ERROR.test(result.error)) this.#bodyError(kind, container, segment, body, result.error, plpgsql);
      return;
    }
    const fn = (result.ok as { plpgsql_funcs?: { PLpgSQL_function?: AstObject }[] }).plpgsql_funcs?.[0]?.PLpgSQL_function;
    const variables = variablesOf(fn);
    const items: Item[] = [];
    collectItems([fn?.action], items);
    for (const item of items) {
      if (item.kind === "commit") {
        run.shared.commits++;
        continue;
      }
      const found = locateQuery(body, item.query, item.lineno, item.kind === "sql" && item.perform);
      if (!found) continue;
      const querySegment: Segment = { text: item.query, toFile: (i) => body.toFile(found.map[Math.min(i, found.map.length - 1)]!) };
      if (item.kind === "sql") this.#addStatements(kind, container, querySegment, run, variables);
      else {
        const literalSegment = executedLiteral(querySegment);
        if (literalSegment) this.#addStatements("execute", container, literalSegment, run);
      }
    }
  }

  /** Keeps the body's `pgsafe-ignore` comments, at their file positions, for the ignore directives. */
  #ignoreComments(container: ParsedStatement, body: Body): void {
    if (!body.text.includes("pgsafe-ignore")) return;
    for (const t of body.tokens) {
      const comment = commentOf(body.text, t);
      if (!comment?.value.includes("pgsafe-ignore")) continue;
      const start = body.toFile(t.start);
      this.#file.hiddenComments.push({ ...comment, start, end: Math.max(start, body.toFile(t.end)), container: container.index });
    }
  }

  #bodyError(
    kind: "do" | "function",
    container: ParsedStatement,
    segment: Segment,
    body: Body,
    message: string,
    plpgsql: (source: string) => { ok: unknown } | { error: string },
  ): void {
    const tag = (text: string): string => {
      let t = "$pgsafe$";
      for (let n = 0; text.includes(t); n++) t = `$pgsafe${n}$`;
      return t;
    };
    const fails = (bodyText: string): string | undefined => {
      const q = tag(bodyText);
      const r = plpgsql(segment.text.slice(0, body.literalStart) + q + bodyText + q + segment.text.slice(body.literalEnd));
      return "error" in r ? r.error : undefined;
    };
    const [s, e] = locateBodyError(body, message, fails);
    this.#file.errors.push({
      message: `${message} (in the ${kind === "do" ? "DO block" : "function body"})`,
      start: body.toFile(s),
      end: Math.max(body.toFile(e), body.toFile(s) + 1),
      statementStart: container.start,
      statementEnd: container.end,
      hiddenIn: { kind, statement: container.index },
    });
  }

  /** Parses a hidden query and adds its statements (and what they run in turn). */
  #addStatements(kind: HiddenKind, container: ParsedStatement, segment: Segment, run: Run, variables?: Set<string>): void {
    let result;
    try {
      result = parseSync(segment.text);
    } catch {
      return;
    }
    const { source } = this.#file;
    const local = new SourceText(segment.text);
    for (const raw of result.stmts ?? []) {
      const stmt = raw.stmt as Node | undefined;
      const entry = unwrap(stmt);
      if (!stmt || !entry) continue;
      const [type, node] = entry;
      // Transaction commands cannot run through SPI (PL/pgSQL has its own COMMIT / ROLLBACK).
      if (type === "TransactionStmt") continue;
      if (variables && variables.size > 0 && SUBSTITUTED.has(type)) substituteVariables(node, variables);
      const byteStart = raw.stmt_location ?? 0;
      const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : local.byteLength;
      let s = local.indexFromByte(byteStart);
      let e = local.indexFromByte(byteEnd);
      while (e > s && isWhite(segment.text[e - 1])) e--;
      while (s < e && isWhite(segment.text[s])) s++;
      const start = segment.toFile(s);
      const end = Math.max(start, segment.toFile(e));
      const statement: ParsedStatement = {
        index: this.#out.length,
        type,
        node,
        raw: stmt,
        start,
        end,
        byteBase: Math.max(0, source.byteFromIndex(start) - local.byteFromIndex(s)),
        text: source.text.slice(start, end),
        hiddenIn: { kind, statement: container.index, runBy: run.runBy, commitsBefore: run.shared.commits },
        locate: (location) => segment.toFile(local.indexFromByte(location)),
      };
      this.#out.push(statement);
      const own: Segment = { text: segment.text.slice(s, e), toFile: (i) => segment.toFile(s + i) };
      this.#visit(statement, own, { ...run, depth: run.depth + 1 });
    }
  }
}

/**
 * The SQL of `EXECUTE <expr>` when the expression is a string literal or a `||` concatenation of
 * string literals (comments allowed between them); undefined otherwise.
 */
function executedLiteral(expr: Segment): Segment | undefined {
  const tokens = tokensOf(expr.text).filter((t) => !t.kind.startsWith("comment"));
  if (tokens.length === 0 || tokens.length % 2 === 0) return undefined;
  let value = "";
  const offsets: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (k % 2 === 1) {
      if (t.upper !== "||") return undefined;
      continue;
    }
    const raw = expr.text.slice(t.start, t.end);
    if (t.kind !== "string") return undefined;
    const decoded = decodeStringLiteral(raw);
    if (!decoded || literalValue(raw) !== decoded.value) return undefined;
    value += decoded.value;
    offsets.push(...decoded.offsets.slice(0, -1).map((o) => t.start + o));
    if (k === tokens.length - 1) offsets.push(t.start + decoded.offsets.at(-1)!);
  }
  return { text: value, toFile: (i) => expr.toFile(offsets[Math.min(i, offsets.length - 1)]!) };
}

/**
 * Adds the hidden statements of DO blocks and called PL/pgSQL functions to a parsed file (see the
 * header). Returns at once, without running the PL/pgSQL parser, when the file has neither a DO
 * statement nor a CREATE FUNCTION / PROCEDURE.
 */
export function expandHiddenStatements(file: ExpandTarget): void {
  if (!file.statements.some((s) => s.type === "DoStmt" || s.type === "CreateFunctionStmt")) return;
  const statements = new Expander(file).run();
  file.statements.splice(0, file.statements.length, ...statements);
}
