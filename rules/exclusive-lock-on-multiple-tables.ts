import type { Transaction } from "../src/analysis/context.js";
import { indexCreatedInFile } from "../src/analysis/indexes.js";
import { relationFromRangeVar, type RelationRef } from "../src/analysis/names.js";
import { statementSnippet } from "../src/analysis/timeouts.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { AstObject, ParsedStatement } from "../src/parser/parse.js";
import type { PgRuleDefinition } from "../src/types.js";

interface Held {
  table: RelationRef;
  line: number;
  statement: ParsedStatement;
}

/** `ALTER TABLE t RENAME TO u` / `ALTER TABLE t SET SCHEMA s`: the table's old name and its new key. */
function renamedTable(statement: ParsedStatement): { from: RelationRef; to: string } | undefined {
  const node = statement.node;
  const from = relationFromRangeVar(node.relation as AstObject | undefined);
  if (!from) return undefined;
  if (statement.type === "RenameStmt" && node.renameType === "OBJECT_TABLE" && typeof node.newname === "string") {
    return { from, to: `${from.schema ?? "public"}.${node.newname}` };
  }
  if (statement.type === "AlterObjectSchemaStmt" && node.objectType === "OBJECT_TABLE" && typeof node.newschema === "string") {
    return { from, to: `${node.newschema}.${from.name}` };
  }
  return undefined;
}

const names = (tables: RelationRef[]): string => tables.map((t) => `"${t.label}"`).join(" and ");

/**
 * An ACCESS EXCLUSIVE lock is held until the transaction ends, so a transaction that takes it on
 * several tables blocks all of them at once, for as long as the slowest step takes; and two
 * transactions that lock the same tables in a different order can deadlock.
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS
 */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Report transactions that take ACCESS EXCLUSIVE locks on more than one existing table",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("exclusive-lock-on-multiple-tables"),
      category: "locking",
      lock: "ACCESS EXCLUSIVE",
    },
    messages: {
      anotherTable:
        "This statement takes an ACCESS EXCLUSIVE lock on {{tables}} while its transaction already holds one on {{held}}: until the transaction ends nobody can read or write any of them, and a transaction that locks the same tables in another order can deadlock with this one.",
      tablesAtOnce:
        "This statement takes ACCESS EXCLUSIVE locks on {{tables}} at once: until it commits nobody can read or write any of them, and a transaction that locks the same tables in another order can deadlock with it.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const { migration } = sourceCode;

    /** The existing tables the statement locks in ACCESS EXCLUSIVE mode (an index counts as its table, when known). */
    const exclusiveTables = (index: number): RelationRef[] => {
      const { locks } = migration.facts(index);
      if (!locks.some((lock) => lock.mode === "ACCESS EXCLUSIVE")) return [];
      const tables = new Map<string, RelationRef>();
      for (const lock of locks) {
        if (lock.mode !== "ACCESS EXCLUSIVE") continue;
        // An index's table is known only when the file created the index; otherwise it may be a table already counted.
        const table = lock.kind === "table" ? lock.relation : indexCreatedInFile(sourceCode.parsed, lock.relation, index)?.table;
        if (table && !(lock.kind === "index" && migration.isNewTable(table, index))) tables.set(table.key, table);
      }
      return [...tables.values()];
    };

    const check = (indices: number[], transaction: Transaction | undefined): void => {
      const held = new Map<string, Held>();
      // A table renamed (or moved to another schema) in the transaction is still the same table.
      const sameAs = new Map<string, string>();
      const identity = (t: RelationRef): string => sameAs.get(t.key) ?? t.key;
      for (const index of indices) {
        const statement = migration.facts(index).statement;
        // COMMIT / ROLLBACK AND CHAIN end the transaction and release its locks.
        if (statement.type === "TransactionStmt") {
          if (statement.node.chain) held.clear();
          continue;
        }
        const added = exclusiveTables(index).filter((t) => !held.has(identity(t)));
        const renamed = renamedTable(statement);
        if (added.length === 0) {
          if (renamed) sameAs.set(renamed.to, identity(renamed.from));
          continue;
        }
        const before = [...held.values()];
        const line = sourceCode.source.positionAt(statement.start).line;
        for (const table of added) held.set(identity(table), { table, line, statement });
        if (renamed) sameAs.set(renamed.to, identity(renamed.from));
        if (held.size < 2) continue;
        const first = before[0];
        const split = !first
          ? ["Lock one table per statement, each in its own transaction: split", `  ${statementSnippet(statement)}`, "into one statement per table."]
          : [
              transaction?.kind === "assumed"
                ? "Lock one table per migration: the migration tool runs the whole file in one transaction, so move this statement to a migration of its own:"
                : "Lock one table per transaction: commit after the statements on the first table, and run this one in a new transaction:",
              `  ${statementSnippet(first.statement)}`,
              ...(transaction?.kind === "assumed" ? ["  -- next migration:"] : ["  COMMIT;", "  BEGIN;", "  SET LOCAL lock_timeout = '2s';"]),
              `  ${statementSnippet(statement)}`,
            ];
        context.report({
          loc: sourceCode.locOf([statement.start, statement.end]),
          messageId: first ? "anotherTable" : "tablesAtOnce",
          data: {
            tables: names(added),
            held: before.map((h) => `"${h.table.label}" (line ${h.line})`).join(" and "),
          },
          help: [...split, "If the changes must be atomic, keep the transaction as short as possible: a short lock_timeout first, no backfills, the locking statements last."].join("\n"),
        });
      }
    };

    return {
      Migration() {
        for (const transaction of migration.transactions) check(transaction.statements, transaction);
        // A statement outside any transaction block is a transaction of its own.
        for (const facts of migration.statements) if (!facts.transaction) check([facts.statement.index], undefined);
      },
    };
  },
} satisfies PgRuleDefinition<"anotherTable" | "tablesAtOnce">;
