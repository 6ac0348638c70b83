/**
 * `pgsafe trace [PATH ...]`: runs the migrations in an embedded PostgreSQL 18 (PGlite, in this
 * process: no server, no Docker) and reports per statement what PostgreSQL did next to what
 * pgsafe predicts (src/trace/). docs/trace.md describes it.
 *
 * Exit codes: 0 when every statement ran and no lint finding is an error; 1 when PostgreSQL
 * refused a statement, a statement does not parse, or a lint finding has error severity; 2 for
 * usage, configuration and I/O problems (an unknown format, a missing path or seed file). A
 * mismatch between pgsafe's model and PostgreSQL is pgsafe's bug, not the migration's: it is
 * reported, and does not change the exit code.
 *
 * Progress while the embedded database starts goes to standard error, so that JSON and SARIF on
 * standard output stay clean.
 */
import type { TraceOptions } from "../trace/trace.js";
import type { TraceReport } from "../trace/types.js";
import type { TraceReporter } from "../reporters/trace-text.js";
import { dirname, resolve } from "node:path";
import { useColor, writeOutputFile } from "./env.js";
import { PgsafeUsageError } from "./errors.js";
import type { CliIo } from "./main.js";
import type { CliOptions } from "./options.js";

const REPORTERS = {
  text: async () => (await import("../reporters/trace-text.js")).default,
  json: async () => (await import("../reporters/trace-json.js")).default,
  sarif: async () => (await import("../reporters/trace-sarif.js")).default,
} satisfies Record<string, () => Promise<TraceReporter>>;

/** The exit code for a report: 1 when a statement failed or did not parse, or a lint finding is an error. */
export function traceExitCode(report: TraceReport): number {
  const failed = report.files.some((f) => f.errors.length > 0 || f.statements.some((s) => s.observed.status === "error"));
  return failed || report.summary.lintErrors > 0 ? 1 : 0;
}


export async function traceCommand(options: CliOptions, io: CliIo): Promise<number> {
  if (!Object.hasOwn(REPORTERS, options.format)) {
    throw new PgsafeUsageError(`Unknown format "${options.format}" for "pgsafe trace". Use one of: ${Object.keys(REPORTERS).join(", ")}.`);
  }
  if (options.stdin) throw new PgsafeUsageError(`"pgsafe trace" runs migration files, not standard input: pass the migration paths.`);
  const reporter = await REPORTERS[options.format as keyof typeof REPORTERS]();
  const { loadConfig } = await import("../config/load.js");
  const config = options.noConfig ? undefined : await loadConfig({ cwd: io.cwd, ...(options.configFile !== undefined ? { configFile: options.configFile } : {}) });
  const { ignorePatterns: configIgnores, framework: configFramework, assumeInTransaction: configTx, ...lintOptions } = config?.options ?? {};
  const configSeed = (config?.config as { seed?: unknown } | undefined)?.seed;
  const seed = options.seedFile ?? (typeof configSeed === "string" && config ? resolve(dirname(config.filePath), configSeed) : undefined);
  const framework = options.framework ?? configFramework;

  const stderr = io.stderr;
  const traceOptions: TraceOptions = {
    cwd: io.cwd,
    ...(framework ? { framework } : {}),
    ...(options.assumeInTransaction || configTx ? { assumeInTransaction: true } : {}),
    ignorePatterns: [...(configIgnores ?? []), ...options.ignorePatterns],
    ...(seed !== undefined ? { seed } : {}),
    lint: lintOptions,
    onProgress: (p) => {
      if (p.kind === "starting") stderr.write("Starting embedded PostgreSQL 18 (PGlite)… ");
      else if (p.kind === "started") stderr.write(`done in ${p.seconds.toFixed(1)} s\n`);
    },
  };
  const { trace } = await import("../trace/trace.js");
  const report = await trace(options.patterns, traceOptions);

  const terminalColor = useColor(options.color, io.env, io.stdout.isTTY === true);
  const color = options.outputFile ? options.color === true : terminalColor;
  const text = reporter(report, { cwd: io.cwd, color });
  if (options.outputFile) {
    writeOutputFile(io.cwd, options.outputFile, text);
    // As for lint: the file gets the chosen format, the terminal the readable table.
    if (options.format !== "text") io.stdout.write((await REPORTERS.text())(report, { cwd: io.cwd, color: terminalColor }));
  } else io.stdout.write(text);
  return traceExitCode(report);
}
