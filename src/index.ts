/**
 * pgsafe's public API.
 *
 *   import { lintText, lintFiles, rules } from "pgsafe";
 *
 *   const result = lintText("CREATE INDEX users_email_idx ON users (email);", { filePath: "m.sql" });
 *   const results = await lintFiles(["migrations"], { pgVersion: 16 });
 *   await lintFilesEach(["migrations"], {}, (result) => report(result)); // one at a time, none kept
 *
 * The command line is a thin layer over these functions. Problems that are the caller's to fix (an
 * unknown rule id, a bad PostgreSQL version, a path that matches nothing, an unreadable file) throw a
 * `PgsafeUsageError` whose message names the problem and the fix.
 */
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { rules, type RuleId } from "../rules/index.js";
import type { MigrationOptions } from "./analysis/context.js";
import { SchemaModel, type KnownSchema } from "./analysis/schema.js";
import { changedFiles } from "./cli/changed.js";
import { discoverFiles } from "./cli/discover.js";
import { closest, PgsafeUsageError } from "./cli/errors.js";
import { migrationChains } from "./engine/chains.js";
import { fixText } from "./engine/fixes.js";
import { chainCounter, PARALLEL_MIN_FILES, RESULTS_PER_MESSAGE, runLaneOnWorker, takeChain, threadCount, workerScript, type LaneTask } from "./engine/pool.js";
import { startReadAhead } from "./engine/read-ahead.js";
import { lintSource, type RuleRegistry } from "./engine/linter.js";
import { checkedFramework, lintMigration, type FrameworkOption } from "./analysis/frameworks/index.js";
import { PRESET_NAMES, resolveSeverities, UnknownRuleError, type PresetName } from "./engine/severities.js";
import type { ParsedSql } from "./parser/parse.js";
import type { LintMessage, LintResult, SeverityName } from "./types.js";
import { readFileBytes, readSqlFile, sqlSourceOf, type EncodingIssue, type FileBytes } from "./sql-file.js";
import { statsAdjuster } from "./stats/apply.js";
import { loadStats, validateStats } from "./stats/load.js";
import type { StatsThresholds, TableStats } from "./stats/types.js";

export { rules, type RuleId } from "../rules/index.js";
export { presetSeverities, PRESET_NAMES, type PresetName } from "./engine/severities.js";
export { collectStats, type Queryable } from "./stats/collect.js";
export { loadStats } from "./stats/load.js";
export { DEFAULT_THRESHOLDS as DEFAULT_STATS_THRESHOLDS, type StatsThresholds, type TableSize, type TableStats } from "./stats/types.js";
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
export { loadReporter, loadStreamReporter, reporterNames, type Reporter, type ReporterContext, type ReportStream, type StreamReporter } from "./reporters/index.js";
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
  /**
   * The rule preset the other settings apply on top of: "recommended" (default: each rule's default
   * severity) or "strict" (every rule on; opt-in rules at "warn"). `rules`, `include` and `exclude` override it.
   */
  preset?: PresetName;
  /** Severity per rule id, e.g. from a config file (`include` / `exclude` override it). */
  rules?: Record<string, SeverityName>;
  /** Options per rule id, e.g. `{ "require-lock-timeout": [{ max: "5s" }] }` (as ESLint's `["error", { ... }]` without the severity). */
  ruleOptions?: Record<string, unknown[]>;
  /** Directory that relative paths are resolved against (default: process.cwd()). */
  cwd?: string;
  /**
   * Table sizes (docs/stats.md): the path of a file written by `pgsafe stats` (relative to `cwd`),
   * or its contents. Findings of locking rules on statements that scan or rewrite a listed table say
   * how many rows they touch, and their severity follows the table's size. Without it nothing changes.
   */
  stats?: string | TableStats;
  /** When table sizes raise or lower a severity (default: small < 10,000 rows and < 100 MB; large ≥ 1,000,000 rows or ≥ 1 GB). */
  statsThresholds?: Partial<StatsThresholds>;
  /**
   * Attach `lockTimelines` (src/timeline.ts) to the result of each file with findings that holds a
   * lock blocking reads or writes across more than one statement; the text report draws it. Default false.
   */
  lockTimeline?: boolean;
}

