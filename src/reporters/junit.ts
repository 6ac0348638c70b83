/**
 * `--format junit`: JUnit XML for CI systems that show test reports (GitLab `reports: junit`,
 * Jenkins, Azure Pipelines, CircleCI, ...). One test suite "pgsafe"; one test case per linted
 * file (named by its path relative to the repository root), passing when the file has no
 * findings; one <failure> per finding, its `type` the rule id, its `message` the location and the
 * message, its text the location, severity, message, safe path and docs link.
 *
 * Everything is XML-escaped; characters XML 1.0 cannot carry at all (control characters other than
 * tab, newline and carriage return, U+FFFE, U+FFFF, unpaired surrogates) are written as `\uXXXX`.
 */
import type { LintMessage, LintResult } from "../types.js";
import type { Reporter, StreamReporter } from "./index.js";
import { displayPath, reportRoot } from "./paths.js";

// eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(text: string): string {
  return text.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Escapes character data (element text). */
export function xmlText(text: string): string {
  return visible(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes an attribute value (double-quoted); line breaks and tabs survive attribute normalisation. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

function failure(path: string, m: LintMessage): string {
  const where = `${path}:${m.line}:${m.column}`;
  const body = [
    `${m.severity === 2 ? "error" : "warning"} ${m.ruleId} at ${where} (to ${m.endLine}:${m.endColumn})`,
    m.message,
    ...(m.help ? ["", m.help] : []),
    ...(m.docsUrl ? ["", m.docsUrl] : []),
  ].join("\n");
  return `      <failure type="${xmlAttribute(m.ruleId)}" message="${xmlAttribute(`${where}: ${m.message}`)}">${xmlText(body)}</failure>`;
}

/** A file's test case: one line for a clean file, else its failures between the tags. */
function testcase(root: string, r: LintResult): string[] {
  const path = displayPath(root, r.filePath);
  const attributes = `name="${xmlAttribute(path)}" classname="pgsafe" file="${xmlAttribute(path)}" time="0"`;
  if (r.messages.length === 0) return [`    <testcase ${attributes} />`];
  return [`    <testcase ${attributes}>`, ...r.messages.map((m) => failure(path, m)), "    </testcase>"];
}

function head(tests: number, failed: number): string[] {
  const counts = `tests="${tests}" failures="${failed}" errors="0"`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="pgsafe" ${counts} time="0">`, `  <testsuite name="pgsafe" ${counts} skipped="0" time="0">`];
}

const TAIL = ["  </testsuite>", "</testsuites>"];

const junit: Reporter = (results, context) => {
  const root = reportRoot(context);
  const failed = results.filter((r) => r.messages.length > 0).length;
  const lines = [...head(results.length, failed), ...results.flatMap((r) => testcase(root, r)), ...TAIL];
  return `${lines.join("\n")}\n`;
};

/**
 * The same XML. Its head counts the files and failures, so the test cases wait (as text, without
 * the files' sources) until the end.
 */
export const stream: StreamReporter = (context, write) => {
  const root = reportRoot(context);
  const cases: string[] = [];
  let failed = 0;
  return {
    add(r) {
      if (r.messages.length > 0) failed++;
      cases.push(testcase(root, r).join("\n"));
    },
    end() {
      write(`${head(cases.length, failed).join("\n")}\n`);
      for (const text of cases) write(`${text}\n`);
      write(`${TAIL.join("\n")}\n`);
    },
  };
};

export default junit;
