/**
 * What every command needs from its surroundings: pgsafe's version, whether to colour output, and
 * writing `--output-file`.
 * Its own module, so that the commands main.ts runs can use it: main.ts must not be imported back
 * at run time (it is the entry point and awaits main() at the top level).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describeFsError, PgsafeUsageError } from "./errors.js";
import { fileURLToPath } from "node:url";

/** pgsafe's version, from the package.json above this module (src/cli, or dist/src/cli when built). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pgsafe" && pkg.version) return pkg.version;
    } catch {
      // Not here: look one level up.
    }
    dir = dirname(dir);
  }
  return "unknown";
}

/** Whether to colour the report: flags first, then FORCE_COLOR / NO_COLOR, then "is it a terminal". */
export function useColor(flag: boolean | undefined, env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  // As in Node itself, FORCE_COLOR takes precedence over NO_COLOR.
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY && env.TERM !== "dumb";
}

/** Writes `--output-file` (relative to `cwd`, creating its folders); a failure is a one-line usage error. */
export function writeOutputFile(cwd: string, file: string, content: string, what = "the report"): void {
  const target = resolve(cwd, file);
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  } catch (error) {
    throw outputFileError(file, error, what);
  }
}

/** The one-line usage error for an `--output-file` that cannot be created or written. */
export function outputFileError(file: string, error: unknown, what = "the report"): PgsafeUsageError {
  return new PgsafeUsageError(`Cannot write ${what} to "${file}": ${describeFsError(error)}. Choose another --output-file.`);
}
