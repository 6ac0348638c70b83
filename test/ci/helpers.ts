/**
 * Helpers for the CI integration tests: the built CLI (test/harness/built-cli.ts) and throw-away
 * git repositories.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export { BIN, ensureBuilt, ROOT } from "../harness/built-cli.js";

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