export interface LintTextOptions extends PgsafeOptions {
  /** The file name to report (resolved against `cwd`; a name in angle brackets such as "<stdin>" is kept as is); default "<text>". */
  filePath?: string;
  /**
   * Apply the rules' fixes (lint, fix, lint again, up to 10 passes as ESLint does): the result gets
   * `output` (the fixed text) when a fix changed it, and its messages are what is left. A
   * function (as ESLint's `fix` option) picks the findings whose fixes are applied.
   */
  fix?: FixOption;
  /**
   * The known schema before this text: what the migrations applied before it left, from
   * `replaySchema` (an editor lints its unsaved buffer with the schema of the files before it).
   * Default: none, the text is linted on its own.
   */
  knownSchema?: KnownSchema;
}

/** Whether to apply fixes: all of them, or those of the findings a function accepts (`--quiet --fix`: errors only). */
export type FixOption = boolean | ((message: LintMessage) => boolean);

/** The predicate of a `fix` option that is a function. */
function fixFilter(fix: FixOption | undefined): ((message: LintMessage) => boolean) | undefined {
  return typeof fix === "function" ? fix : undefined;
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
  /**
   * Apply the rules' fixes to each file's text, as `lintText` does: a result gets `output` when a
   * fix changed its file. No file is written (the CLI's `--fix` writes them). A function (as
   * ESLint's `fix` option) picks the findings whose fixes are applied; with one, the run stays on
   * the calling thread (a function cannot be handed to a worker).
   */
  fix?: FixOption;
  /**
   * Threads to lint on: 1 lints on the calling thread only; undefined or 0 decides from the CPUs
   * when the run has many files. Migration folders are split across the threads; results do not
   * depend on it.
   */
  jobs?: number;
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
    if (options.preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(options.preset)) {
      throw new PgsafeUsageError(`Unknown preset "${String(options.preset)}". Use one of: ${PRESET_NAMES.join(", ")}.`);
    }
    return resolveSeverities(rules as RuleRegistry, {
      ...(options.preset ? { preset: options.preset } : {}),
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
  const stats = options.stats === undefined ? undefined : typeof options.stats === "string" ? loadStats(resolve(cwd, options.stats), options.stats) : validateStats(options.stats, "the stats option");
  const adjust = stats ? { adjustMessage: statsAdjuster(stats, rules as RuleRegistry, options.statsThresholds) } : {};
  const framework = checkedFramework(options.framework ?? "auto");
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
        ...adjust,
        ...(options.lockTimeline ? { lockTimeline: true } : {}),
      });
    });
}

/** Lints one migration's SQL text. */
export function lintText(text: string, options: LintTextOptions = {}): LintResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const name = options.filePath;
  const filePath = !name ? "<text>" : /^<.*>$/.test(name) ? name : resolve(cwd, name);
  const prepared = prepare(options);
  const run = options.knownSchema ? { migration: { schema: options.knownSchema } } : {};
  const lint = (current: string): LintResult => prepared(current, filePath, run);
  if (!options.fix) return lint(text);
  const { result, output } = fixText(text, lint, fixFilter(options.fix));
  return output === undefined ? result : { ...result, output };
}

/**
 * The known schema that migration files leave, replayed in the order given, for `lintText`'s
 * `knownSchema` option. As in `lintFiles`, only up migrations feed it (down files and down sections do
 * not). `read` gives a file's text (default: the file on disk).
 *
 *   const before = replaySchema(["db/001_users.sql", "db/002_orders.sql"]);
 *   lintText(unsavedText, { filePath: "db/003_index.sql", knownSchema: before });
 */
