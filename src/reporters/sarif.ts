/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif) and
 * other SARIF viewers. One run; `tool.driver.rules` describes every rule (help = the rule page's
 * "Safe migration, step by step", read from the installed package's docs folder); each finding is a
 * result with its rule, level, message (with the safe path for it), a path relative to the
 * repository root (`%SRCROOT%`), its full region in UTF-16 columns, and the line fingerprint GitHub
 * uses to track alerts across commits.
 *
 * Left out on purpose: findings silenced by pgsafe-ignore comments (GitHub ignores SARIF
 * `suppressions` and would open alerts for them). GitHub rejects a run with more than 25,000
 * results: pgsafe keeps the 25,000 most severe (errors first, then in file order) and says so in
 * a tool notification and in `run.properties`.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { rules as registry } from "../../rules/index.js";
import { REPOSITORY_URL } from "../meta.js";
import type { LintMessage, LintResult, PgRuleDefinition } from "../types.js";
import { lineFingerprints } from "./fingerprint.js";
import type { Reporter, ReporterContext, StreamReporter } from "./index.js";
import { relativeTo, reportRoot } from "./paths.js";
import { firstParagraph, markdownToText, pgsafePackage, ruleDocSections, truncateText } from "./rule-docs.js";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/** GitHub code scanning rejects a run with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000;
/** GitHub's limit for shortDescription / fullDescription text. */
const MAX_DESCRIPTION = 1024;
const SRCROOT = "%SRCROOT%";

type Level = "error" | "warning" | "note";

interface Message {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  helpUri: string;
  defaultConfiguration: { enabled?: boolean; level: Level };
  properties: {
    tags: string[];
    precision: "very-high" | "high" | "medium" | "low";
    "problem.severity": "error" | "warning" | "recommendation";
  };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: Message;
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
  partialFingerprints: { primaryLocationLineHash: string };
}

interface Notification {
  level: Level;
  message: Message;
  descriptor: { id: string };
  associatedRule?: { id: string; index: number };
}

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: [
    {
      tool: {
        driver: { name: "pgsafe"; semanticVersion: string; informationUri: string; rules: SarifRule[] };
      };
      invocations: [{ executionSuccessful: boolean; toolExecutionNotifications?: Notification[] }];
      originalUriBaseIds: Record<string, { uri: string; description: Message }>;
      columnKind: "utf16CodeUnits";
      results: SarifResult[];
      properties?: Record<string, unknown>;
    },
  ];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRule = PgRuleDefinition<any, any>;

function kebab(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** Relative links of a docs page made absolute, so that they work where GitHub shows the help. */
function absoluteLinks(markdown: string, base: string): string {
  return markdown.replace(/\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)/gi, (_, href: string) => `](${new URL(href, base).href})`);
}

/** A rule's reportingDescriptor: its metadata plus the "Why" and "Safe migration" sections of its page. */
export function ruleDescriptor(id: string, rule: AnyRule): SarifRule {
  const docs = rule.meta.docs;
  const description = docs.description;
  const sentence = /[.!?]$/.test(description) ? description : `${description}.`;
  const url = docs.url;
  const sections = ruleDocSections(id);
  const why = sections.why ? firstParagraph(sections.why) : "";
  const link = `See the rule's documentation for the reasons, examples, options and PostgreSQL versions: ${url}`;
  const helpMarkdown = sections.safe
    ? `${sentence}\n\n## Safe migration, step by step\n\n${absoluteLinks(sections.safe, url)}\n\n[Documentation of ${id}](${url})`
    : `${sentence}\n\n[Documentation of ${id}](${url})`;
  const helpText = sections.safe ? `${sentence}\n\nSafe migration, step by step:\n\n${markdownToText(sections.safe)}\n\n${link}` : `${sentence}\n\n${link}`;
  const severity = docs.defaultSeverity;
  return {
    id,
    name: id,
    shortDescription: { text: truncateText(description, MAX_DESCRIPTION) },
    fullDescription: { text: truncateText(why ? `${sentence} ${why}` : sentence, MAX_DESCRIPTION) },
    help: { text: helpText, markdown: helpMarkdown },
    helpUri: url,
    defaultConfiguration: severity === "off" ? { enabled: false, level: "warning" } : { level: severity === "error" ? "error" : "warning" },
    properties: {
      tags: [docs.category, "postgresql", "migrations", ...(docs.lock ? [`lock-${kebab(docs.lock)}`] : [])],
      precision: docs.category === "syntax" ? "very-high" : "high",
      "problem.severity": severity === "error" ? "error" : severity === "warn" && rule.meta.type === "problem" ? "warning" : "recommendation",
    },
  };
}

/** A descriptor for a rule id that is not in the registry (a finding from a rule pgsafe does not know). */
function unknownRuleDescriptor(id: string): SarifRule {
  const text = `Findings reported under the rule id "${id}".`;
  return {
    id,
    name: id,
    shortDescription: { text },
    fullDescription: { text },
    help: { text: `${text} Each finding's message explains it.` },
    helpUri: REPOSITORY_URL,
    defaultConfiguration: { level: "warning" },
    properties: { tags: ["postgresql", "migrations"], precision: "high", "problem.severity": "warning" },
  };
}

/**
 * The text the upload step fingerprints: the file's text with its UTF-8 byte-order mark, which
 * pgsafe drops when it decodes the file but the upload step reads as a character of line 1.
 */
function uploadedText(result: LintResult): string {
  const source = result.source;
  if (source.charCodeAt(0) === 0xfeff || !isAbsolute(result.filePath)) return source;
  let fd: number | undefined;
  try {
    fd = openSync(result.filePath, "r");
    const head = Buffer.alloc(3);
    const n = readSync(fd, head, 0, 3, 0);
    return n === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? `\ufeff${source}` : source;
  } catch {
    return source;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function artifactLocation(root: string, filePath: string): { uri: string; uriBaseId?: string } {
  const rel = relativeTo(root, filePath);
  if (rel !== undefined) return { uri: encodePath(rel), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(filePath).href };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith("/") ? href : `${href}/`;
}

function messageText(m: LintMessage): string {
  return m.help ? `${m.message}\n\n${m.help}` : m.message;
}

/** The rule descriptors, and each rule id's index among them (adding a descriptor for an id not in the registry). */
function ruleIndexer(context: ReporterContext): { descriptors: SarifRule[]; indexOf: (ruleId: string) => number } {
  const rules: Record<string, AnyRule> = context.rules ?? registry;
  const descriptors: SarifRule[] = Object.entries(rules).map(([id, rule]) => ruleDescriptor(id, rule));
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  const indexOf = (ruleId: string): number => {
    let i = index.get(ruleId);
    if (i === undefined) {
      i = descriptors.push(unknownRuleDescriptor(ruleId)) - 1;
      index.set(ruleId, i);
    }
    return i;
  };
  return { descriptors, indexOf };
}

/** A finding as a SARIF result, without its rule index (known once the kept findings are known). */
type PendingResult = Omit<SarifResult, "ruleIndex"> & { ruleIndex?: number };

function pendingResult(m: LintMessage, location: SarifResult["locations"][number]["physicalLocation"]["artifactLocation"], lines: readonly string[]): PendingResult {
  return {
    ruleId: m.ruleId,
    level: m.severity === 2 ? "error" : "warning",
    message: { text: messageText(m) },
    locations: [{ physicalLocation: { artifactLocation: location, region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn } } }],
    // A line past the end cannot happen for a finding inside the file; line 1's hash stands in.
    partialFingerprints: { primaryLocationLineHash: lines[m.line - 1] ?? lines[0]! },
  };
}

/** The result with its rule index (in SARIF's key order); the notification for a finding that stopped a file from being checked. */
function finish(pending: PendingResult, indexOf: (ruleId: string) => number, fatal: string | undefined, notifications: Notification[]): SarifResult {
  const ruleIndex = indexOf(pending.ruleId);
  if (fatal !== undefined) {
    notifications.push({ level: "error", message: { text: fatal }, descriptor: { id: "internal-error" }, associatedRule: { id: pending.ruleId, index: ruleIndex } });
  }
  const { ruleId, level, message, locations, partialFingerprints } = pending;
  return { ruleId, ruleIndex, level, message, locations, partialFingerprints };
}

function fatalText(m: LintMessage, root: string, filePath: string): string | undefined {
  return m.fatal ? `${m.message} (${relativeTo(root, filePath) ?? filePath})` : undefined;
}

/** Whether the run is cut to MAX_RESULTS_PER_RUN: keeps the first findings of each severity within budget (errors first). */
function budgets(total: number, errors: number): { errors: number; warnings: number } | undefined {
  if (total <= MAX_RESULTS_PER_RUN) return undefined;
  const keptErrors = Math.min(errors, MAX_RESULTS_PER_RUN);
  return { errors: keptErrors, warnings: MAX_RESULTS_PER_RUN - keptErrors };
}

/** The truncation notification (first among the notifications) and the run's properties, when findings were left out. */
function truncation(total: number, errors: number, kept: number, notifications: Notification[]): Record<string, unknown> | undefined {
  if (kept >= total) return undefined;
  const omitted = total - kept;
  notifications.unshift({
    level: "warning",
    message: {
      text:
        `pgsafe found ${total} problems (${errors} errors); GitHub code scanning accepts at most ${MAX_RESULTS_PER_RUN} results per run, ` +
        `so the ${kept} most severe are reported and ${omitted} ${omitted === 1 ? "is" : "are"} left out. Run pgsafe with --format text or json for the full list.`,
    },
    descriptor: { id: "results-truncated" },
  });
  return { truncated: true, totalResults: total, reportedResults: kept, omittedResults: omitted };
}

function sarifLog(root: string, descriptors: SarifRule[], results: SarifResult[], notifications: Notification[], properties: Record<string, unknown> | undefined): SarifLog {
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: "pgsafe", semanticVersion: pgsafePackage().version, informationUri: REPOSITORY_URL, rules: descriptors },
        },
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: {
          [SRCROOT]: { uri: directoryUri(root), description: { text: "The root of the repository the migrations are in." } },
        },
        columnKind: "utf16CodeUnits",
        results,
        ...(properties ? { properties } : {}),
      },
    ],
  };
}

