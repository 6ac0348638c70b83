/**
 * Running ESLint (v10, flat config) with pgsafe's plugin, and pgsafe's own library, on the same
 * text, and putting their messages in one comparable shape.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint, type Linter } from "eslint";
import plugin from "../../src/eslint/plugin.js";
import type { PgsafeLanguageOptions } from "../../src/eslint/language.js";
import { lintText, type LintTextOptions } from "../../src/index.js";
import type { LintMessage } from "../../src/types.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export { plugin };

export type Preset = "recommended" | "strict";

/** A flat config: the plugin's preset, with language options and rule settings on top. */
export function config(preset: Preset = "recommended", languageOptions: PgsafeLanguageOptions = {}, rules: Linter.RulesRecord = {}): Linter.Config[] {
  return [plugin.configs[preset], { files: ["**/*.sql"], languageOptions, rules }];
}

export function eslint(preset: Preset = "recommended", languageOptions: PgsafeLanguageOptions = {}, rules: Linter.RulesRecord = {}): ESLint {
  return new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config(preset, languageOptions, rules) });
}

/** A message as both tools report it. */
export interface Comparable {
  ruleId: string | null;
  severity: number;
  message: string;
  messageId?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fix?: { range: [number, number]; text: string };
  suggestions?: { desc: string; messageId?: string; fix: { range: [number, number]; text: string } }[];
}

function order(a: Comparable, b: Comparable): number {
  return (
    a.line - b.line ||
    a.column - b.column ||
    String(a.ruleId).localeCompare(String(b.ruleId)) ||
    (a.endLine ?? 0) - (b.endLine ?? 0) ||
    (a.endColumn ?? 0) - (b.endColumn ?? 0) ||
    a.message.localeCompare(b.message)
  );
}

type AnyMessage = Linter.LintMessage | LintMessage;

/** The shared fields, the ESLint rule id without its `pgsafe/` prefix, sorted. */
export function comparable(messages: readonly AnyMessage[]): Comparable[] {
  return messages
    .map((m) => {
      const out: Comparable = { ruleId: m.ruleId ? m.ruleId.replace(/^pgsafe\//, "") : null, severity: m.severity, message: m.message, line: m.line, column: m.column };
      if (m.messageId) out.messageId = m.messageId;
      if (m.endLine !== undefined) out.endLine = m.endLine;
      if (m.endColumn !== undefined) out.endColumn = m.endColumn;
      if (m.fix) out.fix = { range: [m.fix.range[0], m.fix.range[1]], text: m.fix.text };
      if (m.suggestions && m.suggestions.length > 0) {
        out.suggestions = m.suggestions.map((s) => ({
          desc: s.desc,
          ...(s.messageId ? { messageId: s.messageId } : {}),
          fix: { range: [s.fix.range[0], s.fix.range[1]] as [number, number], text: s.fix.text },
        }));
      }
      return out;
    })
    .sort(order);
}

/** pgsafe's library options for the same settings as `config(preset, languageOptions)`. */
export function pgsafeOptions(preset: Preset, languageOptions: PgsafeLanguageOptions, filePath: string): LintTextOptions {
  return { preset, cwd: ROOT, filePath, ...(languageOptions as LintTextOptions) };
}

/** pgsafe's findings for a file on disk (linted on its own, as ESLint lints it). */
export function pgsafeFile(file: string, preset: Preset = "recommended", languageOptions: PgsafeLanguageOptions = {}): Comparable[] {
  return comparable(lintText(readFileSync(file, "utf8"), pgsafeOptions(preset, languageOptions, file)).messages);
}

/** ESLint's findings for files on disk, by absolute path. */
export async function eslintFiles(files: readonly string[], preset: Preset = "recommended", languageOptions: PgsafeLanguageOptions = {}): Promise<Map<string, Comparable[]>> {
  const results = await eslint(preset, languageOptions).lintFiles(files.map((f) => relative(ROOT, f)));
  return new Map(results.map((r) => [r.filePath, comparable(r.messages)]));
}

/** The *.sql files under a directory, recursively, as absolute paths. */
export function sqlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".sql"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