export function replaySchema(files: readonly string[], options: PgsafeOptions & { read?: (file: string) => string } = {}): KnownSchema {
  const cwd = resolve(options.cwd ?? process.cwd());
  const lint = prepare(options);
  const model = new SchemaModel();
  for (const file of files) {
    if (DOWN_FILE.test(file)) continue;
    const text = options.read ? options.read(file) : readSqlFile(file, displayPath(file, cwd));
    lint(text, file, { migration: { schema: model }, onUpParsed: (parsed) => model.apply(parsed), feedOnly: true });
  }
  return model;
}

export { decodeSql, readSqlFile } from "./sql-file.js";

/**
 * Lints files, directories (their *.sql files, recursively) and globs, in the order migration
 * tools apply them. Results are in that order, with absolute `filePath`s. Each migration folder is
 * a chain (src/engine/chains.ts): its files replay the known schema in order, and chains are
 * independent, so that a big run is split across worker threads (`jobs`) with the same results.
 * `lintFilesEach` gives the same results one at a time, without keeping them.
 */
export async function lintFiles(paths: readonly string[], options: LintFilesOptions = {}): Promise<LintResult[]> {
  const results: LintResult[] = [];
  await lintFilesEach(paths, options, (result) => {
    results.push(result);
  });
  return results;
}

/**
 * Lints as `lintFiles` does, handing each file's result to `onResult` as soon as it and every file
 * before it are linted, in the same order, and keeping none of them: memory does not grow with the
 * number of files (the CLI writes its report this way). When `onResult` returns a promise (e.g. a
 * stream to wait for), no later result is handed over, and this thread lints no further file, until
 * it settles. An error thrown (or a promise rejected) by `onResult` stops the run and rejects the
 * returned promise.
 *
 *   await lintFilesEach(["migrations"], {}, (result) => console.log(result.filePath, result.errorCount));
 */
