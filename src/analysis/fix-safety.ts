/**
 * When an automatic fix keeps a migration runnable.
 *
 * A rule's `fix` is applied by `pgsafe --fix` without review, so it must leave a migration that
 * still runs where it ran before. Changing a column's declared type in a table the file creates
 * changes nothing for running code (nobody uses the table yet), but other statements of the file
 * can depend on the type: an index or CHECK with a type-specific function or operator class
 * (`json_typeof(doc)`, `varchar_pattern_ops`, `date_trunc('day', ts)` in an index, which is
 * immutable for timestamp and only stable for timestamptz), a function body, a sequence grant.
 * `columnUsedElsewhere` finds any such mention; the rules then offer a suggestion instead.
 */
import type { RuleTextEdit, RuleTextEditor } from "@eslint/core";
import type { PgSourceCode } from "../language/source-code.js";
import type { ParsedStatement } from "../parser/parse.js";
import type { Token } from "../parser/tokens.js";
import type { PgReport } from "../types.js";
import type { ColumnTypeUse, DeclaredColumnType } from "./types.js";

/** The identifier a word token spells, case-folded as Postgres folds it (undefined for a quoted one that is malformed). */
function identifierOf(raw: string): string | undefined {
  if (raw.startsWith('"')) return raw.length >= 2 && raw.endsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : undefined;
  return raw.toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const wordPatterns = new Map<string, RegExp>();

/** A name made of word characters only: found in a string by looking up the string's words. */
const PLAIN_NAME = /^[\w$]+$/;

/** Whether a string (a function body, dynamic SQL) contains `name` as a word, ignoring case. */
function stringMentions(names: StatementNames, text: string, name: string): boolean {
  if (names.strings.length === 0) return false;
  if (PLAIN_NAME.test(name)) {
    if (!names.stringWords) {
      names.stringWords = new Set();
      for (const t of names.strings) for (const word of text.slice(t.start, t.end).toLowerCase().split(/[^\w$]+/)) if (word) names.stringWords.add(word);
    }
    return names.stringWords.has(name.toLowerCase());
  }
  let pattern = wordPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`(^|[^\\w$])${escapeRegExp(name)}($|[^\\w$])`, "i");
    if (wordPatterns.size > 10_000) wordPatterns.clear();
    wordPatterns.set(name, pattern);
  }
  return names.strings.some((t) => pattern.test(text.slice(t.start, t.end)));
}

/**
 * Whether anything in the file besides the column's own declaration could depend on its type:
 * a statement that names both the table and the column (the declaring statement counts without
 * naming the table again), or any statement naming one of `alsoNames` (e.g. the column's serial
 * sequence). A file with syntax errors counts as a mention (its statements cannot be checked).
 */
export function columnUsedElsewhere(sourceCode: PgSourceCode, statement: ParsedStatement, use: ColumnTypeUse, alsoNames: readonly string[] = []): boolean {
  const { parsed, text } = sourceCode;
  if (parsed.errors.length > 0) return true;
  const location = (use.columnDef as { location?: unknown }).location;
  const declared = typeof location === "number" ? sourceCode.indexOfLocation(statement, location) : -1;
  for (const s of parsed.statements) {
    // Statements of DO blocks and function bodies are inside a string of their statement, checked there.
    if (s.hiddenIn) continue;
    const names = namesOf(sourceCode, s);
    const named = (name: string): boolean => {
      if (names.identifiers.has(name) && !(s.index === statement.index && onlyAt(names, name, declared))) return true;
      return stringMentions(names, text, name);
    };
    if (alsoNames.some(named)) return true;
    if (s.index !== statement.index && !named(use.table.name)) continue;
    if (named(use.column)) return true;
  }
  return false;
}

interface StatementNames {
  /** Identifiers the statement's word tokens spell (folded), with where each is written. */
  identifiers: Map<string, number[]>;
  /** Its string tokens (function bodies, dynamic SQL). */
  strings: Token[];
  /** The words of those strings, lower-cased (made on first use). */
  stringWords?: Set<string>;
}

const namesCache = new WeakMap<ParsedStatement, StatementNames>();

/** The names a statement mentions, computed once per statement (every finding of the file asks). */
function namesOf(sourceCode: PgSourceCode, statement: ParsedStatement): StatementNames {
  let names = namesCache.get(statement);
  if (!names) {
    names = { identifiers: new Map(), strings: [] };
    for (const t of sourceCode.tokensOf(statement)) {
      if (t.kind === "string") names.strings.push(t);
      else if (t.kind === "word") {
        const name = identifierOf(sourceCode.text.slice(t.start, t.end));
        if (name === undefined) continue;
        const at = names.identifiers.get(name);
        if (at) at.push(t.start);
        else names.identifiers.set(name, [t.start]);
      }
    }
    namesCache.set(statement, names);
  }
  return names;
}

/** Whether the only place `name` is written in the statement is `index` (the column's own declaration). */
function onlyAt(names: StatementNames, name: string, index: number): boolean {
  const at = names.identifiers.get(name);
  return at !== undefined && at.length === 1 && at[0] === index;
}

/** A generated column's expression must stay immutable under the new type: never retyped by a fix. */
function isGenerated(use: ColumnTypeUse): boolean {
  const constraints = (use.columnDef.constraints as { Constraint?: { contype?: string } }[] | undefined) ?? [];
  return constraints.some((c) => c.Constraint?.contype === "CONSTR_GENERATED") || use.columnDef.generated !== undefined;
}

/**
 * The fix or suggestion that rewrites a column's declared type (`span.base`) as `replacement`, for
 * a column of a table the file creates: a fix when nothing else in the file could depend on the
 * type (see columnUsedElsewhere) and the column is not generated, a suggestion otherwise.
 */
export function retypeColumn<MessageIds extends string>(
  sourceCode: PgSourceCode,
  statement: ParsedStatement,
  column: DeclaredColumnType,
  replacement: string,
  suggestion: { messageId: MessageIds; data: Record<string, string>; alsoNames?: readonly string[] },
): Pick<PgReport<MessageIds>, "fix" | "suggest"> {
  const fix = (fixer: RuleTextEditor): RuleTextEdit => fixer.replaceTextRange(column.span.base, replacement);
  if (!isGenerated(column) && !columnUsedElsewhere(sourceCode, statement, column, suggestion.alsoNames)) return { fix };
  return { suggest: [{ messageId: suggestion.messageId, data: suggestion.data, fix }] };
}

/** The name Postgres gives the sequence of a serial column (`table_column_seq`, before truncation to 63 bytes). */
export function serialSequenceName(use: ColumnTypeUse): string {
  return `${use.table.name}_${use.column}_seq`;
}
