/**
 * pgsafe's public API.
 *
 *   import { lintText, lintFiles, rules } from "pgsafe";
 *
 *   const result = lintText("CREATE INDEX users_email_idx ON users (email);", { filePath: "m.sql" });
 *   const results = await lintFiles(["migrations"], { pgVersion: 16 });
 *
 * The command line is a thin layer over these functions. Problems that are the caller's to fix (an
 * unknown rule id, a bad PostgreSQL version, a path that matches nothing, an unreadable file) throw a
 * `PgsafeUsageError` whose message names the problem and the fix.
 */
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { rules, type RuleId } from "../rules/index.js";
import type { MigrationOptions } from "./analysis/context.js";
import { SchemaModel } from "./analysis/schema.js";
import { changedFiles } from "./cli/changed.js";
import { discoverFiles } from "./cli/discover.js";
import { closest, PgsafeUsageError } from "./cli/errors.js";
import { lintSource, type RuleRegistry } from "./engine/linter.js";
import { FRAMEWORK_OPTIONS, lintMigration, type FrameworkOption } from "./analysis/frameworks/index.js";
import { resolveSeverities, UnknownRuleError } from "./engine/severities.js";
import type { ParsedSql } from "./parser/parse.js";
import type { LintResult, SeverityName } from "./types.js";
import { readSqlFile } from "./sql-file.js";

export { rules, type RuleId } from "../rules/index.js";
export { PgsafeUsageError } from "./cli/errors.js";
export type { KnownConstraint, KnownSchema, KnownTable, SchemaIndex } from "./analysis/schema.js";
export {
  findConfigFile,
  loadConfig,
  PgsafeConfigError,
  type ConfigLocation,
  type ConfigOptions,
  type LoadConfigOptions,
  type LoadedConfig,
  type PgsafeConfig,
  type RuleSetting,
} from "./config/load.js";
export { compareMigrationPaths, discoverFiles, sortMigrations } from "./cli/discover.js";
export { detectFramework, planMigration, type FrameworkOption, type MigrationPlan, type MigrationSection } from "./analysis/frameworks/index.js";
export {
  explain,
  explainText,
  type ExplainedFile,
  type ExplainFilesOptions,
  type ExplainLock,
  type ExplainLockKind,
  type ExplainOptions,
  type ExplainStatement,
  type ExplainSyntaxError,
  type ExplainTextOptions,
  type ExplainTransaction,
  type ExplainTransactionSummary,
  type HeldUntil,
  type LockWindow,
} from "./explain.js";
export { loadReporter, reporterNames, type Reporter, type ReporterContext } from "./reporters/index.js";
export type {
  LintMessage,
  LintResult,
  LintSuggestion,
  MigrationOptions,
  PgNode,
  PgRuleContext,
  PgRuleDefinition,
  PgRuleDocs,
  PgRuleMeta,
  PgSourceCode,
  RuleCategory,
  SeverityName,
} from "./types.js";

/** The PostgreSQL major versions pgsafe knows about. */
export const MIN_PG_VERSION = 10;
export const MAX_PG_VERSION = 19;

/** Options shared by `lintText` and `lintFiles`. */
export interface PgsafeOptions {
  /** PostgreSQL major version the migrations run on (10-19, default 15). */
  pgVersion?: number;
  /** The migration tool runs each file inside one transaction. */
  assumeInTransaction?: boolean;
  /** The migration runner sets lock_timeout before running the migrations. */
  lockTimeoutSetByRunner?: boolean;
  /** The migration runner sets statement_timeout before running the migrations. */
  statementTimeoutSetByRunner?: boolean;
  /**
   * The migration tool: "auto" (default) detects it per file from markers and layout, "none" lints
   * each file as one migration run by psql (see assumeInTransaction), or a tool's name
   * (docs/frameworks.md). A recognised tool decides each up / down section's transaction.
   */
  framework?: FrameworkOption;
  /** Rules to turn on: opt-in rules (default "off") run at "warn", or at their level in `rules`. */
  include?: readonly string[];
  /** Rules to turn off. */
  exclude?: readonly string[];
  /** Severity per rule id, e.g. from a config file (`include` / `exclude` override it). */
  rules?: Record<string, SeverityName>;
  /** Options per rule id, e.g. `{ "require-lock-timeout": [{ max: "5s" }] }` (as ESLint's `["error", { ... }]` without the severity). */
  ruleOptions?: Record<string, unknown[]>;
  /** Directory that relative paths are resolved against (default: process.cwd()). */
  cwd?: string;
}

export interface LintTextOptions extends PgsafeOptions {
  /** The file name to report (resolved against `cwd`; a name in angle brackets such as "<stdin>" is kept as is); default "<text>". */
  filePath?: string;
}

export interface LintFilesOptions extends PgsafeOptions {
  /** Globs of files to leave out (relative to `cwd`; a pattern without `/` matches at any depth). */
  ignorePatterns?: readonly string[];
  /**
   * Replay the earlier files of the run (their up migrations) into a known schema that rules use:
   * column types, NOT NULL columns and validated checks, constraints, indexes. Default true; false
   * lints each file on its own, as `lintText` does.
   */
  schema?: boolean;
  /**
   * Lint only the files added, modified or renamed since this git ref (committed since the merge
   * base with it, staged, unstaged or untracked), in the git repository of `cwd`. The other files
   * still feed the known schema, and tables created by a changed file are new for the changed files
   * after it.
   */
  changedSince?: string;
}

/** Each rule's default severity, by rule id. */
export function defaultSeverities(): Record<RuleId, SeverityName> {
  const out = {} as Record<RuleId, SeverityName>;
  for (const [id, rule] of Object.entries(rules) as [RuleId, (typeof rules)[RuleId]][]) out[id] = rule.meta.docs.defaultSeverity;
  return out;
}

