/**
 * `pgsafe explain [PATH ...|-]`: prints, for each statement, the locks it takes, whether it is
 * instant, scans or rewrites, its transaction and how long each lock is held (see src/explain.ts).
 * `--timeline` draws the lock timeline instead (src/timeline.ts: one row per relation, one column
 * per statement); `--format text|json|markdown`; `--no-unicode` draws with ASCII only.
 *
 * Exit codes: 0 when every statement was explained (explain judges nothing, so findings do not
 * count); 1 when a statement did not parse (the rest of the file is still explained, and the
 * statement is listed as not explained), as a syntax error is an error for `pgsafe lint` too;
 * 2 for usage and I/O problems.
 *
 * Reads the config file as lint does (its pgVersion, assumeInTransaction, framework and
 * ignorePatterns; flags override them), and explains each file as its migration tool runs it.
 *
 * Loads the parser and the lock model, not the rules or the lint engine, and only the reporter
 * of the chosen format.
 */
import type { ExplainedFile } from "../explain.js";
import type { ExplainReporter } from "../reporters/explain-text.js";
import { writeOutputFile } from "./env.js";
import { describeFsError, PgsafeUsageError } from "./errors.js";
import type { CliIo } from "./main.js";
import type { CliOptions } from "./options.js";

const REPORTERS = {
  text: async () => (await import("../reporters/explain-text.js")).default,
  json: async () => (await import("../reporters/explain-json.js")).default,
  markdown: async () => (await import("../reporters/explain-markdown.js")).default,
} satisfies Record<string, () => Promise<ExplainReporter>>;

export interface ExplainCommandHelpers {
  /** Whether to colour the report when it goes to standard output. */
  useColor(flag: boolean | undefined): boolean;
  readStdin(): Promise<Buffer>;
}

export async function explainCommand(options: CliOptions, io: CliIo, helpers: ExplainCommandHelpers): Promise<number> {
  if (!Object.hasOwn(REPORTERS, options.format)) {
    throw new PgsafeUsageError(`Unknown format "${options.format}" for "pgsafe explain". Use one of: ${Object.keys(REPORTERS).join(", ")}.`);
  }
  const reporter = await REPORTERS[options.format as keyof typeof REPORTERS]();
  const { explain } = await import("../explain.js");
  // The config file first, as for lint; flags override it (ignore patterns add up).
  const { loadConfig } = await import("../config/load.js");
  const config = options.noConfig ? undefined : await loadConfig({ cwd: io.cwd, ...(options.configFile !== undefined ? { configFile: options.configFile } : {}) });
  const configured = config?.options ?? {};
  const pgVersion = options.pgVersion ?? configured.pgVersion;
  const framework = options.framework ?? configured.framework;
  const common = {
    cwd: io.cwd,
    ...(pgVersion !== undefined ? { pgVersion } : {}),
    ...(options.assumeInTransaction || configured.assumeInTransaction ? { assumeInTransaction: true } : {}),
    ...(framework ? { framework } : {}),
  };

  let files: ExplainedFile[];
  if (options.stdin) {
    let bytes: Buffer;
    try {
      bytes = await helpers.readStdin();
    } catch (error) {
      throw new PgsafeUsageError(`Cannot read standard input: ${describeFsError(error)}.`);
    }
    const { decodeSql } = await import("../sql-file.js");
    const text = decodeSql(bytes, options.stdinFilename ?? "standard input");
    files = await explain(text, { ...common, filePath: options.stdinFilename ?? "<stdin>" });
  } else {
    files = await explain(options.patterns, { ...common, ignorePatterns: [...(configured.ignorePatterns ?? []), ...options.ignorePatterns] });
  }

  const color = options.outputFile ? options.color === true : helpers.useColor(options.color);
  // --timeline: the lock timeline instead of the per-statement table (JSON: a `timeline` per file).
  const drawing = { timeline: options.timeline, unicode: options.unicode };
  const report = reporter(files, { color, ...drawing });
  if (options.outputFile) {
    writeOutputFile(io.cwd, options.outputFile, report);
    // As for lint: the file gets the chosen format, the terminal the readable table.
    if (options.format !== "text") io.stdout.write((await REPORTERS.text())(files, { color: helpers.useColor(options.color), ...drawing }));
  } else if (report) io.stdout.write(report);

  return files.some((f) => f.errors.length > 0) ? 1 : 0;
}
