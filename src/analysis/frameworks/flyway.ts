/**
 * Flyway (https://github.com/flyway/flyway): `V<version>__<description>.sql` versioned
 * migrations, `U<version>__<description>.sql` undo migrations and `R__<description>.sql`
 * repeatable ones, one direction per file.
 *
 * Flyway runs each migration in a transaction on PostgreSQL, except:
 * - a sidecar script configuration file `<migration>.sql.conf` with `executeInTransaction=false`
 *   (or `=true`) decides it outright
 *   (https://documentation.red-gate.com/fd/flyway-execute-in-transaction-setting-277578997.html);
 * - otherwise Flyway's PostgreSQL parser marks some statements as unable to run in a transaction
 *   (CREATE / DROP [UNIQUE] INDEX CONCURRENTLY, REINDEX SCHEMA / DATABASE / SYSTEM, VACUUM, DISCARD
 *   ALL, ALTER SYSTEM, CREATE / DROP DATABASE, TABLESPACE and SUBSCRIPTION, and ALTER TYPE ... ADD
 *   VALUE before PostgreSQL 12): a migration made only of such statements runs without a
 *   transaction, one that mixes them with other statements is refused unless `mixed=true` (which
 *   runs it all without a transaction). pgsafe lints a mixed migration as transactional, so
 *   ban-concurrently-in-transaction points at the statement to move.
 *   Source: flyway-database-postgresql, PostgreSQLParser.detectCanExecuteInTransaction.
 */
import { readFileSync } from "node:fs";
import type { ParsedStatement } from "../../parser/parse.js";
import { parseSql } from "../../parser/parse.js";
import { baseName } from "./lines.js";
import type { FrameworkDefinition, MigrationFile, MigrationSection, Runner } from "./types.js";

const VERSIONED = /^[VU]\d+(?:[._]\d+)*__.*\.sql$/;
const REPEATABLE = /^R__.*\.sql$/;

/** `executeInTransaction` from the migration's sidecar `.conf` file, if it sets it. */
export function scriptConfigTransaction(path: string | undefined): boolean | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(`${path}.conf`, "utf8");
  } catch {
    return undefined;
  }
  let value: boolean | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^executeInTransaction\s*=\s*(\S+)$/i.exec(line);
    if (m) value = m[1]!.toLowerCase() !== "false";
  }
  return value;
}

/** True for the statements Flyway's PostgreSQL parser runs outside a transaction. */
export function flywayNonTransactional(statement: ParsedStatement, pgVersion: number): boolean {
  const node = statement.node;
  switch (statement.type) {
    case "CreatedbStmt":
    case "DropdbStmt":
    case "CreateTableSpaceStmt":
    case "DropTableSpaceStmt":
    case "CreateSubscriptionStmt":
    case "DropSubscriptionStmt":
    case "AlterSystemStmt":
      return true;
    case "IndexStmt":
      return node.concurrent === true;
    case "DropStmt":
      return node.removeType === "OBJECT_INDEX" && node.concurrent === true;
    case "ReindexStmt":
      return node.kind === "REINDEX_OBJECT_SCHEMA" || node.kind === "REINDEX_OBJECT_DATABASE" || node.kind === "REINDEX_OBJECT_SYSTEM";
    case "VacuumStmt":
      return node.is_vacuumcmd === true;
    case "DiscardStmt":
      return node.target === "DISCARD_ALL";
    case "AlterEnumStmt":
      // PG ≥ 12: ALTER TYPE ... ADD VALUE can run inside a transaction block.
      // https://www.postgresql.org/docs/release/12.0/
      return pgVersion < 12 && typeof node.newVal === "string" && node.oldVal === undefined;
    default:
      return false;
  }
}

function runner(name: string): Runner {
  return {
    transaction: "the transaction Flyway runs this migration in",
    optOut: `move it into a migration of its own: Flyway runs a migration made only of statements that cannot run in a transaction without one (or set \`executeInTransaction=false\` in ${name}.conf)`,
  };
}

function sections(file: MigrationFile): MigrationSection[] {
  const name = baseName(file.path) || "the migration";
  const section: MigrationSection = { direction: /^U/.test(name) ? "down" : "up", ranges: [[0, file.text.length]], wrap: "transaction" };
  const configured = scriptConfigTransaction(file.path);
  if (configured !== undefined) {
    return [
      configured
        ? { ...section, runner: { transaction: `the transaction Flyway runs this migration in (\`executeInTransaction=true\` in ${name}.conf)`, optOut: `remove \`executeInTransaction=true\` from ${name}.conf, or move it into a migration of its own` } }
        : { ...section, wrap: "none" },
    ];
  }
  const statements = parseSql(file.text).statements.filter((s) => !s.hiddenIn);
  const outside = statements.filter((s) => flywayNonTransactional(s, file.pgVersion)).length;
  if (outside > 0 && outside === statements.length) return [{ ...section, wrap: "none" }];
  if (outside > 0) {
    return [
      {
        ...section,
        runner: {
          transaction:
            "the transaction Flyway runs this migration in (it mixes statements that cannot run in a transaction with statements that can, which Flyway refuses unless `mixed=true`)",
          optOut: runner(name).optOut!,
        },
      },
    ];
  }
  return [{ ...section, runner: runner(name) }];
}

export const flyway: FrameworkDefinition = {
  name: "flyway",
  docs: "https://documentation.red-gate.com/fd/flyway-execute-in-transaction-setting-277578997.html",
  detect: (file) => {
    const name = baseName(file.path);
    return VERSIONED.test(name) || REPEATABLE.test(name);
  },
  sections,
};
