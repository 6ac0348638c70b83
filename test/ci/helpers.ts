/**
 * Helpers for the CI integration tests: the built CLI (rebuilt when dist is missing or older than
 * the sources, as test/cli/e2e.test.ts does) and throw-away git repositories.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "dist", "src", "cli", "main.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist (as `npm run build` does) when it is missing or older than src/ and rules/. */
export function ensureBuilt(): void {
  const built = existsSync(BIN) ? statSync(BIN).mtimeMs : 0;
  if (built >= Math.max(newestSource(join(ROOT, "src")), newestSource(join(ROOT, "rules")))) return;
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    // A type error elsewhere still emits JavaScript; only a missing bin is fatal here.
    if (!existsSync(BIN)) throw error;
  }
  chmodSync(BIN, 0o755);
}

/** git with no user or system configuration, and a fixed identity. */
export const GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "/tmp",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "pgsafe test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "pgsafe test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Writes the files, stages everything and commits. */
export function commit(cwd: string, files: Record<string, string>, message: string): void {
  writeFiles(cwd, files);
  git(cwd, "add", "--all");
  git(cwd, "commit", "--quiet", "--no-gpg-sign", "-m", message);
}

export const USERS_SQL = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n";
/** Safe: a nullable column with a lock_timeout. */
export const SAFE_SQL = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\n";
/** An error: CREATE INDEX without CONCURRENTLY (require-concurrent-index-creation). */
export const UNSAFE_SQL = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";
/** A warning only: char(n) (ban-char-field). */
export const WARNING_SQL = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN code char(3);\n";
