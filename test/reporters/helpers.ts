/**
 * Builds LintResults by hand for reporter tests, so that the snapshots show the reporters'
 * rendering and do not change when a rule's wording does.
 */
import { SourceText } from "../../src/parser/positions.js";
import type { LintMessage, LintResult } from "../../src/types.js";

export interface Finding {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  /** The text the finding covers (its first occurrence, or the `nth`). */
  at: string;
  nth?: number;
  help?: string;
  docsUrl?: string;
  fix?: { range: [number, number]; text: string };
  fatal?: boolean;
}

export function resultFor(filePath: string, source: string, findings: Finding[]): LintResult {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const positions = new SourceText(text);
  const messages: LintMessage[] = findings.map((f) => {
    let start = -1;
    for (let i = 0; i <= (f.nth ?? 0); i++) start = text.indexOf(f.at, start + 1);
    if (start < 0) throw new Error(`"${f.at}" is not in the source`);
    const end = start + f.at.length;
    const a = positions.positionAt(start);
    const b = positions.positionAt(end);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      messageId: "example",
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
      range: [start, end],
      ...(f.help ? { help: f.help } : {}),
      ...(f.docsUrl ? { docsUrl: f.docsUrl } : {}),
      ...(f.fix ? { fix: f.fix } : {}),
      ...(f.fatal ? { fatal: true } : {}),
    };
  });
  const count = (severity: 1 | 2, fixable = false) => messages.filter((m) => m.severity === severity && (!fixable || m.fix)).length;
  return {
    filePath,
    messages,
    suppressedMessages: [],
    errorCount: count(2),
    warningCount: count(1),
    fixableErrorCount: count(2, true),
    fixableWarningCount: count(1, true),
    source,
    statementCount: 0,
  };
}
