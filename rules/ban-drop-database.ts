import { quoteIdent } from "../src/analysis/names.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgNode, PgRuleDefinition } from "../src/types.js";

/**
 * DROP DATABASE deletes the database, its files and everything in it; it cannot run inside a
 * transaction block, so it cannot be rolled back. PG ≥ 13: WITH (FORCE) also terminates the
 * sessions connected to it.
 * https://www.postgresql.org/docs/current/sql-dropdatabase.html
 */
const shellQuote = (s: string): string => (/^[\w.-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

export default {
  meta: {
    type: "problem",
    docs: {
      description: "Disallow dropping a database",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("ban-drop-database"),
      category: "compatibility",
    },
    messages: {
      dropDatabase:
        'DROP DATABASE "{{database}}" deletes the whole database with all its data; it cannot run inside a transaction, so nothing can roll it back, and every application that connects to "{{database}}" fails.',
      dropDatabaseForce:
        'DROP DATABASE "{{database}}" WITH (FORCE) terminates every session connected to it and deletes the whole database with all its data; it cannot run inside a transaction, so nothing can roll it back.',
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    // Databases created earlier in this file: nothing uses them yet.
    const created = new Set<string>();
    return {
      CreatedbStmt(node: PgNode) {
        if (!node.parent && typeof node.value.dbname === "string") created.add(node.value.dbname);
      },
      DropdbStmt(node: PgNode) {
        const v = node.value;
        if (node.parent || typeof v.dbname !== "string" || created.has(v.dbname)) return;
        const force = ((v.options as { DefElem?: { defname?: string } }[] | undefined) ?? []).some((o) => o.DefElem?.defname === "force");
        const db = quoteIdent(v.dbname);
        context.report({
          loc: sourceCode.locOf(node.range),
          messageId: force ? "dropDatabaseForce" : "dropDatabase",
          data: { database: v.dbname },
          help: [
            "Databases are retired by an operator, not by a migration: remove this statement, then by hand",
            `  1. check nothing connects any more: SELECT pid, usename, application_name FROM pg_stat_activity WHERE datname = '${v.dbname.replace(/'/g, "''")}';`,
            `  2. take a backup: pg_dump --format=custom --file=${shellQuote(`${v.dbname}.dump`)} ${shellQuote(v.dbname)}`,
            `  3. DROP DATABASE ${db};`,
          ].join("\n"),
        });
      },
    };
  },
} satisfies PgRuleDefinition<"dropDatabase" | "dropDatabaseForce">;
