/**
 * Helpers for the config tests: throw-away projects (a `.git` folder at their root stops config
 * discovery there, so nothing above the temporary directory can leak in), and the CLI's JSON
 * report reduced to what the tests compare.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { makeTree, run, type RunResult } from "../cli/helpers.js";

export { makeTree, removeTree, run } from "../cli/helpers.js";

/** A temporary git-rooted project with these files (path → content); returns its path. */
export function makeProject(files: Record<string, string>): string {
  const root = makeTree(files);
  mkdirSync(join(root, ".git"), { recursive: true });
  return root;
}

export interface Finding {
  file: string;
  ruleId: string;
  severity: 1 | 2;
  messageId?: string;
}

/** Runs `pgsafe ARGS --format json` in `cwd`; findings with file paths relative to `root`. */
export async function lintJson(args: string[], cwd: string, root = cwd): Promise<{ code: number; findings: Finding[]; files: string[]; stderr: string }> {
  const r = await run([...args, "--format", "json"], { cwd });
  if (r.code === 2) return { code: 2, findings: [], files: [], stderr: r.stderr };
  const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; severity: 1 | 2; messageId?: string }[] }[];
  const rel = (f: string): string => f.slice(root.length + 1);
  return {
    code: r.code,
    stderr: r.stderr,
    files: results.map((x) => rel(x.filePath)),
    findings: results.flatMap((x) => x.messages.map((m) => ({ file: rel(x.filePath), ruleId: m.ruleId, severity: m.severity, ...(m.messageId ? { messageId: m.messageId } : {}) }))),
  };
}

/** The rule ids found (sorted, with duplicates). */
export function ruleIds(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.ruleId).sort();
}

/** A config problem: exit 2, one line on stderr naming the file and the key, nothing on stdout. */
export function expectConfigError(result: RunResult, ...parts: string[]): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(/^pgsafe: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const part of parts) expect(result.stderr).toContain(part);
}
