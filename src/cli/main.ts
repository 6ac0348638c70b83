#!/usr/bin/env node
/**
 * The `pgsafe` command. `main(argv, io)` returns the exit code and never throws:
 *
 *   0  no error-severity findings (warnings allowed unless over --max-warnings)
 *   1  at least one error-severity finding (a syntax error is one), or too many warnings
 *   2  a usage, configuration or I/O problem, reported as one line on stderr
 *
 * Start-up stays light: the linter (parser, rules) and the reporters are imported only when needed.
 */
import { appendFileSync, realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import type { LintMessage, LintResult } from "../types.js";
import { describeFsError, PgsafeUsageError } from "./errors.js";
import { helpText, parseArgs, type CliOptions } from "./options.js";
import { packageVersion, useColor } from "./env.js";

export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown };
  stdin: AsyncIterable<Buffer | string>;
  env: Record<string, string | undefined>;
  cwd: string;
}

const ISSUES_URL = "https://github.com/pgsafe/pgsafe/issues";

export { packageVersion, useColor };


async function readStdin(stdin: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function onlyErrors(result: LintResult): LintResult {
  const messages = result.messages.filter((m) => m.severity === 2);
  return { ...result, messages, warningCount: 0, fixableWarningCount: 0 };
}

async function listRules(options: CliOptions, io: CliIo): Promise<number> {
  const { rules } = await import("../../rules/index.js");
  const entries = Object.entries(rules).map(([id, rule]) => ({
    id,
    defaultSeverity: rule.meta.docs.defaultSeverity,
    recommended: rule.meta.docs.recommended,
    category: rule.meta.docs.category,
    description: rule.meta.docs.description,
    url: rule.meta.docs.url,
    ...(rule.meta.docs.lock ? { lock: rule.meta.docs.lock } : {}),
    fixable: rule.meta.fixable !== undefined,
    hasSuggestions: rule.meta.hasSuggestions === true,
  }));
  if (options.format === "json") {
    io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  if (options.format !== "text") throw new PgsafeUsageError(`Unknown format "${options.format}" for "pgsafe rules". Use one of: text, json.`);
  const { createColors } = await import("../reporters/colors.js");
  const c = createColors(useColor(options.color, io.env, io.stdout.isTTY === true));
  const idWidth = Math.max(4, ...entries.map((e) => e.id.length));
  const catWidth = Math.max(8, ...entries.map((e) => e.category.length));
  const lines = [c.bold(`${"rule".padEnd(idWidth)}  default  ${"category".padEnd(catWidth)}  description`)];
  for (const e of entries) {
    const severity = e.defaultSeverity.padEnd(7);
    const painted = e.defaultSeverity === "error" ? c.red(severity) : e.defaultSeverity === "warn" ? c.yellow(severity) : c.dim(severity);
    lines.push(`${e.id.padEnd(idWidth)}  ${painted}  ${e.category.padEnd(catWidth)}  ${e.description}`);
    lines.push(`${" ".repeat(idWidth + 2 + 7 + 2 + catWidth + 2)}${c.dim(e.url)}`);
  }
  io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

/** Appends to GitHub's job summary file; a failure is reported on stderr and does not change the exit code. */
function appendStepSummary(file: string, markdown: string, io: CliIo): void {
  try {
    appendFileSync(resolve(io.cwd, file), markdown);
  } catch (error) {
    io.stderr.write(`pgsafe: cannot append the job summary to "${file}" ($GITHUB_STEP_SUMMARY): ${describeFsError(error)}.\n`);
  }
}

async function lint(options: CliOptions, io: CliIo): Promise<number> {
  // Before the linter's modules load: keeps the heap near what is alive (src/cli/heap.ts).
  const steerHeap = (await import("./heap.js")).limitHeap();
  // The parser's WebAssembly starts compiling (off the main thread) while the modules load.
  createRequire(import.meta.url)("libpg-query");
  // Check the format before doing any work; this loads only that reporter.
  const [{ loadStreamReporter }, api, sinks] = await Promise.all([import("../reporters/index.js"), import("../index.js"), import("./report-sink.js")]);
  const reporter = await loadStreamReporter(options.format);
  // The config file first; flags override it (ignore patterns add up).
  const config = options.noConfig ? undefined : await api.loadConfig({ cwd: io.cwd, ...(options.configFile !== undefined ? { configFile: options.configFile } : {}) });
  const common = {
    ...config?.options,
    cwd: io.cwd,
    ...(options.pgVersion !== undefined ? { pgVersion: options.pgVersion } : {}),
    ...(options.assumeInTransaction ? { assumeInTransaction: true } : {}),
    ...(options.framework ? { framework: options.framework } : {}),
    ...(options.include.length > 0 ? { include: options.include } : {}),
    ...(options.exclude.length > 0 ? { exclude: options.exclude } : {}),
    ...(options.preset ? { preset: options.preset as "recommended" | "strict" } : {}),
    ...(options.statsFile !== undefined ? { stats: options.statsFile } : {}),
    // The text report (also printed next to --output-file) draws lock timelines under findings.
    ...(options.format === "text" || options.outputFile !== undefined ? { lockTimeline: true } : {}),
  };

  // As ESLint: --fix writes files in place, and stdin has no file to write to.
  if (options.fix && options.stdin) {
    throw new PgsafeUsageError(`--fix rewrites files in place and cannot fix stdin ("-"): pass the migration files instead, or drop --fix to lint stdin.`);
  }

  // The report is written file by file as results come, and each result is dropped once written.
  const color = options.outputFile ? options.color === true : useColor(options.color, io.env, io.stdout.isTTY === true);
  // `--format github` hands its job summary to this hook when GitHub Actions names a summary file.
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  const stepSummary = summaryFile ? (markdown: string) => appendStepSummary(summaryFile, markdown, io) : undefined;
  const context = { cwd: io.cwd, color, unicode: options.unicode, rules: api.rules, ...(stepSummary ? { stepSummary } : {}) };
  const stdout = sinks.outputSink(io.stdout);
  const outputs: { sink: typeof stdout; report: ReturnType<typeof reporter> }[] = [];
  if (options.outputFile) {
    const file = sinks.outputFileSink(io.cwd, options.outputFile);
    outputs.push({ sink: file, report: reporter(context, (text) => file.write(text)) });
    // The file gets the chosen format and the terminal the readable report, so that one run can
    // write SARIF (or JSON, ...) and still show the findings in the log.
    if (options.format !== "text") {
      const text = await loadStreamReporter("text");
      const terminal = { cwd: io.cwd, color: useColor(options.color, io.env, io.stdout.isTTY === true), unicode: options.unicode };
      outputs.push({ sink: stdout, report: text(terminal, (chunk) => stdout.write(chunk)) });
    }
  } else outputs.push({ sink: stdout, report: reporter(context, (text) => stdout.write(text)) });

  let errors = 0;
  let warnings = 0;
  const fixes = options.fix ? await import("./write-fixes.js") : undefined;
  const onResult = (linted: LintResult): Promise<void> | undefined => {
    // The fixed SQL goes back into each changed file; the report shows what is left.
    if (fixes) fixes.writeFix(linted, (file) => relative(io.cwd, file) || file);
    steerHeap();
    const result = options.quiet ? onlyErrors(linted) : linted;
    errors += result.errorCount;
    warnings += result.warningCount;
    for (const { report } of outputs) report.add(result);
    // A pipe whose reader is behind: the next file waits for it.
    return stdout.ready();
  };
  try {
    if (options.stdin) {
      const name = options.stdinFilename ?? "<stdin>";
      let bytes: Buffer;
      try {
        bytes = await readStdin(io.stdin);
      } catch (error) {
        throw new PgsafeUsageError(`Cannot read standard input: ${describeFsError(error)}.`);
      }
      const text = api.decodeSql(bytes, options.stdinFilename ?? "standard input");
      await onResult(api.lintText(text, { ...common, filePath: name }));
    } else {
      await api.lintFilesEach(
        options.patterns,
        {
          ...common,
          ignorePatterns: [...(config?.options.ignorePatterns ?? []), ...options.ignorePatterns],
          ...(options.changedSince !== undefined ? { changedSince: options.changedSince } : {}),
          // As ESLint: with --quiet, --fix applies the fixes of errors only (warnings are not reported).
          ...(options.fix ? { fix: options.quiet ? (message: LintMessage) => message.severity === 2 : true } : {}),
          ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
        },
        onResult,
      );
    }
    for (const { report } of outputs) report.end();
  } catch (error) {
    for (const { sink } of outputs) sink.abort();
    throw error;
  }
  for (const { sink } of outputs) sink.close();

  if (errors > 0) return 1;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
    io.stderr.write(`pgsafe found too many warnings (${warnings}, maximum: ${options.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = {
    stdout: io.stdout ?? process.stdout,
    // Getters: process.stderr and process.stdin are streams made on first access (costly at
    // start-up); a clean run never writes to stderr, and only `-` reads stdin.
    get stderr() {
      return io.stderr ?? process.stderr;
    },
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
  };
  try {
    const options = parseArgs(argv);
    if (options.help) {
      full.stdout.write(helpText());
      return 0;
    }
    if (options.version) {
      full.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (options.command === "init") return await (await import("./init.js")).init(options, full, packageVersion());
    if (options.command === "explain") {
      const helpers = { useColor: (flag?: boolean) => useColor(flag, full.env, full.stdout.isTTY === true), readStdin: () => readStdin(full.stdin) };
      return await (await import("./explain.js")).explainCommand(options, full, helpers);
    }
    if (options.command === "lsp") return await (await import("./lsp.js")).lspCommand(options, full);
    if (options.command === "trace") return await (await import("./trace.js")).traceCommand(options, full);
    if (options.command === "stats") return await (await import("./stats.js")).statsCommand(options, full);
    return options.command === "rules" ? await listRules(options, full) : await lint(options, full);
  } catch (error) {
    if (error instanceof PgsafeUsageError) {
      full.stderr.write(`pgsafe: ${error.message}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const debug = (full.env.DEBUG ?? "").split(/[\s,]+/).some((name) => name === "*" || name.startsWith("pgsafe"));
    full.stderr.write(
      `pgsafe: internal error: ${detail}. Please report it at ${ISSUES_URL}${debug ? "" : " (set DEBUG=pgsafe to print the stack)"}.\n`,
    );
    if (debug && error instanceof Error && error.stack) full.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `pgsafe ... | head` closes the pipe early: stop quietly.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  const argv = process.argv.slice(2);
  if (usesParserOnly(argv)) {
    // The parser is a 1.7 MB WebAssembly module. V8 compiles it quickly with its baseline
    // compiler and then recompiles it with its optimising one on background threads, which the
    // process waits for before it exits: for one file that doubles the run, and over thousands of
    // files the optimised code does not win it back (measured in docs/performance.md). Set before
    // anything loads the parser. PGlite (trace, stats) keeps V8's defaults.
    setFlagsFromString("--liftoff-only");
    // V8 optimises a function once it has run a set amount of bytecode (the interrupt budget,
    // 66 KB by default). The linter's code is large and each file takes it down a different path,
    // so at the default many large functions were optimised early, dropped at the first input
    // that took a new branch, and optimised again: about 1.5 CPU-seconds of background compiling
    // over the corpus, which on a 2-CPU machine the main thread waited for. Eight times the budget
    // optimises what is really hot, once: a third less CPU and a tenth less wall time on the
    // corpus (docs/performance.md), the same for one file.
    setFlagsFromString("--interrupt-budget=540672");
  }
  process.exitCode = await main(argv);
}

/** True for the commands whose only WebAssembly is the parser (lint, explain, rules, init). */
function usesParserOnly(argv: readonly string[]): boolean {
  try {
    const { command } = parseArgs(argv);
    return command !== "trace" && command !== "lsp" && command !== "stats";
  } catch {
    return false;
  }
}
