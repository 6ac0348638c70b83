/**
 * The engine: parses a file once, builds its migration context once, runs every enabled rule's
 * visitors in one traversal, turns reports into messages and applies ignore comments.
 */
import type { RuleTextEdit, RuleTextEditor, SourceLocation, SourceRange } from "@eslint/core";
import type { MigrationOptions } from "../analysis/context.js";
import { PgSourceCode, type PgNode } from "../language/source-code.js";
import { parseSql, stripBom, type ParsedSql } from "../parser/parse.js";
import type { Position } from "../parser/positions.js";
import type { LintMessage, LintResult, LintSuggestion, PgReport, PgRuleDefinition } from "../types.js";
import { findSuppressor, ignoreDirectives } from "./directives.js";
import { interpolate } from "./interpolate.js";
import { lintTimeline } from "../timeline.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RuleRegistry = Record<string, PgRuleDefinition<any, any>>;

export interface LintOptions {
  filePath?: string;
  /** All known rules (used to recognise ids in ignore comments). */
  rules: RuleRegistry;
  /** The enabled rules and their severity. */
  severities: Record<string, 1 | 2>;
  migration?: Partial<MigrationOptions>;
  /** Rule options by rule id. */
  ruleOptions?: Record<string, unknown[]>;
  cwd?: string;
  /** Called with the parsed text once the rules are done with it (lintFiles advances its known schema with it). */
  onParsed?: (parsed: ParsedSql) => void;
  /** Attach the file's lock timeline when it has findings and holds a blocking lock across statements (for the text report). */
  lockTimeline?: boolean;
  /** Changes each reported finding, with the file's facts at hand (`--stats`: table sizes, src/stats/apply.ts). */
  adjustMessage?: (message: LintMessage, sourceCode: PgSourceCode) => LintMessage;
}

/** Shared by every rule without options or settings (frozen: a rule cannot change them for the next one). */
const NO_OPTIONS: readonly unknown[] = Object.freeze([]);
const NO_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({});


const fixer: RuleTextEditor<PgNode> = {
  insertTextAfter: (node, text) => ({ range: [node.range[1], node.range[1]], text }),
  insertTextAfterRange: (range, text) => ({ range: [range[1], range[1]], text }),
  insertTextBefore: (node, text) => ({ range: [node.range[0], node.range[0]], text }),
  insertTextBeforeRange: (range, text) => ({ range: [range[0], range[0]], text }),
  remove: (node) => ({ range: node.range, text: "" }),
  removeRange: (range) => ({ range, text: "" }),
  replaceText: (node, text) => ({ range: node.range, text }),
  replaceTextRange: (range, text) => ({ range, text }),
};

/** Merges the edits of one fix into a single edit (as ESLint does). */
export function mergeEdits(text: string, edits: RuleTextEdit | Iterable<RuleTextEdit> | null | undefined): RuleTextEdit | undefined {
  if (!edits) return undefined;
  const list = (Symbol.iterator in Object(edits) ? [...(edits as Iterable<RuleTextEdit>)] : [edits as RuleTextEdit]).sort(
    (a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1],
  );
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  const start = list[0]!.range[0];
  const end = Math.max(...list.map((e) => e.range[1]));
  let out = "";
  let at = start;
  for (const e of list) {
    if (e.range[0] < at) throw new Error("Fix objects must not be overlapped in a report.");
    out += text.slice(at, e.range[0]) + e.text;
    at = e.range[1];
  }
  out += text.slice(at, end);
  return { range: [start, end], text: out };
}

function isPosition(value: SourceLocation | Position): value is Position {
  return "line" in value;
}

function compareMessages(a: LintMessage, b: LintMessage): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

/** The `lockTimelines` of a result (src/timeline.ts), built from the file's parse and migration context. */
function lockTimelines(options: LintOptions, hasFindings: boolean, parsed: ParsedSql, sourceCode: PgSourceCode): Pick<LintResult, "lockTimelines"> {
  if (!options.lockTimeline || !hasFindings) return {};
  const timeline = lintTimeline(parsed, sourceCode.migration, options.migration?.migration?.direction);
  return timeline ? { lockTimelines: [timeline] } : {};
}

interface EnabledRule {
  ruleId: string;
  rule: PgRuleDefinition;
  severity: 1 | 2;
  ruleOptions: readonly unknown[];
}

const enabledCache = new WeakMap<Record<string, 1 | 2>, { rules: RuleRegistry; ruleOptions: LintOptions["ruleOptions"]; list: EnabledRule[] }>();