/** The enabled rules and their severity (1 warn, 2 error) for these options. */
export function effectiveSeverities(options: PgsafeOptions = {}): Record<string, 1 | 2> {
  try {
    return resolveSeverities(rules as RuleRegistry, {
      ...(options.include ? { include: options.include } : {}),
      ...(options.exclude ? { exclude: options.exclude } : {}),
      ...(options.rules ? { rules: options.rules } : {}),
    });
  } catch (error) {
    if (error instanceof UnknownRuleError) {
      const guess = closest(error.ruleId, Object.keys(rules));
      throw new PgsafeUsageError(guess ? error.message.replace(/\. Run /, `. Did you mean "${guess}"? Run `) : error.message);
    }
    throw error;
  }
}

function migrationOptions(options: PgsafeOptions): Partial<MigrationOptions> {
  const out: Partial<MigrationOptions> = {};
  if (options.pgVersion !== undefined) {
    const v = options.pgVersion;
    if (!Number.isInteger(v) || v < MIN_PG_VERSION || v > MAX_PG_VERSION) {
      throw new PgsafeUsageError(`Unsupported PostgreSQL version ${String(v)}: use a major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}.`);
    }
    out.pgVersion = v;
  }
  if (options.assumeInTransaction !== undefined) out.assumeInTransaction = options.assumeInTransaction;
  if (options.lockTimeoutSetByRunner !== undefined) out.lockTimeoutSetByRunner = options.lockTimeoutSetByRunner;
  if (options.statementTimeoutSetByRunner !== undefined) out.statementTimeoutSetByRunner = options.statementTimeoutSetByRunner;
  return out;
}

/** What lintFiles adds for one file of a run. */
interface FileRun {
  /** The known schema and the run's new tables. */
  migration?: Partial<MigrationOptions>;
  /** Called with each up migration of the file once it is linted (never with a down section). */
  onUpParsed?: (parsed: ParsedSql) => void;
  /** Run no rules: the file only feeds the known schema. */
  feedOnly?: boolean;
}

/** A linter with its options resolved once, for many files. */
function prepare(options: PgsafeOptions): (text: string, filePath: string, run?: FileRun) => LintResult {
  const severities = effectiveSeverities(options);
  const migration = migrationOptions(options);
  const cwd = resolve(options.cwd ?? process.cwd());
  const ruleOptions = options.ruleOptions ? { ruleOptions: options.ruleOptions } : {};
  const framework = options.framework ?? "auto";
  if (!(FRAMEWORK_OPTIONS as readonly string[]).includes(framework)) {
    const guess = closest(String(framework), FRAMEWORK_OPTIONS);
    throw new PgsafeUsageError(`Unknown framework "${String(framework)}".${guess ? ` Did you mean "${guess}"?` : ""} Use one of: ${FRAMEWORK_OPTIONS.join(", ")}.`);
  }
  const plan = {
    framework,
    ...(migration.pgVersion !== undefined ? { pgVersion: migration.pgVersion } : {}),
    ...(migration.assumeInTransaction !== undefined ? { assumeInTransaction: migration.assumeInTransaction } : {}),
  };
  return (text, filePath, run = {}) =>
    lintMigration(text, filePath, plan, (source, section) => {
      const { direction, ...sectionOptions } = section ?? {};
      const up = direction === undefined || direction === "up";
      return lintSource(source, {
        rules: rules as RuleRegistry,
        severities: run.feedOnly ? {} : severities,
        migration: { ...migration, ...run.migration, ...sectionOptions },
        filePath,
        cwd,
        ...ruleOptions,
        ...(run.onUpParsed && up ? { onParsed: run.onUpParsed } : {}),
      });
    });
}

/** Lints one migration's SQL text. */
export function lintText(text: string, options: LintTextOptions = {}): LintResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const name = options.filePath;
  const filePath = !name ? "<text>" : /^<.*>$/.test(name) ? name : resolve(cwd, name);
  return prepare(options)(text, filePath);
}

export { decodeSql, readSqlFile } from "./sql-file.js";

/**
 * Lints files, directories (their *.sql files, recursively) and globs, in the order migration
 * tools apply them. Results are in that order, with absolute `filePath`s.
 */
export async function lintFiles(paths: readonly string[], options: LintFilesOptions = {}): Promise<LintResult[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const lint = prepare(options);
  const files = await discoverFiles(paths, { cwd, ...(options.ignorePatterns ? { ignorePatterns: options.ignorePatterns } : {}) });
  const changed = options.changedSince === undefined ? undefined : changedFiles(options.changedSince, cwd);
  // Each file is linted with the schema the files before it left, then feeds it (src/analysis/schema.ts).
  const model = options.schema !== false || changed ? new SchemaModel() : undefined;
  const results: LintResult[] = [];
  for (const file of files) {
    const linted = !changed || changed.has(realPath(file));
    if (!linted && DOWN_FILE.test(file)) continue;
    const text = readSqlFile(file, displayPath(file, cwd));
    const migration: Partial<MigrationOptions> = {};
    if (model && options.schema !== false) migration.schema = model;
    if (model && changed) migration.newTables = model.newTables();
    const result = lint(text, file, {
      migration,
      // A down migration reverts; it does not feed the schema.
      ...(model && !DOWN_FILE.test(file) ? { onUpParsed: (parsed: ParsedSql) => model.apply(parsed, { pending: changed !== undefined && linted }) } : {}),
      ...(linted ? {} : { feedOnly: true }),
    });
    if (linted) results.push(result);
  }
  return results;
}

/** A down migration file (`1_x.down.sql`, Diesel's `down.sql`), as discovery names them. */
const DOWN_FILE = /(?:^|[\\/.])down\.sql$/i;

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
