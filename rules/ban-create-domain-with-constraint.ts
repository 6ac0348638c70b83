import { relationFromNameList } from "../src/analysis/names.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgSourceCode } from "../src/language/source-code.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * A constraint on a domain applies to every column of that type in every table at once, so it
 * cannot be changed table by table: tightening it later (ALTER DOMAIN ... ADD CONSTRAINT, SET NOT
 * NULL) scans all those tables under a SHARE lock that blocks their writes, and even VALIDATE
 * CONSTRAINT of a NOT VALID domain constraint takes SHARE (checked on PG 18 with PGlite), unlike a
 * table's CHECK. A domain NOT NULL is also not reliable: a column of the domain reads as null on
 * the nullable side of an outer join, and `INSERT ... VALUES ((SELECT col FROM t WHERE false))`
 * stores a null (checked on PG 18 with PGlite).
 * https://www.postgresql.org/docs/current/sql-createdomain.html (Notes)
 * https://www.postgresql.org/docs/current/sql-alterdomain.html
 */

/** Range of a domain constraint, `[CONSTRAINT name] CHECK (...)` or `[CONSTRAINT name] NOT NULL`. */
function constraintRange(sourceCode: PgSourceCode, statement: ParsedStatement, c: AstObject): [number, number] {
  const start = sourceCode.indexOfLocation(statement, c.location);
  const tokens = sourceCode.tokensOf(statement).filter((t) => !t.kind.startsWith("comment") && t.start >= start);
  let i = c.contype === "CONSTR_CHECK" ? tokens.findIndex((t) => t.kind === "open-paren") : tokens.findIndex((t) => t.upper === "NULL");
  if (i < 0) return [start, sourceCode.tokenEnd(statement, start)];
  if (c.contype === "CONSTR_CHECK") {
    for (let depth = 0; i < tokens.length; i++) {
      if (tokens[i]!.kind === "open-paren") depth++;
      else if (tokens[i]!.kind === "close-paren" && --depth === 0) break;
    }
  }
  return [start, tokens[Math.min(i, tokens.length - 1)]!.end];
}

export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Disallow CHECK and NOT NULL constraints on domains",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("ban-create-domain-with-constraint"),
      category: "design",
    },
    messages: {
      domainCheck:
        'Domain "{{domain}}" has a CHECK constraint: it applies to every column of this type in every table, and changing it later means ALTER DOMAIN, which checks all of those columns while holding a SHARE lock on each table (writes blocked) for the whole scan.',
      domainNotNull:
        'Domain "{{domain}}" is NOT NULL, which PostgreSQL does not enforce reliably: a column of the domain reads as null on the outer side of a join, and an INSERT of a null subquery result stores a null in it. Declare NOT NULL on the columns instead.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      CreateDomainStmt(node: PgNode) {
        const domain = relationFromNameList(node.value.domainname);
        if (!domain || node.parent) return;
        const constraints = ((node.value.constraints as { Constraint?: AstObject }[] | undefined) ?? [])
          .map((c) => c.Constraint)
          .filter((c): c is AstObject => c?.contype === "CONSTR_CHECK" || c?.contype === "CONSTR_NOTNULL");
        if (constraints.length === 0) return;
        const ranges = constraints.map((c) => constraintRange(sourceCode, node.statement, c));
        // The domain without its constraints, as SQL the user can paste.
        let bare = "";
        let at = node.statement.start;
        for (const [start, end] of ranges) {
          bare += sourceCode.text.slice(at, start);
          at = end;
        }
        bare = (bare + sourceCode.text.slice(at, node.statement.end)).replace(/\s+/g, " ").trim();
        constraints.forEach((c, i) => {
          const check = c.contype === "CONSTR_CHECK";
          const text = sourceCode.text.slice(ranges[i]![0], ranges[i]![1]).replace(/\s+/g, " ");
          const expression = text.replace(/^[\s\S]*?\bCHECK\s*/i, "");
          context.report({
            loc: sourceCode.locOf(ranges[i]!),
            messageId: check ? "domainCheck" : "domainNotNull",
            data: { domain: domain.label },
            help: [
              "Keep the domain free of constraints:",
              `  ${bare};`,
              check
                ? `and write the check on each column of that type, where it can later be replaced one table at a time (ADD ... NOT VALID, then VALIDATE CONSTRAINT, which does not block writes):\n  column_name ${domain.sql} CHECK ${expression.replace(/\bVALUE\b/gi, "column_name")}`
                : `and declare NOT NULL on each column of that type:\n  column_name ${domain.sql} NOT NULL`,
            ].join("\n"),
          });
        });
      },
    };
  },
} satisfies PgRuleDefinition<"domainCheck" | "domainNotNull">;
