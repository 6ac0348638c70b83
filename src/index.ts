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
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { rules, type RuleId } from "../rules/index.js";
import type { MigrationOptions } from "./analysis/context.js";
import { discoverFiles } from "./cli/discover.js";
import { closest, describeFsError, PgsafeUsageError } from "./cli/errors.js";
import { lintSource, type RuleRegistry } from "./engine/linter.js";
import { resolveSeverities, UnknownRuleError } from "./engine/severities.js";
import type { LintResult, SeverityName } from "./types.js";

export { rules, type RuleId } from "../rules/index.js";
export { PgsafeUsageError } from "./cli/errors.js";
export { compareMigrationPaths, discoverFiles, sortMigrations } from "./cli/discover.js";
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
  /** Rules to turn on: opt-in rules (default "off") run at "warn", or at their level in `rules`. */
  include?: readonly string[];
  /** Rules to turn off. */
  exclude?: readonly string[];
  /** Severity per rule id, e.g. from a config file (`include` / `exclude` override it). */
  rules?: Record<string, SeverityName>;
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

/** A linter with its options resolved once, for many files. */
function prepare(options: PgsafeOptions): (text: string, filePath: string) => LintResult {
  const severities = effectiveSeverities(options);
  const migration = migrationOptions(options);
  const cwd = resolve(options.cwd ?? process.cwd());
  return (text, filePath) => lintSource(text, { rules: rules as RuleRegistry, severities, migration, filePath, cwd });
}

/** Lints one migration's SQL text. */
export function lintText(text: string, options: LintTextOptions = {}): LintResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const name = options.filePath;
  const filePath = !name ? "<text>" : /^<.*>$/.test(name) ? name : resolve(cwd, name);
  return prepare(options)(text, filePath);
}

/**
 * Decodes a file's bytes as SQL text: UTF-8 (or UTF-16 with a byte-order mark). Text with NUL
 * bytes is not SQL: throws a PgsafeUsageError naming `name`.
 */
export function decodeSql(bytes: Uint8Array, name: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) throw new PgsafeUsageError(`"${name}" is a binary file, not SQL. Pass only migration files (or leave it out with --ignore-pattern).`);
  return new TextDecoder("utf-8").decode(bytes);
}

/** Reads a migration file, turning file-system errors into one-line PgsafeUsageErrors naming the file. */
export function readSqlFile(path: string, displayName = path): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new PgsafeUsageError(`Cannot read "${displayName}": ${describeFsError(error)}. Check that it is a readable file, or leave it out.`);
  }
  return decodeSql(bytes, displayName);
}

/**
 * Lints files, directories (their *.sql files, recursively) and globs, in the order migration
 * tools apply them. Results are in that order, with absolute `filePath`s.
 */
export async function lintFiles(paths: readonly string[], options: LintFilesOptions = {}): Promise<LintResult[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const lint = prepare(options);
  const files = await discoverFiles(paths, { cwd, ...(options.ignorePatterns ? { ignorePatterns: options.ignorePatterns } : {}) });
  return files.map((file) => lint(readSqlFile(file, displayPath(file, cwd)), file));
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
