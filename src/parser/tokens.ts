/**
 * Tokens of SQL text, from src/parser/lexer.ts: the boundaries of PostgreSQL's own scanner, in
 * JavaScript, and tokens for broken text too (an unterminated string, quoted identifier, dollar
 * quote or comment runs to the end), so that a broken file can still be split and linted.
 * `scanWithPostgres` (libpg-query's scanner) is the reference the lexer is tested against.
 */
import { lexSql } from "./lexer.js";
import { scanSync } from "./wasm.js";
import type { Comment } from "./parse.js";
import type { SourceText } from "./positions.js";

export type TokenKind =
  | "comment-line"
  | "comment-block"
  | "semicolon"
  | "open-paren"
  | "close-paren"
  | "backslash"
  | "string"
  | "word"
  | "other";

export interface Token {
  kind: TokenKind;
  /** UTF-16 indices into the text, end exclusive. */
  start: number;
  end: number;
  /** Upper-cased text for keywords and plain identifiers, the raw text otherwise. */
  upper: string;
  /** True when the token runs to the end of the text because it was never closed. */
  unterminated?: boolean;
}

function kindOf(tokenName: string, text: string): TokenKind {
  switch (tokenName) {
    case "SQL_COMMENT":
      return "comment-line";
    case "C_COMMENT":
      return "comment-block";
    case "ASCII_59":
      return "semicolon";
    case "ASCII_40":
      return "open-paren";
    case "ASCII_41":
      return "close-paren";
    case "SCONST":
    case "USCONST":
    case "BCONST":
    case "XCONST":
      return "string";
    case "IDENT":
      return "word";
    default:
      if (text === "\\") return "backslash";
      if (/^[A-Za-z_]/.test(text)) return "word";
      return "other";
  }
}

/** Tokens from the Postgres scanner (libpg-query), or undefined when it cannot scan the text; the lexer's reference in tests. */
export function scanWithPostgres(source: SourceText): Token[] | undefined {
  let result;
  try {
    result = scanSync(source.text);
  } catch {
    return undefined;
  }
  const tokens: Token[] = [];
  for (const t of result.tokens) {
    const start = source.indexFromByte(t.start);
    const end = source.indexFromByte(t.end);
    const kind = kindOf(t.tokenName, t.text);
    tokens.push({ kind, start, end, upper: kind === "word" && !t.text.startsWith('"') ? t.text.toUpperCase() : t.text });
  }
  return tokens;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * A minimal SQL lexer: enough to find comments, strings, quoted identifiers, dollar quotes,
 * parentheses, semicolons and psql backslash commands. Anything unclosed runs to the end.
 */
export function lexFallback(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, unterminated = false): void => {
    const raw = text.slice(start, end);
    tokens.push({ kind, start, end, upper: kind === "word" ? raw.toUpperCase() : raw, ...(unterminated ? { unterminated } : {}) });
  };
  while (i < n) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v") {
      i++;
    } else if (c === "-" && text[i + 1] === "-") {
      let j = i + 2;
      while (j < n && text[j] !== "\n" && text[j] !== "\r") j++;
      push("comment-line", i, j);
      i = j;
    } else if (c === "/" && text[i + 1] === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === "/" && text[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (text[j] === "*" && text[j + 1] === "/") {
          depth--;
          j += 2;
        } else j++;
      }
      push("comment-block", i, Math.min(j, n), depth > 0);
      i = Math.min(j, n);
    } else if (c === "'" || ((c === "E" || c === "e") && text[i + 1] === "'")) {
      const escapes = c !== "'";
      let j = escapes ? i + 2 : i + 1;
      let closed = false;
      while (j < n) {
        const d = text[j];
        if (escapes && d === "\\") j += 2;
        else if (d === "'") {
          if (text[j + 1] === "'") j += 2;
          else {
            j++;
            closed = true;
            break;
          }
        } else j++;
      }
      push("string", i, Math.min(j, n), !closed);
      i = Math.min(j, n);
    } else if (c === '"') {
      let j = i + 1;
      let closed = false;
      while (j < n) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') j += 2;
          else {
            j++;
            closed = true;
            break;
          }
        } else j++;
      }
      push("word", i, j, !closed);
      i = j;
    } else if (c === "$") {
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        const end = close < 0 ? n : close + tag.length;
        push("string", i, end, close < 0);
        i = end;
      } else {
        let j = i + 1;
        while (j < n && /[0-9]/.test(text[j]!)) j++;
        push("other", i, j);
        i = j;
      }
    } else if (c === ";") {
      push("semicolon", i, i + 1);
      i++;
    } else if (c === "(") {
      push("open-paren", i, i + 1);
      i++;
    } else if (c === ")") {
      push("close-paren", i, i + 1);
      i++;
    } else if (c === "\\") {
      push("backslash", i, i + 1);
      i++;
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_CHAR.test(text[j]!)) j++;
      push("word", i, j);
      i = j;
    } else {
      push("other", i, i + 1);
      i++;
    }
  }
  return tokens;
}

