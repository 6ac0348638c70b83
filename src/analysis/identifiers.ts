/**
 * Identifiers as Postgres' scanner reads them from the SQL text, before the parser sees them.
 *
 * The scanner folds unquoted identifiers to lower case (ASCII letters only, in a UTF-8 database),
 * keeps quoted ones exact (`""` is one `"`), decodes `U&"..."` escapes, and then truncates every
 * identifier longer than NAMEDATALEN - 1 = 63 bytes to 63 bytes, cut at a character boundary, with
 * only a NOTICE ("identifier ... will be truncated to ..."). The parse tree pgsafe gets from
 * libpg-query therefore already holds the truncated names; the written ones are in the tokens.
 * https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
 */
import type { PgSourceCode } from "../language/source-code.js";
import type { ParsedStatement } from "../parser/parse.js";
import type { Token } from "../parser/tokens.js";

/** NAMEDATALEN - 1: the longest identifier Postgres keeps, in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The longest prefix of whole characters that fits in `bytes` UTF-8 bytes (Postgres' pg_mbcliplen). */
export function clipToBytes(text: string, bytes: number): string {
  let used = 0;
  let out = "";
  for (const ch of text) {
    const n = byteLength(ch);
    if (used + n > bytes) break;
    used += n;
    out += ch;
  }
  return out;
}

/** The name Postgres keeps for an identifier (truncate_identifier). */
export function truncateIdentifier(name: string): string {
  return byteLength(name) > MAX_IDENTIFIER_BYTES ? clipToBytes(name, MAX_IDENTIFIER_BYTES) : name;
}

/** Decodes the body of a `U&"..."` identifier: `\XXXX`, `\+XXXXXX` and a doubled escape character. */
function decodeUnicodeEscapes(body: string, escape: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== escape) {
      out += c;
      continue;
    }
    if (body[i + 1] === escape) {
      out += escape;
      i++;
    } else if (body[i + 1] === "+" && /^[0-9A-Fa-f]{6}$/.test(body.slice(i + 2, i + 8))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 8), 16));
      i += 7;
    } else if (/^[0-9A-Fa-f]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += c;
  }
  return out;
}

/**
 * The identifier a word token stands for (before truncation), or undefined when the token is not
 * an identifier or keyword. `escape` is the `UESCAPE` character following a `U&"..."` identifier.
 */
export function identifierValue(text: string, escape = "\\"): string | undefined {
  if (text.startsWith('"')) return text.endsWith('"') && text.length >= 2 ? text.slice(1, -1).replace(/""/g, '"') : undefined;
  if (/^u&"/i.test(text)) {
    if (!text.endsWith('"') || text.length < 4) return undefined;
    return decodeUnicodeEscapes(text.slice(3, -1).replace(/""/g, '"'), escape);
  }
  if (!/^[A-Za-z_\u0080-\uffff]/.test(text)) return undefined;
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** An identifier written in a statement, with its token. */
export interface WrittenIdentifier {
  token: Token;
  /** The identifier as written (folded, unquoted, decoded), before truncation. */
  name: string;
}

/** Every identifier (and keyword) token of a statement, comments and strings left out. */
export function writtenIdentifiers(sourceCode: PgSourceCode, statement: ParsedStatement): WrittenIdentifier[] {
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
  const out: WrittenIdentifier[] = [];
  tokens.forEach((token, i) => {
    if (token.kind !== "word") return;
    const text = sourceCode.text.slice(token.start, token.end);
    let escape = "\\";
    const next = tokens[i + 1];
    const after = tokens[i + 2];
    if (/^u&"/i.test(text) && next?.upper === "UESCAPE" && after?.kind === "string") {
      escape = sourceCode.text.slice(after.start + 1, after.end - 1);
    }
    const name = identifierValue(text, escape);
    if (name !== undefined) out.push({ token, name });
  });
  return out;
}

/**
 * The token of an unqualified name in a statement (not preceded or followed by a `.`), searching
 * from `from` (a UTF-16 index); undefined when it cannot be found.
 */
export function findNameToken(sourceCode: PgSourceCode, statement: ParsedStatement, name: string, from = statement.start): Token | undefined {
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start < from || t.kind !== "word") continue;
    if (tokens[i - 1]?.upper === "." || tokens[i + 1]?.upper === ".") continue;
    if (truncateIdentifier(identifierValue(sourceCode.text.slice(t.start, t.end)) ?? "") === name) return t;
  }
  return undefined;
}

/** End (UTF-16 index) of the dotted name whose first token starts at or contains `index`: `app.users`, `"A"."B"`. */
export function qualifiedNameEnd(sourceCode: PgSourceCode, statement: ParsedStatement, index: number): number {
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
  let i = tokens.findIndex((t) => t.start <= index && index < t.end);
  if (i < 0) return sourceCode.tokenEnd(statement, index);
  while (tokens[i + 1]?.upper === "." && tokens[i + 2]?.kind === "word") i += 2;
  return tokens[i]!.end;
}
