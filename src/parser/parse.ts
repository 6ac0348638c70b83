/**
 * Parsing a migration file into statements with exact spans, comments and syntax errors.
 *
 * The whole file is parsed once. Only when that fails (a syntax error, psql meta-commands) is it
 * split at statement boundaries and each statement parsed on its own, so one bad statement does
 * not hide the rest of the file.
 */
import type { Node } from "libpg-query";
import { SourceText } from "./positions.js";
import { expandHiddenStatements } from "./plpgsql.js";
import { parseSync } from "./wasm.js";
import { commentOf, splitStatements, tokenize, type Token } from "./tokens.js";

/** A node's inner object, as libpg-query returns it (fields with zero values are omitted). */
export type AstObject = Record<string, unknown>;

export interface ParsedStatement {
  /** Position among the file's statements, from 0. */
  index: number;
  /** The libpg-query node type of the statement, e.g. `IndexStmt`. */
  type: string;
  /** The statement's node object (the value under `type`). */
  node: AstObject;
  /** The wrapped node, `{ [type]: node }`. */
  raw: Node;
  /** UTF-16 range in the file text: first token to last token, without the `;`. */
  start: number;
  end: number;
  /** UTF-8 byte offset that node `location` fields inside this statement are relative to. */
  byteBase: number;
  /** The statement's text. */
  text: string;
  /**
   * Set for statements found inside another statement (see plpgsql.ts): a DO block, the body of a
   * PL/pgSQL function the file calls, or the string literal of an EXECUTE. `statement`: the DO or
   * CREATE FUNCTION statement whose body holds it; `runBy`: the top-level statement whose execution
   * runs it (the DO, or the call; default `statement`); `commitsBefore`: COMMIT / ROLLBACK run
   * before it by that code (default 0).
   */
  hiddenIn?: { kind: "do" | "function" | "execute"; statement: number; runBy?: number; commitsBefore?: number };
  /** Hidden statements: node `location` (UTF-8 byte offset in the SQL Postgres parsed) → UTF-16 index in the file. */
  locate?: (location: number) => number;
}

export interface Comment {
  kind: "line" | "block";
  /** The comment's text without `--` or the `/* *\/` delimiters. */
  value: string;
  start: number;
  end: number;
}

/** A comment inside the body of a DO block or called function: file positions, and the statement whose body holds it. */
export interface HiddenComment extends Comment {
  /** Index (in `statements`) of the DO or CREATE FUNCTION whose body holds the comment. */
  container: number;
}

export interface ParseError {
  message: string;
  /** UTF-16 range of the token at which Postgres stopped. */
  start: number;
  end: number;
  /** Range of the whole statement that failed to parse. */
  statementStart: number;
  statementEnd: number;
  /** Set when the error is in the body of a DO block or called function (the statement itself parsed). */
  hiddenIn?: { kind: "do" | "function"; statement: number };
}

export interface ParsedSql {
  source: SourceText;
  text: string;
  statements: ParsedStatement[];
  errors: ParseError[];
  /** Ranges of psql meta-commands that were skipped. */
  metaCommands: { start: number; end: number }[];
  /** All comments, computed on first use (not those inside DO blocks and function bodies: see hiddenComments). */
  readonly comments: Comment[];
  /** The `pgsafe-ignore` comments inside the bodies of DO blocks and called functions that were expanded. */
  hiddenComments: HiddenComment[];
  /** Tokens of the whole text (Postgres scanner, or fallback lexer), computed on first use. */
  readonly tokens: Token[];
  /** `tokens` if something has asked for them already (nothing is computed). */
  readonly lexedTokens?: Token[] | undefined;
}

interface SqlErrorLike {
  message: string;
  sqlDetails?: { cursorPosition?: number };
}

const META_COMMAND = /^[ \t]*\\/m;

function unwrap(raw: Node): [string, AstObject] {
  const key = Object.keys(raw)[0]!;
  return [key, (raw as unknown as Record<string, AstObject>)[key]!];
}

