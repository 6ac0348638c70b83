/**
 * A lexer for PostgreSQL's SQL with the token boundaries of its own scanner (src/backend/parser/
 * scan.l, PostgreSQL 18): comments (nested block comments), strings ('...', E'...', B'...',
 * X'...', U&'...', dollar quotes, and a string continued on a later line), identifiers (plain,
 * quoted, U&"..."), numbers (with PG 16's underscores and 0x / 0o / 0b prefixes), parameters,
 * operators (with the rules that end an operator at `--` or `/*` and drop a trailing + or -), and
 * the single-character tokens. It runs in JavaScript, about ten times faster than calling the
 * scanner compiled to WebAssembly (test/parser/lexer.test.ts checks that both agree on the whole
 * corpus). Unlike the scanner it never fails: an unclosed string, quoted identifier, dollar quote
 * or comment runs to the end of the text and is marked `unterminated`.
 * https://github.com/postgres/postgres/blob/REL_18_STABLE/src/backend/parser/scan.l
 */
import type { Token, TokenKind } from "./tokens.js";

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b]);
/** `self` in scan.l: characters that are tokens of their own. */
const SELF = new Set([...",()[].;:+-*/%^<>="].map((c) => c.charCodeAt(0)));
/** `op_chars` in scan.l. */
const OP_CHARS = new Set([..."~!@#^&|`?+-*/%<>="].map((c) => c.charCodeAt(0)));
/** Characters that keep a trailing + or - in a multi-character operator. */
const NON_SQL_OP = new Set([..."~!@#^&|`?%"].map((c) => c.charCodeAt(0)));

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** ident_start: letters, `_`, and every non-ASCII character (a UTF-8 byte >= 0x80 in scan.l). */
const isIdentStart = (c: number): boolean => isLetter(c) || c === 0x5f || c >= 0x80;
/** ident_cont: ident_start, digits and `$`. */
const isIdentCont = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === 0x24;
/** dolq_cont: ident_start and digits (no `$`). */
const isDollarTagCont = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

function kindOf(text: string, base: "string" | "word" | "other" | "comment-line" | "comment-block"): TokenKind {
  if (base !== "other") return base;
  switch (text) {
    case ";":
      return "semicolon";
    case "(":
      return "open-paren";
    case ")":
      return "close-paren";
    case "\\":
      return "backslash";
    default:
      return "other";
  }
}

