/** Shared helpers of the migration-tool tests: fixture paths and compact views of findings. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MigrationSection } from "../../src/analysis/frameworks/index.js";
import type { LintMessage, LintResult } from "../../src/types.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const FIXTURES = join(ROOT, "fixtures", "migrations");

/** Absolute path and text of fixtures/migrations/<framework>/<name>. */
export function fixture(framework: string, name: string): { path: string; text: string } {
  const path = join(FIXTURES, framework, name);
  return { path, text: readFileSync(path, "utf8") };
}

/** `line:column rule-id` for each finding (of one rule, when given). */
export function at(result: LintResult, ruleId?: string): string[] {
  return result.messages.filter((m) => !ruleId || m.ruleId === ruleId).map((m) => `${m.line}:${m.column} ${m.ruleId}`);
}

export function only(result: LintResult, ruleId: string): LintMessage[] {
  return result.messages.filter((m) => m.ruleId === ruleId);
}

/** 1-based first and last line of a section (its first range's start to its last range's end). */
export function sectionLines(text: string, section: MigrationSection): [number, number] {
  const lineOf = (index: number): number => text.slice(0, index).split("\n").length;
  const start = section.ranges[0]![0];
  const end = section.ranges.at(-1)![1];
  // The end is exclusive: the section's last character is on the line before a trailing line break.
  return [lineOf(start), lineOf(Math.max(start, end - 1))];
}

/** File paths relative to fixtures/migrations/<framework>/. */
export function relativeTo(framework: string, results: readonly LintResult[]): string[] {
  const base = join(FIXTURES, framework) + "/";
  return results.map((r) => r.filePath.replace(base, ""));
}
