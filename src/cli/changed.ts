/**
 * `--changed-since REF`: the files added, modified or renamed since a git ref, plus the working
 * tree's uncommitted and untracked changes, in the repository that holds `cwd`.
 *
 *   git diff --name-only --diff-filter=AMR -z REF...HEAD   (committed since the merge base with REF)
 *   git status --porcelain -z --untracked-files=all         (staged, unstaged and untracked)
 *
 * Deleted files are left out (there is nothing to lint). A ref git does not know, or a `cwd`
 * outside a git repository, is the caller's to fix: a one-line PgsafeUsageError.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { PgsafeUsageError } from "./errors.js";

function git(args: string[], cwd: string): { ok: true; out: string } | { ok: false; message: string } {
  try {
    // Loaded here: most runs never ask git, and child_process is costly to load at start-up.
    const { execFileSync } = process.getBuiltinModule("node:child_process");
    const out = execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, out };
  } catch (error) {
    const e = error as { code?: string; stderr?: string | Buffer; message?: string };
    if (e.code === "ENOENT") return { ok: false, message: "git is not installed (or not on PATH)" };
    const stderr = String(e.stderr ?? "").trim();
    const line = stderr.split("\n").find((l) => /^(fatal|error):/.test(l)) ?? stderr.split("\n")[0] ?? e.message ?? "git failed";
    return { ok: false, message: line.replace(/^(fatal|error):\s*/, "") };
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Paths listed NUL-separated by `git status --porcelain -z`, without deletions. */
function statusPaths(out: string): string[] {
  const fields = out.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    const [x, y, path] = [entry[0]!, entry[1]!, entry.slice(3)];
    // A rename or copy is followed by its source path.
    if (x === "R" || x === "C") i++;
    if (x === "D" || y === "D") continue;
    paths.push(path);
  }
  return paths;
}

/**
 * The absolute (real) paths of the files changed since `ref` in the git repository of `cwd`,
 * committed or not. Throws a PgsafeUsageError when `cwd` is not in a git repository or git does
 * not know `ref`.
 */
export function changedFiles(ref: string, cwd: string): Set<string> {
  if (!ref.trim() || ref.startsWith("-")) {
    throw new PgsafeUsageError(`Invalid --changed-since ref "${ref}": name a git commit, branch or tag, e.g. --changed-since origin/main.`);
  }
  const top = git(["rev-parse", "--show-toplevel"], cwd);
  if (!top.ok) throw new PgsafeUsageError(`--changed-since needs a git repository, but "${cwd}" is not in one (${top.message}).`);
  const root = real(top.out.trim());
  const verified = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd);
  if (!verified.ok) throw new PgsafeUsageError(`Unknown git ref "${ref}" for --changed-since: name a commit, branch or tag of the repository at "${root}".`);
  const diff = git(["-c", "diff.relative=false", "diff", "--name-only", "--diff-filter=AMR", "-z", `${ref}...HEAD`, "--"], cwd);
  if (!diff.ok) throw new PgsafeUsageError(`Cannot list the files changed since "${ref}": ${diff.message}.`);
  const status = git(["status", "--porcelain", "-z", "--untracked-files=all"], cwd);
  if (!status.ok) throw new PgsafeUsageError(`Cannot list the uncommitted changes: ${status.message}.`);
  // Both list paths relative to the repository's top directory.
  const relativePaths = [...diff.out.split("\0").filter(Boolean), ...statusPaths(status.out)];
  return new Set(relativePaths.map((p) => real(resolve(root, p))));
}
