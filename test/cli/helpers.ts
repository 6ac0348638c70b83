/**
 * Helpers for the CLI tests: run `main()` in-process with captured output, and make throw-away
 * migration folders.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { main } from "../../src/cli/main.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
}

/** Runs the CLI in-process; the environment is empty unless given (no NO_COLOR/FORCE_COLOR leaks in). */
export async function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(options.stdin === undefined ? [] : [typeof options.stdin === "string" ? Buffer.from(options.stdin) : options.stdin]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

/** Creates a temporary folder with the given files (path → content); returns its path. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), "pgsafe-cli-"));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export const SAFE_SQL = "CREATE TABLE t (id bigint PRIMARY KEY);\n";
export const UNSAFE_SQL = "SET lock_timeout = '2s';\nCREATE INDEX t_a_idx ON t (a);\n";