/** Builds the SARIF log object (the reporter prints it as JSON). */
export function toSarif(results: readonly LintResult[], context: ReporterContext): SarifLog {
  const root = reportRoot(context);
  const { descriptors, indexOf } = ruleIndexer(context);

  // Every finding, in file order; the most severe MAX_RESULTS_PER_RUN of them are kept.
  const all: { file: number; message: LintMessage }[] = [];
  results.forEach((r, file) => {
    for (const message of r.messages) all.push({ file, message });
  });
  let kept = all;
  const errors = all.filter((e) => e.message.severity === 2).length;
  const budget = budgets(all.length, errors);
  if (budget) {
    let { errors: errorBudget, warnings: warningBudget } = budget;
    kept = all.filter((e) => (e.message.severity === 2 ? errorBudget-- > 0 : warningBudget-- > 0));
  }

  const fingerprints = new Map<number, string[]>();
  const out: SarifResult[] = [];
  const notifications: Notification[] = [];
  for (const { file, message: m } of kept) {
    const result = results[file]!;
    let lines = fingerprints.get(file);
    if (!lines) fingerprints.set(file, (lines = lineFingerprints(uploadedText(result))));
    out.push(finish(pendingResult(m, artifactLocation(root, result.filePath), lines), indexOf, fatalText(m, root, result.filePath), notifications));
  }
  const properties = truncation(all.length, errors, kept.length, notifications);
  return sarifLog(root, descriptors, out, notifications, properties);
}

