import { indexColumnNames, makeObjectName } from "../src/analysis/constraints.js";
import { robustnessGaps, type RobustnessGap } from "../src/analysis/idempotence.js";
import { quoteIdent, relationFromRangeVar } from "../src/analysis/names.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * Outside a transaction every statement commits on its own, so a migration that stops half-way
 * (an error, a lock timeout, a lost connection) leaves its first statements applied, and running
 * it again fails at the first CREATE of something that now exists. Inside a transaction (explicit
 * BEGIN, or a tool that wraps the file) the failure rolls everything back and this cannot happen.
 * A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind (checked on PG 18 with
 * PGlite), which IF NOT EXISTS then skips without rebuilding.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const headLine = (sql: string): string => (sql.includes("\n") ? `${sql.split("\n")[0]} ...` : `${sql};`);

const plural = (what: string): string => (what.endsWith("x") ? `${what}es` : `${what}s`);

/** `Table "users"`, `Tables "a", "app.b"`, `Enum value 'x'`. */
function objectLabel(gap: RobustnessGap): string {
  const what = capitalize(gap.names.length > 1 ? plural(gap.what) : gap.what);
  return [what, gap.names.map((n) => (n.startsWith("'") ? n : `"${n}"`)).join(", ")].filter(Boolean).join(" ");
}

function withInsert(statement: ParsedStatement, at: number, text: string): string {
  const local = at - statement.start;
  return statement.text.slice(0, local) + text + statement.text.slice(local);
}

export default {
  meta: {
    type: "suggestion",
    fixable: "code",
    hasSuggestions: true,
    docs: {
      description: "Prefer IF NOT EXISTS, IF EXISTS and OR REPLACE for statements that run outside a transaction",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("prefer-robust-stmts"),
      category: "transactions",
    },
    messages: {
      ifNotExists:
        "{{object}} is {{verb}} without IF NOT EXISTS outside a transaction: if the migration stops after this statement and is run again, it fails here because the {{what}} already exists.",
      ifExists:
        "{{object}} {{isAre}} dropped without IF EXISTS outside a transaction: if the migration stops after this statement and is run again, it fails here because the {{what}} {{isAre}} already gone.",
      concurrentIndex:
        '{{object}} is built CONCURRENTLY without IF NOT EXISTS: a failed build leaves an INVALID index of that name behind, and running the migration again fails here with "already exists". IF NOT EXISTS alone is not enough: it would skip the build and keep the invalid index.',
      unnamedIndex:
        "This index has no name, so IF NOT EXISTS cannot be used: running the migration again after a failure builds a second, identical index under a new generated name.",
      orReplace:
        "{{object}} is created without OR REPLACE outside a transaction: if the migration stops after this statement and is run again, it fails here because the {{what}} already exists.",
      noGuard:
        "{{object}} is created outside a transaction and this statement has no IF NOT EXISTS form: if the migration stops after it and is run again, it fails here because the {{what}} already exists.",
      useOrReplace: "Use CREATE OR REPLACE.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const helpFor = (statement: ParsedStatement, gap: RobustnessGap): string => {
      const sql = statement.text;
      const fixed = gap.insert ? withInsert(statement, gap.insert.at, gap.insert.text) : sql;
      switch (gap.kind) {
        case "ifNotExists":
        case "ifExists": {
          const clause = gap.kind === "ifNotExists" ? "IF NOT EXISTS" : "IF EXISTS";
          if (!gap.insert) return `Add ${clause} to make it re-runnable.`;
          const caveat = gap.kind === "ifNotExists" && gap.what !== "enum value" ? [`IF NOT EXISTS only looks at the name: an existing ${gap.what} of that name is kept as it is, even if it differs.`] : [];
          if (gap.command !== undefined) {
            const { at, text } = gap.insert;
            const action = sourceCode.text.slice(gap.range[0], at) + text + sourceCode.text.slice(at, gap.range[1]);
            const table = relationFromRangeVar(statement.node.relation as AstObject);
            return ["Make it re-runnable:", `  ALTER TABLE ${table?.sql ?? "..."} ${action};`, ...caveat].join("\n");
          }
          if (!gap.concurrent) return ["Make it re-runnable:", `  ${headLine(fixed)}`, ...caveat].join("\n");
          const index = quoteIdent(String(statement.node.idxname));
          const schema = relationFromRangeVar(statement.node.relation as AstObject)?.schema;
          return [
            "Make it re-runnable, and before running the migration again after a failed build, drop the invalid index it left:",
            "  SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid;  -- lists invalid indexes",
            `  DROP INDEX CONCURRENTLY IF EXISTS ${schema ? `${quoteIdent(schema)}.` : ""}${index};`,
            `  ${headLine(fixed)}`,
          ].join("\n");
        }
        case "unnamedIndex": {
          const table = relationFromRangeVar(statement.node.relation as AstObject);
          const name = makeObjectName(table?.name ?? "table", indexColumnNames(statement.node.indexParams).join("_"), statement.node.unique ? "key" : "idx");
          return ["Name the index and add IF NOT EXISTS:", `  ${headLine(withInsert(statement, gap.range[1], ` IF NOT EXISTS ${quoteIdent(name)}`))}`].join("\n");
        }
        case "orReplace":
          return [`Use CREATE OR REPLACE (it replaces an existing ${gap.what} of that name):`, `  ${headLine(fixed)}`].join("\n");
        case "noGuard":
          if (gap.what === "trigger") {
            const table = relationFromRangeVar(statement.node.relation as AstObject);
            return ["Drop it first if it exists:", `  DROP TRIGGER IF EXISTS ${quoteIdent(String(statement.node.trigname))} ON ${table?.sql ?? "table_name"};`, `  ${headLine(sql)}`].join("\n");
          }
          if (gap.what === "schema") return "Create the schema on its own with CREATE SCHEMA IF NOT EXISTS, then each object in it with its own CREATE ... IF NOT EXISTS statement.";
          return [
            "Skip it when it already exists:",
            "  DO $pgsafe$ BEGIN",
            `    ${sql.replace(/\n/g, "\n    ")};`,
            "  EXCEPTION WHEN duplicate_object THEN NULL;",
            "  END $pgsafe$;",
          ].join("\n");
      }
    };
    return {
      Migration() {
        for (const statement of sourceCode.parsed.statements) {
          if (sourceCode.migration.facts(statement.index).transaction) continue;
          for (const gap of robustnessGaps(sourceCode, statement, sourceCode.migration.options.pgVersion)) {
            const messageId = gap.kind === "ifNotExists" && gap.concurrent ? "concurrentIndex" : gap.kind;
            const insert = gap.insert;
            context.report({
              loc: sourceCode.locOf(gap.range),
              messageId,
              data: {
                object: objectLabel(gap),
                what: gap.names.length > 1 ? plural(gap.what) : gap.what,
                isAre: gap.names.length > 1 ? "are" : "is",
                verb: gap.command !== undefined || gap.what === "enum value" ? "added" : "created",
              },
              help: helpFor(statement, gap),
              ...(insert && gap.kind !== "orReplace" ? { fix: (fixer) => fixer.insertTextAfterRange([insert.at, insert.at], insert.text) } : {}),
              ...(insert && gap.kind === "orReplace"
                ? { suggest: [{ messageId: "useOrReplace" as const, fix: (fixer) => fixer.insertTextAfterRange([insert.at, insert.at], insert.text) }] }
                : {}),
            });
          }
        }
      },
    };
  },
} satisfies PgRuleDefinition<"ifNotExists" | "ifExists" | "concurrentIndex" | "unnamedIndex" | "orReplace" | "noGuard" | "useOrReplace">;