/** The enabled rules with their severity and options, worked out once per run (lintFiles passes the same severities for every file). */
function enabledRules(options: LintOptions): EnabledRule[] {
  const cached = enabledCache.get(options.severities);
  if (cached && cached.rules === options.rules && cached.ruleOptions === options.ruleOptions) return cached.list;
  const list: EnabledRule[] = [];
  for (const [ruleId, severity] of Object.entries(options.severities)) {
    const rule = options.rules[ruleId];
    if (!rule) continue;
    const ruleOptions = options.ruleOptions?.[ruleId] ?? (rule.meta as { defaultOptions?: unknown[] }).defaultOptions ?? NO_OPTIONS;
    list.push({ ruleId, rule, severity, ruleOptions });
  }
  enabledCache.set(options.severities, { rules: options.rules, ruleOptions: options.ruleOptions, list });
  return list;
}

/** Lints one migration file's text. */
export function lintSource(rawText: string, options: LintOptions): LintResult {
  try {
    return lintParsedSource(rawText, options);
  } catch (error) {
    // Rules are isolated one by one (see internalError); this is the parser or the migration
    // analysis failing on this file (e.g. a statement nested thousands of levels deep). The file
    // gets one finding and the run goes on with the next file.
    if (error instanceof Error && error.name === "PgsafeUsageError") throw error;
    return unanalysableFile(rawText, options, error);
  }
}

/** A finding about the file as a whole, at its start: it could not be (fully) linted. */
function fatalMessage(ruleId: string, message: string): LintMessage {
  return { ruleId, severity: 2, message, line: 1, column: 1, endLine: 1, endColumn: 1, range: [0, 0], fatal: true };
}

