/**
 * Linting the migrations of one file separately and reporting them as one file.
 *
 * Each section is linted as the whole file with every UTF-16 code unit outside the section
 * replaced by a space (line breaks kept), so that lines, columns, ranges and fixes are the file's
 * own. `pgsafe-ignore-file` comments are kept in every section; an unused-ignore finding on such a
 * comment is reported only when no section used it.
 */
import { SourceText } from "../../parser/positions.js";
import { tokenize } from "../../parser/tokens.js";
import type { LintMessage, LintResult } from "../../types.js";

const LINE_TEXT = /[^\r\n]+/g;

/** The text with every character but the line breaks replaced by a space. */
function blank(text: string): string {
  return text.replace(LINE_TEXT, (run) => " ".repeat(run.length));
}

/** The text with everything outside `keep` blanked out: same length, same line breaks. */
export function blankOutside(text: string, keep: readonly (readonly [number, number])[]): string {
  return blankerOf(text)(keep);
}

/**
 * `blankOutside` for several sections of one text: the text is blanked once (on first use), and
 * each section is pieced together from slices of the text and of its blanked copy.
 */
export function blankerOf(text: string): (keep: readonly (readonly [number, number])[]) => string {
  let blanked: string | undefined;
  const gap = (from: number, to: number): string => (from < to ? (blanked ??= blank(text)).slice(from, to) : "");
  return (keep) => {
    const ranges = keep.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
    let out = "";
    let at = 0;
    for (const [s, e] of ranges) {
      const start = Math.max(s, at);
      const end = Math.min(e, text.length);
      if (end <= start) continue;
      out += gap(at, start) + text.slice(start, end);
      at = end;
    }
    return out + gap(at, text.length);
  };
}

/** The text with each range (a marker line) replaced by a `;` and blanks: same length. */
export function terminateAt(text: string, ranges: readonly (readonly [number, number])[]): string {
  let out = text;
  for (const [s, e] of ranges) if (e > s) out = `${out.slice(0, s)};${" ".repeat(e - s - 1)}${out.slice(e)}`;
  return out;
}

const FILE_DIRECTIVE = /^(?:--|\/\*)\s*pgsafe-ignore-file(?=\s|\*\/|$)/;

/** Ranges of the `pgsafe-ignore-file` comments, which apply to every section of the file. */
export function fileDirectiveRanges(text: string): [number, number][] {
  if (!text.includes("pgsafe-ignore-file")) return [];
  return tokenize(new SourceText(text))
    .filter((t) => (t.kind === "comment-line" || t.kind === "comment-block") && FILE_DIRECTIVE.test(text.slice(t.start, t.end)))
    .map((t) => [t.start, t.end]);
}

function compareMessages(a: LintMessage, b: LintMessage): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

const FILE_UNUSED = new Set(["unusedFile", "unusedRuleFile"]);

/** One result for the file from the results of its sections (linted in order). */
export function mergeResults(results: readonly LintResult[], source: string): LintResult {
  const found = new Map<string, { message: LintMessage; count: number }>();
  for (const result of results) {
    for (const message of result.messages) {
      const key = `${message.ruleId}\u0000${message.messageId ?? ""}\u0000${message.range[0]}\u0000${message.range[1]}\u0000${message.message}`;
      const entry = found.get(key);
      if (entry) entry.count++;
      else found.set(key, { message, count: 1 });
    }
  }
  const messages = [...found.values()]
    .filter(({ message, count }) => !(message.ruleId === "unused-ignore" && FILE_UNUSED.has(message.messageId ?? "") && count < results.length))
    .map(({ message }) => message)
    .sort(compareMessages);
  const suppressedMessages = results.flatMap((r) => r.suppressedMessages).sort(compareMessages);
  const count = (severity: 1 | 2, fixable = false): number => messages.filter((m) => m.severity === severity && (!fixable || m.fix !== undefined)).length;
  return {
    filePath: results[0]?.filePath ?? "<text>",
    messages,
    suppressedMessages,
    errorCount: count(2),
    warningCount: count(1),
    fixableErrorCount: count(2, true),
    fixableWarningCount: count(1, true),
    source,
    statementCount: results.reduce((n, r) => n + r.statementCount, 0),
    ...(results.some((r) => r.lockTimelines) ? { lockTimelines: results.flatMap((r) => r.lockTimelines ?? []) } : {}),
  };
}
