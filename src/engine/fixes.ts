/**
 * Applying fixes, as ESLint does.
 *
 *   const { output, applied } = applyFixes(text, result.messages);
 *
 * One pass: the fixes are sorted by range, and a fix that starts inside (or at the end of) the span
 * of a fix already applied is skipped; it is applied in a later pass, after the text is linted
 * again. A byte-order mark at the start of the text is kept (fix ranges never include it).
 *
 * `fixText` runs the passes: lint, apply, lint again, at most MAX_FIX_PASSES times, and never keeps
 * a fix after which the SQL no longer parses.
 */
import { parseSql } from "../parser/parse.js";
import type { LintMessage, LintResult } from "../types.js";

/** ESLint's limit on lint → fix → lint passes. */
export const MAX_FIX_PASSES = 10;

const BOM = "\uFEFF";

type Fixable = LintMessage & { fix: NonNullable<LintMessage["fix"]> };

function byFixRange(a: Fixable, b: Fixable): number {
  return a.fix.range[0] - b.fix.range[0] || a.fix.range[1] - b.fix.range[1];
}

/**
 * Applies the messages' fixes to `text` in one pass. `applied` lists the messages whose fix was
 * applied, in text order; the others (overlapping an earlier fix, or with a broken range) are not.
 */
export function applyFixes(text: string, messages: readonly LintMessage[]): { output: string; applied: LintMessage[] } {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = bom ? text.slice(1) : text;
  const fixes = messages.filter((m): m is Fixable => m.fix !== undefined).sort(byFixRange);
  const applied: LintMessage[] = [];
  let output = "";
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const m of fixes) {
    const [start, end] = m.fix.range;
    if (start <= lastEnd || start < 0 || end < start || end > body.length) continue;
    output += body.slice(Math.max(0, lastEnd), start) + m.fix.text;
    lastEnd = end;
    applied.push(m);
  }
  if (applied.length === 0) return { output: text, applied };
  output += body.slice(Math.max(0, lastEnd));
  return { output: bom + output, applied };
}

function syntaxErrorCount(text: string): number {
  return parseSql(text.startsWith(BOM) ? text.slice(1) : text).errors.length;
}

/**
 * One pass that keeps the SQL parseable: all fixes at once, or, when that breaks the parse, each
 * fix on its own terms (kept only if the text still parses as well as before).
 */
function applyParseable(text: string, messages: readonly LintMessage[]): { output: string; applied: LintMessage[] } {
  const all = applyFixes(text, messages);
  if (all.applied.length === 0) return all;
  const before = syntaxErrorCount(text);
  if (syntaxErrorCount(all.output) <= before) return all;
  const kept: LintMessage[] = [];
  for (const candidate of all.applied) {
    const trial = applyFixes(text, [...kept, candidate]);
    if (trial.applied.length === kept.length + 1 && syntaxErrorCount(trial.output) <= before) kept.push(candidate);
  }
  return applyFixes(text, kept);
}

export interface FixedText {
  /** The result of linting the final text (what is left). */
  result: LintResult;
  /** The final text, when a fix changed it. */
  output?: string;
  /** Fixes applied, over all passes. */
  fixCount: number;
}

/**
 * Lints `text`, applies the fixes, and lints the output again, until nothing is left to fix or
 * MAX_FIX_PASSES passes ran. The result's messages and `source` are those of the final text.
 * With `accept`, only the fixes of the findings it accepts are applied.
 */
export function fixText(text: string, lint: (text: string) => LintResult, accept?: (message: LintMessage) => boolean): FixedText {
  let current = text;
  let result = lint(current);
  let fixCount = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const { output, applied } = applyParseable(current, accept ? result.messages.filter(accept) : result.messages);
    if (applied.length === 0 || output === current) break;
    fixCount += applied.length;
    current = output;
    result = lint(current);
  }
  return { result, ...(current !== text ? { output: current } : {}), fixCount };
}