/** Every token of the text (comments included). */
export function tokenize(source: SourceText): Token[] {
  return lexSql(source.text);
}

/** Position of the first token (in text order) that starts at or after `index`; `tokens.length` if none. */
export function firstTokenFrom(tokens: readonly Token[], index: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when the token is the first thing on its line (only blanks before it). */
export function startsLine(text: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const c = text[i];
    if (c === "\n" || c === "\r") return true;
    if (c !== " " && c !== "\t") return false;
  }
  return true;
}

export interface Piece {
  /** UTF-16 range of the statement: first token to last token, without the ';'. */
  start: number;
  end: number;
}

export interface Split {
  pieces: Piece[];
  /** Ranges of psql meta-commands (`\set`, `\connect`, ...), skipped. */
  metaCommands: Piece[];
}

/**
 * Splits text into statements at top-level semicolons (outside parentheses, strings, comments,
 * dollar quotes and `BEGIN ATOMIC ... END` bodies). A psql meta-command runs to the end of its
 * line and also ends the statement before it, as in psql.
 */
export function splitStatements(text: string, tokens: Token[]): Split {
  const pieces: Piece[] = [];
  const metaCommands: Piece[] = [];
  let depth = 0;
  let atomicDepth = 0; // > 0 inside BEGIN ATOMIC; counts CASE ... END nesting inside it
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (start >= 0) pieces.push({ start, end });
    start = -1;
    end = -1;
    depth = 0;
    atomicDepth = 0;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === "comment-block" && t.unterminated) {
      // An unclosed block comment runs to the end of the text: keep it in the piece, so that
      // Postgres reports it instead of the piece parsing without it.
      if (start < 0) start = t.start;
      end = t.end;
      continue;
    }
    if (t.kind === "comment-line" || t.kind === "comment-block") continue;
    if (t.kind === "backslash" && startsLine(text, t.start)) {
      flush();
      let lineEnd = t.start;
      while (lineEnd < text.length && text[lineEnd] !== "\n" && text[lineEnd] !== "\r") lineEnd++;
      metaCommands.push({ start: t.start, end: lineEnd });
      while (k + 1 < tokens.length && tokens[k + 1]!.start < lineEnd) k++;
      continue;
    }
    if (t.kind === "semicolon" && depth <= 0 && atomicDepth === 0) {
      flush();
      continue;
    }
    if (start < 0) start = t.start;
    end = t.end;
    if (t.kind === "open-paren") depth++;
    else if (t.kind === "close-paren") depth--;
    else if (t.kind === "word") {
      if (atomicDepth > 0) {
        if (t.upper === "CASE") atomicDepth++;
        else if (t.upper === "END") atomicDepth--;
      } else if (t.upper === "ATOMIC" && k > 0 && tokens[k - 1]!.upper === "BEGIN") atomicDepth = 1;
    }
  }
  flush();
  return { pieces, metaCommands };
}

/** The comment a comment token of `text` is (its text without `--` or the block delimiters), or undefined for any other token. */
export function commentOf(text: string, t: Token): Comment | undefined {
  if (t.kind === "comment-line") return { kind: "line", value: text.slice(t.start + 2, t.end), start: t.start, end: t.end };
  if (t.kind !== "comment-block") return undefined;
  return { kind: "block", value: text.slice(t.start + 2, t.unterminated ? t.end : t.end - 2), start: t.start, end: t.end };
}