/** Tokens of SQL text (comments included), with UTF-16 indices. */
export function lexSql(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  const at = (i: number): number => (i < n ? text.charCodeAt(i) : -1);
  const push = (base: "string" | "word" | "other" | "comment-line" | "comment-block", start: number, end: number, unterminated = false): void => {
    const raw = text.slice(start, end);
    const kind = kindOf(raw, base);
    const token: Token = { kind, start, end, upper: kind === "word" && raw.charCodeAt(0) !== 0x22 ? raw.toUpperCase() : raw };
    if (unterminated) token.unterminated = true;
    tokens.push(token);
  };

  /** End of a quoted run opened at `open` (the quote), `''` / `""` doubled; -1 when unclosed. */
  const closeQuote = (open: number, quote: number, backslashEscapes: boolean): number => {
    let j = open + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (backslashEscapes && c === 0x5c) j += 2;
      else if (c === quote) {
        if (at(j + 1) === quote) j += 2;
        else return j + 1;
      } else j++;
    }
    return -1;
  };

  /**
   * A quoted string continues after white space that holds a newline (line comments allowed
   * after it) when the next thing is another quote: `'a'\n'b'` is one string (scan.l, quotecontinue).
   */
  const continuation = (end: number): number => {
    let j = end;
    let newline = false;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x0a || c === 0x0d) {
        newline = true;
        j++;
      } else if (c === 0x20 || c === 0x09 || c === 0x0c || c === 0x0b) j++;
      else if (newline && c === 0x2d && at(j + 1) === 0x2d) {
        while (j < n && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
      } else break;
    }
    return newline && at(j) === 0x27 ? j : -1;
  };

  /** A string literal from its opening quote; returns where the token ends. */
  const stringFrom = (start: number, quote: number, backslashEscapes: boolean): { end: number; closed: boolean } => {
    let open = quote;
    for (;;) {
      const close = closeQuote(open, 0x27, backslashEscapes);
      if (close < 0) return { end: n, closed: false };
      const next = continuation(close);
      if (next < 0) return { end: close, closed: true };
      open = next;
    }
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    // -- line comment
    if (c === 0x2d && at(i + 1) === 0x2d) {
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
      push("comment-line", i, j);
      i = j;
      continue;
    }
    // /* block comment */, nested
    if (c === 0x2f && at(i + 1) === 0x2a) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        const d = text.charCodeAt(j);
        if (d === 0x2f && at(j + 1) === 0x2a) {
          depth++;
          j += 2;
        } else if (d === 0x2a && at(j + 1) === 0x2f) {
          depth--;
          j += 2;
        } else j++;
      }
      push("comment-block", i, Math.min(j, n), depth > 0);
      i = Math.min(j, n);
      continue;
    }
    // 'string'
    if (c === 0x27) {
      const { end, closed } = stringFrom(i, i, false);
      push("string", i, end, !closed);
      i = end;
      continue;
    }
    // E'...', B'...', X'...' (N'...' is the keyword NCHAR and a string: two tokens, as in scan.l)
    if ((c === 0x45 || c === 0x65 || c === 0x42 || c === 0x62 || c === 0x58 || c === 0x78) && at(i + 1) === 0x27) {
      const { end, closed } = stringFrom(i, i + 1, c === 0x45 || c === 0x65);
      push("string", i, end, !closed);
      i = end;
      continue;
    }
    // U&'...' and U&"..."
    if ((c === 0x55 || c === 0x75) && at(i + 1) === 0x26 && (at(i + 2) === 0x27 || at(i + 2) === 0x22)) {
      const quote = at(i + 2);
      if (quote === 0x27) {
        const { end, closed } = stringFrom(i, i + 2, false);
        push("string", i, end, !closed);
        i = end;
      } else {
        const close = closeQuote(i + 2, 0x22, false);
        const end = close < 0 ? n : close;
        push("word", i, end, close < 0);
        i = end;
      }
      continue;
    }
    // "quoted identifier"
    if (c === 0x22) {
      const close = closeQuote(i, 0x22, false);
      const end = close < 0 ? n : close;
      push("word", i, end, close < 0);
      i = end;
      continue;
    }
    // $tag$ dollar quote $tag$, or $1 parameter
    if (c === 0x24) {
      let j = i + 1;
      if (j < n && isIdentStart(text.charCodeAt(j))) {
        j++;
        while (j < n && isDollarTagCont(text.charCodeAt(j))) j++;
      }
      if (at(j) === 0x24) {
        const tag = text.slice(i, j + 1);
        const close = text.indexOf(tag, j + 1);
        const end = close < 0 ? n : close + tag.length;
        push("string", i, end, close < 0);
        i = end;
        continue;
      }
      if (isDigit(at(i + 1))) {
        let k = i + 1;
        while (k < n && isDigit(text.charCodeAt(k))) k++;
        push("other", i, k);
        i = k;
        continue;
      }
      push("other", i, i + 1);
      i++;
      continue;
    }
    // identifier or keyword
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(text.charCodeAt(j))) j++;
      push("word", i, j);
      i = j;
      continue;
    }
    // numbers
    if (isDigit(c) || (c === 0x2e && isDigit(at(i + 1)))) {
      const end = numberEnd(text, i);
      push("other", i, end);
      i = end;
      continue;
    }
    // two-character tokens that are not operators
    if (c === 0x3a && (at(i + 1) === 0x3a || at(i + 1) === 0x3d)) {
      push("other", i, i + 2);
      i += 2;
      continue;
    }
    if (c === 0x2e && at(i + 1) === 0x2e) {
      push("other", i, i + 2);
      i += 2;
      continue;
    }
    // operators
    if (OP_CHARS.has(c)) {
      let j = i + 1;
      while (j < n && OP_CHARS.has(text.charCodeAt(j))) j++;
      let len = j - i;
      // An operator ends where a comment starts.
      for (let k = i + 1; k < j; k++) {
        const a = text.charCodeAt(k - 1);
        const b = text.charCodeAt(k);
        if ((a === 0x2d && b === 0x2d) || (a === 0x2f && b === 0x2a)) {
          len = k - 1 - i;
          break;
        }
      }
      if (len === 0) len = 1;
      // A trailing + or - belongs to the next token unless the operator has a non-SQL character.
      if (len > 1 && (text.charCodeAt(i + len - 1) === 0x2b || text.charCodeAt(i + len - 1) === 0x2d)) {
        let keep = false;
        for (let k = i + len - 2; k >= i; k--) {
          if (NON_SQL_OP.has(text.charCodeAt(k))) {
            keep = true;
            break;
          }
        }
        if (!keep) {
          do len--;
          while (len > 1 && (text.charCodeAt(i + len - 1) === 0x2b || text.charCodeAt(i + len - 1) === 0x2d));
        }
      }
      push("other", i, i + len);
      i += len;
      continue;
    }
    if (SELF.has(c) || c === 0x5c) {
      push("other", i, i + 1);
      i++;
      continue;
    }
    // Anything else is a token of one character (a surrogate pair stays whole).
    const width = c >= 0xd800 && c <= 0xdbff && at(i + 1) >= 0xdc00 && at(i + 1) <= 0xdfff ? 2 : 1;
    push("other", i, i + width);
    i += width;
  }
  return tokens;
}

/** End of the numeric literal starting at `i` (decinteger, hex/octal/binary, numeric, real). */
function numberEnd(text: string, i: number): number {
  const n = text.length;
  const at = (k: number): number => (k < n ? text.charCodeAt(k) : -1);
  const digits = (k: number, ok: (c: number) => boolean): number => {
    // {digit}(_?{digit})*
    if (!ok(at(k))) return k;
    k++;
    for (;;) {
      if (ok(at(k))) k++;
      else if (at(k) === 0x5f && ok(at(k + 1))) k += 2;
      else return k;
    }
  };
  const c = at(i);
  if (c === 0x30) {
    const p = at(i + 1) | 0x20;
    const ok = p === 0x78 ? isHex : p === 0x6f ? (d: number) => d >= 0x30 && d <= 0x37 : p === 0x62 ? (d: number) => d === 0x30 || d === 0x31 : undefined;
    if (ok) {
      // 0x(_?{hexdigit})+
      let k = i + 2;
      if (at(k) === 0x5f && ok(at(k + 1))) k++;
      const end = digits(k, ok);
      if (end > k) return end;
    }
  }
  let k = c === 0x2e ? i : digits(i, isDigit);
  if (at(k) === 0x2e && at(k + 1) !== 0x2e) {
    // numeric: {decinteger}\.{decinteger}? or \.{decinteger}
    k = digits(k + 1, isDigit);
  }
  // real: ...[Ee][-+]?{decinteger}
  if ((at(k) | 0x20) === 0x65) {
    const sign = at(k + 1) === 0x2b || at(k + 1) === 0x2d ? 1 : 0;
    if (isDigit(at(k + 1 + sign))) k = digits(k + 1 + sign, isDigit);
  }
  return k;
}