export async function lintFilesEach(
  paths: readonly string[],
  options: LintFilesOptions,
  onResult: (result: LintResult) => void | Promise<void>,
): Promise<void> {
  const cwd = resolve(options.cwd ?? process.cwd());
  // Resolved first: an invalid option is reported before any file is read.
  const lint = prepare(options);
  const files = await discoverFiles(paths, { cwd, ...(options.ignorePatterns ? { ignorePatterns: options.ignorePatterns } : {}) });
  const changed = options.changedSince === undefined ? undefined : changedFiles(options.changedSince, cwd);
  const chains = migrationChains(files);
  // Results are handed over in run order: one that comes before an earlier file's (a folder whose
  // files interleave with another's, or a chain a worker finished first) waits here until then.
  const waiting = new Map<number, LintResult | null>();
  let next = 0;
  // While `onResult`'s promise is pending, results wait; `busy` hands them over once it settles.
  let busy: Promise<void> | undefined;
  const handOver = (): Promise<void> | undefined => {
    while (waiting.has(next)) {
      const ready = waiting.get(next);
      waiting.delete(next);
      next++;
      const pending = ready ? onResult(ready) : undefined;
      if (pending) {
        busy = pending.then(() => {
          busy = undefined;
          return handOver();
        });
        // Awaited by the lanes below; marked handled here for a rejection while no lane awaits it.
        busy.catch(() => undefined);
        return busy;
      }
    }
    return undefined;
  };
  const deliver = (index: number, result: LintResult | null): Promise<void> | undefined => {
    waiting.set(index, result);
    return busy ?? handOver();
  };
  const script = workerScript();
  const threads = script && typeof options.fix !== "function" ? threadCount(options.jobs, files.length, chains.length) : 1;
  if (threads <= 1) {
    // A big run's files are read ahead on a thread of their own (src/engine/read-ahead.ts), in
    // the order this loop reads them.
    const order = files.length >= PARALLEL_MIN_FILES ? chains.flatMap((chain) => chain.indices.filter((index) => readsFile(files[index]!, changed))) : [];
    const ahead = order.length > 0 ? startReadAhead(order.map((index) => files[index]!)) : undefined;
    // The files are read in that order, so a file's position in it is the count of reads before it.
    let position = 0;
    const read = ahead ? (index: number): FileBytes => ahead.take(position++, () => readFileBytes(files[index]!)) : undefined;
    try {
      for (const chain of chains) {
        for (const [index, result] of lintChain(files, chain.indices, lint, options, changed, cwd, read)) {
          const pending = deliver(index, result);
          if (pending) await pending;
        }
      }
    } finally {
      ahead?.close();
    }
    return;
  }
  // Every thread takes the next chain in run order when it is free (src/engine/pool.ts).
  const taken = chainCounter();
  const task: LaneTask = { files, chains: chains.map((chain) => chain.indices), taken, options: sharedOptions(options), ...(changed ? { changed: [...changed] } : {}) };
  // The workers start now and run while this thread lints.
  const workers = Array.from({ length: threads - 1 }, () =>
    runLaneOnWorker(
      script!,
      task,
      (indices, results) => indices.forEach((index, i) => void deliver(index, results[i] ?? null)),
      (name, message) => (name === "PgsafeUsageError" ? new PgsafeUsageError(message) : new Error(message)),
    ),
  );
  const all = Promise.all(workers.map((worker) => worker.done));
  // A worker's failure ends this thread's work too; it is thrown below.
  let failed = false;
  all.catch(() => (failed = true));
  try {
    for (let chain = takeChain(taken); chain < chains.length && !failed; chain = takeChain(taken)) {
      for (const [index, result] of lintChain(files, chains[chain]!.indices, lint, options, changed, cwd)) {
        const pending = deliver(index, result);
        if (pending) await pending;
      }
      // Between chains, take in what the workers have sent, so that their results are handed over
      // (and dropped) as soon as their turn comes.
      await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    }
    await all;
    while (busy) await busy;
  } finally {
    for (const worker of workers) worker.stop();
  }
}

/** The options a worker lints with: plain data, without what only the main thread uses. */
function sharedOptions(options: LintFilesOptions): LintFilesOptions {
  const { changedSince: _changedSince, ignorePatterns: _ignorePatterns, ...shared } = options;
  return shared;
}

/**
 * Lints one chain's files in order, each with the known schema its predecessors left: yields each
 * file's index and result (null for a file that only feeds the schema: not changed, with `changedSince`).
 */
function* lintChain(
  files: readonly string[],
  indices: readonly number[],
  lint: ReturnType<typeof prepare>,
  options: LintFilesOptions,
  changed: ReadonlySet<string> | undefined,
  cwd: string,
  read?: (index: number) => FileBytes,
): Generator<[number, LintResult | null]> {
  // Each file is linted with the schema the files before it left, then feeds it (src/analysis/schema.ts).
  const model = options.schema !== false || changed ? new SchemaModel() : undefined;
  for (const index of indices) {
    const file = files[index]!;
    yield [index, lintChainFile(file, model, lint, options, changed, cwd, read ? () => read(index) : () => readFileBytes(file))];
  }
}

/** False for a file a run does not read: a down migration that is not among the changed files (`changedSince`). */
function readsFile(file: string, changed: ReadonlySet<string> | undefined): boolean {
  return !changed || !DOWN_FILE.test(file) || changed.has(realPath(file));
}

