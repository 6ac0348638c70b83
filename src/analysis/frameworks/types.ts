/**
 * Shared types of the migration-tool support: which tool runs a file, which parts of the file are
 * its up and down migrations, and whether the tool runs each of them inside a transaction.
 */
import { closest, PgsafeUsageError } from "../../cli/errors.js";
import type { Line } from "./lines.js";

/** The migration tools pgsafe knows. */
export const FRAMEWORK_NAMES = ["goose", "dbmate", "golang-migrate", "flyway", "prisma", "sqitch", "sql-migrate", "django", "alembic", "liquibase"] as const;
export type FrameworkName = (typeof FRAMEWORK_NAMES)[number];

/** Values of the `framework` option and of `--framework`: a tool, `auto` (detect per file) or `none` (plain psql). */
export const FRAMEWORK_OPTIONS = ["auto", "none", ...FRAMEWORK_NAMES] as const;
export type FrameworkOption = (typeof FRAMEWORK_OPTIONS)[number];

/**
 * `value` as a framework option; anything else is a usage error naming the closest option
 * (`where` says where it was given: " for --framework").
 */
export function checkedFramework(value: unknown, where = ""): FrameworkOption {
  if ((FRAMEWORK_OPTIONS as readonly unknown[]).includes(value)) return value as FrameworkOption;
  const guess = closest(String(value), FRAMEWORK_OPTIONS);
  throw new PgsafeUsageError(`Unknown framework "${String(value)}"${where}.${guess ? ` Did you mean "${guess}"?` : ""} Use one of: ${FRAMEWORK_OPTIONS.join(", ")}.`);
}

/**
 * How the tool sends a migration to PostgreSQL:
 * - `none`: statement by statement, each committed on its own (psql's autocommit), unless the SQL
 *   itself says BEGIN / COMMIT;
 * - `transaction`: inside one transaction the tool opens and commits;
 * - `implicit`: the whole text as one simple query, which PostgreSQL runs as one implicit
 *   transaction when it holds more than one statement.
 */
export type Wrap = "none" | "transaction" | "implicit";

/** Who runs the migration and how to opt out of its transaction, in the tool's own terms (for messages). */
export interface Runner {
  /** The transaction, named for a message: "the transaction goose runs each migration in". */
  transaction: string;
  /** How to run a statement outside it: "give it its own migration file marked `-- +goose NO TRANSACTION`". */
  optOut?: string;
}

/** One migration inside a file: the up part, the down part, or the whole file. */
export interface MigrationSection {
  direction: "up" | "down" | "verify";
  /** UTF-16 ranges [start, end) of the file's text (byte-order mark removed) that belong to it, in order. */
  ranges: [number, number][];
  /** How the tool runs it; undefined leaves it to the `assumeInTransaction` option. */
  wrap?: Wrap;
  runner?: Runner;
  /**
   * Marker lines that end a statement written without a `;` (goose's and sql-migrate's
   * `StatementEnd`): linted as if the line held a `;`, so the next statement parses on its own.
   */
  statementEnds?: [number, number][];
  /**
   * For an up migration whose down the tool declares itself rather than as the next section of
   * the file (Liquibase's changesets): the down, or null when the migration says it has none on
   * purpose (`--rollback not required`), which require-down-migration and irreversible-migration
   * then accept.
   */
  declaredDown?: DownMigration | null;
}

/** The tool that runs a file and the migrations the file holds. */
export interface MigrationPlan {
  /** `none`: no tool recognised (or `--framework none`): the file is one migration, run as psql runs it. */
  framework: FrameworkName | "none";
  sections: MigrationSection[];
}

/** What detection and splitting look at. */
export interface MigrationFile {
  /** The file's text without a byte-order mark. */
  text: string;
  /** The text's lines, split on first use (detection and splitting share them). */
  lines(): readonly Line[];
  /** Absolute path with `/` separators, or undefined for text that is not a file (`<text>`, `<stdin>`). */
  path?: string;
  /** PostgreSQL major version (Flyway decides per version whether ALTER TYPE ... ADD VALUE can run in a transaction). */
  pgVersion: number;
}

/** One migration tool: how to recognise its files and how to split them. */
export interface FrameworkDefinition {
  name: FrameworkName;
  /** The tool's own documentation (or source) that the behaviour below follows. */
  docs: string;
  /** True when the file's markers or layout say it belongs to this tool. */
  detect(file: MigrationFile): boolean;
  /** The file's migrations, also for a file forced to this tool that has none of its markers. */
  sections(file: MigrationFile): MigrationSection[];
  /**
   * Other tools name their files the same way and run each file in a transaction: when the tool
   * was only detected (not chosen) and `assumeInTransaction` is on, the sections run in a
   * transaction instead.
   */
  sharedLayout?: boolean;
}

/** An up migration's down migration, for tools that have downs. */
export interface DownMigration {
  /** The down exists and holds SQL. */
  exists: boolean;
  /** The down, named for a message: "the `-- +goose Down` section", "`1_users.down.sql`". */
  name: string;
  /** Why it is missing, for a message: "the file has no `-- +goose Down` section". */
  missing: string;
}

/** What a migration tool makes of one section (set per section by lintMigration, read by rules). */
export interface MigrationRole {
  tool: FrameworkName | "none";
  direction: MigrationSection["direction"];
  /** UTF-16 index (in the text without a byte-order mark) where the section starts. */
  at: number;
  /**
   * For an up migration of a tool that has downs: its down. Undefined when the tool has none, or
   * when the down is a sibling file and the text was not linted from a file on disk.
   */
  down?: DownMigration;
}
