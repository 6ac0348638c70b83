/**
 * File paths for the CI formats (sarif, github, gitlab, junit). GitHub and GitLab match findings
 * to files by their path relative to the repository root, with forward slashes, whatever the
 * directory pgsafe was run from.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ReporterContext } from "./index.js";

const roots = new Map<string, string>();

/**
 * The root of the git repository (work tree) containing `cwd`: the nearest directory with a `.git`
 * entry (a directory, or a file for worktrees and submodules); `cwd` itself when there is none.
 */
export function repositoryRoot(cwd: string): string {
  const start = resolve(cwd);
  const cached = roots.get(start);
  if (cached !== undefined) return cached;
  let root = start;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) {
      root = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  roots.set(start, root);
  return root;
}

/** The directory a report's paths are relative to: `context.root`, else the repository root of `context.cwd`. */
export function reportRoot(context: ReporterContext): string {
  return context.root !== undefined ? resolve(context.cwd, context.root) : repositoryRoot(context.cwd);
}

/**
 * `filePath` relative to `root` with forward slashes, or undefined when it is outside `root`.
 * Names that are not paths (`<stdin>`, `<text>`) are returned as they are.
 */
export function relativeTo(root: string, filePath: string): string | undefined {
  if (!isAbsolute(filePath)) return filePath.split(sep).join("/");
  const rel = relative(root, filePath);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

/** The path to show: relative to `root` when inside it, else the absolute path (forward slashes). */
export function displayPath(root: string, filePath: string): string {
  return relativeTo(root, filePath) ?? filePath.split(sep).join("/");
}