const sarif: Reporter = (results, context) => `${JSON.stringify(toSarif(results, context), null, 2)}\n`;

/** Stands for the results in the printed log, whose text goes in its place one result at a time. */
const RESULTS_MARK = "\u0000pgsafe results\u0000";

/**
 * The same log. Which findings are kept, the rules list (which grows by rules the registry does not
 * know) and the notifications all come before the results in the log and depend on every finding,
 * so the log is written at the end; until then it holds the findings that can still be kept (at
 * most MAX_RESULTS_PER_RUN of each severity, the first ones) as SARIF results, each file's source
 * read once for its line fingerprints and not kept.
 */
export const stream: StreamReporter = (context, write) => {
  const root = reportRoot(context);
  const candidates: { pending: PendingResult; error: boolean; fatal: string | undefined }[] = [];
  let errors = 0;
  let warnings = 0;
  return {
    add(r) {
      let lines: string[] | undefined;
      let location: ReturnType<typeof artifactLocation> | undefined;
      for (const m of r.messages) {
        const error = m.severity === 2;
        // The first MAX_RESULTS_PER_RUN of either severity are the only ones a budget can keep.
        const seen = error ? errors++ : warnings++;
        if (seen >= MAX_RESULTS_PER_RUN) continue;
        lines ??= lineFingerprints(uploadedText(r));
        location ??= artifactLocation(root, r.filePath);
        candidates.push({ pending: pendingResult(m, location, lines), error, fatal: fatalText(m, root, r.filePath) });
      }
    },
    end() {
      const { descriptors, indexOf } = ruleIndexer(context);
      const total = errors + warnings;
      const budget = budgets(total, errors);
      let { errors: errorBudget, warnings: warningBudget } = budget ?? { errors: Infinity, warnings: Infinity };
      const kept = budget ? candidates.filter((c) => (c.error ? errorBudget-- > 0 : warningBudget-- > 0)) : candidates;
      const notifications: Notification[] = [];
      const results = kept.map((c) => finish(c.pending, indexOf, c.fatal, notifications));
      candidates.length = 0;
      const properties = truncation(total, errors, results.length, notifications);
      if (results.length === 0) {
        write(`${JSON.stringify(sarifLog(root, descriptors, results, notifications, properties), null, 2)}\n`);
        return;
      }
      // The log with one stand-in result, split around it: the text before, each result, the text after.
      const skeleton = JSON.stringify(sarifLog(root, descriptors, [RESULTS_MARK as unknown as SarifResult], notifications, properties), null, 2);
      const mark = skeleton.indexOf(JSON.stringify(RESULTS_MARK));
      const indent = skeleton.slice(skeleton.lastIndexOf("\n", mark) + 1, mark);
      write(skeleton.slice(0, mark));
      results.forEach((result, i) => write(`${i > 0 ? `,\n${indent}` : ""}${JSON.stringify(result, null, 2).replace(/\n/g, `\n${indent}`)}`));
      write(`${skeleton.slice(mark + JSON.stringify(RESULTS_MARK).length)}\n`);
    },
  };
};

export default sarif;
