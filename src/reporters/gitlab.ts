/**
 * `--format gitlab`: a GitLab Code Quality report (the Code Climate subset GitLab reads), for
 * `artifacts: reports: codequality:` — GitLab shows the findings in the merge request widget and
 * in the changes view.
 *
 *   [{ "description": "...", "check_name": "require-concurrent-index-creation",
 *      "fingerprint": "<md5>", "severity": "major",
 *      "location": { "path": "db/0004.sql", "lines": { "begin": 3, "end": 3 } } }]
 *
 * Severity: a warning is "minor", an error "major", and a finding that stops the file from being
 * checked (a statement that does not parse, an internal error) "critical"; pgsafe never uses
 * "info" or "blocker".
 *
 * The fingerprint identifies a finding across commits (GitLab compares the merge request's
 * report with the target branch's): md5 of the rule id, the path, the finding's first line with
 * surrounding whitespace removed, and which occurrence of that (rule, path, line text) it is. It
 * stays the same when lines are added above the finding, and changes when the line itself does.
 * The output is plain UTF-8 JSON without a byte-order mark (GitLab rejects one).
 */
import { createHash } from "node:crypto";
import { SourceText } from "../parser/positions.js";
import type { LintMessage, LintResult } from "../types.js";
import type { Reporter, StreamReporter } from "./index.js";
import { displayPath, reportRoot } from "./paths.js";

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: "minor" | "major" | "critical";
  location: { path: string; lines: { begin: number; end: number } };
}

function severityOf(m: LintMessage): CodeQualityIssue["severity"] {
  if (m.fatal || m.ruleId === "syntax-error") return "critical";
  return m.severity === 2 ? "major" : "minor";
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One file's issues. */
function fileIssues(r: LintResult, root: string): CodeQualityIssue[] {
  if (r.messages.length === 0) return [];
  const path = displayPath(root, r.filePath);
  const source = new SourceText(withoutBom(r.source));
  const occurrences = new Map<string, number>();
  return r.messages.map((m) => {
    const lineText = m.line <= source.lineCount ? source.lineText(m.line).trim() : "";
    const key = `${m.ruleId}\0${path}\0${lineText}`;
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    return {
      description: m.message,
      check_name: m.ruleId,
      fingerprint: createHash("md5").update(`${key}\0${n}`).digest("hex"),
      severity: severityOf(m),
      location: { path, lines: { begin: m.line, end: m.endLine > m.line && m.endColumn === 1 ? m.endLine - 1 : Math.max(m.line, m.endLine) } },
    };
  });
}

export function toCodeQuality(results: readonly LintResult[], root: string): CodeQualityIssue[] {
  return results.flatMap((r) => fileIssues(r, root));
}

const gitlab: Reporter = (results, context) => `${JSON.stringify(toCodeQuality(results, reportRoot(context)), null, 2)}\n`;

/**
 * The same JSON, each file's issues as the file comes: an array element printed with two spaces
 * of indentation is the element printed alone with each line indented two more (JSON strings
 * hold no line breaks).
 */
export const stream: StreamReporter = (context, write) => {
  const root = reportRoot(context);
  let first = true;
  return {
    add(r) {
      for (const issue of fileIssues(r, root)) {
        write(`${first ? "[\n  " : ",\n  "}${JSON.stringify(issue, null, 2).replace(/\n/g, "\n  ")}`);
        first = false;
      }
    },
    end: () => write(first ? "[]\n" : "\n]\n"),
  };
};

export default gitlab;