function lintChainFile(
  file: string,
  model: SchemaModel | undefined,
  lint: ReturnType<typeof prepare>,
  options: LintFilesOptions,
  changed: ReadonlySet<string> | undefined,
  cwd: string,
  read: () => FileBytes,
): LintResult | null {
  // As readsFile, with the real path looked up once.
  const linted = !changed || changed.has(realPath(file));
  if (!linted && DOWN_FILE.test(file)) return null;
  const { text, encodingIssue } = sqlSourceOf(read(), displayPath(file, cwd));
  const flagged = (result: LintResult): LintResult => (encodingIssue ? withEncodingFinding(result, encodingIssue, options) : result);
  const migration: Partial<MigrationOptions> = {};
  if (model && options.schema !== false) migration.schema = model;
  if (model && changed) migration.newTables = model.newTables();
  // A down migration reverts; it does not feed the schema.
  const feeds = model !== undefined && !DOWN_FILE.test(file);
  const feed = (parsed: ParsedSql): void => model!.apply(parsed, { pending: changed !== undefined && linted });
  // A file that is not valid UTF-8 is not fixed: its text has replacement characters where the bad bytes were.
  if (options.fix && linted && !encodingIssue) {
    // Each pass lints the file against the same schema; only the final text feeds it.
    let parsedUp: ParsedSql[] = [];
    const lintPass = (current: string): LintResult => {
      parsedUp = [];
      return lint(current, file, { migration, ...(feeds ? { onUpParsed: (parsed: ParsedSql) => parsedUp.push(parsed) } : {}) });
    };
    const { result, output } = fixText(text, lintPass, fixFilter(options.fix));
    if (feeds) for (const parsed of parsedUp) feed(parsed);
    return flagged(output === undefined ? result : { ...result, output });
  }
  const result = lint(text, file, {
    migration,
    ...(feeds ? { onUpParsed: feed } : {}),
    ...(linted ? {} : { feedOnly: true }),
  });
  return linted ? flagged(result) : null;
}

/**
 * Adds the finding for a file that is not UTF-8 (a syntax error, unless that rule is off): the
 * file was linted with the bad bytes replaced, but PostgreSQL would refuse it.
 */
function withEncodingFinding(result: LintResult, issue: EncodingIssue, options: PgsafeOptions): LintResult {
  const severity = effectiveSeverities(options)["syntax-error"];
  if (severity === undefined) return result;
  const text = result.source.charCodeAt(0) === 0xfeff ? result.source.slice(1) : result.source;
  const before = text.slice(0, issue.index);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = issue.index - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) ;
  const byte = `0x${issue.byte.toString(16).toUpperCase().padStart(2, "0")}`;
  const message: LintMessage = {
    ruleId: "syntax-error",
    severity,
    message: `The file is not valid UTF-8 (byte ${byte} on line ${line}): PostgreSQL refuses it (invalid byte sequence for encoding "UTF8"). It was linted with the byte replaced; save the file as UTF-8.`,
    line,
    column,
    endLine: line,
    endColumn: column + 1,
    range: [issue.index, issue.index + 1],
  };
  const messages = [...result.messages, message].sort((a, b) => a.line - b.line || a.column - b.column);
  return { ...result, messages, ...(severity === 2 ? { errorCount: result.errorCount + 1 } : { warningCount: result.warningCount + 1 }) };
}

/**
 * For src/engine/worker.ts, not part of the API: lints chains of the run as `lintFiles` does on the
 * main thread, taking the next one while any is left, handing the results to `send` in batches.
 * @internal
 */
export function lintLane(task: LaneTask, send: (indices: number[], results: (LintResult | null)[]) => void): void {
  const options = task.options as LintFilesOptions;
  const cwd = resolve(options.cwd ?? process.cwd());
  const lint = prepare(options);
  const changed = task.changed ? new Set(task.changed) : undefined;
  for (let chain = takeChain(task.taken); chain < task.chains.length; chain = takeChain(task.taken)) {
    let indices: number[] = [];
    let results: (LintResult | null)[] = [];
    for (const [index, result] of lintChain(task.files, task.chains[chain]!, lint, options, changed, cwd)) {
      indices.push(index);
      results.push(result);
      if (indices.length === RESULTS_PER_MESSAGE) {
        send(indices, results);
        indices = [];
        results = [];
      }
    }
    if (indices.length > 0) send(indices, results);
  }
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
