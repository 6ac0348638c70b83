/**
 * `pgsafe trace --format sarif`: SARIF 2.1.0, one run, like `pgsafe --format sarif` (the same rule
 * descriptors, paths relative to the repository root, line fingerprints), with the lint findings
 * of the traced files plus two results of trace's own:
 *
 * - `trace/statement-failed` (error): PostgreSQL refused a statement; at the position it names.
 * - `trace/model-mismatch` (warning): pgsafe's lock model disagrees with what PostgreSQL did (a
 *   bug in pgsafe, to report); at the statement.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { rules as registry } from "../../rules/index.js";
import { REPOSITORY_URL } from "../meta.js";
import type { TracedFile } from "../trace/types.js";
import { lineFingerprints } from "./fingerprint.js";
import { relativeTo, repositoryRoot } from "./paths.js";
import { pgsafePackage } from "./rule-docs.js";
import { ruleDescriptor, SARIF_SCHEMA, type SarifResult, type SarifRule } from "./sarif.js";
import type { TraceReporter } from "./trace-text.js";

const SRCROOT = "%SRCROOT%";

const TRACE_RULES: SarifRule[] = [
  {
    id: "trace/statement-failed",
    name: "trace/statement-failed",
    shortDescription: { text: "PostgreSQL refused the statement when pgsafe trace ran the migrations." },
    fullDescription: { text: "pgsafe trace replayed the migrations in an embedded PostgreSQL 18 and this statement raised an error: it would fail in production too (with the same schema and data)." },
    help: { text: "Read PostgreSQL's message: the migration stops here, and a transactional migration rolls back. See docs/trace.md." },
    helpUri: `${REPOSITORY_URL}/blob/main/docs/trace.md`,
    defaultConfiguration: { level: "error" },
    properties: { tags: ["postgresql", "migrations", "trace"], precision: "very-high", "problem.severity": "error" },
  },
  {
    id: "trace/model-mismatch",
    name: "trace/model-mismatch",
    shortDescription: { text: "pgsafe's lock model disagrees with what PostgreSQL did." },
    fullDescription: { text: "The lock, rewrite or scan pgsafe predicts for the statement is not what PostgreSQL 18 did when pgsafe trace ran it. This is a bug in pgsafe." },
    help: { text: `Please report it at ${REPOSITORY_URL}/issues with the statement and the message.` },
    helpUri: `${REPOSITORY_URL}/issues`,
    defaultConfiguration: { level: "warning" },
    properties: { tags: ["postgresql", "migrations", "trace"], precision: "high", "problem.severity": "warning" },
  },
];

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith("/") ? href : `${href}/`;
}

function fileText(file: TracedFile): string {
  try {
    return readFileSync(file.filePath, "utf8");
  } catch {
    return "";
  }
}

const traceSarif: TraceReporter = (report, context) => {
  const root = repositoryRoot(context.cwd);
  const descriptors: SarifRule[] = [...Object.entries(registry).map(([id, rule]) => ruleDescriptor(id, rule)), ...TRACE_RULES];
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  const results: SarifResult[] = [];
  for (const file of report.files) {
    const rel = relativeTo(root, file.filePath);
    const artifactLocation = rel !== undefined ? { uri: encodePath(rel), uriBaseId: SRCROOT } : { uri: pathToFileURL(file.filePath).href };
    const lines = lineFingerprints(fileText(file));
    const push = (ruleId: string, level: "error" | "warning", text: string, region: { startLine: number; startColumn: number; endLine: number; endColumn: number }): void => {
      const ruleIndex = index.get(ruleId);
      if (ruleIndex === undefined) return;
      results.push({
        ruleId,
        ruleIndex,
        level,
        message: { text },
        locations: [{ physicalLocation: { artifactLocation, region } }],
        partialFingerprints: { primaryLocationLineHash: lines[region.startLine - 1] ?? lines[0] ?? "0:1" },
      });
    };
    const findings = [...file.statements.flatMap((s) => s.findings), ...file.otherFindings];
    for (const m of findings) {
      push(m.ruleId, m.severity === 2 ? "error" : "warning", m.help ? `${m.message}\n\n${m.help}` : m.message, {
        startLine: m.line,
        startColumn: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
      });
    }
    for (const s of file.statements) {
      const error = s.observed.error;
      if (error) {
        push("trace/statement-failed", "error", `PostgreSQL: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ""}${error.detail ? `\n\n${error.detail}` : ""}`, {
          startLine: error.line,
          startColumn: error.column,
          endLine: error.line,
          endColumn: error.column + 1,
        });
      }
      for (const c of s.comparisons.filter((x) => x.status === "mismatch")) {
        push("trace/model-mismatch", "warning", c.message, { startLine: s.line, startColumn: s.column, endLine: s.endLine, endColumn: s.endColumn });
      }
    }
  }
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "pgsafe", semanticVersion: pgsafePackage().version, informationUri: REPOSITORY_URL, rules: descriptors } },
        invocations: [{ executionSuccessful: true }],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(root), description: { text: "The root of the repository the migrations are in." } } },
        columnKind: "utf16CodeUnits",
        results,
        properties: { postgres: report.postgres, summary: report.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

export default traceSarif;