function unanalysableFile(rawText: string, options: LintOptions, error: unknown): LintResult {
  const detail = error instanceof RangeError && /call stack/i.test(error.message)
    ? "a statement is nested too deeply to analyse (JavaScript's stack ran out)"
    : `internal error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  const message = fatalMessage("syntax-error", `pgsafe could not analyse this file: ${detail}. None of its statements were checked; please report this if the SQL is valid.`);
  return {
    filePath: options.filePath ?? "<text>",
    messages: [message],
    suppressedMessages: [],
    errorCount: 1,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    source: rawText,
    statementCount: 0,
  };
}

function lintParsedSource(rawText: string, options: LintOptions): LintResult {
  const { text } = stripBom(rawText);
  const filePath = options.filePath ?? "<text>";
  const parsed = parseSql(text);
  const sourceCode = new PgSourceCode(parsed, options.migration);
  const languageOptions = sourceCode.migration.options;
  const messages: LintMessage[] = [];

  const makeMessage = (ruleId: string, rule: PgRuleDefinition, severity: 1 | 2, report: PgReport): LintMessage => {
    let range: SourceRange;
    if ("node" in report && report.node) range = report.node.range;
    else {
      const loc = (report as { loc: SourceLocation | Position }).loc;
      if (isPosition(loc)) {
        const start = sourceCode.source.indexAt(loc);
        range = [start, start];
      } else range = [sourceCode.source.indexAt(loc.start), sourceCode.source.indexAt(loc.end)];
    }
    const template = "messageId" in report && report.messageId ? rule.meta.messages[report.messageId] : (report as { message?: string }).message;
    if (template === undefined) throw new Error(`rule ${ruleId} reported unknown messageId "${(report as { messageId?: string }).messageId}"`);
    const start = sourceCode.source.positionAt(range[0]);
    const end = sourceCode.source.positionAt(range[1]);
    const message: LintMessage = {
      ruleId,
      severity,
      message: interpolate(template, report.data),
      ...("messageId" in report && report.messageId ? { messageId: report.messageId } : {}),
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      range,
    };
    if (report.help) message.help = report.help;
    if (rule.meta.docs.url) message.docsUrl = rule.meta.docs.url;
    if (report.fix) {
      if (!rule.meta.fixable) throw new Error(`rule ${ruleId} reported a fix without meta.fixable`);
      const fix = mergeEdits(text, report.fix(fixer as RuleTextEditor));
      if (fix) message.fix = fix;
    }
    if (report.suggest && report.suggest.length > 0) {
      if (!rule.meta.hasSuggestions) throw new Error(`rule ${ruleId} reported suggestions without meta.hasSuggestions`);
      const suggestions: LintSuggestion[] = [];
      for (const s of report.suggest) {
        const fix = mergeEdits(text, s.fix(fixer as RuleTextEditor));
        if (!fix) continue;
        const desc = "messageId" in s && s.messageId ? interpolate(rule.meta.messages[s.messageId as string] ?? "", s.data) : (s as { desc: string }).desc;
        suggestions.push({ desc, ...("messageId" in s && s.messageId ? { messageId: s.messageId as string } : {}), fix });
      }
      if (suggestions.length > 0) message.suggestions = suggestions;
    }
    return message;
  };

  const internalError = (ruleId: string, error: unknown): void => {
    const detail = error instanceof Error ? error.message : String(error);
    messages.push(fatalMessage(ruleId, `Internal error in rule ${ruleId}: ${detail}. The rest of the file was linted; please report this.`));
  };

  // Create every enabled rule and index its visitors by node type.
  const listeners = new Map<string, { ruleId: string; fn: (node: unknown) => void }[]>();
  const broken = new Set<string>();
  const cwd = options.cwd ?? process.cwd();
  for (const { ruleId, rule, severity, ruleOptions } of enabledRules(options)) {
    const context = {
      id: ruleId,
      options: ruleOptions,
      sourceCode,
      languageOptions,
      settings: NO_SETTINGS,
      cwd,
      filename: filePath,
      physicalFilename: filePath,
      report: (report: PgReport) => messages.push(makeMessage(ruleId, rule, severity, report)),
    };
    let visitor;
    try {
      visitor = rule.create(context as never);
    } catch (e) {
      internalError(ruleId, e);
      continue;
    }
    for (const key in visitor) {
      const fn = (visitor as Record<string, unknown>)[key];
      if (typeof fn !== "function") continue;
      let list = listeners.get(key);
      if (!list) listeners.set(key, (list = []));
      list.push({ ruleId, fn: fn as (node: unknown) => void });
    }
  }

  const dispatch = (key: string, node: unknown): void => {
    const list = listeners.get(key);
    if (!list) return;
    for (const { ruleId, fn } of list) {
      if (broken.has(ruleId)) continue;
      try {
        fn(node);
      } catch (e) {
        broken.add(ruleId);
        internalError(ruleId, e);
      }
    }
  };

  dispatch("Migration", sourceCode.ast);
  // Only the node types some rule listens to are visited (rules listen to statements, not to every expression).
  const listened = new Set<string>();
  for (const key of listeners.keys()) if (key !== "Migration" && key !== "Migration:exit") listened.add(key.endsWith(":exit") ? key.slice(0, -5) : key);
  if (listened.size > 0) {
    sourceCode.walk(
      (node) => dispatch(node.type, node),
      (node) => dispatch(`${node.type}:exit`, node),
      listened,
    );
  }
  dispatch("Migration:exit", sourceCode.ast);

  // Ignore comments.
  const suppressedMessages: LintMessage[] = [];
  let kept = messages;
  if (text.includes("pgsafe-ignore")) {
    const directives = ignoreDirectives(parsed, sourceCode.source);
    kept = [];
    for (const m of messages) {
      if (!m.fatal && findSuppressor(directives, m.ruleId, m.range[0])) suppressedMessages.push(m);
      else kept.push(m);
    }
    const severity = options.severities["unused-ignore"];
    const unusedRule = options.rules["unused-ignore"];
    if (severity && unusedRule) {
      for (const d of directives) {
        const range: SourceRange = [d.start, d.end];
        const report = (messageId: string, data: Record<string, string>): void => {
          kept.push(makeMessage("unused-ignore", unusedRule, severity, { loc: sourceCode.locOf(range), messageId, data }));
        };
        for (const id of d.rules ?? []) if (!Object.hasOwn(options.rules, id)) report("unknownRule", { rule: id });
        if (!d.rules) {
          if (d.used.size === 0) report(d.kind === "file" ? "unusedFile" : "unused", {});
        } else {
          for (const id of d.rules) if (Object.hasOwn(options.rules, id) && !d.used.has(id)) report(d.kind === "file" ? "unusedRuleFile" : "unusedRule", { rule: id });
        }
      }
    }
  }

  if (options.adjustMessage) kept = kept.map((m) => options.adjustMessage!(m, sourceCode));
  kept.sort(compareMessages);
  options.onParsed?.(parsed);
  let errorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const m of kept) {
    if (m.severity === 2) {
      errorCount++;
      if (m.fix !== undefined) fixableErrorCount++;
    } else {
      warningCount++;
      if (m.fix !== undefined) fixableWarningCount++;
    }
  }
  let statementCount = 0;
  for (const s of parsed.statements) if (!s.hiddenIn) statementCount++;
  for (const e of parsed.errors) if (!e.hiddenIn) statementCount++;
  return {
    filePath,
    messages: kept,
    suppressedMessages,
    errorCount,
    warningCount,
    fixableErrorCount,
    fixableWarningCount,
    source: rawText,
    // Top-level statements only: the statements of DO blocks and called functions are not counted.
    statementCount,
    ...lockTimelines(options, kept.length > 0, parsed, sourceCode),
  };
}