/** Shrinks [start, end) to exclude surrounding white space. */
function trimRange(text: string, start: number, end: number): [number, number] {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  while (start < end && /\s/.test(text[start]!)) start++;
  return [start, end];
}

class ParsedFile implements ParsedSql {
  readonly source: SourceText;
  readonly statements: ParsedStatement[] = [];
  readonly errors: ParseError[] = [];
  readonly metaCommands: { start: number; end: number }[] = [];
  hiddenComments: HiddenComment[] = [];
  #tokens: Token[] | undefined;
  #comments: Comment[] | undefined;

  constructor(source: SourceText) {
    this.source = source;
  }

  get text(): string {
    return this.source.text;
  }

  get tokens(): Token[] {
    this.#tokens ??= tokenize(this.source);
    return this.#tokens;
  }

  set tokens(tokens: Token[]) {
    this.#tokens = tokens;
  }

  get lexedTokens(): Token[] | undefined {
    return this.#tokens;
  }

  get comments(): Comment[] {
    if (!this.#comments) {
      const text = this.text;
      this.#comments = [];
      for (const t of this.tokens) {
        const comment = commentOf(text, t);
        if (comment) this.#comments.push(comment);
      }
    }
    return this.#comments;
  }
}

function addStatement(file: ParsedFile, raw: Node, start: number, end: number, byteBase: number): void {
  const [type, node] = unwrap(raw);
  file.statements.push({
    index: file.statements.length,
    type,
    node,
    raw,
    start,
    end,
    byteBase,
    text: file.text.slice(start, end),
  });
}

function parseWhole(file: ParsedFile): boolean {
  const { source, text } = file;
  let result;
  try {
    result = parseSync(text);
  } catch {
    return false;
  }
  for (const raw of result.stmts ?? []) {
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : source.byteLength;
    const [start, end] = trimRange(text, source.indexFromByte(byteStart), source.indexFromByte(byteEnd));
    addStatement(file, raw.stmt!, start, end, 0);
  }
  return true;
}

function tokenEndAt(text: string, index: number, limit: number): number {
  const m = /^(?:"(?:[^"]|"")*"|'(?:[^']|'')*'|[A-Za-z0-9_$\u0080-\uffff]+|\S)/.exec(text.slice(index, Math.min(limit, index + 200)));
  return Math.min(limit, index + (m ? m[0].length : 1));
}

function parsePieces(file: ParsedFile): void {
  const { source, text } = file;
  const tokens = file.tokens;
  const { pieces, metaCommands } = splitStatements(text, tokens);
  file.metaCommands.push(...metaCommands);
  const queue = [...pieces];
  while (queue.length > 0) {
    const piece = queue.shift()!;
    const pieceText = text.slice(piece.start, piece.end);
    const byteBase = source.byteFromIndex(piece.start);
    try {
      const result = parseSync(pieceText);
      for (const raw of result.stmts ?? []) addStatement(file, raw.stmt!, piece.start, piece.end, byteBase);
      continue;
    } catch (e) {
      const inner = innerSemicolon(tokens, piece);
      if (inner !== undefined) {
        // An unbalanced "(" swallowed the following statements: end the broken statement at the
        // first semicolon inside it and split the rest again.
        const head = { start: piece.start, end: lastTokenEnd(tokens, piece.start, inner) };
        const rest = splitStatements(text, tokens.filter((t) => t.start > inner && t.end <= piece.end)).pieces;
        queue.unshift(head, ...rest);
        continue;
      }
      file.errors.push(errorAt(file, e as SqlErrorLike, piece));
    }
  }
}

/** Index of a `;` inside the piece (only possible inside unbalanced parentheses), if any. */
function innerSemicolon(tokens: Token[], piece: { start: number; end: number }): number | undefined {
  return tokens.find((t) => t.kind === "semicolon" && t.start > piece.start && t.end <= piece.end)?.start;
}

function lastTokenEnd(tokens: Token[], from: number, before: number): number {
  let end = from;
  for (const t of tokens) if (t.start >= from && t.end <= before && !t.kind.startsWith("comment")) end = t.end;
  return end;
}

