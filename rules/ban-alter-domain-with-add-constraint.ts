import { makeObjectName } from "../src/analysis/constraints.js";
import { quoteIdent, relationFromNameList } from "../src/analysis/names.js";
import type { AstObject } from "../src/parser/parse.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * ALTER DOMAIN ... ADD CONSTRAINT checks every value of every column that uses the domain
 * (directly or through a domain over it) and holds a SHARE lock on each of those tables until the
 * transaction ends: reads go on, writes wait for the whole scan. `SET NOT NULL` and `ADD CONSTRAINT
 * ... NOT NULL` do the same and have no NOT VALID form. `ADD CONSTRAINT ... CHECK ... NOT VALID`
 * takes no table lock and checks only new values; but `VALIDATE CONSTRAINT` of a domain takes the
 * same SHARE locks for its scan (unlike ALTER TABLE ... VALIDATE CONSTRAINT, which takes SHARE
 * UPDATE EXCLUSIVE). All checked on PG 18 with PGlite (test/rules/ban-alter-domain-with-add-constraint.test.ts).
 * A column whose type is an array of the domain makes the command fail ("cannot alter type").
 * https://www.postgresql.org/docs/current/sql-alterdomain.html
 */
export default {
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Disallow adding a validated constraint to an existing domain",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("ban-alter-domain-with-add-constraint"),
      category: "locking",
      lock: "SHARE",
    },
    messages: {
      addConstraint:
        'Adding constraint {{constraint}} to domain "{{domain}}" checks every existing value of every column that uses the domain, in every table, holding a SHARE lock on each of those tables until the transaction ends: writes (INSERT, UPDATE, DELETE) to them wait for the whole scan.',
      setNotNull:
        'Making domain "{{domain}}" NOT NULL checks every column that uses the domain, in every table, holding a SHARE lock on each of those tables until the transaction ends: writes wait for the whole scan, and there is no NOT VALID form for NOT NULL.',
      validateConstraint:
        'Validating constraint "{{constraint}}" of domain "{{domain}}" scans every column that uses the domain while holding a SHARE lock on each of those tables: unlike ALTER TABLE ... VALIDATE CONSTRAINT, it blocks writes (INSERT, UPDATE, DELETE) for the whole scan.',
      addNotValid: "Add the constraint NOT VALID (existing values are not checked).",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    // Domains created earlier in this file: no table uses them yet, or only new ones.
    const created = new Set<string>();
    return {
      CreateDomainStmt(node: PgNode) {
        const domain = relationFromNameList(node.value.domainname);
        if (domain && !node.parent) created.add(domain.key);
      },
      AlterDomainStmt(node: PgNode) {
        const v = node.value;
        const domain = relationFromNameList(v.typeName);
        if (!domain || node.parent || created.has(domain.key)) return;
        const statement = node.statement;
        const statementSql = sourceCode.text.slice(statement.start, statement.end);
        const from = (words: string[]): [number, number] => [sourceCode.keywordRange(statement, words)?.[0] ?? statement.start, statement.end];
        const timeout = "  SET lock_timeout = '2s';";
        const def = (v.def as { Constraint?: AstObject } | undefined)?.Constraint;
        if (v.subtype === "O" || (v.subtype === "C" && def?.contype === "CONSTR_NOTNULL")) {
          context.report({
            loc: sourceCode.locOf(from(v.subtype === "O" ? ["SET", "NOT", "NULL"] : ["ADD"])),
            messageId: "setNotNull",
            data: { domain: domain.label },
            help: [
              "Prefer NOT NULL on the columns themselves (each can be made NOT NULL without a long lock: CHECK (col IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL).",
              "If the domain must be NOT NULL, run this alone at a quiet time, with a lock_timeout so that it gives up instead of queueing writes behind it:",
              timeout,
              `  ${statementSql};`,
            ].join("\n"),
          });
        } else if (v.subtype === "C" && def?.contype === "CONSTR_CHECK" && !def.skip_validation) {
          const name = typeof def.conname === "string" ? def.conname : makeObjectName(domain.name, undefined, "check");
          context.report({
            loc: sourceCode.locOf(from(["ADD"])),
            messageId: "addConstraint",
            data: { constraint: typeof def.conname === "string" ? `"${def.conname}"` : `(named "${name}" by PostgreSQL)`, domain: domain.label },
            help: [
              "Add it NOT VALID: no table is locked or scanned, and new and updated values are checked at once:",
              `  ${statementSql} NOT VALID;`,
              `Validating it later still takes a SHARE lock on every table that uses ${domain.sql} for the whole scan (writes wait); run it alone at a quiet time with a lock_timeout, or keep the constraint NOT VALID:`,
              timeout,
              `  ALTER DOMAIN ${domain.sql} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
            ].join("\n"),
            suggest: [{ messageId: "addNotValid", fix: (fixer) => fixer.insertTextAfterRange([statement.start, statement.end], " NOT VALID") }],
          });
        } else if (v.subtype === "V" && typeof v.name === "string") {
          context.report({
            loc: sourceCode.locOf(from(["VALIDATE"])),
            messageId: "validateConstraint",
            data: { constraint: v.name, domain: domain.label },
            help: [
              "There is no way to validate a domain constraint without blocking writes to the tables that use the domain. Either keep it NOT VALID (new and updated values are still checked), or run the validation alone at a quiet time, with a lock_timeout:",
              timeout,
              `  ${statementSql};`,
              "For a check that must be validated online, put it on the table columns instead: ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: writes go on).",
            ].join("\n"),
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"addConstraint" | "setNotNull" | "validateConstraint" | "addNotValid">;
