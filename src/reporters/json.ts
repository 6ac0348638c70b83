/**
 * `--format json`: ESLint's JSON shape, one object per linted file, so tools that read ESLint's
 * output read pgsafe's. Lines and columns are 1-based, columns in UTF-16 code units, endColumn
 * exclusive; fix ranges are UTF-16 offsets into the file's text without a byte-order mark.
 */
import type { LintMessage, LintResult } from "../types.js";
import type { Reporter, StreamReporter } from "./index.js";

export interface JsonMessage {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  messageId?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fatal?: true;
  fix?: { range: [number, number]; text: string };
  suggestions?: { desc: string; messageId?: string; fix: { range: [number, number]; text: string } }[];
  help?: string;
  docsUrl?: string;
}

export interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
  suppressedMessages: JsonMessage[];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  source?: string;
}

/** The public fields of a message, in a stable order (internal fields such as `range` are left out). */
export function toJsonMessage(m: LintMessage): JsonMessage {
  const out: JsonMessage = {
    ruleId: m.ruleId,
    severity: m.severity,
    message: m.message,
    ...(m.messageId ? { messageId: m.messageId } : {}),
    line: m.line,
    column: m.column,
    endLine: m.endLine,
    endColumn: m.endColumn,
  };
  if (m.fatal) out.fatal = true;
  if (m.fix) out.fix = { range: [m.fix.range[0], m.fix.range[1]], text: m.fix.text };
  if (m.suggestions && m.suggestions.length > 0) {
    out.suggestions = m.suggestions.map((s) => ({
      desc: s.desc,
      ...(s.messageId ? { messageId: s.messageId } : {}),
      fix: { range: [s.fix.range[0], s.fix.range[1]], text: s.fix.text },
    }));
  }
  if (m.help) out.help = m.help;
  if (m.docsUrl) out.docsUrl = m.docsUrl;
  return out;
}

export function toJsonResult(r: LintResult): JsonResult {
  return {
    filePath: r.filePath,
    messages: r.messages.map(toJsonMessage),
    suppressedMessages: r.suppressedMessages.map(toJsonMessage),
    errorCount: r.errorCount,
    fatalErrorCount: r.messages.filter((m) => m.fatal).length,
    warningCount: r.warningCount,
    fixableErrorCount: r.fixableErrorCount,
    fixableWarningCount: r.fixableWarningCount,
    // As ESLint: the source only for files with problems.
    ...(r.messages.length > 0 ? { source: r.source } : {}),
  };
}

const json: Reporter = (results) => `${JSON.stringify(results.map(toJsonResult))}\n`;

/** The same array, one element per file as it comes. */
export const stream: StreamReporter = (_context, write) => {
  let first = true;
  return {
    add(result) {
      write(`${first ? "[" : ","}${JSON.stringify(toJsonResult(result))}`);
      first = false;
    },
    end: () => write(first ? "[]\n" : "]\n"),
  };
};

export default json;
