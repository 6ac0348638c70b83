import { byteLength, MAX_IDENTIFIER_BYTES, truncateIdentifier, writtenIdentifiers } from "../src/analysis/identifiers.js";
import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * Postgres keeps at most NAMEDATALEN - 1 = 63 bytes of an identifier. Its scanner truncates a
 * longer one (at a character boundary) with only a NOTICE, wherever it is written: the name of a
 * new table, column, index, constraint, schema, sequence, view, function, trigger or type, and
 * every later reference to it. Names Postgres generates itself (unnamed constraints and indexes)
 * are shortened part by part to fit and are not reported. Enum labels are strings, and a label
 * over 63 bytes is an error, not a truncation.
 * https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
 */
/** UTF-8 bytes of one UTF-16 code unit (each half of a surrogate pair counts 2: 4 for the pair). */
function utf8Bytes(unit: number): number {
  return unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
}

/** Letters, digits, `_`, `$` and anything beyond ASCII: what an unquoted identifier can be made of. */
function isIdentifierUnit(unit: number): boolean {
  return unit >= 0x80 || (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x30 && unit <= 0x39) || unit === 0x5f || unit === 0x24;
}

/**
 * An identifier over 63 bytes is a run of identifier characters, or the text between double
 * quotes, of more than 63 bytes. A statement without such a run cannot hold one, and its tokens
 * need not be scanned. A `U&"..."` identifier is always scanned (its escapes are decoded then).
 */
function mayHoldLongIdentifier(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x22) {
      if (i >= 2 && text[i - 1] === "&" && (text[i - 2] === "u" || text[i - 2] === "U")) return true;
      // From every double quote (strings and comments are not told apart), the quoted run up to
      // the next lone quote: its escaped "" count as written.
      let bytes = 1;
      for (let j = i + 1; j < text.length; j++) {
        const next = text.charCodeAt(j);
        if (next === 0x22) {
          if (text.charCodeAt(j + 1) !== 0x22) break;
          j++;
          bytes += 2;
        } else bytes += utf8Bytes(next);
        if (bytes > MAX_IDENTIFIER_BYTES) return true;
      }
    }
    if (!isIdentifierUnit(unit)) run = 0;
    else if ((run += utf8Bytes(unit)) > MAX_IDENTIFIER_BYTES) return true;
  }
  return false;
}

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow identifiers longer than 63 bytes, which PostgreSQL silently truncates",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("identifier-too-long"),
      category: "design",
    },
    messages: {
      tooLong:
        'Identifier "{{name}}" is {{bytes}} bytes long: PostgreSQL keeps only the first 63 bytes and silently uses "{{truncated}}" instead (it only logs a NOTICE).',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      Migration() {
        // Collisions are only visible across the file: two long names that truncate alike.
        const seen = new Map<string, string>();
        for (const statement of sourceCode.parsed.statements) {
          if (!mayHoldLongIdentifier(statement.text)) continue;
          for (const { token, name } of writtenIdentifiers(sourceCode, statement)) {
            const bytes = byteLength(name);
            if (bytes <= MAX_IDENTIFIER_BYTES) continue;
            const truncated = truncateIdentifier(name);
            const other = seen.get(truncated);
            if (other === undefined) seen.set(truncated, name);
            const collision =
              other !== undefined && other !== name
                ? [`"${name}" and "${other}" (earlier in this file) are the same name to PostgreSQL.`]
                : [];
            context.report({
              loc: sourceCode.locOf([token.start, token.end]),
              messageId: "tooLong",
              data: { name, bytes, truncated },
              help: [
                ...collision,
                `Write the name PostgreSQL really keeps, or a shorter one (at most ${MAX_IDENTIFIER_BYTES} bytes; accented letters take 2 bytes, most CJK characters 3), the same way everywhere:`,
                `  ${quoteIdent(truncated)}`,
                'Two names that share their first 63 bytes are one name to PostgreSQL: the second CREATE fails with "already exists", or with IF NOT EXISTS is skipped without an error, and DROP ... IF EXISTS of one drops the other. Tools that compare the names they wrote with the catalog (ORMs, schema diff tools) never find the long name.',
              ].join("\n"),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"tooLong">;