function errorAt(file: ParsedFile, err: SqlErrorLike, piece: { start: number; end: number }): ParseError {
  const { source, text, tokens } = file;
  const cursor = err.sqlDetails?.cursorPosition;
  let at = cursor === undefined ? piece.start : source.indexFromCodePoint(cursor, piece.start);
  let atEnd = false;
  if (at >= piece.end) {
    // "at end of input": point at the statement's last token.
    let last: Token | undefined;
    for (const t of tokens) if (t.start >= piece.start && t.end <= piece.end && !t.kind.startsWith("comment")) last = t;
    at = last ? last.start : piece.start;
    atEnd = true;
  }
  const end = atEnd ? piece.end : tokenEndAt(text, at, piece.end);
  return {
    message: cleanMessage(err.message),
    start: at,
    end: Math.max(end, at + 1),
    statementStart: piece.start,
    statementEnd: piece.end,
  };
}

function cleanMessage(message: string): string {
  const m = String(message ?? "syntax error").split("\n")[0]!;
  return m.replace(/^Error:\s*/, "");
}

/**
 * Parses SQL text (without a byte-order mark: strip it first and keep positions relative to the
 * stripped text, as editors do).
 */
export function parseSql(rawText: string): ParsedSql {
  // psql reads the rows after `COPY ... FROM STDIN;` as data up to a `\.` line: they are not SQL.
  // The parse sees them blanked (positions unchanged) and they are listed with the skipped
  // meta-commands.
  const { text, dataBlocks } = blankCopyData(rawText);
  const file = new ParsedFile(new SourceText(text));
  file.metaCommands.push(...dataBlocks);
  if (text.trim() === "") return file;
  if (META_COMMAND.test(text) || !parseWhole(file)) {
    file.statements.length = 0;
    parsePieces(file);
  }
  expandHiddenStatements(file);
  return file;
}

const COPY_FROM_STDIN = /^[ \t]*COPY\b[^;]*?\bFROM[ \t\r\n]+STDIN\b[^;]*;[ \t]*(?:--[^\r\n]*)?\r?\n/gim;
const END_OF_DATA = /^\\\.[ \t]*\r?$/m;

/**
 * The text with the data rows of each `COPY ... FROM STDIN;` (as pg_dump and psql scripts write
 * them, ended by a line `\.`) replaced by spaces, line breaks kept; and where they were. A COPY
 * without a `\.` line after it has its data sent another way and is left alone.
 * https://www.postgresql.org/docs/current/app-psql.html (COPY ... FROM STDIN in a script)
 */
export function blankCopyData(text: string): { text: string; dataBlocks: { start: number; end: number }[] } {
  if (!/\bstdin\b/i.test(text)) return { text, dataBlocks: [] };
  const dataBlocks: { start: number; end: number }[] = [];
  let out = "";
  let copied = 0;
  COPY_FROM_STDIN.lastIndex = 0;
  for (let m = COPY_FROM_STDIN.exec(text); m; m = COPY_FROM_STDIN.exec(text)) {
    const start = m.index + m[0].length;
    if (start < copied) continue;
    END_OF_DATA.lastIndex = 0;
    const rest = text.slice(start);
    const end = END_OF_DATA.exec(rest);
    if (!end) continue;
    const stop = start + end.index + end[0].length;
    out += text.slice(copied, start) + text.slice(start, stop).replace(/[^\r\n]/g, " ");
    dataBlocks.push({ start, end: stop });
    copied = stop;
    COPY_FROM_STDIN.lastIndex = stop;
  }
  return dataBlocks.length === 0 ? { text, dataBlocks } : { text: out + text.slice(copied), dataBlocks };
}

/** Removes a leading byte-order mark. */
export function stripBom(text: string): { text: string; bom: boolean } {
  return text.charCodeAt(0) === 0xfeff ? { text: text.slice(1), bom: true } : { text, bom: false };
}
