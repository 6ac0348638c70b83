/**
 * Reporters by name. Each is a pure function (results, context) => string, loaded on demand so
 * that one format does not load another's dependencies, with a form that writes the same report
 * file by file (`StreamReporter`, used by the CLI so that results are not kept until the end).
 */
import { PgsafeUsageError } from "../cli/errors.js";
import type { LintResult, PgRuleDefinition } from "../types.js";

export interface ReporterContext {
  /** Directory that file paths are shown relative to. */
  cwd: string;
  /** Use ANSI colours. */
  color: boolean;
  /** Draw with Unicode characters (default); false (`--no-unicode`): ASCII only where the report draws (the lock timeline). */
  unicode?: boolean;
  /** The rule registry, for formats that describe the rules (their metadata is read, never run). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rules?: Record<string, PgRuleDefinition<any, any>>;
  /**
   * Directory that the CI formats (sarif, github, gitlab, junit) make paths relative to; default:
   * the root of the git repository containing `cwd` (or `cwd` outside one).
   */
  root?: string;
  /**
   * Receives the markdown the `github` format writes to the job summary. The CLI sets it when
   * `$GITHUB_STEP_SUMMARY` names a file and appends to that file; without it nothing is written.
   */
  stepSummary?: (markdown: string) => void;
}

export type Reporter = (results: readonly LintResult[], context: ReporterContext) => string;

/**
 * A report written file by file, as the CLI's lint run produces results: `add` takes each file's
 * result (in run order) and `end` finishes the report; both hand the text that is ready to `write`.
 * The text written is, byte for byte, what the format's `Reporter` returns for the same results.
 * Each format keeps only what its later text needs: counts, or a bounded part of the findings where
 * its head depends on all of them (sarif, junit), never a file's source.
 */
export interface ReportStream {
  add(result: LintResult): void;
  end(): void;
}

export type StreamReporter = (context: ReporterContext, write: (text: string) => void) => ReportStream;

interface ReporterModule {
  default: Reporter;
  stream: StreamReporter;
}

const LOADERS = {
  text: () => import("./text.js"),
  json: () => import("./json.js"),
  sarif: () => import("./sarif.js"),
  github: () => import("./github.js"),
  gitlab: () => import("./gitlab.js"),
  junit: () => import("./junit.js"),
} satisfies Record<string, () => Promise<ReporterModule>>;

/** The names of the available formats. */
export const reporterNames: readonly string[] = Object.keys(LOADERS);

async function loadModule(name: string): Promise<ReporterModule> {
  if (!Object.hasOwn(LOADERS, name)) {
    throw new PgsafeUsageError(`Unknown format "${name}". Use one of: ${reporterNames.join(", ")}.`);
  }
  return LOADERS[name as keyof typeof LOADERS]();
}

/** Loads the reporter for a format name; an unknown name throws a PgsafeUsageError listing the known ones. */
export async function loadReporter(name: string): Promise<Reporter> {
  return (await loadModule(name)).default;
}

/** Loads the file-by-file form of a format's reporter (see `ReportStream`); unknown names as `loadReporter`. */
export async function loadStreamReporter(name: string): Promise<StreamReporter> {
  return (await loadModule(name)).stream;
}
