/**
 * Reporters by name. Each is a pure function (results, context) => string, loaded on demand so
 * that one format does not load another's dependencies.
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

const LOADERS = {
  text: async () => (await import("./text.js")).default,
  json: async () => (await import("./json.js")).default,
  sarif: async () => (await import("./sarif.js")).default,
  github: async () => (await import("./github.js")).default,
  gitlab: async () => (await import("./gitlab.js")).default,
  junit: async () => (await import("./junit.js")).default,
} satisfies Record<string, () => Promise<Reporter>>;

/** The names of the available formats. */
export const reporterNames: readonly string[] = Object.keys(LOADERS);

/** Loads the reporter for a format name; an unknown name throws a PgsafeUsageError listing the known ones. */
export async function loadReporter(name: string): Promise<Reporter> {
  if (!Object.hasOwn(LOADERS, name)) {
    throw new PgsafeUsageError(`Unknown format "${name}". Use one of: ${reporterNames.join(", ")}.`);
  }
  return LOADERS[name as keyof typeof LOADERS]();
}
